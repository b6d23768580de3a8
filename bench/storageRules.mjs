#!/usr/bin/env node
// The Storage rules runtime's start time and verify latency (issue #13): the runtime the
// Storage emulator would run (our adapter on the gcloud Firestore jar, or firebase-tools' own
// jar when cached), spoken to directly over its JSON-lines protocol, so the figures are the
// runtime's own (firebase-tools adds a 15 ms pause after each request it writes).
//
//   node bench/storageRules.mjs      prints the figures (no emulators needed, no lock)
//
// Start: from spawning `java -jar <runtime> serve` to its ready line, and to Tangent's
// storage.rules compiled. Verify: a download check (storage.rules' `get`: the call and the
// file's entry) and an upload check (`create`: the same two documents), each lookup answered at once by this
// script as firebase-tools would with the document; the first verify is reported apart.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { storageEmulatorSetup, storageRulesRuntimeJar } from '../scripts/emulators.mjs';
import { summary } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const now = () => performance.now();

const CALL = {
	members: { arrayValue: { values: [{ stringValue: 'alice' }, { stringValue: 'bob' }] } },
	status: { stringValue: 'active' }
};
/** The file's entry as storage.rules wants it: announced ('uploading') for an upload, 'ready' for a download. */
const fileEntry = (status) => ({
	uploader: { stringValue: 'alice' },
	storagePath: { stringValue: 'calls/c1/alice/f1' },
	status: { stringValue: status },
	size: { integerValue: '1000' },
	contentType: { stringValue: 'image/png' }
});
/** Firestore REST documents the rules read, per kind of verify, by path under /databases/(default)/documents. */
const DOCUMENTS = {
	get: { 'calls/c1': CALL, 'calls/c1/files/f1': fileEntry('ready') },
	create: { 'calls/c1': CALL, 'calls/c1/files/f1': fileEntry('uploading') }
};

function requestValue(uid, resource) {
	return {
		map_value: {
			fields: {
				path: { path_value: { segments: ['b', 'bucket', 'o', 'calls', 'c1', 'alice', 'f1'].map((simple) => ({ simple })) } },
				time: { timestamp_value: new Date().toISOString() },
				resource: resource ?? { null_value: null },
				auth: { map_value: { fields: { uid: { string_value: uid }, token: { map_value: { fields: {} } } } } }
			}
		}
	};
}

const OBJECT = {
	map_value: {
		fields: {
			name: { string_value: 'calls/c1/alice/f1' },
			size: { int_value: 1000 },
			contentType: { string_value: 'image/png' },
			metadata: { map_value: { fields: {} } }
		}
	}
};

const VERIFIES = {
	get: { method: 'get', variables: { resource: OBJECT, request: requestValue('bob') } },
	create: { method: 'create', variables: { resource: { null_value: null }, request: requestValue('alice', OBJECT) } }
};

/** One runtime process and the protocol around it; lookups are answered from `documents()` (one verify at a time). */
function startRuntime(jar, documents) {
	const child = spawn('java', ['-Duser.language=en', '-jar', jar, 'serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
	const waiting = new Map();
	let buffered = '';
	let stderr = '';
	child.stderr.on('data', (chunk) => (stderr += chunk));
	child.stdout.on('data', (chunk) => {
		buffered += chunk;
		const lines = buffered.split('\n');
		buffered = lines.pop() ?? '';
		for (const line of lines) {
			if (!line.trim()) continue;
			const message = JSON.parse(line);
			if ('context' in message) {
				const path = message.context.path.replace('/databases/(default)/documents/', '');
				const fields = documents()[path];
				const answer = fields
					? { id: message.server_request_id, status: 'ok', result: { name: `projects/p/databases/(default)/documents/${path}`, fields }, warnings: [], errors: [] }
					: { id: message.server_request_id, status: 'not_found', warnings: [], errors: [] };
				child.stdin.write(JSON.stringify(answer) + '\n');
				continue;
			}
			waiting.get(message.id)?.(message);
			waiting.delete(message.id);
		}
	});
	let nextId = 0;
	return {
		child,
		stderr: () => stderr,
		ready: new Promise((resolve, reject) => {
			waiting.set(-1, resolve);
			child.on('exit', (code) => reject(new Error(`runtime exited (${code}): ${stderr}`)));
		}),
		send(action, context) {
			const id = nextId++;
			return new Promise((resolve) => {
				waiting.set(id, resolve);
				child.stdin.write(JSON.stringify({ id, action, context }) + '\n');
			});
		}
	};
}

/**
 * Measures the runtime; `{ error }` when there is none on this machine. `iterations` verifies
 * of each kind after the first.
 */
export async function measureStorageRules({ iterations = 200 } = {}) {
	const setup = storageEmulatorSetup();
	const jar = storageRulesRuntimeJar(setup);
	if (!jar) return { error: `no Storage rules runtime: ${setup.unavailable}` };
	let kindUnderWay = 'get';
	const runtime = startRuntime(jar, () => DOCUMENTS[kindUnderWay]);
	try {
		const spawnedAt = now();
		await runtime.ready;
		const readyMs = now() - spawnedAt;
		const loaded = await runtime.send('load_ruleset', {
			rulesetName: '0',
			source: { files: [{ name: 'storage.rules', content: readFileSync(join(ROOT, 'storage.rules'), 'utf8') }] }
		});
		const rulesLoadedMs = now() - spawnedAt;
		if (loaded.errors.length) return { error: `storage.rules did not compile: ${loaded.errors.join('; ')}` };

		const verify = async (kind) => {
			const t = now();
			const { method, variables } = VERIFIES[kind];
			kindUnderWay = kind;
			const answer = await runtime.send('verify', {
				rulesetName: '0',
				service: 'firebase.storage',
				path: '/b/bucket/o/calls/c1/alice/f1',
				method,
				variables
			});
			if (answer.errors.length || answer.result?.permit !== true) {
				throw new Error(`${kind} was not permitted: ${JSON.stringify(answer)}`);
			}
			return now() - t;
		};
		const firstVerifyMs = await verify('get');
		const samples = { get: [], create: [] };
		for (let i = 0; i < iterations; i++) {
			samples.get.push(await verify('get'));
			samples.create.push(await verify('create'));
		}
		return {
			jar,
			adapter: Boolean(setup.env.STORAGE_EMULATOR_BINARY_PATH),
			readyMs,
			rulesLoadedMs,
			firstVerifyMs,
			get: summary(samples.get),
			create: summary(samples.create)
		};
	} finally {
		runtime.child.kill();
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const r = await measureStorageRules();
	if (r.error) {
		console.log(`[storage rules] ${r.error}`);
	} else {
		console.log(`[storage rules] ${r.adapter ? 'adapter' : 'runtime'} ${r.jar}`);
		console.log(`  ready ${r.readyMs.toFixed(0)} ms, storage.rules compiled at ${r.rulesLoadedMs.toFixed(0)} ms, first verify ${r.firstVerifyMs.toFixed(1)} ms`);
		console.log(`  get (2 lookups): p50 ${r.get.p50.toFixed(2)} ms, p95 ${r.get.p95.toFixed(2)} ms; create (2 lookups): p50 ${r.create.p50.toFixed(2)} ms, p95 ${r.create.p95.toFixed(2)} ms`);
	}
}
