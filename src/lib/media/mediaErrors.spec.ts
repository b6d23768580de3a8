import { describe, expect, it } from 'vitest';
import { canRetry, describeMediaError, mediaProblemMessage, type MediaProblemCode } from './mediaErrors';

const domError = (name: string) => new DOMException('browser detail', name);

describe('describeMediaError', () => {
	it.each([
		['NotAllowedError', 'permission-denied'],
		['SecurityError', 'permission-denied'],
		['PermissionDeniedError', 'permission-denied'],
		['NotFoundError', 'no-device'],
		['DevicesNotFoundError', 'no-device'],
		['OverconstrainedError', 'no-device'],
		['NotReadableError', 'device-busy'],
		['TrackStartError', 'device-busy'],
		['AbortError', 'device-busy']
	] as const)('maps %s to %s', (name, code) => {
		expect(describeMediaError(domError(name), 'video').code).toBe(code);
	});

	it('reads the name of non-DOMException errors too (Chrome throws an OverconstrainedError object)', () => {
		expect(describeMediaError({ name: 'OverconstrainedError', constraint: 'deviceId' }, 'audio').code).toBe(
			'no-device'
		);
	});

	it('tells an insecure page from a browser without the API when mediaDevices is missing', () => {
		const missing = new TypeError("Cannot read properties of undefined (reading 'getUserMedia')");
		expect(describeMediaError(missing, 'video', false).code).toBe('insecure-context');
		expect(describeMediaError(missing, 'video', true).code).toBe('unsupported');
	});

	it('treats anything else as unknown', () => {
		for (const error of [new Error('boom'), 'text', null, undefined, 42, { name: 'constructor' }]) {
			expect(describeMediaError(error, 'audio').code).toBe('unknown');
		}
	});

	it('explains a denied permission and what to do next', () => {
		expect(describeMediaError(domError('NotAllowedError'), 'video').message).toBe(
			"Tangent can't use your camera and microphone because permission was denied. " +
				'Click the camera icon in the address bar to allow it, then press Try again — or continue with text chat.'
		);
		expect(describeMediaError(domError('NotAllowedError'), 'audio').message).toContain(
			"can't use your microphone"
		);
	});

	it('on a phone, says what to tap instead of an address-bar icon to click', () => {
		const denied = describeMediaError(domError('NotAllowedError'), 'video', true, 'phone').message;
		expect(denied).toContain('Tap the icon beside the web address');
		expect(denied).not.toMatch(/click|address bar/i);
		expect(denied).toMatch(/continue with text chat\.$/);
		expect(describeMediaError(domError('NotReadableError'), 'audio', true, 'phone').message).toContain('other call app');
		expect(describeMediaError(domError('NotFoundError'), 'video', true, 'phone').message).not.toContain('Plug one in');
		// The desktop wording stays the default.
		expect(describeMediaError(domError('NotAllowedError'), 'video', true, 'desktop').message).toContain('address bar');
	});

	it('names only the microphone in audio mode', () => {
		const codes: MediaProblemCode[] = [
			'permission-denied',
			'no-device',
			'device-busy',
			'insecure-context',
			'unsupported',
			'unknown'
		];
		for (const code of codes) {
			const message = mediaProblemMessage(code, 'audio');
			expect(message).toMatch(/microphone/);
			expect(message).not.toMatch(/camera/);
		}
	});

	it('always offers a way forward and never shows the raw browser message', () => {
		const errors = ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'Whatever'].map(domError);
		for (const wants of ['video', 'audio'] as const) {
			for (const error of [...errors, new TypeError('x')]) {
				const { message } = describeMediaError(error, wants);
				expect(message).toMatch(/continue with text chat\.$/);
				expect(message).not.toContain('browser detail');
			}
		}
	});

	it('asks to retry only when retrying can help', () => {
		expect(mediaProblemMessage('device-busy', 'video')).toContain('Try again');
		expect(mediaProblemMessage('no-device', 'video')).toContain('Try again');
		expect(mediaProblemMessage('insecure-context', 'video')).toContain('https://');
		expect(mediaProblemMessage('insecure-context', 'video')).not.toContain('Try again');
		expect(mediaProblemMessage('unsupported', 'video')).not.toContain('Try again');
		expect(canRetry('device-busy')).toBe(true);
		expect(canRetry('permission-denied')).toBe(true);
		expect(canRetry('insecure-context')).toBe(false);
		expect(canRetry('unsupported')).toBe(false);
	});
});
