// ChatSession against a fake backend (no Firebase, no WebRTC): what the user is told when
// a join is refused, that the session refuses joins too close together itself, and how
// the lobby entry starts a call and, later, brings its end.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOBBY_HEARTBEAT_MS, type LobbyEntry, type SignalDoc } from '$shared/model';
import { SAFETY_LIMITS, type BanDoc } from '$shared/safety';
import { UNDO_ACCEPTED_FOR_MS, UNDO_WINDOW_MS, type UndoResponse } from '$shared/undo';
import { USER_ERRORS } from '../errors';

const fake = vi.hoisted(() => ({
	joins: 0,
	/** Set to make the next joins fail with this error. */
	joinError: null as unknown,
	/** Errors for the next joins, one each, before joinError applies. */
	joinErrors: [] as unknown[],
	leaves: 0,
	/** Leave beacons sent (a closing page's leave), with the token each carried. */
	beacons: [] as string[],
	ban: null as BanDoc | null,
	banReads: 0,
	/** What bindDevice answers (or the error it fails with), and how often it was called. */
	binding: { bannedUntilMs: null } as { bannedUntilMs: number | null },
	bindError: null as unknown,
	binds: 0,
	/** What the session passed to watchLobbyEntry: the server's side of our entry. */
	onEntry: null as ((entry: LobbyEntry | null) => void) | null,
	/** Set to make heartbeats fail with this error. */
	heartbeatError: null as unknown,
	heartbeats: 0,
	/** Our entry as a fresh server read returns it, and how often it was read. */
	entryOnServer: null as LobbyEntry | null,
	entryReads: 0,
	/** Calls ended through the call document (callId per endCall), and through endCallIfActive. */
	ended: [] as string[],
	endedIfActive: [] as string[],
	/** Whether the call is active when the server is asked, and how often it was asked. */
	callActive: true,
	callReads: 0,
	/** Whose signals the session watches, per call. */
	watchedSignals: [] as { callId: string; partner: string }[],
	onSignals: null as ((signals: SignalDoc) => void) | null,
	/** Each call's signal outbox: what was queued in it, whether it was closed, and its error callback. */
	outboxes: [] as { added: number; closed: boolean; onError: (error: Error) => void }[],
	/** Set to hold sign-in until the test releases it. */
	signInGate: null as Promise<void> | null,
	/** What the undoNext callable answers, the calls it was asked to bring back, and calls marked gone. */
	undoAnswer: { outcome: 'refused', reason: 'partner-moved-on' } as UndoResponse,
	undoRequests: [] as string[],
	gone: [] as string[],
	/** Peer connections made: role, the descriptions handed to them, what went out, and their handlers. */
	links: [] as {
		role: string;
		descriptions: string[];
		closed: boolean;
		sent: string[];
		open: boolean;
		handlers: { channelOpen(): void; channelClosed(): void; message(data: unknown): void; candidate(c: RTCIceCandidateInit | null): void };
	}[]
}));

vi.mock('./peerLink', () => ({
	PeerLink: class {
		readonly pc = { remoteDescription: null };
		readonly record: (typeof fake.links)[number];
		constructor(role: string, _options: unknown, handlers: (typeof fake.links)[number]['handlers']) {
			this.record = { role, descriptions: [], closed: false, sent: [], open: false, handlers };
			fake.links.push(this.record);
		}
		acceptDescription(d: { sdp: string }) {
			this.record.descriptions.push(d.sdp);
		}
		acceptCandidates() {}
		send(data: string) {
			if (!this.record.open) return false;
			this.record.sent.push(data);
			return true;
		}
		close() {
			this.record.closed = true;
		}
	}
}));

