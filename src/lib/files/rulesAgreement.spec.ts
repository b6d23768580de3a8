// The app checks files before uploading (functions/src/shared/files.ts); firestore.rules and
// storage.rules check them again. Rules cannot import constants, so this reads both rules
// files as text and checks that their size limit, type list and name rule are the same.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	ALLOWED_CONTENT_TYPES,
	FILE_LIMITS,
	STORED_NAME_PATTERN,
	TYPE_EXTENSIONS,
	fileNameFor,
	isStoredFileName,
	storedNameEndingFor
} from '$shared/files';

const rules = {
	firestore: readFileSync(new URL('../../../firestore.rules', import.meta.url), 'utf8'),
	storage: readFileSync(new URL('../../../storage.rules', import.meta.url), 'utf8')
};

/** Every number annotated `// <marker>` in the rules text. */
function annotatedNumbers(text: string, marker: string): number[] {
	const pattern = new RegExp(String.raw`(\d+)\s*(?:;\s*)?//\s*${marker.replace('.', '\\.')}\b`, 'g');
	return [...text.matchAll(pattern)].map((m) => Number(m[1]));
}

/** The quoted strings of `function isAllowedContentType(x) { return x in [ … ]; }`. */
function allowedTypes(text: string): string[] {
	const body = /function isAllowedContentType\((\w+)\)\s*\{\s*return \1 in \[([^\]]*)\]/.exec(text)?.[2];
	if (body === undefined) throw new Error('isAllowedContentType(type) { return type in [...] } not found');
	return [...body.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');
}

/** A rules string literal's value: `\\` is one backslash there, as in JS. */
function unescapeRulesString(literal: string): string {
	return literal.replace(/\\(.)/g, '$1');
}

describe.each(Object.entries(rules))('%s.rules agrees with shared/files.ts', (_name, text) => {
	it(`limits the size to FILE_LIMITS.maxBytes (${FILE_LIMITS.maxBytes})`, () => {
		const limits = annotatedNumbers(text, 'FILE_LIMITS.maxBytes');
		expect(limits.length).toBeGreaterThan(0);
		for (const limit of limits) expect(limit).toBe(FILE_LIMITS.maxBytes);
	});

	it('allows exactly ALLOWED_CONTENT_TYPES', () => {
		const types = allowedTypes(text);
		expect(types).toHaveLength(new Set(types).size);
		expect([...types].sort()).toEqual([...ALLOWED_CONTENT_TYPES].sort());
	});

	it('never says yes to everyone', () => {
		expect(text).not.toMatch(/allow [\w, ]+:\s*if\s+true/);
		expect(text).not.toMatch(/allow [\w, ]+:\s*if\s+request\.auth\s*!=\s*null\s*;/);
	});
});

describe('firestore.rules file names agree with fileNameFor', () => {
	// Up to the `;` that ends its return statement (the pattern itself holds braces).
	const isFileName = /function isFileName\(name, type\)\s*\{([\s\S]*?);\s*\n\s*\}/.exec(rules.firestore)?.[1] ?? '';
	const literals = [...isFileName.matchAll(/matches\('((?:[^'\\]|\\.)*)'/g)].map((m) => unescapeRulesString(m[1] ?? ''));

	it(`caps names at FILE_LIMITS.nameMaxChars (${FILE_LIMITS.nameMaxChars})`, () => {
		expect(annotatedNumbers(isFileName, 'FILE_LIMITS.nameMaxChars')).toEqual([FILE_LIMITS.nameMaxChars]);
	});

	it('matches names with STORED_NAME_PATTERN', () => {
		expect(literals[0]).toBe(STORED_NAME_PATTERN.source);
	});

	it('ends names with an extension of the declared type, as storedNameEndingFor says', () => {
		const table = /function fileExtensionsOf\(type\)\s*\{\s*return \{([^}]*)\}\[type\]/.exec(rules.firestore)?.[1] ?? '';
		const entries = [...table.matchAll(/'([^']+)':\s*'([^']+)'/g)].map((m) => [m[1], m[2]]);
		expect(Object.fromEntries(entries)).toEqual(
			Object.fromEntries(ALLOWED_CONTENT_TYPES.map((type) => [type, TYPE_EXTENSIONS[type].join('|')]))
		);
		// The rules build the ending as '<head>' + alternation + ')$'.
		const head = literals[1] ?? '';
		for (const type of ALLOWED_CONTENT_TYPES) {
			expect(`${head}${TYPE_EXTENSIONS[type].join('|')})$`).toBe(storedNameEndingFor(type).source);
		}
	});

	it('accepts what fileNameFor makes of hostile names, and none of the hostile names themselves', () => {
		const hostile: [string, (typeof ALLOWED_CONTENT_TYPES)[number]][] = [
			['../../x.png', 'image/png'],
			['C:\\a\\b.pdf', 'application/pdf'],
			['a\u202Eb.txt', 'text/plain'],
			['x\u0007y.txt', 'text/plain'],
			['a:b|c.txt', 'text/plain'],
			['', 'text/plain'],
			['..', 'image/png'],
			['invoice.pdf.exe', 'application/pdf'],
			[`photo.jpg${' '.repeat(85)}.exe`, 'image/jpeg'],
			['open-me.html', 'text/plain'],
			['.hidden.png', 'image/png'],
			['two  spaces.png', 'image/png'],
			['nbsp\u00A0name.png', 'image/png'],
			['dot .png', 'image/png'],
			['song.mp3', 'audio/ogg']
		];
		for (const [raw, type] of hostile) {
			const stored = fileNameFor(raw, type);
			expect(isStoredFileName(stored, type), `${JSON.stringify(raw)} → ${JSON.stringify(stored)}`).toBe(true);
			expect(isStoredFileName(raw, type), JSON.stringify(raw)).toBe(false);
		}
	});
});
