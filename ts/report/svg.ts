/**
 * Small SVG helpers for figures: scales, axes with ticks and labels (linear
 * or log10), scatter points, stars, polylines, polygons, lines, circles,
 * legends. Every function returns an SVG string (no DOM), so one function
 * serves a web page, the HTML report and a unit test (the d3-delaunay idea).
 *
 * Usage:
 *
 *     const f = frame({ x: { domain: [0, 30], label: 't' }, y: { domain: [1e-6, 1], log: true, label: 'p_y' } });
 *     const svg = f.svg([polyline(f, ts, ys, { stroke: color(0) }), legend(f, [{ label: 'δ = 0.05', color: color(0) }])]);
 *
 * Data that cannot be drawn (NaN, ±Infinity, values <= 0 on a log axis) is
 * skipped: polylines break there, points are left out.
 */
import { rangeError } from '../check.js';

/** Escape text for SVG/HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number as compact SVG coordinate text (2 decimals). */
function px(v: number): string {
  return (Math.round(v * 100) / 100).toString();
}

/** A categorical palette (Tableau 10), cycled. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Colour k of the palette (cycled). */
export function color(k: number): string {
  return PALETTE[((k % PALETTE.length) + PALETTE.length) % PALETTE.length] as string;
}

/** Colour k of `total` categories: the palette up to 10, else evenly spaced hues (golden angle), so neighbours differ. */
export function categorical(k: number, total: number): string {
  if (total <= PALETTE.length) return color(k);
  const h = (k * 137.508) % 360;
  return `hsl(${h.toFixed(1)}, 62%, ${k % 2 ? 58 : 48}%)`;
}

/** A label for a tick value: compact, no float noise. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return parseFloat(v.toPrecision(3)).toExponential().replace('e+', 'e');
  return parseFloat(v.toPrecision(6)).toString();
}

/** About `count` round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [];
  if (lo === hi) return [lo];
  if (lo > hi) [lo, hi] = [hi, lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  const step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
  const out: number[] = [];
  const start = Math.ceil(lo / step - 1e-9);
  const end = Math.floor(hi / step + 1e-9);
  for (let k = start; k <= end; k++) out.push(parseFloat((k * step).toPrecision(12)));
  return out;
}

/**
 * Log-axis ticks inside [lo, hi] (lo > 0): powers of ten (thinned to at most
 * ~8); for a range under two decades also 2× and 5×; for a range under one
 * step of those, linear nice ticks.
 */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0 && hi > 0 && Number.isFinite(lo) && Number.isFinite(hi))) return [];
  if (lo > hi) [lo, hi] = [hi, lo];
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const inside = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const decades: number[] = [];
  for (let e = e0; e <= e1; e++) if (inside(10 ** e)) decades.push(parseFloat((10 ** e).toPrecision(12)));
  if (decades.length > 8) {
    const stride = Math.ceil(decades.length / 8);
    return decades.filter((_, k) => k % stride === 0);
  }
  if (decades.length >= 3) return decades;
  const fine: number[] = [];
  for (let e = e0; e <= e1; e++) for (const m of [1, 2, 5]) if (inside(m * 10 ** e)) fine.push(parseFloat((m * 10 ** e).toPrecision(12)));
  if (fine.length >= 3) return fine;
  return niceTicks(lo, hi, 4).filter((v) => v > 0);
}

