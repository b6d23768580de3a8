// Pairs waiting lobby entries, one pool shard at a time (see README "How it works → Matching").
//
// When it runs: when someone joins (the lobby trigger in index.ts) and when a wait has
// lasted long enough to widen someone's search (a task the run itself schedules, see
// `Scheduler`). Never for a heartbeat: those only prove a page is alive.
//
// One writer per shard: a run first takes the shard's lease (matchShards/{shard}, written
// with version preconditions rather than in a transaction, so nobody locks it). A join
// whose shard is busy only marks it `pending`, and the lease holder runs again before it
// lets go, so a burst of joins costs a few runs, each pairing everyone present, instead of
// a crowd of runs fighting over the same entries.
//
// What a run does: reads the shard's waiting entries (all of them, so people who cannot be
// matched never hide those who can), marks departed ones (stale heartbeat) left, plans
// pairs with the pure policy (shared interests first, blocks and recent partners kept
// apart), and commits them a few dozen to a transaction that re-reads every entry and
// pairs only those still waiting as planned. So nobody is matched twice or after leaving.
import {
	FieldPath,
	FieldValue,
	Timestamp,
	type DocumentReference,
	type DocumentSnapshot,
	type Firestore,
	type Transaction
} from 'firebase-admin/firestore';
import { logger } from 'firebase-functions/v2';
import { avoidedBy, EMPTY_SAFETY_RECORD, isBanActive, parseSafetyRecord, SAFETY_COLLECTIONS } from '../shared/safety';
import {
	COLLECTIONS,
	DocumentShapeError,
	LOBBY_LEAVE,
	parseLobbyEntry,
	type ChatMode,
	type FirestoreData
} from '../shared/model';
import { chooseOfferer, isAlive, nextWideningAt, pairKind, planPairs, type History, type LobbyPerson, type PlannedPair } from './policy';
import { nextShardCount, poolKey, shardId, shardOf, uidRange, type ShardRef } from './shards';
import { codeOf } from '../shared/errors';
import { createCallInTransaction } from '../calls/create';

/** Server-only bookkeeping; the rules give clients no access. */
export const MATCH_COLLECTIONS = {
	/** matchShards/{shardId}: the lease that makes one run at a time pair a shard. */
	shards: 'matchShards',
	/** matchPools/{poolKey}: how many shards the pool has now. */
	pools: 'matchPools'
} as const;

/** Someone you met within this long is matched with you again only after a longer wait. */
export const REMATCH_COOLDOWN_MS = 5 * 60_000;
/** A run holds its shard this long at most; a crashed run's lease expires after it. */
export const LEASE_MS = 15_000;
/** Waiting entries a run reads at most (a shard splits long before: shards.ts). */
const MAX_RUN_ENTRIES = 500;
/** Pairs committed per transaction: 3 writes each, well inside a commit's 500. */
const PAIRS_PER_TRANSACTION = 50;
/** Runs one lease may do back to back for joins that arrived meanwhile. */
const MAX_RUNS_PER_LEASE = 20;
/** How long a run trusts what it learnt about someone's history and the pool's shard count. */
const HISTORY_CACHE_MS = 60_000;
const POOL_CACHE_MS = 10_000;

/** Asks for a run of a shard at a later moment (a Cloud Tasks task in production). */
export interface Scheduler {
	runAt(shard: ShardRef, atMs: number): Promise<void>;
}

export interface ShardRunReport {
	shard: string;
	/** 'queued': another run held the shard; it will run again for us. */
	outcome: 'ran' | 'queued';
	runs: number;
	live: number;
	departedMarkedLeft: number;
	bannedMarkedLeft: number;
	pairs: number;
	/** Pairing transaction bodies run (retries included). */
	transactionAttempts: number;
	/** Reads of the lease document before a guarded write (one more per race lost). */
	leaseAttempts: number;
	/** Document reads the run made (queries: one per document returned, at least one). */
	reads: number;
	writes: number;
	scheduledAtMs: number | null;
	callIds: string[];
}

