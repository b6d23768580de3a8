// Two strangers meet and text, in two separate browser contexts (separate storage, so two
// anonymous users) against the built app on the Hosting emulator.
import { expect, test } from '@playwright/test';
import { expectStatus, lines, say, start, strangersSuite } from './support';

test.describe('text chat', () => {
	const { visitor } = strangersSuite('text chat');

	test('two strangers connect, talk, and one leaves', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');

		await Promise.all([start(a), start(b)]);
		for (const v of [a, b]) {
			await expectStatus(v, 'Connected — say hi!');
			await expect(v.page.getByTestId('composer')).toBeEnabled();
		}

		await say(a, 'hello from A');
		await expect(lines(b, 'stranger')).toHaveText(['Stranger: hello from A']);
		await expect(lines(a, 'you')).toHaveText(['You: hello from A']);

		await say(b, 'hi A, B here');
		await expect(lines(a, 'stranger')).toHaveText(['Stranger: hi A, B here']);
		await expect(lines(b, 'you')).toHaveText(['You: hi A, B here']);

		// Shift+Enter breaks the line instead of sending.
		const composer = a.page.getByTestId('composer');
		await composer.fill('line one');
		await composer.press('Shift+Enter');
		await composer.pressSequentially('line two');
		await expect(composer).toHaveValue('line one\nline two');
		await composer.press('Enter');
		await expect(lines(b, 'stranger')).toHaveCount(2);
		await expect.poll(() => lines(b, 'stranger').last().textContent()).toContain('line one\nline two');

		await a.page.getByTestId('stop').click();
		await expect(a.page.getByRole('button', { name: 'Start' })).toBeVisible();

		// The partner learns it at once (a goodbye over the data channel), well within 2 s.
		await expectStatus(b, 'Stranger has left', 2_000);
		await expect(b.page.getByTestId('next')).toHaveText('New chat');
		await expect(b.page.getByRole('link', { name: 'Home' })).toBeVisible();
		await expect(b.page.getByTestId('composer')).toBeDisabled();

		// No dead end: New chat searches again.
		await b.page.getByTestId('next').click();
		await expectStatus(b, 'Looking for someone…');
		// The chat just left stays on screen while searching, under how it ended.
		await expect(lines(b, 'stranger')).toHaveCount(2);
		await expect(b.page.getByTestId('chat-end')).toHaveText('Stranger left');
		await b.page.getByTestId('stop').click();
		await expect(b.page.getByRole('button', { name: 'Start' })).toBeVisible();

		expect(a.errors).toEqual([]);
		expect(b.errors).toEqual([]);
	});

	test('the composer waits for a partner, and Stop goes back to the start page', async ({
		browser
	}) => {
		const v = await visitor(browser, 'solo');

		await start(v);
		await expectStatus(v, 'Looking for someone…');
		await expect(v.page.getByTestId('composer')).toBeDisabled();
		await expect(v.page.getByTestId('next')).toHaveText('Next');

		await v.page.getByTestId('stop').click();
		await expect(v.page).toHaveURL(/\/$/);
		await expect(v.page.getByRole('button', { name: 'Start' })).toBeVisible();

		expect(v.errors).toEqual([]);
	});
});
