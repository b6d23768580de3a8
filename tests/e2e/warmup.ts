// Playwright global setup: wake every function once before the first browser opens. On a
// fresh emulator each function's first run starts a Node worker, and on a 2-core machine a
// burst of those (four browsers opening the start page at once) stalled trigger delivery
// for longer than a connect timeout. Production has its own cold starts; this keeps the
// browser suites measuring the app, not the emulator's warm-up.
import { FieldValue } from 'firebase-admin/firestore';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { adminDb, clearFirestore, waitFor } from '../support/admin';
import { createUser, disposeUsers } from '../support/clients';
import { emulatorHosts, hostAndPort } from '../support/emulators';

/** A fresh join, stamped by the server (the Admin SDK's first write can land seconds late). */
function joinAsPage(uid: string): Promise<unknown> {
	const now = FieldValue.serverTimestamp();
	return adminDb()
		.doc(`lobby/${uid}`)
		.set({ status: 'waiting', mode: 'text', interests: [], language: null, patience: 0, joinedAt: now, heartbeatAt: now });
}

/** A heartbeat while waiting; a join again if the matcher took the entry out of line. */
async function keepWaiting(uid: string): Promise<void> {
	const status: unknown = (await adminDb().doc(`lobby/${uid}`).get()).get('status');
	if (status === 'waiting') await adminDb().doc(`lobby/${uid}`).update({ heartbeatAt: FieldValue.serverTimestamp() });
	else if (status === 'left') await joinAsPage(uid);
}

export default async function warmUp(): Promise<void> {
	if (!emulatorHosts.firestore) return; // the suites skip, and say why
	const started = Date.now();
	const [a, b] = await Promise.all([createUser('warm-a'), createUser('warm-b')]);
	try {
		const { host, port } = hostAndPort(emulatorHosts.functions ?? '127.0.0.1:5001');
		const functions = getFunctions(a.app, 'us-central1');
		connectFunctionsEmulator(functions, host, port);
		await Promise.all([
			fetch('http://127.0.0.1:5050/api/online').then((r) => r.text()),
			// Refused too when it runs before the entries below land (credentials are for
			// people in the lobby or a call); either way its worker is up.
			httpsCallable(functions, 'iceServers')().catch(() => null),
			// Refused (no such call), but its worker is up for the report tests.
			httpsCallable(functions, 'reportPartner')({ callId: 'warmup', reason: 'other' }).catch(() => null),
			// Refused (no such call), but up before a test's Undo, which has seconds to land.
			httpsCallable(functions, 'undoNext')({ callId: 'warmup' }).catch(() => null),
			// Two waiting entries as the app writes them (the matchmaker's trigger runs on each).
			...[a, b].map((u) => joinAsPage(u.uid))
		]);
		// Beat like a page until matched: a cold matchmaker worker on a busy machine can start
		// after the 25 s in which an entry without heartbeats counts as a departed tab.
		const beating = setInterval(() => {
			// A failed beat is retried by the next; the wait below is what decides.
			for (const u of [a, b]) keepWaiting(u.uid).catch(() => undefined);
		}, 5_000);
		try {
			await waitFor('the warm-up pair to be matched', async () =>
				(await adminDb().doc(`lobby/${a.uid}`).get()).get('status') === 'matched' ? true : undefined,
				120_000
			);
		} finally {
			clearInterval(beating);
		}
		await clearFirestore();
	} finally {
		await disposeUsers([a, b]);
	}
	console.log(`[e2e] functions warmed up in ${Date.now() - started} ms`);
}
