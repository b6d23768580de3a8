// The signal outbox's batching in virtual time: what goes out in which write, and when.
// Only the write itself (setDoc) is replaced, by a recorder whose acknowledgements the test
// controls; the rules side of the same limits is covered by tests/rules and
// signalRulesAgreement.spec.ts, the real thing by tests/call/signaling.spec.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIMITS } from '$shared/model';

const writes = vi.hoisted(() => ({
	log: [] as { at: number; description: string | null; candidates: string[] }[],
	/** Make the next write fail with this. */
	failNext: null as Error | null
}));

vi.mock('firebase/firestore', () => ({
	doc: (...path: unknown[]) => path.slice(1).join('/'),
	serverTimestamp: () => 'server-time',
	// Candidates travel as lines, `<sdpMLineIndex> <sdpMid> <usernameFragment> <candidate>`
	// (encodeCandidate in $shared/model): the recorder keeps the candidate part.
	arrayUnion: (...lines: string[]) => ({ union: lines.map((line) => line.split(' ').slice(3).join(' ')) }),
	getDocFromServer: () => Promise.reject(new Error('not in this test')),
	onSnapshot: () => () => {},
	setDoc: (_ref: unknown, write: { description?: { type: string }; candidates?: { union: string[] } }) => {
		writes.log.push({ at: Date.now(), description: write.description?.type ?? null, candidates: write.candidates?.union ?? [] });
		const failure = writes.failNext;
		writes.failNext = null;
		return failure ? Promise.reject(failure) : Promise.resolve();
	}
}));

const { SignalOutbox } = await import('./signals');

const timing = { descriptionWaitMs: 40, batchDelayMs: 80, minIntervalMs: LIMITS.signalWriteMinIntervalMs };
const candidate = (n: number): RTCIceCandidateInit => ({ candidate: `candidate:${n}`, sdpMid: '0', sdpMLineIndex: 0 });
const offer = { type: 'offer' as const, sdp: 'v=0' };

describe('signal outbox', () => {
	let errors: Error[];
	let outbox: InstanceType<typeof SignalOutbox>;
	let start: number;

	beforeEach(() => {
		vi.useFakeTimers({ now: Date.UTC(2030, 0, 1, 12) });
		start = Date.now();
		writes.log = [];
		writes.failNext = null;
		errors = [];
		// The Firestore instance is never touched: setDoc is the recorder above.
		outbox = new SignalOutbox({} as never, 'call-1', 'me', (error) => errors.push(error), timing);
	});
	afterEach(() => {
		outbox.close();
		vi.useRealTimers();
	});

	it('a description waits a moment so that the candidates gathered meanwhile ride along: one write', async () => {
		outbox.publishDescription(offer);
		await vi.advanceTimersByTimeAsync(5);
		outbox.add(candidate(1));
		outbox.add(candidate(2));
		await vi.advanceTimersByTimeAsync(timing.descriptionWaitMs);
		expect(writes.log).toEqual([{ at: start + timing.descriptionWaitMs, description: 'offer', candidates: ['candidate:1', 'candidate:2'] }]);
	});

	it('later candidates go in batches, no closer together than the rules allow', async () => {
		outbox.add(candidate(1));
		await vi.advanceTimersByTimeAsync(timing.batchDelayMs);
		expect(writes.log.map((w) => w.candidates)).toEqual([['candidate:1']]);
		outbox.add(candidate(2));
		outbox.add(candidate(3));
		await vi.advanceTimersByTimeAsync(timing.batchDelayMs);
		// Due at 160 ms, but the previous write was acknowledged at 80 ms: it waits until 180 ms.
		expect(writes.log).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(timing.minIntervalMs);
		expect(writes.log.map((w) => w.candidates)).toEqual([['candidate:1'], ['candidate:2', 'candidate:3']]);
		expect(writes.log[1]!.at - writes.log[0]!.at).toBeGreaterThanOrEqual(timing.minIntervalMs);
	});

	it('at most LIMITS.candidatesPerWrite candidates per write; the rest follow in the next', async () => {
		for (let n = 0; n < LIMITS.candidatesPerWrite + 3; n++) outbox.add(candidate(n));
		await outbox.flush();
		await vi.advanceTimersByTimeAsync(timing.minIntervalMs);
		expect(writes.log.map((w) => w.candidates.length)).toEqual([LIMITS.candidatesPerWrite, 3]);
	});

	it('gathering complete: flush writes at once, without the batch delay', async () => {
		outbox.add(candidate(1));
		await outbox.flush();
		expect(writes.log).toEqual([{ at: start, description: null, candidates: ['candidate:1'] }]);
	});

	it('the newest description replaces one not yet sent', async () => {
		outbox.publishDescription(offer);
		outbox.publishDescription({ type: 'answer', sdp: 'v=0 b' });
		await vi.advanceTimersByTimeAsync(timing.descriptionWaitMs);
		expect(writes.log.map((w) => w.description)).toEqual(['answer']);
	});

	it('closed: nothing queued is written, and a write refused after the close reports nothing', async () => {
		outbox.add(candidate(1));
		await outbox.flush();
		outbox.add(candidate(2));
		outbox.close();
		await vi.advanceTimersByTimeAsync(timing.batchDelayMs + timing.minIntervalMs);
		expect(writes.log).toHaveLength(1);

		const other = new SignalOutbox({} as never, 'call-2', 'me', (error) => errors.push(error), timing);
		other.add(candidate(3));
		writes.failNext = Object.assign(new Error('Missing or insufficient permissions.'), { code: 'permission-denied' });
		const inFlight = other.flush();
		other.close();
		await inFlight;
		expect(errors).toEqual([]);
	});

	it('a refused write while open is reported', async () => {
		writes.failNext = new Error('refused');
		outbox.add(candidate(1));
		await outbox.flush();
		expect(errors.map((e) => e.message)).toEqual(['refused']);
	});
});
