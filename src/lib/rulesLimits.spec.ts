// Limits that the rules state again, because rules cannot import constants: each rules line
// that states one is annotated `// <CONSTANT>`, and this reads the rules as text and checks
// the number on that line (a duration in its unit) against the constant in $shared. One
// test per constant; a constant whose annotation disappears fails too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIMITS, LOBBY_HEARTBEAT_MIN_INTERVAL_MS } from '$shared/model';
import { SAFETY_LIMITS } from '$shared/safety';

const RULES = {
	firestore: readFileSync(new URL('../../firestore.rules', import.meta.url), 'utf8'),
	storage: readFileSync(new URL('../../storage.rules', import.meta.url), 'utf8')
};

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * The value stated on each code line annotated `// <name>` (lines of comment alone are
 * prose): the last number on the line, in milliseconds when it is a duration.value(n, unit).
 */
function annotatedValues(rules: string, name: string): number[] {
	const annotation = new RegExp(String.raw`^\s*${name.replaceAll('.', '\\.')}\b`);
	return rules
		.split('\n')
		.map((line) => line.split('//'))
		.filter(([code = '', ...comment]) => code.trim() !== '' && annotation.test(comment.join('//')))
		.map(([code = '']) => {
			const duration = [...code.matchAll(/duration\.value\((\d+),\s*'(\w+)'\)/g)].at(-1);
			if (duration) return Number(duration[1]) * (UNIT_MS[duration[2] ?? ''] ?? Number.NaN);
			return Number([...code.matchAll(/\d+/g)].at(-1)?.[0]);
		});
}

const STATED: [rules: keyof typeof RULES, name: string, value: number][] = [
	['firestore', 'SAFETY_LIMITS.lobbyJoinMinIntervalMs', SAFETY_LIMITS.lobbyJoinMinIntervalMs],
	['firestore', 'LOBBY_HEARTBEAT_MIN_INTERVAL_MS', LOBBY_HEARTBEAT_MIN_INTERVAL_MS],
	['firestore', 'SAFETY_LIMITS.uploads.max', SAFETY_LIMITS.uploads.max],
	['firestore', 'SAFETY_LIMITS.uploads.windowMs', SAFETY_LIMITS.uploads.windowMs],
	['firestore', 'LIMITS.interestMaxChars', LIMITS.interestMaxChars],
	['firestore', 'LIMITS.interestsPerUser', LIMITS.interestsPerUser]
];

describe('the rules state the same limits as $shared', () => {
	for (const [rules, name, value] of STATED) {
		it(`${rules}.rules: ${name} = ${value}`, () => {
			const stated = annotatedValues(RULES[rules], name);
			expect(stated.length, `no line of ${rules}.rules is annotated // ${name}`).toBeGreaterThan(0);
			for (const n of stated) expect(n).toBe(value);
		});
	}
});
