// A chat session: the user's way through lobby → call → peer connection and back, for as
// many calls as they like. It owns every subscription, timer and connection it starts, and
// `#teardownCall()` releases one call's worth idempotently.
import { partnerOf, type CallDoc, type ChatMode, type LobbyEntry } from '$shared/model';
import { decodeWire, encodeWire, MAX_MESSAGE_CHARS, prepareText } from '../chat/wire';
import { toUserFacingError, userError } from '../errors';
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

export type { EndReason, Phase, UserFacingError };

export interface ChatLine {
	id: string;
	from: 'you' | 'stranger';
	text: string;
	at: number;
}

/** Give up on a call whose data channel has not opened by then. */
const CONNECT_TIMEOUT_MS = 20_000;
/** A lobby write the server has not confirmed by then means we are offline. */
const WRITE_TIMEOUT_MS = 10_000;

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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	return Promise.race([
		promise,
		new Promise<never>((_, reject) =>
			setTimeout(() => reject(new DOMException(`No answer within ${ms} ms`, 'TimeoutError')), ms)
		)
	]);
}

interface ActiveCall {
	id: string;
	link: PeerLink | null;
	lastSeen: CallDoc | null;
	stops: (() => void)[];
	timer: ReturnType<typeof setTimeout>;
}

export class ChatSession {
	#state = $state<CallState>(initialCallState);
	messages = $state<ChatLine[]>([]);
	readonly maxMessageLength = MAX_MESSAGE_CHARS;

	#backend: Backend | null = null;
	#db: Awaited<ReturnType<Backend['firebaseClient']>>['db'] | null = null;
	#iceServers: RTCIceServer[] = [];
	#uid: string | null = null;
	#mode: ChatMode = 'text';
	#stopLobbyWatch: (() => void) | null = null;
	#call: ActiveCall | null = null;
	/** Calls we have been in: a stale lobby snapshot naming one must not pull us back. */
	#pastCalls = new Set<string>();
	/** Bumped by every start/stop, so work from an earlier search drops its results. */
	#generation = 0;

	get phase(): Phase {
		return this.#state.phase;
	}
	get endReason(): EndReason | null {
		return this.#state.endReason;
	}
	get error(): UserFacingError | null {
		return this.#state.error;
	}
	/** For tests and diagnostics: the current call's id. */
	get callId(): string | null {
		return this.#call?.id ?? null;
	}

	async start(mode: ChatMode): Promise<void> {
		this.#mode = mode;
		await this.#search();
	}

	/** Ends the current call (or search) and looks for someone new. */
	async next(): Promise<void> {
		await this.#leave();
		await this.#search();
	}

	/** Ends the current call (or search); the page goes back to the start. */
	async stop(): Promise<void> {
		await this.#leave();
		this.#generation++;
		this.#dispatch({ type: 'stopped' });
	}

