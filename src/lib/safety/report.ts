// Reporting the partner of a call through the `reportPartner` callable (functions/src/
// safety/). Reporting also blocks: the two are never matched again. The function checks
// membership, allows one report per call and limits reports per user; its refusals come
// back as FunctionsError codes, turned into sentences by reportErrorMessage().
import type { FirebaseApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { parseReportResponse, type ReportReason, type ReportResponse } from '$shared/safety';
import { codeOf } from '$shared/errors';
import { FUNCTIONS_EMULATOR_PORT, FUNCTIONS_REGION } from '../call/iceServers';

export async function reportPartner(
	app: FirebaseApp,
	emulatedHost: string | null,
	request: { callId: string; reason: ReportReason; note?: string; name?: string | null }
): Promise<ReportResponse> {
	const functions = getFunctions(app, FUNCTIONS_REGION);
	if (emulatedHost !== null) connectFunctionsEmulator(functions, emulatedHost, FUNCTIONS_EMULATOR_PORT);
	const result = await httpsCallable(functions, 'reportPartner')(request);
	return parseReportResponse(result.data);
}

/**
 * The message of a callable's error without the HTTP status the SDK appends ("… [403]"):
 * the function's own words, fit to show.
 */
export function callableMessage(error: unknown): string {
	const message = error instanceof Error ? error.message : String(error);
	return message.replace(/\s*\[\d{3}\]$/, '');
}

/**
 * What to tell the user when a report is refused. The function's own message is already
 * plain words for the refusals users can meet (once per call, too many reports).
 */
export function reportErrorMessage(error: unknown): string {
	const code = codeOf(error);
	const message = callableMessage(error);
	switch (code) {
		case 'functions/already-exists':
		case 'functions/resource-exhausted':
		case 'functions/permission-denied':
		case 'functions/failed-precondition':
			return message;
		case 'functions/unavailable':
		case 'functions/deadline-exceeded':
			return "Can't reach Tangent's servers to send the report. Check your connection and try again.";
		default:
			return 'The report could not be sent. Try again in a moment.';
	}
}
