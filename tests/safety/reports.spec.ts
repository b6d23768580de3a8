// The reportPartner callable and what follows from a report, on the emulator suite: the
// report lands, the pair is blocked for good (the real matchmaker never pairs them again),
// enough different reporters with standing ban a user (the rules refuse their joins, the
// matchmaker never pairs them), reports are rate limited, and bad requests change nothing.
import { Timestamp } from 'firebase-admin/firestore';
import { deleteApp, initializeApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { endCall } from '$lib/call/callDoc';
import { FUNCTIONS_REGION } from '$lib/call/iceServers';
import { readOwnBan } from '$lib/safety/bans';
import { callableMessage, reportPartner } from '$lib/safety/report';
import { PATIENCE_AFTER_MS } from '$shared/model';
import { RETENTION_MS } from '$shared/retention';
import { SAFETY_LIMITS, STANDING } from '$shared/safety';
import { adminDb, backdateJoin, clearFirestore, shardRuns, waitFor } from '../support/admin';
import { createUser, disposeUsers, joinPaced, type SimulatedUser } from '../support/clients';
import { inWaves } from '../support/waves';
import { describeWithEmulators, PROJECT_ID } from '../support/emulators';

const HOST = '127.0.0.1';

/** A call between the two, as the matchmaker would have made it; ended unless said otherwise. */
async function seedCall(members: [string, string], status: 'active' | 'ended' = 'ended', endedAgoMs = 1000): Promise<string> {
	const ref = adminDb().collection('calls').doc();
	const ended = status === 'ended';
	await ref.set({
		members,
		offerer: members[0],
		mode: 'text',
		commonInterests: [],
		status,
		createdAt: Timestamp.fromMillis(Date.now() - endedAgoMs - 60_000),
		endedBy: ended ? members[1] : null,
		endedAt: ended ? Timestamp.fromMillis(Date.now() - endedAgoMs) : null
	});
	return ref.id;
}

/** The callable's error code and message, or 'ok'. */
async function outcome(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
	return promise.then(
		() => ({ code: 'ok', message: '' }),
		(e: unknown) => ({ code: String(Reflect.get(Object(e), 'code')), message: callableMessage(e) })
	);
}

const callsBetween = async (a: string, b: string) =>
	(await adminDb().collection('calls').where('members', 'array-contains', a).get()).docs.filter((d) =>
		(d.get('members') as string[]).includes(b)
	).length;

const entryStatus = async (uid: string) => (await adminDb().doc(`lobby/${uid}`).get()).get('status') as unknown;

describeWithEmulators(['firestore', 'auth', 'functions'], 'reportPartner, blocks and bans on the emulators', () => {
	let users: SimulatedUser[] = [];
	beforeEach(clearFirestore);
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
	});

	it('a member reports the partner: the report lands and both are blocked from each other', async () => {
		const [alice, bob] = (users = await Promise.all([createUser('alice'), createUser('bob')]));
		const callId = await seedCall([alice!.uid, bob!.uid], 'active');

		const response = await reportPartner(alice!.app, HOST, { callId, reason: 'harassment', note: '  insults  ' });

		expect(response).toEqual({ reportId: `${callId}_${alice!.uid}`, blocked: true });
		const report = await adminDb().doc(`reports/${response.reportId}`).get();
		expect(report.data()).toMatchObject({
			callId,
			reporter: alice!.uid,
			reported: bob!.uid,
			reason: 'harassment',
			note: 'insults',
			name: null // no name unless the reporter attaches it
		});
		expect(report.get('createdAt')).toBeInstanceOf(Timestamp);
		// The TTL policy's field: deleted 30 days on, even if the sweep stops running.
		const created: unknown = report.get('createdAt');
		const expires: unknown = report.get('expireAt');
		if (!(created instanceof Timestamp) || !(expires instanceof Timestamp)) throw new Error('createdAt and expireAt must be timestamps');
		expect(Math.abs(expires.toMillis() - created.toMillis() - RETENTION_MS.reports)).toBeLessThan(60_000);
		expect((await adminDb().doc(`safety/${alice!.uid}`).get()).get('blocked')).toEqual([bob!.uid]);
		const bobRecord = await adminDb().doc(`safety/${bob!.uid}`).get();
		expect(bobRecord.get('blockedBy')).toEqual([alice!.uid]);
		expect(bobRecord.get('reportsReceived')).toHaveLength(1);
		expect((await adminDb().doc(`bans/${bob!.uid}`).get()).exists).toBe(false);
	});

	it('an offensive name: the reporter\'s copy of it lands with the report only when attached', async () => {
		const [alice, bob, carol] = (users = await Promise.all([createUser('alice'), createUser('bob'), createUser('carol')]));
		const named = await seedCall([alice!.uid, bob!.uid], 'active');
		const unnamed = await seedCall([carol!.uid, bob!.uid], 'active');

		const attached = await reportPartner(alice!.app, HOST, { callId: named, reason: 'offensive-name', note: '', name: 'Rude Name' });
		const withheld = await reportPartner(carol!.app, HOST, { callId: unnamed, reason: 'offensive-name' });

		expect((await adminDb().doc(`reports/${attached.reportId}`).get()).data()).toMatchObject({
			reason: 'offensive-name',
			reported: bob!.uid,
			name: 'Rude Name'
		});
		expect((await adminDb().doc(`reports/${withheld.reportId}`).get()).get('name')).toBeNull();
	});

	it('report → block → never matched again, however long both wait; a newcomer is matched at once', async () => {
		const [alice, bob, carol] = (users = await Promise.all([createUser('alice'), createUser('bob'), createUser('carol')]));
		await joinPaced(alice!, { mode: 'text' });
		await joinPaced(bob!, { mode: 'text' });
		const first = await waitFor('alice and bob matched', async () => {
			const entry = await adminDb().doc(`lobby/${alice!.uid}`).get();
			return entry.get('status') === 'matched' ? String(entry.get('callId')) : undefined;
		});
		await reportPartner(alice!.app, HOST, { callId: first, reason: 'spam' });
		// As the app does before searching again: one active call per person (the rules refuse a join over it).
		await endCall(alice!.db, first, alice!.uid);

		// Both back in the lobby, waited long enough (joinedAt, as the server counts it) to
		// accept even a recent partner: without the block they would be paired.
		const runs = await shardRuns();
		await joinPaced(alice!, { mode: 'text' });
		await joinPaced(bob!, { mode: 'text' });
		await waitFor('the matcher to run for both joins', async () => ((await shardRuns()) >= runs + 2 ? true : undefined));
		await backdateJoin(alice!.uid, PATIENCE_AFTER_MS.acceptsRecentPartners);
		await backdateJoin(bob!.uid, PATIENCE_AFTER_MS.acceptsRecentPartners);
		await waitFor('the matcher to run for both', async () => ((await shardRuns()) >= runs + 4 ? true : undefined));
		expect(await callsBetween(alice!.uid, bob!.uid)).toBe(1);
		expect([await entryStatus(alice!.uid), await entryStatus(bob!.uid)]).toEqual(['waiting', 'waiting']);

		await joinPaced(carol!, { mode: 'text' });
		const carolsCall = await waitFor('carol matched', async () => {
			const entry = await adminDb().doc(`lobby/${carol!.uid}`).get();
			return entry.get('status') === 'matched' ? String(entry.get('callId')) : undefined;
		});
		const members = (await adminDb().doc(`calls/${carolsCall}`).get()).get('members') as string[];
		expect(members).toContain(carol!.uid);
		expect([alice!.uid, bob!.uid].filter((u) => members.includes(u))).toHaveLength(1);
		expect(await callsBetween(alice!.uid, bob!.uid)).toBe(1);
	}, 60_000);

	it('refuses bad requests with a clear error and changes nothing', async () => {
		const [alice, bob, mallory] = (users = await Promise.all([createUser('alice'), createUser('bob'), createUser('mallory')]));
		const callId = await seedCall([alice!.uid, bob!.uid]);
		const oldCall = await seedCall([alice!.uid, bob!.uid], 'ended', SAFETY_LIMITS.reportAfterCallMs + 60_000);
		const raw = (data: unknown) => httpsCallable(getFunctions(alice!.app, FUNCTIONS_REGION), 'reportPartner')(data);
		connectFunctionsEmulator(getFunctions(alice!.app, FUNCTIONS_REGION), HOST, 5001);

		const signedOutApp = initializeApp({ projectId: PROJECT_ID, apiKey: 'demo-api-key' }, `signed-out-${Date.now()}`);
		const signedOut = getFunctions(signedOutApp, FUNCTIONS_REGION);
		connectFunctionsEmulator(signedOut, HOST, 5001);
		try {
			expect(await outcome(httpsCallable(signedOut, 'reportPartner')({ callId, reason: 'spam' }))).toMatchObject({
				code: 'functions/unauthenticated',
				message: expect.stringMatching(/Sign in first/)
			});
		} finally {
			await deleteApp(signedOutApp);
		}

		const invalid: [unknown, RegExp][] = [
			[null, /Send \{callId, reason, note\?, name\?\}/],
			[{ callId, reason: 'offensive-name', name: 'x'.repeat(21) }, /name must be/],
			[{ callId, reason: 'offensive-name', name: 'Al\u202Eex' }, /name must be/],
			[{ reason: 'spam' }, /callId/],
			[{ callId: '../bans/x', reason: 'spam' }, /callId/],
			[{ callId, reason: 'rude' }, /reason must be one of/],
			[{ callId, reason: 'spam', note: 'x'.repeat(SAFETY_LIMITS.reportNoteMaxChars + 1) }, /at most 500/],
			[{ callId, reason: 'spam', reported: mallory!.uid }, /Unknown field\(s\): reported/],
			[{ callId, reason: 'spam', reportsReceived: 99 }, /Unknown field\(s\): reportsReceived/]
		];
		for (const [body, message] of invalid) {
			expect(await outcome(raw(body))).toEqual({ code: 'functions/invalid-argument', message: expect.stringMatching(message) });
		}
		expect(await outcome(reportPartner(mallory!.app, HOST, { callId, reason: 'spam' }))).toEqual({
			code: 'functions/permission-denied',
			message: 'You can only report someone you were in a chat with.'
		});
		expect(await outcome(reportPartner(alice!.app, HOST, { callId: 'nosuchcall', reason: 'spam' }))).toMatchObject({
			code: 'functions/not-found'
		});
		expect(await outcome(reportPartner(alice!.app, HOST, { callId: oldCall, reason: 'spam' }))).toEqual({
			code: 'functions/failed-precondition',
			message: 'That chat ended too long ago to be reported.'
		});
		expect((await adminDb().collection('reports').get()).size).toBe(0);
		expect((await adminDb().collection('safety').get()).size).toBe(0);

		// Once per call: the second report of the same call is refused, the first stands.
		expect(await outcome(reportPartner(alice!.app, HOST, { callId, reason: 'spam' }))).toMatchObject({ code: 'ok' });
		expect(await outcome(reportPartner(alice!.app, HOST, { callId, reason: 'nudity' }))).toEqual({
			code: 'functions/already-exists',
			message: 'You already reported this chat.'
		});
		const reports = await adminDb().collection('reports').get();
		expect(reports.docs.map((d) => d.get('reason'))).toEqual(['spam']);
		expect((await adminDb().doc(`safety/${bob!.uid}`).get()).get('reportsReceived')).toHaveLength(1);
	}, 60_000);

	it('three different reporters with standing ban the user: joins refused, and the matchmaker never pairs them', async () => {
		const [target, r1, r2, r3, other] = (users = await Promise.all(
			['target', 'r1', 'r2', 'r3', 'other'].map((n) => createUser(n))
		));
		// Each has completed STANDING.fullCalls real calls, the first days ago (see identity.spec.ts for those without).
		for (const r of [r1, r2, r3]) {
			await adminDb().doc(`standing/${r!.uid}`).set({ completedCalls: STANDING.fullCalls, firstCallAtMs: Date.now() - 3 * 86_400_000, lastCallAtMs: Date.now() });
		}
		const calls = await Promise.all([r1, r2, r3].map((r) => seedCall([r!.uid, target!.uid])));
		await joinPaced(target!, { mode: 'video' });

		await reportPartner(r1!.app, HOST, { callId: calls[0]!, reason: 'nudity' });
		await reportPartner(r1!.app, HOST, { callId: calls[0]!, reason: 'nudity' }).catch(() => {}); // still one reporter
		await reportPartner(r2!.app, HOST, { callId: calls[1]!, reason: 'harassment' });
		expect((await adminDb().doc(`bans/${target!.uid}`).get()).exists).toBe(false);
		expect(await entryStatus(target!.uid)).toBe('waiting');

		const before = Date.now();
		await reportPartner(r3!.app, HOST, { callId: calls[2]!, reason: 'spam' });
		const ban = await readOwnBan(target!.db, target!.uid); // the banned user may read why
		expect(ban).toMatchObject({ reason: 'reports', reporters: 3 });
		expect(ban!.untilMs).toBeGreaterThanOrEqual(before + 24 * 3_600_000 - 5_000);
		expect(ban!.untilMs).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000 + 5_000);
		expect(await entryStatus(target!.uid)).toBe('left'); // out of the queue at once

		expect(await outcome(joinPaced(target!, { mode: 'video' }))).toMatchObject({ code: 'permission-denied' });

		// Even an entry that got past the rules (here: written with the Admin SDK) meets the
		// matchmaker's own check, which takes it out of the queue before anyone can pick it.
		await adminDb().doc(`lobby/${target!.uid}`).update({ status: 'waiting', heartbeatAt: Timestamp.now(), joinedAt: Timestamp.now() });
		await waitFor('the matchmaker to turn the banned entry away', async () => ((await entryStatus(target!.uid)) === 'left' ? true : undefined));
		await joinPaced(other!, { mode: 'video' });
		await backdateJoin(other!.uid, PATIENCE_AFTER_MS.acceptsRecentPartners);
		await waitFor('the matcher to run for them', async () => ((await shardRuns('video~any~0of1')) >= 3 ? true : undefined));
		expect(await callsBetween(other!.uid, target!.uid)).toBe(0);
		expect(await entryStatus(other!.uid)).toBe('waiting');
	}, 60_000);

	it(`a burst of reports: ${SAFETY_LIMITS.reports.max} per hour are filed, the rest refused with when to retry`, async () => {
		const [alice] = (users = [await createUser('alice')]);
		const burst = SAFETY_LIMITS.reports.max + 2;
		const calls = await Promise.all(Array.from({ length: burst }, (_, i) => seedCall([alice!.uid, `stranger-${i}`])));

		const results = await inWaves(calls.map((callId) => () => outcome(reportPartner(alice!.app, HOST, { callId, reason: 'spam' }))));

		const refused = results.filter((r) => r.code !== 'ok');
		expect(results.filter((r) => r.code === 'ok')).toHaveLength(SAFETY_LIMITS.reports.max);
		expect(refused).toHaveLength(2);
		for (const r of refused) {
			expect(r).toEqual({
				code: 'functions/resource-exhausted',
				message: expect.stringMatching(/^You have sent 10 reports in the last hour\. You can report again in \d+ min\.$/)
			});
		}
		expect((await adminDb().collection('reports').get()).size).toBe(SAFETY_LIMITS.reports.max);
	}, 90_000);
});
