// A closing tab's leave, sent as a beacon (see index.ts lobbyLeave). The body is the
// user's ID token: that proves whose entry it is, and is all a beacon can carry without
// a CORS preflight (text/plain).
import type { Auth } from 'firebase-admin/auth';
import type { Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS, LOBBY_LEAVE } from '../shared/model';

export type BeaconOutcome = 'left' | 'not-in-line' | 'unauthenticated';

/**
 * Marks the sender's entry left if it is waiting or matched. A matched entry's call is then
 * ended in the sender's name by the lobby trigger (endOnLeave), if it is still active: a
 * closing tab's goodbye reaches the partner over the data channel, but its write ending the
 * call may not get out, and the partner waits a moment before ending it themselves (the
 * end is the leaver's, for their Undo); if the partner closes their tab meanwhile, nobody
 * would end the call at all.
 */
export async function leaveByBeacon(firestore: Firestore, auth: Auth, idToken: string): Promise<BeaconOutcome> {
	let uid: string;
	try {
		uid = (await auth.verifyIdToken(idToken.trim())).uid;
	} catch {
		return 'unauthenticated';
	}
	const ref = firestore.collection(COLLECTIONS.lobby).doc(uid);
	const snap = await ref.get();
	const status: unknown = snap.get('status');
	if (status !== 'waiting' && status !== 'matched') return 'not-in-line';
	// Guarded by the version read: a match or a new join in between stands.
	try {
		await ref.update({ ...LOBBY_LEAVE }, { lastUpdateTime: snap.updateTime! });
		return 'left';
	} catch {
		return 'not-in-line';
	}
}