interface Known {
	history: History;
	bannedUntilMs: number | null;
}

const historyCache = new Map<string, { at: number; known: Promise<Known> }>();
/**
 * Shards this instance is running right now. A join here while its shard runs here only
 * raises `pending`: the run goes round again, as for a join elsewhere that marks the lease
 * document pending, but without reading that document (a read per join was two of the ten
 * reads a pair cost in a busy pool).
 */
const runningHere = new Map<string, { pending: boolean; leaseUntilMs: number; backstop: boolean }>();
const poolShardsCache = new Map<string, { at: number; shards: number | Promise<number> }>();

/** Forget what this instance cached (tests that rewrite history between steps). */
export function forgetCachedHistory(): void {
	historyCache.clear();
	poolShardsCache.clear();
}

function personOf(doc: DocumentSnapshot): LobbyPerson | null {
	try {
		const entry = parseLobbyEntry(doc.ref.path, doc.data() ?? {});
		const { mode, language, interests, status, joinedAtMs, heartbeatAtMs } = entry;
		return { uid: doc.id, mode, language, interests, status, joinedAtMs, heartbeatAtMs };
	} catch (error) {
		if (!(error instanceof DocumentShapeError)) throw error;
		logger.warn('matchmaker: skipping malformed lobby entry', { path: error.path, problem: error.problem });
		return null;
	}
}

/** A write that starts a wait: a new entry, or a fresh join over a matched or left one. */
export function isJoinWrite(before: FirestoreData | undefined, after: FirestoreData | undefined): boolean {
	if (after?.status !== 'waiting') return false;
	if (before?.status !== 'waiting') return true;
	const millis = (v: unknown) => (v instanceof Timestamp ? v.toMillis() : null);
	return millis(before.joinedAt) !== millis(after.joinedAt);
}

/** The pool's shard count; a burst of joins on one instance shares one read of it. */
async function shardCountOf(firestore: Firestore, pool: string, counter: { reads: number }): Promise<number> {
	const cached = poolShardsCache.get(pool);
	if (cached && Date.now() - cached.at < POOL_CACHE_MS) return cached.shards;
	const at = Date.now();
	counter.reads++;
	const shards = firestore
		.collection(MATCH_COLLECTIONS.pools)
		.doc(pool)
		.get()
		.then((snap) => {
			const value: unknown = snap.get('shards');
			return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : 1;
		});
	poolShardsCache.set(pool, { at, shards });
	shards.catch(() => poolShardsCache.delete(pool));
	return shards;
}

/** Someone joined: run (or queue a run of) the shard their entry is in. */
export async function matchJoin(
	firestore: Firestore,
	joiner: { uid: string; mode: ChatMode; language: string | null },
	scheduler: Scheduler
): Promise<ShardRunReport> {
	const counter = { reads: 0 };
	const shards = await shardCountOf(firestore, poolKey(joiner.mode, joiner.language), counter);
	const ref: ShardRef = { mode: joiner.mode, language: joiner.language, shard: shardOf(joiner.uid, shards), shards };
	const report = await runShard(firestore, ref, scheduler);
	return { ...report, reads: report.reads + counter.reads };
}

