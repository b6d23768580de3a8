import { describe, expect, it } from 'vitest';
import { MAX_SHARDS, nextShardCount, SHARD_MERGE_BELOW, SHARD_SPLIT_ABOVE, shardId, shardOf, uidRange } from './shards';

const inRange = (uid: string, r: { from: string | null; to: string | null }) =>
	(r.from === null || uid >= r.from) && (r.to === null || uid < r.to);

describe('pool shards', () => {
	it('puts every uid in exactly one shard, the one whose id range holds it', () => {
		const uids = ['0abc', '9zz', 'Aq', 'Mx', 'Zz', 'a1', 'k9', 'zZZ', 'Pq7', 'f0'];
		for (const shards of [1, 2, 4, 8, 16]) {
			for (const uid of uids) {
				const holders = Array.from({ length: shards }, (_, s) => s).filter((s) => inRange(uid, uidRange(s, shards)));
				expect(holders).toEqual([shardOf(uid, shards)]);
			}
		}
	});

	it('splits a busy shard and merges a quiet pool, within bounds', () => {
		expect(nextShardCount(1, SHARD_SPLIT_ABOVE + 1)).toBe(2);
		expect(nextShardCount(MAX_SHARDS, 10_000)).toBe(MAX_SHARDS);
		expect(nextShardCount(4, SHARD_MERGE_BELOW - 1)).toBe(2);
		expect(nextShardCount(1, 0)).toBe(1);
		expect(nextShardCount(2, 50)).toBe(2);
	});

	it('names shards by pool and count', () => {
		expect(shardId({ mode: 'text', language: null, shard: 1, shards: 4 })).toBe('text~any~1of4');
		expect(shardId({ mode: 'video', language: 'de', shard: 0, shards: 1 })).toBe('video~de~0of1');
	});
});
