// The matchmaker Cloud Function on the emulator suite, driven by simulated users who
// join through the app's own lobby module.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { joinLobby, leaveLobby } from '$lib/matching/lobby';
import { adminDb, clearFirestore, shardRuns, shardSettled, waitFor } from '../support/admin';
import { matchOf } from '../support/calls';
import { createUser, disposeUsers, joinPaced, type SimulatedUser } from '../support/clients';
import { describeWithEmulators } from '../support/emulators';
import { inWaves } from '../support/waves';

describeWithEmulators(['firestore', 'auth', 'functions'], 'matchmaker on the emulators', () => {
	let users: SimulatedUser[] = [];

	beforeEach(async () => {
		await clearFirestore();
	});
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
	});

	/** Resolves with the user's call id as soon as their own lobby entry says matched. */
	function callIdOf(user: SimulatedUser, timeoutMs: number): Promise<string> {
		return matchOf(user, timeoutMs).then((entry) => entry.callId);
	}

	it('pairs 100 users who join within a second into exactly 50 calls', async () => {
		// Signed in a few at a time (each binds its device through a callable: see inWaves);
		// the burst this test is about is the joins below.
		users = await inWaves(Array.from({ length: 100 }, (_, i) => () => createUser(`u${i}`)));
		const started = Date.now();
		const matched = users.map((u) => callIdOf(u, 50_000));
		await Promise.all(
			users.map(async (u, i) => {
				await new Promise((r) => setTimeout(r, i * 10)); // spread over ~1 s
				await joinLobby(u.db, u.uid, { mode: 'text' });
			})
		);
		const callIds = await Promise.all(matched);
		const elapsed = Date.now() - started;
		console.log(`[matchmaker] 100 users matched in ${elapsed} ms`);

		const calls = await adminDb().collection('calls').get();
		expect(calls.size).toBe(50);
		const seen = new Map<string, string>();
		for (const call of calls.docs) {
			const members: unknown = call.get('members');
			expect(Array.isArray(members) && members.length === 2).toBe(true);
			const [a, b] = members as [string, string];
			expect(a).not.toBe(b);
			expect([a, b]).toContain(call.get('offerer'));
			for (const uid of [a, b]) {
				expect(seen.has(uid), `${uid} is in two calls`).toBe(false);
				seen.set(uid, call.id);
			}
		}
		expect(seen.size).toBe(100);
		// Each user's lobby entry names the call that holds them.
		users.forEach((u, i) => expect(callIds[i]).toBe(seen.get(u.uid)));
		// How fast is the bench's business (npm run bench): the emulator runs triggers one
		// at a time, and a bound here would only measure how busy the machine is.
	}, 90_000);

	it('never matches a user who left the lobby before a partner arrived', async () => {
		const [leaver, newcomer, third] = (users = await Promise.all([createUser('leaver'), createUser('newcomer'), createUser('third')]));
		await joinPaced(leaver!, { mode: 'text' });
		await shardSettled(0);
		await leaveLobby(leaver!.db, leaver!.uid);
		const runsBefore = await shardRuns();
		await joinPaced(newcomer!, { mode: 'text' });

		// The newcomer stays alone once the matcher has looked at the pool with them in it.
		await shardSettled(runsBefore);
		expect((await adminDb().collection('calls').get()).size).toBe(0);
		expect((await adminDb().doc(`lobby/${newcomer!.uid}`).get()).get('status')).toBe('waiting');
		expect((await adminDb().doc(`lobby/${leaver!.uid}`).get()).get('status')).toBe('left');

		// And is matched with the next person who really is there.
		const joined = callIdOf(third!, 15_000);
		await joinPaced(third!, { mode: 'text' });
		const callId = await joined;
		const call = await adminDb().doc(`calls/${callId}`).get();
		expect([...(call.get('members') as string[])].sort()).toEqual([newcomer!.uid, third!.uid].sort());
	});

	it('does not match a user with themselves, even when they rejoin', async () => {
		const [alone] = (users = [await createUser('alone')]);
		await joinPaced(alone!, { mode: 'text' });
		await shardSettled(0);
		const runsBefore = await shardRuns();
		await joinPaced(alone!, { mode: 'text' });
		await shardSettled(runsBefore);
		expect((await adminDb().collection('calls').get()).size).toBe(0);
		await waitFor('entry still waiting', async () =>
			(await adminDb().doc(`lobby/${alone!.uid}`).get()).get('status') === 'waiting' ? true : undefined
		);
	});
});
