// calls/{callId}.gone: the one write a member may make to an ended call. Bob, left by
// Alice's Next, presses Stop (or closes the tab) within the undo window: his page adds his
// uid to `gone`, so Alice's Undo is refused instead of pulling him into a call he left.
// Nothing else of the ended call is writable, by anyone, and not after the window.
import { readFileSync } from 'node:fs';
import { arrayUnion, doc, serverTimestamp, Timestamp, updateDoc } from 'firebase/firestore';
import { describe, expect, it } from 'vitest';
import { UNDO_ACCEPTED_FOR_MS, UNDO_WINDOW_MS } from '$shared/undo';
import { describeWithEmulators } from '../support/emulators';
import { activeCall, ALICE, BOB, endedCall, expectAllowed, expectDenied, MALLORY, paths, sweptCall, useRulesFixture } from './fixtures';

describe('the undo window in firestore.rules', () => {
	it('states UNDO_ACCEPTED_FOR_MS, once, and it outlasts the window the page offers', () => {
		const rules = readFileSync(new URL('../../firestore.rules', import.meta.url), 'utf8');
		const stated = [...rules.matchAll(/duration\.value\((\d+), 'ms'\); \/\/ UNDO_ACCEPTED_FOR_MS/g)].map((m) => Number(m[1]));
		expect(stated).toEqual([UNDO_ACCEPTED_FOR_MS]);
		expect(UNDO_ACCEPTED_FOR_MS).toBeGreaterThan(UNDO_WINDOW_MS);
	});
});

describeWithEmulators(['firestore'], 'calls/{callId}.gone rules', () => {
	const fx = useRulesFixture();
	const callAs = (uid: string) => doc(fx.as(uid), paths.call());
	/** Alice pressed Next `agoMs` ago (the window is measured from the server's endedAt). */
	const leftByAlice = (agoMs = 0) => ({
		...endedCall(),
		endedBy: ALICE,
		endedAt: agoMs === 0 ? serverTimestamp() : Timestamp.fromMillis(Date.now() - agoMs)
	});
	const gone = (uid: string) => ({ gone: arrayUnion(uid) });

	it('the skipped member leaves for good within the window → allowed', async () => {
		await fx.seed(paths.call(), leftByAlice());
		await expectAllowed(updateDoc(callAs(BOB), gone(BOB)));
	});

	it('the other member too (her own uid, harmless) → allowed', async () => {
		await fx.seed(paths.call(), leftByAlice());
		await expectAllowed(updateDoc(callAs(ALICE), gone(ALICE)));
	});

	it('again, when already gone (arrayUnion changes nothing) → allowed', async () => {
		await fx.seed(paths.call(), { ...leftByAlice(), gone: [BOB] });
		await expectAllowed(updateDoc(callAs(BOB), gone(BOB)));
	});

	it('after the window (a minute after the end) → denied', async () => {
		await fx.seed(paths.call(), leftByAlice(60_000));
		await expectDenied(updateDoc(callAs(BOB), gone(BOB)));
	});

	it('while the call is still active → denied', async () => {
		await fx.seed(paths.call(), activeCall());
		await expectDenied(updateDoc(callAs(BOB), gone(BOB)));
	});

	it('on a call the sweeper ended long ago → denied', async () => {
		await fx.seed(paths.call(), { ...sweptCall(), endedAt: Timestamp.fromMillis(Date.now() - 3_600_000) });
		await expectDenied(updateDoc(callAs(BOB), gone(BOB)));
	});

	it('another user (not a member) → denied', async () => {
		await fx.seed(paths.call(), leftByAlice());
		await expectDenied(updateDoc(callAs(MALLORY), gone(MALLORY)));
	});

	it('signed out → denied', async () => {
		await fx.seed(paths.call(), leftByAlice());
		await expectDenied(updateDoc(doc(fx.signedOut(), paths.call()), gone(BOB)));
	});

	it('forged: Alice marks Bob gone, so his page could never be brought back → denied', async () => {
		await fx.seed(paths.call(), leftByAlice());
		await expectDenied(updateDoc(callAs(ALICE), gone(BOB)));
	});

	it('forged: a member removes the other from gone → denied', async () => {
		await fx.seed(paths.call(), { ...leftByAlice(), gone: [BOB] });
		await expectDenied(updateDoc(callAs(ALICE), { gone: [ALICE] }));
	});

	it('forged: a stranger’s uid in gone → denied', async () => {
		await fx.seed(paths.call(), leftByAlice());
		await expectDenied(updateDoc(callAs(BOB), { gone: [BOB, MALLORY] }));
	});

	it('forged: repeated entries → denied', async () => {
		await fx.seed(paths.call(), leftByAlice());
		await expectDenied(updateDoc(callAs(BOB), { gone: [BOB, BOB] }));
	});

	it('forged: not a list → denied', async () => {
		await fx.seed(paths.call(), leftByAlice());
		await expectDenied(updateDoc(callAs(BOB), { gone: BOB }));
	});

	it('forged: the undo marks only the server writes (undoneAs, resumes) → denied', async () => {
		await fx.seed(paths.call(), leftByAlice());
		await expectDenied(updateDoc(callAs(ALICE), { undoneAs: 'call-2', undoneAt: serverTimestamp() }));
		await expectDenied(updateDoc(callAs(ALICE), { ...gone(ALICE), undoneAs: 'call-2' }));
		await expectDenied(updateDoc(callAs(BOB), { ...gone(BOB), status: 'active' }));
	});
});
