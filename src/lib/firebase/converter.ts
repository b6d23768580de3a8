import type { DocumentData, FirestoreDataConverter, QueryDocumentSnapshot } from 'firebase/firestore';
import type { FirestoreData } from '$shared/model';

/**
 * A read converter around one of the shared parsers. Writes are built explicitly with the
 * shared `*Write` types, because what a client may write is narrower than what it reads.
 * Pending server timestamps read as estimates, so a fresh local write still parses.
 */
export function readConverter<T>(
	parse: (path: string, data: FirestoreData) => T
): FirestoreDataConverter<T, DocumentData> {
	return {
		toFirestore(): DocumentData {
			throw new Error('Write these documents with explicit *Write types, not through the converter');
		},
		fromFirestore(snapshot: QueryDocumentSnapshot): T {
			return parse(snapshot.ref.path, snapshot.data({ serverTimestamps: 'estimate' }));
		}
	};
}
