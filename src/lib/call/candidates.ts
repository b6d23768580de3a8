// calls/{callId}/candidates/{uid}: each member's ICE candidates, in one document per member.
// Candidates are queued and flushed in batches with arrayUnion, so trickle ICE costs a
// couple of writes per member per call instead of one document per candidate.
import {
	arrayUnion,
	doc,
	onSnapshot,
	setDoc,
	type Firestore,
	type Unsubscribe
} from 'firebase/firestore';
import { COLLECTIONS, LIMITS, parseCandidatesDoc, type CandidatesDoc, type IceCandidateRecord } from '$shared/model';
import { readConverter } from '../firebase/converter';

const candidatesConverter = readConverter<CandidatesDoc>(parseCandidatesDoc);

function candidatesRef(db: Firestore, callId: string, uid: string) {
	return doc(db, COLLECTIONS.calls, callId, COLLECTIONS.candidates, uid);
}

export function toCandidateRecord(c: RTCIceCandidateInit): IceCandidateRecord {
	return {
		candidate: c.candidate ?? '',
		sdpMid: c.sdpMid ?? null,
		sdpMLineIndex: c.sdpMLineIndex ?? null,
		usernameFragment: c.usernameFragment ?? null
	};
}

/**
 * Collects local candidates and writes them in batches: the first candidate starts a short
 * timer, and everything gathered until it fires goes out in one write.
 */
export class CandidateOutbox {
	#queue: IceCandidateRecord[] = [];
	#timer: ReturnType<typeof setTimeout> | null = null;
	#sent = 0;
	#closed = false;
	#writes: Promise<void> = Promise.resolve();

	constructor(
		private readonly db: Firestore,
		private readonly callId: string,
		private readonly uid: string,
		private readonly onError: (error: Error) => void,
		private readonly batchDelayMs = 80
	) {}

	add(candidate: RTCIceCandidateInit): void {
		if (this.#closed || !candidate.candidate) return;
		if (this.#sent + this.#queue.length >= LIMITS.candidatesPerMember) return; // rules would refuse
		this.#queue.push(toCandidateRecord(candidate));
		this.#timer ??= setTimeout(() => this.flush(), this.batchDelayMs);
	}

	/** Writes whatever is queued now; gathering finished or the batch timer fired. */
	flush(): Promise<void> {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		const batch = this.#queue.splice(0);
		if (batch.length === 0 || this.#closed) return this.#writes;
		this.#sent += batch.length;
		// Writes are chained so batches land in order.
		this.#writes = this.#writes.then(() =>
			setDoc(candidatesRef(this.db, this.callId, this.uid), { candidates: arrayUnion(...batch) }, { merge: true }).catch(
				(error: unknown) => this.onError(error instanceof Error ? error : new Error(String(error)))
			)
		);
		return this.#writes;
	}

	close(): void {
		this.#closed = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#queue = [];
	}
}

/** Calls `onCandidates` with the partner's full list each time it grows. */
export function watchPartnerCandidates(
	db: Firestore,
	callId: string,
	partnerUid: string,
	onCandidates: (candidates: IceCandidateRecord[]) => void,
	onError: (error: Error) => void
): Unsubscribe {
	return onSnapshot(
		candidatesRef(db, callId, partnerUid).withConverter(candidatesConverter),
		(snap) => {
			const data = snap.data();
			if (data) onCandidates(data.candidates);
		},
		onError
	);
}
