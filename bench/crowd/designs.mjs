// The two matchmaker designs the crowd bench compares, driven the way their triggers drive
// them in production, but dispatched concurrently from this process ("parallel mode"):
//   'batch'  this branch: functions/lib (isJoinWrite → matchJoin; scheduled shard runs)
//   'before' the design this branch replaces (one seeker per lobby write, oldest-20 window,
//            client patience), compiled from git at BASELINE_COMMIT into bench-results/.baseline
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * main just before the batch matcher was merged into it (1ac87e4, "Merge branch 'matching'"),
 * whose matchmaker is the one-seeker-per-write design. The merge-base with main, used
 * before, is this design itself once the branch is merged.
 */
const BEFORE_BATCH_MATCHER = '2f9c946';

export function baselineCommit(root) {
	const ref = process.env.BASELINE_COMMIT ?? BEFORE_BATCH_MATCHER;
	return execFileSync('git', ['rev-parse', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' }).trim();
}

/** Compiles the previous design's functions from git (once per commit). */
export function buildBaseline(root, outDir) {
	const commit = baselineCommit(root);
	const marker = join(outDir, `.built-${commit}`);
	if (existsSync(marker)) return { commit, lib: join(outDir, 'lib') };
	rmSync(outDir, { recursive: true, force: true });
	mkdirSync(outDir, { recursive: true });
	execFileSync('sh', ['-c', `git archive ${commit} functions/src | tar -x -C "${outDir}" --strip-components=1`], { cwd: root });
	// CommonJS, as functions/package.json makes it there (the root package is an ES module).
	writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'commonjs', private: true }));
	writeFileSync(
		join(outDir, 'tsconfig.json'),
		JSON.stringify({
			extends: join(root, 'functions', 'tsconfig.json'),
			compilerOptions: { rootDir: 'src', outDir: 'lib', sourceMap: false, noEmitOnError: false },
			include: ['src'],
			exclude: ['src/**/*.spec.ts']
		})
	);
	try {
		execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(outDir, 'tsconfig.json')], { cwd: outDir, stdio: 'pipe' });
	} catch (error) {
		// Type errors against today's dependencies do not stop the emit.
		if (!existsSync(join(outDir, 'lib', 'matching', 'matchmaker.js'))) throw error;
	}
	writeFileSync(marker, '');
	return { commit, lib: join(outDir, 'lib') };
}

/**
 * A design: how a join and a heartbeat look in the lobby, and what its trigger does for each
 * write. `dispatch(job)` runs a function invocation (the caller counts and limits them).
 */
export function loadDesign(name, { root, baselineLib }) {
	if (name === 'batch') {
		const m = require(join(root, 'functions', 'lib', 'matching', 'matchmaker.js'));
		return {
			name,
			label: 'batch pairing per shard (this branch)',
			joinEntry: (e) => e,
			beatFields: () => ({}),
			/** What the lobby trigger does for a write: `before`/`after` are the document data. */
			onWrite(db, uid, before, after, scheduler) {
				if (!m.isJoinWrite(before, after)) return null;
				return () => m.matchJoin(db, { uid, mode: after.mode, language: after.language }, scheduler);
			},
			runShard: (db, ref, scheduler) => m.runShard(db, ref, scheduler),
			attemptsOf: (r) => r.transactionAttempts ?? 0,
			/** The lease is written with version preconditions, not in a transaction: tries, races lost included. */
			leaseAttemptsOf: (r) => r.leaseAttempts ?? 0,
			forget: () => m.forgetCachedHistory()
		};
	}
	const m = require(join(baselineLib, 'matching', 'matchmaker.js'));
	return {
		name,
		label: 'one seeker per lobby write (before)',
		joinEntry: (e) => ({ ...e, patience: 0 }),
		/** The page raised patience as it waited (lobby.ts patienceAfter at the time). */
		beatFields: (waitedMs) => ({ patience: waitedMs >= 15_000 ? 2 : waitedMs >= 5_000 ? 1 : 0 }),
		onWrite(db, uid, before, after) {
			if (after?.status !== 'waiting') return null;
			return () => m.matchSeeker(db, uid);
		},
		runShard: null,
		attemptsOf: (r) => r.transactionAttempts ?? 0,
		leaseAttemptsOf: () => 0,
		forget: () => {}
	};
}
