// calls/{callId}: created by the matchmaker for alice (offerer) and bob. Members read it;
// alice writes the offer, bob the answer, either ends it; nothing else is writable.
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
	LIMITS,
	MALLORY,
	offeredCall,
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

	describe('update: offer', () => {
		it('the offerer publishes the offer → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(updateDoc(callAs(ALICE), { offer: description('offer') }));
		});

		it('the offerer replaces the offer (ICE restart) → allowed', async () => {
			await fx.seed(paths.call(), offeredCall());
			await expectAllowed(updateDoc(callAs(ALICE), { offer: description('offer', 300) }));
		});

		it(`sdp of exactly ${LIMITS.sdpMaxChars} chars → allowed`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(updateDoc(callAs(ALICE), { offer: description('offer', LIMITS.sdpMaxChars) }));
		});

		it(`oversized: sdp of ${LIMITS.sdpMaxChars + 1} chars → denied`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { offer: description('offer', LIMITS.sdpMaxChars + 1) }));
		});

		it('forged: the answerer writes the offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(BOB), { offer: description('offer') }));
		});

		it('a non-member writes the offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(MALLORY), { offer: description('offer') }));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(doc(fx.signedOut(), paths.call()), { offer: description('offer') }));
		});

		it("wrong type: an offer whose type is 'answer' → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { offer: description('answer') }));
		});

		it('wrong type: sdp a number → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { offer: { type: 'offer', sdp: 42 } }));
		});

		it('wrong type: offer a string → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { offer: 'v=0' }));
		});

		it('the offerer withdraws the offer (null) → denied', async () => {
			await fx.seed(paths.call(), offeredCall());
			await expectDenied(updateDoc(callAs(ALICE), { offer: null }));
		});

		it('unknown extra field inside the offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { offer: { ...description('offer'), note: 'hi' } }));
		});

		it('the offer together with another field → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			const both = { offer: description('offer'), answer: description('answer') };
			await expectDenied(updateDoc(callAs(ALICE), both));
		});

		it('an offer to an ended call → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await expectDenied(updateDoc(callAs(ALICE), { offer: description('offer') }));
		});
	});

	describe('update: answer', () => {
		it('the other member answers the offer → allowed', async () => {
			await fx.seed(paths.call(), offeredCall());
			await expectAllowed(updateDoc(callAs(BOB), { answer: description('answer') }));
		});

		it(`sdp of exactly ${LIMITS.sdpMaxChars} chars → allowed`, async () => {
			await fx.seed(paths.call(), offeredCall());
			await expectAllowed(updateDoc(callAs(BOB), { answer: description('answer', LIMITS.sdpMaxChars) }));
		});

		it(`oversized: sdp of ${LIMITS.sdpMaxChars + 1} chars → denied`, async () => {
			await fx.seed(paths.call(), offeredCall());
			await expectDenied(updateDoc(callAs(BOB), { answer: description('answer', LIMITS.sdpMaxChars + 1) }));
		});

		it('an answer before any offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(BOB), { answer: description('answer') }));
		});

		it('forged: the offerer writes the answer → denied', async () => {
			await fx.seed(paths.call(), offeredCall());
			await expectDenied(updateDoc(callAs(ALICE), { answer: description('answer') }));
		});

		it('a non-member writes the answer → denied', async () => {
			await fx.seed(paths.call(), offeredCall());
			await expectDenied(updateDoc(callAs(MALLORY), { answer: description('answer') }));
		});

		it("wrong type: an answer whose type is 'offer' → denied", async () => {
			await fx.seed(paths.call(), offeredCall());
			await expectDenied(updateDoc(callAs(BOB), { answer: description('offer') }));
		});

		it('wrong type: sdp a number → denied', async () => {
			await fx.seed(paths.call(), offeredCall());
			await expectDenied(updateDoc(callAs(BOB), { answer: { type: 'answer', sdp: 42 } }));
		});

		it('unknown extra field inside the answer → denied', async () => {
			await fx.seed(paths.call(), offeredCall());
			await expectDenied(updateDoc(callAs(BOB), { answer: { ...description('answer'), note: 'hi' } }));
		});

		it('the answer together with a rewritten offer → denied', async () => {
			await fx.seed(paths.call(), offeredCall());
			await expectDenied(
				updateDoc(callAs(BOB), { answer: description('answer'), offer: description('offer', 300) })
			);
		});

		it('an answer to an ended call → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await expectDenied(updateDoc(callAs(BOB), { answer: description('answer') }));
		});
	});

	describe('update: end', () => {
		it('the offerer ends the call → allowed', async () => {
			await fx.seed(paths.call(), offeredCall());
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

		it('ending while also writing the offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { ...endCall(ALICE), offer: description('offer') }));
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

		it('forged: the offerer rewrites commonInterests in the same write as the offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(updateDoc(callAs(ALICE), { offer: description('offer'), commonInterests: ['chess'] }));
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

		it('forged: the offerer rewrites members in the same write as the offer → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			const rewritten = { ...activeCall(), members: [ALICE, MALLORY], offer: description('offer') };
			await expectDenied(setDoc(callAs(ALICE), rewritten));
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
