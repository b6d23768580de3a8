// Safety in the browser: the 18+ and terms gate, reporting a stranger, what a banned user
// sees, and the sender's message rate limit. Two browser contexts are two anonymous users.
import { expect, test } from '@playwright/test';
import { Timestamp } from 'firebase-admin/firestore';
import { adminDb, waitFor } from '../support/admin';
import { expectStatus, lines, start, strangersSuite } from './support';

test.describe('safety', () => {
	const { visitor } = strangersSuite('safety');

	test('the terms gate comes before the first chat, can be declined, and is remembered once accepted', async ({
		browser
	}) => {
		const v = await visitor(browser, 'first-timer', { termsAccepted: false });
		const { page } = v;

		await page.goto('/');
		await page.getByRole('radio', { name: /Video/ }).check({ force: true });
		await page.getByRole('button', { name: 'Start' }).click();
		await expect(page).toHaveURL(/\/terms\?mode=video$/);
		await expect(page.getByRole('heading', { name: 'Before you chat' })).toBeVisible();
		await expect(page.getByText(/the call's id, the reported person's\s+anonymous id, the reason/)).toBeVisible();
		await expect(page.getByText(/never\s+records or stores them/)).toBeVisible();
		// What is kept and for how long (rendered from shared/retention, which a unit test holds the README to).
		const kept = page.getByTestId('retention');
		await expect(kept).toContainText(/Messages, video and audio\s*Never stored/);
		await expect(kept).toContainText(/A call's record with both people's anonymous ids\s*7 days after the call ends\./);
		await expect(kept).toContainText(/Reports \(call id, both anonymous ids, reason, note\)\s*30 days\./);

		// Not without agreeing: the button waits for the checkbox, and nothing joined the lobby.
		const accept = page.getByTestId('terms-accept');
		await expect(accept).toBeDisabled();
		expect((await adminDb().collection('lobby').get()).size).toBe(0);

		// Declining explains, and leads back.
		await page.getByRole('button', { name: "I don't agree" }).click();
		await expect(page.getByTestId('declined')).toContainText('only for people who are 18 or older');
		await page.getByRole('link', { name: 'Back to the start page' }).click();
		await expect(page).toHaveURL(/\/$/);
		await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();

		// Start again: the gate again; agree, and the chat asked for begins (in text mode this time).
		await page.getByRole('radio', { name: /Text/ }).check({ force: true });
		await page.getByRole('button', { name: 'Start' }).click();
		await expect(page).toHaveURL(/\/terms\?mode=text$/);
		await page.getByLabel('I am 18 or older and agree to these rules').check();
		await expect(accept).toBeEnabled();
		await accept.click();
		await expect(page).toHaveURL(/\/chat\?mode=text$/);
		await expectStatus(v, 'Looking for someone…');

		// Remembered: a reload stays in the chat, and Start goes straight there.
		await page.reload();
		await expectStatus(v, 'Looking for someone…');
		await page.getByTestId('stop').click();
		await expect(page).toHaveURL(/\/$/);
		await page.getByRole('button', { name: 'Start' }).click();
		await expect(page).toHaveURL(/\/chat\?mode=text$/);
		await page.getByTestId('stop').click();
		await expect(page).toHaveURL(/\/$/);
		expect(v.errors).toEqual([]);
	});

	test('opening a chat link directly meets the gate first, keeping the mode asked for', async ({ browser }) => {
		const v = await visitor(browser, 'linked', { termsAccepted: false });
		await v.page.goto('/chat?mode=audio');
		await expect(v.page).toHaveURL(/\/terms\?mode=audio$/);
		await expect(v.page.getByTestId('terms-accept')).toHaveText('Start chatting');
		expect((await adminDb().collection('lobby').get()).size).toBe(0);
	});

	test('a stranger reported during a call: the call ends for both, the report is filed, once', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await Promise.all([start(a), start(b)]);
		for (const v of [a, b]) await expectStatus(v, 'Connected — say hi!');

		// The sender's rate limit: eight typed and sent within a few milliseconds; five go
		// out, then the composer says why not, and keeps the text.
		await a.page.getByTestId('composer').evaluate((field) => {
			if (!(field instanceof HTMLTextAreaElement)) throw new Error('composer is not a textarea');
			for (let i = 1; i <= 8; i++) {
				field.value = `burst ${i}`;
				field.dispatchEvent(new Event('input', { bubbles: true }));
				field.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
			}
		});
		await expect(a.page.getByTestId('composer-note')).toHaveText(/sending messages too fast/);
		await expect(a.page.getByTestId('composer')).toHaveValue('burst 8');
		await expect(lines(a, 'you')).toHaveText(['You: burst 1', 'You: burst 2', 'You: burst 3', 'You: burst 4', 'You: burst 5']);
		await expect(lines(b, 'stranger')).toHaveCount(5);

		const report = a.page.getByTestId('report');
		await expect(report).toBeEnabled();
		// Esc closes the dialog, and does not skip to the next stranger.
		await report.click();
		const dialog = a.page.getByRole('dialog', { name: 'Report this stranger' });
		await expect(dialog).toBeVisible();
		await expect(dialog.getByRole('radio').first()).toBeFocused();
		await a.page.keyboard.press('Escape');
		await expect(dialog).toBeHidden();
		await expect(report).toBeFocused();
		await expectStatus(a, 'Connected — say hi!', 1_000);

		await report.click();
		await expect(dialog.getByTestId('report-send')).toBeDisabled(); // a reason first
		await dialog.getByRole('radio', { name: 'Harassment, hate or threats' }).check();
		await dialog.getByLabel(/Anything else/).fill('Insults after hello');
		await expect(dialog.getByText('19/500 characters')).toBeVisible();
		// A refusal is shown in the dialog, in plain words, and nothing typed is lost.
		const refusal = 'You have sent 10 reports in the last hour. You can report again in 12 min.';
		await a.page.route('**/reportPartner', (route) => {
			const cors = {
				'access-control-allow-origin': route.request().headers()['origin'] ?? '*',
				'access-control-allow-headers': '*',
				'access-control-allow-methods': 'POST, OPTIONS'
			};
			if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
			return route.fulfill({
				status: 429,
				headers: cors,
				contentType: 'application/json',
				body: JSON.stringify({ error: { status: 'RESOURCE_EXHAUSTED', message: refusal } })
			});
		});
		await dialog.getByRole('button', { name: 'Report and leave' }).click();
		await expect(dialog.getByRole('alert')).toHaveText(refusal);
		await expect(dialog.getByLabel(/Anything else/)).toHaveValue('Insults after hello');
		await expect(dialog.getByRole('radio', { name: 'Harassment, hate or threats' })).toBeChecked();
		await expectStatus(a, 'Connected — say hi!', 1_000); // still in the call
		expect((await adminDb().collection('reports').get()).size).toBe(0);

		await a.page.unroute('**/reportPartner');
		await dialog.getByRole('button', { name: 'Report and leave' }).click();

		await expect(dialog).toBeHidden({ timeout: 20_000 });
		await expect(a.page.getByTestId('chat-notice')).toHaveText("Reported. You won't be matched with them again.");
		await expectStatus(a, 'You reported the stranger', 2_000);
		await expectStatus(b, 'Stranger has left', 5_000);
		await expect(a.page.getByTestId('next')).toHaveText('New chat');

		// Once per call: the button stays, disabled, and opens nothing.
		await expect(report).toBeDisabled();
		await report.click({ force: true });
		await expect(dialog).toBeHidden();

		// The filed report, as moderators will read it: no messages in it.
		const filed = await waitFor('the report document', async () => {
			const snap = await adminDb().collection('reports').get();
			return snap.size === 1 ? snap.docs[0] : undefined;
		});
		const data = filed.data();
		expect(data).toMatchObject({ reason: 'harassment', note: 'Insults after hello', name: null });
		expect(Object.keys(data).sort()).toEqual(['callId', 'createdAt', 'expireAt', 'name', 'note', 'reason', 'reported', 'reporter']);
		const call = await adminDb().doc(`calls/${String(data.callId)}`).get();
		expect([...(call.get('members') as string[])].sort()).toEqual([data.reporter, data.reported].sort());
		expect(filed.id).toBe(`${String(data.callId)}_${String(data.reporter)}`);

		// The next search forgets the reported call: no Report until someone new connects.
		await a.page.getByTestId('next').click();
		await expectStatus(a, 'Looking for someone…');
		await expect(report).toHaveCount(0);

		expect(a.errors).toEqual([]);
		expect(b.errors).toEqual([]);
	});

	test('a banned user is told until when, and led back to the start page', async ({ browser }) => {
		const v = await visitor(browser, 'banned');
		await start(v);
		await expectStatus(v, 'Looking for someone…');
		const uid = await waitFor('the only lobby entry', async () => {
			const snap = await adminDb().collection('lobby').get();
			return snap.size === 1 ? snap.docs[0]?.id : undefined;
		});
		const untilMs = Date.now() + 60 * 60_000;
		await adminDb()
			.doc(`bans/${uid}`)
			.set({ reason: 'reports', reporters: 3, createdAt: Timestamp.now(), until: Timestamp.fromMillis(untilMs) });

		await v.page.getByTestId('stop').click();
		await expect(v.page).toHaveURL(/\/$/);

		const when = await v.page.evaluate(
			(ms) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(ms),
			untilMs
		);
		// The start page says it before anyone fills in the form, and Start waits for the ban to end.
		const onStart = v.page.getByTestId('start-ban');
		await expect(onStart).toHaveText(`You can't start chats until ${when}, because several people reported you.`, {
			timeout: 15_000
		});
		await expect(v.page.getByRole('button', { name: 'Start' })).toBeDisabled();

		// A bookmarked chat link says it too.
		await v.page.goto('/chat?mode=text');
		const alert = v.page.getByTestId('alert');
		await expect(alert).toContainText(`You can't start chats until ${when}, because several people reported you.`, {
			timeout: 15_000
		});
		// No retry loop: New chat waits for the ban to end; the way back is offered.
		await expect(v.page.getByTestId('next')).toBeDisabled();
		await alert.getByRole('link', { name: 'Back to the start page' }).click();
		await expect(v.page).toHaveURL(/\/$/);
		expect(v.errors).toEqual([]);
	});
});
