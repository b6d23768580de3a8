// One search, from Start (or Next) to a match or a refusal: sign in, bind this browser,
// wait out the join pacing, join the lobby, heartbeat, and watch our entry (re-reading it
// once a moment after watching starts, and when a heartbeat is refused) until the
// matchmaker names a call. Everything it starts is released when its AbortSignal aborts,
// and every write checks the signal first: a search the user left (Stop, Back, Next)
// never writes a waiting entry afterwards.
import { isTimeout, sleep, withTimeout } from '../async';
import { LOBBY_HEARTBEAT_MS, normalizeLanguage, type ChatMode, type LobbyEntry } from '$shared/model';
import { isBanActive, SAFETY_LIMITS } from '$shared/safety';
import { bannedError, codeOf, userError } from '../errors';
import type { Backend } from './backend';
import type { Client, MatchedEntry } from './call.svelte';

export const SEARCH_TIMING = {
	/** A lobby write the server has not confirmed by then means we are offline. */
	writeTimeoutMs: 10_000,
	/** How often the heartbeat is considered. */
	tickMs: 2_500,
	/** When our entry is read once from the server, in case the listener missed the match. */
	confirmAfterMs: 3_000,
	/** A join refused this often (neither a ban nor pacing) is a real refusal. */
	joinAttempts: 3
} as const;

/**
 * Joins at least this far apart: the rules' interval, with a margin for the clocks (the
 * rules measure from the server's joinedAt, we from the acknowledgement).
 */
export const JOIN_SPACING_MS = SAFETY_LIMITS.lobbyJoinMinIntervalMs + 100;

/** When this page last wrote a join; shared by the searches of one page, so pacing is a wait. */
export class JoinPacer {
	#lastJoinAt = Number.NEGATIVE_INFINITY;
	/** Resolves once a join may be written. */
	wait(): Promise<void> {
		return sleep(this.#lastJoinAt + JOIN_SPACING_MS - Date.now());
	}
	/** A join was acknowledged or refused: the server stamped it before that. */
	joined(): void {
		this.#lastJoinAt = Date.now();
	}
}

export interface SearchRequest {
	mode: ChatMode;
	interests: string[];
	language: string | null;
}

export interface SearchSetup {
	backend: Backend;
	client: Client;
	uid: string;
	request: SearchRequest;
	pacer: JoinPacer;
	/** Calls this page has been in: an entry naming one is stale and must not pull us back. */
	pastCalls: ReadonlySet<string>;
	/** Ends a call of ours whose end never landed (the rules allow one active call per person). */
	endStaleCall(callId: string): Promise<void>;
	/** Our entry is on the server: the user is waiting. */
	onJoined(): void;
}

/** The search was left (Stop, Back, Next): not an error, nothing to say. */
export class SearchAborted extends Error {
	override name = 'SearchAborted';
}

/**
 * The server took our waiting entry out of the line, and not for a ban: the matchmaker
 * does that when its heartbeats lapse (a background tab's timers slow to one a minute after
 * a few minutes), and the cleanup when a match we never heard of ended. The user is still
 * searching; the session joins again.
 */
export class SearchDropped extends Error {
	override name = 'SearchDropped';
}

export class Search {
	readonly #setup: SearchSetup;
	readonly #abort = new AbortController();
	readonly signal = this.#abort.signal;
	/** A join was written: leaving must mark the entry left (never an entry that does not exist). */
	#joinWritten = false;
	#matched = false;

	constructor(setup: SearchSetup) {
		this.#setup = setup;
	}

