// The optional name a user shows the stranger instead of "Stranger". It travels only over
// the data channel (src/lib/chat/wire.ts), so the receiver cleans it; the sender's field
// applies the same rules as they type, and the reportPartner callable checks the copy a
// reporter may attach. Shared so the three agree; pure, no SDK imports.

export const DISPLAY_NAME_MAX_CHARS = 20;

/** What the stranger is called when they gave no name, or one that does not survive cleaning. */
export const DEFAULT_PARTNER_NAME = 'Stranger';

// Dropped outright: controls (Cc), formatting (Cf: bidirectional embeddings, overrides and
// isolates, zero-width space/joiners, word joiner, BOM, soft hyphen, tag characters),
// line and paragraph separators, private-use, unassigned and lone surrogates, and the
// letters and blanks that render as nothing (Hangul fillers, braille blank, invisible
// Mongolian/Khmer marks), which would make an empty-looking name.
// eslint-disable-next-line no-misleading-character-class -- each listed code point is matched on its own (the `u` flag), which is the point: a lone combining mark is what we strip
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFE00-\uFE0F\uFFA0]/gu;
/** Any run of spaces (of any width) becomes one ordinary space. */
const SPACES = /\p{Zs}+/gu;
/** Combining marks beyond three in a row only stack into a tower over the next lines. */
const MARK_TOWER = /(\p{M}{3})\p{M}+/gu;
/** Names that would pass for Tangent's own labels ("You:") or for Tangent itself. */
const RESERVED = new Set(['you', 'tangent']);

function codePoints(text: string): number {
	let n = 0;
	for (const _ of text) n++;
	return n;
}

/** Normalises and strips what no name may hold; spaces at the ends are kept (see tidyNameInput). */
function strip(text: string): string {
	return text.normalize('NFC').replace(INVISIBLE, '').replace(SPACES, ' ').replace(MARK_TOWER, '$1');
}

/**
 * The name to show for what the stranger sent, or null (show DEFAULT_PARTNER_NAME): not a
 * string, empty once cleaned, longer than DISPLAY_NAME_MAX_CHARS, or reserved.
 */
export function cleanDisplayName(raw: unknown): string | null {
	// Far beyond any name: do not even normalise it.
	if (typeof raw !== 'string' || raw.length > DISPLAY_NAME_MAX_CHARS * 16) return null;
	const name = strip(raw).trim();
	if (name === '' || codePoints(name) > DISPLAY_NAME_MAX_CHARS) return null;
	if (RESERVED.has(name.toLowerCase())) return null;
	return name;
}

/** What to call the stranger: their cleaned name, or "Stranger". */
export function partnerLabel(name: string | null): string {
	return name ?? DEFAULT_PARTNER_NAME;
}

/**
 * The sender's field as they type: the same characters dropped, spaces collapsed, none at
 * the start, cut at DISPLAY_NAME_MAX_CHARS. A space at the end stays, so two words can be typed.
 */
export function tidyNameInput(typed: string): string {
	const text = strip(typed).trimStart();
	return codePoints(text) <= DISPLAY_NAME_MAX_CHARS ? text : Array.from(text).slice(0, DISPLAY_NAME_MAX_CHARS).join('');
}

/** How many characters a name counts as (code points, as the limit does). */
export function displayNameLength(name: string): number {
	return codePoints(name);
}
