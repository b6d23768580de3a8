// Two simulated users matched into a call by the real matchmaker on the emulators.
import { expect } from 'vitest';
import { joinLobby, watchLobbyEntry } from '$lib/matching/lobby';
import { parseCallDoc } from '$shared/model';
import { adminDb } from './admin';
import type { SimulatedUser } from './clients';

export interface MatchedPair {
	callId: string;
	offerer: SimulatedUser;
	answerer: SimulatedUser;
}

/** Puts `a` and `b` in the lobby (text mode) and waits until the matchmaker pairs them. */
export async function matchedPair(a: SimulatedUser, b: SimulatedUser): Promise<MatchedPair> {
	const callIdOf = (u: SimulatedUser) =>
		new Promise<string>((resolve, reject) => {
			const stop = watchLobbyEntry(u.db, u.uid, (e) => {
				if (e?.status === 'matched') {
					stop();
					resolve(e.callId);
				}
			}, reject);
		});
	const ids = Promise.all([callIdOf(a), callIdOf(b)]);
	await joinLobby(a.db, a.uid, { mode: 'text' });
	await joinLobby(b.db, b.uid, { mode: 'text' });
	const [idA, idB] = await ids;
	expect(idA).toBe(idB);
	const call = parseCallDoc(`calls/${idA}`, (await adminDb().doc(`calls/${idA}`).get()).data() ?? {});
	const offerer = call.offerer === a.uid ? a : b;
	return { callId: idA, offerer, answerer: offerer === a ? b : a };
}
