// One RTCPeerConnection with the chat data channel (and the user's camera/mic in video and
// audio modes), for one call. Roles are fixed by the matchmaker: the offerer makes every
// offer, including ICE restarts; the answerer only answers. So offers never collide (no
// glare) and the rules can hold each member to its own kind of description.
//
// Signaling arrives from Firestore snapshots that do not wait for each other, so every
// step that touches the connection's descriptions runs on one promise chain, in order.
// Remote candidates that arrive before the remote description are buffered.
import type { IceCandidateRecord, SessionDescriptionRecord } from '$shared/model';

export type PeerRole = 'offerer' | 'answerer';

export interface PeerLinkEvents {
	/** A local offer or answer to publish to the partner. */
	description(description: SessionDescriptionRecord): void;
	/** A local ICE candidate, or null when gathering is complete (time to flush). */
	candidate(candidate: RTCIceCandidateInit | null): void;
	channelOpen(): void;
	message(data: unknown): void;
	/** The data channel closed: the partner's page went away or hung up. */
	channelClosed(): void;
	/** Every change of the connection state; the session decides what trouble means. */
	connectionState(state: RTCPeerConnectionState): void;
	remoteStream(stream: MediaStream): void;
	error(error: Error): void;
}

export interface PeerLinkOptions {
	rtcConfig: RTCConfiguration;
	/** Camera and/or microphone to send; null in text mode. */
	localStream: MediaStream | null;
}

const candidateKey = (c: IceCandidateRecord) => `${c.usernameFragment}|${c.sdpMid}|${c.sdpMLineIndex}|${c.candidate}`;

export class PeerLink {
	readonly pc: RTCPeerConnection;
	readonly channel: RTCDataChannel;
	#localStream: MediaStream | null;
	#tracksAttached = false;
	#chain: Promise<void> = Promise.resolve();
	#seenCandidates = new Set<string>();
	#pendingCandidates: IceCandidateRecord[] = [];
	#lastRemoteSdp: string | null = null;
	#closed = false;

	constructor(
		readonly role: PeerRole,
		options: PeerLinkOptions,
		private readonly events: PeerLinkEvents
	) {
		this.pc = new RTCPeerConnection(options.rtcConfig);
		this.#localStream = options.localStream;
		// Negotiated with a fixed id, so both sides create the same channel up front and
		// neither waits for an `ondatachannel` event.
		this.channel = this.pc.createDataChannel('chat', { negotiated: true, id: 0, ordered: true });
		this.channel.onopen = () => this.events.channelOpen();
		this.channel.onmessage = (event) => this.events.message(event.data);
		this.channel.onclose = () => {
			if (!this.#closed) this.events.channelClosed();
		};
		this.pc.onicecandidate = (event) => this.events.candidate(event.candidate ? event.candidate.toJSON() : null);
		this.pc.onconnectionstatechange = () => this.events.connectionState(this.pc.connectionState);
		this.pc.ontrack = (event) => this.events.remoteStream(event.streams[0] ?? new MediaStream([event.track]));
		if (role === 'offerer') {
			// The offer carries our tracks; the answerer attaches its own once it has it.
			this.#attachLocalTracks();
			this.pc.onnegotiationneeded = () =>
				this.#serially(async () => {
					await this.pc.setLocalDescription();
					this.#publishLocal();
				});
		}
	}

	/** Applies the partner's offer (answerer) or answer (offerer); repeats are ignored. */
	acceptDescription(description: SessionDescriptionRecord): void {
		this.#serially(async () => {
			if (description.sdp === this.#lastRemoteSdp) return;
			const expected = this.role === 'offerer' ? 'answer' : 'offer';
			if (description.type !== expected) return;
			if (description.type === 'answer' && this.pc.signalingState !== 'have-local-offer') return;
			this.#lastRemoteSdp = description.sdp;
			await this.pc.setRemoteDescription(description);
			if (description.type === 'offer') {
				// After the offer, addTrack reuses the transceivers it created: no renegotiation.
				this.#attachLocalTracks();
				await this.pc.setLocalDescription();
				this.#publishLocal();
			}
			await this.#addCandidates(this.#pendingCandidates.splice(0));
		});
	}

	/** Takes the partner's whole candidate list; only new entries are added. */
	acceptCandidates(candidates: IceCandidateRecord[]): void {
		const fresh = candidates.filter((c) => !this.#seenCandidates.has(candidateKey(c)));
		fresh.forEach((c) => this.#seenCandidates.add(candidateKey(c)));
		if (fresh.length === 0) return;
		this.#serially(async () => {
			if (!this.pc.remoteDescription) this.#pendingCandidates.push(...fresh);
			else await this.#addCandidates(fresh);
		});
	}

	/** The offerer starts an ICE restart (network changed); the answerer has nothing to do. */
	restartIce(): boolean {
		if (this.role !== 'offerer' || this.#closed) return false;
		this.pc.restartIce();
		return true;
	}

	/** Swaps the track we send of the same kind (another camera or mic), without renegotiating. */
	async replaceTrack(track: MediaStreamTrack): Promise<void> {
		const transceiver = this.pc
			.getTransceivers()
			.find((t) => (t.sender.track?.kind ?? t.receiver.track.kind) === track.kind);
		await transceiver?.sender.replaceTrack(track);
	}

	send(data: string): boolean {
		if (this.channel.readyState !== 'open') return false;
		this.channel.send(data);
		return true;
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.channel.onclose = null;
		this.pc.onconnectionstatechange = null;
		this.pc.onicecandidate = null;
		this.pc.onnegotiationneeded = null;
		this.pc.ontrack = null;
		this.channel.close();
		this.pc.close();
	}

	#attachLocalTracks(): void {
		if (this.#tracksAttached || !this.#localStream) return;
		this.#tracksAttached = true;
		for (const track of this.#localStream.getTracks()) this.pc.addTrack(track, this.#localStream);
	}

	async #addCandidates(candidates: IceCandidateRecord[]): Promise<void> {
		for (const c of candidates) {
			try {
				await this.pc.addIceCandidate(c);
			} catch (error) {
				// A stale or malformed candidate from the stranger must not end the call.
				console.warn('Ignoring an ICE candidate the browser refused', error);
			}
		}
	}

	#publishLocal(): void {
		const local = this.pc.localDescription;
		if (!local || (local.type !== 'offer' && local.type !== 'answer')) return;
		this.events.description({ type: local.type, sdp: local.sdp });
	}

	#serially(step: () => Promise<void>): void {
		this.#chain = this.#chain.then(async () => {
			if (this.#closed) return;
			try {
				await step();
			} catch (error) {
				if (!this.#closed) this.events.error(error instanceof Error ? error : new Error(String(error)));
			}
		});
	}
}