	send(raw: string): boolean {
		const text = prepareText(raw);
		if (text === null || this.phase !== 'connected' || !this.#call?.link) return false;
		const id = crypto.randomUUID();
		if (!this.#call.link.send(encodeWire({ kind: 'text', id, text }))) return false;
		this.messages.push({ id, from: 'you', text, at: Date.now() });
		return true;
	}

	/** Idempotent; also tells the partner and the lobby we are gone, best effort. */
	dispose(): void {
		this.#generation++;
		void this.#leave();
	}

	#dispatch(event: CallEvent): void {
		const next = transition(this.#state, event);
		if (next) this.#state = next;
	}

	#fail(error: unknown, generation: number): void {
		if (generation !== this.#generation) return;
		console.error('Tangent chat session failed', error);
		this.#teardownCall();
		this.#stopWatchingLobby();
		this.#dispatch({ type: 'failed', error: toUserFacingError(error) });
	}

	async #search(): Promise<void> {
		const generation = ++this.#generation;
		this.#dispatch({ type: 'start' });
		this.messages = [];
		try {
			const backend = (this.#backend ??= await loadBackend());
			const { db, auth, emulated } = await backend.firebaseClient();
			const user = await backend.signedInUser(auth);
			this.#db = db;
			this.#uid = user.uid;
			// The emulator suite runs on one machine: host candidates suffice. Issue #3 brings
			// STUN/TURN credentials from a callable function.
			this.#iceServers = emulated ? [] : [{ urls: 'stun:stun.l.google.com:19302' }];
			await withTimeout(backend.joinLobby(db, user.uid, this.#mode), WRITE_TIMEOUT_MS);
			if (generation !== this.#generation) return;
			this.#dispatch({ type: 'joined' });
			// Watch only after the server has our fresh entry, so the first snapshot cannot be
			// the previous match.
			this.#stopLobbyWatch = backend.watchLobbyEntry(
				db,
				user.uid,
				(entry) => this.#onLobbyEntry(entry, generation),
				(error) => this.#fail(error, generation)
			);
		} catch (error) {
			this.#fail(error, generation);
		}
	}

	#onLobbyEntry(entry: LobbyEntry | null, generation: number): void {
		if (generation !== this.#generation || this.phase !== 'searching') return;
		if (entry?.status !== 'matched' || this.#pastCalls.has(entry.callId)) return;
		this.#stopWatchingLobby();
		this.#joinCall(entry.callId, generation);
	}

	#joinCall(callId: string, generation: number): void {
		const backend = this.#backend;
		const db = this.#db;
		if (!backend || !db) return;
		this.#pastCalls.add(callId);
		this.#dispatch({ type: 'matched' });
		const call: ActiveCall = {
			id: callId,
			link: null,
			lastSeen: null,
			stops: [],
			timer: setTimeout(
				() => this.#endCall({ type: 'connection-failed', error: userError('connection-failed') }),
				CONNECT_TIMEOUT_MS
			)
		};
		this.#call = call;
		call.stops.push(
			backend.watchCallDoc(
				db,
				callId,
				(doc) => this.#onCallDoc(call, doc, generation),
				(error) => this.#fail(error, generation)
			)
		);
	}

	#onCallDoc(call: ActiveCall, doc: CallDoc | null, generation: number): void {
		if (this.#call !== call || generation !== this.#generation) return;
		call.lastSeen = doc;
		if (!doc || (doc.status === 'ended' && doc.endedBy !== this.#uid)) {
			this.#endCall({ type: 'partner-left' });
			return;
		}
		if (doc.status === 'ended') return;
		call.link ??= this.#openLink(call, doc, generation);
		const remote = call.link.role === 'offerer' ? doc.answer : doc.offer;
		if (remote) call.link.acceptDescription(remote);
	}

	#openLink(call: ActiveCall, doc: CallDoc, generation: number): PeerLink {
		const backend = this.#backend!;
		const db = this.#db!;
		const uid = this.#uid!;
		const fail = (error: Error) => this.#fail(error, generation);
		const outbox = new backend.CandidateOutbox(db, call.id, uid, fail);
		call.stops.push(() => outbox.close());
		const link = new PeerLink(doc.offerer === uid ? 'offerer' : 'answerer', { iceServers: this.#iceServers }, {
			description: (description) =>
				backend.publishDescription(db, call.id, description).catch((error: unknown) => this.#fail(error, generation)),
			candidate: (candidate) => (candidate ? outbox.add(candidate) : void outbox.flush()),
			channelOpen: () => {
				clearTimeout(call.timer);
				void outbox.flush();
				this.#dispatch({ type: 'channel-open' });
			},
			message: (data) => {
				const message = decodeWire(data);
				if (message) this.messages.push({ id: message.id, from: 'stranger', text: message.text, at: Date.now() });
			},
			closed: (reason) =>
				this.#endCall(
					reason === 'connection-failed'
						? { type: 'connection-failed', error: userError('connection-failed') }
						: { type: 'partner-left' }
				),
			error: fail
		});
		call.stops.push(() => link.close());
		call.stops.push(
			backend.watchPartnerCandidates(db, call.id, partnerOf(doc, uid), (list) => link.acceptCandidates(list), fail)
		);
		return link;
	}

	/** The call ended from the other side or the network: record why and release it. */
	#endCall(event: Extract<CallEvent, { type: 'partner-left' | 'connection-failed' }>): void {
		const call = this.#call;
		if (!call) return;
		this.#dispatch(event);
		this.#teardownCall();
		// Mark it ended for the partner too if they have not (a failed connection, say).
		if (call.lastSeen?.status !== 'ended') this.#markEnded(call.id);
	}

	/** We leave: end our call or leave the lobby, then release everything. */
	async #leave(): Promise<void> {
		const call = this.#call;
		const searching = this.phase === 'searching' || this.phase === 'starting';
		this.#dispatch({ type: 'left' });
		this.#teardownCall();
		this.#stopWatchingLobby();
		if (call && call.lastSeen?.status !== 'ended') await this.#markEnded(call.id);
		else if (searching && this.#db && this.#uid) {
			await this.#backend?.leaveLobby(this.#db, this.#uid).catch((error: unknown) => {
				console.warn('Could not leave the lobby', error);
			});
		}
	}

	async #markEnded(callId: string): Promise<void> {
		if (!this.#backend || !this.#db || !this.#uid) return;
		await this.#backend.endCall(this.#db, callId, this.#uid).catch((error: unknown) => {
			// Already ended by the partner (rules refuse a second end): nothing to do.
			console.warn('Could not mark the call ended', error);
		});
	}

	#teardownCall(): void {
		const call = this.#call;
		if (!call) return;
		this.#call = null;
		clearTimeout(call.timer);
		for (const stop of call.stops.splice(0)) stop();
	}

	#stopWatchingLobby(): void {
		this.#stopLobbyWatch?.();
		this.#stopLobbyWatch = null;
	}
}
