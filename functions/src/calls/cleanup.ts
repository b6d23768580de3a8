// What a call leaves behind when it ends: both members' signal documents (session
// descriptions and ICE candidates), the members' lobby entries that still point at it (marked
// left, as a member leaving would; the sweep deletes them), and the
// files shared in it (their Firestore entries and the bytes in Cloud Storage). The slim
// call document (members, who ended it, when) stays so a member can still report.
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS, type CallDoc, type CallExpiryWrite, LOBBY_LEAVE } from '../shared/model';
import { endedCallExpiresAtMs } from '../shared/retention';
import { callStoragePrefix } from '../shared/files';
import { codeOf } from '../shared/errors';
import { lobbyCollection } from '../firestore';
import type { CallFileStore } from '../storage';

export interface CleanupReport {
	/** False when the call's record was already deleted; the rest was cleaned up all the same. */
	recordFound: boolean;
	fileEntries: number;
	/** False when Storage was skipped (the functions emulator without a Storage emulator). */
	storageCleared: boolean;
}

/**
 * `files` is the call's Cloud Storage, or null where there is none to reach (the
 * emulator without Storage); the Firestore side is cleaned up regardless.
 */
export async function cleanUpEndedCall(
	firestore: Firestore,
	callId: string,
	call: CallDoc,
	files: CallFileStore | null
): Promise<CleanupReport> {
	const callRef = firestore.collection(COLLECTIONS.calls).doc(callId);
	const lobby = lobbyCollection(firestore);
	// No transaction: a transaction would lock the members' lobby entries while the
	// matchmaker pairs those same people again after Next, and locked documents are where
	// the emulator (and production, under contention) stalls. Plain reads, then deletes
	// guarded by the version we read, give the same guarantee without any lock.
	const lobbyEntries = await firestore.getAll(...call.members.map((uid) => lobby.doc(uid)));
	// The record's TTL field, for the policy on calls.expireAt (README "Operations"); the
	// sweep deletes by endedAt on the same duration where no TTL runs (the emulator).
	const expiry: CallExpiryWrite<Timestamp> = { expireAt: Timestamp.fromMillis(endedCallExpiresAtMs(call.endedAtMs ?? Date.now())) };
	const clearSignalsAndStampExpiry = (withExpiry: boolean) => {
		const batch = firestore.batch();
		for (const uid of call.members) batch.delete(callRef.collection(COLLECTIONS.signals).doc(uid));
		if (withExpiry) batch.update(callRef, { ...expiry });
		return batch.commit();
	};
	// The record can be gone before this runs (the sweep deletes old records, and an event
	// may be delivered again after that). The update then fails the whole batch with
	// NOT_FOUND; the rest of the teardown must still happen, and must not throw: a trigger
	// that throws is retried or, on the emulator, has its worker killed with the next event.
	let recordFound = true;
	await clearSignalsAndStampExpiry(true).catch((error: unknown) => {
		if (!isNotFound(error)) throw error;
		recordFound = false;
		return clearSignalsAndStampExpiry(false);
	});
	await Promise.all(
		lobbyEntries.map(async (snap) => {
			const entry = snap.data();
			// A member who already pressed "New chat" has a fresh waiting entry: leave it be.
			if (entry?.status !== 'matched' || entry.callId !== callId) return;
			// Marked left, not deleted: its joinedAt is what the join rate limit compares with.
			await snap.ref.update({ ...LOBBY_LEAVE }, { lastUpdateTime: snap.updateTime }).catch((error: unknown) => {
				// Rewritten since we read it (the member rejoined): exactly what we must not delete.
				if (!isFailedPrecondition(error)) throw error;
			});
		})
	);

	// The rules stopped every read and write of the files when the call ended; now the
	// bytes and their entries go. Both are attempted even if one fails; the sweep deletes
	// any bytes left behind after 24 hours, and old call records with their entries.
	const [bytes, entries] = await Promise.allSettled([
		files ? files.deletePrefix(callStoragePrefix(callId)) : Promise.resolve(),
		deleteFileEntries(firestore, callId)
	]);
	if (bytes.status === 'rejected') throw bytes.reason;
	if (entries.status === 'rejected') throw entries.reason;
	return { recordFound, fileEntries: entries.value, storageCleared: files !== null };
}

/** Deletes calls/{callId}/files/*; returns how many there were. */
async function deleteFileEntries(firestore: Firestore, callId: string): Promise<number> {
	const collection = firestore.collection(COLLECTIONS.calls).doc(callId).collection(COLLECTIONS.files);
	let deleted = 0;
	for (;;) {
		const snap = await collection.limit(400).get();
		if (snap.empty) return deleted;
		const batch = firestore.batch();
		snap.docs.forEach((d) => batch.delete(d.ref));
		await batch.commit();
		deleted += snap.size;
	}
}

function isFailedPrecondition(error: unknown): boolean {
	return codeOf(error) === '9'; // gRPC FAILED_PRECONDITION
}

function isNotFound(error: unknown): boolean {
	return codeOf(error) === '5'; // gRPC NOT_FOUND
}
