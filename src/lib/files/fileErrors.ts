// What went wrong with a file, in words for the chat. Storage errors carry codes such as
// 'storage/unauthorized', Firestore errors codes such as 'permission-denied'.

import { codeOf } from '$shared/errors';

function nameOf(error: unknown): string {
	return error instanceof Error || error instanceof DOMException ? error.name : '';
}

/** The user (or the end of the call) stopped the upload; not a failure to report. */
export function isCanceled(error: unknown): boolean {
	return codeOf(error) === 'storage/canceled';
}

/**
 * The server did not answer: the Storage SDK gave up retrying, a Firestore write timed out.
 * The chat itself runs peer to peer and often still works, so these messages do not send the
 * user off to check their connection.
 */
const UNREACHABLE = new Set(['storage/retry-limit-exceeded', 'unavailable', 'deadline-exceeded']);
const REFUSED = new Set(['storage/unauthorized', 'storage/unauthenticated', 'permission-denied', 'unauthenticated']);

/**
 * Too many uploads started lately (fileDocs' UploadRateLimitedError, told apart by name so
 * this module stays free of the Firestore SDK): nothing was written, and its message says
 * when to try again.
 */
export function isUploadRateLimited(error: unknown): error is Error {
	return error instanceof Error && error.name === 'UploadRateLimitedError';
}

/**
 * The file server gave no sign of life (no byte taken, nothing stored) within
 * FILE_SERVER_PATIENCE_MS of an upload's start.
 */
export class FileServerSilentError extends Error {
	override name = 'FileServerSilentError';
	constructor(ms: number) {
		super(`The file server did not answer within ${ms} ms`);
	}
}

export function uploadErrorMessage(error: unknown, name: string): string {
	if (isUploadRateLimited(error)) return `Couldn't send ${name}. ${error.message}`;
	const code = codeOf(error);
	if (REFUSED.has(code)) return `Couldn't send ${name}: the server refused it (has the call ended?).`;
	if (error instanceof FileServerSilentError || UNREACHABLE.has(code) || nameOf(error) === 'TimeoutError') {
		return `Couldn't send ${name}: the file server isn't answering. Your chat is not affected; try again in a moment.`;
	}
	if (code === 'storage/quota-exceeded') return `Couldn't send ${name}: file storage is full right now. Try again later.`;
	return `Couldn't send ${name}. Please try again.`;
}

export interface DownloadFailure {
	message: string;
	/** The file is gone for good (the call ended, or it was removed): no point retrying. */
	gone: boolean;
}

export function downloadFailure(error: unknown): DownloadFailure {
	const code = codeOf(error);
	if (REFUSED.has(code) || code === 'storage/object-not-found') {
		return { gone: true, message: 'This file is no longer available: shared files vanish when the call ends.' };
	}
	if (UNREACHABLE.has(code)) {
		return { gone: false, message: "Couldn't download: the file server isn't answering. Try again in a moment." };
	}
	return { gone: false, message: "Couldn't download this file. Try again." };
}
