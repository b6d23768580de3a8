// storage.rules: calls/{callId}/{uid}/{fileId}. A member of a live call uploads to their
// own folder (size and type limited); both members read while the call is on; the
// uploader deletes their own files. Everything else is refused. Needs the Storage
// emulator (and Firestore, whose call document the rules read); skips loudly without it.
import { describe, it } from 'vitest';
import type { AllowedContentType, SharedFileStatus } from '$shared/files';
import { describeWithEmulators } from '../support/emulators';
import {
	activeCall,
	ALICE,
	type CallSeed,
	ALLOWED_CONTENT_TYPES,
	BOB,
	bytes,
	CALL_ID,
	endedCall,
	expectAllowed,
	expectDenied,
	FILE_LIMITS,
	fileAnnouncement,
	fileEntry,
	MALLORY,
	paths,
	put,
	sweptCall,
	UNSAFE_CONTENT_TYPES,
	useStorageRulesFixture
} from './fixtures';

describeWithEmulators(['storage', 'firestore'], 'storage.rules: calls/{callId}/{uid}/{fileId}', () => {
	const fx = useStorageRulesFixture();
	const PNG = 'image/png';
	const liveCall = () => fx.seedDoc(paths.call(), activeCall());
	/** alice's file, stored as the Admin SDK would, in a call in the given state, its entry in the given state. */
	const seedAliceFile = async (call: CallSeed = activeCall(), status: SharedFileStatus = 'ready') => {
		await fx.seedDoc(paths.call(), call);
		await fx.seedDoc(paths.file(), fileEntry(status));
		await fx.seedObject(paths.object(ALICE), bytes(100), PNG);
	};
	/**
	 * An upload as the app makes it: announced in Firestore first (seeded here, as the
	 * announcement has its own rules tests), by the uploader the path names, for exactly
	 * these bytes; then the bytes go up as `caller`.
	 */
	const announceThenPut = async (caller: string, path: string, data: Uint8Array, contentType?: string) => {
		const [, callId, uploader, fileId] = path.split('/');
		if (callId && uploader && fileId) {
			await fx.seedDoc(paths.file(fileId, callId), fileAnnouncement(uploader, {
				size: data.length,
				contentType: (contentType ?? 'image/png') as AllowedContentType,
				storagePath: path
			}));
		}
		return put(fx.as(caller), path, data, contentType);
	};
	const metadataAs = (caller: string, path = paths.object(ALICE)) => fx.as(caller).ref(path).getMetadata();

	describe('create (upload)', () => {
		it('a member uploads to their own folder → allowed', async () => {
			await liveCall();
			await expectAllowed(announceThenPut(ALICE, paths.object(ALICE), bytes(100), PNG));
		});

		it('the other member uploads to theirs → allowed', async () => {
			await liveCall();
			await expectAllowed(announceThenPut(BOB, paths.object(BOB), bytes(100), PNG));
		});

		it(`exactly FILE_LIMITS.maxBytes (${FILE_LIMITS.maxBytes}) → allowed`, async () => {
			await liveCall();
			await expectAllowed(announceThenPut(ALICE, paths.object(ALICE), bytes(FILE_LIMITS.maxBytes), 'application/pdf'));
		});

		it('every allowed content type → allowed', async () => {
			await liveCall();
			for (const [i, type] of ALLOWED_CONTENT_TYPES.entries()) {
				await expectAllowed(announceThenPut(ALICE, paths.object(ALICE, `file-${i}`), bytes(10), type));
			}
		});

		it('a non-member uploads to their own folder under the call → denied', async () => {
			await liveCall();
			await expectDenied(announceThenPut(MALLORY, paths.object(MALLORY), bytes(100), PNG));
		});

		it("a non-member uploads into alice's folder → denied", async () => {
			await liveCall();
			await expectDenied(announceThenPut(MALLORY, paths.object(ALICE), bytes(100), PNG));
		});

		it('signed out → denied', async () => {
			await liveCall();
			await expectDenied(put(fx.signedOut(), paths.object(ALICE), bytes(100), PNG));
		});

		it("forged: alice uploads into bob's folder → denied", async () => {
			await liveCall();
			await expectDenied(announceThenPut(ALICE, paths.object(BOB), bytes(100), PNG));
		});

		it(`oversized: ${FILE_LIMITS.maxBytes + 1} bytes → denied`, async () => {
			await liveCall();
			await expectDenied(announceThenPut(ALICE, paths.object(ALICE), bytes(FILE_LIMITS.maxBytes + 1), 'application/pdf'));
		});

		it('an empty file → denied', async () => {
			await liveCall();
			await expectDenied(announceThenPut(ALICE, paths.object(ALICE), bytes(0), PNG));
		});

		for (const type of UNSAFE_CONTENT_TYPES) {
			it(`wrong content type: ${type} → denied`, async () => {
				await liveCall();
				await expectDenied(announceThenPut(ALICE, paths.object(ALICE), bytes(100), type));
			});
		}

		it('no content type → denied', async () => {
			await liveCall();
			await expectDenied(announceThenPut(ALICE, paths.object(ALICE), bytes(100)));
		});

		it('after the call ended → denied', async () => {
			await fx.seedDoc(paths.call(), endedCall());
			await expectDenied(announceThenPut(ALICE, paths.object(ALICE), bytes(100), PNG));
		});

		it('after the sweeper ended the call → denied', async () => {
			await fx.seedDoc(paths.call(), sweptCall());
			await expectDenied(announceThenPut(BOB, paths.object(BOB), bytes(100), PNG));
		});

		it('in a call that does not exist → denied', async () => {
			await expectDenied(announceThenPut(ALICE, paths.object(ALICE, 'file-1', 'no-such-call'), bytes(100), PNG));
		});

		it('without an announcement in Firestore (bypassing the upload limit) → denied', async () => {
			await liveCall();
			await expectDenied(put(fx.as(ALICE), paths.object(ALICE), bytes(100), PNG));
		});

		it('bytes larger than announced → denied', async () => {
			await liveCall();
			await fx.seedDoc(paths.file(), fileAnnouncement(ALICE, { size: 100 }));
			await expectDenied(put(fx.as(ALICE), paths.object(ALICE), bytes(5000), PNG));
		});

		it('a type other than announced → denied', async () => {
			await liveCall();
			await fx.seedDoc(paths.file(), fileAnnouncement(ALICE, { size: 100, contentType: 'application/pdf' }));
			await expectDenied(put(fx.as(ALICE), paths.object(ALICE), bytes(100), PNG));
		});

		it('an announcement already marked canceled → denied', async () => {
			await liveCall();
			await fx.seedDoc(paths.file(), { ...fileEntry('canceled'), size: 100 });
			await expectDenied(put(fx.as(ALICE), paths.object(ALICE), bytes(100), PNG));
		});

		it('replacing an uploaded file → denied', async () => {
			await seedAliceFile();
			await expectDenied(announceThenPut(ALICE, paths.object(ALICE), bytes(200), PNG));
		});

		it('outside a call folder (bucket root, a deeper path) → denied', async () => {
			await liveCall();
			await expectDenied(announceThenPut(ALICE, 'cat.png', bytes(100), PNG));
			await expectDenied(announceThenPut(ALICE, `calls/${CALL_ID}/${ALICE}/sub/cat.png`, bytes(100), PNG));
			await expectDenied(announceThenPut(ALICE, `calls/${CALL_ID}/cat.png`, bytes(100), PNG));
		});
	});

	describe('get (download)', () => {
		it('the partner downloads during the call → allowed', async () => {
			await seedAliceFile();
			await expectAllowed(metadataAs(BOB));
		});

		it('the uploader reads it back → allowed', async () => {
			await seedAliceFile();
			await expectAllowed(metadataAs(ALICE));
		});

		it('a non-member → denied', async () => {
			await seedAliceFile();
			await expectDenied(metadataAs(MALLORY));
		});

		it('signed out → denied', async () => {
			await seedAliceFile();
			await expectDenied(fx.signedOut().ref(paths.object(ALICE)).getMetadata());
		});

		it('a member, after the call ended → denied', async () => {
			await seedAliceFile(endedCall());
			await expectDenied(metadataAs(BOB));
		});

		it("the partner, while the entry still says 'uploading' → denied", async () => {
			await seedAliceFile(activeCall(), 'uploading');
			await expectDenied(metadataAs(BOB));
		});

		it("the partner, after the uploader canceled it → denied", async () => {
			await seedAliceFile(activeCall(), 'canceled');
			await expectDenied(metadataAs(BOB));
		});

		it('bytes without a file entry → denied', async () => {
			await fx.seedDoc(paths.call(), activeCall());
			await fx.seedObject(paths.object(ALICE), bytes(100), PNG);
			await expectDenied(metadataAs(BOB));
		});
	});

	describe('list', () => {
		it("a member lists the call's folder → denied", async () => {
			await seedAliceFile();
			await expectDenied(fx.as(BOB).ref(`calls/${CALL_ID}/${ALICE}`).listAll());
		});

		it('a signed-in user lists all calls → denied', async () => {
			await seedAliceFile();
			await expectDenied(fx.as(MALLORY).ref('calls').listAll());
		});
	});

	describe('update (metadata)', () => {
		it('the uploader relabels the file as a web page → denied', async () => {
			await seedAliceFile();
			await expectDenied(fx.as(ALICE).ref(paths.object(ALICE)).updateMetadata({ contentType: 'text/html' }));
		});
	});

	describe('delete', () => {
		it('the uploader deletes their file (a canceled upload) → allowed', async () => {
			await seedAliceFile(activeCall(), 'canceled');
			await expectAllowed(fx.as(ALICE).ref(paths.object(ALICE)).delete());
		});

		it("the uploader deletes bytes whose entry still says 'uploading' (to upload them again) → denied", async () => {
			await seedAliceFile(activeCall(), 'uploading');
			await expectDenied(fx.as(ALICE).ref(paths.object(ALICE)).delete());
		});

		it('one announcement, uploaded twice by deleting in between → the second upload denied', async () => {
			await liveCall();
			await expectAllowed(announceThenPut(ALICE, paths.object(ALICE), bytes(100), PNG));
			await fx.seedDoc(paths.file(), fileEntry('canceled'));
			await expectAllowed(fx.as(ALICE).ref(paths.object(ALICE)).delete());
			await expectDenied(put(fx.as(ALICE), paths.object(ALICE), bytes(100), PNG));
		});

		it("the partner deletes alice's file → denied", async () => {
			await seedAliceFile(activeCall(), 'canceled');
			await expectDenied(fx.as(BOB).ref(paths.object(ALICE)).delete());
		});

		it('a non-member → denied', async () => {
			await seedAliceFile();
			await expectDenied(fx.as(MALLORY).ref(paths.object(ALICE)).delete());
		});

		it('signed out → denied', async () => {
			await seedAliceFile();
			await expectDenied(fx.signedOut().ref(paths.object(ALICE)).delete());
		});
	});
});
