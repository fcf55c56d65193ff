/**
 * Figures of token states and trajectories, as SVG strings: paths of the
 * tokens, states with their hull and leaders, strips, quiescent balls.
 * Points are drawn in the plane of a Projection2d (identity in 2D, PCA for
 * d > 2, said on the figure). All functions are pure: data in, SVG out.
 */
import { hullPolygon } from '../analysis/geometry/hull.js';
import { project, projectPoint, type Projection2d } from './projection.js';
import { color, dataCircle, extent, frame, infiniteLine, legend, legendWidth, pad, points, polygon, polyline, stars, type Frame, type LegendItem } from './svg.js';

/** Snapshots of a trajectory (the shape of analysis/dynamics/trajectory.ts's Trajectory). */
export interface Snapshots {
  n: number;
  d: number;
  count: number;
  times: ArrayLike<number>;
  data: ArrayLike<number>;
}

/** The planar bounding box of every snapshot under a projection, padded. */
export function planeBox(tr: Snapshots, proj: Projection2d, extraXY: readonly [number, number][] = []): { x: [number, number]; y: [number, number] } {
  const xs: number[] = [];
  const ys: number[] = [];
  const len = tr.n * tr.d;
  for (let s = 0; s < tr.count; s++) {
    const p = project(proj, tr.data, tr.n, s * len);
    for (let i = 0; i < tr.n; i++) {
      xs.push(p.xs[i] as number);
      ys.push(p.ys[i] as number);
    }
  }
  for (const [x, y] of extraXY) {
    xs.push(x);
    ys.push(y);
  }
  const ex = extent(xs) ?? [0, 1];
  const ey = extent(ys) ?? [0, 1];
  return { x: pad(ex, 0.06), y: pad(ey, 0.06) };
}

/** A frame for planar state figures (equal aspect). */
export function planeFrame(box: { x: readonly [number, number]; y: readonly [number, number] }, proj: Projection2d, title: string, size = 420, note?: string, legendItems: readonly LegendItem[] = []): Frame {
  const notes = [proj.note, note].filter((s): s is string => typeof s === 'string' && s.length > 0);
  const reserve = legendItems.length > 0 ? legendWidth(legendItems) + 14 : 0;
  return frame({
    width: size + reserve,
    height: size,
    reserveRight: reserve,
    title,
    note: notes.join(' · ') || undefined,
    x: { domain: box.x, label: proj.xLabel },
    y: { domain: proj.kind === 'line' ? [-1, 1] : box.y, label: proj.yLabel },
    equalAspect: proj.kind !== 'line',
  });
}

/** k indices evenly spread over 0 … count−1 (all of them when count <= k; first and last always). */
export function evenly(count: number, k: number): number[] {
  if (count <= k) return Array.from({ length: count }, (_, s) => s);
  const out = new Set<number>();
  for (let j = 0; j < k; j++) out.add(Math.round((j * (count - 1)) / (k - 1)));
  return [...out].sort((a, b) => a - b);
}

/** Token colours from labels (cluster or target indices). */
export function labelColors(labels: ArrayLike<number>): string[] {
  return Array.from(labels, (l) => color(l));
}

/** Options of `trajectoryFigure`. */
export interface TrajectoryFigureOptions {
  title?: string;
  /** Colour per token (default: palette by index). */
  colors?: readonly string[];
  /** Tokens to mark with stars at the last snapshot (e.g. the final leaders). */
  stars?: ArrayLike<number>;
  /** Draw at most this many paths (evenly chosen); all final points are drawn. Default 400. */
  maxPaths?: number;
  /** At most this many snapshots per path (evenly spread, first and last kept). Default 200. */
  maxPoints?: number;
  /** Draw the hull polygon of the last snapshot (2D views). Default true. */
  hull?: boolean;
  size?: number;
  note?: string;
  /** Extra SVG drawn under the paths (inside the clip), given the frame (data coordinates of the 2D view). */
  extra?: (f: Frame) => string;
}

