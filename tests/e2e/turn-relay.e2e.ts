// NAT traversal through TURN: Debian's coturn on 127.0.0.1 with the TURN REST API secret,
// credentials from the `iceServers` callable on the Functions emulator (called through the
// client SDK by a signed-in anonymous user), and two Chromium contexts that may only use relay candidates
// (`iceTransportPolicy: 'relay'`). Then the refusals: a forged credential and an expired
// one get no relay allocation.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type BrowserContext, type JSHandle, type Page } from '@playwright/test';
import { doc, serverTimestamp, setDoc, updateDoc, type FieldValue } from 'firebase/firestore';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import type { IceServer } from '$shared/ice';
import type { LobbyJoinWrite, LobbyLeaveWrite } from '$shared/model';
import { acceptTermsIn } from './support';
import { clearFirestore } from '../support/admin';
import { createUser, disposeUsers } from '../support/clients';
import { emulatorHosts, hostAndPort } from '../support/emulators';

// functions/ is a CommonJS package, whose named exports Playwright's ESM loader cannot see
// in the TypeScript source; the compiled copy the emulator runs (npm run build:functions)
// loads fine through require.
const { parseIceServersResponse }: typeof import('$shared/ice') = createRequire(import.meta.url)(
	'../../functions/lib/shared/ice.js'
);

const TURNSERVER = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';
const TURN_HOST = '127.0.0.1';
const TURN_PORT = 3478; // what functions/.env.demo-tangent hands out
const REALM = 'tangent.local';
/** How long a browser may take to get (or be refused) a relay allocation. */
const GATHER_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 15_000;

const emulatorsRunning = Boolean(process.env.FIRESTORE_EMULATOR_HOST);
const haveCoturn = existsSync(TURNSERVER);
const SKIP_REASON = !emulatorsRunning
	? 'the Firebase emulators are not running; run the end-to-end tests through `npm test`.'
	: `coturn is not installed (no ${TURNSERVER}); install it with \`apt-get install coturn\` ` +
		'(.ci/run does) or point TURNSERVER_PATH at a turnserver binary.';
if (!emulatorsRunning || !haveCoturn) console.warn(`\n⚠️  SKIPPED turn-relay e2e: ${SKIP_REASON}\n`);

/** The emulator's TURN_SECRET (functions/.secret.local), which coturn must share. */
function demoSecret(): string {
	const file = readFileSync(new URL('../../functions/.secret.local', import.meta.url), 'utf8');
	const value = /^TURN_SECRET=(.+)$/m.exec(file)?.[1]?.trim();
	if (!value) throw new Error('functions/.secret.local has no TURN_SECRET');
	return value;
}

// ---------------------------------------------------------------------------------------
// coturn as a child process

interface Coturn {
	process: ChildProcess;
	log: string[];
	dir: string;
}

async function startCoturn(secret: string): Promise<Coturn> {
	await assertPortFree();
	const dir = mkdtempSync(join(tmpdir(), 'tangent-coturn-'));
	const child = spawn(
		TURNSERVER,
		[
			'-n', // no config file: /etc/turnserver.conf does not apply
			`--userdb=${join(dir, 'turndb')}`,
			`--pidfile=${join(dir, 'turnserver.pid')}`,
			'--use-auth-secret',
			`--static-auth-secret=${secret}`,
			`--realm=${REALM}`,
			`--listening-ip=${TURN_HOST}`,
			`--listening-port=${TURN_PORT}`,
			`--relay-ip=${TURN_HOST}`,
			'--allow-loopback-peers',
			'--no-tls',
			'--no-dtls',
			'--no-cli',
			'--fingerprint',
			'--log-file=stdout',
			'--simple-log',
			'--min-port=49160',
			'--max-port=49200'
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] }
	);
	const coturn: Coturn = { process: child, log: [], dir };
	const keep = (chunk: Buffer) => coturn.log.push(...chunk.toString().split('\n').filter(Boolean));
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	const exited = new Promise<never>((_, reject) =>
		child.once('exit', (code, signal) =>
			reject(new Error(`turnserver exited early (${code ?? signal}):\n${coturn.log.slice(-30).join('\n')}`))
		)
	);
	exited.catch(() => undefined); // awaited below; after startup an exit is stopCoturn's business
	const deadline = performance.now() + 10_000;
	while (!(await Promise.race([stunAnswers(), exited]))) {
		if (performance.now() > deadline) {
			await stopCoturn(coturn);
			throw new Error(`turnserver did not answer STUN on ${TURN_HOST}:${TURN_PORT} within 10 s`);
		}
	}
	return coturn;
}

