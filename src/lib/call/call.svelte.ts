// One call, from the match to its end: the peer link, the signal outbox, the partner's
// signals, the connect timeout, liveness (pings, ICE restart), the chat inbox and the files
// shared in it. Everything it starts is released by one idempotent `terminate()`, which
// aborts the call's AbortSignal; every write checks that signal first, so nothing of this
// call reaches the server, the page or the session once it is over.
import type { CallRole, LobbyEntry, SignalDoc } from '$shared/model';
import { cleanDisplayName } from '$shared/displayName';
import { Inbox } from '../chat/inbox';
import { encodeWire, type WireMessage } from '../chat/wire';
import { codeOf, userError } from '../errors';
import type { FileShare } from '../files/fileShare.svelte';
import type { Backend } from './backend';
import type { CallEvent, UserFacingError } from './callState';
import { PeerLink } from './peerLink';
import { summarizeStats, type ConnectionQuality, type PacketCounters } from './quality';

export type Client = Awaited<ReturnType<Backend['firebaseClient']>>;
export type MatchedEntry = Extract<LobbyEntry, { status: 'matched' }>;
/** How a call can end that the user did not ask for. */
export type CallEnd = Extract<CallEvent, { type: 'partner-left' | 'connection-failed' | 'connection-lost' }>;

export const CALL_TIMING = {
	/** Give up on a call whose data channel has not opened by then. */
	connectTimeoutMs: 20_000,
	/** Re-read the partner's signals from the server if their description has not arrived by then. */
	signalingNudgeMs: 8_000,
	/** How often each side says "still here" over the data channel. */
	pingEveryMs: 2_000,
	/** Silence after which we try to repair the connection (ICE restart)… */
	silenceTroubleMs: 4_500,
	/** …and after which we tell the user the stranger is gone. */
	silenceLostMs: 10_000,
	iceRestartEveryMs: 4_000,
	typingShownMs: 3_500,
	statsEveryMs: 2_000,
	/**
	 * After the partner's goodbye, how long we leave the end of the call document to them.
	 * The goodbye travels faster than their write; ending it ourselves at once made us its
	 * `endedBy` whenever we won that race, and then the one who pressed Next could not undo
	 * it (a loaded browser run lost both undo tests that way). If their write never comes (the
	 * tab died just after), ours follows, if the call is still active.
	 */
	partnerEndGraceMs: 5_000,
	/**
	 * A partner who ends a call that never connected this late in our connect window gave up
	 * on the connection: their page started the same timeout from the same match, within a
	 * few seconds of ours (their listener may have heard of the match sooner). The
	 * connection failed for us just the same; a fresh-clone run showed "Stranger has left"
	 * there instead, a dead end, because the other page's timeout fired half a second first.
	 */
	partnerGaveUpAfterMs: 15_000
} as const;

/** What the call tells the session that coordinates it; none of these is called after the end. */
export interface CallEvents {
	/** The data channel opened: the call is connected. */
	open(): void;
	/** Connected, but silent or the network dropped (true), or heard from again (false). */
	trouble(troubled: boolean): void;
	/** Something the stranger said, or Tangent's notice about what was hidden. */
	line(from: 'stranger' | 'notice', text: string): void;
	/** The call ended from the other side or the network (it has already terminated). */
	ended(end: CallEnd): void;
	/** Something went wrong that ends the call (it has already terminated). */
	failed(error: unknown): void;
}

export interface CallSetup {
	backend: Backend;
	client: Client;
	uid: string;
	match: MatchedEntry;
	rtcConfig: RTCConfiguration;
	media: MediaStream | null;
	/** Shown to the stranger instead of "Stranger". */
	name: string | null | undefined;
	/** Our camera and mic as the user last set them; told to the stranger when the channel opens. */
	ownMedia: () => { camera: boolean; mic: boolean } | null;
	/** Loads file sharing once connected (lazily: it is not needed before). */
	loadFiles?: () => Promise<typeof import('../files/fileShare.svelte')>;
	events: CallEvents;
}

