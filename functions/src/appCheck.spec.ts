import { describe, expect, it } from 'vitest';
import { appCheckOptions } from './appCheck';

describe('App Check on the callables', () => {
	it('is enforced unless the project turns it off explicitly', () => {
		expect(appCheckOptions({})).toEqual({ enforceAppCheck: true });
		expect(appCheckOptions({ ENFORCE_APP_CHECK: 'true' })).toEqual({ enforceAppCheck: true });
		expect(appCheckOptions({ ENFORCE_APP_CHECK: '0' })).toEqual({ enforceAppCheck: true });
		expect(appCheckOptions({ ENFORCE_APP_CHECK: 'false' })).toEqual({ enforceAppCheck: false });
	});
});
