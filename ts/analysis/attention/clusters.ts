/**
 * Clusters of a state (SPEC.md §3 "Clusters"): single linkage, i.e. the
 * connected components of the graph "i ~ j", with
 *
 *   clusters        |x_i − x_j| <= tol      (default tol = 1e-6·max(1,R), R = max_i |x_i|)
 *   sphereClusters  <x_i, x_j> >= 1 − tolS  (default tolS = 1e-6; tokens on the unit sphere)
 *
 * Labels are numbered 0, 1, … by first appearance in token order.
 *
 * Algorithm (any d): project the tokens on a fixed pseudo-random unit vector
 * u and sort by the projection p_i = <u, x_i> (|p_i − p_j| <= |x_i − x_j|).
 * A sweep in that order assigns each token to an earlier "representative"
 * it is linked to, or makes it a new representative (representatives are
 * pairwise unlinked, so tight clusters collapse to one each); then groups whose
 * representatives lie within 3·tol in projection are merged with union-find
 * when some pair of their members is linked. Every link is an exact distance
 * (or inner-product) test; the projection only prunes, with a rounding margin.
 * Time O(n log n + n·w + Σ over nearby group pairs of |G_a|·|G_b|), where w is
 * the number of representatives in a projection window of width ~tol: near
 * linear for clustered states and for tol small against the spacing; O(n² d)
 * in the worst case (many distinct points within a few tol of one hyperplane
 * orthogonal to u, e.g. a cloud whose spacing is about tol, or two big groups
 * at a distance between tol and 3·tol). The result never depends on u.
 *
 * Inputs: a flat row-major array of exactly n*d finite numbers or n rows of d
 * (check.ts `readState`), read during the call only, never mutated or kept (a
 * Float64Array is read in place, anything else copied once). Results are
 * fresh typed arrays owned by the caller.
 *
 * Scale (`clusters`): a state whose largest |coordinate| lies outside
 * [2^-128, 2^128] is multiplied by a power of two first, with its tolerance
 * (ts/analysis/geometry/scale.ts), and every link is an over- and underflow-safe
 * distance, so 2^k·x with tol·2^k gives the same labels at every k.
 */
import { checkNumber, readState } from '../../check.js';
import { distanceBetween, ldexp, normAt, normalise } from '../geometry/scale.js';
import type { StateLike } from './alignment.js';

/** The clusters of a state. */
export interface Clusters {
  /** Number of clusters (>= 1). */
  count: number;
  /** Cluster label per token (length n), in 0 .. count−1, numbered by first appearance. */
  labels: Int32Array;
  /** Number of tokens per cluster (length count). */
  sizes: Int32Array;
  /** Mean position of each cluster, count*d row-major (the Euclidean mean, also for sphereClusters). */
  centroids: Float64Array;
}

const EPS = 2 ** -52;

/** A fixed pseudo-random unit vector of R^d (xorshift32 uniforms, sum of three for a bell shape). */
function direction(d: number): Float64Array {
  const u = new Float64Array(d);
  let s = 0x9e3779b9 | 0;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  let norm = 0;
  for (let c = 0; c < d; c++) {
    const v = next() + next() + next() - 1.5 + 1e-3;
    u[c] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm);
  for (let c = 0; c < d; c++) u[c] = u[c]! / norm;
  return u;
}

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    const g = parent[parent[i]!]!;
    parent[i] = g;
    i = g;
  }
  return i;
}

function union(parent: Int32Array, rank: Uint8Array, a: number, b: number): void {
  let ra = find(parent, a);
  let rb = find(parent, b);
  if (ra === rb) return;
  if (rank[ra]! < rank[rb]!) {
    const t = ra;
    ra = rb;
    rb = t;
  }
  parent[rb] = ra;
  if (rank[ra] === rank[rb]) rank[ra] = rank[ra]! + 1;
}

/**
 * Union-find forest of the single-linkage components of `link`, where
 * link(a, b) must imply |x_a − x_b| <= rho. Returns the parent array.
 */
