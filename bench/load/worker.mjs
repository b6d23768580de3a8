// One slice of the simulated users of a matchmaking run, in its own Node process (a
// thousand Firebase client apps are too many for one event loop next to the emulators).
// Each user is its own client app (real Firebase JS SDK, anonymous sign-in on the Auth
// emulator). Driven by bench/load/matchmaking.mjs over IPC:
//   parent → {type:'init', users:[{index, delayMs}]}       create apps, sign in
//   worker → {type:'ready'}
//   parent → {type:'prepare', scenario, database}          warm the clients up
//   worker → {type:'prepared'}
//   parent → {type:'go', t0, deadline}                      joins at t0 + delayMs (epoch ms)
//   worker → {type:'done', results, counters}
//   (prepare/go repeat per scenario; then {type:'exit'})
//
// scenario 'tangent' does what the app does (src/lib/matching/lobby.ts and the search
// part of src/lib/call/session.svelte.ts): the exact lobby write, then a listener on its
// own entry, and the app's heartbeat timer while waiting. With `database` set it
// does the same in that named database (the parallel-dispatch variant, see
// parallelMatcher.mjs). scenario 'single-doc' runs the baseline matcher
// (bench/baselines/singleDocMatcher.mjs).
import { deleteApp, initializeApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, signInAnonymously } from 'firebase/auth';
import {
	connectFirestoreEmulator,
	doc,
	getDoc,
	getFirestore,
	onSnapshot,
	runTransaction,
	serverTimestamp,
	setDoc,
	terminate,
	updateDoc
} from 'firebase/firestore';
import { setLogLevel } from 'firebase/firestore';
import { initializeApp as initializeAdmin } from 'firebase-admin/app';
import { getFirestore as getAdminFirestore } from 'firebase-admin/firestore';
import model from '../../functions/lib/shared/model.js';
import { CALLS, singleDocMatch } from '../baselines/singleDocMatcher.mjs';

const { COLLECTIONS, LOBBY_HEARTBEAT_MS } = model;
const PROJECT_ID = 'demo-tangent';
const [FS_HOST, FS_PORT] = (process.env.FIRESTORE_EMULATOR_HOST ?? '127.0.0.1:8080').split(':');
const AUTH_HOST = process.env.FIREBASE_AUTH_EMULATOR_HOST ?? '127.0.0.1:9099';
/** The app's search timer (session.svelte.ts SEARCH_TICK_MS). */
const SEARCH_TICK_MS = 2_500;
const POLL_MS = 250;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
setLogLevel('silent'); // listener failures are counted, not printed a thousand times

let adminApp = null;
const adminDbs = new Map();
function adminDb(database) {
	adminApp ??= initializeAdmin({ projectId: PROJECT_ID }, `poll-${process.pid}`);
	const key = database ?? '(default)';
	if (!adminDbs.has(key)) adminDbs.set(key, database ? getAdminFirestore(adminApp, database) : getAdminFirestore(adminApp));
	return adminDbs.get(key);
}

const counters = { listenerErrors: 0, listenerErrorCodes: {}, polledUsers: 0, joinErrors: 0, heartbeats: 0, heartbeatRefused: 0, txAttempts: 0, txFailures: 0 };

function firestoreOf(app, database) {
	const db = database ? getFirestore(app, database) : getFirestore(app);
	if (!db._benchConnected) {
		connectFirestoreEmulator(db, FS_HOST, Number(FS_PORT));
		db._benchConnected = true;
	}
	return db;
}

async function createUser(index) {
	const app = initializeApp({ projectId: PROJECT_ID, apiKey: 'demo-api-key' }, `u${index}-${process.pid}`);
	const auth = getAuth(app);
	connectAuthEmulator(auth, `http://${AUTH_HOST}`, { disableWarnings: true });
	for (let attempt = 1; ; attempt++) {
		try {
			const { user } = await signInAnonymously(auth);
			return { index, app, db: null, dbs: new Set(), uid: user.uid };
		} catch (error) {
			if (attempt >= 5) throw error;
			await sleep(200 * attempt);
		}
	}
}

