// Identity is free (anonymous sign-in), so on the emulator suite: reports from accounts
// without standing ban nobody, however many; real calls give standing; a ban and the
// blocks from reports follow the person's device to a new uid, and a ban follows their
// network to devices never seen there; binding is rate limited; the banned get no TURN
// credentials and cannot report.
import { randomBytes } from 'node:crypto';
import { Timestamp } from 'firebase-admin/firestore';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { getAuth } from 'firebase/auth';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { endCall } from '$lib/call/callDoc';
import { FUNCTIONS_REGION } from '$lib/call/iceServers';
import { callableMessage, reportPartner } from '$lib/safety/report';
import { PATIENCE_AFTER_MS } from '$shared/model';
import { SAFETY_LIMITS, STANDING } from '$shared/safety';
import { adminDb, backdateJoin, clearFirestore, waitFor } from '../support/admin';
import { bindDevice, createUser, disposeUsers, joinPaced, type SimulatedUser } from '../support/clients';
import { describeWithEmulators, emulatorHosts, PROJECT_ID } from '../support/emulators';

const HOST = '127.0.0.1';
const DAY = 24 * 3_600_000;

async function outcome(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
	return promise.then(
		() => ({ code: 'ok', message: '' }),
		(e: unknown) => ({ code: String(Reflect.get(Object(e), 'code')), message: callableMessage(e) })
	);
}

/** An ended call between the two, as the matchmaker would have made it. */
async function seedCall(members: [string, string]): Promise<string> {
	const ref = adminDb().collection('calls').doc();
	await ref.set({
		members,
		offerer: members[0],
		mode: 'text',
		commonInterests: [],
		status: 'ended',
		createdAt: Timestamp.fromMillis(Date.now() - 120_000),
		endedBy: members[1],
		endedAt: Timestamp.fromMillis(Date.now() - 1000)
	});
	return ref.id;
}

/** Standing as callCleanup leaves it after `calls` real calls, the first `days` ago. */
async function seedStanding(uid: string, calls: number, days: number): Promise<void> {
	await adminDb().doc(`standing/${uid}`).set({ completedCalls: calls, firstCallAtMs: Date.now() - days * DAY, lastCallAtMs: Date.now() - 60_000 });
}

const token = () => randomBytes(16).toString('base64url');
const exists = async (path: string) => (await adminDb().doc(path).get()).exists;

