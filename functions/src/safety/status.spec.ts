import { describe, expect, it } from 'vitest';
import { bearerToken, isSameSecret } from './status';

describe('operator status credentials', () => {
	it('reads a bearer token from the Authorization header, and nothing else', () => {
		expect(bearerToken('Bearer abc.def')).toBe('abc.def');
		expect(bearerToken('bearer  abc ')).toBe('abc');
		expect(bearerToken('Basic dXNlcjpwYXNz')).toBeNull();
		expect(bearerToken('Bearer')).toBeNull();
		expect(bearerToken(undefined)).toBeNull();
	});
	it('compares secrets exactly, and an unset secret matches nothing', () => {
		expect(isSameSecret('s3cret', 's3cret')).toBe(true);
		expect(isSameSecret('s3cre', 's3cret')).toBe(false);
		expect(isSameSecret('s3creT', 's3cret')).toBe(false);
		expect(isSameSecret('', '')).toBe(false);
	});
});
