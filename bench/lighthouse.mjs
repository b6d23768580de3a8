#!/usr/bin/env node
// The start page on a phone (issue 15): Lighthouse 12's performance audit with its mobile
// preset (Moto G Power screen, simulated slow 4G and 4× CPU slowdown: "Lantern" simulation
// on top of an unthrottled load), in Debian's Chromium, against the built app served by
// the Hosting emulator. Several runs; each figure is the median of the runs.
//
//   node scripts/emulators.mjs exec "node bench/lighthouse.mjs"   (the suite must be up)
//
// Simulated throttling replays the page's dependency graph under the slow network and CPU,
// so what the page fetches before its largest paint (and how long its scripts run) is what
// moves LCP; the machine's own load still shows through the CPU times it observes.
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { APP_URL } from './lib/emulators.mjs';
import { quantile } from './lib/stats.mjs';

/** The flags every Chromium of the project runs with (README), headless. */
const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'];

/** What the report shows: Lighthouse's audit id → our key. */
const METRICS = {
	'first-contentful-paint': 'fcpMs',
	'largest-contentful-paint': 'lcpMs',
	'total-blocking-time': 'tbtMs',
	'cumulative-layout-shift': 'cls',
	'speed-index': 'speedIndexMs'
};

async function oneRun(url) {
	const chrome = await launch({
		chromePath: process.env.CHROME_PATH ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
		chromeFlags: CHROME_FLAGS,
		logLevel: 'silent'
	});
	try {
		// No config: Lighthouse's default is the mobile preset with simulated throttling.
		const result = await lighthouse(url, { port: chrome.port, onlyCategories: ['performance'], output: 'json', logLevel: 'error' });
		const lhr = result?.lhr;
		if (!lhr) throw new Error('Lighthouse returned no result');
		if (lhr.runtimeError) throw new Error(`Lighthouse: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
		const run = { score: Math.round((lhr.categories.performance.score ?? 0) * 100) };
		for (const [audit, key] of Object.entries(METRICS)) run[key] = lhr.audits[audit]?.numericValue ?? null;
		const lcpElement = lhr.audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node;
		run.lcpElement = lcpElement?.snippet ?? null;
		// The requests the page made before its largest paint, which simulation puts on the LCP's path.
		run.requests = (lhr.audits['network-requests']?.details?.items ?? []).map((r) => ({
			url: r.url.replace(url.replace(/\/$/, ''), ''),
			startMs: Math.round(r.networkRequestTime ?? r.startTime ?? 0),
			transferBytes: r.transferSize ?? 0,
			type: r.resourceType
		}));
		run.settings = {
			formFactor: lhr.configSettings.formFactor,
			throttlingMethod: lhr.configSettings.throttlingMethod,
			cpuSlowdown: lhr.configSettings.throttling.cpuSlowdownMultiplier,
			rttMs: lhr.configSettings.throttling.rttMs,
			throughputKbps: lhr.configSettings.throttling.throughputKbps
		};
		run.benchmarkIndex = lhr.environment?.benchmarkIndex ?? null;
		run.version = lhr.lighthouseVersion;
		return run;
	} finally {
		await chrome.kill();
	}
}

/** Lighthouse mobile on the start page, `runs` times; the median of each figure. */
export async function measureLighthouse({ url = `${APP_URL}/`, runs = 3, log } = {}) {
	const all = [];
	for (let i = 0; i < runs; i++) {
		const run = await oneRun(url);
		all.push(run);
		log?.(
			`  Lighthouse mobile #${i + 1}: score ${run.score}, FCP ${Math.round(run.fcpMs)} ms, LCP ${Math.round(run.lcpMs)} ms, ` +
				`TBT ${Math.round(run.tbtMs)} ms, CLS ${run.cls.toFixed(3)} (benchmark index ${Math.round(run.benchmarkIndex ?? 0)})`
		);
	}
	const median = (key) => quantile(all.map((r) => r[key]).filter((v) => Number.isFinite(v)), 0.5);
	return {
		url,
		version: all[0].version,
		settings: all[0].settings,
		runs: all.map(({ requests, ...rest }) => rest),
		requests: all.at(-1).requests,
		score: median('score'),
		fcpMs: median('fcpMs'),
		lcpMs: median('lcpMs'),
		tbtMs: median('tbtMs'),
		cls: median('cls'),
		speedIndexMs: median('speedIndexMs'),
		lcpElement: all.at(-1).lcpElement
	};
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const runs = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
	const r = await measureLighthouse({ runs, log: console.log });
	console.log(
		`\nLighthouse ${r.version} mobile (${r.settings.throttlingMethod} throttling), ${r.url}, median of ${runs}: ` +
			`score ${r.score}, FCP ${Math.round(r.fcpMs)} ms, LCP ${Math.round(r.lcpMs)} ms, TBT ${Math.round(r.tbtMs)} ms, CLS ${r.cls.toFixed(3)}`
	);
	console.log(`${r.lcpMs <= 2_000 ? 'PASS' : 'FAIL'}  LCP ≤ 2.0 s`);
	console.log(`Largest contentful paint element: ${r.lcpElement}`);
	console.log('Requests (last run):');
	for (const q of r.requests) console.log(`  ${String(q.startMs).padStart(6)} ms  ${(q.transferBytes / 1024).toFixed(1).padStart(6)} KB  ${q.type ?? ''}  ${q.url}`);
}