/**
 * Milliseconds on a clock that only moves forward, for the silences and intervals of a call.
 * Not Date.now(): the wall clock jumps when the computer sets its time (a browser run on a
 * VM that was paused lost two calls that way: its Date.now() leapt ahead of the time that
 * passed, and a partner heard from 2 s before was "lost" after 10 s of silence at once).
 */
function sinceStart(): number {
	return performance.now();
}

/** Signaling steps, at debug level: what a bug report or a failing browser test needs. */
function trace(callId: string, step: string, detail: Record<string, unknown> = {}): void {
	console.debug(`[tangent] call ${callId}: ${step}`, JSON.stringify(detail));
}

export class Call {
	readonly id: string;
	readonly partner: string;
	readonly role: CallRole;
	/** The stranger's media, while the call lasts. */
	remoteStream = $state<MediaStream | null>(null);
	/** The name the stranger chose, cleaned; null: "Stranger". Kept after the end ("Alex has left"). */
	partnerName = $state<string | null>(null);
	/** Whether the stranger's camera and mic are on, as they last said; null until they say. */
	partnerMedia = $state<{ camera: boolean; mic: boolean } | null>(null);
	strangerTyping = $state(false);
	connection = $state<ConnectionQuality | null>(null);
	/** Files shared in this call; its log stays readable after the end, until the call is disposed. */
	files = $state.raw<FileShare | null>(null);
	/** Why files cannot be shared in this call, in plain words; null when they can. */
	filesError = $state<string | null>(null);
	/** null until matched; empty when matched without a shared interest. */
	readonly commonInterests: string[];

	readonly #setup: CallSetup;
	readonly #abort = new AbortController();
	/** Aborted by `terminate()`: checked before every write and every event. */
	readonly signal = this.#abort.signal;
	readonly #link: PeerLink;
	readonly #inbox = new Inbox();
	#lastSignals: SignalDoc | null = null;
	readonly #createdAt = sinceStart();
	#lastHeardAt = this.#createdAt;
	#lastRestartAt = -Infinity;
	#connectionState: RTCPeerConnectionState = 'new';
	#connected = false;
	#greeted = false;
	#typingTimer: ReturnType<typeof setTimeout> | undefined;
	#localCandidates = 0;

