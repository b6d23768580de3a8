// Admin SDK access to Tangent's collections, with converters built on the shared parsers.
import { initializeApp, getApps, type App } from 'firebase-admin/app';
import {
	getFirestore,
	type CollectionReference,
	type DocumentData,
	type Firestore,
	type FirestoreDataConverter,
	type Transaction,
	type QueryDocumentSnapshot
} from 'firebase-admin/firestore';
import {
	COLLECTIONS,
	parseCallDoc,
	parseLobbyEntry,
	type CallDoc,
	type FirestoreData,
	type LobbyEntry
} from './shared/model';
import { EMPTY_SAFETY_RECORD, parseSafetyRecord, SAFETY_COLLECTIONS, type SafetyRecord } from './shared/safety';

/**
 * The Admin SDK's default app, made on first use. Every service (Firestore, Auth, Storage,
 * the task queue) takes it explicitly: a function instance that reaches, say, the task
 * queue before anything read Firestore would otherwise find no app at all.
 */
export function adminApp(): App {
	// The functions emulator registers apps of its own, so look for the default one by name.
	return getApps().find((a) => a.name === '[DEFAULT]') ?? initializeApp();
}

export function db(): Firestore {
	return getFirestore(adminApp());
}

/** Reads go through the shared parser; writes are built explicitly and typed by the caller. */
function readConverter<T>(parse: (path: string, data: FirestoreData) => T): FirestoreDataConverter<T> {
	return {
		toFirestore(): DocumentData {
			throw new Error('Write these documents with explicit *Write types, not through the converter');
		},
		fromFirestore(snapshot: QueryDocumentSnapshot): T {
			return parse(snapshot.ref.path, snapshot.data());
		}
	};
}

export const safetyConverter = readConverter<SafetyRecord>(parseSafetyRecord);

/** A user's safety record (blocks, reports, ban), or the empty one if they have none. */
export async function safetyRecordOf(firestore: Firestore, uid: string, tx?: Transaction): Promise<SafetyRecord> {
	const ref = firestore.collection(SAFETY_COLLECTIONS.safety).doc(uid).withConverter(safetyConverter);
	const snap = tx ? await tx.get(ref) : await ref.get();
	return snap.data() ?? EMPTY_SAFETY_RECORD;
}

export const lobbyConverter = readConverter<LobbyEntry>(parseLobbyEntry);
export const callConverter = readConverter<CallDoc>(parseCallDoc);

export function lobbyCollection(firestore: Firestore): CollectionReference<LobbyEntry> {
	return firestore.collection(COLLECTIONS.lobby).withConverter(lobbyConverter);
}

export function callsCollection(firestore: Firestore): CollectionReference<CallDoc> {
	return firestore.collection(COLLECTIONS.calls).withConverter(callConverter);
}
