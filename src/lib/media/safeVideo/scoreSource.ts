// Where Safe video's scores come from, behind a small interface: in the app, the classifier
// worker; in tests, whatever the test needs at this edge (the flow above it is the same).
import type { FrameScores } from './policy';
import type { FromClassifier, ToClassifier, WorkerTiming } from './protocol';

/** Where one frame's time went, on the page's clock (performance.now()); the worker's steps when it reports them. */
export interface ScoreTiming {
	postedAt: number;
	receivedAt?: number;
	inferenceStartedAt?: number;
	pixelsAt?: number;
	inferenceEndedAt?: number;
	answeredAt: number;
}

export interface ScoredFrame {
	scores: FrameScores;
	timing: ScoreTiming;
}

export interface ScoreSource {
	/** Settles once the model is loaded; rejects when it cannot run in this browser. */
	readonly ready: Promise<void>;
	/** Scores one frame; the source takes ownership of the bitmap (it is transferred or closed). */
	score(frame: ImageBitmap): Promise<ScoredFrame>;
	dispose(): void;
}

export class ClassifierUnavailableError extends Error {
	constructor(reason: string) {
		super(`Safe video could not start its classifier: ${reason}`);
		this.name = 'ClassifierUnavailableError';
	}
}

/** The classifier in a dedicated worker (classifier.worker.ts), created lazily by the caller. */
export function workerScoreSource(): ScoreSource {
	const worker = new Worker(new URL('./classifier.worker.ts', import.meta.url), { type: 'module', name: 'safe-video' });
	const pending = new Map<number, { postedAt: number; resolve: (s: ScoredFrame) => void; reject: (e: Error) => void }>();
	let nextId = 1;
	let failure: Error | null = null;
	let settleReady: { resolve: () => void; reject: (e: Error) => void };
	const ready = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));
	ready.catch(() => {}); // the caller may await it later, or never

	function fail(error: Error) {
		failure ??= error;
		settleReady.reject(failure);
		for (const { reject } of pending.values()) reject(failure);
		pending.clear();
	}

	worker.onmessage = (event: MessageEvent<FromClassifier>) => {
		const message = event.data;
		if (message.type === 'ready') {
			performance.measure('safe-video:model-load', { start: performance.now() - message.loadMs, detail: { backend: message.backend } });
			settleReady.resolve();
		} else if (message.type === 'scores') {
			const answeredAt = performance.now();
			const asked = pending.get(message.id);
			pending.delete(message.id);
			asked?.resolve({ scores: message.scores, timing: { postedAt: asked.postedAt, ...onPageClock(message.timing), answeredAt } });
			performance.measure('safe-video:inference', { start: performance.now() - message.ms, duration: message.ms });
		} else {
			fail(new ClassifierUnavailableError(message.message));
		}
	};
	worker.onerror = (event) => {
		event.preventDefault();
		fail(new ClassifierUnavailableError(event.message || 'the worker did not load'));
	};

	return {
		ready,
		score(frame) {
			if (failure) {
				frame.close();
				return Promise.reject(failure);
			}
			const id = nextId++;
			return new Promise<ScoredFrame>((resolve, reject) => {
				worker.postMessage({ type: 'frame', id, frame } satisfies ToClassifier, [frame]);
				pending.set(id, { postedAt: performance.now(), resolve, reject });
			});
		},
		dispose() {
			worker.terminate();
			fail(new ClassifierUnavailableError('stopped'));
		}
	};
}

function onPageClock(timing: WorkerTiming | undefined): Partial<ScoreTiming> {
	if (!timing) return {};
	const page = (epochMs: number) => epochMs - performance.timeOrigin;
	return { receivedAt: page(timing.receivedAt), inferenceStartedAt: page(timing.startedAt), pixelsAt: page(timing.pixelsAt), inferenceEndedAt: page(timing.endedAt) };
}
