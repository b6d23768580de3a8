import { describe, expect, it } from 'vitest';
import { OnlineCountMemo } from './onlineCache';
import type { OnlineCount } from './online';

const count = (countedAtMs: number): OnlineCount => ({ online: 1, waiting: 1, inCalls: 0, countedAtMs });

describe('OnlineCountMemo', () => {
	it('looks up once per memo period, however many requests come, and shares a lookup in flight', async () => {
		const memo = new OnlineCountMemo(5_000);
		let lookups = 0;
		const lookUp = async () => count(++lookups);
		const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => memo.get(1_000 + i * 10, lookUp)));
		expect(lookups).toBe(1);
		expect(new Set(answers.map((a) => a.countedAtMs))).toEqual(new Set([1]));
		await memo.get(6_000, lookUp);
		expect(lookups).toBe(2);
	});

	it('does not remember a failed lookup', async () => {
		const memo = new OnlineCountMemo(5_000);
		await expect(memo.get(0, () => Promise.reject(new Error('unavailable')))).rejects.toThrow('unavailable');
		await expect(memo.get(1, async () => count(7))).resolves.toMatchObject({ countedAtMs: 7 });
	});
});
