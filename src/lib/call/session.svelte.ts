// A chat session: the user's way through lobby → call → peer connection and back, for as
// many calls as they like. It owns every subscription, timer and connection it starts:
// `#teardownCall()` releases one call's worth, `#stopSearching()` the lobby's and
// `#stopWatchingEntry()` the watch on our lobby entry (which outlives the search: it also
// brings the end of the call), all idempotent.
import { isTimeout, sleep, withTimeout } from '../async';
import {
	LOBBY_HEARTBEAT_MS,
	normalizeInterests,
	normalizeLanguage,
	type CallRole,
	type ChatMode,
	type LobbyEntry,
	type SignalDoc
} from '$shared/model';
import { isBanActive, SAFETY_LIMITS, type BanDoc, type ReportReason } from '$shared/safety';
import { Inbox } from '../chat/inbox';
import { SEND_LIMIT, TokenBucket } from '../chat/rateLimit';
import { encodeWire, MAX_MESSAGE_CHARS, prepareText, type WireMessage } from '../chat/wire';
import { cleanDisplayName } from '$shared/displayName';
import { bannedError, toUserFacingError, userError } from '../errors';
import type { Backend } from './backend';
import {
	initialCallState,
	transition,
	type CallEvent,
	type CallState,
	type EndReason,
	type Phase,
	type UserFacingError
} from './callState';
import { PeerLink } from './peerLink';
import { summarizeStats, type ConnectionQuality, type PacketCounters } from './quality';

export type { ConnectionQuality, EndReason, Phase, UserFacingError };

export interface ChatLine {
	id: string;
	/** 'notice': Tangent telling the user something, such as hidden messages. */
	from: 'you' | 'stranger' | 'notice';
	text: string;
	at: number;
}

/** What became of a message the user typed; when refused, why (null: nothing to say). */
export type SendResult = { sent: true } | { sent: false; note: string | null };

export const SEND_TOO_FAST_NOTE = "You're sending messages too fast. Wait a moment, then send it again.";
export const SEND_TOO_LONG_NOTE = `Messages can be at most ${MAX_MESSAGE_CHARS} characters.`;
export const REPORTED_NOTICE = "Reported. You won't be matched with them again.";

/** A report that did not go through; the message says why, in plain words. */
export class ReportFailedError extends Error {
	override name = 'ReportFailedError';
}

export interface StartOptions {
	interests?: string[];
	language?: string | null;
	/** Relay-only ICE: the stranger never learns our address. */
	hideIp?: boolean;
	/** Camera and/or microphone for video and audio modes. */
	media?: MediaStream | null;
	/** Shown to each stranger instead of "Stranger"; sent over the data channel only. */
	name?: string | null;
}

/**
 * Joins at least this far apart, the rules' interval with a margin for the clocks: the
 * rules measure from the server's joinedAt, we from the acknowledgement.
 */
const JOIN_SPACING_MS = SAFETY_LIMITS.lobbyJoinMinIntervalMs + 100;
/** A join refused this often (neither a ban nor pacing) is a real refusal. */
const JOIN_ATTEMPTS = 3;
/** Give up on a call whose data channel has not opened by then. */
const CONNECT_TIMEOUT_MS = 20_000;
/** Re-read the partner's signals from the server if their description has not arrived by then. */
const SIGNALING_NUDGE_MS = 8_000;
/** A lobby write the server has not confirmed by then means we are offline. */
const WRITE_TIMEOUT_MS = 10_000;
/** How often each side says "still here" over the data channel. */
const PING_EVERY_MS = 2_000;
/** Silence after which we try to repair the connection (ICE restart)… */
const SILENCE_TROUBLE_MS = 4_500;
/** …and after which we tell the user the stranger is gone. */
const SILENCE_LOST_MS = 10_000;
const ICE_RESTART_EVERY_MS = 4_000;
const TYPING_SHOWN_MS = 3_500;
const TYPING_SEND_EVERY_MS = 2_000;
const STATS_EVERY_MS = 2_000;
const SEARCH_TICK_MS = 2_500;
/** A report the function has not answered by then is reported as not sent. */
const REPORT_TIMEOUT_MS = 20_000;

/** Signaling steps, at debug level: what a bug report or a failing browser test needs. */
function trace(callId: string, step: string, detail: Record<string, unknown> = {}): void {
	console.debug(`[tangent] call ${callId}: ${step}`, JSON.stringify(detail));
}

let backendModule: Promise<Backend> | null = null;
function loadBackend(): Promise<Backend> {
	backendModule ??= import('./backend');
	backendModule.catch(() => (backendModule = null));
	return backendModule;
}

