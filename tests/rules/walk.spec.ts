// The rules walk: every collection firestore.rules knows (and one it does not) × every
// operation (get, list, create, update, delete) × the case that is allowed and the cases
// that must be denied: signed out, another user, forged fields, wrong types, oversized
// strings and lists, unknown fields, listing whole collections. The per-collection suites
// beside this one are the detailed grids; this file is the one table that shows nothing
// was skipped. Each cell is its own test; afterAll prints the table of what actually
// happened (and writes it to test-results/rules-walk.md), flagging every cell whose
// outcome differs from the expected one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	arrayUnion,
	collection,
	collectionGroup,
	deleteDoc,
	doc,
	getDoc,
	getDocs,
	query,
	serverTimestamp,
	setDoc,
	Timestamp,
	updateDoc,
	where,
	writeBatch,
	type DocumentData,
	type FieldValue,
	type Firestore,
	type QueryConstraint
} from 'firebase/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { reportIdFor, type ReportWrite, type SafetyRecord, type UploadCounterWrite } from '$shared/safety';
import { describeWithEmulators } from '../support/emulators';
import {
	activeCall,
	ALICE,
	banUntil,
	BOB,
	CALL_ID,
	candidates,
	COLLECTIONS,
	description,
	earlier,
	justNow,
	endedCall,
	expiredUploadWindow,
	FILE_ID,
	FILE_LIMITS,
	fileAnnouncement,
	fileEntry,
	heartbeat,
	leftEntry,
	LIMITS,
	MALLORY,
	matchedEntry,
	LOBBY_HEARTBEAT_MIN_INTERVAL_MS,
	paths,
	SAFETY_COLLECTIONS,
	SAFETY_LIMITS,
	signalDoc,
	uploadWindowOpening,
	useRulesFixture,
	waitedEntry,
	waitingEntry,
	type RulesFixture
} from './fixtures';

// -----------------------------------------------------------------------------------
// The shape of the walk.

const OPS = ['get', 'list', 'create', 'update', 'delete'] as const;
type Op = (typeof OPS)[number];
type Outcome = 'allowed' | 'denied';

/**
 * What a case tries. `nobody` marks an operation the rules refuse to every client (the
 * functions do it with the Admin SDK), tried by the caller most entitled to it.
 */
const CASE_KINDS = [
	'allowed',
	'nobody',
	'signed out',
	'another user',
	'forged fields',
	'wrong types',
	'oversized',
	'unknown fields',
	'missing fields',
	'whole collection',
	'collection group',
	'rate limit',
	'banned',
	'call ended'
] as const;
type CaseKind = (typeof CASE_KINDS)[number];
/** `kind` or `kind (detail)`, e.g. `forged fields (status matched)`. */
type CaseLabel = CaseKind | `${CaseKind} (${string})`;

/** What a step does against the emulator; the fixture gives it callers and seeding. */
type Step = (fx: RulesFixture) => Promise<unknown>;

interface Case {
	case: CaseLabel;
	expect: Outcome;
	/** Documents written with the rules off before `run` (Firestore is empty before each cell). */
	seed?: Step;
	/** The one request the cell is about. */
	run: Step;
}

interface Cell extends Case {
	collection: string;
	op: Op;
}

/** One collection's row of the table: every operation must be there, even if it is empty of allowed cases. */
function walk(collection: string, ops: Record<Op, Case[]>): Cell[] {
	return OPS.flatMap((op) => ops[op].map((c) => ({ ...c, collection, op })));
}

const kindOf = (label: CaseLabel): CaseKind => {
	const kind = CASE_KINDS.find((k) => label === k || label.startsWith(`${k} (`));
	if (!kind) throw new Error(`Case "${label}" does not start with a known kind`);
	return kind;
};

const testName = (cell: Cell) => `${cell.collection} · ${cell.op} · ${cell.case} → ${cell.expect}`;

// -----------------------------------------------------------------------------------
// Requests, as steps. `who` is a uid, or null for a caller who is not signed in. Data may
// be a function, for values that must be computed when the cell runs (times).

type Who = string | null;
type Data = DocumentData | (() => DocumentData);

const SIGNED_OUT = null;
const dbOf = (fx: RulesFixture, who: Who): Firestore => (who === null ? fx.signedOut() : fx.as(who));
const dataOf = (data: Data): DocumentData => (typeof data === 'function' ? data() : data);

const read = (who: Who, path: string): Step => (fx) => getDoc(doc(dbOf(fx, who), path));
const list = (who: Who, path: string, ...constraints: QueryConstraint[]): Step => (fx) =>
	getDocs(query(collection(dbOf(fx, who), path), ...constraints));
const listGroup = (who: Who, collectionId: string): Step => (fx) => getDocs(collectionGroup(dbOf(fx, who), collectionId));
/** setDoc: a create where nothing is seeded, a whole-document update where something is. */
const write = (who: Who, path: string, data: Data): Step => (fx) => setDoc(doc(dbOf(fx, who), path), dataOf(data));
const merge = (who: Who, path: string, data: Data): Step => (fx) =>
	setDoc(doc(dbOf(fx, who), path), dataOf(data), { merge: true });
const patch = (who: Who, path: string, data: Data): Step => (fx) => updateDoc(doc(dbOf(fx, who), path), dataOf(data));
const remove = (who: Who, path: string): Step => (fx) => deleteDoc(doc(dbOf(fx, who), path));

/** Seeds the documents in order, with the rules off. */
const seeded =
	(...docs: [path: string, data: Data][]): Step =>
	async (fx) => {
		for (const [path, data] of docs) await fx.seed(path, dataOf(data));
	};

const HOUR_MS = 3_600_000;
const activeBan = () => banUntil(Date.now() + HOUR_MS);
const pastTime = () => Timestamp.fromMillis(Date.now() - HOUR_MS);
const futureTime = () => Timestamp.fromMillis(Date.now() + HOUR_MS);

// -----------------------------------------------------------------------------------
// lobby/{uid}

const LOBBY = `${COLLECTIONS.lobby}/{uid}`;
const aliceEntry = paths.lobby(ALICE);
/** `count` distinct valid interests of `chars` characters each. */
const interests = (count: number, chars = 8) =>
	Array.from({ length: count }, (_, i) => `${String.fromCharCode(97 + (i % 26))}${'x'.repeat(chars - 1)}`);
// Seeds with times are made when their cell runs, not when this module loads: stamped at
// load, a waiting entry's heartbeat was past the matchmaker's 60 s TTL by the time its cell
// ran in a full walk, and the matchmaker (triggered by the seed) took it out of line.
/** Alice waiting, having joined a minute ago (past the join rate limit). */
const aliceWaiting = seeded([aliceEntry, () => earlier(waitingEntry())]);
/** Waiting, last beat a full LOBBY_HEARTBEAT_MS ago: the next beat is due. */
const aliceBeatDue = seeded([aliceEntry, () => waitedEntry()]);
const aliceMatched = seeded([aliceEntry, () => earlier(matchedEntry())]);
const aliceLeft = seeded([aliceEntry, () => earlier(leftEntry())]);

