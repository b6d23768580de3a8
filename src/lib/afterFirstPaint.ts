// Work a first visit does not need to see (the Firebase SDK, the online count) waits until
// the page has shown its content and the main thread is idle: on a slow phone, fetching and
// compiling the SDK while the start page was still rendering delayed its largest paint
// (Lighthouse mobile LCP 2.8 s). A visitor reading the page gives the idle moment at once.

/** Longest wait for an idle moment after the first paint, so a busy page still gets its work done. */
const IDLE_TIMEOUT_MS = 1_000;
/** Longest wait for the first contentful paint (a background tab paints nothing until shown). */
const PAINT_TIMEOUT_MS = 3_000;

let painted: Promise<void> | null = null;

/**
 * Resolves once the browser has reported the first contentful paint (the time the frame was
 * presented, which on a slow device comes well after the script that rendered it) and then
 * had an idle moment. Once per page; at once on later calls.
 */
export function afterFirstPaint(): Promise<void> {
	painted ??= firstContentfulPaint().then(idle);
	return painted;
}

function firstContentfulPaint(): Promise<void> {
	return new Promise((resolve) => {
		if (performance.getEntriesByName('first-contentful-paint').length > 0) return resolve();
		if (!PerformanceObserver.supportedEntryTypes?.includes('paint')) return void setTimeout(resolve, PAINT_TIMEOUT_MS);
		const done = () => {
			observer.disconnect();
			clearTimeout(timer);
			resolve();
		};
		const observer = new PerformanceObserver((list) => {
			if (list.getEntriesByName('first-contentful-paint').length > 0) done();
		});
		observer.observe({ type: 'paint', buffered: true });
		const timer = setTimeout(done, PAINT_TIMEOUT_MS);
	});
}

function idle(): Promise<void> {
	return new Promise((resolve) => {
		if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: IDLE_TIMEOUT_MS });
		else setTimeout(resolve, 0);
	});
}
