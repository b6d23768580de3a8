// The optional display name (issue 17): chosen on the start page, remembered, sent to the
// stranger over the data channel only, shown wherever "Stranger" would be, and attachable
// to a report. Two browser contexts are two anonymous users.
import { expect, test } from '@playwright/test';
import { adminDb, waitFor } from '../support/admin';
import { expectStatus, lines, say, strangersSuite, type Visitor } from './support';

/** Opens the start page, types a name (or leaves it empty) and presses Start. */
async function startAs(v: Visitor, typed: string | null): Promise<void> {
	await v.page.goto('/');
	if (typed !== null) await v.page.getByLabel(/Your name/).fill(typed);
	await v.page.getByRole('button', { name: 'Start' }).click();
	await expect(v.page).toHaveURL(/\/chat\?mode=text$/);
}

test.describe('display name', () => {
	const { visitor } = strangersSuite('display name');

	test('the start page field applies the receiver\'s rules as you type, with a counter, and is remembered', async ({
		browser
	}) => {
		const v = await visitor(browser, 'namer');
		await v.page.goto('/');
		const field = v.page.getByLabel(/Your name/);
		const count = v.page.getByTestId('display-name-count');
		await expect(count).toHaveText('0/20');

		// A right-to-left override and zero-width characters never reach the field.
		await field.fill('  Al\u202Eex\u200B');
		await expect(field).toHaveValue('Alex');
		await expect(count).toHaveText('4/20');
		await field.fill('x'.repeat(25));
		await expect(field).toHaveValue('x'.repeat(20));
		await expect(count).toHaveText('20/20');

		await field.fill('Sam ');
		await field.blur();
		await v.page.reload();
		await expect(v.page.getByLabel(/Your name/)).toHaveValue('Sam');
		expect(v.errors).toEqual([]);
	});

	test('two strangers, one named and one not, see each other correctly, and the name can be reported', async ({
		browser
	}) => {
		const named = await visitor(browser, 'Alex');
		const unnamed = await visitor(browser, 'unnamed');

		await Promise.all([startAs(named, 'Alex'), startAs(unnamed, null)]);
		// The unnamed side sees the name; the named side sees "Stranger" as before.
		await expectStatus(unnamed, 'Connected to Alex — say hi!');
		await expectStatus(named, 'Connected — say hi!');

		await say(named, 'hi, I am Alex');
		await expect(lines(unnamed, 'stranger')).toHaveText(['Alex: hi, I am Alex']);
		await expect(lines(named, 'you')).toHaveText(['You: hi, I am Alex']);
		await say(unnamed, 'hello');
		await expect(lines(named, 'stranger')).toHaveText(['Stranger: hello']);

		// Typing, as the screen reader hears it too (the live region holds the text).
		await named.page.getByTestId('composer').pressSequentially('more');
		await expect(unnamed.page.getByTestId('typing')).toHaveText('Alex is typing…');
		await unnamed.page.getByTestId('composer').pressSequentially('x');
		await expect(named.page.getByTestId('typing')).toHaveText('Stranger is typing…');

		// The name never went through Firestore: not in the lobby, the call or its signals.
		for (const collection of ['lobby', 'calls']) {
			const docs = (await adminDb().collection(collection).get()).docs;
			expect(docs.length).toBeGreaterThan(0);
			for (const doc of docs) {
				expect(JSON.stringify(doc.data())).not.toContain('Alex');
				for (const sub of await doc.ref.listCollections()) {
					for (const subDoc of (await sub.get()).docs) expect(JSON.stringify(subDoc.data())).not.toContain('Alex');
				}
			}
		}

		// Someone who gave no name offers no name to report or attach.
		await named.page.getByTestId('report').click();
		const namedDialog = named.page.getByTestId('report-dialog');
		await expect(namedDialog.getByRole('radio', { name: 'Harassment, hate or threats' })).toBeVisible();
		await expect(namedDialog.getByRole('radio', { name: 'Offensive name' })).toHaveCount(0);
		await expect(namedDialog.getByLabel(/Attach the name/)).toHaveCount(0);
		await namedDialog.getByRole('button', { name: 'Cancel' }).click();
		await expect(namedDialog).toBeHidden();

		await named.page.getByTestId('stop').click();
		await expectStatus(unnamed, 'Alex has left', 5_000);

		// Report after the chat: "Offensive name", attaching the name the reporter saw.
		await unnamed.page.getByTestId('report').click();
		const dialog = unnamed.page.getByTestId('report-dialog');
		await dialog.getByRole('radio', { name: 'Offensive name' }).check();
		const attach = dialog.getByLabel(/Attach the name they showed/);
		await expect(attach).not.toBeChecked(); // opt-in
		await attach.check();
		await dialog.getByRole('button', { name: 'Send report' }).click();
		await expect(dialog).toBeHidden({ timeout: 20_000 });
		const filed = await waitFor('the report document', async () => {
			const snap = await adminDb().collection('reports').get();
			return snap.size === 1 ? snap.docs[0] : undefined;
		});
		expect(filed.data()).toMatchObject({ reason: 'offensive-name', name: 'Alex' });

		expect(named.errors).toEqual([]);
		expect(unnamed.errors).toEqual([]);
	});

	test('two named strangers see each other\'s names, for that chat only', async ({
		browser
	}) => {
		const zoe = await visitor(browser, 'Zoë');
		const sam = await visitor(browser, 'Sam');
		const next = await visitor(browser, 'next one');

		await Promise.all([startAs(zoe, 'Zoë 🦊'), startAs(sam, 'Sam')]);
		await expectStatus(zoe, 'Connected to Sam — say hi!');
		await expectStatus(sam, 'Connected to Zoë 🦊 — say hi!');
		await say(sam, 'hey');
		await expect(lines(zoe, 'stranger')).toHaveText(['Sam: hey']);

		// The name belongs to that chat only: the next stranger, who gave none, is "Stranger".
		await sam.page.getByTestId('stop').click();
		await expectStatus(zoe, 'Sam has left', 5_000);
		await zoe.page.getByTestId('next').click();
		await startAs(next, null);
		await expectStatus(zoe, 'Connected — say hi!');
		await expectStatus(next, 'Connected to Zoë 🦊 — say hi!');
		await say(next, 'hi');
		await expect(lines(zoe, 'stranger')).toHaveText(['Stranger: hi']);
		await expect(zoe.page.getByText('Sam')).toHaveCount(0);
		for (const v of [zoe, sam, next]) expect(v.errors).toEqual([]);
	});
});
