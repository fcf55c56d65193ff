/**
 * Small numeric helpers of the analysis layer: least-squares line fits
 * (single series and pooled "within-group" slopes), unit in the last place,
 * and argument checks shared by limits.ts, quiescent.ts and energies.ts.
 *
 * Everything here allocates only its (small) result and never mutates inputs.
 */
import { wolfeNearest } from './nearest.js';
import type { Trajectory } from './trajectory.js';

/** A least-squares line y ≈ intercept + slope·x. */
export interface LineFit {
  /** dy/dx; NaN with fewer than 2 points or when all x are equal. */
  slope: number;
  /** y at x = 0; NaN when slope is. */
  intercept: number;
  /** Coefficient of determination 1 − SS_res/SS_tot; 1 when SS_tot = 0 and the fit is exact; NaN without a fit. */
  r2: number;
  /** Number of points used. */
  count: number;
}

/**
 * Ordinary least squares over the points (xs[k], ys[k]) for k in [from, to).
 * Two-pass (centred) sums, so a large offset in x or y costs no accuracy.
 */
export function linearFit(xs: ArrayLike<number>, ys: ArrayLike<number>, from = 0, to: number = xs.length): LineFit {
  if (xs.length !== ys.length) throw new RangeError(`linearFit: xs and ys must have the same length; got ${xs.length} and ${ys.length}`);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > xs.length || from > to) {
    throw new RangeError(`linearFit: need integers 0 <= from <= to <= ${xs.length}; got from = ${from}, to = ${to}`);
  }
  const count = to - from;
  if (count < 2) return { slope: NaN, intercept: NaN, r2: NaN, count };
  let mx = 0;
  let my = 0;
  for (let k = from; k < to; k++) {
    mx += xs[k] as number;
    my += ys[k] as number;
  }
  mx /= count;
  my /= count;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let k = from; k < to; k++) {
    const dx = (xs[k] as number) - mx;
    const dy = (ys[k] as number) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return { slope: NaN, intercept: NaN, r2: NaN, count };
  const slope = sxy / sxx;
  let ssr = 0;
  for (let k = from; k < to; k++) {
    const e = (ys[k] as number) - my - slope * ((xs[k] as number) - mx);
    ssr += e * e;
  }
  return { slope, intercept: my - slope * mx, r2: syy > 0 ? 1 - ssr / syy : ssr === 0 ? 1 : NaN, count };
}

/** One group of points for pooledSlope. */
export interface FitGroup {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
}

/** A common slope fitted over several groups, each with its own intercept. */
export interface PooledFit {
  /** The within-group least-squares slope Σ_g Σ (x − x̄_g)(y − ȳ_g) / Σ_g Σ (x − x̄_g)²; NaN without data. */
  slope: number;
  /** 1 − SS_res/SS_tot with both sums taken about each group's own mean. */
  r2: number;
  /** Points used (groups with fewer than 2 points are skipped). */
  count: number;
  /** Groups that contributed (at least 2 points). */
  groups: number;
}

/**
 * Least-squares slope shared by several series, each with its own intercept
 * (a fixed-effects fit): the pooled rate of several tokens that decay at the
 * same geometric rate from different starting distances.
 */
