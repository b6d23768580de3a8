import { describe, expect, it } from 'vitest';
import { ALERTS_KEY, alertsWanted, rememberAlerts, shouldAlert } from './alerts';
import { memoryStorage } from '$lib/testing/memoryStorage';


describe('alerts', () => {
	it('are off until turned on, and remembered', () => {
		const storage = memoryStorage();
		expect(alertsWanted(storage)).toBe(false);
		rememberAlerts(true, storage);
		expect(alertsWanted(storage)).toBe(true);
		rememberAlerts(false, storage);
		expect(storage.map.has(ALERTS_KEY)).toBe(false);
		expect(alertsWanted(storage)).toBe(false);
	});

	it('sound only in a hidden tab, and only when wanted', () => {
		expect(shouldAlert(true, 'hidden')).toBe(true);
		expect(shouldAlert(true, 'visible')).toBe(false);
		expect(shouldAlert(false, 'hidden')).toBe(false);
	});
});
