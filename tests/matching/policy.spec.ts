// The matching policy as users meet it, on the emulator suite: interests first, a wider
// search after waiting, no instant rematch, vanished pages never matched and swept away,
// and the online counter.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { endCall } from '$lib/call/callDoc';
import { heartbeatLobby, readLobbyEntry, watchLobbyEntry, type LobbyRequest } from '$lib/matching/lobby';
import { LOBBY_HEARTBEAT_MS, parseCallDoc, PATIENCE_AFTER_MS, type CallDoc } from '$shared/model';
import { sweepStale, WAITING_ENTRY_TTL_MS } from '../../functions/src/maintenance/sweep';
import { adminDb, backdateJoin, clearFirestore, shardRuns, waitFor } from '../support/admin';
import { createUser, disposeUsers, joinPaced, type SimulatedUser } from '../support/clients';
import { describeWithEmulators, PROJECT_ID } from '../support/emulators';
import { Timestamp } from 'firebase-admin/firestore';

const QUIET_MS = 2_000; // long enough for the matchmaker to act if it (wrongly) would

/** How often the emulator has evaluated the lobby's `allow get` rule (its rule coverage report). */
async function lobbyGetRuleEvaluations(): Promise<number> {
	const host = process.env.FIRESTORE_EMULATOR_HOST ?? '127.0.0.1:8080';
	const coverage = (await (await fetch(`http://${host}/emulator/v1/projects/${PROJECT_ID}:ruleCoverage`)).json()) as CoverageReport;
	const lines = readFileSync('firestore.rules', 'utf8').split('\n');
	const line = lines.findIndex((text, i) => text.includes('allow get') && (lines[i - 1] ?? '').includes('match /lobby/{uid}')) + 1;
	expect(line).toBeGreaterThan(0);
	let count = 0;
	const visit = (node: CoverageNode) => {
		if (node.sourcePosition?.line === line) count = Math.max(count, ...(node.values ?? []).map((v) => v.count ?? 0));
		node.children?.forEach(visit);
	};
	coverage.report?.forEach(visit);
	return count;
}

interface CoverageNode {
	sourcePosition?: { line: number };
	values?: { count?: number }[];
	children?: CoverageNode[];
}
interface CoverageReport {
	report?: CoverageNode[];
}

