/**
 * Support functions, diameter, radius and the Hausdorff distance between
 * hulls (SPEC.md §3 "Support function"; P1 says h_u and diam are
 * non-increasing along the scalar-step dynamics).
 *
 * Input everywhere: flat row-major arrays of exactly n·d numbers (token i at
 * x[i*d .. i*d+d)), a Float64Array, a Float32Array (e.g. a Simulation view)
 * or a number[], or n rows of d numbers; read during the call only, never
 * written or kept. Results are fresh and owned by the caller. Distances are
 * Euclidean, in the units of the coordinates. Bad arguments throw TypeError /
 * RangeError naming the argument and the value (check.ts `readState`).
 *
 * Scale: coordinates are normalised by a power of two first (ts/analysis/
 * scale.ts), so no squared distance over- or underflows: the indices are the
 * same at every scale and the lengths scale with the input (exactly, for a
 * power-of-two factor). A length whose true value exceeds the float64 range
 * (points near ±1.8e308) comes out as Infinity.
 */
import { checkInt, readPointList, readState } from '../../check.js';
import { initialPositions } from '../../init.js';
import { distinctRows, hullRows, polygonRows, readPoints } from './hull.js';
import { pointPolygonDistance } from './hull2d.js';
import { distanceToHull } from './extreme.js';
import { ldexp, maxAbs, normAt, shiftFor, shifted } from './scale.js';
import type { StateLike } from '../state.js';

/**
 * A fixed, seeded bank of m unit vectors in R^d (SPEC §3: 64 directions for
 * the support functions): `initialPositions({ kind: 'sphere', n: m, d, seed })`,
 * i.e. normalised gaussian vectors from the library's SplitMix64 stream, so
 * the bank is the same on every platform and in the Rust kernel.
 *
 * @param d dimension, integer ≥ 1 (for d = 1 the vectors are ±1)
 * @param m number of directions, integer ≥ 1 (default 64)
 * @param seed SplitMix64 seed: a non-negative safe integer or a bigint (default 1)
 * @returns m·d numbers, row-major (direction k at [k*d, k*d+d)); a fresh Float64Array
 */
export function directionBank(d: number, m = 64, seed: number | bigint = 1): Float64Array {
  checkInt(d, 'd');
  checkInt(m, 'm');
  return initialPositions({ kind: 'sphere', n: m, d, seed });
}

/**
 * Support function h_u = max_i <u, x_i> for each of m directions u.
 *
 * @param x n·d numbers, row-major (or n rows of d)
 * @param dirs m·d numbers, row-major, or m rows of d (any vectors; unit vectors give h in length units)
 * @param m number of directions (default dirs.length / d, which must then be a whole number)
 * @returns Float64Array of length m: h[k] for direction k (O(m·n·d) work). Each
 *   h[k] is computed on power-of-two normalised copies of x and dirs, so it
 *   scales exactly with either.
 */
export function supportFunction(x: StateLike, n: number, d: number, dirs: StateLike, m?: number): Float64Array {
  const s = readPoints(x, n, d);
  const dd = s.d;
  let U0: Float64Array;
  let mm: number;
  if (m === undefined) ({ X: U0, rows: mm } = readPointList(dirs, dd, 'dirs'));
  else {
    mm = checkInt(m, 'm');
    U0 = readState(dirs, mm, dd, 'dirs').X;
  }
  const su = shiftFor(maxAbs(U0));
  const u = shifted(U0, su);
  const p = s.P;
  const nn = s.n;
  const h = new Float64Array(mm).fill(-Infinity);
  // points outer, directions inner: the bank stays in cache while x streams once
  for (let i = 0; i < nn; i++) {
    const base = i * dd;
    for (let k = 0; k < mm; k++) {
      const ub = k * dd;
      let v = 0;
      for (let c = 0; c < dd; c++) v += (u[ub + c] as number) * (p[base + c] as number);
      if (v > (h[k] as number)) h[k] = v;
    }
  }
  const back = -(s.shift + su);
  if (back !== 0) for (let k = 0; k < mm; k++) h[k] = ldexp(h[k] as number, back);
  return h;
}

/** Result of `diameter`. */
export interface Diameter {
  /** max_{i,j} |x_i − x_j| (0 when all tokens coincide). */
  value: number;
  /** Token indices of a farthest pair, i ≤ j, each the lowest index at its location (i = j when value is 0). */
  i: number;
  j: number;
}