/** A map from data to pixels. */
export interface Scale {
  (v: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  readonly log: boolean;
  /** Tick values. */
  ticks(count?: number): number[];
  /** True when v can be drawn (finite; > 0 on a log scale). */
  ok(v: number): boolean;
}

/** Linear scale from domain to range (a degenerate domain is widened by ±0.5, or ±1% of its value). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  let [d0, d1] = domain;
  if (d0 === d1) {
    const w = d0 === 0 ? 0.5 : Math.abs(d0) * 0.01;
    d0 -= w;
    d1 += w;
  }
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  const f = ((v: number) => r0 + (v - d0) * k) as Scale;
  return Object.assign(f, {
    domain: [d0, d1] as const,
    range: [r0, r1] as const,
    log: false,
    ticks: (count = 5) => niceTicks(d0, d1, count),
    ok: (v: number) => Number.isFinite(v),
  });
}

/** Log10 scale from domain (both > 0) to range. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  let [d0, d1] = domain;
  if (!(d0 > 0) || !(d1 > 0)) throw rangeError('domain', 'two numbers > 0 (a log scale)', [d0, d1]);
  if (d0 === d1) {
    d0 /= 10;
    d1 *= 10;
  }
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const [r0, r1] = range;
  const k = (r1 - r0) / (l1 - l0);
  const f = ((v: number) => r0 + (Math.log10(v) - l0) * k) as Scale;
  return Object.assign(f, {
    domain: [d0, d1] as const,
    range: [r0, r1] as const,
    log: true,
    ticks: () => logTicks(d0, d1),
    ok: (v: number) => v > 0 && Number.isFinite(v),
  });
}

/** The extent [min, max] of the drawable values (finite; > 0 when `positive`), or null if none. */
export function extent(values: Iterable<number>, positive = false): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (positive && !(v > 0))) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** Widen [lo, hi] by a fraction on each side (linear), or by a factor (log). */
export function pad(ext: readonly [number, number], frac = 0.05, log = false): [number, number] {
  const [lo, hi] = ext;
  if (log) {
    const f = 10 ** (Math.max(Math.log10(hi / lo), 1e-9) * frac);
    return [lo / f, hi * f];
  }
  const w = hi - lo || Math.max(Math.abs(lo), 1) * 0.1;
  return [lo - w * frac, hi + w * frac];
}

/** One axis of a frame. */
export interface AxisOptions {
  /** Data range. Default [0, 1]. */
  domain?: readonly [number, number];
  log?: boolean;
  label?: string;
  /** Approximate tick count (linear axes). Default 5. */
  ticks?: number;
}

/** Options of `frame`. */
export interface FrameOptions {
  width?: number;
  height?: number;
  title?: string;
  /** A note drawn under the title (e.g. "2D PCA projection"). */
  note?: string;
  x?: AxisOptions;
  y?: AxisOptions;
  /** Make one data unit the same length on both axes (linear axes only): the domains are widened to fit. */
  equalAspect?: boolean;
  /** Hide axes (ticks, labels, box). */
  bare?: boolean;
  /** Pixels kept free right of the plot area (for a legend or colour bar outside the data). Default 0. */
  reserveRight?: number;
}

/** A plotting frame: scales and pixel bounds of the plot area, and the document wrapper. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly sx: Scale;
  readonly sy: Scale;
  /** Plot area in pixels: left, top, right, bottom. */
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  /** The id of the clip path of the plot area. */
  readonly clipId: string;
  /** Pixels per data unit on the x axis (linear scales). */
  readonly unitX: number;
  readonly unitY: number;
  /** Axes, ticks, labels and title. */
  axes(): string;
  /** The whole <svg> document: axes, then `body` clipped to the plot area, then `overlay` (legends) unclipped. */
  svg(body: readonly string[], overlay?: readonly string[]): string;
}

let clipCounter = 0;

