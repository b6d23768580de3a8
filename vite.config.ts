import { fileURLToPath } from 'node:url';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	// Safe video's classifier worker loads its model in chunks (dynamic imports): ES module workers.
	worker: { format: 'es' },
	resolve: {
		alias: {
			// Firestore's pipeline regex engine, which the app never uses: see the module.
			re2js: fileURLToPath(new URL('./src/lib/firebase/noRegexEngine.ts', import.meta.url))
		}
	},
	test: {
		expect: { requireAssertions: true },
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.spec.ts', 'functions/src/**/*.spec.ts', 'scripts/**/*.spec.ts']
				}
			},
			{
				extends: true,
				test: {
					// Need the emulator suite: run through `npm test` (emulators:exec sets the hosts).
					name: 'emulators',
					environment: 'node',
					include: ['tests/**/*.spec.ts'],
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