function dist2(p: Float64Array, d: number, a: number, b: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const t = (p[a * d + c] as number) - (p[b * d + c] as number);
    s += t * t;
  }
  return s;
}

/**
 * Largest pairwise distance among `cand` (rows of p, stride d), pruned by
 * distances to the centroid: |x_a − x_b| ≤ r_a + r_b. Exact (the max of
 * the rounded pairwise distances). Returns [best², a, b].
 */
function farthestPair(p: Float64Array, d: number, cand: Int32Array): [number, number, number] {
  const m = cand.length;
  if (m === 1) return [0, cand[0] as number, cand[0] as number];
  const cen = new Float64Array(d);
  for (let t = 0; t < m; t++) for (let c = 0; c < d; c++) cen[c] = (cen[c] as number) + (p[(cand[t] as number) * d + c] as number);
  for (let c = 0; c < d; c++) cen[c] = (cen[c] as number) / m;
  const r = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += ((p[(cand[t] as number) * d + c] as number) - (cen[c] as number)) ** 2;
    r[t] = Math.sqrt(s);
  }
  const order = Array.from({ length: m }, (_, t) => t).sort((a, b) => (r[b] as number) - (r[a] as number) || (cand[a] as number) - (cand[b] as number));
  let best2 = -1, bi = cand[0] as number, bj = cand[0] as number;
  let best = 0;
  const SAFE = 1 + 1e-12; // covers the rounding of r and of the bound
  for (let s = 0; s < m; s++) {
    const ta = order[s] as number;
    const ra = r[ta] as number;
    if (best2 >= 0 && 2 * ra * SAFE < best) break;
    const a = cand[ta] as number;
    for (let u = s + 1; u < m; u++) {
      const tb = order[u] as number;
      if (best2 >= 0 && (ra + (r[tb] as number)) * SAFE < best) break;
      const b = cand[tb] as number;
      const dd = dist2(p, d, a, b);
      if (dd > best2) {
        best2 = dd;
        bi = a;
        bj = b;
        best = Math.sqrt(dd);
      }
    }
  }
  return [Math.max(best2, 0), bi, bj];
}

/**
 * Diameter of {x_1..x_n}: the largest pairwise Euclidean distance and a pair
 * attaining it. Exact up to the rounding of each distance:
 *   - d = 1: max − min;
 *   - d = 2: rotating calipers over the exact hull polygon, checking the
 *     neighbours of every antipodal candidate (O(n) after the hull);
 *   - d = 3: all pairs of hull vertices, pruned by distance to the centroid;
 *   - d > 3: all pairs of distinct tokens with the same pruning (the LP hull
 *     costs more than it saves there).
 *
 * @returns { value, i, j } with i ≤ j token indices (lowest index per location)
 */
export function diameter(x: StateLike, n: number, d: number): Diameter {
  const { P: p, n: nn, d: dd, shift } = readPoints(x, n, d);
  if (dd === 1) {
    let iMin = 0, iMax = 0;
    for (let i = 1; i < nn; i++) {
      const v = p[i] as number;
      if (v < (p[iMin] as number)) iMin = i;
      if (v > (p[iMax] as number)) iMax = i;
    }
    const value = ldexp((p[iMax] as number) - (p[iMin] as number), -shift);
    if (value === 0) return { value: 0, i: 0, j: 0 };
    return { value, i: Math.min(iMin, iMax), j: Math.max(iMin, iMax) };
  }
  let res: [number, number, number];
  if (dd === 2) {
    res = calipers(p, polygonRows(p, nn));
  } else if (dd === 3) {
    res = farthestPair(p, dd, hullRows(p, nn, dd).vertices);
  } else {
    res = farthestPair(p, dd, distinctRows(p, dd, nn));
  }
  const [v2, a, b] = res;
  return { value: ldexp(Math.sqrt(v2), -shift), i: Math.min(a, b), j: Math.max(a, b) };
}

