// No camera, but a microphone (issue 15): video mode offers a voice chat in one click
// instead of a dead end. The page's getUserMedia refuses any request for video with
// NotFoundError, as a machine without a camera does; audio works as usual.
import { expect, test } from '@playwright/test';
import { expectStatus, startIn, strangersSuite } from './support';

test.describe('audio only when the camera is missing', () => {
	const { visitor } = strangersSuite('audio only');

	test('one click turns a camera problem into a voice chat', async ({ browser }) => {
		const a = await visitor(browser, 'no camera');
		const b = await visitor(browser, 'listener');
		await a.context.addInitScript(() => {
			const devices = navigator.mediaDevices;
			const getUserMedia = devices.getUserMedia.bind(devices);
			devices.getUserMedia = (constraints) =>
				constraints?.video
					? Promise.reject(new DOMException('Requested device not found', 'NotFoundError'))
					: getUserMedia(constraints);
		});
		await startIn(a, 'video');
		await expect(a.page.getByTestId('media-problem')).toBeVisible();
		await expect(a.page.getByRole('heading', { name: 'No device found' })).toBeVisible();
		await expect(a.page.getByTestId('audio-only-offer')).toBeVisible();
		const offer = a.page.getByTestId('audio-only');
		await expect(offer).toBeFocused();
		await offer.click();

		await expect(a.page).toHaveURL(/\/chat\?mode=audio$/);
		await expectStatus(a, 'Looking for someone…');
		await expect(a.page.getByRole('region', { name: 'Audio call' })).toBeVisible();
		await startIn(b, 'audio');
		await expectStatus(a, 'Connected — say hi!');
		await expect(a.page.getByTestId('remote-video')).toHaveJSProperty('paused', false, { timeout: 30_000 });
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('without a microphone either, no audio-only offer', async ({ browser }) => {
		const v = await visitor(browser, 'no devices');
		await v.context.addInitScript(() => {
			const devices = navigator.mediaDevices;
			devices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
			devices.enumerateDevices = () => Promise.resolve([]);
		});
		await startIn(v, 'video');
		await expect(v.page.getByTestId('media-problem')).toBeVisible();
		await expect(v.page.getByRole('button', { name: 'Continue with text chat' })).toBeVisible();
		await expect(v.page.getByTestId('audio-only')).toHaveCount(0);
		expect(v.errors).toEqual([]);
	});
});
