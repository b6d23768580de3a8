// The receiving path of a call: what the stranger's raw data-channel messages become.
import { describe, expect, it } from 'vitest';
import { HIDDEN_NOTICES, Inbox } from './inbox';
import { RECEIVE_LIMIT, SEND_LIMIT, TokenBucket } from './rateLimit';
import { encodeWire, MAX_MESSAGE_CHARS } from './wire';

function fakeClock(start = 5_000_000) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

const text = (n: number | string, body = `message ${n}`) => encodeWire({ kind: 'text', id: `m${n}`, text: body });

describe('Inbox', () => {
	it('passes ordinary messages and signals through unchanged', () => {
		const inbox = new Inbox(RECEIVE_LIMIT, fakeClock().now);
		expect(inbox.receive(text(1, '  hello  '))).toEqual({ message: { kind: 'text', id: 'm1', text: 'hello' }, notice: null });
		for (const kind of ['typing', 'ping', 'bye'] as const) {
			expect(inbox.receive(encodeWire({ kind }))).toEqual({ message: { kind }, notice: null });
		}
	});

	it('hides text beyond the rate, telling the user once, not once per message', () => {
		const clock = fakeClock();
		const inbox = new Inbox({ burst: 3, perSecond: 1 }, clock.now);
		const results = Array.from({ length: 10 }, (_, i) => inbox.receive(text(i)));
		expect(results.slice(0, 3).map((r) => r.message?.kind)).toEqual(['text', 'text', 'text']);
		expect(results.slice(3).every((r) => r.message === null)).toBe(true);
		expect(results.map((r) => r.notice).filter(Boolean)).toEqual([HIDDEN_NOTICES['too-fast']]);
		expect(HIDDEN_NOTICES['too-fast']).toBe('Some messages from the stranger were hidden because they came too fast.');
		expect(inbox.hidden).toBe(7);

		// Later messages at a sane pace pass again; a second flood says nothing new.
		clock.advance(1_000);
		expect(inbox.receive(text('later')).message).toMatchObject({ text: 'message later' });
		const flood = Array.from({ length: 5 }, (_, i) => inbox.receive(text(`f${i}`)));
		expect(flood.map((r) => r.notice)).toEqual([null, null, null, null, null]);
	});

	it('never counts typing signals or pings against the stranger', () => {
		const inbox = new Inbox({ burst: 1, perSecond: 1 }, fakeClock().now);
		for (let i = 0; i < 20; i++) {
			inbox.receive(encodeWire({ kind: 'typing' }));
			inbox.receive(encodeWire({ kind: 'ping' }));
		}
		expect(inbox.receive(text(1)).message?.kind).toBe('text');
		expect(inbox.receive(encodeWire({ kind: 'bye' })).message).toEqual({ kind: 'bye' });
	});

	it('hides over-length text with its own single notice', () => {
		const inbox = new Inbox(RECEIVE_LIMIT, fakeClock().now);
		const long = text(1, 'x'.repeat(MAX_MESSAGE_CHARS + 1));
		const huge = 'y'.repeat(MAX_MESSAGE_CHARS * 8 + 1);
		expect(inbox.receive(long)).toEqual({ message: null, notice: HIDDEN_NOTICES['too-long'] });
		expect(inbox.receive(huge)).toEqual({ message: null, notice: null });
		expect(inbox.receive(text(2, 'x'.repeat(MAX_MESSAGE_CHARS))).message).toMatchObject({ kind: 'text' });
	});

	it('drops malformed data silently: nothing a person would miss', () => {
		const inbox = new Inbox(RECEIVE_LIMIT, fakeClock().now);
		for (const raw of ['not json', new ArrayBuffer(3), JSON.stringify({ kind: 'html' }), text(1, '   ')]) {
			expect(inbox.receive(raw)).toEqual({ message: null, notice: null });
		}
		expect(inbox.hidden).toBe(0);
	});

	it('an honest sender at its own limit, with network jitter, loses nothing', () => {
		// The sender's bucket decides when messages leave; each arrives 0–400 ms late.
		const clock = fakeClock();
		const sender = new TokenBucket(SEND_LIMIT, clock.now);
		const inbox = new Inbox(RECEIVE_LIMIT, clock.now);
		const sentAt: number[] = [];
		const start = clock.now();
		for (let t = 0; t < 60_000; t += 50) {
			clock.advance(t - (clock.now() - start));
			if (sender.take()) sentAt.push(clock.now());
		}
		const jitter = (i: number) => ((i * 7919) % 5) * 100;
		const arrivals = sentAt.map((t, i) => t + jitter(i)).sort((a, b) => a - b);
		const received = arrivals.map((at, i) => {
			clock.advance(at - clock.now());
			return inbox.receive(text(i)).message;
		});
		expect(sentAt.length).toBeGreaterThan(60);
		expect(received.every((m) => m?.kind === 'text')).toBe(true);
	});
});
