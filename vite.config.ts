import { fileURLToPath } from 'node:url';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { safeVideoModel } from './src/lib/media/safeVideo/modelAsset';

export default defineConfig({
	// safeVideoModel: the classifier's weights as a binary file (see the module); the worker
	// imports them, and in development the worker is served through the main plugins.
	plugins: [sveltekit(), safeVideoModel()],
	// Safe video's classifier worker is an ES module worker.
	worker: { format: 'es', plugins: () => [safeVideoModel()] },
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
					// Firestore rules cases, each worker in a project of its own (tests/rules/fixtures.ts),
					// so the files run side by side. `npm run test:emulators` runs this project in a
					// vitest of its own beside the sequential one below: these cases touch none of
					// demo-tangent's data and no function trigger fires for them.
					name: 'rules',
					environment: 'node',
					include: ['tests/rules/*.spec.ts'],
					// Storage rules stay in the sequential group: see tests/rules/fixtures.ts.
					exclude: ['tests/rules/storage*.spec.ts'],
					sequence: { groupOrder: 0 },
					// More than the cores: each case mostly waits on the emulator's round trips.
					maxWorkers: 3,
					testTimeout: 60_000,
					hookTimeout: 60_000
				}
			},
			{
				extends: true,
				test: {
					// Need the emulator suite: run through `npm test` (emulators:exec sets the hosts).
					// One file at a time: they share demo-tangent's data and its functions.
					name: 'emulators',
					environment: 'node',
					include: ['tests/**/*.spec.ts'],
					exclude: ['tests/rules/!(storage*).spec.ts'],
					sequence: { groupOrder: 1 },
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
