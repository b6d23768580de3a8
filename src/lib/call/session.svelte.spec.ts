// ChatSession against a fake backend (no Firebase, no WebRTC): what the user is told when
// a join is refused, that the session refuses joins too close together itself, and how
// the lobby entry starts a call and, later, brings its end.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOBBY_HEARTBEAT_MS, type LobbyEntry, type SignalDoc } from '$shared/model';
import type { BanDoc } from '$shared/safety';
import { USER_ERRORS } from '../errors';

const fake = vi.hoisted(() => ({
	joins: 0,
	/** Set to make the next joins fail with this error. */
	joinError: null as unknown,
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
	/** Calls ended through the call document (callId per endCall). */
	ended: [] as string[],
	/** Whose signals the session watches, per call. */
	watchedSignals: [] as { callId: string; partner: string }[],
	onSignals: null as ((signals: SignalDoc) => void) | null,
	/** Peer connections made: role, and the descriptions handed to them. */
	links: [] as { role: string; descriptions: string[]; closed: boolean }[]
}));

vi.mock('./peerLink', () => ({
	PeerLink: class {
		readonly pc = { remoteDescription: null };
		readonly record: { role: string; descriptions: string[]; closed: boolean };
		constructor(role: string) {
			this.record = { role, descriptions: [], closed: false };
			fake.links.push(this.record);
		}
		acceptDescription(d: { sdp: string }) {
			this.record.descriptions.push(d.sdp);
		}
		acceptCandidates() {}
		send() {
			return false;
		}
		close() {
			this.record.closed = true;
		}
	}
}));

vi.mock('./backend', () => ({
	firebaseClient: async () => ({ app: {}, auth: {}, db: {}, emulated: true, emulatorHost: '127.0.0.1' }),
	signedInUser: async () => ({ uid: 'me' }),
	fetchIceServers: async () => ({ iceServers: [] }),
	bindThisDevice: async () => {
		fake.binds++;
		if (fake.bindError) throw fake.bindError;
		return fake.binding;
	},
	joinLobby: async () => {
		fake.joins++;
		if (fake.joinError) throw fake.joinError;
	},
	leaveLobby: async () => {},
	heartbeatLobby: async () => {
		fake.heartbeats++;
		if (fake.heartbeatError) throw fake.heartbeatError;
	},
	readLobbyEntry: async () => {
		fake.entryReads++;
		return fake.entryOnServer;
	},
	patienceAfter: () => 0,
	watchLobbyEntry: (_db: unknown, _uid: string, onEntry: (entry: LobbyEntry | null) => void) => {
		fake.onEntry = onEntry;
		return () => {};
	},
	readOwnBan: async () => {
		fake.banReads++;
		return fake.ban;
	},
	SignalOutbox: class {
		publishDescription() {}
		add() {}
		async flush() {}
		close() {}
	},
	watchPartnerSignals: (_db: unknown, callId: string, partner: string, onSignals: (signals: SignalDoc) => void) => {
		fake.watchedSignals.push({ callId, partner });
		fake.onSignals = onSignals;
		return () => {};
	},
	readPartnerSignals: async () => null,
	endCall: async (_db: unknown, callId: string) => {
		fake.ended.push(callId);
	}
}));

const { ChatSession } = await import('./session.svelte');

const refused = { code: 'permission-denied', message: 'Missing or insufficient permissions.' };

describe('ChatSession joining the lobby', () => {
	let session: InstanceType<typeof ChatSession>;

	beforeEach(() => {
		vi.useFakeTimers({ now: Date.UTC(2030, 0, 1, 12), toFake: ['Date'] });
		Object.assign(fake, {
			joins: 0,
			joinError: null,
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
			watchedSignals: [],
			onSignals: null,
			links: []
		});
		session = new ChatSession();
		vi.spyOn(console, 'error').mockImplementation(() => {});
	});
	afterEach(() => {
		session.dispose();
		vi.useRealTimers();
		vi.restoreAllMocks();
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

	it('refused without an active ban: "Slow down"', async () => {
		fake.joinError = refused;
		fake.ban = { reason: 'reports', reporters: 3, createdAtMs: 0, untilMs: Date.now() - 1 };
		await session.start('text');
		expect(session.error).toEqual({ code: 'too-fast', message: USER_ERRORS['too-fast'] });
	});

	it('other failures are not read as a ban', async () => {
		fake.joinError = { code: 'unavailable' };
		await session.start('text');
		expect(session.error?.code).toBe('unreachable');
		expect(fake.banReads).toBe(0);
	});

	it('refuses a join within the rules\' interval of its previous one, without asking the server', async () => {
		await session.start('text');
		vi.advanceTimersByTime(100);
		await session.next();
		expect(session.error).toEqual({ code: 'too-fast', message: USER_ERRORS['too-fast'] });
		expect(session.phase).toBe('ended');
		expect(fake.joins).toBe(1);

		// A moment later, New chat works.
		vi.advanceTimersByTime(300);
		await session.next();
		expect(session.phase).toBe('searching');
		expect(session.error).toBeNull();
		expect(fake.joins).toBe(2);
	});

	it('taken out of the queue while waiting (a ban landed): says until when instead of waiting for nobody', async () => {
		await session.start('text');
		fake.ban = { reason: 'reports', reporters: 3, createdAtMs: Date.now(), untilMs: Date.now() + 3_600_000 };
		const left: LobbyEntry = { status: 'left', mode: 'text', interests: [], language: null, patience: 0, joinedAtMs: 0, heartbeatAtMs: 0 };
		fake.onEntry?.(left);
		await vi.waitFor(() => expect(session.phase).toBe('ended'));
		expect(session.error?.code).toBe('banned');
		expect(fake.banReads).toBe(1);
	});

	it('taken out of the queue without a ban: a plain refusal, not a ban', async () => {
		await session.start('text');
		fake.onEntry?.(null);
		await vi.waitFor(() => expect(session.phase).toBe('ended'));
		expect(session.error?.code).toBe('refused');
	});

	describe('in a call', () => {
		const waiting = { mode: 'text' as const, interests: ['chess'], language: null, patience: 0, joinedAtMs: 0, heartbeatAtMs: 0 };
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
			fake.onEntry?.({ ...waiting, status: 'left' });
			expect(session.phase).toBe('ended');
			expect(session.endReason).toBe('partner-left');
			expect(fake.links[0]?.closed).toBe(true);
			await Promise.resolve();
			expect(fake.ended).toEqual([]);
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
	});
});
