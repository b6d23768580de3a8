// calls/{callId}/signals/{uid}: each member publishes their own session description (the
// offerer only offers, the answerer only answers; an ICE restart replaces it) and appends
// their ICE candidates (arrayUnion), while the call is active; both members read both
// documents. Nobody lists or deletes them.
import {
	arrayUnion,
	collection,
	collectionGroup,
	deleteDoc,
	doc,
	getDoc,
	getDocs,
	serverTimestamp,
	setDoc,
	Timestamp,
	updateDoc,
	type DocumentData,
	type FieldValue
} from 'firebase/firestore';
import { describe, expect, it } from 'vitest';
import type { IceCandidateRecord, SessionDescriptionRecord, SignalWrite } from '$shared/model';
import { describeWithEmulators } from '../support/emulators';
import {
	activeCall,
	ALICE,
	BOB,
	candidateRecords,
	candidates,
	COLLECTIONS,
	description,
	endedCall,
	expectAllowed,
	expectDenied,
	LIMITS,
	MALLORY,
	paths,
	signalDoc,
	sweptCall,
	useRulesFixture
} from './fixtures';

describeWithEmulators(['firestore'], 'calls/{callId}/signals/{uid} rules', () => {
	const fx = useRulesFixture();
	/** `owner`'s signal document, as seen by `caller`. */
	const signalsOf = (owner: string, caller: string) => doc(fx.as(caller), paths.signals(owner));
	/**
	 * How the app publishes (SignalOutbox.flush): one merge write with a new description,
	 * a batch of `candidates` appended with arrayUnion, or both.
	 */
	const publish = (
		owner: string,
		caller: string,
		what: { description?: SessionDescriptionRecord; candidates?: number }
	) => {
		const write: SignalWrite<FieldValue, FieldValue> = { sentAt: serverTimestamp() };
		if (what.description) write.description = what.description;
		if (what.candidates !== undefined) write.candidates = arrayUnion(...candidates(what.candidates));
		return setDoc(signalsOf(owner, caller), write, { merge: true });
	};
	/**
	 * A merge write of anything at all, for the shapes the app never writes; stamped with
	 * the server's time like the app's, so only the shape under test is wrong.
	 */
	const mergeRaw = (owner: string, caller: string, data: DocumentData) =>
		setDoc(signalsOf(owner, caller), { sentAt: serverTimestamp(), ...data }, { merge: true });
	/** An updateDoc as the app never makes it, stamped like the app's writes. */
	const updateRaw = (owner: string, caller: string, data: DocumentData) =>
		updateDoc(signalsOf(owner, caller), { sentAt: serverTimestamp(), ...data });
	/** A stored candidate line as a hand-made write may shape it (encodeCandidate refuses bad ones). */
	const rawLine = (c: IceCandidateRecord) => `${c.sdpMLineIndex ?? ''} ${c.sdpMid ?? ''} ${c.usernameFragment ?? ''} ${c.candidate}`;
	/** `count` distinct stored lines whose `candidate` part is `chars` long. */
	const longCandidates = (count: number, chars: number) =>
		candidateRecords(count).map((c) => rawLine({ ...c, candidate: c.candidate.padEnd(chars, 'x') }));
	/** A live call (alice offers, bob answers) where both have published their first write. */
	const seedBoth = async () => {
		await fx.seed(paths.call(), activeCall());
		await fx.seed(paths.signals(ALICE), signalDoc(ALICE));
		await fx.seed(paths.signals(BOB), signalDoc(BOB));
	};

	describe('get', () => {
		it('the offerer reads her own document → allowed', async () => {
			await seedBoth();
			await expectAllowed(getDoc(signalsOf(ALICE, ALICE)));
		});

		it("the answerer reads the offerer's document → allowed", async () => {
			await seedBoth();
			await expectAllowed(getDoc(signalsOf(ALICE, BOB)));
		});

		it("the offerer reads the answerer's document → allowed", async () => {
			await seedBoth();
			await expectAllowed(getDoc(signalsOf(BOB, ALICE)));
		});

		it('a member reads them after the call ended (until the cleanup deletes them) → allowed', async () => {
			await fx.seed(paths.call(), endedCall());
			await fx.seed(paths.signals(ALICE), signalDoc(ALICE));
			await expectAllowed(getDoc(signalsOf(ALICE, BOB)));
		});

		it('a non-member reads them → denied', async () => {
			await seedBoth();
			await expectDenied(getDoc(signalsOf(ALICE, MALLORY)));
		});

		it('signed out → denied', async () => {
			await seedBoth();
			await expectDenied(getDoc(doc(fx.signedOut(), paths.signals(ALICE))));
		});

		it('a signal document under a call that does not exist → denied', async () => {
			await fx.seed(paths.signals(ALICE), signalDoc(ALICE));
			await expectDenied(getDoc(signalsOf(ALICE, ALICE)));
		});
	});

	describe('list', () => {
		it("a member lists the call's signals subcollection → denied", async () => {
			await seedBoth();
			await expectDenied(getDocs(collection(fx.as(ALICE), paths.call(), COLLECTIONS.signals)));
		});

		it("a signed-in user lists every call's signals (collection group) → denied", async () => {
			await seedBoth();
			await expectDenied(getDocs(collectionGroup(fx.as(MALLORY), COLLECTIONS.signals)));
		});

		it('a member queries the signals collection group → denied', async () => {
			await seedBoth();
			await expectDenied(getDocs(collectionGroup(fx.as(ALICE), COLLECTIONS.signals)));
		});

		it('signed out lists the signals subcollection → denied', async () => {
			await seedBoth();
			await expectDenied(getDocs(collection(fx.signedOut(), paths.call(), COLLECTIONS.signals)));
		});
	});

	describe('create', () => {
		it('the offerer publishes her offer and first candidates in one write → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(publish(ALICE, ALICE, { description: description('offer'), candidates: 3 }));
		});

		it('the answerer publishes his answer and first candidates in one write → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(publish(BOB, BOB, { description: description('answer'), candidates: 3 }));
		});

		it('a description alone (no candidates gathered yet) → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(publish(ALICE, ALICE, { description: description('offer') }));
		});

		it('candidates alone, before any description → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(publish(BOB, BOB, { candidates: 2 }));
		});

		it('a whole document written without merge → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(setDoc(signalsOf(ALICE, ALICE), { ...signalDoc(ALICE), sentAt: serverTimestamp() }));
		});

		it('the roles come from the call: where bob is the offerer, his offer → allowed', async () => {
			await fx.seed(paths.call(), { ...activeCall(), offerer: BOB });
			await expectAllowed(publish(BOB, BOB, { description: description('offer'), candidates: 1 }));
		});

		it(`sdp of exactly ${LIMITS.sdpMaxChars} chars → allowed`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(publish(ALICE, ALICE, { description: description('offer', LIMITS.sdpMaxChars) }));
		});

		it(`exactly LIMITS.candidatesPerWrite (${LIMITS.candidatesPerWrite}) candidates in one write → allowed`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(publish(BOB, BOB, { candidates: LIMITS.candidatesPerWrite }));
		});

		it(`a candidate line of exactly LIMITS.candidateMaxChars (${LIMITS.candidateMaxChars}) → allowed`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(mergeRaw(BOB, BOB, { candidates: longCandidates(1, LIMITS.candidateMaxChars) }));
		});

		it(`${LIMITS.candidatesPerWrite + 1} candidates in one write → denied`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(publish(BOB, BOB, { candidates: LIMITS.candidatesPerWrite + 1 }));
		});

		it(`oversized: a candidate line of ${LIMITS.candidateMaxChars + 1} chars → denied`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(BOB, BOB, { candidates: longCandidates(1, LIMITS.candidateMaxChars + 1) }));
		});

		it('the attack: candidates of ~9.5 KB each → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(BOB, BOB, { candidates: longCandidates(LIMITS.candidatesPerWrite, 9_500) }));
		});

		it(`oversized: an sdpMid or usernameFragment of ${LIMITS.candidateFieldMaxChars + 1} chars → denied (${LIMITS.candidateFieldMaxChars} allowed)`, async () => {
			await fx.seed(paths.call(), activeCall());
			const long = 'm'.repeat(LIMITS.candidateFieldMaxChars + 1);
			const [c] = candidateRecords(1);
			if (!c) throw new Error('no fixture candidate');
			await expectAllowed(mergeRaw(BOB, BOB, { candidates: [rawLine({ ...c, sdpMid: long.slice(1), usernameFragment: long.slice(1) })] }));
			await expectDenied(mergeRaw(BOB, BOB, { candidates: [rawLine({ ...c, sdpMid: long })] }));
			await expectDenied(mergeRaw(BOB, BOB, { candidates: [rawLine({ ...c, usernameFragment: long })] }));
		});

		it('a candidate that is not a stored line (a map, a number, fields missing, a line break, not ASCII) → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			const [c] = candidateRecords(1);
			if (!c) throw new Error('no fixture candidate');
			await expectDenied(mergeRaw(BOB, BOB, { candidates: [c] }));
			await expectDenied(mergeRaw(BOB, BOB, { candidates: [7] }));
			await expectDenied(mergeRaw(BOB, BOB, { candidates: ['candidate:1'] }));
			await expectDenied(mergeRaw(BOB, BOB, { candidates: [rawLine({ ...c, sdpMLineIndex: -1 })] }));
			await expectDenied(mergeRaw(BOB, BOB, { candidates: [rawLine({ ...c, candidate: `${c.candidate}\nextra` })] }));
			await expectDenied(mergeRaw(BOB, BOB, { candidates: [rawLine({ ...c, candidate: `${c.candidate} ünïcode` })] }));
			// The tenth of a batch is checked like the first.
			await expectDenied(mergeRaw(BOB, BOB, { candidates: [...candidates(LIMITS.candidatesPerWrite - 1), 'x'.repeat(600)] }));
		});

		it('forged: a client-chosen sentAt instead of serverTimestamp → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(ALICE, ALICE, { description: description('offer'), sentAt: Timestamp.fromMillis(Date.now()) }));
		});

		it('without sentAt → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(setDoc(signalsOf(ALICE, ALICE), { description: description('offer') }, { merge: true }));
		});

		it(`oversized: sdp of ${LIMITS.sdpMaxChars + 1} chars → denied`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(publish(ALICE, ALICE, { description: description('offer', LIMITS.sdpMaxChars + 1) }));
		});


		it("forged: the offerer publishes an 'answer' → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(publish(ALICE, ALICE, { description: description('answer'), candidates: 1 }));
		});

		it("forged: the answerer publishes an 'offer' → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(publish(BOB, BOB, { description: description('offer'), candidates: 1 }));
		});

		it('forged: the roles come from the call: where bob is the offerer, alice\'s offer → denied', async () => {
			await fx.seed(paths.call(), { ...activeCall(), offerer: BOB });
			await expectDenied(publish(ALICE, ALICE, { description: description('offer') }));
		});

		it("forged: a member writes their partner's document (the partner's own type) → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(publish(BOB, ALICE, { description: description('answer'), candidates: 1 }));
		});

		it("forged: a member writes candidates into their partner's document → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(publish(ALICE, BOB, { candidates: 1 }));
		});

		it('a non-member writes their own document under the call → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(publish(MALLORY, MALLORY, { description: description('answer'), candidates: 1 }));
		});

		it("a non-member writes a member's document → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(publish(ALICE, MALLORY, { description: description('offer') }));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(setDoc(doc(fx.signedOut(), paths.signals(ALICE)), { ...signalDoc(ALICE), sentAt: serverTimestamp() }));
		});

		it('unknown extra field next to the description → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(ALICE, ALICE, { ...signalDoc(ALICE), note: 'hi' }));
		});

		it("the old call-document field 'offer' instead of 'description' → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(ALICE, ALICE, { offer: description('offer') }));
		});

		it('unknown extra field inside the description → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(ALICE, ALICE, { description: { ...description('offer'), note: 'hi' } }));
		});

		it('missing field: a description without sdp → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(ALICE, ALICE, { description: { type: 'offer' } }));
		});

		it("wrong type: description type 'pranswer' → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(BOB, BOB, { description: { type: 'pranswer', sdp: 'v=0' } }));
		});

		it('wrong type: sdp a number → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(ALICE, ALICE, { description: { type: 'offer', sdp: 42 } }));
		});

		it('wrong type: description a string → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(ALICE, ALICE, { description: 'v=0' }));
		});

		it('wrong type: description null → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(ALICE, ALICE, { description: null, candidates: candidates(1) }));
		});

		it('wrong type: candidates a string → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(mergeRaw(ALICE, ALICE, { candidates: 'candidate:1 1 udp' }));
		});

		it('an ended call → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await expectDenied(publish(ALICE, ALICE, { description: description('offer'), candidates: 1 }));
		});

		it('a call the sweeper ended → denied', async () => {
			await fx.seed(paths.call(), sweptCall());
			await expectDenied(publish(BOB, BOB, { description: description('answer') }));
		});

		it('a call that does not exist → denied', async () => {
			await expectDenied(publish(ALICE, ALICE, { description: description('offer'), candidates: 1 }));
		});
	});

	describe('update', () => {
		it('a member appends a batch of candidates (candidates-only merge) → allowed', async () => {
			await seedBoth();
			await expectAllowed(publish(ALICE, ALICE, { candidates: 5 }));
		});

		it('a candidates-only updateDoc → allowed', async () => {
			await seedBoth();
			await expectAllowed(updateRaw(BOB, BOB, { candidates: arrayUnion(...candidates(4)) }));
		});

		it('ICE restart: the offerer replaces her offer → allowed, and the new one is stored', async () => {
			await seedBoth();
			const restart = description('offer', 300);
			await expectAllowed(publish(ALICE, ALICE, { description: restart, candidates: 3 }));
			const stored = await getDoc(signalsOf(ALICE, BOB));
			expect(stored.get('description')).toEqual(restart);
			expect(stored.get('candidates')).toHaveLength(3);
		});

		it('ICE restart: the answerer replaces his answer → allowed', async () => {
			await seedBoth();
			await expectAllowed(publish(BOB, BOB, { description: description('answer', 300) }));
		});

		it('the first description after candidates-only writes → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.signals(BOB), { candidates: candidates(2) });
			await expectAllowed(publish(BOB, BOB, { description: description('answer') }));
		});

		it(`appending up to ${LIMITS.candidatesPerMember} in total → allowed`, async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.signals(ALICE), signalDoc(ALICE, LIMITS.candidatesPerMember - 1));
			// candidates(n) starts from the same entries, so only the n-th one is new.
			await expectAllowed(publish(ALICE, ALICE, { candidates: LIMITS.candidatesPerMember }));
		});

		it(`oversized: appending past ${LIMITS.candidatesPerMember} in total → denied`, async () => {
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.signals(ALICE), signalDoc(ALICE, LIMITS.candidatesPerMember));
			await expectDenied(publish(ALICE, ALICE, { candidates: LIMITS.candidatesPerMember + 1 }));
		});

		it(`a write LIMITS.signalWriteMinIntervalMs (${LIMITS.signalWriteMinIntervalMs} ms) or more after the previous one → allowed`, async () => {
			await fx.seed(paths.call(), activeCall());
			const sentAt = Timestamp.fromMillis(Date.now() - LIMITS.signalWriteMinIntervalMs);
			await fx.seed(paths.signals(ALICE), { ...signalDoc(ALICE), sentAt });
			await expectAllowed(publish(ALICE, ALICE, { candidates: 4 }));
		});

		it('a write sooner than LIMITS.signalWriteMinIntervalMs after the previous one → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			// Stamped a little ahead of the server's clock: "just written", however slow this machine is.
			const sentAt = Timestamp.fromMillis(Date.now() + 10_000);
			await fx.seed(paths.signals(ALICE), { ...signalDoc(ALICE), sentAt });
			await expectDenied(publish(ALICE, ALICE, { candidates: 4 }));
			await expectDenied(publish(ALICE, ALICE, { description: description('offer', 300) }));
		});

		it('replacing the stored candidates instead of appending → denied', async () => {
			await seedBoth();
			await expectDenied(mergeRaw(ALICE, ALICE, { candidates: candidates(5).slice(1) }));
		});

		it(`appending ${LIMITS.candidatesPerWrite + 1} candidates in one write → denied`, async () => {
			await seedBoth();
			await expectDenied(publish(ALICE, ALICE, { candidates: 2 + LIMITS.candidatesPerWrite + 1 }));
		});

		it('appending a candidate of ~9.5 KB → denied', async () => {
			await seedBoth();
			await expectDenied(mergeRaw(ALICE, ALICE, { candidates: arrayUnion(...longCandidates(1, 9_500)) }));
		});

		it(`oversized: an ICE restart offer of ${LIMITS.sdpMaxChars + 1} chars → denied`, async () => {
			await seedBoth();
			await expectDenied(publish(ALICE, ALICE, { description: description('offer', LIMITS.sdpMaxChars + 1) }));
		});

		it("forged: the offerer replaces her offer with an 'answer' → denied", async () => {
			await seedBoth();
			await expectDenied(publish(ALICE, ALICE, { description: description('answer') }));
		});

		it("forged: the answerer replaces his answer with an 'offer' → denied", async () => {
			await seedBoth();
			await expectDenied(publish(BOB, BOB, { description: description('offer') }));
		});

		it("forged: a member appends to their partner's document → denied", async () => {
			await seedBoth();
			await expectDenied(publish(BOB, ALICE, { candidates: 3 }));
		});

		it("forged: a member replaces their partner's description → denied", async () => {
			await seedBoth();
			await expectDenied(publish(ALICE, BOB, { description: description('offer', 300) }));
		});

		it("a non-member appends to a member's document → denied", async () => {
			await seedBoth();
			await expectDenied(publish(ALICE, MALLORY, { candidates: 3 }));
		});

		it('signed out → denied', async () => {
			await seedBoth();
			await expectDenied(updateDoc(doc(fx.signedOut(), paths.signals(ALICE)), { candidates: arrayUnion(...candidates(3)), sentAt: serverTimestamp() }));
		});

		it('unknown extra field → denied', async () => {
			await seedBoth();
			await expectDenied(updateRaw(ALICE, ALICE, { note: 'hi' }));
		});

		it('unknown extra field added inside the description → denied', async () => {
			await seedBoth();
			await expectDenied(updateRaw(ALICE, ALICE, { 'description.note': 'hi' }));
		});

		it('wrong type: candidates replaced by a string → denied', async () => {
			await seedBoth();
			await expectDenied(updateRaw(ALICE, ALICE, { candidates: 'candidate:1 1 udp' }));
		});

		it('wrong type: the description withdrawn as null → denied', async () => {
			await seedBoth();
			await expectDenied(updateRaw(ALICE, ALICE, { description: null }));
		});

		it('after the call ended → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await fx.seed(paths.signals(ALICE), signalDoc(ALICE));
			await expectDenied(publish(ALICE, ALICE, { candidates: 3 }));
		});

		it('an ICE restart after the call ended → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await fx.seed(paths.signals(ALICE), signalDoc(ALICE));
			await expectDenied(publish(ALICE, ALICE, { description: description('offer', 300) }));
		});
	});

	describe('delete', () => {
		it('a member deletes their own document → denied', async () => {
			await seedBoth();
			await expectDenied(deleteDoc(signalsOf(ALICE, ALICE)));
		});

		it("a member deletes their partner's document → denied", async () => {
			await seedBoth();
			await expectDenied(deleteDoc(signalsOf(ALICE, BOB)));
		});

		it('a member deletes their own document after the call ended → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await fx.seed(paths.signals(ALICE), signalDoc(ALICE));
			await expectDenied(deleteDoc(signalsOf(ALICE, ALICE)));
		});

		it("a non-member deletes a member's document → denied", async () => {
			await seedBoth();
			await expectDenied(deleteDoc(signalsOf(ALICE, MALLORY)));
		});

		it('signed out → denied', async () => {
			await seedBoth();
			await expectDenied(deleteDoc(doc(fx.signedOut(), paths.signals(ALICE))));
		});
	});
});
