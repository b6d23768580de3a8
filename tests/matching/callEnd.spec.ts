// How a call ends on the server, on the emulator suite: Stop pressed before the page saw
// its match ends the call for the partner at once, and every ended call carries the
// `expireAt` its production TTL policy deletes by.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Timestamp } from 'firebase-admin/firestore';
import { endCall } from '$lib/call/callDoc';
import { leaveLobby } from '$lib/matching/lobby';
import { COLLECTIONS, parseCallDoc } from '$shared/model';
import { RETENTION_MS } from '$shared/retention';
import { cleanUpEndedCall } from '../../functions/src/calls/cleanup';
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

	// Driven directly (as the sweep tests drive the sweep): the trigger never fires for a
	// record that is gone, but production can deliver an ended call's event again after the
	// sweep deleted the record, and the emulator suite clears data between tests while an
	// earlier test's cleanups are still queued. A cleanup that threw there had its functions
	// worker killed, and the next event for that function was lost with it.
	it('a call whose record is already gone: the cleanup still clears its signals, files and entries, throws nothing, and does not bring the record back', async () => {
		const [a, b] = (users = await Promise.all([createUser('a'), createUser('b')]));
		const callId = await matchedPair(a!, b!);
		const callRef = adminDb().doc(`calls/${callId}`);
		const call = parseCallDoc(callRef.path, (await callRef.get()).data() ?? {});
		const signal = (uid: string) => callRef.collection(COLLECTIONS.signals).doc(uid);
		const fileEntry = callRef.collection(COLLECTIONS.files).doc('f1');
		await Promise.all([...call.members.map((uid) => signal(uid).set({ left: 'behind' })), fileEntry.set({ left: 'behind' })]);
		await callRef.delete();

		const report = await cleanUpEndedCall(adminDb(), callId, { ...call, status: 'ended', endedBy: a!.uid, endedAtMs: Date.now() }, null);

		expect(report).toEqual({ recordFound: false, fileEntries: 1, storageCleared: false });
		const [signalA, signalB, file, record, entryA, entryB] = await Promise.all([
			signal(call.members[0]).get(),
			signal(call.members[1]).get(),
			fileEntry.get(),
			callRef.get(),
			entry(a!.uid),
			entry(b!.uid)
		]);
		expect([signalA.exists, signalB.exists, file.exists, record.exists]).toEqual([false, false, false, false]);
		expect([entryA.get('status'), entryB.get('status')]).toEqual(['left', 'left']);
	}, 40_000);
});