/** Rotating calipers on a CCW polygon of token indices (stride-2 coordinates in p). Returns [best², a, b]. */
function calipers(p: Float64Array, poly: Int32Array): [number, number, number] {
  const L = poly.length;
  if (L === 1) return [0, poly[0] as number, poly[0] as number];
  // Up to a few thousand hull vertices all pairs are cheap and exact; the
  // calipers below are for huge hulls (e.g. 10^6 points on a circle).
  if (L <= 2048) {
    let best = -1, bi = 0, bj = 0;
    for (let s = 0; s < L; s++) for (let t = s + 1; t < L; t++) {
      const dd = dist2(p, 2, poly[s] as number, poly[t] as number);
      if (dd > best) { best = dd; bi = poly[s] as number; bj = poly[t] as number; }
    }
    return [best, bi, bj];
  }
  // Vertices a few ulps apart (a collapsing cluster) give edges with no usable
  // direction, whose rounded area comparisons can stop the sweep early for
  // good. Merge consecutive vertices closer than 1e-9·scale into groups, sweep
  // the merged polygon, then settle the answer exactly over the members of
  // every candidate pair that could still be the farthest.
  let scale = 0;
  for (let t = 0; t < L; t++) {
    const r = poly[t] as number;
    scale = Math.max(scale, Math.abs(p[2 * r] as number), Math.abs(p[2 * r + 1] as number));
  }
  const tiny = 1e-9 * scale;
  const group = new Int32Array(L);
  const keep: number[] = [];
  for (let t = 0; t < L; t++) {
    const last = keep[keep.length - 1];
    if (last !== undefined && dist2(p, 2, poly[last] as number, poly[t] as number) <= tiny * tiny) {
      group[t] = keep.length - 1;
    } else {
      group[t] = keep.length;
      keep.push(t);
    }
  }
  if (keep.length > 1 && dist2(p, 2, poly[keep[keep.length - 1] as number] as number, poly[0] as number) <= tiny * tiny) {
    const g = keep.length - 1;
    keep.pop();
    for (let t = 0; t < L; t++) if (group[t] === g) group[t] = 0;
  }
  const Lc = keep.length;
  const X = new Float64Array(Lc);
  const Y = new Float64Array(Lc);
  for (let t = 0; t < Lc; t++) {
    const r = poly[keep[t] as number] as number;
    X[t] = p[2 * r] as number;
    Y[t] = p[2 * r + 1] as number;
  }
  const cand: number[] = [];
  let best = -1;
  const consider = (s: number, t: number): void => {
    const dx = (X[s] as number) - (X[t] as number);
    const dy = (Y[s] as number) - (Y[t] as number);
    const dd = dx * dx + dy * dy;
    cand.push(s, t, dd);
    if (dd > best) best = dd;
  };
  if (Lc <= 3) {
    for (let s = 0; s < Lc; s++) for (let t = s; t < Lc; t++) consider(s, t);
  } else {
    let j = 1;
    for (let i = 0; i < Lc; i++) {
      const ni = i + 1 === Lc ? 0 : i + 1;
      const ex = (X[ni] as number) - (X[i] as number);
      const ey = (Y[ni] as number) - (Y[i] as number);
      // advance j while the next vertex is farther from the line of edge (i, ni)
      for (let guard = 0; guard < Lc; guard++) {
        const nj = j + 1 === Lc ? 0 : j + 1;
        const aj = ex * ((Y[j] as number) - (Y[i] as number)) - ey * ((X[j] as number) - (X[i] as number));
        const an = ex * ((Y[nj] as number) - (Y[i] as number)) - ey * ((X[nj] as number) - (X[i] as number));
        if (!(an > aj)) break;
        j = nj;
      }
      // the antipodal candidates and their neighbours (guards against rounding in the area comparisons)
      const pj = j === 0 ? Lc - 1 : j - 1;
      const nj = j + 1 === Lc ? 0 : j + 1;
      consider(i, pj); consider(i, j); consider(i, nj);
      consider(ni, pj); consider(ni, j); consider(ni, nj);
    }
  }
  // Members of each merged group, then the exact maximum over every candidate
  // pair within 4·tiny of the merged diameter.
  const starts = new Int32Array(Lc + 1);
  for (let t = 0; t < L; t++) {
    const g = (group[t] as number) + 1;
    starts[g] = (starts[g] as number) + 1;
  }
  for (let g = 0; g < Lc; g++) starts[g + 1] = (starts[g + 1] as number) + (starts[g] as number);
  const members = new Int32Array(L);
  const fill = starts.slice(0, Lc);
  for (let t = 0; t < L; t++) {
    const g = group[t] as number;
    members[fill[g] as number] = poly[t] as number;
    fill[g] = (fill[g] as number) + 1;
  }
  const cut = Math.max(0, Math.sqrt(best) - 4 * tiny) ** 2;
  let exact = -1, ba = poly[0] as number, bb = poly[0] as number;
  for (let k = 0; k < cand.length; k += 3) {
    if ((cand[k + 2] as number) < cut) continue;
    const gs = cand[k] as number, gt = cand[k + 1] as number;
    for (let u = starts[gs] as number; u < (starts[gs + 1] as number); u++) {
      for (let v = starts[gt] as number; v < (starts[gt + 1] as number); v++) {
        const a = members[u] as number, b = members[v] as number;
        const dd = dist2(p, 2, a, b);
        if (dd > exact) { exact = dd; ba = a; bb = b; }
      }
    }
  }
  return [exact, ba, bb];
}

