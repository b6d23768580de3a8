// Shared set-up for the rules suites: a rules test environment loaded with firestore.rules
// (and, for the Storage suite, storage.rules), factories for the documents the matchmaker
// (Admin SDK) and the app would write, and the two assertions every grid cell uses.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
	assertFails,
	assertSucceeds,
	initializeTestEnvironment,
	type RulesTestContext,
	type RulesTestEnvironment
} from '@firebase/rules-unit-testing';
import {
	deleteDoc,
	doc,
	Firestore,
	serverTimestamp,
	setDoc,
	Timestamp,
	type DocumentData,
	type FieldValue,
	type WithFieldValue
} from 'firebase/firestore';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import {
	CHAT_MODES,
	COLLECTIONS,
	LIMITS,
	LOBBY_HEARTBEAT_MIN_INTERVAL_MS,
	LOBBY_HEARTBEAT_MS,
	descriptionTypeOf,
	encodeCandidate,
	type CallCreateWrite,
	type CallRole,
	type CallStatus,
	type IceCandidateRecord,
	type LobbyHeartbeatWrite,
	type LobbyJoinWrite,
	type LobbyMatchWrite,
	type SessionDescriptionRecord,
	type SignalWrite
} from '$shared/model';
import {
	ALLOWED_CONTENT_TYPES,
	FILE_LIMITS,
	storagePathFor,
	type SharedFileCreateWrite,
	type SharedFileStatus
} from '$shared/files';
import { SAFETY_COLLECTIONS, SAFETY_LIMITS, type BanWrite, type UploadCounterWrite } from '$shared/safety';
import { emulatorHosts, hostAndPort, PROJECT_ID } from '../support/emulators';

export const ALICE = 'alice';
export const BOB = 'bob';
/** Signed in, but a member of nothing and the owner of nothing she is tested on. */
export const MALLORY = 'mallory';
export const CALL_ID = 'call-1';
export const FILE_ID = 'file-1';

const RULES_FILE = fileURLToPath(new URL('../../firestore.rules', import.meta.url));
const STORAGE_RULES_FILE = fileURLToPath(new URL('../../storage.rules', import.meta.url));

export { ALLOWED_CONTENT_TYPES, CHAT_MODES, COLLECTIONS, FILE_LIMITS, LIMITS, LOBBY_HEARTBEAT_MIN_INTERVAL_MS, SAFETY_COLLECTIONS, SAFETY_LIMITS };

/** The Firestore instances one test talks to, each as a different caller. */
export interface RulesFixture {
	/** Firestore as the signed-in (anonymous) user `uid`. */
	as(uid: string): Firestore;
	/** Firestore with no signed-in user. */
	signedOut(): Firestore;
	/** Writes `data` at `path` as the Admin SDK would: rules off. */
	seed(path: string, data: WithFieldValue<DocumentData>): Promise<void>;
	/** Deletes the document at `path`, rules off. */
	remove(path: string): Promise<void>;
}

/**
 * Registers the environment's hooks in the calling `describe` (so a skipped suite never
 * touches the emulator) and returns the fixture. Firestore is cleared before each test.
 */
/**
 * Firestore rules cases run in a project of their own, one per vitest worker: the emulator
 * keeps each project's data apart, so rules files run side by side and their seed writes
 * never wake the functions (which serve demo-tangent only). Storage rules stay on
 * demo-tangent: the Storage emulator's firestore.get() lookups read that project.
 */
const RULES_PROJECT_ID = `demo-rules-${process.env.VITEST_POOL_ID ?? '0'}`;

