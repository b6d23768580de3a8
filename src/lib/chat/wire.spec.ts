import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire, MAX_MESSAGE_CHARS, prepareText, readWire } from './wire';

describe('chat wire format', () => {
	it('round-trips a text message', () => {
		const message = { kind: 'text' as const, id: 'm1', text: 'hello there' };
		expect(decodeWire(encodeWire(message))).toEqual(message);
	});

	it('trims what the user typed and refuses empty or overlong text', () => {
		expect(prepareText('  hi \n')).toBe('hi');
		expect(prepareText('   ')).toBeNull();
		expect(prepareText('x'.repeat(MAX_MESSAGE_CHARS))).toHaveLength(MAX_MESSAGE_CHARS);
		expect(prepareText('x'.repeat(MAX_MESSAGE_CHARS + 1))).toBeNull();
	});

	it('carries typing, ping and bye signals', () => {
		for (const kind of ['typing', 'ping', 'bye'] as const) expect(decodeWire(encodeWire({ kind }))).toEqual({ kind });
		expect(decodeWire(JSON.stringify({ kind: 'typing', extra: 'ignored' }))).toEqual({ kind: 'typing' });
	});

	it('drops whatever a hostile stranger might send', () => {
		expect(decodeWire('not json')).toBeNull();
		expect(decodeWire(new ArrayBuffer(4))).toBeNull();
		expect(decodeWire(JSON.stringify({ kind: 'text', id: 'a' }))).toBeNull();
		expect(decodeWire(JSON.stringify({ kind: 'html', id: 'a', text: '<b>x</b>' }))).toBeNull();
		expect(decodeWire(JSON.stringify({ kind: 'text', id: 'a', text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) }))).toBeNull();
		expect(decodeWire(JSON.stringify({ kind: 'text', id: 'a'.repeat(65), text: 'x' }))).toBeNull();
		expect(decodeWire(JSON.stringify(null))).toBeNull();
	});
});

describe('hello (the display name)', () => {
	it('carries the sender\'s name, or none', () => {
		expect(decodeWire(encodeWire({ kind: 'hello', name: 'Alex' }))).toEqual({ kind: 'hello', name: 'Alex' });
		expect(decodeWire(encodeWire({ kind: 'hello', name: null }))).toEqual({ kind: 'hello', name: null });
	});

	it('cleans what the stranger claims: invisible tricks are dropped, anything invalid is no name', () => {
		expect(decodeWire(JSON.stringify({ kind: 'hello', name: '\u202Eevil\u200B ' }))).toEqual({ kind: 'hello', name: 'evil' });
		for (const name of ['x'.repeat(21), '', '\u200B', 42, { first: 'A' }, undefined, 'You']) {
			expect(decodeWire(JSON.stringify({ kind: 'hello', name }))).toEqual({ kind: 'hello', name: null });
		}
	});
});

describe('media state', () => {
	it('carries whether the camera and microphone are on, and nothing else', () => {
		const state = { kind: 'media' as const, camera: false, mic: true };
		expect(decodeWire(encodeWire(state))).toEqual(state);
		expect(decodeWire(JSON.stringify({ ...state, extra: '<b>' }))).toEqual(state);
		expect(decodeWire(JSON.stringify({ kind: 'media', camera: 'off', mic: true }))).toBeNull();
		expect(decodeWire(JSON.stringify({ kind: 'media', camera: false }))).toBeNull();
	});
});

describe('readWire', () => {
	it('says why something was dropped: too long, or unreadable', () => {
		const long = JSON.stringify({ kind: 'text', id: 'a', text: 'x'.repeat(MAX_MESSAGE_CHARS + 1) });
		expect(readWire(long)).toEqual({ message: null, problem: 'too-long' });
		expect(readWire('z'.repeat(MAX_MESSAGE_CHARS * 8 + 1))).toEqual({ message: null, problem: 'too-long' });
		expect(readWire('not json')).toEqual({ message: null, problem: 'malformed' });
		expect(readWire(JSON.stringify({ kind: 'text', id: 'a', text: '  ' }))).toEqual({ message: null, problem: 'malformed' });
		expect(readWire(encodeWire({ kind: 'ping' }))).toEqual({ message: { kind: 'ping' }, problem: null });
	});
});
