/**
 * Planar convex hulls: Andrew's monotone chain on exact orientation tests.
 *
 * Internal module of the hull code (ts/analysis/geometry/hull.ts is the public entry,
 * which sorts and merges the points before calling `monotoneChain`). Points
 * are rows of a flat Float64Array with stride 2 (row r at p[2r], p[2r+1]) or,
 * for the chain, two sorted coordinate arrays. Every hull decision is the
 * sign of `orient2d` from `robust-predicates` (Shewchuk's adaptive-precision
 * predicate, exact for all finite doubles whose products do not overflow);
 * only the distances of `pointPolygonDistance` are rounded.
 *
 * Sign convention: robust-predicates 3.0.3 returns a NEGATIVE value when a, b,
 * c turn counter-clockwise (its README says positive; its code computes
 * (ay − cy)(bx − cx) − (ax − cx)(by − cy)), so
 * `ccw(a, b, c) > 0 ⇔ orient2d(a, b, c) < 0`. orient3d is likewise negative
 * when d sees a, b, c counter-clockwise. test/analysis/hull.test.ts pins both
 * down.
 */
import { orient2d } from '../../vendor/robust-predicates/orient2d.js';

/**
 * Exact orientation of the rows a, b, c of p (stride 2): > 0 when they turn
 * counter-clockwise, < 0 clockwise, 0 when collinear. The magnitude is
 * approximately twice the signed area. @internal
 */
export function ccw(p: Float64Array, a: number, b: number, c: number): number {
  return -orient2d(
    p[2 * a] as number, p[2 * a + 1] as number,
    p[2 * b] as number, p[2 * b + 1] as number,
    p[2 * c] as number, p[2 * c + 1] as number,
  );
}

/**
 * Andrew's monotone chain over points given by contiguous coordinate
 * arrays already sorted lexicographically by (x, y), no two equal.
 *
 * @param sx x coordinates, sorted (read only)
 * @param sy y coordinates (read only)
 * @param m number of points used (prefix of sx, sy)
 * @returns positions (into sx/sy) of the strict hull vertices in
 *   counter-clockwise order, starting at position 0 (the lexicographically
 *   smallest point); collinear and edge points are dropped. One point → [0];
 *   all collinear → the two extreme positions. @internal
 */
export function monotoneChain(sx: Float64Array, sy: Float64Array, m: number): Int32Array {
  if (m <= 2) {
    const out = new Int32Array(m);
    for (let t = 0; t < m; t++) out[t] = t;
    return out;
  }
  const h = new Int32Array(m + 1);
  let k = 0;
  // lower chain, left to right; pop while the last turn is not strictly counter-clockwise
  for (let t = 0; t < m; t++) {
    const cx = sx[t] as number, cy = sy[t] as number;
    while (k >= 2) {
      const a = h[k - 2] as number, b = h[k - 1] as number;
      if (orient2d(sx[a] as number, sy[a] as number, sx[b] as number, sy[b] as number, cx, cy) < 0) break;
      k--;
    }
    h[k++] = t;
  }
  // upper chain, right to left; the bottom of this chain is the lower chain's end
  const lower = k + 1;
  for (let t = m - 2; t >= 0; t--) {
    const cx = sx[t] as number, cy = sy[t] as number;
    while (k >= lower) {
      const a = h[k - 2] as number, b = h[k - 1] as number;
      if (orient2d(sx[a] as number, sy[a] as number, sx[b] as number, sy[b] as number, cx, cy) < 0) break;
      k--;
    }
    h[k++] = t;
  }
  // the last point pushed is the first one again
  k--;
  return h.slice(0, Math.max(k, 1));
}

