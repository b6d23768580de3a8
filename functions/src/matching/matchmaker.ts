// Pairs a waiting lobby entry with another one. Runs for every lobby write (see index.ts).
//
// Why this cannot lose or double a match: each pairing is one transaction that re-reads
// both entries and commits only if both are still waiting, so nobody is matched twice or
// after leaving. Of two people who join at the same moment, the one whose write commits
// later queries after the earlier one's commit, so at least one of their runs sees the
// other; a run keeps trying until it pairs, is paired by someone else, or sees nobody.
import { FieldValue, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { logger } from 'firebase-functions/v2';
import { callsCollection, lobbyCollection } from '../firestore';
import {
	COLLECTIONS,
	DocumentShapeError,
	type CallCreateWrite,
	type LobbyEntry,
	type LobbyMatchWrite
} from '../shared/model';
import { candidateOrder, canMatch, chooseOfferer, type LobbyPerson } from './policy';

/** How many of the oldest waiting entries a run considers at once. */
export const CANDIDATE_WINDOW = 20;
/** Re-query rounds before giving up; a later join or the next round will pick the seeker up. */
const MAX_ROUNDS = 10;

export type PairOutcome =
	| { kind: 'paired'; callId: string; partner: string }
	| { kind: 'seeker-unavailable' }
	| { kind: 'candidate-unavailable' };

export interface MatchReport {
	outcome: 'paired' | 'not-waiting' | 'nobody-waiting' | 'gave-up';
	callId?: string;
	partner?: string;
	/** Transaction bodies run: one per try, plus one per retry the SDK made on contention. */
	transactionAttempts: number;
	candidatesTried: number;
	rounds: number;
}

function person(uid: string, entry: LobbyEntry): LobbyPerson {
	return { uid, mode: entry.mode, status: entry.status, joinedAtMs: entry.joinedAtMs };
}

/** The transaction body: re-read both entries, and pair them only if both still may be. */
export async function pairInTransaction(
	tx: Transaction,
	firestore: Firestore,
	seekerUid: string,
	candidateUid: string
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
	if (!canMatch(seeker, candidate)) return { kind: 'candidate-unavailable' };

	const callRef = callsCollection(firestore).doc();
	const now = FieldValue.serverTimestamp();
	const call: CallCreateWrite<FieldValue> = {
		members: [candidateUid, seekerUid],
		offerer: chooseOfferer(seeker, candidate),
		mode: seeker.mode,
		status: 'active',
		createdAt: now,
		offer: null,
		answer: null,
		endedBy: null,
		endedAt: null
	};
	const matched: LobbyMatchWrite<FieldValue> = { status: 'matched', callId: callRef.id, matchedAt: now };
	const rawLobby = firestore.collection(COLLECTIONS.lobby);
	tx.create(firestore.collection(COLLECTIONS.calls).doc(callRef.id), call);
	tx.update(rawLobby.doc(seekerUid), { ...matched });
	tx.update(rawLobby.doc(candidateUid), { ...matched });
	return { kind: 'paired', callId: callRef.id, partner: candidateUid };
}

/** The oldest waiting entries in the seeker's mode; malformed ones are logged and passed over. */
async function waitingWindow(firestore: Firestore, mode: LobbyEntry['mode']): Promise<LobbyPerson[]> {
	const snap = await lobbyCollection(firestore)
		.where('status', '==', 'waiting')
		.where('mode', '==', mode)
		.orderBy('joinedAt')
		.limit(CANDIDATE_WINDOW)
		.get();
	return snap.docs.flatMap((doc) => {
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
	random: () => number = Math.random
): Promise<MatchReport> {
	const report: MatchReport = { outcome: 'gave-up', transactionAttempts: 0, candidatesTried: 0, rounds: 0 };
	const lobby = lobbyCollection(firestore);
	while (report.rounds < MAX_ROUNDS) {
		report.rounds++;
		const seekerEntry = (await lobby.doc(seekerUid).get()).data();
		if (!seekerEntry || seekerEntry.status !== 'waiting') return { ...report, outcome: 'not-waiting' };
		const order = candidateOrder(person(seekerUid, seekerEntry), await waitingWindow(firestore, seekerEntry.mode), random);
		if (order.length === 0) return { ...report, outcome: 'nobody-waiting' };

		for (const candidate of order) {
			report.candidatesTried++;
			const outcome = await firestore.runTransaction((tx) => {
				report.transactionAttempts++;
				return pairInTransaction(tx, firestore, seekerUid, candidate.uid);
			});
			if (outcome.kind === 'paired') {
				return { ...report, outcome: 'paired', callId: outcome.callId, partner: outcome.partner };
			}
			if (outcome.kind === 'seeker-unavailable') return { ...report, outcome: 'not-waiting' };
		}
	}
	return report;
}
