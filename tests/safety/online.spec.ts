// GET /api/online through the Hosting rewrite: a query string the CDN has never seen
// reaches the function, which must not count again for it. Twenty requests with twenty
// random query strings are answered from one or two computations of the shared counter.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { clearFirestore } from '../support/admin';
import { describeWithEmulators } from '../support/emulators';

describeWithEmulators(['firestore', 'functions'], '/api/online under random query strings', () => {
	it('answers twenty cache-busting requests from a count bounded by time, not by requests', async () => {
		await clearFirestore();
		// One after another, so one warm instance answers (how many instances a parallel burst
		// starts is the emulator's choice, which made a count per instance a flaky bound).
		const started = Date.now();
		const answers: number[] = [];
		for (let i = 0; i < 20; i++) {
			const res = await fetch(`http://127.0.0.1:5050/api/online?nocache=${randomBytes(8).toString('hex')}`);
			expect(res.status).toBe(200);
			const body: unknown = await res.json();
			answers.push(Number(Reflect.get(Object(body), 'countedAtMs')));
		}
		// An instance counts at most once per ONLINE_MAX_AGE_SECONDS (3 s on the demo project),
		// whatever the query string: twenty new URLs must not mean twenty counts.
		const periods = Math.ceil((Date.now() - started) / 3_000) + 1;
		expect(new Set(answers).size).toBeLessThanOrEqual(Math.min(periods, 19));
	});
});
