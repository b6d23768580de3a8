import { describe, expect, it } from 'vitest';
import { codeOf } from './errors';

describe('codeOf', () => {
	it('reads string codes (web SDKs) and numeric ones (Admin SDK gRPC status) alike', () => {
		expect(codeOf(Object.assign(new Error('no'), { code: 'permission-denied' }))).toBe('permission-denied');
		expect(codeOf({ code: 'functions/already-exists', message: 'x' })).toBe('functions/already-exists');
		expect(codeOf(Object.assign(new Error('race'), { code: 9 }))).toBe('9');
	});

	it('is empty for anything without a code', () => {
		for (const error of [null, undefined, 'permission-denied', new Error('plain'), { code: { nested: true } }]) expect(codeOf(error)).toBe('');
	});
});
