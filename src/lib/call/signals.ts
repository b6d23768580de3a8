// calls/{callId}/signals/{uid}: each member's session description and ICE candidates, in
// one document per member; each member watches only the partner's.
//
// What a member has to say goes out in as few writes as trickle ICE allows: a new
// description waits a moment (SIGNAL_TIMING.descriptionWaitMs, or until gathering is
// complete) so the candidates gathered meanwhile ride along, and later candidates are
// appended in batches with arrayUnion. On most networks that is one or two writes per
// member per call, where one document per candidate would be a dozen.
import {
	arrayUnion,
	doc,
	serverTimestamp,
	setDoc,
	type FieldValue,
	type Firestore,
	type Unsubscribe
} from 'firebase/firestore';
import {
	COLLECTIONS,
	encodeCandidate,
	LIMITS,
	parseSignalDoc,
	type SessionDescriptionRecord,
	type SignalDoc,
	type SignalWrite
} from '$shared/model';
import { readConverter } from '../firebase/converter';
import { readFromServer } from '../firebase/serverRead';
import { watchConfirmedDoc } from '../firebase/watch';

const signalConverter = readConverter<SignalDoc>(parseSignalDoc);

function signalRef(db: Firestore, callId: string, uid: string) {
	return doc(db, COLLECTIONS.calls, callId, COLLECTIONS.signals, uid);
}

const SIGNAL_TIMING = {
	/**
	 * How long a new description waits for candidates to ride along. Host candidates come
	 * within a few milliseconds; the partner can do nothing with a description alone
	 * anyway, so a short wait costs no time to connect and saves a write.
	 */
	descriptionWaitMs: 40,
	/** Candidates gathered later (server-reflexive, relay) are sent in batches this far apart. */
	batchDelayMs: 80,
	/**
	 * The rules refuse a write within LIMITS.signalWriteMinIntervalMs of the previous one
	 * (server time). Counting from the previous write's acknowledgement, which comes after
	 * the server stamped it, keeps the two apart whatever the network does.
	 */
	minIntervalMs: LIMITS.signalWriteMinIntervalMs
} as const;

/**
 * A write not acknowledged this long is logged while it waits: writes go out one after
 * another, so one held by the server holds every later one, and the call with it.
 */
const SLOW_WRITE_MS = 4_000;

/** Test hooks: how long to wait before each kind of write (minIntervalMs defaults to the rules'). */
export type SignalTiming = { descriptionWaitMs: number; batchDelayMs: number; minIntervalMs?: number };

/** The stored line for a browser's candidate (null: one the rules would refuse). */
function toCandidateLine(c: RTCIceCandidateInit): string | null {
	return encodeCandidate({
		candidate: c.candidate ?? '',
		sdpMid: c.sdpMid ?? null,
		sdpMLineIndex: c.sdpMLineIndex ?? null,
		usernameFragment: c.usernameFragment ?? null
	});
}

/**
 * Collects a member's description and candidates and writes them in as few writes as the
 * rules allow: at most LIMITS.candidatesPerWrite candidates per write, one write at a time,
 * LIMITS.signalWriteMinIntervalMs apart.
 */
export class SignalOutbox {
	#description: SessionDescriptionRecord | null = null;
	#queue: string[] = [];
	#timer: ReturnType<typeof setTimeout> | null = null;
	#dueAt = 0;
	#sent = 0;
	#closed = false;
	#writes: Promise<void> = Promise.resolve();
	/** When the previous write was acknowledged, on performance.now()'s clock (0: none yet). */
	#lastAckAt = 0;

	constructor(
		private readonly db: Firestore,
		private readonly callId: string,
		private readonly uid: string,
		private readonly onError: (error: Error) => void,
		private readonly timing: SignalTiming = SIGNAL_TIMING
	) {}

