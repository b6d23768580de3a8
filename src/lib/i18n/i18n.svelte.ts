// The interface's current language, reactive: components read `i18n.t` and re-render when the
// visitor switches. English is bundled; other tables are loaded when first needed, so a page
// in English downloads no translation.
import { en, type Messages } from './en';
import { chosenLocale, pickLocale, rememberLocale, type Locale } from './locale';

const TABLES: Record<Exclude<Locale, 'en'>, () => Promise<Messages>> = {
	es: () => import('./es').then((m) => m.es)
};

let current = $state.raw<{ locale: Locale; t: Messages }>({ locale: 'en', t: en });

export const i18n = {
	/** The strings of the language in use. */
	get t(): Messages {
		return current.t;
	},
	get locale(): Locale {
		return current.locale;
	}
};

function browserLanguages(): readonly string[] {
	return globalThis.navigator?.languages ?? [globalThis.navigator?.language ?? 'en'];
}

/** The language the browser asks for, ignoring any choice made on the start page. */
export function browserLocale(): Locale {
	return pickLocale(null, browserLanguages());
}

/** Switches the interface (loading the table if needed); English if a table fails to load. */
export async function useLocale(locale: Locale): Promise<void> {
	let t = en;
	if (locale !== 'en') {
		try {
			t = await TABLES[locale]();
		} catch (error) {
			console.error(`Could not load the ${locale} interface; staying in English`, error);
			locale = 'en';
		}
	}
	current = { locale, t };
	if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/** At start-up: the visitor's choice, else the browser's languages. */
export function useInitialLocale(): Promise<void> {
	return useLocale(pickLocale(chosenLocale(), browserLanguages()));
}

/** From the start page's setting: null follows the browser again. Remembered in this browser. */
export async function chooseLocale(locale: Locale | null): Promise<void> {
	rememberLocale(locale);
	await useLocale(locale ?? browserLocale());
}
