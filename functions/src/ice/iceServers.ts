// The `iceServers` callable: STUN URLs plus TURN URLs with credentials that expire, for
// the signed-in caller. Configured by params (functions/.env.<project>, Secret Manager),
// so no TURN secret ever ships in the web app.
import { defineInt, defineSecret, defineString } from 'firebase-functions/params';
import { HttpsError, onCall } from 'firebase-functions/v2/https';
import type { IceServersResponse } from '../shared/ice';
import { RUNTIME } from '../runtime';
import { iceServersFor, splitUrls } from './turnCredentials';

/** Comma-separated `stun:` URLs handed to every client. */
const stunUrls = defineString('STUN_URLS', {
	default: 'stun:stun.l.google.com:19302',
	description: 'Comma-separated STUN URLs, e.g. stun:stun.l.google.com:19302'
});
/** Comma-separated `turn:`/`turns:` URLs of a coturn run with `use-auth-secret`; empty for no TURN. */
const turnUrls = defineString('TURN_URLS', {
	default: '',
	description: 'Comma-separated TURN URLs, e.g. turn:turn.example.com:3478?transport=udp (empty: no TURN)'
});
const turnTtlSeconds = defineInt('TURN_TTL_SECONDS', {
	default: 3600,
	description: 'How long a TURN credential stays valid, in seconds'
});
/** coturn's `static-auth-secret`. Lives in Secret Manager (or functions/.secret.local on the emulator). */
const turnSecret = defineSecret('TURN_SECRET');

export const iceServers = onCall({ ...RUNTIME.iceServers, secrets: [turnSecret] }, (request): IceServersResponse => {
	const uid = request.auth?.uid;
	if (!uid) throw new HttpsError('unauthenticated', 'Sign in first: ICE servers are handed to signed-in users only.');
	if (!isEmpty(request.data)) throw new HttpsError('invalid-argument', 'iceServers takes no arguments.');
	return iceServersFor({
		stunUrls: splitUrls(stunUrls.value()),
		turnUrls: splitUrls(turnUrls.value()),
		secret: turnSecret.value(),
		uid,
		nowMs: Date.now(),
		ttlSeconds: turnTtlSeconds.value()
	});
});

/** `httpsCallable(fn)()` sends null; accept an empty object too. */
function isEmpty(data: unknown): boolean {
	if (data === null || data === undefined) return true;
	return typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length === 0;
}
