// Model level: the real classifier (nsfwjs MobileNetV2 on TensorFlow.js's WebAssembly
// backend, as in the browser's worker) decides, and its own scores drive the blur policy.
// A few seconds: the model loads once for the file.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { colourBarsRgb } from './fixtures/testPattern';
import { readSafeVideoModel } from './modelAsset';
import { loadNsfwModel, MODEL_INPUT_SIZE, scoreFrame } from './nsfwModel';
import { INITIAL_SAFE_VIDEO, isBlurred, nextSafeVideo, SAFE_VIDEO_POLICY, type SafeVideoState } from './policy';

type Model = Awaited<ReturnType<typeof loadNsfwModel>>;
const FLAGGED = new URL('./fixtures/flaggedPattern.json', import.meta.url);

let model: Model;

beforeAll(async () => {
	if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend did not start in Node');
	// The same files the build gives the browser's worker.
	const { modelTopology, weightSpecs, weightData } = readSafeVideoModel();
	model = await loadNsfwModel({ modelTopology, weightSpecs, weightData: weightData.slice().buffer });
}, 60_000);

async function judge(state: SafeVideoState, pixels: tf.Tensor3D): Promise<SafeVideoState> {
	return nextSafeVideo(state, { type: 'scores', scores: await scoreFrame(model, pixels) });
}

function colourBars(frame: number): tf.Tensor3D {
	return tf.tensor3d(colourBarsRgb(320, 240, frame, 20), [240, 320, 3], 'int32');
}

/**
 * The flagged pattern (see makeFlaggedPattern.mjs): coloured noise found by gradient ascent
 * on this very model's porn + hentai output, so the model's own decision is "explicit"
 * while the picture depicts nothing.
 */
function flaggedPattern(): tf.Tensor3D {
	const { side, pixels } = JSON.parse(readFileSync(FLAGGED, 'utf8')) as { side: number; pixels: number[] };
	return tf.tidy(() =>
		tf.image.resizeBilinear(tf.tensor3d(pixels, [side, side, 3]), [MODEL_INPUT_SIZE, MODEL_INPUT_SIZE], true)
	);
}

describe('the real classifier drives Safe video', () => {
	it('clears the test pattern the browser test shows after enough frames', async () => {
		let state: SafeVideoState = INITIAL_SAFE_VIDEO;
		for (let frame = 0; frame < SAFE_VIDEO_POLICY.safeFramesToClear; frame++) {
			expect(isBlurred(state)).toBe(true);
			state = await judge(state, colourBars(frame * 7));
		}
		expect(state.status).toBe('safe');
	}, 30_000);

	it('blurs a clear picture at once when the model itself finds a frame explicit', async () => {
		let state: SafeVideoState = INITIAL_SAFE_VIDEO;
		for (let frame = 0; frame < SAFE_VIDEO_POLICY.safeFramesToClear; frame++) state = await judge(state, colourBars(frame));
		expect(state.status).toBe('safe');
		const scores = await scoreFrame(model, flaggedPattern());
		expect(scores.porn + scores.hentai).toBeGreaterThanOrEqual(SAFE_VIDEO_POLICY.explicitAt);
		state = nextSafeVideo(state, { type: 'scores', scores });
		expect(state.status).toBe('explicit');
		expect(isBlurred(state)).toBe(true);
	}, 30_000);
});
