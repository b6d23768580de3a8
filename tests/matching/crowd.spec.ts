// Matching under a crowd, on the emulator suite: nobody stuck behind people who cannot be
// matched, no matching work for a heartbeat, a closing tab out of line at once.
import { getAuth } from 'firebase/auth';
import { Timestamp } from 'firebase-admin/firestore';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LOBBY_STALE_AFTER_MS } from '$shared/model';
import { adminDb, clearFirestore, shardRuns, waitFor } from '../support/admin';
import { matchedPair } from '../support/calls';
import { createUser, disposeUsers, joinPaced, type SimulatedUser } from '../support/clients';
import { describeWithEmulators } from '../support/emulators';

const APP = 'http://127.0.0.1:5050';

describeWithEmulators(['firestore', 'auth', 'functions'], 'matching under a crowd on the emulators', () => {
	let users: SimulatedUser[] = [];
	beforeEach(clearFirestore);
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
	});

	const statusOf = async (uid: string) => (await adminDb().doc(`lobby/${uid}`).get()).get('status');

	/** A waiting entry written as a page writes it, at the given times (the trigger sees a join). */
	async function seedWaiting(uid: string, joinedAgoMs: number, beatAgoMs: number, interests: string[] = []): Promise<void> {
		await adminDb()
			.doc(`lobby/${uid}`)
			.set({
				status: 'waiting',
				mode: 'text',
				interests,
				language: null,
				joinedAt: Timestamp.fromMillis(Date.now() - joinedAgoMs),
				heartbeatAt: Timestamp.fromMillis(Date.now() - beatAgoMs)
			});
	}

	it('matches two live users who join behind 25 departed and 20 unmatchable entries, and takes the departed out of line', async () => {
		const departed = Array.from({ length: 25 }, (_, i) => `departed-${String(i).padStart(2, '0')}`);
		const throwaways = Array.from({ length: 20 }, (_, i) => `throwaway-${String(i).padStart(2, '0')}`);
		// Tabs that closed without leaving: their last beats 25–60 s ago, first in line.
		await Promise.all(departed.map((uid, i) => seedWaiting(uid, 120_000 - i, LOBBY_STALE_AFTER_MS + 1_000 + i * 1_400)));
		// Entries that each list one interest nobody else has: nobody's match while fresh. An
		// attacker's throwaways join again every few seconds to stay fresh; joined 20 s "from
		// now", these stay fresh for longer than this test waits, however slow the machine
		// (joined 2 s ago, they widened to anyone while a loaded machine signed the two users
		// in, and one was matched).
		await Promise.all(throwaways.map((uid, i) => seedWaiting(uid, -20_000 - i, 0, [`only-mine-${i}`])));

		const [first, second] = (users = await Promise.all([createUser('first'), createUser('second')]));
		const started = Date.now();
		await joinPaced(first!, { mode: 'text' });
		await joinPaced(second!, { mode: 'text' });
		const callId = await waitFor(
			'the two live users to be matched',
			async () => {
				const entry = await adminDb().doc(`lobby/${first!.uid}`).get();
				return entry.get('status') === 'matched' ? String(entry.get('callId')) : undefined;
			},
			15_000
		);
		console.log(`[crowd] matched behind 45 unmatchable entries in ${Date.now() - started} ms`);
		const members = (await adminDb().doc(`calls/${callId}`).get()).get('members') as string[];
		expect([...members].sort()).toEqual([first!.uid, second!.uid].sort());
		// The matcher itself marked every departed entry left as it passed (no sweep ran).
		expect(await Promise.all(departed.map(statusOf))).toEqual(departed.map(() => 'left'));
	}, 60_000);

	it('runs no matching for heartbeats: 30 beats cause no shard run', async () => {
		const [waiter, barrier] = (users = await Promise.all([createUser('waiter'), createUser('barrier')]));
		await joinPaced(waiter!, { mode: 'video' });
		await waitFor('the join to be run', async () => ((await shardRuns('video~any~0of1')) === 1 ? true : undefined));

		// 30 heartbeats (the Admin SDK, which the rules' interval does not slow down).
		for (let beat = 0; beat < 30; beat++) await adminDb().doc(`lobby/${waiter!.uid}`).update({ heartbeatAt: Timestamp.now() });
		// The Functions emulator delivers trigger events in order: once a later join in
		// another pool has been run, every beat before it has been delivered too.
		await joinPaced(barrier!, { mode: 'audio' });
		await waitFor('the barrier join to be run', async () => ((await shardRuns('audio~any~0of1')) === 1 ? true : undefined));
		expect(await shardRuns('video~any~0of1')).toBe(1);
		expect(await statusOf(waiter!.uid)).toBe('waiting');
	}, 40_000);

	it('a closing tab leaves the line at once through the leave beacon; a forged token changes nothing', async () => {
		const [closing] = (users = [await createUser('closing')]);
		await joinPaced(closing!, { mode: 'text' });
		const forged = await fetch(`${APP}/api/leave`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'not-a-token' });
		expect(forged.status).toBe(401);
		expect(await statusOf(closing!.uid)).toBe('waiting');

		const token = await getAuth(closing!.app).currentUser!.getIdToken();
		const res = await fetch(`${APP}/api/leave`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: token });
		expect(res.status).toBe(204);
		expect(await statusOf(closing!.uid)).toBe('left');
		const wrongMethod = await fetch(`${APP}/api/leave`);
		expect(wrongMethod.status).toBe(405);
	});

	it('a tab closing in a call ends the call through the leave beacon, in its name; a second beacon changes nothing', async () => {
		const [leaver, partner] = (users = [await createUser('leaver'), await createUser('partner')]);
		const { callId } = await matchedPair(leaver!, partner!);
		const callStatus = async () => (await adminDb().doc(`calls/${callId}`).get()).get('status') as unknown;
		expect(await callStatus()).toBe('active');

		const token = await getAuth(leaver!.app).currentUser!.getIdToken();
		const res = await fetch(`${APP}/api/leave`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: token });
		expect(res.status).toBe(204);
		expect(await statusOf(leaver!.uid)).toBe('left');
		// The lobby trigger ends the call in the leaver's name; the cleanup then lets the partner go.
		await waitFor('the call to end', async () => ((await callStatus()) === 'ended' ? true : undefined));
		expect((await adminDb().doc(`calls/${callId}`).get()).get('endedBy')).toBe(leaver!.uid);
		await waitFor('the partner to be let go', async () => ((await statusOf(partner!.uid)) === 'left' ? true : undefined));

		// The partner's own beacon (their tab closing too) finds nothing left to do.
		const partnerToken = await getAuth(partner!.app).currentUser!.getIdToken();
		const again = await fetch(`${APP}/api/leave`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: partnerToken });
		expect(again.status).toBe(204);
		expect((await adminDb().doc(`calls/${callId}`).get()).get('endedBy')).toBe(leaver!.uid);
	});
});
