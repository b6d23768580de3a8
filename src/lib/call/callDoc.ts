// calls/{callId}: created by the matchmaker. Ending the call is all a member may write here
// (and all the page does with it): the negotiation happens in the signal documents
// (signals.ts), and the end reaches the partner through their lobby entry.
import { doc, runTransaction, serverTimestamp, updateDoc, type FieldValue, type Firestore } from 'firebase/firestore';
import { COLLECTIONS, parseCallDoc, type CallEndWrite } from '$shared/model';
import { codeOf } from '../errors';
import { readConverter } from '../firebase/converter';
import { readFromServer } from '../firebase/serverRead';

const callConverter = readConverter(parseCallDoc);

function endWrite(uid: string): CallEndWrite<FieldValue> {
	return { status: 'ended', endedBy: uid, endedAt: serverTimestamp() };
}

/** We leave a call we know is active (Next, Stop, closing the tab): one plain write. */
export async function endCall(db: Firestore, callId: string, uid: string): Promise<void> {
	await updateDoc(doc(db, COLLECTIONS.calls, callId), { ...endWrite(uid) });
}

/**
 * The call ended from the partner's side or the network's, and the partner may well have
 * ended the document already. The rules refuse a second end, and a refused write is not
 * harmless: it resets the SDK's write stream, which re-sends writes queued behind it (a
 * join that already went through comes back refused as too soon). So read first, in a
 * transaction, which also runs outside that stream; it costs one read, once per call.
 */
export async function endCallIfActive(db: Firestore, callId: string, uid: string): Promise<void> {
	const ref = doc(db, COLLECTIONS.calls, callId);
	await runTransaction(db, async (tx) => {
		const call = (await tx.get(ref.withConverter(callConverter))).data();
		if (call?.status === 'active') tx.update(ref, { ...endWrite(uid) });
	});
}

/**
 * Whether the call is still active, asked of the server (the page does not listen to the
 * call document; the end reaches it through the lobby entry, a moment later). A call the
 * cleanup has deleted is over; its members may read it only while it exists.
 */
export async function isCallActive(db: Firestore, callId: string): Promise<boolean> {
	try {
		const call = await readFromServer(db, doc(db, COLLECTIONS.calls, callId).withConverter(callConverter));
		return call?.status === 'active';
	} catch (error) {
		if (codeOf(error) === 'permission-denied') return false;
		throw error;
	}
}
