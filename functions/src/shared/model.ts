// Tangent's Firestore documents, shared by the web app (through the `$shared` alias) and
// the Cloud Functions. This folder must stay free of SDK imports: the client SDK and the
// Admin SDK each wrap these parsers in their own converter.
//
// Firestore enforces no schema, so every parser checks what it reads and throws a
// DocumentShapeError naming the document and the field, never `as T`.
//
// Limits below are enforced again by firestore.rules; the rules tests check both agree.

export const CHAT_MODES = ['text', 'video', 'audio'] as const;
export type ChatMode = (typeof CHAT_MODES)[number];

export const COLLECTIONS = {
	lobby: 'lobby',
	calls: 'calls',
	/**
	 * Subcollection of a call: one document per member, holding that member's session
	 * description and ICE candidates (see SignalDoc).
	 */
	signals: 'signals',
	/** Subcollection of a call: one document per shared file (see files.ts). */
	files: 'files'
} as const;

export const LIMITS = {
	/** A video offer with many codecs is ~10 KB; 32 KB leaves room without inviting abuse. */
	sdpMaxChars: 32_768,
	/** Candidates a member may publish in one call (host + srflx + relay, several ICE restarts). */
	candidatesPerMember: 100,
	candidateMaxChars: 512,
	/** Candidates one write may add: a burst of host candidates goes out in several writes. */
	candidatesPerWrite: 10,
	/** An ICE candidate's sdpMid and usernameFragment (a few characters in practice). */
	candidateFieldMaxChars: 256,
	/** Writes to one signal document at least this far apart (server time): ~10 a second at most. */
	signalWriteMinIntervalMs: 100,
	interestsPerUser: 5,
	interestMaxChars: 24
} as const;

/** How often a waiting page refreshes `heartbeatAt`; entries silent for long expire. */
export const LOBBY_HEARTBEAT_MS = 10_000;
/**
 * The rules refuse a heartbeat sooner than this after the previous one (firestore.rules,
 * isLobbyHeartbeat, states the same number; tests/rules/lobby.spec.ts checks they agree).
 * Half the page's interval, so network jitter never gets an honest beat refused.
 */
export const LOBBY_HEARTBEAT_MIN_INTERVAL_MS = LOBBY_HEARTBEAT_MS / 2;
/**
 * A waiting entry silent this long belongs to a page that is gone: two missed beats and
 * some slack. The matcher neither matches it nor lets it stand in line (it marks it left as
 * it passes), so a tab that closed without a word is out of line within 30 s.
 */
export const LOBBY_STALE_AFTER_MS = 25_000;
/**
 * Patience levels a waiting user reaches by waiting (see functions/src/matching/policy.ts).
 * Computed by the server from `joinedAt`, never written by the client.
 */
export const PATIENCE = { fresh: 0, acceptsStrangers: 1, acceptsRecentPartners: 2 } as const;
export const PATIENCE_AFTER_MS = { acceptsStrangers: 5_000, acceptsRecentPartners: 15_000 } as const;

/** How patient someone who has waited `waitedMs` is. */
export function patienceAfter(waitedMs: number): number {
	if (waitedMs >= PATIENCE_AFTER_MS.acceptsRecentPartners) return PATIENCE.acceptsRecentPartners;
	if (waitedMs >= PATIENCE_AFTER_MS.acceptsStrangers) return PATIENCE.acceptsStrangers;
	return PATIENCE.fresh;
}

// ---------------------------------------------------------------------------------------
// Interests and language. Rules check the same format (firestore.rules, isInterest).

// Marks (\p{M}) keep scripts such as Devanagari intact; a tag still starts with a letter or digit.
const INTEREST_PATTERN = /^[\p{L}\p{N}](?:[\p{L}\p{M}\p{N} -]*[\p{L}\p{M}\p{N}])?$/u;
const LANGUAGE_PATTERN = /^[a-z]{2,3}$/;

