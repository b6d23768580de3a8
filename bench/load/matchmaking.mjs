// Phase 1 and baseline 4a: N simulated users join within a few seconds, on the same
// schedule, once against Tangent's matchmaker and once against the single-document queue.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore, Timestamp } from 'firebase-admin/firestore';
import { clearFirestore, now, PROJECT_ID, ROOT, sleep } from '../lib/emulators.mjs';
import { readOps, seededRandom, summary } from '../lib/stats.mjs';
import { PARALLEL_DATABASE, startParallelMatcher } from './parallelMatcher.mjs';

const adminApp = () => getApps().find((a) => a.name === '[DEFAULT]') ?? initializeApp({ projectId: PROJECT_ID });
const adminDb = (database) => (database ? getFirestore(adminApp(), database) : getFirestore(adminApp()));

/** Join offsets (ms) for N users spread uniformly over `spreadMs`, the same for every scenario. */
export function joinSchedule(n, spreadMs, seed = 6) {
	const random = seededRandom(seed + n);
	return Array.from({ length: n }, (_, index) => ({ index, delayMs: Math.round(random() * spreadMs) }));
}

function startWorker() {
	const child = fork(join(ROOT, 'bench', 'load', 'worker.mjs'), [], {
		env: { ...process.env, NODE_OPTIONS: '' },
		stdio: ['ignore', 'inherit', 'inherit', 'ipc']
	});
	const inbox = [];
	const waiters = [];
	child.on('message', (m) => {
		const w = waiters.findIndex((x) => x.type === m.type || m.type === 'error');
		if (w >= 0) waiters.splice(w, 1)[0].resolve(m);
		else inbox.push(m);
	});
	const exited = new Promise((r) => child.once('exit', r));
	const next = (type, timeoutMs) =>
		new Promise((resolve, reject) => {
			const i = inbox.findIndex((m) => m.type === type || m.type === 'error');
			if (i >= 0) return resolve(inbox.splice(i, 1)[0]);
			const timer = setTimeout(() => reject(new Error(`worker ${child.pid}: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
			waiters.push({ type, resolve: (m) => (clearTimeout(timer), resolve(m)) });
			exited.then((code) => reject(new Error(`worker ${child.pid} exited (${code}) waiting for '${type}'`)));
		}).then((m) => {
			if (m.type === 'error') throw new Error(`worker ${child.pid}: ${m.error}`);
			return m;
		});
	return { child, next, exited };
}

/**
 * Runs the scenarios for N users, one after the other on the same signed-in users:
 *   'tangent'     lobby writes, the real matchmaker function on the emulators
 *   'parallel'    lobby writes, the same matchmaker code dispatched concurrently (parallelMatcher.mjs)
 *   'single-doc'  the baseline single-document queue
 * Each gets a cleared database and the same join schedule.
 */
export async function runMatchmakingSet({ n, scenarios, spreadMs, waitMs, usersPerWorker, opsFile, log = () => {} }) {
	const schedule = joinSchedule(n, spreadMs);
	const workerCount = Math.max(1, Math.ceil(n / usersPerWorker));
	const slices = Array.from({ length: workerCount }, () => []);
	schedule.forEach((u, i) => slices[i % workerCount].push(u));
	const workers = slices.map(() => startWorker());
	const out = [];
	try {
		const setupStarted = now();
		workers.forEach((w, i) => w.child.send({ type: 'init', users: slices[i] }));
		await Promise.all(workers.map((w) => w.next('ready', 600_000)));
		const setupMs = now() - setupStarted;
		log(`  N=${n}: ${workerCount} worker process(es), users signed in after ${(setupMs / 1000).toFixed(1)} s`);
		for (const scenario of scenarios) {
			try {
				out.push(await runScenario(scenario));
			} catch (error) {
				log(`  N=${n} ${scenario}: FAILED ${error}`);
				out.push({ scenario, n, error: String(error).split('\n')[0] });
			}
		}
		return out;

		async function runScenario(scenario) {
			const database = scenario === 'parallel' ? PARALLEL_DATABASE : undefined;
			await clearFirestore(database);
			if (scenario === 'tangent') {
				const drainMs = await drainTriggers(opsFile);
				if (drainMs > 2_000) log(`  (waited ${fmt(drainMs)} for the emulator's earlier trigger events to drain)`);
			}
			workers.forEach((w) => w.child.send({ type: 'prepare', scenario: scenario === 'single-doc' ? 'single-doc' : 'tangent', database }));
			await Promise.all(workers.map((w) => w.next('prepared', 600_000)));
			const dispatcher = scenario === 'parallel' ? startParallelMatcher(adminDb(PARALLEL_DATABASE)) : null;

			const t0 = Date.now() + 1_500;
			const deadline = t0 + spreadMs + (typeof waitMs === 'number' ? waitMs : waitMs[scenario]);
			workers.forEach((w) => w.child.send({ type: 'go', t0, deadline }));
			const done = await Promise.all(workers.map((w) => w.next('done', deadline - Date.now() + 120_000)));
			const results = done.flatMap((d) => d.results).sort((a, b) => a.index - b.index);
			const counters = {};
			for (const d of done) for (const [k, v] of Object.entries(d.counters)) {
				if (typeof v === 'number') counters[k] = (counters[k] ?? 0) + v;
				else {
					counters[k] ??= {};
					for (const [code, c] of Object.entries(v)) counters[k][code] = (counters[k][code] ?? 0) + c;
				}
			}
			// Let runs still in flight (heartbeats of the last waiters) land before we look.
			await sleep(scenario === 'single-doc' ? 500 : 3_000);
			const dispatched = dispatcher ? await dispatcher() : null;
			const verdict = await verify(scenario, results, database);
			const logs =
				scenario === 'tangent'
					? matchmakerLogs(opsFile, t0 - 1_000, now())
					: scenario === 'parallel'
						? dispatchedLogs(dispatched)
						: null;
			const result = { scenario, n, spreadMs, workers: workerCount, setupMs, t0, ...derive(results, t0), ...verdict, counters, logs, results };
			log(
				`  N=${n} ${scenario}: ${result.callsCreated} calls, ${result.unmatched} unmatched, ${result.doubleMatches} double, ` +
					`p50 ${fmt(result.latency.p50)} p95 ${fmt(result.latency.p95)} max ${fmt(result.latency.max)}, total ${fmt(result.totalMs)}`
			);
			return result;
		}
	} finally {
		for (const w of workers) if (w.child.connected) w.child.send({ type: 'exit' });
		await Promise.race([Promise.all(workers.map((w) => w.exited)), sleep(20_000)]);
		for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
	}
}

/**
 * The Functions emulator runs trigger events one after the other, so a backlog from an
 * earlier scenario would delay this one. Writes a waiting entry in a pool nobody else is in
 * and waits for the matchmaker's log line about it: everything queued before has run.
 */
async function drainTriggers(opsFile, timeoutMs = 180_000) {
	const started = now();
	const uid = `bench-barrier-${Date.now()}`;
	const ref = adminDb().collection('lobby').doc(uid);
	const at = Timestamp.now();
	await ref.set({ status: 'waiting', mode: 'text', interests: [], language: 'zz', patience: 0, joinedAt: at, heartbeatAt: at });
	try {
		while (now() - started < timeoutMs) {
			if (readOps(opsFile, started - 1_000).some((r) => r.k === 'log' && r.message === 'matchmaker' && r.uid === uid)) break;
			await sleep(250);
		}
	} finally {
		await ref.delete();
	}
	return now() - started;
}

const fmt = (ms) => (ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`);

function derive(results, t0) {
	const seen = results.filter((r) => r.tSeen !== null);
	const latencies = seen.map((r) => r.tSeen - r.tJoin);
	const firstJoin = Math.min(...results.map((r) => r.tJoin));
	const lastSeen = seen.length ? Math.max(...seen.map((r) => r.tSeen)) : null;
	const totalMs = lastSeen === null ? null : lastSeen - firstJoin;
	return {
		usersSawCall: seen.length,
		latencies: latencies.map((v) => Math.round(v)),
		txCommitted: results.filter((r) => r.tAck !== null).length,
		latency: summary(latencies),
		writeAck: summary(results.filter((r) => r.tAck !== null).map((r) => r.tAck - r.tJoin)),
		firstJoinAt: firstJoin - t0,
		totalMs,
		viaPoll: results.filter((r) => r.via === 'poll').length
	};
}

/** What landed in Firestore: calls, double matches, people left unmatched. */
async function verify(scenario, results, database) {
	const db = adminDb(database);
	const calls = await db.collection(scenario === 'single-doc' ? 'waiting_room_calls' : 'calls').get();
	const inCalls = new Map();
	let malformed = 0;
	for (const call of calls.docs) {
		const members = call.get('members');
		if (!Array.isArray(members) || members.length !== 2 || members[0] === members[1]) malformed++;
		for (const uid of new Set(Array.isArray(members) ? members : [])) inCalls.set(uid, [...(inCalls.get(uid) ?? []), call.id]);
	}
	const uids = new Set(results.map((r) => r.uid));
	const doubleMatched = [...inCalls.entries()].filter(([, ids]) => ids.length > 1).map(([uid]) => uid);
	const strangers = [...inCalls.keys()].filter((uid) => !uids.has(uid)).length;
	const unmatched = results.filter((r) => !inCalls.has(r.uid)).length;
	// A client that saw a call it is not a member of would also be a double match.
	const wrongCall = results.filter((r) => r.callId && !(inCalls.get(r.uid) ?? []).includes(r.callId)).length;
	return {
		callsCreated: calls.size,
		doubleMatches: doubleMatched.length + malformed + wrongCall,
		doubleMatchDetail: { usersInTwoCalls: doubleMatched.length, malformedCalls: malformed, sawWrongCall: wrongCall, unknownMembers: strangers },
		unmatched,
		// Matched on the server, but the client never saw it before the deadline.
		matchedButUnseen: results.filter((r) => inCalls.has(r.uid) && r.tSeen === null).length
	};
}

/** The matchmaker's own account of each run (functions/src/index.ts logs it). */
function matchmakerLogs(opsFile, from, to) {
	const logs = readOps(opsFile, from, to).filter((r) => r.k === 'log' && r.message === 'matchmaker');
	const sum = (key) => logs.reduce((a, r) => a + (Number(r[key]) || 0), 0);
	const outcomes = {};
	for (const r of logs) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
	const attempts = sum('transactionAttempts');
	const tried = sum('candidatesTried');
	const ops = readOps(opsFile, from, to).filter((r) => r.k === 'op');
	return {
		runs: logs.length,
		outcomes,
		transactionAttempts: attempts,
		candidatesTried: tried,
		/** Transaction bodies re-run by the Admin SDK on contention. */
		transactionRetries: attempts - tried,
		/** Tries that found the candidate already taken (not retries: the next candidate is tried). */
		lostRaces: tried - (outcomes.paired ?? 0),
		rounds: sum('rounds'),
		runMs: summary(logs.map((r) => Number(r.ms))),
		adminReads: ops.reduce((a, r) => a + (r.reads ?? 0), 0),
		adminWrites: ops.reduce((a, r) => a + (r.writes ?? 0), 0),
		workerProcesses: new Set(ops.map((r) => r.pid)).size,
		maxConcurrentRuns: maxOverlap(logs.map((r) => [r.t - Number(r.ms), r.t]))
	};
}

/** The same account for the parallel-dispatch variant, from matchSeeker's returned reports. */
function dispatchedLogs({ reports, failures, maxRunning }) {
	const sum = (key) => reports.reduce((a, r) => a + (Number(r[key]) || 0), 0);
	const outcomes = {};
	for (const r of reports) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
	const attempts = sum('transactionAttempts');
	const tried = sum('candidatesTried');
	return {
		runs: reports.length,
		outcomes,
		transactionAttempts: attempts,
		candidatesTried: tried,
		transactionRetries: attempts - tried,
		lostRaces: tried - (outcomes.paired ?? 0),
		rounds: sum('rounds'),
		runMs: summary(reports.map((r) => r.ms)),
		failedRuns: failures,
		maxConcurrentRuns: maxRunning
	};
}

/** The most intervals [start, end] open at one moment. */
function maxOverlap(intervals) {
	const events = intervals.flatMap(([a, b]) => [[a, 1], [b, -1]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
	let open = 0;
	let most = 0;
	for (const [, d] of events) most = Math.max(most, (open += d));
	return most;
}
