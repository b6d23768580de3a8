// Build time only (the Vite plugin and the model-level test in Node): Safe video's model as
// files the browser can fetch cheaply. nsfwjs ships MobileNetV2's 2.6 MB of weights as a
// 3.5 MB JS module holding one base64 string; in the worker that meant parsing the module,
// then decoding the string through a Buffer polyfill and a byte-by-byte loop, on a phone's
// CPU, before the model could even be built. Here the string is decoded once, at build
// time, into a binary asset (fetched and cached by the browser as plain bytes), and the
// model's topology and weight list become a small module of their own.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { io } from '@tensorflow/tfjs';
import type { Plugin } from 'vite';

/** The module the classifier worker imports: `weightsUrl`, `modelTopology`, `weightSpecs`. */
export const SAFE_VIDEO_MODEL_ID = 'virtual:safe-video-model';
const RESOLVED_ID = `\0${SAFE_VIDEO_MODEL_ID}`;

const require = createRequire(import.meta.url);

/** The model files inside the nsfwjs package (its `exports` map hides them from bare imports). */
function packageModelDir(): string {
	return join(dirname(require.resolve('nsfwjs')), '..', 'models', 'mobilenet_v2');
}

export interface SafeVideoModelFiles {
	modelTopology: object;
	weightSpecs: io.WeightsManifestEntry[];
	weightData: Uint8Array;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWeightSpec(value: unknown): value is io.WeightsManifestEntry {
	return isRecord(value) && typeof value.name === 'string' && typeof value.dtype === 'string' && Array.isArray(value.shape);
}

function isManifest(value: unknown): value is io.WeightsManifestConfig {
	return (
		Array.isArray(value) &&
		value.every((g) => isRecord(g) && Array.isArray(g.paths) && g.paths.every((p) => typeof p === 'string') && Array.isArray(g.weights) && g.weights.every(isWeightSpec))
	);
}

/** MobileNetV2's topology, weight list and weights, decoded from the nsfwjs package. */
export function readSafeVideoModel(): SafeVideoModelFiles {
	const dir = packageModelDir();
	const modelJson: unknown = require(join(dir, 'model.min.js'));
	if (!isRecord(modelJson) || !isRecord(modelJson.modelTopology)) {
		throw new Error(`nsfwjs's MobileNetV2 model.min.js is not a model JSON (${dir})`);
	}
	const manifest = modelJson.weightsManifest;
	if (!isManifest(manifest)) throw new Error('nsfwjs MobileNetV2: unexpected weightsManifest');
	const parts: Buffer[] = [];
	for (const group of manifest) {
		for (const path of group.paths) {
			const base64: unknown = require(join(dir, `${path}.min.js`));
			if (typeof base64 !== 'string') throw new Error(`nsfwjs MobileNetV2: ${path}.min.js holds no base64 string`);
			parts.push(Buffer.from(base64, 'base64'));
		}
	}
	return {
		modelTopology: modelJson.modelTopology,
		weightSpecs: manifest.flatMap((group) => group.weights),
		weightData: new Uint8Array(Buffer.concat(parts))
	};
}

/**
 * Serves `virtual:safe-video-model`: the topology and weight list inline, the weights as a
 * `?url` asset (a file named by its content, so the immutable cache keeps it across visits).
 */
export function safeVideoModel(): Plugin {
	let files: SafeVideoModelFiles | null = null;
	let binPath: string | null = null;
	return {
		name: 'tangent-safe-video-model',
		resolveId(id) {
			return id === SAFE_VIDEO_MODEL_ID ? RESOLVED_ID : null;
		},
		load(id) {
			if (id !== RESOLVED_ID) return null;
			files ??= readSafeVideoModel();
			if (!binPath) {
				const hash = createHash('sha256').update(files.weightData).digest('hex').slice(0, 16);
				binPath = join(process.cwd(), 'node_modules', '.cache', 'tangent-safe-video', `mobilenet-v2-${hash}.bin`);
				if (!existsSync(binPath)) {
					mkdirSync(dirname(binPath), { recursive: true });
					writeFileSync(binPath, files.weightData);
				}
			}
			return [
				`export { default as weightsUrl } from ${JSON.stringify(`${binPath}?url`)};`,
				`export const modelTopology = JSON.parse(${JSON.stringify(JSON.stringify(files.modelTopology))});`,
				`export const weightSpecs = JSON.parse(${JSON.stringify(JSON.stringify(files.weightSpecs))});`
			].join('\n');
		}
	};
}