/** "#Music, music ,  Board  games" → ["music", "board games"]: lower case, no duplicates. */
export function normalizeInterests(raw: readonly string[]): string[] {
	const tags = raw
		.flatMap((entry) => entry.split(','))
		.map((tag) =>
			tag
				.normalize('NFKC')
				.toLowerCase()
				.replace(/[^\p{L}\p{M}\p{N} -]/gu, ' ')
				.replace(/\s+/g, ' ')
				.trim()
				.replace(/^[ -]+|[ -]+$/g, '')
				.slice(0, LIMITS.interestMaxChars)
				.replace(/[ -]+$/, '')
		)
		.filter((tag) => isInterest(tag));
	return [...new Set(tags)].slice(0, LIMITS.interestsPerUser);
}

export function isInterest(tag: string): boolean {
	return tag.length > 0 && tag.length <= LIMITS.interestMaxChars && INTEREST_PATTERN.test(tag) && tag === tag.toLowerCase();
}

/** An ISO 639 language code such as "en" or "de", or null for any language. */
export function normalizeLanguage(raw: string | null | undefined): string | null {
	const code = (raw ?? '').trim().toLowerCase();
	return LANGUAGE_PATTERN.test(code) ? code : null;
}

/** Anything with `toMillis()`: the client SDK's and the Admin SDK's Timestamp both qualify. */
export interface TimestampLike {
	toMillis(): number;
}

export type FirestoreData = Record<string, unknown>;

export class DocumentShapeError extends Error {
	constructor(
		readonly path: string,
		readonly problem: string
	) {
		super(`Malformed document ${path}: ${problem}`);
		this.name = 'DocumentShapeError';
	}
}

// ---------------------------------------------------------------------------------------
// lobby/{uid}: a user looking for a partner. The owner writes `waiting` entries and marks
// them `left`; only the matchmaker (Admin SDK) turns one into `matched` with the call it
// created, the partner, this member's role and the interests they share, so the page starts
// the call from this one snapshot. The entry stays matched while the call lasts; the
// cleanup function marks it `left` when the call ends, which is how a page whose partner
// hung up learns it (the page watches this one document, not the call's). Owners never
// delete their entry (see LobbyLeaveWrite).

interface LobbyEntryCommon {
	mode: ChatMode;
	interests: string[];
	language: string | null;
	joinedAtMs: number;
	heartbeatAtMs: number;
}

export type LobbyEntry =
	| (LobbyEntryCommon & { status: 'waiting' })
	| (LobbyEntryCommon & {
			status: 'matched';
			callId: string;
			matchedAtMs: number;
			partner: string;
			role: CallRole;
			commonInterests: string[];
			/** The call this one brings back (an undo after Next, see undo.ts); null (or absent in hand-made values) for a new match. */
			resumes?: string | null;
	  })
	| (LobbyEntryCommon & { status: 'left' });

/** What the owner writes to join; the times are the server's (rules insist). */
export interface LobbyJoinWrite<Ts> {
	status: 'waiting';
	mode: ChatMode;
	interests: string[];
	language: string | null;
	joinedAt: Ts;
	heartbeatAt: Ts;
}

/**
 * What a waiting page writes every LOBBY_HEARTBEAT_MS: only the time. Patience is the
 * server's (from joinedAt), and a heartbeat runs no matching.
 */
export interface LobbyHeartbeatWrite<Ts> {
	heartbeatAt: Ts;
}

/**
 * Leaving (Stop, closing the page): the entry stays, marked `left`, rather than being
 * deleted, so the time of the last join survives for the join rate limit in firestore.rules.
 * The sweep deletes left entries a minute later.
 */
export interface LobbyLeaveWrite {
	status: 'left';
}

/** The one leave write, for the app and the functions alike. */
export const LOBBY_LEAVE: Readonly<LobbyLeaveWrite> = Object.freeze({ status: 'left' });

