// Files shared during a call: the limits, the checks the app runs before uploading, and
// the Firestore document that tells the partner about a file. Shared by the web app
// (`$shared/files`) and the Cloud Functions; no SDK imports here.
//
// Every limit is enforced again by firestore.rules (calls/{callId}/files/{fileId}) and
// storage.rules (calls/{callId}/{uid}/{fileId}); src/lib/files/rulesAgreement.spec.ts reads
// both rules files and checks that their numbers, type list and name pattern equal these.

import { DocumentShapeError, reader, type FirestoreData } from './model';

export const FILE_LIMITS = {
	/** 10 MB: a phone photo or a short voice memo, not a film. */
	maxBytes: 10 * 1024 * 1024,
	/** Longer names are cut (keeping the extension) before upload. */
	nameMaxChars: 100
} as const;

/**
 * How long an upload may go without a sign of the file server (a first byte taken, or the
 * whole file stored) before the sender is told it isn't answering; the app's Storage SDK
 * retries are bounded by the same time.
 */
export const FILE_SERVER_PATIENCE_MS = 5_000;

/**
 * What may be shared: files a browser shows or plays as data, never as a page or a
 * program. No HTML, SVG, scripts, archives or executables.
 */
export const ALLOWED_CONTENT_TYPES = [
	'image/png',
	'image/jpeg',
	'image/gif',
	'image/webp',
	'application/pdf',
	'text/plain',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	'application/vnd.oasis.opendocument.text',
	'application/vnd.oasis.opendocument.spreadsheet',
	'application/vnd.oasis.opendocument.presentation',
	'audio/mpeg',
	'audio/ogg',
	'audio/wav',
	'audio/webm',
	'audio/mp4'
] as const;
export type AllowedContentType = (typeof ALLOWED_CONTENT_TYPES)[number];

export function isAllowedContentType(type: string): type is AllowedContentType {
	return (ALLOWED_CONTENT_TYPES as readonly string[]).includes(type);
}

/** Types the browser reports under another name for the same thing. */
const TYPE_ALIASES: Readonly<Record<string, AllowedContentType>> = {
	'image/jpg': 'image/jpeg',
	'image/pjpeg': 'image/jpeg',
	'audio/mp3': 'audio/mpeg',
	'audio/x-wav': 'audio/wav',
	'audio/wave': 'audio/wav',
	'audio/vnd.wave': 'audio/wav',
	'audio/x-m4a': 'audio/mp4',
	'audio/m4a': 'audio/mp4'
};

/**
 * The extensions a file of each type may have; the first is the one fileNameFor() adds to
 * a name that has none of them. firestore.rules hold the same table (fileExtensionsOf),
 * checked by src/lib/files/rulesAgreement.spec.ts.
 */
export const TYPE_EXTENSIONS: Readonly<Record<AllowedContentType, readonly string[]>> = {
	'image/png': ['png'],
	'image/jpeg': ['jpg', 'jpeg'],
	'image/gif': ['gif'],
	'image/webp': ['webp'],
	'application/pdf': ['pdf'],
	'text/plain': ['txt'],
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
	'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
	'application/vnd.oasis.opendocument.text': ['odt'],
	'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
	'application/vnd.oasis.opendocument.presentation': ['odp'],
	'audio/mpeg': ['mp3'],
	'audio/ogg': ['ogg', 'oga', 'opus'],
	'audio/wav': ['wav'],
	'audio/webm': ['weba', 'webm'],
	'audio/mp4': ['m4a']
};

/** For files the browser gives no type (an empty `File.type` is common for office files). */
const EXTENSION_TYPES: ReadonlyMap<string, AllowedContentType> = new Map(
	ALLOWED_CONTENT_TYPES.flatMap((type) => TYPE_EXTENSIONS[type].map((ext) => [ext, type] as const))
);

/** The `accept` attribute for the file picker: a hint only, checkFile() decides. */
export const FILE_PICKER_ACCEPT = [...ALLOWED_CONTENT_TYPES, ...[...EXTENSION_TYPES.keys()].map((e) => `.${e}`)].join(',');

// ---------------------------------------------------------------------------------------
// Names

/**
 * A stored name never holds a path separator, a character Windows refuses in file names,
 * a control character, or an invisible formatting character (a right-to-left override
 * can make "txt.exe" read as "exe.txt"). firestore.rules checks the same pattern
 * (isFileName), doubled backslashes and all.
 */
export const FILE_NAME_PATTERN = /^[^\\/:*?"<>|\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+$/u;

/**
 * A name exactly as sanitizeFileName() leaves it: no reserved, control, formatting or
 * separator characters other than single spaces between words (so no leading, trailing or
 * doubled spaces, and no look-alike spaces). firestore.rules checks the same pattern
 * (isFileName), doubled backslashes and all.
 */
export const STORED_NAME_PATTERN = /^[^\\/:*?"<>|\p{Cc}\p{Cf}\p{Z}]+(?: [^\\/:*?"<>|\p{Cc}\p{Cf}\p{Z}]+)*$/u;

