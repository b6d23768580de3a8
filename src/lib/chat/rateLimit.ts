// Chat messages travel browser to browser, so no server can limit them: each end does.
// The sender refuses to send faster than SEND_LIMIT (and says so); the receiver drops what
// comes faster than RECEIVE_LIMIT, which is looser so that honest messages bunched up by
// the network are never lost. A token bucket: `burst` messages at once, then `perSecond`.

export interface RateLimit {
	/** Messages that may go out at once after a quiet spell. */
	burst: number;
	/** Messages per second once the burst is spent. */
	perSecond: number;
}

/** What a person typing may send: a quick flurry, then about one a second. */
export const SEND_LIMIT: Readonly<RateLimit> = Object.freeze({ burst: 5, perSecond: 1 });

/** What we accept from the stranger: twice the sender's, for network jitter. */
export const RECEIVE_LIMIT: Readonly<RateLimit> = Object.freeze({ burst: 10, perSecond: 2 });

export type Clock = () => number;

export class TokenBucket {
	readonly #limit: RateLimit;
	readonly #now: Clock;
	#tokens: number;
	#updatedAt: number;

	constructor(limit: RateLimit, now: Clock = Date.now) {
		if (!(limit.burst >= 1) || !(limit.perSecond > 0)) throw new RangeError('A rate limit needs burst ≥ 1 and perSecond > 0');
		this.#limit = limit;
		this.#now = now;
		this.#tokens = limit.burst;
		this.#updatedAt = now();
	}

	/** Takes one token if there is one: true when the message may pass. */
	take(): boolean {
		this.#refill();
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}

	/** Milliseconds until `take()` would succeed (0 when it would now). */
	waitMs(): number {
		this.#refill();
		return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) * 1000) / this.#limit.perSecond);
	}

	#refill(): void {
		const now = this.#now();
		// A clock that went backwards (a changed system time) refills nothing.
		const elapsed = Math.max(0, now - this.#updatedAt);
		this.#tokens = Math.min(this.#limit.burst, this.#tokens + (elapsed * this.#limit.perSecond) / 1000);
		this.#updatedAt = now;
	}
}
