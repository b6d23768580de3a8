// Keeping strangers safe: reports, blocks, bans and the rate limits on what a user may do.
// Shared by the web app (`$shared/safety`) and the Cloud Functions; no SDK imports here.
//
// Who enforces what:
// - A report goes through the `reportPartner` callable, which checks the caller was in the
//   call, allows one report per call, limits reports per user, blocks the pair for good and
//   bans a user reported by enough different people. Clients cannot write reports, bans or
//   the per-user safety record at all (firestore.rules).
// - Bans are enforced twice: firestore.rules refuse a banned user's lobby join, and the
//   matchmaker never pairs a banned user.
// - Lobby joins and file uploads are rate limited by firestore.rules from server
//   timestamps; the app checks the same limits first so it can say why, and when to retry.
// - Chat messages travel peer to peer, so their limits live in the app, on both ends.

import { cleanDisplayName, DISPLAY_NAME_MAX_CHARS } from './displayName';
import { DocumentShapeError, reader, type FirestoreData } from './model';

export const SAFETY_COLLECTIONS = {
	/** reports/{callId}_{reporterUid}: written by the reportPartner callable only. */
	reports: 'reports',
	/** bans/{uid}: written by functions only; the banned user reads theirs to see why. */
	bans: 'bans',
	/** safety/{uid}: blocks and report history, for functions only (nobody else reads it). */
	safety: 'safety',
	/** limits/{uid}: the owner's upload counter, kept honest by firestore.rules. */
	limits: 'limits',
	/** standing/{uid}: completed real calls, which give a user's reports weight (functions only). */
	standing: 'standing',
	/** identities/{uid}: the device and network a uid was bound to (functions only; rules check it exists). */
	identities: 'identities',
	/** devices/{deviceKey}: bans and blocks that follow a browser across uids (functions only). */
	devices: 'devices',
	/** networks/{networkKey}: a ban on an IP prefix's hash, for a day or two (functions only). */
	networks: 'networks',
	/** rates/{action}_{subject}: server-side rate limit windows (functions only). */
	rates: 'rates'
} as const;

