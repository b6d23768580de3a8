#!/usr/bin/env node
// The crowd bench for matching (issue #12): lockout, heartbeat cost, cost per pair,
// contention, churn, and the cost model, comparing this branch's batch matcher with the
// design it replaces. Runs against a running emulator suite:
//   node scripts/emulators.mjs exec "node bench/crowd/crowd.mjs"       (or via bench/run.mjs)
//   CROWD_QUICK=1 … : the 3-minute churn; otherwise 10 minutes.
// "Parallel mode": the matcher code is dispatched from this process, up to 100 runs at once,
// on a named emulator database that no trigger watches (world.mjs). The lockout scenario
// also runs on the real functions emulator (its trigger queue is serial: labelled so).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore, Timestamp } from 'firebase-admin/firestore';
import { clearFirestore, PROJECT_ID, ROOT, sleep } from '../lib/emulators.mjs';
import { quantile, seededRandom } from '../lib/stats.mjs';
import { installCounting } from './count.mjs';
import { buildBaseline, loadDesign } from './designs.mjs';
import { randomUid, World } from './world.mjs';

process.env.METADATA_SERVER_DETECTION = 'none';
installCounting();

const CROWD_DB = 'bench-crowd';
const app = () => getApps().find((a) => a.name === '[DEFAULT]') ?? initializeApp({ projectId: PROJECT_ID });
const dbNamed = (name) => (name ? getFirestore(app(), name) : getFirestore(app()));

/** Public list prices used by the cost model (USD). Firestore: us-central1, Standard edition. */
export const PRICES = {
	source:
		'Firestore us-central1 list prices (cloud.google.com/firestore/pricing): $0.03 per 100k document reads, $0.09 per 100k writes, ' +
		'$0.01 per 100k deletes; Cloud Functions 2nd gen / Cloud Run (cloud.google.com/run/pricing, tier 1): $0.40 per million requests, ' +
		'$0.000024 per vCPU-second, $0.0000025 per GiB-second; Cloud Tasks (cloud.google.com/tasks/pricing): $0.40 per million operations. ' +
		'Free tiers ignored.',
	read: 0.03 / 100_000,
	write: 0.09 / 100_000,
	invocation: 0.4 / 1_000_000,
	vcpuSecond: 0.000024,
	gibSecond: 0.0000025,
	taskOperation: 0.4 / 1_000_000,
	/** Each function instance: 1 vCPU, 0.25 GiB (functions/src/runtime.ts), billed while it serves a request. */
	instance: { vcpu: 1, gib: 0.25 }
};

/**
 * Requests one function instance serves at once: Cloud Functions 2nd gen's default with
 * 1 vCPU (runtime.ts sets no `concurrency` for the matcher's functions). The cost model
 * bills instance-time with invocations packed this many to an instance (World.instanceSeconds);
 * the sum of every invocation's own duration (as if each had an instance to itself) is
 * printed beside it as the upper bound.
 */
const FUNCTION_CONCURRENCY = 80;

const TARGETS = {
	lockoutP50Ms: 2_000,
	heartbeatRunsPerWaitingMinute: 0,
	readsPerPairAt200: 10,
	attemptsPerPair: 1.2,
	dailyCostAt10k: 60
};

const pct = (values, q) => (values.length ? Math.round(quantile(values, q)) : null);
const fmt = (v, d = 1) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v).toFixed(d));
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');

async function callsIn(db) {
	return (await db.collection('calls').get()).docs.map((d) => ({ id: d.id, members: d.get('members') }));
}

/** Each uid in at most one call (every scenario but churn joins each uid once). */
function doubles(calls) {
	const seen = new Map();
	let double = 0;
	for (const c of calls) for (const uid of c.members) seen.set(uid, (seen.get(uid) ?? 0) + 1);
	for (const n of seen.values()) if (n > 1) double += n - 1;
	return { double, matchedUids: seen.size };
}

// ---------------------------------------------------------------------------------------
// Cost per pair and contention: n people join at once, the trigger logic runs for each.

