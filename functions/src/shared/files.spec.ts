import { describe, expect, it } from 'vitest';
import {
	ALLOWED_CONTENT_TYPES,
	checkFile,
	contentTypeFor,
	FILE_LIMITS,
	FILE_NAME_PATTERN,
	formatBytes,
	parseFileDoc,
	fileNameFor,
	isStoredFileName,
	sanitizeFileName,
	storagePathFor
} from './files';
import { DocumentShapeError } from './model';

const MB = 1024 * 1024;

describe('sanitizeFileName', () => {
	const cases: [string, string, string][] = [
		['a plain name', 'holiday.jpg', 'holiday.jpg'],
		['a Unix path', '../../etc/passwd', 'passwd'],
		['a Windows path', 'C:\\Users\\me\\Desktop\\report.pdf', 'report.pdf'],
		['reserved characters', 'a:b*c?d"e<f>g|h.txt', 'abcdefgh.txt'],
		['control characters', 'line\nbreak\ttab\u0000nul.txt', 'linebreaktabnul.txt'],
		// U+202E makes "photo\u202Egnp.exe" display as "photoexe.png".
		['a right-to-left override', 'photo\u202Egnp.exe', 'photognp.exe'],
		['zero-width characters', 'in\u200Bvisible.txt', 'invisible.txt'],
		['runs of spaces', '  my    holiday \u00A0 photo .jpg ', 'my holiday photo.jpg'],
		['leading dots (hidden files, "..")', '...bashrc', 'bashrc'],
		['trailing dots and spaces', 'notes.txt. . ', 'notes.txt'],
		['nothing left', '???', 'file'],
		['only dots', '..', 'file'],
		['an empty name', '', 'file'],
		['only an extension after cleaning', '<>.pdf', 'pdf'],
		['decomposed accents (NFC)', 'Cafe\u0301.txt', 'Café.txt'],
		['no extension', 'README', 'README']
	];
	for (const [what, raw, expected] of cases) {
		it(`${what}: ${JSON.stringify(raw)} → ${JSON.stringify(expected)}`, () => {
			expect(sanitizeFileName(raw)).toBe(expected);
		});
	}

	it(`caps the length at ${FILE_LIMITS.nameMaxChars} and keeps the extension`, () => {
		const name = sanitizeFileName(`${'x'.repeat(300)}.docx`);
		expect(name).toHaveLength(FILE_LIMITS.nameMaxChars);
		expect(name.endsWith('.docx')).toBe(true);
	});

	it('never splits a character made of two UTF-16 units', () => {
		const name = sanitizeFileName(`${'𠀀'.repeat(80)}.txt`);
		expect(name.length).toBeLessThanOrEqual(FILE_LIMITS.nameMaxChars);
		expect(name).toBe(`${'𠀀'.repeat(48)}.txt`);
		expect(name.isWellFormed()).toBe(true);
	});

	it('treats an over-long "extension" as part of the name', () => {
		const name = sanitizeFileName(`archive.${'y'.repeat(200)}`);
		expect(name).toHaveLength(FILE_LIMITS.nameMaxChars);
		expect(name.startsWith('archive.')).toBe(true);
	});

	it('always yields a name the rules accept (FILE_NAME_PATTERN, 1..nameMaxChars)', () => {
		const nasty = ['', ' ', '/', '\\', 'a/b\\c', '\u0000', '\u202E\u202D', '.', ' . ', 'a'.repeat(1000), '\u2028x\u2029', 'x.'];
		for (const raw of nasty) {
			const name = sanitizeFileName(raw);
			expect(name.length, raw).toBeGreaterThanOrEqual(1);
			expect(name.length, raw).toBeLessThanOrEqual(FILE_LIMITS.nameMaxChars);
			expect(FILE_NAME_PATTERN.test(name), raw).toBe(true);
		}
	});
});

