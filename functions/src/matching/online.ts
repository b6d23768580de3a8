// "N people online": everyone waiting in the lobby with a fresh heartbeat plus everyone in
// a call (their lobby entries stay `matched` until the call ends). Counted with aggregation
// queries (one read per 1,000 entries), served over HTTPS with a CDN cache, so a million
// people looking at the start page cost a few function runs a minute, not a read each.
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS } from '../shared/model';
import { LOBBY_STALE_AFTER_MS } from './policy';

export interface OnlineCount {
	online: number;
	waiting: number;
	inCalls: number;
	countedAtMs: number;
}

export async function countOnline(firestore: Firestore, nowMs: number): Promise<OnlineCount> {
	const lobby = firestore.collection(COLLECTIONS.lobby);
	const [waiting, inCalls] = await Promise.all([
		lobby
			.where('status', '==', 'waiting')
			.where('heartbeatAt', '>=', Timestamp.fromMillis(nowMs - LOBBY_STALE_AFTER_MS))
			.count()
			.get(),
		lobby.where('status', '==', 'matched').count().get()
	]);
	const w = waiting.data().count;
	const c = inCalls.data().count;
	return { online: w + c, waiting: w, inCalls: c, countedAtMs: nowMs };
}
