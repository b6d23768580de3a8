// bans/{uid}: a user's own ban, if any. Only functions write it; the rules let its owner
// read it, so that when a join is refused the app can say why and until when.
import { doc, getDoc, type Firestore } from 'firebase/firestore';
import { parseBanDoc, SAFETY_COLLECTIONS, type BanDoc } from '$shared/safety';
import { readConverter } from '../firebase/converter';

export const banConverter = readConverter<BanDoc>(parseBanDoc);

/** The user's ban as the server has it (never from cache), or null when there is none. */
export async function readOwnBan(db: Firestore, uid: string): Promise<BanDoc | null> {
	const snap = await getDoc(doc(db, SAFETY_COLLECTIONS.bans, uid).withConverter(banConverter));
	return snap.exists() ? snap.data() : null;
}