const lobbyCells = walk(LOBBY, {
	get: [
		{ case: 'allowed (the owner reads her entry)', expect: 'allowed', seed: aliceMatched, run: read(ALICE, aliceEntry) },
		{ case: 'signed out', expect: 'denied', seed: aliceWaiting, run: read(SIGNED_OUT, aliceEntry) },
		{ case: "another user (reads alice's entry)", expect: 'denied', seed: aliceWaiting, run: read(MALLORY, aliceEntry) }
	],
	list: [
		{ case: 'whole collection (who is waiting)', expect: 'denied', seed: aliceWaiting, run: list(MALLORY, COLLECTIONS.lobby) },
		{
			case: 'whole collection (the owner queries waiting entries)',
			expect: 'denied',
			seed: aliceWaiting,
			run: list(ALICE, COLLECTIONS.lobby, where('status', '==', 'waiting'))
		},
		{ case: 'collection group (lobby)', expect: 'denied', seed: aliceWaiting, run: listGroup(MALLORY, COLLECTIONS.lobby) },
		{ case: 'signed out', expect: 'denied', seed: aliceWaiting, run: list(SIGNED_OUT, COLLECTIONS.lobby) }
	],
	create: [
		{ case: 'allowed (the owner joins, server times)', expect: 'allowed', run: write(ALICE, aliceEntry, waitingEntry()) },
		{
			case: `allowed (${LIMITS.interestsPerUser} interests of ${LIMITS.interestMaxChars} chars)`,
			expect: 'allowed',
			run: write(ALICE, aliceEntry, waitingEntry({ interests: interests(LIMITS.interestsPerUser, LIMITS.interestMaxChars) }))
		},
		{ case: 'signed out', expect: 'denied', run: write(SIGNED_OUT, aliceEntry, waitingEntry()) },
		{ case: 'another user (joins as alice)', expect: 'denied', run: write(MALLORY, aliceEntry, waitingEntry()) },
		{
			case: 'forged fields (status matched)',
			expect: 'denied',
			run: write(ALICE, aliceEntry, { ...waitingEntry(), status: 'matched' })
		},
		{
			case: 'forged fields (callId, matchedAt)',
			expect: 'denied',
			run: write(ALICE, aliceEntry, { ...waitingEntry(), callId: CALL_ID, matchedAt: serverTimestamp() })
		},
		{
			case: 'forged fields (partner, role, commonInterests)',
			expect: 'denied',
			run: write(ALICE, aliceEntry, { ...waitingEntry(), partner: BOB, role: 'offerer', commonInterests: [] })
		},
		{
			case: 'forged fields (joinedAt in the past)',
			expect: 'denied',
			run: write(ALICE, aliceEntry, () => ({ ...waitingEntry(), joinedAt: pastTime() }))
		},
		{
			case: 'forged fields (heartbeatAt in the future)',
			expect: 'denied',
			run: write(ALICE, aliceEntry, () => ({ ...waitingEntry(), heartbeatAt: futureTime() }))
		},
		{
			case: 'forged fields (patience: the server works it out)',
			expect: 'denied',
			run: write(ALICE, aliceEntry, { ...waitingEntry(), patience: 2 })
		},
		{
			case: 'wrong types (interests a string)',
			expect: 'denied',
			run: write(ALICE, aliceEntry, { ...waitingEntry(), interests: 'music' })
		},
		{
			case: 'wrong types (language a number)',
			expect: 'denied',
			run: write(ALICE, aliceEntry, { ...waitingEntry(), language: 7 })
		},
		{
			case: `oversized (${LIMITS.interestsPerUser + 1} interests)`,
			expect: 'denied',
			run: write(ALICE, aliceEntry, waitingEntry({ interests: interests(LIMITS.interestsPerUser + 1) }))
		},
		{
			case: `oversized (an interest of ${LIMITS.interestMaxChars + 1} chars)`,
			expect: 'denied',
			run: write(ALICE, aliceEntry, waitingEntry({ interests: interests(1, LIMITS.interestMaxChars + 1) }))
		},
		{ case: 'unknown fields (nickname)', expect: 'denied', run: write(ALICE, aliceEntry, { ...waitingEntry(), nickname: 'al' }) },
		{
			case: 'missing fields (no language)',
			expect: 'denied',
			run: write(ALICE, aliceEntry, () => {
				const { language: _, ...rest } = waitingEntry();
				return rest;
			})
		},
		{
			case: 'banned (an active ban)',
			expect: 'denied',
			seed: seeded([paths.ban(ALICE), activeBan]),
			run: write(ALICE, aliceEntry, waitingEntry())
		}
	],
	update: [
		{
			case: 'allowed (heartbeat, the last one a full interval ago)',
			expect: 'allowed',
			seed: aliceBeatDue,
			run: patch(ALICE, aliceEntry, heartbeat())
		},
		{
			case: 'allowed (leave: status left)',
			expect: 'allowed',
			seed: aliceMatched,
			run: patch(ALICE, aliceEntry, { status: 'left' })
		},
		{
			case: 'allowed (join again after leaving)',
			expect: 'allowed',
			seed: aliceLeft,
			run: write(ALICE, aliceEntry, waitingEntry())
		},
		{
			case: `rate limit (join again within ${SAFETY_LIMITS.lobbyJoinMinIntervalMs} ms)`,
			expect: 'denied',
			seed: seeded([aliceEntry, () => justNow(leftEntry())]),
			run: write(ALICE, aliceEntry, waitingEntry())
		},
		{
			case: 'banned (join again while banned)',
			expect: 'denied',
			seed: seeded([aliceEntry, () => earlier(leftEntry())], [paths.ban(ALICE), activeBan]),
			run: write(ALICE, aliceEntry, waitingEntry())
		},
		{ case: 'signed out', expect: 'denied', seed: aliceBeatDue, run: patch(SIGNED_OUT, aliceEntry, heartbeat()) },
		{
			case: "another user (marks alice's entry left)",
			expect: 'denied',
			seed: aliceWaiting,
			run: patch(MALLORY, aliceEntry, { status: 'left' })
		},
		{
			case: 'forged fields (status matched)',
			expect: 'denied',
			seed: aliceWaiting,
			run: patch(ALICE, aliceEntry, { status: 'matched' })
		},
		{
			case: 'forged fields (status, callId, matchedAt)',
			expect: 'denied',
			seed: aliceWaiting,
			run: patch(ALICE, aliceEntry, { status: 'matched', callId: CALL_ID, matchedAt: serverTimestamp() })
		},
		{
			case: 'forged fields (role swapped on a matched entry)',
			expect: 'denied',
			seed: aliceMatched,
			run: patch(ALICE, aliceEntry, { role: 'answerer' })
		},
		{
			case: 'forged fields (joinedAt moved back)',
			expect: 'denied',
			seed: aliceWaiting,
			run: patch(ALICE, aliceEntry, () => ({ joinedAt: pastTime() }))
		},
		{
			case: 'forged fields (heartbeatAt in the future)',
			expect: 'denied',
			seed: aliceBeatDue,
			run: patch(ALICE, aliceEntry, () => ({ heartbeatAt: futureTime() }))
		},
		{
			case: 'forged fields (a heartbeat raising patience)',
			expect: 'denied',
			seed: aliceBeatDue,
			run: patch(ALICE, aliceEntry, { ...heartbeat(), patience: 2 })
		},
		{
			case: `rate limit (a heartbeat sooner than ${LOBBY_HEARTBEAT_MIN_INTERVAL_MS} ms after the last)`,
			expect: 'denied',
			seed: seeded([aliceEntry, () => justNow(waitingEntry())]),
			run: patch(ALICE, aliceEntry, heartbeat())
		},
		{
			case: 'forged fields (a heartbeat keeps a matched entry waiting)',
			expect: 'denied',
			seed: aliceMatched,
			run: patch(ALICE, aliceEntry, heartbeat())
		},
		{
			case: 'wrong types (heartbeatAt a string)',
			expect: 'denied',
			seed: aliceBeatDue,
			run: patch(ALICE, aliceEntry, { heartbeatAt: 'now' })
		},
		{
			case: `oversized (join again with ${LIMITS.interestsPerUser + 1} interests)`,
			expect: 'denied',
			seed: aliceLeft,
			run: write(ALICE, aliceEntry, waitingEntry({ interests: interests(LIMITS.interestsPerUser + 1) }))
		},
		{
			case: 'unknown fields (heartbeat + nickname)',
			expect: 'denied',
			seed: aliceBeatDue,
			run: patch(ALICE, aliceEntry, { ...heartbeat(), nickname: 'al' })
		}
	],
	delete: [
		{ case: 'nobody (the owner deletes her entry)', expect: 'denied', seed: aliceWaiting, run: remove(ALICE, aliceEntry) },
		{ case: 'another user', expect: 'denied', seed: aliceWaiting, run: remove(MALLORY, aliceEntry) },
		{ case: 'signed out', expect: 'denied', seed: aliceWaiting, run: remove(SIGNED_OUT, aliceEntry) }
	]
});

// -----------------------------------------------------------------------------------
// calls/{callId}: alice is the offerer, bob the answerer, mallory a stranger.

const CALLS = `${COLLECTIONS.calls}/{callId}`;
const callPath = paths.call();
const liveCall = seeded([callPath, activeCall()]);
const ended = seeded([callPath, endedCall()]);
const hangUp = (endedBy: string) => ({ status: 'ended', endedBy, endedAt: serverTimestamp() });

