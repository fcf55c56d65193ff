/**
 * The nearest point of a convex hull: P. Wolfe's minimum-norm-point
 * algorithm ("Finding the nearest point in a polytope", Math. Programming 11,
 * 1976), the one implementation behind
 *
 *   frankwolfe.ts  hullDistance / nearestPoint   certified bounds, early stops (public)
 *   nearestInHull  (this file)                   barycentric weights (limits.ts)
 *   extreme.ts     distanceToHull                stop once separated (LP pre-filter, Hausdorff)
 *
 * ## Problem
 *
 * Given rows p_r (r in `rows`, or the first `count` rows) of a flat row-major
 * array with stride d and a query z, find y ∈ K = conv{p_r} nearest to z.
 * Everything below works with the shifted points a_j = p_{r_j} − z (computed
 * once, so a large common offset costs no accuracy), for which the task is the
 * point x = y − z of minimum norm in conv{a_j}.
 *
 * ## Method
 *
 * A corral S is a set of affinely independent a_j (at most d + 1) with convex
 * weights λ > 0; the iterate is x = Σ_S λ_j a_j, a point of K − z. Each major
 * iteration
 *   1. linear step: s = argmin_j <x, a_j> (the Frank–Wolfe vertex);
 *   2. bounds: |x| is an upper bound of the distance, and the hyperplane
 *      through x normal to x puts every point of K − z at
 *      <x, w>/|x| ≥ min_j <x, a_j>/|x|, so max(0, min_j <x, a_j>/|x|) is a
 *      certified lower bound; the largest one seen is kept;
 *   3. stop when upper − lower ≤ tolerance, when the upper bound is
 *      ≤ stopBelow + tolerance (decided inside), when the lower bound is
 *      > stopAbove (decided outside; stopAbove = 0 stops as soon as z is
 *      separated from K), at the iteration cap, or when the step cannot add
 *      anything (s already in S, or S full with d + 1 points);
 *   4. otherwise s joins S with weight 0 and minor cycles restore the corral:
 *      μ = the affine minimiser of |Σ μ_j a_j| over S (Σ μ = 1; least squares
 *      by modified Gram–Schmidt with re-orthogonalisation); if every μ_j > 0,
 *      λ = μ; else move λ towards μ until the first weight reaches 0, drop it
 *      (and any weight ≤ 1e-15) and repeat. A new point that is affinely
 *      dependent on the corral (a Gram–Schmidt residual below 1e-12 of its
 *      column) is dropped again.
 * In exact arithmetic |x| decreases strictly at every major iteration and the
 * algorithm ends after finitely many, with the exact nearest point. In
 * floating point a major iteration that does not decrease |x| ends the run
 * with the previous iterate (rounding has stalled it: `converged` false, the
 * bounds are still valid). Attainable accuracy: about 1e-15 of the scale
 * max_j |a_j|; thin simplices, where plain or pairwise Frank–Wolfe crawls,
 * cost no more than their d + 1 corral changes.
 *
 * Outputs: the upper bound `distance` = |x| (never below the true distance: x
 * is a convex combination), the certified `lower` bound, the point y = x + z,
 * optionally the convex weights over the rows, the iteration count and the
 * `converged` flag.
 *
 * The functions here do not validate their arguments (the public wrappers
 * do); inputs are read only and never kept.
 */

import { rangeError } from '../../check.js';

/** What `wolfeNearest` is asked for; every field is optional. */
export interface NearestOptions {
  /** The rows of p spanning the hull (row r at p[r*d .. r*d+d)). Default: rows 0 .. count−1. */
  rows?: ArrayLike<number> | undefined;
  /** Number of rows when `rows` is absent. Default floor(p.length / d). */
  count?: number | undefined;
  /** Absolute tolerance: stop once upper − lower ≤ tolerance. Default: see `relativeTolerance`. */
  tolerance?: number | undefined;
  /**
   * Without `tolerance`: the tolerance is relativeTolerance · scale, scale =
   * max_j |p_{r_j} − z|. Without either: 1e-12 · max(1, scale) (SPEC §4 "tol").
   */
  relativeTolerance?: number | undefined;
  /** Cap on major iterations (corral changes). Default 50·(m + d), m the number of rows. */
  maxIterations?: number | undefined;
  /** Stop once distance ≤ stopBelow + tolerance (inside, up to the tolerance). Default −Infinity (never). */
  stopBelow?: number | undefined;
  /** Stop once lower > stopAbove (outside); 0 = as soon as z is separated from the hull. Default Infinity (never). */
  stopAbove?: number | undefined;
  /** Output for the nearest point y (d numbers); a fresh array when absent. */
  point?: Float64Array | undefined;
  /** Output for the convex weights of y over the rows (m numbers, zeros off the final corral); not computed when absent. */
  weights?: Float64Array | undefined;
}

