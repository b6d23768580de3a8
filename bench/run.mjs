#!/usr/bin/env node
// Tangent's bench (issue #6). `npm run bench` builds the app and the functions, then runs
// this: it starts the emulator suite itself (see lib/emulators.mjs for why), then
//   9. the start page on a phone    (lighthouse.mjs: Lighthouse 12 mobile, simulated throttling)
//   6. Storage rules runtime        (storageRules.mjs: start time, verify latency)
//   2/3/4b. call setup in Chromium  (browser/callSetup.mjs: Tangent text, codelab, video)
//   5. front-end weight            (weight.mjs)
//   8. Safe video's cost            (browser/safeVideo.mjs: on vs off, fake camera from a Y4M clip)
//   7. matching under a crowd       (crowd/crowd.mjs: lockout, heartbeats, cost per pair,
//                                    contention, churn, cost model; report in crowd.md)
//   1/4a. matchmaking at N users   (load/matchmaking.mjs: Tangent, single-document queue)
// and writes bench-results/report.md, report.json and latency.svg. Prints the targets
// with PASS/FAIL and exits 0 whether or not they are met (the report says which).
//
// BENCH_QUICK=1: N = 100 only and fewer repeats, for iterating on the bench itself.
// BENCH_ONLY=weight,lighthouse,storage,call-setup,safe-video,crowd,matchmaking: only those
// phases (the report then holds only their figures). BENCH_OUT=dir: results there instead
// of bench-results/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, launchChromium, runCodelab, runTangentText, runTangentVideo, serveCodelabHarness } from './browser/callSetup.mjs';
import { runSafeVideo } from './browser/safeVideo.mjs';
import { APP_RULES, loadRules, now, ROOT, rulesWithBaselines, startEmulatorsWhenFree, stopEmulators } from './lib/emulators.mjs';
import { evaluate, markdown, summaryTable, svgPanels } from './lib/report.mjs';
import { latencySvg } from './lib/svg.mjs';
import { runMatchmakingSet } from './load/matchmaking.mjs';
import { measureLighthouse } from './lighthouse.mjs';
import { measureStorageRules } from './storageRules.mjs';
import { runCrowdBench } from './crowd/crowd.mjs';
import { measureWeight } from './weight.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((x) => x.trim())) : null;
const selected = (key) => !ONLY || ONLY.has(key);
// The Admin SDK in this process talks to the emulators only; don't probe for a GCP metadata server.
process.env.METADATA_SERVER_DETECTION = 'none';
/** BENCH_OUT: another directory for the results (a second run beside one in progress). */
const OUT = process.env.BENCH_OUT ? resolve(process.env.BENCH_OUT) : join(ROOT, 'bench-results');
const config = {
	quick: QUICK,
	ns: QUICK ? [100] : [100, 500, 1000],
	/** The parallel-dispatch diagnostic only where it stays quick. */
	parallelNs: [100],
	spreadMs: 3_000,
	waitMs: { tangent: QUICK ? 60_000 : 120_000, 'single-doc': QUICK ? 60_000 : 120_000, parallel: 60_000 },
	usersPerWorker: 500,
	iterations: QUICK ? { text: 3, video: 2, safeVideo: 2, lighthouse: 1 } : { text: 10, video: 5, safeVideo: 3, lighthouse: 3 },
	warmup: 1
};

const log = (line) => console.log(`[bench] ${line}`);
const started = now();

function machine() {
	const cpus = os.cpus();
	return {
		cpus: cpus.length,
		cpuModel: cpus[0]?.model?.trim() ?? '?',
		memGB: Math.round(os.totalmem() / 2 ** 30),
		node: process.versions.node,
		platform: `${os.platform()} ${os.release()}`
	};
}

function gitInfo() {
	const git = (...args) => {
		try {
			return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
		} catch {
			return '';
		}
	};
	const status = git('status', '--porcelain', '--', '.', ':!bench', ':!bench-results');
	return { commit: git('rev-parse', '--short', 'HEAD') || '?', uncommitted: status ? status.split('\n').length : 0 };
}

/** Concatenates the sample arrays of several one-iteration runs. */
function merge(parts) {
	const out = {};
	for (const part of parts) for (const [k, v] of Object.entries(part)) out[k] = [...(out[k] ?? []), ...v];
	return out;
}

