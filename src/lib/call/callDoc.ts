// calls/{callId}: created by the matchmaker. Ending the call is all a member may write here
// (and all the page does with it): the negotiation happens in the signal documents
// (signals.ts), and the end reaches the partner through their lobby entry.
import { doc, serverTimestamp, updateDoc, type FieldValue, type Firestore } from 'firebase/firestore';
import { COLLECTIONS, type CallEndWrite } from '$shared/model';

export async function endCall(db: Firestore, callId: string, uid: string): Promise<void> {
	const end: CallEndWrite<FieldValue> = { status: 'ended', endedBy: uid, endedAt: serverTimestamp() };
	await updateDoc(doc(db, COLLECTIONS.calls, callId), { ...end });
}
