// lobby/{uid}: the owner joins (a fresh `waiting` entry stamped by the server), reads
// their own entry and leaves; only the matchmaker (Admin SDK) may mark it `matched`.
import {
	collection,
	deleteDoc,
	doc,
	getDoc,
	getDocs,
	query,
	setDoc,
	Timestamp,
	updateDoc,
	where
} from 'firebase/firestore';
import { describe, it } from 'vitest';
import { describeWithEmulators } from '../support/emulators';
import {
	ALICE,
	CALL_ID,
	COLLECTIONS,
	expectAllowed,
	expectDenied,
	MALLORY,
	matchedEntry,
	paths,
	useRulesFixture,
	waitingEntry
} from './fixtures';

describeWithEmulators(['firestore'], 'lobby/{uid} rules', () => {
	const fx = useRulesFixture();
	const aliceEntry = (db = fx.as(ALICE)) => doc(db, paths.lobby(ALICE));

	describe('get', () => {
		it('owner reads their own entry → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), matchedEntry());
			await expectAllowed(getDoc(aliceEntry()));
		});

		it('owner reads their entry before joining (it does not exist yet) → allowed', async () => {
			await expectAllowed(getDoc(aliceEntry()));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(getDoc(aliceEntry(fx.signedOut())));
		});

		it("another user reads alice's entry → denied", async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(getDoc(aliceEntry(fx.as(MALLORY))));
		});
	});

	describe('list', () => {
		it('signed-in user lists the whole lobby → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(getDocs(collection(fx.as(MALLORY), COLLECTIONS.lobby)));
		});

		it('owner queries the lobby for waiting entries → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			const db = fx.as(ALICE);
			await expectDenied(getDocs(query(collection(db, COLLECTIONS.lobby), where('status', '==', 'waiting'))));
		});

		it('signed out lists the lobby → denied', async () => {
			await expectDenied(getDocs(collection(fx.signedOut(), COLLECTIONS.lobby)));
		});
	});

	describe('create', () => {
		it('owner joins with serverTimestamp → allowed', async () => {
			await expectAllowed(setDoc(aliceEntry(), waitingEntry()));
		});

		it('signed out → denied', async () => {
			await expectDenied(setDoc(aliceEntry(fx.signedOut()), waitingEntry()));
		});

		it('another user creates an entry for alice → denied', async () => {
			await expectDenied(setDoc(aliceEntry(fx.as(MALLORY)), waitingEntry()));
		});

		it("forged: status 'matched' → denied", async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), status: 'matched' }));
		});

		it('forged: callId → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), callId: CALL_ID }));
		});

		it('forged: a whole matched entry (callId, matchedAt) → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), matchedEntry()));
		});

		it('forged: a client-chosen joinedAt instead of serverTimestamp → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), joinedAt: Timestamp.fromMillis(0) }));
		});

		it('wrong type: mode 42 → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), mode: 42 }));
		});

		it("unknown mode 'video' → denied", async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), mode: 'video' }));
		});

		it('missing field: no mode → denied', async () => {
			const { status, joinedAt } = waitingEntry();
			await expectDenied(setDoc(aliceEntry(), { status, joinedAt }));
		});

		it('unknown extra field → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), nickname: 'alice' }));
		});
	});

	describe('update', () => {
		it('owner replaces a matched entry with a fresh waiting one ("New chat") → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), matchedEntry());
			await expectAllowed(setDoc(aliceEntry(), waitingEntry()));
		});

		it('owner rejoins while waiting → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectAllowed(setDoc(aliceEntry(), waitingEntry()));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.lobby(ALICE), matchedEntry());
			await expectDenied(setDoc(aliceEntry(fx.signedOut()), waitingEntry()));
		});

		it("another user overwrites alice's entry → denied", async () => {
			await fx.seed(paths.lobby(ALICE), matchedEntry());
			await expectDenied(setDoc(aliceEntry(fx.as(MALLORY)), waitingEntry()));
		});

		it("forged: owner marks their waiting entry 'matched' with a callId → denied", async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(setDoc(aliceEntry(), matchedEntry()));
		});

		it('forged: owner adds matchedAt to a waiting entry → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(updateDoc(aliceEntry(), { matchedAt: Timestamp.now() }));
		});

		it('forged: owner points a matched entry at another call → denied', async () => {
			await fx.seed(paths.lobby(ALICE), matchedEntry());
			await expectDenied(updateDoc(aliceEntry(), { callId: 'someone-elses-call' }));
		});

		it('forged: owner keeps their old joinedAt to jump the queue → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(updateDoc(aliceEntry(), { mode: 'text' }));
		});

		it('wrong type: mode 42 → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), mode: 42 }));
		});
	});

	describe('delete', () => {
		it('owner leaves the lobby → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectAllowed(deleteDoc(aliceEntry()));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(deleteDoc(aliceEntry(fx.signedOut())));
		});

		it("another user deletes alice's entry → denied", async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(deleteDoc(aliceEntry(fx.as(MALLORY))));
		});
	});
});
