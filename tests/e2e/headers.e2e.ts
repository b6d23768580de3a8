// The headers Hosting sends with the app (firebase.json), and that the app still runs
// under them: a strict Content-Security-Policy, no framing by other sites, no MIME
// sniffing, origin-only referrers, camera and microphone for this origin only, and a
// browsing context group of its own. The rest of the browser suite, which runs against
// the same Hosting emulator, shows chat, video and file sharing work under the policy.
import { expect, test } from '@playwright/test';
import { expectStatus, start, strangersSuite } from './support';

test.describe('security headers', () => {
	const { visitor } = strangersSuite('security headers');

	for (const path of ['/', '/terms', '/api/online']) {
		test(`${path} is served with the security headers`, async ({ request }) => {
			const response = await request.get(path);
			const headers = response.headers();
			const csp = headers['content-security-policy'] ?? '';
			expect(csp).toContain("frame-ancestors 'none'");
			expect(csp).toContain("default-src 'self'");
			expect(csp).toContain("object-src 'none'");
			expect(csp).toContain("base-uri 'self'");
			expect(headers['x-frame-options']).toBe('DENY');
			expect(headers['x-content-type-options']).toBe('nosniff');
			expect(headers['referrer-policy']).toBe('strict-origin');
			expect(headers['permissions-policy']).toMatch(/camera=\(self\), microphone=\(self\)/);
			expect(headers['cross-origin-opener-policy']).toBe('same-origin');
		});
	}

	test('the page narrows scripts to its own bootstrap by hash', async ({ request }) => {
		const html = await (await request.get('/')).text();
		expect(html).toMatch(/<meta http-equiv="content-security-policy" content="script-src 'self'[^"]*'sha256-[A-Za-z0-9+/=]+'">/);
	});

	test('the app starts, matches and chats with no policy violation', async ({ browser }) => {
		const a = await visitor(browser, 'A');
		const b = await visitor(browser, 'B');
		for (const v of [a, b]) {
			await v.context.addInitScript(() => {
				const seen: string[] = [];
				Reflect.set(window, '__violations', seen);
				document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
			});
		}
		await Promise.all([start(a), start(b)]);
		for (const v of [a, b]) await expectStatus(v, 'Connected — say hi!');
		for (const v of [a, b]) {
			expect(await v.page.evaluate(() => Reflect.get(window, '__violations'))).toEqual([]);
		}
	});

	test('another site cannot frame the app', async ({ browser }) => {
		const page = await browser.newPage();
		try {
			// A different origin (about:blank's opaque one) framing the app with camera access asked for.
			await page.setContent('<iframe id="app" src="http://127.0.0.1:5050/" allow="camera; microphone"></iframe>');
			// Chromium replaces a frame refused by frame-ancestors with its error page.
			const framed = () => page.frames().find((f) => f !== page.mainFrame())?.url() ?? '';
			await expect.poll(framed, { timeout: 10_000 }).toMatch(/^chrome-error:/);
			await expect(page.frameLocator('#app').getByRole('button', { name: 'Start' })).toHaveCount(0);
		} finally {
			await page.close();
		}
	});
});
