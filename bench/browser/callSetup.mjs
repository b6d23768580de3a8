// Phase 2, 3 and baseline 4b: call setup in real browsers. Tangent is the built app on the
// Hosting emulator, driven through its own buttons in separate Chromium contexts (separate
// anonymous users); the codelab baseline runs in a harness page served by the bench.
// Times come from the pages themselves (bench/browser/pageHooks.js), Firestore traffic
// from the same hooks plus the functions' own count (bench/lib/instrument-admin.cjs).
import { appStorageKeys } from '../lib/appKeys.mjs';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from '@playwright/test';
import { APP_URL, clearFirestore, ROOT, sleep } from '../lib/emulators.mjs';
import { readOps } from '../lib/stats.mjs';

export const STATUS = {
	searching: 'Looking for someone…',
	matched: 'Connecting…',
	connected: 'Connected — say hi!'
};
/** After "connected", trailing signaling (the last candidate batch) still belongs to the setup. */
const SETTLE_MS = 1_500;
const HOOKS = join(ROOT, 'bench', 'browser', 'pageHooks.js');

export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--disable-background-networking',
	'--use-fake-ui-for-media-stream',
	'--use-fake-device-for-media-stream',
	'--autoplay-policy=no-user-gesture-required'
];

export function launchChromium() {
	return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Runs in the page: the terms were accepted (under the app's current key). */
export const ACCEPT_TERMS = (termsKey) => {
	try {
		localStorage.setItem(termsKey, JSON.stringify({ acceptedAtMs: Date.now() }));
	} catch {
		// opaque origins have no storage
	}
};

async function visitor(browser, name) {
	const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
	await context.addInitScript({ path: HOOKS });
	// A returning visitor: the 18+ and terms gate (src/lib/safety/terms.ts, TERMS_KEY) was accepted.
	await context.addInitScript(ACCEPT_TERMS, (await appStorageKeys()).TERMS_KEY);
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	return { name, context, page, errors };
}

/** The first recorded status `text` at or after `after` (epoch ms), waiting for it. */
async function statusAt(v, text, after, timeout = 30_000) {
	const handle = await v.page.waitForFunction(
		([wanted, since]) => window.__bench.status.find((s) => s.text === wanted && s.t >= since)?.t ?? false,
		[text, after],
		{ timeout, polling: 25 }
	);
	return handle.jsonValue();
}

async function clickAt(v, locator) {
	const before = await v.page.evaluate(() => window.__bench.clicks.length);
	await locator.click();
	return v.page.evaluate((n) => window.__bench.clicks[n]?.t ?? performance.timeOrigin + performance.now(), before);
}

/**
 * The start page has loaded the Firebase SDK after its first paint: its anonymous sign-in
 * has been answered. (Not "network idle": the SDK's Firestore stream stays open.)
 */
export async function sdkLoaded(page) {
	await page.waitForFunction(
		() => performance.getEntriesByType('resource').some((e) => e.name.includes('identitytoolkit.googleapis.com')),
		null,
		{ timeout: 90_000, polling: 200 }
	);
}

async function openStartPage(v, mode = 'text') {
	await v.page.goto(`${APP_URL}/`);
	// The page loads the SDK and signs in anonymously after first paint; a visitor reads for a moment.
	await sdkLoaded(v.page);
	if (mode !== 'text') await v.page.locator(`input[name="mode"][value="${mode}"]`).check({ force: true });
	await sleep(300);
}

const trafficOf = (v) => v.page.evaluate(() => window.__bench.fs);

/**
 * Documents Tangent's security rules look up (get/exists) for this traffic, which Firestore
 * bills as reads but no SDK sees: the ban check on each lobby join (bans/{uid}; one
 * document, billed once however often the rule reads it) and the call each signal write
 * and each listen on a signal document is checked against (calls/{id}). Derived from the
 * rules as they are written (firestore.rules), so an estimate; heartbeats and leaves,
 * which skip the ban check, are not in a setup's window.
 */
function ruleLookupsOf(client) {
	const joins = client.filter((r) => r.kind === 'write' && /^lobby\//.test(r.path)).length;
	const signalWrites = client.filter((r) => r.kind === 'write' && /^calls\/[^/]+\/signals\//.test(r.path)).length;
	const signalListens = client.filter((r) => r.kind === 'listen' && /\/signals\//.test(r.path)).length;
	return joins + signalWrites + signalListens;
}

/** Firestore reads and writes of one call setup: both pages plus the functions. */
function setupCost(pageTraffic, opsFile, from, to) {
	const inWindow = (r) => r.t >= from && r.t <= to;
	const client = pageTraffic.flat().filter(inWindow);
	const admin = readOps(opsFile, from, to).filter((r) => r.k === 'op' && r.m !== 'runAggregationQuery');
	const count = (rows, kind) => rows.filter((r) => r.kind === kind).length;
	const signaling = (r) => /^calls\//.test(r.path);
	return {
		writes: count(client, 'write') + admin.reduce((a, r) => a + (r.writes ?? 0), 0),
		reads: count(client, 'read') + admin.reduce((a, r) => a + (r.reads ?? 0), 0),
		clientWrites: count(client, 'write'),
		clientReads: count(client, 'read'),
		adminWrites: admin.reduce((a, r) => a + (r.writes ?? 0), 0),
		adminReads: admin.reduce((a, r) => a + (r.reads ?? 0), 0),
		signalingWrites: client.filter((r) => r.kind === 'write' && signaling(r)).length,
		signalingReads: client.filter((r) => r.kind === 'read' && signaling(r)).length,
		listens: count(client, 'listen'),
		ruleLookups: ruleLookupsOf(client),
		writePaths: client.filter((r) => r.kind === 'write').map((r) => r.path.replace(/[A-Za-z0-9]{20,}/g, '{id}')),
		readPaths: client.filter((r) => r.kind === 'read').map((r) => r.path.replace(/[A-Za-z0-9]{20,}/g, '{id}'))
	};
}

/**
 * Tangent in text mode: A waits, B presses Start → both matched → both connected; then a
 * fresh C waits and A presses Next → A and C connected. Fresh users every iteration.
 */
export async function runTangentText({ browser, iterations, opsFile, log, firstNumber = 1 }) {
	const samples = { startToMatched: [], matchedToOpen: [], nextToConnected: [], costs: [], failures: [], pageErrors: [] };
	for (let i = 0; i < iterations; i++) {
		const people = await Promise.all(['A', 'B', 'C'].map((n) => visitor(browser, n)));
		const [a, b, c] = people;
		try {
			await clearFirestore();
			await Promise.all([openStartPage(a), openStartPage(b)]);
			const startA = await clickAt(a, a.page.getByRole('button', { name: 'Start' }));
			await statusAt(a, STATUS.searching, startA);
			const startB = await clickAt(b, b.page.getByRole('button', { name: 'Start' }));
			const [matchedA, matchedB] = await Promise.all([statusAt(a, STATUS.matched, startB), statusAt(b, STATUS.matched, startB)]);
			const [openA, openB] = await Promise.all([statusAt(a, STATUS.connected, matchedA), statusAt(b, STATUS.connected, matchedB)]);
			samples.startToMatched.push(matchedA - startB, matchedB - startB);
			samples.matchedToOpen.push(openA - matchedA, openB - matchedB);
			await sleep(SETTLE_MS);
			samples.costs.push(setupCost(await Promise.all([trafficOf(a), trafficOf(b)]), opsFile, startA, Math.max(openA, openB) + SETTLE_MS));

			await openStartPage(c);
			const startC = await clickAt(c, c.page.getByRole('button', { name: 'Start' }));
			await statusAt(c, STATUS.searching, startC);
			const next = await clickAt(a, a.page.getByTestId('next'));
			const [againA, openC] = await Promise.all([statusAt(a, STATUS.connected, next), statusAt(c, STATUS.connected, next)]);
			samples.nextToConnected.push(Math.max(againA, openC) - next);
			log?.(
				`  text #${firstNumber + i}: start→matched ${ms(matchedA - startB)}/${ms(matchedB - startB)}, matched→open ${ms(openA - matchedA)}/${ms(openB - matchedB)}, ` +
					`next→connected ${ms(Math.max(againA, openC) - next)}, writes ${samples.costs.at(-1).writes}, reads ${samples.costs.at(-1).reads}`
			);
		} catch (error) {
			samples.failures.push(String(error).split('\n')[0]);
			log?.(`  text #${firstNumber + i}: FAILED ${String(error).split('\n')[0]}`);
		} finally {
			for (const p of people) samples.pageErrors.push(...p.errors);
			await Promise.all(people.map((p) => p.context.close().catch(() => {})));
		}
	}
	return samples;
}

/** Tangent in video mode: matched → data channel open and → first remote video frame. */
export async function runTangentVideo({ browser, iterations, log }) {
	const samples = { startToMatched: [], matchedToOpen: [], matchedToFirstFrame: [], failures: [], pageErrors: [] };
	for (let i = 0; i < iterations; i++) {
		const people = await Promise.all(['A', 'B'].map((n) => visitor(browser, n)));
		const [a, b] = people;
		try {
			await clearFirestore();
			await Promise.all([openStartPage(a, 'video'), openStartPage(b, 'video')]);
			const startA = await clickAt(a, a.page.getByRole('button', { name: 'Start' }));
			await statusAt(a, STATUS.searching, startA);
			const startB = await clickAt(b, b.page.getByRole('button', { name: 'Start' }));
			const [matchedA, matchedB] = await Promise.all([statusAt(a, STATUS.matched, startB), statusAt(b, STATUS.matched, startB)]);
			const [openA, openB] = await Promise.all([statusAt(a, STATUS.connected, matchedA), statusAt(b, STATUS.connected, matchedB)]);
			const frame = (v, since) =>
				v.page
					.waitForFunction((t) => window.__bench.frames.find((f) => f.t >= t)?.t ?? false, since, { timeout: 20_000, polling: 25 })
					.then((h) => h.jsonValue());
			const [frameA, frameB] = await Promise.all([frame(a, matchedA), frame(b, matchedB)]);
			samples.startToMatched.push(matchedA - startB, matchedB - startB);
			samples.matchedToOpen.push(openA - matchedA, openB - matchedB);
			samples.matchedToFirstFrame.push(frameA - matchedA, frameB - matchedB);
			log?.(`  video #${i + 1}: matched→open ${ms(openA - matchedA)}/${ms(openB - matchedB)}, matched→first frame ${ms(frameA - matchedA)}/${ms(frameB - matchedB)}`);
		} catch (error) {
			samples.failures.push(String(error).split('\n')[0]);
			log?.(`  video #${i + 1}: FAILED ${String(error).split('\n')[0]}`);
		} finally {
			for (const p of people) samples.pageErrors.push(...p.errors);
			await Promise.all(people.map((p) => p.context.close().catch(() => {})));
		}
	}
	return samples;
}

/** Bundles the codelab baseline and serves it with a blank page on 127.0.0.1. */
export async function serveCodelabHarness(outDir) {
	mkdirSync(outDir, { recursive: true });
	await build({
		entryPoints: [join(ROOT, 'bench', 'baselines', 'codelabSignaling.client.mjs')],
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		minify: true,
		outfile: join(outDir, 'codelab.js'),
		logLevel: 'warning'
	});
	const files = {
		'/': ['text/html', '<!doctype html><meta charset="utf-8"><title>codelab baseline</title><script type="module" src="/codelab.js"></script>'],
		'/codelab.js': ['text/javascript', readFileSync(join(outDir, 'codelab.js'))]
	};
	const server = createServer((req, res) => {
		const file = files[new URL(req.url, 'http://x').pathname];
		if (!file) return void res.writeHead(404).end();
		res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** The codelab baseline: both pages told the room at once, like Tangent's "matched". */
export async function runCodelab({ browser, iterations, harnessUrl, log, firstNumber = 1 }) {
	const samples = { matchedToOpen: [], costs: [], candidates: [], failures: [], pageErrors: [] };
	for (let i = 0; i < iterations; i++) {
		const people = await Promise.all(['caller', 'callee'].map((n) => visitor(browser, n)));
		const [a, b] = people;
		try {
			await Promise.all(people.map((p) => p.page.goto(harnessUrl)));
			// Sign-in, ICE servers and the warm-up write, before the clock starts; a page stuck there fails the iteration instead of hanging the run.
			await Promise.all(people.map((p) => p.page.waitForFunction(() => window.codelab?.ready.then(() => true), null, { timeout: 20_000 })));
			const roomId = `bench${Date.now()}${i}`;
			// Both sides settle (each gives up after its own deadline), so a failure names both states.
			const settled = await Promise.allSettled([
				a.page.evaluate((id) => window.codelab.createRoom(id), roomId),
				b.page.evaluate((id) => window.codelab.joinRoom(id), roomId)
			]);
			const refused = settled.filter((s) => s.status === 'rejected').map((s) => String(s.reason?.message ?? s.reason).split('\n')[0].replace(/^page\.evaluate: Error: /, ''));
			if (refused.length) throw new Error(refused.join(' | '));
			const [ca, cb] = settled.map((s) => s.value);
			samples.matchedToOpen.push(ca.tOpen - ca.tStart, cb.tOpen - cb.tStart);
			samples.candidates.push({ caller: ca.candidatesOut, callee: cb.candidatesOut, lost: ca.candidatesLost + cb.candidatesLost });
			await sleep(SETTLE_MS);
			const from = Math.min(ca.tStart, cb.tStart);
			const to = Math.max(ca.tOpen, cb.tOpen) + SETTLE_MS;
			const cost = setupCost(await Promise.all([trafficOf(a), trafficOf(b)]), null, from, to);
			// The baseline's rules (bench/lib/emulators.mjs) only check sign-in: no lookups.
			samples.costs.push({ ...cost, signalingWrites: cost.clientWrites, signalingReads: cost.clientReads, ruleLookups: 0 });
			log?.(`  codelab #${firstNumber + i}: matched→open ${ms(ca.tOpen - ca.tStart)}/${ms(cb.tOpen - cb.tStart)}, writes ${cost.writes}, reads ${cost.reads}`);
		} catch (error) {
			samples.failures.push(String(error).split('\n')[0]);
			log?.(`  codelab #${firstNumber + i}: FAILED ${String(error).split('\n')[0]}`);
		} finally {
			for (const p of people) samples.pageErrors.push(...p.errors);
			await Promise.all(people.map((p) => p.context.close().catch(() => {})));
		}
	}
	return samples;
}

const ms = (v) => `${Math.round(v)} ms`;
