// Churn: six strangers in real browsers pressing Next, Stop, New chat, reloading and
// closing tabs at random for a minute, as a crowd does. What each of them relies on:
// - pacing is never their problem: no "Slow down", no "refused" (a reload or a quick
//   New chat joins again a moment later, on its own);
// - a message reaches at most one person, the one they are talking to;
// - nobody is left behind: when the churn stops, everyone who looks for a partner gets
//   one, and nobody holds two active calls.
// The run is seeded (CHURN_SEED) so a failure can be replayed; CHURN_SECONDS sets its length.
import { expect, test, type Page } from '@playwright/test';
import { adminDb } from '../support/admin';
import { CONNECT_TIMEOUT, expectStatus, lines, start, strangersSuite, type Visitor } from './support';

const SECONDS = Number(process.env.CHURN_SECONDS ?? 60);
const SEED = Number(process.env.CHURN_SEED ?? Date.now() % 100_000);
const CONNECTED = 'Connected — say hi!';
/** What a user must never be told while the app is working as it should. */
const WRONG_ALERTS = /slow down|refused|went wrong|could not understand/i;

/** A small seeded generator (mulberry32): the same seed, the same run. */
function random(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

async function statusOf(page: Page): Promise<string> {
	if (!page.url().includes('/chat')) return 'start page';
	return ((await page.getByTestId('status').textContent({ timeout: 2_000 }).catch(() => '')) ?? '').trim();
}

async function alertOf(page: Page): Promise<string | null> {
	const alert = page.getByTestId('alert');
	return (await alert.count()) > 0 ? ((await alert.textContent()) ?? '').trim() : null;
}

test.describe('churn', () => {
	const { visitor } = strangersSuite('churn');

	test('a minute of Next, Stop, New chat, reloads and closed tabs: nobody is told to slow down, no message goes astray, nobody is left behind', async ({ browser }) => {
		test.setTimeout((SECONDS + 150) * 1_000);
		console.log(`churn: ${SECONDS} s, seed ${SEED} (CHURN_SEED=${SEED} replays it)`);
		const rand = random(SEED);
		const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
		const people = await Promise.all(['A', 'B', 'C', 'D', 'E', 'F'].map((n) => visitor(browser, n)));
		const wrongAlerts: string[] = [];
		const log: string[] = [];
		const note = (line: string) => log.push(`${((Date.now() - began) / 1000).toFixed(1)} ${line}`);
		let sent = 0;
		let delivered = 0;
		const began = Date.now();

		async function checkAlert(v: Visitor): Promise<void> {
			const alert = await alertOf(v.page);
			if (alert && WRONG_ALERTS.test(alert)) {
				wrongAlerts.push(`${v.name}: ${alert}`);
				note(`${v.name} alert: ${alert}`);
			}
		}

		/** Sends a unique line and returns who got it: never more than one person. */
		async function say(v: Visitor, timeout = 3_000): Promise<string[]> {
			const text = `${v.name} says ${++sent}`;
			const composer = v.page.getByTestId('composer');
			if (!(await composer.isEnabled().catch(() => false))) return [];
			await composer.fill(text);
			await composer.press('Enter');
			note(`${v.name} says "${text}"`);
			let receivers: string[] = [];
			await expect
				.poll(async () => {
					receivers = [];
					for (const other of people) {
						if (other === v) continue;
						const got = await lines(other, 'stranger').filter({ hasText: new RegExp(`: ${text}$`) }).count().catch(() => 0);
						if (got > 0) receivers.push(other.name);
					}
					return receivers.length;
				}, { timeout })
				.toBe(1)
				.catch(() => {}); // the partner may have left meanwhile: zero is allowed, two never
			expect(receivers.length, `"${text}" reached ${receivers.join(', ')}`).toBeLessThanOrEqual(1);
			if (receivers.length === 1) delivered++;
			return receivers;
		}

		/** A new tab in the same browser profile: the same anonymous user, as after closing one. */
		async function reopen(v: Visitor): Promise<void> {
			await v.page.close();
			v.page = await v.context.newPage();
			v.page.on('pageerror', (error) => v.errors.push(error));
			v.page.on('console', (message) => v.console.push(`[${message.type()}] ${message.text()}`));
			await start(v);
		}

		await Promise.all(people.map((v) => start(v)));
		while (Date.now() - began < SECONDS * 1_000) {
			const v = pick(people);
			const status = await statusOf(v.page);
			const roll = rand();
			if (status === 'start page') {
				note(`${v.name} presses Start`);
				await start(v);
			} else if (status === CONNECTED) {
				if (roll < 0.45) await say(v);
				else if (roll < 0.7) {
					note(`${v.name} presses Next`);
					await v.page.getByTestId('next').click();
				} else if (roll < 0.8) {
					note(`${v.name} presses Stop`);
					await v.page.getByTestId('stop').click();
					await expect(v.page).not.toHaveURL(/\/chat/);
				} else if (roll < 0.9) {
					note(`${v.name} reloads`);
					await v.page.reload();
				} else {
					note(`${v.name} closes the tab and opens a new one`);
					await reopen(v);
				}
			} else if (/left|lost|failed|Not connected/.test(status)) {
				note(`${v.name} (${status}) presses New chat`);
				await v.page.getByTestId('next').click({ timeout: 5_000 }).catch(() => {});
			} else if (status === 'Looking for someone…' && roll < 0.15) {
				note(`${v.name} is tired of waiting and reloads`);
				await v.page.reload();
			}
			await checkAlert(v);
			await v.page.waitForTimeout(150 + rand() * 450);
		}

		// The churn stops: everyone looks for someone, and everyone must find someone.
		note('churn over: everyone looks for a partner');
		for (const v of people) {
			const status = await statusOf(v.page);
			if (status === 'start page') await start(v);
			else if (/left|lost|failed|Not connected/.test(status)) await v.page.getByTestId('next').click();
		}
		try {
			await Promise.all(people.map((v) => expectStatus(v, CONNECTED, CONNECT_TIMEOUT + 15_000)));
			for (const v of people) await checkAlert(v);
			expect(wrongAlerts).toEqual([]);
			// Three pairs, each person in exactly one active call.
			const active = await adminDb().collection('calls').where('status', '==', 'active').get();
			const members = active.docs.flatMap((d) => d.get('members') as string[]);
			expect(active.size).toBe(3);
			expect(new Set(members).size).toBe(6);
			// Each says a line once more: it reaches exactly one person, the one who talks back.
			// (The churn's own lines depend on the seed and the machine's speed; a slow run once
			// sent none, and "no message goes astray" must not pass by having none to check.)
			const heardBy = new Map<string, string>();
			for (const v of people) {
				const receivers = await say(v, 10_000);
				expect(receivers, `${v.name}'s line after the churn`).toHaveLength(1);
				heardBy.set(v.name, receivers[0]!);
			}
			for (const [speaker, listener] of heardBy) expect(heardBy.get(listener), `${listener} answers ${speaker}`).toBe(speaker);
			for (const v of people) expect(v.errors).toEqual([]);
			const count = (what: string) => log.filter((line) => line.includes(what)).length;
			console.log(
				`churn: ${count('presses Next')} Next, ${count('presses New chat')} New chat, ${count('presses Stop')} Stop, ` +
					`${count('reloads')} reloads, ${count('closes the tab')} closed tabs; ` +
					`${sent} messages sent, ${delivered} delivered to exactly one person, 0 to two`
			);
		} catch (error) {
			console.log(`--- what happened (seed ${SEED}) ---\n${log.join('\n')}`);
			throw error;
		}
	});
});
