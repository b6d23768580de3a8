// The sweep keeps the privacy text's promises on the emulator: call records go 7 days after
// the call ended and reports 30 days after they were filed (shared/retention.ts), nothing
// younger; and a run whose time budget is spent starts nothing, says so, and leaves the
// records to the next run.
import { Timestamp } from 'firebase-admin/firestore';
import { beforeEach, expect, it } from 'vitest';
import { sweepStale } from '../../functions/src/maintenance/sweep';
import { RETENTION_MS } from '../../functions/src/shared/retention';
import { adminDb, clearFirestore } from '../support/admin';
import { describeWithEmulators } from '../support/emulators';

const MINUTE = 60_000;

describeWithEmulators(['firestore'], 'records kept no longer than the privacy text says', () => {
	beforeEach(clearFirestore);

	async function seed(nowMs: number) {
		const db = adminDb();
		const ended = (id: string, endedAgoMs: number) =>
			db.doc(`calls/${id}`).set({
				members: ['u1', 'u2'],
				offerer: 'u1',
				mode: 'text',
				commonInterests: [],
				status: 'ended',
				createdAt: Timestamp.fromMillis(nowMs - endedAgoMs - MINUTE),
				endedBy: 'u1',
				endedAt: Timestamp.fromMillis(nowMs - endedAgoMs)
			});
		const report = (id: string, filedAgoMs: number) =>
			db.doc(`reports/${id}`).set({
				callId: id,
				reporter: 'u1',
				reported: 'u2',
				reason: 'spam',
				note: '',
				createdAt: Timestamp.fromMillis(nowMs - filedAgoMs),
				expireAt: Timestamp.fromMillis(nowMs - filedAgoMs + RETENTION_MS.reports)
			});
		await Promise.all([
			ended('old-call', RETENTION_MS.endedCalls + MINUTE),
			ended('recent-call', RETENTION_MS.endedCalls - MINUTE),
			report('old-report', RETENTION_MS.reports + MINUTE),
			report('recent-report', RETENTION_MS.reports - MINUTE)
		]);
		await db.doc('calls/old-call/signals/u1').set({ candidates: [] });
	}

	const exists = async (path: string) => (await adminDb().doc(path).get()).exists;

	it('deletes call records 7 days after the call ended and reports after 30 days, nothing younger', async () => {
		const now = Date.now();
		await seed(now);
		const report = await sweepStale(adminDb(), now);
		expect(report).toMatchObject({ oldCallRecords: 1, oldReports: 1, complete: true });
		expect(await exists('calls/old-call')).toBe(false);
		expect(await exists('calls/old-call/signals/u1')).toBe(false);
		expect(await exists('reports/old-report')).toBe(false);
		expect(await exists('calls/recent-call')).toBe(true);
		expect(await exists('reports/recent-report')).toBe(true);
	});

	it('with its time budget spent, starts no record clean-up and says it did not finish; the next run does', async () => {
		const now = Date.now();
		await seed(now);
		const spent = await sweepStale(adminDb(), now, { deadlineMs: now, clock: () => now + 1 });
		expect(spent).toMatchObject({ oldCallRecords: 0, oldReports: 0, complete: false });
		expect(await exists('calls/old-call')).toBe(true);
		expect(await exists('reports/old-report')).toBe(true);

		const next = await sweepStale(adminDb(), now);
		expect(next).toMatchObject({ oldCallRecords: 1, oldReports: 1, complete: true });
		expect(await exists('reports/old-report')).toBe(false);
	});
});