/**
 * Paths of the tokens over all snapshots: hollow circles at the first
 * snapshot, filled at the last, stars at chosen tokens, and the last hull.
 */
export function trajectoryFigure(tr: Snapshots, proj: Projection2d, opts: TrajectoryFigureOptions = {}): string {
  const { n, d, count } = tr;
  const len = n * d;
  const box = planeBox(tr, proj);
  const maxPaths = opts.maxPaths ?? 400;
  const stride = Math.max(1, Math.ceil(n / maxPaths));
  const items: LegendItem[] = [
    { label: `t = ${tr.times[0]}`, color: '#bbb', kind: 'point' },
    { label: `t = ${tr.times[count - 1]}`, color: '#333', kind: 'point' },
  ];
  if (opts.stars && opts.stars.length > 0) items.push({ label: 'leaders (last t)', color: '#d4a017', kind: 'star' });
  const f = planeFrame(box, proj, opts.title ?? `Trajectories, t = ${tr.times[0]} … ${tr.times[count - 1]}`, opts.size, [opts.note, stride > 1 ? `every ${stride}-th path drawn` : ''].filter(Boolean).join(' · '), items);
  const cols = opts.colors ?? Array.from({ length: n }, (_, i) => color(i));
  const proj0 = project(proj, tr.data, n, 0);
  const projT = project(proj, tr.data, n, (count - 1) * len);
  const idx = evenly(count, opts.maxPoints ?? 200);
  const all = idx.map((s) => project(proj, tr.data, n, s * len));
  const body: string[] = [];
  if (opts.extra) body.push(opts.extra(f));
  if (opts.hull !== false && proj.kind !== 'line') body.push(hullOf(f, projT.xs, projT.ys, { stroke: '#888', dash: '5 3' }));
  for (let i = 0; i < n; i += stride) {
    const xs = new Float64Array(idx.length);
    const ys = new Float64Array(idx.length);
    for (let s = 0; s < idx.length; s++) {
      xs[s] = all[s]!.xs[i] as number;
      ys[s] = all[s]!.ys[i] as number;
    }
    body.push(polyline(f, xs, ys, { stroke: cols[i] ?? '#333', strokeWidth: 1, opacity: 0.7 }));
  }
  body.push(points(f, proj0.xs, proj0.ys, { r: 3, fill: '#fff', stroke: '#555', strokeWidth: 0.8 }, { colors: undefined }));
  body.push(points(f, projT.xs, projT.ys, { r: 3.2 }, { colors: cols }));
  if (opts.stars && opts.stars.length > 0) {
    const sx = Array.from(opts.stars, (i) => projT.xs[i] as number);
    const sy = Array.from(opts.stars, (i) => projT.ys[i] as number);
    body.push(stars(f, sx, sy, { r: 7 }));
  }
  return f.svg(body, [legend(f, items, 'outside')]);
}

/** The hull polygon of planar points (CCW, via analysis/hull). */
export function hullOf(f: Frame, xs: Float64Array, ys: Float64Array, style: { stroke?: string; fill?: string; dash?: string } = {}): string {
  const n = xs.length;
  if (n === 0) return '';
  const flat = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    flat[2 * i] = xs[i] as number;
    flat[2 * i + 1] = ys[i] as number;
  }
  const poly = hullPolygon(flat, n);
  const px = Array.from(poly, (i) => xs[i] as number);
  const py = Array.from(poly, (i) => ys[i] as number);
  if (poly.length <= 2) return polyline(f, px, py, { stroke: style.stroke ?? '#333', strokeWidth: 1.4, dash: style.dash });
  return polygon(f, px, py, { stroke: style.stroke ?? '#333', fill: style.fill ?? 'none', strokeWidth: 1.4, dash: style.dash });
}

