// The sweep's Storage backstop against a fake bucket: only objects older than a day go.
import { describe, expect, it } from 'vitest';
import type { CallFileStore, StoredObject } from '../storage';
import { MAX_FILE_AGE_MS, SHARED_FILES_PREFIX, sweepOldFiles } from './sweep';

const NOW = Date.UTC(2025, 0, 2);

function fakeStore(pages: { name: string; ageMs: number }[][]) {
	const deleted: string[] = [];
	const listed: { prefix: string; pageToken?: string }[] = [];
	const store: CallFileStore = {
		deletePrefix: async () => {
			throw new Error('not used by the sweep');
		},
		listPage: async (prefix, pageToken) => {
			listed.push({ prefix, pageToken });
			const index = pageToken ? Number(pageToken) : 0;
			const objects: StoredObject[] = (pages[index] ?? []).map(({ name, ageMs }) => ({
				name,
				createdAtMs: NOW - ageMs,
				delete: async () => void deleted.push(name)
			}));
			return { objects, nextPageToken: index + 1 < pages.length ? String(index + 1) : undefined };
		}
	};
	return { store, deleted, listed };
}

describe('sweepOldFiles', () => {
	it('deletes shared files older than a day, on every page, and keeps the rest', async () => {
		const day = MAX_FILE_AGE_MS;
		const { store, deleted, listed } = fakeStore([
			[
				{ name: 'calls/a/u/1', ageMs: day + 1 },
				{ name: 'calls/a/u/2', ageMs: day - 1 }
			],
			[{ name: 'calls/b/u/3', ageMs: 3 * day }]
		]);
		expect(await sweepOldFiles(store, NOW)).toEqual({ oldFiles: 2, complete: true });
		expect(deleted).toEqual(['calls/a/u/1', 'calls/b/u/3']);
		expect(listed).toEqual([
			{ prefix: SHARED_FILES_PREFIX, pageToken: undefined },
			{ prefix: SHARED_FILES_PREFIX, pageToken: '1' }
		]);
	});

	it('keeps an object of unknown age', async () => {
		const { store, deleted } = fakeStore([[{ name: 'calls/a/u/1', ageMs: Number.NaN }]]);
		expect(await sweepOldFiles(store, NOW)).toEqual({ oldFiles: 0, complete: true });
		expect(deleted).toEqual([]);
	});

	it('starts no new page once its time budget is spent, and says it stopped early', async () => {
		const day = MAX_FILE_AGE_MS;
		const { store, deleted, listed } = fakeStore([[{ name: 'calls/a/u/1', ageMs: 2 * day }], [{ name: 'calls/b/u/2', ageMs: 2 * day }]]);
		let now = 0;
		const clock = () => now;
		const origList = store.listPage;
		store.listPage = async (prefix, token) => {
			const page = await origList(prefix, token);
			now = 11; // the first page used up the budget
			return page;
		};
		expect(await sweepOldFiles(store, NOW, { deadlineMs: 10, clock })).toEqual({ oldFiles: 1, complete: false });
		expect(deleted).toEqual(['calls/a/u/1']);
		expect(listed).toHaveLength(1);
	});

	it('reports a skip (null) where there is no Storage to reach', async () => {
		expect(await sweepOldFiles(null, NOW)).toEqual({ oldFiles: null });
	});

	it('files outlive no call: the backstop is longer than the longest call', async () => {
		const { MAX_CALL_MS } = await import('./sweep');
		expect(MAX_FILE_AGE_MS).toBeGreaterThan(MAX_CALL_MS);
		expect(SHARED_FILES_PREFIX).toBe('calls/');
	});
});
