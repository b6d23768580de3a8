// Safety collections. reports/{id} and safety/{uid} belong to the functions: no client
// reads or writes them (so nobody forges a report, a report count or a block). bans/{uid}
// is readable by its owner only, writable by nobody. limits/{uid} is the owner's upload
// counter: it may open a new window once the last is over, or count one more upload
// inside it, up to the limit (files.spec.ts tests it together with announcements).
import { collection, deleteDoc, doc, getDoc, getDocs, serverTimestamp, setDoc, Timestamp, updateDoc } from 'firebase/firestore';
import { describe, it } from 'vitest';
import { describeWithEmulators } from '../support/emulators';
import {
	ALICE,
	banUntil,
	BOB,
	CALL_ID,
	expectAllowed,
	expectDenied,
	expiredUploadWindow,
	FILE_ID,
	MALLORY,
	paths,
	SAFETY_COLLECTIONS,
	SAFETY_LIMITS,
	uploadWindowOpening,
	useRulesFixture
} from './fixtures';

const report = () => ({
	callId: CALL_ID,
	reporter: BOB,
	reported: ALICE,
	reason: 'spam',
	note: '',
	createdAt: serverTimestamp()
});
const safetyRecord = () => ({ blocked: [], blockedBy: [BOB], reportsReceived: [{ by: BOB, atMs: Date.now() }], reportsSentAtMs: [], bannedUntilMs: null });

