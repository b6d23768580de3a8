#!/usr/bin/env node
// Runs the Firebase Emulator Suite for Tangent under the demo project.
//
//   node scripts/emulators.mjs start          build everything, serve the app, print its URL
//   node scripts/emulators.mjs exec "<cmd>"   start the emulators, run <cmd> against them, stop
//
// Machines without internet cannot download firebase-tools' Firestore jar nor its Storage
// rules runtime. When the firebase cache lacks them and the Google Cloud CLI's Firestore
// emulator jar is installed, we put in place:
// - for Firestore, a manifest-only wrapper jar around the gcloud one (that jar has no
//   Main-Class, so `java -jar` on it fails);
// - for Storage, our rules-runtime adapter (scripts/storage-rules-runtime/), compiled here
//   against the gcloud jar, whose Firebase rules engine makes every decision.
// Users with internet (or a cached jar, or their own *_EMULATOR_BINARY_PATH) get the official ones.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
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

/**
 * A `java` first on PATH that runs the emulators' JVMs with the quick compiler only
 * (-XX:TieredStopAtLevel=1). firebase-tools starts them as plain `java -jar …`, with no say
 * over JVM options. Over the browser suite the Firestore emulator spent 53 s of its 93 s of
 * CPU in HotSpot's optimizing compiler and 22 s serving; with the quick compiler alone, 46 s
 * in all, serving no slower. On a 2-core machine that CPU is the tests'. (JAVA_TOOL_OPTIONS
 * would do it too, but every JVM then prints it on stderr, which firebase-tools reports as a
 * Storage rules runtime error.) Not on Windows, where a shell script is no command.
 */
function quickCompilerJavaEnv() {
	if (process.platform === 'win32') return {};
	const dir = join(root, '.cache', 'quick-compiler-java');
	// Resolved without our own folder on PATH: a nested run must not find the script itself.
	const path = (process.env.PATH ?? '').split(delimiter).filter((entry) => resolve(entry || '.') !== dir);
	const found = spawnSync('sh', ['-c', 'command -v java'], { encoding: 'utf8', env: { ...process.env, PATH: path.join(delimiter) } });
	const java = found.status === 0 ? found.stdout.trim() : '';
	if (!java || java.includes("'")) return {};
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'java'), `#!/bin/sh\nexec '${realpathSync(java)}' -XX:TieredStopAtLevel=1 "$@"\n`, { mode: 0o755 });
	return { PATH: [dir, ...path].join(delimiter) };
}

const STORAGE_RUNTIME_SOURCE = join(root, 'scripts', 'storage-rules-runtime');
const STORAGE_RUNTIME_MAIN = 'tangent.storagerules.StorageRulesRuntime';

function javaSources(dir) {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile() && entry.name.endsWith('.java'))
		.map((entry) => join(entry.parentPath, entry.name))
		.sort();
}

/**
 * Compiles the Storage rules-runtime adapter into .cache/, once per version of its source,
 * and returns the runnable jar (Main-Class: the adapter, Class-Path: the gcloud jar).
 * Throws with the reason when it cannot (no javac, a compile error).
 */
export function buildStorageRulesRuntime() {
	const sources = javaSources(STORAGE_RUNTIME_SOURCE);
	const hash = createHash('sha256');
	for (const file of sources) hash.update(file.slice(STORAGE_RUNTIME_SOURCE.length)).update(readFileSync(file));
	hash.update(GCLOUD_FIRESTORE_JAR);
	const dir = join(root, '.cache', 'storage-rules-runtime', hash.digest('hex').slice(0, 12));
	const jar = join(dir, 'storage-rules-runtime.jar');
	if (existsSync(jar)) return jar;

	const classes = join(dir, 'classes');
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(classes, { recursive: true });
	console.log('[emulators] Compiling the Storage rules runtime adapter (first start only)…');
	// -proc:none: the gcloud jar names an annotation processor it does not contain.
	const compiled = spawnSync(
		'javac',
		['-proc:none', '-nowarn', '-encoding', 'UTF-8', '-cp', GCLOUD_FIRESTORE_JAR, '-d', classes, ...sources],
		{ encoding: 'utf8' }
	);
	if (compiled.error) throw new Error(`javac could not run (${compiled.error.message}); install a JDK (openjdk-17-jdk-headless)`);
	if (compiled.status !== 0) throw new Error(`javac failed:\n${compiled.stderr}`);
	const manifest = join(dir, 'MANIFEST.MF');
	writeFileSync(manifest, `Main-Class: ${STORAGE_RUNTIME_MAIN}\nClass-Path: file://${GCLOUD_FIRESTORE_JAR}\n`);
	const packed = spawnSync('jar', ['cfm', jar, manifest, '-C', classes, '.'], { encoding: 'utf8' });
	if (packed.status !== 0) {
		rmSync(jar, { force: true });
		throw new Error(`\`jar cfm\` failed:\n${packed.stderr}`);
	}
	return jar;
}

