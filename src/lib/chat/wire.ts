// What travels over the data channel between the two browsers. Chat messages never touch
// Firestore; the receiver validates everything, because the other end is a stranger.
import { cleanDisplayName } from '$shared/displayName';

export const MAX_MESSAGE_CHARS = 1000;

export type WireMessage =
	| { kind: 'text'; id: string; text: string }
	/** The sender is typing; the receiver shows it for a few seconds. */
	| { kind: 'typing' }
	/** Sent every few seconds so either side notices a silent partner (closed tab, lost network). */
	| { kind: 'ping' }
	/** The sender pressed Next or Stop: the partner knows at once, before Firestore says so. */
	| { kind: 'bye' }
	/**
	 * Sent once when the channel opens: the name the sender chose to show (null: none, shown
	 * as "Stranger"). Only ever over this channel, so no server sees or stores it.
	 */
	| { kind: 'hello'; name: string | null }
	/** The sender's camera and microphone are on or off (sent when the call opens and on every change). */
	| { kind: 'media'; camera: boolean; mic: boolean };

/** Trims and checks a message the user typed; null when there is nothing sendable. */
export function prepareText(raw: string): string | null {
	const text = raw.trim();
	return text.length > 0 && text.length <= MAX_MESSAGE_CHARS ? text : null;
}

export function encodeWire(message: WireMessage): string {
	return JSON.stringify(message);
}

/** Why something the stranger sent was dropped: unreadable, or text over MAX_MESSAGE_CHARS. */
export type WireProblem = 'malformed' | 'too-long';

export type WireReading = { message: WireMessage; problem: null } | { message: null; problem: WireProblem };

const dropped = (problem: WireProblem): WireReading => ({ message: null, problem });

/** Parses what the stranger sent, saying why when it is dropped. */
export function readWire(raw: unknown): WireReading {
	if (typeof raw !== 'string') return dropped('malformed');
	// Far beyond any message we could send: do not even parse it.
	if (raw.length > MAX_MESSAGE_CHARS * 8) return dropped('too-long');
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		return dropped('malformed');
	}
	if (typeof value !== 'object' || value === null) return dropped('malformed');
	const kind: unknown = Reflect.get(value, 'kind');
	if (kind === 'typing' || kind === 'ping' || kind === 'bye') return { message: { kind }, problem: null };
	// A name that does not survive cleaning is no name: the partner is "Stranger".
	if (kind === 'hello') return { message: { kind, name: cleanDisplayName(Reflect.get(value, 'name')) }, problem: null };
	if (kind === 'media') {
		const camera: unknown = Reflect.get(value, 'camera');
		const mic: unknown = Reflect.get(value, 'mic');
		if (typeof camera !== 'boolean' || typeof mic !== 'boolean') return dropped('malformed');
		return { message: { kind, camera, mic }, problem: null };
	}
	if (kind !== 'text') return dropped('malformed');
	const id: unknown = Reflect.get(value, 'id');
	const text: unknown = Reflect.get(value, 'text');
	if (typeof id !== 'string' || id.length > 64 || typeof text !== 'string') return dropped('malformed');
	const clean = prepareText(text);
	if (clean === null) return dropped(text.trim().length > MAX_MESSAGE_CHARS ? 'too-long' : 'malformed');
	return { message: { kind, id, text: clean }, problem: null };
}

/** Parses what the stranger sent; anything malformed or oversized is dropped (null). */
export function decodeWire(raw: unknown): WireMessage | null {
	return readWire(raw).message;
}
