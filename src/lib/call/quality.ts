// Connection quality from RTCPeerConnection.getStats(), as the badge in the chat shows it:
// the route (direct, or relayed through TURN so neither side sees the other's address),
// round-trip time and packet loss since the previous sample. Pure, so it is unit-tested
// with recorded stats instead of a browser.

export type Route = 'direct' | 'relayed' | 'unknown';
export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface ConnectionQuality {
	route: Route;
	rttMs: number | null;
	lossPct: number | null;
	level: QualityLevel;
}

/** Cumulative packet counters, kept between samples to compute loss over the last interval. */
export interface PacketCounters {
	received: number;
	lost: number;
}

type Stat = Record<string, unknown> & { type: string; id: string };

function num(stat: Stat | undefined, key: string): number | null {
	const v = stat?.[key];
	return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(stat: Stat | undefined, key: string): string | null {
	const v = stat?.[key];
	return typeof v === 'string' ? v : null;
}

export function summarizeStats(
	stats: Iterable<Stat>,
	previous: PacketCounters | null
): { quality: ConnectionQuality; counters: PacketCounters } {
	const byId = new Map<string, Stat>();
	for (const s of stats) byId.set(s.id, s);
	const all = [...byId.values()];

	const transport = all.find((s) => s.type === 'transport');
	const pairId = str(transport, 'selectedCandidatePairId');
	const pair =
		(pairId ? byId.get(pairId) : undefined) ??
		all.find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
	const local = byId.get(str(pair, 'localCandidateId') ?? '');
	const remote = byId.get(str(pair, 'remoteCandidateId') ?? '');
	const route: Route = !pair
		? 'unknown'
		: str(local, 'candidateType') === 'relay' || str(remote, 'candidateType') === 'relay'
			? 'relayed'
			: 'direct';
	const rtt = num(pair, 'currentRoundTripTime');

	const counters: PacketCounters = { received: 0, lost: 0 };
	for (const s of all) {
		if (s.type !== 'inbound-rtp') continue;
		counters.received += num(s, 'packetsReceived') ?? 0;
		counters.lost += Math.max(0, num(s, 'packetsLost') ?? 0);
	}
	let lossPct: number | null = null;
	if (previous) {
		const received = counters.received - previous.received;
		const lost = counters.lost - previous.lost;
		if (received + lost > 0) lossPct = Math.round((1000 * Math.max(0, lost)) / (received + lost)) / 10;
	}

	const rttMs = rtt === null ? null : Math.round(rtt * 1000);
	return { quality: { route, rttMs, lossPct, level: levelOf(rttMs, lossPct) }, counters };
}

/** Thresholds where talking over video starts to feel laggy or choppy. */
export function levelOf(rttMs: number | null, lossPct: number | null): QualityLevel {
	if (rttMs === null && lossPct === null) return 'unknown';
	const rtt = rttMs ?? 0;
	const loss = lossPct ?? 0;
	if (rtt > 400 || loss > 8) return 'poor';
	if (rtt > 150 || loss > 2) return 'fair';
	return 'good';
}
