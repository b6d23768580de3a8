import { describe, expect, it } from 'vitest';
import { appCheckSiteKey } from './appCheck';

describe('the App Check site key', () => {
	it('comes from VITE_APP_CHECK_SITE_KEY, and an empty one means none', () => {
		expect(appCheckSiteKey({ VITE_APP_CHECK_SITE_KEY: ' 6Lc-site-key ' })).toBe('6Lc-site-key');
		expect(appCheckSiteKey({ VITE_APP_CHECK_SITE_KEY: '' })).toBeNull();
		expect(appCheckSiteKey({})).toBeNull();
	});
});
