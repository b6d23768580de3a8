// Errors as users see them: a stable code and one plain sentence that says what to do.
import { codeOf } from '$shared/errors';
import type { UserFacingError } from './call/callState';

export { codeOf };

export const USER_ERRORS = {
	'sign-in-failed': 'We could not sign you in anonymously. Check your connection and reload the page.',
	'sign-in-busy':
		'Too many people on your network (a campus, office or mobile carrier) joined Tangent in the last hour, so we cannot sign you in right now. Try again in an hour, or switch networks, for example from Wi-Fi to mobile data.',
	'sign-in-unavailable': "Tangent can't sign anyone in at the moment because of a problem on our side. Please try again later.",
	unreachable: "Can't reach Tangent's servers. Check your connection, then press New chat.",
	refused: 'The server refused that request. Reload the page; if it keeps happening, try again later.',
	'connection-failed':
		'Could not connect to the stranger (a firewall may be blocking it). Press New chat to meet someone else.',
	'relay-unavailable':
		"Hide my IP needs a relay server, and none is available right now. Turn Hide my IP off to connect directly, or try again later.",
	'bad-data': 'Received something we could not understand. Press New chat to try again.',
	banned: "You can't start chats for now, because several people reported you.",
	'too-many-sessions': 'Too many new sessions were started from this device or network. Wait a few minutes, then press New chat.',
	unknown: 'Something went wrong. Press New chat to try again.'
} as const;

export type UserErrorCode = keyof typeof USER_ERRORS;

export function userError(code: UserErrorCode): UserFacingError {
	return { code, message: USER_ERRORS[code] };
}

/** The ban sentence, given its end already written as a date and time (the i18n tables word it too). */
export const bannedUntilSentence = (until: string) =>
	`You can't start chats until ${until}, because several people reported you.`;

/** When a ban ends, in the user's local date and time (`locale` for tests). */
export function formatBanEnd(untilMs: number, locale?: string): string {
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(untilMs);
}

/** The ban sentence with its end in the user's local date and time (`locale` for tests). */
export function bannedError(untilMs: number, locale?: string): UserFacingError {
	return { code: 'banned', message: bannedUntilSentence(formatBanEnd(untilMs, locale)) };
}

export function isUserErrorCode(code: string): code is UserErrorCode {
	return code in USER_ERRORS;
}

/**
 * Firebase Auth creates about 100 anonymous accounts per hour per IP address; past that it
 * answers `auth/too-many-requests` (or `auth/quota-exceeded` for the project's own quota).
 * Users behind one campus or carrier NAT share that address, so we say what happened.
 */
const SIGN_IN_BUSY = new Set(['auth/too-many-requests', 'auth/quota-exceeded']);
/** Anonymous sign-in switched off in the console: the operator must fix it, not the user. */
const SIGN_IN_DISABLED = new Set(['auth/operation-not-allowed', 'auth/admin-restricted-operation']);

/** Maps an SDK or browser error to what we tell the user (Firebase errors carry a `code`). */
export function toUserFacingError(error: unknown): UserFacingError {
	const code = codeOf(error);
	const name = error instanceof Error ? error.name : '';
	if (SIGN_IN_BUSY.has(code)) return userError('sign-in-busy');
	if (SIGN_IN_DISABLED.has(code)) return userError('sign-in-unavailable');
	if (code.startsWith('auth/')) return userError('sign-in-failed');
	// The only rate limit a working app meets before joining: bindDevice's, per device and network.
	if (code === 'functions/resource-exhausted') return userError('too-many-sessions');
	if (code === 'permission-denied' || code === 'invalid-argument' || code === 'failed-precondition')
		return userError('refused');
	if (code === 'unavailable' || code === 'deadline-exceeded' || name === 'TimeoutError') return userError('unreachable');
	if (name === 'DocumentShapeError') return userError('bad-data');
	return userError('unknown');
}