export const REPORT_REASONS = ['spam', 'nudity', 'harassment', 'underage', 'offensive-name', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export const REPORT_REASON_LABELS: Readonly<Record<ReportReason, string>> = {
	spam: 'Spam, ads or a bot',
	nudity: 'Nudity or sexual content',
	harassment: 'Harassment, hate or threats',
	underage: 'Seems to be under 18',
	'offensive-name': 'Offensive name',
	other: 'Something else'
};

export const SAFETY_LIMITS = {
	reportNoteMaxChars: 500,
	/** A member may still report this long after the call ended ("right after a call"). */
	reportAfterCallMs: 30 * 60_000,
	/** Reports one user may send. */
	reports: { max: 10, windowMs: 60 * 60_000 },
	/** Joins of the lobby (Start, Next): at most about three a second. firestore.rules: 300ms. */
	lobbyJoinMinIntervalMs: 300,
	/** Upload starts per user. firestore.rules (limits/{uid}) hold the same numbers. */
	uploads: { max: 5, windowMs: 30_000 },
	/** Blocks and report entries kept per user; older ones fall off (a ban outlives them). */
	historyMax: 1000,
	/** iceServers calls per person: the app caches credentials for their lifetime (an hour). */
	iceServers: { max: 10, windowMs: 60 * 60_000 },
	/** Bindings (sign-ups: a new uid bound to a device) per uid and per device. */
	bindsPerUid: { max: 5, windowMs: 60 * 60_000 },
	bindsPerDevice: { max: 10, windowMs: 60 * 60_000 },
	/** Reporter uids whose blocks a device record keeps passing on to the device's next uids. */
	deviceLinksMax: 50
} as const;

/**
 * Identity is free (anonymous sign-in), so a report only counts towards a ban when its
 * reporter has standing: real calls completed over some time. See reporterWeight().
 */
export const STANDING = {
	/** A call counts towards standing when it lasted at least this long. */
	realCallMinMs: 30_000,
	/** Below this many real calls a report weighs nothing. */
	minCalls: 3,
	/** …and also until this long after the reporter's first real call. */
	minAgeMs: 24 * 3_600_000,
	/** From this many real calls a report weighs 1; between minCalls and this, 0.5. */
	fullCalls: 10
} as const;

/** standing/{uid}: real calls completed (written by the callCleanup function). */
export interface Standing {
	completedCalls: number;
	firstCallAtMs: number | null;
	lastCallAtMs: number | null;
}

export const NO_STANDING: Standing = { completedCalls: 0, firstCallAtMs: null, lastCallAtMs: null };

export function parseStanding(path: string, data: FirestoreData): Standing {
	const read = reader(path, data);
	const ms = (key: string): number | null => {
		const v = data[key];
		if (v === null || v === undefined) return null;
		if (typeof v === 'number' && Number.isFinite(v)) return v;
		throw new DocumentShapeError(path, `\`${key}\` should be a number or null`);
	};
	return {
		completedCalls: read.integer('completedCalls', 0, Number.MAX_SAFE_INTEGER),
		firstCallAtMs: ms('firstCallAtMs'),
		lastCallAtMs: ms('lastCallAtMs')
	};
}

/** Did this call last long enough to count as a real one? */
export function isRealCall(call: { createdAtMs: number; endedAtMs: number | null }): boolean {
	return call.endedAtMs !== null && call.endedAtMs - call.createdAtMs >= STANDING.realCallMinMs;
}

/** Standing after one more real call, ended at `endedAtMs`. */
export function withRealCall(standing: Standing, endedAtMs: number): Standing {
	return {
		completedCalls: standing.completedCalls + 1,
		firstCallAtMs: standing.firstCallAtMs ?? endedAtMs,
		lastCallAtMs: endedAtMs
	};
}

/**
 * How much a report counts towards a ban, from 0 to 1, by the reporter's history: nothing
 * from a banned reporter or one without standing (fewer than STANDING.minCalls real calls,
 * or the first less than STANDING.minAgeMs ago: a fresh throwaway account); half from a
 * reporter with some standing; full from one with STANDING.fullCalls real calls. Halved
 * again when others reported the reporter within the policy's window.
 */
export function reporterWeight(standing: Standing, record: SafetyRecord, nowMs: number, policy: BanPolicy): number {
	if (record.bannedUntilMs !== null && record.bannedUntilMs > nowMs) return 0;
	if (standing.completedCalls < STANDING.minCalls) return 0;
	if (standing.firstCallAtMs === null || nowMs - standing.firstCallAtMs < STANDING.minAgeMs) return 0;
	const base = standing.completedCalls >= STANDING.fullCalls ? 1 : 0.5;
	const reportedLately = record.reportsReceived.some((r) => r.atMs > nowMs - policy.windowMs);
	return reportedLately ? base / 2 : base;
}

/**
 * How much report weight (reporterWeight(), summed over different reporters) must come in
 * within what time to ban someone, and for how long.
 */
export interface BanPolicy {
	reportsToBan: number;
	windowMs: number;
	banMs: number;
}

// ---------------------------------------------------------------------------------------
// The reportPartner callable's request and response.

export interface ReportRequest {
	callId: string;
	reason: ReportReason;
	/** Optional free text for a moderator, trimmed; empty means none. */
	note: string;
	/**
	 * The name the reported person showed, as the reporter's browser received it (the
	 * server never saw it), only if the reporter chose to attach it; null otherwise.
	 */
	name: string | null;
}

export interface ReportResponse {
	reportId: string;
	/** Reporting always blocks: the two are never matched again. */
	blocked: true;
}

/** Why a request body is unacceptable, in words the caller can act on. */
export class InvalidRequestError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InvalidRequestError';
	}
}

const CALL_ID_PATTERN = /^[A-Za-z0-9]{1,128}$/;

export function parseReportRequest(data: unknown): ReportRequest {
	if (typeof data !== 'object' || data === null || Array.isArray(data)) {
		throw new InvalidRequestError('Send {callId, reason, note?, name?}.');
	}
	const body = data as FirestoreData;
	const unknownKeys = Object.keys(body).filter((k) => !['callId', 'reason', 'note', 'name'].includes(k));
	if (unknownKeys.length > 0) throw new InvalidRequestError(`Unknown field(s): ${unknownKeys.join(', ')}.`);
	const { callId, reason, note, name } = body;
	if (typeof callId !== 'string' || !CALL_ID_PATTERN.test(callId)) {
		throw new InvalidRequestError('callId must be the id of the call you were in.');
	}
	if (typeof reason !== 'string' || !(REPORT_REASONS as readonly string[]).includes(reason)) {
		throw new InvalidRequestError(`reason must be one of: ${REPORT_REASONS.join(', ')}.`);
	}
	if (note !== undefined && note !== null && typeof note !== 'string') throw new InvalidRequestError('note must be text.');
	const trimmed = (note ?? '').trim();
	if (trimmed.length > SAFETY_LIMITS.reportNoteMaxChars) {
		throw new InvalidRequestError(`note must be at most ${SAFETY_LIMITS.reportNoteMaxChars} characters.`);
	}
	// The same rules the reporter's browser applied when it showed the name: anything else
	// was not what they saw.
	let shownName: string | null = null;
	if (name !== undefined && name !== null) {
		shownName = cleanDisplayName(name);
		if (shownName === null || shownName !== name) {
			throw new InvalidRequestError(
				`name must be the name the stranger showed: at most ${DISPLAY_NAME_MAX_CHARS} visible characters.`
			);
		}
	}
	return { callId, reason: reason as ReportReason, note: trimmed, name: shownName };
}

