// The start page arrives rendered (src/routes/+page.ts). Its scripts wait for the browser to
// paint that markup before they hydrate it: its scripts are preloaded, so a busy phone could
// otherwise run the whole hydration first and paint only after it, which put the largest
// paint behind the JavaScript after all (Lighthouse's trace: first paint after the app had
// run). Pages without rendered markup have nothing to paint yet and wait one frame at most.

/** Longest wait for a frame: a background tab gets none until it is shown. */
const FRAME_TIMEOUT_MS = 100;

export function init(): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, FRAME_TIMEOUT_MS);
		// A frame callback runs just before the paint; the task after it runs once it is done.
		requestAnimationFrame(() =>
			setTimeout(() => {
				clearTimeout(timer);
				resolve();
			}, 0)
		);
	});
}
