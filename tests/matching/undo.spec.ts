// The undoNext callable on the emulator suite: Alice pressed Next on Bob (her end is in the
// call document, her new search is in line); Undo brings Bob back in a new call of the same
// kind, through both lobby entries, once. Each refusal changes nothing: no call is created,
// and both entries stay as they were.
import { Timestamp } from 'firebase-admin/firestore';
import { deleteApp, initializeApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { endCall } from '$lib/call/callDoc';
import { FUNCTIONS_REGION } from '$lib/call/iceServers';
import { markCallGone, requestUndo } from '$lib/call/undo';
import { leaveLobby } from '$lib/matching/lobby';
import { reportPartner } from '$lib/safety/report';
import { callableMessage } from '$lib/safety/report';
import { UNDO_ACCEPTED_FOR_MS, type UndoResponse } from '$shared/undo';
import { adminDb, clearFirestore, waitFor } from '../support/admin';
import { matchedPair } from '../support/calls';
import { createUser, disposeUsers, joinPaced, type SimulatedUser } from '../support/clients';
import { describeWithEmulators, PROJECT_ID } from '../support/emulators';

const HOST = '127.0.0.1';

describeWithEmulators(['firestore', 'auth', 'functions'], 'undoNext on the emulators', () => {
	let users: SimulatedUser[] = [];
	// The functions emulator loads a function on its first call, which on a busy machine can
	// take longer than the undo window itself: load it before the clock matters.
	beforeAll(async () => {
		const warm = await createUser('warm-up');
		try {
			expect(await requestUndo(warm.app, HOST, 'nosuchcall')).toEqual({ outcome: 'refused', reason: 'not-a-member' });
		} finally {
			await disposeUsers([warm]);
		}
	}, 60_000);
	beforeEach(clearFirestore);
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
	});

	const entry = async (uid: string) => (await adminDb().doc(`lobby/${uid}`).get()).data() ?? null;
	const callsOf = async (uid: string) => (await adminDb().collection('calls').where('members', 'array-contains', uid).get()).size;

	/**
	 * Alice and Bob were in a chat; Alice pressed Next: her end is written, the call's cleanup
	 * has marked Bob's entry left (so nothing changes behind a test's back), and her new
	 * search is in line. `meanwhile` runs before Alice is back in line.
	 */
	async function aliceLeftBob(
		meanwhile: (bob: SimulatedUser, callId: string) => Promise<void> = async () => {}
	): Promise<{ alice: SimulatedUser; bob: SimulatedUser; callId: string }> {
		const [alice, bob] = (users = await Promise.all([createUser('alice'), createUser('bob')]));
		const { callId } = await matchedPair(alice!, bob!);
		await endCall(alice!.db, callId, alice!.uid);
		await waitFor('the call to be cleaned up', async () => ((await adminDb().doc(`calls/${callId}`).get()).get('expireAt') ? true : undefined));
		await meanwhile(bob!, callId);
		await joinPaced(alice!, { mode: 'text' });
		return { alice: alice!, bob: bob!, callId };
	}

	/** The refusal Alice gets, and proof that it changed nothing. */
	async function expectRefused(alice: SimulatedUser, bob: SimulatedUser, callId: string, reason: string, asker = alice): Promise<void> {
		const before = await Promise.all([entry(alice.uid), entry(bob.uid), callsOf(alice.uid)]);
		const answer: UndoResponse = await requestUndo(asker.app, HOST, callId);
		expect(answer).toEqual({ outcome: 'refused', reason });
		expect(await Promise.all([entry(alice.uid), entry(bob.uid), callsOf(alice.uid)])).toEqual(before);
		expect((await adminDb().doc(`calls/${callId}`).get()).get('undoneAs')).toBeUndefined();
	}

	it('within the window, Bob still on the ended chat: both are matched into a new call of the same kind, once', async () => {
		const { alice, bob, callId } = await aliceLeftBob();
		const old = (await adminDb().doc(`calls/${callId}`).get()).data()!;

		const answer = await requestUndo(alice.app, HOST, callId);

		if (answer.outcome !== 'resumed') throw new Error(`Undo refused: ${answer.reason}`);
		const resumed = (await adminDb().doc(`calls/${answer.callId}`).get()).data()!;
		expect(resumed).toMatchObject({
			members: old.members,
			offerer: old.offerer,
			mode: old.mode,
			commonInterests: old.commonInterests,
			status: 'active',
			resumes: callId
		});
		for (const [uid, partner] of [[alice.uid, bob.uid], [bob.uid, alice.uid]] as const) {
			expect(await entry(uid)).toMatchObject({ status: 'matched', callId: answer.callId, partner, resumes: callId, role: old.offerer === uid ? 'offerer' : 'answerer' });
		}
		expect((await adminDb().doc(`calls/${callId}`).get()).get('undoneAs')).toBe(answer.callId);

		// Once per call.
		expect(await requestUndo(alice.app, HOST, callId)).toEqual({ outcome: 'refused', reason: 'already-undone' });
		expect(await callsOf(alice.uid)).toBe(2);
	}, 60_000);

	it("the old call's cleanup running after the undo leaves the new call's entries be", async () => {
		const [alice, bob] = (users = await Promise.all([createUser('alice'), createUser('bob')]));
		const { callId } = await matchedPair(alice!, bob!);
		await endCall(alice!.db, callId, alice!.uid);
		await joinPaced(alice!, { mode: 'text' });
		const answer = await requestUndo(alice!.app, HOST, callId);
		if (answer.outcome !== 'resumed') throw new Error(`Undo refused: ${answer.reason}`);
		await waitFor('the old call to be cleaned up', async () => ((await adminDb().doc(`calls/${callId}`).get()).get('expireAt') ? true : undefined));
		expect(await entry(bob!.uid)).toMatchObject({ status: 'matched', callId: answer.callId });
		expect(await entry(alice!.uid)).toMatchObject({ status: 'matched', callId: answer.callId });
		expect((await adminDb().doc(`calls/${answer.callId}`).get()).get('status')).toBe('active');
	}, 60_000);

	it('Bob pressed New chat and waits, unmatched: reunited, his search ends in the call', async () => {
		const { alice, bob, callId } = await aliceLeftBob();
		await joinPaced(bob, { mode: 'text' });
		const answer = await requestUndo(alice.app, HOST, callId);
		expect(answer.outcome).toBe('resumed');
		expect(await entry(bob.uid)).toMatchObject({ status: 'matched', partner: alice.uid, resumes: callId });
	}, 60_000);

	it('refused: Bob pressed Stop (his page marked the call gone)', async () => {
		const { alice, bob, callId } = await aliceLeftBob((bob, left) => markCallGone(bob.db, left, bob.uid));
		await expectRefused(alice, bob, callId, 'partner-moved-on');
	}, 60_000);

	it('refused: Bob was matched with someone else', async () => {
		// Before Alice is back in line: otherwise Carol, new to both, would meet whoever waited longest.
		const { alice, bob, callId } = await aliceLeftBob(async (bob) => {
			const carol = await createUser('carol');
			users.push(carol);
			await joinPaced(bob, { mode: 'text' });
			await joinPaced(carol, { mode: 'text' });
			await waitFor('Bob to meet Carol', async () => ((await entry(bob.uid))?.partner === carol.uid ? true : undefined));
		});
		await expectRefused(alice, bob, callId, 'partner-moved-on');
	}, 60_000);

	it('refused: too late (the end was longer ago than the server accepts)', async () => {
		const { alice, bob, callId } = await aliceLeftBob();
		await adminDb().doc(`calls/${callId}`).update({ endedAt: Timestamp.fromMillis(Date.now() - UNDO_ACCEPTED_FOR_MS - 5_000) });
		await expectRefused(alice, bob, callId, 'too-late');
	}, 60_000);

	it('refused: Bob reported Alice (the pair is blocked)', async () => {
		const { alice, bob, callId } = await aliceLeftBob();
		await reportPartner(bob.app, HOST, { callId, reason: 'harassment' });
		await expectRefused(alice, bob, callId, 'blocked');
	}, 60_000);

	it('refused: asked by Bob (he did not press Next), or by someone not in the call', async () => {
		const { alice, bob, callId } = await aliceLeftBob();
		await joinPaced(bob, { mode: 'text' });
		await expectRefused(alice, bob, callId, 'not-yours', bob);
		const mallory = await createUser('mallory');
		users.push(mallory);
		await expectRefused(alice, bob, callId, 'not-a-member', mallory);
	}, 60_000);

	it('refused: Alice left her new search (Stop), and an undone call cannot be undone again', async () => {
		const { alice, bob, callId } = await aliceLeftBob();
		await leaveLobby(alice.db, alice.uid);
		await expectRefused(alice, bob, callId, 'you-moved-on');

		await joinPaced(alice, { mode: 'text' });
		const answer = await requestUndo(alice.app, HOST, callId);
		if (answer.outcome !== 'resumed') throw new Error(`Undo refused: ${answer.reason}`);
		await endCall(alice.db, answer.callId, alice.uid);
		await waitFor('the resumed call to be cleaned up', async () =>
			(await adminDb().doc(`calls/${answer.callId}`).get()).get('expireAt') ? true : undefined
		);
		await joinPaced(alice, { mode: 'text' });
		await expectRefused(alice, bob, answer.callId, 'undone-before');
	}, 60_000);

	it('refuses requests that are not undos: signed out, malformed', async () => {
		const { alice, callId } = await aliceLeftBob();
		const signedOutApp = initializeApp({ projectId: PROJECT_ID, apiKey: 'demo-api-key' }, `signed-out-${Date.now()}`);
		const signedOut = getFunctions(signedOutApp, FUNCTIONS_REGION);
		connectFunctionsEmulator(signedOut, HOST, 5001);
		const codeOf = (promise: Promise<unknown>) =>
			promise.then(
				() => 'ok',
				(e: unknown) => `${String(Reflect.get(Object(e), 'code'))}: ${callableMessage(e)}`
			);
		try {
			expect(await codeOf(httpsCallable(signedOut, 'undoNext')({ callId }))).toMatch(/^functions\/unauthenticated: Sign in first/);
		} finally {
			await deleteApp(signedOutApp);
		}
		const functions = getFunctions(alice.app, FUNCTIONS_REGION);
		connectFunctionsEmulator(functions, HOST, 5001);
		for (const body of [null, {}, { callId: '../x' }, { callId, partner: 'someone' }]) {
			expect(await codeOf(httpsCallable(functions, 'undoNext')(body))).toMatch(/^functions\/invalid-argument: /);
		}
		expect((await adminDb().doc(`calls/${callId}`).get()).get('undoneAs')).toBeUndefined();
	}, 60_000);
});
