// The blurred picture Safe video shows: an opaque canvas over the stranger's video holding a
// tiny, softened copy of it (16 pixels across, blurred again, scaled up by the browser), so
// the viewer sees colours and rough shapes and nothing more. Not a CSS blur on the live
// video: without a GPU the browser redraws a blur(48px) of every video frame on the CPU,
// which cost most of a core and made the classifier's first frames three to five times
// slower on a 2-core machine (first remote frame → first classification 650–950 ms, against
// 100–200 ms once the picture had cleared). The copy is redrawn a few times a second.
import type { Attachment } from 'svelte/attachments';

/** Pixels across: each one stands for a sixteenth of the picture's width. */
export const VEIL_WIDTH = 16;
/** Softens the pixels' edges (in canvas pixels) and mutes the colours, as the CSS blur did. */
const VEIL_FILTER = 'blur(1px) saturate(0.6)';
/** The copy follows the video at about five frames a second. */
const VEIL_INTERVAL_MS = 200;

/**
 * Keeps the canvas showing a blurred copy of `video` while attached. The canvas is opaque
 * (black until the first frame), so nothing of the video shows through it. `stream` is read
 * so that a new stranger's stream starts from black, not from the last stranger's copy.
 */
export function veil(video: HTMLMediaElement | undefined, stream: MediaStream | null): Attachment<HTMLCanvasElement> {
	return (canvas) => {
		const context = canvas.getContext('2d', { alpha: false });
		if (!context) return;
		context.filter = 'none';
		context.fillStyle = '#000';
		context.fillRect(0, 0, canvas.width, canvas.height);
		if (!(video instanceof HTMLVideoElement) || !stream) return;
		let drawnAt = -Infinity;
		let cancel = () => {};

		function draw() {
			if (!(video instanceof HTMLVideoElement) || !context || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) return;
			const height = Math.max(1, Math.round((VEIL_WIDTH * video.videoHeight) / video.videoWidth));
			if (canvas.width !== VEIL_WIDTH || canvas.height !== height) {
				canvas.width = VEIL_WIDTH;
				canvas.height = height;
			}
			context.filter = VEIL_FILTER;
			// Drawn a pixel beyond each edge, so the blur has picture to take in there, not black.
			context.drawImage(video, -1, -1, VEIL_WIDTH + 2, height + 2);
			drawnAt = performance.now();
		}

		function onFrame() {
			if (performance.now() - drawnAt >= VEIL_INTERVAL_MS) draw();
			if (video instanceof HTMLVideoElement) cancel = onNextFrame(video, onFrame);
		}

		draw();
		cancel = onNextFrame(video, onFrame);
		return () => cancel();
	};
}

/**
 * Calls `onFrame` once, when `video` presents its next frame: requestVideoFrameCallback
 * where the browser has it (Chromium, Safari 15.4+, Firefox 132+), else the next animation
 * frame, which is no later. Returns what cancels it.
 */
export function onNextFrame(video: HTMLVideoElement, onFrame: () => void): () => void {
	if (hasFrameCallbacks(video)) {
		const id = video.requestVideoFrameCallback(() => onFrame());
		return () => video.cancelVideoFrameCallback(id);
	}
	const id = requestAnimationFrame(() => onFrame());
	return () => cancelAnimationFrame(id);
}

/** Whether the browser tells when a video presents a frame (older Firefox does not). */
export function hasFrameCallbacks(video: HTMLVideoElement): boolean {
	return typeof video.requestVideoFrameCallback === 'function';
}