/** Make a frame. */
export function frame(opts: FrameOptions = {}): Frame {
  const width = opts.width ?? 480;
  const height = opts.height ?? 360;
  const bare = opts.bare === true;
  const titleH = (opts.title ? 22 : 6) + (opts.note ? 16 : 0);
  const left = bare ? 8 : 64;
  const right = width - (bare ? 8 : 16) - (opts.reserveRight ?? 0);
  const top = titleH + 6;
  const bottom = height - (bare ? 8 : 46);
  let xd = opts.x?.domain ?? [0, 1];
  let yd = opts.y?.domain ?? [0, 1];
  const xLog = opts.x?.log === true;
  const yLog = opts.y?.log === true;
  if (opts.equalAspect && !xLog && !yLog) {
    // widen the shorter domain so that units are equal
    let [x0, x1] = xd;
    let [y0, y1] = yd;
    if (x0 === x1) [x0, x1] = [x0 - 0.5, x1 + 0.5];
    if (y0 === y1) [y0, y1] = [y0 - 0.5, y1 + 0.5];
    const kx = (right - left) / (x1 - x0);
    const ky = (bottom - top) / (y1 - y0);
    if (kx < ky) {
      const h = (bottom - top) / kx;
      const c = (y0 + y1) / 2;
      [y0, y1] = [c - h / 2, c + h / 2];
    } else {
      const w = (right - left) / ky;
      const c = (x0 + x1) / 2;
      [x0, x1] = [c - w / 2, c + w / 2];
    }
    xd = [x0, x1];
    yd = [y0, y1];
  }
  const sx = xLog ? logScale(xd, [left, right]) : linearScale(xd, [left, right]);
  const sy = yLog ? logScale(yd, [bottom, top]) : linearScale(yd, [bottom, top]);
  const clipId = `clip${++clipCounter}`;
  const unitX = xLog ? NaN : Math.abs(sx(1) - sx(0));
  const unitY = yLog ? NaN : Math.abs(sy(1) - sy(0));

  const axes = (): string => {
    const parts: string[] = [];
    if (opts.title) parts.push(`<text x="${px(width / 2)}" y="16" text-anchor="middle" font-size="14" font-weight="600">${esc(opts.title)}</text>`);
    if (opts.note) {
      parts.push(`<text x="${px(width / 2)}" y="${opts.title ? 32 : 14}" text-anchor="middle" font-size="11" fill="#555">${esc(opts.note)}</text>`);
    }
    if (bare) return parts.join('');
    parts.push(`<rect x="${px(left)}" y="${px(top)}" width="${px(right - left)}" height="${px(bottom - top)}" fill="none" stroke="#999"/>`);
    for (const v of sx.ticks(opts.x?.ticks ?? 5)) {
      const X = sx(v);
      if (X < left - 0.5 || X > right + 0.5) continue;
      parts.push(`<line x1="${px(X)}" y1="${px(bottom)}" x2="${px(X)}" y2="${px(bottom + 4)}" stroke="#666"/>`);
      parts.push(`<line x1="${px(X)}" y1="${px(top)}" x2="${px(X)}" y2="${px(bottom)}" stroke="#eee"/>`);
      parts.push(`<text x="${px(X)}" y="${px(bottom + 16)}" text-anchor="middle" font-size="10">${esc(tickLabel(v))}</text>`);
    }
    for (const v of sy.ticks(opts.y?.ticks ?? 5)) {
      const Y = sy(v);
      if (Y < top - 0.5 || Y > bottom + 0.5) continue;
      parts.push(`<line x1="${px(left - 4)}" y1="${px(Y)}" x2="${px(left)}" y2="${px(Y)}" stroke="#666"/>`);
      parts.push(`<line x1="${px(left)}" y1="${px(Y)}" x2="${px(right)}" y2="${px(Y)}" stroke="#eee"/>`);
      parts.push(`<text x="${px(left - 6)}" y="${px(Y + 3)}" text-anchor="end" font-size="10">${esc(tickLabel(v))}</text>`);
    }
    if (opts.x?.label) {
      parts.push(`<text x="${px((left + right) / 2)}" y="${px(height - 8)}" text-anchor="middle" font-size="12">${esc(opts.x.label)}${xLog ? ' (log scale)' : ''}</text>`);
    }
    if (opts.y?.label) {
      const cy = (top + bottom) / 2;
      parts.push(
        `<text x="14" y="${px(cy)}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${px(cy)})">${esc(opts.y.label)}${yLog ? ' (log scale)' : ''}</text>`,
      );
    }
    return parts.join('');
  };

  const svg = (body: readonly string[], overlay: readonly string[] = []): string =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">` +
    `<rect width="${width}" height="${height}" fill="#fff"/>` +
    `<defs><clipPath id="${clipId}"><rect x="${px(left)}" y="${px(top)}" width="${px(right - left)}" height="${px(bottom - top)}"/></clipPath></defs>` +
    axes() +
    `<g clip-path="url(#${clipId})">${body.join('')}</g>` +
    overlay.join('') +
    `</svg>`;

  return { width, height, sx, sy, left, top, right, bottom, clipId, unitX, unitY, axes, svg };
}

/** Stroke/fill style of a mark. */
export interface Style {
  stroke?: string;
  fill?: string;
  strokeWidth?: number;
  opacity?: number;
  dash?: string;
  /** Marker radius in pixels (points, stars). */
  r?: number;
  /** Tooltip text. */
  title?: string;
}

function styleAttrs(s: Style, defaults: Style): string {
  const st = { ...defaults, ...s };
  let a = '';
  a += ` fill="${esc(st.fill ?? 'none')}"`;
  if (st.stroke !== undefined) a += ` stroke="${esc(st.stroke)}"`;
  if (st.strokeWidth !== undefined) a += ` stroke-width="${st.strokeWidth}"`;
  if (st.opacity !== undefined) a += ` opacity="${st.opacity}"`;
  if (st.dash !== undefined) a += ` stroke-dasharray="${esc(st.dash)}"`;
  return a;
}

