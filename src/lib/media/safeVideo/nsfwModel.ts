// The classifier itself: nsfwjs's MobileNetV2 (the smallest of its three models, 224×224
// input, five classes) on TensorFlow.js. Its weights ship inside the nsfwjs package; the build
// turns them into a binary file of our own origin (modelAsset.ts), so nothing is downloaded
// from a model hub and the browser fetches plain bytes instead of parsing a 3.5 MB script.
//
// Only the classifier worker (and a model-level unit test in Node) import this module.
import * as tf from '@tensorflow/tfjs';
import { NSFWJS, type PredictionType } from 'nsfwjs/core';
import type { FrameScores } from './policy';

export const MODEL_INPUT_SIZE = 224;

/** What the model is built from: its topology and weight list, and the weights' bytes. */
export interface NsfwModelFiles {
	modelTopology: NonNullable<tf.io.ModelArtifacts['modelTopology']>;
	weightSpecs: tf.io.WeightsManifestEntry[];
	weightData: ArrayBuffer;
}

/** Builds the model from its files and runs it once (the first prediction compiles its kernels). */
export async function loadNsfwModel(files: NsfwModelFiles): Promise<NSFWJS> {
	const model = new NSFWJS(tf.io.fromMemory(files), { size: MODEL_INPUT_SIZE });
	await model.load();
	return model;
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