export function useRulesFixture(): RulesFixture {
	let env: RulesTestEnvironment | undefined;
	const current = (): RulesTestEnvironment => {
		if (!env) throw new Error('The rules test environment is not initialised yet');
		return env;
	};

	beforeAll(async () => {
		const hostPort = emulatorHosts.firestore;
		if (!hostPort) throw new Error('FIRESTORE_EMULATOR_HOST is not set');
		env = await initializeTestEnvironment({
			projectId: RULES_PROJECT_ID,
			firestore: {
				rules: readFileSync(RULES_FILE, 'utf8'),
				...hostAndPort(hostPort)
			}
		});
	});
	beforeEach(async () => {
		await current().clearFirestore();
		// Everyone the grids act as has bound their device, as the app does before joining
		// (bindDevice); lobbySafety.spec.ts tests a uid that has not.
		await current().withSecurityRulesDisabled(async (ctx) => {
			const db = modular(ctx.firestore());
			await Promise.all([ALICE, BOB, MALLORY].map((uid) => setDoc(doc(db, paths.identity(uid)), boundIdentity())));
		});
	});
	afterAll(async () => {
		await env?.cleanup();
	});

	return {
		as: (uid) => modular(current().authenticatedContext(uid).firestore()),
		signedOut: () => modular(current().unauthenticatedContext().firestore()),
		seed: (path, data) =>
			current().withSecurityRulesDisabled(async (ctx) => {
				await setDoc(doc(modular(ctx.firestore()), path), data);
			}),
		remove: (path) =>
			current().withSecurityRulesDisabled(async (ctx) => {
				await deleteDoc(doc(modular(ctx.firestore()), path));
			})
	};
}

/** The Storage client rules-unit-testing hands out (the compat API, typed). */
export type TestStorage = ReturnType<RulesTestContext['storage']>;

/** The Storage clients one test talks to, and seeding with the rules off. */
export interface StorageRulesFixture {
	/** Storage as the signed-in (anonymous) user `uid`. */
	as(uid: string): TestStorage;
	signedOut(): TestStorage;
	/** Writes a Firestore document as the Admin SDK would (the Storage rules read calls). */
	seedDoc(path: string, data: WithFieldValue<DocumentData>): Promise<void>;
	/** Stores an object as the Admin SDK would. */
	seedObject(path: string, bytes: Uint8Array, contentType: string): Promise<void>;
}

/**
 * Like useRulesFixture, for storage.rules, which read the call document from Firestore:
 * both emulators, both rules files. Firestore and the bucket are emptied before each test.
 */
export function useStorageRulesFixture(): StorageRulesFixture {
	let env: RulesTestEnvironment | undefined;
	const current = (): RulesTestEnvironment => {
		if (!env) throw new Error('The rules test environment is not initialised yet');
		return env;
	};

	beforeAll(async () => {
		const [firestoreHost, storageHost] = [emulatorHosts.firestore, emulatorHosts.storage];
		if (!firestoreHost || !storageHost) throw new Error('FIRESTORE_ and FIREBASE_STORAGE_EMULATOR_HOST must be set');
		env = await initializeTestEnvironment({
			projectId: PROJECT_ID,
			firestore: { rules: readFileSync(RULES_FILE, 'utf8'), ...hostAndPort(firestoreHost) },
			storage: { rules: readFileSync(STORAGE_RULES_FILE, 'utf8'), ...hostAndPort(storageHost) }
		});
	});
	beforeEach(async () => {
		await current().clearFirestore();
		// clearStorage() only empties the bucket's top level; our files sit deeper.
		await current().withSecurityRulesDisabled(async (ctx) => {
			await deleteAll(ctx.storage().ref());
		});
	});
	afterAll(async () => {
		await env?.cleanup();
	});

	return {
		as: (uid) => current().authenticatedContext(uid).storage(),
		signedOut: () => current().unauthenticatedContext().storage(),
		seedDoc: (path, data) =>
			current().withSecurityRulesDisabled(async (ctx) => {
				await setDoc(doc(modular(ctx.firestore()), path), data);
			}),
		seedObject: (path, bytes, contentType) =>
			current().withSecurityRulesDisabled(async (ctx) => {
				await put(ctx.storage(), path, bytes, contentType);
			})
	};
}

type StorageRef = ReturnType<TestStorage['ref']>;

async function deleteAll(folder: StorageRef): Promise<void> {
	const { items, prefixes } = await folder.listAll();
	await Promise.all([...items.map((item) => item.delete()), ...prefixes.map(deleteAll)]);
}

