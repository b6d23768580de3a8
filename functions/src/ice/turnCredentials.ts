// Short-lived TURN credentials in the TURN REST API scheme
// (draft-uberti-behave-turn-rest-00), which coturn verifies with `use-auth-secret` and
// `static-auth-secret`: the TURN server and this function share a secret, and no
// per-user state exists anywhere.
//
//   username   = `${expiry unix seconds}:${uid}`
//   credential = base64(HMAC-SHA1(secret, username))
//
// coturn refuses a username whose timestamp has passed, and any credential not signed
// with its secret. Pure code: the caller passes the clock.
import { createHmac } from 'node:crypto';
import type { IceServer, IceServersResponse } from '../shared/ice';

export interface TurnCredentials {
	username: string;
	credential: string;
	/** The expiry written into the username, in ms. */
	expiresAtMs: number;
}

export function turnCredentials(secret: string, uid: string, nowMs: number, ttlSeconds: number): TurnCredentials {
	if (!secret) throw new Error('TURN credentials need a non-empty secret');
	if (!uid) throw new Error('TURN credentials need a uid');
	const expiry = expiryFor(nowMs, ttlSeconds);
	const username = `${expiry}:${uid}`;
	const credential = createHmac('sha1', secret).update(username).digest('base64');
	return { username, credential, expiresAtMs: expiry * 1000 };
}

export interface IceServersInput {
	stunUrls: readonly string[];
	turnUrls: readonly string[];
	/** Shared with the TURN server; empty means no TURN entry. */
	secret: string;
	uid: string;
	nowMs: number;
	ttlSeconds: number;
}

/**
 * STUN entries as configured; one TURN entry for all TURN URLs, with credentials for this
 * uid, when there are TURN URLs and a secret. `expiresAtMs` is given even without TURN so
 * clients refresh their configuration now and then.
 */
export function iceServersFor(input: IceServersInput): IceServersResponse {
	const { stunUrls, turnUrls, secret, uid, nowMs, ttlSeconds } = input;
	const iceServers: IceServer[] = [];
	if (stunUrls.length > 0) iceServers.push({ urls: [...stunUrls] });
	if (turnUrls.length > 0 && secret) {
		const { username, credential } = turnCredentials(secret, uid, nowMs, ttlSeconds);
		iceServers.push({ urls: [...turnUrls], username, credential });
	}
	return { iceServers, expiresAtMs: expiryFor(nowMs, ttlSeconds) * 1000 };
}

/** "stun:a:3478, stun:b:3478,," → ["stun:a:3478", "stun:b:3478"]. */
export function splitUrls(list: string): string[] {
	return list
		.split(',')
		.map((url) => url.trim())
		.filter((url) => url.length > 0);
}

function expiryFor(nowMs: number, ttlSeconds: number): number {
	if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
		throw new Error(`TURN credential lifetime must be a positive whole number of seconds, got ${ttlSeconds}`);
	}
	return Math.floor(nowMs / 1000) + ttlSeconds;
}
