import { describe, expect, it } from 'vitest';
import {
	avoidedBy,
	banDecision,
	EMPTY_SAFETY_RECORD,
	InvalidRequestError,
	isBanActive,
	isRealCall,
	keepNewest,
	nextUploadStep,
	NO_STANDING,
	parseReportRequest,
	parseSafetyRecord,
	rateCheck,
	REPORT_REASONS,
	reporterWeight,
	SAFETY_LIMITS,
	STANDING,
	withRealCall,
	type Standing
} from './safety';

describe('parseReportRequest', () => {
	it('accepts a call id, a reason and an optional note, trimming the note', () => {
		expect(parseReportRequest({ callId: 'abcDEF123', reason: 'spam' })).toEqual({
			callId: 'abcDEF123',
			reason: 'spam',
			note: '',
			name: null
		});
		expect(parseReportRequest({ callId: 'x1', reason: 'other', note: '  sent links  ' })).toEqual({
			callId: 'x1',
			reason: 'other',
			note: 'sent links',
			name: null
		});
		for (const reason of REPORT_REASONS) expect(parseReportRequest({ callId: 'c', reason }).reason).toBe(reason);
	});

	it('takes the stranger\'s name only as their browser showed it, when the reporter attaches it', () => {
		expect(parseReportRequest({ callId: 'c', reason: 'offensive-name', name: 'Alex' })).toMatchObject({
			reason: 'offensive-name',
			name: 'Alex'
		});
		expect(parseReportRequest({ callId: 'c', reason: 'spam', name: null }).name).toBeNull();
		expect(parseReportRequest({ callId: 'c', reason: 'spam', name: '🦊'.repeat(20) }).name).toBe('🦊'.repeat(20));
	});

	const bad: [string, unknown, RegExp][] = [
		['nothing', null, /Send \{callId, reason, note\?, name\?\}/],
		['a list', ['c', 'spam'], /Send/],
		['a string', 'spam', /Send/],
		['no call id', { reason: 'spam' }, /callId/],
		['a path as call id', { callId: '../lobby/x', reason: 'spam' }, /callId/],
		['a call id of 129 chars', { callId: 'a'.repeat(129), reason: 'spam' }, /callId/],
		['a number as call id', { callId: 42, reason: 'spam' }, /callId/],
		[
			'an unknown reason',
			{ callId: 'c', reason: 'rude' },
			/reason must be one of: spam, nudity, harassment, underage, offensive-name, other/
		],
		['no reason', { callId: 'c' }, /reason/],
		['a note that is not text', { callId: 'c', reason: 'spam', note: 7 }, /note must be text/],
		[
			`a note of ${SAFETY_LIMITS.reportNoteMaxChars + 1} chars`,
			{ callId: 'c', reason: 'spam', note: 'x'.repeat(SAFETY_LIMITS.reportNoteMaxChars + 1) },
			/at most 500/
		],
		['a name of 21 characters', { callId: 'c', reason: 'offensive-name', name: 'x'.repeat(21) }, /name must be/],
		['a name that is not text', { callId: 'c', reason: 'offensive-name', name: ['Alex'] }, /name must be/],
		['a name hiding a right-to-left override', { callId: 'c', reason: 'offensive-name', name: 'Al\u202Eex' }, /name must be/],
		['a name of zero-width characters', { callId: 'c', reason: 'offensive-name', name: '\u200B\u200D' }, /name must be/],
		['forged extra fields', { callId: 'c', reason: 'spam', reported: 'someone', reports: 99 }, /Unknown field\(s\): reported, reports/]
	];
	for (const [what, body, message] of bad) {
		it(`refuses ${what} with a message saying what is wrong`, () => {
			expect(() => parseReportRequest(body)).toThrow(InvalidRequestError);
			expect(() => parseReportRequest(body)).toThrow(message);
		});
	}
});