const callCells = walk(CALLS, {
	get: [
		{ case: 'allowed (the offerer)', expect: 'allowed', seed: liveCall, run: read(ALICE, callPath) },
		{ case: 'allowed (the answerer)', expect: 'allowed', seed: liveCall, run: read(BOB, callPath) },
		{ case: 'signed out', expect: 'denied', seed: liveCall, run: read(SIGNED_OUT, callPath) },
		{ case: 'another user (not a member)', expect: 'denied', seed: liveCall, run: read(MALLORY, callPath) }
	],
	list: [
		{ case: 'whole collection', expect: 'denied', seed: liveCall, run: list(MALLORY, COLLECTIONS.calls) },
		{
			case: 'whole collection (a member queries her calls)',
			expect: 'denied',
			seed: liveCall,
			run: list(ALICE, COLLECTIONS.calls, where('members', 'array-contains', ALICE))
		},
		{ case: 'collection group (calls)', expect: 'denied', seed: liveCall, run: listGroup(ALICE, COLLECTIONS.calls) },
		{ case: 'signed out', expect: 'denied', seed: liveCall, run: list(SIGNED_OUT, COLLECTIONS.calls) }
	],
	create: [
		{ case: 'nobody (a member creates her call)', expect: 'denied', run: write(ALICE, callPath, activeCall()) },
		{
			case: 'forged fields (members: mallory and alice)',
			expect: 'denied',
			run: write(MALLORY, callPath, { ...activeCall(), members: [MALLORY, ALICE], offerer: MALLORY })
		},
		{ case: 'signed out', expect: 'denied', run: write(SIGNED_OUT, callPath, activeCall()) }
	],
	update: [
		{ case: 'allowed (the offerer hangs up)', expect: 'allowed', seed: liveCall, run: patch(ALICE, callPath, hangUp(ALICE)) },
		{ case: 'allowed (the answerer hangs up)', expect: 'allowed', seed: liveCall, run: patch(BOB, callPath, hangUp(BOB)) },
		{ case: 'signed out', expect: 'denied', seed: liveCall, run: patch(SIGNED_OUT, callPath, hangUp(ALICE)) },
		{
			case: 'another user (hangs up a stranger’s call)',
			expect: 'denied',
			seed: liveCall,
			run: patch(MALLORY, callPath, hangUp(MALLORY))
		},
		{
			case: 'forged fields (members)',
			expect: 'denied',
			seed: liveCall,
			run: patch(ALICE, callPath, { members: [ALICE, MALLORY] })
		},
		{ case: 'forged fields (offerer)', expect: 'denied', seed: liveCall, run: patch(BOB, callPath, { offerer: BOB }) },
		{
			case: 'forged fields (the offerer writes an offer: signaling moved to signals)',
			expect: 'denied',
			seed: liveCall,
			run: patch(ALICE, callPath, { offer: description('offer') })
		},
		{
			case: 'forged fields (the answerer writes an answer: signaling moved to signals)',
			expect: 'denied',
			seed: liveCall,
			run: patch(BOB, callPath, { answer: description('answer') })
		},
		{
			case: 'forged fields (hang up with an offer alongside)',
			expect: 'denied',
			seed: liveCall,
			run: patch(ALICE, callPath, { ...hangUp(ALICE), offer: description('offer') })
		},
		{ case: 'forged fields (endedBy the partner)', expect: 'denied', seed: liveCall, run: patch(ALICE, callPath, hangUp(BOB)) },
		{
			case: 'forged fields (endedAt chosen by the client)',
			expect: 'denied',
			seed: liveCall,
			run: patch(ALICE, callPath, () => ({ status: 'ended', endedBy: ALICE, endedAt: pastTime() }))
		},
		{
			case: 'wrong types (status a number)',
			expect: 'denied',
			seed: liveCall,
			run: patch(ALICE, callPath, { ...hangUp(ALICE), status: 0 })
		},
		{
			case: 'wrong types (endedAt a string)',
			expect: 'denied',
			seed: liveCall,
			run: patch(ALICE, callPath, { ...hangUp(ALICE), endedAt: 'now' })
		},
		{
			case: 'missing fields (status ended alone)',
			expect: 'denied',
			seed: liveCall,
			run: patch(ALICE, callPath, { status: 'ended' })
		},
		{
			case: 'unknown fields (next to the hang-up)',
			expect: 'denied',
			seed: liveCall,
			run: patch(ALICE, callPath, { ...hangUp(ALICE), note: 'bye' })
		},
		{
			case: 'call ended (an answer after the end)',
			expect: 'denied',
			seed: ended,
			run: patch(BOB, callPath, { answer: description('answer') })
		},
		{ case: 'call ended (hung up again)', expect: 'denied', seed: ended, run: patch(ALICE, callPath, hangUp(ALICE)) },
		{
			case: 'call ended (reopened by a member)',
			expect: 'denied',
			seed: ended,
			run: patch(BOB, callPath, { status: 'active', endedBy: null, endedAt: null })
		}
	],
	delete: [
		{ case: 'nobody (a member deletes the call)', expect: 'denied', seed: liveCall, run: remove(ALICE, callPath) },
		{ case: 'another user', expect: 'denied', seed: liveCall, run: remove(MALLORY, callPath) },
		{ case: 'signed out', expect: 'denied', seed: liveCall, run: remove(SIGNED_OUT, callPath) }
	]
});

// -----------------------------------------------------------------------------------
// calls/{callId}/signals/{uid}: alice (the offerer) publishes offers, bob answers.

const SIGNALS = `${CALLS}/${COLLECTIONS.signals}/{uid}`;
const aliceSignals = paths.signals(ALICE);
const bobSignals = paths.signals(BOB);
const signalsOfCall = `${callPath}/${COLLECTIONS.signals}`;
const liveWithSignals = seeded([callPath, activeCall()], [aliceSignals, signalDoc(ALICE)], [bobSignals, signalDoc(BOB)]);
const endedWithSignals = seeded([callPath, endedCall()], [aliceSignals, signalDoc(ALICE)]);
/** How the app appends a batch: merge-append, creating the document if needed, stamped by the server. */
const appendTo = (who: Who, path: string, count: number) =>
	merge(who, path, () => ({ candidates: arrayUnion(...candidates(count)), sentAt: serverTimestamp() }));
/** How the app publishes a description with the candidates gathered so far, in one merge write. */
const publishTo = (who: Who, path: string, type: 'offer' | 'answer', sdpChars = 200, count = 3) =>
	merge(who, path, () => ({ description: description(type, sdpChars), candidates: arrayUnion(...candidates(count)), sentAt: serverTimestamp() }));
/** A whole signal document as a hand-made write, stamped by the server like the app's. */
const signalWrite = (uid: string, count = 2) => () => ({ ...signalDoc(uid, count), sentAt: serverTimestamp() });
/** Alice's signal document, written an instant ago (stamped ahead of the clock, however slow the machine). */
const justSignalled = seeded([callPath, activeCall()], [aliceSignals, () => ({ ...signalDoc(ALICE), sentAt: Timestamp.fromMillis(Date.now() + 10_000) })]);
/** A stored candidate line whose candidate part is `chars` long. */
const candidateLineOf = (chars: number) => `0 0 frag ${'candidate:9 1 udp 1 192.0.2.9 9 typ host '.padEnd(chars, 'x')}`;

