// Safe video on the page: samples the stranger's video a few times a second, hands each
// frame to a score source (the classifier worker) and applies the blur policy to the
// answers. One instance per video stage, so the model loads once and serves every call;
// `watch` starts afresh (blurred) for each stranger's stream.
import { INITIAL_SAFE_VIDEO, isBlurred, nextSafeVideo, type SafeVideoEvent, type SafeVideoState } from './policy';
import type { ScoreSource, ScoreTiming } from './scoreSource';
import { hasFrameCallbacks, onNextFrame } from './veil';

/** About three frames a second: enough to catch a change within a third of a second. */
export const SAMPLE_INTERVAL_MS = 330;
/** The model's input size; the browser scales the frame while copying it, off the main thread. */
const FRAME_SIZE = 224;

export class SafeVideo {
	state = $state.raw<SafeVideoState>(INITIAL_SAFE_VIDEO);
	readonly blurred = $derived(isBlurred(this.state));

	readonly #source: ScoreSource;
	#watching: AbortController | null = null;

	constructor(source: ScoreSource) {
		this.#source = source;
	}

	/**
	 * Starts judging a stranger's video (blurred until it looks safe); returns the stop
	 * function, which blurs again, so the next stranger's first frame is never shown clear.
	 */
	watch(video: HTMLVideoElement): () => void {
		this.#watching?.abort();
		const watching = (this.#watching = new AbortController());
		this.state = INITIAL_SAFE_VIDEO;
		void this.#sample(video, watching.signal);
		return () => {
			watching.abort();
			this.state = INITIAL_SAFE_VIDEO;
		};
	}

	show(): void {
		this.#apply({ type: 'show' });
	}

	hide(): void {
		this.#apply({ type: 'hide' });
	}

	dispose(): void {
		this.#watching?.abort();
		this.#source.dispose();
	}

	#apply(event: SafeVideoEvent): void {
		this.state = nextSafeVideo(this.state, event);
	}

	async #sample(video: HTMLVideoElement, signal: AbortSignal): Promise<void> {
		const firstFrame = firstFrameTime(video, signal);
		performance.mark('safe-video:watch');
		try {
			await this.#source.ready;
		} catch (error) {
			if (signal.aborted) return;
			console.warn(error);
			this.#apply({ type: 'unavailable' });
			return;
		}
		const firstFrameAt = await firstFrame;
		let first = true;
		while (!signal.aborted) {
			const started = performance.now();
			let scored = false;
			if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) {
				try {
					const frame = await createImageBitmap(video, {
						resizeWidth: FRAME_SIZE,
						resizeHeight: FRAME_SIZE,
						resizeQuality: 'low'
					});
					const copiedAt = performance.now();
					if (signal.aborted) {
						frame.close();
						return;
					}
					const { scores, timing } = await this.#source.score(frame);
					if (signal.aborted) return;
					this.#apply({ type: 'scores', scores });
					scored = true;
					performance.measure('safe-video:sample', { start: started });
					if (first && firstFrameAt !== null) {
						markFirstSample(started, copiedAt, timing);
						performance.measure('safe-video:first-scores', { start: firstFrameAt });
						first = false;
					}
				} catch (error) {
					if (signal.aborted) return;
					// A frame that cannot be copied (the track just ended) is skipped; a classifier
					// that stopped working leaves the picture blurred, as when it never started.
					if (!(error instanceof DOMException && error.name === 'InvalidStateError')) {
						console.warn(error);
						this.#apply({ type: 'unavailable' });
						return;
					}
				}
			}
			// Nothing to copy yet: the first frame can be presented before the element's
			// readyState says so (a whole interval was lost that way), so try again on the
			// next frame instead of an interval later.
			if (scored) await delay(Math.max(0, SAMPLE_INTERVAL_MS - (performance.now() - started)), signal);
			else await nextFrame(video, signal);
		}
	}
}

/** When the video presented its first frame (marked for the bench), or null if it was stopped first. */
function firstFrameTime(video: HTMLVideoElement, signal: AbortSignal): Promise<number | null> {
	return new Promise((resolve) => {
		const done = (at: number | null) => {
			signal.removeEventListener('abort', aborted);
			if (at !== null) performance.mark('safe-video:first-frame', { startTime: at });
			resolve(at);
		};
		const aborted = () => done(null);
		signal.addEventListener('abort', aborted);
		if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0) {
			done(performance.now());
		} else if (hasFrameCallbacks(video)) {
			video.requestVideoFrameCallback(() => done(performance.now()));
		} else {
			video.addEventListener('loadeddata', () => done(performance.now()), { once: true, signal });
		}
	});
}

/** The first frame's way to its scores, step by step, for the bench (`safe-video:first:*` marks). */
function markFirstSample(sampledAt: number, copiedAt: number, timing: ScoreTiming): void {
	const steps: [string, number | undefined][] = [
		['sampled', sampledAt],
		['copied', copiedAt],
		['posted', timing.postedAt],
		['received', timing.receivedAt],
		['inference-started', timing.inferenceStartedAt],
		['pixels', timing.pixelsAt],
		['inference-ended', timing.inferenceEndedAt],
		['answered', timing.answeredAt]
	];
	for (const [step, at] of steps) if (at !== undefined) performance.mark(`safe-video:first:${step}`, { startTime: at });
}

/** The video's next frame or its data arriving, whichever is first (or the watch stopping). */
function nextFrame(video: HTMLVideoElement, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const cancel = onNextFrame(video, finish);
		video.addEventListener('loadeddata', finish);
		signal.addEventListener('abort', finish);
		function finish() {
			cancel();
			video.removeEventListener('loadeddata', finish);
			signal.removeEventListener('abort', finish);
			resolve();
		}
	});
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(finish, ms);
		signal.addEventListener('abort', finish, { once: true });
		function finish() {
			clearTimeout(timer);
			signal.removeEventListener('abort', finish);
			resolve();
		}
	});
}
