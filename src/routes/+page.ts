// The start page is written at build time as its own shell (build/index.html; every other
// path gets the fallback, 200.html): with no SSR it holds no markup, but it links this page's
// scripts and stylesheet, so a phone fetches them with the HTML instead of after the router
// has started (one round trip fewer before the first paint).
export const prerender = true;
