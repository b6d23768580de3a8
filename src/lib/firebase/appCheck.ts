// Firebase App Check for the deployed app: every request to Firestore, Functions and
// Storage carries a token that reCAPTCHA Enterprise vouches for, so that scripts and mass
// account creation cost a real browser session each. Configured by the public site key in
// VITE_APP_CHECK_SITE_KEY at build time (README, "App Check"). Never used against the
// emulators: even App Check's debug provider exchanges its token with Google's service.
import type { FirebaseApp } from 'firebase/app';

/** The reCAPTCHA Enterprise site key baked into this build, or null. */
export function appCheckSiteKey(env: Record<string, unknown> = import.meta.env): string | null {
	const key = env.VITE_APP_CHECK_SITE_KEY;
	return typeof key === 'string' && key.trim() !== '' ? key.trim() : null;
}

/**
 * Starts App Check on a deployed app (before Firestore, Functions or Storage make their
 * first request). Without a site key it does nothing but warn: the callables then refuse
 * this build unless the project turned enforcement off (ENFORCE_APP_CHECK=false).
 */
export async function startAppCheck(app: FirebaseApp, siteKey: string | null = appCheckSiteKey()): Promise<void> {
	if (!siteKey) {
		console.warn('App Check is not configured (VITE_APP_CHECK_SITE_KEY is empty): enforced services will refuse this app.');
		return;
	}
	const { initializeAppCheck, ReCaptchaEnterpriseProvider } = await import('firebase/app-check');
	initializeAppCheck(app, { provider: new ReCaptchaEnterpriseProvider(siteKey), isTokenAutoRefreshEnabled: true });
}
