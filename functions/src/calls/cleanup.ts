// What a call leaves behind when it ends: the session descriptions on the call document,
// both candidate documents, and the members' lobby entries that still point at it. The
// slim call document (members, who ended it, when) stays so a member can still report.
import { type Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS, type CallDoc } from '../shared/model';
import { lobbyCollection } from '../firestore';

export async function cleanUpEndedCall(firestore: Firestore, callId: string, call: CallDoc): Promise<void> {
	const callRef = firestore.collection(COLLECTIONS.calls).doc(callId);
	const lobby = lobbyCollection(firestore);
	await firestore.runTransaction(async (tx) => {
		const [callSnap, ...entries] = await tx.getAll(callRef, ...call.members.map((uid) => lobby.doc(uid)));
		for (const snap of entries) {
			const entry = snap.data();
			// A member who already pressed "New chat" has a fresh waiting entry: leave it be.
			if (entry?.status === 'matched' && entry.callId === callId) tx.delete(snap.ref);
		}
		for (const uid of call.members) tx.delete(callRef.collection(COLLECTIONS.candidates).doc(uid));
		// Gone already (swept, or deleted with its project's test data): nothing to strip.
		if (callSnap?.exists) tx.update(callRef, { offer: null, answer: null });
	});
}
