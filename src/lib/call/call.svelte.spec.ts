// One Call against a small fake peer link and fake timers: the connect timeout, liveness
// pings, ICE restart on silence or a failed connection, and the end after a long silence.
// What the browser suite shows with real sleeps, here in virtual time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LobbyEntry } from '$shared/model';
import type { Backend } from './backend';
import type { Client } from './call.svelte';

const fake = vi.hoisted(() => ({
	links: [] as {
		restarts: number;
		sent: string[];
		open: boolean;
		closed: boolean;
		handlers: {
			channelOpen(): void;
			message(data: unknown): void;
			connectionState(state: RTCPeerConnectionState): void;
		};
	}[]
}));

vi.mock('./peerLink', () => ({
	PeerLink: class {
		readonly pc = {
			remoteDescription: null,
			signalingState: 'stable',
			iceConnectionState: 'new',
			iceGatheringState: 'new',
			connectionState: 'new',
			getStats: () => Promise.resolve(new Map())
		};
		readonly record: (typeof fake.links)[number];
		constructor(_role: string, _options: unknown, handlers: (typeof fake.links)[number]['handlers']) {
			this.record = { restarts: 0, sent: [], open: false, closed: false, handlers };
			fake.links.push(this.record);
		}
		acceptDescription() {}
		acceptCandidates() {}
		restartIce() {
			this.record.restarts++;
			return true;
		}
		send(data: string) {
			if (!this.record.open || this.record.closed) return false;
			this.record.sent.push(data);
			return true;
		}
		close() {
			this.record.closed = true;
		}
	}
}));

const { Call, CALL_TIMING } = await import('./call.svelte');

const match: Extract<LobbyEntry, { status: 'matched' }> = {
	status: 'matched',
	mode: 'text',
	interests: [],
	language: null,
	joinedAtMs: 0,
	heartbeatAtMs: 0,
	callId: 'call-1',
	matchedAtMs: 1,
	partner: 'them',
	role: 'offerer',
	commonInterests: []
};

