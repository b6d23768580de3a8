import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: Firebase Hosting rewrites every path to index.html.
		adapter: adapter({ fallback: 'index.html' }),
		alias: {
			// Document types and parsers shared with the Cloud Functions.
			$shared: 'functions/src/shared'
		}
	}
};

export default config;
