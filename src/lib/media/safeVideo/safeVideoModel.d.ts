// The module modelAsset.ts's Vite plugin serves to the classifier worker.
declare module 'virtual:safe-video-model' {
	import type { io } from '@tensorflow/tfjs';
	/** MobileNetV2's weights, one binary file of our own origin. */
	export const weightsUrl: string;
	export const modelTopology: NonNullable<io.ModelArtifacts['modelTopology']>;
	export const weightSpecs: io.WeightsManifestEntry[];
}
