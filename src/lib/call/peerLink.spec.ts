// PeerLink against a small fake RTCPeerConnection: the order of signaling steps, candidate
// buffering and the closed/failed reports. The real thing runs in the browser e2e tests.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PeerLink, type PeerLinkEvents } from './peerLink';

class FakeChannel {
	readyState: RTCDataChannelState = 'connecting';
	sent: string[] = [];
	onopen: (() => void) | null = null;
	onmessage: ((e: { data: unknown }) => void) | null = null;
	onclose: (() => void) | null = null;
	send(data: string) {
		this.sent.push(data);
	}
	close() {
		this.readyState = 'closed';
	}
}

class FakePeerConnection {
	static last: FakePeerConnection;
	log: string[] = [];
	channel = new FakeChannel();
	signalingState: RTCSignalingState = 'stable';
	connectionState: RTCPeerConnectionState = 'new';
	localDescription: { type: string; sdp: string } | null = null;
	remoteDescription: { type: string; sdp: string } | null = null;
	onicecandidate: ((e: { candidate: { toJSON(): RTCIceCandidateInit } | null }) => void) | null = null;
	onnegotiationneeded: (() => void) | null = null;
	onconnectionstatechange: (() => void) | null = null;
	ontrack: ((e: { streams: unknown[]; track: unknown }) => void) | null = null;
	tracks: string[] = [];
	restarts = 0;
	constructor() {
		FakePeerConnection.last = this;
	}
	createDataChannel() {
		queueMicrotask(() => this.onnegotiationneeded?.());
		return this.channel;
	}
	async setLocalDescription() {
		const type = this.remoteDescription?.type === 'offer' ? 'answer' : 'offer';
		this.localDescription = { type, sdp: `local-${type}` };
		this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
		this.log.push(`local:${type}`);
	}
	async setRemoteDescription(d: { type: string; sdp: string }) {
		await Promise.resolve();
		this.remoteDescription = d;
		this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable';
		this.log.push(`remote:${d.type}`);
	}
	addTrack(track: { kind: string }) {
		this.tracks.push(track.kind);
		this.log.push(`track:${track.kind}`);
	}
	restartIce() {
		this.restarts++;
	}
	async addIceCandidate(c: { candidate: string }) {
		if (c.candidate === 'bad') throw new Error('refused');
		this.log.push(`candidate:${c.candidate}`);
	}
	close() {
		this.log.push('close');
	}
}

function events() {
	return {
		description: vi.fn<PeerLinkEvents['description']>(),
		candidate: vi.fn<PeerLinkEvents['candidate']>(),
		channelOpen: vi.fn<PeerLinkEvents['channelOpen']>(),
		message: vi.fn<PeerLinkEvents['message']>(),
		channelClosed: vi.fn<PeerLinkEvents['channelClosed']>(),
		connectionState: vi.fn<PeerLinkEvents['connectionState']>(),
		remoteStream: vi.fn<PeerLinkEvents['remoteStream']>(),
		error: vi.fn<PeerLinkEvents['error']>()
	} satisfies PeerLinkEvents;
}

const noMedia = { rtcConfig: {}, localStream: null };
const flush = () => new Promise((r) => setTimeout(r, 0));
const cand = (candidate: string) => ({ candidate, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null });

