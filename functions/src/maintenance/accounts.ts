// Anonymous accounts nobody uses any more. Signing in anonymously costs a visitor nothing,
// so accounts pile up: one per browser that ever pressed Start. An anonymous account that
// has not been active for ABANDONED_AFTER_MS can never be signed into again in practice
// (its browser lost the credential or stopped coming), so it goes, with everything Tangent
// kept about it. Accounts with a real sign-in provider are never touched.
import type { Auth, UserRecord } from 'firebase-admin/auth';
import type { Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS } from '../shared/model';
import { SAFETY_COLLECTIONS } from '../shared/safety';
import type { CallFileStore } from '../storage';

/** Thirty days, as Identity Platform's own automatic clean-up of anonymous users. */
export const ABANDONED_AFTER_MS = 30 * 24 * 60 * 60_000;

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
}

export async function cleanUpAbandonedAccounts(
	firestore: Firestore,
	auth: Auth,
	files: CallFileStore | null,
	nowMs: number
): Promise<AccountCleanupReport> {
	const report: AccountCleanupReport = { checked: 0, deleted: 0, documents: 0 };
	let pageToken: string | undefined;
	do {
		const page = await auth.listUsers(1000, pageToken);
		report.checked += page.users.length;
		const abandoned = page.users.filter((u) => isAbandoned(activityOf(u), nowMs)).map((u) => u.uid);
		for (const uid of abandoned) report.documents += await deleteUserData(firestore, files, uid);
		// Data first, then the account: if this run dies in between, the next finds them again.
		if (abandoned.length > 0) {
			const result = await auth.deleteUsers(abandoned);
			report.deleted += result.successCount;
		}
		pageToken = page.pageToken;
	} while (pageToken);
	return report;
}

/** Everything Tangent stores under or about one user; returns how many documents went. */
export async function deleteUserData(firestore: Firestore, files: CallFileStore | null, uid: string): Promise<number> {
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
	const writer = firestore.bulkWriter();
	refs.forEach((ref) => void writer.delete(ref));
	await writer.close();
	// Calls normally went long ago (records are kept 7 days); any left go whole, with the
	// files both members shared in them.
	for (const call of calls.docs) {
		if (files) await files.deletePrefix(`${COLLECTIONS.calls}/${call.id}/`);
		await firestore.recursiveDelete(call.ref);
	}
	return refs.length + calls.size;
}
