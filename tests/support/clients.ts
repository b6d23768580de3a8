// Simulated Tangent users: each is its own Firebase client app, signed in anonymously
// on the Auth emulator, writing the same documents through the same modules as the app.
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, signInAnonymously } from 'firebase/auth';
import { connectFirestoreEmulator, getFirestore, terminate, type Firestore } from 'firebase/firestore';
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
	return { name, uid: user.uid, db, app };
}

export async function disposeUsers(users: SimulatedUser[]): Promise<void> {
	await Promise.all(users.map(async (u) => {
		await terminate(u.db);
		await deleteApp(u.app);
	}));
}
