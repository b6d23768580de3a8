// Binding this browser's anonymous uid to its device token (the `bindDevice` callable,
// functions/src/safety/). The token is 128 random bits kept in localStorage, nothing else:
// no fingerprinting. The server stores only a salted hash of it, and a ban or the blocks
// from reports follow that hash to the next uid this browser signs in as. The rules refuse
// a lobby join from a uid that was never bound, so the session binds before joining.
import type { FirebaseApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { DEVICE_TOKEN_PATTERN, parseBindResponse, type BindResponse } from '$shared/safety';
import { FUNCTIONS_EMULATOR_PORT, FUNCTIONS_REGION } from '../call/iceServers';

export const DEVICE_TOKEN_KEY = 'tangent.deviceToken';

/** The storage the token lives in: localStorage in the browser. */
export type TokenStore = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * This browser's device token, made on first use. Where storage is unavailable (private
 * modes that refuse it) the token lasts as long as the page: binding still works, the
 * ban simply does not outlive the page there.
 */
export function deviceToken(store: TokenStore | null, random: (bytes: Uint8Array) => void = (b) => crypto.getRandomValues(b)): string {
	try {
		const kept = store?.getItem(DEVICE_TOKEN_KEY);
		if (kept && DEVICE_TOKEN_PATTERN.test(kept)) return kept;
	} catch {
		// Storage refused: fall through to a token for this page.
	}
	const bytes = new Uint8Array(16);
	random(bytes);
	const token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
	try {
		store?.setItem(DEVICE_TOKEN_KEY, token);
	} catch {
		// As above.
	}
	return token;
}

const bound = new Map<string, Promise<BindResponse>>();

/**
 * Binds `uid` to this browser's device token, once per uid and page (a failed attempt is
 * retried on the next call). Resolves with the ban the device carries, if any.
 */
export function bindThisDevice(app: FirebaseApp, emulatedHost: string | null, uid: string): Promise<BindResponse> {
	let binding = bound.get(uid);
	if (!binding) {
		const functions = getFunctions(app, FUNCTIONS_REGION);
		if (emulatedHost !== null) connectFunctionsEmulator(functions, emulatedHost, FUNCTIONS_EMULATOR_PORT);
		const store = typeof localStorage === 'undefined' ? null : localStorage;
		binding = httpsCallable(functions, 'bindDevice')({ deviceToken: deviceToken(store) }).then((r) => parseBindResponse(r.data));
		bound.set(uid, binding);
		binding.catch(() => bound.delete(uid));
	}
	return binding;
}
