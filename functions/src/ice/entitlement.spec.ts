import { describe, expect, it } from 'vitest';
import type { CallDoc, LobbyEntry } from '../shared/model';
import { mayUseRelay } from './entitlement';

const common = { mode: 'video' as const, interests: [], language: null, joinedAtMs: 1, heartbeatAtMs: 1 };
const waiting: LobbyEntry = { ...common, status: 'waiting' };
const left: LobbyEntry = { ...common, status: 'left' };
const matched: Extract<LobbyEntry, { status: 'matched' }> = {
	...common,
	status: 'matched',
	callId: 'c1',
	matchedAtMs: 2,
	partner: 'bob',
	role: 'offerer',
	commonInterests: []
};
const call: CallDoc = {
	members: ['alice', 'bob'],
	offerer: 'alice',
	mode: 'video',
	commonInterests: [],
	status: 'active',
	createdAtMs: 2,
	endedBy: null,
	endedAtMs: null
};

describe('mayUseRelay', () => {
	it('lets a person looking for a partner, or in a live call, have the relay', () => {
		expect(mayUseRelay('alice', waiting, null)).toBe(true);
		expect(mayUseRelay('alice', matched, call)).toBe(true);
	});

	it('refuses someone who never joined, left, or whose call is over, gone or not theirs', () => {
		expect(mayUseRelay('alice', null, null)).toBe(false);
		expect(mayUseRelay('alice', left, null)).toBe(false);
		expect(mayUseRelay('alice', matched, { ...call, status: 'ended', endedBy: 'bob', endedAtMs: 3 })).toBe(false);
		expect(mayUseRelay('alice', matched, null)).toBe(false);
		expect(mayUseRelay('mallory', { ...matched, partner: 'alice' }, call)).toBe(false);
	});
});
