// Undo after an accidental Next (issue 15): for a few seconds after Next, one click brings
// back the same stranger, if they have not moved on; the skipped side sees the chat come
// back without pressing anything. If they have moved on (Stop), the user is told so and
// the search goes on: a third stranger still meets them.
import { expect, test } from '@playwright/test';
import { expectStatus, lines, say, start, strangersSuite } from './support';

test.describe('undo after Next', () => {
	const { visitor } = strangersSuite('undo');

	test('A presses Next, then Undo: both are back in a chat together, the conversation kept, and messages go through', async ({
		browser
	}) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await Promise.all([start(a), start(b)]);
		await Promise.all([expectStatus(a, 'Connected — say hi!'), expectStatus(b, 'Connected — say hi!')]);
		await say(a, 'hello B');
		await expect(lines(b, 'stranger')).toHaveText(['Stranger: hello B']);

		await a.page.getByTestId('next').click();
		await expectStatus(b, 'Stranger has left', 5_000);
		const undo = a.page.getByTestId('undo-button');
		await expect(undo).toHaveText(/^Undo \([1-8]\)$/);
		await expect(undo).toBeEnabled({ timeout: 5_000 }); // once A's new search is in line
		await undo.click();

		await Promise.all([expectStatus(a, 'Connected — say hi!'), expectStatus(b, 'Connected — say hi!')]);
		await expect(a.page.getByTestId('chat-notice')).toHaveText(["You're back with Stranger."]);
		await expect(b.page.getByTestId('chat-notice')).toHaveText(['Stranger came back.']);
		// The conversation they had is back on both screens, and the new chat works.
		await expect(lines(a, 'you')).toHaveText(['You: hello B']);
		await say(b, 'welcome back');
		await expect(lines(a, 'stranger')).toHaveText(['Stranger: welcome back']);
		await say(a, 'thanks');
		await expect(lines(b, 'stranger')).toHaveText(['Stranger: hello B', 'Stranger: thanks']);
		await expect(a.page.getByTestId('undo')).toBeHidden();

		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('B pressed New chat, then Stop: Undo says they have moved on, and the search goes on to someone new', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await Promise.all([start(a), start(b)]);
		await Promise.all([expectStatus(a, 'Connected — say hi!'), expectStatus(b, 'Connected — say hi!')]);

		await a.page.getByTestId('next').click();
		await expectStatus(b, 'Stranger has left', 5_000);
		// Waiting unmatched, B could still be brought back; Stop is what says no.
		await b.page.getByTestId('next').click();
		await expectStatus(b, 'Looking for someone…');
		await b.page.getByTestId('stop').click();
		await expect(b.page).toHaveURL(/\/$/);

		const undo = a.page.getByTestId('undo-button');
		await expect(undo).toBeEnabled({ timeout: 5_000 });
		await undo.click();
		await expect(a.page.getByTestId('undo-refused')).toHaveText('They have already moved on. Still looking for someone new…');
		await expectStatus(a, 'Looking for someone…');

		const c = await visitor(browser, 'C');
		await start(c);
		await Promise.all([expectStatus(a, 'Connected — say hi!'), expectStatus(c, 'Connected — say hi!')]);
		await say(c, 'hi A');
		await expect(lines(a, 'stranger')).toHaveText(['Stranger: hi A']);
		await expect(a.page.getByTestId('undo-refused')).toBeHidden();

		for (const v of [a, b, c]) expect(v.errors).toEqual([]);
	});
});