describe('PeerLink', () => {
	beforeEach(() => {
		vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
		vi.spyOn(console, 'warn').mockImplementation(() => {});
	});
	afterEach(() => vi.unstubAllGlobals());

	it('the offerer publishes an offer as soon as the channel needs negotiating', async () => {
		const ev = events();
		new PeerLink('offerer', noMedia, ev);
		await flush();
		expect(ev.description).toHaveBeenCalledWith({ type: 'offer', sdp: 'local-offer' });
	});

	it('the answerer never offers; it answers the offer once', async () => {
		const ev = events();
		const link = new PeerLink('answerer', noMedia, ev);
		await flush();
		expect(ev.description).not.toHaveBeenCalled();
		link.acceptDescription({ type: 'offer', sdp: 'remote-offer' });
		link.acceptDescription({ type: 'offer', sdp: 'remote-offer' }); // the same snapshot twice
		await flush();
		expect(ev.description).toHaveBeenCalledTimes(1);
		expect(ev.description).toHaveBeenCalledWith({ type: 'answer', sdp: 'local-answer' });
	});

	it('buffers candidates that arrive before the description, then adds each once', async () => {
		const link = new PeerLink('answerer', noMedia, events());
		const pc = FakePeerConnection.last;
		link.acceptCandidates([cand('c1')]);
		link.acceptCandidates([cand('c1'), cand('c2')]); // the whole list again, grown by one
		await flush();
		expect(pc.log).toEqual([]);
		link.acceptDescription({ type: 'offer', sdp: 'remote-offer' });
		await flush();
		expect(pc.log).toEqual(['remote:offer', 'local:answer', 'candidate:c1', 'candidate:c2']);
	});

	it('survives a candidate the browser refuses', async () => {
		const ev = events();
		const link = new PeerLink('answerer', noMedia, ev);
		link.acceptDescription({ type: 'offer', sdp: 'remote-offer' });
		link.acceptCandidates([cand('bad'), cand('good')]);
		await flush();
		expect(FakePeerConnection.last.log).toContain('candidate:good');
		expect(ev.error).not.toHaveBeenCalled();
	});

	it('ignores an answer when it has no offer outstanding', async () => {
		const link = new PeerLink('offerer', noMedia, events());
		link.acceptDescription({ type: 'answer', sdp: 'early' }); // before our offer is set
		await flush();
		expect(FakePeerConnection.last.log).toEqual(['local:offer']);
		link.acceptDescription({ type: 'answer', sdp: 'remote-answer' });
		await flush();
		expect(FakePeerConnection.last.log).toEqual(['local:offer', 'remote:answer']);
	});

	it('reports a closed channel and connection states, but not after its own close()', () => {
		const ev = events();
		const link = new PeerLink('offerer', noMedia, ev);
		const pc = FakePeerConnection.last;
		pc.connectionState = 'failed';
		pc.onconnectionstatechange?.();
		expect(ev.connectionState).toHaveBeenCalledWith('failed');
		pc.channel.onclose?.();
		expect(ev.channelClosed).toHaveBeenCalledTimes(1);
		link.close();
		link.close(); // idempotent
		expect(pc.log.filter((l) => l === 'close')).toHaveLength(1);
		expect(pc.channel.onclose).toBeNull();
	});

	it('sends only on an open channel', () => {
		const link = new PeerLink('offerer', noMedia, events());
		expect(link.send('x')).toBe(false);
		FakePeerConnection.last.channel.readyState = 'open';
		expect(link.send('x')).toBe(true);
		expect(FakePeerConnection.last.channel.sent).toEqual(['x']);
	});

	const stream = (...kinds: string[]) => ({ getTracks: () => kinds.map((kind) => ({ kind })) }) as unknown as MediaStream;

	it('the offerer sends its tracks in the first offer', async () => {
		new PeerLink('offerer', { rtcConfig: {}, localStream: stream('audio', 'video') }, events());
		await flush();
		expect(FakePeerConnection.last.log).toEqual(['track:audio', 'track:video', 'local:offer']);
	});

	it('the answerer attaches its tracks after the offer, so they ride on the offered transceivers', async () => {
		const link = new PeerLink('answerer', { rtcConfig: {}, localStream: stream('audio') }, events());
		expect(FakePeerConnection.last.tracks).toEqual([]);
		link.acceptDescription({ type: 'offer', sdp: 'remote-offer' });
		link.acceptDescription({ type: 'offer', sdp: 'restart-offer' }); // an ICE restart later
		await flush();
		expect(FakePeerConnection.last.log).toEqual([
			'remote:offer',
			'track:audio',
			'local:answer',
			'remote:offer',
			'local:answer'
		]);
	});

	it('only the offerer restarts ICE', () => {
		const offerer = new PeerLink('offerer', noMedia, events());
		expect(offerer.restartIce()).toBe(true);
		expect(FakePeerConnection.last.restarts).toBe(1);
		const answerer = new PeerLink('answerer', noMedia, events());
		expect(answerer.restartIce()).toBe(false);
		expect(FakePeerConnection.last.restarts).toBe(0);
	});
});
