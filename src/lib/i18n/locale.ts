// Which language the interface speaks: the one the visitor chose on the start page, else the
// first of the browser's languages we have, else English. Pure apart from the storage passed in.

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

/** Each language named in itself, as the start page's switch lists them. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', es: 'Español' };

export const LOCALE_KEY = 'tangent.locale.v1';

/** The part of Storage we use, so tests can pass a Map-backed fake. */
export type LocaleStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** "es-MX" → "es"; null for a language we have no translation for. */
export function supportedLocale(tag: unknown): Locale | null {
	if (typeof tag !== 'string') return null;
	const base = tag.trim().toLowerCase().split(/[-_]/)[0];
	return LOCALES.find((l) => l === base) ?? null;
}

/** The browser's preference order (navigator.languages) decides unless the visitor chose. */
export function pickLocale(chosen: Locale | null, browser: readonly string[]): Locale {
	if (chosen) return chosen;
	for (const tag of browser) {
		const locale = supportedLocale(tag);
		if (locale) return locale;
	}
	return 'en';
}

function browserStorage(): LocaleStorage | null {
	try {
		return globalThis.localStorage ?? null;
	} catch {
		return null;
	}
}

/** The language chosen on the start page; null: follow the browser. */
export function chosenLocale(storage: LocaleStorage | null = browserStorage()): Locale | null {
	try {
		return supportedLocale(storage?.getItem(LOCALE_KEY));
	} catch {
		return null;
	}
}

/** Remembers the choice (null forgets it, so the browser decides again). */
export function rememberLocale(locale: Locale | null, storage: LocaleStorage | null = browserStorage()): void {
	try {
		if (locale) storage?.setItem(LOCALE_KEY, locale);
		else storage?.removeItem(LOCALE_KEY);
	} catch (error) {
		console.warn('Could not remember the page language', error);
	}
}
