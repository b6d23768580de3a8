// What the safety functions keep only for a while: network hashes (at most 48 hours, see
// networkRecordExpiresAtMs), the network key on each binding, and rate limit windows.
// Run by the sweep; in production a Firestore TTL policy on `expiresAtMs`-style fields
// would do the same, but the emulator has none.
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { SAFETY_COLLECTIONS } from '../shared/safety';

export interface ExpiryReport {
	networks: number;
	networkKeysForgotten: number;
	rateWindows: number;
}

const PAGE = 400;

export async function forgetExpired(firestore: Firestore, nowMs: number): Promise<ExpiryReport> {
	const [networks, identities, rates] = await Promise.all([
		firestore.collection(SAFETY_COLLECTIONS.networks).where('expiresAtMs', '<=', nowMs).limit(PAGE).get(),
		firestore.collection(SAFETY_COLLECTIONS.identities).where('networkExpiresAtMs', '<=', nowMs).limit(PAGE).get(),
		firestore.collection(SAFETY_COLLECTIONS.rates).where('expiresAtMs', '<=', nowMs).limit(PAGE).get()
	]);
	const writer = firestore.bulkWriter();
	networks.docs.forEach((d) => void writer.delete(d.ref));
	rates.docs.forEach((d) => void writer.delete(d.ref));
	identities.docs.forEach((d) => void writer.update(d.ref, { networkKey: null, networkExpiresAtMs: FieldValue.delete() }));
	await writer.close();
	return { networks: networks.size, networkKeysForgotten: identities.size, rateWindows: rates.size };
}