const signalCells = walk(SIGNALS, {
	get: [
		{ case: 'allowed (a member reads her own)', expect: 'allowed', seed: liveWithSignals, run: read(ALICE, aliceSignals) },
		{
			case: "allowed (a member reads her partner's)",
			expect: 'allowed',
			seed: liveWithSignals,
			run: read(BOB, aliceSignals)
		},
		{ case: 'signed out', expect: 'denied', seed: liveWithSignals, run: read(SIGNED_OUT, aliceSignals) },
		{ case: 'another user (not a member)', expect: 'denied', seed: liveWithSignals, run: read(MALLORY, aliceSignals) }
	],
	list: [
		{
			case: "whole collection (a member lists the call's)",
			expect: 'denied',
			seed: liveWithSignals,
			run: list(ALICE, signalsOfCall)
		},
		{
			case: 'collection group (every call’s signals)',
			expect: 'denied',
			seed: liveWithSignals,
			run: listGroup(MALLORY, COLLECTIONS.signals)
		},
		{ case: 'signed out', expect: 'denied', seed: liveWithSignals, run: list(SIGNED_OUT, signalsOfCall) }
	],
	create: [
		{
			case: 'allowed (the offerer: offer + candidates in one write)',
			expect: 'allowed',
			seed: liveCall,
			run: publishTo(ALICE, aliceSignals, 'offer')
		},
		{
			case: 'allowed (the answerer: answer + candidates)',
			expect: 'allowed',
			seed: liveCall,
			run: publishTo(BOB, bobSignals, 'answer')
		},
		{
			case: `allowed (sdp of exactly ${LIMITS.sdpMaxChars} chars, ${LIMITS.candidatesPerWrite} candidates)`,
			expect: 'allowed',
			seed: liveCall,
			run: publishTo(BOB, bobSignals, 'answer', LIMITS.sdpMaxChars, LIMITS.candidatesPerWrite)
		},
		{
			case: `allowed (a candidate line of ${LIMITS.candidateMaxChars} chars)`,
			expect: 'allowed',
			seed: liveCall,
			run: merge(BOB, bobSignals, () => ({ candidates: [candidateLineOf(LIMITS.candidateMaxChars)], sentAt: serverTimestamp() }))
		},
		{ case: 'signed out', expect: 'denied', seed: liveCall, run: write(SIGNED_OUT, aliceSignals, signalWrite(ALICE)) },
		{
			case: 'another user (her own document under the call)',
			expect: 'denied',
			seed: liveCall,
			run: publishTo(MALLORY, paths.signals(MALLORY), 'answer')
		},
		{
			case: "forged fields (alice writes bob's document)",
			expect: 'denied',
			seed: liveCall,
			run: write(ALICE, bobSignals, signalWrite(BOB))
		},
		{
			case: 'forged fields (a client-chosen sentAt)',
			expect: 'denied',
			seed: liveCall,
			run: write(ALICE, aliceSignals, signalDoc(ALICE))
		},
		{
			case: "forged fields (the offerer publishes an 'answer')",
			expect: 'denied',
			seed: liveCall,
			run: publishTo(ALICE, aliceSignals, 'answer')
		},
		{
			case: "forged fields (the answerer publishes an 'offer')",
			expect: 'denied',
			seed: liveCall,
			run: publishTo(BOB, bobSignals, 'offer')
		},
		{
			case: 'wrong types (candidates a string)',
			expect: 'denied',
			seed: liveCall,
			run: write(ALICE, aliceSignals, { candidates: 'candidate:1' })
		},
		{
			case: 'wrong types (sdp a number)',
			expect: 'denied',
			seed: liveCall,
			run: write(ALICE, aliceSignals, { description: { type: 'offer', sdp: 42 } })
		},
		{
			case: 'missing fields (a description without sdp)',
			expect: 'denied',
			seed: liveCall,
			run: write(ALICE, aliceSignals, { description: { type: 'offer' } })
		},
		{
			case: `oversized (sdp of ${LIMITS.sdpMaxChars + 1} chars)`,
			expect: 'denied',
			seed: liveCall,
			run: publishTo(ALICE, aliceSignals, 'offer', LIMITS.sdpMaxChars + 1)
		},
		{
			case: `oversized (${LIMITS.candidatesPerWrite + 1} candidates in one write)`,
			expect: 'denied',
			seed: liveCall,
			run: write(ALICE, aliceSignals, signalWrite(ALICE, LIMITS.candidatesPerWrite + 1))
		},
		{
			case: `oversized (a candidate line of ${LIMITS.candidateMaxChars + 1} chars)`,
			expect: 'denied',
			seed: liveCall,
			run: merge(BOB, bobSignals, () => ({ candidates: [candidateLineOf(LIMITS.candidateMaxChars + 1)], sentAt: serverTimestamp() }))
		},
		{
			case: 'unknown fields (ufrag next to the description)',
			expect: 'denied',
			seed: liveCall,
			run: write(ALICE, aliceSignals, () => ({ ...signalWrite(ALICE)(), ufrag: 'x' }))
		},
		{
			case: 'unknown fields (inside the description)',
			expect: 'denied',
			seed: liveCall,
			run: write(ALICE, aliceSignals, { description: { ...description('offer'), note: 'hi' } })
		},
		{ case: 'call ended', expect: 'denied', seed: ended, run: publishTo(ALICE, aliceSignals, 'offer') }
	],
	update: [
		{
			case: 'allowed (a member appends a batch of candidates)',
			expect: 'allowed',
			seed: liveWithSignals,
			run: appendTo(ALICE, aliceSignals, 5)
		},
		{
			case: `rate limit (a write within ${LIMITS.signalWriteMinIntervalMs} ms of the previous one)`,
			expect: 'denied',
			seed: justSignalled,
			run: appendTo(ALICE, aliceSignals, 5)
		},
		{
			case: `oversized (appending ${LIMITS.candidatesPerWrite + 1} in one write)`,
			expect: 'denied',
			seed: liveWithSignals,
			run: appendTo(ALICE, aliceSignals, 2 + LIMITS.candidatesPerWrite + 1)
		},
		{
			case: 'allowed (ICE restart: the offerer replaces her offer)',
			expect: 'allowed',
			seed: liveWithSignals,
			run: publishTo(ALICE, aliceSignals, 'offer', 300)
		},
		{
			case: `allowed (appending up to ${LIMITS.candidatesPerMember} in total)`,
			expect: 'allowed',
			seed: seeded([callPath, activeCall()], [aliceSignals, signalDoc(ALICE, LIMITS.candidatesPerMember - 1)]),
			// arrayUnion skips the 99 already there and adds the one new candidate.
			run: appendTo(ALICE, aliceSignals, LIMITS.candidatesPerMember)
		},
		{ case: 'signed out', expect: 'denied', seed: liveWithSignals, run: appendTo(SIGNED_OUT, aliceSignals, 1) },
		{
			case: "another user (appends to alice's)",
			expect: 'denied',
			seed: liveWithSignals,
			run: appendTo(MALLORY, aliceSignals, 1)
		},
		{
			case: "forged fields (bob appends to alice's)",
			expect: 'denied',
			seed: liveWithSignals,
			run: appendTo(BOB, aliceSignals, 1)
		},
		{
			case: "forged fields (bob replaces alice's offer)",
			expect: 'denied',
			seed: liveWithSignals,
			run: publishTo(BOB, aliceSignals, 'offer', 300)
		},
		{
			case: "forged fields (the offerer restarts with an 'answer')",
			expect: 'denied',
			seed: liveWithSignals,
			run: publishTo(ALICE, aliceSignals, 'answer')
		},
		{
			case: "forged fields (the answerer re-answers with an 'offer')",
			expect: 'denied',
			seed: liveWithSignals,
			run: publishTo(BOB, bobSignals, 'offer')
		},
		{
			case: 'wrong types (candidates replaced by a map)',
			expect: 'denied',
			seed: liveWithSignals,
			run: patch(ALICE, aliceSignals, { candidates: { first: 'candidate:1' } })
		},
		{
			case: 'wrong types (description withdrawn as null)',
			expect: 'denied',
			seed: liveWithSignals,
			run: patch(ALICE, aliceSignals, { description: null })
		},
		{
			case: `oversized (appending past ${LIMITS.candidatesPerMember})`,
			expect: 'denied',
			seed: seeded([callPath, activeCall()], [aliceSignals, signalDoc(ALICE, LIMITS.candidatesPerMember)]),
			// arrayUnion skips the 100 already there and adds the one new candidate.
			run: appendTo(ALICE, aliceSignals, LIMITS.candidatesPerMember + 1)
		},
		{
			case: `oversized (an ICE restart offer of ${LIMITS.sdpMaxChars + 1} chars)`,
			expect: 'denied',
			seed: liveWithSignals,
			run: publishTo(ALICE, aliceSignals, 'offer', LIMITS.sdpMaxChars + 1)
		},
		{
			case: 'unknown fields (ufrag)',
			expect: 'denied',
			seed: liveWithSignals,
			run: patch(ALICE, aliceSignals, { ufrag: 'x' })
		},
		{
			case: 'unknown fields (added inside the description)',
			expect: 'denied',
			seed: liveWithSignals,
			run: patch(ALICE, aliceSignals, { 'description.note': 'hi' })
		},
		{ case: 'call ended', expect: 'denied', seed: endedWithSignals, run: appendTo(ALICE, aliceSignals, 1) }
	],
	delete: [
		{ case: 'nobody (a member deletes her own)', expect: 'denied', seed: liveWithSignals, run: remove(ALICE, aliceSignals) },
		{ case: 'another user', expect: 'denied', seed: liveWithSignals, run: remove(MALLORY, aliceSignals) },
		{ case: 'signed out', expect: 'denied', seed: liveWithSignals, run: remove(SIGNED_OUT, aliceSignals) }
	]
});

// -----------------------------------------------------------------------------------
// calls/{callId}/files/{fileId}: alice uploads, bob is her partner.

const FILES = `${CALLS}/${COLLECTIONS.files}/{fileId}`;
const aliceFile = paths.file();
const filesOfCall = `${callPath}/${COLLECTIONS.files}`;
const fileIn = (status: 'uploading' | 'ready', call: DocumentData = activeCall()) =>
	seeded([callPath, call], [aliceFile, fileEntry(status)]);
/** A live call, and the uploader's counter long expired: the next announcement opens a new window. */
const readyToAnnounce = (uploader: string) => seeded([callPath, activeCall()], [paths.limits(uploader), expiredUploadWindow()]);

/** The start of the open upload window the running cell seeded (cells run one at a time). */
let openWindowStart = Timestamp.now();
const seedOpenWindow =
	(uploads: number): Step =>
	async (fx) => {
		openWindowStart = Timestamp.now();
		const counter: UploadCounterWrite<Timestamp> = { windowStartAt: openWindowStart, uploads, lastUploadAt: openWindowStart, lastFileId: 'an-earlier-file' };
		await fx.seed(paths.limits(ALICE), counter);
	};
/** The counter counting one more upload inside the window seedOpenWindow opened. */
const countedStep = (uploads: number) => (): UploadCounterWrite<FieldValue | Timestamp> => ({
	windowStartAt: openWindowStart,
	uploads,
	lastUploadAt: serverTimestamp(),
	lastFileId: FILE_ID
});

/**
 * An announcement as the app writes it: the file entries and a step of the counter, in one
 * batch. `files` maps file ids to entries; the counter is `counterOwner`'s.
 */
