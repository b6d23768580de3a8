import { describe, expect, it } from 'vitest';
import { clientAddress, deviceKey, networkKey, networkPrefix } from './network';

describe('the network a request came from', () => {
	it('takes the rightmost public address: earlier X-Forwarded-For entries are the client’s say, private ones our proxies', () => {
		expect(clientAddress('1.2.3.4, 203.0.113.9', '10.0.0.1')).toBe('203.0.113.9');
		expect(clientAddress('203.0.113.9, 127.0.0.1', '127.0.0.1')).toBe('203.0.113.9');
		expect(clientAddress(undefined, '::ffff:198.51.100.7')).toBe('198.51.100.7');
		expect(clientAddress(undefined, '127.0.0.1')).toBe('127.0.0.1');
		expect(clientAddress('not an address', undefined)).toBeNull();
	});

	it('keeps the /24 or /48 prefix only, and nothing for private or loopback addresses', () => {
		expect(networkPrefix('203.0.113.9')).toBe('203.0.113.0/24');
		expect(networkPrefix('2001:db8:1:2::5')).toBe('2001:db8:1::/48');
		for (const local of ['127.0.0.1', '10.1.2.3', '192.168.0.4', '172.20.0.1', '::1', 'fd00::1', 'fe80::1']) {
			expect(networkPrefix(local), local).toBeNull();
		}
	});

	it('hashes with the salt and the day: the same network gets another key tomorrow', () => {
		const day = 24 * 3_600_000;
		const key = networkKey('salt', '203.0.113.0/24', 10 * day);
		expect(key).toMatch(/^[0-9a-f]{40}$/);
		expect(key).not.toContain('203');
		expect(networkKey('salt', '203.0.113.0/24', 10 * day + 1000)).toBe(key);
		expect(networkKey('salt', '203.0.113.0/24', 11 * day)).not.toBe(key);
		expect(networkKey('other salt', '203.0.113.0/24', 10 * day)).not.toBe(key);
		expect(deviceKey('salt', 'token-aaaaaaaaaaaaaaaaaaaa')).not.toBe(deviceKey('salt', 'token-bbbbbbbbbbbbbbbbbbbb'));
	});
});
