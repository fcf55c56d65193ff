/**
 * Convex hull vertices (SPEC §3 "Hull K(t) and its vertices") against
 * independent brute-force checks written only for this file:
 *   - 2D: exact BigInt orientation; i is a vertex iff the other distinct
 *     points lie in an open half-plane through x_i (O(n²) per point);
 *   - 3D: Carathéodory with robust-predicates' orient3d (the npm package, not
 *     the copy vendored in ts/vendor): i is not a vertex
 *     iff it lies in a closed segment, triangle or tetrahedron of other
 *     distinct points (small n);
 *   - any d: a dense two-phase simplex with Bland's rule (feasibility of
 *     x_i = Σ λ_j x_j, λ ≥ 0, Σ λ = 1), a different method from the YALPS
 *     cutting-plane test of the implementation.
 * Expected values of the degenerate cases are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { orient2d, orient3d } from 'robust-predicates';
import { orient2d as vendoredOrient2d } from '../../ts/vendor/robust-predicates/orient2d.js';
import { orient3d as vendoredOrient3d } from '../../ts/vendor/robust-predicates/orient3d.js';
import {
  affineDimension,
  hullGeometry,
  hullPolygon,
  hullVertices,
  hullVerticesLP,
  type LpStats,
} from '../../ts/analysis/geometry/hull.js';
import { Simulation } from '../../ts/index.js';

// ---------------------------------------------------------------------------
// test-only helpers

/** mulberry32 with 53-bit uniforms. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }
  uniform(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }
  range(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }
  int(k: number): number {
    return Math.floor(this.uniform() * k);
  }
  gauss(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

function uniformCloud(rng: Rng, n: number, d: number): Float64Array {
  const x = new Float64Array(n * d);
  for (let k = 0; k < n * d; k++) x[k] = rng.range(-1, 1);
  return x;
}

function gaussCloud(rng: Rng, n: number, d: number): Float64Array {
  const x = new Float64Array(n * d);
  for (let k = 0; k < n * d; k++) x[k] = rng.gauss();
  return x;
}

/** Shuffle tokens (rows) of x in place, returning the permutation applied (new row t = old row perm[t]). */
function shuffleRows(rng: Rng, x: Float64Array, n: number, d: number): Float64Array {
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i] as number;
    perm[i] = perm[j] as number;
    perm[j] = t;
  }
  const out = new Float64Array(n * d);
  for (let t = 0; t < n; t++) for (let c = 0; c < d; c++) out[t * d + c] = x[(perm[t] as number) * d + c] as number;
  return out;
}

/** Lowest index per exact location (all coordinates ===). */
function representatives(x: ArrayLike<number>, n: number, d: number): number[] {
  const seen = new Map<string, number>();
  const reps: number[] = [];
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    for (let c = 0; c < d; c++) parts.push(String((x[i * d + c] as number) + 0));
    const key = parts.join(',');
    if (!seen.has(key)) {
      seen.set(key, i);
      reps.push(i);
    }
  }
  return reps;
}

/** v = m · 2^e exactly. */
function decompose(v: number): [bigint, number] {
  if (v === 0) return [0n, 0];
  const f = new Float64Array([v]);
  const b = new BigUint64Array(f.buffer)[0] as bigint;
  const neg = b >> 63n === 1n;
  const ex = Number((b >> 52n) & 0x7ffn);
  const frac = b & ((1n << 52n) - 1n);
  const m = ex === 0 ? frac : frac | (1n << 52n);
  const e = ex === 0 ? -1074 : ex - 1075;
  return [neg ? -m : m, e];
}

/** All coordinates as exact integers with a common scale 2^E. */
function exactCoords(x: ArrayLike<number>, len: number): bigint[] {
  let E = Infinity;
  const parts: Array<[bigint, number]> = [];
  for (let k = 0; k < len; k++) {
    const pe = decompose(x[k] as number);
    parts.push(pe);
    if (pe[0] !== 0n) E = Math.min(E, pe[1]);
  }
  if (E === Infinity) E = 0;
  return parts.map(([m, e]) => (m === 0n ? 0n : m << BigInt(e - E)));
}

/** Brute-force 2D vertices, exact (BigInt). */
function brute2d(x: ArrayLike<number>, n: number): number[] {
  const X = exactCoords(x, 2 * n);
  const reps = representatives(x, n, 2);
  const px = (i: number): bigint => X[2 * i] as bigint;
  const py = (i: number): bigint => X[2 * i + 1] as bigint;
  const orient = (a: number, b: number, c: number): bigint =>
    (px(b) - px(a)) * (py(c) - py(a)) - (py(b) - py(a)) * (px(c) - px(a));
  const sameRay = (i: number, j: number, k: number): boolean => {
    // collinear i, j, k (k ≠ i): is k on the ray from i through j?
    if (px(j) !== px(i)) return (px(k) > px(i)) === (px(j) > px(i)) && px(k) !== px(i);
    return (py(k) > py(i)) === (py(j) > py(i)) && py(k) !== py(i);
  };
  const out: number[] = [];
  for (const i of reps) {
    const others = reps.filter((r) => r !== i);
    if (others.length === 0) {
      out.push(i);
      continue;
    }
    let vertex = false;
    for (const j of others) {
      let ok = true;
      for (const k of others) {
        if (k === j) continue;
        const o = orient(i, j, k);
        if (o > 0n || (o === 0n && sameRay(i, j, k))) continue;
        ok = false;
        break;
      }
      if (ok) {
        vertex = true;
        break;
      }
    }
    if (vertex) out.push(i);
  }
  return out;
}

