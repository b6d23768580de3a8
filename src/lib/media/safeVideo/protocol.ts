// Messages between the page and the classifier worker (classifier.worker.ts).
import type { FrameScores } from './policy';

export type ToClassifier =
	/** One frame of the stranger's video, already scaled to the model's input size. Transferred. */
	{ type: 'frame'; id: number; frame: ImageBitmap };

export type FromClassifier =
	| { type: 'ready'; backend: string; loadMs: number }
	| { type: 'scores'; id: number; scores: FrameScores; ms: number; timing?: WorkerTiming }
	| { type: 'failed'; message: string };

/**
 * When the worker received a frame, started, had its pixels and ended its inference: epoch milliseconds
 * (the worker's timeOrigin + now), so the page can place them on its own clock.
 */
export interface WorkerTiming {
	receivedAt: number;
	startedAt: number;
	pixelsAt: number;
	endedAt: number;
}
