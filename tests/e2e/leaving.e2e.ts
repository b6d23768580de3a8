// Leaving deliberately (issue 15): a new match starts with an empty message box, one stray
// Esc never ends a chat, and a chat that ends stays on screen to be reread, saved or copied.
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { expectStatus, lines, say, start, strangersSuite } from './support';

test.describe('leaving', () => {
	const { visitor } = strangersSuite('leaving');

	test('words typed for one stranger are not left in the box for the next', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		const c = await visitor(browser, 'C');
		await Promise.all([start(a), start(b)]);
		await expectStatus(a, 'Connected — say hi!');

		const composer = a.page.getByTestId('composer');
		await composer.fill('meant for B only');
		await b.page.getByTestId('stop').click();
		await expectStatus(a, 'Stranger has left', 5_000);
		await expect(composer).toHaveValue('meant for B only'); // still there to reread until the next match

		await a.page.getByTestId('next').click();
		await start(c);
		await expectStatus(a, 'Connected — say hi!');
		await expect(composer).toHaveValue('');
		await expect(composer).toBeFocused();
		await say(c, 'hello A');
		await expect(lines(a, 'stranger')).toHaveText(['Stranger: hello A']);

		for (const v of [a, b, c]) expect(v.errors).toEqual([]);
	});

	test('Esc asks first and skips on the second press; the Next button is one click', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await Promise.all([start(a), start(b)]);
		await expectStatus(a, 'Connected — say hi!');

		// A stray Esc while typing: the chat and the draft stay.
		const composer = a.page.getByTestId('composer');
		await composer.fill('half a thought');
		await composer.press('Escape');
		const ask = a.page.getByTestId('esc-ask');
		await expect(ask).toHaveText('Press Esc again to leave this chat');
		await expect(ask).toHaveAttribute('role', 'status');
		// The question lapses after a few seconds; an Esc after that only asks again.
		await expect(ask).toBeHidden({ timeout: 6_000 });
		await composer.press('Escape');
		await expect(ask).toBeVisible();
		await expectStatus(b, 'Connected — say hi!', 1_000);
		await expect(composer).toHaveValue('half a thought');

		// The second Esc within the time skips.
		await composer.press('Escape');
		await expectStatus(b, 'Stranger has left', 2_000);
		await expectStatus(a, 'Looking for someone…');

		// The Next button needs no confirmation: B (ended) meets A again once both have waited.
		await b.page.getByTestId('next').click();
		await expectStatus(b, /Looking for someone…|Connecting…|Connected — say hi!/);
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('an ended chat stays on screen with how it ended, focus on New chat, and can be saved or copied', async ({
		browser
	}) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await b.context.grantPermissions(['clipboard-read', 'clipboard-write']);
		await Promise.all([start(a), start(b)]);
		await expectStatus(b, 'Connected — say hi!');
		await say(a, 'hello from A');
		await say(b, 'hi A');
		await expect(lines(b, 'stranger')).toHaveText(['Stranger: hello from A']);

		await a.page.getByTestId('stop').click();
		await expectStatus(b, 'Stranger has left', 5_000);
		await expect(lines(b, 'stranger')).toHaveText(['Stranger: hello from A']);
		await expect(lines(b, 'you')).toHaveText(['You: hi A']);
		await expect(b.page.getByTestId('chat-end')).toHaveText('Stranger left');
		await expect(b.page.getByTestId('next')).toHaveText('New chat');
		await expect(b.page.getByTestId('next')).toBeFocused();

		// Save: a download made in the browser (a blob: URL), nothing uploaded.
		const uploads: string[] = [];
		b.page.on('request', (request) => {
			if (request.method() !== 'GET' && request.postData()?.includes('hello from A')) uploads.push(request.url());
		});
		const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.getByTestId('transcript-save').click()]);
		expect(download.url()).toMatch(/^blob:/);
		expect(download.suggestedFilename()).toMatch(/^tangent-chat-\d{4}-\d{2}-\d{2}-\d{4}\.txt$/);
		const saved = await readFile((await download.path()) ?? '', 'utf8');
		expect(saved).toMatch(/\[\d\d:\d\d\] Stranger: hello from A\n\[\d\d:\d\d\] You: hi A\n\n— Stranger left\n$/);

		await b.page.getByTestId('transcript-copy').click();
		await expect(b.page.getByTestId('transcript-copy')).toHaveText('Copied');
		expect(await b.page.evaluate(() => navigator.clipboard.readText())).toBe(saved);
		expect(uploads).toEqual([]);

		// New chat: the old conversation stays, under its ending, until someone new connects.
		await b.page.getByTestId('next').click(); // focus moved to Copy when it was pressed
		await expectStatus(b, 'Looking for someone…');
		await expect(lines(b, 'stranger')).toHaveText(['Stranger: hello from A']);
		await expect(b.page.getByTestId('chat-end')).toHaveText('Stranger left');
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});
});
