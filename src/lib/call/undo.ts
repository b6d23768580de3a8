// Undo after an accidental Next: the `undoNext` callable (functions/src/calls/undo.ts)
// brings back the stranger we left, if they are still free; the call then arrives through
// our lobby entry like any match. And the other side of it: a page that leaves an ended
// chat for good within the window marks the call `gone`, so it is not pulled back in.
import type { FirebaseApp } from 'firebase/app';
import { arrayUnion, doc, updateDoc, type FieldValue, type Firestore } from 'firebase/firestore';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { COLLECTIONS, type CallGoneWrite } from '$shared/model';
import { parseUndoResponse, type UndoResponse } from '$shared/undo';
import { FUNCTIONS_EMULATOR_PORT, FUNCTIONS_REGION } from './iceServers';

export async function requestUndo(app: FirebaseApp, emulatedHost: string | null, callId: string): Promise<UndoResponse> {
	const functions = getFunctions(app, FUNCTIONS_REGION);
	if (emulatedHost !== null) connectFunctionsEmulator(functions, emulatedHost, FUNCTIONS_EMULATOR_PORT);
	const result = await httpsCallable(functions, 'undoNext')({ callId });
	return parseUndoResponse(result.data);
}

/** We leave the ended call for good (Stop, closing the tab): its Undo must not bring us back. */
export async function markCallGone(db: Firestore, callId: string, uid: string): Promise<void> {
	const gone: CallGoneWrite<FieldValue> = { gone: arrayUnion(uid) };
	await updateDoc(doc(db, COLLECTIONS.calls, callId), { ...gone });
}