function singleLinkage(X: Float64Array, n: number, d: number, rho: number, link: (a: number, b: number) => boolean): Int32Array {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const rank = new Uint8Array(n);
  if (n === 1) return parent;

  const u = direction(d);
  const p = new Float64Array(n);
  let maxAbs = 0;
  let uAbs = 0;
  for (let c = 0; c < d; c++) uAbs += Math.abs(u[c]!);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * d;
    for (let c = 0; c < d; c++) {
      const v = X[o + c]!;
      s += u[c]! * v;
      const a = Math.abs(v);
      if (a > maxAbs) maxAbs = a;
    }
    p[i] = s;
  }
  // |p̂_i − p̂_j| <= |x_i − x_j| + 2·(rounding of a d-term dot product)
  const slack = 4 * (d + 2) * EPS * uAbs * maxAbs;
  const w1 = rho * (1 + 1e-9) + slack; // window of one link
  const w3 = 3 * w1; // window between representatives of linked groups
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => p[a]! - p[b]! || a - b);

  // sweep: representatives in projection order
  const reps = new Int32Array(n);
  const group = new Int32Array(n);
  let repCount = 0;
  let lo = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const pi = p[i]!;
    while (lo < repCount && p[reps[lo]!]! < pi - w1) lo++;
    let found = -1;
    for (let r = repCount - 1; r >= lo; r--) {
      if (link(i, reps[r]!)) {
        found = r;
        break;
      }
    }
    if (found < 0) {
      found = repCount;
      reps[repCount++] = i;
    } else {
      union(parent, rank, i, reps[found]!);
    }
    group[i] = found;
  }
  if (repCount === 1) return parent;

  // members of each group, ascending in projection (CSR)
  const start = new Int32Array(repCount + 1);
  for (let i = 0; i < n; i++) start[group[i]! + 1] = start[group[i]! + 1]! + 1;
  for (let g = 0; g < repCount; g++) start[g + 1] = start[g + 1]! + start[g]!;
  const fill = start.slice(0, repCount);
  const members = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const g = group[i]!;
    members[fill[g]!] = i;
    fill[g] = fill[g]! + 1;
  }

  const linked = (a: number, b: number): boolean => {
    const aEnd = start[a + 1]!;
    const bStart = start[b]!;
    const bEnd = start[b + 1]!;
    let first = bStart;
    for (let s = start[a]!; s < aEnd; s++) {
      const i = members[s]!;
      const pi = p[i]!;
      while (first < bEnd && p[members[first]!]! < pi - w1) first++;
      for (let t = first; t < bEnd; t++) {
        const j = members[t]!;
        if (p[j]! > pi + w1) break;
        if (link(i, j)) return true;
      }
    }
    return false;
  };
  for (let a = 0; a < repCount; a++) {
    const pa = p[reps[a]!]!;
    for (let b = a + 1; b < repCount && p[reps[b]!]! - pa <= w3; b++) {
      if (find(parent, reps[a]!) !== find(parent, reps[b]!) && linked(a, b)) union(parent, rank, reps[a]!, reps[b]!);
    }
  }
  return parent;
}

/** Labels by first appearance, sizes and centroids of a union-find forest. */
function summarize(X: Float64Array, n: number, d: number, parent: Int32Array): Clusters {
  const labelOfRoot = new Int32Array(n).fill(-1);
  const labels = new Int32Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = find(parent, i);
    if (labelOfRoot[r] === -1) labelOfRoot[r] = count++;
    labels[i] = labelOfRoot[r]!;
  }
  const sizes = new Int32Array(count);
  const centroids = new Float64Array(count * d);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    sizes[l] = sizes[l]! + 1;
    for (let c = 0; c < d; c++) centroids[l * d + c] = centroids[l * d + c]! + X[i * d + c]!;
  }
  for (let l = 0; l < count; l++) for (let c = 0; c < d; c++) centroids[l * d + c] = centroids[l * d + c]! / sizes[l]!;
  return { count, labels, sizes, centroids };
}

function maxNorm(X: Float64Array, n: number, d: number): number {
  let r = 0;
  for (let i = 0; i < n; i++) {
    const v = normAt(X, i * d, d);
    if (v > r) r = v;
  }
  return r;
}

