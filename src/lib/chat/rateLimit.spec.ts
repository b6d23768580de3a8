import { describe, expect, it } from 'vitest';
import { RECEIVE_LIMIT, SEND_LIMIT, TokenBucket } from './rateLimit';

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms), set: (ms: number) => (now = ms) };
}

function takeAll(bucket: TokenBucket, n: number): boolean[] {
	return Array.from({ length: n }, () => bucket.take());
}

describe('TokenBucket', () => {
	it('lets a burst through at once, then refuses', () => {
		const clock = fakeClock();
		const bucket = new TokenBucket({ burst: 5, perSecond: 1 }, clock.now);
		expect(takeAll(bucket, 6)).toEqual([true, true, true, true, true, false]);
	});

	it('refills at the sustained rate, never beyond the burst', () => {
		const clock = fakeClock();
		const bucket = new TokenBucket({ burst: 5, perSecond: 1 }, clock.now);
		takeAll(bucket, 5);
		clock.advance(999);
		expect(bucket.take()).toBe(false);
		clock.advance(1);
		expect(bucket.take()).toBe(true);
		expect(bucket.take()).toBe(false);
		// A long quiet spell gives back the burst, and no more.
		clock.advance(60_000);
		expect(takeAll(bucket, 6)).toEqual([true, true, true, true, true, false]);
	});

	it('sustains exactly the rate: one a second passes forever', () => {
		const clock = fakeClock();
		const bucket = new TokenBucket({ burst: 5, perSecond: 1 }, clock.now);
		takeAll(bucket, 5);
		for (let i = 0; i < 100; i++) {
			clock.advance(1_000);
			expect(bucket.take()).toBe(true);
		}
	});

	it('says how long until the next message may pass', () => {
		const clock = fakeClock();
		const bucket = new TokenBucket({ burst: 2, perSecond: 2 }, clock.now);
		expect(bucket.waitMs()).toBe(0);
		takeAll(bucket, 2);
		expect(bucket.waitMs()).toBe(500);
		clock.advance(200);
		expect(bucket.waitMs()).toBe(300);
		clock.advance(300);
		expect(bucket.waitMs()).toBe(0);
	});

	it('a clock that jumps backwards refills nothing', () => {
		const clock = fakeClock();
		const bucket = new TokenBucket({ burst: 1, perSecond: 1 }, clock.now);
		bucket.take();
		clock.advance(-10_000);
		expect(bucket.take()).toBe(false);
		clock.advance(1_000);
		expect(bucket.take()).toBe(true);
	});

	it('refuses a limit that could never pass anything', () => {
		expect(() => new TokenBucket({ burst: 0, perSecond: 1 })).toThrow(RangeError);
		expect(() => new TokenBucket({ burst: 3, perSecond: 0 })).toThrow(RangeError);
	});

	it('receives more leniently than it sends, so honest bursts bunched by the network survive', () => {
		expect(RECEIVE_LIMIT.burst).toBeGreaterThanOrEqual(SEND_LIMIT.burst * 2);
		expect(RECEIVE_LIMIT.perSecond).toBeGreaterThanOrEqual(SEND_LIMIT.perSecond * 2);
	});
});
