// Creating a call: the call document and both members' lobby entries marked matched with
// it, in the caller's transaction. The matchmaker pairs strangers with it; undoNext brings
// back the pair a Next separated. One place, so both give the pages the same snapshot.
import { FieldValue, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { COLLECTIONS, type CallCreateWrite, type ChatMode, type LobbyMatchWrite } from '../shared/model';

export interface NewCall {
	members: [string, string];
	/** Makes every offer (ICE restarts too), so offers never collide. */
	offerer: string;
	mode: ChatMode;
	commonInterests: string[];
	/** The ended call this one brings back (undo after Next). */
	resumes?: string;
}

/** Writes the call and both lobby entries in `tx` (after all its reads); returns the call's id. */
export function createCallInTransaction(tx: Transaction, firestore: Firestore, call: NewCall): string {
	const lobby = firestore.collection(COLLECTIONS.lobby);
	const callRef = firestore.collection(COLLECTIONS.calls).doc();
	const now = FieldValue.serverTimestamp();
	const resumes = call.resumes === undefined ? {} : { resumes: call.resumes };
	const doc: CallCreateWrite<FieldValue> = {
		members: call.members,
		offerer: call.offerer,
		mode: call.mode,
		commonInterests: call.commonInterests,
		status: 'active',
		createdAt: now,
		endedBy: null,
		endedAt: null,
		...resumes
	};
	// Partner, role and shared interests ride on the lobby entry each page already watches,
	// so the offerer starts negotiating from that snapshot, and no page reads the call.
	const matched = (uid: string, partner: string): LobbyMatchWrite<FieldValue> => ({
		status: 'matched',
		callId: callRef.id,
		matchedAt: now,
		partner,
		role: uid === call.offerer ? 'offerer' : 'answerer',
		commonInterests: call.commonInterests,
		...resumes
	});
	const [a, b] = call.members;
	tx.create(callRef, doc);
	tx.update(lobby.doc(a), { ...matched(a, b) });
	tx.update(lobby.doc(b), { ...matched(b, a) });
	return callRef.id;
}