/** Brute-force 3D vertices by Carathéodory with robust orient2d/orient3d (small n). */
function brute3d(x: ArrayLike<number>, n: number): number[] {
  const reps = representatives(x, n, 3);
  const P = (i: number): [number, number, number] => [x[3 * i] as number, x[3 * i + 1] as number, x[3 * i + 2] as number];
  const o3 = (a: number, b: number, c: number, d: number): number => {
    const [ax, ay, az] = P(a), [bx, by, bz] = P(b), [cx, cy, cz] = P(c), [dx, dy, dz] = P(d);
    return Math.sign(orient3d(ax, ay, az, bx, by, bz, cx, cy, cz, dx, dy, dz));
  };
  // orient2d of three points in the projection dropping coordinate `drop`
  const o2 = (a: number, b: number, c: number, drop: number): number => {
    const pa = P(a), pb = P(b), pc = P(c);
    const u = drop === 0 ? 1 : 0;
    const v = drop === 2 ? 1 : 2;
    return Math.sign(orient2d(pa[u] as number, pa[v] as number, pb[u] as number, pb[v] as number, pc[u] as number, pc[v] as number));
  };
  const collinear = (a: number, b: number, c: number): boolean => o2(a, b, c, 0) === 0 && o2(a, b, c, 1) === 0 && o2(a, b, c, 2) === 0;
  const inSegment = (p: number, a: number, b: number): boolean => {
    if (!collinear(a, b, p)) return false;
    const A = P(a), B = P(b), Q = P(p);
    for (let c = 0; c < 3; c++) {
      if ((Q[c] as number) < Math.min(A[c] as number, B[c] as number) || (Q[c] as number) > Math.max(A[c] as number, B[c] as number)) return false;
    }
    return true;
  };
  const inTriangle = (p: number, a: number, b: number, c: number): boolean => {
    if (collinear(a, b, c) || o3(a, b, c, p) !== 0) return false;
    for (let drop = 0; drop < 3; drop++) {
      const s = o2(a, b, c, drop);
      if (s === 0) continue;
      const s1 = o2(a, b, p, drop), s2 = o2(b, c, p, drop), s3 = o2(c, a, p, drop);
      return (s1 === 0 || s1 === s) && (s2 === 0 || s2 === s) && (s3 === 0 || s3 === s);
    }
    return false;
  };
  const inTet = (p: number, a: number, b: number, c: number, d: number): boolean => {
    const s = o3(a, b, c, d);
    if (s === 0) return false;
    const t = [o3(p, b, c, d), o3(a, p, c, d), o3(a, b, p, d), o3(a, b, c, p)];
    return t.every((v) => v === 0 || v === s);
  };
  const out: number[] = [];
  for (const i of reps) {
    const o = reps.filter((r) => r !== i);
    const m = o.length;
    let inside = false;
    for (let a = 0; a < m && !inside; a++) {
      for (let b = a + 1; b < m && !inside; b++) {
        if (inSegment(i, o[a] as number, o[b] as number)) inside = true;
        for (let c = b + 1; c < m && !inside; c++) {
          if (inTriangle(i, o[a] as number, o[b] as number, o[c] as number)) inside = true;
          for (let d = c + 1; d < m && !inside; d++) {
            if (inTet(i, o[a] as number, o[b] as number, o[c] as number, o[d] as number)) inside = true;
          }
        }
      }
    }
    if (!inside) out.push(i);
  }
  return out;
}

/**
 * Test-only dense two-phase simplex (Bland's rule): the minimum total
 * infeasibility of { λ ≥ 0 : Σ λ_j (x_j − p) = 0, Σ λ_j = 1 }.
 * 0 (up to rounding) iff p ∈ conv{x_j}.
 */
function infeasibility(pts: number[][], p: number[]): number {
  const m = pts.length;
  const k = p.length;
  const R = k + 1;
  const W = m + R + 1; // λ, artificials, rhs
  const T: number[][] = [];
  for (let r = 0; r < R; r++) {
    const row = new Array<number>(W).fill(0);
    for (let j = 0; j < m; j++) row[j] = r < k ? (pts[j] as number[])[r]! - p[r]! : 1;
    row[m + r] = 1;
    row[W - 1] = r < k ? 0 : 1;
    // make the rhs non-negative (it already is) and keep artificials basic
    T.push(row);
  }
  const basis = Array.from({ length: R }, (_, r) => m + r);
  const obj = new Array<number>(W).fill(0);
  for (let j = 0; j < W; j++) {
    if (j >= m && j < m + R) continue;
    let s = 0;
    for (let r = 0; r < R; r++) s += (T[r] as number[])[j]!;
    obj[j] = -s;
  }
  for (let iter = 0; iter < 10000; iter++) {
    let enter = -1;
    for (let j = 0; j < m + R; j++) if (obj[j]! < -1e-12) { enter = j; break; }
    if (enter < 0) break;
    let leave = -1;
    let best = Infinity;
    for (let r = 0; r < R; r++) {
      const a = (T[r] as number[])[enter]!;
      if (a > 1e-12) {
        const ratio = (T[r] as number[])[W - 1]! / a;
        if (ratio < best - 1e-15 || (Math.abs(ratio - best) <= 1e-15 && basis[r]! < basis[leave]!)) {
          best = ratio;
          leave = r;
        }
      }
    }
    if (leave < 0) break;
    const prow = T[leave] as number[];
    const piv = prow[enter]!;
    for (let j = 0; j < W; j++) prow[j] = prow[j]! / piv;
    for (let r = 0; r < R; r++) {
      if (r === leave) continue;
      const row = T[r] as number[];
      const f = row[enter]!;
      if (f !== 0) for (let j = 0; j < W; j++) row[j] = row[j]! - f * prow[j]!;
    }
    const f = obj[enter]!;
    for (let j = 0; j < W; j++) obj[j] = obj[j]! - f * prow[j]!;
    basis[leave] = enter;
  }
  return -obj[W - 1]!;
}

/** Brute-force vertices in any d with the test-only simplex. */
function bruteLp(x: ArrayLike<number>, n: number, d: number): number[] {
  const reps = representatives(x, n, d);
  const row = (i: number): number[] => Array.from({ length: d }, (_, c) => x[i * d + c] as number);
  const out: number[] = [];
  for (const i of reps) {
    const others = reps.filter((r) => r !== i).map(row);
    if (others.length === 0 || infeasibility(others, row(i)) > 1e-9) out.push(i);
  }
  return out;
}

const arr = (a: Int32Array): number[] => Array.from(a);

