// The classifier itself: nsfwjs's MobileNetV2 (the smallest of its three models, 224×224
// input, five classes) on TensorFlow.js. Its weights ship inside the nsfwjs package as a JS
// module, so the build bundles them as one lazily fetched chunk from our own origin:
// nothing is downloaded from a model hub. Importing `nsfwjs/core` with only this model's
// definition keeps the two larger models out of the build.
//
// Only the classifier worker (and a model-level unit test in Node) import this module.
import * as tf from '@tensorflow/tfjs';
import { load, type NSFWJS, type PredictionType } from 'nsfwjs/core';
import { MobileNetV2Model } from 'nsfwjs/models/mobilenet_v2';
import type { FrameScores } from './policy';

export const MODEL_INPUT_SIZE = 224;

export async function loadNsfwModel(): Promise<NSFWJS> {
	return load(MobileNetV2Model.name, { modelDefinitions: [MobileNetV2Model], size: MODEL_INPUT_SIZE });
}

const CLASS_KEYS: Record<PredictionType['className'], keyof FrameScores> = {
	Drawing: 'drawing',
	Hentai: 'hentai',
	Neutral: 'neutral',
	Porn: 'porn',
	Sexy: 'sexy'
};

export function scoresFromPredictions(predictions: readonly PredictionType[]): FrameScores {
	const scores: FrameScores = { drawing: 0, hentai: 0, neutral: 0, porn: 0, sexy: 0 };
	for (const { className, probability } of predictions) scores[CLASS_KEYS[className]] = probability;
	return scores;
}

/** Scores one picture: pixels 0–255, height × width × 3 (any size; the model resizes). */
export async function scoreFrame(model: NSFWJS, pixels: tf.Tensor3D | ImageData): Promise<FrameScores> {
	return scoresFromPredictions(await model.classify(pixels, 5));
}
