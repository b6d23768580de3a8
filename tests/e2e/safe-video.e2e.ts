// Safe video in the browser (issue #16). Chromium's fake camera plays a generated test
// pattern (colour bars with a moving square: nothing anyone could object to) from a Y4M
// file, so the stranger's video is real decoded WebRTC video. With the real classifier the
// viewer's copy starts blurred and clears once it is judged safe; with the score source
// stubbed at its edge (the classifier worker's script replaced by one whose scores the test
// sets), an explicit frame blurs it again and offers Next and Report.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Browser, type Page, type Worker } from '@playwright/test';
import { colourBarsY4m } from '../../src/lib/media/safeVideo/fixtures/testPattern';
import { adminDb, waitFor } from '../support/admin';
import { expectStatus, startIn, strangersSuite, type Visitor } from './support';

/** Replaces the classifier worker: scores every frame with `self.stubScores` (safe until a test sets them). */
const STUB_WORKER = `
self.stubScores = { drawing: 0.05, hentai: 0.01, neutral: 0.9, porn: 0.02, sexy: 0.02 };
self.onmessage = (event) => {
	const message = event.data;
	if (message.type !== 'frame') return;
	message.frame.close();
	self.postMessage({ type: 'scores', id: message.id, scores: self.stubScores, ms: 1 });
};
self.postMessage({ type: 'ready', backend: 'stub', loadMs: 0 });
`;
const EXPLICIT = { drawing: 0.01, hentai: 0.04, neutral: 0.05, porn: 0.85, sexy: 0.05 };
const WORKER_SCRIPT = '**/workers/classifier.worker-*.js';

/**
 * Records every Safe video status the page shows, with whether the veil (the opaque blurred
 * copy) covered the whole remote video at that moment, so a test can tell what the viewer
 * saw first (a poll could miss a short state).
 */
async function recordStatuses(page: Page): Promise<void> {
	await page.addInitScript(() => {
		const seen: { status: string; veiled: boolean }[] = [];
		Object.assign(window, { safeVideoStatuses: seen });
		new MutationObserver(() => {
			const guard = document.querySelector('[data-testid="safe-video"]');
			const video = document.querySelector('[data-testid="remote-video"]');
			const veil = document.querySelector('[data-testid="safe-video-veil"]');
			const status = guard?.getAttribute('data-status');
			if (!status || !video) return;
			const v = video.getBoundingClientRect();
			const c = veil?.getBoundingClientRect();
			const veiled =
				c !== undefined && getComputedStyle(veil as Element).visibility === 'visible' &&
				c.left <= v.left && c.top <= v.top && c.right >= v.right && c.bottom >= v.bottom;
			const now = { status, veiled };
			// The veil follows the status within the same update: keep the settled state.
			if (seen.at(-1)?.status === status) seen[seen.length - 1] = now;
			else seen.push(now);
		}).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status', 'class'] });
	});
}

async function statusesSeen(page: Page): Promise<{ status: string; veiled: boolean }[]> {
	return page.evaluate(() => (window as unknown as { safeVideoStatuses: { status: string; veiled: boolean }[] }).safeVideoStatuses);
}

/** The veil covers the remote video and holds a copy of the stranger's picture (the colour bars: not black). */
async function expectVeiled(page: Page): Promise<void> {
	const veil = page.getByTestId('safe-video-veil');
	await expect(veil).toBeVisible();
	const [v, c] = await Promise.all([page.getByTestId('remote-video').boundingBox(), veil.boundingBox()]);
	expect(v && c && c.x <= v.x && c.y <= v.y && c.x + c.width >= v.x + v.width && c.y + c.height >= v.y + v.height).toBe(true);
	await expect
		.poll(
			() =>
				veil.evaluate((el) => {
					const canvas = el as HTMLCanvasElement;
					const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
					// The brightest channel of any pixel (alpha included: the canvas is opaque, so 255 either way).
					return pixels.reduce((brightest, value, i) => (i % 4 === 3 ? brightest : Math.max(brightest, value)), 0);
				}),
			{ message: "the veil shows a blurred copy of the stranger's picture" }
		)
		.toBeGreaterThan(60);
}

async function classifierWorker(page: Page): Promise<Worker> {
	const find = () => page.workers().find((w) => /classifier\.worker-/.test(w.url()));
	await expect.poll(() => find() !== undefined, { message: 'the classifier worker starts' }).toBe(true);
	const worker = find();
	if (!worker) throw new Error('no classifier worker');
	return worker;
}