/**
 * How the Storage emulator gets its rules runtime: `{ env }` for firebase-tools, or
 * `{ unavailable: reason }` when there is none on this machine.
 */
export function storageEmulatorSetup() {
	if (process.env.STORAGE_EMULATOR_BINARY_PATH || existsSync(cachedJar('storage'))) return { env: {} };
	if (!existsSync(GCLOUD_FIRESTORE_JAR)) {
		return {
			unavailable:
				`its rules runtime jar is not in ${firebaseCacheDir()} (it cannot be downloaded offline) and there ` +
				`is no Google Cloud CLI Firestore emulator jar at ${GCLOUD_FIRESTORE_JAR} to build ours on. Run once ` +
				'with internet (`npx firebase setup:emulators:storage`), or install google-cloud-cli-firestore-emulator.'
		};
	}
	try {
		const jar = buildStorageRulesRuntime();
		console.log(`[emulators] Storage emulator: rules runtime adapter on the Google Cloud CLI jar, ${jar}`);
		return { env: { STORAGE_EMULATOR_BINARY_PATH: jar } };
	} catch (error) {
		return { unavailable: `the rules runtime adapter could not be built: ${error instanceof Error ? error.message : error}` };
	}
}

/** The rules-runtime jar the Storage emulator will run under `setup`, or null if none. */
export function storageRulesRuntimeJar(setup = storageEmulatorSetup()) {
	if (!setup.env) return null;
	return setup.env.STORAGE_EMULATOR_BINARY_PATH ?? process.env.STORAGE_EMULATOR_BINARY_PATH ?? cachedJar('storage');
}

export function emulatorList(storage = storageEmulatorSetup()) {
	const list = ['auth', 'firestore', 'functions', 'hosting'];
	if (storage.env) list.push('storage');
	else console.warn(`[emulators] Storage emulator skipped: ${storage.unavailable}`);
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
	const bin = require.resolve('firebase-tools/lib/bin/firebase.js');
	// The preload gives firebase-tools the Storage rules runtime's answers one line at a time
	// (see the file: two answers read together were both lost, and their uploads hung).
	const lineByLine = join(root, 'scripts', 'storage-rules-runtime', 'lineByLine.cjs');
	const child = spawn(process.execPath, ['--require', lineByLine, bin, ...args, '--project', PROJECT_ID], {
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
	child.on('exit', (code) => {
		if (env.TMPDIR) rmSync(env.TMPDIR, { recursive: true, force: true });
		process.exit(code ?? 1);
	});
	return child;
}

function main() {
	const [command, ...rest] = process.argv.slice(2);
	const storage = storageEmulatorSetup();
	const env = {
		...quickCompilerJavaEnv(),
		...firestoreEmulatorEnv(),
		...storage.env,
		TANGENT_STORAGE_EMULATOR: storage.env ? '1' : '',
		// The Admin SDK's Storage client otherwise probes the GCE metadata address (169.254.169.254)
		// for credentials; against the emulators there is nothing to find there.
		METADATA_SERVER_DETECTION: 'none',
		// A temp folder of this run's own: the Storage emulator keeps its blobs in
		// <tmpdir>/firebase/storage and deletes that folder when it stops, so a second suite
		// (side by side in a network namespace) stopping would crash this one's next upload.
		TMPDIR: mkdtempSync(join(tmpdir(), 'tangent-emulators-')),
		// firebase-tools gives a function worker 30 s to come up before "Failed to load function";
		// on a busy 2-core machine a cold Node worker can take longer. Production has no such limit.
		FUNCTIONS_DISCOVERY_TIMEOUT: process.env.FUNCTIONS_DISCOVERY_TIMEOUT ?? '120',
		// The Functions emulator asks the registry for firebase-functions' latest version
		// (`npm show`, synchronously: every emulator waits) only to print an upgrade hint. From
		// npm's cache it answers in a second; without a registry it blocked start-up for 10 s.
		npm_config_offline: 'true'
	};
	const only = ['--only', emulatorList(storage).join(',')];
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