function titled(el: string, close: string, title: string | undefined): string {
  return title === undefined ? `${el}/>` : `${el}><title>${esc(title)}</title></${close}>`;
}

/** Points as circles; `sizes` (pixels) overrides style.r per point, `colors` overrides fill per point. */
export function points(
  f: Frame,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  style: Style = {},
  per: { sizes?: ArrayLike<number>; colors?: readonly string[]; titles?: readonly string[] } = {},
): string {
  const out: string[] = [];
  const n = Math.min(xs.length, ys.length);
  for (let k = 0; k < n; k++) {
    const x = xs[k] as number;
    const y = ys[k] as number;
    if (!f.sx.ok(x) || !f.sy.ok(y)) continue;
    const r = per.sizes ? (per.sizes[k] as number) : (style.r ?? 3);
    if (!(r > 0)) continue;
    const s: Style = per.colors ? { ...style, fill: per.colors[k] ?? style.fill } : style;
    out.push(titled(`<circle cx="${px(f.sx(x))}" cy="${px(f.sy(y))}" r="${px(r)}"${styleAttrs(s, { fill: '#333' })}`, 'circle', per.titles?.[k] ?? style.title));
  }
  return out.join('');
}

/** The path of a 5-pointed star of outer radius r centred at (cx, cy) in pixels. */
function starPath(cx: number, cy: number, r: number): string {
  const pts: string[] = [];
  for (let k = 0; k < 10; k++) {
    const rr = k % 2 === 0 ? r : r * 0.45;
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    pts.push(`${px(cx + rr * Math.cos(a))},${px(cy + rr * Math.sin(a))}`);
  }
  return `M${pts.join('L')}Z`;
}

/** Points as 5-pointed stars (leaders). */
export function stars(f: Frame, xs: ArrayLike<number>, ys: ArrayLike<number>, style: Style = {}, colors?: readonly string[]): string {
  const out: string[] = [];
  const n = Math.min(xs.length, ys.length);
  for (let k = 0; k < n; k++) {
    const x = xs[k] as number;
    const y = ys[k] as number;
    if (!f.sx.ok(x) || !f.sy.ok(y)) continue;
    const s = colors ? { ...style, fill: colors[k] ?? style.fill } : style;
    out.push(titled(`<path d="${starPath(f.sx(x), f.sy(y), style.r ?? 7)}"${styleAttrs(s, { fill: '#d4a017', stroke: '#000', strokeWidth: 0.8 })}`, 'path', style.title));
  }
  return out.join('');
}

/** A polyline through (xs[k], ys[k]); undrawable points break it into pieces. */
export function polyline(f: Frame, xs: ArrayLike<number>, ys: ArrayLike<number>, style: Style = {}): string {
  const pieces: string[] = [];
  let cur: string[] = [];
  const n = Math.min(xs.length, ys.length);
  const flush = (): void => {
    if (cur.length >= 2) pieces.push(`M${cur.join('L')}`);
    else if (cur.length === 1) pieces.push(`M${cur[0]}l0.01,0`);
    cur = [];
  };
  for (let k = 0; k < n; k++) {
    const x = xs[k] as number;
    const y = ys[k] as number;
    if (!f.sx.ok(x) || !f.sy.ok(y)) {
      flush();
      continue;
    }
    cur.push(`${px(f.sx(x))},${px(f.sy(y))}`);
  }
  flush();
  if (pieces.length === 0) return '';
  return titled(`<path d="${pieces.join('')}"${styleAttrs(style, { stroke: '#333', strokeWidth: 1.2 })} stroke-linejoin="round" stroke-linecap="round"`, 'path', style.title);
}

/** A closed polygon through (xs[k], ys[k]) (undrawable points are skipped). */
export function polygon(f: Frame, xs: ArrayLike<number>, ys: ArrayLike<number>, style: Style = {}): string {
  const pts: string[] = [];
  const n = Math.min(xs.length, ys.length);
  for (let k = 0; k < n; k++) {
    const x = xs[k] as number;
    const y = ys[k] as number;
    if (f.sx.ok(x) && f.sy.ok(y)) pts.push(`${px(f.sx(x))},${px(f.sy(y))}`);
  }
  if (pts.length === 0) return '';
  return titled(`<polygon points="${pts.join(' ')}"${styleAttrs(style, { stroke: '#333', fill: 'none', strokeWidth: 1.2 })}`, 'polygon', style.title);
}

