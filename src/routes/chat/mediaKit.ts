// What only video and audio mode need: the camera and microphone, the gate that asks for
// them, and the stage that shows both sides. The chat page imports this lazily, so a text
// chat never downloads it.
export { LocalMedia } from '$lib/media/localMedia.svelte';
export { default as AudioStage } from './AudioStage.svelte';
export { default as MediaControls } from './MediaControls.svelte';
export { default as MediaGate } from './MediaGate.svelte';
export { default as VideoStage } from './VideoStage.svelte';
export { dropWarmClassifier, warmClassifier } from '$lib/media/safeVideo/warmClassifier';
