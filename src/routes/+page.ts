// The start page is written at build time as its own shell (build/index.html; every other
// path gets the fallback, 200.html), rendered: its markup is in the HTML, so a phone paints
// the page as soon as the HTML and stylesheet arrive, instead of after the scripts have been
// fetched, compiled and run (Lighthouse mobile LCP 2.1–2.4 s while the shell was empty).
// The scripts then hydrate it. The render uses the defaults (English, no saved settings);
// a visitor's saved settings and language are applied as it hydrates.
export const prerender = true;
export const ssr = true;
