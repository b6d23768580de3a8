// The `iceServers` callable on the Functions emulator, called the way the app calls it,
// with the params of functions/.env.demo-tangent and the demo secret of .secret.local.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { endCall } from '$lib/call/callDoc';
import { fetchIceServers, FUNCTIONS_REGION } from '$lib/call/iceServers';
import { joinLobby, leaveLobby } from '$lib/matching/lobby';
import { SAFETY_COLLECTIONS, SAFETY_LIMITS, type BanWrite } from '$shared/safety';
import { Timestamp } from 'firebase-admin/firestore';
import { adminDb, clearFirestore } from '../support/admin';
import { matchedPair } from '../support/calls';
import { createUser, disposeUsers, type SimulatedUser } from '../support/clients';
import { inWaves } from '../support/waves';
import { describeWithEmulators, emulatorHosts, hostAndPort, PROJECT_ID } from '../support/emulators';

/** The emulator's TURN_SECRET, read where the Functions emulator reads it. */
function demoSecret(): string {
	const file = readFileSync(new URL('../../functions/.secret.local', import.meta.url), 'utf8');
	const value = /^TURN_SECRET=(.+)$/m.exec(file)?.[1]?.trim();
	if (!value) throw new Error('functions/.secret.local has no TURN_SECRET');
	return value;
}

function functionsHost(): { host: string; port: number } {
	if (!emulatorHosts.functions) throw new Error('Functions emulator required');
	return hostAndPort(emulatorHosts.functions);
}

/** The error code a rejected callable carries, e.g. "functions/unauthenticated". */
async function failureCode(promise: Promise<unknown>): Promise<string> {
	const error: unknown = await promise.then(
		() => new Error('the call succeeded'),
		(e: unknown) => e
	);
	const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
	return typeof code === 'string' ? code : `no code (${String(error)})`;
}

describeWithEmulators(['auth', 'firestore', 'functions'], 'iceServers callable', () => {
	let users: SimulatedUser[] = [];
	const apps: FirebaseApp[] = [];
	// An entry left waiting by an earlier file would be matched with one of this file's pair
	// (a fresh-clone run hung 60 s on just that, twice).
	beforeEach(clearFirestore);
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
		await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
	});

	/**
	 * A signed-in user waiting in the lobby, as the app is when it fetches credentials. In
	 * a mode and with an interest of their own, so other tests' users are not their match
	 * (and if they were, a member of a live call is entitled too).
	 */
	const waitingUser = async (name: string) => {
		const user = await createUser(name);
		users.push(user);
		await joinLobby(user.db, user.uid, { mode: 'audio', interests: [`${name}-${user.uid.slice(0, 6).toLowerCase()}`] });
		return user;
	};

	it('gives a user in the lobby STUN and TURN with a credential signed for them that expires', async () => {
		const user = await waitingUser('ice');
		const before = Math.floor(Date.now() / 1000);

		const response = await fetchIceServers(user.app, functionsHost().host);

		expect(response.iceServers).toContainEqual({ urls: ['stun:127.0.0.1:3478'] });
		const turn = response.iceServers.find((s) => s.urls.some((u) => u.startsWith('turn:')));
		expect(turn?.urls).toEqual(['turn:127.0.0.1:3478?transport=udp']);
		const [expiry, uid, ...rest] = (turn?.username ?? '').split(':');
		expect(uid).toBe(user.uid);
		expect(rest).toEqual([]);
		expect(Number(expiry)).toBeGreaterThanOrEqual(before + 3600);
		expect(Number(expiry)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3600);
		expect(response.expiresAtMs).toBe(Number(expiry) * 1000);
		expect(turn?.credential).toBe(createHmac('sha1', demoSecret()).update(turn?.username ?? '').digest('base64'));

		// Cached until a minute before expiry: the second ask costs no call.
		expect(await fetchIceServers(user.app, functionsHost().host)).toBe(response);
	});

	it('gives a member of a live call credentials', async () => {
		const [alice, bob] = [await createUser('ice-alice'), await createUser('ice-bob')];
		users.push(alice, bob);
		await matchedPair(alice, bob);
		const response = await fetchIceServers(bob.app, functionsHost().host);
		expect(response.iceServers.find((s) => s.username)?.username).toMatch(new RegExp(`^\\d+:${bob.uid}$`));
	});

	it('refuses a signed-in user who is neither in the lobby nor in a call', async () => {
		const user = await createUser('ice-idle');
		users.push(user);
		expect(await failureCode(fetchIceServers(user.app, functionsHost().host))).toBe('functions/failed-precondition');
	});

	it('refuses someone who left the lobby', async () => {
		const user = await waitingUser('ice-left');
		await leaveLobby(user.db, user.uid);
		expect(await failureCode(fetchIceServers(user.app, functionsHost().host))).toBe('functions/failed-precondition');
	});

	it('refuses a member once the call has ended', async () => {
		const [alice, bob] = [await createUser('ice-end-a'), await createUser('ice-end-b')];
		users.push(alice, bob);
		const { callId } = await matchedPair(alice, bob);
		await endCall(alice.db, callId, alice.uid);
		expect(await failureCode(fetchIceServers(bob.app, functionsHost().host))).toBe('functions/failed-precondition');
	});

	it('refuses someone banned while waiting', async () => {
		const user = await waitingUser('ice-banned');
		const ban: BanWrite<Timestamp> = { reason: 'reports', reporters: 3, createdAt: Timestamp.now(), until: Timestamp.fromMillis(Date.now() + 3_600_000) };
		await adminDb().collection(SAFETY_COLLECTIONS.bans).doc(user.uid).set(ban);
		expect(await failureCode(fetchIceServers(user.app, functionsHost().host))).toBe('functions/permission-denied');
	});

	it('refuses callers who are not signed in', async () => {
		const app = initializeApp({ projectId: PROJECT_ID, apiKey: 'demo-api-key' }, `signed-out-${Date.now()}`);
		apps.push(app);
		expect(await failureCode(fetchIceServers(app, functionsHost().host))).toBe('functions/unauthenticated');
	});

	it('takes no arguments', async () => {
		const user = await waitingUser('ice-args');
		const functions = getFunctions(user.app, FUNCTIONS_REGION);
		const { host, port } = functionsHost();
		connectFunctionsEmulator(functions, host, port);
		const call = httpsCallable(functions, 'iceServers');
		expect(await failureCode(call({ uid: 'someone-else' }))).toBe('functions/invalid-argument');
	});

	it(`a burst of racing requests: ${SAFETY_LIMITS.iceServers.max} an hour get credentials, the rest are refused`, async () => {
		const user = await waitingUser('ice-burst');
		const functions = getFunctions(user.app, FUNCTIONS_REGION);
		const { host, port } = functionsHost();
		connectFunctionsEmulator(functions, host, port);
		const call = httpsCallable(functions, 'iceServers');
		const codes = await inWaves(
			Array.from({ length: SAFETY_LIMITS.iceServers.max + 3 }, () => () => call().then(() => 'ok', (e: unknown) => String(Reflect.get(Object(e), 'code'))))
		);
		expect(codes.filter((c) => c === 'ok')).toHaveLength(SAFETY_LIMITS.iceServers.max);
		expect(codes.filter((c) => c !== 'ok')).toEqual(['functions/resource-exhausted', 'functions/resource-exhausted', 'functions/resource-exhausted']);
	}, 90_000);
});
