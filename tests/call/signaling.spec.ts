// Signaling through the call document on the emulator suite: what the app's modules write,
// what the partner sees, and what the cleanup function leaves behind when a call ends.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { endCall, publishDescription, watchCallDoc } from '$lib/call/callDoc';
import { CandidateOutbox, watchPartnerCandidates } from '$lib/call/candidates';
import { parseCallDoc, type CallDoc, type IceCandidateRecord } from '$shared/model';
import { adminDb, clearFirestore, waitFor } from '../support/admin';
import { matchedPair as matchedPairOf, type MatchedPair } from '../support/calls';
import { createUser, disposeUsers, type SimulatedUser } from '../support/clients';
import { describeWithEmulators } from '../support/emulators';

describeWithEmulators(['firestore', 'auth', 'functions'], 'signaling through the call document', () => {
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

	it('carries offer, answer and batched candidates between the two members', async () => {
		const { callId, offerer, answerer } = await matchedPair();
		const seenByAnswerer: CallDoc[] = [];
		const stopCall = watchCallDoc(answerer.db, callId, (c) => c && seenByAnswerer.push(c), (e) => {
			throw e;
		});
		const received: IceCandidateRecord[][] = [];
		const stopCandidates = watchPartnerCandidates(answerer.db, callId, offerer.uid, (l) => received.push(l), (e) => {
			throw e;
		});

		await publishDescription(offerer.db, callId, { type: 'offer', sdp: 'v=0 offer' });
		await waitFor('the answerer to see the offer', async () => seenByAnswerer.find((c) => c.offer?.sdp === 'v=0 offer'));
		await publishDescription(answerer.db, callId, { type: 'answer', sdp: 'v=0 answer' });

		// Ten candidates gathered in a burst go out in one write, not ten documents.
		const outbox = new CandidateOutbox(offerer.db, callId, offerer.uid, (e) => {
			throw e;
		});
		for (let i = 0; i < 10; i++) outbox.add(candidate(i));
		await waitFor('all ten candidates at the partner', async () => received.find((l) => l.length === 10));
		expect(received.filter((l) => l.length > 0).length).toBeLessThanOrEqual(2);
		expect(received.at(-1)?.map((c) => c.candidate)).toEqual(Array.from({ length: 10 }, (_, i) => candidate(i).candidate));
		const stored = await adminDb().collection(`calls/${callId}/candidates`).get();
		expect(stored.size).toBe(1);

		const call = parseCallDoc(`calls/${callId}`, (await adminDb().doc(`calls/${callId}`).get()).data() ?? {});
		expect(call.answer).toEqual({ type: 'answer', sdp: 'v=0 answer' });
		stopCall();
		stopCandidates();
		outbox.close();
	});

	it('cleans up signaling and lobby entries when a member ends the call', async () => {
		const { callId, offerer, answerer } = await matchedPair();
		await publishDescription(offerer.db, callId, { type: 'offer', sdp: 'v=0 offer' });
		await publishDescription(answerer.db, callId, { type: 'answer', sdp: 'v=0 answer' });
		const outbox = new CandidateOutbox(answerer.db, callId, answerer.uid, (e) => {
			throw e;
		});
		outbox.add(candidate(1));
		await outbox.flush();

		let endedFor: CallDoc | undefined;
		const stop = watchCallDoc(offerer.db, callId, (c) => c?.status === 'ended' && (endedFor = c), (e) => {
			throw e;
		});
		await endCall(answerer.db, callId, answerer.uid);
		await waitFor('the offerer to see the call ended', async () => endedFor);
		expect(endedFor?.endedBy).toBe(answerer.uid);
		stop();

		const db = adminDb();
		await waitFor('signaling cleared', async () => {
			const [candidates, callSnap] = await Promise.all([db.collection(`calls/${callId}/candidates`).get(), db.doc(`calls/${callId}`).get()]);
			return candidates.empty && callSnap.get('offer') === null && callSnap.get('answer') === null ? true : undefined;
		});
		// The members' entries are marked left (their join times still count for the rate limit).
		for (const u of [offerer, answerer]) expect((await db.doc(`lobby/${u.uid}`).get()).get('status')).toBe('left');
		// The slim record stays: who was in it and who ended it.
		const left = parseCallDoc(`calls/${callId}`, (await db.doc(`calls/${callId}`).get()).data() ?? {});
		expect(left).toMatchObject({ status: 'ended', endedBy: answerer.uid, offer: null, answer: null });
	});
});