/** How a stored name of this type ends: a stem that neither starts with a dot nor ends with a dot or space, then one of its extensions. */
export function storedNameEndingFor(type: AllowedContentType): RegExp {
	return new RegExp(`^[^.](?:.*[^. ])?\\.(?:${TYPE_EXTENSIONS[type].join('|')})$`, 'u');
}

/**
 * Would the rules accept this name for a file of this type? Only names that
 * sanitizeFileName() leaves as they are, ending with an extension of the declared type:
 * "invoice.pdf.exe" as a PDF, "open-me.html" as text or ".." never pass.
 */
export function isStoredFileName(name: string, type: AllowedContentType): boolean {
	return (
		name.length >= 1 &&
		name.length <= FILE_LIMITS.nameMaxChars &&
		STORED_NAME_PATTERN.test(name) &&
		storedNameEndingFor(type).test(name.toLowerCase())
	);
}

/**
 * The name a file of this type is stored, shown and saved under: sanitizeFileName()'s, with
 * the type's own extension added when the name does not already end with one ("open-me.html"
 * as text becomes "open-me.html.txt"), so a download never saves as a program or a page.
 */
export function fileNameFor(raw: string, type: AllowedContentType): string {
	const name = sanitizeFileName(raw);
	if (TYPE_EXTENSIONS[type].includes(fileExtension(name))) return name;
	return sanitizeFileName(`${name}.${TYPE_EXTENSIONS[type][0] ?? 'bin'}`);
}

const EXTENSION_PATTERN = /^\.[\p{L}\p{N}]{1,10}$/u;

/**
 * A name that is safe to store, show and offer as a download name: the last segment of a
 * path, without control, formatting or reserved characters (\ / : * ? " < > |), spaces
 * collapsed, no leading dots, at most FILE_LIMITS.nameMaxChars UTF-16 units with the
 * extension kept; "file" when nothing is left.
 */