/** Writes report.json, report.md and latency.svg from what has been measured so far; the targets. */
function writeReport(results) {
	results.meta.durationS = (now() - started) / 1000;
	const targets = evaluate(results);
	results.targets = targets;
	writeFileSync(join(OUT, 'report.json'), JSON.stringify(results, null, 1));
	writeFileSync(join(OUT, 'report.md'), markdown(results, targets));
	writeFileSync(join(OUT, 'latency.svg'), latencySvg(svgPanels(results)));
	return targets;
}

async function main() {
	rmSync(OUT, { recursive: true, force: true });
	mkdirSync(OUT, { recursive: true });
	const opsFile = join(OUT, 'admin-ops.jsonl');
	const results = {
		meta: { startedAt: new Date().toISOString(), quick: QUICK, only: ONLY ? [...ONLY] : null, machine: machine(), git: gitInfo(), loadBefore: os.loadavg() },
		config,
		matchmaking: [],
		callSetup: {},
		weight: null,
		storageRules: null,
		lighthouse: null,
		errors: []
	};
	log(`${QUICK ? 'quick' : 'full'} run; starting the emulators (output in ${join(OUT, 'emulators.log')})`);
	const env = { emulators: null, browser: null, harness: null };
	results.meta.interruptions = [];
	/** (Re)starts whatever is down: the emulator suite (with the baselines' rules) and Chromium. */
	async function ensureUp(needsBrowser) {
		if (!env.emulators || env.emulators.diedAt) {
			if (env.emulators) await stopEmulators(env.emulators);
			env.emulators = await startEmulatorsWhenFree({ logFile: join(OUT, 'emulators.log'), opsFile });
			await loadRules(rulesWithBaselines());
		}
		if (needsBrowser && (!env.browser || !env.browser.isConnected())) {
			await env.browser?.close().catch(() => {});
			env.browser = await launchChromium();
			results.meta.machine.chromium = env.browser.version();
		}
	}
	const interrupted = () => Boolean(env.emulators?.diedAt) || (env.browser !== null && !env.browser.isConnected());

	/** Runs a phase; if the emulators or Chromium were killed under it, restarts them and runs it once more. */
	const phase = async (key, name, fn, { browser: needsBrowser = true } = {}) => {
		if (!selected(key)) {
			log(`${name}: skipped (BENCH_ONLY=${process.env.BENCH_ONLY})`);
			return;
		}
		for (let attempt = 1; attempt <= 2; attempt++) {
			const t = now();
			log(`${name}…`);
			try {
				await ensureUp(needsBrowser);
				await fn();
				if (!interrupted()) {
					log(`${name} done in ${((now() - t) / 1000).toFixed(0)} s`);
					// A long run that is stopped part-way still leaves the figures it has.
					writeReport(results);
					return;
				}
				throw new Error('the emulator suite or Chromium stopped during the phase');
			} catch (error) {
				const why = interrupted() ? 'emulators or Chromium stopped from outside the bench' : String(error).split('\n')[0];
				if (interrupted()) results.meta.interruptions.push(`${name}: ${why} (attempt ${attempt})`);
				if (!interrupted() || attempt === 2) {
					results.errors.push(`${name}: ${String(error?.stack ?? error).split('\n').slice(0, 3).join(' ')}`);
					log(`${name} FAILED: ${error}`);
					return;
				}
				log(`${name} interrupted (${why}); restarting and running it again`);
			}
		}
	};

	try {
		await ensureUp(selected('weight') || selected('call-setup') || selected('safe-video'));

		await phase('lighthouse', 'start page on a phone (Lighthouse mobile)', async () => {
			results.lighthouse = await measureLighthouse({ runs: config.iterations.lighthouse, log });
			const l = results.lighthouse;
			log(`  median: score ${l.score}, FCP ${Math.round(l.fcpMs)} ms, LCP ${Math.round(l.lcpMs)} ms, TBT ${Math.round(l.tbtMs)} ms, CLS ${l.cls.toFixed(3)}`);
		}, { browser: false });

		await phase('storage', 'Storage rules runtime (start, verify latency)', async () => {
			results.storageRules = await measureStorageRules({ iterations: QUICK ? 50 : 200 });
			const s = results.storageRules;
			log(s.error ? `  ${s.error}` : `  storage.rules loaded ${Math.round(s.rulesLoadedMs)} ms after start, verify p50 ${s.get.p50.toFixed(1)} ms`);
		}, { browser: false });

		await phase('call-setup', 'call setup in Chromium (Tangent text + Next, codelab baseline, alternating)', async () => {
			env.harness ??= await serveCodelabHarness(join(OUT, '.harness'));
			const text = [];
			const codelab = [];
			for (let i = 0; i < config.warmup + config.iterations.text; i++) {
				if (interrupted()) throw new Error('interrupted');
				const warm = i < config.warmup;
				const note = (l) => log(warm ? `${l} (warm-up, discarded)` : l);
				const t = await runTangentText({ browser: env.browser, iterations: 1, opsFile, log: note, firstNumber: i + 1 - config.warmup });
				const c = await runCodelab({ browser: env.browser, iterations: 1, harnessUrl: env.harness.url, log: note, firstNumber: i + 1 - config.warmup });
				if (!warm) {
					text.push(t);
					codelab.push(c);
				}
			}
			results.callSetup.tangentText = merge(text);
			results.callSetup.codelab = merge(codelab);
		});

		await phase('call-setup', 'call setup in Chromium (Tangent video)', async () => {
			results.callSetup.tangentVideo = await runTangentVideo({ browser: env.browser, iterations: config.iterations.video, log });
		});

		// After the call setups: their discarded warm-up call has started the Functions emulator's
		// workers, which a fresh suite's first match waits for.
		await phase('weight', 'front-end weight', async () => {
			results.weight = await measureWeight({ browser: env.browser });
			log(`  start page JS ${(results.weight.startPage.jsGzip / 1024).toFixed(1)} KB gz, text chat ${(results.weight.textChat.totalGzip / 1024).toFixed(1)} KB gz`);
		});

		// Safe video launches its own Chromium (a fake camera playing a clip); the shared one waits closed.
		await env.browser?.close().catch(() => {});
		env.browser = null;
		await phase('safe-video', 'Safe video in Chromium (on vs off)', async () => {
			results.safeVideo = await runSafeVideo({ launchArgs: CHROMIUM_ARGS, iterations: config.iterations.safeVideo, log });
		}, { browser: false });

		await phase('crowd', 'matching under a crowd (issue #12)', async () => {
			results.crowd = await runCrowdBench({ quick: QUICK, out: OUT, log: (l) => log(l) });
		}, { browser: false });

		for (const n of config.ns) {
			await phase('matchmaking', `matchmaking, N = ${n}`, async () => {
				const scenarios = [...(config.parallelNs.includes(n) ? ['parallel'] : []), 'tangent', 'single-doc'];
				const set = await runMatchmakingSet({
					n,
					scenarios,
					spreadMs: config.spreadMs,
					waitMs: config.waitMs,
					usersPerWorker: config.usersPerWorker,
					opsFile,
					log
				});
				if (interrupted()) throw new Error('interrupted');
				const entry = { n, scenarios: {} };
				for (const s of set) {
					delete s.results; // per-user rows are large; the latencies stay
					entry.scenarios[s.scenario] = s;
				}
				results.matchmaking.push(entry);
			}, { browser: false });
		}
	} finally {
		await env.browser?.close().catch(() => {});
		await env.harness?.close().catch(() => {});
		if (env.emulators && !env.emulators.diedAt) await loadRules(APP_RULES()).catch(() => {});
		log('stopping the emulators');
		await stopEmulators(env.emulators);
	}

	results.meta.finishedAt = new Date().toISOString();
	const targets = writeReport(results);
	rmSync(join(OUT, '.harness'), { recursive: true, force: true });

	console.log(`\nTangent bench (${QUICK ? 'quick' : 'full'} run, ${(results.meta.durationS / 60).toFixed(1)} min) — ${join(OUT, 'report.md')}\n`);
	console.log(summaryTable(targets));
	if (results.crowd) {
		console.log('\nMatching under a crowd (bench-results/crowd.md):');
		for (const c of results.crowd.checks) console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.value} (target ${c.target})`);
	}
	if (results.errors.length) console.log(`\n${results.errors.length} phase(s) failed; see the report.`);
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error('[bench] failed:', error);
		process.exit(1);
	}
);
