// Sharing files in a chat, in two browser contexts against the built app on the emulators.
// Refusals are checked in the browser before anything leaves, so they need no Storage;
// the upload and download need the Storage emulator and skip, saying why, without it.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { adminBucket, adminDb } from '../support/admin';
import { expectStatus, lines, say, start, strangersSuite, type Visitor } from './support';

const storageRunning = Boolean(process.env.FIREBASE_STORAGE_EMULATOR_HOST);
const STORAGE_SKIP_REASON =
	'FIREBASE_STORAGE_EMULATOR_HOST is unset: the Storage emulator is not running (no rules runtime: neither ' +
	"firebase-tools' cached jar nor the Google Cloud CLI Firestore emulator jar our adapter runs on; see README)."
// functions/ is CommonJS: the compiled shared module (npm run build:functions) gives the app's own bound.
const { FILE_SERVER_PATIENCE_MS }: typeof import('$shared/files') = createRequire(import.meta.url)(
	'../../functions/lib/shared/files.js'
);

/** A 1×1 PNG. */
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
	'base64'
);

/** A one-page PDF with a line of text ("Tangent"): small, but a real document a viewer opens. */
const PDF = Buffer.from(
	[
		'%PDF-1.4',
		'1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
		'2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
		'3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj',
		'4 0 obj << /Length 37 >> stream',
		'BT /F1 18 Tf 20 40 Td (Tangent) Tj ET',
		'endstream endobj',
		'5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj',
		'trailer << /Root 1 0 R >>',
		'%%EOF',
		''
	].join('\n'),
	'latin1'
);

async function connectedPair(visitor: (name: string) => Promise<Visitor>): Promise<[Visitor, Visitor]> {
	const a = await visitor('A');
	const b = await visitor('B');
	await Promise.all([start(a), start(b)]);
	for (const v of [a, b]) await expectStatus(v, 'Connected — say hi!');
	return [a, b];
}

/** Picks files as a visitor does: the attach button (which loads the file input), then the browser's chooser. */
async function pick(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) {
	const chooser = page.waitForEvent('filechooser');
	await page.getByRole('button', { name: 'Send a file' }).click();
	await (await chooser).setFiles(files);
}

/** Clicks Download in `message`; what the browser saved, and under which name. */
async function download(page: Page, message: ReturnType<Page['locator']>): Promise<{ name: string; bytes: Buffer }> {
	const started = page.waitForEvent('download');
	await message.getByTestId('file-download').click();
	const saved = await started;
	return { name: saved.suggestedFilename(), bytes: await readFile(await saved.path()) };
}