/** bindDevice called as the app does, but with the X-Forwarded-For a client behind that network would arrive with. */
async function bindFrom(user: SimulatedUser, deviceToken: string, address: string): Promise<{ status: number; body: unknown }> {
	const idToken = await getAuth(user.app).currentUser?.getIdToken();
	const response = await fetch(`http://${emulatorHosts.functions}/${PROJECT_ID}/${FUNCTIONS_REGION}/bindDevice`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${idToken}`, 'X-Forwarded-For': address },
		body: JSON.stringify({ data: { deviceToken } })
	});
	return { status: response.status, body: await response.json() };
}

describeWithEmulators(['firestore', 'auth', 'functions'], 'standing, device binding and linked bans on the emulators', () => {
	let users: SimulatedUser[] = [];
	beforeEach(clearFirestore);
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
	});
	const newUsers = async (...names: string[]) => {
		const made = await Promise.all(names.map((n) => createUser(n)));
		users.push(...made);
		return made;
	};

	it('six fresh accounts that each met someone once report them: no ban, and the target still joins', async () => {
		const [target, ...fresh] = await newUsers('target', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6');
		for (const reporter of fresh) {
			const callId = await seedCall([reporter.uid, target!.uid]);
			expect(await outcome(reportPartner(reporter.app, HOST, { callId, reason: 'harassment' }))).toMatchObject({ code: 'ok' });
		}
		expect(await exists(`bans/${target!.uid}`)).toBe(false);
		const marks = (await adminDb().doc(`safety/${target!.uid}`).get()).get('reportsReceived') as { weight: number }[];
		expect(marks.map((m) => m.weight)).toEqual([0, 0, 0, 0, 0, 0]);
		// Each report still blocks that pair.
		expect((await adminDb().doc(`safety/${target!.uid}`).get()).get('blockedBy')).toHaveLength(6);
		expect(await outcome(joinPaced(target!, { mode: 'text' }))).toMatchObject({ code: 'ok' });
	}, 60_000);

	it('accounts with many calls made in the last hours have no standing yet either', async () => {
		const [target, ...fresh] = await newUsers('target', 'g1', 'g2', 'g3');
		for (const reporter of fresh) {
			await seedStanding(reporter.uid, 50, 0.5);
			await reportPartner(reporter.app, HOST, { callId: await seedCall([reporter.uid, target!.uid]), reason: 'spam' });
		}
		expect(await exists(`bans/${target!.uid}`)).toBe(false);
	}, 60_000);

	it('a real call gives both members standing when it ends; a short one does not', async () => {
		const [a, b] = await newUsers('a', 'b');
		const call = async (lastedMs: number) => {
			const ref = adminDb().collection('calls').doc();
			await ref.set({
				members: [a!.uid, b!.uid],
				offerer: a!.uid,
				mode: 'text',
				commonInterests: [],
				status: 'active',
				createdAt: Timestamp.fromMillis(Date.now() - lastedMs),
				endedBy: null,
				endedAt: null
			});
			await endCall(a!.db, ref.id, a!.uid);
			return ref.id;
		};
		// The short call first: the Functions emulator runs triggers one at a time, in order,
		// so by the time the long call's standing shows, the short one's cleanup has run.
		await call(STANDING.realCallMinMs - 5_000);
		const long = await call(STANDING.realCallMinMs + 5_000);
		const longEndedAtMs = ((await adminDb().doc(`calls/${long}`).get()).get('endedAt') as Timestamp).toMillis();
		// Each member's standing is its own transaction: wait until both have the long call,
		// not for the first to land (a fresh-clone run read a's a moment before it was written).
		const standings = await waitFor('the long call in both standings', async () => {
			const snaps = await Promise.all([a!, b!].map((u) => adminDb().doc(`standing/${u.uid}`).get()));
			return snaps.every((snap) => snap.get('lastCallAtMs') === longEndedAtMs)
				? snaps.map((snap) => snap.get('completedCalls') as unknown)
				: undefined;
		});
		expect(standings).toEqual([1, 1]);
	}, 60_000);

	it('a banned person signs in again on the same browser: banned at once, joins refused', async () => {
		const [target, r1, r2, r3] = await newUsers('target', 'r1', 'r2', 'r3');
		const device = token();
		await bindDevice(target!, device);
		for (const reporter of [r1, r2, r3]) {
			await seedStanding(reporter!.uid, STANDING.fullCalls, 3);
			await reportPartner(reporter!.app, HOST, { callId: await seedCall([reporter!.uid, target!.uid]), reason: 'nudity' });
		}
		const ban = await adminDb().doc(`bans/${target!.uid}`).get();
		expect(ban.get('reason')).toBe('reports');

		const [again] = await newUsers('target-again');
		expect(await bindDevice(again!, device)).toEqual({ bannedUntilMs: ban.get('until').toMillis() });
		expect((await adminDb().doc(`bans/${again!.uid}`).get()).get('reason')).toBe('linked');
		expect(await outcome(joinPaced(again!, { mode: 'text' }))).toMatchObject({ code: 'permission-denied' });
		// The banned cannot report, and get no relay.
		const callId = await seedCall([again!.uid, r1!.uid]);
		expect(await outcome(reportPartner(again!.app, HOST, { callId, reason: 'spam' }))).toMatchObject({ code: 'functions/permission-denied' });
		const functions = getFunctions(again!.app, FUNCTIONS_REGION);
		connectFunctionsEmulator(functions, HOST, 5001);
		expect(await outcome(httpsCallable(functions, 'iceServers')())).toMatchObject({ code: 'functions/permission-denied' });
	}, 60_000);

	it('a reported person signs in again on the same browser: still never matched with the reporter', async () => {
		const [reporter, reported] = await newUsers('reporter', 'reported');
		const device = token();
		await bindDevice(reported!, device);
		await reportPartner(reporter!.app, HOST, { callId: await seedCall([reporter!.uid, reported!.uid]), reason: 'spam' });

		const [again] = await newUsers('reported-again');
		await bindDevice(again!, device);
		expect((await adminDb().doc(`safety/${again!.uid}`).get()).get('blockedBy')).toEqual([reporter!.uid]);
		expect((await adminDb().doc(`safety/${reporter!.uid}`).get()).get('blocked')).toEqual([reported!.uid, again!.uid]);

		// Both waiting, long enough to take anyone (joinedAt moved back past every widening),
		// and a witness who joins last: the matcher pairs the witness with one of them, and
		// leaves the blocked pair apart.
		await joinPaced(reporter!, { mode: 'text' });
		await joinPaced(again!, { mode: 'text' });
		for (const u of [reporter!, again!]) await backdateJoin(u.uid, PATIENCE_AFTER_MS.acceptsRecentPartners + 1_000);
		const [witness] = await newUsers('witness');
		await joinPaced(witness!, { mode: 'text' });
		const status = async (u: SimulatedUser) => (await adminDb().doc(`lobby/${u.uid}`).get()).get('status');
		await waitFor('the witness matched', async () => ((await status(witness!)) === 'matched' ? true : undefined));
		expect([await status(reporter!), await status(again!)].sort()).toEqual(['matched', 'waiting']);
		const calls = await adminDb().collection('calls').get();
		const pairs = calls.docs.map((d) => [...(d.get('members') as string[])].sort().join('+'));
		expect(pairs).not.toContain([reporter!.uid, again!.uid].sort().join('+'));
	}, 60_000);

	it('a ban follows the network to a browser never seen there, not to one already known', async () => {
		const [target, known, r1, r2, r3] = await newUsers('target', 'known', 'r1', 'r2', 'r3');
		const knownDevice = token();
		expect((await bindFrom(target!, token(), '203.0.113.7')).status).toBe(200);
		expect((await bindFrom(known!, knownDevice, '203.0.113.50')).status).toBe(200);
		for (const reporter of [r1, r2, r3]) {
			await seedStanding(reporter!.uid, STANDING.fullCalls, 3);
			await reportPartner(reporter!.app, HOST, { callId: await seedCall([reporter!.uid, target!.uid]), reason: 'spam' });
		}
		expect(await exists(`bans/${target!.uid}`)).toBe(true);
		// The network is stored only as a salted hash.
		const networks = await adminDb().collection('networks').get();
		expect(networks.size).toBe(1);
		expect(JSON.stringify(networks.docs[0]?.data()) + networks.docs[0]?.id).not.toContain('203.0.113');

		const [newcomer, knownAgain, elsewhere] = await newUsers('newcomer', 'known-again', 'elsewhere');
		expect(await bindFrom(newcomer!, token(), '203.0.113.99')).toMatchObject({ status: 200, body: { result: { bannedUntilMs: expect.any(Number) } } });
		expect(await bindFrom(knownAgain!, knownDevice, '203.0.113.99')).toEqual({ status: 200, body: { result: { bannedUntilMs: null } } });
		expect(await bindFrom(elsewhere!, token(), '198.51.100.4')).toEqual({ status: 200, body: { result: { bannedUntilMs: null } } });
	}, 60_000);

	it(`binding: ${SAFETY_LIMITS.bindsPerDevice.max} new accounts per device an hour, then refused with when to retry`, async () => {
		const device = token();
		const made = await newUsers(...Array.from({ length: SAFETY_LIMITS.bindsPerDevice.max + 1 }, (_, i) => `u${i}`));
		const results = [];
		for (const user of made) results.push(await outcome(bindDevice(user, device)));
		expect(results.slice(0, -1).every((r) => r.code === 'ok')).toBe(true);
		expect(results.at(-1)).toEqual({
			code: 'functions/resource-exhausted',
			message: expect.stringMatching(/^Too many new sessions from this device or network\. Try again in \d+ (s|min)\.$/)
		});
		// A reload binds the same uid to the same device again: free, and still allowed.
		expect(await outcome(bindDevice(made[0]!, device))).toMatchObject({ code: 'ok' });
	}, 90_000);

	it('binding refuses a bad device token and a signed-out caller', async () => {
		const [user] = await newUsers('u');
		for (const bad of ['short', 'x'.repeat(65), 'has spaces in it, 1234567890', 42]) {
			expect(await outcome(bindDevice(user!, bad as string))).toMatchObject({ code: 'functions/invalid-argument' });
		}
		const response = await fetch(`http://${emulatorHosts.functions}/${PROJECT_ID}/${FUNCTIONS_REGION}/bindDevice`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ data: { deviceToken: token() } })
		});
		expect(response.status).toBe(401);
	});
});
