// A closing tab's leave, sent as a beacon (see index.ts lobbyLeave). The body is the
// user's ID token: that proves whose entry it is, and is all a beacon can carry without
// a CORS preflight (text/plain).
import type { Auth } from 'firebase-admin/auth';
import type { Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS, LOBBY_LEAVE } from '../shared/model';

export type BeaconOutcome = 'left' | 'not-waiting' | 'unauthenticated';

export async function leaveByBeacon(firestore: Firestore, auth: Auth, idToken: string): Promise<BeaconOutcome> {
	let uid: string;
	try {
		uid = (await auth.verifyIdToken(idToken.trim())).uid;
	} catch {
		return 'unauthenticated';
	}
	const ref = firestore.collection(COLLECTIONS.lobby).doc(uid);
	const snap = await ref.get();
	if (snap.get('status') !== 'waiting') return 'not-waiting';
	// Guarded by the version read: a match or a new join in between stands.
	try {
		await ref.update({ ...LOBBY_LEAVE }, { lastUpdateTime: snap.updateTime! });
		return 'left';
	} catch {
		return 'not-waiting';
	}
}
