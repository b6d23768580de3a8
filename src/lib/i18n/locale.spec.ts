import { describe, expect, it } from 'vitest';
import { chosenLocale, LOCALE_KEY, pickLocale, rememberLocale, supportedLocale } from './locale';
import { memoryStorage } from '$lib/testing/memoryStorage';


describe('interface language', () => {
	it('follows the first of the browser languages it has a translation for', () => {
		expect(pickLocale(null, ['es-MX', 'en-US'])).toBe('es');
		expect(pickLocale(null, ['fr-FR', 'es', 'en'])).toBe('es');
		expect(pickLocale(null, ['en-GB', 'es'])).toBe('en');
	});

	it('falls back to English when none is translated', () => {
		expect(pickLocale(null, ['fr', 'de-DE'])).toBe('en');
		expect(pickLocale(null, [])).toBe('en');
	});

	it('lets the visitor’s choice win over the browser', () => {
		expect(pickLocale('en', ['es-ES'])).toBe('en');
		expect(pickLocale('es', ['en-US'])).toBe('es');
	});

	it('reads region and underscore tags, and nothing else', () => {
		expect(supportedLocale('ES_es')).toBe('es');
		expect(supportedLocale('esperanto')).toBeNull();
		expect(supportedLocale(42)).toBeNull();
	});

	it('remembers a choice, and forgets it to follow the browser again', () => {
		const storage = memoryStorage();
		expect(chosenLocale(storage)).toBeNull();
		rememberLocale('es', storage);
		expect(chosenLocale(storage)).toBe('es');
		storage.map.set(LOCALE_KEY, 'klingon');
		expect(chosenLocale(storage)).toBeNull();
		rememberLocale(null, storage);
		expect(storage.map.has(LOCALE_KEY)).toBe(false);
	});
});