async function pairCost(design, n, random) {
	await clearFirestore(CROWD_DB);
	design.forget();
	const db = dbNamed(CROWD_DB);
	const world = new World(db, design, { accelerateAfterMs: 2_000 });
	const uids = Array.from({ length: n }, () => randomUid(random));
	const started = Date.now();
	await Promise.all(uids.map((uid, i) => world.join(uid, { joinedAtMs: started - n + i })));
	await world.idle();
	const elapsedMs = Date.now() - started;
	world.stop();
	const calls = await callsIn(db);
	const pairs = calls.length;
	const { double, matchedUids } = doubles(calls);
	// Every lobby write invokes the trigger: the joins, and the matcher's own writes to entries.
	const triggerInvocations = world.lobbyWrites + pairs * 2;
	return {
		design: design.name,
		n,
		pairs,
		unmatched: n - matchedUids,
		double,
		elapsedMs,
		matcherRuns: world.jobs,
		scheduledRuns: world.scheduledRuns,
		reads: world.matcher.reads,
		writes: world.matcher.writes,
		readsPerPair: pairs ? world.matcher.reads / pairs : null,
		writesPerPair: pairs ? world.matcher.writes / pairs : null,
		invocationsPerPair: pairs ? (triggerInvocations + world.scheduledRuns) / pairs : null,
		attemptsPerPair: pairs ? world.sum(design.attemptsOf) / pairs : null,
		leaseAttemptsPerPair: pairs ? world.sum(design.leaseAttemptsOf) / pairs : null,
		runMsMean: world.reports.length ? world.sum((r) => r.ms) / world.reports.length : null,
		instanceSeconds: world.instanceSeconds(FUNCTION_CONCURRENCY),
		maxConcurrentRuns: world.maxRunning,
		failures: world.failures.length
	};
}

// ---------------------------------------------------------------------------------------
// Heartbeat cost: `waiting` people who cannot match each other beat for one minute each.

async function heartbeatCost(design, waiting, random) {
	await clearFirestore(CROWD_DB);
	design.forget();
	const db = dbNamed(CROWD_DB);
	const world = new World(db, design, { accelerateAfterMs: 0 });
	const now = Date.now();
	const uids = Array.from({ length: waiting }, () => randomUid(random));
	// Each lists an interest nobody else has, and has just joined: nobody's match yet.
	await Promise.all(uids.map((uid, i) => world.seed(uid, { status: 'waiting', mode: 'text', language: null, interests: [`only-${i}`], joinedAt: Timestamp.fromMillis(now), heartbeatAt: Timestamp.fromMillis(now) })));
	const beatsPerMinute = 60_000 / 10_000;
	for (let beat = 0; beat < beatsPerMinute; beat++) {
		await Promise.all(uids.map((uid) => world.heartbeat(uid, 0)));
		await world.idle();
	}
	world.stop();
	const userMinutes = waiting;
	return {
		design: design.name,
		waiting,
		heartbeats: waiting * beatsPerMinute,
		matcherRunsPerWaitingMinute: world.jobs / userMinutes,
		readsPerWaitingMinute: (world.matcher.reads + world.client.reads) / userMinutes,
		writesPerWaitingMinute: (world.matcher.writes + world.client.writes) / userMinutes,
		invocationsPerWaitingMinute: world.lobbyWrites / userMinutes,
		matcherMsPerWaitingMinute: world.sum((r) => r.ms) / userMinutes,
		instanceMsPerWaitingMinute: (world.instanceSeconds(FUNCTION_CONCURRENCY) * 1000) / userMinutes
	};
}

// ---------------------------------------------------------------------------------------
// Lockout: 25 departed + 20 unmatchable entries at the head of a pool, two live users behind.

async function seedLockout(world, random) {
	const now = Date.now();
	for (let i = 0; i < 25; i++) {
		const beat = now - 26_000 - Math.round(random() * 34_000);
		await world.seed(`0departed${String(i).padStart(2, '0')}${randomUid(random).slice(0, 8)}`, {
			status: 'waiting', mode: 'text', language: null, interests: [], joinedAt: Timestamp.fromMillis(beat - 5_000), heartbeatAt: Timestamp.fromMillis(beat)
		});
	}
	for (let i = 0; i < 20; i++) {
		await world.seed(`0throwaway${String(i).padStart(2, '0')}${randomUid(random).slice(0, 8)}`, {
			status: 'waiting', mode: 'text', language: null, interests: [`unique-${i}-${randomUid(random).slice(0, 6)}`], joinedAt: Timestamp.fromMillis(now - 1_000 + i), heartbeatAt: Timestamp.fromMillis(now)
		});
	}
}

async function lockoutParallel(design, iterations, random) {
	const latencies = [];
	let departedLeft = 0;
	for (let it = 0; it < iterations; it++) {
		await clearFirestore(CROWD_DB);
		design.forget();
		const db = dbNamed(CROWD_DB);
		const world = new World(db, design);
		await seedLockout(world, random);
		const live = [randomUid(random), randomUid(random)];
		const started = Date.now();
		await Promise.all(live.map((uid) => world.join(uid)));
		// Keep the live users beating as their pages would (the old design re-runs on each).
		const beats = setInterval(() => live.forEach((uid) => world.heartbeat(uid, Date.now() - started).catch(() => {})), 10_000);
		let matchedAt = null;
		while (Date.now() - started < 25_000) {
			const snaps = await Promise.all(live.map((uid) => db.collection('lobby').doc(uid).get()));
			if (snaps.every((s) => s.get('status') === 'matched')) {
				matchedAt = Date.now();
				break;
			}
			await sleep(50);
		}
		clearInterval(beats);
		world.stop();
		latencies.push(matchedAt === null ? null : matchedAt - started);
		const lobby = await db.collection('lobby').get();
		departedLeft += lobby.docs.filter((d) => d.id.startsWith('0departed') && d.get('status') === 'left').length;
	}
	const got = latencies.filter((l) => l !== null);
	return { design: design.name, mode: 'parallel', iterations, matched: got.length, p50Ms: got.length === iterations ? pct(got, 0.5) : null, latencies, departedMarkedLeft: departedLeft / iterations };
}

