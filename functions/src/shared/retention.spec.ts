// The privacy table in the README quotes WHAT_IS_KEPT, and the functions that delete
// things use the same durations: one source, so the text cannot drift from what is kept.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ABANDONED_AFTER_MS } from '../maintenance/accounts';
import { ENDED_CALL_RETENTION_MS, MAX_CALL_MS, MAX_FILE_AGE_MS, REPORT_RETENTION_MS } from '../maintenance/sweep';
import { RETENTION_DAYS, RETENTION_MS, WHAT_IS_KEPT, endedCallExpiresAtMs, retentionTableRow } from './retention';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const DAY = 24 * 60 * 60_000;

describe('what is kept, and for how long', () => {
	it('the functions delete on the durations the privacy text states', () => {
		expect(REPORT_RETENTION_MS).toBe(RETENTION_MS.reports);
		expect(ENDED_CALL_RETENTION_MS).toBe(RETENTION_MS.endedCalls);
		expect(ABANDONED_AFTER_MS).toBe(RETENTION_MS.idleAccounts);
		expect(MAX_FILE_AGE_MS).toBe(RETENTION_MS.sharedFilesBackstop);
		// A file can never outlive the longest call plus the backstop.
		expect(MAX_FILE_AGE_MS).toBeGreaterThan(MAX_CALL_MS);
	});

	it('an ended call expires (TTL) on the ended-call retention after it ended', () => {
		expect(endedCallExpiresAtMs(1_000)).toBe(1_000 + 7 * DAY);
	});

	it('states the durations the issue of record promised: 30 days, 7 days, 24 h', () => {
		expect(RETENTION_MS.reports).toBe(30 * DAY);
		expect(RETENTION_MS.endedCalls).toBe(7 * DAY);
		expect(RETENTION_MS.sharedFilesBackstop).toBe(DAY);
		const text = WHAT_IS_KEPT.map((item) => `${item.what}: ${item.howLong}`).join('\n');
		expect(text).toMatch(new RegExp(`Reports .*: ${RETENTION_DAYS.reports} days`));
		expect(text).toMatch(new RegExp(`both people's anonymous ids: ${RETENTION_DAYS.endedCalls} days after the call ends`));
		expect(text).toMatch(/Blocks .*: Until your anonymous id is deleted/);
		expect(text).toMatch(/Server logs .*: 30 days \(the log retention period\)/);
		expect(text).toMatch(/Files you share: .*up to 24 hours/);
	});

	it('the README quotes every row of the privacy table word for word, and no other', () => {
		const missing = WHAT_IS_KEPT.map(retentionTableRow).filter((row) => !README.includes(row));
		expect(missing).toEqual([]);
		const section = README.slice(README.indexOf('<!-- retention:start -->'), README.indexOf('<!-- retention:end -->'));
		const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| What') && !line.startsWith('|---'));
		expect(rows).toEqual(WHAT_IS_KEPT.map(retentionTableRow));
	});
});
