// Undo after an accidental Next (functions/src/shared/undo.ts has the decision): one
// transaction re-reads the old call, both lobby entries and both safety records and bans,
// and only if both are still free ends the caller's new search and creates the call that
// brings them back, marking the old call undone (once per call).
import { FieldValue, type Firestore, type Transaction } from 'firebase-admin/firestore';
import { HttpsError, onCall } from 'firebase-functions/v2/https';
import { logger } from 'firebase-functions/v2';
import { appCheckOptions } from '../appCheck';
import { callConverter, db, lobbyCollection, safetyConverter } from '../firestore';
import { RUNTIME } from '../runtime';
import { COLLECTIONS, partnerOf, type CallUndoneWrite } from '../shared/model';
import { avoidedBy, EMPTY_SAFETY_RECORD, InvalidRequestError, isBanActive, parseBanDoc, SAFETY_COLLECTIONS } from '../shared/safety';
import { parseUndoRequest, undoRefusal, type UndoRequest, type UndoResponse } from '../shared/undo';
import { createCallInTransaction } from './create';

export async function undoInTransaction(tx: Transaction, firestore: Firestore, uid: string, callId: string): Promise<UndoResponse> {
	const callRef = firestore.collection(COLLECTIONS.calls).doc(callId);
	const call = (await tx.get(callRef.withConverter(callConverter))).data() ?? null;
	if (!call || !call.members.includes(uid)) return { outcome: 'refused', reason: 'not-a-member' };
	const partner = partnerOf(call, uid);
	const lobby = lobbyCollection(firestore);
	const safety = firestore.collection(SAFETY_COLLECTIONS.safety).withConverter(safetyConverter);
	const bans = firestore.collection(SAFETY_COLLECTIONS.bans);
	const [callerEntry, partnerEntry, callerSafety, partnerSafety, callerBan, partnerBan] = await Promise.all([
		tx.get(lobby.doc(uid)),
		tx.get(lobby.doc(partner)),
		tx.get(safety.doc(uid)),
		tx.get(safety.doc(partner)),
		tx.get(bans.doc(uid)),
		tx.get(bans.doc(partner))
	]);
	const nowMs = Date.now();
	const banned = [callerBan, partnerBan].some((snap) => {
		const data = snap.data();
		return data !== undefined && isBanActive(parseBanDoc(snap.ref.path, data), nowMs);
	});
	const blocked =
		banned ||
		avoidedBy(callerSafety.data() ?? EMPTY_SAFETY_RECORD).has(partner) ||
		avoidedBy(partnerSafety.data() ?? EMPTY_SAFETY_RECORD).has(uid);
	const refusal = undoRefusal({
		uid,
		callId,
		call,
		nowMs,
		callerEntry: callerEntry.data() ?? null,
		partnerEntry: partnerEntry.data() ?? null,
		blocked
	});
	if (refusal !== null) return { outcome: 'refused', reason: refusal };
	const resumed = createCallInTransaction(tx, firestore, {
		members: call.members,
		offerer: call.offerer,
		mode: call.mode,
		commonInterests: call.commonInterests,
		resumes: callId
	});
	const undone: CallUndoneWrite<FieldValue> = { undoneAs: resumed, undoneAt: FieldValue.serverTimestamp() };
	tx.update(callRef, { ...undone });
	return { outcome: 'resumed', callId: resumed };
}

export function undoNext(firestore: Firestore, uid: string, request: UndoRequest): Promise<UndoResponse> {
	return firestore.runTransaction((tx) => undoInTransaction(tx, firestore, uid, request.callId));
}

/**
 * The `undoNext` callable. A refusal is an answer, not an error: the page says "They have
 * already moved on" and the search goes on. Errors are for requests that are not undos.
 */
export const undoNextCallable = onCall({ ...RUNTIME.undoNext, ...appCheckOptions() }, async (request): Promise<UndoResponse> => {
	const uid = request.auth?.uid;
	if (!uid) throw new HttpsError('unauthenticated', 'Sign in first: only someone who just left a chat can go back to it.');
	let body: UndoRequest;
	try {
		body = parseUndoRequest(request.data);
	} catch (error) {
		if (error instanceof InvalidRequestError) throw new HttpsError('invalid-argument', error.message);
		throw error;
	}
	const response = await undoNext(db(), uid, body);
	logger.info('undoNext', { uid, callId: body.callId, ...response });
	return response;
});