/** The same on the real functions emulator (serial trigger queue, Cloud Tasks emulator). */
async function lockoutOnEmulator(iterations, random) {
	const db = dbNamed(null);
	const latencies = [];
	let departedLeft = 0;
	for (let it = 0; it < iterations; it++) {
		await clearFirestore();
		const now = Date.now();
		const writes = [];
		for (let i = 0; i < 25; i++) {
			const beat = now - 26_000 - Math.round(random() * 34_000);
			writes.push(['0departed' + i, { status: 'waiting', mode: 'text', language: null, interests: [], joinedAt: Timestamp.fromMillis(beat - 5_000), heartbeatAt: Timestamp.fromMillis(beat) }]);
		}
		for (let i = 0; i < 20; i++) {
			writes.push(['0throwaway' + i, { status: 'waiting', mode: 'text', language: null, interests: [`unique-${i}`], joinedAt: Timestamp.fromMillis(now - 1_000 + i), heartbeatAt: Timestamp.fromMillis(now) }]);
		}
		await Promise.all(writes.map(([id, data]) => db.collection('lobby').doc(id).set(data)));
		// The seeds' own trigger events first (the emulator delivers them one at a time).
		const drainStarted = Date.now();
		while (Date.now() - drainStarted < 60_000) {
			const runs = (await db.doc('matchShards/text~any~0of1').get()).get('runs') ?? 0;
			if (runs >= writes.length) break;
			await sleep(200);
		}
		const live = ['zlive-a-' + it, 'zlive-b-' + it];
		const started = Date.now();
		await Promise.all(live.map((uid) => db.collection('lobby').doc(uid).set({ status: 'waiting', mode: 'text', language: null, interests: [], joinedAt: Timestamp.now(), heartbeatAt: Timestamp.now() })));
		let matchedAt = null;
		while (Date.now() - started < 25_000) {
			const snaps = await Promise.all(live.map((uid) => db.collection('lobby').doc(uid).get()));
			if (snaps.every((s) => s.get('status') === 'matched')) {
				matchedAt = Date.now();
				break;
			}
			await sleep(50);
		}
		latencies.push(matchedAt === null ? null : matchedAt - started);
		const lobby = await db.collection('lobby').get();
		departedLeft += lobby.docs.filter((d) => d.id.startsWith('0departed') && d.get('status') === 'left').length;
	}
	const got = latencies.filter((l) => l !== null);
	return { design: 'batch', mode: 'emulator (serial trigger queue)', iterations, matched: got.length, p50Ms: got.length === iterations ? pct(got, 0.5) : null, latencies, departedMarkedLeft: departedLeft / iterations };
}

// ---------------------------------------------------------------------------------------
// Churn: steady arrivals, short chats, Next or leave, 5 % vanish.

