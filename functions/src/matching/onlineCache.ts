// /api/online costs the same whatever the request: the Hosting CDN caches one answer per
// URL, and a random query string makes a new URL, so the function itself must be cheap.
// The count lives in one document (stats/online), recomputed by at most one request per
// ONLINE_MAX_AGE_SECONDS (a lease stops a crowd of requests from all recomputing), and each
// function instance remembers the document for a while, so most requests read nothing.
import type { Firestore } from 'firebase-admin/firestore';
import { countOnline, type OnlineCount } from './online';

export const ONLINE_STATS_PATH = 'stats/online';
/** How long one recomputation may take before another request may try. */
const LEASE_MS = 10_000;

interface StoredStats {
	count: OnlineCount | null;
	refreshingUntilMs: number;
}

function storedStats(data: FirebaseFirestore.DocumentData | undefined): StoredStats {
	const count: unknown = data?.count;
	const field = (key: string): number | null => {
		const value: unknown = typeof count === 'object' && count !== null ? Reflect.get(count, key) : undefined;
		return typeof value === 'number' ? value : null;
	};
	const [online, waiting, inCalls, countedAtMs] = [field('online'), field('waiting'), field('inCalls'), field('countedAtMs')];
	const lease: unknown = data?.refreshingUntilMs;
	return {
		count: online !== null && waiting !== null && inCalls !== null && countedAtMs !== null ? { online, waiting, inCalls, countedAtMs } : null,
		refreshingUntilMs: typeof lease === 'number' ? lease : 0
	};
}

export type Counter = (firestore: Firestore, nowMs: number) => Promise<OnlineCount>;

/** The count from stats/online, recomputed (by this request) only when it is older than `maxAgeMs`. */
export async function sharedOnlineCount(firestore: Firestore, nowMs: number, maxAgeMs: number, count: Counter = countOnline): Promise<OnlineCount> {
	const ref = firestore.doc(ONLINE_STATS_PATH);
	const decision = await firestore.runTransaction(async (tx) => {
		const stored = storedStats((await tx.get(ref)).data());
		if (stored.count && nowMs - stored.count.countedAtMs < maxAgeMs) return { refresh: false as const, count: stored.count };
		// Someone is recomputing already: the slightly old count will do meanwhile.
		if (stored.count && stored.refreshingUntilMs > nowMs) return { refresh: false as const, count: stored.count };
		tx.set(ref, { count: stored.count, refreshingUntilMs: nowMs + LEASE_MS });
		return { refresh: true as const, count: stored.count };
	});
	if (!decision.refresh) return decision.count;
	const fresh = await count(firestore, nowMs);
	await ref.set({ count: fresh, refreshingUntilMs: 0 });
	return fresh;
}

/**
 * One instance's memory of the last count: requests within `memoMs` of the last lookup
 * share it (and a lookup in flight) without touching Firestore.
 */
export class OnlineCountMemo {
	#last: { atMs: number; value: Promise<OnlineCount> } | null = null;

	constructor(private readonly memoMs: number) {}

	get(nowMs: number, lookUp: () => Promise<OnlineCount>): Promise<OnlineCount> {
		if (this.#last && nowMs - this.#last.atMs < this.memoMs) return this.#last.value;
		const value = lookUp();
		const entry = { atMs: nowMs, value };
		this.#last = entry;
		value.catch(() => {
			if (this.#last === entry) this.#last = null; // a failure is not remembered
		});
		return value;
	}
}
