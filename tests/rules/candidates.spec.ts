// calls/{callId}/candidates/{uid}: each member appends their own ICE candidates (in
// batches, with arrayUnion) while the call is active; both members read both documents.
import {
	arrayUnion,
	collection,
	collectionGroup,
	deleteDoc,
	doc,
	getDoc,
	getDocs,
	setDoc,
	updateDoc
} from 'firebase/firestore';
import { describe, it } from 'vitest';
import { describeWithEmulators } from '../support/emulators';
import {
	activeCall,
	ALICE,
	BOB,
	candidates,
	candidatesDoc,
	COLLECTIONS,
	endedCall,
	expectAllowed,
	expectDenied,
	LIMITS,
	MALLORY,
	paths,
	useRulesFixture
} from './fixtures';

describeWithEmulators(['firestore'], 'calls/{callId}/candidates/{uid} rules', () => {
	const fx = useRulesFixture();
	/** `owner`'s candidates document, as seen by `caller`. */
	const candidatesOf = (owner: string, caller: string) => doc(fx.as(caller), paths.candidates(owner));
	/** How the app publishes a batch: merge-append, creating the document if needed. */
	const append = (owner: string, caller: string, count: number) =>
		setDoc(candidatesOf(owner, caller), { candidates: arrayUnion(...candidates(count)) }, { merge: true });

	describe('get', () => {
		it('a member reads their own candidates → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectAllowed(getDoc(candidatesOf(ALICE, ALICE)));
		});

		it("a member reads their partner's candidates → allowed", async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectAllowed(getDoc(candidatesOf(ALICE, BOB)));
		});

		it('a non-member reads them → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectDenied(getDoc(candidatesOf(ALICE, MALLORY)));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectDenied(getDoc(doc(fx.signedOut(), paths.candidates(ALICE))));
		});

		it('candidates under a call that does not exist → denied', async () => {
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectDenied(getDoc(candidatesOf(ALICE, ALICE)));
		});
	});

	describe('list', () => {
		it("a member lists the call's candidates collection → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			const db = fx.as(ALICE);
			await expectDenied(getDocs(collection(db, paths.call(), COLLECTIONS.candidates)));
		});

		it("a signed-in user lists every call's candidates (collection group) → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectDenied(getDocs(collectionGroup(fx.as(MALLORY), COLLECTIONS.candidates)));
		});

		it('signed out lists the candidates collection → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(getDocs(collection(fx.signedOut(), paths.call(), COLLECTIONS.candidates)));
		});
	});

	describe('create', () => {
		it('a member publishes their first batch (arrayUnion) → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(append(ALICE, ALICE, 3));
		});

		it(`exactly ${LIMITS.candidatesPerMember} candidates → allowed`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(setDoc(candidatesOf(BOB, BOB), candidatesDoc(LIMITS.candidatesPerMember)));
		});

		it(`oversized: ${LIMITS.candidatesPerMember + 1} candidates → denied`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(setDoc(candidatesOf(BOB, BOB), candidatesDoc(LIMITS.candidatesPerMember + 1)));
		});

		it("forged: a member writes their partner's document → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(setDoc(candidatesOf(BOB, ALICE), candidatesDoc()));
		});

		it('a non-member writes their own document under the call → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(setDoc(candidatesOf(MALLORY, MALLORY), candidatesDoc()));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(setDoc(doc(fx.signedOut(), paths.candidates(ALICE)), candidatesDoc()));
		});

		it('wrong type: candidates a string → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(setDoc(candidatesOf(ALICE, ALICE), { candidates: 'candidate:1 1 udp' }));
		});

		it('unknown extra field → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(setDoc(candidatesOf(ALICE, ALICE), { ...candidatesDoc(), note: 'hi' }));
		});

		it('an ended call → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await expectDenied(append(ALICE, ALICE, 1));
		});

		it('a call that does not exist → denied', async () => {
			await expectDenied(append(ALICE, ALICE, 1));
		});
	});

	describe('update', () => {
		it('a member appends another batch (arrayUnion) → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc(2));
			await expectAllowed(updateDoc(candidatesOf(ALICE, ALICE), { candidates: arrayUnion(...candidates(5)) }));
		});

		it(`appending up to ${LIMITS.candidatesPerMember} in total → allowed`, async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc(LIMITS.candidatesPerMember - 1));
			// candidates(n) starts from the same entries, so only the n-th one is new.
			await expectAllowed(append(ALICE, ALICE, LIMITS.candidatesPerMember));
		});

		it(`oversized: appending past ${LIMITS.candidatesPerMember} in total → denied`, async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc(LIMITS.candidatesPerMember));
			await expectDenied(append(ALICE, ALICE, LIMITS.candidatesPerMember + 1));
		});

		it("forged: a member appends to their partner's document → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(BOB), candidatesDoc());
			await expectDenied(append(BOB, ALICE, 3));
		});

		it("a non-member appends to a member's document → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectDenied(append(ALICE, MALLORY, 3));
		});

		it('wrong type: candidates replaced by a string → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectDenied(updateDoc(candidatesOf(ALICE, ALICE), { candidates: 'candidate:1 1 udp' }));
		});

		it('unknown extra field → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectDenied(updateDoc(candidatesOf(ALICE, ALICE), { note: 'hi' }));
		});

		it('after the call ended → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectDenied(append(ALICE, ALICE, 3));
		});
	});

	describe('delete', () => {
		it('a member deletes their own candidates → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectDenied(deleteDoc(candidatesOf(ALICE, ALICE)));
		});

		it("a non-member deletes a member's candidates → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectDenied(deleteDoc(candidatesOf(ALICE, MALLORY)));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.candidates(ALICE), candidatesDoc());
			await expectDenied(deleteDoc(doc(fx.signedOut(), paths.candidates(ALICE))));
		});
	});
});
