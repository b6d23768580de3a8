// Tangent's matchmaker with production-like concurrency. On the emulator suite, the
// Firestore emulator hands trigger events to the Functions emulator one at a time (the
// bench sees at most one matchmaker run in flight, from the runs' own start and end
// times), so throughput there measures the emulator's dispatch. Deployed, each lobby write
// starts its own function instance (maxInstances: 100).
//
// This variant runs the real, compiled matchmaker (functions/lib/matching/matchmaker.js,
// `matchSeeker`) for every lobby write that leaves an entry waiting, as the trigger in
// functions/src/index.ts does, up to 100 at a time, on a named database
// (`bench-parallel`) that no trigger watches. Events come from an Admin SDK listener on
// the lobby, which can fold two quick writes to one entry into one change (a trigger
// would run twice; the second run would find the entry matched or run again harmlessly).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { matchSeeker } = require('../../functions/lib/matching/matchmaker.js');

export const PARALLEL_DATABASE = 'bench-parallel';

/** Starts dispatching; returns `stop()` resolving to the runs' reports once idle. */
export function startParallelMatcher(db, { maxInstances = 100 } = {}) {
	const queue = [];
	const reports = [];
	let running = 0;
	let failures = 0;
	let maxRunning = 0;
	let idle = Promise.resolve();
	let markIdle = () => {};

	const pump = () => {
		while (running < maxInstances && queue.length > 0) {
			const uid = queue.shift();
			running++;
			maxRunning = Math.max(maxRunning, running);
			if (running === 1) idle = new Promise((r) => (markIdle = r));
			const started = performance.timeOrigin + performance.now();
			matchSeeker(db, uid)
				.then((report) => reports.push({ ...report, ms: performance.timeOrigin + performance.now() - started }))
				.catch(() => failures++)
				.finally(() => {
					running--;
					if (running === 0 && queue.length === 0) markIdle();
					pump();
				});
		}
	};

	const unsubscribe = db.collection('lobby').onSnapshot(
		(snap) => {
			for (const change of snap.docChanges()) {
				if (change.type !== 'removed' && change.doc.get('status') === 'waiting') queue.push(change.doc.id);
			}
			pump();
		},
		() => failures++
	);

	return async function stop() {
		unsubscribe();
		await idle;
		return { reports, failures, maxRunning };
	};
}