const announce =
	(who: Who, files: Record<string, Data>, counterOwner: string = who ?? ALICE, counter: Data = uploadWindowOpening()): Step =>
	(fx) => {
		const db = dbOf(fx, who);
		const batch = writeBatch(db);
		for (const [fileId, data] of Object.entries(files)) batch.set(doc(db, paths.file(fileId)), dataOf(data));
		batch.set(doc(db, paths.limits(counterOwner)), dataOf(counter));
		return batch.commit();
	};
const announceOne = (who: Who, data: Data) => announce(who, { [FILE_ID]: data });
/** `count` announcements by alice, each for its own file. */
const burst = (count: number): Record<string, Data> =>
	Object.fromEntries(
		Array.from({ length: count }, (_, i) => {
			const fileId = `file-${i + 1}`;
			return [fileId, fileAnnouncement(ALICE, { storagePath: paths.object(ALICE, fileId) })];
		})
	);

const fileCells = walk(FILES, {
	get: [
		{ case: 'allowed (the uploader)', expect: 'allowed', seed: fileIn('ready'), run: read(ALICE, aliceFile) },
		{ case: 'allowed (the partner)', expect: 'allowed', seed: fileIn('ready'), run: read(BOB, aliceFile) },
		{ case: 'signed out', expect: 'denied', seed: fileIn('ready'), run: read(SIGNED_OUT, aliceFile) },
		{ case: 'another user (not a member)', expect: 'denied', seed: fileIn('ready'), run: read(MALLORY, aliceFile) }
	],
	list: [
		{ case: "allowed (the partner lists the call's files)", expect: 'allowed', seed: fileIn('ready'), run: list(BOB, filesOfCall) },
		{ case: "another user (lists the call's files)", expect: 'denied', seed: fileIn('ready'), run: list(MALLORY, filesOfCall) },
		{
			case: 'collection group (every call’s files)',
			expect: 'denied',
			seed: fileIn('ready'),
			run: listGroup(ALICE, COLLECTIONS.files)
		},
		{ case: 'signed out', expect: 'denied', seed: fileIn('ready'), run: list(SIGNED_OUT, filesOfCall) }
	],
	create: [
		{
			case: 'allowed (a member announces, counted)',
			expect: 'allowed',
			seed: readyToAnnounce(ALICE),
			run: announceOne(ALICE, fileAnnouncement(ALICE))
		},
		{
			case: `allowed (${FILE_LIMITS.maxBytes} bytes, a ${FILE_LIMITS.nameMaxChars}-char name)`,
			expect: 'allowed',
			seed: readyToAnnounce(ALICE),
			run: announceOne(
				ALICE,
				fileAnnouncement(ALICE, { size: FILE_LIMITS.maxBytes, name: `${'n'.repeat(FILE_LIMITS.nameMaxChars - 4)}.png` })
			)
		},
		{
			case: 'signed out',
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: announce(SIGNED_OUT, { [FILE_ID]: fileAnnouncement(ALICE) }, ALICE)
		},
		{
			case: 'another user (not a member)',
			expect: 'denied',
			seed: readyToAnnounce(MALLORY),
			run: announceOne(MALLORY, fileAnnouncement(MALLORY))
		},
		{
			case: 'forged fields (uploader: the partner)',
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: announceOne(ALICE, fileAnnouncement(ALICE, { uploader: BOB }))
		},
		{
			case: "forged fields (storagePath in the partner's folder)",
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: announceOne(ALICE, fileAnnouncement(ALICE, { storagePath: paths.object(BOB) }))
		},
		{
			case: 'forged fields (status ready at once)',
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: announceOne(ALICE, { ...fileAnnouncement(ALICE), status: 'ready' })
		},
		{
			case: 'forged fields (createdAt chosen by the client)',
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: announceOne(ALICE, () => ({ ...fileAnnouncement(ALICE), createdAt: pastTime() }))
		},
		{
			case: 'wrong types (size a string)',
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: announceOne(ALICE, { ...fileAnnouncement(ALICE), size: '1234' })
		},
		{
			case: 'wrong types (content type text/html)',
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: announceOne(ALICE, { ...fileAnnouncement(ALICE), contentType: 'text/html' })
		},
		{
			case: `oversized (a name of ${FILE_LIMITS.nameMaxChars + 1} chars)`,
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: announceOne(ALICE, fileAnnouncement(ALICE, { name: 'n'.repeat(FILE_LIMITS.nameMaxChars + 1) }))
		},
		{
			case: `oversized (${FILE_LIMITS.maxBytes + 1} bytes)`,
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: announceOne(ALICE, fileAnnouncement(ALICE, { size: FILE_LIMITS.maxBytes + 1 }))
		},
		{
			case: 'unknown fields (url)',
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: announceOne(ALICE, { ...fileAnnouncement(ALICE), url: 'https://example.com/x' })
		},
		{
			case: 'rate limit (no counter step)',
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: write(ALICE, aliceFile, fileAnnouncement(ALICE))
		},
		{
			case: `rate limit (upload ${SAFETY_LIMITS.uploads.max + 1} within ${SAFETY_LIMITS.uploads.windowMs / 1000} s)`,
			expect: 'denied',
			seed: async (fx) => {
				await liveCall(fx);
				await seedOpenWindow(SAFETY_LIMITS.uploads.max)(fx);
			},
			run: announce(ALICE, { [FILE_ID]: fileAnnouncement(ALICE) }, ALICE, countedStep(SAFETY_LIMITS.uploads.max + 1))
		},
		{
			// One counter step must count one file. isFileAnnouncement only checks, through
			// getAfter(), that the batch stepped the counter, and every announcement in the
			// batch sees the same step: more files than the whole window allows pass as one
			// upload. Expected denied (the safe outcome); the rules currently allow it.
			case: `rate limit (${SAFETY_LIMITS.uploads.max + 1} files on one counter step)`,
			expect: 'denied',
			seed: readyToAnnounce(ALICE),
			run: announce(ALICE, burst(SAFETY_LIMITS.uploads.max + 1))
		},
		{
			case: 'call ended',
			expect: 'denied',
			seed: seeded([callPath, endedCall()], [paths.limits(ALICE), expiredUploadWindow()]),
			run: announceOne(ALICE, fileAnnouncement(ALICE))
		}
	],
	update: [
		{
			case: 'allowed (the uploader marks it ready)',
			expect: 'allowed',
			seed: fileIn('uploading'),
			run: patch(ALICE, aliceFile, { status: 'ready' })
		},
		{
			case: 'allowed (the uploader cancels it)',
			expect: 'allowed',
			seed: fileIn('uploading'),
			run: patch(ALICE, aliceFile, { status: 'canceled' })
		},
		{ case: 'signed out', expect: 'denied', seed: fileIn('uploading'), run: patch(SIGNED_OUT, aliceFile, { status: 'ready' }) },
		{
			case: 'another user (not a member)',
			expect: 'denied',
			seed: fileIn('uploading'),
			run: patch(MALLORY, aliceFile, { status: 'ready' })
		},
		{
			case: "forged fields (the partner marks alice's ready)",
			expect: 'denied',
			seed: fileIn('uploading'),
			run: patch(BOB, aliceFile, { status: 'ready' })
		},
		{
			case: 'forged fields (uploader)',
			expect: 'denied',
			seed: fileIn('uploading'),
			run: patch(ALICE, aliceFile, { uploader: BOB })
		},
		{
			case: 'forged fields (ready, with a bigger size)',
			expect: 'denied',
			seed: fileIn('uploading'),
			run: patch(ALICE, aliceFile, { status: 'ready', size: FILE_LIMITS.maxBytes })
		},
		{
			case: 'forged fields (status ready → canceled)',
			expect: 'denied',
			seed: fileIn('ready'),
			run: patch(ALICE, aliceFile, { status: 'canceled' })
		},
		{
			case: 'wrong types (status true)',
			expect: 'denied',
			seed: fileIn('uploading'),
			run: patch(ALICE, aliceFile, { status: true })
		},
		{
			case: 'unknown fields (ready + url)',
			expect: 'denied',
			seed: fileIn('uploading'),
			run: patch(ALICE, aliceFile, { status: 'ready', url: 'https://example.com/x' })
		},
		{
			case: 'call ended',
			expect: 'denied',
			seed: fileIn('uploading', endedCall()),
			run: patch(ALICE, aliceFile, { status: 'ready' })
		}
	],
	delete: [
		{ case: 'nobody (the uploader deletes it)', expect: 'denied', seed: fileIn('ready'), run: remove(ALICE, aliceFile) },
		{ case: 'another user', expect: 'denied', seed: fileIn('ready'), run: remove(MALLORY, aliceFile) },
		{ case: 'signed out', expect: 'denied', seed: fileIn('ready'), run: remove(SIGNED_OUT, aliceFile) }
	]
});

// -----------------------------------------------------------------------------------
// bans/{uid}: written by the reportPartner function; the banned user reads hers.

