import { describe, expect, it } from 'vitest';
import { candidateOrder, canMatch, chooseOfferer, type LobbyPerson } from './policy';

const person = (uid: string, over: Partial<LobbyPerson> = {}): LobbyPerson => ({
	uid,
	mode: 'text',
	status: 'waiting',
	joinedAtMs: 1_000,
	...over
});

describe('matching policy', () => {
	it('matches two different waiting people in the same mode', () => {
		expect(canMatch(person('a'), person('b'))).toBe(true);
	});

	it('never matches someone with themselves or with someone already matched', () => {
		expect(canMatch(person('a'), person('a'))).toBe(false);
		expect(canMatch(person('a'), person('b', { status: 'matched' }))).toBe(false);
		expect(canMatch(person('a', { status: 'matched' }), person('b'))).toBe(false);
	});

	it('offers every eligible candidate of the window exactly once, in a spread-out order', () => {
		const window = ['a', 'b', 'c', 'd', 'e', 'f'].map((uid) => person(uid));
		const seeker = person('c');
		const orders = new Set<string>();
		let seed = 7;
		const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
		for (let i = 0; i < 50; i++) {
			const order = candidateOrder(seeker, window, random).map((p) => p.uid);
			expect([...order].sort()).toEqual(['a', 'b', 'd', 'e', 'f']);
			orders.add(order[0]!);
		}
		// Concurrent seekers must not all start with the same (oldest) candidate.
		expect(orders.size).toBeGreaterThan(3);
	});

	it('leaves out the matched and the seeker', () => {
		const window = [person('s'), person('m', { status: 'matched' }), person('w')];
		expect(candidateOrder(person('s'), window).map((p) => p.uid)).toEqual(['w']);
	});

	it('lets whoever waited longer make the offer, with a stable tie-break', () => {
		expect(chooseOfferer(person('a', { joinedAtMs: 5 }), person('b', { joinedAtMs: 3 }))).toBe('b');
		expect(chooseOfferer(person('z'), person('y'))).toBe('y');
		expect(chooseOfferer(person('y'), person('z'))).toBe('y');
	});
});
