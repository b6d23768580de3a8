// Where Safe video's scores come from, behind a small interface: in the app, the classifier
// worker; in tests, whatever the test needs at this edge (the flow above it is the same).
import type { FrameScores } from './policy';
import type { FromClassifier, ToClassifier } from './protocol';

export interface ScoreSource {
	/** Settles once the model is loaded; rejects when it cannot run in this browser. */
	readonly ready: Promise<void>;
	/** Scores one frame; the source takes ownership of the bitmap (it is transferred or closed). */
	score(frame: ImageBitmap): Promise<FrameScores>;
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
	const pending = new Map<number, { resolve: (s: FrameScores) => void; reject: (e: Error) => void }>();
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
			pending.get(message.id)?.resolve(message.scores);
			pending.delete(message.id);
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
			return new Promise<FrameScores>((resolve, reject) => {
				pending.set(id, { resolve, reject });
				worker.postMessage({ type: 'frame', id, frame } satisfies ToClassifier, [frame]);
			});
		},
		dispose() {
			worker.terminate();
			fail(new ClassifierUnavailableError('stopped'));
		}
	};
}