/** Euclidean clusters of a normalised state P (X·2^shift) and their tolerance in both units. @internal */
export interface ScaledClusters {
  /** Labels, sizes, and centroids in P's units. */
  cl: Clusters;
  /** The tolerance in the caller's units and in P's units. */
  tol: number;
  tolScaled: number;
}

/**
 * Single-linkage clusters of P = X·2^shift (`normalise`) at the distance tol
 * (caller's units; default 1e-6·max(1, R)). Centroids stay in P's units. @internal
 */
export function clustersOf(P: Float64Array, n: number, d: number, shift: number, tol: number | undefined): ScaledClusters {
  let t: number;
  let ts: number;
  if (tol === undefined) {
    // 1e-6·max(1, R), R = max_i |x_i|, evaluated in P's units (R·2^shift never overflows)
    const Rs = maxNorm(P, n, d);
    const one = ldexp(1, shift);
    if (Rs >= one) {
      ts = 1e-6 * Rs;
      t = ldexp(ts, -shift);
    } else {
      t = 1e-6;
      ts = ldexp(1e-6, shift);
    }
  } else {
    t = tol;
    ts = ldexp(tol, shift);
  }
  const link = (a: number, b: number): boolean => distanceBetween(P, a * d, P, b * d, d) <= ts;
  return { cl: summarize(P, n, d, singleLinkage(P, n, d, ts, link)), tol: t, tolScaled: ts };
}

/**
 * Euclidean single-linkage clusters: i ~ j iff |x_i − x_j| <= tol, closed
 * transitively (a chain of points spaced below tol is one cluster).
 *
 * @param x   n*d row-major state, or n rows of d.
 * @param tol distance >= 0 (Infinity allowed: one cluster); default 1e-6·max(1,R), R = max_i |x_i|.
 *            tol = 0 groups exactly coincident tokens.
 */
export function clusters(x: StateLike, n: number, d: number, tol?: number): Clusters {
  const t = tol === undefined ? undefined : checkNumber(tol, 'tol', { min: 0, allowInfinity: true });
  const { X, n: nn, d: dd } = readState(x, n, d);
  const { P, shift } = normalise(X);
  const { cl } = clustersOf(P, nn, dd, shift, t);
  if (shift !== 0) for (let k = 0; k < cl.centroids.length; k++) cl.centroids[k] = ldexp(cl.centroids[k] as number, -shift);
  return cl;
}

/**
 * Clusters on the unit sphere: i ~ j iff <x_i, x_j> >= 1 − tolS, closed
 * transitively. Meant for unit tokens; tokens of norm up to 1 + η are
 * handled exactly but the search radius grows with η.
 *
 * @param tolS >= 0 (Infinity allowed); default 1e-6.
 */
export function sphereClusters(x: StateLike, n: number, d: number, tolS = 1e-6): Clusters {
  const ts = checkNumber(tolS, 'tolS', { min: 0, allowInfinity: true });
  const { X, n: nn, d: dd } = readState(x, n, d);
  // <a,b> >= 1 − tolS with |a|,|b| <= 1 + η gives |a − b|² <= 2(1+η)² − 2 + 2 tolS,
  // plus the rounding of the computed inner product
  const eta = Math.max(0, maxNorm(X, nn, dd) - 1);
  const rho = Math.sqrt(2 * ts + 4 * eta + 2 * eta * eta + 8 * (dd + 2) * EPS * (1 + eta) ** 2) * (1 + 1e-9);
  const bound = 1 - ts;
  const link = (a: number, b: number): boolean => {
    let s = 0;
    const oa = a * dd;
    const ob = b * dd;
    for (let c = 0; c < dd; c++) s += X[oa + c]! * X[ob + c]!;
    return s >= bound;
  };
  return summarize(X, nn, dd, singleLinkage(X, nn, dd, rho, link));
}

/** The number of distinct points at tolerance tol: clusters(x, n, d, tol).count. */
export function distinctPoints(x: StateLike, n: number, d: number, tol?: number): number {
  return clusters(x, n, d, tol).count;
}
