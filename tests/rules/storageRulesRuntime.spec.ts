// The Storage rules runtime answers as the rules language defines, on a corpus of requests:
// examples from the Firebase docs' Storage rules pages (path ownership, size and type
// checks, resource.metadata, request.time, wildcards, list and update), the language's
// error semantics, and Tangent's own storage.rules with the Firestore lookups they make.
//
// It runs whichever runtime `npm start` would give the Storage emulator
// (scripts/emulators.mjs): on a machine without firebase-tools' downloaded jar, our adapter
// on the Google Cloud CLI's Firestore emulator jar; with that jar cached, the official one, so
// the same corpus shows they agree. Driven through firebase-tools' own client, no emulators
// needed. (The full storage.rules grid against the real emulators: storage.spec.ts.)
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageEmulatorSetup } from '../../scripts/emulators.mjs';
import { BUCKET, StorageRulesRuntimeDriver, type Verify } from '../support/storageRulesRuntime';

const setup = storageEmulatorSetup();
const describeWithRuntime = setup.env ? describe : describe.skip;
if (!setup.env) console.warn(`\n⚠️  SKIPPED the Storage rules runtime corpus: ${setup.unavailable}\n`);

const HOUR_MS = 3_600_000;
const png = (name: string, size = 1_000) => ({ name, size, contentType: 'image/png' });

