// Safe video's first frame, step by step (bench/browser/safeVideo.mjs measures, report.mjs prints).
import { quantile } from './stats.mjs';

/**
 * The first remote frame's way to its first scores, as durations between the app's marks
 * (safeVideo.svelte.ts, the worker's times put on the page's clock); they add up to
 * safe-video:first-scores. `hookFrameToAppFrame`: the bench's own first-frame callback
 * (OBSERVE_FIRST_FRAME in browser/safeVideo.mjs) to the app's first-frame mark, a check that the clock starts on time.
 */
export const FIRST_STEPS = [
	['frameToSampled', 'first frame → sampling starts (waits for the model if not ready)', 'first-frame', 'first:sampled'],
	['copy', 'frame copy (createImageBitmap 224×224)', 'first:sampled', 'first:copied'],
	['post', 'postMessage', 'first:copied', 'first:posted'],
	['toWorker', 'posted → worker receives', 'first:posted', 'first:received'],
	['queued', 'worker receives → inference starts', 'first:received', 'first:inference-started'],
	['pixels', 'frame drawn and read back in the worker (drawImage, getImageData)', 'first:inference-started', 'first:pixels'],
	['model', 'the model (classify)', 'first:pixels', 'first:inference-ended'],
	['toPage', 'worker answers → page receives', 'first:inference-ended', 'first:answered'],
	['applied', 'page receives → scores applied', 'first:answered', 'first-scores:end']
];

/** The p50 of each step over the runs that have it (null when none measured it). */
export function firstStepsP50(runs) {
	const measured = runs.map((r) => r.firstSteps).filter(Boolean);
	if (!measured.length) return null;
	const p50 = {};
	for (const key of [...FIRST_STEPS.map(([k]) => k), 'hookFrameToAppFrame', 'watchToFrame']) {
		const xs = measured.map((s) => s[key]).filter((x) => x !== null && x !== undefined);
		p50[key] = xs.length ? quantile(xs, 0.5) : null;
	}
	return p50;
}
