// axe-core over the app's page states (issue 15): the start page, the rules, not found,
// searching, a connected text, video and audio chat, a partner who left, the report
// dialog and a ban, in the dark theme and (where colours matter most) the light one.
// WCAG 2.1 A/AA rules plus axe's best practices (a main landmark, one h1, content in
// landmarks). A shared file's card needs the Storage emulator: see files.e2e.ts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { Timestamp } from 'firebase-admin/firestore';
import { adminDb, waitFor } from '../support/admin';
import { expectStatus, say, start, startIn, strangersSuite } from './support';

// Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
// govern (an injected <script> tag would be refused by it, as any foreign script must be).
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
	id: string;
	help: string;
	nodes: string[];
}

/** Runs axe on the page as it is; returns the violations, each with its offending elements. */
async function axeViolations(page: Page): Promise<Violation[]> {
	await page.evaluate(AXE_SOURCE);
	return page.evaluate(async () => {
		const axe = Reflect.get(window, 'axe') as {
			run(context: Document, options: object): Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }>;
		};
		const result = await axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }
		});
		return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
	});
}

async function expectAccessible(page: Page, state: string): Promise<void> {
	// Let transitions and fade-ins settle: axe reads computed colours.
	await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
	const violations = await axeViolations(page);
	expect(violations, `axe violations in state "${state}"`).toEqual([]);
}

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

	for (const mode of ['video', 'audio'] as const) {
		test(`${mode} chat, connected`, async ({ browser }) => {
			const a = await visitor(browser, `${mode} A`);
			const b = await visitor(browser, `${mode} B`);
			await Promise.all([startIn(a, mode), startIn(b, mode)]);
			await expectStatus(a, 'Connected — say hi!');
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
