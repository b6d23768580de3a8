// Stands in for the `re2js` package in the app's bundle (vite.config.ts aliases it here).
// The Firestore SDK imports that regular-expression engine, about 45 KB gzipped, only to
// evaluate the `like`, `regex_contains` and `regex_match` functions of Pipeline queries
// in the browser. Tangent runs no pipelines, so nothing calls it; should something ever
// do, Firestore catches this error, logs a warning and treats the expression as an error
// rather than matching anything.
export const RE2JS = {
	compile(): never {
		throw new Error('re2js is not bundled: Tangent runs no Firestore pipelines with regular expressions');
	}
};
