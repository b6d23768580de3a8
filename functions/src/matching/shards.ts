// Which pool shard a lobby entry belongs to. Pure code.
//
// A pool is one mode and one language: only people in the same pool may meet. A busy pool
// is split into shards by ranges of the uid (Firebase uids are random base-62 strings), so
// a shard's entries are one range query on the document id away, nothing extra is written
// on the entry, and the shard count can change without touching any entry: shard s of k
// covers the uids whose first character falls in the s-th k-th of the alphabet.
import type { ChatMode } from '../shared/model';

/** Firestore orders document ids by code point: digits, then upper, then lower case. */
const UID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Most shards a pool is split into (a power of two; see README "Matching"). */
export const MAX_SHARDS = 16;
/** A shard run that finds more live waiting entries than this asks for twice the shards. */
export const SHARD_SPLIT_ABOVE = 150;
/** A run of a split pool that finds fewer than this asks for half the shards. */
export const SHARD_MERGE_BELOW = 20;

export interface ShardRef {
	mode: ChatMode;
	language: string | null;
	/** This shard's number, 0 ≤ shard < shards. */
	shard: number;
	shards: number;
}

export function poolKey(mode: ChatMode, language: string | null): string {
	return `${mode}~${language ?? 'any'}`;
}

export function shardId(ref: ShardRef): string {
	return `${poolKey(ref.mode, ref.language)}~${ref.shard}of${ref.shards}`;
}

/** The shard holding `uid` when the pool has `shards` shards. */
export function shardOf(uid: string, shards: number): number {
	const index = Math.max(0, UID_ALPHABET.indexOf(uid.charAt(0)));
	for (let s = shards - 1; s > 0; s--) if (index >= boundary(s, shards)) return s;
	return 0;
}

function boundary(shard: number, shards: number): number {
	return Math.floor((UID_ALPHABET.length * shard) / shards);
}

/** The document-id range of a shard: ids ≥ from and < to (null: unbounded on that side). */
export function uidRange(shard: number, shards: number): { from: string | null; to: string | null } {
	if (shards <= 1) return { from: null, to: null };
	return {
		from: shard === 0 ? null : UID_ALPHABET.charAt(boundary(shard, shards)),
		to: shard === shards - 1 ? null : UID_ALPHABET.charAt(boundary(shard + 1, shards))
	};
}

/** The shard count a run asks for, from how many live waiting entries its shard held. */
export function nextShardCount(current: number, liveInShard: number): number {
	if (liveInShard > SHARD_SPLIT_ABOVE && current < MAX_SHARDS) return current * 2;
	if (liveInShard < SHARD_MERGE_BELOW && current > 1) return current / 2;
	return current;
}
