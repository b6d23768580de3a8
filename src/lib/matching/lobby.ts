// lobby/{uid}: the signed-in user's own entry. Joining writes a waiting entry; the
// matchmaker function answers by marking it matched with a call id.
import {
	doc,
	serverTimestamp,
	setDoc,
	updateDoc,
	type DocumentReference,
	type FieldValue,
	type Firestore,
	type Unsubscribe
} from 'firebase/firestore';
import {
	COLLECTIONS,
	normalizeInterests,
	normalizeLanguage,
	parseLobbyEntry,
	type ChatMode,
	type LobbyEntry,
	type LobbyHeartbeatWrite,
	type LobbyJoinWrite,
	LOBBY_LEAVE
} from '$shared/model';
import { readConverter } from '../firebase/converter';
import { readFromServer } from '../firebase/serverRead';
import { watchConfirmedDoc } from '../firebase/watch';

export const lobbyEntryConverter = readConverter<LobbyEntry>(parseLobbyEntry);

export function lobbyEntryRef(db: Firestore, uid: string): DocumentReference<LobbyEntry> {
	return doc(db, COLLECTIONS.lobby, uid).withConverter(lobbyEntryConverter);
}

export interface LobbyRequest {
	mode: ChatMode;
	/** Free-form tags; normalised here exactly as the rules expect. */
	interests?: readonly string[];
	/** An ISO 639 code such as "en"; anything else means "any language". */
	language?: string | null;
}

/**
 * Overwrites any previous entry (a finished match, a left one) with a fresh waiting one.
 * The rules refuse it for a banned user and within SAFETY_LIMITS.lobbyJoinMinIntervalMs of
 * the previous join; see src/lib/safety/bans.ts for telling the two apart.
 */
export async function joinLobby(db: Firestore, uid: string, request: LobbyRequest): Promise<void> {
	const now = serverTimestamp();
	const entry: LobbyJoinWrite<FieldValue> = {
		status: 'waiting',
		mode: request.mode,
		interests: normalizeInterests(request.interests ?? []),
		language: normalizeLanguage(request.language),
		joinedAt: now,
		heartbeatAt: now
	};
	await setDoc(doc(db, COLLECTIONS.lobby, uid), entry);
}

/**
 * Tells the matchmaker we are still here, every LOBBY_HEARTBEAT_MS (the rules refuse beats
 * closer than LOBBY_HEARTBEAT_MIN_INTERVAL_MS). It runs no matching: the server widens a
 * search by itself as the wait grows (patience comes from joinedAt).
 */
export async function heartbeatLobby(db: Firestore, uid: string): Promise<void> {
	const beat: LobbyHeartbeatWrite<FieldValue> = { heartbeatAt: serverTimestamp() };
	await updateDoc(doc(db, COLLECTIONS.lobby, uid), { ...beat });
}

/**
 * Marks the entry left instead of deleting it: the rules rate-limit joins by the time of
 * the last one, which a delete would erase. The sweep removes left entries later.
 */
export async function leaveLobby(db: Firestore, uid: string): Promise<void> {
	await updateDoc(doc(db, COLLECTIONS.lobby, uid), { ...LOBBY_LEAVE });
}

/** Where a closing page's leave beacon goes (a Hosting rewrite to the lobbyLeave function). */
export const LEAVE_BEACON_PATH = '/api/leave';

/**
 * A closing tab's leave: `navigator.sendBeacon` is queued by the browser and sent even as
 * the page unloads, where a Firestore write may never get out. The body is the user's ID
 * token (text/plain, so no CORS preflight). Returns false where the browser refused it.
 */
export function leaveLobbyByBeacon(idToken: string): boolean {
	if (typeof navigator === 'undefined' || typeof navigator.sendBeacon !== 'function') return false;
	return navigator.sendBeacon(LEAVE_BEACON_PATH, new Blob([idToken], { type: 'text/plain' }));
}

/** The ID token for the leave beacon, fetched ahead: a closing page cannot wait for it. */
export function beaconTokenOf(user: { getIdToken(): Promise<string> }): Promise<string> {
	return user.getIdToken();
}

/** Calls `onEntry` with the entry (null once it is gone) as the server confirms it. */
export function watchLobbyEntry(
	db: Firestore,
	uid: string,
	onEntry: (entry: LobbyEntry | null) => void,
	onError: (error: Error) => void
): Unsubscribe {
	return watchConfirmedDoc(lobbyEntryRef(db, uid), onEntry, onError);
}

/** A fresh read from the server, for when the listener may have missed a change (see readFromServer). */
export async function readLobbyEntry(db: Firestore, uid: string): Promise<LobbyEntry | null> {
	return (await readFromServer(db, lobbyEntryRef(db, uid))) ?? null;
}
