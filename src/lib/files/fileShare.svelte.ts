// Files shared in one call: what we send (checked, announced in Firestore, uploaded to
// Cloud Storage with progress and a Cancel), and what the stranger sends (listed from
// Firestore once ready, downloaded with getBlob on demand; pictures at once, for their
// preview). The chat page creates one per call once connected, calls `end()` when the call
// ends (the log stays readable) and `dispose()` before the next call or on leaving.
//
// It owns everything it starts: the Firestore subscription, running uploads and every
// object URL it hands out. Firebase is reached through two lazily loaded modules
// (fileDocs, fileStorage), so the Storage SDK loads only when a file is sent or received.
import { withTimeout } from '../async';
import type { FirebaseApp } from 'firebase/app';
import type { Firestore } from 'firebase/firestore';
import { checkFile, FILE_SERVER_PATIENCE_MS, fileNameFor, type AllowedContentType, type SharedFileUpdateWrite } from '$shared/files';
import { downloadFailure, FileServerSilentError, isCanceled, isUploadRateLimited, uploadErrorMessage } from './fileErrors';
import type { FileAnnouncement, SharedFile } from './fileDocs';

/** Kept back from FILE_SERVER_PATIENCE_MS for stopping the upload and showing the failure. */
const REPORT_SLACK_MS = 500;
/** However long the announcement took, the file server gets this long to take a first byte. */
const MIN_FILE_SERVER_WAIT_MS = 1_000;

// -- what this class needs from Firebase (faked in its unit tests) ---------------------

export interface UploadHandle {
	/** Resolves when the bytes are stored; rejects on failure or cancel. */
	done: Promise<void>;
	onProgress(listener: (sentBytes: number, totalBytes: number) => void): void;
	cancel(): void;
}

/** Cloud Storage, as fileStorage.ts provides it. */
export interface FileStore {
	upload(path: string, data: Blob, contentType: AllowedContentType): UploadHandle;
	download(path: string): Promise<Blob>;
	/** Deletes the object; nothing there is not an error. */
	remove(path: string): Promise<void>;
}

/** calls/{callId}/files, bound to one call and user, as fileDocs.ts provides it. */
export interface FileDocs {
	newFileId(): string;
	/** Creates the 'uploading' entry; returns the Storage path to upload to. */
	announce(fileId: string, file: FileAnnouncement): Promise<string>;
	finish(fileId: string, status: SharedFileUpdateWrite['status']): Promise<void>;
	watch(onFiles: (files: SharedFile[]) => void, onError: (error: Error) => void): () => void;
}

export interface FileShareBackend {
	docs(): Promise<FileDocs>;
	store(): Promise<FileStore>;
}

export interface FirebaseForFiles {
	app: FirebaseApp;
	db: Firestore;
	emulatorHost: string | null;
}

/** The real backend: both modules imported on first use. */
export function firebaseFileBackend(firebase: FirebaseForFiles, callId: string, uid: string): FileShareBackend {
	return {
		async docs() {
			const m = await import('./fileDocs');
			const { db } = firebase;
			return {
				newFileId: () => m.newFileId(db, callId),
				announce: (fileId, file) => m.announceFile(db, callId, uid, fileId, file),
				finish: (fileId, status) => m.finishFile(db, callId, fileId, status),
				watch: (onFiles, onError) => m.watchCallFiles(db, callId, onFiles, onError)
			};
		},
		async store() {
			const m = await import('./fileStorage');
			return m.connectFileStore(firebase.app, firebase.emulatorHost);
		}
	};
}

// -- what the chat shows -----------------------------------------------------------------

/**
 * uploading → ready | canceled | failed (ours); ready → gone (theirs, once the call ended
 * or the file vanished before we downloaded it).
 */
export type FileEntryStatus = 'uploading' | 'ready' | 'canceled' | 'failed' | 'gone';

