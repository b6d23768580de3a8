// Signaling through the members' signal documents on the emulator suite: what the app's
// modules write, what the partner sees, and what the cleanup function leaves behind when
// a call ends.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { endCall, endCallIfActive, isCallActive } from '$lib/call/callDoc';
import { readPartnerSignals, SignalOutbox, watchPartnerSignals } from '$lib/call/signals';
import { LIMITS, parseCallDoc, type LobbyEntry, type SignalDoc } from '$shared/model';
import { watchLobbyEntry } from '$lib/matching/lobby';
import { adminDb, clearFirestore, waitFor } from '../support/admin';
import { matchedPair as matchedPairOf, type MatchedPair } from '../support/calls';
import { createUser, disposeUsers, type SimulatedUser } from '../support/clients';
import { describeWithEmulators } from '../support/emulators';

describeWithEmulators(['firestore', 'auth', 'functions'], "signaling through the members' signal documents", () => {
	let users: SimulatedUser[] = [];
	beforeEach(clearFirestore);
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
	});

	async function matchedPair(): Promise<MatchedPair> {
		const [a, b] = (users = await Promise.all([createUser('a'), createUser('b')]));
		return matchedPairOf(a!, b!);
	}

	const candidate = (i: number): RTCIceCandidateInit => ({
		candidate: `candidate:${i} 1 udp 2122260223 127.0.0.1 ${50000 + i} typ host`,
		sdpMid: '0',
		sdpMLineIndex: 0,
		usernameFragment: 'abcd'
	});
	const fail = (e: Error) => {
		throw e;
	};

	it('sends a description with the candidates gathered meanwhile in one write, and later ones in a batch', async () => {
		const { callId, offerer, answerer } = await matchedPair();
		const seen: SignalDoc[] = [];
		const stop = watchPartnerSignals(answerer.db, callId, offerer.uid, (s) => seen.push(s), fail);
		// Long timers, so this test decides when each write goes out.
		const outbox = new SignalOutbox(offerer.db, callId, offerer.uid, fail, { descriptionWaitMs: 60_000, batchDelayMs: 60_000 });

		outbox.publishDescription({ type: 'offer', sdp: 'v=0 offer' });
		for (let i = 0; i < 3; i++) outbox.add(candidate(i));
		await outbox.flush(); // gathering complete
		await waitFor('the offer and its candidates at the partner', async () => seen.find((s) => s.candidates.length === 3));
		// One write carried both (a document written once was last updated when it was created),
		// so the partner never saw the offer without its candidates.
		const stored = await adminDb().doc(`calls/${callId}/signals/${offerer.uid}`).get();
		expect(stored.createTime && stored.updateTime?.isEqual(stored.createTime)).toBe(true);
		expect(seen.map((s) => [s.description?.sdp, s.candidates.length])).toEqual([['v=0 offer', 3]]);

		for (let i = 3; i < 10; i++) outbox.add(candidate(i));
		await outbox.flush();
		await waitFor('all ten candidates at the partner', async () => seen.find((s) => s.candidates.length === 10));
		expect(seen.at(-1)?.candidates.map((c) => c.candidate)).toEqual(Array.from({ length: 10 }, (_, i) => candidate(i).candidate));
		// The offer stays while candidates are appended.
		expect(seen.at(-1)?.description).toEqual({ type: 'offer', sdp: 'v=0 offer' });
		expect(seen).toHaveLength(2);
		stop();
		outbox.close();
	});

	it('flushes on its own timers: a description after descriptionWaitMs, candidates after batchDelayMs', async () => {
		const { callId, offerer, answerer } = await matchedPair();
		const outbox = new SignalOutbox(answerer.db, callId, answerer.uid, fail, { descriptionWaitMs: 30, batchDelayMs: 200 });
		outbox.publishDescription({ type: 'answer', sdp: 'v=0 answer' });
		outbox.add(candidate(1));
		const answer = await waitFor('the answer from the timer', () => readPartnerSignals(offerer.db, callId, answerer.uid).then((s) => s ?? undefined));
		// The candidate queued before the description's timer fired went with it.
		expect(answer).toEqual({ description: { type: 'answer', sdp: 'v=0 answer' }, candidates: [expect.objectContaining({ candidate: candidate(1).candidate })] });
		outbox.add(candidate(2));
		await waitFor('the second candidate from the batch timer', async () =>
			(await readPartnerSignals(offerer.db, callId, answerer.uid))?.candidates.length === 2 ? true : undefined
		);
		outbox.close();
	});

	it('an ICE restart replaces the description; the candidates accumulate', async () => {
		const { callId, offerer, answerer } = await matchedPair();
		const outbox = new SignalOutbox(offerer.db, callId, offerer.uid, fail, { descriptionWaitMs: 60_000, batchDelayMs: 60_000 });
		outbox.publishDescription({ type: 'offer', sdp: 'v=0 first' });
		outbox.add(candidate(1));
		await outbox.flush();
		outbox.publishDescription({ type: 'offer', sdp: 'v=0 restart' });
		outbox.add(candidate(2));
		await outbox.flush();
		const signals = await readPartnerSignals(answerer.db, callId, offerer.uid);
		expect(signals?.description?.sdp).toBe('v=0 restart');
		expect(signals?.candidates.map((c) => c.candidate)).toEqual([candidate(1).candidate, candidate(2).candidate]);
		outbox.close();
	});

	it('a burst of candidates goes out in several paced writes the rules accept, all of them arriving', async () => {
		const { callId, offerer, answerer } = await matchedPair();
		const seen: SignalDoc[] = [];
		const errors: Error[] = [];
		const stop = watchPartnerSignals(answerer.db, callId, offerer.uid, (s) => seen.push(s), fail);
		const outbox = new SignalOutbox(offerer.db, callId, offerer.uid, (e) => errors.push(e), { descriptionWaitMs: 0, batchDelayMs: 0 });
		const burst = 2 * LIMITS.candidatesPerWrite + 5;
		outbox.publishDescription({ type: 'offer', sdp: 'v=0 offer' });
		for (let i = 0; i < burst; i++) outbox.add(candidate(i));
		await outbox.flush();
		await waitFor(`all ${burst} candidates at the partner`, async () => seen.find((s) => s.candidates.length === burst));
		// More than one write's worth in one write, or two writes too close together, would be refused.
		expect(errors).toEqual([]);
		expect(seen.at(-1)?.candidates.map((c) => c.candidate)).toEqual(Array.from({ length: burst }, (_, i) => candidate(i).candidate));
		stop();
		outbox.close();
	});

	it('a refused write (the answerer publishing an offer) reaches the error handler', async () => {
		const { callId, answerer } = await matchedPair();
		const errors: Error[] = [];
		const outbox = new SignalOutbox(answerer.db, callId, answerer.uid, (e) => errors.push(e), { descriptionWaitMs: 0, batchDelayMs: 0 });
		outbox.publishDescription({ type: 'offer', sdp: 'v=0 forged' });
		await outbox.flush();
		expect(errors.map((e) => String(e))).toEqual([expect.stringMatching(/permission/i)]);
		expect((await adminDb().doc(`calls/${callId}/signals/${answerer.uid}`).get()).exists).toBe(false);
	});

	it('cleans up signaling and lobby entries when a member ends the call', async () => {
		const { callId, offerer, answerer } = await matchedPair();
		for (const [member, type] of [[offerer, 'offer'], [answerer, 'answer']] as const) {
			const outbox = new SignalOutbox(member.db, callId, member.uid, fail);
			outbox.publishDescription({ type, sdp: `v=0 ${type}` });
			outbox.add(candidate(1));
			await outbox.flush();
		}
		expect((await adminDb().collection(`calls/${callId}/signals`).get()).size).toBe(2);

		// The offerer learns of the end from the lobby entry it already watches: the cleanup marks it left.
		const offererEntries: (LobbyEntry | null)[] = [];
		const stop = watchLobbyEntry(offerer.db, offerer.uid, (e) => offererEntries.push(e), fail);
		await waitFor('the offerer watching its matched entry', async () => (offererEntries.at(-1)?.status === 'matched' ? true : undefined));
		await endCall(answerer.db, callId, answerer.uid);
		await waitFor('the offerer to see the call ended', async () => (offererEntries.at(-1)?.status === 'left' ? true : undefined));
		stop();

		const db = adminDb();
		await waitFor('signaling cleared', async () => ((await db.collection(`calls/${callId}/signals`).get()).empty ? true : undefined));
		// Both entries are marked left (their join times still count for the rate limit).
		for (const u of [offerer, answerer]) expect((await db.doc(`lobby/${u.uid}`).get()).get('status')).toBe('left');
		// The slim record stays: who was in it and who ended it.
		const left = parseCallDoc(`calls/${callId}`, (await db.doc(`calls/${callId}`).get()).data() ?? {});
		expect(left).toMatchObject({ status: 'ended', endedBy: answerer.uid });
	});

	it('the partner ends a call that may already be over: written once if active, and never a refused write', async () => {
		const { callId, offerer, answerer } = await matchedPair();
		await endCallIfActive(answerer.db, callId, answerer.uid);
		const db = adminDb();
		expect(parseCallDoc(`calls/${callId}`, (await db.doc(`calls/${callId}`).get()).data() ?? {})).toMatchObject({
			status: 'ended',
			endedBy: answerer.uid
		});
		// The offerer's page learned of it from the network, not the document: nothing to write, nothing refused.
		await expect(endCallIfActive(offerer.db, callId, offerer.uid)).resolves.toBeUndefined();
		expect((await db.doc(`calls/${callId}`).get()).get('endedBy')).toBe(answerer.uid);
		// A plain end of an ended call is what the rules refuse (and what the page no longer sends).
		await expect(endCall(offerer.db, callId, offerer.uid)).rejects.toMatchObject({ code: 'permission-denied' });
	});

	it('asked whether a call is active: yes while it is, no once a member ended it (its signals are refused then) or the cleanup deleted it', async () => {
		const { callId, offerer, answerer } = await matchedPair();
		expect(await isCallActive(answerer.db, callId)).toBe(true);
		await endCall(offerer.db, callId, offerer.uid);
		const refusals: Error[] = [];
		const outbox = new SignalOutbox(answerer.db, callId, answerer.uid, (e) => refusals.push(e), { descriptionWaitMs: 60_000, batchDelayMs: 60_000 });
		outbox.publishDescription({ type: 'answer', sdp: 'v=0 answer' });
		await outbox.flush();
		expect(refusals.map((e) => (e as { code?: string }).code)).toEqual(['permission-denied']);
		expect(await isCallActive(answerer.db, callId)).toBe(false);
		// The cleanup deletes an ended call in the end: gone is over too.
		await adminDb().doc(`calls/${callId}`).delete();
		expect(await isCallActive(answerer.db, callId)).toBe(false);
	});
});