/** An upload as the app makes it (one object, a content type), as a plain promise. */
export function put(storage: TestStorage, path: string, bytes: Uint8Array, contentType?: string): Promise<unknown> {
	return new Promise((resolve, reject) => {
		storage
			.ref(path)
			.put(bytes, contentType === undefined ? {} : { contentType })
			.then(resolve, reject);
	});
}

/**
 * rules-unit-testing hands out the compat Firestore, which wraps the modular instance the
 * v9+ functions take (they unwrap it themselves at run time). Unwrap it here, checked,
 * so the tests stay typed without a cast.
 */
function modular(compat: object): Firestore {
	const delegate: unknown = Reflect.get(compat, '_delegate');
	if (delegate instanceof Firestore) return delegate;
	throw new Error('rules-unit-testing returned a Firestore without a modular delegate');
}

// -----------------------------------------------------------------------------------
// Assertions. `assertSucceeds`/`assertFails` throw on the wrong outcome but are not
// vitest assertions; wrapping them in `expect` satisfies `requireAssertions` and keeps
// the rules' denial message in the failure output.

/** The request must be allowed by the rules. */
export async function expectAllowed(request: Promise<unknown>): Promise<void> {
	await expect(assertSucceeds(request).then(() => 'allowed')).resolves.toBe('allowed');
}

/** The request must be refused with permission-denied. */
export async function expectDenied(request: Promise<unknown>): Promise<void> {
	await expect(assertFails(request).then(() => 'denied')).resolves.toBe('denied');
}

// -----------------------------------------------------------------------------------
// Paths and document factories. Typed against model.ts, so a change to a document
// shape breaks these fixtures at compile time rather than silently testing old shapes.

export const paths = {
	lobby: (uid: string) => `${COLLECTIONS.lobby}/${uid}`,
	call: (callId = CALL_ID) => `${COLLECTIONS.calls}/${callId}`,
	/** `uid`'s signal document (description and ICE candidates) in the call. */
	signals: (uid: string, callId = CALL_ID) => `${COLLECTIONS.calls}/${callId}/${COLLECTIONS.signals}/${uid}`,
	file: (fileId = FILE_ID, callId = CALL_ID) => `${COLLECTIONS.calls}/${callId}/${COLLECTIONS.files}/${fileId}`,
	limits: (uid: string) => `${SAFETY_COLLECTIONS.limits}/${uid}`,
	ban: (uid: string) => `${SAFETY_COLLECTIONS.bans}/${uid}`,
	report: (id: string) => `${SAFETY_COLLECTIONS.reports}/${id}`,
	safety: (uid: string) => `${SAFETY_COLLECTIONS.safety}/${uid}`,
	identity: (uid: string) => `${SAFETY_COLLECTIONS.identities}/${uid}`,
	/** Where `uploader`'s bytes for the file go in Storage. */
	object: (uploader: string, fileId = FILE_ID, callId = CALL_ID) => storagePathFor(callId, uploader, fileId)
};

/** The choices a user makes on joining; the rest of the entry is fixed or the server's. */
export type LobbyChoices = Partial<Pick<LobbyJoinWrite<FieldValue>, 'mode' | 'interests' | 'language'>>;

/** What a client writes to join the lobby (a text chat with no interests, any language). */
export function waitingEntry(choices: LobbyChoices = {}): LobbyJoinWrite<FieldValue> {
	return {
		status: 'waiting',
		mode: 'text',
		interests: [],
		language: null,
		joinedAt: serverTimestamp(),
		heartbeatAt: serverTimestamp(),
		...choices
	};
}

/** A waiting entry whose last beat was `agoMs` ago (by default a full LOBBY_HEARTBEAT_MS). */
export type WaitedEntry = Omit<LobbyJoinWrite<FieldValue>, 'joinedAt' | 'heartbeatAt'> & LobbyJoinWrite<Timestamp>;

export function waitedEntry(agoMs: number = LOBBY_HEARTBEAT_MS): WaitedEntry {
	const at = Timestamp.fromMillis(Date.now() - agoMs);
	return { ...waitingEntry(), joinedAt: at, heartbeatAt: at };
}

