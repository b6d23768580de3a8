// Two simulated users matched into a call by the real matchmaker on the emulators.
import { expect } from 'vitest';
import { readLobbyEntry, watchLobbyEntry } from '$lib/matching/lobby';
import { parseCallDoc, type LobbyEntry } from '$shared/model';
import { adminDb } from './admin';
import { joinPaced, type SimulatedUser } from './clients';

export interface MatchedPair {
	callId: string;
	offerer: SimulatedUser;
	answerer: SimulatedUser;
}

/** How often matchOf reads the entry from the server, in case its listener missed the match. */
const REREAD_EVERY_MS = 3_000;

/**
 * Resolves with the user's entry once it says matched, or rejects after `timeoutMs`; either
 * way it stops listening and reading. As the app does, it reads the entry from the server
 * now and then besides listening: the emulator drops a listener's write that races the
 * listener's start now and then (a functions run hung 60 s on one).
 */
export function matchOf(
	u: SimulatedUser,
	timeoutMs = 45_000
): Promise<Extract<LobbyEntry, { status: 'matched' }>> {
	return new Promise((resolve, reject) => {
		let done = false;
		const finish = (): boolean => {
			if (done) return false;
			done = true;
			clearInterval(reread);
			clearTimeout(late);
			stop();
			return true;
		};
		const settle = (e: LobbyEntry | null) => {
			if (e?.status === 'matched' && finish()) resolve(e);
		};
		const reread = setInterval(() => void readLobbyEntry(u.db, u.uid).then(settle, () => {}), REREAD_EVERY_MS);
		const late = setTimeout(() => {
			if (finish()) reject(new Error(`${u.name} was not matched within ${timeoutMs} ms`));
		}, timeoutMs);
		const stop = watchLobbyEntry(u.db, u.uid, settle, (error) => {
			if (finish()) reject(error);
		});
	});
}

/** Puts `a` and `b` in the lobby (text mode) and waits until the matchmaker pairs them. */
export async function matchedPair(a: SimulatedUser, b: SimulatedUser): Promise<MatchedPair> {
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