/** Exact CCW check of a polygon of token indices (BigInt orientation). */
function isStrictlyConvexCcw(x: ArrayLike<number>, n: number, poly: Int32Array): boolean {
  const X = exactCoords(x, 2 * n);
  const L = poly.length;
  for (let t = 0; t < L; t++) {
    const a = poly[t] as number, b = poly[(t + 1) % L] as number, c = poly[(t + 2) % L] as number;
    const o = (X[2 * b]! - X[2 * a]!) * (X[2 * c + 1]! - X[2 * a + 1]!) - (X[2 * b + 1]! - X[2 * a + 1]!) * (X[2 * c]! - X[2 * a]!);
    if (!(o > 0n)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------

describe('robust-predicates sign convention (relied on by hull2d/hull3d)', () => {
  it('orient2d is negative for a counter-clockwise triple, orient3d negative when d is above the CCW face abc', () => {
    for (const [o2, o3] of [[orient2d, orient3d], [vendoredOrient2d, vendoredOrient3d]] as const) {
      expect(o2(0, 0, 1, 0, 0, 1)).toBeLessThan(0);
      expect(o3(0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1)).toBeLessThan(0);
    }
  });

  it('the vendored copy (ts/vendor, issue 10) gives the signs of the npm package on nearly degenerate inputs', () => {
    // dyadic points exactly on a line / plane, moved by 0..4 ulp: exact zeros and the adaptive stages
    const rng = new Rng(10);
    const dy = (): number => (rng.int(2 ** 21) - 2 ** 20) / 2 ** 10;
    let zeros = 0;
    for (let k = 0; k < 4000; k++) {
      const [ax, ay, bx, by] = [dy(), dy(), dy(), dy()];
      const t = rng.int(5) - 2;
      const cx = ax + t * (bx - ax);
      const e = (rng.int(9) - 4) * 2 ** -52 * Math.max(1, Math.abs(cx));
      const v = orient2d(ax, ay, bx, by, cx + e, ay + t * (by - ay));
      if (v === 0) zeros++;
      expect(Math.sign(vendoredOrient2d(ax, ay, bx, by, cx + e, ay + t * (by - ay)))).toBe(Math.sign(v));
      const p = Array.from({ length: 9 }, dy);
      const [s, u] = [rng.int(5) - 2, rng.int(5) - 2];
      const q = [0, 1, 2].map((i) => p[i]! + s * (p[3 + i]! - p[i]!) + u * (p[6 + i]! - p[i]!));
      q[2] = q[2]! + e;
      const w = orient3d(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, p[7]!, p[8]!, q[0]!, q[1]!, q[2]!);
      if (w === 0) zeros++;
      expect(Math.sign(vendoredOrient3d(p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, p[7]!, p[8]!, q[0]!, q[1]!, q[2]!))).toBe(Math.sign(w));
    }
    expect(zeros).toBeGreaterThan(0); // some triples were exactly collinear: the exact stage ran
  });
});

describe('hullVertices, d = 2, against the exact brute force', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    for (const n of [1, 2, 3, 5, 10, 50, 200]) {
      it(`uniform and gaussian clouds, seed ${seed}, n = ${n}`, () => {
        const rng = new Rng(seed * 1000 + n);
        const a = uniformCloud(rng, n, 2);
        expect(arr(hullVertices(a, n, 2))).toEqual(brute2d(a, n));
        const g = gaussCloud(rng, n, 2);
        expect(arr(hullVertices(g, n, 2))).toEqual(brute2d(g, n));
      });
    }
  }

  it('points on a circle (rounded: some become non-convex)', () => {
    for (const seed of [7, 8]) {
      const rng = new Rng(seed);
      const n = 200;
      const x = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const th = rng.range(0, 2 * Math.PI);
        x[2 * i] = Math.cos(th);
        x[2 * i + 1] = Math.sin(th);
      }
      expect(arr(hullVertices(x, n, 2))).toEqual(brute2d(x, n));
    }
  });

  it('all points equal → [0]; n = 1 → [0]', () => {
    expect(arr(hullVertices([0.3, -2, 0.3, -2, 0.3, -2, 0.3, -2], 4, 2))).toEqual([0]);
    expect(arr(hullVertices([5, 5], 1, 2))).toEqual([0]);
    expect(arr(hullVertices(new Float64Array([-0, 0, 0, -0]), 2, 2))).toEqual([0]); // −0 == +0
  });

  it('two clusters (a segment) → the lowest index of each location', () => {
    // tokens alternate between A and B, starting with B
    const x: number[] = [];
    for (let i = 0; i < 9; i++) x.push(...(i % 2 === 0 ? [1, 2] : [-3, 0.5]));
    expect(arr(hullVertices(x, 9, 2))).toEqual([0, 1]);
    expect(arr(hullPolygon(x, 9))).toEqual([0, 1]);
    expect(hullGeometry(x, 9, 2).dim).toBe(1);
  });

  it('collinear points (exactly on y = 3x − 1): the two extreme ones', () => {
    const ts = [4, -2, 0, 7, 7, -2, 3, 1, -1];
    const x = ts.flatMap((t) => [t, 3 * t - 1]);
    // min t = −2 first at index 1, max t = 7 first at index 3
    expect(arr(hullVertices(x, ts.length, 2))).toEqual([1, 3]);
    expect(hullGeometry(x, ts.length, 2)).toMatchObject({ dim: 1 });
    expect(arr(hullGeometry(x, ts.length, 2).edges).sort()).toEqual([1, 3]);
  });

  it('duplicates keep the lowest index, points on edges and inside are dropped', () => {
    // square corners (some repeated), edge midpoints, centre
    const pts = [
      [0.5, 0], // 0 edge midpoint
      [1, 1], // 1 corner
      [0, 0], // 2 corner
      [1, 0], // 3 corner
      [0.5, 0.5], // 4 centre
      [0, 1], // 5 corner
      [0, 0], // 6 duplicate of 2
      [1, 0.25], // 7 on the right edge
      [1, 1], // 8 duplicate of 1
      [0, 0.5], // 9 on the left edge
    ];
    const x = pts.flat();
    expect(arr(hullVertices(x, pts.length, 2))).toEqual([1, 2, 3, 5]);
    expect(brute2d(x, pts.length)).toEqual([1, 2, 3, 5]);
    // CCW from the lowest index: 1 (1,1) → 5 (0,1) → 2 (0,0) → 3 (1,0)
    expect(arr(hullPolygon(x, pts.length))).toEqual([1, 5, 2, 3]);
  });

  it('integer grids (many collinear triples), shuffled, with duplicates', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      const pts: number[] = [];
      for (let i = 0; i < 12; i++) for (let j = 0; j < 9; j++) pts.push(i, j);
      for (let t = 0; t < 30; t++) {
        const r = rng.int(108);
        pts.push(pts[2 * r] as number, pts[2 * r + 1] as number);
      }
      const n = pts.length / 2;
      const x = shuffleRows(rng, Float64Array.from(pts), n, 2);
      const got = arr(hullVertices(x, n, 2));
      expect(got).toEqual(brute2d(x, n));
      expect(got).toHaveLength(4);
      const corners = got.map((i) => `${x[2 * i]},${x[2 * i + 1]}`).sort();
      expect(corners).toEqual(['0,0', '0,8', '11,0', '11,8']);
    }
  });

  it('a point 1 ulp outside an edge is a vertex, 1 ulp inside is not', () => {
    const up = 1 + 2 ** -52; // next double above 1
    const down = 1 - 2 ** -53; // next double below 1
    const base = [0, 0, 1, 0, 1, 1, 0, 1];
    const out = [...base, 0.5, up];
    expect(arr(hullVertices(out, 5, 2))).toEqual([0, 1, 2, 3, 4]);
    expect(brute2d(out, 5)).toEqual([0, 1, 2, 3, 4]);
    const inn = [...base, 0.5, down];
    expect(arr(hullVertices(inn, 5, 2))).toEqual([0, 1, 2, 3]);
    expect(brute2d(inn, 5)).toEqual([0, 1, 2, 3]);
  });

  it('nearly collinear sets with 1-ulp perturbations agree with exact arithmetic', () => {
    for (const seed of [11, 12, 13, 14]) {
      const rng = new Rng(seed);
      const n = 60;
      const x = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        const t = rng.range(-1, 1);
        let y = 0.1 * t + 0.3; // rounded: not exactly collinear
        const r = rng.int(3);
        if (r === 1) y = nextUp(y);
        if (r === 2) y = nextDown(y);
        x[2 * i] = t;
        x[2 * i + 1] = y;
      }
      const got = hullVertices(x, n, 2);
      expect(arr(got)).toEqual(brute2d(x, n));
      expect(got.length).toBeGreaterThanOrEqual(2);
      const poly = hullPolygon(x, n);
      if (poly.length >= 3) expect(isStrictlyConvexCcw(x, n, poly)).toBe(true);
    }
  });

  it('hullPolygon is counter-clockwise, strictly convex, starts at the lowest index and lists the vertices', () => {
    for (const seed of [21, 22, 23]) {
      const rng = new Rng(seed);
      const n = 150;
      const x = gaussCloud(rng, n, 2);
      const poly = hullPolygon(x, n);
      expect(isStrictlyConvexCcw(x, n, poly)).toBe(true);
      expect(poly[0]).toBe(Math.min(...poly));
      expect(arr(poly.slice().sort())).toEqual(arr(hullVertices(x, n, 2)));
      const g = hullGeometry(x, n, 2);
      expect(g.dim).toBe(2);
      expect(g.faces.length).toBe(0);
      expect(g.edges.length).toBe(2 * poly.length);
    }
  });

  it('large inputs (Akl–Toussaint filter, radix sort) with duplicates: exact containment check', () => {
    const rng = new Rng(99);
    const n0 = 3000;
    const base = uniformCloud(rng, n0, 2);
    // append 40 copies of random earlier tokens (some of them hull vertices)
    const n = n0 + 40;
    const x = new Float64Array(2 * n);
    x.set(base);
    const hv = arr(hullVertices(base, n0, 2));
    for (let t = 0; t < 40; t++) {
      const src = t % 2 === 0 ? (hv[rng.int(hv.length)] as number) : rng.int(n0);
      x[2 * (n0 + t)] = base[2 * src] as number;
      x[2 * (n0 + t) + 1] = base[2 * src + 1] as number;
    }
    const got = arr(hullVertices(x, n, 2));
    expect(got).toEqual(hv); // the copies have higher indices
    expect(checkHull2d(x, n, got, hullPolygon(x, n))).toBe(true);
  });

  it('large grids and few distinct x values (radix sort runs, long and short), shuffled with duplicates', () => {
    for (const [nx, ny, seed] of [[40, 30, 1], [200, 6, 2], [700, 2, 3]] as const) {
      const rng = new Rng(seed);
      const pts: number[] = [];
      for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) pts.push(i * 0.25 - 3, j * 0.5 - 1);
      for (let t = 0; t < 50; t++) {
        const r = rng.int(nx * ny);
        pts.push(pts[2 * r] as number, pts[2 * r + 1] as number);
      }
      const n = pts.length / 2;
      const x = shuffleRows(rng, Float64Array.from(pts), n, 2);
      const got = arr(hullVertices(x, n, 2));
      expect(got).toHaveLength(4);
      expect(checkHull2d(x, n, got, hullPolygon(x, n))).toBe(true);
    }
    // random points whose x take 100 distinct values (runs of ~8)
    const rng = new Rng(4);
    const n = 800;
    const x = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      x[2 * i] = rng.int(100) / 7;
      x[2 * i + 1] = rng.range(-1, 1);
    }
    const got = arr(hullVertices(x, n, 2));
    expect(got).toEqual(brute2d(x, n));
    expect(checkHull2d(x, n, got, hullPolygon(x, n))).toBe(true);
  });

  it('negative zeros, negative coordinates and huge/tiny magnitudes sort correctly', () => {
    const rng = new Rng(5);
    const n = 1200; // above the radix-sort threshold
    const x = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const e = rng.int(40) - 20;
      x[2 * i] = (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform() * 2 ** e;
      x[2 * i + 1] = (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform() * 2 ** e;
      if (i % 97 === 0) x[2 * i] = -0;
      if (i % 89 === 0) x[2 * i] = 0;
    }
    const got = arr(hullVertices(x, n, 2));
    expect(got).toEqual(brute2d(x, n));
    expect(checkHull2d(x, n, got, hullPolygon(x, n))).toBe(true);
  });
});