	constructor(setup: CallSetup) {
		this.#setup = setup;
		const { match, rtcConfig } = setup;
		this.id = match.callId;
		this.partner = match.partner;
		this.role = match.role;
		this.commonInterests = match.commonInterests;
		const { backend, client, uid } = setup;
		const outbox = new backend.SignalOutbox(client.db, this.id, uid, (error) => this.#onSignalWriteFailed(error));
		this.#onAbort(() => outbox.close());
		trace(this.id, 'link opened', { role: this.role, relayOnly: rtcConfig.iceTransportPolicy === 'relay', iceServers: rtcConfig.iceServers?.length ?? 0 });
		this.#link = new PeerLink(
			this.role,
			{ rtcConfig, localStream: setup.media },
			{
				description: (description) => {
					if (this.signal.aborted) return;
					trace(this.id, `publishing ${description.type}`);
					outbox.publishDescription(description);
				},
				candidate: (candidate) => {
					if (this.signal.aborted) return;
					if (candidate) {
						this.#localCandidates++;
						outbox.add(candidate);
						return;
					}
					trace(this.id, 'gathering complete', { localCandidates: this.#localCandidates });
					void outbox.flush();
					// Relay-only and the relay gave us nothing (down, or refused us): no call can
					// happen, and waiting for the connect timeout would only say "firewall".
					if (this.#localCandidates === 0 && rtcConfig.iceTransportPolicy === 'relay') {
						this.#end({ type: 'connection-failed', error: userError('relay-unavailable') });
					}
				},
				channelOpen: () => {
					trace(this.id, 'data channel open');
					if (this.signal.aborted) return;
					void outbox.flush();
					this.#onOpen();
				},
				message: (data) => this.#onWire(data),
				channelClosed: () => this.#end({ type: 'partner-left' }),
				connectionState: (state) => {
					trace(this.id, `connection ${state}`);
					if (this.signal.aborted) return;
					this.#connectionState = state;
					if (state === 'failed' && this.#link.restartIce()) this.#lastRestartAt = sinceStart();
				},
				remoteStream: (stream) => {
					if (!this.signal.aborted) this.remoteStream = stream;
				},
				error: (error) => this.#fail(error)
			}
		);
		this.#onAbort(() => this.#link.close());
		this.#after(CALL_TIMING.connectTimeoutMs, () => {
			if (this.#connected) return;
			const pc = this.#link.pc;
			console.warn(`[tangent] call ${this.id}: no data channel after ${CALL_TIMING.connectTimeoutMs} ms`, JSON.stringify({
				role: this.role,
				signaling: pc.signalingState,
				ice: pc.iceConnectionState,
				gathering: pc.iceGatheringState,
				connection: pc.connectionState,
				hasRemoteDescription: Boolean(pc.remoteDescription),
				partnerDescription: this.#lastSignals?.description?.type ?? null,
				partnerCandidates: this.#lastSignals?.candidates.length ?? 0
			}));
			this.#end({ type: 'connection-failed', error: userError('connection-failed') });
		});
		this.#onAbort(() => {
			clearTimeout(this.#typingTimer);
			this.strangerTyping = false;
			this.remoteStream = null;
			this.files?.end();
		});
	}

	/**
	 * Starts listening: the partner's signals, and our lobby entry, which the cleanup marks
	 * left when the call ends from the other side.
	 */
	start(): void {
		const { backend, client, uid } = this.#setup;
		this.#onAbort(
			backend.watchPartnerSignals(client.db, this.id, this.partner, (signals) => this.#onPartnerSignals(signals), (error) => this.#fail(error))
		);
		this.#onAbort(
			backend.watchLobbyEntry(client.db, uid, (entry) => this.#onLobbyEntry(entry), (error) => this.#fail(error))
		);
		// Listeners can lag (seen on the emulator under load): if the partner's description
		// has not arrived after a while, ask the server directly once.
		// Again each time until connected: the partner's description can land after one re-read
		// and still be missed by the listener (seen once in a browser run), and a missed
		// candidate batch stalls a call that has its description just the same.
		const nudge = (): void => {
			if (this.#connected) return;
			trace(this.id, "not connected yet: reading the partner's signals from the server", {
				hasRemoteDescription: Boolean(this.#link.pc.remoteDescription)
			});
			backend
				.readPartnerSignals(client.db, this.id, this.partner)
				.then((signals) => signals && !this.signal.aborted && this.#onPartnerSignals(signals))
				.catch((error: unknown) => console.warn("Could not re-read the partner's signals", error));
			this.#after(CALL_TIMING.signalingNudgeMs, nudge);
		};
		this.#after(CALL_TIMING.signalingNudgeMs, nudge);
	}

	/** Sends over the data channel; false once the call is over or the channel is not open. */
	send(message: WireMessage): boolean {
		return !this.signal.aborted && this.#link.send(encodeWire(message));
	}

	replaceTrack(track: MediaStreamTrack): Promise<void> {
		return this.signal.aborted ? Promise.resolve() : this.#link.replaceTrack(track);
	}

	/**
	 * We end it (Next, Stop, report, a closing page): a goodbye over the data channel, then
	 * the end in the call document, unless the server already knows it is over.
	 */
	async leave(): Promise<void> {
		if (this.signal.aborted) return;
		this.send({ kind: 'bye' });
		this.terminate();
		await this.#markEnded('ours');
	}

	/** Idempotent: releases every listener, timer, track and the peer connection. */
	terminate(): void {
		this.#abort.abort();
	}

	/** The next search began: the files' log goes too. */
	dispose(): void {
		this.terminate();
		this.files?.dispose();
	}

	#serverEnded = false;
	#askedAboutRefusal = false;

	#onLobbyEntry(entry: LobbyEntry | null): void {
		if (this.signal.aborted) return;
		if (entry?.status === 'matched' && entry.callId === this.id) return;
		// Waiting is our own join as the cache still has it (when the search's listener missed
		// the match and a read found it): the entry cannot go back to waiting during a call.
		if (entry?.status === 'waiting') return;
		// Otherwise it changes only when the call ends: the cleanup function marks it left (or,
		// much later, the sweep deletes it). We did not end it (ending terminates first), so
		// the partner did.
		this.#endedByPartner();
	}

	/** The server has the call ended, and not by us: nothing to mark. */
	#endedByPartner(): void {
		this.#serverEnded = true;
		if (!this.#connected && sinceStart() - this.#createdAt >= CALL_TIMING.partnerGaveUpAfterMs) {
			this.#end({ type: 'connection-failed', error: userError('connection-failed') });
			return;
		}
		this.#end({ type: 'partner-left' });
	}

	/**
	 * A signal write failed. Refused, it is most often a partner who ended the call while we
	 * were still negotiating (the rules take signals for active calls only), a moment before
	 * our lobby entry says so: a browser run showed "The server refused that request" to the
	 * one left behind. Ask the server which it is before calling it a failure.
	 */
	#onSignalWriteFailed(error: Error): void {
		if (this.signal.aborted || codeOf(error) !== 'permission-denied') {
			this.#fail(error);
			return;
		}
		// The writes queued behind it are refused too: one question settles them all.
		if (this.#askedAboutRefusal) return;
		this.#askedAboutRefusal = true;
		const { backend, client } = this.#setup;
		backend.isCallActive(client.db, this.id).then(
			(active) => {
				if (this.signal.aborted) return;
				if (active) this.#fail(error);
				else this.#endedByPartner();
			},
			() => this.#fail(error)
		);
	}

	#onPartnerSignals(signals: SignalDoc): void {
		if (this.signal.aborted) return;
		this.#lastSignals = signals;
		trace(this.id, 'partner signals', { description: signals.description?.type ?? null, candidates: signals.candidates.length });
		// The description first: candidates that come with it are for the session it describes.
		if (signals.description) this.#link.acceptDescription(signals.description);
		this.#link.acceptCandidates(signals.candidates);
	}

	#onOpen(): void {
		this.#connected = true;
		this.#lastHeardAt = sinceStart();
		this.#setup.events.open();
		const name = cleanDisplayName(this.#setup.name);
		if (name) this.send({ kind: 'hello', name });
		const own = this.#setup.ownMedia();
		if (own) this.send({ kind: 'media', ...own });
		this.#watchLiveness();
		void this.#shareFiles();
	}

	async #shareFiles(): Promise<void> {
		const load = this.#setup.loadFiles;
		if (!load) return;
		const sharing = await load().catch((error: unknown) => {
			console.error('Could not load file sharing', error);
			if (!this.signal.aborted) this.filesError = "Files can't be shared in this chat: that part of the page didn't load. Text chat still works.";
			return null;
		});
		if (!sharing || this.signal.aborted) return;
		const { client, uid } = this.#setup;
		this.files = new sharing.FileShare(this.id, uid, sharing.firebaseFileBackend(client, this.id, uid));
		this.files.start();
	}

