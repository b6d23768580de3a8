// A document as the server has it now, for the moments when a listener may have missed a
// write (the emulator drops about 1 in 200 writes that race a listener's start).
import { runTransaction, type DocumentReference, type Firestore } from 'firebase/firestore';

/**
 * Not getDocFromServer: the SDK answers that by listening to the document once more, and
 * while a listener already watches the same document it hands over that listener's view,
 * so a write the listener missed is missed again. (A browser run's read 3 s after a lost
 * match sent nothing over the network and returned the stale "waiting" entry; the partner
 * gave up 17 s later.) A transaction's read is a request of its own, outside the listen
 * stream; reading only, it writes nothing.
 */
export function readFromServer<T>(db: Firestore, ref: DocumentReference<T>): Promise<T | undefined> {
	return runTransaction(db, async (tx) => (await tx.get(ref)).data());
}
