// Turns the bench's results into targets (PASS/FAIL), report.md and the SVG panels.
import { quantile, summary } from './stats.mjs';
import { FIRST_STEPS, firstStepsP50 } from './safeVideoSteps.mjs';

const KB = 1024;
const ms = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;
const num = (v, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Number(v.toFixed(d)).toString());
const median = (xs) => quantile(xs, 0.5);
const range = (xs) => (xs.length ? `${Math.min(...xs)}–${Math.max(...xs)}` : '–');

export function matchesPerSecond(s) {
	return s && s.totalMs ? s.callsCreated / (s.totalMs / 1000) : null;
}

/** Per-setup medians of the cost rows. */
export function costSummary(costs) {
	const pick = (k) => costs.map((c) => c[k]).filter((v) => Number.isFinite(v));
	const keys = ['writes', 'reads', 'clientWrites', 'clientReads', 'adminWrites', 'adminReads', 'signalingWrites', 'signalingReads', 'listens', 'ruleLookups'];
	return Object.fromEntries(keys.map((k) => [k, { median: median(pick(k)), range: range(pick(k)), n: pick(k).length }]));
}

/** The issue's targets, each with the measured value and PASS/FAIL. */
export function evaluate(r) {
	const t = [];
	const add = (id, target, value, pass, note = '') => t.push({ id, target, value, pass, note });
	const mm = r.matchmaking ?? [];
	const tangentRuns = mm.map((m) => m.scenarios.tangent).filter(Boolean);
	if (tangentRuns.length) {
		add('double-matches', 'Double matches = 0 at every N', tangentRuns.map((s) => `N=${s.n}: ${s.doubleMatches}`).join(', '), tangentRuns.every((s) => s.doubleMatches === 0));
		add(
			'unmatched',
			'Unmatched users after the run ≤ 1 at every N',
			tangentRuns.map((s) => `N=${s.n}: ${s.unmatched}`).join(', '),
			tangentRuns.every((s) => s.unmatched <= 1)
		);
		const largest = mm.at(-1);
		const mine = matchesPerSecond(largest.scenarios.tangent);
		const base = matchesPerSecond(largest.scenarios['single-doc']);
		if (mine !== null && base !== null) {
			add(
				'throughput',
				`Matches/s at N = ${largest.n} ≥ 5× the single-document matcher's${largest.n !== 1000 ? ' (N = 1000 not run: quick mode)' : ''}`,
				`${num(mine)} vs ${num(base)} /s = ${num(mine / base, 2)}×`,
				mine >= 5 * base
			);
		}
	}
	const text = r.callSetup?.tangentText;
	const codelab = r.callSetup?.codelab;
	if (text?.costs?.length && codelab?.costs?.length) {
		const mine = costSummary(text.costs);
		const base = costSummary(codelab.costs);
		add(
			'signaling-writes',
			"Signaling writes per call setup ≤ ½ the codelab baseline's",
			`${num(mine.signalingWrites.median)} vs ${num(base.signalingWrites.median)} = ${num(mine.signalingWrites.median / base.signalingWrites.median, 2)}×`,
			mine.signalingWrites.median <= base.signalingWrites.median / 2,
			'offer, answer and ICE candidates only (what both schemes do); lobby + matcher writes are in the ≤ 12 row'
		);
	}
	if (text?.matchedToOpen?.length && codelab?.matchedToOpen?.length) {
		const mine = median(text.matchedToOpen);
		const base = median(codelab.matchedToOpen);
		add('matched-to-open', "Matched → data channel open, p50 ≤ the baseline's median", `${ms(mine)} vs ${ms(base)}`, mine <= base);
	}
	if (text?.nextToConnected?.length) {
		const p50 = median(text.nextToConnected);
		add('next', 'Next → connected with a waiting third user, p50 < 1.5 s', ms(p50), p50 < 1500);
	}
	const w = r.weight;
	if (w && !w.error) {
		add('start-page-js', 'Start page JS ≤ 80 KB gzipped', kb(w.startPage.jsGzip), w.startPage.jsGzip <= 80 * KB);
		add('text-chat-total', 'Everything a text chat needs ≤ 200 KB gzipped (JS + CSS)', kb(w.textChat.totalGzip), w.textChat.totalGzip <= 200 * KB);
		add(
			'lazy',
			'Not needed for a text chat (video/audio UI, file sharing) loaded lazily',
			w.eagerNonText.length ? w.eagerNonText.map((e) => `${e.file.split('/').pop()} (${e.contains.join(', ')})`).join('; ') : 'none eager',
			w.eagerNonText.length === 0
		);
	}
	const lh = r.lighthouse;
	if (lh) {
		add(
			'lighthouse-lcp',
			'Start page on a phone: Lighthouse mobile LCP ≤ 2.0 s (simulated throttling, median)',
			`${ms(lh.lcpMs)} (score ${num(lh.score, 0)}, FCP ${ms(lh.fcpMs)}, TBT ${ms(lh.tbtMs)}, CLS ${num(lh.cls, 3)}; n = ${lh.runs.length})`,
			lh.lcpMs <= 2_000
		);
	}
	const sr = r.storageRules;
	if (sr && !sr.error) {
		add(
			'storage-rules-start',
			'Storage rules runtime: started and storage.rules loaded ≤ 5 s',
			`${ms(sr.rulesLoadedMs)} (JVM ready ${ms(sr.readyMs)})`,
			sr.rulesLoadedMs <= 5_000
		);
		add(
			'storage-rules-verify',
			'Storage rules runtime: a verify answered in ≤ 10 ms (p50, Firestore lookups included)',
			`get ${num(sr.get.p50)} ms (p95 ${num(sr.get.p95)}), create ${num(sr.create.p50)} ms (p95 ${num(sr.create.p95)}); first ${ms(sr.firstVerifyMs)}`,
			sr.get.p50 <= 10 && sr.create.p50 <= 10
		);
	}
	if (text?.costs?.length) {
		const c = costSummary(text.costs);
		add('writes', 'Writes per call setup (lobby → connected, both peers, matcher included) ≤ 12', `${num(c.writes.median)} (range ${c.writes.range})`, c.writes.median <= 12);
		add(
			'reads',
			'Reads per call setup ≤ 20',
			`${num(c.reads.median)} (range ${c.reads.range})`,
			c.reads.median <= 20,
			Number.isFinite(c.ruleLookups.median)
				? `documents delivered to the browsers + read by the matchmaker; the security rules' own lookups, which Firestore bills too, add about ${num(c.ruleLookups.median)} (= ${num(c.reads.median + c.ruleLookups.median)}; see section 3)`
				: ''
		);
	}
	const sv = r.safeVideo;
	if (sv?.on?.length) {
		const first = sv.on.map((x) => x.firstScores);
		add('safe-video-first', 'Safe video: first remote frame → first classification, p50 ≤ 500 ms', `${ms(median(first))} (range ${ms(Math.min(...first))}–${ms(Math.max(...first))}, n = ${first.length})`, median(first) <= 500);
		const inference = sv.on.flatMap((x) => x.inference);
		const fps = sv.on.map((x) => x.framesPerSecond);
		add(
			'safe-video-rate',
			'Safe video: classification cost per frame and frames sampled per second (reported)',
			`${ms(median(inference))} p50, ${ms(quantile(inference, 0.95))} p95 per frame in the worker; ${num(median(fps))} frames/s`,
			inference.length > 0 && median(fps) > 0,
			'PASS = it classifies during the call; the per-frame figure is the model in the worker, off the main thread'
		);
		const onBlock = median(sv.on.map((x) => x.blockingMsPerSecond));
		const offBlock = median(sv.off.map((x) => x.blockingMsPerSecond));
		if (onBlock !== null && offBlock !== null) {
			add(
				'safe-video-blocking',
				'Safe video: extra main-thread blocking during a call ≤ 50 ms per second',
				`${num(onBlock - offBlock, 0)} ms/s (long tasks ${num(onBlock, 0)} ms/s with Safe video, ${num(offBlock, 0)} ms/s without)`,
				onBlock - offBlock <= 50
			);
		}
		if (sv.model?.files?.length) {
			add('safe-video-bytes', 'Safe video: bytes of the lazily loaded classifier (reported)', `${kb(sv.model.gzip)} gz (${kb(sv.model.bytes)} raw)`, true, sv.model.files.map((f) => `${f.file} ${kb(f.gzip)} gz`).join(', '));
		}
	}
	return t;
}