/** A segment between two data points. */
export function segment(f: Frame, x1: number, y1: number, x2: number, y2: number, style: Style = {}): string {
  if (![x1, x2].every(f.sx.ok) || ![y1, y2].every(f.sy.ok)) return '';
  return titled(
    `<line x1="${px(f.sx(x1))}" y1="${px(f.sy(y1))}" x2="${px(f.sx(x2))}" y2="${px(f.sy(y2))}"${styleAttrs(style, { stroke: '#333', strokeWidth: 1 })}`,
    'line',
    style.title,
  );
}

/**
 * The infinite line {p + s·u} of a linear frame, clipped to the frame's data
 * domain (Liang–Barsky). Returns '' if it misses the frame.
 */
export function infiniteLine(f: Frame, p: readonly [number, number] | ArrayLike<number>, u: readonly [number, number] | ArrayLike<number>, style: Style = {}): string {
  const [x0, x1] = f.sx.domain;
  const [y0, y1] = f.sy.domain;
  const px0 = p[0] as number;
  const py0 = p[1] as number;
  const ux = u[0] as number;
  const uy = u[1] as number;
  let lo = -Infinity;
  let hi = Infinity;
  const clip = (pp: number, uu: number, a: number, b: number): boolean => {
    if (uu === 0) return pp >= Math.min(a, b) && pp <= Math.max(a, b);
    let s0 = (a - pp) / uu;
    let s1 = (b - pp) / uu;
    if (s0 > s1) [s0, s1] = [s1, s0];
    lo = Math.max(lo, s0);
    hi = Math.min(hi, s1);
    return lo <= hi;
  };
  if (!clip(px0, ux, x0, x1) || !clip(py0, uy, y0, y1) || !(lo <= hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) return '';
  return segment(f, px0 + lo * ux, py0 + lo * uy, px0 + hi * ux, py0 + hi * uy, style);
}

/** A circle of data radius r (an ellipse when the axes' units differ). Linear frames only. */
export function dataCircle(f: Frame, cx: number, cy: number, r: number, style: Style = {}): string {
  if (!f.sx.ok(cx) || !f.sy.ok(cy) || !(r > 0)) return '';
  const rx = r * f.unitX;
  const ry = r * f.unitY;
  return titled(
    `<ellipse cx="${px(f.sx(cx))}" cy="${px(f.sy(cy))}" rx="${px(rx)}" ry="${px(ry)}"${styleAttrs(style, { stroke: '#333', fill: 'none', strokeWidth: 1 })}`,
    'ellipse',
    style.title,
  );
}

/** Text at a data point (offset in pixels). */
export function label(f: Frame, x: number, y: number, text: string, opts: { dx?: number; dy?: number; size?: number; color?: string; anchor?: string } = {}): string {
  if (!f.sx.ok(x) || !f.sy.ok(y)) return '';
  return `<text x="${px(f.sx(x) + (opts.dx ?? 4))}" y="${px(f.sy(y) + (opts.dy ?? -4))}" font-size="${opts.size ?? 10}" fill="${esc(opts.color ?? '#222')}" text-anchor="${opts.anchor ?? 'start'}">${esc(text)}</text>`;
}

/** One legend entry. */
export interface LegendItem {
  label: string;
  color: string;
  /** 'line' (default), 'point', 'star', 'dash' or 'box'. */
  kind?: 'line' | 'point' | 'star' | 'dash' | 'box';
}

/** Where a legend goes: a corner of the plot area, or 'outside' (right of the plot area, in the frame's reserveRight). */
export type LegendCorner = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'outside';

/** Pixel width of a legend box for these items (reserve it with FrameOptions.reserveRight to put the legend outside). */
export function legendWidth(items: readonly LegendItem[]): number {
  return items.length === 0 ? 0 : 28 + Math.max(...items.map((it) => it.label.length)) * 6.2;
}

/** A legend box in a corner of the plot area, or outside it (right of the plot area, where no data is drawn). */
export function legend(f: Frame, items: readonly LegendItem[], corner: LegendCorner = 'top-right'): string {
  if (items.length === 0) return '';
  const lineH = 15;
  const w = legendWidth(items);
  const h = items.length * lineH + 8;
  const x = corner === 'outside' ? f.right + 8 : corner.endsWith('right') ? f.right - w - 6 : f.left + 6;
  const y = corner === 'outside' || corner.startsWith('top') ? f.top + (corner === 'outside' ? 0 : 6) : f.bottom - h - 6;
  const parts = [`<g class="legend"><rect x="${px(x)}" y="${px(y)}" width="${px(w)}" height="${px(h)}" fill="#fff" fill-opacity="0.85" stroke="#bbb"/>`];
  items.forEach((it, k) => {
    const cy = y + 4 + lineH * k + lineH / 2;
    const c = esc(it.color);
    const kind = it.kind ?? 'line';
    if (kind === 'point') parts.push(`<circle cx="${px(x + 12)}" cy="${px(cy)}" r="3.5" fill="${c}"/>`);
    else if (kind === 'star') parts.push(`<path d="${starPath(x + 12, cy, 6)}" fill="${c}" stroke="#000" stroke-width="0.6"/>`);
    else if (kind === 'box') parts.push(`<rect x="${px(x + 6)}" y="${px(cy - 5)}" width="12" height="10" fill="${c}"/>`);
    else parts.push(`<line x1="${px(x + 4)}" y1="${px(cy)}" x2="${px(x + 20)}" y2="${px(cy)}" stroke="${c}" stroke-width="2"${kind === 'dash' ? ' stroke-dasharray="4 3"' : ''}/>`);
    parts.push(`<text x="${px(x + 24)}" y="${px(cy + 3.5)}" font-size="10.5">${esc(it.label)}</text>`);
  });
  parts.push('</g>');
  return parts.join('');
}

/** One series of a line plot. */
export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label?: string;
  color?: string;
  dash?: string;
  strokeWidth?: number;
  /** Draw markers at the points too. */
  markers?: boolean;
}

