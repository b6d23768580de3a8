// The call lifecycle with several strangers: Next brings everyone a new partner (never the
// one they just left), Esc twice is Next, and a closed tab is noticed by the partner.
import { expect, test } from '@playwright/test';
import type { Timestamp } from 'firebase-admin/firestore';
import { adminDb } from '../support/admin';
import { closeTab, expectStatus, lines, say, start, strangersSuite, type Visitor } from './support';

test.describe('call lifecycle', () => {
	const { visitor } = strangersSuite('call lifecycle');

	/** Each side says its name; returns the name each one's stranger gave. */
	async function introduce(a: Visitor, b: Visitor): Promise<void> {
		await say(a, `I am ${a.name}`);
		await say(b, `I am ${b.name}`);
		await expect(lines(a, 'stranger')).toHaveText([`Stranger: I am ${b.name}`]);
		await expect(lines(b, 'stranger')).toHaveText([`Stranger: I am ${a.name}`]);
	}

	async function strangerName(v: Visitor): Promise<string> {
		await say(v, `I am ${v.name}`);
		await expect(lines(v, 'stranger')).toHaveCount(1, { timeout: 10_000 });
		const text = (await lines(v, 'stranger').first().textContent()) ?? '';
		return text.replace('Stranger: I am ', '').trim();
	}

	test('Next gives everyone a new partner, and never the one they just left', async ({ browser }) => {
		test.setTimeout(120_000);
		const [a, b, c, d] = await Promise.all(['A', 'B', 'C', 'D'].map((n) => visitor(browser, n)));
		await Promise.all([start(a!), start(b!)]);
		await Promise.all([expectStatus(a!, 'Connected — say hi!'), expectStatus(b!, 'Connected — say hi!')]);
		await introduce(a!, b!);
		await Promise.all([start(c!), start(d!)]);
		await Promise.all([expectStatus(c!, 'Connected — say hi!'), expectStatus(d!, 'Connected — say hi!')]);
		await introduce(c!, d!);

		// A skips B with the button, C skips D with the Esc key.
		await a!.page.getByTestId('next').click();
		await expectStatus(b!, 'Stranger has left', 2_000);
		// Esc twice: the first only asks.
		await c!.page.keyboard.press('Escape');
		await expect(c!.page.getByTestId('esc-ask')).toHaveText('Press Esc again to leave this chat');
		await c!.page.keyboard.press('Escape');
		await expectStatus(d!, 'Stranger has left', 2_000);
		await b!.page.getByTestId('next').click();
		await d!.page.getByTestId('next').click();

		for (const v of [a!, b!, c!, d!]) await expectStatus(v, 'Connected — say hi!', 30_000);
		const partners = Object.fromEntries(
			await Promise.all([a!, b!, c!, d!].map(async (v) => [v.name, await strangerName(v)] as const))
		);
		expect(partners.A).not.toBe('B');
		expect(partners.C).not.toBe('D');
		// Two new pairs, each seeing the other.
		for (const [me, them] of Object.entries(partners)) expect(partners[them]).toBe(me);

		for (const v of [a!, b!, c!, d!]) expect(v.errors).toEqual([]);
	});

	test('closing the tab ends the call for the partner within seconds', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await Promise.all([start(a), start(b)]);
		await Promise.all([expectStatus(a, 'Connected — say hi!'), expectStatus(b, 'Connected — say hi!')]);

		const closedAt = performance.now();
		await closeTab(a);
		await expectStatus(b, /Stranger has left|Connection to the stranger was lost/, 12_000);
		console.log(`[lifecycle] partner noticed the closed tab after ${Math.round(performance.now() - closedAt)} ms`);
		await expect(b.page.getByTestId('next')).toHaveText('New chat');
		expect(b.errors).toEqual([]);
	});

	test('a partner who goes silent without a word is reported gone in about 10 seconds', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await Promise.all([start(a), start(b)]);
		await Promise.all([expectStatus(a, 'Connected — say hi!'), expectStatus(b, 'Connected — say hi!')]);

		// A's page hangs: no goodbye, no pagehide, yet its connection stays open underneath
		// (as when a network drops silently, the other side just hears nothing).
		const frozeAt = performance.now();
		void a.page.evaluate(() => {
			for (;;) {
				/* a hung tab */
			}
		}).catch(() => {});
		await expect(b.page.getByTestId('status')).toHaveText(/Reconnecting/, { timeout: 8_000 });
		await expectStatus(b, 'Connection to the stranger was lost', 14_000);
		const noticedAfter = Math.round(performance.now() - frozeAt);
		console.log(`[lifecycle] partner noticed the silent stranger after ${noticedAfter} ms`);
		expect(noticedAfter).toBeGreaterThan(8_000); // not a false alarm from one late ping
		await expect(b.page.getByTestId('next')).toHaveText('New chat');
		expect(b.errors).toEqual([]);
	});

	test('a waiting entry the server drops without a ban (lapsed heartbeats) is joined again: still looking, no error, matched when someone comes', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		await start(a);
		await expectStatus(a, 'Looking for someone…');
		const waiting = await adminDb().collection('lobby').where('status', '==', 'waiting').get();
		expect(waiting.size).toBe(1);
		const entry = waiting.docs[0]!.ref;
		const joinedAtMs = (waiting.docs[0]!.get('joinedAt') as Timestamp).toMillis();
		// What the matchmaker writes for an entry whose heartbeats lapsed (a background tab's
		// timers slow to one a minute after a few minutes).
		await entry.update({ status: 'left' });
		await expect
			.poll(async () => {
				const now = await entry.get();
				return now.get('status') === 'waiting' && (now.get('joinedAt') as Timestamp).toMillis() > joinedAtMs;
			}, { message: 'A in line again with a new join', timeout: 10_000 })
			.toBe(true);
		await expectStatus(a, 'Looking for someone…', 1_000);
		await expect(a.page.getByTestId('alert')).toHaveCount(0);

		await start(b);
		await Promise.all([expectStatus(a, 'Connected — say hi!'), expectStatus(b, 'Connected — say hi!')]);
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});
});