const BANS = `${SAFETY_COLLECTIONS.bans}/{uid}`;
const aliceBan = paths.ban(ALICE);
const aliceBanned = seeded([aliceBan, activeBan]);

const banCells = walk(BANS, {
	get: [
		{ case: 'allowed (the banned user reads her ban)', expect: 'allowed', seed: aliceBanned, run: read(ALICE, aliceBan) },
		{ case: 'allowed (no ban: the missing document)', expect: 'allowed', run: read(ALICE, aliceBan) },
		{ case: 'signed out', expect: 'denied', seed: aliceBanned, run: read(SIGNED_OUT, aliceBan) },
		{ case: "another user (reads alice's ban)", expect: 'denied', seed: aliceBanned, run: read(MALLORY, aliceBan) }
	],
	list: [
		{ case: 'whole collection', expect: 'denied', seed: aliceBanned, run: list(MALLORY, SAFETY_COLLECTIONS.bans) },
		{
			case: 'whole collection (bans still running)',
			expect: 'denied',
			seed: aliceBanned,
			run: (fx) => list(ALICE, SAFETY_COLLECTIONS.bans, where('until', '>', Timestamp.now()))(fx)
		},
		{ case: 'signed out', expect: 'denied', seed: aliceBanned, run: list(SIGNED_OUT, SAFETY_COLLECTIONS.bans) }
	],
	create: [
		{
			case: 'forged fields (until: already over, to pre-empt a ban)',
			expect: 'denied',
			run: write(ALICE, aliceBan, () => banUntil(Date.now() - HOUR_MS))
		},
		{ case: 'another user (bans alice)', expect: 'denied', run: write(MALLORY, aliceBan, activeBan) },
		{ case: 'signed out', expect: 'denied', run: write(SIGNED_OUT, aliceBan, activeBan) }
	],
	update: [
		{
			case: 'forged fields (until: now)',
			expect: 'denied',
			seed: aliceBanned,
			run: patch(ALICE, aliceBan, () => ({ until: Timestamp.now() }))
		},
		{ case: 'forged fields (reporters: 0)', expect: 'denied', seed: aliceBanned, run: patch(ALICE, aliceBan, { reporters: 0 }) },
		{ case: 'wrong types (until a string)', expect: 'denied', seed: aliceBanned, run: patch(ALICE, aliceBan, { until: 'never' }) },
		{
			case: "another user (extends alice's ban)",
			expect: 'denied',
			seed: aliceBanned,
			run: patch(MALLORY, aliceBan, () => ({ until: futureTime() }))
		},
		{ case: 'signed out', expect: 'denied', seed: aliceBanned, run: patch(SIGNED_OUT, aliceBan, { reporters: 0 }) }
	],
	delete: [
		{ case: 'nobody (the banned user lifts her ban)', expect: 'denied', seed: aliceBanned, run: remove(ALICE, aliceBan) },
		{ case: 'another user', expect: 'denied', seed: aliceBanned, run: remove(MALLORY, aliceBan) },
		{ case: 'signed out', expect: 'denied', seed: aliceBanned, run: remove(SIGNED_OUT, aliceBan) }
	]
});

// -----------------------------------------------------------------------------------
// reports/{id}: bob reported alice; only the reportPartner function reads or writes.

const REPORTS = `${SAFETY_COLLECTIONS.reports}/{id}`;
const bobsReport = paths.report(reportIdFor(CALL_ID, BOB));
const report = (fields: Partial<ReportWrite<FieldValue>> = {}): ReportWrite<FieldValue> => ({
	callId: CALL_ID,
	reporter: BOB,
	reported: ALICE,
	reason: 'spam',
	note: '',
	name: null,
	createdAt: serverTimestamp(),
	expireAt: serverTimestamp(),
	...fields
});
const reported = seeded([bobsReport, report()]);

const reportCells = walk(REPORTS, {
	get: [
		{ case: 'nobody (the reporter reads it)', expect: 'denied', seed: reported, run: read(BOB, bobsReport) },
		{ case: 'another user (the reported user reads it)', expect: 'denied', seed: reported, run: read(ALICE, bobsReport) },
		{ case: 'signed out', expect: 'denied', seed: reported, run: read(SIGNED_OUT, bobsReport) }
	],
	list: [
		{ case: 'whole collection', expect: 'denied', seed: reported, run: list(MALLORY, SAFETY_COLLECTIONS.reports) },
		{
			case: 'whole collection (reports about me)',
			expect: 'denied',
			seed: reported,
			run: list(ALICE, SAFETY_COLLECTIONS.reports, where('reported', '==', ALICE))
		},
		{ case: 'signed out', expect: 'denied', seed: reported, run: list(SIGNED_OUT, SAFETY_COLLECTIONS.reports) }
	],
	create: [
		{ case: 'nobody (the reporter writes it, bypassing the function)', expect: 'denied', run: write(BOB, bobsReport, report()) },
		{
			case: 'forged fields (reporter: someone else)',
			expect: 'denied',
			run: write(MALLORY, bobsReport, report({ reporter: BOB, reported: ALICE }))
		},
		{
			case: `oversized (a note of ${SAFETY_LIMITS.reportNoteMaxChars + 1} chars)`,
			expect: 'denied',
			run: write(BOB, bobsReport, report({ note: 'n'.repeat(SAFETY_LIMITS.reportNoteMaxChars + 1) }))
		},
		{ case: 'unknown fields (severity)', expect: 'denied', run: write(BOB, bobsReport, { ...report(), severity: 10 }) },
		{ case: 'signed out', expect: 'denied', run: write(SIGNED_OUT, bobsReport, report()) }
	],
	update: [
		{
			case: 'forged fields (the reported user changes the reason)',
			expect: 'denied',
			seed: reported,
			run: patch(ALICE, bobsReport, { reason: 'other' })
		},
		{
			case: 'forged fields (reported: someone else)',
			expect: 'denied',
			seed: reported,
			run: patch(BOB, bobsReport, { reported: MALLORY })
		},
		{
			case: 'nobody (the reporter edits the note)',
			expect: 'denied',
			seed: reported,
			run: patch(BOB, bobsReport, { note: 'more' })
		},
		{ case: 'signed out', expect: 'denied', seed: reported, run: patch(SIGNED_OUT, bobsReport, { note: '' }) }
	],
	delete: [
		{ case: 'nobody (the reporter withdraws it)', expect: 'denied', seed: reported, run: remove(BOB, bobsReport) },
		{ case: 'another user (the reported user deletes it)', expect: 'denied', seed: reported, run: remove(ALICE, bobsReport) },
		{ case: 'signed out', expect: 'denied', seed: reported, run: remove(SIGNED_OUT, bobsReport) }
	]
});

// -----------------------------------------------------------------------------------
// safety/{uid}: alice's report history and blocks; the functions' alone.

const SAFETY = `${SAFETY_COLLECTIONS.safety}/{uid}`;
const aliceSafety = paths.safety(ALICE);
const safetyRecord = (fields: Partial<SafetyRecord> = {}): SafetyRecord => ({
	blocked: [],
	blockedBy: [BOB],
	reportsReceived: [{ by: BOB, atMs: Date.now(), weight: 1 }],
	reportsSentAtMs: [],
	bannedUntilMs: null,
	...fields
});
const aliceHasRecord = seeded([aliceSafety, () => safetyRecord()]);

const safetyCells = walk(SAFETY, {
	get: [
		{ case: 'nobody (the owner reads who reported her)', expect: 'denied', seed: aliceHasRecord, run: read(ALICE, aliceSafety) },
		{ case: "another user (reads alice's record)", expect: 'denied', seed: aliceHasRecord, run: read(BOB, aliceSafety) },
		{ case: 'signed out', expect: 'denied', seed: aliceHasRecord, run: read(SIGNED_OUT, aliceSafety) }
	],
	list: [
		{ case: 'whole collection', expect: 'denied', seed: aliceHasRecord, run: list(MALLORY, SAFETY_COLLECTIONS.safety) },
		{ case: 'signed out', expect: 'denied', seed: aliceHasRecord, run: list(SIGNED_OUT, SAFETY_COLLECTIONS.safety) }
	],
	create: [
		{
			case: 'forged fields (the owner blocks someone)',
			expect: 'denied',
			run: write(ALICE, aliceSafety, () => safetyRecord({ blocked: [MALLORY], blockedBy: [], reportsReceived: [] }))
		},
		{
			case: 'another user (reports against alice)',
			expect: 'denied',
			run: write(MALLORY, aliceSafety, () => safetyRecord({ reportsReceived: [{ by: MALLORY, atMs: Date.now(), weight: 1 }] }))
		},
		{ case: 'signed out', expect: 'denied', run: write(SIGNED_OUT, aliceSafety, () => safetyRecord()) }
	],
	update: [
		{
			case: 'forged fields (report count: reportsReceived cleared)',
			expect: 'denied',
			seed: aliceHasRecord,
			run: patch(ALICE, aliceSafety, { reportsReceived: [] })
		},
		{
			case: 'forged fields (blockedBy cleared)',
			expect: 'denied',
			seed: aliceHasRecord,
			run: patch(ALICE, aliceSafety, { blockedBy: [] })
		},
		{
			case: 'wrong types (reportsReceived a number)',
			expect: 'denied',
			seed: aliceHasRecord,
			run: patch(ALICE, aliceSafety, { reportsReceived: 0 })
		},
		{
			case: 'another user (adds to reportsReceived)',
			expect: 'denied',
			seed: aliceHasRecord,
			run: patch(MALLORY, aliceSafety, () => ({ reportsReceived: arrayUnion({ by: MALLORY, atMs: Date.now() }) }))
		},
		{ case: 'signed out', expect: 'denied', seed: aliceHasRecord, run: patch(SIGNED_OUT, aliceSafety, { blocked: [] }) }
	],
	delete: [
		{ case: 'nobody (the owner deletes her record)', expect: 'denied', seed: aliceHasRecord, run: remove(ALICE, aliceSafety) },
		{ case: 'another user', expect: 'denied', seed: aliceHasRecord, run: remove(MALLORY, aliceSafety) },
		{ case: 'signed out', expect: 'denied', seed: aliceHasRecord, run: remove(SIGNED_OUT, aliceSafety) }
	]
});