export function summaryTable(targets) {
	const rows = targets.map((x) => [x.pass ? 'PASS' : 'FAIL', x.target, x.value]);
	const w0 = 4;
	const w1 = Math.max(...rows.map((r) => r[1].length), 6);
	return rows.map((r) => `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`).join('\n');
}

export function svgPanels(r) {
	const panels = [];
	const mmRows = [];
	for (const m of r.matchmaking ?? []) {
		for (const [name, label, color] of [
			['tangent', 'Tangent (emulator trigger)', '#5b4bd6'],
			['parallel', 'Tangent (parallel dispatch)', '#9b8cf0'],
			['single-doc', 'single-document queue', '#d65b4b']
		]) {
			const s = m.scenarios[name];
			if (s) mmRows.push({ label: `N=${m.n} · ${label}`, values: s.latencies, color });
		}
	}
	if (mmRows.length) panels.push({ title: '1 · Matchmaking: lobby write → the client sees its call', rows: mmRows });
	const cs = r.callSetup ?? {};
	const rows = [];
	if (cs.tangentText) {
		rows.push({ label: 'Tangent text · Start → matched', values: cs.tangentText.startToMatched, color: '#5b4bd6' });
		rows.push({ label: 'Tangent text · matched → channel open', values: cs.tangentText.matchedToOpen, color: '#5b4bd6' });
	}
	if (cs.codelab) rows.push({ label: 'codelab baseline · matched → channel open', values: cs.codelab.matchedToOpen, color: '#d65b4b' });
	if (cs.tangentVideo) {
		rows.push({ label: 'Tangent video · matched → channel open', values: cs.tangentVideo.matchedToOpen, color: '#3a8f5c' });
		rows.push({ label: 'Tangent video · matched → first remote frame', values: cs.tangentVideo.matchedToFirstFrame, color: '#3a8f5c' });
	}
	if (cs.tangentText) rows.push({ label: 'Tangent text · Next → connected (3rd waiting)', values: cs.tangentText.nextToConnected, color: '#5b4bd6' });
	if (rows.length) panels.push({ title: '2 · Call setup in headless Chromium (loopback)', rows });
	return panels;
}

