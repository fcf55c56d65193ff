/**
 * Least-squares line fits of the analysis of dynamics: one series
 * (`linearFit`, `fitRange`) and pooled "within-group" slopes (`pooledSlope`),
 * used for decay rates (limits.ts, quiescent.ts) and the experiments.
 * Argument checks live in ts/check.ts.
 *
 * Everything here allocates only its (small) result and never mutates inputs.
 */
import { checkInt, copyFinite, isFlatArray, rangeError, typeError } from '../../check.js';

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

/** Median of finite values (NaN if none). */
export function median(v: readonly number[]): number {
  const a = v.filter((x) => Number.isFinite(x)).sort((p, q) => p - q);
  if (a.length === 0) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? (a[m] as number) : ((a[m - 1] as number) + (a[m] as number)) / 2;
}
