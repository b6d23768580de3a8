// lobby/{uid}: the signed-in user's own entry. Joining writes a waiting entry; the
// matchmaker function answers by marking it matched with a call id.
import {
	doc,
	getDocFromServer,
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
	PATIENCE,
	PATIENCE_AFTER_MS,
	type ChatMode,
	type LobbyEntry,
	type LobbyHeartbeatWrite,
	type LobbyJoinWrite,
	LOBBY_LEAVE
} from '$shared/model';
import { readConverter } from '../firebase/converter';
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
		patience: PATIENCE.fresh,
		joinedAt: now,
		heartbeatAt: now
	};
	await setDoc(doc(db, COLLECTIONS.lobby, uid), entry);
}

/** How patient someone who has waited `waitedMs` is (see the matching policy). */
export function patienceAfter(waitedMs: number): number {
	if (waitedMs >= PATIENCE_AFTER_MS.acceptsRecentPartners) return PATIENCE.acceptsRecentPartners;
	if (waitedMs >= PATIENCE_AFTER_MS.acceptsStrangers) return PATIENCE.acceptsStrangers;
	return PATIENCE.fresh;
}

/**
 * Tells the matchmaker we are still here (and how long we have waited). Each write also
 * runs the matchmaker again, which is what lets a widened search find someone.
 */
export async function heartbeatLobby(db: Firestore, uid: string, patience: number): Promise<void> {
	const beat: LobbyHeartbeatWrite<FieldValue> = { heartbeatAt: serverTimestamp(), patience };
	await updateDoc(doc(db, COLLECTIONS.lobby, uid), { ...beat });
}

/**
 * Marks the entry left instead of deleting it: the rules rate-limit joins by the time of
 * the last one, which a delete would erase. The sweep removes left entries later.
 */
export async function leaveLobby(db: Firestore, uid: string): Promise<void> {
	await updateDoc(doc(db, COLLECTIONS.lobby, uid), { ...LOBBY_LEAVE });
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

/** A fresh read from the server, for when the listener may have missed a change. */
export async function readLobbyEntry(db: Firestore, uid: string): Promise<LobbyEntry | null> {
	return (await getDocFromServer(lobbyEntryRef(db, uid))).data() ?? null;
}
