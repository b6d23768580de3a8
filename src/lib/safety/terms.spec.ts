import { afterEach, describe, expect, it, vi } from 'vitest';
import { acceptTerms, forgetTermsForThisVisit, hasAcceptedTerms, parseTermsRecord, TERMS_KEY, termsAcceptance, termsRecord } from './terms';
import { memoryStorage } from '$lib/testing/memoryStorage';


describe('terms acceptance', () => {
	afterEach(() => {
		forgetTermsForThisVisit();
		vi.restoreAllMocks();
	});

	it('is not there on a first visit, and remembered once accepted', () => {
		const storage = memoryStorage();
		expect(hasAcceptedTerms(storage)).toBe(false);
		acceptTerms(storage, 1_700_000_000_000);
		expect(storage.map.get(TERMS_KEY)).toBe(termsRecord(1_700_000_000_000));
		forgetTermsForThisVisit(); // as after a reload
		expect(termsAcceptance(storage)).toEqual({ acceptedAtMs: 1_700_000_000_000 });
	});

	it('uses a versioned key, so changed terms ask again', () => {
		expect(TERMS_KEY).toMatch(/^tangent\.terms\.v\d+$/);
		expect(hasAcceptedTerms(memoryStorage({ 'tangent.terms.v0': termsRecord(1) }))).toBe(false);
	});

	it('ignores anything but a record it wrote', () => {
		for (const junk of ['true', 'null', '{}', '{"acceptedAtMs":"yes"}', '{"acceptedAtMs":-1}', 'not json']) {
			expect(parseTermsRecord(junk)).toBeNull();
			expect(hasAcceptedTerms(memoryStorage({ [TERMS_KEY]: junk }))).toBe(false);
		}
	});

	it('where storage is blocked, the acceptance lasts for this page', () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const blocked = {
			getItem: () => {
				throw new DOMException('blocked', 'SecurityError');
			},
			setItem: () => {
				throw new DOMException('blocked', 'SecurityError');
			}
		};
		expect(hasAcceptedTerms(blocked)).toBe(false);
		acceptTerms(blocked, 42);
		expect(termsAcceptance(blocked)).toEqual({ acceptedAtMs: 42 });
		expect(hasAcceptedTerms(null)).toBe(true);
	});
});