vi.mock('./backend', () => ({
	firebaseClient: async () => ({ app: {}, auth: {}, db: {}, emulated: true, emulatorHost: '127.0.0.1' }),
	signedInUser: async () => {
		await fake.signInGate;
		return { uid: 'me' };
	},
	fetchIceServers: async () => ({ iceServers: [] }),
	bindThisDevice: async () => {
		fake.binds++;
		if (fake.bindError) throw fake.bindError;
		return fake.binding;
	},
	joinLobby: async () => {
		fake.joins++;
		const error = fake.joinErrors.length > 0 ? fake.joinErrors.shift() : fake.joinError;
		if (error) throw error;
	},
	leaveLobby: async () => {
		fake.leaves++;
	},
	heartbeatLobby: async () => {
		fake.heartbeats++;
		if (fake.heartbeatError) throw fake.heartbeatError;
	},
	readLobbyEntry: async () => {
		fake.entryReads++;
		return fake.entryOnServer;
	},
	beaconTokenOf: async () => 'token',
	leaveLobbyByBeacon: (token: string) => {
		fake.beacons.push(token);
		return true;
	},
	watchLobbyEntry: (_db: unknown, _uid: string, onEntry: (entry: LobbyEntry | null) => void) => {
		fake.onEntry = onEntry;
		return () => {};
	},
	readOwnBan: async () => {
		fake.banReads++;
		return fake.ban;
	},
	SignalOutbox: class {
		readonly record: (typeof fake.outboxes)[number];
		constructor(_db: unknown, _callId: string, _uid: string, onError: (error: Error) => void) {
			this.record = { added: 0, closed: false, onError };
			fake.outboxes.push(this.record);
		}
		publishDescription() {}
		add() {
			if (!this.record.closed) this.record.added++;
		}
		async flush() {}
		close() {
			this.record.closed = true;
		}
	},
	watchPartnerSignals: (_db: unknown, callId: string, partner: string, onSignals: (signals: SignalDoc) => void) => {
		fake.watchedSignals.push({ callId, partner });
		fake.onSignals = onSignals;
		return () => {};
	},
	readPartnerSignals: async () => null,
	endCall: async (_db: unknown, callId: string) => {
		fake.ended.push(callId);
	},
	endCallIfActive: async (_db: unknown, callId: string) => {
		fake.endedIfActive.push(callId);
	},
	isCallActive: async () => {
		fake.callReads++;
		return fake.callActive;
	},
	requestUndo: async (_app: unknown, _host: unknown, callId: string) => {
		fake.undoRequests.push(callId);
		return fake.undoAnswer;
	},
	markCallGone: async (_db: unknown, callId: string) => {
		fake.gone.push(callId);
	},
	reportPartner: async (_app: unknown, _host: unknown, request: { callId: string }) => ({ reportId: `${request.callId}_me`, blocked: true }),
	reportErrorMessage: () => 'not sent'
}));

const { ChatSession, LEFT_BEFORE_CONNECTED_NOTICE, RETRY_NOTICE } = await import('./session.svelte');
const { CALL_TIMING } = await import('./call.svelte');
const { SEARCH_TIMING } = await import('./search');

const refused = { code: 'permission-denied', message: 'Missing or insufficient permissions.' };