export function pooledSlope(groups: readonly FitGroup[]): PooledFit {
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let count = 0;
  let used = 0;
  const means: Array<[number, number] | null> = [];
  for (const g of groups) {
    const m = g.xs.length;
    if (g.ys.length !== m) throw new RangeError(`pooledSlope: a group has ${m} xs and ${g.ys.length} ys`);
    if (m < 2) {
      means.push(null);
      continue;
    }
    let mx = 0;
    let my = 0;
    for (let k = 0; k < m; k++) {
      mx += g.xs[k] as number;
      my += g.ys[k] as number;
    }
    mx /= m;
    my /= m;
    means.push([mx, my]);
    for (let k = 0; k < m; k++) {
      const dx = (g.xs[k] as number) - mx;
      const dy = (g.ys[k] as number) - my;
      sxx += dx * dx;
      sxy += dx * dy;
      syy += dy * dy;
    }
    count += m;
    used++;
  }
  if (!(sxx > 0)) return { slope: NaN, r2: NaN, count, groups: used };
  const slope = sxy / sxx;
  let ssr = 0;
  groups.forEach((g, gi) => {
    const mm = means[gi];
    if (!mm) return;
    for (let k = 0; k < g.xs.length; k++) {
      const e = (g.ys[k] as number) - mm[1] - slope * ((g.xs[k] as number) - mm[0]);
      ssr += e * e;
    }
  });
  return { slope, r2: syy > 0 ? 1 - ssr / syy : ssr === 0 ? 1 : NaN, count, groups: used };
}

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The unit in the last place of |v|: the gap from |v| to the next larger
 * representable number in the given precision (f64 by default). ulp(0) is the
 * smallest subnormal; ulp(±Infinity) and ulp(NaN) are NaN.
 */
export function ulp(v: number, precision: 'f64' | 'f32' = 'f64'): number {
  if (!Number.isFinite(v)) return NaN;
  const a = Math.abs(v);
  if (precision === 'f64') {
    if (a === Number.MAX_VALUE) return 2 ** 971;
    f64[0] = a;
    u64[0] = (u64[0] as bigint) + 1n;
    return (f64[0] as number) - a;
  }
  const a32 = Math.fround(a);
  if (a32 === Infinity || a32 >= 3.4028234663852886e38) return 2 ** 104;
  f32[0] = a32;
  u32[0] = (u32[0] as number) + 1;
  return (f32[0] as number) - a32;
}

/** The storage precision of a buffer: 'f32' for a Float32Array, else 'f64'. @internal */
export function precisionOf(x: ArrayLike<number>): 'f64' | 'f32' {
  return x instanceof Float32Array ? 'f32' : 'f64';
}

/** SPEC §4 "tol": 1e-12·max(1,R) for f64 data and 1e-5·max(1,R) for f32 data. @internal */
export function defaultTol(precision: 'f64' | 'f32', R: number): number {
  return (precision === 'f64' ? 1e-12 : 1e-5) * Math.max(1, R);
}

/** Formats a value for an error message. @internal */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || v === undefined) return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(v)) return `Array(${v.length})`;
  return typeof v;
}

/** Checks `n` and `d` (integers >= 1) and that `x` holds at least n*d numbers. @internal */
export function checkState(fn: string, x: unknown, n: unknown, d: unknown, name = 'x'): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new RangeError(`${fn}: n must be an integer >= 1; got ${show(n)}`);
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw new RangeError(`${fn}: d must be an integer >= 1; got ${show(d)}`);
  if (x === null || typeof x !== 'object' || typeof (x as { length?: unknown }).length !== 'number') {
    throw new TypeError(`${fn}: ${name} must be a flat array of numbers (n*d, row-major); got ${show(x)}`);
  }
  const len = (x as ArrayLike<number>).length;
  if (len < n * d) throw new RangeError(`${fn}: ${name} must hold n*d = ${n * d} numbers; got length ${len}`);
}

