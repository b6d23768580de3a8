// ICE servers for RTCPeerConnection: STUN, plus TURN with short-lived credentials, from the
// `iceServers` callable (functions/src/ice/). The TURN secret never reaches the browser;
// the credentials we get expire (TURN_TTL_SECONDS, an hour by default), so we keep one
// answer per app and fetch a new one shortly before it runs out.
import type { FirebaseApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions, httpsCallable, type HttpsCallable } from 'firebase/functions';
import { parseIceServersResponse, type IceServersResponse } from '$shared/ice';
import { FUNCTIONS_REGION } from '$shared/region';

export { FUNCTIONS_REGION };
export const FUNCTIONS_EMULATOR_PORT = 5001;
/** Fetch new credentials this long before the cached ones expire, so no call starts with dying ones. */
export const REFRESH_BEFORE_EXPIRY_MS = 60_000;

interface CacheEntry {
	response: Promise<IceServersResponse>;
	/** Infinity while the request is in flight: concurrent callers share it. */
	freshUntilMs: number;
}

const callables = new WeakMap<FirebaseApp, HttpsCallable<void, unknown>>();
const cache = new WeakMap<FirebaseApp, CacheEntry>();

/**
 * The ICE servers for this app's signed-in user, cached until a minute before they expire.
 * `emulatedHost` is the Emulator Suite's host (e.g. "127.0.0.1") when the app runs against
 * the emulators, else null. Rejects with the callable's FunctionsError (for example
 * `functions/unauthenticated` when nobody is signed in) or with a parse error.
 */
export function fetchIceServers(app: FirebaseApp, emulatedHost: string | null): Promise<IceServersResponse> {
	const cached = cache.get(app);
	if (cached && Date.now() < cached.freshUntilMs) return cached.response;

	const entry: CacheEntry = {
		response: callableFor(app, emulatedHost)().then((result) => parseIceServersResponse(result.data)),
		freshUntilMs: Infinity
	};
	cache.set(app, entry);
	entry.response.then(
		(response) => {
			entry.freshUntilMs = response.expiresAtMs - REFRESH_BEFORE_EXPIRY_MS;
		},
		() => {
			if (cache.get(app) === entry) cache.delete(app); // the next call tries again
		}
	);
	return entry.response;
}

function callableFor(app: FirebaseApp, emulatedHost: string | null): HttpsCallable<void, unknown> {
	let callable = callables.get(app);
	if (!callable) {
		const functions = getFunctions(app, FUNCTIONS_REGION);
		if (emulatedHost !== null) connectFunctionsEmulator(functions, emulatedHost, FUNCTIONS_EMULATOR_PORT);
		callable = httpsCallable<void, unknown>(functions, 'iceServers');
		callables.set(app, callable);
	}
	return callable;
}
