// The localStorage keys the app reads (the terms gate, the start page's preferences), taken
// from the app's own modules, so a versioned key that changes does not leave the bench's
// visitors stuck at a gate it no longer recognises.
import { join } from 'node:path';
import { ROOT } from './emulators.mjs';

let keys = null;

/** { TERMS_KEY, PREFS_KEY }, compiled from src/lib/safety/terms.ts and src/lib/prefs.ts (once). */
export function appStorageKeys() {
	keys ??= compileKeys();
	return keys;
}

async function compileKeys() {
	const { build } = await import('esbuild');
	const out = await build({
		stdin: {
			contents: "export { TERMS_KEY } from './src/lib/safety/terms.ts'; export { PREFS_KEY } from './src/lib/prefs.ts';",
			resolveDir: ROOT,
			loader: 'ts'
		},
		alias: { $shared: './functions/src/shared' },
		bundle: true,
		format: 'esm',
		platform: 'neutral',
		write: false,
		logLevel: 'warning'
	});
	const { TERMS_KEY, PREFS_KEY } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
	return { TERMS_KEY, PREFS_KEY };
}
