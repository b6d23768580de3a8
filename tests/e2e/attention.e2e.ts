// What reaches a user who is not looking (issue 15): a background tab counts a match and new
// messages in its title, and a reader scrolled up is offered "New messages ↓".
import { expect, test } from '@playwright/test';
import { expectStatus, lines, say, setTabHidden, start, strangersSuite } from './support';

test.describe('attention', () => {
	const { visitor } = strangersSuite('attention');

	test('a background tab shows a match and new messages in its title', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await start(a);
		await expectStatus(a, 'Looking for someone…');
		await setTabHidden(a.page, true);

		await start(b);
		await expectStatus(b, 'Connected — say hi!');
		await expect(a.page).toHaveTitle('(1) Chatting — Tangent');
		await say(b, 'anyone there?');
		await say(b, 'hello?');
		await expect(a.page).toHaveTitle('(3) Chatting — Tangent');

		await setTabHidden(a.page, false);
		await expect(a.page).toHaveTitle('Chatting — Tangent');
		// Seen while looking: no badge.
		await say(b, 'there you are');
		await expect(lines(a, 'stranger')).toHaveCount(3);
		await expect(a.page).toHaveTitle('Chatting — Tangent');
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('a search with interests says when it widens to anyone', async ({ browser }) => {
		const v = await visitor(browser, 'picky');
		await v.page.goto('/');
		await v.page.getByTestId('interests').fill('underwater basket weaving,');
		await v.page.getByRole('button', { name: 'Start' }).click();
		await expectStatus(v, 'Looking for someone…');
		await expect(v.page.getByText("Hang on, we're finding you someone to talk to.")).toBeVisible();
		await expect(v.page.getByTestId('search-widened')).toHaveText(
			"No one who shares your interests is here right now, so we're looking for anyone.",
			{ timeout: 10_000 }
		);
		expect(v.errors).toEqual([]);
	});

	test('scrolled up to reread, the reader is offered a jump to new messages', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await Promise.all([start(a), start(b)]);
		await expectStatus(a, 'Connected — say hi!');

		const tall = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n');
		const composer = b.page.getByTestId('composer');
		await composer.fill(tall);
		await composer.press('Enter');
		await expect(lines(a, 'stranger')).toHaveCount(1);
		const jump = a.page.getByTestId('jump-down');
		await expect(jump).toHaveCount(0); // at the bottom, it followed

		const scroller = a.page.getByTestId('chat-scroller');
		await scroller.evaluate((el) => el.scrollTo({ top: 0 }));
		await say(b, 'something new');
		await expect(jump).toHaveText('New messages ↓');
		await expect(lines(a, 'stranger').last()).not.toBeInViewport();

		await jump.click();
		await expect(jump).toHaveCount(0);
		await expect(lines(a, 'stranger').last()).toBeInViewport();
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});
});
