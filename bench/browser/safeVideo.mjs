// Safe video's cost (issue #16): video calls between two Chromium contexts whose fake camera
// plays the generated colour-bar clip, with Safe video on and, as the baseline, off. Read off
// the viewer's page: the app's own performance measures (safe-video:first-scores = first
// remote frame → first classification, safe-video:inference = the model's time per frame in
// the worker, safe-video:sample = the page's round trip per frame), a long-task observer for
// main-thread blocking over a window of the call, and which worker files were fetched (the
// lazily loaded classifier: runtime, model weights, WebAssembly).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { appStorageKeys } from '../lib/appKeys.mjs';
import { APP_URL, clearFirestore, ROOT, sleep } from '../lib/emulators.mjs';
import { FIRST_STEPS, firstStepsP50 } from '../lib/safeVideoSteps.mjs';
import { quantile } from '../lib/stats.mjs';

/** The steady-state window over which sampling rate and main-thread blocking are measured. */
const WINDOW_MS = 6_000;
const CONNECTED = 'Connected — say hi!';
const BUILD = join(ROOT, 'build');

/** The app's Y4M test pattern (src/lib/media/safeVideo/fixtures/testPattern.ts), compiled on the fly. */
export async function writeClip() {
	const { build } = await import('esbuild');
	const out = await build({
		entryPoints: [join(ROOT, 'src/lib/media/safeVideo/fixtures/testPattern.ts')],
		bundle: true,
		format: 'esm',
		platform: 'node',
		write: false,
		logLevel: 'warning'
	});
	const url = `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`;
	const { colourBarsY4m } = await import(url);
	const file = join(mkdtempSync(join(tmpdir(), 'tangent-bench-y4m-')), 'bars.y4m');
	writeFileSync(file, colourBarsY4m(320, 240, 20));
	return file;
}

/** Records long tasks from the page's start, in page time (performance.now()). */
const OBSERVE_LONG_TASKS = () => {
	const tasks = (window.__longTasks = []);
	try {
		new PerformanceObserver((list) => {
			for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
		}).observe({ type: 'longtask', buffered: true });
	} catch {
		// no Long Tasks API: the figure is reported as missing
	}
};

/**
 * The bench's own clock for the first remote frame, independent of the app: the first frame
 * presented on the remote video (requestVideoFrameCallback, as in pageHooks.js), epoch ms.
 */
const OBSERVE_FIRST_FRAME = () => {
	const bench = (window.__bench ??= { frames: [] });
	const armed = setInterval(() => {
		const video = document.querySelector('video[data-testid="remote-video"]');
		if (!(video instanceof HTMLVideoElement) || !video.srcObject || typeof video.requestVideoFrameCallback !== 'function') return;
		clearInterval(armed);
		video.requestVideoFrameCallback(() => bench.frames.push({ t: performance.timeOrigin + performance.now() }));
	}, 20);
};

async function visitor(browser, safeVideo) {
	const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
	const { TERMS_KEY, PREFS_KEY } = await appStorageKeys();
	await context.addInitScript(
		([entries]) => {
			try {
				for (const [key, value] of entries) localStorage.setItem(key, value);
			} catch {
				// opaque origins have no storage
			}
		},
		[
			[
				[TERMS_KEY, JSON.stringify({ acceptedAtMs: Date.now() })],
				[PREFS_KEY, JSON.stringify({ mode: 'video', safeVideo })]
			]
		]
	);
	await context.addInitScript(OBSERVE_LONG_TASKS);
	await context.addInitScript(OBSERVE_FIRST_FRAME);
	const page = await context.newPage();
	const errors = [];
	const workerFiles = new Set();
	page.on('pageerror', (e) => errors.push(String(e)));
	context.on('request', (request) => {
		const path = new URL(request.url()).pathname;
		if (path.includes('/workers/')) workerFiles.add(path);
	});
	return { context, page, errors, workerFiles };
}

const measures = (page, name) =>
	page.evaluate((n) => performance.getEntriesByName(n).map((e) => ({ start: e.startTime, duration: e.duration })), name);

