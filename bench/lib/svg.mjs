// A hand-written SVG of latency distributions: one row per series, log-scaled time axis,
// box from p25 to p75, whiskers to p5 and p95, a tick at the median, a dot at the maximum
// and, for small samples, every sample as a faint dot.
import { quantile } from './stats.mjs';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmtMs = (v) => (v >= 10_000 ? `${(v / 1000).toFixed(0)} s` : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

/** panels: [{title, rows: [{label, values, color}]}] */
export function latencySvg(panels, { title = 'Tangent bench: latency distributions' } = {}) {
	const width = 960;
	const left = 300;
	const right = 175;
	const rowH = 26;
	const plotW = width - left - right;
	let y = 40;
	const parts = [];
	for (const panel of panels) {
		const all = panel.rows.flatMap((r) => r.values).filter((v) => v > 0);
		if (all.length === 0) continue;
		const lo = Math.pow(10, Math.floor(Math.log10(Math.max(1, Math.min(...all)))));
		const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...all))));
		const x = (v) => left + (Math.log10(Math.min(Math.max(v, lo), hi)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * plotW;
		parts.push(`<text x="12" y="${y}" class="h">${esc(panel.title)}</text>`);
		y += 14;
		const top = y;
		// grid: decades and 2×, 5×
		for (let d = lo; d <= hi; d *= 10) {
			for (const m of [1, 2, 5]) {
				const v = d * m;
				if (v > hi) break;
				const gx = x(v).toFixed(1);
				parts.push(`<line x1="${gx}" x2="${gx}" y1="${top}" y2="${top + panel.rows.length * rowH}" class="${m === 1 ? 'grid' : 'grid2'}"/>`);
				if (m !== 2) parts.push(`<text x="${gx}" y="${top + panel.rows.length * rowH + 12}" class="axis">${fmtMs(v)}</text>`);
			}
		}
		panel.rows.forEach((row, i) => {
			const cy = top + i * rowH + rowH / 2;
			const vs = (row.values ?? []).filter((v) => Number.isFinite(v) && v > 0);
			parts.push(`<text x="${left - 8}" y="${cy + 4}" class="label">${esc(row.label)}</text>`);
			if (vs.length === 0) {
				parts.push(`<text x="${left + 4}" y="${cy + 4}" class="note">no samples</text>`);
				return;
			}
			const q = (p) => quantile(vs, p);
			const color = row.color ?? '#5b4bd6';
			if (vs.length <= 60) {
				vs.forEach((v, k) => parts.push(`<circle cx="${x(v).toFixed(1)}" cy="${(cy - 6 + ((k * 37) % 12)).toFixed(1)}" r="1.6" fill="${color}" opacity="0.35"/>`));
			}
			parts.push(`<line x1="${x(q(0.05)).toFixed(1)}" x2="${x(q(0.95)).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="${color}" stroke-width="1.5"/>`);
			parts.push(
				`<rect x="${x(q(0.25)).toFixed(1)}" y="${cy - 6}" width="${Math.max(1, x(q(0.75)) - x(q(0.25))).toFixed(1)}" height="12" fill="${color}" fill-opacity="0.25" stroke="${color}"/>`
			);
			parts.push(`<line x1="${x(q(0.5)).toFixed(1)}" x2="${x(q(0.5)).toFixed(1)}" y1="${cy - 8}" y2="${cy + 8}" stroke="${color}" stroke-width="2.5"/>`);
			parts.push(`<circle cx="${x(Math.max(...vs)).toFixed(1)}" cy="${cy}" r="3" fill="none" stroke="${color}"/>`);
			parts.push(`<text x="${width - right + 8}" y="${cy + 4}" class="stat">p50 ${fmtMs(q(0.5))} · p95 ${fmtMs(q(0.95))}</text>`);
		});
		y = top + panel.rows.length * rowH + 40;
	}
	const height = y;
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">
<style>
.h { font-size: 14px; font-weight: 600; fill: #222; }
.label { font-size: 12px; fill: #333; text-anchor: end; }
.stat { font-size: 11px; fill: #444; }
.axis { font-size: 10px; fill: #666; text-anchor: middle; }
.note { font-size: 11px; fill: #999; }
.grid { stroke: #ccc; stroke-width: 1; }
.grid2 { stroke: #eee; stroke-width: 1; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="12" y="20" class="h">${esc(title)}</text>
<text x="${width - 12}" y="20" class="axis" style="text-anchor:end">box p25–p75 · whiskers p5–p95 · bar median · ring max · log scale</text>
${parts.join('\n')}
</svg>
`;
}
