// Filing a report: one transaction that checks the reporter was in the call and is not
// banned, allows one report per call and a limited number per hour, blocks the pair for
// good (both safety records, and both devices, so the block outlives a new anonymous uid),
// weighs the report by the reporter's standing, and bans the reported user (their device,
// and their network for a day or two) when enough weight from different people came in
// within the policy's window. The decisions are shared/safety.ts's pure functions.
import { FieldValue, Timestamp, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { callsCollection, safetyRecordOf } from '../firestore';
import { COLLECTIONS, partnerOf, LOBBY_LEAVE } from '../shared/model';
import { RETENTION_MS } from '../shared/retention';
import {
	banDecision,
	isBanActive,
	keepNewest,
	parseBanDoc,
	rateCheck,
	reporterWeight,
	reportIdFor,
	SAFETY_COLLECTIONS,
	SAFETY_LIMITS,
	type BanPolicy,
	type BanWrite,
	type ReportRequest,
	type ReportWrite,
	type SafetyRecord
} from '../shared/safety';
import { readLinks } from './identity';
import { standingOf } from './standing';

/** A report the rules of reporting refuse; `code` is the callable's error code. */
export class ReportRefused extends Error {
	constructor(
		readonly code: 'not-found' | 'permission-denied' | 'failed-precondition' | 'already-exists' | 'resource-exhausted',
		message: string
	) {
		super(message);
		this.name = 'ReportRefused';
	}
}

export interface ReportOutcome {
	reportId: string;
	reported: string;
	/** Different people who reported them within the ban window, this report included. */
	reporters: number;
	/** What this report weighed (reporterWeight), and all of them together. */
	weight: number;
	totalWeight: number;
	bannedUntilMs: number | null;
}

export function fileReport(
	firestore: Firestore,
	reporter: string,
	request: ReportRequest,
	policy: BanPolicy,
	now: () => number = Date.now
): Promise<ReportOutcome> {
	return firestore.runTransaction((tx) => fileReportInTransaction(tx, firestore, reporter, request, policy, now()));
}

async function fileReportInTransaction(
	tx: Transaction,
	firestore: Firestore,
	reporter: string,
	request: ReportRequest,
	policy: BanPolicy,
	nowMs: number
): Promise<ReportOutcome> {
	const callSnap = await tx.get(callsCollection(firestore).doc(request.callId));
	const call = callSnap.data();
	if (!call) throw new ReportRefused('not-found', 'That chat does not exist (any more).');
	if (!call.members.includes(reporter)) {
		throw new ReportRefused('permission-denied', 'You can only report someone you were in a chat with.');
	}
	if (call.status === 'ended' && (call.endedAtMs ?? 0) < nowMs - SAFETY_LIMITS.reportAfterCallMs) {
		throw new ReportRefused('failed-precondition', 'That chat ended too long ago to be reported.');
	}
	const reported = partnerOf(call, reporter);
	const reportId = reportIdFor(request.callId, reporter);
	const reportRef = firestore.collection(SAFETY_COLLECTIONS.reports).doc(reportId);
	const lobbyRef = firestore.collection(COLLECTIONS.lobby).doc(reported);
	const banRef = firestore.collection(SAFETY_COLLECTIONS.bans).doc(reporter);
	const [existing, theirLobbyEntry, mine, theirs, myBan, standing, writeLinks] = await Promise.all([
		tx.get(reportRef),
		tx.get(lobbyRef),
		safetyRecordOf(firestore, reporter, tx),
		safetyRecordOf(firestore, reported, tx),
		tx.get(banRef),
		standingOf(firestore, reporter, tx),
		readLinks(tx, firestore, reporter, reported)
	]);
	if (myBan.exists && isBanActive(parseBanDoc(banRef.path, myBan.data() ?? {}), nowMs)) {
		throw new ReportRefused('permission-denied', 'You cannot report anyone while you are banned.');
	}
	if (existing.exists) throw new ReportRefused('already-exists', 'You already reported this chat.');
	const rate = rateCheck(mine.reportsSentAtMs, nowMs, SAFETY_LIMITS.reports);
	if (!rate.allowed) {
		const minutes = Math.max(1, Math.ceil(((rate.retryAtMs ?? nowMs) - nowMs) / 60_000));
		throw new ReportRefused(
			'resource-exhausted',
			`You have sent ${SAFETY_LIMITS.reports.max} reports in the last hour. You can report again in ${minutes} min.`
		);
	}

	const weight = reporterWeight(standing, mine, nowMs, policy);
	const received = [...theirs.reportsReceived.filter((r) => r.atMs > nowMs - policy.windowMs), { by: reporter, atMs: nowMs, weight }];
	const decision = banDecision(received, nowMs, policy);
	const bannedUntilMs = Math.max(decision.banUntilMs ?? 0, theirs.bannedUntilMs ?? 0) || null;

	const report: ReportWrite<FieldValue> = {
		callId: request.callId,
		reporter,
		reported,
		reason: request.reason,
		note: request.note,
		name: request.name,
		createdAt: FieldValue.serverTimestamp(),
		expireAt: Timestamp.fromMillis(nowMs + RETENTION_MS.reports)
	};
	const reporterRecord: SafetyRecord = {
		...mine,
		blocked: keepNewest(union(mine.blocked, reported)),
		reportsSentAtMs: keepNewest([...mine.reportsSentAtMs.filter((t) => t > nowMs - SAFETY_LIMITS.reports.windowMs), nowMs])
	};
	const reportedRecord: SafetyRecord = {
		...theirs,
		blockedBy: keepNewest(union(theirs.blockedBy, reporter)),
		reportsReceived: keepNewest(received),
		bannedUntilMs
	};
	const safety = firestore.collection(SAFETY_COLLECTIONS.safety);
	tx.create(reportRef, report);
	tx.set(safety.doc(reporter), reporterRecord);
	tx.set(safety.doc(reported), reportedRecord);
	writeLinks(nowMs, decision.banUntilMs);
	if (decision.banUntilMs !== null) {
		const ban: BanWrite<FieldValue | Timestamp> = {
			reason: 'reports',
			reporters: decision.reporters,
			createdAt: FieldValue.serverTimestamp(),
			until: Timestamp.fromMillis(decision.banUntilMs)
		};
		tx.set(firestore.collection(SAFETY_COLLECTIONS.bans).doc(reported), ban);
		// Out of the queue at once. The entry is marked left rather than deleted, so its
		// join time still counts for the join rate limit; the rules refuse a new join.
		if (theirLobbyEntry.get('status') === 'waiting') {
			tx.update(lobbyRef, { ...LOBBY_LEAVE });
		}
	}
	return { reportId, reported, reporters: decision.reporters, weight, totalWeight: decision.weight, bannedUntilMs: decision.banUntilMs };
}

function union(list: readonly string[], uid: string): string[] {
	return list.includes(uid) ? [...list] : [...list, uid];
}
