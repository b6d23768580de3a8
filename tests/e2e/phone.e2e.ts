// The chat on a phone (issue 15): a one-line header, Stop/Next in a bottom bar by the
// thumb, and nothing overlapping or scrolling sideways down to 320 px (WCAG 1.4.10).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectStatus, say, start, strangersSuite } from './support';

type Box = { x: number; y: number; width: number; height: number };

async function box(locator: Locator): Promise<Box> {
	const b = await locator.boundingBox();
	if (!b) throw new Error('element is not visible');
	return b;
}

const overlap = (a: Box, b: Box) =>
	a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The layout rules a phone user relies on, checked in the page's current state. */
async function expectPhoneLayout(page: Page, width: number, height: number): Promise<void> {
	const status = page.getByTestId('status');
	const statusBox = await box(status);
	const lineHeight = await status.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
	expect(statusBox.height, 'the status is one line').toBeLessThan(lineHeight * 1.5);
	const report = page.getByTestId('report');
	if ((await report.count()) > 0) expect(overlap(statusBox, await box(report)), 'Report covers the status').toBe(false);

	const next = await box(page.getByTestId('next'));
	const composer = await box(page.getByTestId('composer'));
	expect(next.y, 'Next sits in the bottom bar').toBeGreaterThan(composer.y + composer.height - 1);
	expect(next.y + next.height).toBeLessThanOrEqual(height + 1);
	expect(next.height).toBeGreaterThanOrEqual(44); // a thumb-sized target
	expect(overlap(next, composer)).toBe(false);
	expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling').toBeLessThanOrEqual(width);
}

test.describe('phone layout', () => {
	const { visitor } = strangersSuite('phone layout');

	for (const [width, height] of [
		[320, 568],
		[390, 844]
	] as const) {
		test(`at ${width}×${height}: one-line header, bottom bar, no overlap`, async ({ browser }) => {
			const a = await visitor(browser, 'phone');
			const b = await visitor(browser, 'desktop');
			await a.page.setViewportSize({ width, height });
			await start(a);
			await expectStatus(a, 'Looking for someone…');
			await expectPhoneLayout(a.page, width, height);

			await start(b);
			await expectStatus(a, 'Connected — say hi!');
			await say(b, 'hello phone');
			await expectPhoneLayout(a.page, width, height);

			await b.page.getByTestId('stop').click();
			await expectStatus(a, 'Stranger has left', 5_000);
			await expect(a.page.getByTestId('next')).toHaveText('New chat');
			await expectPhoneLayout(a.page, width, height);
			for (const v of [a, b]) expect(v.errors).toEqual([]);
		});
	}
});
