// Pairs a waiting lobby entry with another one. Runs for every lobby write (see index.ts).
//
// Why this cannot lose or double a match: each pairing is one transaction that re-reads
// both entries and commits only if both are still waiting, so nobody is matched twice or
// after leaving. Of two people who join at the same moment, the one whose write commits
// later queries after the earlier one's commit, so at least one of their runs sees the
// other; a run keeps trying until it pairs, is paired by someone else, or sees nobody.
import { FieldValue, Timestamp, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { logger } from 'firebase-functions/v2';
import { callsCollection, lobbyCollection, safetyRecordOf } from '../firestore';
import { avoidedBy, isBanActive, type SafetyRecord } from '../shared/safety';
import {
	COLLECTIONS,
	DocumentShapeError,
	type CallCreateWrite,
	type LobbyEntry,
	LOBBY_LEAVE,
	type LobbyMatchWrite
} from '../shared/model';
import {
	candidateOrder,
	chooseOfferer,
	commonInterests,
	matchKind,
	type LobbyPerson,
	type MatchContext
} from './policy';

/** How many of the oldest waiting entries a run considers at once. */
export const CANDIDATE_WINDOW = 20;
/** Re-query rounds before giving up; the seeker's next heartbeat runs the matchmaker again. */
const MAX_ROUNDS = 10;
/** How old a triggering write's entry may be and still stand in for a fresh read. */
const TRIGGER_ENTRY_FRESH_MS = 5_000;
/** Someone you met within this long is matched with you again only after a longer wait. */
export const REMATCH_COOLDOWN_MS = 5 * 60_000;

export type PairOutcome =
	| { kind: 'paired'; callId: string; partner: string; commonInterests: string[] }
	| { kind: 'seeker-unavailable' }
	| { kind: 'candidate-unavailable' };

export interface MatchReport {
	outcome: 'paired' | 'not-waiting' | 'nobody-waiting' | 'banned' | 'gave-up';
	callId?: string;
	partner?: string;
	commonInterests?: string[];
	/** Transaction bodies run: one per try, plus one per retry the SDK made on contention. */
	transactionAttempts: number;
	candidatesTried: number;
	rounds: number;
}

function person(uid: string, entry: LobbyEntry): LobbyPerson {
	const { mode, language, interests, patience, status, joinedAtMs, heartbeatAtMs } = entry;
	return { uid, mode, language, interests, patience, status, joinedAtMs, heartbeatAtMs };
}

/** The transaction body: re-read both entries, and pair them only if both still may be. */
export async function pairInTransaction(
	tx: Transaction,
	firestore: Firestore,
	seekerUid: string,
	candidateUid: string,
	ctx: MatchContext
): Promise<PairOutcome> {
	const lobby = lobbyCollection(firestore);
	// Lock both entries in uid order, so two runs racing for the same pair cannot deadlock.
	const [firstUid, secondUid] = [seekerUid, candidateUid].sort();
	const snaps = await tx.getAll(lobby.doc(firstUid!), lobby.doc(secondUid!));
	const entryOf = (uid: string) => snaps.find((s) => s.id === uid)?.data();
	const seekerEntry = entryOf(seekerUid);
	const candidateEntry = entryOf(candidateUid);
	if (!seekerEntry || seekerEntry.status !== 'waiting') return { kind: 'seeker-unavailable' };
	if (!candidateEntry) return { kind: 'candidate-unavailable' };
	const seeker = person(seekerUid, seekerEntry);
	const candidate = person(candidateUid, candidateEntry);
	if (!matchKind(seeker, candidate, ctx)) return { kind: 'candidate-unavailable' };
	const shared = commonInterests(seeker, candidate);

	const callRef = callsCollection(firestore).doc();
	const now = FieldValue.serverTimestamp();
	const offerer = chooseOfferer(seeker, candidate);
	const call: CallCreateWrite<FieldValue> = {
		members: [candidateUid, seekerUid],
		offerer,
		mode: seeker.mode,
		commonInterests: shared,
		status: 'active',
		createdAt: now,
		endedBy: null,
		endedAt: null
	};
	// Partner, role and shared interests ride on the lobby entry each page already watches,
	// so the offerer starts negotiating from that snapshot, and no page reads the call.
	const matched = (uid: string, partner: string): LobbyMatchWrite<FieldValue> => ({
		status: 'matched',
		callId: callRef.id,
		matchedAt: now,
		partner,
		role: uid === offerer ? 'offerer' : 'answerer',
		commonInterests: shared
	});
	const rawLobby = firestore.collection(COLLECTIONS.lobby);
	tx.create(firestore.collection(COLLECTIONS.calls).doc(callRef.id), call);
	tx.update(rawLobby.doc(seekerUid), { ...matched(seekerUid, candidateUid) });
	tx.update(rawLobby.doc(candidateUid), { ...matched(candidateUid, seekerUid) });
	return { kind: 'paired', callId: callRef.id, partner: candidateUid, commonInterests: shared };
}

/**
 * The oldest waiting entries in the seeker's pool (mode and language) and, when the seeker
 * listed interests, the oldest of those sharing one, which may be further back in line.
 * Malformed entries are logged and passed over.
 */
async function candidatesFor(firestore: Firestore, seeker: LobbyPerson): Promise<LobbyPerson[]> {
	const pool = lobbyCollection(firestore)
		.where('status', '==', 'waiting')
		.where('mode', '==', seeker.mode)
		.where('language', '==', seeker.language);
	const queries = [pool.orderBy('joinedAt').limit(CANDIDATE_WINDOW).get()];
	if (seeker.interests.length > 0) {
		queries.push(
			pool.where('interests', 'array-contains-any', seeker.interests).orderBy('joinedAt').limit(CANDIDATE_WINDOW).get()
		);
	}
	const snaps = await Promise.all(queries);
	return snaps.flatMap((snap) => snap.docs).flatMap((doc) => {
		try {
			return [person(doc.id, doc.data())];
		} catch (error) {
			if (!(error instanceof DocumentShapeError)) throw error;
			logger.warn('matchmaker: skipping malformed lobby entry', { path: error.path, problem: error.problem });
			return [];
		}
	});
}

export async function matchSeeker(
	firestore: Firestore,
	seekerUid: string,
	random: () => number = Math.random,
	/** The entry as the triggering write left it: saves re-reading it in the first round. */
	triggeringEntry?: LobbyEntry
): Promise<MatchReport> {
	const report: MatchReport = { outcome: 'gave-up', transactionAttempts: 0, candidatesTried: 0, rounds: 0 };
	const lobby = lobbyCollection(firestore);
	let safety: Promise<SafetyRecord> | null = null;
	let recentPartners: Promise<Set<string>> | null = null;
	while (report.rounds < MAX_ROUNDS) {
		report.rounds++;
		// The triggering write's entry saves a read, but only while it is fresh: under a
		// backlog of events it can be older than the entry's latest heartbeat, and the policy
		// would take a live seeker for a vanished one. Later rounds always re-read (the entry
		// may have been paired or left meanwhile; the pairing transaction re-reads anyway).
		const fresh = triggeringEntry && report.rounds === 1 && Date.now() - triggeringEntry.heartbeatAtMs < TRIGGER_ENTRY_FRESH_MS;
		const seekerEntry = fresh ? triggeringEntry : (await lobby.doc(seekerUid).get()).data();
		if (!seekerEntry || seekerEntry.status !== 'waiting') return { ...report, outcome: 'not-waiting' };
		const seeker = person(seekerUid, seekerEntry);
		safety ??= safetyRecordOf(firestore, seekerUid);
		const [candidates, record] = await Promise.all([candidatesFor(firestore, seeker), safety]);
		// The rules refuse a banned user's join, and the ban's transaction marks a waiting
		// entry left (so no seeker finds a banned candidate); this is the second lock on the
		// same door. The entry is marked left too, so that no other seeker picks it.
		if (record.bannedUntilMs !== null && isBanActive({ untilMs: record.bannedUntilMs }, Date.now())) {
			await lobby.doc(seekerUid).update({ ...LOBBY_LEAVE });
			return { ...report, outcome: 'banned' };
		}
		// Alone in the pool (the common case for whoever arrives first): no need to know
		// whom the seeker met lately.
		if (!candidates.some((c) => c.uid !== seekerUid)) return { ...report, outcome: 'nobody-waiting' };
		recentPartners ??= recentPartnersOf(firestore, seekerUid, Date.now());
		const history = { recentPartners: await recentPartners, blocked: avoidedBy(record) };
		const ctx: MatchContext = { nowMs: Date.now(), recentPartners: history.recentPartners, blocked: history.blocked };
		const order = candidateOrder(seeker, candidates, ctx, random);
		if (order.length === 0) return { ...report, outcome: 'nobody-waiting' };

		for (const candidate of order) {
			report.candidatesTried++;
			const outcome = await firestore.runTransaction((tx) => {
				report.transactionAttempts++;
				return pairInTransaction(tx, firestore, seekerUid, candidate.uid, ctx);
			});
			if (outcome.kind === 'paired') {
				const { callId, partner, commonInterests } = outcome;
				return { ...report, outcome: 'paired', callId, partner, commonInterests };
			}
			if (outcome.kind === 'seeker-unavailable') return { ...report, outcome: 'not-waiting' };
		}
	}
	return report;
}

/** Whom the seeker was in a call with lately, from the slim call records that stay. */
async function recentPartnersOf(firestore: Firestore, uid: string, nowMs: number): Promise<Set<string>> {
	const since = Timestamp.fromMillis(nowMs - REMATCH_COOLDOWN_MS);
	const snap = await firestore
		.collection(COLLECTIONS.calls)
		.where('members', 'array-contains', uid)
		.where('createdAt', '>=', since)
		.get();
	const partners = new Set<string>();
	for (const doc of snap.docs) {
		const members: unknown = doc.get('members');
		if (Array.isArray(members)) for (const m of members) if (typeof m === 'string' && m !== uid) partners.add(m);
	}
	return partners;
}