/**
 * Exact certificate that `vertices` are the hull vertices of all n points:
 * the polygon lists exactly them, is strictly convex and CCW (so each is a
 * vertex of its own hull), contains every token (closed, exact), and each
 * listed index is the lowest at its location. O(n · |poly|) BigInt work.
 */
function checkHull2d(x: ArrayLike<number>, n: number, vertices: number[], poly: Int32Array): boolean {
  if (arr(poly.slice().sort()).join() !== vertices.join()) return false;
  if (poly.length >= 3 && !isStrictlyConvexCcw(x, n, poly)) return false;
  const X = exactCoords(x, 2 * n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < poly.length && poly.length >= 3; t++) {
      const a = poly[t] as number, b = poly[(t + 1) % poly.length] as number;
      const o = (X[2 * b]! - X[2 * a]!) * (X[2 * i + 1]! - X[2 * a + 1]!) - (X[2 * b + 1]! - X[2 * a + 1]!) * (X[2 * i]! - X[2 * a]!);
      if (o < 0n) return false;
    }
  }
  const reps = new Set(representatives(x, n, 2));
  return vertices.every((v) => reps.has(v));
}

function nextUp(v: number): number {
  const f = new Float64Array([v]);
  const b = new BigInt64Array(f.buffer);
  if (v === 0) return Number.MIN_VALUE;
  b[0] = (b[0] as bigint) + (v > 0 ? 1n : -1n);
  return f[0] as number;
}

function nextDown(v: number): number {
  return -nextUp(-v);
}

