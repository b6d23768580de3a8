// Tangent's Cloud Functions (2nd gen). Each export is deployed as one function.
import { logger } from 'firebase-functions/v2';
import { onDocumentUpdated, onDocumentWritten } from 'firebase-functions/v2/firestore';
import { onRequest } from 'firebase-functions/v2/https';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { getAuth } from 'firebase-admin/auth';
import { callConverter, db } from './firestore';
import { parseLobbyEntry } from './shared/model';
import { leaveByBeacon } from './matching/leave';
import { cloudTasksScheduler, parseShardTask, waitUntilDue } from './matching/tasks';
import { cleanUpAbandonedAccounts } from './maintenance/accounts';
import { cleanUpEndedCall } from './calls/cleanup';
import { sweepOldFiles, sweepStale } from './maintenance/sweep';
import { callFileStore } from './storage';
import { isJoinWrite, matchJoin, runShard } from './matching/matchmaker';
import { countOnline } from './matching/online';
import { ACCOUNT_CLEANUP_BUDGET_MS, RUNTIME, SWEEP_BUDGET_MS } from './runtime';

/**
 * A join runs (or queues) the matcher for the joiner's pool shard. Firestore triggers
 * cannot filter by field, so heartbeats, leaves and matches invoke this too: they return
 * here, before any read, and run no matching.
 */
export const matchmaker = onDocumentWritten({ ...RUNTIME.matchmaker, document: 'lobby/{uid}' }, async (event) => {
	const after = event.data?.after;
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
	db(); // initialises the default app for getAuth()
	const outcome = await leaveByBeacon(db(), getAuth(), typeof req.body === 'string' ? req.body : String(req.rawBody ?? ''));
	res.status(outcome === 'unauthenticated' ? 401 : 204).end();
});

/** When a member ends a call, remove what signaling left in Firestore and the files shared. */
export const callCleanup = onDocumentUpdated({ ...RUNTIME.callCleanup, document: 'calls/{callId}' }, async (event) => {
	const before = event.data?.before;
	const after = event.data?.after;
	if (!before || !after || before.get('status') === 'ended' || after.get('status') !== 'ended') return;
	const call = callConverter.fromFirestore(after);
	const report = await cleanUpEndedCall(db(), event.params.callId, call, callFileStore());
	logger.info('callCleanup', { callId: event.params.callId, endedBy: call.endedBy, ...report });
});

/**
 * Removes what vanished pages left: silent lobby entries, abandoned calls, old records,
 * and shared files older than a day (a backstop: callCleanup deletes them on call end).
 */
export const sweep = onSchedule({ ...RUNTIME.sweep, schedule: 'every 5 minutes' }, async () => {
	const now = Date.now();
	const budget = { deadlineMs: now + SWEEP_BUDGET_MS };
	// Independent jobs: one failing must not stop the other.
	const [report, files] = await Promise.allSettled([sweepStale(db(), now, budget), sweepOldFiles(callFileStore(), now, budget)]);
	logger.info('sweep', {
		...(report.status === 'fulfilled' ? report.value : { failed: String(report.reason) }),
		...(files.status === 'fulfilled' ? files.value : { filesFailed: String(files.reason) })
	});
	if (report.status === 'rejected') throw report.reason;
	if (files.status === 'rejected') throw files.reason;
});

/** Once a day: anonymous accounts idle for 30 days go, with everything stored about them. */
export const accountCleanup = onSchedule({ ...RUNTIME.accountCleanup, schedule: 'every day 04:00' }, async () => {
	db(); // initialises the default app for getAuth()
	const now = Date.now();
	const report = await cleanUpAbandonedAccounts(db(), getAuth(), callFileStore(), now, { deadlineMs: now + ACCOUNT_CLEANUP_BUDGET_MS });
	logger.info('accountCleanup', { ...report });
});

/**
 * GET /api/online (a Hosting rewrite): the online counter for the start page. The CDN
 * serves one answer to everyone for 30 s, so its cost does not grow with the audience.
 */
export const onlineCount = onRequest({ ...RUNTIME.onlineCount, cors: false }, async (req, res) => {
	if (req.method !== 'GET') {
		res.set('Allow', 'GET').status(405).json({ error: 'Use GET.' });
		return;
	}
	const count = await countOnline(db(), Date.now());
	res.set('Cache-Control', 'public, max-age=15, s-maxage=30').json(count);
});

export { iceServers } from './ice/iceServers';
export { reportPartner } from './safety/reportPartner';
export { operatorStatus } from './safety/operatorStatus';
