// firebase.json's security headers, read as Hosting reads them: every path gets them, and
// the Content-Security-Policy allows what the app needs and nothing it does not. The
// browser suite (tests/e2e/headers.e2e.ts) checks Hosting serves them and the app runs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import svelteConfig from '../../../svelte.config.js';

interface HeaderRule {
	source: string;
	headers: { key: string; value: string }[];
}

const firebaseJson: unknown = JSON.parse(readFileSync(new URL('../../../firebase.json', import.meta.url), 'utf8'));
const rules: HeaderRule[] = Reflect.get(Reflect.get(Object(firebaseJson), 'hosting') ?? {}, 'headers') ?? [];
const everywhere = Object.fromEntries((rules.find((r) => r.source === '**')?.headers ?? []).map((h) => [h.key, h.value]));
const csp = new Map(
	(everywhere['Content-Security-Policy'] ?? '').split(';').map((d) => {
		const [name = '', ...sources] = d.trim().split(/\s+/);
		return [name, sources] as const;
	})
);

describe('firebase.json security headers', () => {
	it('forbid framing, sniffing and full referrers; camera and microphone for this origin only', () => {
		expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
		expect(everywhere['X-Frame-Options']).toBe('DENY');
		expect(everywhere['X-Content-Type-Options']).toBe('nosniff');
		expect(everywhere['Referrer-Policy']).toBe('strict-origin');
		expect(everywhere['Permissions-Policy']).toMatch(/^camera=\(self\), microphone=\(self\)(, [a-z-]+=\(\))*$/);
		expect(everywhere['Cross-Origin-Opener-Policy']).toBe('same-origin');
	});

	it('default to this origin, with no plugins, no base or form hijacking and no eval', () => {
		expect(csp.get('default-src')).toEqual(["'self'"]);
		expect(csp.get('object-src')).toEqual(["'none'"]);
		expect(csp.get('base-uri')).toEqual(["'self'"]);
		expect(csp.get('form-action')).toEqual(["'self'"]);
		for (const sources of csp.values()) expect(sources).not.toContain("'unsafe-eval'");
	});

	it('let the app reach Firebase (and the emulators), show blob previews, and nothing more', () => {
		expect(csp.get('connect-src')).toEqual(expect.arrayContaining(["'self'", 'https://*.googleapis.com', 'https://*.cloudfunctions.net']));
		for (const port of [8080, 9099, 5001, 9199]) expect(csp.get('connect-src')).toContain(`http://127.0.0.1:${port}`);
		expect(csp.get('img-src')).toEqual(["'self'", 'blob:', 'data:']);
		expect(csp.get('media-src')).toEqual(["'self'", 'blob:']);
		expect(csp.get('connect-src')?.some((s) => s === '*' || s === 'https:' || s === 'http:')).toBe(false);
	});

	it("allow inline scripts only because the page's own policy narrows them to its bootstrap's hash", () => {
		// Both policies apply: the header's 'unsafe-inline' admits the inline bootstrap, the
		// <meta> policy SvelteKit writes (kit.csp, mode hash) admits only its hash.
		const kitCsp = svelteConfig.kit?.csp;
		expect(kitCsp?.mode).toBe('hash');
		// SvelteKit writes keywords without quotes (it adds them); the header spells them quoted.
		const pageScripts = (kitCsp?.directives?.['script-src'] ?? []).map((s) => (/^(?:self|wasm-unsafe-eval)$/.test(s) ? `'${s}'` : s));
		expect(csp.get('script-src')).toEqual(["'self'", "'unsafe-inline'", ...pageScripts.filter((s) => s !== "'self'")]);
	});
});