describe('hullVertices, d = 3, against Carathéodory brute force', () => {
  for (const seed of [1, 2, 3, 4]) {
    for (const n of [1, 2, 4, 5, 12, 24]) {
      it(`random clouds, seed ${seed}, n = ${n}`, () => {
        const rng = new Rng(seed * 31 + n);
        const a = uniformCloud(rng, n, 3);
        expect(arr(hullVertices(a, n, 3))).toEqual(brute3d(a, n));
        const g = gaussCloud(rng, n, 3);
        expect(arr(hullVertices(g, n, 3))).toEqual(brute3d(g, n));
      });
    }
  }

  it('random clouds of 200 points agree with the test-only simplex', () => {
    for (const seed of [5, 6]) {
      const rng = new Rng(seed);
      const x = gaussCloud(rng, 200, 3);
      expect(arr(hullVertices(x, 200, 3))).toEqual(bruteLp(x, 200, 3));
    }
  });

  it('all equal, two clusters, collinear', () => {
    expect(arr(hullVertices([1, 2, 3, 1, 2, 3, 1, 2, 3], 3, 3))).toEqual([0]);
    const two: number[] = [];
    for (let i = 0; i < 7; i++) two.push(...(i % 3 === 1 ? [0, 0, 1] : [2, -1, 0]));
    expect(arr(hullVertices(two, 7, 3))).toEqual([0, 1]);
    // collinear along (1, 2, −1) with integer steps
    const ts = [3, -5, 0, 8, 2, -5, 8, 1];
    const col = ts.flatMap((t) => [t + 1, 2 * t, -t + 4]);
    expect(arr(hullVertices(col, ts.length, 3))).toEqual([1, 3]);
    expect(brute3d(col, ts.length)).toEqual([1, 3]);
    expect(hullGeometry(col, ts.length, 3)).toMatchObject({ dim: 1 });
  });

  it('coplanar sets in a tilted plane (integer grid z = x + 2y): the 4 corners', () => {
    const rng = new Rng(3);
    const pts: number[] = [];
    for (let i = 0; i <= 5; i++) for (let j = 0; j <= 5; j++) pts.push(i, j, i + 2 * j);
    const n = pts.length / 3;
    const x = shuffleRows(rng, Float64Array.from(pts), n, 3);
    const got = arr(hullVertices(x, n, 3));
    expect(got).toEqual(brute3d(x, n));
    expect(got.map((i) => `${x[3 * i]},${x[3 * i + 1]}`).sort()).toEqual(['0,0', '0,5', '5,0', '5,5']);
    const g = hullGeometry(x, n, 3);
    expect(g.dim).toBe(2);
    expect(g.faces.length).toBe(0);
    expect(g.edges.length).toBe(8);
  });

  it('random coplanar points (plane through 3 random integer points) agree with brute force', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      // points a + s(b − a) + t(c − a) with small integers: exactly coplanar
      const a = [rng.int(5), rng.int(5), rng.int(5)], b = [rng.int(5) + 5, rng.int(5), rng.int(5)], c = [rng.int(5), rng.int(5) + 5, rng.int(5) + 3];
      const n = 20;
      const x = new Float64Array(3 * n);
      for (let i = 0; i < n; i++) {
        const s = rng.int(7) - 3, t = rng.int(7) - 3;
        for (let k = 0; k < 3; k++) x[3 * i + k] = (a[k] as number) + s * ((b[k] as number) - (a[k] as number)) + t * ((c[k] as number) - (a[k] as number));
      }
      expect(arr(hullVertices(x, n, 3))).toEqual(brute3d(x, n));
    }
  });

  it('a coplanar triangle a few ulps off a line keeps its 3 vertices and dim 2 (was reduced to a segment by the 1e-10 span tolerance; property suite, issue 9)', () => {
    // (0,0), (1,0), (2, 1e-12) is a triangle; in the plane z = 0 of R^3 it was [0, 2] with dim 1, while d = 2 said [0, 1, 2]
    const tri = [0, 0, 0, 1, 0, 0, 2, 1e-12, 0];
    expect(arr(hullVertices([0, 0, 1, 0, 2, 1e-12], 3, 2))).toEqual([0, 1, 2]);
    expect(arr(hullVertices(tri, 3, 3))).toEqual([0, 1, 2]);
    expect(hullGeometry(tri, 3, 3).dim).toBe(2);
    // the counterexample the property suite found: (-1,0), (0,-1), (2,-3) times 0.1 are not exactly collinear
    // after rounding (0.2, -0.30000000000000004), so the flat set in z = 0 has 3 vertices
    const found = [-0.1, 0, 0, 0.2, -0.30000000000000004, 0, 0, -0.1, 0, -0.1, 0, 0];
    expect(arr(hullVertices(found, 4, 3))).toEqual(brute3d(found, 4));
    expect(arr(hullVertices(found, 4, 3))).toEqual([0, 1, 2]);
    // a tilted plane (z = x + y) with a point 1 ulp off the line through two others, and 4 points (hull3d's minimum)
    const e = 2 ** -50; // one ulp of 4: (2, 2 + e, 4 + e) lies exactly in the plane, e off the line
    const tilted = [0, 0, 0, 1, 1, 2, 2, 2 + e, 4 + e, 3, 3, 6];
    expect(tilted[7]! + tilted[6]!).toBe(tilted[8]);
    expect(arr(hullVertices(tilted, 4, 3))).toEqual([0, 2, 3]);
    expect(arr(hullVertices(tilted, 4, 3))).toEqual(brute3d(tilted, 4));
    expect(hullGeometry(tilted, 4, 3).dim).toBe(2);
    // exactly collinear stays a segment
    expect(arr(hullVertices([0, 0, 0, 1, 1, 2, 2, 2, 4, 3, 3, 6], 4, 3))).toEqual([0, 3]);
  });

  it('a cube grid with duplicates: 8 corners, 12 edges, 12 outward triangles', () => {
    const rng = new Rng(8);
    const pts: number[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) pts.push(i, j, k);
    for (let t = 0; t < 20; t++) {
      const r = rng.int(64);
      pts.push(pts[3 * r] as number, pts[3 * r + 1] as number, pts[3 * r + 2] as number);
    }
    const n = pts.length / 3;
    const x = shuffleRows(rng, Float64Array.from(pts), n, 3);
    const g = hullGeometry(x, n, 3);
    expect(g.dim).toBe(3);
    expect(g.vertices.length).toBe(8);
    expect(arr(g.vertices)).toEqual(representatives(x, n, 3).filter((i) => [0, 3].includes(x[3 * i]!) && [0, 3].includes(x[3 * i + 1]!) && [0, 3].includes(x[3 * i + 2]!)));
    expect(g.edges.length / 2).toBe(12);
    expect(g.faces.length / 3).toBe(12);
    checkOutward(x, n, g.faces, g.vertices, g.edges);
  });

  it('a large shuffled cube grid (radix path) keeps the lowest index of each corner', () => {
    const rng = new Rng(12);
    const pts: number[] = [];
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) for (let k = 0; k < 10; k++) pts.push(i / 3, j - 4, k * 1.5);
    for (let t = 0; t < 200; t++) {
      const r = rng.int(1000);
      pts.push(pts[3 * r] as number, pts[3 * r + 1] as number, pts[3 * r + 2] as number);
    }
    const n = pts.length / 3;
    const x = shuffleRows(rng, Float64Array.from(pts), n, 3);
    const corner = (i: number): boolean => [0, 3].includes(x[3 * i]!) && [-4, 5].includes(x[3 * i + 1]!) && [0, 13.5].includes(x[3 * i + 2]!);
    const expected = representatives(x, n, 3).filter(corner);
    expect(expected).toHaveLength(8);
    expect(arr(hullVertices(x, n, 3))).toEqual(expected);
    expect(arr(hullVerticesLP(x, n, 3))).toEqual(expected);
  });

  it('points on edges and faces of a tetrahedron are not vertices', () => {
    const pts = [
      [0, 0, 0], [4, 0, 0], [0, 4, 0], [0, 0, 4], // 0..3 vertices
      [2, 0, 0], [0, 2, 2], [1, 1, 0], [1, 1, 2], // 4..7 on edges / faces
      [1, 1, 1], [0, 0, 0], [4, 0, 0], // 8 inside, 9, 10 duplicates
    ];
    const x = pts.flat();
    expect(arr(hullVertices(x, pts.length, 3))).toEqual([0, 1, 2, 3]);
    expect(brute3d(x, pts.length)).toEqual([0, 1, 2, 3]);
    const g = hullGeometry(x, pts.length, 3);
    expect(g.faces.length / 3).toBe(4);
    checkOutward(x, pts.length, g.faces, g.vertices, g.edges);
  });

  it('tight clusters around separated centres (multi-scale, as late-time states are) agree with brute force', () => {
    // spreads from 1e-6 down to 1e-14 of the extent: the decisions are exact, so the tiny
    // hulls of the clusters at the extreme centres are resolved like the big one
    for (const spread of [1e-6, 1e-9, 1e-12, 1e-14]) {
      for (const seed of [1, 2, 3, 4]) {
        const rng = new Rng(seed);
        const n = 24;
        const centres = uniformCloud(rng, 6, 3);
        const x = new Float64Array(3 * n);
        for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) x[3 * i + c] = centres[3 * (i % 6) + c]! + spread * rng.range(-1, 1);
        expect(arr(hullVertices(x, n, 3))).toEqual(brute3d(x, n));
        const g = hullGeometry(x, n, 3);
        checkOutward(x, n, g.faces, g.vertices, g.edges);
      }
    }
  });

  it('nearly coplanar sets (noise 1e-9 … 1e-13 off a plane) are decided exactly, not by a tolerance', () => {
    for (const noise of [1e-9, 1e-11, 1e-13]) {
      for (const seed of [1, 2, 3]) {
        const rng = new Rng(seed);
        const n = 22;
        const x = new Float64Array(3 * n);
        for (let i = 0; i < n; i++) {
          const a = rng.range(-1, 1), b = rng.range(-1, 1);
          x[3 * i] = a;
          x[3 * i + 1] = b;
          x[3 * i + 2] = 0.3 * a - 0.7 * b + noise * rng.range(-1, 1);
        }
        expect(arr(hullVertices(x, n, 3))).toEqual(brute3d(x, n));
        expect(hullGeometry(x, n, 3).dim).toBe(3);
        // while the tolerance-based dimension sees the plane below 1e-10
        expect(affineDimension(x, n, 3)).toBe(noise > 1e-10 ? 3 : 2);
      }
    }
  });

  it('1000 points on a sphere: a closed outward triangulated surface', () => {
    const rng = new Rng(77);
    const n = 1000;
    const x = gaussCloud(rng, n, 3);
    for (let i = 0; i < n; i++) {
      const r = Math.hypot(x[3 * i]!, x[3 * i + 1]!, x[3 * i + 2]!);
      for (let c = 0; c < 3; c++) x[3 * i + c] = x[3 * i + c]! / r;
    }
    const g = hullGeometry(x, n, 3);
    checkOutward(x, n, g.faces, g.vertices, g.edges);
    expect(g.vertices.length - g.edges.length / 2 + g.faces.length / 3).toBe(2);
    expect(g.vertices.length).toBeGreaterThan(990);
  });

  it('faces of random hulls are outward and use only vertices; edges belong to faces', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      const n = 300;
      const x = gaussCloud(rng, n, 3);
      const g = hullGeometry(x, n, 3);
      checkOutward(x, n, g.faces, g.vertices, g.edges);
      // a triangulated sphere: V − E + F = 2 with E = 3F/2 (general position: no merged faces)
      expect(g.vertices.length - g.edges.length / 2 + g.faces.length / 3).toBe(2);
    }
  });
});

