#!/usr/bin/env node
// Runs the Firebase Emulator Suite for Tangent under the demo project.
//
//   node scripts/emulators.mjs start          build everything, serve the app, print its URL
//   node scripts/emulators.mjs exec "<cmd>"   start the emulators, run <cmd> against them, stop
//
// Machines without internet cannot download firebase-tools' Firestore jar. When the
// firebase cache lacks it and the Google Cloud CLI's emulator jar is installed, we point
// firebase-tools at a manifest-only wrapper jar around the gcloud one (that jar has no
// Main-Class, so `java -jar` on it fails). Users with internet get the normal download.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ID = 'demo-tangent';
export const APP_URL = 'http://127.0.0.1:5050';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const GCLOUD_FIRESTORE_JAR =
	'/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar';

function firebaseCacheDir() {
	return process.env.FIREBASE_EMULATORS_PATH || join(homedir(), '.cache', 'firebase', 'emulators');
}

function emulatorInfo() {
	return require('firebase-tools/lib/emulator/downloadableEmulatorInfo.json');
}

function cachedJar(name) {
	return join(firebaseCacheDir(), emulatorInfo()[name].downloadPathRelativeToCacheDir);
}

/** Returns extra env for firebase-tools so the Firestore emulator can start offline. */
export function firestoreEmulatorEnv() {
	if (process.env.FIRESTORE_EMULATOR_BINARY_PATH) return {};
	if (existsSync(cachedJar('firestore'))) return {};
	if (!existsSync(GCLOUD_FIRESTORE_JAR)) {
		console.warn(
			'[emulators] No Firestore emulator jar cached and no Google Cloud CLI jar at\n' +
				`  ${GCLOUD_FIRESTORE_JAR}; firebase-tools will try to download its own.`
		);
		return {};
	}
	const dir = join(root, '.cache', 'firestore-emulator');
	const wrapper = join(dir, 'cloud-firestore-emulator-wrapper.jar');
	if (!existsSync(wrapper)) {
		mkdirSync(dir, { recursive: true });
		const manifest = join(dir, 'MANIFEST.MF');
		writeFileSync(
			manifest,
			'Main-Class: com.google.cloud.datastore.emulator.firestore.CloudFirestore\n' +
				`Class-Path: file://${GCLOUD_FIRESTORE_JAR}\n`
		);
		const made = spawnSync('jar', ['cfm', wrapper, manifest], { stdio: 'inherit' });
		if (made.status !== 0) throw new Error('[emulators] `jar cfm` failed to build the wrapper jar');
	}
	console.log(`[emulators] Firestore emulator: using the Google Cloud CLI jar through ${wrapper}`);
	return { FIRESTORE_EMULATOR_BINARY_PATH: wrapper };
}

/** The Storage emulator needs a rules-runtime jar that firebase-tools downloads on first use. */
export function storageEmulatorAvailable() {
	return existsSync(cachedJar('storage')) || Boolean(process.env.STORAGE_EMULATOR_BINARY_PATH);
}

export function emulatorList() {
	const list = ['auth', 'firestore', 'functions', 'hosting'];
	if (storageEmulatorAvailable()) list.push('storage');
	else
		console.warn(
			'[emulators] Storage emulator skipped: its rules runtime jar is not in ' +
				`${firebaseCacheDir()} and cannot be downloaded offline. Run once with internet ` +
				'(`npx firebase setup:emulators:storage`) to enable it.'
		);
	return list;
}

function run(cmd, args, env) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

export function buildAll() {
	run('npm', ['run', 'build:functions']);
	run('npm', ['run', 'build:app']);
}

function firebase(args, env, { onLine } = {}) {
	const bin = join(root, 'node_modules', '.bin', 'firebase');
	const child = spawn(bin, [...args, '--project', PROJECT_ID], {
		cwd: root,
		env: { ...process.env, ...env },
		stdio: onLine ? ['inherit', 'pipe', 'inherit'] : 'inherit'
	});
	if (onLine) {
		let buffered = '';
		child.stdout.on('data', (chunk) => {
			process.stdout.write(chunk);
			buffered += chunk.toString();
			const lines = buffered.split('\n');
			buffered = lines.pop() ?? '';
			lines.forEach(onLine);
		});
	}
	for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
	child.on('exit', (code) => process.exit(code ?? 1));
	return child;
}

function main() {
	const [command, ...rest] = process.argv.slice(2);
	const env = { ...firestoreEmulatorEnv(), TANGENT_STORAGE_EMULATOR: storageEmulatorAvailable() ? '1' : '' };
	const only = ['--only', emulatorList().join(',')];
	if (command === 'start') {
		if (!process.argv.includes('--no-build')) buildAll();
		firebase(['emulators:start', ...only], env, {
			onLine: (line) => {
				if (line.includes('All emulators ready')) {
					console.log(`\n  Tangent is running: open ${APP_URL} in two browser windows.\n`);
				}
			}
		});
	} else if (command === 'exec') {
		if (rest.length === 0) throw new Error('usage: emulators.mjs exec "<command>"');
		firebase(['emulators:exec', ...only, rest.join(' ')], env);
	} else {
		console.error('usage: node scripts/emulators.mjs start|exec "<command>"');
		process.exit(2);
	}
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