async function stopCoturn(coturn: Coturn): Promise<void> {
	const { process: child } = coturn;
	if (child.exitCode === null && child.signalCode === null) {
		const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		child.kill('SIGTERM');
		const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
		await gone;
		clearTimeout(timer);
	}
	rmSync(coturn.dir, { recursive: true, force: true });
}

/** Another TURN server on our port would answer with a different secret: fail clearly instead. */
function assertPortFree(): Promise<void> {
	return new Promise((resolve, reject) => {
		const socket = createSocket('udp4');
		socket.once('error', (error) => {
			socket.close();
			reject(new Error(`UDP ${TURN_HOST}:${TURN_PORT} is taken (${error.message}); is another TURN server running?`));
		});
		socket.bind(TURN_PORT, TURN_HOST, () => socket.close(() => resolve()));
	});
}

/** Sends one STUN Binding request; true when a Binding success response comes back. */
function stunAnswers(): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = createSocket('udp4');
		const request = Buffer.alloc(20);
		request.writeUInt16BE(0x0001, 0); // Binding request, no attributes
		request.writeUInt32BE(0x2112a442, 4); // magic cookie
		for (let i = 8; i < 20; i++) request[i] = Math.floor(Math.random() * 256);
		const done = (answered: boolean) => {
			clearTimeout(timer);
			socket.close();
			resolve(answered);
		};
		const timer = setTimeout(() => done(false), 300);
		socket.on('message', (reply) => done(reply.readUInt16BE(0) === 0x0101 && reply.subarray(8, 20).equals(request.subarray(8, 20))));
		socket.on('error', () => done(false));
		socket.send(request, TURN_PORT, TURN_HOST);
	});
}

// ---------------------------------------------------------------------------------------
// Credentials

/**
 * What the app gets: a signed-in anonymous user in the lobby (the function hands
 * credentials only to someone looking for a partner or in a call) calls `iceServers`
 * through the client SDK, then leaves.
 */
async function iceServersFromFunction(): Promise<IceServer[]> {
	if (!emulatorHosts.functions) throw new Error('Functions emulator required');
	const { host, port } = hostAndPort(emulatorHosts.functions);
	const user = await createUser('turn-e2e');
	// Written here as lobby.ts writes it: Playwright loads the app's modules as CommonJS,
	// where their named imports of $shared values fail.
	const entry = doc(user.db, 'lobby', user.uid);
	try {
		const join: LobbyJoinWrite<FieldValue> = {
			status: 'waiting',
			mode: 'audio',
			interests: [`turn-e2e-${user.uid.slice(0, 8).toLowerCase()}`],
			language: null,
			joinedAt: serverTimestamp(),
			heartbeatAt: serverTimestamp()
		};
		await setDoc(entry, join);
		const functions = getFunctions(user.app, 'us-central1');
		connectFunctionsEmulator(functions, host, port);
		const { data } = await httpsCallable(functions, 'iceServers')();
		return parseIceServersResponse(data).iceServers;
	} finally {
		const leave: LobbyLeaveWrite = { status: 'left' };
		await updateDoc(entry, { ...leave }).catch(() => {});
		await disposeUsers([user]);
	}
}

function turnEntry(iceServers: IceServer[]): IceServer & { username: string; credential: string } {
	const turn = iceServers.find((s) => s.urls.some((u) => u.startsWith('turn:')));
	if (!turn?.username || !turn.credential) throw new Error(`no TURN entry with credentials in ${JSON.stringify(iceServers)}`);
	return { ...turn, username: turn.username, credential: turn.credential };
}

const sign = (secret: string, username: string) => createHmac('sha1', secret).update(username).digest('base64');

// ---------------------------------------------------------------------------------------
// A peer connection living in a page, driven from the test

interface BrowserPeer {
	pc: RTCPeerConnection;
	channel: RTCDataChannel;
	candidates: RTCIceCandidateInit[];
	errors: { errorCode: number; errorText: string; url: string }[];
	received: string[];
	gathered: Promise<void>;
}

