// The 18+ and terms gate: whether this browser agreed to the current rules. Stored in
// localStorage under a versioned key, so changed terms ask again (bump TERMS_VERSION).
// No imports with runtime code: the browser tests import the key from here.

/** 2: the device token and network hash that let bans and blocks outlive one anonymous id. */
export const TERMS_VERSION = 2;
export const TERMS_KEY = `tangent.terms.v${TERMS_VERSION}`;

export interface TermsAcceptance {
	/** When the visitor agreed, ms since the epoch (by their clock). */
	acceptedAtMs: number;
}

export type TermsStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** What the key holds once accepted. */
export function termsRecord(acceptedAtMs: number): string {
	return JSON.stringify({ acceptedAtMs } satisfies TermsAcceptance);
}

/** Reads a stored record; anything else (missing, hand-edited, an old shape) is no acceptance. */
export function parseTermsRecord(json: string | null): TermsAcceptance | null {
	if (json === null) return null;
	try {
		const value: unknown = JSON.parse(json);
		const at: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, 'acceptedAtMs') : undefined;
		return typeof at === 'number' && Number.isFinite(at) && at > 0 ? { acceptedAtMs: at } : null;
	} catch {
		return null;
	}
}

/** Where storage is blocked, the acceptance lasts as long as the page. */
let acceptedThisVisit: TermsAcceptance | null = null;

function browserStorage(): TermsStorage | null {
	try {
		return globalThis.localStorage ?? null;
	} catch {
		return null;
	}
}

export function termsAcceptance(storage: TermsStorage | null = browserStorage()): TermsAcceptance | null {
	try {
		return parseTermsRecord(storage?.getItem(TERMS_KEY) ?? null) ?? acceptedThisVisit;
	} catch {
		return acceptedThisVisit;
	}
}

export function hasAcceptedTerms(storage: TermsStorage | null = browserStorage()): boolean {
	return termsAcceptance(storage) !== null;
}

export function acceptTerms(storage: TermsStorage | null = browserStorage(), nowMs: number = Date.now()): TermsAcceptance {
	acceptedThisVisit = { acceptedAtMs: nowMs };
	try {
		storage?.setItem(TERMS_KEY, termsRecord(nowMs));
	} catch (error) {
		console.warn('Could not remember that the terms were accepted', error);
	}
	return acceptedThisVisit;
}

/** For tests: forget the in-memory acceptance. */
export function forgetTermsForThisVisit(): void {
	acceptedThisVisit = null;
}