/** Loads the SDK and signs in anonymously ahead of Start; errors surface on Start instead. */
export function prefetchFirebase(): void {
	loadBackend()
		.then(async (b) => b.signedInUser((await b.firebaseClient()).auth))
		.catch(() => {});
}

/**
 * Prefetches as above, then reads our own ban: the start page says it, with its end, before
 * anyone fills in the form. Null when there is none or it cannot be read (Start says why then).
 */
export async function readActiveBan(): Promise<BanDoc | null> {
	try {
		const backend = await loadBackend();
		const client = await backend.firebaseClient();
		const user = await backend.signedInUser(client.auth);
		const ban = await withTimeout(backend.readOwnBan(client.db, user.uid), WRITE_TIMEOUT_MS);
		return ban && isBanActive(ban, Date.now()) ? ban : null;
	} catch {
		return null;
	}
}

type Client = Awaited<ReturnType<Backend['firebaseClient']>>;

interface ActiveCall {
	id: string;
	partner: string;
	link: PeerLink;
	/** The server says the call is over (our lobby entry left it): nothing to mark ended. */
	ended: boolean;
	lastSignals: SignalDoc | null;
	stops: (() => void)[];
	lastHeardAt: number;
	lastRestartAt: number;
	connectionState: RTCPeerConnectionState;
	/** Ends the attempt if the data channel has not opened in time. */
	connectTimer: ReturnType<typeof setTimeout> | undefined;
	/** Checks and rate-limits what the stranger sends. */
	inbox: Inbox;
	/** The stranger's hello came: a name is set once per call, never changed mid-chat. */
	greeted: boolean;
}

export class ChatSession {
	#state = $state<CallState>(initialCallState);
	messages = $state<ChatLine[]>([]);
	#remoteStream = $state<MediaStream | null>(null);
	#strangerTyping = $state(false);
	#commonInterests = $state<string[] | null>(null);
	#connection = $state<ConnectionQuality | null>(null);
	#reconnecting = $state(false);
	/** The current or just-ended call, until the next search: the one a report is about. */
	#reportableCallId = $state<string | null>(null);
	#reportedCallId = $state<string | null>(null);
	/** The name the stranger of the current (or just-ended) call chose, cleaned; null: "Stranger". */
	#partnerName = $state<string | null>(null);
	/** Whether the stranger's camera and mic are on, as they last said; null until they say. */
	#partnerMedia = $state<{ camera: boolean; mic: boolean } | null>(null);
	/** Ours, told to each stranger when the call opens and on every change. */
	#ownMedia: { camera: boolean; mic: boolean } | null = null;
	readonly maxMessageLength = MAX_MESSAGE_CHARS;

	#backend: Backend | null = null;
	#client: Client | null = null;
	#uid: string | null = null;
	#mode: ChatMode = 'text';
	#options: StartOptions = {};
	#rtcConfig: Promise<RTCConfiguration> | null = null;
	#searchStops: (() => void)[] = [];
	/** The watch on our lobby entry: it tells us of a match, then (in the call) of its end. */
	#entryWatchStop: (() => void) | null = null;
	#lastEntry: LobbyEntry | null = null;
	#call: ActiveCall | null = null;
	/** Calls we have been in: a stale lobby snapshot naming one must not pull us back. */
	#pastCalls = new Set<string>();
	/** Bumped by every start/stop, so work from an earlier search drops its results. */
	#generation = 0;
	#typingTimer: ReturnType<typeof setTimeout> | undefined;
	#lastTypingSentAt = 0;
	#pageHideListening = false;
	/** The ID token a closing page's leave beacon carries (fetched while searching). */
	#beaconToken: string | null = null;
	/** When this page last wrote a lobby join (the rules refuse joins closer than SAFETY_LIMITS allow). */
	#lastJoinAt = Number.NEGATIVE_INFINITY;
	/** A join was written since we last left: leaving must mark the entry left (never an entry that does not exist). */
	#joinWritten = false;
	readonly #sendLimit = new TokenBucket(SEND_LIMIT);

