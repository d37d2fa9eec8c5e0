/**
 * Hand-written SVG charts (no dependencies): grouped bars and lines with markers. Enough
 * for a README: a title, a y axis with 5 ticks, a legend, values on bars.
 */
import { writeFileSync } from 'node:fs';

const COLORS = ['#2b6cb0', '#dd6b20', '#38a169', '#805ad5', '#c53030', '#718096'];
const W = 760;
const H = 380;
const M = { top: 48, right: 20, bottom: 64, left: 72 };

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A "nice" upper bound and tick step for values up to `max`. */
function niceScale(max) {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  return { top: step * Math.ceil(max / step), step };
}

function label(v) {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

function frame(title, yLabel, top, step, series) {
  const ph = H - M.top - M.bottom;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  for (let v = 0; v <= top + step / 2; v += step) {
    const y = (M.top + ph - (v / top) * ph).toFixed(1);
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#e2e8f0"/>`);
    parts.push(`<text x="${M.left - 6}" y="${(Number(y) + 4).toFixed(1)}" text-anchor="end">${label(v)}</text>`);
  }
  series.forEach((s, i) => {
    const x = M.left + i * 150;
    parts.push(`<rect x="${x}" y="${H - 22}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
    parts.push(`<text x="${x + 16}" y="${H - 12}">${esc(s)}</text>`);
  });
  return parts;
}

/**
 * The frame of a chart whose y axis fits every finite value of its series, and the size
 * of the plot area inside it.
 * @param {{ title: string, yLabel: string, series: { name: string, values: number[] }[] }} c
 */
function plotArea(c) {
  const max = Math.max(0, ...c.series.flatMap((s) => s.values.filter(Number.isFinite)));
  const { top, step } = niceScale(max);
  const parts = frame(c.title, c.yLabel, top, step, c.series.map((s) => s.name));
  return { parts, top, pw: W - M.left - M.right, ph: H - M.top - M.bottom };
}

/**
 * Grouped bar chart.
 * @param {string} file
 * @param {{ title: string, yLabel: string, groups: string[], series: { name: string, values: number[] }[] }} c
 */
export function barChart(file, c) {
  const { parts, top, pw, ph } = plotArea(c);
  const gw = pw / c.groups.length;
  const bw = Math.min(60, (gw * 0.8) / c.series.length);
  c.groups.forEach((g, gi) => {
    const x0 = M.left + gi * gw + (gw - bw * c.series.length) / 2;
    c.series.forEach((s, si) => {
      const v = s.values[gi];
      if (!Number.isFinite(v)) return;
      const h = (v / top) * ph;
      const x = x0 + si * bw;
      parts.push(`<rect x="${x.toFixed(1)}" y="${(M.top + ph - h).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[si % COLORS.length]}"/>`);
      parts.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${(M.top + ph - h - 4).toFixed(1)}" text-anchor="middle" font-size="10">${label(v)}</text>`);
    });
    parts.push(`<text x="${(M.left + gi * gw + gw / 2).toFixed(1)}" y="${M.top + ph + 18}" text-anchor="middle">${esc(g)}</text>`);
  });
  parts.push('</svg>');
  writeFileSync(file, `${parts.join('\n')}\n`);
}

/**
 * Line chart over categorical x (e.g. zone sizes), one line per series.
 * @param {string} file
 * @param {{ title: string, yLabel: string, xs: string[], series: { name: string, values: number[] }[] }} c
 */
export function lineChart(file, c) {
  const { parts, top, pw, ph } = plotArea(c);
  const xAt = (i) => M.left + (c.xs.length === 1 ? pw / 2 : (i * pw) / (c.xs.length - 1) * 0.9 + pw * 0.05);
  c.xs.forEach((x, i) => parts.push(`<text x="${xAt(i).toFixed(1)}" y="${M.top + ph + 18}" text-anchor="middle">${esc(x)}</text>`));
  c.series.forEach((s, si) => {
    const color = COLORS[si % COLORS.length];
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? [xAt(i), M.top + ph - (v / top) * ph, v] : undefined)).filter(Boolean);
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y, v] of pts) {
      parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="4" fill="${color}"/>`);
      parts.push(`<text x="${x.toFixed(1)}" y="${(y - 8).toFixed(1)}" text-anchor="middle" font-size="10">${label(v)}</text>`);
    }
  });
  parts.push('</svg>');
  writeFileSync(file, `${parts.join('\n')}\n`);
}
