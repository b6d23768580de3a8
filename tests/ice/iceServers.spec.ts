// The `iceServers` callable on the Functions emulator, called the way the app calls it,
// with the params of functions/.env.demo-tangent and the demo secret of .secret.local.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { afterEach, expect, it } from 'vitest';
import { fetchIceServers, FUNCTIONS_REGION } from '$lib/call/iceServers';
import { SAFETY_LIMITS } from '$shared/safety';
import { createUser, disposeUsers, type SimulatedUser } from '../support/clients';
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
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
		await Promise.all(apps.splice(0).map((app) => deleteApp(app)));
	});

	it('gives a signed-in user STUN and TURN with a credential signed for them that expires', async () => {
		const user = await createUser('ice');
		users.push(user);
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

	it('refuses callers who are not signed in', async () => {
		const app = initializeApp({ projectId: PROJECT_ID, apiKey: 'demo-api-key' }, `signed-out-${Date.now()}`);
		apps.push(app);
		expect(await failureCode(fetchIceServers(app, functionsHost().host))).toBe('functions/unauthenticated');
	});

	it('takes no arguments', async () => {
		const user = await createUser('ice-args');
		users.push(user);
		const functions = getFunctions(user.app, FUNCTIONS_REGION);
		const { host, port } = functionsHost();
		connectFunctionsEmulator(functions, host, port);
		const call = httpsCallable(functions, 'iceServers');
		expect(await failureCode(call({ uid: 'someone-else' }))).toBe('functions/invalid-argument');
	});

	it(`a burst of parallel requests: ${SAFETY_LIMITS.iceServers.max} an hour get credentials, the rest are refused`, async () => {
		const user = await createUser('ice-burst');
		users.push(user);
		const functions = getFunctions(user.app, FUNCTIONS_REGION);
		const { host, port } = functionsHost();
		connectFunctionsEmulator(functions, host, port);
		const call = httpsCallable(functions, 'iceServers');
		const codes = await Promise.all(
			Array.from({ length: SAFETY_LIMITS.iceServers.max + 3 }, () => call().then(() => 'ok', (e: unknown) => String(Reflect.get(Object(e), 'code'))))
		);
		expect(codes.filter((c) => c === 'ok')).toHaveLength(SAFETY_LIMITS.iceServers.max);
		expect(codes.filter((c) => c !== 'ok')).toEqual(['functions/resource-exhausted', 'functions/resource-exhausted', 'functions/resource-exhausted']);
	}, 60_000);
});
