import { onSnapshot, type DocumentReference, type Unsubscribe } from 'firebase/firestore';

/**
 * Watches one document as the server has it: snapshots carrying our own pending writes
 * say nothing the server (or the other member) has decided yet, so they are skipped. A
 * document the converter cannot parse reaches `onError`, not an unhandled throw.
 */
export function watchConfirmedDoc<T>(
	ref: DocumentReference<T>,
	onValue: (value: T | null) => void,
	onError: (error: Error) => void
): Unsubscribe {
	return onSnapshot(
		ref,
		(snap) => {
			if (snap.metadata.hasPendingWrites) return;
			try {
				onValue(snap.data() ?? null);
			} catch (error) {
				onError(error instanceof Error ? error : new Error(String(error)));
			}
		},
		onError
	);
}