describe('a call in virtual time', () => {
	let ended: { type: string }[];
	let troubles: boolean[];
	let endedIfActive: string[];
	let signalReads: number;
	let call: InstanceType<typeof Call>;

	beforeEach(() => {
		vi.useFakeTimers({ now: Date.UTC(2030, 0, 1, 12) });
		fake.links = [];
		ended = [];
		troubles = [];
		endedIfActive = [];
		signalReads = 0;
		const backend = {
			SignalOutbox: class {
				publishDescription() {}
				add() {}
				flush() {
					return Promise.resolve();
				}
				close() {}
			},
			watchPartnerSignals: () => () => {},
			watchLobbyEntry: () => () => {},
			readPartnerSignals: () => {
				signalReads++;
				return Promise.resolve(null);
			},
			endCall: () => Promise.resolve(),
			endCallIfActive: (_db: unknown, callId: string) => {
				endedIfActive.push(callId);
				return Promise.resolve();
			}
		};
		call = new Call({
			// The call uses only these parts of the backend and the client.
			backend: backend as unknown as Backend,
			client: { app: {}, auth: {}, db: {}, emulated: true, emulatorHost: '127.0.0.1' } as unknown as Client,
			uid: 'me',
			match,
			rtcConfig: { iceServers: [] },
			media: null,
			name: null,
			ownMedia: () => null,
			events: {
				open: () => {},
				trouble: (troubled) => troubles.push(troubled),
				line: () => {},
				ended: (end) => ended.push(end),
				failed: (error) => {
					throw error;
				}
			}
		});
		call.start();
	});
	afterEach(() => {
		call.terminate();
		vi.useRealTimers();
	});

	const link = () => fake.links[0]!;
	function open() {
		link().open = true;
		link().handlers.channelOpen();
	}
	const pings = () => link().sent.filter((raw) => raw.includes('"ping"')).length;

	it('no data channel within the connect timeout: a failed connection, released, and ended for the partner too', async () => {
		await vi.advanceTimersByTimeAsync(CALL_TIMING.connectTimeoutMs - 1);
		expect(ended).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		expect(ended).toEqual([{ type: 'connection-failed', error: expect.objectContaining({ code: 'connection-failed' }) }]);
		expect(link().closed).toBe(true);
		expect(call.signal.aborted).toBe(true);
		expect(endedIfActive).toEqual(['call-1']);
	});

	it("not connected: the partner's signals are read from the server again and again (a missed write strands nobody), and no more once connected", async () => {
		await vi.advanceTimersByTimeAsync(CALL_TIMING.signalingNudgeMs - 1);
		expect(signalReads).toBe(0);
		await vi.advanceTimersByTimeAsync(1);
		expect(signalReads).toBe(1);
		await vi.advanceTimersByTimeAsync(CALL_TIMING.signalingNudgeMs);
		expect(signalReads).toBe(2);
		open();
		await vi.advanceTimersByTimeAsync(CALL_TIMING.signalingNudgeMs * 3);
		expect(signalReads).toBe(2);
	});

	it('a channel that opens in time cancels the connect timeout', async () => {
		await vi.advanceTimersByTimeAsync(CALL_TIMING.connectTimeoutMs / 2);
		open();
		await vi.advanceTimersByTimeAsync(CALL_TIMING.connectTimeoutMs);
		expect(ended.filter((e) => e.type === 'connection-failed')).toEqual([]);
	});

	it('pings every interval while connected, and stops at the end', async () => {
		open();
		link().handlers.message(JSON.stringify({ kind: 'ping' }));
		await vi.advanceTimersByTimeAsync(CALL_TIMING.pingEveryMs * 2);
		expect(pings()).toBe(2);
		call.terminate();
		await vi.advanceTimersByTimeAsync(CALL_TIMING.pingEveryMs * 3);
		expect(pings()).toBe(2);
	});

	it('a short silence is trouble: ICE restarts, at most once per restart interval, and hearing from them clears it', async () => {
		open();
		// Silent, but not yet for long enough.
		await vi.advanceTimersByTimeAsync(CALL_TIMING.pingEveryMs * 2);
		expect(troubles).toEqual([]);
		expect(link().restarts).toBe(0);
		// The first tick past the trouble threshold restarts ICE.
		await vi.advanceTimersByTimeAsync(CALL_TIMING.pingEveryMs);
		expect(troubles).toEqual([true]);
		expect(link().restarts).toBe(1);
		// Still silent on the next tick, but within the restart interval: no second restart.
		await vi.advanceTimersByTimeAsync(CALL_TIMING.pingEveryMs);
		expect(link().restarts).toBe(1);
		link().handlers.message(JSON.stringify({ kind: 'ping' }));
		await vi.advanceTimersByTimeAsync(CALL_TIMING.pingEveryMs);
		expect(troubles).toEqual([true, false]);
		expect(ended).toEqual([]);
	});

	it('the wall clock jumping ahead is not silence: a partner heard a moment ago stays connected', async () => {
		open();
		await vi.advanceTimersByTimeAsync(CALL_TIMING.pingEveryMs);
		link().handlers.message(JSON.stringify({ kind: 'ping' }));
		// The computer sets its clock, or a paused machine resumes: Date.now() leaps, time does not.
		vi.setSystemTime(Date.now() + 60_000);
		await vi.advanceTimersByTimeAsync(CALL_TIMING.pingEveryMs);
		expect(troubles).toEqual([]);
		expect(ended).toEqual([]);
		expect(link().restarts).toBe(0);
	});

	it('a failed connection restarts ICE at once', () => {
		open();
		link().handlers.connectionState('failed');
		expect(link().restarts).toBe(1);
	});

	it('a long silence means the stranger is gone: the call ends as lost', async () => {
		open();
		await vi.advanceTimersByTimeAsync(CALL_TIMING.silenceLostMs + CALL_TIMING.pingEveryMs);
		expect(ended).toEqual([{ type: 'connection-lost' }]);
		expect(link().closed).toBe(true);
		expect(endedIfActive).toEqual(['call-1']);
	});
});
