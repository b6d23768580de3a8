import { describe, expect, it } from 'vitest';
import { ABANDONED_AFTER_MS, isAbandoned, mapWithConcurrency } from './accounts';

const DAY = 24 * 60 * 60_000;
const NOW = 100 * DAY;

describe('isAbandoned', () => {
	const anonymous = { providers: 0, createdAtMs: NOW - 40 * DAY, lastSignInAtMs: NOW - 40 * DAY, lastRefreshAtMs: null };

	it('an anonymous account idle for longer than 30 days is abandoned', () => {
		expect(ABANDONED_AFTER_MS).toBe(30 * DAY);
		expect(isAbandoned(anonymous, NOW)).toBe(true);
	});
	it('any recent activity keeps it: a sign-in, a token refresh (an open tab), a recent creation', () => {
		expect(isAbandoned({ ...anonymous, lastSignInAtMs: NOW - 29 * DAY }, NOW)).toBe(false);
		expect(isAbandoned({ ...anonymous, lastRefreshAtMs: NOW - DAY }, NOW)).toBe(false);
		expect(isAbandoned({ ...anonymous, createdAtMs: NOW - DAY, lastSignInAtMs: null }, NOW)).toBe(false);
	});
	it('exactly 30 days idle is not yet abandoned', () => {
		expect(isAbandoned({ ...anonymous, lastSignInAtMs: NOW - 30 * DAY, createdAtMs: NOW - 30 * DAY }, NOW)).toBe(false);
	});
	it('an account with a sign-in provider is never touched', () => {
		expect(isAbandoned({ ...anonymous, providers: 1 }, NOW)).toBe(false);
	});
});

describe('mapWithConcurrency', () => {
	it('runs every task, never more than the limit at once, and keeps the input order', async () => {
		let running = 0;
		let peak = 0;
		const results = await mapWithConcurrency([5, 1, 4, 2, 3, 0, 6], 3, async (n) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((resolve) => setTimeout(resolve, n));
			running--;
			return n * 10;
		});
		expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
		expect(peak).toBe(3);
	});

	it('handles no items and a limit above the item count', async () => {
		expect(await mapWithConcurrency([], 20, async () => 1)).toEqual([]);
		expect(await mapWithConcurrency([1, 2], 20, async (n) => n)).toEqual([1, 2]);
	});
});