interface Gathered {
	description: RTCSessionDescriptionInit;
	candidates: RTCIceCandidateInit[];
	errors: BrowserPeer['errors'];
	complete: boolean;
}

async function openPeer(page: Page, iceServers: IceServer[]): Promise<JSHandle<BrowserPeer>> {
	const config: RTCConfiguration = { iceServers, iceTransportPolicy: 'relay' };
	return page.evaluateHandle((config) => {
		const pc = new RTCPeerConnection(config);
		const channel = pc.createDataChannel('chat', { negotiated: true, id: 0 });
		const peer: BrowserPeer = {
			pc,
			channel,
			candidates: [],
			errors: [],
			received: [],
			gathered: new Promise((resolve) =>
				pc.addEventListener('icegatheringstatechange', () => {
					if (pc.iceGatheringState === 'complete') resolve();
				})
			)
		};
		pc.addEventListener('icecandidate', ({ candidate }) => {
			if (candidate?.candidate) peer.candidates.push(candidate.toJSON());
		});
		pc.addEventListener('icecandidateerror', (e) => {
			peer.errors.push({ errorCode: e.errorCode, errorText: e.errorText, url: e.url });
		});
		channel.addEventListener('message', ({ data }) => peer.received.push(String(data)));
		return peer;
	}, config);
}

/** Sets the local description (an offer, or the answer to `remote`) and waits for gathering. */
function describeAndGather(
	peer: JSHandle<BrowserPeer>,
	remote: Gathered | null,
	timeoutMs = GATHER_TIMEOUT_MS
): Promise<Gathered> {
	return peer.evaluate(
		async (p, { remote, timeoutMs }) => {
			if (remote) {
				await p.pc.setRemoteDescription(remote.description);
				for (const candidate of remote.candidates) await p.pc.addIceCandidate(candidate);
			}
			await p.pc.setLocalDescription();
			const complete = await Promise.race([
				p.gathered.then(() => true),
				new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs))
			]);
			const description = p.pc.localDescription;
			if (!description) throw new Error('no local description');
			return { description: { type: description.type, sdp: description.sdp }, candidates: p.candidates, errors: p.errors, complete };
		},
		{ remote, timeoutMs }
	);
}

function acceptAnswer(peer: JSHandle<BrowserPeer>, answer: Gathered): Promise<void> {
	return peer.evaluate(async (p, answer) => {
		await p.pc.setRemoteDescription(answer.description);
		for (const candidate of answer.candidates) await p.pc.addIceCandidate(candidate);
	}, answer);
}