/** Fields the matchmaker adds when it pairs an entry. */
export interface LobbyMatchWrite<Ts> {
	status: 'matched';
	callId: string;
	matchedAt: Ts;
	partner: string;
	role: CallRole;
	commonInterests: string[];
	/** Only when the undoNext function brings two people back together (undo.ts). */
	resumes?: string;
}

export function parseLobbyEntry(path: string, data: FirestoreData): LobbyEntry {
	const read = reader(path, data);
	const status = read.oneOf('status', ['waiting', 'matched', 'left'] as const);
	const interests = read.stringList('interests', LIMITS.interestsPerUser, LIMITS.interestMaxChars);
	const common: LobbyEntryCommon = {
		mode: read.oneOf('mode', CHAT_MODES),
		interests: interests.filter(isInterest),
		language: read.optional('language', () => normalizeLanguage(read.string('language', 3))),
		joinedAtMs: read.millis('joinedAt'),
		heartbeatAtMs: read.millis('heartbeatAt')
	};
	if (status === 'waiting' || status === 'left') return { ...common, status };
	return {
		...common,
		status,
		callId: read.string('callId', 128),
		matchedAtMs: read.millis('matchedAt'),
		partner: read.string('partner', 128),
		role: read.oneOf('role', CALL_ROLES),
		commonInterests: read.stringList('commonInterests', LIMITS.interestsPerUser, LIMITS.interestMaxChars),
		resumes: read.optional('resumes', () => read.string('resumes', 128))
	};
}

// ---------------------------------------------------------------------------------------
// calls/{callId}: created by the matchmaker for two members; either member ends the call.
// The members negotiate in their signal documents (below) and learn of the end through
// their lobby entries, so no page needs to read this document: it is the record the rules,
// the cleanup function and reports rely on. When it ends, the cleanup function deletes the
// signal documents and marks the members' entries left.

/** Fixed by the matchmaker: the offerer makes every offer (ICE restarts too), so offers never collide. */
export const CALL_ROLES = ['offerer', 'answerer'] as const;
export type CallRole = (typeof CALL_ROLES)[number];

export interface SessionDescriptionRecord {
	type: 'offer' | 'answer';
	sdp: string;
}

/** The description each role publishes. */
export function descriptionTypeOf(role: CallRole): SessionDescriptionRecord['type'] {
	return role === 'offerer' ? 'offer' : 'answer';
}

export type CallStatus = 'active' | 'ended';

export interface CallDoc {
	members: [string, string];
	offerer: string;
	mode: ChatMode;
	/** Interests the two share; empty when they were matched as random strangers. */
	commonInterests: string[];
	status: CallStatus;
	createdAtMs: number;
	endedBy: string | null;
	endedAtMs: number | null;
	// Optional only so that values built by hand (tests) need not spell them; the parser always sets them.
	/** The call this one brings back (undo after Next, undo.ts); null for a call the matchmaker made. */
	resumes?: string | null;
	/** The call that brought this one back, once someone undid its Next: once per call. */
	undoneAs?: string | null;
	/** Members whose page left after the end (Stop, a closed tab): an undo cannot bring them back. */
	gone?: string[];
}

export interface CallCreateWrite<Ts> {
	members: [string, string];
	offerer: string;
	mode: ChatMode;
	commonInterests: string[];
	status: 'active';
	createdAt: Ts;
	endedBy: null;
	endedAt: null;
	/** Only on a call the undoNext function made. */
	resumes?: string;
}

export interface CallEndWrite<Ts> {
	status: 'ended';
	endedBy: string;
	endedAt: Ts;
}

/** Added by the undoNext function to the call it brought back, in the same transaction. */
export interface CallUndoneWrite<Ts> {
	undoneAs: string;
	undoneAt: Ts;
}

/**
 * What a member's page writes to an ended call it leaves for good (Stop, closing the tab)
 * within the undo window, so the one who pressed Next cannot pull them into a new call:
 * their own uid added to `gone` (arrayUnion).
 */
export interface CallGoneWrite<ListValue> {
	gone: ListValue;
}