	get phase(): Phase {
		return this.#state.phase;
	}
	get endReason(): EndReason | null {
		return this.#state.endReason;
	}
	get error(): UserFacingError | null {
		return this.#state.error;
	}
	get remoteStream(): MediaStream | null {
		return this.#remoteStream;
	}
	/** The stranger's chosen name, until the next search; null when they gave none (show "Stranger"). */
	get partnerName(): string | null {
		return this.#partnerName;
	}
	/** The stranger's camera and mic, as they last said (video and audio calls); null before they say. */
	get partnerMedia(): { camera: boolean; mic: boolean } | null {
		return this.#partnerMedia;
	}
	get strangerTyping(): boolean {
		return this.#strangerTyping;
	}
	/** null until matched; empty when matched without a shared interest. */
	get commonInterests(): string[] | null {
		return this.#commonInterests;
	}
	get connection(): ConnectionQuality | null {
		return this.#connection;
	}
	get reconnecting(): boolean {
		return this.#reconnecting;
	}
	/** For tests and diagnostics: the current call's id. */
	get callId(): string | null {
		return this.#call?.id ?? null;
	}
	/**
	 * The call a report would be about: the current one, or the one that just ended, until
	 * the next search starts (so never the previous stranger's once a new match comes).
	 */
	get reportableCallId(): string | null {
		return this.#reportableCallId;
	}
	/** The reportable call was reported (once per call). */
	get reported(): boolean {
		return this.#reportedCallId !== null && this.#reportedCallId === this.#reportableCallId;
	}
	/** The anonymous user's uid once a search has signed in; not reactive (read it on a phase change). */
	get uid(): string | null {
		return this.#uid;
	}
	/** The Firebase app and database once loaded (file sharing reuses them); not reactive. */
	get firebase(): Client | null {
		return this.#client;
	}

