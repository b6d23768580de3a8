// A simulated lobby for one design in parallel mode: client writes go to Firestore (an
// emulator database no trigger watches) and the design's trigger logic is dispatched for
// each, up to `maxInstances` at a time, as Cloud Functions would run it. Every Firestore
// operation of the matcher is counted (count.mjs); the clients' own writes separately.
import { Timestamp } from 'firebase-admin/firestore';
import { counted, newCounter } from './count.mjs';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export function randomUid(random = Math.random) {
	let s = '';
	for (let i = 0; i < 28; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
	return s;
}

export class World {
	constructor(db, design, { maxInstances = 100, accelerateAfterMs = null } = {}) {
		this.db = db;
		this.design = design;
		this.maxInstances = maxInstances;
		/** Scheduled runs further away than this run as soon as all else is idle (cost scenarios). */
		this.accelerateAfterMs = accelerateAfterMs;
		this.matcher = newCounter();
		this.client = newCounter();
		this.reports = [];
		this.failures = [];
		this.jobs = 0;
		this.scheduledRuns = 0;
		this.lobbyWrites = 0;
		this.queue = [];
		this.deferred = [];
		this.timers = new Set();
		this.running = 0;
		this.maxRunning = 0;
		/** [atMs, +1 | -1] for every invocation's start and end, for instanceSeconds(). */
		this.busyEdges = [];
		this.known = new Map();
		this.idleWaiters = [];
		this.stopped = false;
		const world = this;
		this.scheduler = {
			async runAt(ref, atMs) {
				if (world.stopped || !design.runShard) return;
				world.scheduledRuns++;
				const job = () => design.runShard(db, ref, world.scheduler);
				const delay = Math.max(0, atMs - Date.now());
				if (world.accelerateAfterMs !== null && delay > world.accelerateAfterMs) {
					world.deferred.push(job);
					return;
				}
				const timer = setTimeout(() => {
					world.timers.delete(timer);
					world.enqueue(job);
				}, delay);
				world.timers.add(timer);
			}
		};
	}

	enqueue(job) {
		if (this.stopped) return;
		this.jobs++;
		this.queue.push(job);
		this.pump();
	}

	pump() {
		while (this.running < this.maxInstances && this.queue.length > 0) {
			const job = this.queue.shift();
			this.running++;
			this.maxRunning = Math.max(this.maxRunning, this.running);
			const started = Date.now();
			this.busyEdges.push([started, 1]);
			counted(this.matcher, job)
				.then((report) => report && this.reports.push({ ...report, ms: Date.now() - started }))
				.catch((error) => this.failures.push(String(error).split('\n')[0]))
				.finally(() => {
					this.busyEdges.push([Date.now(), -1]);
					this.running--;
					this.pump();
					this.checkIdle();
				});
		}
		this.checkIdle();
	}

	checkIdle() {
		if (this.running > 0 || this.queue.length > 0) return;
		if (this.deferred.length > 0) {
			for (const job of this.deferred.splice(0)) this.enqueue(job);
			return;
		}
		if (this.timers.size > 0) return;
		for (const resolve of this.idleWaiters.splice(0)) resolve();
	}

	/** Resolves once no invocation runs, none is queued and no scheduled run is pending. */
	idle() {
		return new Promise((resolve) => {
			this.idleWaiters.push(resolve);
			this.checkIdle();
		});
	}

	/** A client's lobby write, then what the lobby trigger does with it. */
	async clientWrite(uid, data, { update = false } = {}) {
		const ref = this.db.collection('lobby').doc(uid);
		const before = this.known.get(uid);
		await counted(this.client, () => (update ? ref.update(data) : ref.set(data)));
		this.lobbyWrites++;
		const after = update ? { ...before, ...data } : data;
		this.known.set(uid, after);
		const job = this.design.onWrite(this.db, uid, before, after, this.scheduler);
		if (job) this.enqueue(job);
	}

	join(uid, { mode = 'text', language = null, interests = [], joinedAtMs = Date.now(), beatAtMs = joinedAtMs } = {}) {
		const entry = this.design.joinEntry({
			status: 'waiting',
			mode,
			interests,
			language,
			joinedAt: Timestamp.fromMillis(joinedAtMs),
			heartbeatAt: Timestamp.fromMillis(beatAtMs)
		});
		return this.clientWrite(uid, entry);
	}

	heartbeat(uid, waitedMs) {
		return this.clientWrite(uid, { heartbeatAt: Timestamp.now(), ...this.design.beatFields(waitedMs) }, { update: true });
	}

	leave(uid) {
		return this.clientWrite(uid, { status: 'left' }, { update: true });
	}

	/** Seeds an entry as if joined earlier, without running the trigger (it ran long ago). */
	async seed(uid, entry) {
		const data = this.design.joinEntry(entry);
		await this.db.collection('lobby').doc(uid).set(data);
		this.known.set(uid, data);
	}

	stop() {
		this.stopped = true;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		for (const resolve of this.idleWaiters.splice(0)) resolve();
	}

	/**
	 * Instance-seconds as Cloud Run bills them (request-based billing: an instance is billed
	 * while it serves at least one request), with the invocations packed onto instances of
	 * `concurrency` requests each: at every moment ceil(running / concurrency) instances.
	 * Cloud Functions 2nd gen serves 80 requests per instance by default (1 vCPU and up).
	 */
	instanceSeconds(concurrency = 80) {
		const edges = [...this.busyEdges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
		let running = 0;
		let last = null;
		let ms = 0;
		for (const [at, step] of edges) {
			if (last !== null) ms += (at - last) * Math.ceil(running / concurrency);
			running += step;
			last = at;
		}
		return ms / 1000;
	}

	sum(pick) {
		return this.reports.reduce((a, r) => a + (Number(pick(r)) || 0), 0);
	}
}