/** Added by callCleanup when a call ends: the ended call's TTL field (retention.ts endedCallExpiresAtMs). */
export interface CallExpiryWrite<Ts> {
	expireAt: Ts;
}

export function parseCallDoc(path: string, data: FirestoreData): CallDoc {
	const read = reader(path, data);
	const [first, second, ...more] = read.stringList('members', 2, 128);
	if (first === undefined || second === undefined || more.length > 0 || first === second) {
		throw new DocumentShapeError(path, '`members` must hold two different uids');
	}
	const members: [string, string] = [first, second];
	const offerer = read.string('offerer', 128);
	if (!members.includes(offerer)) throw new DocumentShapeError(path, '`offerer` is not a member');
	const status = read.oneOf('status', ['active', 'ended'] as const);
	return {
		members,
		offerer,
		mode: read.oneOf('mode', CHAT_MODES),
		commonInterests: read.stringList('commonInterests', LIMITS.interestsPerUser, LIMITS.interestMaxChars),
		status,
		createdAtMs: read.millis('createdAt'),
		endedBy: read.optional('endedBy', () => read.string('endedBy', 128)),
		endedAtMs: read.optional('endedAt', () => read.millis('endedAt')),
		resumes: read.optional('resumes', () => read.string('resumes', 128)),
		undoneAs: read.optional('undoneAs', () => read.string('undoneAs', 128)),
		gone: read.optional('gone', () => read.stringList('gone', 2, 128))?.filter((uid) => members.includes(uid)) ?? []
	};
}

export function partnerOf(call: Pick<CallDoc, 'members'>, uid: string): string {
	const [a, b] = call.members;
	if (uid !== a && uid !== b) throw new Error(`${uid} is not a member of this call`);
	return uid === a ? b : a;
}

// ---------------------------------------------------------------------------------------
// calls/{callId}/signals/{uid}: what one member tells the other to connect: their latest
// session description (the offerer's offer, the answerer's answer; an ICE restart replaces
// it) and the ICE candidates they gathered, appended in batches (arrayUnion). The first
// write carries the description together with the candidates gathered by then, so a call
// setup costs one or two writes per member, and each member watches only the partner's
// document.

export interface IceCandidateRecord {
	candidate: string;
	sdpMid: string | null;
	sdpMLineIndex: number | null;
	usernameFragment: string | null;
}

export interface SignalDoc {
	description: SessionDescriptionRecord | null;
	candidates: IceCandidateRecord[];
}

/**
 * What a member writes (merged): a new description, candidate lines (encodeCandidate) to
 * append, or both, always stamped with the server's time (`sentAt`), which the rules use
 * to pace the writes.
 */
export interface SignalWrite<CandidatesValue, Ts = unknown> {
	description?: SessionDescriptionRecord;
	candidates?: CandidatesValue;
	sentAt: Ts;
}

/**
 * How a candidate is stored in the signal document: one line of printable ASCII,
 * `<sdpMLineIndex> <sdpMid> <usernameFragment> <candidate>`, a null field left empty.
 * A line is what the rules can bound cheaply: one regular expression per new candidate
 * (firestore.rules, isCandidateLineAt, holds this pattern verbatim and
 * src/lib/call/signalRulesAgreement.spec.ts checks it), where a map of four checked
 * fields cost so many of the rules' 1000 expressions that ten of them did not fit.
 * sdpMid and usernameFragment are SDP tokens (no spaces), the candidate line is ASCII.
 */
export const CANDIDATE_LINE_PATTERN =
	`^[0-9]{0,3} [!-~]{0,${LIMITS.candidateFieldMaxChars}} [!-~]{0,${LIMITS.candidateFieldMaxChars}} ` +
	`[ -~]{1,${LIMITS.candidateMaxChars}}$`;
const candidateLine = new RegExp(CANDIDATE_LINE_PATTERN);

/**
 * The stored line for a candidate, or null for one the rules would refuse (too long, not
 * ASCII, a space inside sdpMid): sending it would fail the whole batch. An empty sdpMid
 * or usernameFragment reads back as null, which the browser treats the same.
 */
