// The backstop for everything a vanished page leaves behind. Pages clean up after
// themselves when they can (leave the lobby, end the call); a closed laptop or a crash
// cannot, so a scheduled run removes what is stale. The matchmaker already ignores stale
// lobby entries (policy.isAlive); this keeps them from piling up.
import { FieldValue, Timestamp, type Firestore, type Query } from 'firebase-admin/firestore';
import { COLLECTIONS, type CallEndWrite } from '../shared/model';
import { RETENTION_MS } from '../shared/retention';
import { SAFETY_COLLECTIONS } from '../shared/safety';
import type { CallFileStore } from '../storage';

/** A waiting entry with no heartbeat for this long belongs to a page that is gone. */
export const WAITING_ENTRY_TTL_MS = 60_000;
/** Calls end after this long at most (both pages vanished without a word). */
export const MAX_CALL_MS = 6 * 60 * 60_000;
/** Slim records of ended calls (for reports and "don't rematch") are kept this long. */
export const ENDED_CALL_RETENTION_MS = RETENTION_MS.endedCalls;
/**
 * Shared files are deleted when their call ends (callCleanup); any still in Storage after
 * this long (a cleanup that failed) are deleted by the sweep. Calls end after MAX_CALL_MS,
 * so no live call has files this old.
 */
export const MAX_FILE_AGE_MS = RETENTION_MS.sharedFilesBackstop;
/** Every shared file lives under this prefix (storagePathFor in shared/files.ts). */
export const SHARED_FILES_PREFIX = 'calls/';

/** Left entries go once nobody could be rate limited by them any more. */
export const LEFT_ENTRY_TTL_MS = 60_000;

/** Reports are kept this long for moderators, then deleted (the terms page says so). */
export const REPORT_RETENTION_MS = RETENTION_MS.reports;

export interface SweepReport {
	staleWaiting: number;
	leftEntries: number;
	abandonedCalls: number;
	oldCallRecords: number;
	oldReports: number;
	/** False when the time budget ran out first: the next run (5 minutes on) continues. */
	complete: boolean;
}

/** How many shared files the sweep deleted; null when Storage was skipped (emulator). */
export interface FileSweepReport {
	oldFiles: number | null;
	complete?: boolean;
}

/** Start no new batch after `deadlineMs` (by `clock`): a run must end within its timeout. */
export interface SweepBudget {
	deadlineMs: number;
	clock?: () => number;
}

const BATCH = 400;

async function forEachBatch(query: Query, act: (refs: FirebaseFirestore.DocumentReference[]) => Promise<void>) {
	let total = 0;
	for (;;) {
		const snap = await query.limit(BATCH).get();
		if (snap.empty) return total;
		await act(snap.docs.map((d) => d.ref));
		total += snap.size;
		if (snap.size < BATCH) return total;
	}
}

/**
 * Like forEachBatch for the record clean-ups, under a time budget. Each query selects by
 * age what is still there, so deleting a batch pages on, and a run stopped by the budget
 * leaves the rest to the next one. Returns how many went and whether none are left.
 */
async function forEachBatchWithin(
	query: Query,
	budget: SweepBudget,
	act: (refs: FirebaseFirestore.DocumentReference[]) => Promise<void>
): Promise<{ count: number; complete: boolean }> {
	const clock = budget.clock ?? Date.now;
	let count = 0;
	for (;;) {
		if (clock() > budget.deadlineMs) return { count, complete: false };
		const snap = await query.limit(BATCH).get();
		if (snap.empty) return { count, complete: true };
		await act(snap.docs.map((d) => d.ref));
		count += snap.size;
		if (snap.size < BATCH) return { count, complete: true };
	}
}

