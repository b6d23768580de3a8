// Baseline matcher: the single-document queue that the few atomic Firestore matchers in
// the wild use. Every client runs one transaction on `waiting_room/main`: if someone is
// queued, take the oldest, create the call and remove them from the queue; otherwise
// append yourself and wait. The call document is keyed by the waiter's uid, so the waiter
// watches one document of its own (the cheapest way for it to learn its call; many
// implementations make every waiter watch the queue document instead, which is worse).
//
// Implemented in the bench only, with the client SDK as the clients would run it. Not
// tuned to lose: FIFO, no artificial delays, the SDK's own transaction retries (5
// attempts), and a client whose transaction gives up simply tries again (see worker.mjs).
import { doc, serverTimestamp } from 'firebase/firestore';

export const WAITING_ROOM = ['waiting_room', 'main'];
export const CALLS = 'waiting_room_calls';

/**
 * The transaction body. Returns `{ role: 'taker', callId, partner }` when it paired the
 * caller with the oldest waiter, `{ role: 'waiter' }` when it queued the caller.
 */
export async function singleDocMatch(tx, db, uid) {
	const roomRef = doc(db, ...WAITING_ROOM);
	const snap = await tx.get(roomRef);
	const queue = snap.exists() && Array.isArray(snap.get('queue')) ? snap.get('queue') : [];
	const partner = queue.find((u) => u !== uid);
	if (partner) {
		tx.set(doc(db, CALLS, partner), { members: [partner, uid], createdAt: serverTimestamp() });
		tx.set(roomRef, { queue: queue.filter((u) => u !== partner) });
		return { role: 'taker', callId: partner, partner };
	}
	if (!queue.includes(uid)) tx.set(roomRef, { queue: [...queue, uid] });
	return { role: 'waiter' };
}
