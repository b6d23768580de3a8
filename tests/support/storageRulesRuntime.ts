// Drives the Storage rules runtime the emulator would use (our adapter on the gcloud jar, or
// firebase-tools' own jar when cached) through firebase-tools' own client,
// lib/emulator/storage/rules/runtime.js, without starting any emulator: the request and
// resource values are built by firebase-tools exactly as its Storage emulator builds them.
// The Firestore documents a rule reads (firestore.get/exists) are answered from a map given
// per request, through the Firestore client firebase-tools would use (EmulatorRegistry.client).
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const BUCKET = 'demo-tangent.appspot.com';
const PROJECT_ID = 'demo-tangent';

/** A stored object as firebase-tools hands it to the rules (StoredFileMetadata.asRulesResource). */
export interface StorageObject {
	name: string;
	size: number;
	contentType: string;
	metadata?: Record<string, string>;
	timeCreated?: Date;
}

export interface Verify {
	method: 'get' | 'list' | 'create' | 'update' | 'delete';
	/** The object name, e.g. "calls/c1/alice/f1". */
	object: string;
	uid?: string;
	/** The stored object (resource). */
	before?: StorageObject;
	/** The object as it would be after the request (request.resource). */
	after?: StorageObject;
	/** Firestore documents by path ("calls/c1"), as plain values. */
	documents?: Record<string, Record<string, unknown>>;
}

export interface Verdict {
	permitted: boolean;
	issues: string[];
}

interface FirebaseToolsRuntime {
	start(autoDownload: boolean): Promise<void>;
	stop(): Promise<void>;
	loadRuleset(source: { files: { name: string; content: string }[] }): Promise<{
		ruleset?: { verify(opts: unknown): Promise<{ permitted?: boolean; issues: { all: string[] } }> };
		issues: { errors: string[]; warnings: string[] };
	}>;
}

/** A Firestore REST value (what the Firestore emulator's GET returns in `fields`). */
function firestoreValue(value: unknown): unknown {
	if (value === null) return { nullValue: null };
	if (typeof value === 'boolean') return { booleanValue: value };
	if (typeof value === 'number') return Number.isInteger(value) ? { integerValue: String(value) } : { doubleValue: value };
	if (typeof value === 'string') return { stringValue: value };
	if (value instanceof Date) return { timestampValue: value.toISOString() };
	if (Array.isArray(value)) return { arrayValue: { values: value.map(firestoreValue) } };
	if (typeof value === 'object') return { mapValue: { fields: firestoreFields(value as Record<string, unknown>) } };
	throw new Error(`No Firestore value for ${JSON.stringify(value)}`);
}

function firestoreFields(data: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, firestoreValue(v)]));
}

/** An ID token as the emulators accept it (unsigned); firebase-tools reads user_id as auth.uid. */
function unsignedIdToken(uid: string): string {
	const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
	const now = Math.floor(Date.now() / 1000);
	return `${part({ alg: 'none', typ: 'JWT' })}.${part({
		user_id: uid,
		sub: uid,
		iat: now,
		exp: now + 3600,
		firebase: { sign_in_provider: 'anonymous', identities: {} }
	})}.`;
}

function rulesResource(object: StorageObject) {
	const at = object.timeCreated ?? new Date();
	return {
		name: object.name,
		bucket: BUCKET,
		generation: 1,
		metageneration: 1,
		size: object.size,
		timeCreated: at,
		updated: at,
		md5Hash: 'AAAAAAAAAAAAAAAAAAAAAA==',
		crc32c: '0',
		etag: 'etag',
		contentDisposition: 'inline',
		contentEncoding: 'identity',
		contentType: object.contentType,
		metadata: object.metadata ?? {}
	};
}

export class StorageRulesRuntimeDriver {
	readonly #runtime: FirebaseToolsRuntime;
	/** Firestore documents for the request under way, by REST path. */
	#documents = new Map<string, unknown>();

	private constructor(runtime: FirebaseToolsRuntime) {
		this.#runtime = runtime;
	}

	/**
	 * Starts the runtime firebase-tools would start. `env` is what scripts/emulators.mjs gives
	 * firebase-tools (STORAGE_EMULATOR_BINARY_PATH for our adapter); it must be set before
	 * firebase-tools' emulator modules load, so call this once per test file.
	 */
	static async start(env: Record<string, string>): Promise<StorageRulesRuntimeDriver> {
		Object.assign(process.env, env);
		const { StorageRulesRuntime } = load('firebase-tools/lib/emulator/storage/rules/runtime.js') as {
			StorageRulesRuntime: new () => FirebaseToolsRuntime;
		};
		const { EmulatorRegistry } = load('firebase-tools/lib/emulator/registry.js') as {
			EmulatorRegistry: { client: (emulator: string) => { get(path: string): Promise<{ body: unknown }> } };
		};
		const driver = new StorageRulesRuntimeDriver(new StorageRulesRuntime());
		EmulatorRegistry.client = (emulator) => {
			if (emulator !== 'firestore') throw new Error(`No ${emulator} here`);
			return {
				get: async (path) => {
					const body = driver.#documents.get(path);
					if (!body) throw new Error(`404 ${path}`);
					return { body };
				}
			};
		};
		await driver.#runtime.start(false);
		return driver;
	}

	stop(): Promise<void> {
		return this.#runtime.stop();
	}

	/** Compiles `rules`; throws with the compiler's errors if they do not compile. */
	async load(rules: string): Promise<(request: Verify) => Promise<Verdict>> {
		const { ruleset, issues } = await this.#runtime.loadRuleset({ files: [{ name: 'storage.rules', content: rules }] });
		if (!ruleset) throw new Error(`Rules did not compile: ${issues.errors.join('; ')}`);
		return async (request) => {
			this.#documents = new Map(
				Object.entries(request.documents ?? {}).map(([path, data]) => {
					const name = `projects/${PROJECT_ID}/databases/(default)/documents/${path}`;
					return [name, { name, fields: firestoreFields(data) }];
				})
			);
			const { permitted, issues: found } = await ruleset.verify({
				method: request.method,
				path: `b/${BUCKET}/o/${request.object}`,
				file: {
					before: request.before && rulesResource(request.before),
					after: request.after && rulesResource(request.after)
				},
				token: request.uid ? unsignedIdToken(request.uid) : undefined,
				projectId: PROJECT_ID
			});
			return { permitted: permitted === true, issues: found.all };
		};
	}

	/** The compiler's errors for `rules` (empty when they compile). */
	async compileErrors(rules: string): Promise<string[]> {
		return (await this.#runtime.loadRuleset({ files: [{ name: 'storage.rules', content: rules }] })).issues.errors;
	}
}
