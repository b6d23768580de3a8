// The receiving end of one call's data channel: what the stranger sent, checked. Text that
// comes faster than RECEIVE_LIMIT or is longer than MAX_MESSAGE_CHARS is dropped, and the
// user is told once per call and reason, not once per message. No browser APIs: the
// session feeds it the channel's raw messages, and unit tests feed it strings and a clock.
import { RECEIVE_LIMIT, TokenBucket, type Clock, type RateLimit } from './rateLimit';
import { readWire, type WireMessage } from './wire';

export type HiddenReason = 'too-fast' | 'too-long';

export const HIDDEN_NOTICES: Readonly<Record<HiddenReason, string>> = Object.freeze({
	'too-fast': 'Some messages from the stranger were hidden because they came too fast.',
	'too-long': 'Some messages from the stranger were hidden because they were too long.'
});

export interface Received {
	/** What to act on; null when the message was dropped. */
	message: WireMessage | null;
	/** A line for the chat log, the first time something is hidden for this reason. */
	notice: string | null;
}

export class Inbox {
	readonly #bucket: TokenBucket;
	readonly #told = new Set<HiddenReason>();
	#hidden = 0;

	constructor(limit: RateLimit = RECEIVE_LIMIT, now: Clock = Date.now) {
		this.#bucket = new TokenBucket(limit, now);
	}

	/** Text messages dropped so far (for diagnostics). */
	get hidden(): number {
		return this.#hidden;
	}

	receive(raw: unknown): Received {
		const { message, problem } = readWire(raw);
		if (problem === 'too-long') return this.#hide('too-long');
		if (!message) return { message: null, notice: null }; // malformed: nothing a person would miss
		// Only text counts: typing signals and pings are throttled by the sender and never shown.
		if (message.kind === 'text' && !this.#bucket.take()) return this.#hide('too-fast');
		return { message, notice: null };
	}

	#hide(reason: HiddenReason): Received {
		this.#hidden++;
		if (this.#told.has(reason)) return { message: null, notice: null };
		this.#told.add(reason);
		return { message: null, notice: HIDDEN_NOTICES[reason] };
	}
}
