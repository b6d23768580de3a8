// Video and audio calls between two browsers with Chromium's fake camera and microphone:
// each side must receive the other's live tracks, and the video must actually play.
import { expect, test, type Page } from '@playwright/test';
import { expectStatus, startIn, strangersSuite, type Visitor } from './support';

interface RemoteMedia {
	audio: string[];
	video: string[];
	width: number;
	playing: boolean;
}

/** What the partner's media element is showing: its tracks' states and whether frames flow. */
async function remoteMedia(page: Page): Promise<RemoteMedia> {
	return page.getByTestId('remote-video').evaluate(async (el) => {
		if (!(el instanceof HTMLMediaElement)) throw new Error('remote-video is not a media element');
		const media = el;
		const stream = media.srcObject instanceof MediaStream ? media.srcObject : null;
		const before = media.currentTime;
		await new Promise((r) => setTimeout(r, 500));
		return {
			audio: stream?.getAudioTracks().map((t) => t.readyState) ?? [],
			video: stream?.getVideoTracks().map((t) => t.readyState) ?? [],
			width: el instanceof HTMLVideoElement ? el.videoWidth : 0,
			playing: media.currentTime > before
		};
	});
}

test.describe('video and audio calls', () => {
	const { visitor } = strangersSuite('media');

	async function connectIn(mode: 'video' | 'audio', a: Visitor, b: Visitor): Promise<void> {
		await Promise.all([startIn(a, mode), startIn(b, mode)]);
		await Promise.all([expectStatus(a, 'Connected — say hi!'), expectStatus(b, 'Connected — say hi!')]);
	}

	test('a video call shows each side the other live', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await connectIn('video', a, b);
		for (const v of [a, b]) {
			await expect(v.page.getByTestId('local-video')).toBeVisible();
			await expect
				.poll(() => remoteMedia(v.page), { timeout: 15_000 })
				.toMatchObject({ audio: ['live'], video: ['live'], playing: true });
			expect((await remoteMedia(v.page)).width).toBeGreaterThan(0);
		}
		// Camera off and mute keep the call up, and the partner is told over the data channel.
		await expect(b.page.getByTestId('partner-state')).toHaveCount(0);
		await a.page.getByTestId('camera-toggle').click();
		await expect(b.page.getByTestId('partner-state')).toHaveText('Camera off');
		await a.page.getByTestId('mic-toggle').click();
		await expect(b.page.getByTestId('partner-state')).toHaveText('Camera off · Muted');
		await expectStatus(a, 'Connected — say hi!', 2_000);
		await a.page.getByTestId('camera-toggle').click();
		await expect(b.page.getByTestId('partner-state')).toHaveText('Muted');
		await expect(a.page.getByTestId('partner-state')).toHaveCount(0);
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('an audio call sends sound and no picture', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await connectIn('audio', a, b);
		for (const v of [a, b]) {
			await expect
				.poll(() => remoteMedia(v.page), { timeout: 15_000 })
				.toMatchObject({ audio: ['live'], video: [] });
		}
		// Muting is shown on the partner's side instead of "On the line".
		await expect(b.page.getByTestId('partner-state')).toHaveText('On the line');
		await a.page.getByTestId('mic-toggle').click();
		await expect(b.page.getByTestId('partner-state')).toHaveText('Muted');
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('text and video users are never matched: the text user meets the next text user, the video user waits on', async ({ browser }) => {
		const a = await visitor(browser, 'text');
		const b = await visitor(browser, 'video');
		await Promise.all([startIn(a, 'text'), startIn(b, 'video')]);
		await expectStatus(a, 'Looking for someone…');
		await expectStatus(b, 'Looking for someone…');
		// A witness instead of a wait: the matchmaker pairs the next text user with A, having
		// had B in line all along.
		const c = await visitor(browser, 'text 2');
		await startIn(c, 'text');
		await Promise.all([expectStatus(a, 'Connected — say hi!'), expectStatus(c, 'Connected — say hi!')]);
		await expectStatus(b, 'Looking for someone…', 100);
	});
});
