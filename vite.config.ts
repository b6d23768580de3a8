import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	test: {
		expect: { requireAssertions: true },
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.spec.ts', 'functions/src/**/*.spec.ts']
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
