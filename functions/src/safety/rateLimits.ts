// Server-side rate limits: one document per (action, subject) holding the times of the
// subject's recent events, read and written inside the caller's transaction, so parallel
// requests cannot all slip through one window. A subject is whatever the limit follows: a
// uid, a device key, a network key (never a raw address).
import type { Firestore, Transaction } from 'firebase-admin/firestore';
import { keepNewest, rateCheck, SAFETY_COLLECTIONS } from '../shared/safety';

export interface RateLimit {
	max: number;
	windowMs: number;
}

export interface RateSubject {
	/** What is limited, e.g. "iceServers". */
	action: string;
	/** Who is limited: a uid or a hash; [A-Za-z0-9_-] only. */
	key: string;
	limit: RateLimit;
}

/** A request over one of its limits; `retryAtMs` is when the oldest event leaves the window. */
export class RateLimited extends Error {
	constructor(
		readonly subject: RateSubject,
		readonly retryAtMs: number
	) {
		super(`Rate limit for ${subject.action} reached`);
		this.name = 'RateLimited';
	}
}

/**
 * Reads each subject's window in `tx` and throws RateLimited if any is full; otherwise
 * returns a function that records this event in all of them (call it after the
 * transaction's other reads: Firestore wants every read before the first write).
 */
export async function checkRates(
	tx: Transaction,
	firestore: Firestore,
	subjects: readonly RateSubject[],
	nowMs: number
): Promise<() => void> {
	const refs = subjects.map((s) => firestore.collection(SAFETY_COLLECTIONS.rates).doc(`${s.action}_${s.key}`));
	const snaps = refs.length > 0 ? await tx.getAll(...refs) : [];
	const windows = snaps.map((snap, i) => {
		const subject = subjects[i];
		if (!subject) throw new Error('rate subjects and reads out of step');
		const raw: unknown = snap.get('atMs');
		const past = Array.isArray(raw) ? raw.filter((t): t is number => typeof t === 'number') : [];
		const decision = rateCheck(past, nowMs, subject.limit);
		if (!decision.allowed) throw new RateLimited(subject, decision.retryAtMs ?? nowMs + subject.limit.windowMs);
		return past.filter((t) => t > nowMs - subject.limit.windowMs);
	});
	return () => {
		refs.forEach((ref, i) => {
			const subject = subjects[i];
			if (!subject) return;
			tx.set(ref, { atMs: keepNewest([...(windows[i] ?? []), nowMs], subject.limit.max), expiresAtMs: nowMs + subject.limit.windowMs });
		});
	};
}

/** "in 3 min" / "in 40 s": when to try again, for a user-facing message. */
export function retryIn(retryAtMs: number, nowMs: number): string {
	const seconds = Math.max(1, Math.ceil((retryAtMs - nowMs) / 1000));
	return seconds < 90 ? `in ${seconds} s` : `in ${Math.ceil(seconds / 60)} min`;
}
