// Firebase App Check on the callables. In production every callable refuses a request
// without a valid App Check token (the web app gets one from reCAPTCHA Enterprise), so a
// script needs a real browser session per token rather than a plain HTTP client. The
// emulated demo project turns it off (functions/.env.demo-tangent: ENFORCE_APP_CHECK=false):
// the local build has no App Check, because even the debug provider needs Google's service.
//
// Read from the environment when the code loads, because `enforceAppCheck` is fixed at
// deploy time; firebase-tools loads functions/.env.<project> before that.

/** True unless ENFORCE_APP_CHECK is "false": secure by default. */
export function isAppCheckEnforced(env: NodeJS.ProcessEnv = process.env): boolean {
	return env.ENFORCE_APP_CHECK !== 'false';
}

/** The App Check options every callable of Tangent's takes. */
export function appCheckOptions(env: NodeJS.ProcessEnv = process.env): { enforceAppCheck: boolean } {
	return { enforceAppCheck: isAppCheckEnforced(env) };
}
