// axe-core over the app's page states (issue 15): the start page, the rules, not found,
// searching, a connected text, video and audio chat, a partner who left, the report
// dialog and a ban, in the dark theme and (where colours matter most) the light one.
// WCAG 2.1 A/AA rules plus axe's best practices (a main landmark, one h1, content in
// landmarks). A shared file's card needs the Storage emulator: see files.e2e.ts.
import { expect, test } from '@playwright/test';
import { Timestamp } from 'firebase-admin/firestore';
import { adminDb, waitFor } from '../support/admin';
import { expectAccessible } from './axe';
import { expectStatus, say, start, startIn, strangersSuite } from './support';

test.describe('accessibility (axe-core)', () => {
	const { visitor } = strangersSuite('accessibility');

	for (const colorScheme of ['dark', 'light'] as const) {
		test(`the start page, the rules and not found (${colorScheme})`, async ({ browser }) => {
			const v = await visitor(browser, 'reader', { termsAccepted: false });
			await v.page.emulateMedia({ colorScheme });
			await v.page.goto('/');
			await v.page.getByLabel(/Your name/).fill('Alex');
			await v.page.getByTestId('interests').fill('music,');
			await expectAccessible(v.page, 'start');
			await v.page.goto('/terms?mode=text');
			await expect(v.page.getByRole('heading', { name: 'Before you chat' })).toBeVisible();
			await expectAccessible(v.page, 'terms');
			await v.page.goto('/no/such/page');
			await expect(v.page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
			await expect(v.page.getByRole('link', { name: 'Go to the start page' })).toBeVisible();
			await expectAccessible(v.page, 'not found');
			expect(v.errors).toEqual([]);
		});

		test(`a text chat: searching, connected, the report dialog, partner left (${colorScheme})`, async ({ browser }) => {
			const a = await visitor(browser, 'A');
			const b = await visitor(browser, 'B');
			for (const v of [a, b]) await v.page.emulateMedia({ colorScheme });
			await start(a);
			await expectStatus(a, 'Looking for someone…');
			await expectAccessible(a.page, 'searching');
			await start(b);
			await expectStatus(a, 'Connected — say hi!');
			await say(a, 'hello');
			await say(b, 'hi there');
			await expectAccessible(a.page, 'text connected');
			await a.page.getByTestId('report').click();
			await expect(a.page.getByTestId('report-dialog')).toBeVisible();
			await expectAccessible(a.page, 'report dialog');
			await a.page.getByRole('button', { name: 'Cancel' }).click();
			await b.page.getByTestId('stop').click();
			await expectStatus(a, 'Stranger has left', 5_000);
			await expectAccessible(a.page, 'partner left');
			for (const v of [a, b]) expect(v.errors).toEqual([]);
		});
	}

	test('asked for less motion, nothing on the page keeps moving', async ({ browser }) => {
		const v = await visitor(browser, 'still');
		await start(v);
		await expectStatus(v, 'Looking for someone…');
		const moving = () => v.page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').length);
		expect(await moving()).toBeGreaterThan(0); // the searching dot pulses for everyone else
		await v.page.emulateMedia({ reducedMotion: 'reduce' });
		// Each animation plays once, in an instant: none that runs forever (it would flicker).
		await expect.poll(moving, { timeout: 2_000 }).toBe(0);
		expect(v.errors).toEqual([]);
	});

	for (const mode of ['video', 'audio'] as const) {
		test(`${mode} chat, connected`, async ({ browser }) => {
			const a = await visitor(browser, `${mode} A`);
			const b = await visitor(browser, `${mode} B`);
			await Promise.all([startIn(a, mode), startIn(b, mode)]);
			// Both: a stranger who leaves before B's side has connected is no "has left" for B.
			await Promise.all([expectStatus(a, 'Connected — say hi!'), expectStatus(b, 'Connected — say hi!')]);
			await expectAccessible(a.page, `${mode} connected`);
			// After A leaves, B has New chat, not Stop (waiting for B's Stop was this test's
			// old "connect stall").
			await a.page.getByTestId('stop').click();
			await expectStatus(b, 'Stranger has left', 5_000);
			for (const v of [a, b]) expect(v.errors).toEqual([]);
		});
	}

	test('a banned user', async ({ browser }) => {
		const v = await visitor(browser, 'banned');
		await start(v);
		await expectStatus(v, 'Looking for someone…');
		const uid = await waitFor('the only lobby entry', async () => {
			const snap = await adminDb().collection('lobby').get();
			return snap.size === 1 ? snap.docs[0]?.id : undefined;
		});
		await adminDb()
			.doc(`bans/${uid}`)
			.set({ reason: 'reports', reporters: 3, createdAt: Timestamp.now(), until: Timestamp.fromMillis(Date.now() + 3_600_000) });
		await v.page.getByTestId('stop').click();
		await expect(v.page.getByTestId('start-ban')).toContainText("You can't start chats until", { timeout: 15_000 });
		await expectAccessible(v.page, 'banned, start page');
		await v.page.goto('/chat?mode=text');
		await expect(v.page.getByTestId('alert')).toContainText("You can't start chats until", { timeout: 15_000 });
		await expectAccessible(v.page, 'banned, chat page');
		expect(v.errors).toEqual([]);
	});
});
