/**
 * "Full HTML report of the run so far": one self-contained HTML file (inline
 * SVG, no script, no external request) built from public exports only.
 *
 * Two layers, so the page can switch to the package's universal
 * `renderRunReport` once it lands (another helper is adding it):
 *   1. `runRecord(...)`: everything the page knows about the run, as plain
 *      data (parameters, start, current state with its analysis, history);
 *   2. `renderRunRecord(record)`: this file's HTML renderer. Replacing it by
 *      `renderRunReport` is then a change in main.ts's `exportReport` only.
 */
import { clusters, hullPolygon, leaders } from 'attention-dynamics';
import { clusterColor, projectAll, fitBox, type Projection } from './draw.js';
import type { History, SeriesName } from './history.js';
import type { Params } from './params.js';
import type { Frame } from './protocol.js';

/** The run as plain data (arrays copied; the caller keeps its own). */
export interface RunRecord {
  title: string;
  createdAt: string;
  url: string;
  params: Params;
  backend: string;
  precision: string;
  n: number;
  d: number;
  /** The start X(0), n*d row-major. */
  initial: Float64Array;
  /** The last frame received (state at step t and its analysis). */
  current: Frame;
  /** One row per frame received (thinned), see history.ts. */
  history: Record<SeriesName, number[]>;
  projection: Projection;
  /** Start of an uploaded file's name, or null. */
  source: string | null;
}

export function runRecord(r: Omit<RunRecord, 'createdAt' | 'history'> & { history: History }): RunRecord {
  const rows = {} as Record<SeriesName, number[]>;
  for (const [k, v] of Object.entries(r.history.rows)) rows[k as SeriesName] = v.slice();
  return { ...r, history: rows, createdAt: new Date().toISOString(), initial: r.initial.slice() };
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (v: number): string => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(4) : v.toPrecision(6));

/** An SVG scatter of one state: tokens coloured by `labels` (grey when null), hull polygon of the projection, leaders as diamonds. */
export function stateSvg(x: Float64Array, n: number, d: number, proj: Projection, labels: Int32Array | null, lead: Int32Array | null, title: string, size = 360): string {
  const xy = projectAll(proj, x, n, d);
  const box = fitBox(xy);
  const s = size / (2 * box.half);
  const X = (a: number) => (size / 2 + (a - box.cx) * s).toFixed(2);
  const Y = (b: number) => (size / 2 - (b - box.cy) * s).toFixed(2);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size + 20}" viewBox="0 -20 ${size} ${size + 20}" role="img" aria-label="${esc(title)}">`];
  out.push(`<text x="4" y="-6" font-size="12" font-family="sans-serif">${esc(title)}</text>`);
  out.push(`<rect x="0" y="0" width="${size}" height="${size}" fill="#fff" stroke="#ccc"/>`);
  if (n >= 2) {
    const poly = hullPolygon(xy, n);
    out.push(`<polygon points="${Array.from(poly, (i) => `${X(xy[2 * i]!)},${Y(xy[2 * i + 1]!)}`).join(' ')}" fill="rgba(78,121,167,0.06)" stroke="#555"${proj.exact ? '' : ' stroke-dasharray="5 4"'}/>`);
  }
  const r = n > 3000 ? 1.2 : n > 500 ? 1.8 : n > 50 ? 2.6 : 4;
  const cap = Math.min(n, 20000);
  for (let i = 0; i < cap; i++) out.push(`<circle cx="${X(xy[2 * i]!)}" cy="${Y(xy[2 * i + 1]!)}" r="${r}" fill="${labels ? clusterColor(labels[i]!) : '#888'}"/>`);
  if (lead) {
    for (const i of lead) {
      const cx = Number(X(xy[2 * i]!)), cy = Number(Y(xy[2 * i + 1]!)), q = r + 3;
      out.push(`<polygon points="${cx},${cy - q} ${cx + q},${cy} ${cx},${cy + q} ${cx - q},${cy}" fill="#ffd400" stroke="#000"/>`);
    }
  }
  out.push('</svg>');
  return out.join('');
}

