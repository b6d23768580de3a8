import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: Firebase Hosting rewrites every path to 200.html; the start page
		// has its own shell, index.html, which preloads its scripts (src/routes/+page.ts).
		adapter: adapter({ fallback: '200.html' }),
		// The start page's stylesheets (8 KB) ride in its HTML: its first paint needs no other
		// request than the page itself.
		inlineStyleThreshold: 8_192,
		// The page's inline bootstrap script is allowed by its hash alone: SvelteKit writes a
		// <meta> Content-Security-Policy with it into index.html. The rest of the policy, and
		// what a <meta> cannot say (frame-ancestors), is in firebase.json's headers; the
		// browser enforces both, so a script must pass each of them.
		csp: {
			mode: 'hash',
			// wasm-unsafe-eval: Safe video's classifier compiles WebAssembly (in a worker, whose
			// own response carries the header policy; stated here too so the two agree).
			directives: {
				'script-src': ['self', 'wasm-unsafe-eval', 'https://www.google.com/recaptcha/', 'https://www.gstatic.com/recaptcha/']
			}
		},
		alias: {
			// Document types and parsers shared with the Cloud Functions.
			$shared: 'functions/src/shared'
		}
	}
};

export default config;