/**
 * Akl–Toussaint pre-filter: keep the rows that are not strictly inside the
 * convex polygon spanned by the extreme rows in the eight directions
 * (±x, ±y, ±(x+y), ±(x−y)). Strictly interior rows cannot be hull vertices;
 * the test is exact (orient2d), so nothing that matters is lost. Skipped
 * (all rows returned) for fewer than 64 rows or when an evenly spaced sample
 * of 256 rows shows that fewer than a quarter lie inside (points in convex
 * position, e.g. on a circle).
 *
 * @param p rows with stride 2
 * @param m number of rows
 * @returns the surviving row numbers, ascending (a fresh Int32Array). @internal
 */
export function aklToussaint(p: Float64Array, m: number): Int32Array {
  if (m < 64) {
    const all = new Int32Array(m);
    for (let r = 0; r < m; r++) all[r] = r;
    return all;
  }
  // extreme rows in 8 directions; ties broken arbitrarily (any extreme point is an input point)
  let iMinX = 0, iMaxX = 0, iMinY = 0, iMaxY = 0, iMinS = 0, iMaxS = 0, iMinD = 0, iMaxD = 0;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  let minS = Infinity, maxS = -Infinity, minD = Infinity, maxD = -Infinity;
  for (let r = 0; r < m; r++) {
    const x = p[2 * r] as number;
    const y = p[2 * r + 1] as number;
    const s = x + y;
    const dd = x - y;
    if (x < minX) { minX = x; iMinX = r; }
    if (x > maxX) { maxX = x; iMaxX = r; }
    if (y < minY) { minY = y; iMinY = r; }
    if (y > maxY) { maxY = y; iMaxY = r; }
    if (s < minS) { minS = s; iMinS = r; }
    if (s > maxS) { maxS = s; iMaxS = r; }
    if (dd < minD) { minD = dd; iMinD = r; }
    if (dd > maxD) { maxD = dd; iMaxD = r; }
  }
  // Counter-clockwise angular order of the 8 outward directions:
  // -y, +(x-y), +x, +(x+y), +y, -(x-y), -x, -(x+y).
  const cand = [iMinY, iMaxD, iMaxX, iMaxS, iMaxY, iMinD, iMinX, iMinS];
  // The extreme points of directions in CCW order form a (weakly) convex
  // polygon in CCW order; drop consecutive repeats and keep only strict turns.
  const poly: number[] = [];
  for (const r of cand) if (poly.length === 0 || poly[poly.length - 1] !== r) poly.push(r);
  while (poly.length > 1 && poly[0] === poly[poly.length - 1]) poly.pop();
  const q: number[] = [];
  for (let t = 0; t < poly.length; t++) {
    const a = poly[(t + poly.length - 1) % poly.length] as number;
    const b = poly[t] as number;
    const c = poly[(t + 1) % poly.length] as number;
    if (ccw(p, a, b, c) > 0) q.push(b);
  }
  if (q.length < 3) {
    const all = new Int32Array(m);
    for (let r = 0; r < m; r++) all[r] = r;
    return all;
  }
  // sanity: the polygon must be strictly convex and CCW, else skip the filter
  for (let t = 0; t < q.length; t++) {
    const a = q[t] as number;
    const b = q[(t + 1) % q.length] as number;
    for (let u = 0; u < q.length; u++) {
      const c = q[u] as number;
      if (c !== a && c !== b && !(ccw(p, a, b, c) > 0)) {
        const all = new Int32Array(m);
        for (let r = 0; r < m; r++) all[r] = r;
        return all;
      }
    }
  }
  const qn = q.length;
  const qx = new Float64Array(qn);
  const qy = new Float64Array(qn);
  for (let t = 0; t < qn; t++) {
    qx[t] = p[2 * (q[t] as number)] as number;
    qy[t] = p[2 * (q[t] as number) + 1] as number;
  }
  // bounding box of the polygon: a cheap first rejection
  let bx0 = Infinity, bx1 = -Infinity, by0 = Infinity, by1 = -Infinity;
  for (let t = 0; t < qn; t++) {
    bx0 = Math.min(bx0, qx[t] as number); bx1 = Math.max(bx1, qx[t] as number);
    by0 = Math.min(by0, qy[t] as number); by1 = Math.max(by1, qy[t] as number);
  }
  const strictlyInside = (r: number): boolean => {
    const x = p[2 * r] as number;
    const y = p[2 * r + 1] as number;
    if (!(x > bx0 && x < bx1 && y > by0 && y < by1)) return false;
    for (let t = 0; t < qn; t++) {
      const u = t + 1 === qn ? 0 : t + 1;
      // strictly left of every edge (exact)
      if (!(orient2d(qx[t] as number, qy[t] as number, qx[u] as number, qy[u] as number, x, y) < 0)) return false;
    }
    return true;
  };
  // worth it only when the polygon holds most points: test an evenly spaced sample first
  const SAMPLE = 256;
  let hits = 0;
  for (let t = 0; t < SAMPLE; t++) if (strictlyInside(Math.floor((t * m) / SAMPLE))) hits++;
  if (hits < SAMPLE / 4) {
    const all = new Int32Array(m);
    for (let r = 0; r < m; r++) all[r] = r;
    return all;
  }
  const keep = new Int32Array(m);
  let k = 0;
  for (let r = 0; r < m; r++) if (!strictlyInside(r)) keep[k++] = r;
  return keep.slice(0, k);
}

