// A single-page app: Firebase Hosting rewrites every path to the adapter's fallback page,
// and everything renders in the browser (WebRTC and the Firebase SDK live there anyway).
export const ssr = false;
export const prerender = false;
