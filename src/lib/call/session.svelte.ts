// A chat session: the user's way through search → call → search again, for as many calls
// as they like. It coordinates two lifetimes, each an object that owns its listeners,
// timers and writes and ends through one idempotent teardown (an AbortSignal): a Search
// (search.ts: join, heartbeat, re-read → a match or a refusal) and a Call (call.svelte.ts:
// peer link, signal outbox, liveness, inbox, files). The session itself keeps what outlives
// them (the transcript, the state machine in callState.ts, the join pacing) and changes the
// state only through `#dispatch`.
import { withTimeout } from '../async';
import { normalizeInterests, type ChatMode, type LobbyEntry } from '$shared/model';
import { isBanActive, type BanDoc, type ReportReason } from '$shared/safety';
import { SEND_LIMIT, TokenBucket } from '../chat/rateLimit';
import { MAX_MESSAGE_CHARS, prepareText, type WireMessage } from '../chat/wire';
import { bannedError, codeOf, toUserFacingError, userError } from '../errors';
import type { Backend } from './backend';
import { Call, type CallEnd, type Client, type MatchedEntry } from './call.svelte';
import { initialCallState, transition, type CallEvent, type CallState, type EndReason, type Phase, type UserFacingError } from './callState';
import type { ConnectionQuality } from './quality';
import { JoinPacer, Search, SearchAborted, SearchDropped } from './search';
import { UNDO_ACCEPTED_FOR_MS, UNDO_WINDOW_MS, type UndoRefusal } from '$shared/undo';
import { i18n } from '../i18n/i18n.svelte';

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
/** Said while we look again after a connection that could not be made (both sides do). */
export const RETRY_NOTICE = "Couldn't connect to that stranger (a firewall may be blocking it). Looking for someone else…";
export const RETRY_NOTICE_RELAY =
	"Couldn't connect to that stranger through the relay (Hide my IP is on). Looking for someone else…";
/** Said while we look again after the stranger left a chat that had not connected yet. */
export const LEFT_BEFORE_CONNECTED_NOTICE = 'The stranger left before you were connected. Looking for someone else…';
/** Failed connections in a row after which we stop and say so: the network, not the stranger, is the problem. */
const AUTO_RETRIES = 3;
/**
 * Searches dropped by the server (no ban) each within this long of the previous drop count
 * as a row: AUTO_RETRIES of them end in a refusal instead of a loop of joins. A tab left
 * searching in the background is dropped about once a minute, and may go on for hours.
 */
const DROPS_IN_A_ROW_WITHIN_MS = 30_000;

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

/** A lobby read the server has not answered by then means we are offline. */
const READ_TIMEOUT_MS = 10_000;
const TYPING_SEND_EVERY_MS = 2_000;
/** A report the function has not answered by then is reported as not sent. */
const REPORT_TIMEOUT_MS = 20_000;
/** An undo the function has not answered by then is given up (the search goes on). */
const UNDO_TIMEOUT_MS = 8_000;
/** A skipped page watches for its partner's Undo a little longer than the server accepts one. */
const COMEBACK_WATCH_MS = UNDO_ACCEPTED_FOR_MS + 2_000;

/**
 * After our Next: the call we left, which Undo can bring back until `untilMs` (the page's
 * countdown). 'refused' says why not ('unreachable': no answer); the search goes on.
 */
export interface UndoOffer {
	callId: string;
	untilMs: number;
	status: 'offered' | 'asking' | 'refused';
	refusal: UndoRefusal | 'unreachable' | null;
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
		const ban = await withTimeout(backend.readOwnBan(client.db, user.uid), READ_TIMEOUT_MS);
		return ban && isBanActive(ban, Date.now()) ? ban : null;
	} catch {
		return null;
	}
}


export class ChatSession {
	#state = $state<CallState>(initialCallState);
	messages = $state<ChatLine[]>([]);
	/** The current call, or the one that just ended (its log, name and files stay), until the next search. */
	#call = $state.raw<Call | null>(null);
	#search: Search | null = null;
	readonly maxMessageLength = MAX_MESSAGE_CHARS;

