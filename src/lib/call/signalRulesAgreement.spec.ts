// The signal documents' limits live in functions/src/shared/model.ts (LIMITS) and are
// written out again in firestore.rules, which cannot import them; this reads the rules
// as text and checks each annotated number equals its constant.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CANDIDATE_LINE_PATTERN, LIMITS } from '$shared/model';

const rules = readFileSync(new URL('../../../firestore.rules', import.meta.url), 'utf8');

/** The last number of each line of rules code annotated `// LIMITS.<name>` (comment-only lines are prose). */
function annotated(name: keyof typeof LIMITS): number[] {
	return rules
		.split('\n')
		.map((line) => line.split('//'))
		.filter(([code = '', ...comment]) => code.trim() !== '' && new RegExp(String.raw`\bLIMITS\.${name}\b`).test(comment.join('//')))
		.map(([code = '']) => Number([...code.matchAll(/\d+/g)].at(-1)?.[0]));
}

describe('firestore.rules signal limits agree with LIMITS', () => {
	for (const name of ['candidatesPerMember', 'candidatesPerWrite', 'sdpMaxChars', 'signalWriteMinIntervalMs'] as const) {
		it(`${name} (${LIMITS[name]})`, () => {
			const numbers = annotated(name);
			expect(numbers.length).toBeGreaterThan(0);
			for (const n of numbers) expect(n).toBe(LIMITS[name]);
		});
	}

	it('each candidate line is checked against CANDIDATE_LINE_PATTERN, verbatim', () => {
		expect(rules).toContain(`.matches('${CANDIDATE_LINE_PATTERN}')`);
	});
});
