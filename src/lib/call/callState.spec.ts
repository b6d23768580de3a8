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
		expect(run({ type: 'start' }, { type: 'joined' }, { type: 'matched' }, { type: 'channel-open', callId: 'c' }).phase).toBe(
			'connected'
		);
	});

	const connected: CallEvent[] = [{ type: 'start' }, { type: 'joined' }, { type: 'matched' }, { type: 'channel-open', callId: 'call-1' }];

	it('says why a call ended', () => {
		expect(run(...connected, { type: 'partner-left' })).toMatchObject({ phase: 'ended', endReason: 'partner-left', error: null });
		expect(run(...connected, { type: 'left' }).endReason).toBe('you-left');
		expect(run(...connected, { type: 'reported' })).toMatchObject({ phase: 'ended', endReason: 'you-reported', error: null });
		// A report after the call ended keeps the reason it ended for.
		expect(transition(run(...connected, { type: 'partner-left' }), { type: 'reported' })).toBeNull();
		expect(run(...connected, { type: 'connection-lost' }).endReason).toBe('connection-lost');
		// Silence before the call ever connected is a failed connection, not a lost one.
		expect(transition(run(...connected.slice(0, 3)), { type: 'connection-lost' })).toBeNull();
		expect(run(...connected, { type: 'connection-failed', error: oops })).toMatchObject({
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
		expect(transition(initialCallState, { type: 'channel-open', callId: 'c' })).toBeNull();
		expect(transition(run({ type: 'start' }), { type: 'matched' })).toBeNull(); // not in the lobby yet
		expect(transition(run({ type: 'start' }, { type: 'joined' }), { type: 'partner-left' })).toBeNull();
	});

	it('lets Next start a new search from a call, the lobby or an ended call, clearing the old reason', () => {
		for (const before of [connected, [...connected, { type: 'partner-left' } as const], connected.slice(0, 2)]) {
			expect(run(...before, { type: 'start' })).toEqual({ ...initialCallState, phase: 'starting' });
		}
		expect(transition(run({ type: 'start' }), { type: 'start' })).toBeNull(); // no double start
	});

	it('turns any failure into an ended state that carries the error', () => {
		expect(run({ type: 'start' }, { type: 'failed', error: oops })).toMatchObject({ phase: 'ended', endReason: null, error: oops });
		expect(run(...connected, { type: 'failed', error: oops }).error).toEqual(oops);
	});

	it('Stop returns to idle from anywhere', () => {
		expect(run(...connected, { type: 'stopped' })).toEqual(initialCallState);
		expect(run({ type: 'start' }, { type: 'joined' }, { type: 'stopped' })).toEqual(initialCallState);
		expect(transition(initialCallState, { type: 'stopped' })).toBeNull();
	});

	it('a failure after the call ended, or after Stop, changes nothing (a refused signal write queued before the end)', () => {
		expect(transition(run(...connected, { type: 'partner-left' }), { type: 'failed', error: oops })).toBeNull();
		expect(transition(run(...connected, { type: 'stopped' }), { type: 'failed', error: oops })).toBeNull();
	});

	it('a search started after a failed connection says why until the next call connects', () => {
		const note = 'Could not connect to that stranger. Looking for someone else…';
		const again = run(...connected.slice(0, 3), { type: 'connection-failed', error: oops }, { type: 'start', notice: note });
		expect(again).toMatchObject({ phase: 'starting', error: null, notice: note });
		expect(run(...connected.slice(0, 3), { type: 'start', notice: note }, { type: 'joined' }, { type: 'matched' }).notice).toBe(note);
		expect(run({ type: 'start', notice: note }, { type: 'joined' }, { type: 'matched' }, { type: 'channel-open', callId: 'c' }).notice).toBeNull();
		expect(run({ type: 'start', notice: note }, { type: 'stopped' }).notice).toBeNull();
	});

	it('reconnecting is a state of a connected call, gone when it ends', () => {
		const troubled = run(...connected, { type: 'trouble' });
		expect(troubled.reconnecting).toBe(true);
		expect(run(...connected, { type: 'trouble' }, { type: 'recovered' }).reconnecting).toBe(false);
		expect(run(...connected, { type: 'trouble' }, { type: 'connection-lost' }).reconnecting).toBe(false);
		expect(transition(run(...connected.slice(0, 3)), { type: 'trouble' })).toBeNull(); // not yet connected
	});

	it('a call is reportable from its open channel until the next search, and reported once', () => {
		expect(run(...connected.slice(0, 3)).reportable).toBeNull();
		expect(run(...connected).reportable).toBe('call-1');
		expect(run(...connected, { type: 'partner-left' }).reportable).toBe('call-1');
		expect(run(...connected, { type: 'partner-left' }, { type: 'start' }).reportable).toBeNull();
		const reported = run(...connected, { type: 'reported' }, { type: 'report-sent', callId: 'call-1' });
		expect(reported.reported).toBe(true);
		expect(transition(reported, { type: 'report-sent', callId: 'call-1' })).toBeNull();
		// A report about an older call that lands late marks nothing on the new one.
		expect(transition(run(...connected), { type: 'report-sent', callId: 'call-0' })).toBeNull();
	});
});
