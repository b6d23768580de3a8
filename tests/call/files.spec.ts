// Shared files' Firestore entries on the emulator suite: written through the app's own
// module (rules enforced), seen by the partner, and deleted by callCleanup when the call
// ends. Storage is left out here (see tests/rules/storage.spec.ts and the files e2e); the
// cleanup function skips it, with a logged reason, when no Storage emulator runs.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { endCall } from '$lib/call/callDoc';
import { announceFile, finishFile, newFileId, watchCallFiles, type SharedFile } from '$lib/files/fileDocs';
import { storagePathFor } from '$shared/files';
import { adminDb, clearFirestore, waitFor } from '../support/admin';
import { matchedPair } from '../support/calls';
import { createUser, disposeUsers, type SimulatedUser } from '../support/clients';
import { describeWithEmulators } from '../support/emulators';

describeWithEmulators(['firestore', 'auth', 'functions'], 'shared files in Firestore', () => {
	let users: SimulatedUser[] = [];
	beforeEach(clearFirestore);
	afterEach(async () => {
		await disposeUsers(users);
		users = [];
	});

	async function call() {
		const [a, b] = (users = await Promise.all([createUser('a'), createUser('b')]));
		return matchedPair(a!, b!);
	}

	const picture = { name: 'cat.png', size: 1234, contentType: 'image/png' } as const;

	it("the partner sees a file once it is ready, with its name, size and type", async () => {
		const { callId, offerer, answerer } = await call();
		const seen: SharedFile[][] = [];
		const stop = watchCallFiles(answerer.db, callId, (files) => seen.push(files), (error) => {
			throw error;
		});

		const fileId = newFileId(offerer.db, callId);
		const path = await announceFile(offerer.db, callId, offerer.uid, fileId, picture);
		expect(path).toBe(storagePathFor(callId, offerer.uid, fileId));
		await waitFor('the partner to see the upload start', async () =>
			seen.find((files) => files.some((f) => f.id === fileId && f.status === 'uploading'))
		);
		await finishFile(offerer.db, callId, fileId, 'ready');
		const ready = await waitFor('the partner to see it ready', async () =>
			seen.flat().find((f) => f.id === fileId && f.status === 'ready')
		);
		expect(ready).toMatchObject({ ...picture, uploader: offerer.uid, storagePath: path });
		stop();
	});

	it('callCleanup deletes every file entry of the call when it ends', async () => {
		const { callId, offerer, answerer } = await call();
		const sent = newFileId(offerer.db, callId);
		await announceFile(offerer.db, callId, offerer.uid, sent, picture);
		await finishFile(offerer.db, callId, sent, 'ready');
		// One still uploading when the call ends, one abandoned.
		await announceFile(answerer.db, callId, answerer.uid, newFileId(answerer.db, callId), picture);
		const dropped = newFileId(answerer.db, callId);
		await announceFile(answerer.db, callId, answerer.uid, dropped, picture);
		await finishFile(answerer.db, callId, dropped, 'canceled');

		const files = adminDb().collection(`calls/${callId}/files`);
		expect((await files.get()).size).toBe(3);

		await endCall(offerer.db, callId, offerer.uid);
		await waitFor('the file entries to be deleted', async () => ((await files.get()).empty ? true : undefined));
		// The rest of the cleanup still ran.
		await waitFor("the members' lobby entries marked left", async () => {
			const entries = await Promise.all([offerer, answerer].map((u) => adminDb().doc(`lobby/${u.uid}`).get()));
			return entries.every((e) => e.get('status') === 'left') ? true : undefined;
		});
		// And once ended, the call takes no new files.
		await expect(announceFile(answerer.db, callId, answerer.uid, newFileId(answerer.db, callId), picture)).rejects.toMatchObject({
			code: 'permission-denied'
		});
	});
});
