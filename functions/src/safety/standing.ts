// Standing: how many real calls (STANDING.realCallMinMs or longer) a user completed, and
// since when. Written when a call ends (callCleanup); read when they report someone, to
// weigh the report (reporterWeight in shared/safety.ts).
import type { Firestore, Transaction } from 'firebase-admin/firestore';
import { isRealCall, NO_STANDING, parseStanding, SAFETY_COLLECTIONS, withRealCall, type Standing } from '../shared/safety';
import type { CallDoc } from '../shared/model';

export async function standingOf(firestore: Firestore, uid: string, tx?: Transaction): Promise<Standing> {
	const ref = firestore.collection(SAFETY_COLLECTIONS.standing).doc(uid);
	const snap = tx ? await tx.get(ref) : await ref.get();
	return snap.exists ? parseStanding(ref.path, snap.data() ?? {}) : NO_STANDING;
}

/**
 * Counts an ended call towards both members' standing if it was a real one. Returns how
 * many members it counted for (0 for a short call).
 */
export async function recordEndedCall(firestore: Firestore, call: Pick<CallDoc, 'members' | 'createdAtMs' | 'endedAtMs'>): Promise<number> {
	const endedAtMs = call.endedAtMs;
	if (endedAtMs === null || !isRealCall(call)) return 0;
	await Promise.all(
		call.members.map((uid) =>
			firestore.runTransaction(async (tx) => {
				const current = await standingOf(firestore, uid, tx);
				// The same call's end seen twice (a retried trigger) must not count twice.
				if (current.lastCallAtMs === endedAtMs) return;
				tx.set(firestore.collection(SAFETY_COLLECTIONS.standing).doc(uid), withRealCall(current, endedAtMs));
			})
		)
	);
	return call.members.length;
}
