// Anonymous accounts nobody uses any more. Signing in anonymously costs a visitor nothing,
// so accounts pile up: one per browser that ever pressed Start. An anonymous account that
// has not been active for ABANDONED_AFTER_MS can never be signed into again in practice
// (its browser lost the credential or stopped coming), so it goes, with everything Tangent
// kept about it. Accounts with a real sign-in provider are never touched.
import type { Auth, UserRecord } from 'firebase-admin/auth';
import type { BulkWriter, Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS } from '../shared/model';
import { RETENTION_MS } from '../shared/retention';
import { SAFETY_COLLECTIONS } from '../shared/safety';
import type { CallFileStore } from '../storage';

/** Thirty days, as Identity Platform's own automatic clean-up of anonymous users. */
export const ABANDONED_AFTER_MS = RETENTION_MS.idleAccounts;

/** What isAbandoned needs of an Auth user record. */
export interface AccountActivity {
	/** Sign-in providers linked (none for anonymous accounts). */
	providers: number;
	createdAtMs: number;
	lastSignInAtMs: number | null;
	/** The last token refresh: an open tab refreshes hourly. */
	lastRefreshAtMs: number | null;
}

export function isAbandoned(account: AccountActivity, nowMs: number): boolean {
	if (account.providers > 0) return false;
	const lastActive = Math.max(account.createdAtMs, account.lastSignInAtMs ?? 0, account.lastRefreshAtMs ?? 0);
	return nowMs - lastActive > ABANDONED_AFTER_MS;
}

export function activityOf(user: UserRecord): AccountActivity {
	const ms = (date: string | null | undefined) => {
		const t = date ? Date.parse(date) : NaN;
		return Number.isFinite(t) ? t : null;
	};
	return {
		providers: user.providerData.length,
		// An unreadable creation time counts as "now": never delete on doubt.
		createdAtMs: ms(user.metadata.creationTime) ?? Date.now(),
		lastSignInAtMs: ms(user.metadata.lastSignInTime),
		lastRefreshAtMs: ms(user.metadata.lastRefreshTime)
	};
}

export interface AccountCleanupReport {
	checked: number;
	deleted: number;
	/** Documents deleted with them (lobby entry, safety record, ban, counter, standing, binding, rate windows, reports, calls). */
	documents: number;
	/**
	 * False when the time budget ran out before the last page: the next run starts from
	 * the first page again, and finds the pages already cleaned quick to pass.
	 */
	complete: boolean;
}

export interface AccountCleanupOptions {
	/** Users listed per page (Auth allows up to 1000; deleteUsers takes up to 1000). */
	pageSize?: number;
	/** Start no new page after this time (ms since the epoch, by `clock`). */
	deadlineMs?: number;
	/** How many users' data are deleted at once. */
	concurrency?: number;
	clock?: () => number;
}

/** Auth's limit on deleteUsers: at most one call a second. */
const DELETE_USERS_INTERVAL_MS = 1000;

/**
 * Lists every user a page at a time and deletes the abandoned ones with their data. At 100k
 * accounts that is 100 pages; the data of a page's abandoned users is deleted CONCURRENCY
 * at a time through one BulkWriter, then their accounts with one deleteUsers call.
 */
export async function cleanUpAbandonedAccounts(
	firestore: Firestore,
	auth: Auth,
	files: CallFileStore | null,
	nowMs: number,
	options: AccountCleanupOptions = {}
): Promise<AccountCleanupReport> {
	const { pageSize = 1000, deadlineMs = Infinity, concurrency = 20, clock = Date.now } = options;
	const report: AccountCleanupReport = { checked: 0, deleted: 0, documents: 0, complete: false };
	let pageToken: string | undefined;
	let lastDeleteUsersMs = -Infinity;
	do {
		if (clock() > deadlineMs) return report;
		const page = await auth.listUsers(pageSize, pageToken);
		report.checked += page.users.length;
		const abandoned = page.users.filter((u) => isAbandoned(activityOf(u), nowMs)).map((u) => u.uid);
		if (abandoned.length > 0) {
			const writer = firestore.bulkWriter();
			const counts = await mapWithConcurrency(abandoned, concurrency, (uid) => deleteUserData(firestore, files, uid, writer));
			await writer.close();
			report.documents += counts.reduce((a, b) => a + b, 0);
			// Data first, then the account: if this run dies in between, the next finds them again.
			const wait = lastDeleteUsersMs + DELETE_USERS_INTERVAL_MS - clock();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			const result = await auth.deleteUsers(abandoned);
			lastDeleteUsersMs = clock();
			report.deleted += result.successCount;
		}
		pageToken = page.pageToken;
	} while (pageToken);
	report.complete = true;
	return report;
}

/** Runs `task` over `items` with at most `limit` running at once; results in input order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await task(items[index] as T);
		}
	};
	await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
	return results;
}

/** Everything Tangent stores under or about one user; returns how many documents went. */
export async function deleteUserData(
	firestore: Firestore,
	files: CallFileStore | null,
	uid: string,
	shared?: BulkWriter
): Promise<number> {
	const own = [
		firestore.collection(COLLECTIONS.lobby).doc(uid),
		firestore.collection(SAFETY_COLLECTIONS.safety).doc(uid),
		firestore.collection(SAFETY_COLLECTIONS.bans).doc(uid),
		firestore.collection(SAFETY_COLLECTIONS.limits).doc(uid),
		firestore.collection(SAFETY_COLLECTIONS.standing).doc(uid),
		firestore.collection(SAFETY_COLLECTIONS.identities).doc(uid),
		firestore.collection(SAFETY_COLLECTIONS.rates).doc(`iceServers_${uid}`),
		firestore.collection(SAFETY_COLLECTIONS.rates).doc(`bind-uid_${uid}`)
	];
	const reports = firestore.collection(SAFETY_COLLECTIONS.reports);
	const [existing, sent, received, calls] = await Promise.all([
		firestore.getAll(...own),
		reports.where('reporter', '==', uid).get(),
		reports.where('reported', '==', uid).get(),
		firestore.collection(COLLECTIONS.calls).where('members', 'array-contains', uid).get()
	]);
	const refs = [...existing.filter((s) => s.exists).map((s) => s.ref), ...sent.docs.map((d) => d.ref), ...received.docs.map((d) => d.ref)];
	const writer = shared ?? firestore.bulkWriter();
	const deletes = refs.map((ref) => writer.delete(ref));
	for (const write of deletes) write.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
	// Calls normally went long ago (records are kept 7 days); any left go whole, with the
	// files both members shared in them.
	for (const call of calls.docs) {
		if (files) await files.deletePrefix(`${COLLECTIONS.calls}/${call.id}/`);
		await firestore.recursiveDelete(call.ref, writer);
	}
	// A shared writer sends partial batches only when flushed; flushing also surfaces failures.
	if (shared) await writer.flush();
	else await writer.close();
	await Promise.all(deletes);
	return refs.length + calls.size;
}
