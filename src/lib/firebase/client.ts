// The one place that creates Tangent's Firebase singletons. Everything else receives
// `db`/`auth` from here. Imported lazily (see session.ts) so the start page paints before
// the SDK loads.
import { initializeApp, type FirebaseApp, type FirebaseOptions } from 'firebase/app';
import {
	browserLocalPersistence,
	browserSessionPersistence,
	connectAuthEmulator,
	indexedDBLocalPersistence,
	initializeAuth,
	signInAnonymously,
	type Auth,
	type User
} from 'firebase/auth';
import { connectFirestoreEmulator, getFirestore, type Firestore } from 'firebase/firestore';
import { startAppCheck } from './appCheck';

export const DEMO_PROJECT_ID = 'demo-tangent';

export interface FirebaseClient {
	app: FirebaseApp;
	auth: Auth;
	db: Firestore;
	/** True when talking to the local Emulator Suite. */
	emulated: boolean;
	/** The Emulator Suite's host when emulated, else null. */
	emulatorHost: string | null;
}

/** Served from localhost, the app talks to the Emulator Suite under the demo project. */
function onLocalMachine(): boolean {
	return ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
}

/**
 * Firebase Hosting serves the project's web config at this reserved URL, so a deployed
 * build needs no configuration baked in.
 */
async function hostedConfig(): Promise<FirebaseOptions> {
	const response = await fetch('/__/firebase/init.json');
	if (!response.ok) throw new Error(`Could not load the Firebase config (HTTP ${response.status})`);
	const config: unknown = await response.json();
	if (typeof config !== 'object' || config === null) throw new Error('The Firebase config is not an object');
	const field = (key: string): string | undefined => {
		const value: unknown = Reflect.get(config, key);
		return typeof value === 'string' ? value : undefined;
	};
	const [projectId, apiKey] = [field('projectId'), field('apiKey')];
	if (!projectId || !apiKey) throw new Error('The Firebase config served by Hosting is incomplete');
	return { projectId, apiKey, authDomain: field('authDomain'), appId: field('appId'), storageBucket: field('storageBucket') };
}

let client: Promise<FirebaseClient> | null = null;

export function firebaseClient(): Promise<FirebaseClient> {
	client ??= (async () => {
		const emulated = onLocalMachine();
		const options: FirebaseOptions = emulated
			? {
					projectId: DEMO_PROJECT_ID,
					apiKey: 'demo-api-key',
					authDomain: `${DEMO_PROJECT_ID}.firebaseapp.com`,
					// The Storage emulator takes any bucket; shared files need a default one.
					storageBucket: `${DEMO_PROJECT_ID}.appspot.com`
				}
			: await hostedConfig();
		const app = initializeApp(options);
		// Deployed only: App Check first, so Firestore's and Functions' first requests carry a token.
		if (!emulated) await startAppCheck(app);
		// getAuth() would also bundle the popup and redirect sign-in flows, which an anonymous
		// user never needs; this keeps its persistence, in the same order of preference.
		const auth = initializeAuth(app, {
			persistence: [indexedDBLocalPersistence, browserLocalPersistence, browserSessionPersistence]
		});
		const db = getFirestore(app);
		const emulatorHost = emulated ? (location.hostname === 'localhost' ? '127.0.0.1' : location.hostname) : null;
		if (emulatorHost) {
			connectAuthEmulator(auth, `http://${emulatorHost}:9099`, { disableWarnings: true });
			connectFirestoreEmulator(db, emulatorHost, 8080);
		}
		return { app, auth, db, emulated, emulatorHost };
	})();
	client.catch(() => (client = null)); // let a later attempt retry after a failed load
	return client;
}

let signingIn: Promise<User> | null = null;

/**
 * The anonymous user, signing in on first use. No signup, no profile. Single-flight: the
 * start page's prefetch and a quick press of Start must not create two anonymous users,
 * or Firestore would hold one user's token while the session writes as the other.
 */
export function signedInUser(auth: Auth): Promise<User> {
	signingIn ??= (async () => {
		await auth.authStateReady();
		return auth.currentUser ?? (await signInAnonymously(auth)).user;
	})();
	signingIn.catch(() => (signingIn = null));
	return signingIn;
}