export interface FileEntry {
	kind: 'file';
	id: string;
	from: 'you' | 'stranger';
	name: string;
	size: number;
	contentType: AllowedContentType;
	status: FileEntryStatus;
	/** 0..1 while uploading. */
	progress: number;
	/** An object URL for the bytes once they are here (ours at once); revoked on dispose. */
	url: string | null;
	loading: boolean;
	/** Why the upload or the download failed, in words. */
	error: string | null;
	/** Our failed upload can be sent again (Try again), while the call is on. */
	canRetry: boolean;
	at: number;
}

/** A file refused before it left (too large, wrong type…), shown as a line in the chat. */
export interface FileNotice {
	kind: 'notice';
	id: string;
	name: string;
	text: string;
	at: number;
}

export type FileLogEntry = FileEntry | FileNotice;

/** Firestore writes the server has not confirmed by then mean we are offline. */
const WRITE_TIMEOUT_MS = 10_000;

interface RunningUpload {
	handle: UploadHandle | null;
	canceled: boolean;
	/** The bytes are stored; too late to cancel. */
	finishing: boolean;
}

export class FileShare {
	entries = $state<FileLogEntry[]>([]);

	readonly callId: string;
	readonly #uid: string;
	readonly #backend: FileShareBackend;
	#docs: Promise<FileDocs> | null = null;
	#store: Promise<FileStore> | null = null;
	#stopWatching: (() => void) | null = null;
	readonly #uploads = new Map<string, RunningUpload>();
	readonly #loads = new Map<string, Promise<string | null>>();
	/** Storage paths of the stranger's files, by id. */
	readonly #theirPaths = new Map<string, string>();
	readonly #urls = new Set<string>();
	/** Our failed uploads' files, by id, for Try again. */
	readonly #failed = new Map<string, File>();
	#ended = false;
	#disposed = false;

	constructor(callId: string, uid: string, backend: FileShareBackend) {
		this.callId = callId;
		this.#uid = uid;
		this.#backend = backend;
	}

	/** Starts listening for the stranger's files. */
	start(): void {
		if (this.#ended || this.#stopWatching) return;
		this.#loadDocs()
			.then((docs) => {
				if (this.#ended) return;
				this.#stopWatching = docs.watch(
					(files) => this.#onFiles(files),
					(error) => {
						console.error('Watching shared files failed', error);
						this.#notice('', "The stranger's files can't be received right now.");
					}
				);
			})
			.catch((error: unknown) => {
				console.error('Could not load file sharing', error);
				this.#notice('', "The stranger's files can't be received right now.");
			});
	}

	/** Checks, announces and uploads one file; every outcome ends up in `entries`. */
	async send(file: File): Promise<void> {
		const check = checkFile(file);
		if (!check.ok) {
			this.#notice(file.name, check.message);
			return;
		}
		if (this.#ended) {
			this.#notice(check.name, 'Files can only be sent during a call.');
			return;
		}
		let docs: FileDocs;
		try {
			docs = await this.#loadDocs();
		} catch (error) {
			this.#notice(check.name, uploadErrorMessage(error, check.name));
			return;
		}
		if (this.#ended) return;
		const id = docs.newFileId();
		const entry = this.#add({
			kind: 'file',
			id,
			from: 'you',
			name: check.name,
			size: file.size,
			contentType: check.contentType,
			status: 'uploading',
			progress: 0,
			url: this.#objectUrl(file),
			loading: false,
			error: null,
			canRetry: false,
			at: Date.now()
		});
		const upload: RunningUpload = { handle: null, canceled: false, finishing: false };
		this.#uploads.set(id, upload);
		/** Set once the announcement was sent: from then on a failure marks it canceled. */
		let abandonDoc = false;
		let path: string | null = null;
		try {
			const announcement = { name: check.name, size: file.size, contentType: check.contentType };
			const announced = docs.announce(id, announcement);
			abandonDoc = true;
			path = await withTimeout(announced, WRITE_TIMEOUT_MS);
			const store = await this.#loadStore();
			if (upload.canceled) throw new CanceledUpload();
			const handle = store.upload(path, file, check.contentType);
			upload.handle = handle;
			await new Promise<void>((resolve, reject) => {
				// The sender is promised an answer within FILE_SERVER_PATIENCE_MS of pressing send, so
				// the time the announcement took counts too (the server still gets a fair second).
				const left = Math.max(MIN_FILE_SERVER_WAIT_MS, entry.at + FILE_SERVER_PATIENCE_MS - REPORT_SLACK_MS - Date.now());
				const silence = setTimeout(() => reject(new FileServerSilentError(FILE_SERVER_PATIENCE_MS)), left);
				handle.onProgress((sent, total) => {
					if (sent > 0) clearTimeout(silence);
					if (entry.status === 'uploading') entry.progress = total > 0 ? sent / total : 0;
				});
				handle.done.then(resolve, reject).finally(() => clearTimeout(silence));
			});
			if (upload.canceled) throw new CanceledUpload();
			upload.finishing = true;
			entry.progress = 1;
			await withTimeout(docs.finish(id, 'ready'), WRITE_TIMEOUT_MS);
			entry.status = 'ready';
		} catch (error) {
			// cancel() and end() have said what happened already.
			if (entry.status === 'uploading') {
				if (upload.canceled || isCanceled(error) || error instanceof CanceledUpload) {
					entry.status = 'canceled';
				} else {
					console.warn('Upload failed', error);
					entry.status = 'failed';
					entry.error = uploadErrorMessage(error, check.name);
					entry.canRetry = !this.#ended;
					this.#failed.set(id, file);
				}
			}
			// The SDK would keep retrying a silent server in the background.
			if (error instanceof FileServerSilentError) upload.handle?.cancel();
			// A rate-limited announcement wrote nothing: there is nothing to abandon.
			if (abandonDoc && !isUploadRateLimited(error)) await this.#abandon(docs, id, upload.handle ? path : null);
		} finally {
			this.#uploads.delete(id);
		}
	}