describeWithRuntime('Storage rules runtime: a corpus of cases with the answers the rules language defines', () => {
	let runtime: StorageRulesRuntimeDriver;
	beforeAll(async () => {
		runtime = await StorageRulesRuntimeDriver.start(setup.env ?? {});
	}, 60_000);
	afterAll(() => runtime?.stop());

	/** Each case: the request, and whether the rules permit it. */
	async function expectVerdicts(rules: string, cases: [string, Verify, boolean][]) {
		const verify = await runtime.load(rules);
		const got: [string, boolean][] = [];
		for (const [name, request] of cases) got.push([name, (await verify(request)).permitted]);
		expect(got).toEqual(cases.map(([name, , permitted]) => [name, permitted]));
	}

	it('docs: user-private files, matched on request.auth.uid', async () => {
		// https://firebase.google.com/docs/storage/security/rules-conditions#user-private
		await expectVerdicts(
			`rules_version = '2';
			service firebase.storage {
			  match /b/{bucket}/o {
			    match /user/{userId}/{fileName} {
			      allow read, write: if request.auth != null && request.auth.uid == userId;
			    }
			  }
			}`,
			[
				['owner reads', { method: 'get', object: 'user/alice/a.png', uid: 'alice', before: png('user/alice/a.png') }, true],
				['owner writes', { method: 'create', object: 'user/alice/b.png', uid: 'alice', after: png('user/alice/b.png') }, true],
				['someone else reads', { method: 'get', object: 'user/alice/a.png', uid: 'bob', before: png('user/alice/a.png') }, false],
				['signed out reads', { method: 'get', object: 'user/alice/a.png', before: png('user/alice/a.png') }, false],
				['a deeper path matches nothing', { method: 'get', object: 'user/alice/x/a.png', uid: 'alice' }, false]
			]
		);
	});

	it('docs: size and content type of the upload (request.resource)', async () => {
		// https://firebase.google.com/docs/storage/security/rules-conditions#validate_data
		await expectVerdicts(
			`rules_version = '2';
			service firebase.storage {
			  match /b/{bucket}/o {
			    match /images/{imageId} {
			      allow write: if request.resource.size < 5 * 1024 * 1024
			                   && request.resource.contentType.matches('image/.*');
			    }
			  }
			}`,
			[
				['a small picture', { method: 'create', object: 'images/a', after: png('images/a', 1_000) }, true],
				['just under 5 MB', { method: 'create', object: 'images/a', after: png('images/a', 5 * 1024 * 1024 - 1) }, true],
				['5 MB exactly', { method: 'create', object: 'images/a', after: png('images/a', 5 * 1024 * 1024) }, false],
				['a PDF', { method: 'create', object: 'images/a', after: { name: 'images/a', size: 10, contentType: 'application/pdf' } }, false],
				['delete: no request.resource, so the condition errors', { method: 'delete', object: 'images/a', before: png('images/a') }, false]
			]
		);
	});

	it('docs: custom metadata of the stored file (resource.metadata) and its creation time against request.time', async () => {
		// https://firebase.google.com/docs/storage/security/rules-conditions#resource_evaluation
		await expectVerdicts(
			`rules_version = '2';
			service firebase.storage {
			  match /b/{bucket}/o {
			    match /shared/{fileId} {
			      allow get: if resource.metadata.owner == request.auth.uid
			                 && request.time < resource.timeCreated + duration.value(1, 'h');
			    }
			  }
			}`,
			[
				['the owner named in its metadata, fresh', { method: 'get', object: 'shared/f', uid: 'alice', before: { ...png('shared/f'), metadata: { owner: 'alice' } } }, true],
				['someone else', { method: 'get', object: 'shared/f', uid: 'bob', before: { ...png('shared/f'), metadata: { owner: 'alice' } } }, false],
				['no owner metadata', { method: 'get', object: 'shared/f', uid: 'alice', before: png('shared/f') }, false],
				[
					'the owner, but created two hours ago',
					{ method: 'get', object: 'shared/f', uid: 'alice', before: { ...png('shared/f'), metadata: { owner: 'alice' }, timeCreated: new Date(Date.now() - 2 * HOUR_MS) } },
					false
				]
			]
		);
	});

	it('docs: recursive wildcards, list, and create versus update', async () => {
		// https://firebase.google.com/docs/storage/security/core-syntax; a list is checked at the
		// folder's own path (as in firebase-tools' conformance rules: match /listAll/{allPaths=**}).
		await expectVerdicts(
			`rules_version = '2';
			service firebase.storage {
			  match /b/{bucket}/o {
			    match /public/{allPaths=**} {
			      allow read: if true;
			      allow create: if request.auth != null;
			    }
			    match /listed {
			      allow list: if request.auth != null;
			    }
			  }
			}`,
			[
				['read anything under public/', { method: 'get', object: 'public/a/b/c.png', before: png('public/a/b/c.png') }, true],
				['read outside public/: default deny', { method: 'get', object: 'private/c.png', before: png('private/c.png') }, false],
				['create under public/', { method: 'create', object: 'public/x.png', uid: 'alice', after: png('public/x.png') }, true],
				['update is not create', { method: 'update', object: 'public/x.png', uid: 'alice', before: png('public/x.png'), after: png('public/x.png') }, false],
				['delete is not create', { method: 'delete', object: 'public/x.png', uid: 'alice', before: png('public/x.png') }, false],
				['list when signed in', { method: 'list', object: 'listed', uid: 'alice' }, true],
				['list signed out', { method: 'list', object: 'listed' }, false],
				['list public/: read covers list, and ** matches the folder itself', { method: 'list', object: 'public' }, true]
			]
		);
	});

	it("firebase-tools' runtime tests: request.path, and request.resource against resource", async () => {
		// scripts/storage-emulator-integration/rules/runtime.test.ts in firebase-tools
		await expectVerdicts(
			`rules_version = '2';
			service firebase.storage {
			  match /b/{bucket}/o {
			    match /dir/{allPaths=**} {
			      allow get: if request.path[3] == 'dir' && request.path[5] == 'image.png'
			                 && request.path == path('/b/${BUCKET}/o/dir/subdir/image.png');
			    }
			    match /files/{file} {
			      allow update: if request.resource.metadata.md5 == resource.metadata.md5;
			    }
			  }
			}`,
			[
				['request.path is the whole path', { method: 'get', object: 'dir/subdir/image.png' }, true],
				['another file', { method: 'get', object: 'dir/subdir/other.png' }, false],
				[
					'same checksum',
					{ method: 'update', object: 'files/f', before: { ...png('files/f'), metadata: { md5: 'a' } }, after: { ...png('files/f'), metadata: { md5: 'a' } } },
					true
				],
				[
					'another checksum',
					{ method: 'update', object: 'files/f', before: { ...png('files/f'), metadata: { md5: 'a' } }, after: { ...png('files/f'), metadata: { md5: 'b' } } },
					false
				]
			]
		);
	});

	it('an error in one allow leaves the others to grant; an error alone denies', async () => {
		await expectVerdicts(
			`rules_version = '2';
			service firebase.storage {
			  match /b/{bucket}/o {
			    match /{fileId} {
			      allow get: if request.resource.size > 0; // no request.resource on a get: an error
			      allow get: if request.auth.uid == 'alice'; // signed out: auth is null, an error
			    }
			  }
			}`,
			[
				['alice (second allow grants)', { method: 'get', object: 'f', uid: 'alice', before: png('f') }, true],
				['bob', { method: 'get', object: 'f', uid: 'bob', before: png('f') }, false],
				['signed out (both error)', { method: 'get', object: 'f', before: png('f') }, false]
			]
		);
	});

	it('firestore.get and firestore.exists read the documents firebase-tools hands back; a missing one denies', async () => {
		await expectVerdicts(
			`rules_version = '2';
			service firebase.storage {
			  match /b/{bucket}/o {
			    match /teams/{teamId}/{fileId} {
			      allow get: if request.auth.uid in firestore.get(/databases/(default)/documents/teams/$(teamId)).data.members;
			      allow create: if firestore.exists(/databases/(default)/documents/teams/$(teamId)/editors/$(request.auth.uid));
			    }
			  }
			}`,
			[
				['a member reads', { method: 'get', object: 'teams/t1/f', uid: 'alice', documents: { 'teams/t1': { members: ['alice', 'bob'] } } }, true],
				['a non-member', { method: 'get', object: 'teams/t1/f', uid: 'mallory', documents: { 'teams/t1': { members: ['alice', 'bob'] } } }, false],
				['no team document', { method: 'get', object: 'teams/t1/f', uid: 'alice', documents: {} }, false],
				['an editor uploads', { method: 'create', object: 'teams/t1/f', uid: 'alice', after: png('teams/t1/f'), documents: { 'teams/t1/editors/alice': {} } }, true],
				['not an editor', { method: 'create', object: 'teams/t1/f', uid: 'bob', after: png('teams/t1/f'), documents: { 'teams/t1/editors/alice': {} } }, false]
			]
		);
	});

	it("Tangent's storage.rules: uploads and downloads follow the call and file documents", async () => {
		const call = (status: string) => ({ members: ['alice', 'bob'], status, createdAt: new Date() });
		const announced = (over: Record<string, unknown> = {}) => ({
			uploader: 'alice',
			storagePath: 'calls/c1/alice/f1',
			status: 'uploading',
			size: 1_000,
			contentType: 'image/png',
			...over
		});
		const object = 'calls/c1/alice/f1';
		const upload = (uid: string, documents: Verify['documents'], after = png(object)): Verify => ({
			method: 'create',
			object,
			uid,
			after,
			documents
		});
		await expectVerdicts(readFileSync('storage.rules', 'utf8'), [
			['a member uploads an announced file', upload('alice', { 'calls/c1': call('active'), 'calls/c1/files/f1': announced() }), true],
			['the call has ended', upload('alice', { 'calls/c1': call('ended'), 'calls/c1/files/f1': announced() }), false],
			['no call document', upload('alice', { 'calls/c1/files/f1': announced() }), false],
			['not announced', upload('alice', { 'calls/c1': call('active') }), false],
			['bytes other than announced', upload('alice', { 'calls/c1': call('active'), 'calls/c1/files/f1': announced({ size: 999 }) }), false],
			['into the partner\u2019s folder', upload('bob', { 'calls/c1': call('active'), 'calls/c1/files/f1': announced({ uploader: 'bob' }) }), false],
			['the partner downloads a ready file', { method: 'get', object, uid: 'bob', before: png(object), documents: { 'calls/c1': call('active'), 'calls/c1/files/f1': announced({ status: 'ready' }) } }, true],
			['the partner downloads a file still uploading', { method: 'get', object, uid: 'bob', before: png(object), documents: { 'calls/c1': call('active'), 'calls/c1/files/f1': announced() } }, false],
			['a stranger downloads', { method: 'get', object, uid: 'mallory', before: png(object), documents: { 'calls/c1': call('active'), 'calls/c1/files/f1': announced({ status: 'ready' }) } }, false],
			['a download after the call', { method: 'get', object, uid: 'bob', before: png(object), documents: { 'calls/c1': call('ended'), 'calls/c1/files/f1': announced({ status: 'ready' }) } }, false],
			['listing a call folder', { method: 'list', object: 'calls/c1/alice', uid: 'alice', documents: { 'calls/c1': call('active') } }, false]
		]);
	});

	it('rules that do not compile are refused with the compiler\u2019s message', async () => {
		const errors = await runtime.compileErrors(`rules_version = '2';
			service firebase.storage {
			  match /b/{bucket}/o {
			    match /{fileId} { allow get: if request.auth.uid == ; }
			  }
			}`);
		expect(errors.length).toBeGreaterThan(0);
		expect(errors.join('\n')).toMatch(/storage\.rules:4:/);
	});
});
