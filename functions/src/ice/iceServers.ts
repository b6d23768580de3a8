// The `iceServers` callable: STUN URLs plus TURN URLs with credentials that expire, for
// the signed-in caller. Configured by params (functions/.env.<project>, Secret Manager),
// so no TURN secret ever ships in the web app.
import { defineInt, defineSecret, defineString } from 'firebase-functions/params';
import { HttpsError, onCall } from 'firebase-functions/v2/https';
import type { Firestore } from 'firebase-admin/firestore';
import { appCheckOptions } from '../appCheck';
import { db } from '../firestore';
import type { IceServersResponse } from '../shared/ice';
import { COLLECTIONS, parseCallDoc, parseLobbyEntry, type CallDoc, type LobbyEntry } from '../shared/model';
import { RUNTIME } from '../runtime';
import { isBanActive, parseBanDoc, SAFETY_COLLECTIONS, SAFETY_LIMITS } from '../shared/safety';
import { checkRates, RateLimited, retryIn } from '../safety/rateLimits';
import { mayUseRelay } from './entitlement';
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

/**
 * TURN credentials open a relay that costs money per byte, so they go only to people who
 * are chatting: someone whose lobby entry is waiting, or matched into a live call they are
 * a member of (mayUseRelay); not to the banned; and at most SAFETY_LIMITS.iceServers
 * times an hour per person. The username names the uid, so relay use in coturn's logs
 * leads back to an account. coturn checks only the signature and the expiry, so a
 * credential outlives the call it was fetched for: the app fetches them once it has
 * joined, so a call connects without waiting, and reuses them for its next calls until a
 * minute before they expire (TURN_TTL_SECONDS, an hour: a long call keeps its relay).
 */
export const iceServers = onCall({ ...RUNTIME.iceServers, ...appCheckOptions(), secrets: [turnSecret] }, async (request): Promise<IceServersResponse> => {
	const uid = request.auth?.uid;
	if (!uid) throw new HttpsError('unauthenticated', 'Sign in first: ICE servers are handed to signed-in users only.');
	if (!isEmpty(request.data)) throw new HttpsError('invalid-argument', 'iceServers takes no arguments.');
	const nowMs = Date.now();
	await admit(db(), uid, nowMs);
	return iceServersFor({
		stunUrls: splitUrls(stunUrls.value()),
		turnUrls: splitUrls(turnUrls.value()),
		secret: turnSecret.value(),
		uid,
		nowMs,
		ttlSeconds: turnTtlSeconds.value()
	});
});

/**
 * Refuses the banned and those over their rate limit; counts this request otherwise.
 *
 * Only the rate-limit record is read in the transaction. A server transaction locks what
 * it reads until it commits, and the caller's page writes its lobby entry (heartbeats)
 * and its call while this runs: a client write that meets a lock waits, is aborted, and
 * the SDK retries it after a back-off, holding every later write of that page (its
 * answer, its candidates) behind it. Entitlement is a check at the time of asking, so
 * plain reads are as good here.
 */
async function admit(firestore: Firestore, uid: string, nowMs: number): Promise<void> {
	const banRef = firestore.collection(SAFETY_COLLECTIONS.bans).doc(uid);
	const [banSnap, [entry, call]] = await Promise.all([banRef.get(), entryAndCall(firestore, uid)]);
	const ban = banSnap.exists ? parseBanDoc(banRef.path, banSnap.data() ?? {}) : null;
	if (isBanActive(ban, nowMs)) {
		throw new HttpsError('permission-denied', 'You are banned from chatting for now, so you get no relay either.');
	}
	if (!mayUseRelay(uid, entry, call)) {
		throw new HttpsError('failed-precondition', 'Connection servers are for people in a chat or looking for one. Start a chat first.');
	}
	try {
		await firestore.runTransaction(async (tx) => {
			const record = await checkRates(tx, firestore, [{ action: 'iceServers', key: uid, limit: SAFETY_LIMITS.iceServers }], nowMs);
			record();
		});
	} catch (error) {
		if (error instanceof RateLimited) {
			throw new HttpsError('resource-exhausted', `Too many requests for connection servers. Try again ${retryIn(error.retryAtMs, nowMs)}.`);
		}
		throw error;
	}
}

/** The caller's lobby entry and, if it is matched, its call (null where missing). */
async function entryAndCall(firestore: Firestore, uid: string): Promise<[LobbyEntry | null, CallDoc | null]> {
	const entryRef = firestore.collection(COLLECTIONS.lobby).doc(uid);
	const entrySnap = await entryRef.get();
	if (!entrySnap.exists) return [null, null];
	const entry = parseLobbyEntry(entryRef.path, entrySnap.data() ?? {});
	if (entry.status !== 'matched') return [entry, null];
	const callRef = firestore.collection(COLLECTIONS.calls).doc(entry.callId);
	const callSnap = await callRef.get();
	return [entry, callSnap.exists ? parseCallDoc(callRef.path, callSnap.data() ?? {}) : null];
}

/** `httpsCallable(fn)()` sends null; accept an empty object too. */
function isEmpty(data: unknown): boolean {
	if (data === null || data === undefined) return true;
	return typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length === 0;
}
