import { describe, expect, it } from 'vitest';
import { DocumentShapeError } from '$shared/model';
import { bannedError, toUserFacingError, USER_ERRORS } from './errors';

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

	it('says why sign-in failed when the per-network limit on new anonymous accounts was hit, and what to do', () => {
		for (const code of ['auth/too-many-requests', 'auth/quota-exceeded']) {
			const error = toUserFacingError({ code, message: 'Firebase: Error (auth/too-many-requests).' });
			expect(error).toEqual({ code: 'sign-in-busy', message: USER_ERRORS['sign-in-busy'] });
		}
		expect(USER_ERRORS['sign-in-busy']).toMatch(/your network/);
		expect(USER_ERRORS['sign-in-busy']).toMatch(/try again in an hour/i);
		expect(USER_ERRORS['sign-in-busy']).toMatch(/switch networks/);
	});

	it('tells a disabled sign-in (an operator fault) apart from a user problem', () => {
		expect(toUserFacingError({ code: 'auth/operation-not-allowed' }).code).toBe('sign-in-unavailable');
		expect(toUserFacingError({ code: 'auth/admin-restricted-operation' }).code).toBe('sign-in-unavailable');
		expect(USER_ERRORS['sign-in-unavailable']).toMatch(/on our side/);
	});

	it('never shows a raw SDK message', () => {
		for (const message of Object.values(USER_ERRORS)) expect(message).not.toMatch(/firestore|permission|sdk/i);
	});

	it('says until when a ban lasts, in local date and time', () => {
		const until = Date.UTC(2030, 0, 15, 14, 30);
		const error = bannedError(until, 'en-GB');
		expect(error.code).toBe('banned');
		const when = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(until);
		expect(error.message).toBe(`You can't start chats until ${when}, because several people reported you.`);
		expect(when).toMatch(/15 Jan 2030/);
	});
});
