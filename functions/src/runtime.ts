// Where and how big each function runs: one place for region, memory, timeout and instance
// caps, so a deploy never falls back to defaults nobody chose. `npm run deploy:check` reads
// the built functions' manifest and refuses a function without all three.
//
// Sizes (2nd gen: 1 vCPU per instance at these memory sizes, 80 requests per instance
// unless `concurrency` says otherwise):
// - matchmaker: a few reads and one transaction per lobby write, well under a second; the
//   cap bounds contention on the lobby when a burst of joins arrives.
// - callCleanup: deletes a call's signals, file entries and Storage prefix; seconds.
// - sweep / accountCleanup: long batched jobs with a time budget below their timeout (the
//   next run continues where one stopped); one instance, one run at a time.
// - onlineCount: two aggregation queries, cached by the CDN for 30 s, so a few instances.
// - iceServers / reportPartner / operatorStatus: small callables, milliseconds.
//
// Warm instances: only the matchmaker is worth one (MATCHMAKER_MIN_INSTANCES, 0 by
// default). Its cold start (loading firebase-admin, about 1-3 s) lands on the first match
// after an idle spell, while both people wait. One idle 256 MiB, 1 vCPU instance costs
// about $8 a month at tier-1 list prices (0.25 GiB × 2.59 M s × $0.0000025 + 1 vCPU ×
// 2.59 M s × $0.0000025 idle), about $3 after the free tier: the figure firebase-tools
// computes, which `npm run deploy:check` prints. A non-interactive deploy that raises
// the minimum bill stops unless run with `--force`.
import { defineInt } from 'firebase-functions/params';
import type { GlobalOptions } from 'firebase-functions/v2/options';
import { FUNCTIONS_REGION } from './shared/region';

const matchmakerMinInstances = defineInt('MATCHMAKER_MIN_INSTANCES', {
	default: 0,
	description: 'Warm matchmaker instances (0: none; 1 spares the first match after an idle spell a cold start, about $3-8 a month)'
});

/** The sweep's timeout; it stops starting new batches SWEEP_BUDGET_MS in. */
export const SWEEP_TIMEOUT_SECONDS = 240;
/** The account clean-up's timeout (an event-driven maximum, to be safe on every trigger). */
export const ACCOUNT_CLEANUP_TIMEOUT_SECONDS = 540;
/** Stop starting new work this long before the timeout: the batch in flight must finish. */
const SAFETY_MARGIN_SECONDS = 60;
export const SWEEP_BUDGET_MS = (SWEEP_TIMEOUT_SECONDS - SAFETY_MARGIN_SECONDS) * 1000;
export const ACCOUNT_CLEANUP_BUDGET_MS = (ACCOUNT_CLEANUP_TIMEOUT_SECONDS - SAFETY_MARGIN_SECONDS) * 1000;

type RuntimeOptions = Required<Pick<GlobalOptions, 'region' | 'memory' | 'timeoutSeconds' | 'maxInstances'>> &
	Pick<GlobalOptions, 'minInstances' | 'concurrency'>;

export const RUNTIME = {
	matchmaker: {
		region: FUNCTIONS_REGION,
		memory: '256MiB',
		timeoutSeconds: 60,
		maxInstances: 100,
		minInstances: matchmakerMinInstances
	},
	/** A shard run: it may first wait out a widening delay of up to 7 s (the emulator ignores scheduleTime). */
	matchShardTask: { region: FUNCTIONS_REGION, memory: '256MiB', timeoutSeconds: 60, maxInstances: 100 },
	/** A closing tab's leave beacon: one read and one guarded write. */
	lobbyLeave: { region: FUNCTIONS_REGION, memory: '256MiB', timeoutSeconds: 30, maxInstances: 20 },
	callCleanup: { region: FUNCTIONS_REGION, memory: '256MiB', timeoutSeconds: 120, maxInstances: 50 },
	sweep: { region: FUNCTIONS_REGION, memory: '512MiB', timeoutSeconds: SWEEP_TIMEOUT_SECONDS, maxInstances: 1, concurrency: 1 },
	accountCleanup: {
		region: FUNCTIONS_REGION,
		memory: '1GiB',
		timeoutSeconds: ACCOUNT_CLEANUP_TIMEOUT_SECONDS,
		maxInstances: 1,
		concurrency: 1
	},
	onlineCount: { region: FUNCTIONS_REGION, memory: '256MiB', timeoutSeconds: 30, maxInstances: 10 },
	iceServers: { region: FUNCTIONS_REGION, memory: '256MiB', timeoutSeconds: 30, maxInstances: 20 },
	/** Binds a new anonymous id to its device and network: a few reads and writes in one transaction. */
	bindDevice: { region: FUNCTIONS_REGION, memory: '256MiB', timeoutSeconds: 30, maxInstances: 20 },
	reportPartner: { region: FUNCTIONS_REGION, memory: '256MiB', timeoutSeconds: 30, maxInstances: 20 },
	/** Undo after Next: one transaction of eight reads and four writes. */
	undoNext: { region: FUNCTIONS_REGION, memory: '256MiB', timeoutSeconds: 30, maxInstances: 20 },
	operatorStatus: { region: FUNCTIONS_REGION, memory: '256MiB', timeoutSeconds: 30, maxInstances: 2 }
} as const satisfies Record<string, RuntimeOptions>;