	/** A new offer or answer; it replaces any not yet sent (the newest is the one that counts). */
	publishDescription(description: SessionDescriptionRecord): void {
		if (this.#closed) return;
		this.#description = description;
		this.#schedule(this.timing.descriptionWaitMs);
	}

	add(candidate: RTCIceCandidateInit): void {
		if (this.#closed || !candidate.candidate) return;
		if (this.#sent + this.#queue.length >= LIMITS.candidatesPerMember) return; // rules would refuse
		const line = toCandidateLine(candidate);
		if (line === null) return; // one the rules would refuse, taking its whole batch with it
		this.#queue.push(line);
		this.#schedule(this.timing.batchDelayMs);
	}

	/** Writes whatever is waiting now: gathering finished, the channel opened, or a timer fired. */
	flush(): Promise<void> {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		if (this.#closed) return this.#writes;
		// Writes are chained so they land in order: an ICE restart's offer never overtakes the old one.
		this.#writes = this.#writes.then(() => this.#writeNext());
		return this.#writes;
	}

	close(): void {
		this.#closed = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#queue = [];
		this.#description = null;
	}

	/** One write of what is waiting when its turn comes (so candidates gathered meanwhile ride along). */
	async #writeNext(): Promise<void> {
		const wait = this.#lastAckAt + (this.timing.minIntervalMs ?? LIMITS.signalWriteMinIntervalMs) - performance.now();
		if (this.#lastAckAt > 0 && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
		const description = this.#description;
		const batch = this.#queue.splice(0, LIMITS.candidatesPerWrite);
		this.#description = null;
		if ((batch.length === 0 && !description) || this.#closed) return;
		this.#sent += batch.length;
		const write: SignalWrite<FieldValue, FieldValue> = { sentAt: serverTimestamp() };
		if (description) write.description = description;
		if (batch.length > 0) write.candidates = arrayUnion(...batch);
		// At debug level, like the call's other signaling steps: what a bug report needs.
		const what = `${description ? description.type + ' + ' : ''}${batch.length} candidates`;
		const startedAt = performance.now();
		const slow = setTimeout(
			() => console.debug(`[tangent] call ${this.callId}: signal write (${what}) not acknowledged after ${Math.round(performance.now() - startedAt)} ms`),
			SLOW_WRITE_MS
		);
		try {
			await setDoc(signalRef(this.db, this.callId, this.uid), write, { merge: true });
			console.debug(`[tangent] call ${this.callId}: signal write (${what}) acknowledged in ${Math.round(performance.now() - startedAt)} ms`);
		} catch (error) {
			// A write queued before close and refused after it says nothing: the call is over.
			if (!this.#closed) this.onError(error instanceof Error ? error : new Error(String(error)));
		} finally {
			clearTimeout(slow);
			this.#lastAckAt = performance.now();
		}
		if (this.#queue.length > 0 && !this.#closed) void this.flush(); // more than one write's worth
	}

	/** Flush within `delayMs`, or sooner if a flush is already due sooner. */
	#schedule(delayMs: number): void {
		const due = performance.now() + delayMs;
		if (this.#timer && this.#dueAt <= due) return;
		if (this.#timer) clearTimeout(this.#timer);
		this.#dueAt = due;
		this.#timer = setTimeout(() => void this.flush(), delayMs);
	}
}

/** Calls `onSignals` with the partner's whole document each time it changes. */
export function watchPartnerSignals(
	db: Firestore,
	callId: string,
	partnerUid: string,
	onSignals: (signals: SignalDoc) => void,
	onError: (error: Error) => void
): Unsubscribe {
	return watchConfirmedDoc(
		signalRef(db, callId, partnerUid).withConverter(signalConverter),
		(signals) => {
			if (signals) onSignals(signals);
		},
		onError
	);
}

/** A fresh read from the server, for when the listener seems to lag behind (see readFromServer). */
export async function readPartnerSignals(db: Firestore, callId: string, partnerUid: string): Promise<SignalDoc | null> {
	return (await readFromServer(db, signalRef(db, callId, partnerUid).withConverter(signalConverter))) ?? null;
}