describe('rateCheck (sliding window)', () => {
	const limit = { max: 3, windowMs: 1000 };
	it('allows up to max events in the window, then says when the next may come', () => {
		expect(rateCheck([], 5000, limit)).toEqual({ allowed: true, retryAtMs: null });
		expect(rateCheck([4100, 4500], 5000, limit).allowed).toBe(true);
		expect(rateCheck([4100, 4500, 4900], 5000, limit)).toEqual({ allowed: false, retryAtMs: 5100 });
	});
	it('forgets events that left the window, in any order', () => {
		expect(rateCheck([4900, 3000, 4100, 4500], 5000, limit)).toEqual({ allowed: false, retryAtMs: 5100 });
		expect(rateCheck([3000, 3500, 4000, 4900], 5000, limit).allowed).toBe(true);
	});
});

describe('banDecision', () => {
	const policy = { reportsToBan: 3, windowMs: 10_000, banMs: 60_000 };
	const full = (by: string, atMs: number) => ({ by, atMs, weight: 1 });
	it('bans when enough weight from different people came in within the window', () => {
		const reports = [full('a', 1000), full('b', 5000), full('c', 9000)];
		expect(banDecision(reports, 9000, policy)).toEqual({ reporters: 3, weight: 3, banUntilMs: 69_000 });
	});
	it('counts people, not reports: one person reporting three times is one reporter', () => {
		const reports = [1, 2, 3].map((i) => full('a', i * 1000));
		expect(banDecision(reports, 4000, policy)).toEqual({ reporters: 1, weight: 1, banUntilMs: null });
	});
	it('forgets reports older than the window', () => {
		const reports = [full('a', 0), full('b', 5000), full('c', 11_000)];
		expect(banDecision(reports, 11_000, policy)).toEqual({ reporters: 2, weight: 2, banUntilMs: null });
	});
	it('any number of reporters without standing (weight 0) ban nobody', () => {
		const reports = Array.from({ length: 500 }, (_, i) => ({ by: `fresh-${i}`, atMs: 9000, weight: 0 }));
		expect(banDecision(reports, 9000, policy)).toEqual({ reporters: 500, weight: 0, banUntilMs: null });
	});
	it('half-weight reporters need twice as many', () => {
		const half = (n: number) => Array.from({ length: n }, (_, i) => ({ by: `h${i}`, atMs: 9000, weight: 0.5 }));
		expect(banDecision(half(5), 9000, policy).banUntilMs).toBeNull();
		expect(banDecision(half(6), 9000, policy).banUntilMs).toBe(69_000);
	});
	it('a ban is active until its end', () => {
		expect(isBanActive({ untilMs: 100 }, 99)).toBe(true);
		expect(isBanActive({ untilMs: 100 }, 100)).toBe(false);
		expect(isBanActive(null, 0)).toBe(false);
	});
});

describe('nextUploadStep', () => {
	const { max, windowMs } = SAFETY_LIMITS.uploads;
	it('opens a window for the first upload and after a window ends', () => {
		expect(nextUploadStep(null, 1000)).toEqual({ kind: 'new-window' });
		expect(nextUploadStep({ windowStartAtMs: 0, uploads: max }, windowMs)).toEqual({ kind: 'new-window' });
	});
	it('counts inside the window up to the limit, then refuses until the window ends', () => {
		expect(nextUploadStep({ windowStartAtMs: 0, uploads: 1 }, 10)).toEqual({ kind: 'same-window', uploads: 2 });
		expect(nextUploadStep({ windowStartAtMs: 0, uploads: max }, windowMs - 1)).toEqual({ kind: 'refused', retryAtMs: windowMs });
	});
});