async function churn(design, { users, durationMs, random, log }) {
	await clearFirestore(CROWD_DB);
	design.forget();
	const db = dbNamed(CROWD_DB);
	const world = new World(db, design);
	const START = Date.now();
	const people = Array.from({ length: users }, (_, i) => ({
		i,
		uid: randomUid(random),
		arriveAt: START + Math.round((i / users) * durationMs * 0.8 + random() * 2_000),
		interests: random() < 0.3 ? [['music', 'games', 'films', 'books', 'sport'][Math.floor(random() * 5)]] : [],
		state: 'away',
		joinedAt: 0,
		lastJoinAt: 0,
		callId: null,
		vanished: false,
		beat: null
	}));
	const byUid = new Map(people.map((p) => [p.uid, p]));
	const waits = [];
	/** matchedAt − joinedAt, both stamped by the server: the wait without the bench process's own delays. */
	const serverWaits = [];
	let matchesFoundByReread = 0;
	let staleSnapshots = 0;
	const doubleDetails = [];
	let doubleMatches = 0;
	let matchedToVanished = 0;
	const stranded = new Set();
	const callsSeen = new Map();
	const timers = new Set();
	const later = (ms, fn) => {
		const t = setTimeout(() => {
			timers.delete(t);
			fn();
		}, ms);
		timers.add(t);
	};
	const over = () => Date.now() - START > durationMs;
	let onlineMs = 0;
	let waitingMs = 0;

	async function join(p) {
		if (over()) return (p.state = 'gone');
		const wait = p.lastJoinAt + 400 - Date.now();
		if (wait > 0) await sleep(wait);
		p.state = 'waiting';
		p.callId = null;
		p.joinedAt = Date.now();
		p.lastJoinAt = p.joinedAt;
		await world.join(p.uid, { interests: p.interests, joinedAtMs: p.joinedAt });
		if (random() < 0.05) {
			// This one's tab dies while waiting: no leave, no more heartbeats.
			later(Math.round(random() * 8_000), () => {
				if (p.state === 'waiting') {
					p.vanished = true;
					p.state = 'gone';
					clearInterval(p.beat);
				}
			});
		}
		clearInterval(p.beat);
		p.beat = setInterval(() => {
			if (p.state === 'waiting' && !p.vanished) beat(p).catch(() => {});
		}, 10_000);
	}

	/**
	 * A waiting page's heartbeat, as the app does it: the rules refuse a heartbeat on an entry
	 * that is no longer waiting (the check below stands for that refusal, which Firestore does
	 * not bill), and the page then re-reads its entry (one read) and carries on from it, so a
	 * match whose snapshot never reached the page is not lost (session.svelte.ts
	 * #rereadLobbyEntry; the emulator drops a listener's racing write now and then).
	 */
	async function beat(p) {
		const snap = await db.collection('lobby').doc(p.uid).get();
		if (snap.get('status') === 'waiting') return world.heartbeat(p.uid, Date.now() - p.joinedAt);
		world.client.reads++;
		if (snap.get('status') === 'matched' && p.state === 'waiting' && !p.vanished && snap.get('callId') !== p.callId) {
			matchesFoundByReread++;
			seen(p, snap);
		}
	}

	function endChat(p, partnerToo) {
		if (p.state !== 'chatting') return;
		const roll = random();
		p.state = 'between';
		const partner = byUid.get(callsSeen.get(p.callId)?.find((u) => u !== p.uid));
		if (partnerToo && partner && partner.state === 'chatting' && partner.callId === p.callId) endChat(partner, false);
		if (roll < 0.25 || over()) {
			p.state = 'gone';
			return;
		}
		join(p).catch(() => {});
	}

	/** A matched entry reached p's page (its snapshot, or the re-read after a refused heartbeat). */
	function seen(p, doc) {
		const callId = doc.get('callId');
		const members = [p.uid, doc.get('partner')];
		if (!callsSeen.has(callId)) callsSeen.set(callId, members);
		if (p.callId === callId) return;
		// Only a match of the join the page is waiting on counts: a late snapshot of an
		// earlier join's match is history, not a second match.
		const joinedAt = doc.get('joinedAt')?.toMillis?.();
		if (joinedAt !== undefined && joinedAt !== p.joinedAt) {
			staleSnapshots++;
			return;
		}
		if (p.state !== 'waiting' && !p.vanished) {
			if (p.state === 'chatting') {
				doubleMatches++;
				doubleDetails.push({ uid: p.uid, had: p.callId, got: callId });
			}
			return;
		}
		if (p.vanished) {
			matchedToVanished++;
			return;
		}
		p.state = 'chatting';
		p.callId = callId;
		waits.push(Date.now() - p.joinedAt);
		const matchedAt = doc.get('matchedAt')?.toMillis?.();
		if (matchedAt !== undefined && joinedAt !== undefined) serverWaits.push(matchedAt - joinedAt);
		clearInterval(p.beat);
		const partner = byUid.get(members[1]);
		// A partner whose tab died never connects: the page gives up after 20 s and moves on.
		const chatMs = partner?.vanished ? 20_000 : 5_000 + Math.round(random() * 25_000);
		later(chatMs, () => endChat(p, true));
	}

	const stopWatch = db.collection('lobby').onSnapshot((snap) => {
		for (const change of snap.docChanges()) {
			const p = byUid.get(change.doc.id);
			if (!p || change.doc.get('status') !== 'matched') continue;
			seen(p, change.doc);
		}
	});

	// How late this process's timers fire: every simulated page and every matcher run share
	// its one thread, so its lag is in every wait the bench observes (not in serverWaits).
	const lags = [];
	let lagTick = Date.now();
	const lagTimer = setInterval(() => {
		const t = Date.now();
		lags.push(Math.max(0, t - lagTick - 200));
		lagTick = t;
	}, 200);

	for (const p of people) later(p.arriveAt - Date.now(), () => join(p).catch(() => {}));
	const sampleEvery = 1_000;
	const sampler = setInterval(() => {
		const now = Date.now();
		const alive = people.filter((x) => x.state === 'waiting' && !x.vanished);
		onlineMs += people.filter((x) => ['waiting', 'chatting', 'between'].includes(x.state) && !x.vanished).length * sampleEvery;
		waitingMs += alive.length * sampleEvery;
		// Stranded: two alive people both waiting ≥ 15 s (+3 s for the scheduled run to land),
		// compatible by then (same pool; patience 2 lifts the recent-partner rule).
		const long = alive.filter((x) => now - x.joinedAt >= 18_000);
		if (long.length >= 2) for (const x of long) stranded.add(`${x.uid}@${x.joinedAt}`);
	}, sampleEvery);

	await sleep(durationMs);
	log?.(`  churn: arrivals over, waiting for the last chats to end`);
	await sleep(35_000);
	clearInterval(sampler);
	clearInterval(lagTimer);
	stopWatch();
	for (const t of timers) clearTimeout(t);
	for (const p of people) clearInterval(p.beat);
	await world.idle().catch(() => {});
	world.stop();
	const calls = await callsIn(db);
	const userHours = onlineMs / 3_600_000;
	return {
		design: design.name,
		users,
		durationMs,
		calls: calls.length,
		matchedWaits: waits.length,
		waitP50Ms: pct(waits, 0.5),
		waitP95Ms: pct(waits, 0.95),
		waitMaxMs: waits.length ? Math.max(...waits) : null,
		serverWaitP50Ms: pct(serverWaits, 0.5),
		serverWaitP95Ms: pct(serverWaits, 0.95),
		benchLagP50Ms: pct(lags, 0.5),
		benchLagP95Ms: pct(lags, 0.95),
		matchesFoundByReread,
		staleSnapshots,
		doubleDetails,
		doubleMatches,
		stranded: stranded.size,
		vanished: people.filter((p) => p.vanished).length,
		matchedToVanished,
		userHours,
		waitingHours: waitingMs / 3_600_000,
		matcherRuns: world.jobs,
		scheduledRuns: world.scheduledRuns,
		reads: world.matcher.reads + world.client.reads,
		writes: world.matcher.writes + world.client.writes,
		lobbyWrites: world.lobbyWrites,
		invocations: world.lobbyWrites + calls.length * 2 + world.scheduledRuns,
		runMsTotal: world.sum((r) => r.ms),
		attemptsPerPair: calls.length ? world.sum(design.attemptsOf) / calls.length : null,
		failures: world.failures.length
	};
}

