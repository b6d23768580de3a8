// What travels over the data channel between the two browsers. Chat messages never touch
// Firestore; the receiver validates everything, because the other end is a stranger.

export const MAX_MESSAGE_CHARS = 1000;

export type WireMessage =
	| { kind: 'text'; id: string; text: string }
	/** The sender is typing; the receiver shows it for a few seconds. */
	| { kind: 'typing' }
	/** Sent every few seconds so either side notices a silent partner (closed tab, lost network). */
	| { kind: 'ping' }
	/** The sender pressed Next or Stop: the partner knows at once, before Firestore says so. */
	| { kind: 'bye' };

/** Trims and checks a message the user typed; null when there is nothing sendable. */
export function prepareText(raw: string): string | null {
	const text = raw.trim();
	return text.length > 0 && text.length <= MAX_MESSAGE_CHARS ? text : null;
}

export function encodeWire(message: WireMessage): string {
	return JSON.stringify(message);
}

/** Parses what the stranger sent; anything malformed or oversized is dropped (null). */
export function decodeWire(raw: unknown): WireMessage | null {
	if (typeof raw !== 'string' || raw.length > MAX_MESSAGE_CHARS * 8) return null;
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		return null;
	}
	if (typeof value !== 'object' || value === null) return null;
	const kind: unknown = Reflect.get(value, 'kind');
	if (kind === 'typing' || kind === 'ping' || kind === 'bye') return { kind };
	if (kind !== 'text') return null;
	const id: unknown = Reflect.get(value, 'id');
	const text: unknown = Reflect.get(value, 'text');
	if (typeof id !== 'string' || id.length > 64 || typeof text !== 'string') return null;
	const clean = prepareText(text);
	return clean === null ? null : { kind, id, text: clean };
}