	async start(mode: ChatMode, options: StartOptions = {}): Promise<void> {
		this.#mode = mode;
		this.#options = { ...options, interests: normalizeInterests(options.interests ?? []) };
		this.#rtcConfig = null;
		if (!this.#pageHideListening && typeof window !== 'undefined') {
			window.addEventListener('pagehide', this.#onPageHide);
			this.#pageHideListening = true;
		}
		await this.#search();
	}

	/** Ends the current call (or search) and looks for someone new. */
	async next(): Promise<void> {
		await this.#leave();
		await this.#search();
	}

	/** Ends the current call (or search); the page goes back to the start. */
	async stop(): Promise<void> {
		this.#generation++;
		this.#reportableCallId = null;
		await this.#leave();
		this.#dispatch({ type: 'stopped' });
	}

	/** Sends a message if it may go: not empty, not too long, not too fast (SEND_LIMIT). */
	send(raw: string): SendResult {
		if (raw.trim().length > MAX_MESSAGE_CHARS) return { sent: false, note: SEND_TOO_LONG_NOTE };
		const text = prepareText(raw);
		if (text === null || this.phase !== 'connected' || !this.#call) return { sent: false, note: null };
		if (!this.#sendLimit.take()) return { sent: false, note: SEND_TOO_FAST_NOTE };
		const id = crypto.randomUUID();
		if (!this.#sendWire({ kind: 'text', id, text })) return { sent: false, note: null };
		this.#lastTypingSentAt = 0;
		this.messages.push({ id, from: 'you', text, at: Date.now() });
		return { sent: true };
	}

	/**
	 * Reports the stranger of the current or just-ended call (the `reportPartner` function
	 * also blocks the pair for good). During the call, reporting leaves it. Rejects with a
	 * ReportFailedError saying why in plain words; nothing changes then. With `attachName`,
	 * the name the stranger showed goes with it (our copy: the server never saw it).
	 */
	async report(reason: ReportReason, note: string, attachName = false): Promise<void> {
		const callId = this.#reportableCallId;
		const backend = this.#backend;
		const client = this.#client;
		if (!callId || !backend || !client) throw new ReportFailedError('There is no chat to report any more.');
		const name = attachName ? this.#partnerName : null;
		try {
			await withTimeout(backend.reportPartner(client.app, client.emulatorHost, { callId, reason, note, name }), REPORT_TIMEOUT_MS);
		} catch (error) {
			console.warn('Report not sent', error);
			// An earlier attempt that timed out here did land: it counts as reported.
			if (codeOf(error) === 'functions/already-exists') this.#reported(callId);
			throw new ReportFailedError(backend.reportErrorMessage(error));
		}
		this.#reported(callId);
	}

	/** Call on every keystroke in the composer; at most one signal goes out per 2 s. */
	notifyTyping(): void {
		const now = Date.now();
		if (this.phase !== 'connected' || now - this.#lastTypingSentAt < TYPING_SEND_EVERY_MS) return;
		if (this.#sendWire({ kind: 'typing' })) this.#lastTypingSentAt = now;
	}

	/** Our camera or mic was turned on or off: the stranger is told (they see "Camera off", "Muted"). */
	setMediaState(camera: boolean, mic: boolean): void {
		this.#ownMedia = { camera, mic };
		if (this.phase === 'connected') this.#sendWire({ kind: 'media', camera, mic });
	}

	/** After a device switch: send the new camera or mic track instead of the old one. */
	async replaceTrack(track: MediaStreamTrack): Promise<void> {
		const media = this.#options.media;
		if (media) {
			for (const old of media.getTracks().filter((t) => t.kind === track.kind && t !== track)) media.removeTrack(old);
			if (!media.getTracks().includes(track)) media.addTrack(track);
		}
		await this.#call?.link.replaceTrack(track);
	}

	/** Idempotent; also tells the partner and the lobby we are gone, best effort. */
	dispose(): void {
		this.#generation++;
		if (this.#pageHideListening) window.removeEventListener('pagehide', this.#onPageHide);
		this.#pageHideListening = false;
		void this.#leave();
	}

	#reported(callId: string): void {
		// Once per call; and not if a new search has begun meanwhile (the report still counts).
		if (this.#reportableCallId !== callId || this.#reportedCallId === callId) return;
		this.#reportedCallId = callId;
		this.messages.push({ id: crypto.randomUUID(), from: 'notice', text: REPORTED_NOTICE, at: Date.now() });
		// Leaving tells the partner at once (a goodbye); the call document follows in the background.
		if (this.#call?.id === callId) void this.#leave('reported');
	}

	#dispatch(event: CallEvent): void {
		const next = transition(this.#state, event);
		if (next) this.#state = next;
	}

	#fail(error: unknown, generation: number): void {
		if (generation !== this.#generation) return;
		console.error('Tangent chat session failed', error);
		this.#teardownCall();
		this.#stopSearching();
		this.#stopWatchingEntry();
		this.#dispatch({ type: 'failed', error: isUserFacing(error) ? error : toUserFacingError(error) });
	}

	// -- the lobby -------------------------------------------------------------------

	async #search(): Promise<void> {
		const generation = ++this.#generation;
		this.#dispatch({ type: 'start' });
		this.#stopWatchingEntry();
		this.#lastEntry = null;
		this.#reportableCallId = null;
		this.messages = [];
		this.#commonInterests = null;
		this.#partnerName = null;
		this.#partnerMedia = null;
		this.#remoteStream = null;
		this.#connection = null;
		try {
			const backend = (this.#backend ??= await loadBackend());
			const client = (this.#client ??= await backend.firebaseClient());
			const user = await backend.signedInUser(client.auth);
			this.#uid = user.uid;
			// The rules refuse joins from a uid not yet bound to this browser (once per uid).
			const binding = await withTimeout(backend.bindThisDevice(client.app, client.emulatorHost, user.uid), WRITE_TIMEOUT_MS);
			// A ban this browser (or, for a new browser, its network) carries applies at once.
			if (binding.bannedUntilMs !== null && binding.bannedUntilMs > Date.now()) throw bannedError(binding.bannedUntilMs);
			if (!(await this.#joinLobby(backend, client, user.uid, generation))) return;
			if (generation !== this.#generation) return;
			// Credentials are fetched while we wait for a partner, not after; the function
			// hands them only to someone in the lobby or in a call, so once we have joined.
			this.#rtcConfig ??= this.#loadRtcConfig(backend, client);
			this.#rtcConfig.catch(() => {}); // reported when a call needs it
			this.#dispatch({ type: 'joined' });
			// Watch only after the server has our fresh entry, so the first snapshot cannot be
			// the previous match.
			this.#entryWatchStop = backend.watchLobbyEntry(
				client.db,
				user.uid,
				(entry) => this.#onLobbyEntry(entry, generation),
				(error) => this.#fail(error, generation)
			);
			this.#keepLobbyEntryAlive(backend, client, user.uid, generation);
			backend.beaconTokenOf(user).then(
				(token) => (this.#beaconToken = token),
				(error: unknown) => console.warn('No token for the leave beacon', error)
			);
		} catch (error) {
			this.#fail(error, generation);
		}
	}

	/** Our waiting entry was taken out of the queue: banned (until when), or refused in general. */
	async #explainRemoval(generation: number): Promise<void> {
		const backend = this.#backend;
		const client = this.#client;
		if (!backend || !client || !this.#uid) return;
		let error: UserFacingError = userError('refused');
		try {
			const ban = await withTimeout(backend.readOwnBan(client.db, this.#uid), WRITE_TIMEOUT_MS);
			if (ban && isBanActive(ban, Date.now())) error = bannedError(ban.untilMs);
		} catch (banError) {
			console.warn('Could not read why the lobby dropped us', banError);
		}
		this.#fail(error, generation);
	}

	/**
	 * Puts us in line; false if the user moved on meanwhile (nothing is written then). The
	 * rules keep joins SAFETY_LIMITS.lobbyJoinMinIntervalMs apart, measured from the
	 * server's joinedAt: that is a wait here, never an error, so a reload, a second tab or
	 * a quick New chat simply waits it out. And a refused write is not always a refused
	 * join: when the SDK's write stream resets, it re-sends writes whose acknowledgement it
	 * lost, and the rules refuse the copy of a join that went through (and may already be
	 * matched). So a refusal is settled by reading: an active ban is final; our entry in
	 * line as we asked means we are in; otherwise the interval had not passed on the
	 * server (a reload: the previous page joined) and we wait it out and try again.
	 */
	async #joinLobby(backend: Backend, client: Client, uid: string, generation: number): Promise<boolean> {
		const request = { mode: this.#mode, interests: this.#options.interests ?? [], language: this.#options.language ?? null };
		for (let attempt = 1; ; attempt++) {
			await sleep(this.#lastJoinAt + JOIN_SPACING_MS - Date.now());
			if (generation !== this.#generation) return false;
			this.#joinWritten = true;
			try {
				await withTimeout(backend.joinLobby(client.db, uid, request), WRITE_TIMEOUT_MS);
				return true;
			} catch (error) {
				if (codeOf(error) !== 'permission-denied') {
					// Offline or slow: the write may still land later, so queue the leave behind it
					// (writes land in order), or the entry would wait for someone with nobody watching.
					if (isTimeout(error)) void backend.leaveLobby(client.db, uid).catch(() => {});
					throw error;
				}
			} finally {
				// The acknowledgement (or refusal) comes after the server stamped joinedAt.
				this.#lastJoinAt = Date.now();
			}
			const ban = await withTimeout(backend.readOwnBan(client.db, uid), WRITE_TIMEOUT_MS);
			if (ban && isBanActive(ban, Date.now())) throw bannedError(ban.untilMs);
			const entry = await withTimeout(backend.readLobbyEntry(client.db, uid), WRITE_TIMEOUT_MS);
			if (entry && this.#isOurJoin(entry, request)) return generation === this.#generation;
			// A call of ours whose end never landed (the rules allow one active call per person): end it now.
			if (entry?.status === 'matched' && this.#pastCalls.has(entry.callId)) await this.#markEnded(entry.callId, 'if-active');
			if (attempt >= JOIN_ATTEMPTS) throw userError('refused');
		}
	}

	/** The entry is the result of our join: in line as we asked, or already matched into a call new to us. */
	#isOurJoin(entry: LobbyEntry, request: { mode: ChatMode; interests: string[]; language: string | null }): boolean {
		if (entry.status === 'matched') return !this.#pastCalls.has(entry.callId);
		return (
			entry.status === 'waiting' &&
			entry.mode === request.mode &&
			entry.language === normalizeLanguage(request.language) &&
			entry.interests.join('\n') === request.interests.join('\n')
		);
	}

	/**
	 * While waiting: a heartbeat every LOBBY_HEARTBEAT_MS, so a vanished page is never
	 * matched. Nothing else: the server widens the search as the wait grows.
	 */
	#keepLobbyEntryAlive(backend: Backend, client: Client, uid: string, generation: number): void {
		let lastBeat = Date.now();
		const timer = setInterval(() => {
			if (generation !== this.#generation || this.phase !== 'searching') return;
			const now = Date.now();
			if (now - lastBeat < LOBBY_HEARTBEAT_MS) return;
			lastBeat = now;
			backend.heartbeatLobby(client.db, uid).catch((error: unknown) => {
				if (codeOf(error) === 'permission-denied') this.#rereadLobbyEntry(backend, client, uid, generation);
				else console.warn('Lobby heartbeat not written', error);
			});
		}, SEARCH_TICK_MS);
		this.#searchStops.push(() => clearInterval(timer));
	}

	/**
	 * Our heartbeat was refused, so the entry is no longer waiting: normally the matchmaker
	 * has just matched us and the snapshot is on its way. But a listener can miss a write
	 * that races its start (seen on the emulator: bench/diagnostics/listenRace.mjs), which
	 * would leave us searching forever while the partner gives up. Ask the server then;
	 * the entry handler ignores an entry it has already acted on.
	 */
	#rereadLobbyEntry(backend: Backend, client: Client, uid: string, generation: number): void {
		backend
			.readLobbyEntry(client.db, uid)
			.then((entry) => {
				if (generation === this.#generation && this.phase === 'searching') this.#onLobbyEntry(entry, generation);
			})
			.catch((error: unknown) => console.warn('Could not re-read our lobby entry', error));
	}

	async #loadRtcConfig(backend: Backend, client: Client): Promise<RTCConfiguration> {
		const relayOnly = this.#options.hideIp === true;
		try {
			const { iceServers } = await backend.fetchIceServers(client.app, client.emulatorHost);
			const hasRelay = iceServers.some((s) => [s.urls].flat().some((u) => u.startsWith('turn')));
			if (relayOnly && !hasRelay) throw userError('relay-unavailable');
			return { iceServers, iceTransportPolicy: relayOnly ? 'relay' : 'all' };
		} catch (error) {
			if (relayOnly) throw isUserFacing(error) ? error : userError('relay-unavailable');
			// Without STUN/TURN, direct connections on open networks still work.
			console.warn('No ICE servers; trying host candidates only', error);
			return { iceServers: [] };
		}
	}

	#onLobbyEntry(entry: LobbyEntry | null, generation: number): void {
		if (generation !== this.#generation) return;
		this.#lastEntry = entry;
		const call = this.#call;
		if (call) {
			// In a call, the entry only changes when the call ends: the cleanup function marks
			// it left (or, much later, the sweep deletes it). We did not end it (ending tears
			// the call down first), so the partner did.
			if (entry?.status === 'matched' && entry.callId === call.id) return;
			call.ended = true;
			this.#endCall(call, { type: 'partner-left' });
			return;
		}
		if (this.phase !== 'searching') return;
		if (entry === null || entry.status === 'left') {
			// Not our doing (leaving changes the phase first): the server took us out of the
			// queue, which is what a ban does. Say so rather than wait for nobody.
			this.#stopSearching();
			this.#stopWatchingEntry();
			void this.#explainRemoval(generation);
			return;
		}
		if (entry.status !== 'matched' || this.#pastCalls.has(entry.callId)) return;
		this.#stopSearching();
		void this.#joinCall(entry, generation);
	}

	#stopSearching(): void {
		for (const stop of this.#searchStops.splice(0)) stop();
	}

	#stopWatchingEntry(): void {
		this.#entryWatchStop?.();
		this.#entryWatchStop = null;
	}

	// -- the call --------------------------------------------------------------------

	/**
	 * The lobby entry names the call, the partner and our role, so the offerer starts
	 * negotiating at once; the same entry, still watched, tells us when the call ends.
	 */
	async #joinCall(match: Extract<LobbyEntry, { status: 'matched' }>, generation: number): Promise<void> {
		const backend = this.#backend;
		const client = this.#client;
		if (!backend || !client) return;
		const { callId, partner, role } = match;
		this.#pastCalls.add(callId);
		this.#commonInterests = match.commonInterests;
		this.#dispatch({ type: 'matched' });
		// Fetched while we searched, so normally ready.
		let rtcConfig: RTCConfiguration;
		try {
			rtcConfig = await (this.#rtcConfig ?? Promise.resolve({ iceServers: [] }));
		} catch (error) {
			this.#fail(error, generation);
			return;
		}
		if (generation !== this.#generation) return;
		const stops: (() => void)[] = [];
		const call: ActiveCall = {
			id: callId,
			partner,
			link: this.#openLink(callId, role, rtcConfig, stops, generation),
			ended: false,
			lastSignals: null,
			stops,
			lastHeardAt: Date.now(),
			lastRestartAt: 0,
			connectionState: 'new',
			inbox: new Inbox(),
			greeted: false,
			connectTimer: setTimeout(() => {
				const pc = call.link.pc;
				console.warn(`[tangent] call ${callId}: no data channel after ${CONNECT_TIMEOUT_MS} ms`, JSON.stringify({
					role,
					signaling: pc.signalingState,
					ice: pc.iceConnectionState,
					gathering: pc.iceGatheringState,
					connection: pc.connectionState,
					hasRemoteDescription: Boolean(pc.remoteDescription),
					partnerDescription: call.lastSignals?.description?.type ?? null,
					partnerCandidates: call.lastSignals?.candidates.length ?? 0
				}));
				this.#endCall(call, { type: 'connection-failed', error: userError('connection-failed') });
			}, CONNECT_TIMEOUT_MS)
		};
		this.#call = call;
		stops.push(() => clearTimeout(call.connectTimer));
		// The entry may have moved on while we loaded the ICE servers (the partner already left).
		if (this.#lastEntry?.status !== 'matched' || this.#lastEntry.callId !== callId) {
			this.#onLobbyEntry(this.#lastEntry, generation);
			if (this.#call !== call) return;
		}
		stops.push(
			backend.watchPartnerSignals(
				client.db,
				callId,
				partner,
				(signals) => this.#onPartnerSignals(call, signals),
				(error) => this.#fail(error, generation)
			)
		);
		// Listeners can lag (seen on the emulator under load): if the partner's description
		// has not arrived after a while, ask the server directly once.
		const nudge = setTimeout(() => {
			if (this.#call !== call || call.link.pc.remoteDescription) return;
			trace(callId, "no remote description yet: reading the partner's signals from the server");
			backend
				.readPartnerSignals(client.db, callId, partner)
				.then((signals) => signals && this.#onPartnerSignals(call, signals))
				.catch((error: unknown) => console.warn("Could not re-read the partner's signals", error));
		}, SIGNALING_NUDGE_MS);
		stops.push(() => clearTimeout(nudge));
	}

	#onPartnerSignals(call: ActiveCall, signals: SignalDoc): void {
		if (this.#call !== call) return;
		call.lastSignals = signals;
		trace(call.id, 'partner signals', { description: signals.description?.type ?? null, candidates: signals.candidates.length });
		// The description first: candidates that come with it are for the session it describes.
		if (signals.description) call.link.acceptDescription(signals.description);
		call.link.acceptCandidates(signals.candidates);
	}

	/** The peer connection and what it publishes; everything it starts is released through `stops`. */
	#openLink(callId: string, role: CallRole, rtcConfig: RTCConfiguration, stops: (() => void)[], generation: number): PeerLink {
		const backend = this.#backend!;
		const { db } = this.#client!;
		const uid = this.#uid!;
		const current = () => (this.#call?.id === callId ? this.#call : null);
		// Only while the call is ours: a signal write queued before it ended may still be
		// refused afterwards, and must not turn "Stranger has left" into an error.
		const fail = (error: Error) => {
			if (current()) this.#fail(error, generation);
			else console.warn(`[tangent] call ${callId}: after the end`, error);
		};
		const outbox = new backend.SignalOutbox(db, callId, uid, fail);
		stops.push(() => outbox.close());
		let localCandidates = 0;
		const onLocalCandidate = (candidate: RTCIceCandidateInit | null) => {
			if (candidate) {
				localCandidates++;
				outbox.add(candidate);
				return;
			}
			trace(callId, 'gathering complete', { localCandidates });
			void outbox.flush();
			// Relay-only and the relay gave us nothing (down, or refused us): no call can
			// happen, and waiting for the connect timeout would only say "firewall".
			const call = current();
			if (call && localCandidates === 0 && rtcConfig.iceTransportPolicy === 'relay') {
				this.#endCall(call, { type: 'connection-failed', error: userError('relay-unavailable') });
			}
		};
		trace(callId, 'link opened', { role, relayOnly: rtcConfig.iceTransportPolicy === 'relay', iceServers: rtcConfig.iceServers?.length ?? 0 });
		const link = new PeerLink(
			role,
			{ rtcConfig, localStream: this.#options.media ?? null },
			{
				description: (description) => {
					trace(callId, `publishing ${description.type}`);
					outbox.publishDescription(description);
				},
				candidate: onLocalCandidate,
				channelOpen: () => {
					trace(callId, 'data channel open');
					void outbox.flush();
					const call = current();
					if (!call) return;
					clearTimeout(call.connectTimer);
					call.lastHeardAt = Date.now();
					this.#dispatch({ type: 'channel-open' });
					// From now on the stranger can be reported: they could reach us.
					this.#reportableCallId = call.id;
					this.#reportedCallId = null;
					const name = cleanDisplayName(this.#options.name);
					if (name) this.#sendWire({ kind: 'hello', name });
					if (this.#ownMedia) this.#sendWire({ kind: 'media', ...this.#ownMedia });
					this.#watchLiveness(call, link);
				},
				message: (data) => {
					const call = current();
					if (call) this.#onWire(call, data);
				},
				channelClosed: () => {
					const call = current();
					if (call) this.#endCall(call, { type: 'partner-left' });
				},
				connectionState: (state) => {
					trace(callId, `connection ${state}`);
					const call = current();
					if (!call) return;
					call.connectionState = state;
					if (state === 'failed' && link.restartIce()) call.lastRestartAt = Date.now();
				},
				remoteStream: (stream) => {
					if (current()) this.#remoteStream = stream;
				},
				error: fail
			}
		);
		stops.push(() => link.close());
		return link;
	}

	#onWire(call: ActiveCall, data: unknown): void {
		if (this.#call !== call) return;
		call.lastHeardAt = Date.now(); // anything at all means they are still there
		const { message, notice } = call.inbox.receive(data);
		if (notice) this.messages.push({ id: crypto.randomUUID(), from: 'notice', text: notice, at: Date.now() });
		if (!message) return;
		switch (message.kind) {
			case 'text':
				this.#setStrangerTyping(false);
				// Our own id, not the stranger's: a repeated (or echoed) id must not clash in the log.
				this.messages.push({ id: crypto.randomUUID(), from: 'stranger', text: message.text, at: Date.now() });
				break;
			case 'typing':
				this.#setStrangerTyping(true);
				break;
			case 'bye':
				this.#endCall(call, { type: 'partner-left' });
				break;
			case 'hello':
				if (call.greeted) break;
				call.greeted = true;
				this.#partnerName = message.name;
				break;
			case 'media':
				this.#partnerMedia = { camera: message.camera, mic: message.mic };
				break;
			case 'ping':
				break;
		}
	}

	#setStrangerTyping(typing: boolean): void {
		clearTimeout(this.#typingTimer);
		this.#strangerTyping = typing;
		if (typing) this.#typingTimer = setTimeout(() => (this.#strangerTyping = false), TYPING_SHOWN_MS);
	}

	/**
	 * Once connected: ping the partner, and watch for silence. A short silence (or a
	 * disconnected/failed ICE state) means trouble: the offerer restarts ICE, as a network
	 * change needs. A long one means the partner is gone: a closed lid, a dead network.
	 */
	#watchLiveness(call: ActiveCall, link: PeerLink): void {
		let counters: PacketCounters | null = null;
		const ping = setInterval(() => {
			this.#sendWire({ kind: 'ping' });
			const silence = Date.now() - call.lastHeardAt;
			const troubled =
				silence > SILENCE_TROUBLE_MS || call.connectionState === 'disconnected' || call.connectionState === 'failed';
			this.#reconnecting = troubled;
			if (silence > SILENCE_LOST_MS) {
				this.#endCall(call, { type: 'connection-lost' });
				return;
			}
			if (troubled && Date.now() - call.lastRestartAt > ICE_RESTART_EVERY_MS && link.restartIce()) {
				call.lastRestartAt = Date.now();
			}
		}, PING_EVERY_MS);
		const stats = setInterval(() => {
			link.pc
				.getStats()
				.then((report) => {
					if (this.#call !== call) return;
					const summary = summarizeStats(statsOf(report), counters);
					counters = summary.counters;
					this.#connection = summary.quality;
				})
				.catch(() => {});
		}, STATS_EVERY_MS);
		call.stops.push(() => {
			clearInterval(ping);
			clearInterval(stats);
		});
	}

	#sendWire(message: WireMessage): boolean {
		return this.#call?.link.send(encodeWire(message)) ?? false;
	}

	/** The call ended from the other side or the network: record why and release it. */
	#endCall(call: ActiveCall, event: Extract<CallEvent, { type: 'partner-left' | 'connection-failed' | 'connection-lost' }>): void {
		if (this.#call !== call) return;
		this.#dispatch(event);
		this.#teardownCall();
		this.#stopWatchingEntry();
		// Mark it ended for the partner too if they have not (a lost connection, say).
		if (!call.ended) void this.#markEnded(call.id, 'if-active');
	}

	/** We leave (or report): say bye, end our call or leave the lobby, then release everything. */
	async #leave(why: 'left' | 'reported' = 'left'): Promise<void> {
		const call = this.#call;
		const searching = this.phase === 'searching' || this.phase === 'starting';
		this.#sendWire({ kind: 'bye' });
		this.#dispatch({ type: why });
		this.#teardownCall();
		this.#stopSearching();
		this.#stopWatchingEntry();
		if (call && !call.ended) await this.#markEnded(call.id, 'ours');
		else if (searching && this.#joinWritten && this.#client && this.#uid) {
			this.#joinWritten = false;
			await this.#backend?.leaveLobby(this.#client.db, this.#uid).catch((error: unknown) => {
				console.warn('Could not leave the lobby', error);
			});
		}
	}

	/** The tab is closing: a goodbye over the data channel is the one message sure to leave. */
	#onPageHide = (): void => {
		// Searching: a beacon tells the server at once (a Firestore write may not get out).
		if (this.phase === 'searching' && this.#beaconToken) this.#backend?.leaveLobbyByBeacon(this.#beaconToken);
		this.#sendWire({ kind: 'bye' });
		void this.#leave();
	};

	/**
	 * 'ours': we leave a call we know is active, in one plain write. 'if-active': the end
	 * came from the partner or the network, and the partner has probably ended the document
	 * already; writing blindly would be refused (see endCallIfActive for why that matters).
	 */
	async #markEnded(callId: string, how: 'ours' | 'if-active'): Promise<void> {
		if (!this.#backend || !this.#client || !this.#uid) return;
		const end = how === 'ours' ? this.#backend.endCall : this.#backend.endCallIfActive;
		await end(this.#client.db, callId, this.#uid).catch((error: unknown) => {
			console.warn('Could not mark the call ended', error);
		});
	}

	#teardownCall(): void {
		const call = this.#call;
		if (!call) return;
		this.#call = null;
		for (const stop of call.stops.splice(0)) stop();
		this.#reconnecting = false;
		this.#remoteStream = null;
		this.#setStrangerTyping(false);
	}
}

function codeOf(error: unknown): string {
	return typeof error === 'object' && error !== null ? String(Reflect.get(error, 'code') ?? '') : '';
}

function isUserFacing(error: unknown): error is UserFacingError {
	return (
		typeof error === 'object' &&
		error !== null &&
		typeof Reflect.get(error, 'code') === 'string' &&
		typeof Reflect.get(error, 'message') === 'string' &&
		!(error instanceof Error)
	);
}

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
