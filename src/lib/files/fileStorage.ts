// Cloud Storage for shared files. Loaded on first use (the first file sent or received),
// so neither the start page nor a chat without files pays for the Storage SDK.
//
// Downloads go through getBlob(), which the rules check on every request: no
// getDownloadURL(), whose token links would keep working after the call ends.
import type { FirebaseApp } from 'firebase/app';
import {
	connectStorageEmulator,
	deleteObject,
	getBlob,
	getStorage,
	ref,
	uploadBytesResumable,
	type FirebaseStorage
} from 'firebase/storage';
import { FILE_LIMITS, FILE_SERVER_PATIENCE_MS, type AllowedContentType } from '$shared/files';
import { codeOf } from '$shared/errors';
import type { FileStore, UploadHandle } from './fileShare.svelte';

/**
 * The SDK retries a refused connection for 10 minutes by default (upload) or 2 (download); a
 * chat tells the user within FILE_SERVER_PATIENCE_MS. A request under way is not cut short by
 * this (the SDK only stops retrying), so a slow upload of a big file still finishes.
 */
const RETRY_LIMIT_MS = FILE_SERVER_PATIENCE_MS;
/** The Storage emulator's port in firebase.json. */
const EMULATOR_PORT = 9199;

const instances = new WeakMap<FirebaseApp, FirebaseStorage>();

function storageFor(app: FirebaseApp, emulatorHost: string | null): FirebaseStorage {
	let storage = instances.get(app);
	if (!storage) {
		storage = getStorage(app);
		if (emulatorHost) connectStorageEmulator(storage, emulatorHost, EMULATOR_PORT);
		storage.maxUploadRetryTime = RETRY_LIMIT_MS;
		storage.maxOperationRetryTime = RETRY_LIMIT_MS;
		instances.set(app, storage);
	}
	return storage;
}

export function connectFileStore(app: FirebaseApp, emulatorHost: string | null): FileStore {
	const storage = storageFor(app, emulatorHost);
	return {
		upload(path: string, data: Blob, contentType: AllowedContentType): UploadHandle {
			const task = uploadBytesResumable(ref(storage, path), data, { contentType });
			return {
				done: new Promise<void>((resolve, reject) => {
					task.on(
						'state_changed',
						() => {},
						(error) => reject(error),
						() => resolve()
					);
				}),
				onProgress(listener) {
					task.on('state_changed', (snap) => listener(snap.bytesTransferred, snap.totalBytes));
				},
				cancel: () => void task.cancel()
			};
		},
		download(path: string): Promise<Blob> {
			return getBlob(ref(storage, path), FILE_LIMITS.maxBytes);
		},
		async remove(path: string): Promise<void> {
			try {
				await deleteObject(ref(storage, path));
			} catch (error) {
				// Nothing there (the upload never finished): nothing to remove.
				if (codeOf(error) !== 'storage/object-not-found') throw error;
			}
		}
	};
}
