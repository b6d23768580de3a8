// Tangent's matchmaker with production-like concurrency. On the emulator suite, the
// Firestore emulator hands trigger events to the Functions emulator one at a time (the
// bench sees at most one matchmaker run in flight, from the runs' own start and end
// times), so throughput there measures the emulator's dispatch. Deployed, each lobby write
// starts its own function instance (maxInstances: 100).
//
// This variant runs the real, compiled matchmaker (functions/lib/matching/matchmaker.js)
// as the trigger in functions/src/index.ts does: `isJoinWrite` decides whether a lobby
// write is a join (heartbeats and leaves run nothing), and a join runs `matchJoin`, up to
// 100 at a time, on a named database (`bench-parallel`) that no trigger watches. The
// shard runs the matcher schedules (Cloud Tasks in production) run from timers here.
// Events come from an Admin SDK listener on the lobby, which can fold two quick writes to
// one entry into one change.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { isJoinWrite, matchJoin, runShard } = require('../../functions/lib/matching/matchmaker.js');

export const PARALLEL_DATABASE = 'bench-parallel';

/** Starts dispatching; returns `stop()` resolving to the runs' reports once idle. */
export function startParallelMatcher(db, { maxInstances = 100 } = {}) {
	const queue = [];
	const reports = [];
	const timers = new Set();
	const lastSeen = new Map();
	let running = 0;
	let failures = 0;
	let maxRunning = 0;
	let stopped = false;
	let idle = Promise.resolve();
	let markIdle = () => {};

	const scheduler = {
		async runAt(ref, atMs) {
			if (stopped) return;
			const timer = setTimeout(() => {
				timers.delete(timer);
				if (!stopped) queue.push(() => runShard(db, ref, scheduler));
				pump();
			}, Math.max(0, atMs - Date.now()));
			timers.add(timer);
		}
	};

	const pump = () => {
		while (running < maxInstances && queue.length > 0) {
			const job = queue.shift();
			running++;
			maxRunning = Math.max(maxRunning, running);
			if (running === 1) idle = new Promise((r) => (markIdle = r));
			const started = performance.timeOrigin + performance.now();
			job()
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
				const before = lastSeen.get(change.doc.id);
				const after = change.type === 'removed' ? undefined : change.doc.data();
				if (after) lastSeen.set(change.doc.id, after);
				else lastSeen.delete(change.doc.id);
				if (!isJoinWrite(before, after)) continue;
				const { mode, language } = after;
				queue.push(() => matchJoin(db, { uid: change.doc.id, mode, language }, scheduler));
			}
			pump();
		},
		() => failures++
	);

	return async function stop() {
		unsubscribe();
		await idle;
		stopped = true;
		for (const t of timers) clearTimeout(t);
		return { reports, failures, maxRunning };
	};
}
