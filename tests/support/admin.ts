// Server-side view of the emulated Firestore, for asserting what landed.
import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { getStorage } from 'firebase-admin/storage';
import { PROJECT_ID } from './emulators';

function adminApp() {
	return getApps()[0] ?? initializeApp({ projectId: PROJECT_ID });
}

export function adminDb(): Firestore {
	return getFirestore(adminApp());
}

/** The emulated default bucket the app uploads to (needs FIREBASE_STORAGE_EMULATOR_HOST). */
export function adminBucket() {
	return getStorage(adminApp()).bucket(`${PROJECT_ID}.appspot.com`);
}

/** Deletes every document in the emulator's database (the emulator's REST reset). */
export async function clearFirestore(): Promise<void> {
	const host = process.env.FIRESTORE_EMULATOR_HOST;
	if (!host) throw new Error('FIRESTORE_EMULATOR_HOST is not set');
	const res = await fetch(`http://${host}/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`, {
		method: 'DELETE'
	});
	if (!res.ok) throw new Error(`Could not clear Firestore: HTTP ${res.status}`);
}

export async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined>,
	timeoutMs = 20_000,
	intervalMs = 100
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

/**
 * As if the user had joined `waitedMs` ago, with a fresh heartbeat: the server works out
 * patience from joinedAt, so this makes them patient. A new joinedAt is a join to the
 * matchmaker's trigger, so it also runs the matcher for their shard.
 */
export async function backdateJoin(uid: string, waitedMs: number): Promise<void> {
	const { Timestamp } = await import('firebase-admin/firestore');
	await adminDb().doc(`lobby/${uid}`).update({ joinedAt: Timestamp.fromMillis(Date.now() - waitedMs), heartbeatAt: Timestamp.now() });
}

/** How many runs the matcher has made of a pool's shard so far (its lease document counts them). */
export async function shardRuns(shard = 'text~any~0of1'): Promise<number> {
	const runs: unknown = (await adminDb().doc(`matchShards/${shard}`).get()).get('runs');
	return typeof runs === 'number' ? runs : 0;
}

/**
 * Resolves once the shard has finished more runs than `runsBefore` and nobody holds its
 * lease: the matcher has looked at everyone who joined after `runsBefore` was read. Tests
 * that show someone was *not* matched wait for this instead of sleeping a while (read
 * `runsBefore` while the shard is idle, before the join, and nothing else may be joining).
 */
export async function shardSettled(runsBefore: number, shard = 'text~any~0of1'): Promise<void> {
	await waitFor(`the matcher to run shard ${shard} after run ${runsBefore}`, async () => {
		const lease = await adminDb().doc(`matchShards/${shard}`).get();
		const runs: unknown = lease.get('runs');
		const leaseUntilMs: unknown = lease.get('leaseUntilMs');
		const held = typeof leaseUntilMs === 'number' && leaseUntilMs > Date.now();
		return typeof runs === 'number' && runs > runsBefore && !held ? true : undefined;
	});
}