export function parseReportResponse(data: unknown): ReportResponse {
	if (typeof data !== 'object' || data === null) throw new DocumentShapeError('reportPartner', 'not an object');
	const read = reader('reportPartner', data as FirestoreData);
	if ((data as FirestoreData).blocked !== true) throw new DocumentShapeError('reportPartner', '`blocked` should be true');
	return { reportId: read.string('reportId', 300), blocked: true };
}

export function reportIdFor(callId: string, reporterUid: string): string {
	return `${callId}_${reporterUid}`;
}

// ---------------------------------------------------------------------------------------
// Documents.

/** reports/{callId}_{reporter}: kept for moderators; deleted with abandoned accounts. */
export interface ReportDoc {
	callId: string;
	reporter: string;
	reported: string;
	reason: ReportReason;
	note: string;
	/** The reported person's display name, when the reporter attached it; else null. */
	name: string | null;
	createdAtMs: number;
}

export interface ReportWrite<Ts> {
	callId: string;
	reporter: string;
	reported: string;
	reason: ReportReason;
	note: string;
	name: string | null;
	createdAt: Ts;
	/**
	 * When the report is due for deletion (created + RETENTION_MS.reports): the field a
	 * Firestore TTL policy on `reports` watches, a backstop should the sweep stop running.
	 */
	expireAt: Ts;
}

export function parseReportDoc(path: string, data: FirestoreData): ReportDoc {
	const read = reader(path, data);
	return {
		callId: read.string('callId', 128),
		reporter: read.string('reporter', 128),
		reported: read.string('reported', 128),
		reason: read.oneOf('reason', REPORT_REASONS),
		note: read.string('note', SAFETY_LIMITS.reportNoteMaxChars),
		// Reports filed before names existed have no field.
		name: read.optional('name', () => read.string('name', DISPLAY_NAME_MAX_CHARS * 2)),
		createdAtMs: read.millis('createdAt')
	};
}

/** bans/{uid}: the banned user may read it (to see why and until when); only functions write. */
/** Why a uid is banned: reports against it, or a ban on the device or network it signed up from. */
export const BAN_REASONS = ['reports', 'linked'] as const;
export type BanReason = (typeof BAN_REASONS)[number];

export interface BanDoc {
	reason: BanReason;
	/** Different people who reported the user within the policy's window. */
	reporters: number;
	createdAtMs: number;
	untilMs: number;
}

export interface BanWrite<Ts> {
	reason: BanReason;
	reporters: number;
	createdAt: Ts;
	until: Ts;
}

export function parseBanDoc(path: string, data: FirestoreData): BanDoc {
	const read = reader(path, data);
	return {
		reason: read.oneOf('reason', BAN_REASONS),
		reporters: read.integer('reporters', 0, Number.MAX_SAFE_INTEGER),
		createdAtMs: read.millis('createdAt'),
		untilMs: read.millis('until')
	};
}

export function isBanActive(ban: Pick<BanDoc, 'untilMs'> | null, nowMs: number): boolean {
	return ban !== null && ban.untilMs > nowMs;
}

/** One report against a user, as the safety record keeps it. */
export interface ReportMark {
	by: string;
	atMs: number;
	/** reporterWeight() when the report was filed; 0 for marks from before weights existed. */
	weight: number;
}

/** safety/{uid}: what the functions remember about a user. */
export interface SafetyRecord {
	/** People this user reported: never matched with them again. */
	blocked: string[];
	/** People who reported this user: never matched with them again either. */
	blockedBy: string[];
	/** Reports against this user, newest last. */
	reportsReceived: ReportMark[];
	/** When this user sent reports, newest last (for their rate limit). */
	reportsSentAtMs: number[];
	bannedUntilMs: number | null;
}

export const EMPTY_SAFETY_RECORD: SafetyRecord = {
	blocked: [],
	blockedBy: [],
	reportsReceived: [],
	reportsSentAtMs: [],
	bannedUntilMs: null
};

