import { describe, expect, it } from 'vitest';
import { DocumentShapeError } from '$shared/model';
import { toUserFacingError, USER_ERRORS } from './errors';

describe('user-facing errors', () => {
	it('explains refused writes, lost connections and failed sign-in in plain words', () => {
		expect(toUserFacingError({ code: 'permission-denied', message: 'Missing or insufficient permissions.' })).toEqual({
			code: 'refused',
			message: USER_ERRORS.refused
		});
		expect(toUserFacingError({ code: 'unavailable' }).code).toBe('unreachable');
		expect(toUserFacingError(new DOMException('took too long', 'TimeoutError')).code).toBe('unreachable');
		expect(toUserFacingError({ code: 'auth/network-request-failed' }).code).toBe('sign-in-failed');
		expect(toUserFacingError(new DocumentShapeError('calls/x', 'bad')).code).toBe('bad-data');
		expect(toUserFacingError('???').code).toBe('unknown');
	});

	it('never shows a raw SDK message', () => {
		for (const message of Object.values(USER_ERRORS)) expect(message).not.toMatch(/firestore|permission|sdk/i);
	});
});
