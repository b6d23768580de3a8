// The one way to read the `code` an SDK error carries: a string in the web SDKs (Firestore
// 'permission-denied', Storage 'storage/unauthorized', Functions 'functions/already-exists'),
// a gRPC status number in the Admin SDK (9: FAILED_PRECONDITION). '' when there is none.
export function codeOf(error: unknown): string {
	const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
	return typeof code === 'string' || typeof code === 'number' ? String(code) : '';
}