/**
 * Resolves when `check(data)` accepts the document `path` (as a listener on the user's own
 * client sees it), or at the deadline. If the listener errors (the Node SDK's gRPC Listen
 * streams against the emulator sometimes die with RESOURCE_EXHAUSTED), falls back to
 * polling the document with the Admin SDK and says so.
 */
function watchUntil(user, path, check, deadline) {
	return new Promise((resolve) => {
		let done = false;
		let stop = () => {};
		const finish = (value) => {
			if (done) return;
			done = true;
			stop();
			clearTimeout(timer);
			resolve(value);
		};
		const timer = setTimeout(() => finish(null), Math.max(0, deadline - Date.now()));
		const poll = async () => {
			counters.polledUsers++;
			while (!done) {
				const snap = await adminDb(plan.database).doc(path).get().catch(() => null);
				const value = snap?.exists ? check(snap.data()) : null;
				if (value) return finish({ ...value, t: now(), via: 'poll' });
				await sleep(POLL_MS);
			}
		};
		stop = onSnapshot(
			doc(user.db, path),
			(snap) => {
				if (snap.metadata.hasPendingWrites || !snap.exists()) return;
				const value = check(snap.data());
				if (value) finish({ ...value, t: now(), via: 'listener' });
			},
			(error) => {
				counters.listenerErrors++;
				counters.listenerErrorCodes[error.code] = (counters.listenerErrorCodes[error.code] ?? 0) + 1;
				stop = () => {};
				void poll();
			}
		);
	});
}

/** What the app does from Start to seeing its call. */
async function tangentUser(user, deadline) {
	const result = { index: user.index, uid: user.uid, tJoin: now(), tAck: null, tSeen: null, callId: null, via: null };
	const ref = doc(user.db, COLLECTIONS.lobby, user.uid);
	const stamp = serverTimestamp();
	try {
		await setDoc(ref, {
			status: 'waiting',
			mode: 'text',
			interests: [],
			language: null,
			joinedAt: stamp,
			heartbeatAt: stamp
		});
	} catch (error) {
		counters.joinErrors++;
		return { ...result, error: String(error?.code ?? error) };
	}
	result.tAck = now();
	// The heartbeat timer of session.svelte.ts #keepLobbyEntryAlive: heartbeatAt alone
	// (patience is the server's).
	let lastBeat = Date.now();
	let searching = true;
	const timer = setInterval(() => {
		if (!searching) return;
		const t = Date.now();
		if (t - lastBeat < LOBBY_HEARTBEAT_MS) return;
		lastBeat = t;
		counters.heartbeats++;
		updateDoc(ref, { heartbeatAt: serverTimestamp() }).catch(() => counters.heartbeatRefused++);
	}, SEARCH_TICK_MS);
	const seen = await watchUntil(
		user,
		`${COLLECTIONS.lobby}/${user.uid}`,
		(data) => (data.status === 'matched' && typeof data.callId === 'string' ? { callId: data.callId } : null),
		deadline
	);
	searching = false;
	clearInterval(timer);
	if (seen) Object.assign(result, { tSeen: seen.t, callId: seen.callId, via: seen.via });
	return result;
}

/** The single-document queue baseline, as its clients run it. */
async function singleDocUser(user, deadline) {
	const result = { index: user.index, uid: user.uid, tJoin: now(), tAck: null, tSeen: null, callId: null, via: null, attempts: 0, giveUps: 0 };
	let outcome = null;
	let backoff = 250;
	while (!outcome && Date.now() < deadline) {
		try {
			outcome = await runTransaction(user.db, (tx) => {
				result.attempts++;
				counters.txAttempts++;
				return singleDocMatch(tx, user.db, user.uid);
			});
		} catch {
			// The SDK gave up after its 5 attempts: a real client tries again after a pause.
			result.giveUps++;
			counters.txFailures++;
			await sleep(backoff * (0.5 + Math.random()));
			backoff = Math.min(backoff * 2, 4_000);
		}
	}
	if (!outcome) return result;
	result.tAck = now();
	if (outcome.role === 'taker') {
		return { ...result, tSeen: result.tAck, callId: outcome.callId, via: 'commit' };
	}
	const seen = await watchUntil(user, `${CALLS}/${user.uid}`, () => ({ callId: user.uid }), deadline);
	if (seen) Object.assign(result, { tSeen: seen.t, callId: seen.callId, via: seen.via });
	return result;
}

