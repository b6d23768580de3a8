import { describe, expect, it } from 'vitest';
import { initialCallState, transition, type CallEvent, type CallState } from './callState';

const oops = { code: 'unavailable', message: 'Cannot reach the servers.' };

function run(...events: CallEvent[]): CallState {
	return events.reduce<CallState>((state, event) => transition(state, event) ?? state, initialCallState);
}

describe('call state machine', () => {
	it('walks Start → searching → connecting → connected', () => {
		expect(run({ type: 'start' }).phase).toBe('starting');
		expect(run({ type: 'start' }, { type: 'joined' }).phase).toBe('searching');
		expect(run({ type: 'start' }, { type: 'joined' }, { type: 'matched' }).phase).toBe('connecting');
		expect(run({ type: 'start' }, { type: 'joined' }, { type: 'matched' }, { type: 'channel-open' }).phase).toBe(
			'connected'
		);
	});

	const connected: CallEvent[] = [{ type: 'start' }, { type: 'joined' }, { type: 'matched' }, { type: 'channel-open' }];

	it('says why a call ended', () => {
		expect(run(...connected, { type: 'partner-left' })).toEqual({ phase: 'ended', endReason: 'partner-left', error: null });
		expect(run(...connected, { type: 'left' }).endReason).toBe('you-left');
		expect(run(...connected, { type: 'reported' })).toEqual({ phase: 'ended', endReason: 'you-reported', error: null });
		// A report after the call ended keeps the reason it ended for.
		expect(transition(run(...connected, { type: 'partner-left' }), { type: 'reported' })).toBeNull();
		expect(run(...connected, { type: 'connection-lost' }).endReason).toBe('connection-lost');
		// Silence before the call ever connected is a failed connection, not a lost one.
		expect(transition(run(...connected.slice(0, 3)), { type: 'connection-lost' })).toBeNull();
		expect(run(...connected, { type: 'connection-failed', error: oops })).toEqual({
			phase: 'ended',
			endReason: 'connection-failed',
			error: oops
		});
	});

	it('ignores a partner leaving once we have left ourselves', () => {
		const left = run(...connected, { type: 'left' });
		expect(transition(left, { type: 'partner-left' })).toBeNull();
	});

	it('ignores events that do not belong to the phase', () => {
		expect(transition(initialCallState, { type: 'matched' })).toBeNull();
		expect(transition(initialCallState, { type: 'channel-open' })).toBeNull();
		expect(transition(run({ type: 'start' }), { type: 'matched' })).toBeNull(); // not in the lobby yet
		expect(transition(run({ type: 'start' }, { type: 'joined' }), { type: 'partner-left' })).toBeNull();
	});

	it('lets Next start a new search from a call, the lobby or an ended call, clearing the old reason', () => {
		for (const before of [connected, [...connected, { type: 'partner-left' } as const], connected.slice(0, 2)]) {
			expect(run(...before, { type: 'start' })).toEqual({ phase: 'starting', endReason: null, error: null });
		}
		expect(transition(run({ type: 'start' }), { type: 'start' })).toBeNull(); // no double start
	});

	it('turns any failure into an ended state that carries the error', () => {
		expect(run({ type: 'start' }, { type: 'failed', error: oops })).toEqual({ phase: 'ended', endReason: null, error: oops });
		expect(run(...connected, { type: 'failed', error: oops }).error).toEqual(oops);
	});

	it('Stop returns to idle from anywhere', () => {
		expect(run(...connected, { type: 'stopped' })).toEqual(initialCallState);
		expect(run({ type: 'start' }, { type: 'joined' }, { type: 'stopped' })).toEqual(initialCallState);
		expect(transition(initialCallState, { type: 'stopped' })).toBeNull();
	});
});