	#backend: Backend | null = null;
	#client: Client | null = null;
	#uid: string | null = null;
	#mode: ChatMode = 'text';
	#options: StartOptions = {};
	#rtcConfig: Promise<RTCConfiguration> | null = null;
	/** Ours, told to each stranger when the call opens and on every change. */
	#ownMedia: { camera: boolean; mic: boolean } | null = null;
	/** Calls we have been in: a stale lobby snapshot naming one must not pull us back. */
	readonly #pastCalls = new Set<string>();
	readonly #pacer = new JoinPacer();
	#lastTypingSentAt = 0;
	#pageHideListening = false;
	/** The ID token a closing page's leave beacon carries (fetched while searching). */
	#beaconToken: string | null = null;
	readonly #sendLimit = new TokenBucket(SEND_LIMIT);
	#undo = $state<UndoOffer | null>(null);
	/** The conversation of the call we were last in, which an undo brings back on screen. */
	#lastLines: { callId: string; lines: ChatLine[]; name: string | null } | null = null;
	/** The partner left us with Next: their Undo may bring them back until `untilMs`. */
	#mayComeBack: { callId: string; untilMs: number } | null = null;
	/** Watches our lobby entry for that undo while the chat stays ended (a new search watches it itself). */
	#comebackWatch: AbortController | null = null;