// ---------------------------------------------------------------------------------------
// The cost model.

/**
 * Per user-hour, from measured figures: a user-hour holds `joinsPerHour` joins (a chat of
 * `chatMinutes` plus the wait), each costing half a pair, plus `waitingMinutes` of beating.
 */
function costModel(pairAt200, beat, assumptions) {
	const { joinsPerHour, waitingMinutesPerHour } = assumptions;
	const pairsPerHour = joinsPerHour / 2;
	const reads = pairsPerHour * pairAt200.readsPerPair + waitingMinutesPerHour * beat.readsPerWaitingMinute;
	// Client writes per join: the join itself (the chat's own writes are the same in both designs).
	const writes = pairsPerHour * pairAt200.writesPerPair + joinsPerHour + waitingMinutesPerHour * beat.writesPerWaitingMinute;
	const invocations = pairsPerHour * pairAt200.invocationsPerPair + waitingMinutesPerHour * beat.invocationsPerWaitingMinute;
	// Instance-seconds as billed with concurrent requests per instance; and, as the upper
	// bound, every invocation's own duration summed (one instance per invocation).
	const computeSeconds = (pairsPerHour * pairAt200.instanceSeconds) / pairAt200.pairs + (waitingMinutesPerHour * beat.instanceMsPerWaitingMinute) / 1000;
	const computeSecondsUnshared = (pairsPerHour * pairAt200.matcherRuns * (pairAt200.runMsMean ?? 0)) / pairAt200.pairs / 1000 + (waitingMinutesPerHour * beat.matcherMsPerWaitingMinute) / 1000;
	const tasks = pairsPerHour * (pairAt200.scheduledRuns / Math.max(1, pairAt200.pairs)) * 2;
	const perInstanceSecond = PRICES.instance.vcpu * PRICES.vcpuSecond + PRICES.instance.gib * PRICES.gibSecond;
	const operations = reads * PRICES.read + writes * PRICES.write + invocations * PRICES.invocation + tasks * PRICES.taskOperation;
	const usd = operations + computeSeconds * perInstanceSecond;
	const usdUnshared = operations + computeSecondsUnshared * perInstanceSecond;
	return {
		design: pairAt200.design,
		reads,
		writes,
		invocations,
		computeSeconds,
		computeSecondsUnshared,
		tasks,
		usdPerUserHour: usd,
		usdPerDayAt10k: usd * 10_000 * 24,
		usdPerDayAt10kUnshared: usdUnshared * 10_000 * 24
	};
}

// ---------------------------------------------------------------------------------------

/** CROWD_ONLY=churn (or lockout,heartbeat,pairs): only those scenarios, for iterating; the checks then cover what ran. */
const CROWD_ONLY = (process.env.CROWD_ONLY ?? '').split(',').map((w) => w.trim()).filter(Boolean);
const scenario = (name) => CROWD_ONLY.length === 0 || CROWD_ONLY.includes(name);

