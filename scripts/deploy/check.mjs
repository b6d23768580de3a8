#!/usr/bin/env node
// @ts-check
// npm run deploy:check -- --project <id>
//
// Verifies offline what a deploy of this repository to <id> depends on, and prints the
// steps that need the project itself. Builds the functions, reads their manifest the way
// firebase-tools does (firebase-functions with FUNCTIONS_MANIFEST_OUTPUT_PATH), loads
// functions/.env and .env.<id> with firebase-tools' own parser, validates the indexes with
// firebase-tools' own validation, compiles both rules files with the Firestore emulator's
// rules compiler (Java), and checks Hosting headers with the Hosting emulator's matcher.
// Exits 1 when anything would fail; "skip" lines are checks to make by hand.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
	checkCrossServiceRules,
	checkFirebaserc,
	checkFunctions,
	checkFunctionsLock,
	checkHosting,
	checkIndexes,
	checkMinInstances,
	checkParams,
	checkProjectId,
	checkRulesCompile,
	checkSecrets,
	checkTurn,
	declaredSecrets,
	exitCode
} from './checks.mjs';
import { parseArgs } from './cors.mjs';
import { manualSteps } from './manualSteps.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const GCLOUD_FIRESTORE_JAR = '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';

/** @param {string} path */
const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));
/** @param {string} path */
const readJsonIfThere = (path) => (existsSync(join(root, path)) ? readJson(path) : null);

/** The region the functions declare, from the built shared module. */
function functionsRegion() {
	return require(join(root, 'functions/lib/shared/region.js')).FUNCTIONS_REGION;
}

function buildFunctions() {
	const build = spawnSync('npm', ['--workspace', 'functions', 'run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	if (build.status !== 0) throw new Error('The functions do not build (npm --workspace functions run build).');
}

/** What firebase-tools reads before a deploy: the functions' endpoints and params. */
function functionsManifest() {
	const out = join(tmpdir(), `tangent-manifest-${process.pid}.json`);
	// The package's entry point lies in lib/; its manifest writer is lib/bin (not exported).
	const entry = require.resolve('firebase-functions', { paths: [join(root, 'functions')] });
	const bin = join(entry.slice(0, entry.lastIndexOf(`${'/'}lib${'/'}`)), 'lib', 'bin', 'firebase-functions.js');
	const run = spawnSync(process.execPath, [bin, '.'], {
		cwd: join(root, 'functions'),
		env: { ...process.env, FUNCTIONS_MANIFEST_OUTPUT_PATH: out, GCLOUD_PROJECT: 'manifest-only' },
		stdio: ['ignore', 'ignore', 'inherit']
	});
	if (run.status !== 0) throw new Error('Could not read the functions manifest.');
	return JSON.parse(readFileSync(out, 'utf8'));
}

/** functions/.env then .env.<project>, later files winning, as firebase-tools loads them. */
function loadEnv(projectId) {
	const { parseStrict } = require('firebase-tools/lib/functions/env');
	/** @type {Record<string, string>} */
	let env = {};
	const files = [];
	for (const name of ['.env', `.env.${projectId}`]) {
		const path = join(root, 'functions', name);
		if (!existsSync(path)) continue;
		files.push(`functions/${name}`);
		env = { ...env, ...parseStrict(readFileSync(path, 'utf8')) };
	}
	return { env, files };
}

function firestoreJar() {
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
 * @param {string[]} files
 * @returns {Record<string, { ok: boolean, issues: string[] } | { skipped: string }>}
 */
function compileRules(files) {
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

function validateIndexes(/** @type {unknown} */ spec) {
	const { FirestoreApi } = require('firebase-tools/lib/firestore/api');
	const api = new FirestoreApi();
	api.validateSpec(api.upgradeOldSpec(spec));
}

function main() {
	const args = parseArgs(process.argv.slice(2));
	const projectId = args.project ?? '';
	const findings = [...checkProjectId(projectId)];
	if (findings[0]?.status === 'fail') return finish(findings, null);

	buildFunctions();
	const manifest = functionsManifest();
	const region = functionsRegion();
	const firebaseJson = readJson('firebase.json');
	const { env, files } = loadEnv(projectId);
	const storageRules = readFileSync(join(root, firebaseJson.storage.rules), 'utf8');
	const rules = [firebaseJson.firestore.rules, firebaseJson.storage.rules];
	const compiled = compileRules(rules);
	const { configMatcher } = require('superstatic/lib/utils/patterns');
	const slasher = require('glob-slasher');

	findings.push(
		...checkFirebaserc(readJsonIfThere('.firebaserc'), projectId),
		...checkParams(manifest, env, files, `functions/.env.${projectId}`),
		...checkTurn(env),
		...checkSecrets(manifest, firebaseJson),
		...checkFunctions(manifest, region, firebaseJson),
		...checkMinInstances(manifest, env, require('firebase-tools/lib/deploy/functions/pricing').monthlyMinInstanceCost),
		...rules.flatMap((file) => checkRulesCompile(file, compiled[file] ?? { skipped: 'not compiled' })),
		...checkIndexes(readJson(firebaseJson.firestore.indexes), validateIndexes),
		...checkCrossServiceRules(storageRules),
		...checkHosting(firebaseJson, (path, rule) =>
			configMatcher(path, rule.source ? { source: slasher(rule.source) } : { regex: rule.regex })
		),
		...checkFunctionsLock(readJson('functions/package.json'), readJsonIfThere('functions/package-lock.json'), readJson('package-lock.json'))
	);
	const crossServiceRules = /firestore\.(get|exists)/.test(storageRules);
	return finish(findings, manualSteps({ projectId, region, secrets: declaredSecrets(manifest), crossServiceRules }));
}

/**
 * @param {import('./checks.mjs').Finding[]} findings
 * @param {string[] | null} steps
 */
function finish(findings, steps) {
	const mark = { pass: 'ok  ', fail: 'FAIL', warn: 'warn', skip: 'todo' };
	console.log('\nChecked offline:');
	for (const f of findings) console.log(`  ${mark[f.status]}  ${f.check}: ${f.message}`);
	if (steps) {
		console.log('\nStill to do or confirm on the project (README, "Deploy to your Firebase project"):');
		steps.forEach((step, i) => console.log(`  ${i + 1}. ${step}`));
	}
	const code = exitCode(findings);
	console.log(code === 0 ? '\nNothing here stops a deploy. Work through the list above.' : '\nFix the FAIL lines before deploying.');
	process.exit(code);
}

try {
	main();
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	process.exit(2);
}