	get phase(): Phase {
		return this.#state.phase;
	}
	get endReason(): EndReason | null {
		return this.#state.endReason;
	}
	get error(): UserFacingError | null {
		return this.#state.error;
	}
	/** The current call (or the one that just ended), until the next search: what the page renders. */
	get call(): Call | null {
		return this.#call;
	}
	get remoteStream(): MediaStream | null {
		return this.#call?.remoteStream ?? null;
	}
	/** The stranger's chosen name, until the next search; null when they gave none (show "Stranger"). */
	get partnerName(): string | null {
		return this.#call?.partnerName ?? null;
	}
	/** The stranger's camera and mic, as they last said (video and audio calls); null before they say. */
	get partnerMedia(): { camera: boolean; mic: boolean } | null {
		return this.#call?.partnerMedia ?? null;
	}
	get strangerTyping(): boolean {
		return this.#call?.strangerTyping ?? false;
	}
	/** null until matched; empty when matched without a shared interest. */
	get commonInterests(): string[] | null {
		return this.#call?.commonInterests ?? null;
	}
	get connection(): ConnectionQuality | null {
		return this.#call?.connection ?? null;
	}
	get reconnecting(): boolean {
		return this.#state.reconnecting;
	}
	/** Why we are searching again on our own (a failed connection); null otherwise. */
	get notice(): string | null {
		return this.#state.notice;
	}
	/** For tests and diagnostics: the current call's id. */
	get callId(): string | null {
		return this.#call && !this.#call.signal.aborted ? this.#call.id : null;
	}
	/**
	 * The call a report would be about: the current one, or the one that just ended, until
	 * the next search starts (so never the previous stranger's once a new match comes).
	 */
	get reportableCallId(): string | null {
		return this.#state.reportable;
	}
	/** The reportable call was reported (once per call). */
	get reported(): boolean {
		return this.#state.reported;
	}
	/** After our Next: the way back to the stranger we left, while it lasts; null otherwise. */
	get undo(): UndoOffer | null {
		return this.#undo;
	}
	/** The anonymous user's uid once a search has signed in; not reactive (read it on a phase change). */
	get uid(): string | null {
		return this.#uid;
	}
	/** The Firebase app and database once loaded; not reactive. */
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
		await this.#searchAgain();
	}

	/**
	 * Ends the current call (or search) and looks for someone new. Leaving a connected chat
	 * offers Undo for UNDO_WINDOW_MS.
	 */
	async next(): Promise<void> {
		const left = this.phase === 'connected' && this.#call && !this.#call.signal.aborted ? this.#call.id : null;
		this.#undo = left ? { callId: left, untilMs: Date.now() + UNDO_WINDOW_MS, status: 'offered', refusal: null } : null;
		await this.#leave();
		await this.#searchAgain();
	}

	/**
	 * Undo our last Next: asks the server to bring that stranger back. If they are still free
	 * the new call arrives through our lobby entry like any match (the search is still
	 * running); if not, `undo` says why and the search goes on.
	 */
	async undoNext(): Promise<void> {
		const offer = this.#undo;
		const backend = this.#backend;
		const client = this.#client;
		if (!offer || offer.status !== 'offered' || Date.now() > offer.untilMs || !backend || !client) return;
		this.#undo = { ...offer, status: 'asking' };
		const answer = await withTimeout(backend.requestUndo(client.app, client.emulatorHost, offer.callId), UNDO_TIMEOUT_MS).catch(
			(error: unknown) => {
				console.warn('Undo not answered', error);
				return null;
			}
		);
		// Matched meanwhile (the undo itself, or someone new), or stopped: nothing to say.
		if (this.#undo?.callId !== offer.callId || this.#undo.status !== 'asking') return;
		if (answer?.outcome === 'resumed') return; // the call is on its way through the lobby entry
		this.#undo = { ...offer, status: 'refused', refusal: answer?.reason ?? 'unreachable' };
	}

	/** Ends the current call (or search); the page goes back to the start. */
	async stop(): Promise<void> {
		this.#undo = null;
		await Promise.all([this.#leave(), this.#declineComeback()]);
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
		const callId = this.#state.reportable;
		const backend = this.#backend;
		const client = this.#client;
		if (!callId || !backend || !client) throw new ReportFailedError('There is no chat to report any more.');
		const name = attachName ? this.partnerName : null;
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
		await this.#call?.replaceTrack(track);
	}

	/** Idempotent; also tells the partner and the lobby we are gone, best effort. */
	dispose(): void {
		if (this.#pageHideListening) window.removeEventListener('pagehide', this.#onPageHide);
		this.#pageHideListening = false;
		void this.#leave();
		void this.#declineComeback();
		this.#call?.dispose();
	}

	#reported(callId: string): void {
		// Once per call; and not if a new search has begun meanwhile (the report still counts).
		if (this.#state.reportable !== callId || this.#state.reported) return;
		this.#dispatch({ type: 'report-sent', callId });
		this.messages.push({ id: crypto.randomUUID(), from: 'notice', text: REPORTED_NOTICE, at: Date.now() });
		// Leaving tells the partner at once (a goodbye); the call document follows in the background.
		if (this.#call?.id === callId && !this.#call.signal.aborted) void this.#leave('reported');
	}

	/** The one place the state changes. */
	#dispatch(event: CallEvent): void {
		const next = transition(this.#state, event);
		if (next) this.#state = next;
	}

	/** Anything that ends the search or the call with an error: stop both, say why. */
	#fail(error: unknown): void {
		console.error('Tangent chat session failed', error);
		this.#abortPending();
		this.#search?.stop();
		this.#search = null;
		this.#call?.terminate();
		this.#dispatch({ type: 'failed', error: isUserFacing(error) ? error : toUserFacingError(error) });
	}

	// -- the search ------------------------------------------------------------------

	/** Starts a new search, replacing whatever came before; resolves once in line (or refused). */
	async #searchAgain(notice?: string): Promise<void> {
		this.#dispatch({ type: 'start', notice });
		this.#abortPending();
		// The search watches our entry from now on, and takes an undo as a match.
		this.#comebackWatch?.abort();
		if (this.#call) this.#lastLines = { callId: this.#call.id, lines: this.messages, name: this.#call.partnerName };
		this.#call?.dispose();
		this.#call = null;
		this.messages = [];
		// Signing in comes before the search exists: this signal stands for it meanwhile, so
		// Stop, Back or Next during sign-in leaves nothing to write a waiting entry later.
		const signingIn = new AbortController();
		this.#pending = signingIn;
		let search: Search;
		let joined = () => {};
		const inLine = new Promise<void>((resolve) => (joined = resolve));
		try {
			const backend = (this.#backend ??= await loadBackend());
			const client = (this.#client ??= await backend.firebaseClient());
			const user = await backend.signedInUser(client.auth);
			this.#uid = user.uid;
			// The rules refuse joins from a uid not yet bound to this browser (once per uid).
			const binding = await withTimeout(backend.bindThisDevice(client.app, client.emulatorHost, user.uid), READ_TIMEOUT_MS);
			signingIn.signal.throwIfAborted();
			// A ban this browser (or, for a new browser, its network) carries applies at once.
			if (binding.bannedUntilMs !== null && binding.bannedUntilMs > Date.now()) throw bannedError(binding.bannedUntilMs);
			search = new Search({
				backend,
				client,
				uid: user.uid,
				request: { mode: this.#mode, interests: this.#options.interests ?? [], language: this.#options.language ?? null },
				pacer: this.#pacer,
				pastCalls: this.#pastCalls,
				endStaleCall: (callId) =>
					backend.endCallIfActive(client.db, callId, user.uid).catch((error: unknown) => console.warn('Could not end a stale call', error)),
				onJoined: () => {
					if (this.#search === search) {
						// Credentials are fetched while we wait for a partner, not after; the function
						// hands them only to someone in the lobby or in a call, so once we have joined.
						this.#rtcConfig ??= this.#loadRtcConfig(backend, client);
						this.#rtcConfig.catch(() => {}); // reported when a call needs it
						this.#dispatch({ type: 'joined' });
					}
					joined();
				}
			});
			backend.beaconTokenOf(user).then(
				(token) => (this.#beaconToken = token),
				(error: unknown) => console.warn('No token for the leave beacon', error)
			);
		} catch (error) {
			if (!signingIn.signal.aborted) this.#fail(error);
			return;
		}
		this.#pending = null;
		this.#search = search;
		const found = search.run().then(
			(match) => {
				if (this.#search !== search) return;
				this.#dispatch({ type: 'matched' });
				this.#startCall(match);
			},
			(error: unknown) => {
				if (error instanceof SearchAborted || this.#search !== search) return;
				if (error instanceof SearchDropped) this.#onSearchDropped();
				else this.#fail(error);
			}
		);
		// In line, or the search is over (matched, refused or left) before that.
		await Promise.race([inLine, found]);
	}

	/** Drops in a row (see DROPS_IN_A_ROW_WITHIN_MS), and when the last one came (performance.now()). */
	#drops = { inARow: 0, lastAt: Number.NEGATIVE_INFINITY };

	/** The server took us out of the line without a ban: the user is still searching, so we join again. */
	#onSearchDropped(): void {
		const now = performance.now();
		this.#drops = { inARow: now - this.#drops.lastAt < DROPS_IN_A_ROW_WITHIN_MS ? this.#drops.inARow + 1 : 1, lastAt: now };
		if (this.#drops.inARow > AUTO_RETRIES) {
			this.#fail(userError('refused'));
			return;
		}
		console.warn('[tangent] the lobby dropped our waiting entry without a ban: joining again');
		void this.#searchAgain();
	}

	/** Work between two lifetimes (signing in, loading the ICE servers for a match), which the user's leaving cancels. */
	#pending: AbortController | null = null;

	#abortPending(): void {
		this.#pending?.abort();
		this.#pending = null;
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

	// -- the call --------------------------------------------------------------------

	/** The lobby entry names the call, the partner and our role, so the offerer starts at once. */
	#startCall(match: MatchedEntry): void {
		const backend = this.#backend;
		const client = this.#client;
		const uid = this.#uid;
		if (!backend || !client || !uid) return;
		this.#search = null;
		this.#pastCalls.add(match.callId);
		if (match.resumes) this.#showResumed(match.resumes);
		// A new call: the way back to the previous one is closed, both ways.
		this.#undo = null;
		this.#mayComeBack = null;
		this.#comebackWatch?.abort();
		const loading = new AbortController();
		this.#pending = loading;
		// Fetched while we searched, so normally ready.
		(this.#rtcConfig ?? Promise.resolve({ iceServers: [] })).then(
			(rtcConfig) => {
				if (loading.signal.aborted) return;
				this.#pending = null;
				const call: Call = new Call({
					backend,
					client,
					uid,
					match,
					rtcConfig,
					media: this.#options.media ?? null,
					name: this.#options.name,
					ownMedia: () => this.#ownMedia,
					loadFiles: () => import('../files/fileShare.svelte'),
					events: {
						open: () => {
							this.#failedInARow = 0;
							this.#dispatch({ type: 'channel-open', callId: call.id });
						},
						trouble: (troubled) => this.#dispatch({ type: troubled ? 'trouble' : 'recovered' }),
						line: (from, text) => this.messages.push({ id: crypto.randomUUID(), from, text, at: Date.now() }),
						ended: (end: CallEnd) => this.#onCallEnded(end),
						failed: (error) => this.#fail(error)
					}
				});
				this.#call = call;
				call.start();
			},
			(error: unknown) => {
				if (!loading.signal.aborted) this.#fail(error);
			}
		);
	}

	/** Back with the stranger of `resumedCallId` (an undo): their conversation, and a line saying so. */
	#showResumed(resumedCallId: string): void {
		const last = this.#lastLines;
		if (last?.callId !== resumedCallId) return;
		const name = last.name ?? i18n.t.stranger;
		const text = this.#undo?.callId === resumedCallId ? i18n.t.chat.undo.youWentBack(name) : i18n.t.chat.undo.theyCameBack(name);
		this.messages = [...last.lines, { id: crypto.randomUUID(), from: 'notice', text, at: Date.now() }];
	}

	/**
	 * The stranger left us with Next (their page offers them Undo): for a few seconds, watch
	 * our lobby entry for the call that brings them back, while this chat stays on screen.
	 */
	#watchComeback(callId: string): void {
		const backend = this.#backend;
		const client = this.#client;
		const uid = this.#uid;
		if (!backend || !client || !uid) return;
		this.#comebackWatch?.abort();
		const watch = new AbortController();
		this.#comebackWatch = watch;
		this.#mayComeBack = { callId, untilMs: Date.now() + COMEBACK_WATCH_MS };
		const onEntry = (entry: LobbyEntry | null) => {
			if (watch.signal.aborted || entry?.status !== 'matched' || entry.resumes !== callId || this.#pastCalls.has(entry.callId)) return;
			watch.abort();
			this.#resume(entry);
		};
		const unsubscribe = backend.watchLobbyEntry(client.db, uid, onEntry, (error) => console.warn('Stopped watching for an undo', error));
		// A listener can miss a write racing its start: ask the server once more at the end.
		const last = setTimeout(() => {
			backend
				.readLobbyEntry(client.db, uid)
				.then(onEntry, (error: unknown) => console.warn('Could not re-read our lobby entry', error))
				.finally(() => watch.abort());
		}, COMEBACK_WATCH_MS);
		watch.signal.addEventListener('abort', () => {
			unsubscribe();
			clearTimeout(last);
		});
	}

	/** The stranger undid their Next while our chat with them was still on screen. */
	#resume(match: MatchedEntry): void {
		const call = this.#call;
		if (this.phase !== 'ended' || !call) return;
		this.#lastLines = { callId: call.id, lines: this.messages, name: call.partnerName };
		const before = this.#state;
		this.#dispatch({ type: 'resumed' });
		if (this.#state === before) return; // reported them meanwhile
		call.dispose();
		this.#call = null;
		this.#startCall(match);
	}

	/**
	 * We leave for good (Stop, Home, closing the tab) while the stranger who left us could
	 * still undo: say so on the call, so they are told we moved on instead of waiting for us.
	 */
	async #declineComeback(): Promise<void> {
		const may = this.#mayComeBack;
		this.#mayComeBack = null;
		this.#comebackWatch?.abort();
		const backend = this.#backend;
		const client = this.#client;
		const uid = this.#uid;
		if (!may || Date.now() > may.untilMs || !backend || !client || !uid) return;
		const stillOnEndedChat = this.phase === 'ended';
		await backend.markCallGone(client.db, may.callId, uid).catch((error: unknown) => console.warn('Could not decline an undo', error));
		// Their undo may have landed just before: leaving our entry ends that call in our name
		// (the lobby trigger), so they are told at once. A search leaves the entry itself.
		if (stillOnEndedChat) await backend.leaveLobby(client.db, uid).catch(() => {});
	}

	/** Connections that failed since the last one that opened. */
	#failedInARow = 0;

	/**
	 * The call ended from the other side or the network. A connection that could not be
	 * made is no dead end: both sides' timeouts fire, and each goes back in line, saying why.
	 * Nor is a stranger who left before the chat began: we never met them. A relay that gave
	 * nothing, or failure after failure, is for the user to act on.
	 */
	#onCallEnded(end: CallEnd): void {
		const was = this.phase;
		this.#dispatch(end);
		if (end.type === 'partner-left') {
			if (was === 'connected' && this.#call) this.#watchComeback(this.#call.id);
			if (was === 'connecting') void this.#searchAgain(LEFT_BEFORE_CONNECTED_NOTICE);
			return;
		}
		if (end.type !== 'connection-failed' || end.error.code !== 'connection-failed') return;
		if (++this.#failedInARow > AUTO_RETRIES) return;
		void this.#searchAgain(this.#options.hideIp ? RETRY_NOTICE_RELAY : RETRY_NOTICE);
	}

	#sendWire(message: WireMessage): boolean {
		return this.#call?.send(message) ?? false;
	}

	/** We leave (or report): say bye, end our call or leave the lobby, then release everything. */
	async #leave(why: 'left' | 'reported' = 'left'): Promise<void> {
		this.#dispatch({ type: why });
		this.#abortPending();
		const search = this.#search;
		this.#search = null;
		const call = this.#call;
		await Promise.all([search?.cancel(), call?.leave()]);
	}

	/** The tab is closing: a goodbye over the data channel is the one message sure to leave. */
	#onPageHide = (): void => {
		// A beacon tells the server at once, where a Firestore write may not get out: out of
		// line if searching; in a call, the call ends (the partner may be closing their tab too).
		if (this.phase !== 'idle' && this.#beaconToken) this.#backend?.leaveLobbyByBeacon(this.#beaconToken);
		void this.#declineComeback();
		void this.#leave();
	};
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
