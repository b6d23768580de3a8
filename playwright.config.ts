import { defineConfig } from '@playwright/test';

// End-to-end tests against the built app served by the Hosting emulator. `npm test` builds
// `build/` and runs `playwright test` inside `firebase emulators:exec`; run alone, the tests
// skip and say why. We use the system Chromium and never download browsers.
export default defineConfig({
	testDir: 'tests/e2e',
	// Not test-results/ itself: Playwright empties its output folder, and the rules walk writes its table there.
	outputDir: 'test-results/playwright',
	testMatch: '**/*.e2e.ts',
	globalSetup: './tests/e2e/warmup.ts',
	workers: 1,
	fullyParallel: false,
	retries: 0,
	timeout: 60_000,
	forbidOnly: Boolean(process.env.CI),
	reporter: 'list',
	use: {
		baseURL: 'http://127.0.0.1:5050',
		browserName: 'chromium',
		// A failed test keeps its trace: each action with the page's DOM before and after it.
		// Not the filmstrip: recording one screencasts every open page all test long, and that
		// cost more CPU than the pages themselves (an animated page, 20 s, in Chromium: 12.6 s
		// with it, 1.6 s without), which on a 2-core machine slowed the whole suite.
		trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: true },
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--disable-background-networking',
				'--use-fake-ui-for-media-stream',
				'--use-fake-device-for-media-stream'
			]
		}
	}
});
