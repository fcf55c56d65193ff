/**
 * The run's history as the page saw it: one row per frame received (frames
 * skip steps while playing), thinned to at most MAX_ROWS rows by dropping
 * every other row when full. NaN marks a value not computed for that frame
 * (leaders and energies are skipped while playing at large n). Feeds the live plots and the HTML report.
 */
import type { Frame } from './protocol.js';

export const MAX_ROWS = 4096;

export const SERIES = ['t', 'diameter', 'hull', 'clusters', 'leaders', 'variance', 'softmaxEnergy'] as const;
export type SeriesName = (typeof SERIES)[number];

export class History {
  readonly rows: Record<SeriesName, number[]> = { t: [], diameter: [], hull: [], clusters: [], leaders: [], variance: [], softmaxEnergy: [] };

  get length(): number {
    return this.rows.t.length;
  }

  clear(): void {
    for (const k of SERIES) this.rows[k].length = 0;
  }

  push(f: Frame): void {
    const last = this.rows.t[this.rows.t.length - 1];
    if (last !== undefined && f.t <= last) {
      // a pause after play re-sends the same step: replace, never go back in t
      if (f.t === last) for (const k of SERIES) this.rows[k].pop();
      else return;
    }
    this.rows.t.push(f.t);
    this.rows.diameter.push(f.diameter);
    this.rows.hull.push(f.hull.length);
    this.rows.clusters.push(f.clusterCount);
    this.rows.leaders.push(f.leadersT === f.t ? f.leaders.length : NaN);
    this.rows.variance.push(f.variance);
    this.rows.softmaxEnergy.push(f.softmaxEnergy);
    if (this.length > MAX_ROWS) {
      // keep the first row and every other later row
      for (const k of SERIES) this.rows[k] = this.rows[k].filter((_, i) => i === 0 || i % 2 === 1 || i === this.rows.t.length - 1);
    }
  }
}

/** A short axis label: 3 significant digits, exponent form outside [1e-2, 1e4). */
export function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(2) : v.toPrecision(3);
}

export interface PlotSeries {
  values: number[];
  color: string;
}

/** A small live line plot on a canvas: x = t, y linear or log10 (non-positive values skipped on log). */
export function drawPlot(ctx: CanvasRenderingContext2D, w: number, h: number, t: number[], series: PlotSeries[], log: boolean, integer = false): void {
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const L = 50, R = 6, T = 6, B = 18;
  const f = (v: number) => (log ? (v > 0 && Number.isFinite(v) ? Math.log10(v) : NaN) : Number.isFinite(v) ? v : NaN);
  let y0 = Infinity, y1 = -Infinity;
  for (const s of series) for (const v of s.values) {
    const z = f(v);
    if (Number.isNaN(z)) continue;
    y0 = Math.min(y0, z);
    y1 = Math.max(y1, z);
  }
  const t0 = t[0] ?? 0;
  const t1 = Math.max(t[t.length - 1] ?? 1, t0 + 1);
  if (!Number.isFinite(y0)) {
    y0 = 0;
    y1 = 1;
  }
  if (y1 - y0 < (integer ? 2 : 1e-12)) {
    const mid = (y0 + y1) / 2;
    const span = integer ? 1 : Math.max(Math.abs(mid) * 0.05, 1e-9);
    y0 = mid - span;
    y1 = mid + span;
  }
  const X = (v: number) => L + ((v - t0) / (t1 - t0)) * (w - L - R);
  const Y = (v: number) => T + (1 - (v - y0) / (y1 - y0)) * (h - T - B);
  ctx.strokeStyle = '#ccc';
  ctx.strokeRect(L, T, w - L - R, h - T - B);
  ctx.fillStyle = '#555';
  ctx.font = '10px system-ui, sans-serif';
  const lab = (v: number) => (log ? fmt(10 ** v) : integer ? String(Math.round(v)) : fmt(v));
  ctx.textAlign = 'right';
  ctx.fillText(lab(y1), L - 3, T + 9);
  ctx.fillText(lab(y0), L - 3, h - B);
  ctx.textAlign = 'left';
  ctx.fillText(`t = ${t0}`, L, h - 4);
  ctx.textAlign = 'right';
  ctx.fillText(`${t[t.length - 1] ?? 0}`, w - R, h - 4);
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let pen = false;
    for (let k = 0; k < s.values.length; k++) {
      const z = f(s.values[k]!);
      if (Number.isNaN(z)) continue; // not computed for this frame, or not positive on a log axis
      const px = X(t[k]!), py = Y(z);
      if (pen) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      pen = true;
    }
    if (s.values.length === 1 && !Number.isNaN(f(s.values[0]!))) ctx.fillRect(X(t[0]!) - 1.5, Y(f(s.values[0]!)) - 1.5, 3, 3);
    ctx.stroke();
  }
  ctx.lineWidth = 1;
}