/**
 * Rotate a cyclic sequence so that it starts at its smallest entry. @internal
 */
export function rotateToMin(cycle: Int32Array): Int32Array {
  const m = cycle.length;
  if (m <= 1) return cycle.slice();
  let s = 0;
  for (let t = 1; t < m; t++) if ((cycle[t] as number) < (cycle[s] as number)) s = t;
  const out = new Int32Array(m);
  for (let t = 0; t < m; t++) out[t] = cycle[(s + t) % m] as number;
  return out;
}

/** Squared Euclidean distance from (x, y) to the segment [a, b] of rows a, b of p (stride 2). @internal */
export function pointSegmentDist2(p: Float64Array, a: number, b: number, x: number, y: number): number {
  const ax = p[2 * a] as number, ay = p[2 * a + 1] as number;
  const bx = p[2 * b] as number, by = p[2 * b + 1] as number;
  const ex = bx - ax, ey = by - ay;
  const wx = x - ax, wy = y - ay;
  const ee = ex * ex + ey * ey;
  let t = ee > 0 ? (wx * ex + wy * ey) / ee : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const dx = wx - t * ex, dy = wy - t * ey;
  return dx * dx + dy * dy;
}

/**
 * Euclidean distance from (x, y) to the convex polygon given by its CCW
 * vertex rows `poly` (any length ≥ 1: a point, a segment, a polygon): 0 when
 * the point is inside or on the boundary (exact test), else the distance to
 * the nearest edge (rounded once per operation). @internal
 */
export function pointPolygonDistance(p: Float64Array, poly: Int32Array, x: number, y: number): number {
  const m = poly.length;
  if (m === 0) return NaN;
  if (m === 1) {
    const a = poly[0] as number;
    return Math.hypot(x - (p[2 * a] as number), y - (p[2 * a + 1] as number));
  }
  if (m >= 3) {
    let inside = true;
    for (let t = 0; t < m; t++) {
      const a = poly[t] as number;
      const b = poly[t + 1 === m ? 0 : t + 1] as number;
      if (orient2d(p[2 * a] as number, p[2 * a + 1] as number, p[2 * b] as number, p[2 * b + 1] as number, x, y) > 0) {
        inside = false; // strictly right of a CCW edge
        break;
      }
    }
    if (inside) return 0;
  }
  let best = Infinity;
  const edges = m === 2 ? 1 : m;
  for (let t = 0; t < edges; t++) {
    const a = poly[t] as number;
    const b = poly[t + 1 === m ? 0 : t + 1] as number;
    const d2 = pointSegmentDist2(p, a, b, x, y);
    if (d2 < best) best = d2;
  }
  return Math.sqrt(best);
}