function table(head, rows) {
	return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/**
 * What the matches-per-second ratios mean, run by run: on the emulator Tangent's trigger
 * runs one at a time, so where the queue keeps up the ratio says little; where the queue's
 * transactions start losing to each other, the ratio measures that collapse, which varies
 * from run to run.
 */
function matchmakingRatioNotes(runs) {
	const notes = [];
	for (const run of runs) {
		const a = run.scenarios.tangent;
		const b = run.scenarios['single-doc'];
		if (!a || !b || a.error || b.error || !b.counters) continue;
		const ratio = matchesPerSecond(a) / matchesPerSecond(b);
		const perCommit = b.txCommitted ? b.counters.txAttempts / b.txCommitted : Infinity;
		const queue = `the queue ran ${num(perCommit, 1)} transaction attempts per commit and left ${b.unmatched} of ${run.n} users unmatched at the deadline`;
		if (ratio < 1.5) {
			notes.push(`N=${run.n}: ${num(ratio, 2)}×. ${queue[0].toUpperCase()}${queue.slice(1)}; at this load it keeps up, while Tangent's rate is bounded by the emulator, which hands the matchmaker one trigger event at a time (at most ${a.logs?.maxConcurrentRuns ?? '?'} run in flight; deployed, each lobby write gets its own instance), not by its transactions (${a.logs?.transactionRetries ?? '?'} retries).`);
		} else {
			notes.push(`N=${run.n}: ${num(ratio, 2)}×, because ${queue}: every client's transaction reads and rewrites the one queue document, so they abort each other. The size of this ratio measures that collapse and varies from run to run; Tangent's own rate (${num(matchesPerSecond(a))}/s) is the steadier figure.`);
		}
	}
	return notes;
}

export function markdown(r, targets) {
	const out = [];
	const m = r.meta;
	out.push(`# Tangent bench report`, '');
	out.push(
		`${m.quick ? '**Quick run** (BENCH_QUICK=1: N = 100 only, fewer repeats). ' : ''}${m.only ? `**Some phases only** (BENCH_ONLY=${m.only.join(',')}). ` : ''}Run ${m.startedAt} for ${Math.round(m.durationS / 60)} min ` +
			`on ${m.machine.cpus} × ${m.machine.cpuModel}, ${m.machine.memGB} GB RAM, Node ${m.machine.node}, Chromium ${m.machine.chromium ?? '?'}; ` +
			`Firebase emulators (auth, firestore, functions, hosting) and browsers on loopback, all on this machine. ` +
			`Code: ${m.git.commit}${m.git.uncommitted ? ` plus ${m.git.uncommitted} uncommitted file(s) in the working tree (built and measured as they were)` : ''}.`,
		''
	);
	if (m.interruptions?.length) {
		out.push(`Interrupted ${m.interruptions.length} time(s) by something outside the bench stopping the emulators or Chromium; each affected phase was restarted once: ${m.interruptions.join('; ')}.`, '');
	}
	if (m.loadBefore) out.push(`Load average before the run: ${m.loadBefore.map((x) => x.toFixed(2)).join(', ')}.`, '');

	out.push('## Targets', '');
	out.push(table(['Result', 'Target', 'Measured'], targets.map((x) => [x.pass ? '**PASS**' : '**FAIL**', x.target, x.value + (x.note ? ` — ${x.note}` : '')])));
	out.push('');

	// 1
	out.push('## 1. Matchmaker throughput and fairness', '');
	out.push(
		`N simulated users (real Firebase JS SDK in Node, one client app each, anonymous sign-in) join over ${r.config.spreadMs / 1000} s on a fixed random schedule, ` +
			'the same for every scenario. "Latency" is from the start of the lobby write to the client seeing its call.',
		''
	);
	const mmRows = [];
	for (const run of r.matchmaking ?? []) {
		for (const [name, label] of [
			['tangent', 'Tangent (real function on the emulator)'],
			['parallel', 'Tangent, parallel dispatch (diagnostic)'],
			['single-doc', 'single-document queue (baseline)']
		]) {
			const s = run.scenarios[name];
			if (!s) continue;
			if (s.error) {
				mmRows.push([run.n, label, `error: ${s.error}`, '', '', '', '', '', '', '', '']);
				continue;
			}
			mmRows.push([
				run.n,
				label,
				s.callsCreated,
				s.unmatched,
				s.doubleMatches,
				s.logs ? s.logs.transactionRetries : `${s.counters.txAttempts - s.txCommitted} (SDK gave up ${s.counters.txFailures}×)`,
				ms(s.latency.p50),
				ms(s.latency.p95),
				ms(s.latency.max),
				ms(s.totalMs),
				num(matchesPerSecond(s))
			]);
		}
	}
	out.push(table(['N', 'Scenario', 'Calls', 'Unmatched', 'Double', 'Tx retries', 'p50', 'p95', 'max', 'Total', 'Matches/s'], mmRows), '');
	const details = [];
	for (const run of r.matchmaking ?? []) {
		const s = run.scenarios.tangent;
		if (s && !s.error && s.logs) {
			details.push(
				`- N=${run.n}, Tangent: ${s.logs.runs} matchmaker runs (${Object.entries(s.logs.outcomes)
					.map(([k, v]) => `${v} ${k}`)
					.join(', ')}), ${s.logs.transactionAttempts} transaction attempts for ${s.logs.candidatesTried} candidates tried ` +
					`(${s.logs.lostRaces} found the candidate taken), run time p50 ${ms(s.logs.runMs.p50)} / max ${ms(s.logs.runMs.max)}; ` +
					`at most ${s.logs.maxConcurrentRuns} run(s) in flight; ${s.counters.heartbeats} heartbeats; ` +
					`lobby write acknowledged p50 ${ms(s.writeAck.p50)}; ${s.counters.listenerErrors} listener(s) failed (${s.viaPoll} users seen by polling); ` +
					`${s.matchedButUnseen} matched but unseen by the deadline; Admin SDK ${s.logs.adminReads} reads / ${s.logs.adminWrites} writes.`
			);
		}
		const p = run.scenarios.parallel;
		if (p && !p.error && p.logs) {
			details.push(
				`- N=${run.n}, parallel dispatch: ${p.logs.runs} runs, up to ${p.logs.maxConcurrentRuns} at once, ${p.logs.transactionRetries} transaction retries, ` +
					`${p.logs.failedRuns} runs failed (transaction aborted), run time p50 ${ms(p.logs.runMs.p50)}; ${p.matchedButUnseen} matched but unseen by the deadline.`
			);
		}
		const b = run.scenarios['single-doc'];
		if (b && !b.error) {
			details.push(
				`- N=${run.n}, single-document queue: ${b.counters.txAttempts} transaction attempts for ${b.txCommitted} committed; the SDK gave up ${b.counters.txFailures} time(s) (the client then retried); ` +
					`${b.counters.listenerErrors} listener(s) failed.`
			);
		}
	}
	out.push(...details, '');

	// 2
	const cs = r.callSetup ?? {};
	out.push('## 2. Call setup in real browsers', '');
	out.push(
		`Headless Chromium (${r.config.iterations.text} text-mode and ${r.config.iterations.video} video-mode iterations, fresh browser contexts = fresh anonymous users each time, ` +
			'after one discarded warm-up iteration). Both pages of a call give one sample each, except Next → connected (one per iteration: until both A and C are connected).',
		''
	);
	const row = (label, xs) => {
		const s = summary(xs ?? []);
		return [label, s.n, ms(s.p50), ms(s.p95), ms(s.max)];
	};
	const csRows = [];
	if (cs.tangentText) {
		csRows.push(row('Tangent text: Start (both waiting) → matched', cs.tangentText.startToMatched));
		csRows.push(row('Tangent text: matched → data channel open', cs.tangentText.matchedToOpen));
		csRows.push(row('Tangent text: Next → connected (third user waiting)', cs.tangentText.nextToConnected));
	}
	if (cs.tangentVideo) {
		csRows.push(row('Tangent video: Start (both waiting) → matched', cs.tangentVideo.startToMatched));
		csRows.push(row('Tangent video: matched → data channel open', cs.tangentVideo.matchedToOpen));
		csRows.push(row('Tangent video: matched → first remote video frame', cs.tangentVideo.matchedToFirstFrame));
	}
	if (cs.codelab) csRows.push(row('Codelab baseline: room known → data channel open', cs.codelab.matchedToOpen));
	out.push(table(['Figure', 'n', 'p50', 'p95', 'max'], csRows), '');
	const fails = ['tangentText', 'tangentVideo', 'codelab'].flatMap((k) => (cs[k]?.failures ?? []).map((f) => `${k}: ${f}`));
	if (fails.length) out.push(`Failed iterations (left out of the figures): ${fails.length}`, '', ...fails.map((f) => `- ${f}`), '');
	const errs = ['tangentText', 'tangentVideo', 'codelab'].flatMap((k) => cs[k]?.pageErrors ?? []);
	if (errs.length) out.push(`Uncaught page errors: ${errs.length} (first: ${errs[0]})`, '');

	// 3
	out.push('## 3. Signaling cost per call setup', '');
	if (cs.tangentText?.costs?.length) {
		const c = costSummary(cs.tangentText.costs);
		const b = cs.codelab?.costs?.length ? costSummary(cs.codelab.costs) : null;
		const cr = (x) => `${num(x.median)} (${x.range})`;
		out.push(
			table(
				['Per call setup (median, range)', 'Tangent', 'Codelab baseline'],
				[
					['Writes, total', cr(c.writes), b ? cr(b.writes) : '–'],
					['· by the two browsers', cr(c.clientWrites), b ? cr(b.clientWrites) : '–'],
					['· by the matchmaker function', cr(c.adminWrites), '– (no matcher)'],
					['· signaling only (offer, answer, candidates)', cr(c.signalingWrites), b ? cr(b.signalingWrites) : '–'],
					['Reads, total', cr(c.reads), b ? cr(b.reads) : '–'],
					['· delivered to the two browsers', cr(c.clientReads), b ? cr(b.clientReads) : '–'],
					['· by the matchmaker function', cr(c.adminReads), '– (no matcher)'],
					['· signaling only', cr(c.signalingReads), b ? cr(b.signalingReads) : '–'],
					['Listens started', cr(c.listens), b ? cr(b.listens) : '–'],
					['Lookups by the security rules (estimated; not in the totals above)', cr(c.ruleLookups), b ? cr(b.ruleLookups) : '–']
				]
			),
			'',
			"Lookups by the security rules: documents Tangent's rules read to decide a request (the ban check on each lobby join, and the call each signal write and each listen on a partner's signal document is checked against). " +
				'Firestore bills them as reads, but no SDK sees them, so they are counted from the traffic and the rules as written (`ruleLookupsOf` in bench/browser/callSetup.mjs), not measured. ' +
				"The codelab baseline's rules only check sign-in (any signed-in user may read or write any room), so it has none.",
			''
		);
		const paths = cs.tangentText.costs[0]?.writePaths ?? [];
		if (paths.length) out.push(`Tangent's browser writes in one setup: ${paths.join(', ')} (+ the matchmaker's call create and two lobby updates).`, '');
		const cand = cs.codelab?.candidates ?? [];
		if (cand.length) {
			out.push(
				`ICE candidates per side on this machine (codelab counts them): caller ${range(cand.map((x) => x.caller))}, callee ${range(cand.map((x) => x.callee))}; ` +
					`candidates the codelab failed to add: ${cand.reduce((a, x) => a + x.lost, 0)}.`,
				''
			);
		}
	}

	// 4
	out.push('## 4. Baselines in the same run (ratios Tangent / baseline)', '');
	const ratios = [];
	for (const run of r.matchmaking ?? []) {
		const a = run.scenarios.tangent;
		const b = run.scenarios['single-doc'];
		if (!a || !b || a.error || b.error) continue;
		ratios.push([`N=${run.n}: matches per second`, num(matchesPerSecond(a)), num(matchesPerSecond(b)), `${num(matchesPerSecond(a) / matchesPerSecond(b), 2)}×`]);
		ratios.push([`N=${run.n}: p95 time to match`, ms(a.latency.p95), ms(b.latency.p95), `${num(a.latency.p95 / b.latency.p95, 2)}×`]);
	}
	if (cs.tangentText && cs.codelab) {
		const a = median(cs.tangentText.matchedToOpen);
		const b = median(cs.codelab.matchedToOpen);
		ratios.push(['Matched → data channel open, p50', ms(a), ms(b), `${num(a / b, 2)}×`]);
		const ca = costSummary(cs.tangentText.costs ?? []);
		const cb = costSummary(cs.codelab.costs ?? []);
		if (ca.writes.n && cb.writes.n) {
			ratios.push(['Signaling writes per call', num(ca.signalingWrites.median), num(cb.signalingWrites.median), `${num(ca.signalingWrites.median / cb.signalingWrites.median, 2)}×`]);
			ratios.push(['Signaling reads per call', num(ca.signalingReads.median), num(cb.signalingReads.median), `${num(ca.signalingReads.median / cb.signalingReads.median, 2)}×`]);
			ratios.push(['All writes per call (Tangent incl. lobby + matcher)', num(ca.writes.median), num(cb.writes.median), `${num(ca.writes.median / cb.writes.median, 2)}×`]);
			ratios.push(['All reads per call (Tangent incl. lobby + matcher)', num(ca.reads.median), num(cb.reads.median), `${num(ca.reads.median / cb.reads.median, 2)}×`]);
		}
	}
	out.push(table(['Figure', 'Tangent', 'Baseline', 'Ratio'], ratios), '');
	const reading = matchmakingRatioNotes(r.matchmaking ?? []);
	if (reading.length) out.push(...reading.map((l) => `- ${l}`), '');

	// 5
	out.push('## 5. Front-end weight', '');
	const w = r.weight;
	if (w?.error) out.push(`Not measured: ${w.error}`, '');
	else if (w) {
		out.push(
			`Start page: ${kb(w.startPage.jsGzip)} JS + ${kb(w.startPage.cssGzip)} CSS gzipped before first paint (first contentful paint at ${ms(w.firstContentfulPaintMs)} on loopback); ` +
				`${kb(w.afterFirstPaint.jsGzip)} more loaded after first paint (the Firebase SDK). Everything fetched from opening the start page to a connected text chat: ` +
				`${kb(w.textChat.jsGzip)} JS + ${kb(w.textChat.cssGzip)} CSS = ${kb(w.textChat.totalGzip)} gzipped.`,
			''
		);
		out.push(
			table(
				['Chunk', 'Loaded for', 'Raw', 'Gzipped', 'Video/audio UI or file sharing in it'],
				w.files.map((f) => [f.file.replace('_app/immutable/', ''), f.phase, kb(f.raw), kb(f.gzip), f.contains.join(', ') || 'none'])
			),
			''
		);
	}

	// 6
	out.push('## 6. Storage rules runtime', '');
	const sr = r.storageRules;
	if (sr?.error) out.push(`Not measured: ${sr.error}`, '');
	else if (sr) {
		out.push(
			`${sr.adapter ? "Tangent's adapter on the Google Cloud CLI Firestore emulator jar" : "firebase-tools' own runtime jar"} (\`${sr.jar.replace(/^.*\/\.cache\//, '.cache/')}\`). ` +
				`Ready ${ms(sr.readyMs)} after \`java -jar … serve\`, storage.rules compiled ${ms(sr.rulesLoadedMs)} after it; first verify ${ms(sr.firstVerifyMs)}.`,
			''
		);
		out.push(
			table(
				['Verify (storage.rules)', 'n', 'p50', 'p95', 'max'],
				[
					['download (`get`, 2 Firestore lookups)', sr.get.n, `${num(sr.get.p50, 2)} ms`, `${num(sr.get.p95, 2)} ms`, `${num(sr.get.max, 1)} ms`],
					['upload (`create`, 2 Firestore lookups)', sr.create.n, `${num(sr.create.p50, 2)} ms`, `${num(sr.create.p95, 2)} ms`, `${num(sr.create.max, 1)} ms`]
				]
			),
			''
		);
	}

	if (r.safeVideo) {
		const sv = r.safeVideo;
		out.push('## 8. Safe video', '');
		out.push(
			`Video calls between two contexts whose fake camera plays the generated colour-bar clip (\`--use-file-for-fake-video-capture\`), ${sv.on.length} with Safe video on and ${sv.off.length} with it off, alternating; ` +
				`measured on one viewer over a ${6} s window once the first classification is in (or the first frame, when off). Chromium ${sv.chromium ?? '?'}.`,
			''
		);
		const rows = [...sv.on.map((x) => ['on', x]), ...sv.off.map((x) => ['off', x])].map(([mode, x]) => [
			mode,
			x.firstScores === null ? '–' : ms(x.firstScores),
			x.modelLoadMs == null ? '–' : ms(x.modelLoadMs),
			x.modelReadyAt == null || x.firstFrameAt == null ? '–' : ms(x.modelReadyAt - x.firstFrameAt),
			x.inference.length ? ms(median(x.inference)) : '–',
			x.samples.length ? ms(median(x.samples)) : '–',
			num(x.framesPerSecond),
			x.blockingMsPerSecond === null ? '–' : num(x.blockingMsPerSecond, 0),
			x.status ?? '–'
		]);
		out.push(table(['Safe video', 'first frame → first scores', 'model load (worker start → ready)', 'model ready after first frame', 'inference p50 (worker)', 'round trip p50 (page)', 'frames/s', 'long tasks ms/s', 'status'], rows));
		out.push('');
		const steps = firstStepsP50(sv.on);
		if (steps) {
			out.push(`The first remote frame's way to its first scores, p50 of each step over ${sv.on.length} runs (the app's \`safe-video:first:*\` marks; the worker's times put on the page's clock):`, '');
			out.push(
				table(
					['step', 'p50'],
					[
						...FIRST_STEPS.map(([key, label]) => [label, steps[key] === null ? '–' : ms(steps[key])]),
						["check: the bench's own first-frame callback → the app's first-frame mark", steps.hookFrameToAppFrame === null ? '–' : ms(steps.hookFrameToAppFrame)]
					]
				)
			);
			out.push('');
		}
		if (sv.model?.files?.length) {
			out.push(`Fetched by the classifier worker: ${sv.model.files.map((f) => `${f.file} ${kb(f.bytes)} (${kb(f.gzip)} gz)`).join(', ')}; total ${kb(sv.model.gzip)} gz.`, '');
		}
		if (sv.failures.length) out.push(`Failed runs: ${sv.failures.join('; ')}.`, '');
		if (sv.pageErrors.length) out.push(`Page errors: ${sv.pageErrors.slice(0, 5).join('; ')}.`, '');
	}

	const lh = r.lighthouse;
	if (lh) {
		out.push('## 9. The start page on a phone (Lighthouse)', '');
		out.push(
			`Lighthouse ${lh.version}, performance category, ${lh.settings.formFactor} preset, ${lh.settings.throttlingMethod} throttling ` +
				`(RTT ${lh.settings.rttMs} ms, ${num(lh.settings.throughputKbps / 1024, 1)} Mbit/s, CPU ×${lh.settings.cpuSlowdown}), ` +
				`on \`${lh.url}\` served by the Hosting emulator, in Debian's Chromium; ${lh.runs.length} run(s), the median of each figure. ` +
				`Largest contentful paint element: \`${(lh.lcpElement ?? '?').slice(0, 120)}\`.`,
			''
		);
		out.push(
			table(
				['Run', 'Score', 'FCP', 'LCP', 'TBT', 'CLS', 'Speed index', 'CPU benchmark index'],
				[
					...lh.runs.map((x, i) => [i + 1, x.score, ms(x.fcpMs), ms(x.lcpMs), ms(x.tbtMs), num(x.cls, 3), ms(x.speedIndexMs), num(x.benchmarkIndex, 0)]),
					['median', lh.score, ms(lh.fcpMs), ms(lh.lcpMs), ms(lh.tbtMs), num(lh.cls, 3), ms(lh.speedIndexMs), '']
				]
			),
			''
		);
		out.push(
			`Requests of the last run, in order: ${lh.requests.map((q) => `${q.url.split('/').pop() || '/'} (${kb(q.transferBytes)}, ${q.startMs} ms)`).join(', ')}.`,
			''
		);
	}

	out.push('## How each figure is measured', '');
	out.push(...METHOD.map((l) => `- ${l}`), '');
	const notes = explain(r, targets);
	if (notes.length) out.push('## Targets missed, and why', '', ...notes.map((l) => `- ${l}`), '');
	if (r.errors?.length) out.push('## Phases that failed', '', ...r.errors.map((e) => `- ${e}`), '');
	return out.join('\n');
}

const METHOD = [
	'**Setup.** `npm run bench` builds the functions and the app, then `bench/run.mjs` starts `firebase emulators:start` (auth, firestore, functions, hosting; demo project) itself rather than through `emulators:exec`, so that it can preload `bench/lib/instrument-admin.cjs` into the Functions emulator\'s workers (NODE_OPTIONS) and keep the suite\'s output in `bench-results/emulators.log`. It waits while another run holds the emulator ports.',
	'**Simulated users** (`bench/load/worker.mjs`): one Firebase client app per user, in child processes of up to 500 users. Each user writes exactly the app\'s lobby entry (`status`, `mode`, `interests`, `language`, `patience`, `joinedAt`/`heartbeatAt` = server time; no interests, any language, text mode: one pool, the most contention), then listens to its own entry as `watchLobbyEntry` does, and keeps the app\'s heartbeat/patience timer running while it waits. Before the clock starts each client makes one throwaway write and one read, because a cold Node client needs seconds for its first write (a browser tab that has been open a moment does not). A listener that errors falls back to polling the entry with the Admin SDK (counted).',
	'**Double matches** = users who are members of more than one call, calls with malformed or repeated members, plus users whose client saw a call that does not list them (Admin SDK after the run). **Unmatched** = users in no call at the end. **Total** = first join → last client seeing its call; **matches/s** = calls / total.',
	'**Transaction retries** (Tangent): from the matchmaker\'s own log line per run (`transactionAttempts` − `candidatesTried`: transaction bodies the Admin SDK re-ran on contention), copied from the function workers\' stdout by the preload. "Found the candidate taken" are tries that lost a race and moved to the next candidate. Single-document queue: transaction bodies run − transactions committed.',
	'**Single-document queue** (`bench/baselines/singleDocMatcher.mjs`): each client runs one client-SDK transaction on `waiting_room/main` (take the oldest waiter and create `waiting_room_calls/{waiter}`, or append yourself), SDK defaults (5 attempts); a client whose transaction gives up tries again after a jittered backoff (250 ms doubling to 4 s). Waiters watch their own call document. Same users, join schedule and deadline as Tangent.',
	'**Parallel dispatch** (`bench/load/parallelMatcher.mjs`, diagnostic): the compiled `matchSeeker` run for each lobby write by the bench, up to 100 at once, on a named database no trigger watches — to see whether the emulator\'s one-at-a-time trigger delivery is what limits Tangent there.',
	'**Browser timings** (`bench/browser/pageHooks.js`, injected before the app\'s scripts): the moment of each button click, and each change of the status line (`Looking for someone…`, `Connecting…` = matched, `Connected — say hi!` = data channel open), in epoch ms from `performance.timeOrigin + performance.now()`; the first frame of each new remote stream with `requestVideoFrameCallback`. Start → matched is from the second Start press (the first visitor already waiting) to each page showing "Connecting…".',
	'**Firestore writes and reads per call setup**: in the browsers, the same hook reads the SDK\'s WebChannel traffic to the emulator (fetch and XHR): one write per `Write` in a Write-stream message, one read per document the server delivers on a Listen stream (`documentChange`). In the functions, the preload wraps the Admin SDK\'s RPC funnels: one write per `Write` in a commit, one read per document a query or get returns (a get of a missing document counts one), at least one per query. Window: first Start press → both connected + 1.5 s (trailing candidate batches), excluding the start page\'s online counter. Uncertainty: listens whose result is empty (a partner\'s signal document that does not exist yet) are not counted, though Firestore may bill one read for each ("listens started" shows how many there were); writes the SDK resends after a stream error would be counted twice (none expected on loopback); the security rules\' own document lookups are estimated, not measured (section 3).',
	'**Codelab baseline** (`bench/baselines/codelabSignaling.client.mjs`): bundled with esbuild and served on 127.0.0.1 to the same Chromium; offer and answer on `rooms/{id}`, one `addDoc` per ICE candidate into `callerCandidates`/`calleeCandidates`, remote candidates added as their documents arrive, no cleanup. Both pages are told the room at the same moment (Tangent\'s "matched"), use the same negotiated data channel and the ICE servers from the app\'s `iceServers` callable. Rules for its collections (and the queue\'s) are added to the emulator for the run only; Tangent\'s own rules are unchanged. Tangent and codelab iterations alternate. The codelab has no timeout and never re-reads: when a listener misses the offer or the answer (the emulator can drop a write that races a listener\'s start, about 1 in 200 here: `node bench/diagnostics/listenRace.mjs`), it waits forever, so the bench gives up after 20 s, counts a failed setup and lists how far each side got. Tangent re-reads from the server when that would strand a user.',
	'**Storage rules runtime** (`bench/storageRules.mjs`, also runnable alone): the runtime the Storage emulator would use (`storageEmulatorSetup()` in `scripts/emulators.mjs`), spawned as firebase-tools spawns it and spoken to over its JSON-lines protocol directly, so firebase-tools\' own 15 ms pause after each request it writes is not included. Start = spawn → ready line, and → Tangent\'s storage.rules compiled (what the Storage emulator waits for). Verify = request written → answer read, with the call (and file) documents the rules read answered at once by the bench as firebase-tools would.',
	'**Safe video** (`bench/browser/safeVideo.mjs`): the app\'s own performance measures on the viewer\'s page: `safe-video:first-scores` from the first presented remote frame (`requestVideoFrameCallback`) to the first scores applied (it includes waiting for the model if it was not loaded yet; the worker starts loading it while the page is still searching), `safe-video:inference` the model\'s time per frame inside the worker, `safe-video:sample` the page\'s round trip (frame copy, transfer, inference, answer). Main-thread blocking is the total duration of long tasks (Long Tasks API, > 50 ms each) per second over the window, with Safe video on minus off. Bytes: the worker files the page fetched, sized from `build/` (gzip level 6).',
	'**Start page on a phone** (`bench/lighthouse.mjs`, also runnable alone inside `node scripts/emulators.mjs exec`): Lighthouse 12 from npm, run from Node against Debian\'s Chromium (headless, the project\'s flags), performance category only, its default (mobile) settings: a Moto G Power sized screen, simulated throttling (the page loads unthrottled and Lighthouse\'s Lantern model replays its dependency graph at 150 ms RTT, 1.6 Mbit/s and 4× CPU). The CPU times it replays are observed on this shared 2-core machine, so a busy spell raises TBT and can raise LCP; the CPU benchmark index per run says how busy it was. Median of 3 runs (1 in quick mode).',
	'**Front-end weight** (`bench/weight.mjs`): files fetched by Chromium (Resource Timing) for the start page and through a connected text chat; gzip sizes from `build/` with node:zlib (level 6); KB = 1024 bytes. "Start page" = the HTML\'s modulepreloads and stylesheet, the route nodes fetched for `/` and their static imports (Vite manifest). The last column flags chunks holding video/audio UI or file-sharing code (by marker strings), which a text chat should not need.'
];

function explain(r, targets) {
	const notes = [];
	const failed = new Set(targets.filter((t) => !t.pass).map((t) => t.id));
	const largest = r.matchmaking?.at(-1);
	if (failed.has('throughput') && largest) {
		const s = largest.scenarios.tangent;
		const p = r.matchmaking.map((m) => m.scenarios.parallel).find((x) => x && !x.error);
		notes.push(
			`**Throughput.** On the emulator suite the matchmaker is never run concurrently: at most ${s?.logs?.maxConcurrentRuns ?? '?'} run was in flight at any moment ` +
				`(from the runs' own start and end times), because the Firestore emulator hands trigger events to the Functions emulator one at a time. ` +
				`Tangent's rate here is therefore about 1 / (dispatch + run time) — runs took p50 ${ms(s?.logs?.runMs?.p50)} — and every waiting user's heartbeat adds a run to the same queue. ` +
				`Deployed, each lobby write starts its own instance (maxInstances 100). ` +
				(p
					? `Dispatching the same code concurrently on the same emulator (N=${p.n}: p50 ${ms(p.latency.p50)}, ${p.logs.transactionRetries} transaction retries, ${p.logs.failedRuns} aborted runs) is slower still, because the emulator's server-side transactions hold pessimistic locks and contend; so the emulator cannot show production's concurrency either way. `
					: '') +
				`The single-document queue commits in the client and is not throttled by the emulator (production would hold it to roughly one sustained write per second on that document).`
		);
	}
	if (failed.has('signaling-writes')) {
		const cand = r.callSetup?.codelab?.candidates ?? [];
		const c = cand.length ? median(cand.map((x) => (x.caller + x.callee) / 2)) : null;
		notes.push(
			`**Signaling writes.** Tangent writes each member's description together with the candidates gathered by then, then later candidates in batches; the codelab writes offer, answer and one document per candidate. ` +
				`On this loopback machine each side gathers only ${num(c, 0)} candidates (the demo STUN/TURN server at 127.0.0.1:3478 is not running, so there are no server-reflexive or relay candidates), so the codelab needs only ${num(2 + 2 * (c ?? 0), 0)} writes and batching cannot save half. ` +
				`On real networks, server-reflexive, relay and IPv6 candidates add to the codelab's count one write each, while Tangent's stays at one or two writes per member.`
		);
	}
	if (failed.has('reads')) {
		const c = costSummary(r.callSetup.tangentText.costs);
		notes.push(
			`**Reads.** ${num(c.reads.median)} reads per setup: ${num(c.clientReads.median)} delivered to the two browsers (own lobby entry as written and as matched, the partner's signal document as it grows) ` +
				`and ${num(c.adminReads.median)} by the matchmaker (the seeker's entry, the candidate-window query, which returns every waiting entry in the pool, the recent-partners query, and the two entries re-read in the pairing transaction), for both users' runs.`
		);
	}
	if (failed.has('writes')) notes.push('**Writes.** See the breakdown in section 3.');
	if (failed.has('matched-to-open')) {
		notes.push(
			`**Matched → open.** Both schemes need the same two Firestore hops (offer with candidates to the answerer, answer with candidates back); Tangent's description waits up to 40 ms for its candidates to ride along. Compare the distributions in section 2.`
		);
	}
	if (failed.has('next')) notes.push('**Next → connected.** See the distribution in section 2; it includes leaving the call, a fresh lobby write, one matchmaker run and a new peer connection.');
	const w = r.weight;
	if ((failed.has('start-page-js') || failed.has('text-chat-total')) && w?.files) {
		const big = [...w.files].sort((a, b) => b.gzip - a.gzip).slice(0, 3);
		notes.push(`**Front-end weight.** The largest chunks: ${big.map((f) => `${f.file.split('/').pop()} ${kb(f.gzip)} (${f.phase})`).join(', ')}; see section 5.`);
	}
	if (failed.has('lazy') && w?.eagerNonText?.length) {
		notes.push(
			`**Lazy loading.** A text chat downloads ${w.eagerNonText.map((e) => `${e.file.split('/').pop()} (${kb(e.gzip)}, ${e.contains.join(' and ')})`).join(', ')}: ` +
				'the chat page imports those components statically instead of through a dynamic import when they are needed.'
		);
	}
	const lh = r.lighthouse;
	if (failed.has('lighthouse-lcp') && lh) {
		const indexes = lh.runs.map((x) => x.benchmarkIndex).filter((x) => Number.isFinite(x));
		notes.push(
			`**Start page LCP on a phone.** Simulated throttling replays the CPU time each task took on this machine, times ${lh.settings.cpuSlowdown}; ` +
				`its CPU benchmark index during the runs was ${indexes.length ? `${Math.min(...indexes).toFixed(0)}–${Math.max(...indexes).toFixed(0)}` : '?'} ` +
				`(Lighthouse's mobile preset assumes a host of about 1000 or more, so a busy host inflates every CPU task it replays). ` +
				`The largest paint is text (${(lh.lcpElement ?? '?').slice(0, 60)}), painted with the first render; see section 9 for what the page fetched before it.`
		);
	}
	if (failed.has('double-matches') || failed.has('unmatched')) notes.push('**Matching correctness.** See section 1 for which N and how many.');
	return notes;
}