export async function sweepStale(
	firestore: Firestore,
	nowMs: number,
	budget: SweepBudget = { deadlineMs: Infinity }
): Promise<SweepReport> {
	const lobby = firestore.collection(COLLECTIONS.lobby);
	const calls = firestore.collection(COLLECTIONS.calls);
	const deleteAll = async (refs: FirebaseFirestore.DocumentReference[]) => {
		const batch = firestore.batch();
		refs.forEach((ref) => batch.delete(ref));
		await batch.commit();
	};

	const staleWaiting = await forEachBatch(
		lobby.where('status', '==', 'waiting').where('heartbeatAt', '<', Timestamp.fromMillis(nowMs - WAITING_ENTRY_TTL_MS)),
		// A page may come back to life between the query and the delete: only delete entries
		// whose heartbeat is still old, inside a transaction per entry.
		async (refs) => {
			await Promise.all(
				refs.map((ref) =>
					firestore.runTransaction(async (tx) => {
						const snap = await tx.get(ref);
						const beat: unknown = snap.get('heartbeatAt');
						const stale = beat instanceof Timestamp && beat.toMillis() < nowMs - WAITING_ENTRY_TTL_MS;
						if (snap.get('status') === 'waiting' && stale) tx.delete(ref);
					})
				)
			);
		}
	);

	// Guarded like the waiting ones: the owner may have joined again since the query. An
	// entry that left a call still active stays: its callId is what makes the rules refuse
	// a second call (one active call per person); without it the next join would be a
	// create, with nothing to check. The call ends by a member, or by this sweep after
	// MAX_CALL_MS, and the entry goes on a later run. Kept entries stay in the query, so it
	// pages on with a cursor rather than by deleting.
	let leftEntries = 0;
	let after: FirebaseFirestore.QueryDocumentSnapshot | null = null;
	for (;;) {
		const leftQuery = lobby
			.where('status', '==', 'left')
			.where('joinedAt', '<', Timestamp.fromMillis(nowMs - LEFT_ENTRY_TTL_MS))
			.orderBy('joinedAt')
			.limit(BATCH);
		const page: FirebaseFirestore.QuerySnapshot = await (after ? leftQuery.startAfter(after) : leftQuery).get();
		const deleted = await Promise.all(
			page.docs.map((doc) =>
				firestore.runTransaction(async (tx) => {
					const snap = await tx.get(doc.ref);
					const joined: unknown = snap.get('joinedAt');
					const old = joined instanceof Timestamp && joined.toMillis() < nowMs - LEFT_ENTRY_TTL_MS;
					if (snap.get('status') !== 'left' || !old) return false;
					const callId: unknown = snap.get('callId');
					if (typeof callId === 'string' && callId !== '') {
						const call = await tx.get(firestore.collection(COLLECTIONS.calls).doc(callId));
						if (call.exists && call.get('status') === 'active') return false;
					}
					tx.delete(doc.ref);
					return true;
				})
			)
		);
		leftEntries += deleted.filter(Boolean).length;
		if (page.size < BATCH) break;
		after = page.docs[page.docs.length - 1] ?? null;
	}

	// Ending them lets callCleanup strip their signaling and lobby entries as usual.
	const abandonedCalls = await forEachBatchWithin(
		calls.where('status', '==', 'active').where('createdAt', '<', Timestamp.fromMillis(nowMs - MAX_CALL_MS)),
		budget,
		async (refs) => {
			const batch = firestore.batch();
			const end: Omit<CallEndWrite<FieldValue>, 'endedBy'> & { endedBy: null } = {
				status: 'ended',
				endedBy: null,
				endedAt: FieldValue.serverTimestamp()
			};
			refs.forEach((ref) => batch.update(ref, { ...end }));
			await batch.commit();
		}
	);

	const oldCallRecords = await forEachBatchWithin(
		calls.where('status', '==', 'ended').where('endedAt', '<', Timestamp.fromMillis(nowMs - ENDED_CALL_RETENTION_MS)),
		budget,
		async (refs) => {
			// Candidate documents are gone already (callCleanup); delete them again in case a
			// cleanup run failed, then the record itself. One BulkWriter for the batch.
			const writer = firestore.bulkWriter();
			const deletes = refs.map((ref) => firestore.recursiveDelete(ref, writer));
			await Promise.all(deletes);
			await writer.close();
		}
	);

	const oldReports = await forEachBatchWithin(
		firestore.collection(SAFETY_COLLECTIONS.reports).where('createdAt', '<', Timestamp.fromMillis(nowMs - REPORT_RETENTION_MS)),
		budget,
		deleteAll
	);

	return {
		staleWaiting,
		leftEntries,
		abandonedCalls: abandonedCalls.count,
		oldCallRecords: oldCallRecords.count,
		oldReports: oldReports.count,
		complete: abandonedCalls.complete && oldCallRecords.complete && oldReports.complete
	};
}

/** Deletes shared files older than MAX_FILE_AGE_MS, whatever became of their call. */
export async function sweepOldFiles(
	files: CallFileStore | null,
	nowMs: number,
	budget: SweepBudget = { deadlineMs: Infinity }
): Promise<FileSweepReport> {
	if (!files) return { oldFiles: null };
	const clock = budget.clock ?? Date.now;
	let oldFiles = 0;
	let pageToken: string | undefined;
	do {
		if (clock() > budget.deadlineMs) return { oldFiles, complete: false };
		const page = await files.listPage(SHARED_FILES_PREFIX, pageToken);
		// A NaN creation time compares false: an object of unknown age is kept.
		const old = page.objects.filter((o) => o.createdAtMs < nowMs - MAX_FILE_AGE_MS);
		await Promise.all(old.map((o) => o.delete()));
		oldFiles += old.length;
		pageToken = page.nextPageToken;
	} while (pageToken);
	return { oldFiles, complete: true };
}
