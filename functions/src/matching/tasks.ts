// Shard runs at a later moment, through a Cloud Tasks queue (the `matchShardTask`
// function). Production honours `scheduleTime`; the Firebase emulator dispatches at once,
// so the handler waits out what is left of the delay itself (see waitUntilDue).
import { getFunctions } from 'firebase-admin/functions';
import { adminApp } from '../firestore';
import { CHAT_MODES, type ChatMode } from '../shared/model';
import { codeOf } from '../shared/errors';
import { shardId, type ShardRef } from './shards';
import type { Scheduler } from './matchmaker';

export const MATCH_TASK_FUNCTION = 'matchShardTask';
/** The emulator gives a task 10 s; a handler waits at most this long, then re-queues. */
const MAX_WAIT_IN_HANDLER_MS = 7_000;

export interface ShardTaskPayload {
	mode: ChatMode;
	language: string | null;
	shard: number;
	shards: number;
	dueAtMs: number;
}

export function parseShardTask(data: unknown): ShardTaskPayload {
	if (typeof data !== 'object' || data === null) throw new Error('shard task: payload is not an object');
	const field = (key: string): unknown => Reflect.get(data, key);
	const [mode, language, shard, shards, dueAtMs] = ['mode', 'language', 'shard', 'shards', 'dueAtMs'].map(field);
	const whole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
	if (language !== null && (typeof language !== 'string' || !/^[a-z]{2,3}$/.test(language))) throw new Error('shard task: bad language');
	if (!whole(shard) || !whole(shards) || shards < 1 || shard >= shards || !whole(dueAtMs)) throw new Error('shard task: bad numbers');
	const chatMode = CHAT_MODES.find((m) => m === mode);
	if (!chatMode) throw new Error('shard task: bad mode');
	return { mode: chatMode, language: language ?? null, shard, shards, dueAtMs };
}

/** One task per shard and second: many joins asking for the same widening share it. */
function taskId(ref: ShardRef, atMs: number): string {
	return `${shardId(ref)}-${Math.ceil(atMs / 1_000)}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

async function enqueue(ref: ShardRef, atMs: number, deduplicate: boolean): Promise<void> {
	const dueAtMs = Math.ceil(atMs / 1_000) * 1_000;
	const payload: ShardTaskPayload = { mode: ref.mode, language: ref.language, shard: ref.shard, shards: ref.shards, dueAtMs };
	try {
		await getFunctions(adminApp())
			.taskQueue(MATCH_TASK_FUNCTION)
			.enqueue(payload, { scheduleTime: new Date(dueAtMs), ...(deduplicate ? { id: taskId(ref, dueAtMs) } : {}) });
	} catch (error) {
		if (codeOf(error) === 'functions/task-already-exists') return;
		throw error;
	}
}

export const cloudTasksScheduler: Scheduler = {
	runAt: (ref, atMs) => enqueue(ref, atMs, true)
};

/**
 * Production delivers a task at its scheduleTime and this returns at once. The emulator
 * delivers it straight away: wait here, up to what its dispatch deadline allows. Returns
 * false when the task is still early and was queued again.
 */
export async function waitUntilDue(task: ShardTaskPayload): Promise<boolean> {
	const early = task.dueAtMs - Date.now();
	if (early <= 0) return true;
	await new Promise((r) => setTimeout(r, Math.min(early, MAX_WAIT_IN_HANDLER_MS)));
	if (task.dueAtMs <= Date.now()) return true;
	// Not deduplicated: this very task still holds the id until it returns.
	await enqueue(task, task.dueAtMs, false);
	return false;
}