function checkOutward(x: ArrayLike<number>, n: number, faces: Int32Array, vertices: Int32Array, edges: Int32Array): void {
  const vset = new Set(vertices);
  const P = (i: number): number[] => [x[3 * i]!, x[3 * i + 1]!, x[3 * i + 2]!];
  const faceEdges = new Set<string>();
  const used = new Set<number>();
  for (let f = 0; f < faces.length; f += 3) {
    const [a, b, c] = [faces[f]!, faces[f + 1]!, faces[f + 2]!];
    for (const v of [a, b, c]) {
      if (!vset.has(v)) expect(v).toBe('a vertex');
      used.add(v);
    }
    for (const [u, v] of [[a, b], [b, c], [c, a]] as const) faceEdges.add(`${Math.min(u, v)},${Math.max(u, v)}`);
    const [A, B, C] = [P(a), P(b), P(c)];
    let positive = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const D = P(i);
      // robust-predicates: interior points of an outward (CCW from outside) face give orient3d >= 0
      const o = orient3d(A[0]!, A[1]!, A[2]!, B[0]!, B[1]!, B[2]!, C[0]!, C[1]!, C[2]!, D[0]!, D[1]!, D[2]!);
      if (o < 0) outside++;
      if (o > 0) positive++;
    }
    // (asserted only on failure: a million expect() calls would dominate the run time)
    if (outside !== 0) expect(outside, `points strictly outside face ${a},${b},${c}`).toBe(0);
    if (positive === 0) expect(positive, `face ${a},${b},${c} has no point strictly inside`).toBeGreaterThan(0);
  }
  expect(used.size).toBe(vertices.length);
  let strayEdges = 0;
  for (let e = 0; e < edges.length; e += 2) if (!faceEdges.has(`${Math.min(edges[e]!, edges[e + 1]!)},${Math.max(edges[e]!, edges[e + 1]!)}`)) strayEdges++;
  expect(strayEdges).toBe(0);
}