/** An SVG line plot of y against t (log10 axis when `log`; non-positive values skipped there). */
export function seriesSvg(t: number[], y: number[], title: string, log: boolean, w = 360, h = 180): string {
  const L = 56, R = 8, T = 22, B = 26;
  const f = (v: number) => (log ? (v > 0 && Number.isFinite(v) ? Math.log10(v) : NaN) : Number.isFinite(v) ? v : NaN);
  const zs = y.map(f);
  const ok = zs.filter((z) => !Number.isNaN(z));
  let y0 = ok.length ? Math.min(...ok) : 0;
  let y1 = ok.length ? Math.max(...ok) : 1;
  if (y1 - y0 < 1e-12) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const t0 = t[0] ?? 0, t1 = Math.max(t[t.length - 1] ?? 1, t0 + 1);
  const X = (v: number) => (L + ((v - t0) / (t1 - t0)) * (w - L - R)).toFixed(2);
  const Y = (v: number) => (T + (1 - (v - y0) / (y1 - y0)) * (h - T - B)).toFixed(2);
  const lab = (v: number) => num(log ? 10 ** v : v);
  let path = '';
  let pen = false;
  zs.forEach((z, k) => {
    if (Number.isNaN(z)) return;
    path += `${pen ? 'L' : 'M'}${X(t[k]!)},${Y(z)}`;
    pen = true;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${esc(title)}">`,
    `<text x="4" y="14" font-size="12" font-family="sans-serif">${esc(title)}</text>`,
    `<rect x="${L}" y="${T}" width="${w - L - R}" height="${h - T - B}" fill="#fff" stroke="#ccc"/>`,
    `<g font-size="10" font-family="sans-serif" fill="#555"><text x="${L - 4}" y="${T + 9}" text-anchor="end">${lab(y1)}</text><text x="${L - 4}" y="${h - B}" text-anchor="end">${lab(y0)}</text>`,
    `<text x="${L}" y="${h - 8}">t = ${t0}</text><text x="${w - R}" y="${h - 8}" text-anchor="end">${t[t.length - 1] ?? 0}</text></g>`,
    path ? `<path d="${path}" fill="none" stroke="#4e79a7" stroke-width="1.5"/>` : '',
    '</svg>',
  ].join('');
}

/** The report's HTML (a complete document). */
export function renderRunRecord(r: RunRecord): string {
  const f = r.current;
  const h = r.history;
  const initialLabels = clusters(r.initial, r.n, r.d).labels;
  const initialLeaders = leaders(r.initial, r.n, r.d);
  const paramRows = Object.entries(r.params)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v) === '' ? '(identity)' : String(v))}</td></tr>`)
    .join('');
  const facts: [string, string][] = [
    ['step t', String(f.t)],
    ['time', num(f.time)],
    ['n, d', `${r.n}, ${r.d}`],
    ['backend, precision', `${r.backend}, ${r.precision}`],
    ['clusters (single linkage, 1e-6·max(1,R))', String(f.clusterCount)],
    ['hull vertices', String(f.hull.length)],
    [`leaders |S| (at t = ${f.leadersT})`, String(f.leaders.length)],
    ['diameter', num(f.diameter)],
    ['variance', num(f.variance)],
    ['softmax energy E_β', num(f.softmaxEnergy)],
    ['frames recorded', String(h.t.length)],
    ['start', r.source ?? r.params.init],
  ];
  const plots = [
    seriesSvg(h.t, h.diameter, 'diameter (log scale)', true),
    seriesSvg(h.t, h.hull, 'hull vertex count', false),
    seriesSvg(h.t, h.clusters, 'cluster count', false),
    seriesSvg(h.t, h.leaders, 'leaders |S(t)|', false),
    seriesSvg(h.t, h.variance, 'variance (log scale)', true),
    seriesSvg(h.t, h.softmaxEnergy, 'softmax energy E_β', false),
  ];
  const csv = ['t,diameter,hull,clusters,leaders,variance,softmaxEnergy', ...h.t.map((_, k) => [h.t[k], h.diameter[k], h.hull[k], h.clusters[k], h.leaders[k], h.variance[k], h.softmaxEnergy[k]].join(','))].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:2px 8px;text-align:left}th{background:#f5f5f5;font-weight:600}.grid{display:flex;flex-wrap:wrap;gap:12px}pre{background:#f7f7f7;padding:.5em;max-height:20em;overflow:auto;font-size:11px}</style>
</head><body>
<h1>${esc(r.title)}</h1>
<p>Model <b>${esc(r.params.model)}</b>, written ${esc(r.createdAt)} by the attention-dynamics playground. Setup link (reopens the parameters; an uploaded start must be uploaded again): <a href="${esc(r.url)}">${esc(r.url)}</a></p>
<h2>State</h2>
<div class="grid">${stateSvg(r.initial, r.n, r.d, r.projection, initialLabels, initialLeaders, 't = 0')}${stateSvg(f.positions, r.n, r.d, r.projection, f.labels, f.leaders, `t = ${f.t}`)}</div>
<p>${esc(r.projection.label)}. Colours: clusters; ◆ leaders S(t); polygon: convex hull${r.projection.exact ? '' : ' of the projected points'}.</p>
<table>${facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Series</h2>
<p>One point per frame the page received (playing sends a frame every few steps).</p>
<div class="grid">${plots.join('')}</div>
<h2>Parameters</h2>
<table>${paramRows}</table>
<h2>Data</h2>
<details><summary>series as CSV</summary><pre>${esc(csv)}</pre></details>
</body></html>
`;
}
