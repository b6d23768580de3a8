// Shared helpers for the browser suites: strangers as separate browser contexts (separate
// storage, so separate anonymous users) on the built app served by the Hosting emulator.
import { expect, test, type Browser, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import type { ChatMode } from '$shared/model';
import { TERMS_KEY, termsRecord } from '../../src/lib/safety/terms';
import { clearFirestore } from '../support/admin';

export const emulatorsRunning = Boolean(process.env.FIRESTORE_EMULATOR_HOST);
export const SKIP_REASON =
	'the Firebase emulators (and the Hosting emulator serving build/) are not running; ' +
	'run the end-to-end tests through `npm test`.';

/**
 * How long a test waits for strangers to be matched and connected. Generous: the emulator
 * suite on a loaded 2-core machine is far slower than production. The bounds users feel
 * (a partner's leaving within 2 s, silence within ~10 s) are asserted separately.
 */
export const CONNECT_TIMEOUT = 30_000;

/**
 * Every page of the context starts with the 18+ and terms gate already accepted, as for a
 * returning visitor (the gate has its own suite, which opts out).
 */
export async function acceptTermsIn(context: BrowserContext): Promise<void> {
	await context.addInitScript(
		([key, value]) => {
			try {
				localStorage.setItem(key, value);
			} catch {
				// about:blank and other opaque origins have no storage; the app's pages do.
			}
		},
		[TERMS_KEY, termsRecord(Date.now())] as const
	);
}

export interface VisitorOptions {
	/** false: a first visit, which meets the terms gate. Default true. */
	termsAccepted?: boolean;
	/** The browser's language (navigator.languages, Accept-Language), e.g. 'es-ES'. Default: Playwright's en-US. */
	locale?: string;
	/** Permissions granted beyond the camera and microphone, e.g. 'notifications'. */
	permissions?: string[];
}

export interface Visitor {
	name: string;
	context: BrowserContext;
	page: Page;
	/** Uncaught exceptions in the page; a healthy chat has none. */
	errors: Error[];
	/** The page's console, printed when a test fails. */
	console: string[];
}

/**
 * The user closes the tab: pagehide runs and the browser lives on, so what the page queued on
 * its way out (its leave beacon) is still sent. Not `context.close()`: that closes the whole
 * profile, like the last private window, and with a route registered Playwright holds each
 * request until it answers, so a closing context dropped about 1 beacon in 3
 * (measured: 19 of 60 never reached a local server; 0 of 60 with page.close()).
 * The context itself is closed after the test.
 */
export async function closeTab(v: Visitor): Promise<void> {
	await v.page.close();
}

/**
 * Registers the usual set-up for a suite of strangers: skip loudly without emulators,
 * start from an empty database (earlier suites share the emulator), and close every
 * context afterwards, printing its console when the test failed.
 */
export function strangersSuite(name: string): {
	visitor(browser: Browser, name: string, options?: VisitorOptions): Promise<Visitor>;
} {
	if (!emulatorsRunning) console.warn(`\n⚠️  SKIPPED ${name} e2e: ${SKIP_REASON}\n`);
	test.skip(!emulatorsRunning, SKIP_REASON);
	test.beforeEach(clearFirestore);
	const opened: Visitor[] = [];
	test.afterEach(async ({}, testInfo: TestInfo) => {
		const failed = testInfo.status !== testInfo.expectedStatus;
		for (const v of opened.splice(0)) {
			if (failed && !v.page.isClosed()) console.log(`--- page of ${v.name}: ${await renderingHealth(v.page)} ---`);
			if (failed && v.console.length > 0) {
				console.log(`--- browser console of ${v.name} ---\n${v.console.join('\n')}`);
			}
			await v.context.close().catch(() => {});
		}
	});
	return {
		async visitor(browser, visitorName, { termsAccepted = true, locale, permissions = [] } = {}) {
			const context = await browser.newContext({ permissions: ['camera', 'microphone', ...permissions], locale });
			if (termsAccepted) await acceptTermsIn(context);
			const page = await context.newPage();
			const v: Visitor = { name: visitorName, context, page, errors: [], console: [] };
			page.on('pageerror', (error) => v.errors.push(error));
			page.on('console', (message) => v.console.push(`[${message.type()}] ${message.text()}`));
			opened.push(v);
			return v;
		}
	};
}

/**
 * Whether a page still renders, asked after a test failed. Playwright's click waits for two
 * animation frames to call an element stable, and once (fresh-clone run 38) a click hung
 * there for 50 s with the button enabled: this tells a page that produces no frames (its
 * timers still run) from one whose main thread does not answer at all.
 */
async function renderingHealth(page: Page): Promise<string> {
	const probe = page.evaluate(
		() =>
			new Promise<string>((resolve) => {
				const asked = performance.now();
				const state = () => `visibility ${document.visibilityState}, focus ${document.hasFocus()}`;
				const noFrame = setTimeout(() => resolve(`no animation frame within 2 s, timers run (${state()})`), 2_000);
				requestAnimationFrame(() => {
					clearTimeout(noFrame);
					resolve(`animation frame after ${Math.round(performance.now() - asked)} ms (${state()})`);
				});
			})
	);
	let timer: ReturnType<typeof setTimeout> | undefined;
	const silent = new Promise<string>((resolve) => {
		timer = setTimeout(() => resolve('no answer within 5 s: its main thread is blocked'), 5_000);
	});
	return Promise.race([probe, silent])
		.catch((error: unknown) => `could not ask: ${String(error)}`)
		.finally(() => clearTimeout(timer));
}

/** Makes the page believe its tab is in the background (or back), as switching tabs does. */
export async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
	await page.evaluate((hide) => {
		Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hide ? 'hidden' : 'visible') });
		Object.defineProperty(document, 'hidden', { configurable: true, get: () => hide });
		document.dispatchEvent(new Event('visibilitychange'));
	}, hidden);
}

