// The classifier, off the main thread: loads TensorFlow.js and the model once, then scores
// the frames the page sends. Frames and scores stay in this browser: the worker only answers
// the page that created it.
/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { modelTopology, weightSpecs, weightsUrl } from 'virtual:safe-video-model';
import { loadNsfwModel, MODEL_INPUT_SIZE, scoreFrame } from './nsfwModel';
import type { FromClassifier, ToClassifier } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: FromClassifier) => self.postMessage(message);

// WebAssembly first: MobileNetV2 takes a few hundred milliseconds per frame with it on a
// slow CPU and needs no GPU; then WebGL (an OffscreenCanvas in the worker); pure JS last,
// ten times slower, but it still protects.
const BACKENDS = ['wasm', 'webgl', 'cpu'] as const;

async function pickBackend(): Promise<string> {
	setWasmPaths({
		'tfjs-backend-wasm.wasm': wasmUrl,
		'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
		'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl
	});
	for (const name of BACKENDS) {
		try {
			if (await tf.setBackend(name)) return name;
		} catch (error) {
			console.warn(`Safe video: the ${name} backend is not available here`, error);
		}
	}
	throw new Error('no TensorFlow.js backend works in this browser');
}

const canvas = new OffscreenCanvas(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE);
const context = canvas.getContext('2d', { willReadFrequently: true });

async function fetchWeights(): Promise<ArrayBuffer> {
	const response = await fetch(weightsUrl);
	if (!response.ok) throw new Error(`the model's weights did not load (HTTP ${response.status})`);
	return response.arrayBuffer();
}

const started = performance.now();
// The weights download while the backend compiles its WebAssembly.
const weights = fetchWeights();
weights.catch(() => {}); // reported through `model`
const model = pickBackend().then(async (backend) => {
	const loaded = await loadNsfwModel({ modelTopology, weightSpecs, weightData: await weights });
	// One frame's whole path (canvas, pixels, scores) once before saying ready: its first run
	// allocates and compiles what the stranger's first frame would otherwise wait for.
	if (context) await scoreFrame(loaded, context.getImageData(0, 0, MODEL_INPUT_SIZE, MODEL_INPUT_SIZE));
	post({ type: 'ready', backend, loadMs: performance.now() - started });
	return loaded;
});
model.catch((error: unknown) => post({ type: 'failed', message: String(error) }));

/** The page sends one frame at a time and waits for its scores; this queue only bridges the model's loading. */
const waiting: { id: number; frame: ImageBitmap; receivedAt: number }[] = [];
/** Epoch milliseconds, comparable with the page's clock (performance.timeOrigin differs per thread). */
const epochNow = () => performance.timeOrigin + performance.now();
let busy = false;

async function drain(): Promise<void> {
	if (busy) return;
	busy = true;
	try {
		const nsfw = await model;
		for (let next = waiting.shift(); next; next = waiting.shift()) {
			const { id, frame, receivedAt } = next;
			const t = performance.now();
			const startedAt = epochNow();
			if (!context) throw new Error('OffscreenCanvas 2D is not available in this worker');
			context.drawImage(frame, 0, 0, MODEL_INPUT_SIZE, MODEL_INPUT_SIZE);
			frame.close();
			const pixels = context.getImageData(0, 0, MODEL_INPUT_SIZE, MODEL_INPUT_SIZE);
			const pixelsAt = epochNow();
			const scores = await scoreFrame(nsfw, pixels);
			post({ type: 'scores', id, scores, ms: performance.now() - t, timing: { receivedAt, startedAt, pixelsAt, endedAt: epochNow() } });
		}
	} catch (error) {
		post({ type: 'failed', message: String(error) });
	} finally {
		busy = false;
	}
}

/**
 * Runs after the first warm-up (so `ready` is not delayed), until a frame arrives: the first
 * several runs are slower while V8 optimises the model's JavaScript and WebAssembly (the
 * stranger's first frame took 1.5–2.5 times as long as the fifth with a single warm-up), and
 * the search leaves seconds of idle time for them. A frame waits for one run at most.
 */
const EXTRA_WARM_UPS = 4;

async function keepWarm(nsfw: Awaited<typeof model>): Promise<void> {
	try {
		for (let run = 0; run < EXTRA_WARM_UPS && waiting.length === 0 && context; run++) {
			if (busy) return; // frames came first: they warm it
			busy = true;
			try {
				await scoreFrame(nsfw, context.getImageData(0, 0, MODEL_INPUT_SIZE, MODEL_INPUT_SIZE));
			} finally {
				busy = false;
			}
			// A run settles in microtasks only (the WebAssembly backend answers at once), so
			// without this the frame's message waited for every warm-up in a row, not one.
			await new Promise((resolve) => setTimeout(resolve, 0));
		}
	} finally {
		void drain(); // a frame that arrived during the last run
	}
}
model.then(keepWarm).catch(() => {}); // a failure is reported through `model`

self.onmessage = (event: MessageEvent<ToClassifier>) => {
	const message = event.data;
	if (message.type !== 'frame') return;
	waiting.push({ id: message.id, frame: message.frame, receivedAt: epochNow() });
	void drain();
};
