// One active call per person, against an attacker who does not end their call: they mark
// their matched entry left (allowed: closing the page does that) and wait for the sweep to
// delete left entries, so that their next join is a create, which has no entry, and so no
// call, for the rules to check. The sweep must keep a left entry while its call is active.
import { Timestamp } from 'firebase-admin/firestore';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { joinLobby, leaveLobby } from '$lib/matching/lobby';
import { sweepStale } from '../../functions/src/maintenance/sweep';
import { adminDb, clearFirestore } from '../support/admin';
import { createUser, disposeUsers, type SimulatedUser } from '../support/clients';
import { describeWithEmulators } from '../support/emulators';

const MINUTE = 60_000;

/** The error code a rejected write carries, or 'ok'. */
async function outcome(write: Promise<unknown>): Promise<string> {
	return write.then(
		() => 'ok',
		(e: unknown) => String(Reflect.get(Object(e), 'code'))
	);
}

describeWithEmulators(['auth', 'firestore', 'functions'], 'one active call per person, past the sweep', () => {
	let users: SimulatedUser[] = [];
	beforeEach(clearFirestore); // no other file's entries or calls
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
	});

	/**
	 * `mallory` matched two minutes ago into call `callId` with a stranger; the call is active.
	 * `status: 'left'` seeds the entry as already marked left, as if the server's end-on-leave
	 * trigger (which ends such a call within seconds) had not run yet: the sweep must not rely on it.
	 */
	const matchedLongAgo = async (mallory: SimulatedUser, callId: string, status: 'matched' | 'left' = 'matched') => {
		const then = Timestamp.fromMillis(Date.now() - 2 * MINUTE);
		const stranger = `stranger-of-${mallory.uid}`;
		await adminDb().doc(`calls/${callId}`).set({
			members: [mallory.uid, stranger],
			offerer: mallory.uid,
			mode: 'text',
			commonInterests: [],
			status: 'active',
			createdAt: then,
			endedBy: null,
			endedAt: null
		});
		await adminDb().doc(`lobby/${mallory.uid}`).set({
			status,
			mode: 'text',
			interests: [],
			language: null,
			joinedAt: then,
			heartbeatAt: then,
			callId,
			matchedAt: then,
			partner: stranger,
			role: 'offerer',
			commonInterests: []
		});
	};

	it('leaving without ending the call and waiting for the sweep does not free a second call', async () => {
		const mallory = await createUser('mallory');
		users.push(mallory);
		const callId = `held-${mallory.uid}`;
		await matchedLongAgo(mallory, callId, 'left');

		await sweepStale(adminDb(), Date.now());

		expect(await outcome(joinLobby(mallory.db, mallory.uid, { mode: 'text' }))).toBe('permission-denied');
		expect((await adminDb().doc(`calls/${callId}`).get()).get('status')).toBe('active');
	});

	it('once that call has ended, the sweep clears the left entry and the next join goes through', async () => {
		const mallory = await createUser('mallory-ended');
		users.push(mallory);
		const callId = `ended-${mallory.uid}`;
		await matchedLongAgo(mallory, callId);
		expect(await outcome(leaveLobby(mallory.db, mallory.uid))).toBe('ok');
		await adminDb().doc(`calls/${callId}`).update({ status: 'ended', endedBy: mallory.uid, endedAt: Timestamp.now() });

		await sweepStale(adminDb(), Date.now());

		expect((await adminDb().doc(`lobby/${mallory.uid}`).get()).exists).toBe(false);
		expect(await outcome(joinLobby(mallory.db, mallory.uid, { mode: 'text' }))).toBe('ok');
	});
});
