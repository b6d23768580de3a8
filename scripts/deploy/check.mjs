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
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
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
import { compileRules } from './rulesCompiler.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

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

/**
 * functions/.env, then .env.<project> or .env.<alias>, later files winning, as firebase-tools loads them.
 * @param {string} projectId
 * @param {string | undefined} alias
 */
function loadEnv(projectId, alias) {
	const { parseStrict } = require('firebase-tools/lib/functions/env');
	/** @type {Record<string, string>} */
	let env = {};
	const files = [];
	for (const name of ['.env', `.env.${projectId}`, ...(alias ? [`.env.${alias}`] : [])]) {
		const path = join(root, 'functions', name);
		if (!existsSync(path)) continue;
		files.push(`functions/${name}`);
		env = { ...env, ...parseStrict(readFileSync(path, 'utf8')) };
	}
	return { env, files };
}

function validateIndexes(/** @type {unknown} */ spec) {
	const { FirestoreApi } = require('firebase-tools/lib/firestore/api');
	const api = new FirestoreApi();
	api.validateSpec(api.upgradeOldSpec(spec));
}

function main() {
	const args = parseArgs(process.argv.slice(2));
	// --project takes an alias from .firebaserc too, as firebase-tools does.
	const aliases = readJsonIfThere('.firebaserc')?.projects ?? {};
	const alias = args.project && args.project in aliases ? args.project : undefined;
	const projectId = alias ? aliases[alias] : (args.project ?? '');
	const findings = [...checkProjectId(projectId)];
	if (findings[0]?.status === 'fail') return finish(findings, null);

	buildFunctions();
	const manifest = functionsManifest();
	const region = functionsRegion();
	const firebaseJson = readJson('firebase.json');
	const { env, files } = loadEnv(projectId, alias);
	const storageRules = readFileSync(join(root, firebaseJson.storage.rules), 'utf8');
	const rules = [firebaseJson.firestore.rules, firebaseJson.storage.rules];
	const compiled = compileRules(root, rules);
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
