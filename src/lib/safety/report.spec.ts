import { describe, expect, it } from 'vitest';
import { FunctionsError } from 'firebase/functions';
import { reportErrorMessage } from './report';

describe('reportErrorMessage', () => {
	it("shows the function's own sentence for the refusals users can meet, without the SDK's HTTP status", () => {
		// What httpsCallable rejects with for HttpsError('already-exists', …): the SDK appends " [409]".
		expect(reportErrorMessage(new FunctionsError('already-exists', 'You already reported this chat. [409]'))).toBe(
			'You already reported this chat.'
		);
		expect(
			reportErrorMessage(new FunctionsError('resource-exhausted', 'You have sent 10 reports in the last hour. You can report again in 5 min. [429]'))
		).toBe('You have sent 10 reports in the last hour. You can report again in 5 min.');
		expect(reportErrorMessage(new FunctionsError('failed-precondition', 'That chat ended too long ago to be reported. [400]'))).toBe(
			'That chat ended too long ago to be reported.'
		);
	});

	it('says what to do when the servers cannot be reached, and never shows a raw message otherwise', () => {
		expect(reportErrorMessage(new FunctionsError('unavailable', 'unavailable [503]'))).toMatch(/^Can't reach Tangent's servers/);
		expect(reportErrorMessage(new FunctionsError('internal', 'INTERNAL [500]'))).toBe('The report could not be sent. Try again in a moment.');
		expect(reportErrorMessage(new DOMException('No answer within 20000 ms', 'TimeoutError'))).toBe(
			'The report could not be sent. Try again in a moment.'
		);
	});
});