// -----------------------------------------------------------------------------------
// limits/{uid}: alice's upload counter.

const LIMITS_DOC = `${SAFETY_COLLECTIONS.limits}/{uid}`;
const aliceCounter = paths.limits(ALICE);
const counterExpired = seeded([aliceCounter, expiredUploadWindow()]);

const limitCells = walk(LIMITS_DOC, {
	get: [
		{ case: 'allowed (the owner reads her counter)', expect: 'allowed', seed: counterExpired, run: read(ALICE, aliceCounter) },
		{ case: 'signed out', expect: 'denied', seed: counterExpired, run: read(SIGNED_OUT, aliceCounter) },
		{ case: "another user (reads alice's counter)", expect: 'denied', seed: counterExpired, run: read(MALLORY, aliceCounter) }
	],
	list: [
		{ case: 'whole collection', expect: 'denied', seed: counterExpired, run: list(ALICE, SAFETY_COLLECTIONS.limits) },
		{ case: 'signed out', expect: 'denied', seed: counterExpired, run: list(SIGNED_OUT, SAFETY_COLLECTIONS.limits) }
	],
	create: [
		{ case: 'allowed (the owner opens a first window)', expect: 'allowed', run: write(ALICE, aliceCounter, uploadWindowOpening()) },
		{ case: 'signed out', expect: 'denied', run: write(SIGNED_OUT, aliceCounter, uploadWindowOpening()) },
		{ case: "another user (opens alice's window)", expect: 'denied', run: write(MALLORY, aliceCounter, uploadWindowOpening()) },
		{
			case: 'forged fields (window started in the past)',
			expect: 'denied',
			run: write(ALICE, aliceCounter, () => ({ ...uploadWindowOpening(), windowStartAt: pastTime() }))
		},
		{
			case: 'forged fields (uploads: 0)',
			expect: 'denied',
			run: write(ALICE, aliceCounter, { ...uploadWindowOpening(), uploads: 0 })
		},
		{
			case: 'wrong types (uploads a string)',
			expect: 'denied',
			run: write(ALICE, aliceCounter, { ...uploadWindowOpening(), uploads: '1' })
		},
		{ case: 'unknown fields (bonus)', expect: 'denied', run: write(ALICE, aliceCounter, { ...uploadWindowOpening(), bonus: 10 }) }
	],
	update: [
		{
			case: 'allowed (one more inside the window)',
			expect: 'allowed',
			seed: seedOpenWindow(1),
			run: write(ALICE, aliceCounter, countedStep(2))
		},
		{
			case: 'allowed (a new window after the last ended)',
			expect: 'allowed',
			seed: counterExpired,
			run: write(ALICE, aliceCounter, uploadWindowOpening())
		},
		{ case: 'signed out', expect: 'denied', seed: seedOpenWindow(1), run: write(SIGNED_OUT, aliceCounter, countedStep(2)) },
		{
			case: "another user (counts on alice's)",
			expect: 'denied',
			seed: seedOpenWindow(1),
			run: write(MALLORY, aliceCounter, countedStep(2))
		},
		{
			case: 'forged fields (reopening an open window)',
			expect: 'denied',
			seed: seedOpenWindow(SAFETY_LIMITS.uploads.max),
			run: write(ALICE, aliceCounter, uploadWindowOpening())
		},
		{
			case: 'forged fields (counting down)',
			expect: 'denied',
			seed: seedOpenWindow(2),
			run: write(ALICE, aliceCounter, countedStep(1))
		},
		{
			case: 'forged fields (window start moved back)',
			expect: 'denied',
			seed: seedOpenWindow(1),
			run: write(ALICE, aliceCounter, () => ({ ...countedStep(2)(), windowStartAt: pastTime() }))
		},
		{
			case: `rate limit (upload ${SAFETY_LIMITS.uploads.max + 1} in a window)`,
			expect: 'denied',
			seed: seedOpenWindow(SAFETY_LIMITS.uploads.max),
			run: write(ALICE, aliceCounter, countedStep(SAFETY_LIMITS.uploads.max + 1))
		},
		{
			case: 'wrong types (uploads a string)',
			expect: 'denied',
			seed: seedOpenWindow(1),
			run: write(ALICE, aliceCounter, () => ({ ...countedStep(2)(), uploads: '2' }))
		},
		{
			case: 'unknown fields (bonus)',
			expect: 'denied',
			seed: seedOpenWindow(1),
			run: write(ALICE, aliceCounter, () => ({ ...countedStep(2)(), bonus: 10 }))
		}
	],
	delete: [
		{ case: 'nobody (the owner deletes it to reset)', expect: 'denied', seed: counterExpired, run: remove(ALICE, aliceCounter) },
		{ case: 'another user', expect: 'denied', seed: counterExpired, run: remove(MALLORY, aliceCounter) },
		{ case: 'signed out', expect: 'denied', seed: counterExpired, run: remove(SIGNED_OUT, aliceCounter) }
	]
});

// -----------------------------------------------------------------------------------
// A collection the rules never mention: default deny, even for a document named after
// the caller.

const UNKNOWN_COLLECTION = 'profiles';
const UNKNOWN = `${UNKNOWN_COLLECTION}/{uid} (no rule)`;
const aliceProfile = `${UNKNOWN_COLLECTION}/${ALICE}`;
const profile = { name: 'alice' };
const aliceHasProfile = seeded([aliceProfile, profile]);

const unknownCells = walk(UNKNOWN, {
	get: [
		{ case: 'nobody (the owner reads hers)', expect: 'denied', seed: aliceHasProfile, run: read(ALICE, aliceProfile) },
		{ case: 'signed out', expect: 'denied', seed: aliceHasProfile, run: read(SIGNED_OUT, aliceProfile) }
	],
	list: [
		{ case: 'whole collection', expect: 'denied', seed: aliceHasProfile, run: list(ALICE, UNKNOWN_COLLECTION) },
		{ case: 'collection group (profiles)', expect: 'denied', seed: aliceHasProfile, run: listGroup(ALICE, UNKNOWN_COLLECTION) },
		{ case: 'signed out', expect: 'denied', seed: aliceHasProfile, run: list(SIGNED_OUT, UNKNOWN_COLLECTION) }
	],
	create: [
		{ case: 'nobody (the owner creates hers)', expect: 'denied', run: write(ALICE, aliceProfile, profile) },
		{ case: 'signed out', expect: 'denied', run: write(SIGNED_OUT, aliceProfile, profile) }
	],
	update: [
		{
			case: 'nobody (the owner updates hers)',
			expect: 'denied',
			seed: aliceHasProfile,
			run: patch(ALICE, aliceProfile, { name: 'al' })
		},
		{ case: 'signed out', expect: 'denied', seed: aliceHasProfile, run: patch(SIGNED_OUT, aliceProfile, { name: 'al' }) }
	],
	delete: [
		{ case: 'nobody (the owner deletes hers)', expect: 'denied', seed: aliceHasProfile, run: remove(ALICE, aliceProfile) },
		{ case: 'signed out', expect: 'denied', seed: aliceHasProfile, run: remove(SIGNED_OUT, aliceProfile) }
	]
});

// -----------------------------------------------------------------------------------
// The table.

const CELLS: Cell[] = [
	...lobbyCells,
	...callCells,
	...signalCells,
	...fileCells,
	...banCells,
	...reportCells,
	...safetyCells,
	...limitCells,
	...unknownCells
];
const COLLECTION_ORDER = [...new Set(CELLS.map((c) => c.collection))];

