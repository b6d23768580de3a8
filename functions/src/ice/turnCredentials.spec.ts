import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseIceServersResponse } from '../shared/ice';
import { iceServersFor, splitUrls, turnCredentials } from './turnCredentials';

const SECRET = 'north-wind';
const NOW_MS = 1_700_000_000_500; // 2023-11-14T22:13:20.5Z

const base = {
	stunUrls: ['stun:stun.example.org:3478'],
	turnUrls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
	secret: SECRET,
	uid: 'alice',
	nowMs: NOW_MS,
	ttlSeconds: 600
};

describe('turnCredentials (TURN REST API scheme)', () => {
	it('signs `<expiry>:<uid>` with HMAC-SHA1 of the secret, base64-encoded', () => {
		const { username, credential } = turnCredentials(SECRET, 'alice', NOW_MS, 600);
		expect(username).toBe('1700000600:alice');
		// Known answer, computed independently of the code under test.
		expect(credential).toBe(createHmac('sha1', SECRET).update('1700000600:alice').digest('base64'));
		expect(credential).toMatch(/^[A-Za-z0-9+/]{27}=$/); // 20 bytes of SHA-1
	});

	it('puts the expiry ttl seconds after now, in whole seconds, and reports it in ms', () => {
		const { username, expiresAtMs } = turnCredentials(SECRET, 'bob', NOW_MS, 3600);
		const expiry = Number(username.split(':')[0]);
		expect(expiry).toBe(Math.floor(NOW_MS / 1000) + 3600);
		expect(expiresAtMs).toBe(expiry * 1000);
		expect(expiresAtMs - NOW_MS).toBeGreaterThan(3599_000);
		expect(expiresAtMs - NOW_MS).toBeLessThanOrEqual(3600_000);
	});

	it('gives different credentials to different users, secrets and times', () => {
		const one = turnCredentials(SECRET, 'alice', NOW_MS, 600).credential;
		expect(turnCredentials(SECRET, 'bob', NOW_MS, 600).credential).not.toBe(one);
		expect(turnCredentials('other-secret', 'alice', NOW_MS, 600).credential).not.toBe(one);
		expect(turnCredentials(SECRET, 'alice', NOW_MS + 1000, 600).credential).not.toBe(one);
	});

	it('refuses an empty secret, an empty uid and a lifetime that is not a positive whole number', () => {
		expect(() => turnCredentials('', 'alice', NOW_MS, 600)).toThrow(/secret/);
		expect(() => turnCredentials(SECRET, '', NOW_MS, 600)).toThrow(/uid/);
		for (const ttl of [0, -5, 1.5, Number.NaN]) {
			expect(() => turnCredentials(SECRET, 'alice', NOW_MS, ttl)).toThrow(/lifetime/);
		}
	});
});

describe('iceServersFor', () => {
	it('lists STUN without credentials and TURN with credentials for the uid', () => {
		const { iceServers, expiresAtMs } = iceServersFor(base);
		expect(iceServers).toEqual([
			{ urls: ['stun:stun.example.org:3478'] },
			{
				urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
				username: '1700000600:alice',
				credential: createHmac('sha1', SECRET).update('1700000600:alice').digest('base64')
			}
		]);
		expect(expiresAtMs).toBe(1_700_000_600_000);
	});

	it('embeds the caller’s uid in the TURN username', () => {
		const turn = iceServersFor({ ...base, uid: 'K3yq9V2uid' }).iceServers.find((s) => s.username);
		expect(turn?.username).toMatch(/^\d+:K3yq9V2uid$/);
	});

	it('has no TURN entry without TURN URLs or without a secret', () => {
		const stunOnly = [{ urls: ['stun:stun.example.org:3478'] }];
		expect(iceServersFor({ ...base, turnUrls: [] }).iceServers).toEqual(stunOnly);
		expect(iceServersFor({ ...base, secret: '' }).iceServers).toEqual(stunOnly);
		expect(iceServersFor({ ...base, stunUrls: [], secret: '' }).iceServers).toEqual([]);
		// Still an expiry, so clients refresh their configuration.
		expect(iceServersFor({ ...base, turnUrls: [] }).expiresAtMs).toBe(1_700_000_600_000);
	});

	it('produces what the shared parser accepts', () => {
		const response = iceServersFor(base);
		expect(parseIceServersResponse(JSON.parse(JSON.stringify(response)))).toEqual(response);
	});
});

describe('splitUrls', () => {
	it('splits a comma-separated param, trimming and dropping empties', () => {
		expect(splitUrls(' stun:a:3478, stun:b:3478 ,,')).toEqual(['stun:a:3478', 'stun:b:3478']);
		expect(splitUrls('')).toEqual([]);
	});
});

describe('parseIceServersResponse', () => {
	const good = { iceServers: [{ urls: ['stun:a:3478'] }], expiresAtMs: 1 };

	it('accepts a well-formed response', () => {
		expect(parseIceServersResponse(good)).toEqual(good);
	});

	it.each([
		['null', null, /not an object/],
		['no expiry', { iceServers: [] }, /expiresAtMs/],
		['servers not a list', { iceServers: {}, expiresAtMs: 1 }, /not a list/],
		['empty urls', { iceServers: [{ urls: [] }], expiresAtMs: 1 }, /urls/],
		['a string for urls', { iceServers: [{ urls: 'stun:a:3478' }], expiresAtMs: 1 }, /urls/],
		['an http URL', { iceServers: [{ urls: ['http://a'] }], expiresAtMs: 1 }, /urls/],
		['username without credential', { iceServers: [{ urls: ['turn:a'], username: 'u' }], expiresAtMs: 1 }, /both/],
		['numeric credential', { iceServers: [{ urls: ['turn:a'], username: 'u', credential: 5 }], expiresAtMs: 1 }, /both/]
	])('rejects %s', (_name, data, problem) => {
		expect(() => parseIceServersResponse(data)).toThrow(problem);
	});
});
