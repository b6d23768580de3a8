// calls/{callId}/files/{fileId}: what each member tells the other about a file they share.
// The uploader announces it ('uploading') before the bytes go up, then marks it 'ready' or
// 'canceled'; both members watch the collection. Rules hold each write to exactly that.
import {
	collection,
	doc,
	getDoc,
	onSnapshot,
	serverTimestamp,
	Timestamp,
	updateDoc,
	writeBatch,
	type FieldValue,
	type Firestore,
	type Unsubscribe
} from 'firebase/firestore';
import { COLLECTIONS } from '$shared/model';
import {
	parseFileDoc,
	storagePathFor,
	type AllowedContentType,
	type SharedFileCreateWrite,
	type SharedFileDoc,
	type SharedFileUpdateWrite
} from '$shared/files';
import {
	nextUploadStep,
	parseUploadCounter,
	SAFETY_COLLECTIONS,
	SAFETY_LIMITS,
	type UploadCounterStep,
	type UploadCounterWrite
} from '$shared/safety';
import { readConverter } from '../firebase/converter';
import { codeOf } from '$shared/errors';

export const fileDocConverter = readConverter<SharedFileDoc>(parseFileDoc);

export interface SharedFile extends SharedFileDoc {
	id: string;
}

function filesCollection(db: Firestore, callId: string) {
	return collection(db, COLLECTIONS.calls, callId, COLLECTIONS.files);
}

/** A fresh document id, also used as the object's name in Storage. */
export function newFileId(db: Firestore, callId: string): string {
	return doc(filesCollection(db, callId)).id;
}

export interface FileAnnouncement {
	name: string;
	size: number;
	contentType: AllowedContentType;
}

/** Too many uploads started lately (SAFETY_LIMITS.uploads); `retryAtMs` says when one may start. */
export class UploadRateLimitedError extends Error {
	constructor(readonly retryAtMs: number) {
		const { max, windowMs } = SAFETY_LIMITS.uploads;
		const wait = Math.max(1, Math.ceil((retryAtMs - Date.now()) / 1000));
		super(`You can share ${max} files every ${windowMs / 1000} seconds. Try again in ${wait} s.`);
		this.name = 'UploadRateLimitedError';
	}
}

/** Announcements one at a time: each reads the counter the previous one stepped. */
let announcing: Promise<unknown> = Promise.resolve();

/**
 * Announces an upload; returns the Storage path the rules let this user write. The
 * announcement and the user's upload counter (limits/{uid}) go in one batch, which the
 * rules accept only while the counter stays within SAFETY_LIMITS.uploads. Several files
 * sent at once are announced in turn: two batches computed from the same counter would
 * step it to the same value, and the rules would refuse the second.
 */
export function announceFile(...args: Parameters<typeof announceNow>): Promise<string> {
	const turn = announcing.then(() => announceNow(...args));
	announcing = turn.catch(() => {});
	return turn;
}

async function announceNow(
	db: Firestore,
	callId: string,
	uid: string,
	fileId: string,
	file: FileAnnouncement
): Promise<string> {
	const storagePath = storagePathFor(callId, uid, fileId);
	const write: SharedFileCreateWrite<FieldValue> = {
		uploader: uid,
		name: file.name,
		size: file.size,
		contentType: file.contentType,
		storagePath,
		status: 'uploading',
		createdAt: serverTimestamp()
	};
	const counterRef = doc(db, SAFETY_COLLECTIONS.limits, uid);
	const snap = await getDoc(counterRef);
	const counter = snap.exists() ? parseUploadCounter(counterRef.path, snap.data()) : null;
	const windowStartAt: unknown = snap.get('windowStartAt');
	const commit = (step: Exclude<UploadCounterStep, { kind: 'refused' }>) => {
		const next: UploadCounterWrite<FieldValue | Timestamp> =
			step.kind === 'same-window' && windowStartAt instanceof Timestamp
				? { windowStartAt, uploads: step.uploads, lastUploadAt: serverTimestamp(), lastFileId: fileId }
				: { windowStartAt: serverTimestamp(), uploads: 1, lastUploadAt: serverTimestamp(), lastFileId: fileId };
		const batch = writeBatch(db);
		batch.set(doc(filesCollection(db, callId), fileId), write);
		batch.set(counterRef, next);
		return batch.commit();
	};
	const step = nextUploadStep(counter, Date.now());
	if (step.kind === 'refused') throw new UploadRateLimitedError(step.retryAtMs);
	try {
		await commit(step);
	} catch (error) {
		// Our clock and the server's disagree about whether the window is over: the rules
		// accept exactly one of the two ways, so try the other once.
		if (!counter || !isPermissionDenied(error)) throw error;
		if (step.kind === 'new-window' && counter.uploads >= SAFETY_LIMITS.uploads.max) {
			throw new UploadRateLimitedError(counter.windowStartAtMs + SAFETY_LIMITS.uploads.windowMs);
		}
		await commit(step.kind === 'new-window' ? { kind: 'same-window', uploads: counter.uploads + 1 } : { kind: 'new-window' });
	}
	return storagePath;
}

function isPermissionDenied(error: unknown): boolean {
	return codeOf(error) === 'permission-denied';
}

export async function finishFile(
	db: Firestore,
	callId: string,
	fileId: string,
	status: SharedFileUpdateWrite['status']
): Promise<void> {
	const update: SharedFileUpdateWrite = { status };
	await updateDoc(doc(filesCollection(db, callId), fileId), { ...update });
}

/**
 * Calls `onFiles` with every file of the call each time one changes. A malformed document
 * is skipped (and logged) rather than failing the whole list.
 */
export function watchCallFiles(
	db: Firestore,
	callId: string,
	onFiles: (files: SharedFile[]) => void,
	onError: (error: Error) => void
): Unsubscribe {
	return onSnapshot(
		filesCollection(db, callId).withConverter(fileDocConverter),
		(snap) => {
			const files = snap.docs.flatMap((d) => {
				try {
					return [{ id: d.id, ...d.data() }];
				} catch (error) {
					console.warn('Skipping a malformed file entry', error);
					return [];
				}
			});
			onFiles(files);
		},
		onError
	);
}