/** Result of `wolfeNearest`. */
export interface NearestResult {
  /** Upper bound on the distance: |y − z| for the returned hull point y. */
  distance: number;
  /** Certified lower bound (0 ≤ lower ≤ distance; equal to distance when that is 0). */
  lower: number;
  /** The hull point y (d numbers): `options.point` when given. */
  point: Float64Array;
  /** The convex weights over the rows (`options.weights`), or null when not asked for. */
  weights: Float64Array | null;
  /** Major iterations (corral changes) used. */
  iterations: number;
  /** True when distance − lower ≤ tolerance or a stop threshold was crossed; false when rounding stalled the search, the corral could not grow, or the cap was hit. */
  converged: boolean;
}

/** Weights at or below this (the corral's weights sum to 1) leave the corral. */
const DROP_WEIGHT = 1e-15;

/**
 * Nearest point of conv{p_r : r in rows} to z by Wolfe's algorithm (module
 * header). Unvalidated: rows must be valid row numbers, z must hold d finite
 * numbers; RangeError only for an empty row set.
 *
 * @param p rows of d coordinates, row-major (read only)
 * @param d dimension (≥ 1)
 * @param z the query point (d numbers, read only)
 */
export function wolfeNearest(p: ArrayLike<number>, d: number, z: ArrayLike<number>, options: NearestOptions = {}): NearestResult {
  const rows = options.rows;
  const m = rows !== undefined ? rows.length : options.count ?? Math.floor(p.length / d);
  if (!(m >= 1)) throw rangeError('rows', 'at least one point (a hull needs one)', m);

  // a_j = p_{r_j} − z, the nearest a_j starts the corral
  const A = new Float64Array(m * d);
  let j0 = 0;
  let min2 = Infinity;
  let max2 = 0;
  for (let j = 0; j < m; j++) {
    const base = (rows !== undefined ? (rows[j] as number) : j) * d;
    let s = 0;
    for (let c = 0; c < d; c++) {
      const v = (p[base + c] as number) - (z[c] as number);
      A[j * d + c] = v;
      s += v * v;
    }
    if (s < min2) {
      min2 = s;
      j0 = j;
    }
    if (s > max2) max2 = s;
  }
  const scale = Math.sqrt(max2);
  const tol = options.tolerance ?? (options.relativeTolerance !== undefined ? options.relativeTolerance * scale : 1e-12 * Math.max(1, scale));
  const maxIt = options.maxIterations ?? 50 * (m + d);
  const below = options.stopBelow ?? -Infinity;
  const above = options.stopAbove ?? Infinity;

  // corral S[0 .. size) with weights lam; S0/lam0/x0 keep the previous iterate
  const cap = d + 2;
  const S = new Int32Array(cap);
  const lam = new Float64Array(cap);
  const S0 = new Int32Array(cap);
  const lam0 = new Float64Array(cap);
  const mu = new Float64Array(cap);
  const Q = new Float64Array(cap * d);
  const R = new Float64Array(cap * cap);
  const x = new Float64Array(d);
  const x0 = new Float64Array(d);
  let size = 1;
  S[0] = j0;
  lam[0] = 1;
  for (let c = 0; c < d; c++) x[c] = A[j0 * d + c] as number;
  let xx = min2;
  let ub = Math.sqrt(xx);
  let lb = 0;
  let converged = false;
  let it = 0;
  for (;; it++) {
    ub = Math.sqrt(xx);
    if (ub === 0) {
      converged = true;
      break;
    }
    // 1. linear step
    let s = 0;
    let sv = Infinity;
    for (let j = 0; j < m; j++) {
      let v = 0;
      const base = j * d;
      for (let c = 0; c < d; c++) v += (x[c] as number) * (A[base + c] as number);
      if (v < sv) {
        sv = v;
        s = j;
      }
    }
    // 2./3. bounds and stops
    const l = sv / ub;
    if (l > lb) lb = l;
    if (ub <= below + tol || lb > above || ub - lb <= tol) {
      converged = true;
      break;
    }
    if (it >= maxIt || size > d) break;
    let inS = false;
    for (let t = 0; t < size; t++) if (S[t] === s) inS = true;
    if (inS) break;

    // 4. add s, then minor cycles
    const size0 = size;
    S0.set(S);
    lam0.set(lam);
    x0.set(x);
    S[size] = s;
    lam[size] = 0;
    size++;
    for (let minor = 0; minor <= size0; minor++) {
      if (!affineMinimizer(A, d, S, size, mu, Q, R)) {
        // dependent within rounding: in the first cycle s (weight 0) leaves again;
        // later the current weights are a valid convex combination and stay
        if (minor === 0) size--;
        break;
      }
      let allPositive = true;
      for (let t = 0; t < size; t++) if (!((mu[t] as number) > 0)) allPositive = false;
      if (allPositive) {
        for (let t = 0; t < size; t++) lam[t] = mu[t] as number;
        break;
      }
      // line search from lam towards mu, stopping where the first weight reaches 0
      let theta = 1;
      let hit = -1;
      for (let t = 0; t < size; t++) {
        const mt = mu[t] as number;
        if (!(mt > 0)) {
          const lt = lam[t] as number;
          const th = lt - mt > 0 ? lt / (lt - mt) : 0;
          if (th < theta) {
            theta = th;
            hit = t;
          }
        }
      }
      let kept = 0;
      let sum = 0;
      for (let t = 0; t < size; t++) {
        const v = (1 - theta) * (lam[t] as number) + theta * (mu[t] as number);
        mu[t] = v;
        if (t !== hit && v > DROP_WEIGHT) {
          kept++;
          sum += v;
        }
      }
      if (kept === 0) break; // cannot happen with finite data (the weights sum to 1); keep lam
      let w = 0;
      for (let t = 0; t < size; t++) {
        const v = mu[t] as number;
        if (t !== hit && v > DROP_WEIGHT) {
          S[w] = S[t] as number;
          lam[w] = v / sum;
          w++;
        }
      }
      size = w;
    }
    x.fill(0);
    for (let t = 0; t < size; t++) {
      const wt = lam[t] as number;
      const base = (S[t] as number) * d;
      for (let c = 0; c < d; c++) x[c] = (x[c] as number) + wt * (A[base + c] as number);
    }
    let nx = 0;
    for (let c = 0; c < d; c++) nx += (x[c] as number) ** 2;
    if (!(nx < xx)) {
      // no progress: rounding has stalled the search; return the previous iterate
      size = size0;
      S.set(S0);
      lam.set(lam0);
      x.set(x0);
      break;
    }
    xx = nx;
  }

  const point = options.point ?? new Float64Array(d);
  for (let c = 0; c < d; c++) point[c] = (x[c] as number) + (z[c] as number);
  const weights = options.weights ?? null;
  if (weights !== null) {
    weights.fill(0, 0, m);
    for (let t = 0; t < size; t++) weights[S[t] as number] = lam[t] as number;
  }
  return { distance: ub, lower: Math.min(Math.max(lb, 0), ub), point, weights, iterations: it, converged };
}

