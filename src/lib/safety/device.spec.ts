import { describe, expect, it } from 'vitest';
import { DEVICE_TOKEN_PATTERN } from '$shared/safety';
import { DEVICE_TOKEN_KEY, deviceToken, type TokenStore } from './device';

function memoryStore(): TokenStore & { items: Map<string, string> } {
	const items = new Map<string, string>();
	return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}

describe('the device token', () => {
	it('is made once, kept, and has the shape the server accepts', () => {
		const store = memoryStore();
		const first = deviceToken(store);
		expect(first).toMatch(DEVICE_TOKEN_PATTERN);
		expect(store.items.get(DEVICE_TOKEN_KEY)).toBe(first);
		expect(deviceToken(store)).toBe(first);
	});

	it('replaces a kept value the server would refuse', () => {
		const store = memoryStore();
		store.items.set(DEVICE_TOKEN_KEY, 'short');
		expect(deviceToken(store)).toMatch(DEVICE_TOKEN_PATTERN);
	});

	it('still gives a token when storage refuses (private modes)', () => {
		const refusing: TokenStore = {
			getItem: () => {
				throw new Error('SecurityError');
			},
			setItem: () => {
				throw new Error('SecurityError');
			}
		};
		expect(deviceToken(refusing)).toMatch(DEVICE_TOKEN_PATTERN);
		expect(deviceToken(null)).toMatch(DEVICE_TOKEN_PATTERN);
	});
});
