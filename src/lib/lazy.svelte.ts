// Code a page fetches only once it is needed (the video/audio UI, file sharing), held in
// reactive state so the template shows it as soon as it has arrived.
export class LazyModule<T> {
	/** The loaded value; null until `load()` has succeeded. */
	current = $state.raw<T | null>(null);
	/** Why the last load failed (offline, or a new deploy removed the chunk); null otherwise. */
	error = $state.raw<unknown>(null);

	readonly #importer: () => Promise<T>;
	#loading: Promise<T> | null = null;

	constructor(importer: () => Promise<T>) {
		this.#importer = importer;
	}

	/** Loads once and shares the result; after a failure the next call tries again. */
	load(): Promise<T> {
		this.#loading ??= this.#importer().then(
			(value) => {
				this.current = value;
				this.error = null;
				return value;
			},
			(error: unknown) => {
				this.#loading = null;
				this.error = error;
				throw error;
			}
		);
		return this.#loading;
	}
}
