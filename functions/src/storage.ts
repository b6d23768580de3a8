// Admin SDK access to the files shared in calls (Cloud Storage), behind the small
// interface the cleanup and the sweep need, so their fan-out is testable with a fake.
import { logger } from 'firebase-functions/v2';
import { getStorage } from 'firebase-admin/storage';
import { adminApp } from './firestore';

export interface StoredObject {
	name: string;
	createdAtMs: number;
	delete(): Promise<void>;
}

export interface CallFileStore {
	/** Deletes every object whose name starts with `prefix`. */
	deletePrefix(prefix: string): Promise<void>;
	/** One page of the objects under `prefix`, oldest-first order not guaranteed. */
	listPage(prefix: string, pageToken?: string): Promise<{ objects: StoredObject[]; nextPageToken?: string }>;
}

const PAGE_SIZE = 500;

/**
 * The default bucket, or null in the functions emulator when no Storage emulator runs
 * (its jar cannot be had offline): the Admin SDK would otherwise try production Storage.
 */
export function callFileStore(): CallFileStore | null {
	if (process.env.FUNCTIONS_EMULATOR === 'true' && !process.env.FIREBASE_STORAGE_EMULATOR_HOST) {
		logger.info('Shared files: skipping Cloud Storage, the Storage emulator is not running');
		return null;
	}
	// Resolved on use, so a missing default bucket fails the Storage step, not the whole run.
	const bucket = () => {
		return getStorage(adminApp()).bucket();
	};
	return {
		async deletePrefix(prefix) {
			await bucket().deleteFiles({ prefix, force: true });
		},
		async listPage(prefix, pageToken) {
			const query = { prefix, autoPaginate: false, maxResults: PAGE_SIZE, pageToken };
			const [files, next] = await bucket().getFiles(query);
			const nextPageToken = next && 'pageToken' in next && typeof next.pageToken === 'string' ? next.pageToken : undefined;
			return {
				nextPageToken,
				objects: files.map((file) => ({
					name: file.name,
					// Unknown creation time: treat as new, so nothing is deleted on a guess.
					createdAtMs: file.metadata.timeCreated ? Date.parse(file.metadata.timeCreated) : Number.NaN,
					delete: async () => {
						await file.delete({ ignoreNotFound: true });
					}
				}))
			};
		}
	};
}
