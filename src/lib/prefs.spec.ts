import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PREFS, loadPrefs, parsePrefs, PREFS_KEY, savePrefs, type PrefsStorage } from './prefs';

function memoryStorage(initial?: string): PrefsStorage & { data: Map<string, string> } {
	const data = new Map<string, string>(initial === undefined ? [] : [[PREFS_KEY, initial]]);
	return {
		data,
		getItem: (key) => data.get(key) ?? null,
		setItem: (key, value) => void data.set(key, value)
	};
}

describe('prefs', () => {
	it('starts from the defaults when nothing (or garbage) is stored', () => {
		for (const stored of [undefined, '', '{not json', 'null', '[]', '"video"', '42']) {
			expect(loadPrefs(memoryStorage(stored))).toEqual(DEFAULT_PREFS);
		}
		expect(loadPrefs(null)).toEqual(DEFAULT_PREFS);
	});

	it('round-trips what the start page saves', () => {
		const storage = memoryStorage();
		const prefs = { mode: 'video' as const, interests: ['music', 'board games'], language: 'de', hideIp: true, name: 'Alex', safeVideo: false };
		savePrefs(prefs, storage);
		expect(loadPrefs(storage)).toEqual(prefs);
	});

	it('normalises interests and keeps at most five', () => {
		const stored = JSON.stringify({ interests: ['#Music', 'music', ' Board  games ', 3, 'a', 'b', 'c', 'd'] });
		expect(parsePrefs(stored).interests).toEqual(['music', 'board games', 'a', 'b', 'c']);
	});

	it('falls back field by field when a value is wrong', () => {
		const stored = JSON.stringify({ mode: 'hologram', interests: 'music', language: 'klingon', hideIp: 'yes', safeVideo: 0 });
		expect(parsePrefs(stored)).toEqual(DEFAULT_PREFS);
		expect(parsePrefs(JSON.stringify({ mode: 'audio', language: 'EN' }))).toEqual({
			...DEFAULT_PREFS,
			mode: 'audio',
			language: 'en'
		});
	});

	it('remembers the display name only as the stranger would see it', () => {
		expect(parsePrefs(JSON.stringify({ name: '  Alex ' })).name).toBe('Alex');
		expect(parsePrefs(JSON.stringify({ name: '\u202Enimda' })).name).toBe('nimda');
		expect(parsePrefs(JSON.stringify({ name: 'x'.repeat(21) })).name).toBe('');
		expect(parsePrefs(JSON.stringify({ name: 7 })).name).toBe('');
	});

	it('keeps Safe video on unless it was turned off (older saved settings lack it)', () => {
		expect(DEFAULT_PREFS.safeVideo).toBe(true);
		expect(parsePrefs(JSON.stringify({ mode: 'video', hideIp: true })).safeVideo).toBe(true);
		expect(parsePrefs(JSON.stringify({ safeVideo: false })).safeVideo).toBe(false);
	});

	it('accepts only languages the start page offers', () => {
		expect(parsePrefs(JSON.stringify({ language: 'xx' })).language).toBeNull();
		expect(parsePrefs(JSON.stringify({ language: 'ja' })).language).toBe('ja');
	});

	it('survives a storage that throws', () => {
		const broken: PrefsStorage = {
			getItem: () => {
				throw new DOMException('denied', 'SecurityError');
			},
			setItem: () => {
				throw new DOMException('full', 'QuotaExceededError');
			}
		};
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		expect(loadPrefs(broken)).toEqual(DEFAULT_PREFS);
		expect(savePrefs({ ...DEFAULT_PREFS, hideIp: true }, broken)).toEqual({ ...DEFAULT_PREFS, hideIp: true });
		expect(warn).toHaveBeenCalledOnce();
		warn.mockRestore();
	});
});
