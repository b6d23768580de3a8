// Tangent's Cloud Functions (2nd gen). Each export is deployed as one function.
import { logger } from 'firebase-functions/v2';
import { onDocumentUpdated, onDocumentWritten } from 'firebase-functions/v2/firestore';
import { onCall, onRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { defineInt } from 'firebase-functions/params';
import { getAuth } from 'firebase-admin/auth';
import { adminApp, callConverter, db } from './firestore';
import { parseLobbyEntry } from './shared/model';
import { leaveByBeacon } from './matching/leave';
import { cloudTasksScheduler, parseShardTask, waitUntilDue } from './matching/tasks';
import { cleanUpAbandonedAccounts } from './maintenance/accounts';
import { cleanUpEndedCall } from './calls/cleanup';
import { callLeftUnseen, endCallLeftUnseen } from './calls/endOnLeave';
import { sweepOldFiles, sweepStale } from './maintenance/sweep';
import { callFileStore } from './storage';
import { isJoinWrite, matchJoin, runShard } from './matching/matchmaker';
import { countOnline } from './matching/online';
import { ACCOUNT_CLEANUP_BUDGET_MS, RUNTIME, SWEEP_BUDGET_MS } from './runtime';
import { OnlineCountMemo } from './matching/onlineCache';
import { recordEndedCall } from './safety/standing';
import { forgetExpired } from './safety/expiry';
import { appCheckOptions } from './appCheck';

/**
 * A join runs (or queues) the matcher for the joiner's pool shard. Firestore triggers
 * cannot filter by field, so heartbeats, leaves and matches invoke this too: they return
 * here, before any read, and run no matching. A leave from a matched entry (Stop before
 * the page saw the match) ends that call, so the partner is told at once.
 */
export const matchmaker = onDocumentWritten({ ...RUNTIME.matchmaker, document: 'lobby/{uid}' }, async (event) => {
	const after = event.data?.after;
	const leftCall = callLeftUnseen(event.data?.before?.data(), after?.data());
	if (leftCall !== null) {
		const outcome = await endCallLeftUnseen(db(), event.params.uid, leftCall);
		if (outcome === 'ended') logger.info('matchmaker: call ended by a leave before it was seen', { uid: event.params.uid, callId: leftCall });
		return;
	}
	if (!isJoinWrite(event.data?.before?.data(), after?.data())) return;
	const started = Date.now();
	const entry = parseLobbyEntry(after!.ref.path, after!.data() ?? {});
	const report = await matchJoin(db(), { uid: event.params.uid, mode: entry.mode, language: entry.language }, cloudTasksScheduler);
	logger.info('matchmaker', { cause: 'join', uid: event.params.uid, ms: Date.now() - started, ...report });
});

/** A shard run the matcher scheduled: when someone's wait widens, or after a busy lease. */
export const matchShardTask = onTaskDispatched(
	{ ...RUNTIME.matchShardTask, retryConfig: { maxAttempts: 5, minBackoffSeconds: 1 }, rateLimits: { maxConcurrentDispatches: 100 } },
	async (request) => {
		const task = parseShardTask(request.data);
		if (!(await waitUntilDue(task))) return;
		const started = Date.now();
		const report = await runShard(db(), task, cloudTasksScheduler);
		logger.info('matchmaker', { cause: 'task', dueAtMs: task.dueAtMs, ms: Date.now() - started, ...report });
	}
);

/**
 * POST /api/leave (a Hosting rewrite): a closing tab's `navigator.sendBeacon`, its body the
 * user's ID token. The Firestore SDK's own leave write may not get out of an unloading
 * page; a beacon does.
 */
export const lobbyLeave = onRequest({ ...RUNTIME.lobbyLeave, cors: false }, async (req, res) => {
	if (req.method !== 'POST') {
		res.set('Allow', 'POST').status(405).json({ error: 'Use POST.' });
		return;
	}
	const outcome = await leaveByBeacon(db(), getAuth(adminApp()), typeof req.body === 'string' ? req.body : String(req.rawBody ?? ''));
	res.status(outcome === 'unauthenticated' ? 401 : 204).end();
});

/** When a member ends a call, remove what signaling left in Firestore and the files shared. */
export const callCleanup = onDocumentUpdated({ ...RUNTIME.callCleanup, document: 'calls/{callId}' }, async (event) => {
	const before = event.data?.before;
	const after = event.data?.after;
	if (!before || !after || before.get('status') === 'ended' || after.get('status') !== 'ended') return;
	const call = callConverter.fromFirestore(after);
	const [report, standing] = await Promise.all([
		cleanUpEndedCall(db(), event.params.callId, call, callFileStore()),
		// A real call gives both members standing, which their reports need to count.
		recordEndedCall(db(), call)
	]);
	logger.info('callCleanup', { callId: event.params.callId, endedBy: call.endedBy, standingFor: standing, ...report });
});

/**
 * Removes what vanished pages left: silent lobby entries, abandoned calls, old records,
 * and shared files older than a day (a backstop: callCleanup deletes them on call end);
 * and forgets network hashes and rate windows past their expiry.
 */
export const sweep = onSchedule({ ...RUNTIME.sweep, schedule: 'every 5 minutes' }, async () => {
	const now = Date.now();
	const budget = { deadlineMs: now + SWEEP_BUDGET_MS };
	// Independent jobs: one failing must not stop the other.
	const [report, files, expired] = await Promise.allSettled([
		sweepStale(db(), now, budget),
		sweepOldFiles(callFileStore(), now, budget),
		forgetExpired(db(), now)
	]);
	logger.info('sweep', {
		...(report.status === 'fulfilled' ? report.value : { failed: String(report.reason) }),
		...(files.status === 'fulfilled' ? files.value : { filesFailed: String(files.reason) }),
		...(expired.status === 'fulfilled' ? expired.value : { expiryFailed: String(expired.reason) })
	});
	if (report.status === 'rejected') throw report.reason;
	if (files.status === 'rejected') throw files.reason;
	if (expired.status === 'rejected') throw expired.reason;
});

/** Once a day: anonymous accounts idle for 30 days go, with everything stored about them. */
export const accountCleanup = onSchedule({ ...RUNTIME.accountCleanup, schedule: 'every day 04:00' }, async () => {
	const now = Date.now();
	const report = await cleanUpAbandonedAccounts(db(), getAuth(adminApp()), callFileStore(), now, { deadlineMs: now + ACCOUNT_CLEANUP_BUDGET_MS });
	logger.info('accountCleanup', { ...report });
});

const onlineMaxAgeSeconds = defineInt('ONLINE_MAX_AGE_SECONDS', {
	default: 30,
	description: 'How old the online counter may be before a request recomputes it (two count queries)'
});
let onlineMemo: OnlineCountMemo | null = null;

/**
 * GET /api/online (a Hosting rewrite): the online counter for the start page. The CDN
 * serves one answer per URL to everyone for 30 s; a URL the CDN has not seen (any query
 * string) reaches this function, which ignores the query and counts at most once per
 * ONLINE_MAX_AGE_SECONDS per instance (maxInstances 10), so no request can make it count again.
 */
export const onlineCount = onRequest({ ...RUNTIME.onlineCount, cors: false }, async (req, res) => {
	if (req.method !== 'GET') {
		res.set('Allow', 'GET').status(405).json({ error: 'Use GET.' });
		return;
	}
	const nowMs = Date.now();
	onlineMemo ??= new OnlineCountMemo(onlineMaxAgeSeconds.value() * 1000);
	const count = await onlineMemo.get(nowMs, () => countOnline(db(), nowMs));
	res.set('Cache-Control', 'public, max-age=15, s-maxage=30').json(count);
});

export { iceServers } from './ice/iceServers';
export { bindDevice } from './safety/bindDevice';
export { reportPartner } from './safety/reportPartner';
export { undoNextCallable as undoNext } from './calls/undo';
export { operatorStatus } from './safety/operatorStatus';

/**
 * On the emulator only (never deployed: undefined elsewhere): a callable that enforces App
 * Check as every production callable does, so tests/safety/appCheck.spec.ts can show that
 * a request without an App Check token is refused. The demo project turns enforcement off
 * for the real callables, because the local build has no App Check.
 */
export const appCheckProbe =
	process.env.FUNCTIONS_EMULATOR === 'true'
		? onCall({ ...appCheckOptions({ ENFORCE_APP_CHECK: 'true' }) }, (request) => ({ appId: request.app?.appId ?? null }))
		: undefined;
