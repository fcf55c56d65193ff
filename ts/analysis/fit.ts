/**
 * Small numeric helpers of the analysis layer: least-squares line fits
 * (single series and pooled "within-group" slopes), unit in the last place,
 * default tolerances and the largest token norm shared by limits.ts,
 * quiescent.ts and energies.ts. Argument checks live in ts/check.ts (and
 * trajectory.ts `checkTrajectory` for Trajectories).
 *
 * Everything here allocates only its (small) result and never mutates inputs.
 */
import { checkInt, copyFinite, isFlatArray, rangeError, typeError } from '../check.js';
import { wolfeNearest } from './nearest.js';
import { normAt } from './scale.js';

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
 * xs and ys must have the same length and finite entries up to `to`
 * (TypeError / RangeError otherwise); 0 <= from <= to <= xs.length, integers
 * (`to` defaults to xs.length).
 */
export function linearFit(xs: ArrayLike<number>, ys: ArrayLike<number>, from = 0, to?: number): LineFit {
  if (!isFlatArray(xs)) throw typeError('xs', 'an array of numbers (Float64Array, Float32Array or number[])', xs);
  if (!isFlatArray(ys)) throw typeError('ys', 'an array of numbers (Float64Array, Float32Array or number[])', ys);
  if (ys.length !== xs.length) throw rangeError('ys.length', `xs.length = ${xs.length}`, ys.length);
  const lo = checkInt(from, 'from', 0, xs.length);
  const hi = to === undefined ? xs.length : checkInt(to, 'to', lo, xs.length);
  // the points used must be finite numbers (a NaN would give a NaN fit silently)
  copyFinite((xs as ArrayLike<unknown>), hi, 'xs');
  copyFinite((ys as ArrayLike<unknown>), hi, 'ys');
  return fitRange(xs as ArrayLike<number>, ys as ArrayLike<number>, lo, hi);
}

/** linearFit without argument checks, for finite inputs of the analysis layer. @internal */
export function fitRange(xs: ArrayLike<number>, ys: ArrayLike<number>, from: number, to: number): LineFit {
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
    if (g.ys.length !== m) throw rangeError('ys.length', `xs.length = ${m} in every group`, g.ys.length);
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

/** max_i |x_i| over the first n rows (norms safe from over- and underflow, scale.ts `normAt`). @internal */
export function maxNorm(x: ArrayLike<number>, n: number, d: number, offset = 0): number {
  let R = 0;
  for (let i = 0; i < n; i++) {
    const r = normAt(x, offset + i * d, d);
    if (r > R) R = r;
  }
  return R;
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
  if (M < 1) throw rangeError('rows.length', 'at least 1 (a hull needs a point)', M);
  const weights = new Float64Array(M);
  const r = wolfeNearest(p, k, q, { rows, count: M, relativeTolerance: 1e-14, weights });
  return { distance: r.distance, weights, point: r.point };
}