/**
 * How long a page may take to open the chat after Start: it loads the chat's code (the
 * Firebase SDK among it) first. Six browsers doing that at once on a busy 2-core machine
 * took over 5 s (Playwright's default); how fast a phone gets there is Lighthouse's figure
 * in the bench, not this suite's.
 */
const OPEN_CHAT_TIMEOUT = 15_000;

/**
 * Opens the start page and holds its scripts back until the returned function is called:
 * the rendered page, before it is interactive, as a slow phone shows it for a moment.
 */
export async function openStartPageUnhydrated(page: Page): Promise<() => void> {
	let release!: () => void;
	const held = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/entry/start.*.js', async (route) => {
		await held;
		await route.continue();
	});
	await page.goto('/', { waitUntil: 'domcontentloaded' });
	return release;
}

/** Opens the start page and presses Start (text mode, the default). */
export async function start({ page }: Visitor): Promise<void> {
	await page.goto('/');
	await page.getByRole('button', { name: 'Start' }).click();
	await expect(page).toHaveURL(/\/chat\?mode=text$/, { timeout: OPEN_CHAT_TIMEOUT });
}

/** Goes straight to the chat page in a mode, as a bookmark or the start page would. */
export async function startIn({ page }: Visitor, mode: ChatMode): Promise<void> {
	await page.goto(`/chat?mode=${mode}`);
}

export async function expectStatus({ page }: Visitor, text: string | RegExp, timeout = CONNECT_TIMEOUT): Promise<void> {
	await expect(page.getByTestId('status')).toHaveText(text, { timeout });
}

export async function say({ page }: Visitor, text: string): Promise<void> {
	const composer = page.getByTestId('composer');
	await composer.fill(text);
	await composer.press('Enter');
	await expect(composer).toHaveValue('');
}

export function lines({ page }: Visitor, from: 'you' | 'stranger') {
	return page.locator(`[data-testid="message"][data-from="${from}"]`);
}
