import { describe, expect, it } from 'vitest';
import { PATIENCE_AFTER_MS } from '../shared/model';
import {
	chooseOfferer,
	commonInterests,
	LOBBY_STALE_AFTER_MS,
	matchKind,
	nextWideningAt,
	NO_HISTORY,
	planPairs,
	type History,
	type LobbyPerson,
	type MatchContext
} from './policy';

const NOW = 1_000_000;
/** Someone who joined `waitedMs` ago and whose page is alive. */
const person = (uid: string, over: Partial<LobbyPerson> = {}, waitedMs = 1_000): LobbyPerson => ({
	uid,
	mode: 'text',
	language: null,
	interests: [],
	status: 'waiting',
	joinedAtMs: NOW - waitedMs,
	heartbeatAtMs: NOW - 500,
	...over
});
const patient = (uid: string, over: Partial<LobbyPerson> = {}) => person(uid, over, PATIENCE_AFTER_MS.acceptsStrangers);
const veryPatient = (uid: string, over: Partial<LobbyPerson> = {}) => person(uid, over, PATIENCE_AFTER_MS.acceptsRecentPartners);
const ctx = (over: Partial<MatchContext> = {}): MatchContext => ({ nowMs: NOW, recentPartners: new Set(), blocked: new Set(), ...over });
const noHistory = () => NO_HISTORY;
const pairsOf = (people: LobbyPerson[], historyOf: (uid: string) => History = noHistory) =>
	planPairs(people, historyOf, NOW).map((p) => [p.a.uid, p.b.uid].sort().join('+')).sort();

describe('matching policy: who may meet', () => {
	it('matches two different waiting people in the same mode', () => {
		expect(matchKind(person('a'), person('b'), ctx())).toBe('random');
	});

	it('never matches someone with themselves or with someone already matched', () => {
		expect(matchKind(person('a'), person('a'), ctx())).toBeNull();
		expect(matchKind(person('a'), person('b', { status: 'matched' }), ctx())).toBeNull();
		expect(matchKind(person('a'), person('b', { status: 'left' }), ctx())).toBeNull();
	});

	it('keeps modes and languages apart', () => {
		expect(matchKind(person('a'), person('b', { mode: 'video' }), ctx())).toBeNull();
		expect(matchKind(person('a', { language: 'de' }), person('b', { language: 'en' }), ctx())).toBeNull();
		expect(matchKind(person('a', { language: 'de' }), person('b'), ctx())).toBeNull();
		expect(matchKind(person('a', { language: 'de' }), person('b', { language: 'de' }), ctx())).toBe('random');
	});

	it('ignores people whose page stopped sending heartbeats', () => {
		const silent = person('b', { heartbeatAtMs: NOW - LOBBY_STALE_AFTER_MS - 1 });
		expect(matchKind(person('a'), silent, ctx())).toBeNull();
		expect(matchKind(silent, person('a'), ctx())).toBeNull();
	});

	it('prefers a shared interest, and makes people with interests wait a little for one (patience from joinedAt)', () => {
		const music = { interests: ['music', 'chess'] };
		expect(matchKind(person('a', music), person('b', { interests: ['music'] }), ctx())).toBe('shared-interests');
		expect(matchKind(person('a', music), person('b'), ctx())).toBeNull();
		expect(matchKind(patient('a', music), person('b'), ctx())).toBe('random');
		expect(matchKind(patient('a', music), person('c', { interests: ['cats'] }), ctx())).toBeNull();
		expect(matchKind(patient('a', music), patient('c', { interests: ['cats'] }), ctx())).toBe('random');
		// One millisecond short of the wait is still fresh.
		const almost = person('a', music, PATIENCE_AFTER_MS.acceptsStrangers - 1);
		expect(matchKind(almost, person('b'), ctx())).toBeNull();
	});

	it('does not rematch someone just met, until both have waited long enough', () => {
		const recent = ctx({ recentPartners: new Set(['b']) });
		expect(matchKind(person('a'), person('b'), recent)).toBeNull();
		expect(matchKind(veryPatient('a'), patient('b'), recent)).toBeNull();
		expect(matchKind(veryPatient('a'), veryPatient('b'), recent)).toBe('random');
	});

	it('never matches a blocked pair, however long both have waited or however much they share', () => {
		const blocked = ctx({ blocked: new Set(['b']) });
		expect(matchKind(veryPatient('a'), veryPatient('b'), blocked)).toBeNull();
		const fans = { interests: ['music'] };
		expect(matchKind(veryPatient('a', fans), veryPatient('b', fans), blocked)).toBeNull();
		expect(commonInterests(person('a', fans), person('b', fans))).toEqual(['music']);
	});
});

