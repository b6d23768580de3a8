// GET /api/status, the operator's view, through the Hosting rewrite on the emulators:
// refused without credentials, with a wrong token, to a user without the admin claim and
// for other methods; with the status token or an admin's ID token it counts what is there.
import { readFileSync } from 'node:fs';
import { getAuth } from 'firebase-admin/auth';
import { Timestamp } from 'firebase-admin/firestore';
import { beforeEach, expect, it } from 'vitest';
import { adminDb, clearFirestore } from '../support/admin';
import { describeWithEmulators, emulatorHosts } from '../support/emulators';

const STATUS_URL = 'http://127.0.0.1:5050/api/status';

/** The emulator's STATUS_TOKEN, read where the Functions emulator reads it. */
function demoStatusToken(): string {
	const file = readFileSync(new URL('../../functions/.secret.local', import.meta.url), 'utf8');
	const value = /^STATUS_TOKEN=(.+)$/m.exec(file)?.[1]?.trim();
	if (!value) throw new Error('functions/.secret.local has no STATUS_TOKEN');
	return value;
}

/** An ID token for a fresh email user, with the given custom claims (REST, as a browser would sign in). */
async function idTokenWithClaims(claims: Record<string, unknown>): Promise<string> {
	adminDb(); // initialises the admin app
	const email = `op-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
	const user = await getAuth().createUser({ email, password: 'operator-pass-1' });
	await getAuth().setCustomUserClaims(user.uid, claims);
	const res = await fetch(
		`http://${emulatorHosts.auth}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-api-key`,
		{ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password: 'operator-pass-1', returnSecureToken: true }) }
	);
	const body = (await res.json()) as { idToken?: string };
	if (!body.idToken) throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
	return body.idToken;
}

const get = (headers: Record<string, string> = {}, method = 'GET') => fetch(STATUS_URL, { method, headers });

describeWithEmulators(['firestore', 'auth', 'functions'], 'GET /api/status (operator view)', () => {
	beforeEach(clearFirestore);

	it('is refused without credentials (401), with a wrong token (403), and for POST (405)', async () => {
		const none = await get();
		expect(none.status).toBe(401);
		expect(none.headers.get('www-authenticate')).toBe('Bearer');
		expect(await none.json()).toEqual({ error: expect.stringMatching(/Authorization: Bearer/) });

		const wrong = await get({ Authorization: `Bearer ${demoStatusToken()}x` });
		expect(wrong.status).toBe(403);
		const basic = await get({ Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` });
		expect(basic.status).toBe(401);

		const post = await get({ Authorization: `Bearer ${demoStatusToken()}` }, 'POST');
		expect(post.status).toBe(405);
		expect(post.headers.get('allow')).toBe('GET');
	});

	it("is refused to a signed-in user without the admin claim, even one who set other claims", async () => {
		const res = await get({ Authorization: `Bearer ${await idTokenWithClaims({ role: 'admin', admin: 'true' })}` });
		expect(res.status).toBe(403);
	});

	it('with the status token, counts who is online and waiting per mode, calls, matches, reports and bans', async () => {
		const now = Date.now();
		const db = adminDb();
		// Every waiting entry in a pool of its own (mode, language), so the matchmaker,
		// which these writes trigger, pairs nobody.
		const entry = (mode: string, status: string, heartbeatAgoMs = 1000, language: string | null = null) => ({
			status,
			mode,
			interests: [],
			language,
			patience: 0,
			joinedAt: Timestamp.fromMillis(now - 30_000),
			heartbeatAt: Timestamp.fromMillis(now - heartbeatAgoMs)
		});
		const call = (status: string, createdAgoMs: number) => ({
			members: ['m1', 'm2'],
			offerer: 'm1',
			mode: 'text',
			commonInterests: [],
			status,
			createdAt: Timestamp.fromMillis(now - createdAgoMs),
			endedBy: null,
			endedAt: null
		});
		await Promise.all([
			db.doc('lobby/w1').set(entry('text', 'waiting', 1000, 'en')),
			db.doc('lobby/w2').set(entry('text', 'waiting', 1000, 'de')),
			db.doc('lobby/w3').set(entry('video', 'waiting')),
			db.doc('lobby/stale').set(entry('audio', 'waiting', 120_000)), // a vanished page
			db.doc('lobby/gone').set(entry('text', 'left')),
			db.doc('lobby/m1').set({ ...entry('text', 'matched'), callId: 'c1', matchedAt: Timestamp.now() }),
			db.doc('lobby/m2').set({ ...entry('text', 'matched'), callId: 'c1', matchedAt: Timestamp.now() }),
			db.doc('calls/c1').set(call('active', 20_000)),
			db.doc('calls/c2').set(call('active', 5 * 60_000)),
			db.doc('calls/c3').set({ ...call('ended', 10_000), endedBy: 'm1', endedAt: Timestamp.now() }),
			db.doc('reports/r1').set({ callId: 'c3', reporter: 'm1', reported: 'm2', reason: 'spam', note: '', createdAt: Timestamp.fromMillis(now - 60_000) }),
			db.doc('reports/r0').set({ callId: 'c0', reporter: 'm1', reported: 'x', reason: 'spam', note: '', createdAt: Timestamp.fromMillis(now - 2 * 3_600_000) }),
			db.doc('bans/x').set({ reason: 'reports', reporters: 3, createdAt: Timestamp.fromMillis(now - 30 * 60_000), until: Timestamp.fromMillis(now + 3_600_000) })
		]);

		const res = await get({ Authorization: `Bearer ${demoStatusToken()}` });

		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('no-store');
		const body = (await res.json()) as Record<string, unknown>;
		expect(body).toEqual({
			countedAtMs: expect.any(Number),
			online: 5, // 3 waiting with a live heartbeat + 2 in a call
			waiting: { text: 2, video: 1, audio: 0 },
			activeCalls: 2,
			matchesLastMinute: 2, // c1 and c3 were created in the last minute
			reportsLastHour: 1,
			bansLastHour: 1
		});
	});

	it("with an admin's ID token (custom claim admin: true) → 200", async () => {
		const res = await get({ Authorization: `Bearer ${await idTokenWithClaims({ admin: true })}` });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ online: 0, activeCalls: 0, waiting: { text: 0, video: 0, audio: 0 } });
	});
});

