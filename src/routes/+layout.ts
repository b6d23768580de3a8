// A single-page app: Firebase Hosting rewrites every path to the adapter's fallback page,
// and everything renders in the browser (WebRTC and the Firebase SDK live there anyway).
export const ssr = false;
export const prerender = false;

import { useInitialLocale } from '$lib/i18n/i18n.svelte';

/** The interface's language is known before the first paint (Spanish loads its table first). */
export async function load(): Promise<void> {
	await useInitialLocale();
}
