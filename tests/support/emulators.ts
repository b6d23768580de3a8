// Emulator-backed suites run under `npm test`, whose `firebase emulators:exec` exports the
// *_EMULATOR_HOST variables. Run alone (`npx vitest --project emulators`) they skip, and
// say so loudly rather than pass silently.
import { describe } from 'vitest';

export const PROJECT_ID = 'demo-tangent';

export interface EmulatorHosts {
	firestore?: string;
	auth?: string;
	storage?: string;
	functions?: string;
}

export const emulatorHosts: EmulatorHosts = {
	firestore: process.env.FIRESTORE_EMULATOR_HOST,
	auth: process.env.FIREBASE_AUTH_EMULATOR_HOST,
	storage: process.env.FIREBASE_STORAGE_EMULATOR_HOST,
	// firebase-tools names the functions emulator only through the hub; we know our port.
	functions: process.env.FIRESTORE_EMULATOR_HOST ? '127.0.0.1:5001' : undefined
};

/** `describe` that runs only when the named emulators are up, and prints why it skipped. */
export function describeWithEmulators(
	needs: (keyof EmulatorHosts)[],
	name: string,
	body: () => void
): void {
	const missing = needs.filter((n) => !emulatorHosts[n]);
	if (missing.length === 0) {
		describe(name, body);
		return;
	}
	const why =
		`SKIPPED "${name}": the ${missing.join(', ')} emulator(s) are not running. ` +
		(missing.includes('storage')
			? 'The Storage emulator needs a rules runtime: firebase-tools\' own jar (downloaded on first use with ' +
				'internet), or our adapter, which `npm test` builds on the Google Cloud CLI Firestore emulator jar ' +
				'with a JDK (see README). Run the suite through `npm test`.'
			: 'Run the suite through `npm test`, which starts the emulator suite.');
	console.warn(`\n⚠️  ${why}\n`);
	describe.skip(`${name} (${why})`, body);
}

/** host:port → [host, port] for APIs that take them apart. */
export function hostAndPort(hostPort: string): { host: string; port: number } {
	const i = hostPort.lastIndexOf(':');
	return { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) };
}
