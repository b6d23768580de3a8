import { Timestamp } from 'firebase-admin/firestore';
import { describe, expect, it } from 'vitest';
import { callLeftUnseen } from '../calls/endOnLeave';
import { isJoinWrite } from './matchmaker';
import { parseShardTask } from './tasks';

const waiting = (joinedAtMs: number, heartbeatAtMs = joinedAtMs) => ({
	status: 'waiting',
	mode: 'text',
	interests: [],
	language: null,
	joinedAt: Timestamp.fromMillis(joinedAtMs),
	heartbeatAt: Timestamp.fromMillis(heartbeatAtMs)
});

describe('which lobby writes run the matcher', () => {
	it('a first join, and a join over a matched or left entry, do', () => {
		expect(isJoinWrite(undefined, waiting(1))).toBe(true);
		expect(isJoinWrite({ ...waiting(1), status: 'matched' }, waiting(2))).toBe(true);
		expect(isJoinWrite({ ...waiting(1), status: 'left' }, waiting(2))).toBe(true);
		// "New chat" while still waiting: a fresh joinedAt is a new place in line.
		expect(isJoinWrite(waiting(1), waiting(2))).toBe(true);
	});

	it('heartbeats, leaves and the matcher’s own writes do not', () => {
		expect(isJoinWrite(waiting(1, 1), waiting(1, 10_001))).toBe(false);
		expect(isJoinWrite(waiting(1), { ...waiting(1), status: 'left' })).toBe(false);
		expect(isJoinWrite(waiting(1), { ...waiting(1), status: 'matched' })).toBe(false);
		expect(isJoinWrite(waiting(1), undefined)).toBe(false);
	});
});

describe('which lobby writes end a call', () => {
	const matched = { ...waiting(1), status: 'matched', callId: 'call-1', partner: 'p', role: 'offerer', commonInterests: [] };

	it('a leave from a matched entry (Stop before the page saw the match) names the call', () => {
		expect(callLeftUnseen(matched, { ...matched, status: 'left' })).toBe('call-1');
	});

	it('joins, heartbeats, matches and leaves while waiting do not', () => {
		expect(callLeftUnseen(waiting(1), { ...waiting(1), status: 'left' })).toBeNull();
		expect(callLeftUnseen(waiting(1), matched)).toBeNull();
		expect(callLeftUnseen(matched, waiting(2))).toBeNull();
		expect(callLeftUnseen(matched, undefined)).toBeNull();
		expect(callLeftUnseen({ ...matched, callId: 7 }, { ...matched, status: 'left' })).toBeNull();
	});
});

describe('shard task payloads', () => {
	it('reads a well-formed payload and refuses a malformed one', () => {
		const task = { mode: 'video', language: 'de', shard: 1, shards: 2, dueAtMs: 5_000 };
		expect(parseShardTask(task)).toEqual(task);
		expect(parseShardTask({ ...task, language: null }).language).toBeNull();
		expect(() => parseShardTask({ ...task, mode: 'smoke' })).toThrow(/mode/);
		expect(() => parseShardTask({ ...task, shard: 2 })).toThrow(/numbers/);
		expect(() => parseShardTask({ ...task, language: 'German' })).toThrow(/language/);
		expect(() => parseShardTask(null)).toThrow(/object/);
	});
});
