import { describe, expect, it } from 'vitest';
import {
	candidateOrder,
	chooseOfferer,
	commonInterests,
	LOBBY_STALE_AFTER_MS,
	matchKind,
	type LobbyPerson,
	type MatchContext
} from './policy';

const NOW = 1_000_000;
const person = (uid: string, over: Partial<LobbyPerson> = {}): LobbyPerson => ({
	uid,
	mode: 'text',
	language: null,
	interests: [],
	patience: 0,
	status: 'waiting',
	joinedAtMs: NOW - 1_000,
	heartbeatAtMs: NOW - 1_000,
	...over
});
const ctx = (over: Partial<MatchContext> = {}): MatchContext => ({ nowMs: NOW, recentPartners: new Set(), blocked: new Set(), ...over });

describe('matching policy: who may meet', () => {
	it('matches two different waiting people in the same mode', () => {
		expect(matchKind(person('a'), person('b'), ctx())).toBe('random');
	});

	it('never matches someone with themselves or with someone already matched', () => {
		expect(matchKind(person('a'), person('a'), ctx())).toBeNull();
		expect(matchKind(person('a'), person('b', { status: 'matched' }), ctx())).toBeNull();
		expect(matchKind(person('a', { status: 'matched' }), person('b'), ctx())).toBeNull();
	});

	it('keeps modes and languages apart', () => {
		expect(matchKind(person('a', { mode: 'video' }), person('b', { mode: 'audio' }), ctx())).toBeNull();
		expect(matchKind(person('a', { mode: 'video' }), person('b', { mode: 'video' }), ctx())).toBe('random');
		expect(matchKind(person('a', { language: 'de' }), person('b', { language: 'en' }), ctx())).toBeNull();
		expect(matchKind(person('a', { language: 'de' }), person('b'), ctx())).toBeNull();
		expect(matchKind(person('a', { language: 'de' }), person('b', { language: 'de' }), ctx())).toBe('random');
	});

	it('ignores people whose page stopped sending heartbeats', () => {
		const gone = person('b', { heartbeatAtMs: NOW - LOBBY_STALE_AFTER_MS - 1 });
		expect(matchKind(person('a'), gone, ctx())).toBeNull();
		expect(matchKind(gone, person('a'), ctx())).toBeNull();
		expect(matchKind(person('a'), person('b', { heartbeatAtMs: NOW - LOBBY_STALE_AFTER_MS }), ctx())).toBe('random');
	});

	it('prefers a shared interest, and makes people with interests wait a little for one', () => {
		const music = person('a', { interests: ['music', 'chess'] });
		expect(matchKind(music, person('b', { interests: ['chess'] }), ctx())).toBe('shared-interests');
		expect(commonInterests(music, person('b', { interests: ['chess', 'go'] }))).toEqual(['chess']);
		// No shared interest: not until both accept strangers.
		expect(matchKind(music, person('b'), ctx())).toBeNull();
		expect(matchKind(person('b'), music, ctx())).toBeNull();
		expect(matchKind({ ...music, patience: 1 }, person('b'), ctx())).toBe('random');
		expect(matchKind({ ...music, patience: 1 }, person('c', { interests: ['cats'] }), ctx())).toBeNull();
		expect(matchKind({ ...music, patience: 1 }, person('c', { interests: ['cats'], patience: 1 }), ctx())).toBe('random');
	});

	it('does not rematch someone just met, until both have waited long enough', () => {
		const recent = ctx({ recentPartners: new Set(['b']) });
		expect(matchKind(person('a'), person('b'), recent)).toBeNull();
		expect(matchKind(person('a', { patience: 2 }), person('b', { patience: 1 }), recent)).toBeNull();
		expect(matchKind(person('a', { patience: 2 }), person('b', { patience: 2 }), recent)).toBe('random');
		expect(matchKind(person('a'), person('c'), recent)).toBe('random');
	});

	it('never matches a blocked pair, however long both have waited or however much they share', () => {
		const blocked = ctx({ blocked: new Set(['b']), recentPartners: new Set(['b']) });
		expect(matchKind(person('a', { patience: 2 }), person('b', { patience: 2 }), blocked)).toBeNull();
		const fans = { interests: ['music'], patience: 2 };
		expect(matchKind(person('a', fans), person('b', fans), blocked)).toBeNull();
		expect(matchKind(person('a'), person('c'), blocked)).toBe('random');
		expect(candidateOrder(person('a', { patience: 2 }), [person('b', { patience: 2 })], blocked)).toEqual([]);
	});
});

describe('matching policy: order of tries', () => {
	let seed = 7;
	const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;

	it('tries shared-interest candidates before everyone else', () => {
		const seeker = person('s', { interests: ['music'], patience: 1 });
		const window = [person('x'), person('m1', { interests: ['music'] }), person('y'), person('m2', { interests: ['music'] })];
		for (let i = 0; i < 20; i++) {
			const order = candidateOrder(seeker, window, ctx(), random).map((p) => p.uid);
			expect(new Set(order.slice(0, 2))).toEqual(new Set(['m1', 'm2']));
			expect(new Set(order.slice(2))).toEqual(new Set(['x', 'y']));
		}
	});

	it('offers every eligible candidate once, even when two queries return it, in a spread-out order', () => {
		const window = ['a', 'b', 'c', 'd', 'e', 'f'].map((uid) => person(uid));
		const firsts = new Set<string>();
		for (let i = 0; i < 50; i++) {
			const order = candidateOrder(person('c'), [...window, ...window], ctx(), random).map((p) => p.uid);
			expect([...order].sort()).toEqual(['a', 'b', 'd', 'e', 'f']);
			firsts.add(order[0]!);
		}
		// Concurrent seekers must not all start with the same (oldest) candidate.
		expect(firsts.size).toBeGreaterThan(3);
	});

	it('lets whoever waited longer make the offer, with a stable tie-break', () => {
		expect(chooseOfferer(person('a', { joinedAtMs: 5 }), person('b', { joinedAtMs: 3 }))).toBe('b');
		expect(chooseOfferer(person('z'), person('y'))).toBe('y');
		expect(chooseOfferer(person('y'), person('z'))).toBe('y');
	});
});
