import { describe, expect, it, vi } from 'vitest';
import { LazyModule } from './lazy.svelte';

describe('LazyModule', () => {
	it('imports once, on the first load, and then holds the value', async () => {
		const importer = vi.fn(async () => ({ answer: 42 }));
		const lazy = new LazyModule(importer);
		expect(importer).not.toHaveBeenCalled();
		expect(lazy.current).toBeNull();

		const [first, second] = await Promise.all([lazy.load(), lazy.load()]);
		expect(first).toBe(second);
		expect(await lazy.load()).toBe(first);
		expect(lazy.current).toBe(first);
		expect(lazy.error).toBeNull();
		expect(importer).toHaveBeenCalledTimes(1);
	});

	it('reports a failed load and tries again on the next one', async () => {
		const offline = new TypeError('Failed to fetch dynamically imported module');
		const importer = vi.fn().mockRejectedValueOnce(offline).mockResolvedValueOnce('module');
		const lazy = new LazyModule<string>(importer);

		await expect(lazy.load()).rejects.toBe(offline);
		expect(lazy.error).toBe(offline);
		expect(lazy.current).toBeNull();

		expect(await lazy.load()).toBe('module');
		expect(lazy.current).toBe('module');
		expect(lazy.error).toBeNull();
		expect(importer).toHaveBeenCalledTimes(2);
	});
});