	/** Resolves with the entry that names our call; rejects with why not (SearchAborted if left). */
	async run(): Promise<MatchedEntry> {
		const { backend, client, uid } = this.#setup;
		try {
			await this.#join();
			this.#checkOpen();
			this.#setup.onJoined();
			// Watch only after the server has our fresh entry, so the first snapshot cannot be
			// the previous match.
			return await new Promise<MatchedEntry>((resolve, reject) => {
				let removed = false;
				const settle = (entry: LobbyEntry | null) => {
					if (this.signal.aborted) return;
					if (entry === null || entry.status === 'left') {
						// Not our doing (leaving aborts first): the server took us out of the queue.
						// Say why rather than wait for nobody.
						removed = true;
						this.#abort.abort();
						this.#explainRemoval().catch(reject);
						return;
					}
					if (entry.status !== 'matched' || this.#setup.pastCalls.has(entry.callId)) return;
					this.#matched = true;
					resolve(entry); // before the abort, whose listener would reject
					this.#abort.abort();
				};
				this.#onAbort(() => removed || reject(new SearchAborted()));
				this.#onAbort(backend.watchLobbyEntry(client.db, uid, settle, (error) => {
					if (!this.signal.aborted) reject(error);
				}));
				this.#keepAlive(settle);
				this.#confirmSoon(settle);
			});
		} finally {
			this.#abort.abort();
		}
	}

	/** Stops everything and writes nothing more (the search failed: its entry is not ours to leave). */
	stop(): void {
		this.#abort.abort();
	}

	/**
	 * Leaves: stops everything, and takes our entry out of the line unless it was matched
	 * (the call owns it then). Resolves once the leave is written, best effort.
	 */
	async cancel(): Promise<void> {
		this.#abort.abort();
		if (!this.#joinWritten || this.#matched) return;
		this.#joinWritten = false;
		const { backend, client, uid } = this.#setup;
		await backend.leaveLobby(client.db, uid).catch((error: unknown) => {
			console.warn('Could not leave the lobby', error);
		});
	}

	/** Nothing more is written once the user has left. */
	#checkOpen(): void {
		if (this.signal.aborted) throw new SearchAborted();
	}

	/**
	 * Puts us in line. The rules keep joins SAFETY_LIMITS.lobbyJoinMinIntervalMs apart,
	 * measured from the server's joinedAt: that is a wait here, never an error, so a reload,
	 * a second tab or a quick New chat simply waits it out. And a refused write is not
	 * always a refused join: when the SDK's write stream resets, it re-sends writes whose
	 * acknowledgement it lost, and the rules refuse the copy of a join that went through (and
	 * may already be matched). So a refusal is settled by reading: an active ban is final;
	 * our entry in line as we asked means we are in; otherwise the interval had not passed
	 * on the server (a reload: the previous page joined) and we wait it out and try again.
	 */
	async #join(): Promise<void> {
		const { backend, client, uid, request, pacer } = this.#setup;
		for (let attempt = 1; ; attempt++) {
			await pacer.wait();
			this.#checkOpen();
			this.#joinWritten = true;
			try {
				await withTimeout(backend.joinLobby(client.db, uid, request), SEARCH_TIMING.writeTimeoutMs);
				return;
			} catch (error) {
				if (codeOf(error) !== 'permission-denied') {
					// Offline or slow: the write may still land later, so queue the leave behind it
					// (writes land in order), or the entry would wait for someone with nobody watching.
					if (isTimeout(error)) void backend.leaveLobby(client.db, uid).catch(() => {});
					throw error;
				}
			} finally {
				pacer.joined();
			}
			const ban = await withTimeout(backend.readOwnBan(client.db, uid), SEARCH_TIMING.writeTimeoutMs);
			if (ban && isBanActive(ban, Date.now())) throw bannedError(ban.untilMs);
			const entry = await withTimeout(backend.readLobbyEntry(client.db, uid), SEARCH_TIMING.writeTimeoutMs);
			this.#checkOpen();
			if (entry && this.#isOurJoin(entry)) return;
			if (entry?.status === 'matched' && this.#setup.pastCalls.has(entry.callId)) await this.#setup.endStaleCall(entry.callId);
			if (attempt >= SEARCH_TIMING.joinAttempts) throw userError('refused');
		}
	}

	/** The entry is the result of our join: in line as we asked, or already matched into a call new to us. */
	#isOurJoin(entry: LobbyEntry): boolean {
		const { request, pastCalls } = this.#setup;
		if (entry.status === 'matched') return !pastCalls.has(entry.callId);
		return (
			entry.status === 'waiting' &&
			entry.mode === request.mode &&
			entry.language === normalizeLanguage(request.language) &&
			entry.interests.join('\n') === request.interests.join('\n')
		);
	}

	/**
	 * While waiting: a heartbeat every LOBBY_HEARTBEAT_MS, so a vanished page is never
	 * matched. A refused heartbeat means the entry is no longer waiting: normally the
	 * matchmaker has just matched us and the snapshot is on its way. But a listener can miss
	 * a write that races its start (bench/diagnostics/listenRace.mjs), which would leave us
	 * searching forever while the partner gives up: ask the server then.
	 */
	#keepAlive(onEntry: (entry: LobbyEntry | null) => void): void {
		const { backend, client, uid } = this.#setup;
		let lastBeat = Date.now();
		const timer = setInterval(() => {
			const now = Date.now();
			if (this.signal.aborted || now - lastBeat < LOBBY_HEARTBEAT_MS) return;
			lastBeat = now;
			backend.heartbeatLobby(client.db, uid).catch((error: unknown) => {
				if (codeOf(error) !== 'permission-denied') return console.warn('Lobby heartbeat not written', error);
				this.#reread(onEntry);
			});
		}, SEARCH_TIMING.tickMs);
		this.#onAbort(() => clearInterval(timer));
	}

	/**
	 * A listener can miss a write that races its start (bench/diagnostics/listenRace.mjs), and
	 * the match our own join sets off lands at just that moment. The refused heartbeat would
	 * tell us within LOBBY_HEARTBEAT_MS, but a browser run saw that take longer than the partner
	 * waits for us (20 s), and the partner gave up. One read from the server a moment after
	 * watching starts finds such a match at once; later matches do not race the listener.
	 */
	#confirmSoon(onEntry: (entry: LobbyEntry | null) => void): void {
		const timer = setTimeout(() => this.#reread(onEntry), SEARCH_TIMING.confirmAfterMs);
		this.#onAbort(() => clearTimeout(timer));
	}

	/** Reads our entry from the server and hands it on as the listener would have. */
	#reread(onEntry: (entry: LobbyEntry | null) => void): void {
		if (this.signal.aborted) return;
		const { backend, client, uid } = this.#setup;
		backend
			.readLobbyEntry(client.db, uid)
			.then(onEntry)
			.catch((error: unknown) => console.warn('Could not re-read our lobby entry', error));
	}

	/** Our waiting entry was taken out of the queue: banned (until when), or dropped (SearchDropped). */
	async #explainRemoval(): Promise<never> {
		const { backend, client, uid } = this.#setup;
		const ban = await withTimeout(backend.readOwnBan(client.db, uid), SEARCH_TIMING.writeTimeoutMs).catch((error: unknown) => {
			console.warn('Could not read why the lobby dropped us', error);
			return null;
		});
		// A ban we could not read is found again by the next join, which the rules refuse.
		if (ban && isBanActive(ban, Date.now())) throw bannedError(ban.untilMs);
		throw new SearchDropped('taken out of the lobby without a ban');
	}

	#onAbort(release: () => void): void {
		if (this.signal.aborted) release();
		else this.signal.addEventListener('abort', release, { once: true });
	}
}