async function firstSampleSteps(page) {
	const at = await page.evaluate(() => {
		const first = (name) => performance.getEntriesByName(name)[0] ?? null;
		const times = {};
		for (const e of performance.getEntriesByType('mark')) if (e.name.startsWith('safe-video:') && !(e.name.slice(11) in times)) times[e.name.slice(11)] = e.startTime;
		const scores = first('safe-video:first-scores');
		if (scores) times['first-scores:end'] = scores.startTime + scores.duration;
		const hookFrame = window.__bench?.frames?.[0]?.t;
		if (hookFrame !== undefined) times['hook-frame'] = hookFrame - performance.timeOrigin;
		return times;
	});
	const steps = {};
	for (const [key, , from, to] of FIRST_STEPS) steps[key] = at[from] !== undefined && at[to] !== undefined ? at[to] - at[from] : null;
	steps.hookFrameToAppFrame = at['hook-frame'] !== undefined && at['first-frame'] !== undefined ? at['first-frame'] - at['hook-frame'] : null;
	steps.watchToFrame = at.watch !== undefined && at['first-frame'] !== undefined ? at['first-frame'] - at.watch : null;
	return steps;
}

const formatSteps = (steps) =>
	FIRST_STEPS.map(([key]) => `${key} ${steps[key] === null ? '–' : Math.round(steps[key])}`).join(', ') +
	` ms (bench's frame callback → app's first-frame mark ${steps.hookFrameToAppFrame === null ? '–' : Math.round(steps.hookFrameToAppFrame)} ms; watch → first frame ${steps.watchToFrame === null ? '–' : Math.round(steps.watchToFrame)} ms)`;

/** One call; what viewer A measured. */
async function oneCall(browser, safeVideo) {
	const people = [await visitor(browser, safeVideo), await visitor(browser, safeVideo)];
	const [a] = people;
	try {
		await clearFirestore();
		await Promise.all(people.map((p) => p.page.goto(`${APP_URL}/chat?mode=video`)));
		await Promise.all(people.map((p) => p.page.getByTestId('status').filter({ hasText: CONNECTED }).waitFor({ timeout: 30_000 })));
		let firstScores = null;
		if (safeVideo) {
			await a.page.waitForFunction(() => performance.getEntriesByName('safe-video:first-scores').length > 0, null, { timeout: 30_000, polling: 50 });
			firstScores = (await measures(a.page, 'safe-video:first-scores'))[0].duration;
		} else {
			await a.page.waitForFunction(() => {
				const v = document.querySelector('[data-testid="remote-video"]');
				return v instanceof HTMLVideoElement && v.videoWidth > 0;
			}, null, { timeout: 30_000, polling: 50 });
		}
		const from = await a.page.evaluate(() => performance.now());
		await sleep(WINDOW_MS);
		const to = await a.page.evaluate(() => performance.now());
		const within = (e) => e.start >= from && e.start < to;
		const longTasks = (await a.page.evaluate(() => window.__longTasks ?? null))?.filter(within) ?? null;
		const inference = (await measures(a.page, 'safe-video:inference')).filter(within).map((e) => e.duration);
		const samples = (await measures(a.page, 'safe-video:sample')).filter(within).map((e) => e.duration);
		const seconds = (to - from) / 1000;
		const status = safeVideo ? await a.page.getByTestId('safe-video').getAttribute('data-status') : null;
		// Page start → model ready (the worker fetches and compiles it while the page searches and connects).
		const modelLoad = safeVideo ? ((await measures(a.page, 'safe-video:model-load'))[0] ?? null) : null;
		const firstFrame = safeVideo ? ((await a.page.evaluate(() => performance.getEntriesByName('safe-video:first-frame')[0]?.startTime ?? null)) ?? null) : null;
		const firstSteps = safeVideo && firstScores !== null ? await firstSampleSteps(a.page) : null;
		// The first frames' model time, to tell a slow first frame from a slow model.
		const firstInferences = safeVideo ? (await measures(a.page, 'safe-video:inference')).slice(0, 5).map((e) => e.duration) : [];
		return {
			firstScores,
			modelReadyAt: modelLoad ? modelLoad.start + modelLoad.duration : null,
			modelLoadMs: modelLoad ? modelLoad.duration : null,
			firstFrameAt: firstFrame,
			firstSteps,
			firstInferences,
			inference,
			samples,
			framesPerSecond: samples.length / seconds,
			blockingMsPerSecond: longTasks ? longTasks.reduce((sum, t) => sum + t.duration, 0) / seconds : null,
			status,
			workerFiles: [...a.workerFiles],
			errors: people.flatMap((p) => p.errors)
		};
	} finally {
		await Promise.all(people.map((p) => p.context.close().catch(() => {})));
	}
}

