// The daily clean-up of abandoned anonymous accounts, run against the Auth and Firestore
// emulators with a clock moved forward: accounts idle for 30 days go with everything
// Tangent stored about them; accounts active within 30 days and their data stay.
import { getAuth } from 'firebase-admin/auth';
import { Timestamp } from 'firebase-admin/firestore';
import { beforeEach, expect, it, vi } from 'vitest';
import { cleanUpAbandonedAccounts } from '../../functions/src/maintenance/accounts';
import { adminDb, clearFirestore } from '../support/admin';
import { createUser, disposeUsers } from '../support/clients';
import { describeWithEmulators, emulatorHosts, PROJECT_ID } from '../support/emulators';

const DAY = 24 * 3_600_000;

async function clearAuth(): Promise<void> {
	const res = await fetch(`http://${emulatorHosts.auth}/emulator/v1/projects/${PROJECT_ID}/accounts`, { method: 'DELETE' });
	if (!res.ok) throw new Error(`Could not clear Auth: HTTP ${res.status}`);
}

describeWithEmulators(['firestore', 'auth'], 'cleanup of abandoned anonymous accounts', () => {
	beforeEach(async () => {
		await Promise.all([clearFirestore(), clearAuth()]);
	});

	it('deletes accounts idle for 30 days and everything stored about them; keeps the rest', async () => {
		const users = await Promise.all([createUser('idle'), createUser('partner')]);
		await disposeUsers(users);
		const [idle, partner] = users;
		const db = adminDb();
		const auth = getAuth();
		const email = await auth.createUser({ email: `keep-${Date.now()}@example.com`, password: 'keep-me-1' });
		const t = Timestamp.now();
		await Promise.all([
			db.doc(`lobby/${idle.uid}`).set({ status: 'left', mode: 'text', interests: [], language: null, patience: 0, joinedAt: t, heartbeatAt: t }),
			db.doc(`safety/${idle.uid}`).set({ blocked: [partner.uid], blockedBy: [], reportsReceived: [], reportsSentAtMs: [t.toMillis()], bannedUntilMs: null }),
			db.doc(`bans/${idle.uid}`).set({ reason: 'reports', reporters: 3, createdAt: t, until: t }),
			db.doc(`limits/${idle.uid}`).set({ windowStartAt: t, uploads: 1, lastUploadAt: t }),
			db.doc(`standing/${idle.uid}`).set({ completedCalls: 4, firstCallAtMs: t.toMillis(), lastCallAtMs: t.toMillis() }),
			db.doc(`rates/iceServers_${idle.uid}`).set({ atMs: [t.toMillis()], expiresAtMs: t.toMillis() }),
			// Reports by and about the idle user, each with a kept account on the other side, so
			// only the idle user's own clean-up can remove them.
			db.doc(`reports/c1_${idle.uid}`).set({ callId: 'c1', reporter: idle.uid, reported: email.uid, reason: 'spam', note: '', createdAt: t }),
			db.doc(`reports/c2_${email.uid}`).set({ callId: 'c2', reporter: email.uid, reported: idle.uid, reason: 'spam', note: '', createdAt: t }),
			db.doc('calls/c1').set({ members: [idle.uid, partner.uid], offerer: idle.uid, mode: 'text', commonInterests: [], status: 'ended', createdAt: t, endedBy: idle.uid, endedAt: t }),
			db.doc(`calls/c1/files/f1`).set({ uploader: idle.uid }),
			db.doc(`lobby/${partner.uid}`).set({ status: 'waiting', mode: 'text', interests: [], language: null, patience: 0, joinedAt: t, heartbeatAt: t })
		]);

		// 29 days on, nobody is abandoned yet.
		const early = await cleanUpAbandonedAccounts(db, auth, null, Date.now() + 29 * DAY);
		expect(early).toEqual({ checked: 3, deleted: 0, documents: 0, complete: true });
		expect((await db.doc(`lobby/${idle.uid}`).get()).exists).toBe(true);

		// 31 days on, both anonymous accounts are; the email account never is.
		const later = await cleanUpAbandonedAccounts(db, auth, null, Date.now() + 31 * DAY);

		expect(later.deleted).toBe(2);
		expect(later.complete).toBe(true);
		const left = (await auth.listUsers()).users.map((u) => u.uid);
		expect(left).toEqual([email.uid]);
		for (const path of [`lobby/${idle.uid}`, `safety/${idle.uid}`, `bans/${idle.uid}`, `limits/${idle.uid}`, `standing/${idle.uid}`, `identities/${idle.uid}`, `rates/iceServers_${idle.uid}`, `reports/c1_${idle.uid}`, `reports/c2_${email.uid}`, 'calls/c1', 'calls/c1/files/f1', `lobby/${partner.uid}`]) {
			expect((await db.doc(path).get()).exists, `${path} should be gone`).toBe(false);
		}
	});

	it('pages through the users under a time budget; a run cut short leaves the rest to the next', async () => {
		const users = await Promise.all([createUser('a'), createUser('b'), createUser('c')]);
		await disposeUsers(users);
		const db = adminDb();
		const auth = getAuth();
		const t = Timestamp.now();
		await Promise.all(users.map((u) => db.doc(`limits/${u.uid}`).set({ windowStartAt: t, uploads: 1, lastUploadAt: t })));
		const later = Date.now() + 31 * DAY;

		// A clock that passes the deadline once the first page has been listed.
		const listing = vi.spyOn(auth, 'listUsers');
		const clock = () => (listing.mock.calls.length > 0 ? 2 : 0);
		const first = await cleanUpAbandonedAccounts(db, auth, null, later, { pageSize: 2, deadlineMs: 1, clock }).finally(() =>
			listing.mockRestore()
		);
		expect(first).toMatchObject({ checked: 2, deleted: 2, complete: false });
		expect((await auth.listUsers()).users).toHaveLength(1);

		const second = await cleanUpAbandonedAccounts(db, auth, null, later, { pageSize: 2 });
		expect(second).toMatchObject({ checked: 1, deleted: 1, complete: true });
		// Each user left the same documents (the upload counter, and what binding the device
		// wrote): the first run removed two users' worth, the second one user's.
		expect(second.documents).toBeGreaterThanOrEqual(1);
		expect(first.documents).toBe(2 * second.documents);
		expect((await auth.listUsers()).users).toHaveLength(0);
		for (const u of users) expect((await db.doc(`limits/${u.uid}`).get()).exists).toBe(false);
	});
});