test.describe('safe video', () => {
	const { visitor } = strangersSuite('safe video');
	let browser: Browser;

	test.beforeAll(async ({}, testInfo) => {
		const dir = mkdtempSync(join(tmpdir(), 'tangent-y4m-'));
		const clip = join(dir, 'bars.y4m');
		writeFileSync(clip, colourBarsY4m(320, 240, 20));
		const launch = testInfo.project.use.launchOptions ?? {};
		browser = await chromium.launch({ ...launch, args: [...(launch.args ?? []), `--use-file-for-fake-video-capture=${clip}`] });
	});
	test.afterAll(async () => {
		await browser?.close();
	});

	async function connectVideo(a: Visitor, b: Visitor): Promise<void> {
		await Promise.all([startIn(a, 'video'), startIn(b, 'video')]);
		await Promise.all([expectStatus(a, 'Connected — say hi!'), expectStatus(b, 'Connected — say hi!')]);
	}

	test('the real classifier: the stranger\'s video starts blurred and clears once it looks safe', async () => {
		test.setTimeout(90_000);
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await recordStatuses(a.page);
		await connectVideo(a, b);

		const guard = a.page.getByTestId('safe-video');
		await expect(guard).toHaveAttribute('data-status', 'safe', { timeout: 30_000 });
		await expect(a.page.getByTestId('remote-video')).not.toHaveClass(/blurred/);
		const seen = await statusesSeen(a.page);
		expect(seen[0]).toEqual({ status: 'checking', veiled: true });
		expect(seen.at(-1)).toEqual({ status: 'safe', veiled: false });
		await expect(a.page.getByTestId('safe-video-veil')).toHaveCount(0);
		expect(seen.map((s) => s.status)).not.toContain('unavailable');

		// The clear picture is the stranger's real video, playing.
		const playing = await a.page.getByTestId('remote-video').evaluate(async (el) => {
			const video = el as HTMLVideoElement;
			const before = video.currentTime;
			await new Promise((r) => setTimeout(r, 500));
			return video.videoWidth > 0 && video.currentTime > before;
		});
		expect(playing).toBe(true);
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('an explicit frame blurs at once and offers Next and Report; Report is one click', async () => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await a.context.route(WORKER_SCRIPT, (route) =>
			route.fulfill({ contentType: 'text/javascript', body: STUB_WORKER })
		);
		await connectVideo(a, b);
		const guard = a.page.getByTestId('safe-video');
		const remoteVideo = a.page.getByTestId('remote-video');
		await expect(guard).toHaveAttribute('data-status', 'safe', { timeout: 15_000 });
		await expect(remoteVideo).not.toHaveClass(/blurred/);

		const worker = await classifierWorker(a.page);
		await worker.evaluate((scores) => Object.assign(self, { stubScores: scores }), EXPLICIT);
		await expect(guard).toHaveAttribute('data-status', 'explicit', { timeout: 2_000 });
		await expect(remoteVideo).toHaveClass(/blurred/);
		await expectVeiled(a.page);
		await expect(a.page.getByTestId('safe-video-next')).toBeVisible();

		await a.page.getByTestId('safe-video-report').click();
		await expect(a.page.getByTestId('chat-notice')).toHaveText("Reported. You won't be matched with them again.", {
			timeout: 20_000
		});
		await expectStatus(b, 'Stranger has left', 5_000);
		const filed = await waitFor('the report document', async () => {
			const snap = await adminDb().collection('reports').get();
			return snap.size === 1 ? snap.docs[0] : undefined;
		});
		// The report says why, and carries no frame or score: those never leave the device.
		expect(filed.data()).toMatchObject({ reason: 'nudity', note: '' });
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('Show video is the viewer\'s choice; Next is one click from a flagged picture', async () => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await a.context.route(WORKER_SCRIPT, (route) =>
			route.fulfill({ contentType: 'text/javascript', body: STUB_WORKER })
		);
		await connectVideo(a, b);
		const guard = a.page.getByTestId('safe-video');
		const worker = await classifierWorker(a.page);
		await worker.evaluate((scores) => Object.assign(self, { stubScores: scores }), EXPLICIT);
		await expect(guard).toHaveAttribute('data-status', 'explicit', { timeout: 15_000 });

		await a.page.getByTestId('safe-video-show').click();
		await expect(guard).toHaveAttribute('data-status', 'shown');
		await expect(a.page.getByTestId('remote-video')).not.toHaveClass(/blurred/);
		await a.page.getByTestId('safe-video-hide').click();
		await expect(guard).toHaveAttribute('data-status', 'explicit', { timeout: 2_000 });

		await a.page.getByTestId('safe-video-next').click();
		await expectStatus(a, 'Looking for someone…', 5_000);
		await expect(guard).toHaveCount(0);
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('the classifier loads only in video mode with Safe video on; the start page turns it off', async () => {
		const v = await visitor(browser, 'A');
		const classifierRunning = () => v.page.workers().some((w) => /classifier\.worker-/.test(w.url()));

		await startIn(v, 'text');
		await expectStatus(v, 'Looking for someone…');
		expect(classifierRunning()).toBe(false);

		await v.page.goto('/');
		const setting = v.page.getByTestId('safe-video-setting');
		await expect(setting).toBeChecked();
		await v.page.getByRole('radio', { name: /Video/ }).check({ force: true });
		await v.page.getByRole('button', { name: 'Start' }).click();
		await expectStatus(v, 'Looking for someone…');
		// Started while searching, so the model is ready when the first stranger appears.
		await expect.poll(classifierRunning).toBe(true);

		await v.page.goto('/');
		await expect.poll(classifierRunning).toBe(false);
		// `force` (the switch's input sits under its drawn track) skips the wait for the page to
		// be interactive, before which the setting is disabled (see the start page's `interactive`).
		await expect(setting).toBeEnabled();
		await setting.uncheck({ force: true });
		await v.page.getByRole('button', { name: 'Start' }).click();
		await expectStatus(v, 'Looking for someone…');
		await expect(v.page.getByTestId('local-video')).toBeVisible();
		expect(classifierRunning()).toBe(false);
		await v.page.goto('/');
		await expect(setting).not.toBeChecked(); // remembered
		expect(v.errors).toEqual([]);
	});
});
