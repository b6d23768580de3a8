// The start page arrives rendered, and a slow phone shows it for a moment before its script
// runs. In that moment the mode and Start work (Start submits the form, which opens the chat
// in that mode); the other fields wait, so nothing typed or picked is lost or skips its rules.
import { expect, test } from '@playwright/test';
import { openStartPageUnhydrated, strangersSuite } from './support';

const WAITING_FIELDS = ['display-name', 'interests', 'language', 'hide-ip', 'safe-video-setting', 'alerts-setting', 'page-language'];

test.describe('the start page before it is interactive', () => {
	const { visitor } = strangersSuite('start page');

	test('only the mode and Start work until the script runs; then every field does, with its rules', async ({ browser }) => {
		const v = await visitor(browser, 'early');
		const release = await openStartPageUnhydrated(v.page);
		for (const id of WAITING_FIELDS) await expect(v.page.getByTestId(id), id).toBeDisabled();
		await expect(v.page.getByRole('radio', { name: /Video/ })).toBeEnabled();
		await expect(v.page.getByRole('button', { name: 'Start' })).toBeEnabled();
		release();

		for (const id of WAITING_FIELDS) await expect(v.page.getByTestId(id), id).toBeEnabled();
		// The name's rules apply as soon as one can type: no reversing or invisible characters.
		await v.page.getByTestId('display-name').fill('  Al\u202Eex\u200B');
		await expect(v.page.getByTestId('display-name')).toHaveValue('Alex');
		expect(v.errors).toEqual([]);
	});

	test('Start pressed before the script runs opens the chat in the mode chosen', async ({ browser }) => {
		const v = await visitor(browser, 'hasty');
		const release = await openStartPageUnhydrated(v.page);
		await v.page.getByRole('radio', { name: /Video/ }).check();
		await v.page.getByRole('button', { name: 'Start' }).click();
		await expect(v.page).toHaveURL(/\/chat\?mode=video$/);
		release();
		await expect(v.page.getByTestId('status')).toHaveText(/Looking for someone…|Starting…/, { timeout: 15_000 });
		expect(v.errors).toEqual([]);
	});
});