export function parseSafetyRecord(path: string, data: FirestoreData): SafetyRecord {
	const read = reader(path, data);
	const numbers = (key: string): number[] => {
		const v = data[key];
		if (Array.isArray(v) && v.every((n) => typeof n === 'number' && Number.isFinite(n))) return v as number[];
		throw new DocumentShapeError(path, `\`${key}\` should be a list of numbers`);
	};
	const marks = data.reportsReceived;
	if (!Array.isArray(marks)) throw new DocumentShapeError(path, '`reportsReceived` should be a list');
	const reportsReceived = marks.map((m: unknown): ReportMark => {
		const mark = m as FirestoreData | null;
		if (typeof mark?.by !== 'string' || typeof mark.atMs !== 'number') {
			throw new DocumentShapeError(path, '`reportsReceived` holds an entry that is not {by, atMs, weight}');
		}
		const weight = typeof mark.weight === 'number' && mark.weight >= 0 && mark.weight <= 1 ? mark.weight : 0;
		return { by: mark.by, atMs: mark.atMs, weight };
	});
	const bannedUntil = data.bannedUntilMs;
	if (bannedUntil !== null && typeof bannedUntil !== 'number') {
		throw new DocumentShapeError(path, '`bannedUntilMs` should be a number or null');
	}
	return {
		blocked: read.stringList('blocked', SAFETY_LIMITS.historyMax, 128),
		blockedBy: read.stringList('blockedBy', SAFETY_LIMITS.historyMax, 128),
		reportsReceived,
		reportsSentAtMs: numbers('reportsSentAtMs'),
		bannedUntilMs: bannedUntil
	};
}

/** Everyone this user must never be matched with, in either direction. */
export function avoidedBy(record: SafetyRecord): Set<string> {
	return new Set([...record.blocked, ...record.blockedBy]);
}

// ---------------------------------------------------------------------------------------
// Decisions (pure: the callable applies them inside a transaction).

export interface RateDecision {
	allowed: boolean;
	/** When the oldest event in the window leaves it: the earliest time to try again. */
	retryAtMs: number | null;
}

/** A sliding window: may one more event happen at `nowMs`, given the past ones? */
export function rateCheck(pastMs: readonly number[], nowMs: number, limit: { max: number; windowMs: number }): RateDecision {
	const inWindow = pastMs.filter((t) => t > nowMs - limit.windowMs).sort((a, b) => a - b);
	if (inWindow.length < limit.max) return { allowed: true, retryAtMs: null };
	const oldest = inWindow[inWindow.length - limit.max] ?? nowMs;
	return { allowed: false, retryAtMs: oldest + limit.windowMs };
}

export interface BanDecision {
	/** Different reporters within the window, including this report. */
	reporters: number;
	/** Their summed weight (each reporter counted once, at their heaviest report). */
	weight: number;
	banUntilMs: number | null;
}

/**
 * After a report lands, is its target banned, and until when? Different reporters'
 * weights add up; a ban needs policy.reportsToBan of weight, so reporters without standing
 * (weight 0) cannot ban anyone however many they are.
 */
export function banDecision(reports: readonly ReportMark[], nowMs: number, policy: BanPolicy): BanDecision {
	const heaviest = new Map<string, number>();
	for (const r of reports) {
		if (r.atMs <= nowMs - policy.windowMs) continue;
		heaviest.set(r.by, Math.max(heaviest.get(r.by) ?? 0, r.weight));
	}
	const weight = [...heaviest.values()].reduce((a, b) => a + b, 0);
	// Weights are halves and quarters: exact in floating point, so the comparison is too.
	return { reporters: heaviest.size, weight, banUntilMs: weight >= policy.reportsToBan ? nowMs + policy.banMs : null };
}

/** Keeps the newest `max` items of a history list, so a record never outgrows a document. */
export function keepNewest<T>(items: readonly T[], max: number = SAFETY_LIMITS.historyMax): T[] {
	return items.slice(Math.max(0, items.length - max));
}

// ---------------------------------------------------------------------------------------
// limits/{uid}: the upload counter. Rules cannot count documents, so each upload
// announcement is written in one batch with this counter, and firestore.rules check the
// counter moved by exactly one inside its window (or opened a new window) and stayed
// within SAFETY_LIMITS.uploads.

export interface UploadCounter {
	windowStartAtMs: number;
	uploads: number;
}

export interface UploadCounterWrite<Ts> {
	/** The server's time when this window opened: kept while it lasts, `request.time` when a new one opens. */
	windowStartAt: Ts;
	uploads: number;
	/** Always the server's time of this write: ties the counter to the announcement in the same batch. */
	lastUploadAt: Ts;
	/** The file this step counts: one step, one announcement (a batch cannot count six files as one). */
	lastFileId: string;
}