export async function runCrowdBench({ quick = process.env.CROWD_QUICK === '1', out = join(ROOT, 'bench-results'), log = console.log } = {}) {
	mkdirSync(out, { recursive: true });
	const random = seededRandom(12);
	const baseline = buildBaseline(ROOT, join(out, '.baseline'));
	const designs = { batch: loadDesign('batch', { root: ROOT }), before: loadDesign('before', { root: ROOT, baselineLib: baseline.lib }) };
	const results = { quick, baselineCommit: baseline.commit, prices: PRICES, targets: TARGETS, pairCost: [], heartbeat: [], lockout: [], churn: null };

	for (const name of scenario('lockout') ? ['batch', 'before'] : []) {
		results.lockout.push(await lockoutParallel(designs[name], quick ? 3 : 5, random));
		log(`  lockout ${name} (parallel): p50 ${fmt(results.lockout.at(-1).p50Ms, 0)} ms, ${results.lockout.at(-1).matched}/${results.lockout.at(-1).iterations} matched`);
	}
	if (scenario('lockout')) {
		results.lockout.push(await lockoutOnEmulator(quick ? 3 : 5, random));
		log(`  lockout batch (emulator): p50 ${fmt(results.lockout.at(-1).p50Ms, 0)} ms`);
	}

	for (const name of scenario('heartbeat') ? ['batch', 'before'] : []) {
		results.heartbeat.push(await heartbeatCost(designs[name], 20, random));
		const h = results.heartbeat.at(-1);
		log(`  heartbeats ${name}: ${fmt(h.matcherRunsPerWaitingMinute)} runs, ${fmt(h.readsPerWaitingMinute)} reads, ${fmt(h.writesPerWaitingMinute)} writes per waiting user-minute`);
	}
	for (const n of scenario('pairs') ? [2, 20, 200] : []) {
		for (const name of ['batch', 'before']) {
			results.pairCost.push(await pairCost(designs[name], n, random));
			const c = results.pairCost.at(-1);
			log(`  pool ${n} ${name}: ${c.pairs} pairs, ${fmt(c.readsPerPair)} reads/pair, ${fmt(c.writesPerPair)} writes/pair, ${fmt(c.attemptsPerPair, 2)} tx attempts/pair, ${c.double} double, ${c.unmatched} unmatched`);
		}
	}
	if (scenario('churn')) {
		results.churn = await churn(designs.batch, { users: 300, durationMs: quick ? 180_000 : 600_000, random, log });
		const ch = results.churn;
		log(`  churn: ${ch.calls} calls, wait p50 ${ch.waitP50Ms} ms p95 ${ch.waitP95Ms} ms (server-stamped p50 ${ch.serverWaitP50Ms} p95 ${ch.serverWaitP95Ms}), ${ch.doubleMatches} double, ${ch.stranded} stranded, bench timer lag p95 ${ch.benchLagP95Ms} ms, ${ch.matchesFoundByReread} matches found by a re-read`);
	}

	// Usage assumed for the model: chats of ~2 minutes, so ~28 joins an hour, each with a few
	// seconds' wait (the churn's measured p50 for 'batch'); 1 minute of waiting per hour.
	const assumptions = { joinsPerHour: 28, waitingMinutesPerHour: 1, note: 'chats ≈ 2 min, so ≈ 28 joins per user-hour; ≈ 1 min of waiting per user-hour' };
	results.costModel = {
		assumptions,
		rows:
			scenario('pairs') && scenario('heartbeat')
				? ['batch', 'before'].map((name) =>
						costModel(results.pairCost.find((c) => c.design === name && c.n === 200), results.heartbeat.find((h) => h.design === name), assumptions)
					)
				: []
	};
	const c = results.churn;
	results.churnCostPerUserHour = c?.userHours
		? { reads: c.reads / c.userHours, writes: c.writes / c.userHours, invocations: c.invocations / c.userHours }
		: null;
	results.checks = evaluateCrowd(results);
	writeFileSync(join(out, 'crowd.json'), JSON.stringify(results, null, 1));
	writeFileSync(join(out, 'crowd.md'), crowdMarkdown(results));
	return results;
}