/**
 * Weights μ (Σ μ = 1, written to mu[0 .. L)) of the point of minimum norm in
 * the affine hull of a_{S[0]} .. a_{S[L−1]}: least squares
 * min |a_b + Σ_t c_t (a_{S[t+1]} − a_b)|, b = S[0], by modified Gram–Schmidt
 * with re-orthogonalisation (Q, R: workspaces of (L−1)·d and (L−1)² numbers).
 * False when the corral is affinely dependent within rounding (a column's
 * residual at most 1e-12 of its norm).
 */
function affineMinimizer(A: Float64Array, d: number, S: Int32Array, L: number, mu: Float64Array, Q: Float64Array, R: Float64Array): boolean {
  if (L === 1) {
    mu[0] = 1;
    return true;
  }
  const b = (S[0] as number) * d;
  const cols = L - 1;
  for (let j = 0; j < cols; j++) {
    const bj = (S[j + 1] as number) * d;
    const qj = j * d;
    let n0 = 0;
    for (let c = 0; c < d; c++) {
      const v = (A[bj + c] as number) - (A[b + c] as number);
      Q[qj + c] = v;
      n0 += v * v;
    }
    for (let i = 0; i < j; i++) R[i * cols + j] = 0;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        const qi = i * d;
        let dot = 0;
        for (let c = 0; c < d; c++) dot += (Q[qi + c] as number) * (Q[qj + c] as number);
        R[i * cols + j] = (R[i * cols + j] as number) + dot;
        for (let c = 0; c < d; c++) Q[qj + c] = (Q[qj + c] as number) - dot * (Q[qi + c] as number);
      }
    }
    let nn = 0;
    for (let c = 0; c < d; c++) nn += (Q[qj + c] as number) ** 2;
    if (!(nn > 1e-24 * n0) || !(n0 > 0)) return false;
    const r = Math.sqrt(nn);
    R[j * cols + j] = r;
    for (let c = 0; c < d; c++) Q[qj + c] = (Q[qj + c] as number) / r;
  }
  // R c = −Qᵀ a_b, back substitution into mu[1 ..]
  let sum = 0;
  for (let j = cols - 1; j >= 0; j--) {
    const qj = j * d;
    let v = 0;
    for (let c = 0; c < d; c++) v -= (Q[qj + c] as number) * (A[b + c] as number);
    for (let i = j + 1; i < cols; i++) v -= (R[j * cols + i] as number) * (mu[i + 1] as number);
    v /= R[j * cols + j] as number;
    mu[j + 1] = v;
    sum += v;
  }
  mu[0] = 1 - sum;
  return true;
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
 * below) on p_r − q. LP-free and exact in exact arithmetic;
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