/** Options of `linePlot`. */
export interface LinePlotOptions {
  title?: string;
  note?: string;
  xLabel?: string;
  yLabel?: string;
  xLog?: boolean;
  yLog?: boolean;
  width?: number;
  height?: number;
  /** Fixed domains (default: the data's extent, padded). */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  /** Where the legend goes; default 'outside' (right of the plot, widening the figure), so it never covers a line. */
  legendCorner?: LegendCorner;
  /** Extra SVG drawn after the series (inside the clip), given the frame. */
  extra?: (f: Frame) => string;
}

/** A complete line plot (axes, series, legend) as an SVG string. Series without drawable points are skipped. */
export function linePlot(series: readonly Series[], opts: LinePlotOptions = {}): string {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (let k = 0; k < Math.min(s.x.length, s.y.length); k++) {
      xs.push(s.x[k] as number);
      ys.push(s.y[k] as number);
    }
  }
  const xe = opts.xDomain ?? pad(extent(xs, opts.xLog) ?? (opts.xLog ? [1, 10] : [0, 1]), 0.02, opts.xLog);
  const ye = opts.yDomain ?? pad(extent(ys, opts.yLog) ?? (opts.yLog ? [1, 10] : [0, 1]), 0.05, opts.yLog);
  const items: LegendItem[] = [];
  series.forEach((s, k) => {
    if (s.label !== undefined) items.push({ label: s.label, color: s.color ?? color(k), kind: s.dash ? 'dash' : 'line' });
  });
  const corner = opts.legendCorner ?? 'outside';
  const shown = items.length > 0 && items.length <= 24;
  const reserve = shown && corner === 'outside' ? legendWidth(items) + 14 : 0;
  const f = frame({
    width: (opts.width ?? 480) + reserve,
    height: Math.max(opts.height ?? 360, shown ? items.length * 15 + 90 : 0),
    title: opts.title,
    note: opts.note,
    x: { domain: xe, log: opts.xLog, label: opts.xLabel },
    y: { domain: ye, log: opts.yLog, label: opts.yLabel },
    reserveRight: reserve,
  });
  const body: string[] = [];
  series.forEach((s, k) => {
    const c = s.color ?? color(k);
    body.push(polyline(f, s.x, s.y, { stroke: c, strokeWidth: s.strokeWidth ?? 1.5, dash: s.dash }));
    if (s.markers) body.push(points(f, s.x, s.y, { fill: c, r: 2.5 }));
  });
  if (opts.extra) body.push(opts.extra(f));
  return f.svg(body, shown ? [legend(f, items, corner)] : []);
}

