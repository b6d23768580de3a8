// Sound and a notification for a tab in the background (issue 15): only once the user turned
// them on (a click on the start page, which is when the browser is asked), only while the tab
// is hidden. Notifications and tones are counted by wrapping the browser's own constructors.
import { expect, test, type Page } from '@playwright/test';
import { expectStatus, lines, say, setTabHidden, start, strangersSuite, type Visitor } from './support';

interface Witness {
	notes: { title: string; body: string }[];
	tones: number;
}

/** Records every Notification the page creates and every tone it starts. */
async function recordAlerts(v: Visitor): Promise<void> {
	await v.context.addInitScript(() => {
		const witness: Witness = { notes: [], tones: 0 };
		Reflect.set(window, '__alerts', witness);
		const Real = window.Notification;
		class Recorded extends Real {
			constructor(title: string, options?: NotificationOptions) {
				witness.notes.push({ title, body: options?.body ?? '' });
				super(title, options);
			}
			static override get permission() {
				return Real.permission;
			}
			static override requestPermission() {
				return Real.requestPermission();
			}
		}
		window.Notification = Recorded;
		const createOscillator = AudioContext.prototype.createOscillator;
		AudioContext.prototype.createOscillator = function (this: AudioContext) {
			witness.tones++;
			return createOscillator.call(this);
		};
	});
}

function witness(page: Page): Promise<Witness> {
	return page.evaluate(() => Reflect.get(window, '__alerts') as Witness);
}

test.describe('alerts in a background tab', () => {
	const { visitor } = strangersSuite('alerts');

	test('turned on: a match and a message in a hidden tab chime and notify; a visible tab stays quiet', async ({
		browser
	}) => {
		const a = await visitor(browser, 'A', { permissions: ['notifications'] });
		const b = await visitor(browser, 'B');
		await recordAlerts(a);
		await a.page.goto('/');
		await a.page.getByTestId('alerts-setting').check();
		await expect(a.page.getByTestId('alerts-setting')).toBeChecked();
		await a.page.reload();
		await expect(a.page.getByTestId('alerts-setting')).toBeChecked(); // remembered

		await a.page.getByRole('button', { name: 'Start' }).click();
		await expectStatus(a, 'Looking for someone…');
		await setTabHidden(a.page, true);
		await start(b);
		await expectStatus(b, 'Connected — say hi!');
		await expect.poll(async () => (await witness(a.page)).notes).toEqual([
			{ title: 'Someone is here to chat', body: 'Stranger' }
		]);
		await say(b, 'psst');
		await expect
			.poll(async () => (await witness(a.page)).notes.map((n) => n.title))
			.toEqual(['Someone is here to chat', 'New message from Stranger']);
		expect((await witness(a.page)).tones).toBeGreaterThan(0);

		// Back in view: the page shows the message itself, without a sound.
		await setTabHidden(a.page, false);
		const before = await witness(a.page);
		await say(b, 'you are back');
		await expect(lines(a, 'stranger')).toHaveCount(2);
		expect(await witness(a.page)).toEqual(before);
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});

	test('left off (the default): a hidden tab gets its title badge, and no sound or notification', async ({ browser }) => {
		const a = await visitor(browser, 'A', { permissions: ['notifications'] });
		const b = await visitor(browser, 'B');
		await recordAlerts(a);
		await start(a);
		await expect(a.page.getByTestId('status')).toHaveText('Looking for someone…', { timeout: 30_000 });
		await setTabHidden(a.page, true);
		await start(b);
		await expect(a.page).toHaveTitle('(1) Chatting — Tangent', { timeout: 30_000 });
		expect(await witness(a.page)).toEqual({ notes: [], tones: 0 });
		for (const v of [a, b]) expect(v.errors).toEqual([]);
	});
});