describeWithEmulators(['firestore', 'auth', 'functions'], 'matching policy on the emulators', () => {
	let users: SimulatedUser[] = [];
	beforeEach(clearFirestore);
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
	});

	async function people(...names: string[]): Promise<SimulatedUser[]> {
		const made = await Promise.all(names.map((n) => createUser(n)));
		users.push(...made);
		return made;
	}

	/**
	 * The call the user is matched into next (ignoring calls they were in before), read on
	 * the server side: these tests are about the matchmaker's decisions, and the client's
	 * own view of its entry is covered by matchmaker.spec.ts and the browser tests.
	 */
	async function nextCall(user: SimulatedUser, except: string[] = [], timeoutMs = 15_000): Promise<CallDoc & { id: string }> {
		const callId = await waitFor(
			`${user.name} to be matched`,
			async () => {
				const entry = await adminDb().doc(`lobby/${user.uid}`).get();
				const id: unknown = entry.get('callId');
				return entry.get('status') === 'matched' && typeof id === 'string' && !except.includes(id) ? id : undefined;
			},
			timeoutMs
		);
		const snap = await adminDb().doc(`calls/${callId}`).get();
		return { id: snap.id, ...parseCallDoc(snap.ref.path, snap.data() ?? {}) };
	}

	const join = (u: SimulatedUser, request: Partial<LobbyRequest> = {}) => joinPaced(u, { mode: 'text', ...request });
	const statusOf = async (u: SimulatedUser) => (await adminDb().doc(`lobby/${u.uid}`).get()).get('status');
	const quiet = () => new Promise((r) => setTimeout(r, QUIET_MS));

	it('matches people who share an interest first, and says which', async () => {
		const [musicFan, noInterests, alsoMusic] = await people('music fan', 'no interests', 'also music');
		await join(musicFan!, { interests: ['Music', 'chess'] });
		await join(noInterests!);
		await quiet();
		// The music fan waits for a shared interest rather than taking the first stranger.
		expect(await statusOf(musicFan!)).toBe('waiting');
		expect(await statusOf(noInterests!)).toBe('waiting');

		const call = nextCall(alsoMusic!);
		await join(alsoMusic!, { interests: ['#music'] });
		const matched = await call;
		expect([...matched.members].sort()).toEqual([musicFan!.uid, alsoMusic!.uid].sort());
		expect(matched.commonInterests).toEqual(['music']);
		expect(await statusOf(noInterests!)).toBe('waiting');
	});

	it('falls back to anyone once both have waited (the server widens on its own), and says no interest was shared', async () => {
		const [cats, dogs] = await people('cats', 'dogs');
		const started = Date.now();
		await join(cats!, { interests: ['cats'] });
		await join(dogs!, { interests: ['dogs'] });
		const runs = await waitFor('the joins to be run', async () => ((await shardRuns()) >= 2 ? shardRuns() : undefined));
		expect(await statusOf(cats!)).toBe('waiting');
		expect(await statusOf(dogs!)).toBe('waiting');

		// Neither page writes anything more: the run the matcher scheduled for the moment
		// their patience grows (PATIENCE_AFTER_MS.acceptsStrangers) pairs them.
		const matched = await nextCall(cats!, [], 20_000);
		expect([...matched.members].sort()).toEqual([cats!.uid, dogs!.uid].sort());
		expect(matched.commonInterests).toEqual([]);
		expect(matched.createdAtMs - started).toBeGreaterThanOrEqual(PATIENCE_AFTER_MS.acceptsStrangers - 1_000);
		expect(await shardRuns()).toBeGreaterThan(runs);
	}, 40_000);

	it('a matched page whose snapshot never came learns of its call: its heartbeat is refused, and a server read names the call', async () => {
		const [first, second] = await people('first', 'second');
		await join(first!);
		const call = nextCall(second!);
		await join(second!);
		const { id: callId } = await call;

		// As if the last beat was a full interval ago: only the status can refuse this one.
		await adminDb().doc(`lobby/${first!.uid}`).update({ heartbeatAt: Timestamp.fromMillis(Date.now() - LOBBY_HEARTBEAT_MS) });
		await expect(heartbeatLobby(first!.db, first!.uid)).rejects.toMatchObject({ code: 'permission-denied' });
		const entry = await readLobbyEntry(first!.db, first!.uid);
		expect(entry).toMatchObject({ status: 'matched', callId, partner: second!.uid });
	});

	it("a read from the server goes to the server while the page's own listener watches the same entry", async () => {
		// getDocFromServer did not: the SDK answered it from the listener's view, so a write
		// the listener missed (the emulator drops about 1 in 200 that race its start) was
		// missed again. Whether a read reached the server is what the rules evaluated: the
		// emulator counts each evaluation of the lobby's get rule.
		const [page] = await people('page');
		await join(page!);
		const seen: string[] = [];
		const stop = watchLobbyEntry(page!.db, page!.uid, (entry) => seen.push(entry?.status ?? 'none'), (error) => {
			throw error;
		});
		try {
			await waitFor('the listener to see the waiting entry', async () => (seen.includes('waiting') ? true : undefined));
			const before = await lobbyGetRuleEvaluations();
			expect((await readLobbyEntry(page!.db, page!.uid))?.status).toBe('waiting');
			expect(await lobbyGetRuleEvaluations()).toBeGreaterThan(before);
		} finally {
			stop();
		}
	});

	it('keeps modes and languages apart', async () => {
		const [video, audio, german, english] = await people('video', 'audio', 'german', 'english');
		await join(video!, { mode: 'video' });
		await join(audio!, { mode: 'audio' });
		await join(german!, { language: 'de' });
		await join(english!, { language: 'en' });
		await quiet();
		expect((await adminDb().collection('calls').get()).size).toBe(0);
	});

	it('does not rematch two people who just skipped each other, unless they are alone for a while', async () => {
		const [a, b] = await people('a', 'b');
		const first = nextCall(a!);
		await join(a!);
		await join(b!);
		const call = await first;
		await endCall(b!.db, call.id, b!.uid);

		// Both press Next: they are the only two here.
		await join(a!);
		await join(b!);
		await quiet();
		expect(await statusOf(a!)).toBe('waiting');
		expect(await statusOf(b!)).toBe('waiting');

		// Someone new arrives: matched with one of them straight away.
		const [c] = await people('c');
		const withNewcomer = nextCall(c!);
		await join(c!);
		const fresh = await withNewcomer;
		expect(fresh.members).toContain(c!.uid);
		const [leftOver] = [a!, b!].filter((u) => !fresh.members.includes(u.uid));

		// The one left over and the newcomer's partner... rematch only once both are patient.
		const leftOverCall = nextCall(leftOver!, [call.id]);
		await endCall(c!.db, fresh.id, c!.uid);
		const partner = [a!, b!].find((u) => u !== leftOver)!;
		await join(partner);
		await quiet();
		expect(await statusOf(partner)).toBe('waiting');
		// Both have waited long (as the server sees it: joinedAt); re-stamping joinedAt runs the matcher.
		await backdateJoin(leftOver!.uid, PATIENCE_AFTER_MS.acceptsRecentPartners);
		await backdateJoin(partner.uid, PATIENCE_AFTER_MS.acceptsRecentPartners);
		const rematch = await leftOverCall;
		expect([...rematch.members].sort()).toEqual([a!.uid, b!.uid].sort());
	});

	it('never matches a page that stopped sending heartbeats: the matcher takes it out of line, the sweep deletes it', async () => {
		const [vanished, alive] = await people('vanished', 'alive');
		await join(vanished!);
		// The tab closed long ago: its heartbeat is old (as if written then).
		const long = Timestamp.fromMillis(Date.now() - WAITING_ENTRY_TTL_MS - 5_000);
		await adminDb().doc(`lobby/${vanished!.uid}`).update({ heartbeatAt: long, joinedAt: long });
		await join(alive!);
		await waitFor('the matcher to mark the silent entry left', async () => ((await statusOf(vanished!)) === 'left' ? true : undefined));
		expect((await adminDb().collection('calls').get()).size).toBe(0);
		expect(await statusOf(alive!)).toBe('waiting');

		const report = await sweepStale(adminDb(), Date.now());
		expect(report).toMatchObject({ staleWaiting: 0, leftEntries: 1 });
		expect((await adminDb().doc(`lobby/${vanished!.uid}`).get()).exists).toBe(false);
		expect(await statusOf(alive!)).toBe('waiting');
	});

	it('ends calls abandoned for hours and removes their signaling', async () => {
		const [a, b] = await people('a', 'b');
		const matched = nextCall(a!);
		await join(a!);
		await join(b!);
		const call = await matched;
		await adminDb().doc(`calls/${call.id}`).update({ createdAt: Timestamp.fromMillis(Date.now() - 7 * 3600_000) });
		const report = await sweepStale(adminDb(), Date.now());
		expect(report.abandonedCalls).toBe(1);
		await waitFor('the call ended and its lobby entries marked left', async () => {
			const snap = await adminDb().doc(`calls/${call.id}`).get();
			const lobby = await adminDb().collection('lobby').get();
			return snap.get('status') === 'ended' && lobby.docs.every((d) => d.get('status') === 'left') ? true : undefined;
		});
		// A minute later the sweep removes the left entries too.
		expect((await sweepStale(adminDb(), Date.now() + 61_000)).leftEntries).toBe(2);
		expect((await adminDb().collection('lobby').get()).empty).toBe(true);
	});

	it('counts people online through the Hosting rewrite', async () => {
		const [a, b, c] = await people('a', 'b', 'c');
		const matched = nextCall(a!);
		await join(a!);
		await join(b!);
		await matched;
		await join(c!, { mode: 'video' });
		await waitFor('the counter to see three people', async () => {
			const res = await fetch('http://127.0.0.1:5050/api/online');
			expect(res.ok).toBe(true);
			expect(res.headers.get('cache-control')).toMatch(/s-maxage=\d+/);
			const body: unknown = await res.json();
			return typeof body === 'object' && body !== null && Reflect.get(body, 'online') === 3 ? body : undefined;
		});
		const res = await fetch('http://127.0.0.1:5050/api/online', { method: 'POST' });
		expect(res.status).toBe(405);
	});
});
