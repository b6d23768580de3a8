// Where the browser cannot say when a video presents a frame (Firefox before 132), the veil
// and the sampler fall back to animation frames instead of throwing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hasFrameCallbacks, onNextFrame } from './veil';

afterEach(() => vi.unstubAllGlobals());

describe('onNextFrame', () => {
	it('uses the video frame callback where there is one, and cancels it', () => {
		const cancelled: number[] = [];
		let pending: (() => void) | null = null;
		const video = {
			requestVideoFrameCallback: (callback: () => void) => ((pending = callback), 7),
			cancelVideoFrameCallback: (id: number) => cancelled.push(id)
		} as unknown as HTMLVideoElement;
		const onFrame = vi.fn();
		expect(hasFrameCallbacks(video)).toBe(true);
		const cancel = onNextFrame(video, onFrame);
		pending!();
		expect(onFrame).toHaveBeenCalledOnce();
		cancel();
		expect(cancelled).toEqual([7]);
	});

	it('falls back to the next animation frame without one, and cancels that', () => {
		const frames: (() => void)[] = [];
		const cancelled: number[] = [];
		vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
		vi.stubGlobal('cancelAnimationFrame', (id: number) => cancelled.push(id));
		const video = {} as HTMLVideoElement;
		const onFrame = vi.fn();
		expect(hasFrameCallbacks(video)).toBe(false);
		const cancel = onNextFrame(video, onFrame);
		expect(frames).toHaveLength(1);
		frames[0]!();
		expect(onFrame).toHaveBeenCalledOnce();
		cancel();
		expect(cancelled).toEqual([1]);
	});
});