/** Candidate types of the pair ICE selected, from getStats. */
function selectedPair(peer: JSHandle<BrowserPeer>): Promise<{ local?: string; remote?: string; relayProtocol?: string }> {
	return peer.evaluate(async (p) => {
		const stats = await p.pc.getStats();
		const entries: Record<string, unknown>[] = [];
		stats.forEach((s: Record<string, unknown>) => entries.push(s));
		const byId = (id: unknown) => entries.find((s) => s.id === id);
		const transport = entries.find((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string');
		const pair = byId(transport?.selectedCandidatePairId);
		const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
		return {
			local: text(byId(pair?.localCandidateId)?.candidateType),
			remote: text(byId(pair?.remoteCandidateId)?.candidateType),
			relayProtocol: text(byId(pair?.localCandidateId)?.relayProtocol)
		};
	});
}

const typeOf = (c: RTCIceCandidateInit) => / typ (\w+)/.exec(c.candidate ?? '')?.[1];

// ---------------------------------------------------------------------------------------

test.describe('TURN relay with credentials from the iceServers function', () => {
	test.skip(!emulatorsRunning || !haveCoturn, SKIP_REASON);

	let coturn: Coturn | null = null;
	const contexts: BrowserContext[] = [];

	test.beforeAll(async () => {
		coturn = await startCoturn(demoSecret());
	});
	test.afterAll(async () => {
		if (coturn) await stopCoturn(coturn);
		coturn = null;
	});
	test.afterEach(async ({}, testInfo) => {
		for (const context of contexts.splice(0)) await context.close();
		if (testInfo.status !== testInfo.expectedStatus && coturn) {
			console.log(`--- turnserver log (last 60 lines) ---\n${coturn.log.slice(-60).join('\n')}`);
		}
	});

	async function blankPage(browser: Browser): Promise<Page> {
		const context = await browser.newContext();
		contexts.push(context);
		await acceptTermsIn(context);
		return context.newPage();
	}

	test('two browsers connect through the relay only', async ({ browser }) => {
		const iceServers = await iceServersFromFunction();
		const turn = turnEntry(iceServers);
		expect(turn.urls).toEqual([`turn:${TURN_HOST}:${TURN_PORT}?transport=udp`]);

		const a = await openPeer(await blankPage(browser), iceServers);
		const b = await openPeer(await blankPage(browser), iceServers);

		const offer = await describeAndGather(a, null);
		expect(offer.candidates.length, `A gathered no relay candidate; errors: ${JSON.stringify(offer.errors)}`).toBeGreaterThan(0);
		expect(offer.candidates.map(typeOf)).toEqual(offer.candidates.map(() => 'relay'));
		const answer = await describeAndGather(b, offer);
		expect(answer.candidates.length, `B gathered no relay candidate; errors: ${JSON.stringify(answer.errors)}`).toBeGreaterThan(0);
		expect(answer.candidates.map(typeOf)).toEqual(answer.candidates.map(() => 'relay'));
		await acceptAnswer(a, answer);

		for (const peer of [a, b]) {
			await expect.poll(() => peer.evaluate((p) => p.pc.connectionState), { timeout: CONNECT_TIMEOUT_MS }).toBe('connected');
			await expect.poll(() => peer.evaluate((p) => p.channel.readyState)).toBe('open');
		}

		await a.evaluate((p) => p.channel.send('hello over TURN'));
		await b.evaluate((p) => p.channel.send('and back'));
		await expect.poll(() => b.evaluate((p) => p.received)).toEqual(['hello over TURN']);
		await expect.poll(() => a.evaluate((p) => p.received)).toEqual(['and back']);

		for (const peer of [a, b]) {
			expect(await selectedPair(peer)).toEqual({ local: 'relay', remote: 'relay', relayProtocol: 'udp' });
		}
	});

	test('coturn refuses forged and expired credentials', async ({ browser }) => {
		const iceServers = await iceServersFromFunction();
		const turn = turnEntry(iceServers);
		const [, uid] = turn.username.split(':');
		const page = await blankPage(browser);
		const gather = async (username: string, credential: string) =>
			describeAndGather(await openPeer(page, [{ urls: turn.urls, username, credential }]), null);

		// Control: the same harness with the function's credentials does get a relay candidate.
		const genuine = await gather(turn.username, turn.credential);
		expect(genuine.candidates.map(typeOf)).toContain('relay');

		// Forged: a valid-looking username signed with a secret the server does not know.
		const forged = await gather(turn.username, sign('not-the-turn-secret', turn.username));
		// Expired: signed with the right secret, but the expiry has passed.
		const expiredName = `${Math.floor(Date.now() / 1000) - 60}:${uid}`;
		const expired = await gather(expiredName, sign(demoSecret(), expiredName));

		for (const [name, refused] of Object.entries({ forged, expired })) {
			expect(refused.candidates, `${name} credential got a relay allocation`).toEqual([]);
			expect(refused.errors.map((e) => e.errorCode), `${name} credential: 401 from the TURN server`).toContain(401);
		}
		// And it was coturn that said no, to exactly these usernames (genuine ones log no error).
		for (const username of [turn.username, expiredName]) {
			expect(coturn?.log.some((line) => line.includes('ERROR') && line.includes(username)), username).toBe(true);
		}
	});

	test('Hide my IP: two strangers in the app talk through the relay, and are told so', async ({ browser }) => {
		await clearFirestore();
		const pages = await Promise.all([blankPage(browser), blankPage(browser)]);
		for (const page of pages) {
			// The setting as the start page saves it (src/lib/prefs.ts).
			await page.addInitScript(() =>
				localStorage.setItem(
					'tangent.prefs.v1',
					JSON.stringify({ mode: 'text', interests: [], language: null, hideIp: true })
				)
			);
			await page.goto('/chat?mode=text');
		}
		for (const page of pages) {
			await expect(page.getByTestId('status')).toHaveText('Connected — say hi!', { timeout: CONNECT_TIMEOUT_MS + 5_000 });
			// From getStats: the selected candidate pair is a relay one (the policy allows no other).
			await expect(page.getByTestId('route')).toHaveText('Relayed', { timeout: 10_000 });
		}
	});
});
