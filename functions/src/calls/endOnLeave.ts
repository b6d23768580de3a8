// Stop pressed in the instant between being matched and the page seeing it: the owner
// marks their entry `left` while it is already `matched`, so their page never learns the
// call and never ends it. Without this the partner would wait for a connection that never
// comes (the connect timeout, ~20 s). The lobby trigger ends the call in the leaver's name
// instead, and callCleanup then marks the partner's entry left, which their page watches.
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS, type CallEndWrite, type FirestoreData } from '../shared/model';

/** The call a lobby write walked away from: matched before, left after. null for any other write. */
export function callLeftUnseen(before: FirestoreData | undefined, after: FirestoreData | undefined): string | null {
	if (before?.status !== 'matched' || after?.status !== 'left') return null;
	const callId: unknown = before.callId;
	return typeof callId === 'string' && callId.length > 0 ? callId : null;
}

export type EndOnLeaveOutcome = 'ended' | 'already-ended' | 'not-a-member' | 'no-call';

/**
 * Ends the call `uid` walked away from, if it is still active. The cleanup marking both
 * entries left after an ordinary hang-up also lands here: the call is ended by then, and
 * this costs one read.
 */
export async function endCallLeftUnseen(firestore: Firestore, uid: string, callId: string): Promise<EndOnLeaveOutcome> {
	const callRef = firestore.collection(COLLECTIONS.calls).doc(callId);
	return firestore.runTransaction(async (tx) => {
		const snap = await tx.get(callRef);
		if (!snap.exists) return 'no-call';
		const members: unknown = snap.get('members');
		if (!Array.isArray(members) || !members.includes(uid)) return 'not-a-member';
		if (snap.get('status') !== 'active') return 'already-ended';
		const end: CallEndWrite<FieldValue> = { status: 'ended', endedBy: uid, endedAt: FieldValue.serverTimestamp() };
		tx.update(callRef, { ...end });
		return 'ended';
	});
}