/**
 * A cold Node client pays seconds for its first write and first listen (streams, auth
 * token); a browser tab that has been open a moment does not. So before the clock starts
 * every simulated user writes a throwaway document and reads the document it will watch.
 */
async function warmUp(user, scenario) {
	if (scenario === 'tangent') {
		// A throwaway write the app's own rules allow in any database (the parallel variant
		// runs on a named database with only those rules): opening the user's upload counter.
		// Not a lobby join, which would start the join rate limit's clock.
		await setDoc(doc(user.db, 'limits', user.uid), {
			windowStartAt: serverTimestamp(),
			uploads: 1,
			lastUploadAt: serverTimestamp(),
			lastFileId: 'bench-warm-up'
		});
		await getDoc(doc(user.db, COLLECTIONS.lobby, user.uid)).catch(() => {});
	} else {
		await setDoc(doc(user.db, 'bench_warmup', user.uid), { at: serverTimestamp() });
		await getDoc(doc(user.db, CALLS, user.uid)).catch(() => {});
	}
}

let users = [];
let slice = [];
let plan = null;

process.on('message', async (message) => {
	try {
		if (message.type === 'init') {
			slice = message.users;
			users = [];
			const batch = 25;
			for (let i = 0; i < slice.length; i += batch) {
				users.push(...(await Promise.all(slice.slice(i, i + batch).map((u) => createUser(u.index)))));
			}
			process.send({ type: 'ready' });
		} else if (message.type === 'prepare') {
			plan = message;
			for (const key of Object.keys(counters)) counters[key] = typeof counters[key] === 'number' ? 0 : {};
			for (const user of users) {
				user.db = firestoreOf(user.app, message.database);
				user.dbs.add(user.db);
			}
			const batch = 25;
			for (let i = 0; i < users.length; i += batch) {
				await Promise.all(users.slice(i, i + batch).map((u) => warmUp(u, message.scenario)));
			}
			// The rules refuse lobby joins from uids not bound to a device (the app calls the
			// bindDevice function first). Bound here with the Admin SDK, as that function
			// would, so that the measured run is the lobby's alone.
			for (let i = 0; i < users.length; i += 400) {
				const identities = adminDb(message.database).batch();
				for (const user of users.slice(i, i + 400)) {
					identities.set(adminDb(message.database).doc(`identities/${user.uid}`), {
						deviceKey: `bench-${user.uid}`,
						networkKey: null,
						networkExpiresAtMs: null,
						boundAt: new Date()
					});
				}
				await identities.commit();
			}
			process.send({ type: 'prepared' });
		} else if (message.type === 'go') {
			const run = plan.scenario === 'tangent' ? tangentUser : singleDocUser;
			const results = await Promise.all(
				users.map(async (user, i) => {
					const wait = message.t0 + slice[i].delayMs - now();
					if (wait > 0) await sleep(wait);
					return run(user, message.deadline);
				})
			);
			process.send({ type: 'done', results, counters });
		} else if (message.type === 'exit') {
			await Promise.all(
				users.map(async (u) => {
					for (const db of u.dbs) await terminate(db).catch(() => {});
					await deleteApp(u.app).catch(() => {});
				})
			);
			process.exit(0);
		}
	} catch (error) {
		process.send({ type: 'error', error: String(error?.stack ?? error) });
	}
});
