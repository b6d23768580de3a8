import { describe, expect, it } from 'vitest';
import { levelOf, summarizeStats } from './quality';

const stats = (localType: string, rtt: number, received: number, lost: number) => [
	{ id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' },
	{ id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', currentRoundTripTime: rtt },
	{ id: 'CP2', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1', currentRoundTripTime: 9 },
	{ id: 'L1', type: 'local-candidate', candidateType: localType },
	{ id: 'L2', type: 'local-candidate', candidateType: 'host' },
	{ id: 'R1', type: 'remote-candidate', candidateType: 'host' },
	{ id: 'IA', type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost },
	{ id: 'IV', type: 'inbound-rtp', kind: 'video', packetsReceived: received, packetsLost: lost }
];

describe('connection quality', () => {
	it('reads the route and round-trip time of the selected pair, not another one', () => {
		const { quality } = summarizeStats(stats('host', 0.042, 100, 0), null);
		expect(quality).toMatchObject({ route: 'direct', rttMs: 42, lossPct: null, level: 'good' });
		expect(summarizeStats(stats('relay', 0.2, 100, 0), null).quality.route).toBe('relayed');
	});

	it('measures loss over the last interval only', () => {
		const first = summarizeStats(stats('host', 0.05, 1000, 100), null);
		// 200 more packets arrived on each stream, 10 more were lost on each: 20 / 420.
		const second = summarizeStats(stats('host', 0.05, 1200, 110), first.counters);
		expect(second.quality.lossPct).toBeCloseTo(4.8, 1);
		expect(second.quality.level).toBe('fair');
	});

	it('falls back to the nominated pair when the transport names none, and says unknown with no pair', () => {
		const nominated = [
			{ id: 'CP', type: 'candidate-pair', nominated: true, state: 'succeeded', localCandidateId: 'L', remoteCandidateId: 'R', currentRoundTripTime: 0.5 },
			{ id: 'L', type: 'local-candidate', candidateType: 'srflx' },
			{ id: 'R', type: 'remote-candidate', candidateType: 'relay' }
		];
		expect(summarizeStats(nominated, null).quality).toMatchObject({ route: 'relayed', rttMs: 500, level: 'poor' });
		expect(summarizeStats([], null).quality).toEqual({ route: 'unknown', rttMs: null, lossPct: null, level: 'unknown' });
	});

	it('grades round-trip time and loss', () => {
		expect(levelOf(80, 0.5)).toBe('good');
		expect(levelOf(200, 0)).toBe('fair');
		expect(levelOf(50, 10)).toBe('poor');
		expect(levelOf(null, null)).toBe('unknown');
	});
});
