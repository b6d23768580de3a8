// Type-aware lint: the rules that catch what review keeps finding in this code (a promise
// nobody awaits or catches, an async handler where a sync one is expected), on the app,
// its tests and the functions.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{
		ignores: ['build/', 'bench-results/', '.svelte-kit/', 'functions/lib/', 'node_modules/', 'functions/node_modules/', 'test-results/', 'playwright-report/', 'bench/', 'scripts/', '**/*.js', '**/*.mjs', '**/*.cjs']
	},
	js.configs.recommended,
	...ts.configs.recommendedTypeChecked,
	...svelte.configs.recommended,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				projectService: true,
				tsconfigRootDir: import.meta.dirname,
				extraFileExtensions: ['.svelte']
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			// `_`-prefixed names are deliberately unused (a parameter a signature needs).
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }]
		}
	},
	{
		rules: {
			// UserFacingError is thrown as a plain { code, message } on purpose: it crosses to the
			// page as data, and `isUserFacing` tells it from an Error by exactly that.
			'@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'file', name: 'UserFacingError', path: 'src/lib/call/callState.ts' }] }],
			// The app is served from the site root (no paths.base), so resolve() would change no
			// link; downloads point at blob: URLs that resolve() cannot take.
			'svelte/no-navigation-without-resolve': ['error', { ignoreLinks: true }]
		}
	},
	{
		// Functions: an Admin SDK service got without the app relies on something else having
		// made the default app first. A cold instance whose first call was the task queue's
		// found none ("The default Firebase app does not exist") and lost a shard run.
		files: ['functions/src/**/*.ts'],
		ignores: ['**/*.spec.ts'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: 'CallExpression[callee.name=/^get(Auth|Firestore|Functions|Storage|AppCheck|Messaging)$/][arguments.length=0]',
					message: 'Pass adminApp() (functions/src/firestore.ts): the default app may not exist yet in this instance.'
				}
			]
		}
	},
	{
		// Classes in .svelte.ts declare their reactive state with $state; the Maps and Sets
		// beside it are private bookkeeping that nothing renders, kept plain on purpose.
		files: ['**/*.svelte.ts'],
		rules: { 'svelte/prefer-svelte-reactivity': 'off' }
	},
	{
		// Tests: fakes of async APIs need no await, fakes of the SDK throw its plain error
		// shapes, Playwright fixtures are destructured (`{}` when unused, methods unbound), and
		// untyped data (Admin SDK DocumentData, JSON) goes straight into expect, which checks it.
		files: ['tests/**/*.ts', '**/*.spec.ts', '**/*.e2e.ts'],
		rules: {
			'@typescript-eslint/require-await': 'off',
			'@typescript-eslint/only-throw-error': 'off',
			'@typescript-eslint/unbound-method': 'off',
			'@typescript-eslint/no-unsafe-assignment': 'off',
			'@typescript-eslint/no-unsafe-argument': 'off',
			'@typescript-eslint/no-unsafe-return': 'off',
			'@typescript-eslint/no-unsafe-member-access': 'off',
			'@typescript-eslint/no-unsafe-call': 'off',
			'no-empty-pattern': 'off',
			// It calls the `null as unknown` that types a vi.hoisted fake's field unnecessary, and
			// its fix breaks the type check (svelte-check then infers the field as null).
			'@typescript-eslint/no-unnecessary-type-assertion': 'off'
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: { parser: ts.parser, svelteConfig }
		}
	}
);