describe('the LP extreme-point test', () => {
  it('agrees with the exact 2D hull on random and degenerate sets', () => {
    const cases: Array<[Float64Array, number]> = [];
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      cases.push([uniformCloud(rng, 120, 2), 120], [gaussCloud(rng, 60, 2), 60]);
    }
    const grid: number[] = [];
    for (let i = 0; i < 7; i++) for (let j = 0; j < 5; j++) grid.push(i, j);
    grid.push(0, 0, 6, 4, 3, 2);
    cases.push([Float64Array.from(grid), grid.length / 2]);
    cases.push([Float64Array.from([1, 1, 1, 1, 1, 1]), 3]);
    cases.push([Float64Array.from([0, 0, 2, 2, 1, 1, 3, 3, 2, 2]), 5]);
    cases.push([Float64Array.from([0, 0, 1, 0, 1, 1, 0, 1, 0.5, 0, 1, 0.5, 0.5, 0.5]), 7]);
    for (const [x, n] of cases) {
      const expected = arr(hullVertices(x, n, 2));
      expect(arr(hullVerticesLP(x, n, 2))).toEqual(expected);
      expect(arr(hullVerticesLP(x, n, 2, { prefilter: false }))).toEqual(expected);
    }
  });

  it('agrees with the 3D hull on random and degenerate sets', () => {
    const cases: Array<[Float64Array, number]> = [];
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      cases.push([uniformCloud(rng, 150, 3), 150], [gaussCloud(rng, 80, 3), 80]);
    }
    const cube: number[] = [];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) cube.push(i, j, k);
    cases.push([Float64Array.from(cube), 27]);
    const plane: number[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) plane.push(i, j, 3 * i - j);
    cases.push([Float64Array.from(plane), 16]);
    cases.push([Float64Array.from([0, 0, 0, 1, 2, 3, 2, 4, 6, 0, 0, 0]), 4]);
    for (const [x, n] of cases) {
      const expected = arr(hullVertices(x, n, 3));
      expect(arr(hullVerticesLP(x, n, 3))).toEqual(expected);
      expect(arr(hullVerticesLP(x, n, 3, { prefilter: false }))).toEqual(expected);
    }
  });

  it('agrees with the test-only simplex at d = 5 on small random sets', () => {
    const total: LpStats = { byDirection: 0, byCentroidDirection: 0, bySimplex: 0, byKnownHull: 0, byLp: 0, lpSolves: 0, fallbacks: 0 };
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const n of [6, 15, 40]) {
        const rng = new Rng(seed * 7 + n);
        const x = seed % 2 ? uniformCloud(rng, n, 5) : gaussCloud(rng, n, 5);
        const stats: LpStats = { byDirection: 0, byCentroidDirection: 0, bySimplex: 0, byKnownHull: 0, byLp: 0, lpSolves: 0, fallbacks: 0 };
        const expected = bruteLp(x, n, 5);
        expect(arr(hullVerticesLP(x, n, 5, { stats, prefilter: false }))).toEqual(expected);
        expect(arr(hullVerticesLP(x, n, 5))).toEqual(expected);
        expect(arr(hullVertices(x, n, 5))).toEqual(expected);
        for (const key of Object.keys(total) as Array<keyof LpStats>) total[key] += stats[key];
      }
    }
    // without pre-filters every point went through the LP rounds
    expect(total.byLp).toBe(5 * (6 + 15 + 40));
    expect(total.lpSolves).toBeGreaterThan(100);
    expect(total.fallbacks).toBe(0);
  });

  it('d = 4 and d = 6 random sets agree with the test-only simplex', () => {
    for (const d of [4, 6]) {
      const rng = new Rng(d);
      const x = gaussCloud(rng, 50, d);
      expect(arr(hullVertices(x, 50, d))).toEqual(bruteLp(x, 50, d));
    }
  });

  it('degenerate sets in d = 5: cube corners with edge midpoints, centre and duplicates', () => {
    const pts: number[][] = [];
    for (let m = 0; m < 32; m++) pts.push([0, 1, 2, 3, 4].map((b) => (m >> b) & 1));
    pts.push([0.5, 0, 0, 0, 0], [1, 0.5, 1, 0, 1], [0.5, 0.5, 0.5, 0.5, 0.5], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]);
    const rng = new Rng(4);
    const n = pts.length;
    const x = shuffleRows(rng, Float64Array.from(pts.flat()), n, 5);
    const expected = representatives(x, n, 5).filter((i) => [0, 1, 2, 3, 4].every((c) => x[5 * i + c] === 0 || x[5 * i + c] === 1));
    expect(expected).toHaveLength(32);
    expect(arr(hullVertices(x, n, 5))).toEqual(expected);
    expect(arr(hullVerticesLP(x, n, 5, { prefilter: false }))).toEqual(expected);
    expect(bruteLp(x, n, 5)).toEqual(expected);
    expect(affineDimension(x, n, 5)).toBe(5);
  });

  it('lower-dimensional sets in d = 5 reduce to their affine span (2D grid, a segment, a point)', () => {
    // exact integer embedding of a 2D grid: (i, j) → (i, j, i + j, i − j, 2i + 3j)
    const rng = new Rng(6);
    const flat: number[] = [];
    const plane: number[] = [];
    for (let t = 0; t < 40; t++) {
      const i = rng.int(9) - 4, j = rng.int(9) - 4;
      plane.push(i, j);
      flat.push(i, j, i + j, i - j, 2 * i + 3 * j);
    }
    const expected = arr(hullVertices(plane, 40, 2));
    expect(arr(hullVertices(flat, 40, 5))).toEqual(expected);
    expect(arr(hullVerticesLP(flat, 40, 5))).toEqual(expected);
    expect(affineDimension(flat, 40, 5)).toBe(2);
    const g5 = hullGeometry(flat, 40, 5);
    expect(g5.dim).toBe(2);
    expect(arr(g5.vertices)).toEqual(expected);
    expect(g5.edges.length + g5.faces.length).toBe(0);
    const seg = [0, 1, 2, 3, 4, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4];
    expect(arr(hullVertices(seg, 4, 5))).toEqual([0, 1]);
    expect(affineDimension(seg, 4, 5)).toBe(1);
    expect(arr(hullVertices(new Float64Array(15).fill(2.5), 3, 5))).toEqual([0]);
    expect(affineDimension(new Float64Array(15).fill(2.5), 3, 5)).toBe(0);
  });

  it('clusters tighter than the LP tolerance never vanish as a whole (d = 5)', () => {
    for (const spread of [1e-7, 1e-10, 1e-13]) {
      for (const seed of [1, 2]) {
        const rng = new Rng(seed);
        const d = 5, K = 14, per = 6, n = K * per;
        // 12 centres on a sphere (all vertices) and 2 interior ones: their mean, and
        // the midpoint of that mean and centre 0
        const C = gaussCloud(rng, K, d);
        for (let c = 0; c < 12; c++) {
          const r = Math.hypot(...Array.from({ length: d }, (_, t) => C[c * d + t]!));
          for (let t = 0; t < d; t++) C[c * d + t] = C[c * d + t]! / r;
        }
        for (let t = 0; t < d; t++) {
          let mean = 0;
          for (let c = 0; c < 12; c++) mean += C[c * d + t]! / 12;
          C[12 * d + t] = mean;
          C[13 * d + t] = 0.5 * mean + 0.5 * C[t]!;
        }
        expect(arr(hullVertices(C, K, d))).toEqual(Array.from({ length: 12 }, (_, c) => c));
        const x = new Float64Array(n * d);
        for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) x[i * d + t] = C[(i % K) * d + t]! + spread * rng.range(-1, 1);
        for (const prefilter of [true, false]) {
          const v = arr(hullVerticesLP(x, n, d, { prefilter }));
          const hit = new Set(v.map((i) => i % K));
          expect([...hit].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, c) => c));
        }
      }
    }
  });

  it('the pre-filters decide most points of a large cloud without an LP', () => {
    const rng = new Rng(42);
    const n = 2000;
    const x = uniformCloud(rng, n, 4);
    const stats: LpStats = { byDirection: 0, byCentroidDirection: 0, bySimplex: 0, byKnownHull: 0, byLp: 0, lpSolves: 0, fallbacks: 0 };
    const v = hullVerticesLP(x, n, 4, { stats });
    expect(v.length).toBeGreaterThan(10);
    expect(stats.byLp).toBeLessThan(n / 2);
    expect(stats.byDirection + stats.byCentroidDirection + stats.bySimplex + stats.byKnownHull + stats.byLp).toBe(n);
  });
});