/** Raw and gzipped bytes of the worker files a page fetched, from build/. */
function workerBytes(paths) {
	const files = [...new Set(paths)].sort().map((path) => {
		const body = readFileSync(join(BUILD, path));
		return { file: path.split('/').pop(), bytes: body.length, gzip: gzipSync(body).length };
	});
	return { files, bytes: files.reduce((s, f) => s + f.bytes, 0), gzip: files.reduce((s, f) => s + f.gzip, 0) };
}

export async function runSafeVideo({ launchArgs, iterations, log }) {
	const clip = await writeClip();
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		args: [...launchArgs, `--use-file-for-fake-video-capture=${clip}`]
	});
	const result = { on: [], off: [], failures: [], pageErrors: [], chromium: browser.version() };
	try {
		// A discarded first call: a fresh emulator suite's first match waits for the Functions
		// emulator to start its workers (the device binding timed out at 10 s on a busy machine,
		// and neither visitor ever connected), which is no part of Safe video's cost.
		try {
			await oneCall(browser, false);
			log?.('  safe video warm-up call done (discarded)');
		} catch (error) {
			log?.(`  safe video warm-up call failed (discarded): ${String(error).split('\n')[0]}`);
		}
		for (let i = 0; i < iterations; i++) {
			// Alternating, so a slow spell of the shared machine hits both alike.
			for (const safeVideo of [true, false]) {
				try {
					const run = await oneCall(browser, safeVideo);
					result[safeVideo ? 'on' : 'off'].push(run);
					result.pageErrors.push(...run.errors);
					log?.(
						`  safe video ${safeVideo ? 'on ' : 'off'} #${i + 1}: ` +
							(safeVideo
								? `first frame → first classification ${Math.round(run.firstScores)} ms, ${run.framesPerSecond.toFixed(1)} frames/s, ` +
									`model loaded in ${run.modelLoadMs === null ? '?' : Math.round(run.modelLoadMs)} ms, ready ${run.modelReadyAt === null || run.firstFrameAt === null ? '?' : Math.round(run.modelReadyAt - run.firstFrameAt)} ms after the first frame, ` +
									`inference p50 ${Math.round(quantile(run.inference, 0.5))} ms, status ${run.status}, `
								: '') +
							`long tasks ${run.blockingMsPerSecond === null ? '–' : Math.round(run.blockingMsPerSecond)} ms/s`
					);
					if (run.firstSteps) log?.(`    first frame's way: ${formatSteps(run.firstSteps)}; frames 1–5 in the worker ${run.firstInferences.map(Math.round).join(', ')} ms`);
				} catch (error) {
					result.failures.push(`${safeVideo ? 'on' : 'off'} #${i + 1}: ${String(error).split('\n')[0]}`);
					log?.(`  safe video ${safeVideo ? 'on' : 'off'} #${i + 1}: FAILED ${String(error).split('\n')[0]}`);
				}
			}
		}
	} finally {
		await browser.close().catch(() => {});
	}
	result.model = workerBytes(result.on.flatMap((r) => r.workerFiles));
	const steps = firstStepsP50(result.on);
	if (steps) log?.(`  first frame's way, p50 of ${result.on.length}: ${formatSteps(steps)}`);
	return result;
}
