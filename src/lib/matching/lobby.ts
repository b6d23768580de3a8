// lobby/{uid}: the signed-in user's own entry. Joining writes a waiting entry; the
// matchmaker function answers by marking it matched with a call id.
import {
	deleteDoc,
	doc,
	onSnapshot,
	serverTimestamp,
	setDoc,
	type DocumentReference,
	type FieldValue,
	type Firestore,
	type Unsubscribe
} from 'firebase/firestore';
import { COLLECTIONS, parseLobbyEntry, type ChatMode, type LobbyEntry, type LobbyJoinWrite } from '$shared/model';
import { readConverter } from '../firebase/converter';

export const lobbyEntryConverter = readConverter<LobbyEntry>(parseLobbyEntry);

export function lobbyEntryRef(db: Firestore, uid: string): DocumentReference<LobbyEntry> {
	return doc(db, COLLECTIONS.lobby, uid).withConverter(lobbyEntryConverter);
}

/** Overwrites any previous entry (a finished match) with a fresh waiting one. */
export async function joinLobby(db: Firestore, uid: string, mode: ChatMode): Promise<void> {
	const entry: LobbyJoinWrite<FieldValue> = { status: 'waiting', mode, joinedAt: serverTimestamp() };
	await setDoc(doc(db, COLLECTIONS.lobby, uid), entry);
}

export async function leaveLobby(db: Firestore, uid: string): Promise<void> {
	await deleteDoc(doc(db, COLLECTIONS.lobby, uid));
}

/** Calls `onEntry` with the entry (null once it is gone) as the server confirms it. */
export function watchLobbyEntry(
	db: Firestore,
	uid: string,
	onEntry: (entry: LobbyEntry | null) => void,
	onError: (error: Error) => void
): Unsubscribe {
	return onSnapshot(
		lobbyEntryRef(db, uid),
		(snap) => {
			// Our own pending write says nothing the server has decided yet.
			if (snap.metadata.hasPendingWrites) return;
			try {
				onEntry(snap.data() ?? null);
			} catch (error) {
				onError(error instanceof Error ? error : new Error(String(error)));
			}
		},
		onError
	);
}