/** A histogram (bars) of values over `bins` equal bins of [lo, hi]; several groups side by side. */
export function histogram(
  groups: readonly { values: ArrayLike<number>; label: string; color?: string }[],
  opts: { bins?: number; domain?: readonly [number, number]; title?: string; note?: string; xLabel?: string; yLabel?: string; width?: number; height?: number } = {},
): string {
  const bins = opts.bins ?? 20;
  const all: number[] = [];
  for (const g of groups) for (let k = 0; k < g.values.length; k++) all.push(g.values[k] as number);
  const [lo, hi] = opts.domain ?? extent(all) ?? [0, 1];
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = groups.map((g) => {
    const c = new Array<number>(bins).fill(0);
    for (let k = 0; k < g.values.length; k++) {
      const v = g.values[k] as number;
      if (!Number.isFinite(v)) continue;
      const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
      c[b] = (c[b] as number) + 1;
    }
    return c;
  });
  const maxC = Math.max(1, ...counts.flat());
  const items = groups.map((g, gi) => ({ label: g.label, color: g.color ?? color(gi), kind: 'box' as const }));
  const reserve = legendWidth(items) + 14;
  const f = frame({
    width: (opts.width ?? 480) + reserve,
    height: opts.height,
    title: opts.title,
    note: opts.note,
    x: { domain: [lo, lo + bins * width], label: opts.xLabel },
    y: { domain: [0, maxC * 1.08], label: opts.yLabel ?? 'count' },
    reserveRight: reserve,
  });
  const body: string[] = [];
  const gw = width / Math.max(1, groups.length);
  groups.forEach((g, gi) => {
    const c = g.color ?? color(gi);
    (counts[gi] as number[]).forEach((cnt, b) => {
      if (cnt === 0) return;
      const x0 = f.sx(lo + b * width + gi * gw);
      const x1 = f.sx(lo + b * width + (gi + 1) * gw);
      const y0 = f.sy(cnt);
      body.push(`<rect x="${px(x0)}" y="${px(y0)}" width="${px(Math.max(0.5, x1 - x0 - 0.5))}" height="${px(f.sy(0) - y0)}" fill="${esc(c)}"><title>${esc(`${g.label}: ${cnt}`)}</title></rect>`);
    });
  });
  return f.svg(body, [legend(f, items, 'outside')]);
}

/**
 * A label image (e.g. cells on a grid) as run-length rectangles: `labels` is a
 * rows×cols grid (row 0 at the top of the data domain's y1, i.e. the image's
 * top), each label drawn with colors(label). Adjacent equal labels in a row
 * merge into one rect, so the SVG stays small; a colour 'none' draws nothing.
 */
export function labelImage(
  f: Frame,
  labels: ArrayLike<number>,
  rows: number,
  cols: number,
  domain: { x: readonly [number, number]; y: readonly [number, number] },
  colors: (label: number) => string,
  opacity = 0.55,
): string {
  const out: string[] = [];
  const [x0, x1] = domain.x;
  const [y0, y1] = domain.y;
  const cw = (x1 - x0) / cols;
  const ch = (y1 - y0) / rows;
  for (let r = 0; r < rows; r++) {
    let c = 0;
    while (c < cols) {
      const lab = labels[r * cols + c] as number;
      let e = c + 1;
      while (e < cols && labels[r * cols + e] === lab) e++;
      const fill = colors(lab);
      if (fill === 'none') {
        c = e;
        continue;
      }
      const X0 = f.sx(x0 + c * cw);
      const X1 = f.sx(x0 + e * cw);
      const Y0 = f.sy(y1 - r * ch);
      const Y1 = f.sy(y1 - (r + 1) * ch);
      out.push(`<rect x="${px(X0)}" y="${px(Y0)}" width="${px(X1 - X0 + 0.4)}" height="${px(Y1 - Y0 + 0.4)}" fill="${esc(fill)}"/>`);
      c = e;
    }
  }
  return `<g opacity="${opacity}" shape-rendering="crispEdges">${out.join('')}</g>`;
}

/** Options of `heatmap`. */
export interface HeatmapOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Label of the colour bar. */
  valueLabel?: string;
  /** Colour range (default: the finite values' extent); values outside are clamped. */
  range?: readonly [number, number];
  /** Logarithmic colour scale (range must be positive). */
  log?: boolean;
  width?: number;
  height?: number;
}