describe('the safety record', () => {
	it('avoids everyone blocked in either direction', () => {
		expect([...avoidedBy({ ...EMPTY_SAFETY_RECORD, blocked: ['a'], blockedBy: ['b', 'a'] })].sort()).toEqual(['a', 'b']);
	});
	it('keeps only the newest entries of a history', () => {
		expect(keepNewest([1, 2, 3, 4], 2)).toEqual([3, 4]);
		expect(keepNewest([1], 2)).toEqual([1]);
	});
	it('parses what the functions write and refuses what they never would', () => {
		const record = { ...EMPTY_SAFETY_RECORD, blocked: ['x'], reportsReceived: [{ by: 'y', atMs: 5, weight: 0.5 }], reportsSentAtMs: [1], bannedUntilMs: 9 };
		expect(parseSafetyRecord('safety/u', record)).toEqual(record);
		expect(() => parseSafetyRecord('safety/u', { ...record, reportsReceived: [{ by: 3 }] })).toThrow(/reportsReceived/);
		expect(() => parseSafetyRecord('safety/u', { ...record, bannedUntilMs: 'soon' })).toThrow(/bannedUntilMs/);
	});
	it('reads a report mark without a weight (filed before weights existed) as weighing nothing', () => {
		const record = { ...EMPTY_SAFETY_RECORD, reportsReceived: [{ by: 'y', atMs: 5 }] };
		expect(parseSafetyRecord('safety/u', record).reportsReceived).toEqual([{ by: 'y', atMs: 5, weight: 0 }]);
	});
});

describe('reporterWeight', () => {
	const policy = { reportsToBan: 3, windowMs: 24 * 3_600_000, banMs: 24 * 3_600_000 };
	const now = 100 * 24 * 3_600_000;
	const daysAgo = (d: number) => now - d * 24 * 3_600_000;
	const standing = (completedCalls: number, firstDaysAgo: number | null): Standing => ({
		completedCalls,
		firstCallAtMs: firstDaysAgo === null ? null : daysAgo(firstDaysAgo),
		lastCallAtMs: firstDaysAgo === null ? null : now
	});
	it('a brand-new account weighs nothing', () => {
		expect(reporterWeight(NO_STANDING, EMPTY_SAFETY_RECORD, now, policy)).toBe(0);
	});
	it(`fewer than ${STANDING.minCalls} real calls weigh nothing, however old the first`, () => {
		expect(reporterWeight(standing(STANDING.minCalls - 1, 30), EMPTY_SAFETY_RECORD, now, policy)).toBe(0);
	});
	it('many real calls in the last hours weigh nothing until a day has passed since the first', () => {
		expect(reporterWeight(standing(50, 0.5), EMPTY_SAFETY_RECORD, now, policy)).toBe(0);
		expect(reporterWeight(standing(50, 1), EMPTY_SAFETY_RECORD, now, policy)).toBe(1);
	});
	it(`some standing weighs half, ${STANDING.fullCalls} real calls weigh 1`, () => {
		expect(reporterWeight(standing(STANDING.minCalls, 2), EMPTY_SAFETY_RECORD, now, policy)).toBe(0.5);
		expect(reporterWeight(standing(STANDING.fullCalls, 2), EMPTY_SAFETY_RECORD, now, policy)).toBe(1);
	});
	it('a banned reporter weighs nothing', () => {
		const banned = { ...EMPTY_SAFETY_RECORD, bannedUntilMs: now + 1 };
		expect(reporterWeight(standing(100, 30), banned, now, policy)).toBe(0);
	});
	it('a reporter reported by others lately weighs half as much', () => {
		const reported = { ...EMPTY_SAFETY_RECORD, reportsReceived: [{ by: 'x', atMs: now - 1000, weight: 1 }] };
		expect(reporterWeight(standing(100, 30), reported, now, policy)).toBe(0.5);
	});
	it('real calls are those that lasted long enough', () => {
		expect(isRealCall({ createdAtMs: 0, endedAtMs: STANDING.realCallMinMs })).toBe(true);
		expect(isRealCall({ createdAtMs: 0, endedAtMs: STANDING.realCallMinMs - 1 })).toBe(false);
		expect(isRealCall({ createdAtMs: 0, endedAtMs: null })).toBe(false);
		expect(withRealCall(withRealCall(NO_STANDING, 5), 9)).toEqual({ completedCalls: 2, firstCallAtMs: 5, lastCallAtMs: 9 });
	});
});
