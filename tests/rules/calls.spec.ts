// calls/{callId}: created by the matchmaker for alice (offerer) and bob. Members read it;
// either ends it, and nothing else is writable: the session descriptions live in the
// members' signal documents (signals.spec.ts), so the call document takes no offer or answer.
import {
	collection,
	deleteDoc,
	doc,
	getDoc,
	getDocs,
	query,
	serverTimestamp,
	setDoc,
	Timestamp,
	updateDoc,
	where
} from 'firebase/firestore';
import { describe, it } from 'vitest';
import { describeWithEmulators } from '../support/emulators';
import {
	activeCall,
	ALICE,
	BOB,
	COLLECTIONS,
	description,
	endedCall,
	expectAllowed,
	expectDenied,
	MALLORY,
	paths,
	sweptCall,
	useRulesFixture
} from './fixtures';

describeWithEmulators(['firestore'], 'calls/{callId} rules', () => {
	const fx = useRulesFixture();
	const callAs = (uid: string) => doc(fx.as(uid), paths.call());
	const endCall = (endedBy: string) => ({ status: 'ended', endedBy, endedAt: serverTimestamp() });

	describe('get', () => {
		it('the offerer reads the call → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(getDoc(callAs(ALICE)));
		});

		it('the other member reads the call → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(getDoc(callAs(BOB)));
		});

		it('a member reads the call after it ended → allowed', async () => {
			await fx.seed(paths.call(), endedCall());
			await expectAllowed(getDoc(callAs(ALICE)));
		});

		it('a member reads a call the sweeper ended (endedBy null) → allowed', async () => {
			await fx.seed(paths.call(), sweptCall());
			await expectAllowed(getDoc(callAs(BOB)));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(getDoc(doc(fx.signedOut(), paths.call())));
		});

		it('a non-member reads the call → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(getDoc(callAs(MALLORY)));
		});
	});

	describe('list', () => {
		it('a signed-in user lists all calls → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(getDocs(collection(fx.as(MALLORY), COLLECTIONS.calls)));
		});

		it('a member queries the calls they belong to → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			const db = fx.as(ALICE);
			await expectDenied(
				getDocs(query(collection(db, COLLECTIONS.calls), where('members', 'array-contains', ALICE)))
			);
		});

		it('signed out lists all calls → denied', async () => {
			await expectDenied(getDocs(collection(fx.signedOut(), COLLECTIONS.calls)));
		});
	});

	describe('create', () => {
		it('a would-be member creates a call (only the matchmaker may) → denied', async () => {
			await expectDenied(setDoc(callAs(ALICE), activeCall()));
		});

		it('a non-member creates a call for alice and bob → denied', async () => {
			await expectDenied(setDoc(callAs(MALLORY), activeCall()));
		});

		it('signed out → denied', async () => {
			await expectDenied(setDoc(doc(fx.signedOut(), paths.call()), activeCall()));
		});
	});

	describe('update: no signaling on the call document', () => {
		it('the offerer writes an offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { offer: description('offer') }));
		});

		it('the answerer writes an answer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(BOB), { answer: description('answer') }));
		});

		it('the answerer writes an offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(BOB), { offer: description('offer') }));
		});

		it('the offerer writes an answer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { answer: description('answer') }));
		});

		it('the offerer writes an empty offer (null) → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { offer: null }));
		});

		it('the answerer writes an empty answer (null) → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(BOB), { answer: null }));
		});

		it('the offerer merges an offer into the call (setDoc merge) → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(setDoc(callAs(ALICE), { offer: description('offer') }, { merge: true }));
		});

		it('the offerer rewrites the whole call with an offer added, all else unchanged → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			const stored = (await getDoc(callAs(ALICE))).data();
			await expectDenied(setDoc(callAs(ALICE), { ...stored, offer: description('offer') }));
		});

		it('a member writes ICE candidates onto the call → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(BOB), { candidates: [] }));
		});

		it('a non-member writes an offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(MALLORY), { offer: description('offer') }));
		});

		it('signed out writes an offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(doc(fx.signedOut(), paths.call()), { offer: description('offer') }));
		});

		it('an answer to an ended call → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await expectDenied(updateDoc(callAs(BOB), { answer: description('answer') }));
		});
	});

	describe('update: end', () => {
		it('the offerer ends the call → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(updateDoc(callAs(ALICE), endCall(ALICE)));
		});

		it('the other member ends the call → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(updateDoc(callAs(BOB), endCall(BOB)));
		});

		it("forged: endedBy set to the partner's uid → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), endCall(BOB)));
		});

		it('forged: a client-chosen endedAt instead of serverTimestamp → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { ...endCall(ALICE), endedAt: Timestamp.fromMillis(0) }));
		});

		it('status ended without endedBy and endedAt → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { status: 'ended' }));
		});

		it("an unknown status ('paused') → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { ...endCall(ALICE), status: 'paused' }));
		});

		it('ending while also writing an offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { ...endCall(ALICE), offer: description('offer') }));
		});

		it('ending while also writing an answer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(BOB), { ...endCall(BOB), answer: description('answer') }));
		});

		it('a non-member ends the call → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(MALLORY), endCall(MALLORY)));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(doc(fx.signedOut(), paths.call()), endCall(ALICE)));
		});

		it('ending an already ended call again → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await expectDenied(updateDoc(callAs(ALICE), endCall(ALICE)));
		});

		it('ending a call the sweeper already ended → denied', async () => {
			await fx.seed(paths.call(), sweptCall());
			await expectDenied(updateDoc(callAs(ALICE), endCall(ALICE)));
		});
	});

	describe('update: everything else', () => {
		it('forged: a member rewrites members to let a third user in → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { members: [ALICE, MALLORY] }));
		});

		it('forged: the answerer makes themself the offerer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(BOB), { offerer: BOB }));
		});

		it('forged: a member rewrites commonInterests → denied', async () => {
			await fx.seed(paths.call(), { ...activeCall(), commonInterests: ['music'] });
			await expectDenied(updateDoc(callAs(ALICE), { commonInterests: ['music', 'chess'] }));
		});

		it('forged: a member rewrites commonInterests in the same write as hanging up → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { ...endCall(ALICE), commonInterests: ['chess'] }));
		});

		it('forged: a member changes the mode → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { mode: 'video' }));
		});

		it('forged: a member reopens an ended call → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await expectDenied(updateDoc(callAs(BOB), { status: 'active', endedBy: null, endedAt: null }));
		});

		it('unknown extra field → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { note: 'hello' }));
		});

		it('forged: the offerer rewrites members in the same write as hanging up → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			const rewritten = { ...activeCall(), ...endCall(ALICE), members: [ALICE, MALLORY] };
			await expectDenied(setDoc(callAs(ALICE), rewritten));
		});

		it('unknown extra field next to hanging up → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { ...endCall(ALICE), note: 'bye' }));
		});
	});

	describe('delete', () => {
		it('a member deletes the call → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(deleteDoc(callAs(ALICE)));
		});

		it('a non-member deletes the call → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(deleteDoc(callAs(MALLORY)));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(deleteDoc(doc(fx.signedOut(), paths.call())));
		});
	});
});