/** Checks the shape of a Trajectory (n, d, count >= 1, buffer lengths, ascending times). @internal */
export function checkTrajectory(fn: string, tr: unknown, name = 'tr'): asserts tr is Trajectory {
  if (tr === null || typeof tr !== 'object') throw new TypeError(`${fn}: ${name} must be a Trajectory; got ${show(tr)}`);
  const t = tr as Partial<Trajectory>;
  if (typeof t.n !== 'number' || !Number.isInteger(t.n) || t.n < 1) throw new RangeError(`${fn}: ${name}.n must be an integer >= 1; got ${show(t.n)}`);
  if (typeof t.d !== 'number' || !Number.isInteger(t.d) || t.d < 1) throw new RangeError(`${fn}: ${name}.d must be an integer >= 1; got ${show(t.d)}`);
  if (typeof t.count !== 'number' || !Number.isInteger(t.count) || t.count < 1) {
    throw new RangeError(`${fn}: ${name}.count must be an integer >= 1; got ${show(t.count)}`);
  }
  if (!(t.times instanceof Float64Array)) throw new TypeError(`${fn}: ${name}.times must be a Float64Array; got ${show(t.times)}`);
  if (!(t.data instanceof Float64Array || t.data instanceof Float32Array)) {
    throw new TypeError(`${fn}: ${name}.data must be a Float64Array or Float32Array; got ${show(t.data)}`);
  }
  if (t.times.length < t.count) throw new RangeError(`${fn}: ${name}.times has length ${t.times.length} < count = ${t.count}`);
  if (t.data.length < t.count * t.n * t.d) {
    throw new RangeError(`${fn}: ${name}.data has length ${t.data.length} < count*n*d = ${t.count * t.n * t.d}`);
  }
  for (let s = 1; s < t.count; s++) {
    if (!((t.times[s] as number) > (t.times[s - 1] as number))) {
      throw new RangeError(`${fn}: ${name}.times must be strictly increasing; times[${s - 1}] = ${t.times[s - 1]}, times[${s}] = ${t.times[s]}`);
    }
  }
}

/** Checks an optional finite number option (with an optional lower bound). @internal */
export function optNumber(fn: string, name: string, v: unknown, def: number, min = -Infinity, allowInfinity = false, strict = false): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${fn}: ${name} must be a number; got ${show(v)}`);
  if (!allowInfinity && !Number.isFinite(v)) throw new RangeError(`${fn}: ${name} must be finite; got ${show(v)}`);
  if (strict ? !(v > min) : !(v >= min)) throw new RangeError(`${fn}: ${name} must be ${strict ? '>' : '>='} ${min}; got ${show(v)}`);
  return v;
}

/** max_i |x_i| over the first n rows. @internal */
export function maxNorm(x: ArrayLike<number>, n: number, d: number, offset = 0): number {
  let R = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = offset + i * d;
    for (let c = 0; c < d; c++) {
      const v = x[o + c] as number;
      s += v * v;
    }
    if (s > R) R = s;
  }
  return Math.sqrt(R);
}

/** The nearest point of a convex hull to a query point. */
export interface HullProjection {
  /** Euclidean distance from the query to the hull (0 inside, up to rounding). */
  distance: number;
  /** Convex weights over the rows used (length = number of rows; zeros off the active face). */
  weights: Float64Array;
  /** The nearest point, k numbers. */
  point: Float64Array;
}

/**
 * Distance from q to conv{ p_r : r in rows } in R^k, with the convex weights of
 * the nearest point: Wolfe's minimum-norm-point algorithm (Wolfe 1976,
 * ts/analysis/nearest.ts) on p_r − q. LP-free and exact in exact arithmetic;
 * run until its certified bounds meet within 1e-14 of the scale of the shifted
 * points (max_r |p_r − q|) or rounding stalls it, so the distance is accurate
 * to about 1e-15 of that scale.
 *
 * @param p points, row r at p[r*k .. r*k+k) (read only)
 * @param k dimension
 * @param rows the rows of p to use (default: all rows 0 .. p.length/k − 1)
 * @param q the query point (k numbers)
 */
export function nearestInHull(p: ArrayLike<number>, k: number, q: ArrayLike<number>, rows?: ArrayLike<number>): HullProjection {
  const M = rows ? rows.length : Math.floor(p.length / k);
  if (M < 1) throw new RangeError('nearestInHull: need at least one point');
  const weights = new Float64Array(M);
  const r = wolfeNearest(p, k, q, { rows, count: M, relativeTolerance: 1e-14, weights });
  return { distance: r.distance, weights, point: r.point };
}