describe('affineDimension', () => {
  it('counts the dimension of the span with a relative tolerance', () => {
    expect(affineDimension([1, 1, 1, 1], 2, 2)).toBe(0);
    expect(affineDimension([0, 0, 1, 1, 2, 2], 3, 2)).toBe(1);
    expect(affineDimension([0, 0, 1, 0, 0, 1], 3, 2)).toBe(2);
    // a plane with 1e-13 relative noise is flat at the default tolerance, 3D at tol 0
    const rng = new Rng(3);
    const x = new Float64Array(60);
    for (let i = 0; i < 20; i++) {
      x[3 * i] = rng.range(-1, 1);
      x[3 * i + 1] = rng.range(-1, 1);
      x[3 * i + 2] = 1e-13 * rng.range(-1, 1);
    }
    expect(affineDimension(x, 20, 3)).toBe(2);
    expect(affineDimension(x, 20, 3, 0)).toBe(3);
    expect(() => affineDimension(x, 20, 3, -1)).toThrow(RangeError);
  });
});

describe('input types, views and validation', () => {
  it('Float32Array, Float64Array of the same values and plain arrays give the same result; input is not mutated', () => {
    for (const d of [1, 2, 3, 5]) {
      const rng = new Rng(d);
      const n = 80;
      const f32 = new Float32Array(n * d);
      for (let k = 0; k < n * d; k++) f32[k] = rng.range(-1, 1);
      const f64 = Float64Array.from(f32);
      const plain = Array.from(f32);
      const before = f32.slice();
      const a = arr(hullVertices(f32, n, d));
      expect(arr(hullVertices(f64, n, d))).toEqual(a);
      expect(arr(hullVertices(plain, n, d))).toEqual(a);
      expect(f32).toEqual(before);
      expect(hullGeometry(f32, n, d)).toEqual(hullGeometry(f64, n, d));
    }
  });

  it('d = 1: min and max, lowest index on ties', () => {
    expect(arr(hullVertices([3, -1, 4, -1, 5, 5, 2], 7, 1))).toEqual([1, 4]);
    expect(arr(hullVertices([2, 2, 2], 3, 1))).toEqual([0]);
    expect(hullGeometry([3, -1, 4], 3, 1)).toMatchObject({ dim: 1 });
  });

  it('refuses an array longer than n·d instead of ignoring its tail (issue 9 item 8)', () => {
    expect(() => hullVertices([0, 0, 1, 0, 0, 1, Number.NaN], 3, 2)).toThrow(/x.length must be n\*d = 3\*2 = 6; got 7/);
    expect(arr(hullVertices([[0, 0], [1, 0], [0, 1]], 3, 2))).toEqual([0, 1, 2]);
  });

  it('bad arguments throw TypeError/RangeError naming the argument and value', () => {
    expect(() => hullVertices([0, 0], 0, 2)).toThrow(/n must be an integer >= 1; got 0/);
    expect(() => hullVertices([0, 0], 1.5, 2)).toThrow(RangeError);
    expect(() => hullVertices([0, 0], 1, '2' as unknown as number)).toThrow(TypeError);
    expect(() => hullVertices([0, 0, 1], 2, 2)).toThrow(/x.length must be n\*d = 2\*2 = 4; got 3/);
    expect(() => hullVertices([0, Number.NaN, 1, 1], 2, 2)).toThrow(/x\[1\] \(token 0, coordinate 1\) must be finite; got NaN/);
    expect(() => hullVertices([0, Infinity, 1, 1], 2, 2)).toThrow(RangeError);
    expect(() => hullVertices(null as unknown as number[], 1, 1)).toThrow(TypeError);
    expect(() => hullVertices(['a', 1] as unknown as number[], 1, 2)).toThrow(/x\[0\] \(token 0, coordinate 0\) must be a number; got "a"/);
    expect(() => hullPolygon([0, 0], -1)).toThrow(RangeError);
  });

  for (const backend of ['wasm', 'js'] as const) {
    for (const precision of ['f64', 'f32'] as const) {
      it(`a Simulation view (${backend}/${precision}) gives the same hull as its positions() copy`, async () => {
        for (const d of [2, 3]) {
          const n = 64;
          const rng = new Rng(d * 10 + (backend === 'wasm' ? 1 : 2));
          const positions = uniformCloud(rng, n, d);
          const sim = await Simulation.create({ model: 'localmax', positions, n, d, delta: 0.1, backend, precision });
          try {
            sim.step(3);
            const view = sim.view();
            const fromView = arr(hullVertices(view, n, d));
            const fromCopy = arr(hullVertices(sim.positions(), n, d));
            expect(fromView).toEqual(fromCopy);
            expect(hullGeometry(sim.view(), n, d)).toEqual(hullGeometry(sim.positions(), n, d));
            if (d === 2) expect(fromCopy).toEqual(brute2d(sim.positions(), n));
          } finally {
            sim.dispose();
          }
        }
      });
    }
  }
});
