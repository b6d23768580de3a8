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
