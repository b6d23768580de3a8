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
