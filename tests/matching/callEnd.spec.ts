// How a call ends on the server, on the emulator suite: Stop pressed before the page saw
// its match ends the call for the partner at once, and every ended call carries the
// `expireAt` its production TTL policy deletes by.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Timestamp } from 'firebase-admin/firestore';
import { endCall } from '$lib/call/callDoc';
import { leaveLobby } from '$lib/matching/lobby';
import { RETENTION_MS } from '$shared/retention';
import { adminDb, clearFirestore, waitFor } from '../support/admin';
import { createUser, disposeUsers, joinPaced, type SimulatedUser } from '../support/clients';
import { describeWithEmulators } from '../support/emulators';

describeWithEmulators(['firestore', 'auth', 'functions'], 'ending calls on the server', () => {
	let users: SimulatedUser[] = [];

	beforeEach(async () => {
		await clearFirestore();
	});
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
	});

	const entry = (uid: string) => adminDb().doc(`lobby/${uid}`).get();

	/** Both join the text pool and are paired; resolves with the call id once both entries say so. */
	async function matchedPair(a: SimulatedUser, b: SimulatedUser): Promise<string> {
		await joinPaced(a, { mode: 'text' });
		await joinPaced(b, { mode: 'text' });
		return waitFor('the two to be matched', async () => {
			const [ea, eb] = await Promise.all([entry(a.uid), entry(b.uid)]);
			const callId: unknown = ea.get('callId');
			return ea.get('status') === 'matched' && eb.get('status') === 'matched' && typeof callId === 'string' && eb.get('callId') === callId
				? callId
				: undefined;
		});
	}

	it('Stop while matched but before the page saw it: the call ends and the partner is told within seconds', async () => {
		const [quitter, partner] = (users = await Promise.all([createUser('quitter'), createUser('partner')]));
		const callId = await matchedPair(quitter!, partner!);

		// The quitter's page was still "searching": its Stop marks the (matched) entry left and
		// nothing else, since it never learnt the call.
		const stoppedAt = Date.now();
		await leaveLobby(quitter!.db, quitter!.uid);

		// The partner's page watches its own entry: left means "the stranger left".
		await waitFor('the partner’s entry to be marked left', async () => ((await entry(partner!.uid)).get('status') === 'left' ? true : undefined), 5_000);
		const told = Date.now() - stoppedAt;
		const call = await adminDb().doc(`calls/${callId}`).get();
		expect(call.get('status')).toBe('ended');
		expect(call.get('endedBy')).toBe(quitter!.uid);
		console.log(`[callEnd] partner told ${told} ms after Stop`);
	}, 40_000);

	it('a leave after an ordinary hang-up changes nothing: the call keeps who ended it', async () => {
		const [caller, other] = (users = await Promise.all([createUser('caller'), createUser('other')]));
		const callId = await matchedPair(caller!, other!);
		await endCall(other!.db, callId, other!.uid);
		await waitFor('cleanup to mark both entries left', async () => {
			const [a, b] = await Promise.all([entry(caller!.uid), entry(other!.uid)]);
			return a.get('status') === 'left' && b.get('status') === 'left' ? true : undefined;
		});
		const call = await adminDb().doc(`calls/${callId}`).get();
		expect(call.get('status')).toBe('ended');
		expect(call.get('endedBy')).toBe(other!.uid);
	}, 40_000);

	it('an ended call carries expireAt = endedAt + the ended-call retention, for the TTL policy', async () => {
		const [a, b] = (users = await Promise.all([createUser('a'), createUser('b')]));
		const callId = await matchedPair(a!, b!);
		const ref = adminDb().doc(`calls/${callId}`);
		expect((await ref.get()).get('expireAt')).toBeUndefined(); // an active call is not for deleting
		await endCall(a!.db, callId, a!.uid);

		const expireAt = await waitFor('callCleanup to write expireAt', async () => {
			const value: unknown = (await ref.get()).get('expireAt');
			return value === undefined ? undefined : value;
		});
		const endedAt: unknown = (await ref.get()).get('endedAt');
		if (!(expireAt instanceof Timestamp) || !(endedAt instanceof Timestamp)) throw new Error('expireAt and endedAt must be Timestamps');
		expect(expireAt.toMillis()).toBe(endedAt.toMillis() + RETENTION_MS.endedCalls);
	}, 40_000);
});
