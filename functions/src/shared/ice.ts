// What the `iceServers` callable returns, shared by the function and the web app (through
// the `$shared` alias). No SDK imports here.
//
// TURN entries carry short-lived credentials in the TURN REST API scheme that coturn checks
// with `use-auth-secret`: username `<expiry unix seconds>:<uid>`, credential
// base64(HMAC-SHA1(secret, username)). The secret stays on the server; a credential stops
// working at its expiry, so a leaked one is worth little.

/** One entry of `RTCConfiguration.iceServers`; assignable to the DOM's `RTCIceServer`. */
export interface IceServer {
	urls: string[];
	/** Present, with `credential`, on TURN entries only. */
	username?: string;
	credential?: string;
}

export interface IceServersResponse {
	iceServers: IceServer[];
	/** When the TURN credentials stop working (ms since the epoch); fetch new ones before. */
	expiresAtMs: number;
}

const ICE_URL_PATTERN = /^(stun|stuns|turn|turns):\S+$/;

/** Checks a callable's reply before it reaches `RTCPeerConnection`; throws on a bad shape. */
export function parseIceServersResponse(data: unknown): IceServersResponse {
	const fail = (problem: string): never => {
		throw new Error(`Malformed iceServers response: ${problem}`);
	};
	if (!isRecord(data)) return fail('not an object');
	const { iceServers, expiresAtMs } = data;
	if (typeof expiresAtMs !== 'number' || !Number.isFinite(expiresAtMs)) {
		return fail('`expiresAtMs` is not a number');
	}
	if (!Array.isArray(iceServers)) return fail('`iceServers` is not a list');
	return { iceServers: iceServers.map((entry, i) => parseIceServer(entry, i, fail)), expiresAtMs };
}

function parseIceServer(entry: unknown, i: number, fail: (problem: string) => never): IceServer {
	if (!isRecord(entry)) return fail(`iceServers[${i}] is not an object`);
	const { urls, username, credential } = entry;
	const isIceUrl = (u: unknown): u is string => typeof u === 'string' && ICE_URL_PATTERN.test(u);
	if (!Array.isArray(urls) || urls.length === 0 || !urls.every(isIceUrl)) {
		return fail(`iceServers[${i}].urls should be a non-empty list of stun:/turn: URLs`);
	}
	if (username === undefined && credential === undefined) return { urls };
	if (typeof username !== 'string' || typeof credential !== 'string' || !username || !credential) {
		return fail(`iceServers[${i}] should have both a username and a credential, or neither`);
	}
	return { urls, username, credential };
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
