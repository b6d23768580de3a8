import { describe, expect, it } from 'vitest';
import { ALERTS_KEY, alertsWanted, rememberAlerts, shouldAlert } from './alerts';

function fakeStorage() {
	const map = new Map<string, string>();
	return {
		map,
		getItem: (k: string) => map.get(k) ?? null,
		setItem: (k: string, v: string) => void map.set(k, v),
		removeItem: (k: string) => void map.delete(k)
	};
}

describe('alerts', () => {
	it('are off until turned on, and remembered', () => {
		const storage = fakeStorage();
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
