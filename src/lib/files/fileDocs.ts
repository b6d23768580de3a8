// calls/{callId}/files/{fileId}: what each member tells the other about a file they share.
// The uploader announces it ('uploading') before the bytes go up, then marks it 'ready' or
// 'canceled'; both members watch the collection. Rules hold each write to exactly that.
import {
	collection,
	doc,
	onSnapshot,
	serverTimestamp,
	setDoc,
	updateDoc,
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
import { readConverter } from '../firebase/converter';

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

/** Announces an upload; returns the Storage path the rules let this user write. */
export async function announceFile(
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
	await setDoc(doc(filesCollection(db, callId), fileId), write);
	return storagePath;
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
