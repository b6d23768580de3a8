// Tangent's Cloud Functions (2nd gen). Each export is deployed as one function.
import { logger } from 'firebase-functions/v2';
import { onDocumentUpdated, onDocumentWritten } from 'firebase-functions/v2/firestore';
import { callConverter, db } from './firestore';
import { cleanUpEndedCall } from './calls/cleanup';
import { matchSeeker } from './matching/matchmaker';

/** Every write that leaves a lobby entry waiting looks for a partner for its owner. */
export const matchmaker = onDocumentWritten({ document: 'lobby/{uid}', maxInstances: 100 }, async (event) => {
	const after = event.data?.after;
	if (!after?.exists || after.get('status') !== 'waiting') return;
	const started = Date.now();
	const report = await matchSeeker(db(), event.params.uid);
	logger.info('matchmaker', { uid: event.params.uid, ms: Date.now() - started, ...report });
});

/** When a member ends a call, remove what signaling left in Firestore. */
export const callCleanup = onDocumentUpdated('calls/{callId}', async (event) => {
	const before = event.data?.before;
	const after = event.data?.after;
	if (!before || !after || before.get('status') === 'ended' || after.get('status') !== 'ended') return;
	const call = callConverter.fromFirestore(after);
	await cleanUpEndedCall(db(), event.params.callId, call);
	logger.info('callCleanup', { callId: event.params.callId, endedBy: call.endedBy });
});