test.describe('file sharing', () => {
	const { visitor } = strangersSuite('file sharing');

	test('files the rules would refuse are refused in the browser, with a clear line, and nothing is written', async ({
		browser
	}) => {
		const [a, b] = await connectedPair((name) => visitor(browser, name));

		await pick(a.page, [
			{ name: 'holiday.mp3', mimeType: 'audio/mpeg', buffer: Buffer.alloc(11 * 1024 * 1024) },
			{ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') }
		]);
		const errors = a.page.getByTestId('file-error');
		await expect(errors).toHaveCount(2);
		await expect(errors.nth(0)).toContainText('File too large: 11 MB, limit 10 MB');
		await expect(errors.nth(1)).toContainText("Can't send .exe files");
		await expect(a.page.getByTestId('file-message')).toHaveCount(0);

		// Nothing reached Firestore, and the stranger saw nothing.
		expect((await adminDb().collectionGroup('files').get()).size).toBe(0);
		await expect(b.page.getByTestId('file-message')).toHaveCount(0);
		expect(a.errors).toEqual([]);
		expect(b.errors).toEqual([]);
	});

	test('one stranger sends a picture, a PDF and a text file; the other sees them and downloads the same bytes', async ({
		browser
	}) => {
		if (!storageRunning) console.warn(`\n⚠️  SKIPPED file upload/download e2e: ${STORAGE_SKIP_REASON}\n`);
		test.skip(!storageRunning, STORAGE_SKIP_REASON);
		const [a, b] = await connectedPair((name) => visitor(browser, name));

		const text = Buffer.from('Hello from A.\nSecond line, ünïcödé.\n');
		await pick(a.page, [
			{ name: 'dot.png', mimeType: 'image/png', buffer: PNG },
			{ name: 'Lease agreement.pdf', mimeType: 'application/pdf', buffer: PDF },
			// Reserved characters go: the stranger sees "notes draft.txt".
			{ name: 'notes: draft?.txt', mimeType: 'text/plain', buffer: text }
		]);

		// The sender's own messages finish uploading.
		const mine = a.page.getByTestId('file-message');
		await expect(mine).toHaveCount(3);
		for (const message of await mine.all()) await expect(message).toHaveAttribute('data-status', 'ready');

		// The partner sees name, size and type, and a preview of the picture.
		const theirs = b.page.locator('[data-testid="file-message"][data-from="stranger"]');
		await expect(theirs).toHaveCount(3);
		const picture = theirs.filter({ hasText: 'dot.png' });
		const pdf = theirs.filter({ hasText: 'Lease agreement.pdf' });
		const notes = theirs.filter({ hasText: 'notes draft.txt' });
		await expect(picture).toContainText(`${PNG.length} bytes · PNG image`);
		await expect(pdf).toContainText(`${PDF.length} bytes · PDF`);
		await expect(notes).toContainText(`${text.length} bytes · Text`);
		await expect(picture.locator('img')).toBeVisible();
		await expect
			.poll(() => picture.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
			.toBe(1);

		expect(await download(b.page, picture)).toEqual({ name: 'dot.png', bytes: PNG });
		expect(await download(b.page, pdf)).toEqual({ name: 'Lease agreement.pdf', bytes: PDF });
		expect(await download(b.page, notes)).toEqual({ name: 'notes draft.txt', bytes: text });

		// When the call ends the files go: entries and bytes deleted by the cleanup function.
		const storedObjects = async () => (await adminBucket().getFiles({ prefix: 'calls/' }))[0].length;
		expect(await storedObjects()).toBe(3);
		await a.page.getByTestId('stop').click();
		await expect
			.poll(async () => (await adminDb().collectionGroup('files').get()).size, { timeout: 15_000 })
			.toBe(0);
		await expect.poll(storedObjects, { timeout: 15_000 }).toBe(0);

		expect(a.errors).toEqual([]);
		expect(b.errors).toEqual([]);
	});

	test('a file server that does not answer: the sender hears within 5 s, the chat goes on, and Try again sends the file', async ({
		browser
	}) => {
		if (!storageRunning) console.warn(`\n⚠️  SKIPPED unanswered file server e2e: ${STORAGE_SKIP_REASON}\n`);
		test.skip(!storageRunning, STORAGE_SKIP_REASON);
		const [a, b] = await connectedPair((name) => visitor(browser, name));

		// Every request to the file server goes unanswered, as behind a firewall that drops them.
		const storageRequests = /\/v0\/b\//;
		await a.page.route(storageRequests, () => {});
		await pick(a.page, [{ name: 'dot.png', mimeType: 'image/png', buffer: PNG }]);
		const mine = a.page.getByTestId('file-message');
		await expect(mine).toHaveAttribute('data-status', 'uploading');
		const shownAt = Date.now();
		// The promise to the sender: an answer within FILE_SERVER_PATIENCE_MS of pressing send.
		await expect(mine).toHaveAttribute('data-status', 'failed', { timeout: FILE_SERVER_PATIENCE_MS });
		console.log(`[files] silent file server reported after ${Date.now() - shownAt} ms`);
		await expect(mine.getByTestId('file-error')).toHaveText(
			"Couldn't send dot.png: the file server isn't answering. Your chat is not affected; try again in a moment."
		);

		// The chat itself still works.
		await say(a, 'still there?');
		await expect(lines(b, 'stranger').last()).toHaveText('Stranger: still there?');

		// The file server answers again: Try again sends the file, and the stranger gets it.
		await a.page.unroute(storageRequests);
		await mine.getByTestId('file-retry').click();
		await expect(mine).toHaveCount(1);
		await expect(mine).toHaveAttribute('data-status', 'ready');
		const theirs = b.page.locator('[data-testid="file-message"][data-from="stranger"]');
		await expect(theirs).toHaveCount(1);
		expect(await download(b.page, theirs)).toEqual({ name: 'dot.png', bytes: PNG });

		expect(a.errors).toEqual([]);
		expect(b.errors).toEqual([]);
	});
});
