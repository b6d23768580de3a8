// The app checks files before uploading (functions/src/shared/files.ts); firestore.rules and
// storage.rules check them again. Rules cannot import constants, so this reads both rules
// files as text and checks that their size limit, type list and name rule are the same.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALLOWED_CONTENT_TYPES, FILE_LIMITS, FILE_NAME_PATTERN, sanitizeFileName } from '$shared/files';

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

describe('firestore.rules file names agree with sanitizeFileName', () => {
	// Up to the `;` that ends its return statement (the pattern itself holds braces).
	const isFileName = /function isFileName\(name\)\s*\{([\s\S]*?);\s*\n\s*\}/.exec(rules.firestore)?.[1] ?? '';

	it(`caps names at FILE_LIMITS.nameMaxChars (${FILE_LIMITS.nameMaxChars})`, () => {
		expect(annotatedNumbers(isFileName, 'FILE_LIMITS.nameMaxChars')).toEqual([FILE_LIMITS.nameMaxChars]);
	});

	it('matches names with FILE_NAME_PATTERN', () => {
		const literal = /name\.matches\('((?:[^'\\]|\\.)*)'\)/.exec(isFileName)?.[1];
		expect(literal).toBeDefined();
		expect(unescapeRulesString(literal ?? '')).toBe(FILE_NAME_PATTERN.source);
	});

	it('the rules pattern accepts what sanitizeFileName makes of hostile names', () => {
		const rulesPattern = new RegExp(FILE_NAME_PATTERN.source, 'u');
		for (const raw of ['../../x.png', 'C:\\a\\b.pdf', 'a\u202Eb.txt', 'x\u0007y', 'a:b|c', '']) {
			expect(rulesPattern.test(sanitizeFileName(raw)), raw).toBe(true);
			expect(rulesPattern.test(raw), raw).toBe(false);
		}
	});
});