export function parseUploadCounter(path: string, data: FirestoreData): UploadCounter {
	const read = reader(path, data);
	return {
		windowStartAtMs: read.millis('windowStartAt'),
		uploads: read.integer('uploads', 1, SAFETY_LIMITS.uploads.max)
	};
}

export type UploadCounterStep =
	| { kind: 'same-window'; uploads: number }
	| { kind: 'new-window' }
	| { kind: 'refused'; retryAtMs: number };

/**
 * What the next upload does to the counter, judged by the app's clock (the rules judge by
 * the server's; the app retries the other way once if the two disagree).
 */
export function nextUploadStep(counter: UploadCounter | null, nowMs: number): UploadCounterStep {
	const { max, windowMs } = SAFETY_LIMITS.uploads;
	if (!counter || nowMs >= counter.windowStartAtMs + windowMs) return { kind: 'new-window' };
	if (counter.uploads < max) return { kind: 'same-window', uploads: counter.uploads + 1 };
	return { kind: 'refused', retryAtMs: counter.windowStartAtMs + windowMs };
}

// ---------------------------------------------------------------------------------------
// Binding a uid to a device (the bindDevice callable). Anonymous sign-in gives a new uid
// for free, so bans and blocks also follow a random token the browser keeps (localStorage)
// and, briefly, a salted hash of the network (IP prefix) a uid signed up from. The rules
// refuse a lobby join from a uid that was never bound.

/** 128 random bits, base64url: what the app keeps in localStorage. */
export const DEVICE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

export interface BindRequest {
	deviceToken: string;
}

export interface BindResponse {
	/** Set when the device or network carries a ban that now applies to this uid too. */
	bannedUntilMs: number | null;
}

export function parseBindRequest(data: unknown): BindRequest {
	if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InvalidRequestError('Send {deviceToken}.');
	const body = data as FirestoreData;
	const unknownKeys = Object.keys(body).filter((k) => k !== 'deviceToken');
	if (unknownKeys.length > 0) throw new InvalidRequestError(`Unknown field(s): ${unknownKeys.join(', ')}.`);
	const { deviceToken } = body;
	if (typeof deviceToken !== 'string' || !DEVICE_TOKEN_PATTERN.test(deviceToken)) {
		throw new InvalidRequestError('deviceToken must be 22 to 64 letters, digits, - or _.');
	}
	return { deviceToken };
}

export function parseBindResponse(data: unknown): BindResponse {
	if (typeof data !== 'object' || data === null) throw new DocumentShapeError('bindDevice', 'not an object');
	const until = (data as FirestoreData).bannedUntilMs;
	if (until !== null && (typeof until !== 'number' || !Number.isFinite(until))) {
		throw new DocumentShapeError('bindDevice', '`bannedUntilMs` should be a number or null');
	}
	return { bannedUntilMs: until };
}

/** devices/{deviceKey}: what follows a browser from one uid to the next. */
export interface DeviceRecord {
	/** The newest uids bound to this device. */
	uids: string[];
	/** People this device's users reported: never matched with its next uids either. */
	blocked: string[];
	/** People who reported this device's users. */
	blockedBy: string[];
	bannedUntilMs: number | null;
}

export const EMPTY_DEVICE_RECORD: DeviceRecord = { uids: [], blocked: [], blockedBy: [], bannedUntilMs: null };

export function parseDeviceRecord(path: string, data: FirestoreData): DeviceRecord {
	const read = reader(path, data);
	const until = data.bannedUntilMs;
	if (until !== null && typeof until !== 'number') throw new DocumentShapeError(path, '`bannedUntilMs` should be a number or null');
	return {
		uids: read.stringList('uids', SAFETY_LIMITS.deviceLinksMax, 128),
		blocked: read.stringList('blocked', SAFETY_LIMITS.deviceLinksMax, 128),
		blockedBy: read.stringList('blockedBy', SAFETY_LIMITS.deviceLinksMax, 128),
		bannedUntilMs: until
	};
}

/**
 * How long a network hash is kept: the key rotates daily (the day is hashed with the
 * prefix), and a record lives until the end of the day after the one it was made on, so
 * at most 48 hours. After that nothing links a uid to an address, even with the salt.
 */
export const NETWORK_KEY_DAY_MS = 24 * 3_600_000;

export function networkRecordExpiresAtMs(nowMs: number): number {
	return (Math.floor(nowMs / NETWORK_KEY_DAY_MS) + 2) * NETWORK_KEY_DAY_MS;
}