describe('checkFile', () => {
	it('accepts an allowed file and returns its clean name and type', () => {
		expect(checkFile({ name: 'dir/cat.png', size: 1234, type: 'image/png' })).toEqual({
			ok: true,
			name: 'cat.png',
			contentType: 'image/png'
		});
	});

	it(`accepts exactly ${FILE_LIMITS.maxBytes} bytes`, () => {
		expect(checkFile({ name: 'a.pdf', size: FILE_LIMITS.maxBytes, type: 'application/pdf' }).ok).toBe(true);
	});

	it('refuses a file over the limit, saying how big it is and what the limit is', () => {
		expect(checkFile({ name: 'film.mp3', size: 23 * MB, type: 'audio/mpeg' })).toEqual({
			ok: false,
			reason: 'too-large',
			message: 'File too large: 23 MB, limit 10 MB'
		});
		expect(checkFile({ name: 'a.pdf', size: FILE_LIMITS.maxBytes + 1, type: 'application/pdf' })).toMatchObject({
			reason: 'too-large',
			message: 'File too large: just over 10 MB, limit 10 MB'
		});
		expect(checkFile({ name: 'a.pdf', size: 10.4 * MB, type: 'application/pdf' })).toMatchObject({
			message: 'File too large: 10.4 MB, limit 10 MB'
		});
	});

	it('refuses an empty file', () => {
		expect(checkFile({ name: 'empty.txt', size: 0, type: 'text/plain' })).toMatchObject({ ok: false, reason: 'empty' });
	});

	it('refuses unsafe types, naming the extension', () => {
		expect(checkFile({ name: 'setup.exe', size: 10, type: 'application/x-msdownload' })).toEqual({
			ok: false,
			reason: 'type',
			message: "Can't send .exe files: only pictures, PDFs, text, office documents and audio."
		});
		for (const [name, type] of [
			['page.html', 'text/html'],
			['logo.svg', 'image/svg+xml'],
			['app.js', 'text/javascript'],
			['bundle.zip', 'application/zip'],
			['clip.mp4', 'video/mp4'],
			['run.sh', '']
		] as const) {
			expect(checkFile({ name, size: 10, type }), name).toMatchObject({ ok: false, reason: 'type' });
		}
	});

	it('trusts the reported type over the extension: a "picture" that is a web page is refused', () => {
		expect(checkFile({ name: 'cat.png', size: 10, type: 'text/html' })).toMatchObject({
			ok: false,
			reason: 'type',
			message: "Can't send files of type text/html: only pictures, PDFs, text, office documents and audio."
		});
	});

	it('checks the type before the size: a huge program is refused for what it is', () => {
		expect(checkFile({ name: 'x.exe', size: 50 * MB, type: '' })).toMatchObject({ reason: 'type' });
	});
});

describe('contentTypeFor', () => {
	it('keeps an allowed type, lower-cased and without parameters', () => {
		expect(contentTypeFor({ name: 'a.txt', type: 'Text/Plain; charset=utf-8' })).toBe('text/plain');
	});

	it('maps aliases browsers report', () => {
		expect(contentTypeFor({ name: 'a.jpg', type: 'image/jpg' })).toBe('image/jpeg');
		expect(contentTypeFor({ name: 'a.wav', type: 'audio/x-wav' })).toBe('audio/wav');
		expect(contentTypeFor({ name: 'a.m4a', type: 'audio/x-m4a' })).toBe('audio/mp4');
	});

	it('falls back to the extension only when the browser gives no type', () => {
		expect(contentTypeFor({ name: 'Report.DOCX', type: '' })).toBe(
			'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
		);
		expect(contentTypeFor({ name: 'sheet.ods', type: 'application/octet-stream' })).toBe(
			'application/vnd.oasis.opendocument.spreadsheet'
		);
		expect(contentTypeFor({ name: 'noext', type: '' })).toBeNull();
	});

	it('only ever yields a type from the allowed list', () => {
		const names = ['a.png', 'a.jpg', 'a.gif', 'a.webp', 'a.pdf', 'a.txt', 'a.docx', 'a.xlsx', 'a.pptx', 'a.odt', 'a.ods', 'a.odp'];
		for (const name of [...names, 'a.mp3', 'a.ogg', 'a.oga', 'a.opus', 'a.wav', 'a.weba', 'a.m4a']) {
			expect(ALLOWED_CONTENT_TYPES).toContain(contentTypeFor({ name, type: '' }));
		}
	});
});

describe('formatBytes', () => {
	it.each([
		[0, '0 bytes'],
		[1, '1 byte'],
		[1023, '1023 bytes'],
		[1024, '1 KB'],
		[1536, '1.5 KB'],
		[10 * MB, '10 MB'],
		[23 * MB, '23 MB'],
		[150 * MB, '150 MB'],
		[2048 * MB, '2 GB']
	])('%i → %s', (bytes, text) => {
		expect(formatBytes(bytes)).toBe(text);
	});
});