export function sanitizeFileName(raw: string): string {
	const cleaned = (raw.split(/[\\/]/).pop() ?? '')
		.normalize('NFC')
		.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
		.replace(/[:*?"<>|]/g, '')
		.replace(/\s+/gu, ' ')
		.trim()
		// No hidden files and no "..": leading dots go; Windows drops trailing dots and spaces.
		.replace(/^[. ]+/, '')
		.replace(/[. ]+$/, '');
	const dot = cleaned.lastIndexOf('.');
	const extension = dot > 0 && EXTENSION_PATTERN.test(cleaned.slice(dot)) ? cleaned.slice(dot) : '';
	const stem = truncate(extension ? cleaned.slice(0, dot) : cleaned, FILE_LIMITS.nameMaxChars - extension.length)
		.replace(/[. ]+$/, '');
	return (stem || 'file') + extension;
}

/** At most `maxUnits` UTF-16 units, never splitting a surrogate pair. */
function truncate(text: string, maxUnits: number): string {
	let out = '';
	for (const char of text) {
		if (out.length + char.length > maxUnits) break;
		out += char;
	}
	return out;
}

/** "report.PDF" → "pdf"; "" when there is none. */
export function fileExtension(name: string): string {
	const dot = name.lastIndexOf('.');
	return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

// ---------------------------------------------------------------------------------------
// Checks before upload

/** The allowed type for this file: its own if allowed, an alias, or by extension if untyped. */
export function contentTypeFor(file: { name: string; type: string }): AllowedContentType | null {
	const reported = (file.type.split(';')[0] ?? '').trim().toLowerCase();
	if (isAllowedContentType(reported)) return reported;
	const alias = TYPE_ALIASES[reported];
	if (alias) return alias;
	if (reported === '' || reported === 'application/octet-stream') return EXTENSION_TYPES.get(fileExtension(file.name)) ?? null;
	return null;
}

export type FileRefusal = 'too-large' | 'empty' | 'type';

export type FileCheck =
	| { ok: true; name: string; contentType: AllowedContentType }
	| { ok: false; reason: FileRefusal; message: string };

/** Names the kinds of file in ALLOWED_CONTENT_TYPES; keep the two together. */
const WHAT_IS_ALLOWED = 'only pictures, PDFs, text, office documents and audio.';

/**
 * What the app checks before it uploads anything; the rules refuse the same files, so a
 * refusal here only saves a round trip and says why in words.
 */
export function checkFile(file: { name: string; size: number; type: string }): FileCheck {
	const sanitized = sanitizeFileName(file.name);
	const contentType = contentTypeFor({ name: sanitized, type: file.type });
	if (!contentType) {
		const extension = fileExtension(sanitized);
		const what =
			extension && !EXTENSION_TYPES.has(extension)
				? `.${extension} files`
				: file.type
					? `files of type ${file.type}`
					: 'this kind of file';
		return { ok: false, reason: 'type', message: `Can't send ${what}: ${WHAT_IS_ALLOWED}` };
	}
	const name = fileNameFor(sanitized, contentType);
	if (file.size <= 0) return { ok: false, reason: 'empty', message: `Can't send an empty file: ${name} has nothing in it.` };
	if (file.size > FILE_LIMITS.maxBytes) {
		const [size, limit] = [formatBytes(file.size), formatBytes(FILE_LIMITS.maxBytes)];
		const shown = size === limit ? `just over ${limit}` : size;
		return { ok: false, reason: 'too-large', message: `File too large: ${shown}, limit ${limit}` };
	}
	return { ok: true, name, contentType };
}

/** 12 bytes, 3.4 KB, 23 MB (powers of 1024, as operating systems show file sizes). */
export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
	const units = ['KB', 'MB', 'GB'] as const;
	let value = bytes / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	const text = value < 100 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value).toString();
	return `${text} ${units[unit]}`;
}

/** A short label for a type: "PNG image", "PDF", "Word document", "MP3 audio"… */
export function describeContentType(type: AllowedContentType): string {
	return TYPE_LABELS[type];
}

const TYPE_LABELS: Readonly<Record<AllowedContentType, string>> = {
	'image/png': 'PNG image',
	'image/jpeg': 'JPEG image',
	'image/gif': 'GIF image',
	'image/webp': 'WebP image',
	'application/pdf': 'PDF',
	'text/plain': 'Text',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel spreadsheet',
	'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint presentation',
	'application/vnd.oasis.opendocument.text': 'OpenDocument text',
	'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument spreadsheet',
	'application/vnd.oasis.opendocument.presentation': 'OpenDocument presentation',
	'audio/mpeg': 'MP3 audio',
	'audio/ogg': 'Ogg audio',
	'audio/wav': 'WAV audio',
	'audio/webm': 'WebM audio',
	'audio/mp4': 'M4A audio'
};

// ---------------------------------------------------------------------------------------
// Where the bytes live: one folder per call, one subfolder per uploader. storage.rules
// lets only that uploader write there, and only the call's members read.

export function storagePathFor(callId: string, uid: string, fileId: string): string {
	return `calls/${callId}/${uid}/${fileId}`;
}

/** The prefix holding everything shared in one call (deleted when the call ends). */
export function callStoragePrefix(callId: string): string {
	return `calls/${callId}/`;
}

// ---------------------------------------------------------------------------------------
// calls/{callId}/files/{fileId}: what the partner needs to show a file. The uploader
// creates it as 'uploading' before the upload starts, then marks it 'ready' (the partner
// shows it from then on) or 'canceled'. The cleanup function deletes these documents
// and the bytes when the call ends.

export const FILE_STATUSES = ['uploading', 'ready', 'canceled'] as const;
export type SharedFileStatus = (typeof FILE_STATUSES)[number];

export interface SharedFileDoc {
	uploader: string;
	name: string;
	size: number;
	contentType: AllowedContentType;
	storagePath: string;
	status: SharedFileStatus;
	createdAtMs: number;
}

/** What the uploader writes before uploading; rules insist on every field. */
export interface SharedFileCreateWrite<Ts> {
	uploader: string;
	name: string;
	size: number;
	contentType: AllowedContentType;
	storagePath: string;
	status: 'uploading';
	createdAt: Ts;
}

/** The one change allowed afterwards, by the uploader, once. */
export interface SharedFileUpdateWrite {
	status: 'ready' | 'canceled';
}

const FILE_DOC_PATH = /^calls\/([^/]+)\/files\/([^/]+)$/;

export function parseFileDoc(path: string, data: FirestoreData): SharedFileDoc {
	const read = reader(path, data);
	const uploader = read.string('uploader', 128);
	const name = read.string('name', FILE_LIMITS.nameMaxChars);
	if (!FILE_NAME_PATTERN.test(name)) throw new DocumentShapeError(path, '`name` is empty or holds forbidden characters');
	const storagePath = read.string('storagePath', 512);
	const [, callId, fileId] = FILE_DOC_PATH.exec(path) ?? [];
	if (callId && fileId && storagePath !== storagePathFor(callId, uploader, fileId)) {
		throw new DocumentShapeError(path, "`storagePath` is not the uploader's folder for this file");
	}
	return {
		uploader,
		name,
		size: read.integer('size', 1, FILE_LIMITS.maxBytes),
		contentType: read.oneOf('contentType', ALLOWED_CONTENT_TYPES),
		storagePath,
		status: read.oneOf('status', FILE_STATUSES),
		createdAtMs: read.millis('createdAt')
	};
}