/** Sequential colour (light yellow → dark blue) for u in [0, 1]. */
export function sequential(u: number): string {
  const stops = [
    [255, 255, 217],
    [199, 233, 180],
    [65, 182, 196],
    [34, 94, 168],
    [8, 29, 88],
  ];
  const x = Math.min(1, Math.max(0, u)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(x));
  const t = x - k;
  const a = stops[k] as number[];
  const b = stops[k + 1] as number[];
  const c = a.map((v, i) => Math.round(v + t * ((b[i] as number) - v)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/**
 * A heatmap: values[row][col], rows along y (row 0 at domain.y[0], the
 * bottom), columns along x, each cell a rectangle coloured by `sequential`
 * over 48 levels (equal neighbours in a row merge, keeping the SVG small),
 * with a colour bar right of the plot. NaN cells are left blank.
 */
export function heatmap(values: readonly (readonly number[])[], domain: { x: readonly [number, number]; y: readonly [number, number] }, opts: HeatmapOptions = {}): string {
  const rows = values.length;
  const cols = rows > 0 ? (values[0] as readonly number[]).length : 0;
  const finite = values.flat().filter((v) => Number.isFinite(v) && (!opts.log || v > 0));
  let [lo, hi] = opts.range ?? (finite.length > 0 ? [Math.min(...finite), Math.max(...finite)] : [0, 1]);
  if (!(hi > lo)) hi = lo + 1;
  const LEVELS = 48;
  const tf = (v: number): number => (opts.log ? Math.log(v) : v);
  const unit = (v: number): number => (tf(Math.min(hi, Math.max(lo, v))) - tf(lo)) / (tf(hi) - tf(lo));
  const level = (v: number): number => (Number.isFinite(v) ? Math.min(LEVELS - 1, Math.floor(unit(v) * LEVELS)) : -1);
  const f = frame({ width: opts.width ?? 640, height: opts.height ?? 380, title: opts.title, x: { domain: domain.x, label: opts.xLabel }, y: { domain: domain.y, label: opts.yLabel }, reserveRight: 86 });
  const dy = rows > 1 ? ((domain.y[1] as number) - (domain.y[0] as number)) / (rows - 1) : 1;
  const dx = cols > 1 ? ((domain.x[1] as number) - (domain.x[0] as number)) / (cols - 1) : 1;
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const row = values[r] as readonly number[];
    const yc = (domain.y[0] as number) + r * dy;
    const Y0 = f.sy(yc + dy / 2);
    const Y1 = f.sy(yc - dy / 2);
    let c = 0;
    while (c < cols) {
      const lv = level(row[c] as number);
      let e = c + 1;
      while (e < cols && level(row[e] as number) === lv) e++;
      if (lv >= 0) {
        const X0 = f.sx((domain.x[0] as number) + (c - 0.5) * dx);
        const X1 = f.sx((domain.x[0] as number) + (e - 0.5) * dx);
        out.push(`<rect x="${px(X0)}" y="${px(Y0)}" width="${px(X1 - X0 + 0.4)}" height="${px(Y1 - Y0 + 0.4)}" fill="${sequential((lv + 0.5) / LEVELS)}"/>`);
      }
      c = e;
    }
  }
  // colour bar
  const bx = f.right + 14;
  const bh = f.bottom - f.top;
  const bar: string[] = [`<g class="colorbar">`];
  for (let k = 0; k < LEVELS; k++) bar.push(`<rect x="${px(bx)}" y="${px(f.bottom - ((k + 1) * bh) / LEVELS)}" width="14" height="${px(bh / LEVELS + 0.4)}" fill="${sequential((k + 0.5) / LEVELS)}"/>`);
  const ticks = opts.log ? logTicks(lo, hi) : niceTicks(lo, hi, 5);
  for (const t of ticks) {
    if (t < lo || t > hi) continue;
    const Y = f.bottom - unit(t) * bh;
    bar.push(`<line x1="${px(bx + 14)}" y1="${px(Y)}" x2="${px(bx + 18)}" y2="${px(Y)}" stroke="#666"/><text x="${px(bx + 20)}" y="${px(Y + 3)}" font-size="10">${esc(tickLabel(t))}</text>`);
  }
  if (opts.valueLabel) bar.push(`<text x="${px(bx)}" y="${px(f.top - 4)}" font-size="10.5">${esc(opts.valueLabel)}${opts.log ? ' (log)' : ''}</text>`);
  bar.push('</g>');
  return f.svg([`<g shape-rendering="crispEdges">${out.join('')}</g>`], [bar.join('')]);
}