export function evaluateCrowd(r) {
	const batch = (arr, extra = () => true) => arr.find((x) => x.design === 'batch' && extra(x));
	const lock = batch(r.lockout, (x) => x.mode === 'parallel');
	const lockEmu = r.lockout.find((x) => x.mode !== 'parallel');
	const beat = batch(r.heartbeat);
	const p200 = batch(r.pairCost, (x) => x.n === 200);
	const cost = r.costModel?.rows.find((x) => x.design === 'batch');
	const churnOk = r.churn && r.churn.doubleMatches === 0 && r.churn.stranded === 0 && r.churn.failures === 0;
	const noDoubles = r.pairCost.filter((x) => x.design === 'batch').every((x) => x.double === 0 && x.unmatched === 0);
	return [
		{ name: 'Lockout: two live users behind 45 unmatchable entries matched, p50 (parallel mode)', value: `${fmt(lock?.p50Ms, 0)} ms`, target: `≤ ${TARGETS.lockoutP50Ms} ms`, pass: lock?.p50Ms !== null && lock?.p50Ms <= TARGETS.lockoutP50Ms },
		{ name: 'Lockout on the functions emulator (serial trigger queue), p50', value: `${fmt(lockEmu?.p50Ms, 0)} ms`, target: `≤ ${TARGETS.lockoutP50Ms} ms`, pass: lockEmu?.p50Ms !== null && lockEmu?.p50Ms <= TARGETS.lockoutP50Ms },
		{ name: 'Matcher runs caused by heartbeats per waiting user-minute', value: fmt(beat?.matcherRunsPerWaitingMinute, 2), target: '= 0', pass: beat?.matcherRunsPerWaitingMinute === 0 },
		{ name: 'Reads per pair at pool size 200 (parallel mode)', value: fmt(p200?.readsPerPair), target: `≤ ${TARGETS.readsPerPairAt200}`, pass: p200?.readsPerPair <= TARGETS.readsPerPairAt200 },
		{ name: 'Transaction attempts per committed pair at 200 (parallel mode)', value: fmt(p200?.attemptsPerPair, 2), target: `≤ ${TARGETS.attemptsPerPair}`, pass: p200?.attemptsPerPair <= TARGETS.attemptsPerPair },
		{ name: 'Zero double matches, nobody unmatched (pools 2, 20, 200)', value: noDoubles ? '0 / 0' : 'see table', target: '0 / 0', pass: noDoubles },
		{ name: `Churn (${r.churn?.users} users, ${fmt((r.churn?.durationMs ?? 0) / 60_000, 0)} min): double matches / stranded`, value: `${r.churn?.doubleMatches} / ${r.churn?.stranded}`, target: '0 / 0', pass: churnOk },
		{ name: 'Daily cost at 10k concurrent (matching, model)', value: `$${fmt(cost?.usdPerDayAt10k, 2)}`, target: `≤ $${TARGETS.dailyCostAt10k}`, pass: cost?.usdPerDayAt10k <= TARGETS.dailyCostAt10k }
	];
}