	#onWire(data: unknown): void {
		if (this.signal.aborted) return;
		this.#lastHeardAt = sinceStart(); // anything at all means they are still there
		const { message, notice } = this.#inbox.receive(data);
		if (notice) this.#setup.events.line('notice', notice);
		if (!message) return;
		switch (message.kind) {
			case 'text':
				this.#setTyping(false);
				this.#setup.events.line('stranger', message.text);
				break;
			case 'typing':
				this.#setTyping(true);
				break;
			case 'bye':
				this.#end({ type: 'partner-left' }, 'partner-ends-it');
				break;
			case 'hello':
				// A name is set once per call, never changed mid-chat.
				if (this.#greeted) break;
				this.#greeted = true;
				this.partnerName = message.name;
				break;
			case 'media':
				this.partnerMedia = { camera: message.camera, mic: message.mic };
				break;
			case 'ping':
				break;
		}
	}

	#setTyping(typing: boolean): void {
		clearTimeout(this.#typingTimer);
		this.strangerTyping = typing;
		if (typing) this.#typingTimer = setTimeout(() => (this.strangerTyping = false), CALL_TIMING.typingShownMs);
	}

	/**
	 * Once connected: ping the partner, and watch for silence. A short silence (or a
	 * disconnected/failed ICE state) means trouble: restart ICE, as a network change needs.
	 * A long one means the partner is gone: a closed lid, a dead network.
	 */
	#watchLiveness(): void {
		let troubledBefore = false;
		this.#every(CALL_TIMING.pingEveryMs, () => {
			this.send({ kind: 'ping' });
			const silence = sinceStart() - this.#lastHeardAt;
			const troubled =
				silence > CALL_TIMING.silenceTroubleMs || this.#connectionState === 'disconnected' || this.#connectionState === 'failed';
			if (troubled !== troubledBefore) this.#setup.events.trouble(troubled);
			troubledBefore = troubled;
			if (silence > CALL_TIMING.silenceLostMs) {
				this.#end({ type: 'connection-lost' });
				return;
			}
			if (troubled && sinceStart() - this.#lastRestartAt > CALL_TIMING.iceRestartEveryMs && this.#link.restartIce()) {
				this.#lastRestartAt = sinceStart();
			}
		});
		let counters: PacketCounters | null = null;
		this.#every(CALL_TIMING.statsEveryMs, () => {
			this.#link.pc
				.getStats()
				.then((report) => {
					if (this.signal.aborted) return;
					const summary = summarizeStats(statsOf(report), counters);
					counters = summary.counters;
					this.connection = summary.quality;
				})
				.catch(() => {});
		});
	}

	/**
	 * The call ended from the other side or the network: release it, mark it ended, tell the
	 * session. 'partner-ends-it': they said goodbye, so their own write is on its way.
	 */
	#end(end: CallEnd, marking: 'we-end-it' | 'partner-ends-it' = 'we-end-it'): void {
		if (this.signal.aborted) return;
		this.terminate();
		// Mark it ended for the partner too if they have not (a lost connection, say). Not tied
		// to this call's lifetime: the session may have moved on by then.
		if (marking === 'we-end-it') void this.#markEnded('if-active');
		else setTimeout(() => void this.#markEnded('if-active'), CALL_TIMING.partnerEndGraceMs);
		this.#setup.events.ended(end);
	}

	#fail(error: unknown): void {
		if (this.signal.aborted) {
			// A write queued before the end may be refused afterwards: it changes nothing.
			console.warn(`[tangent] call ${this.id}: after the end`, error);
			return;
		}
		this.terminate();
		this.#setup.events.failed(error);
	}

	/**
	 * 'ours': we leave a call we know is active, in one plain write. 'if-active': the end
	 * came from the partner or the network, and the partner has probably ended the document
	 * already; writing blindly would be refused (see endCallIfActive for why that matters).
	 */
	async #markEnded(how: 'ours' | 'if-active'): Promise<void> {
		if (this.#serverEnded) return;
		this.#serverEnded = true;
		const { backend, client, uid } = this.#setup;
		const end = how === 'ours' ? backend.endCall : backend.endCallIfActive;
		await end(client.db, this.id, uid).catch((error: unknown) => {
			console.warn('Could not mark the call ended', error);
		});
	}

	#onAbort(release: () => void): void {
		if (this.signal.aborted) release();
		else this.signal.addEventListener('abort', release, { once: true });
	}

	#after(ms: number, run: () => void): void {
		const timer = setTimeout(() => {
			if (!this.signal.aborted) run();
		}, ms);
		this.#onAbort(() => clearTimeout(timer));
	}

	#every(ms: number, run: () => void): void {
		const timer = setInterval(() => {
			if (!this.signal.aborted) run();
		}, ms);
		this.#onAbort(() => clearInterval(timer));
	}
}

/** Reads the connection's stats as plain records (the browser's report is a maplike of unknowns). */
function statsOf(report: RTCStatsReport): { type: string; id: string }[] {
	const out: { type: string; id: string }[] = [];
	report.forEach((value: unknown) => {
		if (typeof value === 'object' && value !== null) {
			const type: unknown = Reflect.get(value, 'type');
			const id: unknown = Reflect.get(value, 'id');
			if (typeof type === 'string' && typeof id === 'string') out.push({ ...value, type, id });
		}
	});
	return out;
}

export type { UserFacingError };