describeWithEmulators(['firestore'], 'safety rules: reports, safety, bans, limits', () => {
	const fx = useRulesFixture();

	describe('reports/{id}: functions only', () => {
		const id = `${CALL_ID}_${BOB}`;
		it('the reporter reads their report → denied', async () => {
			await fx.seed(paths.report(id), report());
			await expectDenied(getDoc(doc(fx.as(BOB), paths.report(id))));
		});
		it('the reported user reads it → denied', async () => {
			await fx.seed(paths.report(id), report());
			await expectDenied(getDoc(doc(fx.as(ALICE), paths.report(id))));
		});
		it('anyone lists reports → denied', async () => {
			await expectDenied(getDocs(collection(fx.as(BOB), SAFETY_COLLECTIONS.reports)));
		});
		it('a member of the call writes a report directly (bypassing the function) → denied', async () => {
			await expectDenied(setDoc(doc(fx.as(BOB), paths.report(id)), report()));
		});
		it('forged: the reported user edits the reason → denied', async () => {
			await fx.seed(paths.report(id), report());
			await expectDenied(updateDoc(doc(fx.as(ALICE), paths.report(id)), { reason: 'other' }));
		});
		it('the reported user deletes the report → denied', async () => {
			await fx.seed(paths.report(id), report());
			await expectDenied(deleteDoc(doc(fx.as(ALICE), paths.report(id))));
		});
		it('signed out reads → denied', async () => {
			await fx.seed(paths.report(id), report());
			await expectDenied(getDoc(doc(fx.signedOut(), paths.report(id))));
		});
	});

	describe('safety/{uid}: functions only', () => {
		it('the owner reads their record (who reported them) → denied', async () => {
			await fx.seed(paths.safety(ALICE), safetyRecord());
			await expectDenied(getDoc(doc(fx.as(ALICE), paths.safety(ALICE))));
		});
		it('forged: the owner clears their report count → denied', async () => {
			await fx.seed(paths.safety(ALICE), safetyRecord());
			await expectDenied(updateDoc(doc(fx.as(ALICE), paths.safety(ALICE)), { reportsReceived: [] }));
		});
		it('forged: the owner creates a record blocking someone → denied', async () => {
			await expectDenied(setDoc(doc(fx.as(ALICE), paths.safety(ALICE)), { ...safetyRecord(), blocked: [MALLORY] }));
		});
		it('forged: someone adds reports to another user → denied', async () => {
			await expectDenied(setDoc(doc(fx.as(MALLORY), paths.safety(ALICE)), safetyRecord()));
		});
		it('the owner deletes their record → denied', async () => {
			await fx.seed(paths.safety(ALICE), safetyRecord());
			await expectDenied(deleteDoc(doc(fx.as(ALICE), paths.safety(ALICE))));
		});
		it('anyone lists the records → denied', async () => {
			await expectDenied(getDocs(collection(fx.as(ALICE), SAFETY_COLLECTIONS.safety)));
		});
	});

	describe('bans/{uid}: the owner reads, nobody writes', () => {
		it('the banned user reads their ban → allowed', async () => {
			await fx.seed(paths.ban(ALICE), banUntil(Date.now() + 3_600_000));
			await expectAllowed(getDoc(doc(fx.as(ALICE), paths.ban(ALICE))));
		});
		it('a user with no ban reads their (missing) ban → allowed', async () => {
			await expectAllowed(getDoc(doc(fx.as(ALICE), paths.ban(ALICE))));
		});
		it("another user reads alice's ban → denied", async () => {
			await fx.seed(paths.ban(ALICE), banUntil(Date.now() + 3_600_000));
			await expectDenied(getDoc(doc(fx.as(MALLORY), paths.ban(ALICE))));
		});
		it('signed out → denied', async () => {
			await fx.seed(paths.ban(ALICE), banUntil(Date.now() + 3_600_000));
			await expectDenied(getDoc(doc(fx.signedOut(), paths.ban(ALICE))));
		});
		it('anyone lists bans → denied', async () => {
			await expectDenied(getDocs(collection(fx.as(ALICE), SAFETY_COLLECTIONS.bans)));
		});
		it('forged: the banned user shortens their ban → denied', async () => {
			await fx.seed(paths.ban(ALICE), banUntil(Date.now() + 3_600_000));
			await expectDenied(updateDoc(doc(fx.as(ALICE), paths.ban(ALICE)), { until: Timestamp.fromMillis(0) }));
		});
		it('the banned user deletes their ban → denied', async () => {
			await fx.seed(paths.ban(ALICE), banUntil(Date.now() + 3_600_000));
			await expectDenied(deleteDoc(doc(fx.as(ALICE), paths.ban(ALICE))));
		});
		it('forged: someone bans another user → denied', async () => {
			await expectDenied(setDoc(doc(fx.as(MALLORY), paths.ban(ALICE)), banUntil(Date.now() + 3_600_000)));
		});
	});

	describe('limits/{uid}: the upload counter', () => {
		const counter = (db = fx.as(ALICE)) => doc(db, paths.limits(ALICE));
		it('the owner reads it → allowed', async () => {
			await fx.seed(paths.limits(ALICE), expiredUploadWindow());
			await expectAllowed(getDoc(counter()));
		});
		it('another user reads it → denied', async () => {
			await fx.seed(paths.limits(ALICE), expiredUploadWindow());
			await expectDenied(getDoc(counter(fx.as(MALLORY))));
		});
		it('anyone lists counters → denied', async () => {
			await expectDenied(getDocs(collection(fx.as(ALICE), SAFETY_COLLECTIONS.limits)));
		});
		it('the owner opens a first window → allowed', async () => {
			await expectAllowed(setDoc(counter(), uploadWindowOpening()));
		});
		it('the owner opens a new window after the last one ended → allowed', async () => {
			await fx.seed(paths.limits(ALICE), expiredUploadWindow());
			await expectAllowed(setDoc(counter(), uploadWindowOpening()));
		});
		it('forged: reopening a window that is still open (resetting the count) → denied', async () => {
			await expectAllowed(setDoc(counter(), uploadWindowOpening()));
			await expectDenied(setDoc(counter(), uploadWindowOpening()));
		});
		it('counting one more inside the window → allowed', async () => {
			await expectAllowed(setDoc(counter(), uploadWindowOpening()));
			const open = await getDoc(counter());
			await expectAllowed(setDoc(counter(), { windowStartAt: open.get('windowStartAt'), uploads: 2, lastUploadAt: serverTimestamp(), lastFileId: FILE_ID }));
		});
		it('forged: counting down inside the window → denied', async () => {
			await expectAllowed(setDoc(counter(), uploadWindowOpening()));
			const open = await getDoc(counter());
			await expectDenied(setDoc(counter(), { windowStartAt: open.get('windowStartAt'), uploads: 0, lastUploadAt: serverTimestamp(), lastFileId: FILE_ID }));
		});
		it('forged: moving the window start back → denied', async () => {
			await expectAllowed(setDoc(counter(), uploadWindowOpening()));
			await expectDenied(setDoc(counter(), { windowStartAt: Timestamp.fromMillis(0), uploads: 2, lastUploadAt: serverTimestamp(), lastFileId: FILE_ID }));
		});
		it(`beyond ${SAFETY_LIMITS.uploads.max} in a window → denied`, async () => {
			const start = Timestamp.now();
			await fx.seed(paths.limits(ALICE), { windowStartAt: start, uploads: SAFETY_LIMITS.uploads.max, lastUploadAt: start, lastFileId: FILE_ID });
			await expectDenied(setDoc(counter(), { windowStartAt: start, uploads: SAFETY_LIMITS.uploads.max + 1, lastUploadAt: serverTimestamp(), lastFileId: FILE_ID }));
		});
		it('unknown extra field → denied', async () => {
			await expectDenied(setDoc(counter(), { ...uploadWindowOpening(), bonus: 10 }));
		});
		it('wrong type: uploads a string → denied', async () => {
			await expectDenied(setDoc(counter(), { ...uploadWindowOpening(), uploads: '1' }));
		});
		it("another user writes alice's counter → denied", async () => {
			await expectDenied(setDoc(counter(fx.as(MALLORY)), uploadWindowOpening()));
		});
		it('signed out → denied', async () => {
			await expectDenied(setDoc(counter(fx.signedOut()), uploadWindowOpening()));
		});
		it('the owner deletes the counter (to reset it) → denied', async () => {
			await fx.seed(paths.limits(ALICE), expiredUploadWindow());
			await expectDenied(deleteDoc(counter()));
		});
	});
});