/** What a waiting page writes every LOBBY_HEARTBEAT_MS: the server's time, nothing else. */
export function heartbeat(): LobbyHeartbeatWrite<FieldValue> {
	return { heartbeatAt: serverTimestamp() };
}

/**
 * A lobby entry after the matchmaker paired it (having waited long enough to be patient):
 * by default alice's, matched with bob in activeCall(), where she is the offerer and they
 * share no interests.
 */
export function matchedEntry(
	callId = CALL_ID,
	partner: string = BOB,
	role: CallRole = 'offerer'
): Omit<LobbyJoinWrite<FieldValue>, 'status'> & LobbyMatchWrite<FieldValue> {
	return {
		...waitingEntry(),
		status: 'matched',
		callId,
		matchedAt: serverTimestamp(),
		partner,
		role,
		commonInterests: activeCall().commonInterests
	};
}

/** An entry its owner left (Stop): the matched or waiting fields stay, status `left`. */
export function leftEntry(): Omit<LobbyJoinWrite<FieldValue>, 'status'> & { status: 'left' } {
	return { ...waitingEntry(), status: 'left' };
}

/** The same entry as if joined a minute ago: past the join rate limit. */
export function earlier<T extends { joinedAt: unknown }>(entry: T): Omit<T, 'joinedAt'> & { joinedAt: Timestamp } {
	return { ...entry, joinedAt: Timestamp.fromMillis(Date.now() - 60_000) };
}

/**
 * How far ahead of this machine's clock a "just now" time is stored. The rules compare
 * stored times with request.time; a join or beat seeded at the server's now is only
 * "within the interval" for the next few hundred milliseconds, which a loaded machine can
 * spend before the test's write arrives (seen: 300 ms pacing tests allowed the second join).
 * A time slightly ahead stays within the interval however slow the machine is.
 */
const JUST_NOW_MARGIN_MS = 10_000;

/** The same entry as if joined (and, if it beats, beaten) an instant ago, whatever the test's latency. */
export function justNow<T extends { joinedAt: unknown }>(
	entry: T
): Omit<T, 'joinedAt' | 'heartbeatAt'> & { joinedAt: Timestamp; heartbeatAt: Timestamp } {
	const at = Timestamp.fromMillis(Date.now() + JUST_NOW_MARGIN_MS);
	return { ...entry, joinedAt: at, heartbeatAt: at };
}

/** identities/{uid} as the bindDevice function writes it (on the emulator: no network key). */
export function boundIdentity() {
	return { deviceKey: 'd'.repeat(40), networkKey: null, networkExpiresAtMs: null, boundAt: serverTimestamp() };
}

/** bans/{uid} as the reportPartner function writes it. */
export function banUntil(untilMs: number): BanWrite<Timestamp> {
	return {
		reason: 'reports',
		reporters: 3,
		createdAt: Timestamp.fromMillis(untilMs - 86_400_000),
		until: Timestamp.fromMillis(untilMs)
	};
}

/** A live call between alice (the offerer) and bob, as the matchmaker creates it. */
export function activeCall(): CallCreateWrite<FieldValue> {
	return {
		members: [ALICE, BOB],
		offerer: ALICE,
		mode: 'text',
		commonInterests: [],
		status: 'active',
		createdAt: serverTimestamp(),
		endedBy: null,
		endedAt: null
	};
}

/** A call document at any point of its life, as the Admin SDK writes it. */
export type CallSeed = Omit<CallCreateWrite<FieldValue>, 'status' | 'endedBy' | 'endedAt'> & {
	status: CallStatus;
	endedBy: string | null;
	endedAt: FieldValue | null;
};

/** The call after bob hung up. */
export function endedCall(): CallSeed {
	return { ...activeCall(), status: 'ended', endedBy: BOB, endedAt: serverTimestamp() };
}

/** The call after the sweeper (Admin SDK) ended it as abandoned: nobody hung up. */
export function sweptCall(): CallSeed {
	return { ...activeCall(), status: 'ended', endedBy: null, endedAt: serverTimestamp() };
}

