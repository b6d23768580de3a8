// Bursts of callable requests, a few at a time. The Functions emulator serves each request
// that arrives while its workers are busy with a new Node process that loads the whole
// functions bundle; a dozen at once on a small machine overrun its load timeout ("Failed to
// load function", seen as report and TURN bursts that time out), which says nothing about
// our code. Waves of CALLABLE_WAVE_SIZE keep requests racing each other on the server (the
// rate windows are read and written in transactions) while the workers are reused.
export const CALLABLE_WAVE_SIZE = 4;

/** Runs `tasks` in waves of `size` concurrent calls; the results in the tasks' order. */
export async function inWaves<T>(tasks: readonly (() => Promise<T>)[], size = CALLABLE_WAVE_SIZE): Promise<T[]> {
	const results: T[] = [];
	for (let i = 0; i < tasks.length; i += size) {
		results.push(...(await Promise.all(tasks.slice(i, i + size).map((task) => task()))));
	}
	return results;
}