describe('ChatSession joining the lobby', () => {
	let session: InstanceType<typeof ChatSession>;

	beforeEach(() => {
		vi.useFakeTimers({ now: Date.UTC(2030, 0, 1, 12), toFake: ['Date'] });
		Object.assign(fake, {
			joins: 0,
			joinError: null,
			joinErrors: [],
			leaves: 0,
			beacons: [],
			ban: null,
			banReads: 0,
			binding: { bannedUntilMs: null },
			bindError: null,
			binds: 0,
			onEntry: null,
			heartbeatError: null,
			heartbeats: 0,
			entryOnServer: null,
			entryReads: 0,
			ended: [],
			endedIfActive: [],
			callActive: true,
			callReads: 0,
			watchedSignals: [],
			onSignals: null,
			outboxes: [],
			signInGate: null,
			links: [],
			undoAnswer: { outcome: 'refused', reason: 'partner-moved-on' },
			undoRequests: [],
			gone: []
		});
		session = new ChatSession();
		vi.spyOn(console, 'error').mockImplementation(() => {});
	});
	afterEach(() => {
		session.dispose();
		vi.useRealTimers();
		vi.restoreAllMocks();
		vi.unstubAllGlobals();
	});

	it('joins and waits', async () => {
		await session.start('text');
		expect(session.phase).toBe('searching');
		expect(fake.joins).toBe(1);
		expect(session.reportableCallId).toBeNull();
	});

	it('refused because banned: says until when, and does not try again', async () => {
		fake.joinError = refused;
		fake.ban = { reason: 'reports', reporters: 3, createdAtMs: Date.now(), untilMs: Date.now() + 3_600_000 };
		await session.start('text');
		expect(session.phase).toBe('ended');
		expect(session.error?.code).toBe('banned');
		expect(session.error?.message).toMatch(/^You can't start chats until .+, because several people reported you\.$/);
		expect(fake.joins).toBe(1);
		expect(fake.banReads).toBe(1);
	});

	it('binds this browser before joining (the rules refuse joins from unbound ids)', async () => {
		await session.start('text');
		expect(fake.binds).toBe(1);
		expect(fake.joins).toBe(1);
	});

	it('a ban the device carries over: says until when without trying to join', async () => {
		fake.binding = { bannedUntilMs: Date.now() + 3_600_000 };
		await session.start('text');
		expect(session.error?.code).toBe('banned');
		expect(session.error?.message).toMatch(/^You can't start chats until .+, because several people reported you\.$/);
		expect(fake.joins).toBe(0);
	});

	it('too many new sessions from this device or network: says to wait', async () => {
		fake.bindError = Object.assign(new Error('Too many new sessions'), { code: 'functions/resource-exhausted' }); // as the SDK's FunctionsError
		await session.start('text');
		expect(session.error).toEqual({ code: 'too-many-sessions', message: USER_ERRORS['too-many-sessions'] });
		expect(fake.joins).toBe(0);
	});

	describe('a refused join is settled by reading, and pacing is a wait', () => {
		beforeEach(() => {
			vi.useFakeTimers({ now: Date.UTC(2030, 0, 1, 12), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
		});
		const waitingAsAsked: LobbyEntry = { status: 'waiting', mode: 'text', interests: [], language: null, joinedAtMs: 0, heartbeatAtMs: 0 };

		it('refused, but our entry is in line as we asked (the SDK re-sent a join that went through): we wait in line', async () => {
			fake.joinErrors = [refused];
			fake.entryOnServer = waitingAsAsked;
			await session.start('text');
			expect(session.phase).toBe('searching');
			expect(session.error).toBeNull();
			expect(fake.joins).toBe(1);
			expect(fake.entryReads).toBe(1);
		});

		it('refused, and the entry is not ours yet (the previous page joined a moment ago): waits the interval and joins', async () => {
			fake.joinErrors = [refused];
			fake.entryOnServer = { ...waitingAsAsked, status: 'left' };
			const started = session.start('text');
			await vi.advanceTimersByTimeAsync(0);
			expect(fake.joins).toBe(1);
			await vi.advanceTimersByTimeAsync(SAFETY_LIMITS.lobbyJoinMinIntervalMs + 100);
			await started;
			expect(fake.joins).toBe(2);
			expect(session.phase).toBe('searching');
			expect(session.error).toBeNull();
		});

		it('refused, and already matched into a new call: the call starts', async () => {
			const matchedNew: LobbyEntry = { ...waitingAsAsked, status: 'matched', callId: 'call-9', matchedAtMs: 1, partner: 'them', role: 'answerer', commonInterests: [] };
			fake.joinErrors = [refused];
			fake.entryOnServer = matchedNew;
			await session.start('text');
			fake.onEntry?.(matchedNew);
			await vi.waitFor(() => expect(fake.links).toHaveLength(1));
			expect(fake.links[0]?.role).toBe('answerer');
			expect(fake.joins).toBe(1);
		});

		it('refused every time without a ban: a plain refusal after three tries, never "slow down"', async () => {
			fake.joinError = refused;
			fake.ban = { reason: 'reports', reporters: 3, createdAtMs: 0, untilMs: Date.now() - 1 };
			const started = session.start('text');
			await vi.advanceTimersByTimeAsync(5_000);
			await started;
			expect(fake.joins).toBe(3);
			expect(session.error).toEqual({ code: 'refused', message: USER_ERRORS.refused });
		});

		it('a join within the interval of the previous one waits for it instead of refusing', async () => {
			await session.start('text');
			await vi.advanceTimersByTimeAsync(100);
			const next = session.next();
			await vi.advanceTimersByTimeAsync(0);
			expect(fake.joins).toBe(1);
			expect(session.error).toBeNull();
			await vi.advanceTimersByTimeAsync(SAFETY_LIMITS.lobbyJoinMinIntervalMs);
			await next;
			expect(fake.joins).toBe(2);
			expect(session.phase).toBe('searching');
		});

		it('Stop while the join waits: nothing is written after the user left', async () => {
			await session.start('text');
			const next = session.next();
			await vi.advanceTimersByTimeAsync(0);
			await session.stop();
			await vi.advanceTimersByTimeAsync(1_000);
			await next;
			expect(fake.joins).toBe(1);
			expect(session.phase).toBe('idle');
		});

		it('a join that times out may still land: the leave is queued behind it', async () => {
			fake.joinErrors = [new DOMException('No answer', 'TimeoutError')];
			await session.start('text');
			expect(session.error?.code).toBe('unreachable');
			expect(fake.leaves).toBe(1);
		});
	});

	it('taken out of the queue while waiting (a ban landed): says until when instead of waiting for nobody', async () => {
		await session.start('text');
		fake.ban = { reason: 'reports', reporters: 3, createdAtMs: Date.now(), untilMs: Date.now() + 3_600_000 };
		const left: LobbyEntry = { status: 'left', mode: 'text', interests: [], language: null, joinedAtMs: 0, heartbeatAtMs: 0 };
		fake.onEntry?.(left);
		await vi.waitFor(() => expect(session.phase).toBe('ended'));
		expect(session.error?.code).toBe('banned');
		expect(fake.banReads).toBe(1);
	});

	it('taken out of the queue without a ban (heartbeats lapsed, or a match we never heard of ended): in line again, no error', async () => {
		await session.start('text');
		fake.onEntry?.({ mode: 'text', interests: [], language: null, joinedAtMs: 0, heartbeatAtMs: 0, status: 'left' });
		await vi.waitFor(() => expect(fake.joins).toBe(2), { timeout: 3_000 });
		await vi.waitFor(() => expect(session.phase).toBe('searching'));
		expect(session.error).toBeNull();
		expect(fake.banReads).toBeGreaterThan(0); // asked whether it was a ban first
	});

	it('taken out again and again within moments: a plain refusal (not a ban), never a loop of joins', async () => {
		await session.start('text');
		for (let join = 2; join <= 4; join++) {
			fake.onEntry?.(null);
			await vi.waitFor(() => expect(fake.joins).toBe(join), { timeout: 3_000 });
			await vi.waitFor(() => expect(session.phase).toBe('searching'));
		}
		fake.onEntry?.(null);
		await vi.waitFor(() => expect(session.phase).toBe('ended'));
		expect(session.error?.code).toBe('refused');
		expect(fake.joins).toBe(4);
	});

	it('taken out once a minute, as a background tab is: it goes on searching', async () => {
		vi.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
		fake.entryOnServer = { mode: 'text', interests: [], language: null, joinedAtMs: 0, heartbeatAtMs: 0, status: 'waiting' };
		await session.start('text');
		for (let join = 2; join <= 6; join++) {
			await vi.advanceTimersByTimeAsync(60_000);
			fake.onEntry?.(null);
			await vi.advanceTimersByTimeAsync(1_000);
			expect(fake.joins).toBe(join);
			expect(session.phase).toBe('searching');
		}
		expect(session.error).toBeNull();
	});

	describe('in a call', () => {
		const waiting = { mode: 'text' as const, interests: ['chess'], language: null, joinedAtMs: 0, heartbeatAtMs: 0 };
		const matched: LobbyEntry = {
			...waiting,
			status: 'matched',
			callId: 'call-1',
			matchedAtMs: 1,
			partner: 'them',
			role: 'offerer',
			commonInterests: ['chess']
		};

		async function matchedSession() {
			await session.start('text', { interests: ['chess'] });
			fake.onEntry?.(matched);
			await vi.waitFor(() => expect(fake.links).toHaveLength(1));
		}

		it('starts the call from the matched entry alone: role, partner, shared interests', async () => {
			await matchedSession();
			expect(session.phase).toBe('connecting');
			expect(fake.links[0]?.role).toBe('offerer');
			expect(fake.watchedSignals).toEqual([{ callId: 'call-1', partner: 'them' }]);
			expect(session.commonInterests).toEqual(['chess']);
			fake.onSignals?.({ description: { type: 'answer', sdp: 'v=0 answer' }, candidates: [] });
			expect(fake.links[0]?.descriptions).toEqual(['v=0 answer']);
		});

		it('matched as the listener started, and its snapshot lost: a read from the server a moment later starts the call', async () => {
			vi.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
			await session.start('text', { interests: ['chess'] });
			fake.entryOnServer = matched; // the listener never says so
			await vi.advanceTimersByTimeAsync(SEARCH_TIMING.confirmAfterMs - 1);
			expect(fake.entryReads).toBe(0);
			await vi.advanceTimersByTimeAsync(1);
			await vi.waitFor(() => expect(fake.links).toHaveLength(1));
			expect(fake.entryReads).toBe(1);
			expect(session.phase).toBe('connecting');
			expect(fake.heartbeats).toBe(0); // long before the first heartbeat
		});

		it('still waiting when read a moment later: nothing changes, and no further reads without a refused heartbeat', async () => {
			vi.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
			await session.start('text', { interests: ['chess'] });
			fake.entryOnServer = { ...waiting, status: 'waiting' };
			await vi.advanceTimersByTimeAsync(SEARCH_TIMING.confirmAfterMs * 3);
			expect(fake.entryReads).toBe(1);
			expect(session.phase).toBe('searching');
		});

		it('matched but the snapshot never came: the refused heartbeat makes it ask the server, and the call starts', async () => {
			vi.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setInterval', 'clearInterval'] });
			await session.start('text', { interests: ['chess'] });
			await vi.advanceTimersByTimeAsync(LOBBY_HEARTBEAT_MS);
			expect(fake.heartbeats).toBe(1);
			expect(fake.entryReads).toBe(0); // an accepted heartbeat costs no read

			// The matchmaker matched us; our listener missed it, so only the rules know.
			fake.heartbeatError = refused;
			fake.entryOnServer = matched;
			await vi.advanceTimersByTimeAsync(LOBBY_HEARTBEAT_MS);
			await vi.waitFor(() => expect(fake.links).toHaveLength(1));
			expect(fake.entryReads).toBe(1);
			expect(session.phase).toBe('connecting');
			expect(fake.watchedSignals).toEqual([{ callId: 'call-1', partner: 'them' }]);

			// The late snapshot changes nothing.
			fake.onEntry?.(matched);
			expect(fake.links).toHaveLength(1);
		});

		it('the entry marked left by the cleanup means the partner ended it: told so, and no second end', async () => {
			await matchedSession();
			openChannel();
			fake.onEntry?.({ ...waiting, status: 'left' });
			expect(session.phase).toBe('ended');
			expect(session.endReason).toBe('partner-left');
			expect(fake.links[0]?.closed).toBe(true);
			await Promise.resolve();
			expect(fake.ended).toEqual([]);
			expect(fake.endedIfActive).toEqual([]);
		});

		it('the partner leaves before the chat began: no dead end, back in line on its own, saying so, and no second end', async () => {
			vi.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setTimeout', 'clearTimeout', 'performance'] });
			await matchedSession();
			await vi.advanceTimersByTimeAsync(2_000);
			fake.onEntry?.({ ...waiting, status: 'left' });
			await vi.waitFor(() => expect(fake.joins).toBe(2));
			expect(session.phase).toBe('searching');
			expect(session.notice).toBe(LEFT_BEFORE_CONNECTED_NOTICE);
			expect(session.error).toBeNull();
			expect(fake.links[0]?.closed).toBe(true);
			expect(fake.ended).toEqual([]);
			expect(fake.endedIfActive).toEqual([]);
		});

		it('the partner ends an unconnected call late in the connect window (their timeout fired first): the same failure as ours, said the same way', async () => {
			vi.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setTimeout', 'clearTimeout', 'performance'] });
			await matchedSession();
			await vi.advanceTimersByTimeAsync(CALL_TIMING.connectTimeoutMs - 500);
			fake.onEntry?.({ ...waiting, status: 'left' });
			await vi.waitFor(() => expect(fake.joins).toBe(2));
			expect(session.phase).toBe('searching');
			expect(session.notice).toBe(RETRY_NOTICE);
			expect(fake.endedIfActive).toEqual([]);
		});

		it('the partner says goodbye: told at once; the end is theirs to write, ours follows only if the call is still active after a grace (never a write the rules refuse)', async () => {
			await matchedSession();
			openChannel();
			vi.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
			fake.links[0]?.handlers.message(JSON.stringify({ kind: 'bye' }));
			expect(session.phase).toBe('ended');
			expect(session.endReason).toBe('partner-left');
			// Ending it ourselves now could beat their write and make us the one who ended it,
			// which would refuse them an Undo of their Next.
			await vi.advanceTimersByTimeAsync(CALL_TIMING.partnerEndGraceMs - 1);
			expect(fake.endedIfActive).toEqual([]);
			await vi.advanceTimersByTimeAsync(1);
			expect(fake.ended).toEqual([]);
			expect(fake.endedIfActive).toEqual(['call-1']);
		});

		it('the tab closes in a call: the leave beacon goes too (the end write may not get out), as it does while searching', async () => {
			const page = new EventTarget(); // the window, for its pagehide
			vi.stubGlobal('window', page);
			await matchedSession();
			await vi.waitFor(() => expect(session.phase).toBe('connecting'));
			page.dispatchEvent(new Event('pagehide'));
			expect(fake.beacons).toEqual(['token']);
		});

		it('the tab closes during the grace after a goodbye: the beacon lets the server end the call, which no page may write now', async () => {
			const page = new EventTarget(); // the window, for its pagehide
			vi.stubGlobal('window', page);
			await matchedSession();
			openChannel();
			fake.links[0]?.handlers.message(JSON.stringify({ kind: 'bye' }));
			expect(session.phase).toBe('ended');
			page.dispatchEvent(new Event('pagehide'));
			expect(fake.beacons).toEqual(['token']);
		});

		it('the data channel closes without a goodbye (their tab crashed): the end is written at once, if still active', async () => {
			await matchedSession();
			openChannel();
			fake.links[0]?.handlers.channelClosed();
			expect(session.endReason).toBe('partner-left');
			await Promise.resolve();
			expect(fake.ended).toEqual([]);
			expect(fake.endedIfActive).toEqual(['call-1']);
		});

		/** The data channel opens: what the session sends from then on is recorded. */
		function openChannel() {
			const link = fake.links.at(-1)!;
			link.open = true;
			link.handlers.channelOpen();
			return link;
		}

		it('says our display name once the channel opens, and shows the stranger\'s, cleaned, once per call', async () => {
			await session.start('text', { interests: ['chess'], name: ' Sam\u200B ' });
			fake.onEntry?.(matched);
			await vi.waitFor(() => expect(fake.links).toHaveLength(1));
			const link = openChannel();
			expect(session.phase).toBe('connected');
			expect(link.sent.map((raw) => JSON.parse(raw))).toContainEqual({ kind: 'hello', name: 'Sam' });
			expect(session.partnerName).toBeNull();

			link.handlers.message(JSON.stringify({ kind: 'hello', name: '\u202EAlex' }));
			expect(session.partnerName).toBe('Alex');
			// A second hello cannot rename them mid-chat.
			link.handlers.message(JSON.stringify({ kind: 'hello', name: 'Admin' }));
			expect(session.partnerName).toBe('Alex');
			// Kept after they leave ("Alex has left"), until the next search.
			fake.onEntry?.({ ...waiting, status: 'left' });
			expect(session.partnerName).toBe('Alex');
			vi.advanceTimersByTime(400);
			await session.next();
			expect(session.partnerName).toBeNull();
		});

		it('sends no hello without a name, and tells the stranger when our camera or mic goes off', async () => {
			await matchedSession();
			session.setMediaState(true, true);
			const link = openChannel();
			expect(link.sent.map((raw) => JSON.parse(raw))).toEqual([{ kind: 'media', camera: true, mic: true }]);
			session.setMediaState(false, true);
			expect(JSON.parse(link.sent.at(-1)!)).toEqual({ kind: 'media', camera: false, mic: true });

			expect(session.partnerMedia).toBeNull();
			link.handlers.message(JSON.stringify({ kind: 'media', camera: true, mic: false }));
			expect(session.partnerMedia).toEqual({ camera: true, mic: false });
		});

		it('we press Next: our end goes to the call document, once', async () => {
			await matchedSession();
			vi.advanceTimersByTime(400);
			await session.next();
			expect(fake.ended).toEqual(['call-1']);
			expect(session.phase).toBe('searching');
			// The old call's entry updates no longer reach the new search.
			expect(fake.links[0]?.closed).toBe(true);
		});

		it('a connection that cannot be made is no dead end: back in line on its own, saying why, and ended for the partner', async () => {
			vi.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
			await matchedSession();
			await vi.advanceTimersByTimeAsync(CALL_TIMING.connectTimeoutMs);
			await vi.waitFor(() => expect(fake.joins).toBe(2));
			expect(session.phase).toBe('searching');
			expect(session.error).toBeNull();
			expect(session.notice).toBe(RETRY_NOTICE);
			expect(fake.endedIfActive).toEqual(['call-1']);
			expect(fake.links[0]?.closed).toBe(true);
		});

		it('after failure upon failure it stops and says what to do', async () => {
			vi.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setTimeout', 'clearTimeout'] });
			await matchedSession();
			for (let failed = 1; failed <= 4; failed++) {
				await vi.advanceTimersByTimeAsync(CALL_TIMING.connectTimeoutMs);
				if (failed === 4) break;
				await vi.waitFor(() => expect(session.phase).toBe('searching'));
				fake.onEntry?.({ ...matched, callId: `call-${failed + 1}` });
				await vi.waitFor(() => expect(fake.links).toHaveLength(failed + 1));
			}
			expect(session.phase).toBe('ended');
			expect(session.error?.code).toBe('connection-failed');
			expect(fake.joins).toBe(4);
		});

		describe('a signal write refused while connecting', () => {
			const refused = () => Object.assign(new Error('Missing or insufficient permissions.'), { code: 'permission-denied' });

			it('because the partner ended the call a moment before we heard: back in line as after any stranger who left before the chat began, with no error', async () => {
				await matchedSession();
				fake.callActive = false;
				fake.outboxes[0]?.onError(refused());
				fake.outboxes[0]?.onError(refused()); // the write queued behind it
				await vi.waitFor(() => expect(fake.joins).toBe(2));
				expect(session.phase).toBe('searching');
				expect(session.notice).toBe(LEFT_BEFORE_CONNECTED_NOTICE);
				expect(session.error).toBeNull();
				expect(fake.callReads).toBe(1);
				expect(fake.endedIfActive).toEqual([]);
			});

			it('while the call is still active: a failure, said as one', async () => {
				await matchedSession();
				fake.outboxes[0]?.onError(refused());
				await vi.waitFor(() => expect(session.phase).toBe('ended'));
				expect(session.error).not.toBeNull();
				expect(fake.callReads).toBe(1);
				expect(fake.joins).toBe(1);
			});
		});

		it('after the partner left, a refused signal write queued before the end changes nothing: still "Stranger has left"', async () => {
			await matchedSession();
			openChannel();
			fake.links[0]?.handlers.message(JSON.stringify({ kind: 'bye' }));
			fake.outboxes[0]?.onError(Object.assign(new Error('Missing or insufficient permissions.'), { code: 'permission-denied' }));
			expect(session.phase).toBe('ended');
			expect(session.endReason).toBe('partner-left');
			expect(session.error).toBeNull();
		});

		describe('undo after Next', () => {
			const say = (link: (typeof fake.links)[number], text: string) => link.handlers.message(JSON.stringify({ kind: 'text', id: text, text }));
			const resumed: LobbyEntry = { ...matched, callId: 'call-2', resumes: 'call-1' };

			it('Next from a connected chat offers Undo; the call it brings back comes as a match, with the conversation and a line', async () => {
				await matchedSession();
				const link = openChannel();
				say(link, 'hello there');
				vi.advanceTimersByTime(400);
				await session.next();
				expect(session.undo).toMatchObject({ callId: 'call-1', status: 'offered', untilMs: Date.now() + UNDO_WINDOW_MS });
				expect(session.messages).toEqual([]);

				fake.undoAnswer = { outcome: 'resumed', callId: 'call-2' };
				await session.undoNext();
				expect(fake.undoRequests).toEqual(['call-1']);
				fake.onEntry?.(resumed);
				await vi.waitFor(() => expect(fake.links).toHaveLength(2));
				expect(session.phase).toBe('connecting');
				expect(session.undo).toBeNull();
				expect(session.messages.map((line) => [line.from, line.text])).toEqual([
					['stranger', 'hello there'],
					['notice', "You're back with Stranger."]
				]);
			});

			it('refused: says why, and the search goes on', async () => {
				await matchedSession();
				openChannel();
				vi.advanceTimersByTime(400);
				await session.next();
				await session.undoNext();
				expect(session.undo).toMatchObject({ status: 'refused', refusal: 'partner-moved-on' });
				expect(session.phase).toBe('searching');
				expect(fake.leaves).toBe(0);
				// One ask per Next.
				await session.undoNext();
				expect(fake.undoRequests).toEqual(['call-1']);
			});

			it('no Undo after the window, nor after Next from a chat that never connected', async () => {
				await matchedSession();
				openChannel();
				vi.advanceTimersByTime(400);
				await session.next();
				vi.advanceTimersByTime(UNDO_WINDOW_MS + 1);
				await session.undoNext();
				expect(fake.undoRequests).toEqual([]);

				fake.onEntry?.({ ...matched, callId: 'call-3' });
				await vi.waitFor(() => expect(fake.links).toHaveLength(2));
				vi.advanceTimersByTime(400);
				await session.next(); // still connecting
				expect(session.undo).toBeNull();
			});

			it('the partner undoes while our ended chat is on screen: the same stranger is back, the conversation kept, with a line', async () => {
				await matchedSession();
				const link = openChannel();
				say(link, 'hi');
				link.handlers.message(JSON.stringify({ kind: 'bye' }));
				expect(session.phase).toBe('ended');
				fake.onEntry?.(resumed);
				await vi.waitFor(() => expect(fake.links).toHaveLength(2));
				expect(session.phase).toBe('connecting');
				expect(fake.watchedSignals.at(-1)).toEqual({ callId: 'call-2', partner: 'them' });
				expect(session.messages.map((line) => [line.from, line.text])).toEqual([
					['stranger', 'hi'],
					['notice', 'Stranger came back.']
				]);
			});

			it('after reporting them, their undo does not pull us back', async () => {
				await matchedSession();
				openChannel();
				fake.links[0]?.handlers.message(JSON.stringify({ kind: 'bye' }));
				await session.report('harassment', '');
				expect(session.reported).toBe(true);
				fake.onEntry?.(resumed);
				await Promise.resolve();
				expect(fake.links).toHaveLength(1);
				expect(session.phase).toBe('ended');
			});

			it('Stop within the window after the partner left: the call is marked gone and our entry left; after it, nothing is written', async () => {
				await matchedSession();
				openChannel();
				fake.links[0]?.handlers.message(JSON.stringify({ kind: 'bye' }));
				await session.stop();
				expect(fake.gone).toEqual(['call-1']);
				expect(fake.leaves).toBe(1);

				await matchedSession();
				openChannel();
				fake.links[1]?.handlers.message(JSON.stringify({ kind: 'bye' }));
				vi.advanceTimersByTime(UNDO_ACCEPTED_FOR_MS + 5_000);
				await session.stop();
				expect(fake.gone).toEqual(['call-1']);
			});
		});

		it('no write after teardown: the old call\'s late events queue no signals, end nothing twice, and say nothing', async () => {
			await matchedSession();
			const link = openChannel();
			await session.stop();
			expect(fake.ended).toEqual(['call-1']);
			expect(fake.outboxes[0]?.closed).toBe(true);
			link.handlers.candidate({ candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host' });
			link.handlers.message(JSON.stringify({ kind: 'bye' }));
			link.handlers.message(JSON.stringify({ kind: 'text', id: 'x', text: 'late' }));
			await Promise.resolve();
			expect(fake.outboxes[0]?.added).toBe(0);
			expect(fake.ended).toEqual(['call-1']);
			expect(fake.endedIfActive).toEqual([]);
			expect(session.messages).toEqual([]);
			expect(session.phase).toBe('idle');
		});
	});

	describe('leaving during sign-in', () => {
		for (const [how, leave] of [
			['Stop', (s: InstanceType<typeof ChatSession>) => s.stop()],
			['Back (the page goes away)', (s: InstanceType<typeof ChatSession>) => s.dispose()]
		] as const) {
			it(`${how} while signing in: no waiting entry is written afterwards, and nothing is shown`, async () => {
				let signedIn = () => {};
				fake.signInGate = new Promise<void>((resolve) => (signedIn = resolve));
				const started = session.start('text');
				await leave(session);
				signedIn();
				await started;
				// Long enough for any pacing wait and write to have happened.
				await new Promise((resolve) => setTimeout(resolve, SAFETY_LIMITS.lobbyJoinMinIntervalMs + 200));
				expect(fake.joins).toBe(0);
				expect(fake.leaves).toBe(0);
				expect(session.error).toBeNull();
			});
		}
	});
});

