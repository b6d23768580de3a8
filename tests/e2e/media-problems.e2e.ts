// Camera and microphone refusals in words that fit the device (issue 15): a phone has no
// address-bar icon to click. The refusal is injected where the browser would give it
// (getUserMedia rejects with NotAllowedError, as after "Block"); the page's own code runs.
import { expect, test } from '@playwright/test';
import { acceptTermsIn, strangersSuite } from './support';

test.describe('camera and microphone problems', () => {
	strangersSuite('camera and microphone problems');

	for (const phone of [true, false]) {
		test(`a denied permission on a ${phone ? 'phone' : 'desktop'} says what to do there`, async ({ browser }) => {
			const context = await browser.newContext(
				phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : {}
			);
			try {
				await acceptTermsIn(context);
				await context.addInitScript(() => {
					navigator.mediaDevices.getUserMedia = () =>
						Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
				});
				const page = await context.newPage();
				const errors: Error[] = [];
				page.on('pageerror', (error) => errors.push(error));
				await page.goto('/chat?mode=video');
				const problem = page.getByTestId('media-problem');
				await expect(problem).toContainText('permission was denied');
				if (phone) {
					await expect(problem).toContainText('Tap the icon beside the web address');
					await expect(problem).not.toContainText('address bar');
				} else {
					await expect(problem).toContainText('Click the camera icon in the address bar');
				}
				// Never a dead end: text chat is offered.
				await expect(problem.getByRole('button', { name: /text/i })).toBeVisible();
				expect(errors).toEqual([]);
			} finally {
				await context.close();
			}
		});
	}
});