export function encodeCandidate(c: IceCandidateRecord): string | null {
	// A space would shift the fields (the pattern alone would take it).
	if (c.sdpMid?.includes(' ') || c.usernameFragment?.includes(' ')) return null;
	const line = `${c.sdpMLineIndex ?? ''} ${c.sdpMid ?? ''} ${c.usernameFragment ?? ''} ${c.candidate}`;
	return candidateLine.test(line) ? line : null;
}

/** The candidate a stored line names, or null if the value is not such a line. */
export function decodeCandidate(value: unknown): IceCandidateRecord | null {
	if (typeof value !== 'string' || !candidateLine.test(value)) return null;
	const [index = '', sdpMid = '', usernameFragment = ''] = value.split(' ', 3);
	return {
		candidate: value.slice(index.length + sdpMid.length + usernameFragment.length + 3),
		sdpMid: sdpMid === '' ? null : sdpMid,
		sdpMLineIndex: index === '' ? null : Number(index),
		usernameFragment: usernameFragment === '' ? null : usernameFragment
	};
}

/**
 * The rules check every candidate line as it is appended, but the reader still drops any
 * it cannot read instead of failing the whole document: one bad entry must not stop a
 * call. The description is checked in full (the rules check it too).
 */
export function parseSignalDoc(path: string, data: FirestoreData): SignalDoc {
	const raw = data.candidates ?? [];
	if (!Array.isArray(raw)) throw new DocumentShapeError(path, '`candidates` is not a list');
	const read = reader(path, data);
	return {
		description: read.optional('description', (v) => parseDescription(path, v)),
		candidates: raw.flatMap((line) => decodeCandidate(line) ?? [])
	};
}

function parseDescription(path: string, value: unknown): SessionDescriptionRecord {
	if (!isRecord(value)) throw new DocumentShapeError(path, '`description` is not a map');
	const read = reader(`${path}#description`, value);
	return { type: read.oneOf('type', ['offer', 'answer'] as const), sdp: read.string('sdp', LIMITS.sdpMaxChars) };
}

// ---------------------------------------------------------------------------------------

function isRecord(value: unknown): value is FirestoreData {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTimestampLike(value: unknown): value is TimestampLike {
	return isRecord(value) && typeof value.toMillis === 'function';
}

/** Typed field access for the parsers here and in files.ts: each getter checks or throws. */
export function reader(path: string, data: FirestoreData) {
	const fail = (key: string, want: string): never => {
		throw new DocumentShapeError(path, `\`${key}\` should be ${want}, got ${describe(data[key])}`);
	};
	return {
		string(key: string, maxChars: number): string {
			const v = data[key];
			return typeof v === 'string' && v.length <= maxChars ? v : fail(key, `a string of at most ${maxChars} chars`);
		},
		oneOf<const T extends readonly string[]>(key: string, allowed: T): T[number] {
			const v = data[key];
			return typeof v === 'string' && allowed.includes(v) ? v : fail(key, `one of ${allowed.join(', ')}`);
		},
		integer(key: string, min: number, max: number): number {
			const v = data[key];
			return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
				? v
				: fail(key, `a whole number from ${min} to ${max}`);
		},
		millis(key: string): number {
			const v = data[key];
			return isTimestampLike(v) ? v.toMillis() : fail(key, 'a timestamp');
		},
		stringList(key: string, maxItems: number, maxChars: number): string[] {
			const v: unknown = data[key];
			const isShortString = (s: unknown): s is string => typeof s === 'string' && s.length <= maxChars;
			if (Array.isArray(v) && v.length <= maxItems && v.every(isShortString)) return v;
			return fail(key, `a list of at most ${maxItems} strings`);
		},
		optional<T>(key: string, parse: (value: unknown) => T): T | null {
			const v = data[key];
			return v === null || v === undefined ? null : parse(v);
		}
	};
}

function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return `a list of ${value.length}`;
	return typeof value;
}
