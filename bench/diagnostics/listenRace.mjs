#!/usr/bin/env node
// Diagnostic, not part of the bench: on the Firestore emulator, a listener that starts
// while another client writes the document can miss that write for good. Found through
// the codelab baseline's failed setups (its callee never saw the offer; once its caller
// never saw the answer). Tangent re-reads from the server where a missed snapshot would
// strand a user (session.svelte.ts: the signals nudge, and the lobby entry after a refused
// heartbeat).
//
//   node bench/diagnostics/listenRace.mjs [tries=500] [spreadMs=100] [create|update]
//
// Each try: client A starts listening to a document while client B writes it at a random
// moment within spreadMs; a try counts as missed when A has not seen the write 3 s later.
import { initializeApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, signInAnonymously } from 'firebase/auth';
import { connectFirestoreEmulator, doc, getFirestore, onSnapshot, setDoc } from 'firebase/firestore';
import { loadRules, rulesWithBaselines, startEmulatorsWhenFree, stopEmulators } from '../lib/emulators.mjs';

process.env.METADATA_SERVER_DETECTION = 'none';
const tries = Number(process.argv[2] ?? 500);
const spreadMs = Number(process.argv[3] ?? 100);
const mode = process.argv[4] ?? 'create';
const SEEN_WITHIN_MS = 3_000;

async function client(name) {
	const app = initializeApp({ projectId: 'demo-tangent', apiKey: 'demo-api-key' }, name);
	const auth = getAuth(app);
	connectAuthEmulator(auth, 'http://127.0.0.1:9099', { disableWarnings: true });
	const db = getFirestore(app);
	connectFirestoreEmulator(db, '127.0.0.1', 8080);
	await signInAnonymously(auth);
	return db;
}

const emulators = await startEmulatorsWhenFree({ logFile: '/dev/null', opsFile: '/dev/null' });
try {
	// The codelab's `rooms` collection: any signed-in user may read and write.
	await loadRules(rulesWithBaselines());
	const [listener, writer] = await Promise.all([client('listener'), client('writer')]);
	let missed = 0;
	for (let i = 0; i < tries; i++) {
		const id = `race${Date.now()}${i}`;
		if (mode === 'update') await setDoc(doc(writer, 'rooms', id), { offer: 'o' });
		const seen = await new Promise((resolve) => {
			setTimeout(() => setDoc(doc(writer, 'rooms', id), { offer: 'o', answer: 'a' }), Math.random() * spreadMs);
			const timer = setTimeout(() => (stop(), resolve(false)), SEEN_WITHIN_MS);
			const stop = onSnapshot(doc(listener, 'rooms', id), (snap) => {
				if (snap.get('answer') !== 'a') return;
				clearTimeout(timer);
				stop();
				resolve(true);
			});
		});
		if (!seen) missed++;
	}
	console.log(`${mode}, listen and write within ${spreadMs} ms of each other: ${missed} of ${tries} writes never reached the listener (${SEEN_WITHIN_MS} ms)`);
} finally {
	await stopEmulators(emulators);
	process.exit(0);
}
