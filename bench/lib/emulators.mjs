// The emulator suite under the bench: started by the bench itself (not `emulators:exec`)
// so that it can (1) preload bench/lib/instrument-admin.cjs into the Functions emulator's
// workers, which counts the functions' Firestore reads and writes and copies the
// matchmaker's structured log lines, and (2) keep the suite's own output in
// bench-results/emulators.log. Stopped with SIGINT (firebase-tools shuts the emulators
// down), and the whole process group is killed if that does not finish in time.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firestoreEmulatorEnv, PROJECT_ID } from '../../scripts/emulators.mjs';

export { PROJECT_ID };
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HOSTS = {
	firestore: '127.0.0.1:8080',
	auth: '127.0.0.1:9099',
	functions: '127.0.0.1:5001',
	hosting: '127.0.0.1:5050',
	hub: '127.0.0.1:4400'
};
export const APP_URL = `http://${HOSTS.hosting}`;
const PORTS = [8080, 9099, 5001, 5050, 4400, 4500, 9150];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.timeOrigin + performance.now();

/** Ports of the suite that something is listening on right now. */
export function busyPorts() {
	let out = '';
	try {
		out = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });
	} catch {
		return []; // no ss: let firebase-tools complain about ports itself
	}
	const listening = new Set(
		out
			.split('\n')
			.map((line) => line.trim().split(/\s+/)[3] ?? '')
			.map((addr) => Number(addr.slice(addr.lastIndexOf(':') + 1)))
	);
	return PORTS.filter((p) => listening.has(p));
}

/** Waits (30 s at a time) while another run (tests, a colleague's emulators) holds the ports. */
export async function waitForFreePorts(maxWaitMs = 30 * 60_000) {
	const deadline = Date.now() + maxWaitMs;
	for (;;) {
		const busy = busyPorts();
		if (busy.length === 0) return;
		if (Date.now() > deadline) throw new Error(`Ports ${busy.join(', ')} still busy after ${maxWaitMs / 60_000} min`);
		console.log(`[bench] emulator ports busy (${busy.join(', ')}); waiting 30 s…`);
		await sleep(30_000);
	}
}

/**
 * Starts auth, firestore, functions and hosting under the demo project and resolves once
 * all are ready. The environment of this process is pointed at them.
 */
export async function startEmulators({ logFile, opsFile }) {
	const log = createWriteStream(logFile, { flags: 'a' });
	const env = {
		...process.env,
		...firestoreEmulatorEnv(),
		BENCH_OPS_FILE: opsFile,
		NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(ROOT, 'bench', 'lib', 'instrument-admin.cjs')}`.trim()
	};
	const bin = join(ROOT, 'node_modules', '.bin', 'firebase');
	const child = spawn(bin, ['emulators:start', '--only', 'auth,firestore,functions,hosting', '--project', PROJECT_ID], {
		cwd: ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true // own process group, so a stuck shutdown can be ended as a whole
	});
	child.stdout.pipe(log, { end: false });
	child.stderr.pipe(log, { end: false });
	const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
	const ready = new Promise((resolveReady, reject) => {
		let seen = '';
		const onData = (chunk) => {
			seen = (seen + chunk.toString()).slice(-4000);
			if (seen.includes('All emulators ready')) {
				child.stdout.off('data', onData);
				resolveReady();
			}
		};
		child.stdout.on('data', onData);
		exited.then(({ code }) => reject(new Error(`emulators exited early (code ${code}); see ${logFile}`)));
		setTimeout(() => reject(new Error(`emulators not ready after 180 s; see ${logFile}`)), 180_000).unref();
	});
	const handle = { child, exited, log, stopped: false, diedAt: null };
	// Someone else's cleanup (a broad pkill, say) can take the suite down mid-run.
	exited.then(() => {
		if (!handle.stopped) handle.diedAt = Date.now();
	});
	try {
		await ready;
	} catch (error) {
		await stopEmulators(handle);
		throw error;
	}
	process.env.FIRESTORE_EMULATOR_HOST = HOSTS.firestore;
	process.env.FIREBASE_AUTH_EMULATOR_HOST = HOSTS.auth;
	process.env.GCLOUD_PROJECT = PROJECT_ID;
	return handle;
}

/** waitForFreePorts + startEmulators, again if someone else took a port in between. */
export async function startEmulatorsWhenFree(options, maxWaitMs = 30 * 60_000) {
	const deadline = Date.now() + maxWaitMs;
	for (;;) {
		await waitForFreePorts(Math.max(0, deadline - Date.now()));
		try {
			return await startEmulators(options);
		} catch (error) {
			const log = readFileSync(options.logFile, 'utf8');
			if (!/port taken|not open on|already in use|EADDRINUSE/i.test(log) || Date.now() > deadline) throw error;
			console.log('[bench] an emulator port was taken while starting; waiting 30 s…');
			await sleep(30_000);
		}
	}
}

export async function stopEmulators(handle) {
	if (!handle || handle.stopped) return;
	handle.stopped = true;
	const { child, exited } = handle;
	if (child.exitCode === null && child.signalCode === null) {
		try {
			process.kill(child.pid, 'SIGINT');
		} catch {
			/* already gone */
		}
		const done = await Promise.race([exited.then(() => true), sleep(45_000).then(() => false)]);
		if (!done) console.warn('[bench] emulators did not stop within 45 s; killing their process group');
	}
	// Whatever the CLI left behind in its group (Java, function workers) goes too.
	try {
		process.kill(-child.pid, 'SIGKILL');
	} catch {
		/* the group is empty */
	}
	handle.log.end();
}

/**
 * Deletes every document of a database (the emulator's REST reset). The emulator answers
 * 409 while a transaction holds locks, so that is retried for a while.
 */
export async function clearFirestore(database = '(default)') {
	for (let attempt = 1; ; attempt++) {
		const res = await fetch(`http://${HOSTS.firestore}/emulator/v1/projects/${PROJECT_ID}/databases/${database}/documents`, {
			method: 'DELETE'
		});
		if (res.ok) return;
		if (res.status !== 409 || attempt >= 40) throw new Error(`Could not clear Firestore: HTTP ${res.status}`);
		await sleep(500);
	}
}

export const APP_RULES = () => readFileSync(join(ROOT, 'firestore.rules'), 'utf8');

/**
 * The app's rules plus open-to-signed-in rules for the baselines' collections (as the
 * codelab and the single-document matchers ship them). Tangent's own rules are unchanged.
 */
export function rulesWithBaselines() {
	const app = APP_RULES();
	const end = app.lastIndexOf('}');
	const extra = `
  // bench baselines (bench/baselines/*), loaded by the bench only
  match /databases/{database}/documents {
    match /rooms/{roomId} {
      allow read, write: if request.auth != null;
      match /{sub=**} {
        allow read, write: if request.auth != null;
      }
    }
    match /waiting_room/{docId} {
      allow read, write: if request.auth != null;
    }
    match /waiting_room_calls/{callId} {
      allow read, write: if request.auth != null;
    }
    // each simulated user's throwaway first write (bench/load/worker.mjs warmUp)
    match /bench_warmup/{uid} {
      allow write: if request.auth != null && request.auth.uid == uid;
    }
  }
`;
	return app.slice(0, end) + extra + app.slice(end);
}

export async function loadRules(content) {
	const res = await fetch(`http://${HOSTS.firestore}/emulator/v1/projects/${PROJECT_ID}:securityRules`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ rules: { files: [{ name: 'firestore.rules', content }] } })
	});
	if (!res.ok) throw new Error(`Could not load rules: HTTP ${res.status} ${await res.text()}`);
}