/** The role `uid` has in activeCall(): alice offers, bob answers. */
export function roleIn(uid: string): CallRole {
	return uid === activeCall().offerer ? 'offerer' : 'answerer';
}

/** A session description whose sdp is `sdpChars` long. */
export function description(
	type: SessionDescriptionRecord['type'],
	sdpChars = 200
): SessionDescriptionRecord {
	return { type, sdp: sdp(sdpChars) };
}

/** A syntactically plausible SDP body of exactly `chars` characters. */
export function sdp(chars: number): string {
	const head = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n';
	return (head + 'a'.repeat(Math.max(0, chars - head.length))).slice(0, chars);
}

/** `count` distinct host candidates, as the browser gives them. */
export function candidateRecords(count: number): IceCandidateRecord[] {
	return Array.from({ length: count }, (_, i) => ({
		candidate: `candidate:${i} 1 udp 2122260223 192.0.2.${i % 250} ${50000 + i} typ host`,
		sdpMid: '0',
		sdpMLineIndex: 0,
		usernameFragment: 'frag'
	}));
}

/** `count` distinct host candidates, as the app stores them (encodeCandidate). */
export function candidates(count: number): string[] {
	return candidateRecords(count).map((c) => {
		const line = encodeCandidate(c);
		if (line === null) throw new Error(`fixture candidate ${c.candidate} does not encode`);
		return line;
	});
}

/**
 * A signal document as a member's first write leaves it: a description and the candidates
 * gathered by then, stamped a minute ago, as stored.
 */
export type SignalSeed = Required<SignalWrite<string[], Timestamp>>;

/**
 * `uid`'s signal document in activeCall(): the description their role publishes (alice's
 * offer, bob's answer) with `count` candidates.
 */
export function signalDoc(uid: string, count = 2, sdpChars = 200): SignalSeed {
	return {
		description: description(descriptionTypeOf(roleIn(uid)), sdpChars),
		candidates: candidates(count),
		// Written a minute ago: the next write is not held up by the pace the rules keep.
		sentAt: Timestamp.fromMillis(Date.now() - 60_000)
	};
}

// -----------------------------------------------------------------------------------
// Shared files: calls/{callId}/files/{fileId} and the bytes in Storage.

/** What a member writes to announce an upload (a small PNG by default). */
export function fileAnnouncement(
	uploader: string = ALICE,
	fields: Partial<SharedFileCreateWrite<FieldValue>> = {}
): SharedFileCreateWrite<FieldValue> {
	return {
		uploader,
		name: 'cat.png',
		size: 1234,
		contentType: 'image/png',
		storagePath: paths.object(uploader),
		status: 'uploading',
		createdAt: serverTimestamp(),
		...fields
	};
}

/** A file entry at any point of its life. */
export type FileSeed = Omit<SharedFileCreateWrite<FieldValue>, 'status'> & { status: SharedFileStatus };

export function fileEntry(status: SharedFileStatus, uploader: string = ALICE): FileSeed {
	return { ...fileAnnouncement(uploader), status };
}

/** The first step of an upload counter: a new window, opened now (server time). */
export function uploadWindowOpening(fileId: string = FILE_ID): UploadCounterWrite<FieldValue> {
	return { windowStartAt: serverTimestamp(), uploads: 1, lastUploadAt: serverTimestamp(), lastFileId: fileId };
}

/** A counter whose window ended long ago, full: the next upload opens a new window. */
export function expiredUploadWindow(): UploadCounterWrite<Timestamp> {
	const old = Timestamp.fromMillis(Date.now() - 3_600_000);
	return { windowStartAt: old, uploads: SAFETY_LIMITS.uploads.max, lastUploadAt: old, lastFileId: 'an-old-file' };
}

/** `size` bytes (zeros), for uploads. */
export function bytes(size: number): Uint8Array {
	return new Uint8Array(size);
}

/** Content types the rules must refuse: pages, scripts, vector images, programs, archives. */
export const UNSAFE_CONTENT_TYPES = [
	'text/html',
	'image/svg+xml',
	'application/javascript',
	'application/x-msdownload',
	'application/zip',
	'video/mp4',
	'application/octet-stream'
] as const;
