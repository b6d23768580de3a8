// GET /api/online through the Hosting rewrite: a query string the CDN has never seen
// reaches the function, which must not count again for it. Twenty requests with twenty
// random query strings are answered from one or two computations of the shared counter.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { clearFirestore } from '../support/admin';
import { describeWithEmulators } from '../support/emulators';

describeWithEmulators(['firestore', 'functions'], '/api/online under random query strings', () => {
	it('answers twenty cache-busting requests from at most two counts', async () => {
		await clearFirestore();
		const answers = await Promise.all(
			Array.from({ length: 20 }, async () => {
				const res = await fetch(`http://127.0.0.1:5050/api/online?nocache=${randomBytes(8).toString('hex')}`);
				expect(res.status).toBe(200);
				const body: unknown = await res.json();
				return Number(Reflect.get(Object(body), 'countedAtMs'));
			})
		);
		// Each function instance counts at most once per ONLINE_MAX_AGE_SECONDS (3 s on the
		// demo project): a burst sees one count per instance the emulator started, at most.
		expect(new Set(answers).size).toBeLessThanOrEqual(3);
	});
});