/**
 * R = max_i |x_i|, the largest Euclidean norm of a token (distance to the origin).
 *
 * @returns a number ≥ 0
 */
export function radius(x: StateLike, n: number, d: number): number {
  const { P, n: nn, d: dd, shift } = readPoints(x, n, d);
  let best = 0;
  for (let i = 0; i < nn; i++) {
    const r = normAt(P, i * dd, dd);
    if (r > best) best = r;
  }
  return ldexp(best, -shift);
}

/**
 * Hausdorff distance between conv(X) and conv(Y):
 * max( max_{a ∈ conv X} dist(a, conv Y), max_{b ∈ conv Y} dist(b, conv X) ).
 * The distance to a convex set is convex, so each inner max is attained at a
 * hull vertex; only vertices are visited.
 *   - d = 1: max(|min X − min Y|, |max X − max Y|) (exact);
 *   - d = 2: point-to-polygon distances from each hull's vertices to the
 *     other (exact inside/outside test, then rounded segment distances);
 *   - d ≥ 3: Wolfe's nearest-point algorithm from each vertex to the other
 *     hull's vertices (ts/analysis/geometry/extreme.ts: stops when the Wolfe gap is
 *     ≤ 1e-13·max|a_j|²; the distance is then exact up to rounding once
 *     the final face is found). For d > 3 the vertices come from the LP test.
 *
 * @param x nx·d numbers, row-major; y ny·d numbers, row-major (read only, not kept)
 * @returns a number ≥ 0 (0 for equal hulls; symmetric in X and Y)
 */
export function hausdorffHulls(x: StateLike, nx: number, y: StateLike, ny: number, d: number): number {
  const nxx = checkInt(nx, 'nx');
  const nyy = checkInt(ny, 'ny');
  const X = readState(x, nxx, d, 'x');
  const Y = readState(y, nyy, d, 'y');
  const dd = X.d;
  // one power-of-two shift for both sets, so their distances stay comparable
  const shift = shiftFor(Math.max(maxAbs(X.X), maxAbs(Y.X)));
  const px = shifted(X.X, shift);
  const py = shifted(Y.X, shift);
  let h = 0;
  if (dd === 1) {
    let ax = Infinity, bx = -Infinity, ay = Infinity, by = -Infinity;
    for (let i = 0; i < nxx; i++) { ax = Math.min(ax, px[i] as number); bx = Math.max(bx, px[i] as number); }
    for (let i = 0; i < nyy; i++) { ay = Math.min(ay, py[i] as number); by = Math.max(by, py[i] as number); }
    h = Math.max(Math.abs(ax - ay), Math.abs(bx - by));
  } else if (dd === 2) {
    const P = polygonRows(px, nxx);
    const Q = polygonRows(py, nyy);
    for (const a of P) h = Math.max(h, pointPolygonDistance(py, Q, px[2 * a] as number, px[2 * a + 1] as number));
    for (const b of Q) h = Math.max(h, pointPolygonDistance(px, P, py[2 * b] as number, py[2 * b + 1] as number));
  } else {
    const VX = hullRows(px, nxx, dd).vertices;
    const VY = hullRows(py, nyy, dd).vertices;
    for (const a of VX) h = Math.max(h, distanceToHull(py, dd, VY, px.subarray(a * dd, a * dd + dd)));
    for (const b of VY) h = Math.max(h, distanceToHull(px, dd, VX, py.subarray(b * dd, b * dd + dd)));
  }
  return ldexp(h, -shift);
}