/** Options of `stateFigure`. */
export interface StateFigureOptions {
  title: string;
  colors?: readonly string[];
  /** Tokens drawn as stars (leaders). */
  stars?: ArrayLike<number>;
  /** Draw the hull polygon (default true). */
  hull?: boolean;
  /** Fill of the hull. */
  hullFill?: string;
  /** Fixed plane box (so small multiples share axes). */
  box?: { x: readonly [number, number]; y: readonly [number, number] };
  size?: number;
  note?: string;
  /** Extra SVG drawn in the plot area, given the frame. */
  extra?: (f: Frame) => string;
  /** Marker radius per token in pixels. */
  sizes?: ArrayLike<number>;
  legend?: readonly LegendItem[];
}

/** One state: tokens, hull polygon, stars. */
export function stateFigure(x: ArrayLike<number>, n: number, proj: Projection2d, opts: StateFigureOptions): string {
  const p = project(proj, x, n);
  const box = opts.box ?? planeBox({ n, d: proj.d, count: 1, times: [0], data: x }, proj);
  const items = opts.legend ?? (opts.stars && opts.stars.length > 0 ? [{ label: 'leaders', color: '#d4a017', kind: 'star' as const }] : []);
  const f = planeFrame(box, proj, opts.title, opts.size ?? 320, opts.note, items);
  const body: string[] = [];
  if (opts.hull !== false && proj.kind !== 'line') body.push(hullOf(f, p.xs, p.ys, { stroke: '#555', fill: opts.hullFill ?? '#f3f3f3' }));
  if (opts.extra) body.push(opts.extra(f));
  body.push(points(f, p.xs, p.ys, { r: 3.2, stroke: '#222', strokeWidth: 0.4 }, { colors: opts.colors, sizes: opts.sizes }));
  if (opts.stars && opts.stars.length > 0) {
    body.push(stars(f, Array.from(opts.stars, (i) => p.xs[i] as number), Array.from(opts.stars, (i) => p.ys[i] as number), { r: 7 }));
  }
  return f.svg(body, items.length > 0 ? [legend(f, items, 'outside')] : []);
}

/** A strip in 2D: the two face lines (point + unit direction each), members, the token. */
export interface StripDrawing {
  token: number;
  upper: { point: ArrayLike<number>; direction: ArrayLike<number> } | null;
  lower: { point: ArrayLike<number>; direction: ArrayLike<number> } | null;
  members: ArrayLike<number>;
}

/**
 * A 2D strip figure: all tokens (grey), the members of C_i highlighted, token
 * i ringed, and the faces of Z_i as lines. `sizes` (pixels per token) draws
 * softmax weights.
 */
