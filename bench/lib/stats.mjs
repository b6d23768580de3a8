// Small numeric helpers shared by the phases and the report.
import { readFileSync, existsSync } from 'node:fs';

/** Linear-interpolated quantile (q in 0..1) of numbers; null for none. */
export function quantile(values, q) {
	const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	if (xs.length === 0) return null;
	const pos = (xs.length - 1) * q;
	const lo = Math.floor(pos);
	const hi = Math.ceil(pos);
	return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
}

/** {n, p50, p95, max, min, mean} of a sample (ms). */
export function summary(values) {
	const xs = values.filter((v) => Number.isFinite(v));
	if (xs.length === 0) return { n: 0, p50: null, p95: null, max: null, min: null, mean: null };
	return {
		n: xs.length,
		p50: quantile(xs, 0.5),
		p95: quantile(xs, 0.95),
		max: Math.max(...xs),
		min: Math.min(...xs),
		mean: xs.reduce((a, b) => a + b, 0) / xs.length
	};
}

/** Deterministic PRNG (mulberry32), so every scenario gets the same join schedule. */
export function seededRandom(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** The JSON lines bench/lib/instrument-admin.cjs appended, optionally within [from, to]. */
export function readOps(file, from = -Infinity, to = Infinity) {
	if (!file || !existsSync(file)) return [];
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.flatMap((line) => {
			try {
				return [JSON.parse(line)];
			} catch {
				return [];
			}
		})
		.filter((r) => r.t >= from && r.t <= to);
}

export const round = (v, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(digits)));
