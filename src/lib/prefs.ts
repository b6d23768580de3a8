// What the start page remembers per browser: the chat mode, interests, language, the
// "Hide my IP" and "Safe video" choices and the name shown to strangers. Stored as JSON in localStorage; whatever is read back is checked,
// so a hand-edited or outdated entry falls back field by field to the defaults.
import { cleanDisplayName } from '$shared/displayName';
import { CHAT_MODES, normalizeInterests, normalizeLanguage, type ChatMode } from '$shared/model';

export interface Prefs {
	mode: ChatMode;
	interests: string[];
	/** An ISO 639 code from LANGUAGES, or null for any language. */
	language: string | null;
	/** Relay the call through TURN so the stranger never sees our IP address. */
	hideIp: boolean;
	/** Shown to the stranger instead of "Stranger" (sent over the data channel only); '' for none. */
	name: string;
	/** Blur the stranger's video until a classifier on this device finds it safe. On unless turned off. */
	safeVideo: boolean;
}

export const DEFAULT_PREFS: Readonly<Prefs> = Object.freeze({
	mode: 'text',
	interests: [],
	language: null,
	hideIp: false,
	name: '',
	safeVideo: true
});

/** The languages the start page offers, by ISO 639-1 code, named in their own language. */
export const LANGUAGES = [
	{ code: 'en', name: 'English' },
	{ code: 'es', name: 'Español' },
	{ code: 'fr', name: 'Français' },
	{ code: 'de', name: 'Deutsch' },
	{ code: 'pt', name: 'Português' },
	{ code: 'it', name: 'Italiano' },
	{ code: 'ru', name: 'Русский' },
	{ code: 'tr', name: 'Türkçe' },
	{ code: 'ar', name: 'العربية' },
	{ code: 'hi', name: 'हिन्दी' },
	{ code: 'ja', name: '日本語' },
	{ code: 'ko', name: '한국어' },
	{ code: 'zh', name: '中文' },
	{ code: 'pl', name: 'Polski' },
	{ code: 'nl', name: 'Nederlands' },
	{ code: 'uk', name: 'Українська' },
	{ code: 'id', name: 'Bahasa Indonesia' },
	{ code: 'vi', name: 'Tiếng Việt' }
] as const;

export const PREFS_KEY = 'tangent.prefs.v1';

/** The part of Storage we use, so tests can pass a Map-backed fake. */
export type PrefsStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** A language code the start page offers, or null. */
export function supportedLanguage(raw: unknown): string | null {
	const code = typeof raw === 'string' ? normalizeLanguage(raw) : null;
	return LANGUAGES.some((l) => l.code === code) ? code : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks stored JSON field by field; anything unreadable becomes the default. */
export function parsePrefs(json: string | null): Prefs {
	let data: unknown;
	try {
		data = json === null ? null : JSON.parse(json);
	} catch {
		data = null;
	}
	if (!isRecord(data)) return { ...DEFAULT_PREFS, interests: [] };
	const { mode, interests, language, hideIp, name, safeVideo } = data;
	return {
		mode: CHAT_MODES.find((m) => m === mode) ?? DEFAULT_PREFS.mode,
		interests: Array.isArray(interests)
			? normalizeInterests(interests.filter((i): i is string => typeof i === 'string'))
			: [],
		language: supportedLanguage(language),
		hideIp: typeof hideIp === 'boolean' ? hideIp : DEFAULT_PREFS.hideIp,
		name: cleanDisplayName(name) ?? '',
		safeVideo: typeof safeVideo === 'boolean' ? safeVideo : DEFAULT_PREFS.safeVideo
	};
}

/** localStorage, or null where it is missing or blocked (privacy settings can make access throw). */
function browserStorage(): PrefsStorage | null {
	try {
		return globalThis.localStorage ?? null;
	} catch {
		return null;
	}
}

export function loadPrefs(storage: PrefsStorage | null = browserStorage()): Prefs {
	try {
		return parsePrefs(storage?.getItem(PREFS_KEY) ?? null);
	} catch {
		return parsePrefs(null);
	}
}

/** Saves normalised prefs; returns them as stored. A full or blocked storage only loses the memory. */
export function savePrefs(prefs: Prefs, storage: PrefsStorage | null = browserStorage()): Prefs {
	const clean = parsePrefs(JSON.stringify(prefs));
	try {
		storage?.setItem(PREFS_KEY, JSON.stringify(clean));
	} catch (error) {
		console.warn('Could not remember the chat settings', error);
	}
	return clean;
}
