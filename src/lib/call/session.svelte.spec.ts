// ChatSession's way into the lobby, against a fake backend (no Firebase, no WebRTC): what
// the user is told when a join is refused, and that the session refuses joins too close
// together itself.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LobbyEntry } from '$shared/model';
import type { BanDoc } from '$shared/safety';
import { USER_ERRORS } from '../errors';

const fake = vi.hoisted(() => ({
	joins: 0,
	/** Set to make the next joins fail with this error. */
	joinError: null as unknown,
	ban: null as BanDoc | null,
	banReads: 0,
	/** What the session passed to watchLobbyEntry: the server's side of our entry. */
	onEntry: null as ((entry: LobbyEntry | null) => void) | null
}));

vi.mock('./backend', () => ({
	firebaseClient: async () => ({ app: {}, auth: {}, db: {}, emulated: true, emulatorHost: '127.0.0.1' }),
	signedInUser: async () => ({ uid: 'me' }),
	fetchIceServers: async () => ({ iceServers: [] }),
	joinLobby: async () => {
		fake.joins++;
		if (fake.joinError) throw fake.joinError;
	},
	leaveLobby: async () => {},
	heartbeatLobby: async () => {},
	patienceAfter: () => 0,
	watchLobbyEntry: (_db: unknown, _uid: string, onEntry: (entry: LobbyEntry | null) => void) => {
		fake.onEntry = onEntry;
		return () => {};
	},
	readOwnBan: async () => {
		fake.banReads++;
		return fake.ban;
	}
}));

const { ChatSession } = await import('./session.svelte');

const refused = { code: 'permission-denied', message: 'Missing or insufficient permissions.' };

describe('ChatSession joining the lobby', () => {
	let session: InstanceType<typeof ChatSession>;

	beforeEach(() => {
		vi.useFakeTimers({ now: Date.UTC(2030, 0, 1, 12), toFake: ['Date'] });
		Object.assign(fake, { joins: 0, joinError: null, ban: null, banReads: 0, onEntry: null });
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
});
