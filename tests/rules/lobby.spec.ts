// lobby/{uid}: the owner joins (a fresh `waiting` entry stamped by the server, at most
// one join per 300 ms, never while banned), beats while waiting (heartbeatAt alone, at
// most one per LOBBY_HEARTBEAT_MIN_INTERVAL_MS; patience is the server's), reads their own
// entry and leaves (marks it `left`); only the matchmaker (Admin SDK) may mark it
// `matched`, and nobody deletes it but the functions.
import {
	collection,
	deleteDoc,
	deleteField,
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
import { describe, expect, it } from 'vitest';
import { isInterest, LOBBY_HEARTBEAT_MS, normalizeInterests, normalizeLanguage } from '$shared/model';
import { readFileSync } from 'node:fs';
import { describeWithEmulators } from '../support/emulators';
import {
	ALICE,
	BOB,
	CALL_ID,
	CHAT_MODES,
	COLLECTIONS,
	expectAllowed,
	expectDenied,
	heartbeat,
	LIMITS,
	LOBBY_HEARTBEAT_MIN_INTERVAL_MS,
	MALLORY,
	matchedEntry,
	paths,
	SAFETY_LIMITS,
	banUntil,
	earlier,
	justNow,
	leftEntry,
	useRulesFixture,
	waitedEntry,
	waitingEntry
} from './fixtures';

/** `count` distinct valid interests. */
const interests = (count: number) => Array.from({ length: count }, (_, i) => `interest ${i}`);

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

		for (const mode of CHAT_MODES) {
			it(`owner joins a ${mode} chat → allowed`, async () => {
				await expectAllowed(setDoc(aliceEntry(), waitingEntry({ mode })));
			});
		}

		it(`owner joins with ${LIMITS.interestsPerUser} interests and a language → allowed`, async () => {
			const entry = waitingEntry({ interests: interests(LIMITS.interestsPerUser), language: 'en' });
			await expectAllowed(setDoc(aliceEntry(), entry));
		});

		it('interests in other scripts, with digits, spaces and hyphens → allowed', async () => {
			const entry = waitingEntry({ interests: ['café', '音楽', 'board games', 'k-pop', '90s'] });
			await expectAllowed(setDoc(aliceEntry(), entry));
		});

		it('an interest in a script with combining marks (Devanagari) → allowed', async () => {
			const [hindi] = normalizeInterests(['हिन्दी']);
			expect(hindi).toBe('हिन्दी');
			await expectAllowed(setDoc(aliceEntry(), waitingEntry({ interests: [hindi!] })));
		});

		it(`an interest of exactly ${LIMITS.interestMaxChars} chars → allowed`, async () => {
			const entry = waitingEntry({ interests: ['x'.repeat(LIMITS.interestMaxChars)] });
			await expectAllowed(setDoc(aliceEntry(), entry));
		});

		it(`an interest of ${LIMITS.interestMaxChars} non-ASCII chars (counted as chars, not bytes) → allowed`, async () => {
			const entry = waitingEntry({ interests: ['é'.repeat(LIMITS.interestMaxChars), '楽'.repeat(LIMITS.interestMaxChars)] });
			await expectAllowed(setDoc(aliceEntry(), entry));
		});

		it('a three-letter language code → allowed', async () => {
			await expectAllowed(setDoc(aliceEntry(), waitingEntry({ language: 'deu' })));
		});

		it('signed out → denied', async () => {
			await expectDenied(setDoc(aliceEntry(fx.signedOut()), waitingEntry()));
		});

		it('banned: a banned user joins → denied', async () => {
			await fx.seed(paths.ban(ALICE), banUntil(Date.now() + 3_600_000));
			await expectDenied(setDoc(aliceEntry(), waitingEntry()));
		});

		it('banned: an expired ban → allowed', async () => {
			await fx.seed(paths.ban(ALICE), banUntil(Date.now() - 1000));
			await expectAllowed(setDoc(aliceEntry(), waitingEntry()));
		});

		it("banned: someone else's ban does not stop alice → allowed", async () => {
			await fx.seed(paths.ban(MALLORY), banUntil(Date.now() + 3_600_000));
			await expectAllowed(setDoc(aliceEntry(), waitingEntry()));
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

		it('forged: a whole matched entry (callId, matchedAt, partner, role, commonInterests) → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), matchedEntry()));
		});

		it('forged: a waiting entry naming its own partner and role → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), partner: MALLORY, role: 'offerer' }));
		});

		it('forged: a waiting entry claiming common interests → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), commonInterests: ['music'] }));
		});

		it('forged: a client-chosen joinedAt instead of serverTimestamp → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), joinedAt: Timestamp.fromMillis(0) }));
		});

		it('forged: a client-chosen heartbeatAt instead of serverTimestamp → denied', async () => {
			const future = Timestamp.fromMillis(Date.now() + 3_600_000);
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), heartbeatAt: future }));
		});

		it('forged: joining with a patience of its own (the server works it out) → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), patience: 2 }));
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), patience: 0 }));
		});

		it('wrong type: mode 42 → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), mode: 42 }));
		});

		it("unknown mode 'telepathy' → denied", async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), mode: 'telepathy' }));
		});

		it('missing field: no mode → denied', async () => {
			const { mode: _mode, ...rest } = waitingEntry();
			await expectDenied(setDoc(aliceEntry(), rest));
		});

		it('missing field: no interests → denied', async () => {
			const { interests: _interests, ...rest } = waitingEntry();
			await expectDenied(setDoc(aliceEntry(), rest));
		});

		it('missing field: no heartbeatAt → denied', async () => {
			const { heartbeatAt: _heartbeatAt, ...rest } = waitingEntry();
			await expectDenied(setDoc(aliceEntry(), rest));
		});

		it('unknown extra field → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), nickname: 'alice' }));
		});

		it("wrong type: interests a string ('music') → denied", async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), interests: 'music' }));
		});

		it('wrong type: interests holding a number → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), interests: ['music', 42] }));
		});

		it(`too many: ${LIMITS.interestsPerUser + 1} interests → denied`, async () => {
			const entry = waitingEntry({ interests: interests(LIMITS.interestsPerUser + 1) });
			await expectDenied(setDoc(aliceEntry(), entry));
		});

		it(`oversized: an interest of ${LIMITS.interestMaxChars + 1} chars → denied`, async () => {
			const entry = waitingEntry({ interests: ['x'.repeat(LIMITS.interestMaxChars + 1)] });
			await expectDenied(setDoc(aliceEntry(), entry));
		});

		it(`oversized: an interest of ${LIMITS.interestMaxChars + 1} chars in the last slot → denied`, async () => {
			const tags = [...interests(LIMITS.interestsPerUser - 1), 'x'.repeat(LIMITS.interestMaxChars + 1)];
			await expectDenied(setDoc(aliceEntry(), waitingEntry({ interests: tags })));
		});

		it("upper case: the interest 'Music' → denied", async () => {
			await expectDenied(setDoc(aliceEntry(), waitingEntry({ interests: ['Music'] })));
		});

		it('wrong type: the same interest twice → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), waitingEntry({ interests: ['music', 'music'] })));
		});

		it("punctuation: the interest '#music' → denied", async () => {
			await expectDenied(setDoc(aliceEntry(), waitingEntry({ interests: ['#music'] })));
		});

		it('an empty interest → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), waitingEntry({ interests: ['music', ''] })));
		});

		it("an interest with a trailing space ('music ') → denied", async () => {
			await expectDenied(setDoc(aliceEntry(), waitingEntry({ interests: ['music '] })));
		});

		it("an interest with a leading hyphen ('-music') → denied", async () => {
			await expectDenied(setDoc(aliceEntry(), waitingEntry({ interests: ['-music'] })));
		});

		it("language 'english' → denied", async () => {
			await expectDenied(setDoc(aliceEntry(), waitingEntry({ language: 'english' })));
		});

		it("language 'EN' → denied", async () => {
			await expectDenied(setDoc(aliceEntry(), waitingEntry({ language: 'EN' })));
		});

		it('wrong type: language 42 → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), language: 42 }));
		});

		it('wrong type: joinedAt a string → denied', async () => {
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), joinedAt: 'now' }));
		});
	});

	describe('update: join again', () => {
		it('owner replaces a matched entry with a fresh waiting one ("New chat") → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectAllowed(setDoc(aliceEntry(), waitingEntry()));
		});

		it('owner rejoins while waiting, with another mode and interests → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(waitedEntry()));
			await expectAllowed(setDoc(aliceEntry(), waitingEntry({ mode: 'video', interests: ['chess'] })));
		});

		it('owner joins again after leaving (a left entry) → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(leftEntry()));
			await expectAllowed(setDoc(aliceEntry(), waitingEntry()));
		});

		it(`rate limit: a join within ${SAFETY_LIMITS.lobbyJoinMinIntervalMs} ms of the previous one → denied`, async () => {
			await fx.seed(paths.lobby(ALICE), justNow(matchedEntry()));
			await expectDenied(setDoc(aliceEntry(), waitingEntry()));
		});

		it('rate limit: leave and join again at once → denied', async () => {
			await fx.seed(paths.lobby(ALICE), justNow(leftEntry())); // joined an instant ago, then left
			await expectDenied(setDoc(aliceEntry(), waitingEntry()));
		});

		it('rate limit: a burst of joins right after one lands → all denied', async () => {
			await fx.seed(paths.lobby(ALICE), justNow(waitingEntry())); // the join that landed
			const burst = await Promise.all(
				[1, 2, 3].map(() => setDoc(aliceEntry(), waitingEntry()).then(() => 'allowed', (e: { code?: string }) => e.code ?? 'error'))
			);
			expect(burst).toEqual(['permission-denied', 'permission-denied', 'permission-denied']);
		});

		it('banned: a banned user joins again → denied', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await fx.seed(paths.ban(ALICE), banUntil(Date.now() + 3_600_000));
			await expectDenied(setDoc(aliceEntry(), waitingEntry()));
		});

		it('banned: once the ban is over → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await fx.seed(paths.ban(ALICE), banUntil(Date.now() - 1000));
			await expectAllowed(setDoc(aliceEntry(), waitingEntry()));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectDenied(setDoc(aliceEntry(fx.signedOut()), waitingEntry()));
		});

		it("another user overwrites alice's entry → denied", async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectDenied(setDoc(aliceEntry(fx.as(MALLORY)), waitingEntry()));
		});

		it("forged: owner marks their waiting entry 'matched' with a callId → denied", async () => {
			await fx.seed(paths.lobby(ALICE), earlier(waitingEntry()));
			await expectDenied(setDoc(aliceEntry(), matchedEntry()));
		});

		it('forged: owner adds matchedAt to a waiting entry → denied', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(waitingEntry()));
			await expectDenied(updateDoc(aliceEntry(), { matchedAt: Timestamp.now() }));
		});

		it('forged: owner points a matched entry at another call → denied', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectDenied(updateDoc(aliceEntry(), { callId: 'someone-elses-call' }));
		});

		it('forged: owner names another partner on a matched entry → denied', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectDenied(updateDoc(aliceEntry(), { partner: MALLORY }));
		});

		it('forged: owner rewrites commonInterests on a matched entry → denied', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectDenied(updateDoc(aliceEntry(), { commonInterests: ['music'] }));
		});

		it('forged: owner swaps their role on a matched entry → denied', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry(CALL_ID, BOB, 'answerer')));
			await expectDenied(updateDoc(aliceEntry(), { role: 'offerer' }));
		});

		it('forged: owner keeps their old joinedAt to jump the queue → denied', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(waitingEntry()));
			await expectDenied(updateDoc(aliceEntry(), { mode: 'text' }));
		});

		it('forged: "New chat" keeping the old joinedAt and heartbeatAt → denied', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectDenied(setDoc(aliceEntry(), waitedEntry()));
		});

		it('wrong type: mode 42 → denied', async () => {
			await fx.seed(paths.lobby(ALICE), earlier(waitingEntry()));
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), mode: 42 }));
		});

		it("wrong type: interests a string ('music') → denied", async () => {
			await fx.seed(paths.lobby(ALICE), earlier(matchedEntry()));
			await expectDenied(setDoc(aliceEntry(), { ...waitingEntry(), interests: 'music' }));
		});
	});

	describe('update: heartbeat', () => {
		it('owner beats a full LOBBY_HEARTBEAT_MS after the last beat → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry(LOBBY_HEARTBEAT_MS));
			await expectAllowed(updateDoc(aliceEntry(), { ...heartbeat() }));
		});

		it(`owner beats just after the minimum interval (${LOBBY_HEARTBEAT_MIN_INTERVAL_MS} ms) → allowed`, async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry(LOBBY_HEARTBEAT_MIN_INTERVAL_MS + 1_000));
			await expectAllowed(updateDoc(aliceEntry(), { ...heartbeat() }));
		});

		it('rate limit: a beat right after joining → denied', async () => {
			await fx.seed(paths.lobby(ALICE), justNow(waitingEntry()));
			await expectDenied(updateDoc(aliceEntry(), { ...heartbeat() }));
		});

		it(`rate limit: a beat within the minimum interval (${LOBBY_HEARTBEAT_MIN_INTERVAL_MS} ms) of the last → denied`, async () => {
			// The last beat an instant ago in the server's time, whatever this machine's latency.
			await fx.seed(paths.lobby(ALICE), justNow(waitedEntry()));
			await expectDenied(updateDoc(aliceEntry(), { ...heartbeat() }));
		});

		it('the rules state the same minimum interval as $shared (one number, one source)', () => {
			const rules = readFileSync(new URL('../../firestore.rules', import.meta.url), 'utf8');
			const stated = [...rules.matchAll(/duration\.value\((\d+), 'ms'\); \/\/ LOBBY_HEARTBEAT_MIN_INTERVAL_MS/g)].map((m) => Number(m[1]));
			expect(stated).toEqual([LOBBY_HEARTBEAT_MIN_INTERVAL_MS]);
			expect(LOBBY_HEARTBEAT_MIN_INTERVAL_MS).toBeLessThan(LOBBY_HEARTBEAT_MS);
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			await expectDenied(updateDoc(aliceEntry(fx.signedOut()), { ...heartbeat() }));
		});

		it("another user beats for alice's entry → denied", async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			await expectDenied(updateDoc(aliceEntry(fx.as(MALLORY)), { ...heartbeat() }));
		});

		it('a heartbeat on a matched entry → denied', async () => {
			await fx.seed(paths.lobby(ALICE), matchedEntry());
			await expectDenied(updateDoc(aliceEntry(), { ...heartbeat() }));
		});

		it('forged: a heartbeat writing patience (any value: the server works it out) → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			await expectDenied(updateDoc(aliceEntry(), { ...heartbeat(), patience: 2 }));
			await expectDenied(updateDoc(aliceEntry(), { ...heartbeat(), patience: 0 }));
		});

		it('forged: patience alone, without a heartbeat → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			await expectDenied(updateDoc(aliceEntry(), { patience: 1 }));
		});

		it('forged: a client-chosen heartbeatAt in the future → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			const future = Timestamp.fromMillis(Date.now() + 3_600_000);
			await expectDenied(updateDoc(aliceEntry(), { heartbeatAt: future }));
		});

		it('a heartbeat that also removes a field (interests) → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			await expectDenied(updateDoc(aliceEntry(), { heartbeatAt: serverTimestamp(), interests: deleteField() }));
		});

		it("forged: a heartbeat that also sets status 'matched' and a callId → denied", async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			const beat = { ...heartbeat(), status: 'matched', callId: CALL_ID };
			await expectDenied(updateDoc(aliceEntry(), beat));
		});

		it('forged: a heartbeat that also sets a callId → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			await expectDenied(updateDoc(aliceEntry(), { ...heartbeat(), callId: CALL_ID }));
		});

		it('a heartbeat that also changes the mode → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			await expectDenied(updateDoc(aliceEntry(), { ...heartbeat(), mode: 'video' }));
		});

		it('a heartbeat that also changes the interests → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			const beat = { ...heartbeat(), interests: ['music'] };
			await expectDenied(updateDoc(aliceEntry(), beat));
		});

		it('a heartbeat that also changes the language → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			await expectDenied(updateDoc(aliceEntry(), { ...heartbeat(), language: 'en' }));
		});

		it('forged: a heartbeat that also moves joinedAt → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			const beat = { ...heartbeat(), joinedAt: Timestamp.fromMillis(0) };
			await expectDenied(updateDoc(aliceEntry(), beat));
		});

		it('unknown extra field alongside a heartbeat → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitedEntry());
			await expectDenied(updateDoc(aliceEntry(), { ...heartbeat(), nickname: 'alice' }));
		});
	});

	describe('client normalisation agrees with the rules', () => {
		// Messy input as people type it; whatever normalizeInterests keeps must be accepted.
		const messy: [string, string[]][] = [
			['hashtags, spacing, accents, CJK', ['#Music', ' board  games ', 'Café', '音楽', 'a-b']],
			['over-long, punctuation, numerals', ['x'.repeat(40), 'K-Pop!!', '--rock--', 'Ⅻ', 'ÉCOLE']],
			['case folding', ['Straße', 'ΣΟΦΙΑ', 'İstanbul', 'ﬁlm', 'Ｆｕｌｌｗｉｄｔｈ']],
			['other scripts', ['Русский рок', 'العربية', 'हिन्दी', '한국 영화', 'שחמט']],
			// Astral letters are two UTF-16 units each: the 24-unit cut must not split one.
			['astral letters, commas, emoji', ['𠀀𠀁'.repeat(8), 'music, #games', '🎸 guitar', '１２３']]
		];

		for (const [name, raw] of messy) {
			it(`normalizeInterests(${name}) → join allowed`, async () => {
				const tags = normalizeInterests(raw);
				expect(tags.length).toBeGreaterThan(0);
				expect(tags.every(isInterest)).toBe(true);
				await expectAllowed(setDoc(aliceEntry(), waitingEntry({ interests: tags })));
			});
		}

		it('the exact output for the issue #3 example → join allowed', async () => {
			const tags = normalizeInterests(['#Music', ' board  games ', 'Café', '音楽', 'a-b', 'x'.repeat(40)]);
			expect(tags).toEqual(['music', 'board games', 'café', '音楽', 'a-b']);
			await expectAllowed(setDoc(aliceEntry(), waitingEntry({ interests: tags })));
		});

		it('normalizeLanguage(...) outputs → join allowed', async () => {
			for (const raw of [' EN ', 'deu', 'english', '', null, undefined]) {
				await fx.seed(paths.lobby(ALICE), earlier(leftEntry())); // past the join rate limit
				await expectAllowed(setDoc(aliceEntry(), waitingEntry({ language: normalizeLanguage(raw) })));
			}
		});
	});

	describe('update: leave', () => {
		it('owner leaves while waiting (status left) → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectAllowed(updateDoc(aliceEntry(), { status: 'left' }));
		});

		it('owner leaves after being matched → allowed', async () => {
			await fx.seed(paths.lobby(ALICE), matchedEntry());
			await expectAllowed(updateDoc(aliceEntry(), { status: 'left' }));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(updateDoc(aliceEntry(fx.signedOut()), { status: 'left' }));
		});

		it("another user marks alice's entry left → denied", async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(updateDoc(aliceEntry(fx.as(MALLORY)), { status: 'left' }));
		});

		it("an unknown status ('gone') → denied", async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(updateDoc(aliceEntry(), { status: 'gone' }));
		});

		it('forged: leaving and moving joinedAt back, to dodge the join rate limit → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(updateDoc(aliceEntry(), { status: 'left', joinedAt: Timestamp.fromMillis(0) }));
		});
	});

	describe('delete', () => {
		// Leaving marks the entry left; a delete would erase the time of the last join,
		// which the join rate limit needs.
		it('owner deletes their waiting entry → denied', async () => {
			await fx.seed(paths.lobby(ALICE), waitingEntry());
			await expectDenied(deleteDoc(aliceEntry()));
		});

		it('owner deletes their matched entry → denied', async () => {
			await fx.seed(paths.lobby(ALICE), matchedEntry());
			await expectDenied(deleteDoc(aliceEntry()));
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