/** Runs the shard under its lease, or marks it pending for the run that holds it. */
export async function runShard(firestore: Firestore, ref: ShardRef, scheduler: Scheduler): Promise<ShardRunReport> {
	const id = shardId(ref);
	const report: ShardRunReport = {
		shard: id,
		outcome: 'queued',
		runs: 0,
		live: 0,
		departedMarkedLeft: 0,
		bannedMarkedLeft: 0,
		pairs: 0,
		transactionAttempts: 0,
		leaseAttempts: 0,
		reads: 0,
		writes: 0,
		scheduledAtMs: null,
		callIds: []
	};
	const runningNow = runningHere.get(id);
	// Trusted only within its lease: a run that hung (an invocation abandoned at its timeout
	// keeps its process) must not swallow every later join here.
	if (runningNow && Date.now() < runningNow.leaseUntilMs) {
		runningNow.pending = true;
		// Should this instance die mid-run, a task after its lease runs the shard, as for
		// the joins that mark the lease document pending (one per lease).
		if (!runningNow.backstop) {
			runningNow.backstop = true;
			await scheduleRun(scheduler, ref, runningNow.leaseUntilMs + 1, report);
		}
		return report;
	}
	const leaseRef = firestore.collection(MATCH_COLLECTIONS.shards).doc(id);
	const holder = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
	const lease = await takeLease(leaseRef, holder, report);
	if (!lease.held) {
		// The holder runs again for us before letting go; should it crash, a task after its
		// lease runs the shard (one per lease, however many joins queue behind it).
		if (lease.firstPending) await scheduleRun(scheduler, ref, lease.until + 1, report);
		return report;
	}
	report.outcome = 'ran';
	const here = { pending: false, leaseUntilMs: 0, backstop: false };
	for (;;) {
		report.runs++;
		// As taken or extended (takeLease, releaseLease), a moment after the document's time:
		// the backstop task then finds the lease expired.
		Object.assign(here, { pending: false, leaseUntilMs: Date.now() + LEASE_MS, backstop: false });
		runningHere.set(id, here);
		let again: boolean;
		try {
			again = await runOnce(firestore, ref, report, scheduler);
		} catch (error) {
			runningHere.delete(id);
			// Let go at once, and have the shard run again shortly, rather than leave the
			// joins queued behind this lease waiting for it to expire.
			await releaseLease(leaseRef, holder, false, report, { giveUp: true }).catch(() => 'done');
			await scheduleRun(scheduler, ref, Date.now() + 1_000, report);
			throw error;
		}
		// No await between these two lines: a join here either raised `pending` before, or
		// finds the shard no longer running here and goes through the lease document, whose
		// version guards the release below.
		runningHere.delete(id);
		again ||= here.pending;
		const next = await releaseLease(leaseRef, holder, again, report);
		// 'done' despite `again`: the lease had expired and someone else holds it, who may have
		// read the shard before our joins' entries were written.
		if (next === 'schedule' || (next === 'done' && again)) await scheduleRun(scheduler, ref, Date.now() + 1_000, report);
		if (next !== 'continue') return report;
	}
}

/** How many times a run re-reads the lease after losing a race for it. */
const LEASE_TRIES = 8;

type LeaseOutcome = { held: true } | { held: false; firstPending: boolean; until: number };

/** Another writer changed the lease document between our read and our write. */
function isLostRace(error: unknown): boolean {
	return ['6', '9', '10'].includes(codeOf(error)); // ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED
}

/**
 * Takes the shard's lease, or marks it pending for its holder. Writes are guarded by the
 * version read (no transaction, so a burst of joins takes no locks on the document). A
 * join that loses every race leaves its entry to whoever won: their change came after the
 * entry was written, so their next run reads it.
 */
async function takeLease(leaseRef: DocumentReference, holder: string, report: ShardRunReport): Promise<LeaseOutcome> {
	for (let i = 0; i < LEASE_TRIES; i++) {
		report.leaseAttempts++;
		const snap = await leaseRef.get();
		report.reads++;
		const until: unknown = snap.get('leaseUntilMs');
		try {
			if (typeof until === 'number' && until > Date.now()) {
				if (snap.get('pending') === true) return { held: false, firstPending: false, until };
				await leaseRef.update({ pending: true }, { lastUpdateTime: snap.updateTime! });
				report.writes++;
				return { held: false, firstPending: true, until };
			}
			const taken = { leaseUntilMs: Date.now() + LEASE_MS, pending: false, holder };
			if (snap.exists) await leaseRef.update(taken, { lastUpdateTime: snap.updateTime! });
			else await leaseRef.create({ ...taken, runs: 0 });
			report.writes++;
			return { held: true };
		} catch (error) {
			if (!isLostRace(error)) throw error;
		}
	}
	return { held: false, firstPending: false, until: 0 };
}