export function stripFigure(x: ArrayLike<number>, n: number, s: StripDrawing, opts: { title: string; note?: string; sizes?: ArrayLike<number>; box?: { x: readonly [number, number]; y: readonly [number, number] }; size?: number }): string {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = x[2 * i] as number;
    ys[i] = x[2 * i + 1] as number;
  }
  const box = opts.box ?? { x: pad(extent(xs) ?? [0, 1], 0.15), y: pad(extent(ys) ?? [0, 1], 0.15) };
  const items: LegendItem[] = [
    { label: `token ${s.token}`, color: '#1f4e79', kind: 'point' },
    { label: `members of C_${s.token} (${s.members.length})`, color: '#f28e2b', kind: 'point' },
  ];
  if (s.upper) items.push({ label: 'upper face <Ax_i,y> = m_i', color: '#c0392b' });
  if (s.lower) items.push({ label: 'lower face m_i − δ', color: '#c0392b', kind: 'dash' });
  const reserve = legendWidth(items) + 14;
  const f = frame({ width: (opts.size ?? 360) + reserve, height: opts.size ?? 360, title: opts.title, note: opts.note, x: { domain: box.x, label: 'x₁' }, y: { domain: box.y, label: 'x₂' }, equalAspect: true, reserveRight: reserve });
  const body: string[] = [];
  if (s.upper && s.lower) {
    // shade the band between the faces with a wide translucent line along its mid-line
    const mid = [((s.upper.point[0] as number) + (s.lower.point[0] as number)) / 2, ((s.upper.point[1] as number) + (s.lower.point[1] as number)) / 2] as const;
    const wx = (s.upper.point[0] as number) - (s.lower.point[0] as number);
    const wy = (s.upper.point[1] as number) - (s.lower.point[1] as number);
    const widthPx = Math.sqrt(wx * wx + wy * wy) * f.unitX;
    body.push(infiniteLine(f, mid, [s.upper.direction[0] as number, s.upper.direction[1] as number], { stroke: '#f28e2b', strokeWidth: Math.max(0.5, widthPx), opacity: 0.15 }));
  }
  if (s.upper) body.push(infiniteLine(f, [s.upper.point[0] as number, s.upper.point[1] as number], [s.upper.direction[0] as number, s.upper.direction[1] as number], { stroke: '#c0392b', strokeWidth: 1.4 }));
  if (s.lower) body.push(infiniteLine(f, [s.lower.point[0] as number, s.lower.point[1] as number], [s.lower.direction[0] as number, s.lower.direction[1] as number], { stroke: '#c0392b', strokeWidth: 1.4, dash: '5 3' }));
  const isMember = new Uint8Array(n);
  for (let k = 0; k < s.members.length; k++) isMember[s.members[k] as number] = 1;
  const colors = Array.from({ length: n }, (_, i) => (isMember[i] ? '#f28e2b' : '#bbb'));
  body.push(points(f, xs, ys, { r: 3.5, stroke: '#333', strokeWidth: 0.4 }, { colors, sizes: opts.sizes }));
  body.push(points(f, [xs[s.token] as number], [ys[s.token] as number], { r: 7, fill: 'none', stroke: '#1f4e79', strokeWidth: 2 }));
  return f.svg(body, [legend(f, items, 'outside')]);
}

/**
 * Quiescent balls: the last state, the paths of tokens that entered any ball,
 * and a circle of radius ε around each centre.
 */
export function ballsFigure(
  tr: Snapshots,
  proj: Projection2d,
  centres: ArrayLike<number>,
  radius: number,
  tokens: ArrayLike<number>,
  opts: { title: string; note?: string; size?: number; box?: { x: readonly [number, number]; y: readonly [number, number] } },
): string {
  const { n, d, count } = tr;
  const len = n * d;
  const k = centres.length / d;
  const cxy: [number, number][] = [];
  for (let c = 0; c < k; c++) cxy.push(projectPoint(proj, centres, c * d));
  const box = opts.box ?? planeBox(tr, proj, cxy.flatMap(([x, y]) => [[x - radius, y - radius] as [number, number], [x + radius, y + radius] as [number, number]]));
  const items: LegendItem[] = [{ label: `B(v, ε), ε = ${+radius.toPrecision(4)}`, color: '#c0392b', kind: 'box' }, { label: 'paths of tokens that entered', color: color(0) }];
  const f = planeFrame(box, proj, opts.title, opts.size ?? 420, opts.note, items);
  const body: string[] = [];
  const all = evenly(count, 200).map((s) => project(proj, tr.data, n, s * len));
  for (let t = 0; t < tokens.length; t++) {
    const i = tokens[t] as number;
    body.push(polyline(f, all.map((p) => p.xs[i] as number), all.map((p) => p.ys[i] as number), { stroke: color(i), strokeWidth: 1, opacity: 0.8 }));
  }
  for (const [x, y] of cxy) body.push(dataCircle(f, x, y, radius, { stroke: '#c0392b', fill: '#c0392b', opacity: 0.25, strokeWidth: 1 }));
  const last = all[all.length - 1]!;
  body.push(points(f, last.xs, last.ys, { r: 2.5, fill: '#333' }));
  return f.svg(body, [legend(f, items, 'outside')]);
}
