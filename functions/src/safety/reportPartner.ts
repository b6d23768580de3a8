// The `reportPartner` callable: a member of a call reports the other member. Reporting
// blocks the pair for good and may ban the reported user (see reports.ts). How many
// different reporters, within how long, ban for how long, are params (functions/.env.*).
import { defineInt } from 'firebase-functions/params';
import { HttpsError, onCall } from 'firebase-functions/v2/https';
import { logger } from 'firebase-functions/v2';
import { appCheckOptions } from '../appCheck';
import { db } from '../firestore';
import { RUNTIME } from '../runtime';
import { InvalidRequestError, parseReportRequest, type BanPolicy, type ReportRequest, type ReportResponse } from '../shared/safety';
import { fileReport, ReportRefused } from './reports';

const reportsToBan = defineInt('BAN_AFTER_REPORTS', {
	default: 3,
	description:
		'Report weight needed within BAN_REPORT_WINDOW_HOURS to ban a user: a reporter with full standing weighs 1, some standing 0.5, none 0'
});
const reportWindowHours = defineInt('BAN_REPORT_WINDOW_HOURS', {
	default: 24,
	description: 'How far back reports count towards a ban, in hours'
});
const banHours = defineInt('BAN_HOURS', { default: 24, description: 'How long a ban lasts, in hours' });

export function banPolicy(): BanPolicy {
	return {
		reportsToBan: reportsToBan.value(),
		windowMs: reportWindowHours.value() * 3_600_000,
		banMs: banHours.value() * 3_600_000
	};
}

export const reportPartner = onCall({ ...RUNTIME.reportPartner, ...appCheckOptions() }, async (request): Promise<ReportResponse> => {
	const uid = request.auth?.uid;
	if (!uid) throw new HttpsError('unauthenticated', 'Sign in first: only someone in a chat can report.');
	const body = validRequest(request.data);
	try {
		const outcome = await fileReport(db(), uid, body, banPolicy());
		logger.info('reportPartner', { callId: body.callId, reason: body.reason, ...outcome });
		return { reportId: outcome.reportId, blocked: true };
	} catch (error) {
		if (error instanceof ReportRefused) throw new HttpsError(error.code, error.message);
		throw error;
	}
});

function validRequest(data: unknown): ReportRequest {
	try {
		return parseReportRequest(data);
	} catch (error) {
		if (error instanceof InvalidRequestError) throw new HttpsError('invalid-argument', error.message);
		throw error;
	}
}
