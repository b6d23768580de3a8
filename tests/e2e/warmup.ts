// Playwright global setup: wake every function once before the first browser opens. On a
// fresh emulator each function's first run starts a Node worker, and on a 2-core machine a
// burst of those (four browsers opening the start page at once) stalled trigger delivery
// for longer than a connect timeout. Production has its own cold starts; this keeps the
// browser suites measuring the app, not the emulator's warm-up.
import { Timestamp } from 'firebase-admin/firestore';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { adminDb, clearFirestore, waitFor } from '../support/admin';
import { createUser, disposeUsers } from '../support/clients';
import { emulatorHosts, hostAndPort } from '../support/emulators';

/** How often the unmatched pair rejoins: about the app's heartbeat (a value import of $shared fails in Playwright's global setup, a CommonJS module there). */
const REJOIN_EVERY_MS = 10_000;

/** A waiting entry as the app writes it (the matchmaker's trigger runs on each write). */
function waiting() {
	const now = Timestamp.now();
	return { status: 'waiting', mode: 'text', interests: [], language: null, patience: 0, joinedAt: now, heartbeatAt: now };
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
			httpsCallable(functions, 'iceServers')(),
			// Refused (no such call), but its worker is up for the report tests.
			httpsCallable(functions, 'reportPartner')({ callId: 'warmup', reason: 'other' }).catch(() => null),
			// Two waiting entries as the app writes them (the matchmaker's trigger runs on each).
			...[a, b].map((u) => adminDb().doc(`lobby/${u.uid}`).set(waiting()))
		]);
		// Entries the app writes are kept fresh by its heartbeat; on a loaded machine the
		// first trigger can arrive after they went stale (and were marked left), so the pair
		// rejoins as the app would, until matched.
		let joinedAt = Date.now();
		await waitFor(
			'the warm-up pair to be matched',
			async () => {
				if ((await adminDb().doc(`lobby/${a.uid}`).get()).get('status') === 'matched') return true;
				if (Date.now() - joinedAt > REJOIN_EVERY_MS) {
					joinedAt = Date.now();
					await Promise.all([a, b].map((u) => adminDb().doc(`lobby/${u.uid}`).set(waiting())));
				}
				return undefined;
			},
			120_000
		);
		await clearFirestore();
	} finally {
		await disposeUsers([a, b]);
	}
	console.log(`[e2e] functions warmed up in ${Date.now() - started} ms`);
}