export function crowdMarkdown(r) {
	const lines = [];
	const row = (cells) => `| ${cells.join(' | ')} |`;
	lines.push(`# Matching under a crowd (issue #12)`, '');
	lines.push(`${r.quick ? 'Quick' : 'Full'} run. "batch" is this branch; "before" is the design it replaces, compiled from git ${r.baselineCommit.slice(0, 10)}.`);
	lines.push('All figures but the emulator lockout row are **parallel mode**: the matcher code dispatched from the bench process up to 100 runs at once (as Cloud Functions would), against the Firestore emulator, with every Firestore operation the matcher makes counted as Firestore bills it (bench/crowd/count.mjs).', '');
	lines.push('## Targets', '', row(['Check', 'Measured', 'Target', 'Result']), row(['---', '---', '---', '---']));
	for (const c of r.checks) lines.push(row([c.name, c.value, c.target, verdict(c.pass)]));
	lines.push('', '## Lockout (25 departed + 20 unmatchable entries at the head of the pool)', '', row(['Design', 'Mode', 'Matched', 'p50 ms', 'Latencies ms', 'Departed marked left by the matcher (of 25)']), row(['---', '---', '---', '---', '---', '---']));
	for (const l of r.lockout) lines.push(row([l.design, l.mode, `${l.matched}/${l.iterations}`, fmt(l.p50Ms, 0), l.latencies.map((x) => (x === null ? 'never' : x)).join(', '), fmt(l.departedMarkedLeft, 0)]));
	lines.push('', '## Heartbeats (20 waiting people who cannot match, one minute of beats each)', '', row(['Design', 'Matcher runs / waiting user-min', 'Reads / waiting user-min', 'Writes / waiting user-min', 'Function invocations / waiting user-min']), row(['---', '---', '---', '---', '---']));
	for (const h of r.heartbeat) lines.push(row([h.design, fmt(h.matcherRunsPerWaitingMinute, 2), fmt(h.readsPerWaitingMinute), fmt(h.writesPerWaitingMinute), fmt(h.invocationsPerWaitingMinute)]));
	lines.push('', 'Invocations: Firestore triggers cannot filter by field, so each heartbeat still invokes the lobby trigger, which returns before any read in the batch design.');
	lines.push('', '## Cost per pair and contention (n people join at once)', '', row(['Pool', 'Design', 'Pairs', 'Unmatched', 'Double', 'Reads/pair', 'Writes/pair', 'Invocations/pair', 'Tx attempts/pair', 'Lease tries/pair', 'Matcher runs', 'Max concurrent', 'Time to all paired ms']), row(Array(13).fill('---')));
	for (const c of r.pairCost) lines.push(row([c.n, c.design, c.pairs, c.unmatched, c.double, fmt(c.readsPerPair), fmt(c.writesPerPair), fmt(c.invocationsPerPair), fmt(c.attemptsPerPair, 2), fmt(c.leaseAttemptsPerPair, 2), c.matcherRuns, c.maxConcurrentRuns, c.elapsedMs]));
	lines.push('', 'Tx attempts: pairing transaction bodies run (SDK retries included) per committed pair. The batch design also reads and writes its shard lease with version preconditions (no transaction); "Lease tries" counts those reads, races lost included.');
	const ch = r.churn;
	if (ch) {
		lines.push('', `## Churn (batch design, parallel mode)`, '');
		lines.push(`${ch.users} users arriving steadily over ${fmt(ch.durationMs / 60_000, 0)} min; chats of 5–30 s, then Next (75 %) or leave (25 %); 5 % of joins vanish while waiting (no leave, no heartbeats); 30 % list one of five interests.`, '');
		lines.push(row(['Calls', 'Wait p50 ms', 'Wait p95 ms', 'Wait max ms', 'Server-stamped wait p50 / p95 ms', 'Bench timer lag p50 / p95 ms', 'Matches found by a re-read', 'Double matches', 'Stranded', 'Vanished', 'Matched to a vanished page', 'User-hours', 'Reads/user-hour', 'Writes/user-hour', 'Invocations/user-hour', 'Failures']), row(Array(16).fill('---')));
		const per = r.churnCostPerUserHour ?? {};
		lines.push(row([ch.calls, ch.waitP50Ms, ch.waitP95Ms, ch.waitMaxMs, `${ch.serverWaitP50Ms} / ${ch.serverWaitP95Ms}`, `${ch.benchLagP50Ms} / ${ch.benchLagP95Ms}`, ch.matchesFoundByReread, ch.doubleMatches, ch.stranded, ch.vanished, ch.matchedToVanished, fmt(ch.userHours, 2), fmt(per.reads, 0), fmt(per.writes, 0), fmt(per.invocations, 0), ch.failures]));
		lines.push('', 'Wait: from the simulated page\'s join to its seeing the match. Server-stamped: matchedAt − joinedAt on the entry. Bench timer lag: how late this process\'s 200 ms timer fired (every simulated page and matcher run share its thread). Matches found by a re-read: the page\'s heartbeat was refused (its entry was no longer waiting) and it re-read its entry, as the app does, because the snapshot never came.');
		lines.push('', 'Stranded: someone alive who had waited ≥ 18 s (15 s until everyone accepts anyone, + 3 s for the scheduled run) while another such person was alive in the same pool. Vanished pages can be matched until their heartbeat is 25 s old; the partner page then gives up after its connect timeout.');
	}
	lines.push('', '## Cost model (matching only, per user-hour, and per day at 10,000 concurrent users)', '');
	lines.push(`Assumptions: ${r.costModel.assumptions.note}. Per-pair figures from the pool-200 run, heartbeat figures from the heartbeat run, both measured in this run for both designs. Call setup, signaling and chat cost the same in both designs and are left out.`, '');
	lines.push(row(['Design', 'Reads / user-h', 'Writes / user-h', 'Invocations / user-h', 'Instance s / user-h (80 per instance)', 'Cloud Tasks ops / user-h', 'USD / user-h', 'USD / day at 10k concurrent', 'Upper bound: invocation s / user-h, one instance each', 'Upper bound USD / day']), row(Array(10).fill('---')));
	for (const m of r.costModel?.rows ?? [])
		lines.push(row([m.design, fmt(m.reads), fmt(m.writes), fmt(m.invocations), fmt(m.computeSeconds, 2), fmt(m.tasks, 2), fmt(m.usdPerUserHour, 6), `$${fmt(m.usdPerDayAt10k, 2)}`, fmt(m.computeSecondsUnshared, 2), `$${fmt(m.usdPerDayAt10kUnshared, 2)}`]));
	lines.push(
		'',
		`Compute is billed as Cloud Run bills request-based instances: instance-time while at least one request is served, with up to ${FUNCTION_CONCURRENCY} concurrent invocations per instance (the Cloud Functions 2nd gen default at 1 vCPU; runtime.ts sets no lower concurrency). The upper-bound columns bill each invocation's wall time as if it had an instance to itself. Both are measured on this machine, whose load stretches every invocation's wall time (the emulator and the simulated clients share its cores), so both overstate production.`
	);
	lines.push('', `Prices: ${r.prices.source}`);
	return lines.join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
	runCrowdBench({ log: (l) => console.log(`[crowd] ${l}`) }).then(
		(r) => {
			for (const c of r.checks) console.log(`${verdict(c.pass)}  ${c.name}: ${c.value} (target ${c.target})`);
			process.exit(0);
		},
		(error) => {
			console.error('[crowd] failed:', error);
			process.exit(1);
		}
	);
}
