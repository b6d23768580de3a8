import { describe, expect, it } from 'vitest';
import {
	decodeCandidate,
	encodeCandidate,
	isInterest,
	LIMITS,
	normalizeInterests,
	normalizeLanguage,
	parseCallDoc,
	parseLobbyEntry,
	parseSignalDoc,
	DocumentShapeError
} from './model';

const ts = (ms: number) => ({ toMillis: () => ms });

describe('interests and language', () => {
	it('normalises what people type into tags the rules accept', () => {
		expect(normalizeInterests(['#Music', ' board   games ', 'music', 'Café, 音楽'])).toEqual([
			'music',
			'board games',
			'café',
			'音楽'
		]);
		expect(normalizeInterests(['a', 'b', 'c', 'd', 'e', 'f'])).toHaveLength(5);
		expect(normalizeInterests(['!!!', '   ', '--'])).toEqual([]);
		const long = normalizeInterests(['x'.repeat(40)]);
		expect(long).toEqual(['x'.repeat(24)]);
		for (const tag of normalizeInterests(['#Music', 'a-b-', 'Ünïcödé ok', 'x'.repeat(23) + ' y'])) expect(isInterest(tag)).toBe(true);
	});

	it('accepts ISO 639 codes and treats anything else as any language', () => {
		expect(normalizeLanguage('DE')).toBe('de');
		expect(normalizeLanguage('english')).toBeNull();
		expect(normalizeLanguage('')).toBeNull();
		expect(normalizeLanguage(null)).toBeNull();
	});
});

describe('document parsers', () => {
	const entry = {
		status: 'waiting',
		mode: 'video',
		interests: ['music'],
		language: 'en',
		joinedAt: ts(1),
		heartbeatAt: ts(2)
	};

	it('reads a lobby entry', () => {
		expect(parseLobbyEntry('lobby/u', entry)).toEqual({
			status: 'waiting',
			mode: 'video',
			interests: ['music'],
			language: 'en',
			joinedAtMs: 1,
			heartbeatAtMs: 2
		});
	});

	it('names the document and the field when a document is malformed', () => {
		expect(() => parseLobbyEntry('lobby/u', { ...entry, mode: 'smoke-signals' })).toThrow(DocumentShapeError);
		expect(() => parseLobbyEntry('lobby/u', { ...entry, joinedAt: 7 })).toThrow(/lobby\/u.*joinedAt/);
		expect(() => parseLobbyEntry('lobby/u', { ...entry, status: 'matched' })).toThrow(/callId/);
	});

	it('refuses a call whose members or offerer make no sense', () => {
		const call = {
			members: ['a', 'b'],
			offerer: 'a',
			mode: 'text',
			commonInterests: [],
			status: 'active',
			createdAt: ts(1),
			endedBy: null,
			endedAt: null
		};
		expect(parseCallDoc('calls/c', call).members).toEqual(['a', 'b']);
		expect(() => parseCallDoc('calls/c', { ...call, members: ['a', 'a'] })).toThrow(/members/);
		expect(() => parseCallDoc('calls/c', { ...call, offerer: 'z' })).toThrow(/offerer/);
	});

	it('reads a matched entry with the partner and role the page starts the call from', () => {
		const matched = { ...entry, status: 'matched', callId: 'c1', matchedAt: ts(3), partner: 'p', role: 'offerer', commonInterests: ['music'] };
		expect(parseLobbyEntry('lobby/u', matched)).toMatchObject({
			status: 'matched',
			callId: 'c1',
			partner: 'p',
			role: 'offerer',
			commonInterests: ['music']
		});
		expect(() => parseLobbyEntry('lobby/u', { ...matched, role: 'caller' })).toThrow(/role/);
		expect(() => parseLobbyEntry('lobby/u', { ...matched, partner: undefined })).toThrow(/partner/);
	});

	it("reads a member's signals, dropping malformed candidates but not a malformed description", () => {
		const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'u' };
		const line = encodeCandidate(candidate);
		const description = { type: 'offer', sdp: 'v=0' };
		expect(parseSignalDoc('s', { description, candidates: [line, candidate, 7, 'junk'] })).toEqual({
			description,
			candidates: [candidate]
		});
		// Candidates can come first (an ICE restart's trickle) or alone.
		expect(parseSignalDoc('s', { candidates: [line] })).toEqual({ description: null, candidates: [candidate] });
		expect(parseSignalDoc('s', { description })).toEqual({ description, candidates: [] });
		expect(() => parseSignalDoc('s', { description: { type: 'pranswer', sdp: 'x' } })).toThrow(/type/);
		expect(() => parseSignalDoc('s', { description: { type: 'offer', sdp: 'x'.repeat(40_000) } })).toThrow(/sdp/);
		expect(() => parseSignalDoc('s', { candidates: 'all of them' })).toThrow(/candidates/);
	});

	it('stores a candidate as one line and reads it back, nulls included', () => {
		const full = {
			candidate: 'candidate:842163049 1 udp 1677729535 203.0.113.7 50000 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Ab+/ network-cost 999',
			sdpMid: 'audio-1',
			sdpMLineIndex: 12,
			usernameFragment: 'Ab+/'
		};
		expect(decodeCandidate(encodeCandidate(full))).toEqual(full);
		const bare = { candidate: 'candidate:1 1 udp 1 x.local 5000 typ host', sdpMid: null, sdpMLineIndex: null, usernameFragment: null };
		expect(encodeCandidate(bare)).toBe(' '.repeat(3) + bare.candidate);
		expect(decodeCandidate(encodeCandidate(bare))).toEqual(bare);
	});

	it('refuses to store a candidate the rules would refuse, so it cannot sink its batch', () => {
		const ok = { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'u' };
		expect(encodeCandidate({ ...ok, candidate: 'c'.repeat(LIMITS.candidateMaxChars) })).not.toBeNull();
		expect(encodeCandidate({ ...ok, candidate: 'c'.repeat(LIMITS.candidateMaxChars + 1) })).toBeNull();
		expect(encodeCandidate({ ...ok, sdpMid: 'm'.repeat(LIMITS.candidateFieldMaxChars + 1) })).toBeNull();
		expect(encodeCandidate({ ...ok, usernameFragment: 'u u' })).toBeNull();
		expect(encodeCandidate({ ...ok, candidate: `${ok.candidate} ü` })).toBeNull();
		expect(encodeCandidate({ ...ok, candidate: '' })).toBeNull();
		expect(decodeCandidate('0 0 u candidate\nnext')).toBeNull();
		expect(decodeCandidate({ candidate: 'x' })).toBeNull();
	});
});