/** After a run: run again (joins came meanwhile, or a pair fell through), or let go. */
async function releaseLease(
	leaseRef: DocumentReference,
	holder: string,
	again: boolean,
	report: ShardRunReport,
	{ giveUp = false } = {}
): Promise<'continue' | 'schedule' | 'done'> {
	for (;;) {
		report.leaseAttempts++;
		const snap = await leaseRef.get();
		report.reads++;
		if (snap.get('holder') !== holder) return 'done'; // expired and taken: the new holder carries on
		const pending = snap.get('pending') === true;
		const goOn = !giveUp && (pending || again) && report.runs < MAX_RUNS_PER_LEASE;
		try {
			await leaseRef.update(
				{ leaseUntilMs: goOn ? Date.now() + LEASE_MS : 0, pending: false, holder: goOn ? holder : null, runs: FieldValue.increment(1) },
				{ lastUpdateTime: snap.updateTime! }
			);
			report.writes++;
		} catch (error) {
			if (!isLostRace(error)) throw error;
			continue; // someone set `pending` since the read: look again
		}
		if (goOn) return 'continue';
		return pending || again ? 'schedule' : 'done';
	}
}

async function scheduleRun(scheduler: Scheduler, ref: ShardRef, atMs: number, report: ShardRunReport): Promise<void> {
	try {
		await scheduler.runAt(ref, atMs);
		report.scheduledAtMs = report.scheduledAtMs === null ? atMs : Math.min(report.scheduledAtMs, atMs);
	} catch (error) {
		// The next join in the shard runs it anyway; a lost task delays a widening, no more.
		logger.error('matchmaker: could not schedule a shard run', { shard: shardId(ref), atMs, error: String(error) });
	}
}

/** One pass over the shard. Returns true when it should run again at once (a pair fell through). */
async function runOnce(firestore: Firestore, ref: ShardRef, report: ShardRunReport, scheduler: Scheduler): Promise<boolean> {
	const lobby = firestore.collection(COLLECTIONS.lobby);
	let query = lobby.where('status', '==', 'waiting').where('mode', '==', ref.mode).where('language', '==', ref.language);
	const range = uidRange(ref.shard, ref.shards);
	if (range.from !== null) query = query.where(FieldPath.documentId(), '>=', range.from);
	if (range.to !== null) query = query.where(FieldPath.documentId(), '<', range.to);
	const snap = await query.orderBy(FieldPath.documentId()).limit(MAX_RUN_ENTRIES).get();
	report.reads += Math.max(1, snap.size);
	const nowMs = Date.now();

	const docs = new Map(snap.docs.map((d) => [d.id, d]));
	const people = snap.docs.flatMap((d) => personOf(d) ?? []);
	const departed = people.filter((p) => !isAlive(p, nowMs));
	const live = people.filter((p) => isAlive(p, nowMs));
	report.live = live.length;
	// Departed entries go out of line as the run passes them, guarded by the version read
	// (a page that beat meanwhile keeps its place). The live are paired meanwhile: people
	// who are there never wait on the marking of those who are gone (markLeft never throws).
	const leavingDeparted = markLeft(departed.map((p) => docs.get(p.uid)!), report);
	try {
		// Bans are checked even for someone alone in the shard: a banned entry must leave the
		// line at once (the page then shows why), not when a second person happens to join.
		// What is read is cached for the length of the wait, so the pairing below reuses it.
		const known = await knownAbout(firestore, live, nowMs, report);
		const banned = live.filter((p) => {
			const until = known.get(p.uid)?.bannedUntilMs ?? null;
			return until !== null && isBanActive({ untilMs: until }, nowMs);
		});
		report.bannedMarkedLeft += await markLeft(banned.map((p) => docs.get(p.uid)!), report);
		const eligible = live.filter((p) => !banned.includes(p));
		if (eligible.length < 2) {
			await adjustShardCount(firestore, ref, eligible, scheduler, report);
			return false;
		}
		const historyOf = (uid: string): History => known.get(uid)?.history ?? { recentPartners: new Set(), blocked: new Set() };

		const plan = planPairs(eligible, historyOf, nowMs);
		let fellThrough = 0;
		for (let i = 0; i < plan.length; i += PAIRS_PER_TRANSACTION) {
			const chunk = plan.slice(i, i + PAIRS_PER_TRANSACTION);
			const committed = await firestore.runTransaction((tx) => {
				report.transactionAttempts++;
				return pairInTransaction(tx, firestore, chunk, historyOf);
			});
			report.reads += chunk.length * 2;
			report.writes += committed.length * 3;
			report.pairs += committed.length;
			report.callIds.push(...committed);
			fellThrough += chunk.length - committed.length;
		}
		const pairedUids = new Set(plan.flatMap((p) => [p.a.uid, p.b.uid]));
		const unpaired = eligible.filter((p) => !pairedUids.has(p.uid));
		const wideningAt = nextWideningAt(unpaired, nowMs);
		if (wideningAt !== null) await scheduleRun(scheduler, ref, wideningAt, report);
		await adjustShardCount(firestore, ref, unpaired, scheduler, report);
		return fellThrough > 0;
	} finally {
		report.departedMarkedLeft += await leavingDeparted;
	}
}

