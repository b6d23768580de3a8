// /api/online costs the same whatever the request: the Hosting CDN caches one answer per
// URL, and a random query string makes a new URL, so the function itself must be cheap.
// Each function instance remembers its last count for ONLINE_MAX_AGE_SECONDS, so a crowd
// of requests (any query string) costs at most one count per instance per period.
import type { OnlineCount } from './online';

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
