import { describe, expect, it } from 'vitest';
import {
	cleanDisplayName,
	DEFAULT_PARTNER_NAME,
	DISPLAY_NAME_MAX_CHARS,
	displayNameLength,
	partnerLabel,
	tidyNameInput
} from './displayName';

const RLO = '\u202E';
const PDF = '\u202C';
const ZWSP = '\u200B';
const ZWJ = '\u200D';

describe('cleanDisplayName (what the receiver shows)', () => {
	it('keeps an ordinary name, trimmed, in any script', () => {
		expect(cleanDisplayName('  Alex ')).toBe('Alex');
		expect(cleanDisplayName('José María')).toBe('José María');
		expect(cleanDisplayName('さくら')).toBe('さくら');
		expect(cleanDisplayName('محمد')).toBe('محمد');
		expect(cleanDisplayName('Zoë 🦊')).toBe('Zoë 🦊');
	});

	it('normalises to NFC, so a decomposed é is one character', () => {
		const decomposed = 'Jose\u0301';
		expect(cleanDisplayName(decomposed)).toBe('Jos\u00e9');
		expect(cleanDisplayName('e\u0301'.repeat(DISPLAY_NAME_MAX_CHARS))).toBe('\u00e9'.repeat(DISPLAY_NAME_MAX_CHARS));
	});

	it('drops a right-to-left override, so "Alex<RLO>txt.exe" cannot read as "Alexexe.txt"', () => {
		expect(cleanDisplayName(`Alex${RLO}txt.exe`)).toBe('Alextxt.exe');
		expect(cleanDisplayName(`${RLO}nimda${PDF}`)).toBe('nimda');
		// Every embedding, override and isolate control.
		const bidi = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C';
		expect(cleanDisplayName(`A${bidi}B`)).toBe('AB');
	});

	it('drops zero-width characters: no invisible padding, no look-alike of another name', () => {
		expect(cleanDisplayName(`Al${ZWSP}ex`)).toBe('Alex');
		expect(cleanDisplayName(`A${ZWJ}l\u200Ce\u2060x\uFEFF`)).toBe('Alex');
		// A name made only of invisible characters is no name.
		expect(cleanDisplayName(`${ZWSP}${ZWJ}\u2060\uFEFF`)).toBeNull();
		expect(cleanDisplayName('\u3164\u3164')).toBeNull(); // Hangul fillers look blank
		expect(cleanDisplayName('\u2800')).toBeNull(); // braille blank
		// Zero-width characters do not count towards the limit, and cannot hide an overlong name.
		expect(cleanDisplayName(`${'a'.repeat(DISPLAY_NAME_MAX_CHARS)}${ZWSP.repeat(50)}`)).toBe('a'.repeat(DISPLAY_NAME_MAX_CHARS));
	});

	it('drops control characters and line breaks, and collapses runs of spaces', () => {
		expect(cleanDisplayName('Al\u0000ex\u0007')).toBe('Alex');
		expect(cleanDisplayName('Alex\nTangent: you were banned')).toBeNull(); // 32 characters once joined
		expect(cleanDisplayName('Al\r\nex')).toBe('Alex');
		expect(cleanDisplayName('Al\u2028ex')).toBe('Alex');
		expect(cleanDisplayName('Alex \u3000\u00a0  Smith')).toBe('Alex Smith');
		expect(cleanDisplayName('\u00ad')).toBeNull(); // a soft hyphen alone
	});

	it('caps towers of combining marks', () => {
		expect(cleanDisplayName('q\u0301\u0302\u0303\u0304\u0305\u0306')).toBe('q\u0301\u0302\u0303');
	});

	it(`accepts at most ${DISPLAY_NAME_MAX_CHARS} characters, counting an emoji as one`, () => {
		expect(cleanDisplayName('x'.repeat(DISPLAY_NAME_MAX_CHARS))).toHaveLength(DISPLAY_NAME_MAX_CHARS);
		expect(cleanDisplayName('x'.repeat(DISPLAY_NAME_MAX_CHARS + 1))).toBeNull();
		expect(cleanDisplayName('🦊'.repeat(DISPLAY_NAME_MAX_CHARS))).toBe('🦊'.repeat(DISPLAY_NAME_MAX_CHARS));
		expect(cleanDisplayName('🦊'.repeat(DISPLAY_NAME_MAX_CHARS + 1))).toBeNull();
		expect(cleanDisplayName('x'.repeat(100_000))).toBeNull();
	});

	it('refuses what is not a name, and names that pass for Tangent\'s own labels', () => {
		for (const raw of [undefined, null, 42, {}, ['Alex'], '', '   ', 'You', ' YOU ', 'Tangent']) {
			expect(cleanDisplayName(raw)).toBeNull();
		}
		expect(cleanDisplayName('Youssef')).toBe('Youssef');
	});

	it('shows "Stranger" for no name', () => {
		expect(partnerLabel(null)).toBe(DEFAULT_PARTNER_NAME);
		expect(DEFAULT_PARTNER_NAME).toBe('Stranger');
		expect(partnerLabel(cleanDisplayName(`${RLO}${ZWSP}`))).toBe('Stranger');
		expect(partnerLabel(cleanDisplayName('Alex'))).toBe('Alex');
	});
});

describe('tidyNameInput (the sender\'s field as they type)', () => {
	it('applies the same rules, keeping a space at the end so a second word can follow', () => {
		expect(tidyNameInput('  Alex ')).toBe('Alex ');
		expect(tidyNameInput(`Al${RLO}ex${ZWSP}`)).toBe('Alex');
		expect(tidyNameInput('Alex   S')).toBe('Alex S');
		expect(tidyNameInput('Jose\u0301')).toBe('Jos\u00e9');
	});

	it(`cuts at ${DISPLAY_NAME_MAX_CHARS} characters without splitting an emoji`, () => {
		expect(tidyNameInput('x'.repeat(30))).toBe('x'.repeat(DISPLAY_NAME_MAX_CHARS));
		const foxes = tidyNameInput('🦊'.repeat(30));
		expect(displayNameLength(foxes)).toBe(DISPLAY_NAME_MAX_CHARS);
		expect(foxes).toBe('🦊'.repeat(DISPLAY_NAME_MAX_CHARS));
	});

	it('what it lets through, trimmed, the receiver accepts unchanged', () => {
		for (const typed of ['Alex ', 'José María', `${RLO}evil${ZWSP}`, '🦊'.repeat(30), ' a  b ']) {
			const sent = tidyNameInput(typed).trim();
			expect(cleanDisplayName(sent)).toBe(sent);
		}
	});
});