/**
 * The transaction body: re-read every entry of the planned pairs, and pair only those
 * whose two entries are still the waiting entries the plan was made from. Returns the ids
 * of the calls created.
 */
export async function pairInTransaction(
	tx: Transaction,
	firestore: Firestore,
	pairs: readonly PlannedPair[],
	historyOf: (uid: string) => History
): Promise<string[]> {
	const lobby = firestore.collection(COLLECTIONS.lobby);
	const uids = pairs.flatMap((p) => [p.a.uid, p.b.uid]);
	const snaps = await tx.getAll(...uids.map((uid) => lobby.doc(uid)));
	const fresh = new Map(snaps.map((s) => [s.id, s.exists ? personOf(s) : null]));
	const nowMs = Date.now();
	const created: string[] = [];
	for (const pair of pairs) {
		const a = fresh.get(pair.a.uid);
		const b = fresh.get(pair.b.uid);
		// The same join as planned (a re-join in between is someone new in line), still waiting.
		if (!a || !b || a.joinedAtMs !== pair.a.joinedAtMs || b.joinedAtMs !== pair.b.joinedAtMs) continue;
		if (pairKind(a, b, historyOf, nowMs) === null) continue;
		created.push(
			createCallInTransaction(tx, firestore, {
				members: [b.uid, a.uid],
				offerer: chooseOfferer(a, b),
				mode: a.mode,
				commonInterests: pair.commonInterests
			})
		);
	}
	return created;
}

async function markLeft(docs: DocumentSnapshot[], report: ShardRunReport): Promise<number> {
	const results = await Promise.allSettled(
		docs.map((d) => d.ref.update({ ...LOBBY_LEAVE }, d.updateTime ? { lastUpdateTime: d.updateTime } : {}))
	);
	const done = results.filter((r) => r.status === 'fulfilled').length;
	report.writes += done;
	return done;
}

/** Most values an `array-contains-any` filter takes. */
const ARRAY_CONTAINS_ANY_MAX = 30;

/**
 * Blocks, ban and recent partners of the waiting people, each cached for the length of
 * their wait (concurrent runs share one read). Whoever is not cached yet is read in bulk:
 * their safety records in one batched get, and their recent calls with one query per 30
 * people (a call between two of them is read once, and a query that finds nothing costs
 * one read, not one per person).
 */