describe('file documents', () => {
	const ts = (ms: number) => ({ toMillis: () => ms });
	const path = 'calls/call-1/files/f1';
	const doc = {
		uploader: 'alice',
		name: 'cat.png',
		size: 1234,
		contentType: 'image/png',
		storagePath: storagePathFor('call-1', 'alice', 'f1'),
		status: 'ready',
		createdAt: ts(5)
	};

	it('puts the bytes in the uploader’s folder of the call', () => {
		expect(storagePathFor('call-1', 'alice', 'f1')).toBe('calls/call-1/alice/f1');
	});

	it('reads a file entry', () => {
		expect(parseFileDoc(path, doc)).toEqual({ ...doc, createdAt: undefined, createdAtMs: 5 });
	});

	it('refuses an entry pointing outside the uploader’s folder, a bad type, size or name', () => {
		expect(() => parseFileDoc(path, { ...doc, storagePath: 'calls/call-1/bob/f1' })).toThrow(/storagePath/);
		expect(() => parseFileDoc(path, { ...doc, contentType: 'text/html' })).toThrow(DocumentShapeError);
		expect(() => parseFileDoc(path, { ...doc, size: FILE_LIMITS.maxBytes + 1 })).toThrow(/size/);
		expect(() => parseFileDoc(path, { ...doc, name: 'a/b' })).toThrow(/name/);
		expect(() => parseFileDoc(path, { ...doc, name: '' })).toThrow(/name/);
		expect(() => parseFileDoc(path, { ...doc, status: 'deleted' })).toThrow(/status/);
	});
});

describe('fileNameFor', () => {
	it('keeps a sanitised name that already ends with an extension of its type', () => {
		expect(fileNameFor('Holiday Photo.JPG', 'image/jpeg')).toBe('Holiday Photo.JPG');
		expect(fileNameFor('dir/notes.txt', 'text/plain')).toBe('notes.txt');
	});

	it("adds the type's own extension to a name that would save as something else", () => {
		expect(fileNameFor('invoice.pdf.exe', 'application/pdf')).toBe('invoice.pdf.exe.pdf');
		expect(fileNameFor(`photo.jpg${' '.repeat(85)}.exe`, 'image/jpeg')).toBe('photo.jpg.exe.jpg');
		expect(fileNameFor('open-me.html', 'text/plain')).toBe('open-me.html.txt');
		expect(fileNameFor('..', 'image/png')).toBe('file.png');
	});

	it('stays within FILE_LIMITS.nameMaxChars when it adds an extension', () => {
		const name = fileNameFor(`${'x'.repeat(120)}.exe`, 'application/pdf');
		expect(name.length).toBe(FILE_LIMITS.nameMaxChars);
		expect(name.endsWith('.pdf')).toBe(true);
		expect(isStoredFileName(name, 'application/pdf')).toBe(true);
	});

	it('always makes a name the rules accept for its type', () => {
		const raws = ['', ' ', '.', 'a', 'a.', 'a .b', '\u202Eexe.txt', 'x'.repeat(300), 'ok.png', 'ok.PNG', 'a\u3000b.txt', '. .png'];
		for (const raw of raws) {
			for (const type of ALLOWED_CONTENT_TYPES) {
				expect(isStoredFileName(fileNameFor(raw, type), type), `${JSON.stringify(raw)} as ${type}`).toBe(true);
			}
		}
	});
});

describe('isStoredFileName', () => {
	it('refuses names whose extension is not of the declared type', () => {
		expect(isStoredFileName('invoice.pdf.exe', 'application/pdf')).toBe(false);
		expect(isStoredFileName('open-me.html', 'text/plain')).toBe(false);
		expect(isStoredFileName('cat.png', 'image/jpeg')).toBe(false);
		expect(isStoredFileName('cat.png', 'image/png')).toBe(true);
	});

	it('refuses what the sanitiser would change', () => {
		for (const name of ['..', '.png', ' a.png', 'a .png', 'a..png', 'a  b.png', 'a\tb.png', 'a/b.png', 'a\u200Bb.png']) {
			expect(isStoredFileName(name, 'image/png'), JSON.stringify(name)).toBe(false);
		}
	});
});