describe('batch pairing of one shard', () => {
	it('pairs everyone it can, each person at most once', () => {
		const people = ['a', 'b', 'c', 'd', 'e'].map((uid, i) => person(uid, {}, 3_000 - i));
		const pairs = planPairs(people, noHistory, NOW);
		expect(pairs).toHaveLength(2);
		const uids = pairs.flatMap((p) => [p.a.uid, p.b.uid]);
		expect(new Set(uids).size).toBe(4);
		// Oldest first: the newest one is the one left over.
		expect(uids).not.toContain('e');
	});

	it('pairs shared interests first, even when a stranger waited longer', () => {
		const people = [
			patient('stranger'),
			patient('m1', { interests: ['music'] }),
			person('x', {}, 900),
			person('m2', { interests: ['chess', 'music'] }, 800)
		];
		expect(pairsOf(people)).toEqual(['m1+m2', 'stranger+x']);
		expect(planPairs(people, noHistory, NOW)[0]).toMatchObject({ kind: 'shared-interests', commonInterests: ['music'] });
	});

	it('picks the candidate sharing the most interests', () => {
		const people = [
			person('seeker', { interests: ['music', 'chess'] }, 900),
			person('one', { interests: ['music'] }, 800),
			person('two', { interests: ['chess', 'music'] }, 700)
		];
		expect(pairsOf(people)).toEqual(['seeker+two']);
	});

	it('falls back to strangers only for those who accept them', () => {
		const people = [person('fresh-fan', { interests: ['cats'] }), person('x'), person('y')];
		expect(pairsOf(people)).toEqual(['x+y']);
		const waited = [patient('patient-fan', { interests: ['cats'] }), person('x')];
		expect(planPairs(waited, noHistory, NOW)[0]).toMatchObject({ kind: 'random', commonInterests: [] });
	});

	it('is never hidden behind people who cannot match: departed and unmatchable ones at the head of the line', () => {
		const departed = Array.from({ length: 25 }, (_, i) =>
			person(`gone${i}`, { heartbeatAtMs: NOW - LOBBY_STALE_AFTER_MS - 1_000 }, 60_000 - i)
		);
		const throwaways = Array.from({ length: 20 }, (_, i) => person(`odd${i}`, { interests: [`unique${i}`] }, 4_000 - i));
		const live = [person('late1', {}, 500), person('late2', {}, 400)];
		expect(pairsOf([...departed, ...throwaways, ...live])).toEqual(['late1+late2']);
	});

	it('respects blocks and recent partners recorded on either side', () => {
		const history = (pairs: Record<string, Partial<History>>) => (uid: string) => ({ ...NO_HISTORY, ...pairs[uid] });
		const people = [person('a'), person('b')];
		expect(pairsOf(people, history({ b: { blocked: new Set(['a']) } }))).toEqual([]);
		expect(pairsOf(people, history({ a: { recentPartners: new Set(['b']) } }))).toEqual([]);
		const longWait = [veryPatient('a'), veryPatient('b')];
		expect(pairsOf(longWait, history({ b: { recentPartners: new Set(['a']) } }))).toEqual(['a+b']);
		expect(pairsOf(longWait, history({ b: { blocked: new Set(['a']) } }))).toEqual([]);
		// A third person makes the recent pair unnecessary.
		expect(pairsOf([...people, person('c')], history({ a: { recentPartners: new Set(['b']) }, b: { recentPartners: new Set(['a']) } }))).toEqual(['a+c']);
	});

	it('knows when waiting will next widen a search, and when it will not', () => {
		expect(nextWideningAt([person('alone')], NOW)).toBeNull();
		const fan = person('fan', { interests: ['cats'] }, 1_000);
		const other = person('other', {}, 2_000);
		expect(nextWideningAt([fan, other], NOW)).toBe(NOW - 1_000 + PATIENCE_AFTER_MS.acceptsStrangers);
		// Without interests only the rematch moment can change anything.
		expect(nextWideningAt([person('x', {}, 1_000), person('y', {}, 2_000)], NOW)).toBe(NOW - 2_000 + PATIENCE_AFTER_MS.acceptsRecentPartners);
		expect(nextWideningAt([veryPatient('x'), veryPatient('y')], NOW)).toBeNull();
	});

	it('lets whoever waited longer make the offer, with a stable tie-break', () => {
		expect(chooseOfferer(person('a', { joinedAtMs: 5 }), person('b', { joinedAtMs: 3 }))).toBe('b');
		expect(chooseOfferer(person('z'), person('y'))).toBe('y');
		expect(chooseOfferer(person('y'), person('z'))).toBe('y');
	});
});
