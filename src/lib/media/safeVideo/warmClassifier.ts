// The classifier takes seconds to load on a phone (WebAssembly, 2.6 MB of weights, the first
// prediction compiling its kernels). It starts as soon as the visitor has asked for video with
// Safe video on (Start on the start page, or a video chat opening), while the camera prompt
// and the search run, so the model is ready before the first stranger's picture arrives. The
// video stage then takes it over and owns it from there.
import { workerScoreSource, type ScoreSource } from './scoreSource';

let spare: ScoreSource | null = null;

/** Starts the classifier worker now, if it is not already started and waiting to be taken. */
export function warmClassifier(): void {
	spare ??= workerScoreSource();
}

/** The warmed classifier, or a new one; the caller owns it (and disposes it). */
export function takeClassifier(): ScoreSource {
	const source = spare ?? workerScoreSource();
	spare = null;
	return source;
}

/** Nothing will take the warmed classifier (the chat left video mode or the page): stop it. */
export function dropWarmClassifier(): void {
	spare?.dispose();
	spare = null;
}
