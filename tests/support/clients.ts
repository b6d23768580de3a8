// Simulated Tangent users: each is its own Firebase client app, signed in anonymously
// on the Auth emulator, writing the same documents through the same modules as the app.
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { randomBytes } from 'node:crypto';
import { connectAuthEmulator, getAuth, signInAnonymously } from 'firebase/auth';
import { connectFirestoreEmulator, getFirestore, terminate, type Firestore } from 'firebase/firestore';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import type { LobbyRequest } from '$lib/matching/lobby';
import { emulatorHosts, hostAndPort, PROJECT_ID } from './emulators';

export interface SimulatedUser {
	name: string;
	uid: string;
	db: Firestore;
	app: FirebaseApp;
}

let counter = 0;

export async function createUser(name = `user-${++counter}`): Promise<SimulatedUser> {
	if (!emulatorHosts.firestore || !emulatorHosts.auth) throw new Error('Firestore and Auth emulators required');
	const app = initializeApp({ projectId: PROJECT_ID, apiKey: 'demo-api-key' }, `${name}-${Date.now()}-${counter++}`);
	const auth = getAuth(app);
	connectAuthEmulator(auth, `http://${emulatorHosts.auth}`, { disableWarnings: true });
	const db = getFirestore(app);
	const { host, port } = hostAndPort(emulatorHosts.firestore);
	connectFirestoreEmulator(db, host, port);
	const { user } = await signInAnonymously(auth);
	const simulated = { name, uid: user.uid, db, app };
	// As the app does before joining (the rules refuse joins from uids never bound), each
	// simulated user on its own device. Without the Functions emulator nobody joins anyway.
	if (emulatorHosts.functions) await bindDevice(simulated, randomBytes(16).toString('base64url'));
	return simulated;
}

/** Binds the user's uid to a device token through the bindDevice callable; returns its response data. */
export async function bindDevice(user: Pick<SimulatedUser, 'app'>, deviceToken: string): Promise<unknown> {
	if (!emulatorHosts.functions) throw new Error('Functions emulator required');
	const functions = getFunctions(user.app, 'us-central1');
	const { host, port } = hostAndPort(emulatorHosts.functions);
	connectFunctionsEmulator(functions, host, port);
	return (await httpsCallable(functions, 'bindDevice')({ deviceToken })).data;
}

export async function disposeUsers(users: SimulatedUser[]): Promise<void> {
	await Promise.all(users.map(async (u) => {
		await terminate(u.db);
		await deleteApp(u.app);
	}));
}

const lastJoinAt = new WeakMap<SimulatedUser, number>();

/**
 * Joins the lobby through the app's module, no sooner after this user's previous join
 * than the rules' join rate limit allows (a person cannot press Next that fast either;
 * the limit itself has its own tests). The margin covers clock reading on both sides.
 */
export async function joinPaced(user: SimulatedUser, request: LobbyRequest): Promise<void> {
	// Imported here, not at the top: Playwright (whose warm-up and TURN suite use this
	// file) loads functions/src/shared as CommonJS, where named imports of values fail.
	const [{ joinLobby }, { SAFETY_LIMITS }] = await Promise.all([import('$lib/matching/lobby'), import('$shared/safety')]);
	const wait = (lastJoinAt.get(user) ?? 0) + SAFETY_LIMITS.lobbyJoinMinIntervalMs + 100 - Date.now();
	if (wait > 0) await new Promise((r) => setTimeout(r, wait));
	try {
		await joinLobby(user.db, user.uid, request);
	} finally {
		// From the acknowledgement, which comes after the server stamped joinedAt: timing
		// from the send would undercount a write that took long to arrive.
		lastJoinAt.set(user, Date.now());
	}
}
