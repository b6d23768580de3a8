// How long Tangent keeps what it keeps: one source for the functions that delete things
// (sweep, accountCleanup), the terms page (`$shared/retention`) and the README's privacy
// table (scripts/deploy/retention.spec.ts checks the README quotes WHAT_IS_KEPT word for word).
// Change a number here and the code, the page and the test follow; the README must be updated.

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

export const RETENTION_DAYS = {
	/** Reports, for moderators to act on and for bans to be counted. */
	reports: 30,
	/** The slim record of an ended call (both members' ids), for reports and "no quick rematch". */
	endedCalls: 7,
	/** Anonymous accounts idle this long are deleted with everything about them (accountCleanup). */
	idleAccounts: 30,
	/**
	 * Cloud Logging's retention for the `_Default` bucket, where function logs (with anonymous
	 * ids and shared interests) go. Google's default; the README says how to check or change it.
	 */
	functionLogs: 30
} as const;

export const RETENTION_HOURS = {
	/** Shared files are deleted when their call ends; the sweep deletes any a failed clean-up left after this. */
	sharedFilesBackstop: 24
} as const;

export const RETENTION_MS = {
	reports: RETENTION_DAYS.reports * DAY_MS,
	endedCalls: RETENTION_DAYS.endedCalls * DAY_MS,
	idleAccounts: RETENTION_DAYS.idleAccounts * DAY_MS,
	functionLogs: RETENTION_DAYS.functionLogs * DAY_MS,
	sharedFilesBackstop: RETENTION_HOURS.sharedFilesBackstop * HOUR_MS
} as const;

/**
 * When an ended call's record may go: the `expireAt` its TTL policy deletes by (the sweep
 * deletes by `endedAt` on the same duration). Written by callCleanup when the call ends.
 */
export function endedCallExpiresAtMs(endedAtMs: number): number {
	return endedAtMs + RETENTION_MS.endedCalls;
}

export interface RetainedData {
	/** What is kept, in the words of the privacy text. */
	what: string;
	/** For how long. */
	howLong: string;
	/** Why it is kept at all. */
	why: string;
}

const idle = `${RETENTION_DAYS.idleAccounts} days after your anonymous id was last used`;

/** Everything Tangent keeps, in the order the terms page and the README list it. */
export const WHAT_IS_KEPT: readonly RetainedData[] = [
	{
		what: 'Messages, video and audio',
		howLong: 'Never stored: they go directly between the two browsers',
		why: 'Tangent only introduces the two browsers'
	},
	{
		what: 'Files you share',
		howLong: `Until the call ends; up to ${RETENTION_HOURS.sharedFilesBackstop} hours if the clean-up at the end of the call fails`,
		why: 'So the other person can download them during the call'
	},
	{
		what: 'Your place in the queue (mode, interests, language)',
		howLong: 'Until a few minutes after you leave or close the page',
		why: 'To find you a partner'
	},
	{
		what: "A call's record with both people's anonymous ids",
		howLong: `${RETENTION_DAYS.endedCalls} days after the call ends`,
		why: 'So a report can be checked and you are not matched with the same person again right away'
	},
	{
		what: 'Reports (call id, both anonymous ids, reason, note)',
		howLong: `${RETENTION_DAYS.reports} days`,
		why: 'For moderation and to ban people reported by several others'
	},
	{
		what: 'Blocks (who reported whom) and bans',
		howLong: `Until your anonymous id is deleted (${idle})`,
		why: 'So you are never matched with someone you reported'
	},
	{
		what: 'Server logs with anonymous ids and shared interests',
		howLong: `${RETENTION_DAYS.functionLogs} days (the log retention period)`,
		why: 'To find and fix faults and abuse'
	},
	{
		what: 'Your anonymous id and upload counter',
		howLong: `Until ${idle}`,
		why: 'So the same browser keeps the same id and limits apply'
	}
];

/** One row of the README's privacy table, exactly as it must appear there. */
export function retentionTableRow(item: RetainedData): string {
	return `| ${item.what} | ${item.howLong} | ${item.why} |`;
}