	/** Stops one of our uploads; what got through is deleted. */
	cancel(id: string): void {
		const upload = this.#uploads.get(id);
		if (!upload || upload.canceled || upload.finishing) return;
		upload.canceled = true;
		upload.handle?.cancel();
		const entry = this.#entry(id);
		if (entry) entry.status = 'canceled';
	}

	/** Sends one of our failed uploads again: the failed line goes, a new upload starts. */
	retry(id: string): Promise<void> {
		const file = this.#failed.get(id);
		const entry = this.#entry(id);
		if (!file || entry?.status !== 'failed' || this.#ended) return Promise.resolve();
		this.#failed.delete(id);
		this.entries = this.entries.filter((e) => e.id !== id);
		if (entry.url) {
			URL.revokeObjectURL(entry.url);
			this.#urls.delete(entry.url);
		}
		return this.send(file);
	}

	/**
	 * The bytes of a file as an object URL, downloading the stranger's on first use.
	 * Returns null when they cannot be had (the entry says why).
	 */
	load(id: string): Promise<string | null> {
		const entry = this.#entry(id);
		if (!entry) return Promise.resolve(null);
		if (entry.url) return Promise.resolve(entry.url);
		const path = this.#theirPaths.get(id);
		if (!path || entry.status !== 'ready') return Promise.resolve(null);
		let running = this.#loads.get(id);
		if (!running) {
			running = this.#download(entry, path).finally(() => this.#loads.delete(id));
			this.#loads.set(id, running);
		}
		return running;
	}

	/** The call is over: stop uploads and listening; the log stays, for reading. */
	end(): void {
		if (this.#ended) return;
		this.#ended = true;
		this.#stopWatching?.();
		this.#stopWatching = null;
		this.#failed.clear();
		for (const entry of this.#files()) entry.canRetry = false;
		for (const [id, upload] of this.#uploads) {
			if (upload.finishing) continue;
			upload.canceled = true;
			upload.handle?.cancel();
			const entry = this.#entry(id);
			if (entry) {
				entry.status = 'failed';
				entry.error = 'Not sent: the call ended before the upload finished.';
			}
		}
		// The rules refuse downloads once the call has ended.
		for (const entry of this.#files()) {
			if (entry.from === 'stranger' && !entry.url) entry.status = 'gone';
		}
	}

	/** Releases everything, object URLs included; idempotent. */
	dispose(): void {
		this.end();
		this.#disposed = true;
		for (const url of this.#urls) URL.revokeObjectURL(url);
		this.#urls.clear();
		this.entries = [];
	}

	// -- internals -------------------------------------------------------------------

	#loadDocs(): Promise<FileDocs> {
		this.#docs ??= this.#backend.docs();
		this.#docs.catch(() => (this.#docs = null));
		return this.#docs;
	}

	#loadStore(): Promise<FileStore> {
		this.#store ??= this.#backend.store();
		this.#store.catch(() => (this.#store = null));
		return this.#store;
	}

	#onFiles(files: SharedFile[]): void {
		if (this.#ended) return;
		const present = new Set<string>();
		for (const file of files) {
			if (file.uploader === this.#uid) continue; // ours: tracked locally
			present.add(file.id);
			// The stranger's file shows once it is complete; never while uploading.
			if (file.status !== 'ready' || this.#entry(file.id)) continue;
			this.#theirPaths.set(file.id, file.storagePath);
			const entry = this.#add({
				kind: 'file',
				id: file.id,
				from: 'stranger',
				// Shown and saved under a name the rules would accept, even if a bad one slipped in.
				name: fileNameFor(file.name, file.contentType),
				size: file.size,
				contentType: file.contentType,
				status: 'ready',
				progress: 1,
				url: null,
				loading: false,
				error: null,
				canRetry: false,
				at: Date.now()
			});
			if (isPicture(entry.contentType)) void this.load(entry.id);
		}
		for (const entry of this.#files()) {
			if (entry.from === 'stranger' && !present.has(entry.id) && !entry.url) entry.status = 'gone';
		}
	}

	async #download(entry: FileEntry, path: string): Promise<string | null> {
		entry.loading = true;
		entry.error = null;
		try {
			const store = await this.#loadStore();
			const blob = await store.download(path);
			if (this.#disposed) return null;
			// The object URL serves the bytes as the checked type from the rules' list,
			// whatever the stored object claims, so nothing opens as a page.
			entry.url = this.#objectUrl(new Blob([blob], { type: entry.contentType }));
			return entry.url;
		} catch (error) {
			console.warn('Download failed', error);
			const failure = downloadFailure(error);
			entry.error = failure.message;
			if (failure.gone) entry.status = 'gone';
			return null;
		} finally {
			entry.loading = false;
		}
	}

	/**
	 * After a failed or canceled upload: no entry left 'uploading', and no stored bytes
	 * (`path` is set once the upload started). In that order: storage.rules let the
	 * uploader delete bytes only once their entry says canceled, so deleting cannot make
	 * room for uploading the same announcement again.
	 */
	async #abandon(docs: FileDocs, id: string, path: string | null): Promise<void> {
		const store = path ? this.#loadStore().catch(() => null) : null;
		await withTimeout(docs.finish(id, 'canceled'), WRITE_TIMEOUT_MS).catch((error: unknown) =>
			// Refused once the call has ended; the cleanup function deletes it then.
			console.warn('Could not mark an abandoned upload canceled', error)
		);
		if (path) {
			await (await store)?.remove(path).catch((error: unknown) => console.warn('Could not delete an abandoned upload', error));
		}
	}

	#add(entry: FileEntry): FileEntry {
		this.entries.push(entry);
		// The stored element (a reactive proxy in the browser), so later changes show.
		const stored = this.#entry(entry.id);
		if (!stored) throw new Error(`File entry ${entry.id} vanished`);
		return stored;
	}

	#notice(name: string, text: string): void {
		this.entries.push({ kind: 'notice', id: crypto.randomUUID(), name, text, at: Date.now() });
	}

	#files(): FileEntry[] {
		return this.entries.filter((e): e is FileEntry => e.kind === 'file');
	}

	#entry(id: string): FileEntry | undefined {
		return this.#files().find((e) => e.id === id);
	}

	#objectUrl(blob: Blob): string {
		const url = URL.createObjectURL(blob);
		this.#urls.add(url);
		return url;
	}
}

export function isPicture(type: AllowedContentType): boolean {
	return type.startsWith('image/');
}

class CanceledUpload extends Error {
	override name = 'CanceledUpload';
}

