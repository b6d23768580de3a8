// Two strangers meet and text, in two separate browser contexts (separate storage, so two
// anonymous users) against the built app on the Hosting emulator.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { clearFirestore } from '../support/admin';

const emulatorsRunning = Boolean(process.env.FIRESTORE_EMULATOR_HOST);
const SKIP_REASON =
	'the Firebase emulators (and the Hosting emulator serving build/) are not running; ' +
	'run the end-to-end tests through `npm test`.';
if (!emulatorsRunning) console.warn(`\n⚠️  SKIPPED text-chat e2e: ${SKIP_REASON}\n`);

const CONNECT_TIMEOUT = 20_000;

interface Visitor {
	name: string;
	context: BrowserContext;
	page: Page;
	/** Uncaught exceptions in the page; a healthy chat has none. */
	errors: Error[];
	/** The page's console, printed when a test fails. */
	console: string[];
}

async function visitor(browser: Browser, name: string): Promise<Visitor> {
	const context = await browser.newContext();
	const page = await context.newPage();
	const v: Visitor = { name, context, page, errors: [], console: [] };
	page.on('pageerror', (error) => v.errors.push(error));
	page.on('console', (message) => v.console.push(`[${message.type()}] ${message.text()}`));
	return v;
}

/** Opens the start page and presses Start. */
async function start({ page }: Visitor): Promise<void> {
	await page.goto('/');
	await page.getByRole('button', { name: 'Start' }).click();
	await expect(page).toHaveURL(/\/chat\?mode=text$/);
}

async function say({ page }: Visitor, text: string): Promise<void> {
	const composer = page.getByTestId('composer');
	await composer.fill(text);
	await composer.press('Enter');
	await expect(composer).toHaveValue('');
}

function lines({ page }: Visitor, from: 'you' | 'stranger') {
	return page.locator(`[data-testid="message"][data-from="${from}"]`);
}

test.describe('text chat', () => {
	test.skip(!emulatorsRunning, SKIP_REASON);
	// Earlier suites share this emulator: a waiting lobby entry they left would be matched.
	test.beforeEach(clearFirestore);

	const opened: Visitor[] = [];
	test.afterEach(async ({}, testInfo) => {
		for (const v of opened.splice(0)) {
			if (testInfo.status !== testInfo.expectedStatus && v.console.length > 0) {
				console.log(`--- browser console of ${v.name} ---\n${v.console.join('\n')}`);
			}
			await v.context.close();
		}
	});

	test('two strangers connect, talk, and one leaves', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		opened.push(a, b);

		await Promise.all([start(a), start(b)]);
		for (const v of [a, b]) {
			await expect(v.page.getByTestId('status')).toHaveText('Connected — say hi!', {
				timeout: CONNECT_TIMEOUT
			});
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

		await expect(b.page.getByTestId('status')).toHaveText('Stranger has left', { timeout: 10_000 });
		await expect(b.page.getByTestId('next')).toHaveText('New chat');
		await expect(b.page.getByRole('link', { name: 'Home' })).toBeVisible();
		await expect(b.page.getByTestId('composer')).toBeDisabled();

		// No dead end: New chat searches again.
		await b.page.getByTestId('next').click();
		await expect(b.page.getByTestId('status')).toHaveText('Looking for someone…', {
			timeout: CONNECT_TIMEOUT
		});
		await expect(lines(b, 'stranger')).toHaveCount(0);
		await b.page.getByTestId('stop').click();
		await expect(b.page.getByRole('button', { name: 'Start' })).toBeVisible();

		expect(a.errors).toEqual([]);
		expect(b.errors).toEqual([]);
	});

	test('the composer waits for a partner, and Stop goes back to the start page', async ({
		browser
	}) => {
		const v = await visitor(browser, 'solo');
		opened.push(v);

		await start(v);
		await expect(v.page.getByTestId('status')).toHaveText('Looking for someone…', {
			timeout: CONNECT_TIMEOUT
		});
		await expect(v.page.getByTestId('composer')).toBeDisabled();
		await expect(v.page.getByTestId('next')).toHaveText('Next');

		await v.page.getByTestId('stop').click();
		await expect(v.page).toHaveURL(/\/$/);
		await expect(v.page.getByRole('button', { name: 'Start' })).toBeVisible();

		expect(v.errors).toEqual([]);
	});
});
