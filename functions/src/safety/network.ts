// The network a request came from, reduced to what a ban needs and no more: the IPv4 /24
// or IPv6 /48 prefix, hashed with a secret salt and the day, so the stored key neither
// reveals the address nor links records across days. Pure code.
import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { NETWORK_KEY_DAY_MS } from '../shared/safety';

/**
 * The client's address: the rightmost public X-Forwarded-For entry (Google's front end
 * appends the address it saw; entries left of it are whatever the client sent, and
 * private ones right of it are proxies of ours, such as the emulator's), else the peer.
 */
export function clientAddress(forwardedFor: string | undefined, peer: string | undefined): string | null {
	// Nearest hop last: the forwarded chain, then the socket's peer.
	const hops = [...(forwardedFor ?? '').split(','), peer ?? '']
		.map((entry) => unmapped(entry.trim()))
		.filter((address) => isIPv4(address) || isIPv6(address));
	return [...hops].reverse().find((address) => networkPrefix(address) !== null) ?? hops.at(-1) ?? null;
}

function unmapped(address: string): string {
	return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/**
 * "203.0.113.0/24" or "2001:db8:1::/48"; null for loopback, private and link-local
 * addresses, which are never a real client's (and on the emulator are everyone's).
 */
export function networkPrefix(address: string): string | null {
	if (isIPv4(address)) {
		const [a = 0, b = 0, c = 0] = address.split('.').map(Number);
		const isPrivate = a === 10 || a === 127 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 169 && b === 254) || a === 0;
		return isPrivate ? null : `${a}.${b}.${c}.0/24`;
	}
	if (isIPv6(address)) {
		const groups = expandIPv6(address);
		const first = groups[0] ?? 0;
		const isLocal = groups.every((g, i) => (i < 7 ? g === 0 : g <= 1)) || (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
		return isLocal ? null : `${groups.slice(0, 3).map((g) => g.toString(16)).join(':')}::/48`;
	}
	return null;
}

function expandIPv6(address: string): number[] {
	const [head = '', tail = ''] = address.split('::');
	const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
	const front = parse(head);
	const back = address.includes('::') ? parse(tail) : [];
	return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** The key a network is stored under today: HMAC(salt, day, prefix), hex. */
export function networkKey(salt: string, prefix: string, nowMs: number): string {
	const day = Math.floor(nowMs / NETWORK_KEY_DAY_MS);
	return createHmac('sha256', salt).update(`network\0${day}\0${prefix}`).digest('hex').slice(0, 40);
}

/** The key a device token is stored under: HMAC(salt, token), hex. The token itself is never stored. */
export function deviceKey(salt: string, deviceToken: string): string {
	return createHmac('sha256', salt).update(`device\0${deviceToken}`).digest('hex').slice(0, 40);
}
