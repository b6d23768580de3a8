// calls/{callId}: created by the matchmaker. The offerer writes the offer, the other member
// the answer, and either member ends the call; rules hold each to exactly that.
import {
	doc,
	getDocFromServer,
	serverTimestamp,
	updateDoc,
	type DocumentReference,
	type FieldValue,
	type Firestore,
	type Unsubscribe
} from 'firebase/firestore';
import {
	COLLECTIONS,
	parseCallDoc,
	type CallDoc,
	type CallEndWrite,
	type SessionDescriptionRecord
} from '$shared/model';
import { readConverter } from '../firebase/converter';
import { watchConfirmedDoc } from '../firebase/watch';

export const callDocConverter = readConverter<CallDoc>(parseCallDoc);

export function callDocRef(db: Firestore, callId: string): DocumentReference<CallDoc> {
	return doc(db, COLLECTIONS.calls, callId).withConverter(callDocConverter);
}

function rawCallRef(db: Firestore, callId: string) {
	return doc(db, COLLECTIONS.calls, callId);
}

export async function publishDescription(
	db: Firestore,
	callId: string,
	description: SessionDescriptionRecord
): Promise<void> {
	const field = description.type; // 'offer' or 'answer'
	await updateDoc(rawCallRef(db, callId), { [field]: { type: description.type, sdp: description.sdp } });
}

export async function endCall(db: Firestore, callId: string, uid: string): Promise<void> {
	const end: CallEndWrite<FieldValue> = { status: 'ended', endedBy: uid, endedAt: serverTimestamp() };
	await updateDoc(rawCallRef(db, callId), { ...end });
}

/** A fresh read from the server, for when a listener seems to lag behind. */
export async function readCallDoc(db: Firestore, callId: string): Promise<CallDoc | null> {
	return (await getDocFromServer(callDocRef(db, callId))).data() ?? null;
}

export function watchCallDoc(
	db: Firestore,
	callId: string,
	onCall: (call: CallDoc | null) => void,
	onError: (error: Error) => void
): Unsubscribe {
	return watchConfirmedDoc(callDocRef(db, callId), onCall, onError);
}
