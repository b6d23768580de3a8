// App Check enforcement on a callable, on the Functions emulator. Production callables
// enforce it (functions/src/appCheck.ts); the demo project turns that off, so this uses
// the emulator-only appCheckProbe, which enforces as they do. The emulator decodes App
// Check tokens without verifying their signature (it takes any string as a token), so an
// unsigned token stands in for one from reCAPTCHA Enterprise, and a forged token can only
// be shown to fail in production.
import { expect, it } from 'vitest';
import { describeWithEmulators, emulatorHosts, PROJECT_ID } from '../support/emulators';

const APP_ID = '1:123456789:web:tangent';

/** A JWT with this payload and no valid signature. */
function unsignedToken(payload: object): string {
	const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
	return `${part({ alg: 'RS256', typ: 'JWT', kid: 'emulator' })}.${part(payload)}.c2lnbmF0dXJl`;
}

async function callProbe(headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
	const response = await fetch(`http://${emulatorHosts.functions}/${PROJECT_ID}/us-central1/appCheckProbe`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: JSON.stringify({ data: null })
	});
	return { status: response.status, body: await response.json() };
}

describeWithEmulators(['functions'], 'App Check enforcement on callables', () => {
	it('refuses a request without an App Check token as unauthenticated', async () => {
		const { status, body } = await callProbe({});
		expect(status).toBe(401);
		expect(body).toMatchObject({ error: { status: 'UNAUTHENTICATED' } });
	});

	it('accepts a request with an App Check token, and knows which app sent it', async () => {
		const now = Math.floor(Date.now() / 1000);
		const token = unsignedToken({ sub: APP_ID, aud: [`projects/${PROJECT_ID}`], iat: now, exp: now + 3600 });
		const { status, body } = await callProbe({ 'X-Firebase-AppCheck': token });
		expect(status).toBe(200);
		expect(body).toEqual({ result: { appId: APP_ID } });
	});
});