type Actual = { outcome: Outcome } | { outcome: 'error'; message: string };

/** Classifies a request's result the way rules-unit-testing's assertFails does. */
async function outcomeOf(request: Promise<unknown>): Promise<Actual> {
	try {
		await request;
		return { outcome: 'allowed' };
	} catch (error) {
		const code = String(Reflect.get(Object(error), 'code') ?? '').toLowerCase();
		const message = String(Reflect.get(Object(error), 'message') ?? error).toLowerCase();
		const denied =
			code === 'permission-denied' ||
			code === 'permission_denied' ||
			message.includes('permission_denied') ||
			message.includes('permission denied') ||
			message.includes('unauthorized');
		return denied ? { outcome: 'denied' } : { outcome: 'error', message: `${code || 'error'}: ${message}` };
	}
}

const SYMBOL: Record<Actual['outcome'], string> = { allowed: '✓', denied: '✗', error: '‼' };

interface TableLine {
	text: string;
	mismatch: boolean;
}

function lineFor(cell: Cell, actual: Actual | undefined): TableLine {
	if (!actual) return { text: `· ${cell.case} (not run; expected ${SYMBOL[cell.expect]})`, mismatch: true };
	if (actual.outcome === cell.expect) return { text: `${SYMBOL[actual.outcome]} ${cell.case}`, mismatch: false };
	return { text: `⚠ ${SYMBOL[actual.outcome]} ${cell.case} (expected ${SYMBOL[cell.expect]})`, mismatch: true };
}

const byOp = <T>(f: (op: Op) => T): Record<Op, T> => ({
	get: f('get'),
	list: f('list'),
	create: f('create'),
	update: f('update'),
	delete: f('delete')
});

/** Heads an operation's cell when no case of it may succeed. */
const NOBODY = '(nobody may)';

/** Per collection, per operation: the lines of its cell, with a `nobody` head where no case may succeed. */
function tableOf(results: ReadonlyMap<Cell, Actual>): { collection: string; ops: Record<Op, TableLine[]> }[] {
	return COLLECTION_ORDER.map((collection) => {
		const ops = byOp((op) => {
			const cells = CELLS.filter((c) => c.collection === collection && c.op === op);
			const lines = cells.map((c) => lineFor(c, results.get(c)));
			const nobody = !cells.some((c) => c.expect === 'allowed');
			return nobody ? [{ text: NOBODY, mismatch: false }, ...lines] : lines;
		});
		return { collection, ops };
	});
}

function summaryOf(results: ReadonlyMap<Cell, Actual>): string {
	const ran = CELLS.filter((c) => results.has(c));
	const mismatched = ran.filter((c) => results.get(c)?.outcome !== c.expect);
	const allowed = CELLS.filter((c) => c.expect === 'allowed').length;
	return (
		`${CELLS.length} cells (${allowed} expected allowed, ${CELLS.length - allowed} expected denied): ` +
		`${ran.length - mismatched.length} as expected, ${mismatched.length} mismatched, ${CELLS.length - ran.length} not run`
	);
}

function mismatchesOf(results: ReadonlyMap<Cell, Actual>): string[] {
	return CELLS.flatMap((c) => {
		const actual = results.get(c);
		if (!actual || actual.outcome === c.expect) return [];
		const why = actual.outcome === 'error' ? ` (${actual.message})` : '';
		return [`${testName(c)}, but was ${actual.outcome}${why}`];
	});
}

/** A box-drawn table for the terminal: one block per collection, the operations as columns. */
function renderText(results: ReadonlyMap<Cell, Actual>): string {
	const width = 30;
	const wrap = (text: string): string[] => {
		const out: string[] = [];
		let line = '';
		for (const word of text.split(' ')) {
			const next = line ? `${line} ${word}` : word;
			if (next.length <= width || !line) line = next;
			else {
				out.push(line);
				line = `    ${word}`;
			}
		}
		out.push(line);
		return out.flatMap((l) => (l.length <= width ? [l] : (l.match(new RegExp(`.{1,${width}}`, 'g')) ?? [])));
	};
	const full = OPS.length * (width + 3) - 1;
	const rule = (l: string, m: string, r: string) => `${l}${OPS.map(() => '─'.repeat(width + 2)).join(m)}${r}`;
	const row = (cols: string[]) => `│ ${cols.map((c) => c.padEnd(width)).join(' │ ')} │`;
	const out = [rule('┌', '┬', '┐'), row([...OPS])];
	for (const { collection, ops } of tableOf(results)) {
		out.push(rule('├', '┴', '┤'), `│ ${collection.padEnd(full - 2)} │`, rule('├', '┬', '┤'));
		const columns = OPS.map((op) => ops[op].flatMap((l) => wrap(l.text)));
		const height = Math.max(...columns.map((c) => c.length));
		for (let r = 0; r < height; r++) out.push(row(columns.map((c) => c[r] ?? '')));
	}
	out.push(rule('└', '┴', '┘'));
	return out.join('\n');
}

function renderMarkdown(results: ReadonlyMap<Cell, Actual>): string {
	const escape = (s: string) => s.replace(/\|/g, '\\|');
	const cellText = (lines: TableLine[]) =>
		lines.map((l) => (l.text === NOBODY ? '**nobody may**' : escape(l.mismatch ? `**${l.text}**` : l.text))).join('<br>');
	const mismatches = mismatchesOf(results);
	return [
		'# Firestore rules walk',
		'',
		'Every collection × operation of `firestore.rules`, each case run against the emulator by',
		'`tests/rules/walk.spec.ts`. ✓ allowed, ✗ denied, ‼ failed otherwise; ⚠ marks an outcome',
		'other than the expected one; **nobody may** marks an operation no client case may perform.',
		'',
		`**${summaryOf(results)}**`,
		'',
		`| collection | ${OPS.join(' | ')} |`,
		`|---|${OPS.map(() => '---').join('|')}|`,
		...tableOf(results).map(({ collection, ops }) => `| \`${collection}\` | ${OPS.map((op) => cellText(ops[op])).join(' | ')} |`),
		'',
		...(mismatches.length > 0 ? ['## Mismatches', '', ...mismatches.map((m) => `- ${escape(m)}`), ''] : [])
	].join('\n');
}

const REPORT_FILE = fileURLToPath(new URL('../../test-results/rules-walk.md', import.meta.url));

// -----------------------------------------------------------------------------------
// The walk itself.

describe('rules walk: the table covers every collection × operation', () => {
	it('every operation of every collection has the cases it needs', () => {
		const missing: string[] = [];
		for (const collection of COLLECTION_ORDER) {
			for (const op of OPS) {
				const kinds = new Set(CELLS.filter((c) => c.collection === collection && c.op === op).map((c) => kindOf(c.case)));
				const lacks = (what: string) => missing.push(`${collection} · ${op} lacks ${what}`);
				if (!kinds.has('signed out')) lacks('"signed out"');
				const listsAll = kinds.has('whole collection') || kinds.has('collection group');
				if (op === 'list' && !listsAll) lacks('a listing of the whole collection');
				// Where nobody may, a signed-in caller must be refused too, not only the signed out.
				if ([...kinds].every((k) => k === 'signed out')) lacks('a signed-in caller');
				if ((op === 'create' || op === 'update') && kinds.has('allowed')) {
					const needs: CaseKind[] = ['another user', 'forged fields', 'wrong types', 'unknown fields'];
					for (const need of needs) if (!kinds.has(need)) lacks(`"${need}"`);
				}
			}
		}
		const mislabelled = CELLS.filter((c) => (kindOf(c.case) === 'allowed') !== (c.expect === 'allowed')).map(testName);
		expect(missing).toEqual([]);
		expect(mislabelled).toEqual([]);
		expect(new Set(CELLS.map(testName)).size).toBe(CELLS.length);
	});
});

describeWithEmulators(['firestore'], 'rules walk: collection × operation × case', () => {
	const fx = useRulesFixture();
	const results = new Map<Cell, Actual>();

	for (const cell of CELLS) {
		it(testName(cell), async () => {
			await cell.seed?.(fx);
			const actual = await outcomeOf(cell.run(fx));
			results.set(cell, actual);
			expect(actual.outcome === 'error' ? `error (${actual.message})` : actual.outcome).toBe(cell.expect);
		});
	}

	afterAll(() => {
		const mismatches = mismatchesOf(results);
		console.log(
			[
				'',
				'Firestore rules walk (✓ allowed, ✗ denied, ‼ error, ⚠ not as expected)',
				renderText(results),
				summaryOf(results),
				...mismatches.map((m) => `⚠ ${m}`),
				`Written to ${REPORT_FILE}`,
				''
			].join('\n')
		);
		mkdirSync(dirname(REPORT_FILE), { recursive: true });
		writeFileSync(REPORT_FILE, renderMarkdown(results));
	});
});
