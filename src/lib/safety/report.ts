// Reporting the partner of a call through the `reportPartner` callable (functions/src/
// safety/). Reporting also blocks: the two are never matched again. The function checks
// membership, allows one report per call and limits reports per user; its refusals come
// back as FunctionsError codes, turned into sentences by reportErrorMessage().
import type { FirebaseApp } from 'firebase/app';
import { connectFunctionsEmulator, getFunctions, httpsCallable } from 'firebase/functions';
import { parseReportResponse, type ReportReason, type ReportResponse } from '$shared/safety';
import { FUNCTIONS_EMULATOR_PORT, FUNCTIONS_REGION } from '../call/iceServers';

export async function reportPartner(
	app: FirebaseApp,
	emulatedHost: string | null,
	request: { callId: string; reason: ReportReason; note?: string }
): Promise<ReportResponse> {
	const functions = getFunctions(app, FUNCTIONS_REGION);
	if (emulatedHost !== null) connectFunctionsEmulator(functions, emulatedHost, FUNCTIONS_EMULATOR_PORT);
	const result = await httpsCallable(functions, 'reportPartner')(request);
	return parseReportResponse(result.data);
}

/**
 * What to tell the user when a report is refused. The function's own message is already
 * plain words for the refusals users can meet (once per call, too many reports).
 */
export function reportErrorMessage(error: unknown): string {
	const code = typeof error === 'object' && error !== null ? String(Reflect.get(error, 'code') ?? '') : '';
	// The SDK appends the HTTP status to the function's message ("… [409]"): not for users.
	const message = error instanceof Error ? error.message.replace(/\s*\[\d{3}\]$/, '') : '';
	switch (code) {
		case 'functions/already-exists':
		case 'functions/resource-exhausted':
		case 'functions/permission-denied':
		case 'functions/failed-precondition':
			if (message) return message;
			break;
		case 'functions/unavailable':
		case 'functions/deadline-exceeded':
			return "Can't reach Tangent's servers to send the report. Check your connection and try again.";
	}
	return 'The report could not be sent. Try again in a moment.';
}