async function knownAbout(firestore: Firestore, people: readonly LobbyPerson[], nowMs: number, report: ShardRunReport): Promise<Map<string, Known>> {
	if (historyCache.size > 50_000) historyCache.clear();
	const keyOf = (p: LobbyPerson) => `${p.uid}@${p.joinedAtMs}`;
	const fresh = people.filter((p) => {
		const cached = historyCache.get(keyOf(p));
		return !cached || nowMs - cached.at >= HISTORY_CACHE_MS;
	});
	if (fresh.length > 0) {
		const loaded = loadKnown(firestore, fresh.map((p) => p.uid), nowMs, report);
		for (const p of fresh) {
			const known = loaded.then((all) => all.get(p.uid)!);
			historyCache.set(keyOf(p), { at: nowMs, known });
			known.catch(() => historyCache.delete(keyOf(p)));
		}
	}
	const entries = await Promise.all(people.map(async (p) => [p.uid, await historyCache.get(keyOf(p))!.known] as const));
	return new Map(entries);
}

async function loadKnown(firestore: Firestore, uids: readonly string[], nowMs: number, report: ShardRunReport): Promise<Map<string, Known>> {
	const safety = firestore.collection(SAFETY_COLLECTIONS.safety);
	const since = Timestamp.fromMillis(nowMs - REMATCH_COOLDOWN_MS);
	const chunks: string[][] = [];
	for (let i = 0; i < uids.length; i += ARRAY_CONTAINS_ANY_MAX) chunks.push(uids.slice(i, i + ARRAY_CONTAINS_ANY_MAX));
	const [records, ...recentCalls] = await Promise.all([
		firestore.getAll(...uids.map((uid) => safety.doc(uid))),
		...chunks.map((chunk) =>
			firestore.collection(COLLECTIONS.calls).where('members', 'array-contains-any', chunk).where('createdAt', '>=', since).get()
		)
	]);
	report.reads += records.length + recentCalls.reduce((n, snap) => n + Math.max(1, snap.size), 0);
	const partners = new Map(uids.map((uid) => [uid, new Set<string>()]));
	for (const snap of recentCalls) {
		for (const doc of snap.docs) {
			const value: unknown = doc.get('members');
			const members = Array.isArray(value) ? value.filter((m): m is string => typeof m === 'string') : [];
			for (const m of members) for (const other of members) if (m !== other) partners.get(m)?.add(other);
		}
	}
	const known = new Map<string, Known>();
	for (const snap of records) {
		const data = snap.data();
		const record = data ? parseSafetyRecord(snap.ref.path, data) : EMPTY_SAFETY_RECORD;
		known.set(snap.id, {
			history: { recentPartners: partners.get(snap.id) ?? new Set(), blocked: avoidedBy(record) },
			bannedUntilMs: record.bannedUntilMs
		});
	}
	return known;
}

/**
 * A busy shard asks for more shards, a quiet split pool for fewer (shards.ts). When a pool
 * merges, whoever this run left waiting gets a run of their merged shard, where the people
 * the split kept from them are.
 */
async function adjustShardCount(
	firestore: Firestore,
	ref: ShardRef,
	waiting: readonly LobbyPerson[],
	scheduler: Scheduler,
	report: ShardRunReport
): Promise<void> {
	const live = waiting.length;
	const wanted = nextShardCount(ref.shards, report.live);
	if (wanted === ref.shards) return;
	const pool = poolKey(ref.mode, ref.language);
	await firestore.collection(MATCH_COLLECTIONS.pools).doc(pool).set({ shards: wanted });
	poolShardsCache.set(pool, { at: Date.now(), shards: wanted });
	report.writes++;
	logger.info('matchmaker: pool shard count changed', { pool, from: ref.shards, to: wanted, live: report.live });
	if (wanted < ref.shards && live > 0) {
		const merged: ShardRef = { ...ref, shards: wanted, shard: shardOf(waiting[0]!.uid, wanted) };
		await scheduleRun(scheduler, merged, Date.now(), report);
	}
}
