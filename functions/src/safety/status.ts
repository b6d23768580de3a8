// The operator's view (GET /api/status): how many people are online and waiting per mode,
// how many calls are running and were made in the last minute, how many reports and bans
// the last hour brought. Counted with aggregation queries, like the public counter.
import { timingSafeEqual } from 'node:crypto';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { LOBBY_STALE_AFTER_MS } from '../matching/policy';
import { CHAT_MODES, COLLECTIONS, type ChatMode } from '../shared/model';
import { SAFETY_COLLECTIONS } from '../shared/safety';

export interface OperatorStatus {
	countedAtMs: number;
	online: number;
	waiting: Record<ChatMode, number>;
	activeCalls: number;
	matchesLastMinute: number;
	reportsLastHour: number;
	bansLastHour: number;
}

export async function operatorStatus(firestore: Firestore, nowMs: number): Promise<OperatorStatus> {
	const count = async (query: FirebaseFirestore.Query) => (await query.count().get()).data().count;
	const since = (ms: number) => Timestamp.fromMillis(nowMs - ms);
	const lobby = firestore.collection(COLLECTIONS.lobby);
	const calls = firestore.collection(COLLECTIONS.calls);
	// Online = waiting with a live heartbeat (the per-mode counts) + in a call (matched
	// entries), as countOnline() counts it, without counting the waiting twice.
	const [waiting, inCalls, activeCalls, matchesLastMinute, reportsLastHour, bansLastHour] = await Promise.all([
		Promise.all(
			CHAT_MODES.map((mode) =>
				count(lobby.where('status', '==', 'waiting').where('mode', '==', mode).where('heartbeatAt', '>=', since(LOBBY_STALE_AFTER_MS)))
			)
		),
		count(lobby.where('status', '==', 'matched')),
		count(calls.where('status', '==', 'active')),
		count(calls.where('createdAt', '>=', since(60_000))),
		count(firestore.collection(SAFETY_COLLECTIONS.reports).where('createdAt', '>=', since(3_600_000))),
		count(firestore.collection(SAFETY_COLLECTIONS.bans).where('createdAt', '>=', since(3_600_000)))
	]);
	return {
		countedAtMs: nowMs,
		online: waiting.reduce((a, b) => a + b, 0) + inCalls,
		waiting: { text: waiting[0] ?? 0, video: waiting[1] ?? 0, audio: waiting[2] ?? 0 },
		activeCalls,
		matchesLastMinute,
		reportsLastHour,
		bansLastHour
	};
}

/** The bearer token of an Authorization header, or null. */
export function bearerToken(header: string | undefined): string | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
	return match?.[1] ?? null;
}

/** Compares in constant time, so the response time does not leak how much of a guess was right. */
export function isSameSecret(given: string, expected: string): boolean {
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return expected.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}
