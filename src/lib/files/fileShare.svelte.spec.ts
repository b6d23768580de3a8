// FileShare against a fake Firebase: what lands in the chat, and what is written, uploaded
// and cleaned up, for each way a file can go.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FILE_LIMITS, FILE_SERVER_PATIENCE_MS, storagePathFor, type AllowedContentType } from '$shared/files';
import { UploadRateLimitedError, type SharedFile } from './fileDocs';
import { FileShare, type FileEntry, type FileLogEntry, type FileShareBackend, type UploadHandle } from './fileShare.svelte';

const CALL = 'call-1';
const ME = 'me';
const THEM = 'them';
/** A right-to-left override, which sanitizeFileName must strip (spelled out: Svelte warns on the literal). */
const RLO = String.fromCharCode(0x202e);

class FakeUpload implements UploadHandle {
	readonly done: Promise<void>;
	canceled = false;
	#resolve!: () => void;
	#reject!: (error: unknown) => void;
	#listeners: ((sent: number, total: number) => void)[] = [];

	constructor(
		readonly path: string,
		readonly data: Blob,
		readonly contentType: AllowedContentType
	) {
		this.done = new Promise((resolve, reject) => {
			this.#resolve = resolve;
			this.#reject = reject;
		});
	}
	onProgress(listener: (sent: number, total: number) => void): void {
		this.#listeners.push(listener);
	}
	cancel(): void {
		this.canceled = true;
		this.#reject({ code: 'storage/canceled' });
	}
	progress(sent: number): void {
		for (const l of this.#listeners) l(sent, this.data.size);
	}
	finish(): void {
		this.#resolve();
	}
	fail(code: string): void {
		this.#reject({ code, message: code });
	}
}

function fakeFirebase() {
	let ids = 0;
	const state = {
		announced: [] as { fileId: string; name: string; size: number; contentType: string }[],
		finished: [] as [string, string][],
		uploads: [] as FakeUpload[],
		removed: [] as string[],
		downloads: [] as string[],
		/** Set to make the next announce fail with this error. */
		announceError: null as unknown,
		downloadError: null as unknown,
		emit: (_files: SharedFile[]) => {},
		unsubscribed: false
	};
	const backend: FileShareBackend = {
		docs: async () => ({
			newFileId: () => `f${++ids}`,
			announce: async (fileId, file) => {
				if (state.announceError) throw state.announceError;
				state.announced.push({ fileId, ...file });
				return storagePathFor(CALL, ME, fileId);
			},
			finish: async (fileId, status) => {
				state.finished.push([fileId, status]);
			},
			watch: (onFiles) => {
				state.emit = onFiles;
				return () => (state.unsubscribed = true);
			}
		}),
		store: async () => ({
			upload: (path, data, contentType) => {
				const upload = new FakeUpload(path, data, contentType);
				state.uploads.push(upload);
				return upload;
			},
			download: async (path) => {
				state.downloads.push(path);
				if (state.downloadError) throw state.downloadError;
				return new Blob(['bytes of ' + path]);
			},
			remove: async (path) => {
				state.removed.push(path);
			}
		})
	};
	return { state, backend };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function files(share: FileShare): FileEntry[] {
	return share.entries.filter((e): e is FileEntry => e.kind === 'file');
}

function notices(share: FileShare): Extract<FileLogEntry, { kind: 'notice' }>[] {
	return share.entries.filter((e) => e.kind === 'notice');
}

function theirFile(id: string, over: Partial<SharedFile> = {}): SharedFile {
	return {
		id,
		uploader: THEM,
		name: 'cat.png',
		size: 3,
		contentType: 'image/png',
		storagePath: storagePathFor(CALL, THEM, id),
		status: 'ready',
		createdAtMs: 1,
		...over
	};
}

describe('FileShare', () => {
	let fb: ReturnType<typeof fakeFirebase>;
	let share: FileShare;

	beforeEach(() => {
		fb = fakeFirebase();
		share = new FileShare(CALL, ME, fb.backend);
		// Failures are logged for developers; the assertions check what users see.
		vi.spyOn(console, 'warn').mockImplementation(() => {});
	});
	afterEach(() => {
		share.dispose();
		vi.restoreAllMocks();
	});

	describe('sending', () => {
		it('refuses a file too large before anything is written, with a line in the chat', async () => {
			await share.send(new File([new Uint8Array(FILE_LIMITS.maxBytes + 1)], 'big.pdf', { type: 'application/pdf' }));
			expect(notices(share).map((n) => [n.name, n.text])).toEqual([['big.pdf', 'File too large: just over 10 MB, limit 10 MB']]);
			expect(fb.state.announced).toEqual([]);
			expect(fb.state.uploads).toEqual([]);
		});

		it('refuses a forbidden type', async () => {
			await share.send(new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' }));
			expect(notices(share)[0]?.text).toMatch(/^Can't send \.exe files/);
			expect(fb.state.announced).toEqual([]);
		});

		it('announces, uploads with progress, then marks the file ready', async () => {
			const sending = share.send(new File(['hello'], `../notes${RLO}.txt`, { type: 'text/plain' }));
			await settle();
			expect(fb.state.announced).toEqual([{ fileId: 'f1', name: 'notes.txt', size: 5, contentType: 'text/plain' }]);
			const [upload] = fb.state.uploads;
			expect(upload?.path).toBe('calls/call-1/me/f1');
			expect(upload?.contentType).toBe('text/plain');
			expect(files(share)[0]).toMatchObject({ from: 'you', name: 'notes.txt', status: 'uploading', progress: 0 });
			expect(files(share)[0]?.url).toMatch(/^blob:/);

			upload?.progress(2);
			expect(files(share)[0]?.progress).toBeCloseTo(0.4);
			upload?.finish();
			await sending;
			expect(files(share)[0]).toMatchObject({ status: 'ready', progress: 1, error: null });
			expect(fb.state.finished).toEqual([['f1', 'ready']]);
			expect(fb.state.removed).toEqual([]);
		});

		it('cancel stops the upload, deletes what got through and marks the entry canceled', async () => {
			const sending = share.send(new File(['hello'], 'a.txt', { type: 'text/plain' }));
			await settle();
			share.cancel('f1');
			await sending;
			expect(fb.state.uploads[0]?.canceled).toBe(true);
			expect(files(share)[0]).toMatchObject({ status: 'canceled', error: null });
			expect(fb.state.removed).toEqual(['calls/call-1/me/f1']);
			expect(fb.state.finished).toEqual([['f1', 'canceled']]);
		});

		it('a refused upload says so in the chat and leaves nothing "uploading"', async () => {
			const sending = share.send(new File(['hello'], 'a.txt', { type: 'text/plain' }));
			await settle();
			fb.state.uploads[0]?.fail('storage/unauthorized');
			await sending;
			expect(files(share)[0]).toMatchObject({
				status: 'failed',
				error: "Couldn't send a.txt: the server refused it (has the call ended?)."
			});
			expect(fb.state.finished).toEqual([['f1', 'canceled']]);
			expect(fb.state.removed).toEqual(['calls/call-1/me/f1']);
		});

		it('a file server that gave up retrying is reported without blaming the connection, and Try again sends it anew', async () => {
			const sending = share.send(new File(['hello'], 'a.txt', { type: 'text/plain' }));
			await settle();
			fb.state.uploads[0]?.fail('storage/retry-limit-exceeded');
			await sending;
			expect(files(share)[0]).toMatchObject({
				status: 'failed',
				canRetry: true,
				error: "Couldn't send a.txt: the file server isn't answering. Your chat is not affected; try again in a moment."
			});

			const again = share.retry('f1');
			await settle();
			expect(files(share).map((f) => [f.id, f.status])).toEqual([['f2', 'uploading']]);
			expect(fb.state.uploads[1]?.path).toBe('calls/call-1/me/f2');
			fb.state.uploads[1]?.finish();
			await again;
			expect(files(share)[0]).toMatchObject({ id: 'f2', status: 'ready', canRetry: false });
		});

		describe('a file server that does not answer', () => {
			beforeEach(() => vi.useFakeTimers());
			afterEach(() => vi.useRealTimers());

			it(`is reported within ${FILE_SERVER_PATIENCE_MS / 1000} s of pressing send, and the upload stopped`, async () => {
				const sentAt = Date.now();
				const sending = share.send(new File(['hello'], 'a.txt', { type: 'text/plain' }));
				await vi.advanceTimersByTimeAsync(0);
				const [upload] = fb.state.uploads;
				expect(upload).toBeDefined();

				await vi.advanceTimersByTimeAsync(FILE_SERVER_PATIENCE_MS - 1_000);
				expect(files(share)[0]?.status).toBe('uploading');
				await vi.advanceTimersByTimeAsync(1_000 - 1);
				await sending;
				expect(Date.now() - sentAt).toBeLessThan(FILE_SERVER_PATIENCE_MS);
				expect(files(share)[0]).toMatchObject({
					status: 'failed',
					canRetry: true,
					error: "Couldn't send a.txt: the file server isn't answering. Your chat is not affected; try again in a moment."
				});
				expect(upload?.canceled).toBe(true);
				expect(fb.state.finished).toEqual([['f1', 'canceled']]);
			});

			it('is not suspected once it has taken bytes: a slow upload goes on', async () => {
				const sending = share.send(new File(['hello'], 'a.txt', { type: 'text/plain' }));
				await vi.advanceTimersByTimeAsync(0);
				const [upload] = fb.state.uploads;
				upload?.progress(1);
				await vi.advanceTimersByTimeAsync(FILE_SERVER_PATIENCE_MS * 4);
				expect(files(share)[0]?.status).toBe('uploading');
				upload?.finish();
				await sending;
				expect(files(share)[0]?.status).toBe('ready');
			});
		});

		it('once the call has ended a failed upload cannot be retried', async () => {
			const sending = share.send(new File(['hello'], 'a.txt', { type: 'text/plain' }));
			await settle();
			fb.state.uploads[0]?.fail('storage/retry-limit-exceeded');
			await sending;
			share.end();
			expect(files(share)[0]?.canRetry).toBe(false);
			await share.retry('f1');
			expect(fb.state.uploads).toHaveLength(1);
		});

		it('too many uploads: the limit and when to retry are that file\'s failure reason, and nothing is written', async () => {
			vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
			try {
				fb.state.announceError = new UploadRateLimitedError(1_000_000 + 12_400);
				await share.send(new File(['hello'], 'sixth.txt', { type: 'text/plain' }));
			} finally {
				vi.useRealTimers();
			}
			expect(files(share)).toHaveLength(1);
			expect(files(share)[0]).toMatchObject({
				name: 'sixth.txt',
				status: 'failed',
				error: "Couldn't send sixth.txt. You can share 5 files every 30 seconds. Try again in 13 s."
			});
			expect(fb.state.uploads).toEqual([]);
			// The announcement never landed, so there is no entry to mark canceled.
			expect(fb.state.finished).toEqual([]);
			expect(fb.state.removed).toEqual([]);
		});

		it('a refused announcement uploads nothing', async () => {
			fb.state.announceError = { code: 'permission-denied' };
			await share.send(new File(['hello'], 'a.txt', { type: 'text/plain' }));
			expect(fb.state.uploads).toEqual([]);
			expect(files(share)[0]).toMatchObject({ status: 'failed' });
			expect(fb.state.removed).toEqual([]);
		});
	});

	describe('receiving', () => {
		it('shows and saves a file whose name slipped past the rules under a safe name of its type', async () => {
			share.start();
			await settle();
			fb.state.emit([
				theirFile('t1', { name: 'invoice.pdf.exe', contentType: 'application/pdf' }),
				theirFile('t2', { name: `a${RLO}txt.html`, contentType: 'text/plain' })
			]);
			expect(files(share).map((f) => f.name)).toEqual(['invoice.pdf.exe.pdf', 'atxt.html.txt']);
		});

		it("shows the stranger's file once ready, never while uploading, and never our own twice", async () => {
			share.start();
			await settle();
			fb.state.emit([theirFile('t1', { status: 'uploading', name: 'doc.pdf', contentType: 'application/pdf' })]);
			expect(files(share)).toEqual([]);
			fb.state.emit([
				theirFile('t1', { name: 'doc.pdf', contentType: 'application/pdf' }),
				{ ...theirFile('m1'), uploader: ME, storagePath: storagePathFor(CALL, ME, 'm1') }
			]);
			expect(files(share).map((f) => [f.id, f.from, f.name, f.status])).toEqual([['t1', 'stranger', 'doc.pdf', 'ready']]);
			// Not a picture: nothing is downloaded until asked.
			await settle();
			expect(fb.state.downloads).toEqual([]);
			const url = await share.load('t1');
			expect(url).toMatch(/^blob:/);
			expect(fb.state.downloads).toEqual(['calls/call-1/them/t1']);
			expect(await share.load('t1')).toBe(url); // downloaded once
		});

		it('downloads pictures at once for their preview', async () => {
			share.start();
			await settle();
			fb.state.emit([theirFile('t1')]);
			await settle();
			await settle();
			expect(fb.state.downloads).toEqual(['calls/call-1/them/t1']);
			expect(files(share)[0]?.url).toMatch(/^blob:/);
		});

		it('a file the rules no longer serve is shown as gone', async () => {
			fb.state.downloadError = { code: 'storage/unauthorized' };
			share.start();
			await settle();
			fb.state.emit([theirFile('t1', { contentType: 'application/pdf', name: 'a.pdf' })]);
			expect(await share.load('t1')).toBeNull();
			expect(files(share)[0]).toMatchObject({ status: 'gone', error: expect.stringMatching(/no longer available/) });
		});
	});

	describe('the end of the call', () => {
		it('stops uploads and listening, keeps the log, and refuses new files', async () => {
			share.start();
			await settle();
			fb.state.emit([theirFile('t1', { contentType: 'application/pdf', name: 'a.pdf' })]);
			const sending = share.send(new File(['hello'], 'a.txt', { type: 'text/plain' }));
			await settle();
			share.end();
			await sending;
			expect(fb.state.unsubscribed).toBe(true);
			expect(fb.state.uploads[0]?.canceled).toBe(true);
			expect(files(share).map((f) => [f.from, f.status])).toEqual([
				['stranger', 'gone'],
				['you', 'failed']
			]);
			expect(files(share)[1]?.error).toMatch(/call ended/);
			await share.send(new File(['x'], 'b.txt', { type: 'text/plain' }));
			expect(notices(share).at(-1)?.text).toBe('Files can only be sent during a call.');
		});

		it('dispose revokes every object URL it made', async () => {
			const revoke = vi.spyOn(URL, 'revokeObjectURL');
			const sending = share.send(new File(['hello'], 'a.txt', { type: 'text/plain' }));
			await settle();
			const url = files(share)[0]?.url;
			fb.state.uploads[0]?.finish();
			await sending;
			share.dispose();
			expect(revoke).toHaveBeenCalledWith(url);
			expect(share.entries).toEqual([]);
		});
	});
});
