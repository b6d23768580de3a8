// calls/{callId}/files/{fileId}: a member announces a file they upload to their own
// Storage folder (status 'uploading'), then marks it 'ready' or 'canceled', once, while the
// call is on. Both members get and list the entries; nobody else; nobody deletes them.
import {
	collection,
	collectionGroup,
	deleteDoc,
	doc,
	getDoc,
	getDocs,
	query,
	serverTimestamp,
	setDoc,
	Timestamp,
	updateDoc,
	where,
	writeBatch,
	type Firestore
} from 'firebase/firestore';
import { describe, expect, it } from 'vitest';
import { checkFile, fileNameFor } from '$shared/files';
import { describeWithEmulators } from '../support/emulators';
import {
	activeCall,
	ALICE,
	type CallSeed,
	ALLOWED_CONTENT_TYPES,
	BOB,
	CALL_ID,
	COLLECTIONS,
	endedCall,
	expiredUploadWindow,
	expectAllowed,
	expectDenied,
	FILE_ID,
	FILE_LIMITS,
	fileAnnouncement,
	fileEntry,
	MALLORY,
	paths,
	SAFETY_LIMITS,
	UNSAFE_CONTENT_TYPES,
	uploadWindowOpening,
	useRulesFixture
} from './fixtures';

describeWithEmulators(['firestore'], 'calls/{callId}/files/{fileId} rules', () => {
	const fx = useRulesFixture();
	const fileAs = (caller: string, fileId = FILE_ID) => doc(fx.as(caller), paths.file(fileId));
	const filesOf = (db: Firestore) => collection(db, COLLECTIONS.calls, CALL_ID, COLLECTIONS.files);
	/**
	 * An announcement as the app writes it: batched with a step of the uploader's counter
	 * (limits/{uid}). The counter is first seeded as long expired, so this opens a new
	 * window and the rules cell under test is the file's, not the rate limit's.
	 */
	const announceWith = async (db: Firestore, uploader: string, announcement: object, fileId = FILE_ID, callId = CALL_ID) => {
		await fx.seed(paths.limits(uploader), expiredUploadWindow());
		const batch = writeBatch(db);
		batch.set(doc(db, paths.file(fileId, callId)), announcement);
		batch.set(doc(db, paths.limits(uploader)), uploadWindowOpening(fileId));
		return batch.commit();
	};
	const announce = (caller: string, announcement: object, fileId = FILE_ID) =>
		announceWith(fx.as(caller), caller, announcement, fileId);
	/** The next upload as the app counts it: reads the counter, steps it, in one batch with the file. */
	const announceNext = async (db: Firestore, fileId: string) => {
		const counter = await getDoc(doc(db, paths.limits(ALICE)));
		const batch = writeBatch(db);
		batch.set(doc(db, paths.file(fileId)), fileAnnouncement(ALICE, { storagePath: paths.object(ALICE, fileId) }));
		batch.set(
			doc(db, paths.limits(ALICE)),
			counter.exists()
				? { windowStartAt: counter.get('windowStartAt'), uploads: Number(counter.get('uploads')) + 1, lastUploadAt: serverTimestamp(), lastFileId: fileId }
				: uploadWindowOpening(fileId)
		);
		return batch.commit();
	};
	/** Like announceNext, in the call `callId`: the counter is the uploader's, whatever the call. */
	const announceNextIn = async (db: Firestore, fileId: string, callId: string) => {
		const counter = await getDoc(doc(db, paths.limits(ALICE)));
		const batch = writeBatch(db);
		batch.set(doc(db, paths.file(fileId, callId)), fileAnnouncement(ALICE, { storagePath: paths.object(ALICE, fileId, callId) }));
		batch.set(
			doc(db, paths.limits(ALICE)),
			counter.exists()
				? { windowStartAt: counter.get('windowStartAt'), uploads: Number(counter.get('uploads')) + 1, lastUploadAt: serverTimestamp(), lastFileId: fileId }
				: uploadWindowOpening(fileId)
		);
		return batch.commit();
	};
	/** The call is live, and alice has announced a file in the given state. */
	const seedFile = async (status: 'uploading' | 'ready' | 'canceled', call: CallSeed = activeCall()) => {
		await fx.seed(paths.call(), call);
		await fx.seed(paths.file(), fileEntry(status));
	};

	describe('get', () => {
		it('the uploader reads the entry → allowed', async () => {
			await seedFile('ready');
			await expectAllowed(getDoc(fileAs(ALICE)));
		});

		it('the partner reads the entry → allowed', async () => {
			await seedFile('ready');
			await expectAllowed(getDoc(fileAs(BOB)));
		});

		it('a member reads it after the call ended (the bytes are unreadable by then) → allowed', async () => {
			await seedFile('ready', endedCall());
			await expectAllowed(getDoc(fileAs(BOB)));
		});

		it('a non-member reads it → denied', async () => {
			await seedFile('ready');
			await expectDenied(getDoc(fileAs(MALLORY)));
		});

		it('signed out → denied', async () => {
			await seedFile('ready');
			await expectDenied(getDoc(doc(fx.signedOut(), paths.file())));
		});

		it('an entry under a call that does not exist → denied', async () => {
			await fx.seed(paths.file(FILE_ID, 'no-such-call'), fileEntry('ready'));
			await expectDenied(getDoc(doc(fx.as(ALICE), paths.file(FILE_ID, 'no-such-call'))));
		});
	});

	describe('list', () => {
		it('the partner lists the call’s files (as the app watches them) → allowed', async () => {
			await seedFile('ready');
			await expectAllowed(getDocs(filesOf(fx.as(BOB))));
		});

		it('the partner queries only ready files → allowed', async () => {
			await seedFile('ready');
			await expectAllowed(getDocs(query(filesOf(fx.as(BOB)), where('status', '==', 'ready'))));
		});

		it('a non-member lists the call’s files → denied', async () => {
			await seedFile('ready');
			await expectDenied(getDocs(filesOf(fx.as(MALLORY))));
		});

		it('signed out lists them → denied', async () => {
			await seedFile('ready');
			await expectDenied(getDocs(filesOf(fx.signedOut())));
		});

		it('a member lists files across all calls (collection group) → denied', async () => {
			await seedFile('ready');
			await expectDenied(getDocs(collectionGroup(fx.as(ALICE), COLLECTIONS.files)));
		});
	});

	describe('create', () => {
		it('a member announces an upload to their own folder → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(announce(ALICE, fileAnnouncement(ALICE)));
		});

		it('the other member does the same → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(announce(BOB, fileAnnouncement(BOB)));
		});

		it(`size of exactly FILE_LIMITS.maxBytes (${FILE_LIMITS.maxBytes}) → allowed`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(announce(ALICE, fileAnnouncement(ALICE, { size: FILE_LIMITS.maxBytes })));
		});

		it(`a name of exactly ${FILE_LIMITS.nameMaxChars} chars → allowed`, async () => {
			await fx.seed(paths.call(), activeCall());
			const name = `${'n'.repeat(FILE_LIMITS.nameMaxChars - 4)}.pdf`;
			await expectAllowed(announce(ALICE, fileAnnouncement(ALICE, { name, contentType: 'application/pdf' })));
		});

		it('every allowed content type → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			for (const [i, contentType] of ALLOWED_CONTENT_TYPES.entries()) {
				const fileId = `file-${i}`;
				const name = fileNameFor('cat', contentType);
				const announcement = fileAnnouncement(ALICE, { name, contentType, storagePath: paths.object(ALICE, fileId) });
				await expectAllowed(announce(ALICE, announcement, fileId));
			}
		});

		it('a non-member announces a file in the call → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(MALLORY, fileAnnouncement(MALLORY)));
		});

		it('signed out → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announceWith(fx.signedOut(), ALICE, fileAnnouncement(ALICE)));
		});

		it('after the call ended → denied', async () => {
			await fx.seed(paths.call(), endedCall());
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE)));
		});

		it('in a call that does not exist → denied', async () => {
			const announcement = fileAnnouncement(ALICE, { storagePath: paths.object(ALICE, FILE_ID, 'no-such-call') });
			await expectDenied(announceWith(fx.as(ALICE), ALICE, announcement, FILE_ID, 'no-such-call'));
		});

		it('forged: alice names bob as the uploader (of bytes in her own folder) → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { uploader: BOB })));
		});

		it("forged: the bytes in the partner's folder → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { storagePath: paths.object(BOB) })));
		});

		it('forged: the bytes under another call → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			const storagePath = paths.object(ALICE, FILE_ID, 'call-2');
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { storagePath })));
		});

		it('forged: the bytes under another file id → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			const storagePath = paths.object(ALICE, 'file-2');
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { storagePath })));
		});

		it('forged: the bytes outside calls/ → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { storagePath: 'avatars/x.png' })));
		});

		it(`oversized: ${FILE_LIMITS.maxBytes + 1} bytes → denied`, async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { size: FILE_LIMITS.maxBytes + 1 })));
		});

		it('an empty file (size 0) → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { size: 0 })));
		});

		it('wrong type: size not a whole number → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { size: 12.5 })));
		});

		it('wrong type: size a string → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(ALICE, { ...fileAnnouncement(ALICE), size: '1234' }));
		});

		for (const contentType of UNSAFE_CONTENT_TYPES) {
			it(`wrong content type: ${contentType} → denied`, async () => {
				await fx.seed(paths.call(), activeCall());
				await expectDenied(announce(ALICE, { ...fileAnnouncement(ALICE), contentType }));
			});
		}

		it('an empty name → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { name: '' })));
		});

		it(`a name of ${FILE_LIMITS.nameMaxChars + 1} chars → denied`, async () => {
			await fx.seed(paths.call(), activeCall());
			const name = 'n'.repeat(FILE_LIMITS.nameMaxChars + 1);
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { name })));
		});

		for (const [what, name] of [
			['a path', '../../etc/passwd'],
			['a backslash', 'C:\\evil.png'],
			['a reserved character', 'what?.png'],
			['a control character', 'new\nline.png'],
			['a right-to-left override', `cat${String.fromCharCode(0x202e)}gnp.exe`],
			['a doubled space', 'cat  photo.png'],
			['a no-break space', 'cat\u00A0photo.png'],
			['a leading dot', '.cat.png'],
			['a space before the extension', 'cat .png']
		] as const) {
			it(`a name with ${what} → denied`, async () => {
				await fx.seed(paths.call(), activeCall());
				await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { name })));
			});
		}

		// The names an attacker sent: each was accepted before, and would save as a program or a page.
		for (const [name, contentType] of [
			['invoice.pdf.exe', 'application/pdf'],
			[`photo.jpg${' '.repeat(85)}.exe`, 'image/jpeg'],
			['open-me.html', 'text/plain'],
			['..', 'image/png'],
			['cat.png', 'image/jpeg'],
			['cat', 'image/png']
		] as const) {
			it(`${JSON.stringify(name.replace(/ {2,}/, (m) => `<${m.length} spaces>`))} as ${contentType} → denied`, async () => {
				await fx.seed(paths.call(), activeCall());
				await expectDenied(announce(ALICE, fileAnnouncement(ALICE, { name, contentType })));
			});
		}

		it('an upper-case extension of the declared type (HOLIDAY.JPG as image/jpeg) → allowed', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectAllowed(announce(ALICE, fileAnnouncement(ALICE, { name: 'HOLIDAY.JPG', contentType: 'image/jpeg' })));
		});

		it("announced as already 'ready' → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(ALICE, { ...fileAnnouncement(ALICE), status: 'ready' }));
		});

		it('forged: a client-chosen createdAt instead of serverTimestamp → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(ALICE, { ...fileAnnouncement(ALICE), createdAt: Timestamp.fromMillis(0) }));
		});

		it('unknown extra field → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(announce(ALICE, { ...fileAnnouncement(ALICE), url: 'https://example.com/x' }));
		});

		it('a field missing → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			const { contentType: _, ...withoutType } = fileAnnouncement(ALICE);
			await expectDenied(announce(ALICE, withoutType));
		});

		it('an announcement without a step of the upload counter → denied', async () => {
			await fx.seed(paths.call(), activeCall());
			await expectDenied(setDoc(fileAs(ALICE), fileAnnouncement(ALICE)));
		});

		it("an announcement counted on someone else's counter → denied", async () => {
			await fx.seed(paths.call(), activeCall());
			const db = fx.as(ALICE);
			const batch = writeBatch(db);
			batch.set(doc(db, paths.file()), fileAnnouncement(ALICE));
			batch.set(doc(db, paths.limits(BOB)), uploadWindowOpening());
			await expectDenied(batch.commit());
		});

		it(`the ${SAFETY_LIMITS.uploads.max + 1}th upload within ${SAFETY_LIMITS.uploads.windowMs / 1000} s → denied`, async () => {
			await fx.seed(paths.call(), activeCall());
			const db = fx.as(ALICE);
			for (let i = 1; i <= SAFETY_LIMITS.uploads.max; i++) {
				await expectAllowed(announceNext(db, `file-${i}`));
			}
			await expectDenied(announceNext(db, 'one-too-many'));
		});

		it('the upload budget is per person: two calls at once do not double it', async () => {
			// The rules allow one active call per person (lobbySafety.spec.ts); even if two
			// were live, announcements in both step the same counter.
			await fx.seed(paths.call(), activeCall());
			await fx.seed(paths.call('call-2'), activeCall());
			const db = fx.as(ALICE);
			for (let i = 1; i <= SAFETY_LIMITS.uploads.max; i++) {
				await expectAllowed(announceNextIn(db, `file-${i}`, i % 2 === 0 ? 'call-2' : CALL_ID));
			}
			await expectDenied(announceNextIn(db, 'one-too-many', 'call-2'));
		});

		it('overwriting an existing entry (setDoc again) → denied', async () => {
			await seedFile('ready');
			await expectDenied(announce(ALICE, fileAnnouncement(ALICE)));
		});
	});

	describe('update', () => {
		it("the uploader marks the file 'ready' → allowed", async () => {
			await seedFile('uploading');
			await expectAllowed(updateDoc(fileAs(ALICE), { status: 'ready' }));
		});

		it("the uploader marks the file 'canceled' → allowed", async () => {
			await seedFile('uploading');
			await expectAllowed(updateDoc(fileAs(ALICE), { status: 'canceled' }));
		});

		it("forged: the partner marks alice's file ready → denied", async () => {
			await seedFile('uploading');
			await expectDenied(updateDoc(fileAs(BOB), { status: 'ready' }));
		});

		it('a non-member marks it ready → denied', async () => {
			await seedFile('uploading');
			await expectDenied(updateDoc(fileAs(MALLORY), { status: 'ready' }));
		});

		it('signed out → denied', async () => {
			await seedFile('uploading');
			await expectDenied(updateDoc(doc(fx.signedOut(), paths.file()), { status: 'ready' }));
		});

		it('ready → canceled (the partner may have it already) → denied', async () => {
			await seedFile('ready');
			await expectDenied(updateDoc(fileAs(ALICE), { status: 'canceled' }));
		});

		it('canceled → ready → denied', async () => {
			await seedFile('canceled');
			await expectDenied(updateDoc(fileAs(ALICE), { status: 'ready' }));
		});

		it("an unknown status ('deleted') → denied", async () => {
			await seedFile('uploading');
			await expectDenied(updateDoc(fileAs(ALICE), { status: 'deleted' }));
		});

		it('ready, with a bigger size in the same write → denied', async () => {
			await seedFile('uploading');
			await expectDenied(updateDoc(fileAs(ALICE), { status: 'ready', size: 5000 }));
		});

		it('renaming the file → denied', async () => {
			await seedFile('uploading');
			await expectDenied(updateDoc(fileAs(ALICE), { name: 'dog.png' }));
		});

		it('after the call ended → denied', async () => {
			await seedFile('uploading', endedCall());
			await expectDenied(updateDoc(fileAs(ALICE), { status: 'ready' }));
		});
	});

	describe('delete', () => {
		it('the uploader deletes the entry → denied', async () => {
			await seedFile('ready');
			await expectDenied(deleteDoc(fileAs(ALICE)));
		});

		it('the partner deletes it → denied', async () => {
			await seedFile('ready');
			await expectDenied(deleteDoc(fileAs(BOB)));
		});

		it('a non-member deletes it → denied', async () => {
			await seedFile('ready');
			await expectDenied(deleteDoc(fileAs(MALLORY)));
		});
	});

	describe('the app’s own checks agree with the rules', () => {
		// Whatever checkFile accepts, the rules must accept: names as people have them.
		const picked = [
			{ name: '../../Holiday  Photo (1).JPG', size: 4096, type: 'image/jpeg' },
			{ name: `${'Ä'.repeat(300)}.docx`, size: 1, type: '' },
			{ name: `bill\u0000${String.fromCharCode(0x202e)}fdp.exe.pdf`, size: FILE_LIMITS.maxBytes, type: 'application/pdf' },
			{ name: 'C:\\fakepath\\voice memo.m4a', size: 77, type: 'audio/x-m4a' },
			{ name: '???', size: 5, type: 'text/plain' },
			// The attacker's names, as the app would send them: with the type's own extension added.
			{ name: 'invoice.pdf.exe', size: 5, type: 'application/pdf' },
			{ name: `photo.jpg${' '.repeat(85)}.exe`, size: 5, type: 'image/jpeg' },
			{ name: 'open-me.html', size: 5, type: 'text/plain' }
		];
		for (const [i, file] of picked.entries()) {
			it(`checkFile(${JSON.stringify(file.name.slice(0, 30))}) → announcement allowed`, async () => {
				await fx.seed(paths.call(), activeCall());
				const check = checkFile(file);
				if (!check.ok) throw new Error(check.message);
				expect(check.name).toBe(fileNameFor(file.name, check.contentType));
				const fileId = `picked-${i}`;
				const announcement = fileAnnouncement(ALICE, {
					name: check.name,
					size: file.size,
					contentType: check.contentType,
					storagePath: paths.object(ALICE, fileId)
				});
				await expectAllowed(announce(ALICE, announcement, fileId));
			});
		}
	});
});
