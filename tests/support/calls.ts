// Two simulated users matched into a call by the real matchmaker on the emulators.
import { expect } from 'vitest';
import { watchLobbyEntry } from '$lib/matching/lobby';
import { parseCallDoc, type LobbyEntry } from '$shared/model';
import { adminDb } from './admin';
import { joinPaced, type SimulatedUser } from './clients';

export interface MatchedPair {
	callId: string;
	offerer: SimulatedUser;
	answerer: SimulatedUser;
}

/** Puts `a` and `b` in the lobby (text mode) and waits until the matchmaker pairs them. */
export async function matchedPair(a: SimulatedUser, b: SimulatedUser): Promise<MatchedPair> {
	const matchOf = (u: SimulatedUser) =>
		new Promise<Extract<LobbyEntry, { status: 'matched' }>>((resolve, reject) => {
			const stop = watchLobbyEntry(u.db, u.uid, (e) => {
				if (e?.status === 'matched') {
					stop();
					resolve(e);
				}
			}, reject);
		});
	const matches = Promise.all([matchOf(a), matchOf(b)]);
	// Paced, and so remembered: a test's next join for them waits out the rules' 300 ms
	// (an idle machine ended the call and joined again within it, and the rules refused).
	await joinPaced(a, { mode: 'text' });
	await joinPaced(b, { mode: 'text' });
	const [matchA, matchB] = await matches;
	expect(matchA.callId).toBe(matchB.callId);
	const callId = matchA.callId;
	const call = parseCallDoc(`calls/${callId}`, (await adminDb().doc(`calls/${callId}`).get()).data() ?? {});
	const offerer = call.offerer === a.uid ? a : b;
	// Each page starts the call from its lobby entry alone: partner and role must agree with the call.
	expect([matchA.partner, matchB.partner]).toEqual([b.uid, a.uid]);
	expect([matchA.role, matchB.role]).toEqual(offerer === a ? ['offerer', 'answerer'] : ['answerer', 'offerer']);
	return { callId, offerer, answerer: offerer === a ? b : a };
}
