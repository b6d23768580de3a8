// @ts-check
// Compiles Firebase rules offline with the compiler inside the Firestore emulator jar
// (RulesCheck.java), for `npm run deploy:check` and its tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const GCLOUD_FIRESTORE_JAR = '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';

/** firebase-tools' cached Firestore emulator jar, else the Google Cloud CLI's; null if neither. */
export function firestoreJar() {
	const info = require('firebase-tools/lib/emulator/downloadableEmulatorInfo.json');
	const cache = process.env.FIREBASE_EMULATORS_PATH || join(homedir(), '.cache', 'firebase', 'emulators');
	const cached = join(cache, info.firestore.downloadPathRelativeToCacheDir);
	if (existsSync(cached)) return cached;
	if (existsSync(GCLOUD_FIRESTORE_JAR)) return GCLOUD_FIRESTORE_JAR;
	return null;
}

/**
 * Compiles the rules files with the emulator jar's compiler; a skip with the reason where
 * Java or the jar is missing.
 * @param {string} root  the repository (rules paths are relative to it)
 * @param {string[]} files
 * @returns {Record<string, { ok: boolean, issues: string[] } | { skipped: string }>}
 */
export function compileRules(root, files) {
	const jar = firestoreJar();
	const skipAll = (/** @type {string} */ why) => Object.fromEntries(files.map((f) => [f, { skipped: why }]));
	if (!jar) return skipAll('no Firestore emulator jar (run `npx firebase setup:emulators:firestore` once with internet).');
	const classes = join(root, '.cache', 'deploy', 'rules-check');
	mkdirSync(classes, { recursive: true });
	const source = join(root, 'scripts', 'deploy', 'RulesCheck.java');
	const compiled = join(classes, 'RulesCheck.class');
	if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs) {
		const javac = spawnSync('javac', ['-proc:none', '-cp', jar, '-d', classes, source], { encoding: 'utf8' });
		if (javac.error) return skipAll('no Java compiler (javac) on this machine.');
		if (javac.status !== 0) return skipAll(`RulesCheck.java does not compile against ${jar}: ${javac.stderr}`);
	}
	const run = spawnSync('java', ['-cp', `${jar}:${classes}`, 'RulesCheck', ...files], { cwd: root, encoding: 'utf8' });
	if (run.error) return skipAll('no Java runtime on this machine.');
	/** @type {Record<string, { ok: boolean, issues: string[] }>} */
	const results = {};
	for (const file of files) {
		const lines = run.stdout.split('\n').filter((l) => l.startsWith(`${file}:`) || l.startsWith(`${file} `));
		const ok = lines.includes(`${file} OK`);
		if (!ok && !lines.includes(`${file} FAILED`)) return skipAll(`the rules compiler did not run: ${run.stderr.trim().split('\n')[0]}`);
		results[file] = { ok, issues: lines.filter((l) => l.startsWith(`${file}:`)) };
	}
	return results;
}

