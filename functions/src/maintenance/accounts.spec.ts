import { describe, expect, it } from 'vitest';
import { ABANDONED_AFTER_MS, isAbandoned } from './accounts';

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
