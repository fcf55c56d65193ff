/**
 * Support functions, diameter, radius and the Hausdorff distance between
 * hulls, against brute force written only for this file (all pairs; point
 * to segment / triangle distances with exact inside tests from
 * robust-predicates) and against values known by hand.
 */
import { describe, expect, it } from 'vitest';
import { orient2d, orient3d } from 'robust-predicates';
import { diameter, directionBank, hausdorffHulls, radius, supportFunction } from '../../ts/analysis/geometry/support.js';
import { hullVertices } from '../../ts/analysis/geometry/hull.js';
import { initialPositions } from '../../ts/init.js';
import { Simulation } from '../../ts/index.js';

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
  gauss(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

function cloud(rng: Rng, n: number, d: number, kind: 'uniform' | 'gauss' = 'uniform'): Float64Array {
  const x = new Float64Array(n * d);
  for (let k = 0; k < n * d; k++) x[k] = kind === 'uniform' ? rng.range(-1, 1) : rng.gauss();
  return x;
}

const row = (x: ArrayLike<number>, i: number, d: number): number[] => Array.from({ length: d }, (_, c) => x[i * d + c] as number);
const sub = (a: number[], b: number[]): number[] => a.map((v, c) => v - (b[c] as number));
const dot = (a: number[], b: number[]): number => a.reduce((s, v, c) => s + v * (b[c] as number), 0);
const norm = (a: number[]): number => Math.sqrt(dot(a, a));

/** Brute-force diameter: every pair, squared distances summed in coordinate order. */
function bruteDiameter(x: ArrayLike<number>, n: number, d: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) {
        const t = (x[i * d + c] as number) - (x[j * d + c] as number);
        s += t * t;
      }
      if (s > best) best = s;
    }
  }
  return Math.sqrt(best);
}

/** Distance from p to the segment [a, b] (any dimension). */
function segDist(p: number[], a: number[], b: number[]): number {
  const e = sub(b, a);
  const ee = dot(e, e);
  let t = ee > 0 ? dot(sub(p, a), e) / ee : 0;
  t = Math.max(0, Math.min(1, t));
  return norm(sub(p, a.map((v, c) => v + t * (e[c] as number))));
}

/** Distance from p to the triangle abc in R^3 (projection inside → plane distance, else edges). */
function triDist(p: number[], a: number[], b: number[], c: number[]): number {
  const ab = sub(b, a), ac = sub(c, a), ap = sub(p, a);
  const d00 = dot(ab, ab), d01 = dot(ab, ac), d11 = dot(ac, ac);
  const den = d00 * d11 - d01 * d01;
  let best = Math.min(segDist(p, a, b), segDist(p, b, c), segDist(p, c, a));
  if (den > 1e-300) {
    const d20 = dot(ap, ab), d21 = dot(ap, ac);
    const v = (d11 * d20 - d01 * d21) / den;
    const w = (d00 * d21 - d01 * d20) / den;
    if (v >= 0 && w >= 0 && v + w <= 1) {
      const q = a.map((t, k) => t + v * (ab[k] as number) + w * (ac[k] as number));
      best = Math.min(best, norm(sub(p, q)));
    }
  }
  return best;
}

/** Brute-force distance from p to conv(Y) in 2D: 0 when in a closed triangle or segment of Y (exact), else min over segments. */
function bruteDist2d(p: number[], Y: number[][]): number {
  const m = Y.length;
  const [px, py] = p as [number, number];
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      for (let c = b; c < m; c++) {
        const A = Y[a]!, B = Y[b]!, C = Y[c]!;
        const s = Math.sign(orient2d(A[0]!, A[1]!, B[0]!, B[1]!, C[0]!, C[1]!));
        const s1 = Math.sign(orient2d(A[0]!, A[1]!, B[0]!, B[1]!, px, py));
        const s2 = Math.sign(orient2d(B[0]!, B[1]!, C[0]!, C[1]!, px, py));
        const s3 = Math.sign(orient2d(C[0]!, C[1]!, A[0]!, A[1]!, px, py));
        if (s !== 0 && [s1, s2, s3].every((t) => t === 0 || t === s)) return 0;
      }
    }
  }
  let best = Infinity;
  for (let a = 0; a < m; a++) for (let b = a; b < m; b++) best = Math.min(best, segDist(p, Y[a]!, Y[b]!));
  return best;
}

/** Brute-force distance from p to conv(Y) in 3D: 0 inside a closed tetrahedron of Y (exact), else min over triangles. */
function bruteDist3d(p: number[], Y: number[][]): number {
  const m = Y.length;
  const o = (a: number[], b: number[], c: number[], d: number[]): number =>
    Math.sign(orient3d(a[0]!, a[1]!, a[2]!, b[0]!, b[1]!, b[2]!, c[0]!, c[1]!, c[2]!, d[0]!, d[1]!, d[2]!));
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) for (let c = b + 1; c < m; c++) for (let e = c + 1; e < m; e++) {
    const A = Y[a]!, B = Y[b]!, C = Y[c]!, E = Y[e]!;
    const s = o(A, B, C, E);
    if (s === 0) continue;
    const t = [o(p, B, C, E), o(A, p, C, E), o(A, B, p, E), o(A, B, C, p)];
    if (t.every((v) => v === 0 || v === s)) return 0;
  }
  let best = Infinity;
  for (let a = 0; a < m; a++) for (let b = a; b < m; b++) for (let c = b; c < m; c++) best = Math.min(best, triDist(p, Y[a]!, Y[b]!, Y[c]!));
  return best;
}

function bruteHausdorff(x: ArrayLike<number>, nx: number, y: ArrayLike<number>, ny: number, d: number): number {
  const X = Array.from({ length: nx }, (_, i) => row(x, i, d));
  const Y = Array.from({ length: ny }, (_, i) => row(y, i, d));
  const dist = d === 2 ? bruteDist2d : bruteDist3d;
  let h = 0;
  for (const p of X) h = Math.max(h, dist(p, Y));
  for (const q of Y) h = Math.max(h, dist(q, X));
  return h;
}

describe('directionBank', () => {
  it('m unit vectors, seeded, equal to the library sphere draw', () => {
    for (const d of [1, 2, 3, 16]) {
      const b = directionBank(d);
      expect(b).toHaveLength(64 * d);
      for (let k = 0; k < 64; k++) expect(Math.abs(norm(row(b, k, d)) - 1)).toBeLessThan(4e-16);
      expect(directionBank(d, 64, 1)).toEqual(b);
      expect(b).toEqual(initialPositions({ kind: 'sphere', n: 64, d, seed: 1 }));
    }
    expect(directionBank(3, 10, 2)).not.toEqual(directionBank(3, 10, 1));
    expect(directionBank(3, 10, 7)).toHaveLength(30);
    for (let k = 0; k < 64; k++) expect(Math.abs(directionBank(1)[k]!)).toBe(1);
  });

  it('validates d and m', () => {
    expect(() => directionBank(0)).toThrow(/d must be an integer >= 1; got 0/);
    expect(() => directionBank(2, 2.5)).toThrow(/m must be an integer >= 1; got 2.5/);
    expect(() => directionBank(2, 4, -1)).toThrow(RangeError);
  });
});

describe('supportFunction', () => {
  it('equals the maximum over hull vertices and behaves under scaling and translation', () => {
    for (const d of [2, 3, 5]) {
      const rng = new Rng(d);
      const n = 120;
      const x = cloud(rng, n, d, 'gauss');
      const dirs = directionBank(d, 32, 3);
      const h = supportFunction(x, n, d, dirs);
      expect(h).toHaveLength(32);
      const verts = hullVertices(x, n, d);
      for (let k = 0; k < 32; k++) {
        const u = row(dirs, k, d);
        let viaHull = -Infinity;
        for (const i of verts) {
          let v = 0;
          for (let c = 0; c < d; c++) v += (u[c] as number) * (x[i * d + c] as number);
          viaHull = Math.max(viaHull, v);
        }
        expect(h[k]).toBe(viaHull);
      }
      // h(2X) = 2 h(X) exactly (scaling by 2 is exact); h(X + v) = h(X) + <u, v>
      const x2 = x.map((v) => 2 * v);
      expect(supportFunction(x2, n, d, dirs)).toEqual(h.map((v) => 2 * v));
      const shift = Array.from({ length: d }, (_, c) => 0.25 * (c + 1));
      const xs = x.map((v, k) => v + (shift[k % d] as number));
      const hs = supportFunction(xs, n, d, dirs);
      for (let k = 0; k < 32; k++) expect(hs[k]).toBeCloseTo((h[k] as number) + dot(row(dirs, k, d), shift), 12);
    }
  });

  it('m defaults to dirs.length / d; validation names the argument', () => {
    const x = [0, 0, 1, 0, 0, 1];
    expect(Array.from(supportFunction(x, 3, 2, new Float64Array([1, 0, 0, 1, -1, 0])))).toEqual([1, 1, 0]);
    expect(Array.from(supportFunction(x, 3, 2, new Float64Array([1, 0]), 1))).toEqual([1]);
    // an explicit m takes exactly m·d numbers (issue 9 item 8: no silent tail)
    expect(() => supportFunction(x, 3, 2, new Float64Array([1, 0, 0, 1, -1, 0]), 1)).toThrow(/dirs.length must be n\*d = 1\*2 = 2; got 6/);
    expect(() => supportFunction(x, 3, 2, new Float64Array([1, 0]), 2)).toThrow(/dirs.length must be n\*d = 2\*2 = 4; got 2/);
    expect(() => supportFunction(x, 3, 2, new Float64Array([1, Number.NaN]))).toThrow(/dirs\[1\] \(token 0, coordinate 1\) must be finite; got NaN/);
    expect(() => supportFunction(x, 3, 2, new Float64Array(0))).toThrow(/dirs.length must be a multiple of d = 2 and >= 2 .*; got 0/);
  });
});

describe('diameter', () => {
  it('matches all-pairs brute force in d = 1, 2, 3, 5 (value exactly, pair consistent)', () => {
    for (const d of [1, 2, 3, 5]) {
      for (const seed of [1, 2, 3]) {
        for (const n of [1, 2, 3, 7, 60, 300]) {
          const rng = new Rng(seed * 100 + n + d);
          const x = cloud(rng, n, d, seed === 2 ? 'gauss' : 'uniform');
          const r = diameter(x, n, d);
          expect(r.value).toBe(bruteDiameter(x, n, d));
          expect(r.i).toBeLessThanOrEqual(r.j);
          let s = 0;
          for (let c = 0; c < d; c++) s += ((x[r.i * d + c] as number) - (x[r.j * d + c] as number)) ** 2;
          expect(Math.sqrt(s)).toBe(r.value);
        }
      }
    }
  });

  it('points on a circle and regular polygons (many antipodal ties) in 2D', () => {
    const rng = new Rng(9);
    const n = 2000;
    const x = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      const th = rng.range(0, 2 * Math.PI);
      x[2 * i] = Math.cos(th);
      x[2 * i + 1] = Math.sin(th);
    }
    expect(diameter(x, n, 2).value).toBe(bruteDiameter(x, n, 2));
    for (const m of [3, 4, 5, 6, 17, 64]) {
      const p = new Float64Array(2 * m);
      for (let i = 0; i < m; i++) {
        p[2 * i] = Math.cos((2 * Math.PI * i) / m);
        p[2 * i + 1] = Math.sin((2 * Math.PI * i) / m);
      }
      expect(diameter(p, m, 2).value).toBe(bruteDiameter(p, m, 2));
    }
  });

  it('degenerate sets: one location, a segment with duplicates, collinear', () => {
    expect(diameter([2, 2, 2, 2, 2, 2], 3, 2)).toEqual({ value: 0, i: 0, j: 0 });
    expect(diameter([1, 1, 1], 1, 3)).toEqual({ value: 0, i: 0, j: 0 });
    expect(diameter([0, 0, 3, 4, 0, 0, 3, 4], 4, 2)).toEqual({ value: 5, i: 0, j: 1 });
    expect(diameter([0, 0, 0, 1, 2, 2, 3, 6, 6, 2, 4, 4], 4, 3)).toEqual({ value: 9, i: 0, j: 2 });
    expect(diameter([5, -1, 2, 9, -1], 5, 1)).toEqual({ value: 10, i: 1, j: 3 });
  });
});

describe('radius', () => {
  it('is the largest norm', () => {
    for (const d of [1, 2, 3, 7]) {
      const rng = new Rng(d + 40);
      const n = 50;
      const x = cloud(rng, n, d, 'gauss');
      let best = 0;
      for (let i = 0; i < n; i++) best = Math.max(best, norm(row(x, i, d)));
      expect(radius(x, n, d)).toBeCloseTo(best, 14);
    }
    expect(radius([3, 4, 0, 0], 2, 2)).toBe(5);
    expect(radius([0, 0], 1, 2)).toBe(0);
    expect(() => radius([1], 2, 1)).toThrow(/x.length must be n\*d = 2\*1 = 2; got 1/);
  });
});

describe('hausdorffHulls', () => {
  it('agrees with brute force in 2D (exact inside tests, all segments)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rng = new Rng(seed);
      const nx = 4 + (seed % 3) * 5, ny = 3 + seed * 3;
      const x = cloud(rng, nx, 2);
      const y = cloud(rng, ny, 2, 'gauss');
      const h = hausdorffHulls(x, nx, y, ny, 2);
      expect(h).toBeCloseTo(bruteHausdorff(x, nx, y, ny, 2), 12);
      expect(hausdorffHulls(y, ny, x, nx, 2)).toBe(h);
    }
  });

  it('agrees with brute force in 3D (Wolfe against point-triangle distances)', () => {
    for (const seed of [1, 2, 3, 4]) {
      const rng = new Rng(seed + 10);
      const nx = 5 + seed, ny = 6 + (seed % 2) * 3;
      const x = cloud(rng, nx, 3);
      const y = cloud(rng, ny, 3, 'gauss');
      const h = hausdorffHulls(x, nx, y, ny, 3);
      expect(Math.abs(h - bruteHausdorff(x, nx, y, ny, 3))).toBeLessThan(1e-9);
      expect(hausdorffHulls(y, ny, x, nx, 3)).toBe(h);
    }
  });

  it('is 0 for a set and itself (or a set with extra interior points), |v| for a translate', () => {
    for (const d of [1, 2, 3, 5]) {
      const rng = new Rng(d * 3);
      const n = 40;
      const x = cloud(rng, n, d);
      expect(hausdorffHulls(x, n, x, n, d)).toBe(0);
      // add the centroid (interior) and duplicates
      const y = new Float64Array((n + 3) * d);
      y.set(x);
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += x[i * d + c] as number;
        y[n * d + c] = s / n;
        y[(n + 1) * d + c] = x[c] as number;
        y[(n + 2) * d + c] = x[d + c] as number;
      }
      expect(hausdorffHulls(x, n, y, n + 3, d)).toBeLessThan(1e-12);
      const v = Array.from({ length: d }, (_, c) => 0.3 - 0.1 * c);
      const xv = x.map((t, k) => t + (v[k % d] as number));
      const h = hausdorffHulls(x, n, xv, n, d);
      expect(Math.abs(h - norm(v))).toBeLessThan(1e-9 * (1 + norm(v)));
      expect(hausdorffHulls(xv, n, x, n, d)).toBe(h);
    }
  });

  it('known values: nested squares, a cube and its dilation in R^5, an outside point', () => {
    const sq = [0, 0, 1, 0, 1, 1, 0, 1];
    const big = [-0.5, -0.5, 1.5, -0.5, 1.5, 1.5, -0.5, 1.5];
    expect(hausdorffHulls(sq, 4, big, 4, 2)).toBeCloseTo(Math.SQRT1_2, 15);
    const cube: number[] = [];
    for (let m = 0; m < 32; m++) for (let b = 0; b < 5; b++) cube.push((m >> b) & 1);
    const dil = cube.map((t) => 2 * t - 0.5);
    expect(Math.abs(hausdorffHulls(cube, 32, dil, 32, 5) - Math.sqrt(5) / 2)).toBeLessThan(1e-9);
    const withPoint = [...cube, 2, 0.5, 0.5, 0.5, 0.5];
    expect(Math.abs(hausdorffHulls(cube, 32, withPoint, 33, 5) - 1)).toBeLessThan(1e-9);
    // d = 1: intervals [0, 1] and [-2, 0.5]
    expect(hausdorffHulls([0, 1, 0.5], 3, [0.5, -2], 2, 1)).toBe(2);
  });

  it('validates both sets with their own names', () => {
    expect(() => hausdorffHulls([0, 0], 1, [0, 0], 0, 2)).toThrow(/ny must be an integer >= 1; got 0/);
    expect(() => hausdorffHulls([0], 1, [0, 0], 1, 2)).toThrow(/x.length must be n\*d = 1\*2 = 2; got 1/);
    expect(() => hausdorffHulls([0, 0], 1, [0, Number.POSITIVE_INFINITY], 1, 2)).toThrow(/y\[1\] \(token 0, coordinate 1\) must be finite; got Infinity/);
  });
});

describe('input types and Simulation views', () => {
  it('Float32Array and Float64Array of the same values agree', () => {
    for (const d of [2, 3, 4]) {
      const rng = new Rng(d + 70);
      const n = 60;
      const f32 = new Float32Array(n * d);
      for (let k = 0; k < n * d; k++) f32[k] = rng.range(-1, 1);
      const f64 = Float64Array.from(f32);
      const dirs = directionBank(d, 16);
      expect(supportFunction(f32, n, d, dirs)).toEqual(supportFunction(f64, n, d, dirs));
      expect(diameter(f32, n, d)).toEqual(diameter(f64, n, d));
      expect(radius(f32, n, d)).toBe(radius(f64, n, d));
      const g32 = f32.map((v) => v * 0.9 + 0.01);
      expect(hausdorffHulls(f32, n, g32, n, d)).toBe(hausdorffHulls(f64, n, Float64Array.from(g32), n, d));
    }
  });

  for (const backend of ['wasm', 'js'] as const) {
    it(`a Simulation view (${backend}) gives the same values as positions()`, async () => {
      for (const precision of ['f64', 'f32'] as const) {
        const n = 48, d = 3;
        const rng = new Rng(backend === 'wasm' ? 1 : 2);
        const positions = cloud(rng, n, d);
        const sim = await Simulation.create({ model: 'localmax', positions, n, d, delta: 0.1, backend, precision });
        try {
          const x0 = sim.positions();
          sim.step(2);
          const copy = sim.positions();
          const dirs = directionBank(d);
          expect(supportFunction(sim.view(), n, d, dirs)).toEqual(supportFunction(copy, n, d, dirs));
          expect(diameter(sim.view(), n, d)).toEqual(diameter(copy, n, d));
          expect(radius(sim.view(), n, d)).toBe(radius(copy, n, d));
          expect(hausdorffHulls(sim.view(), n, x0, n, d)).toBe(hausdorffHulls(copy, n, x0, n, d));
        } finally {
          sim.dispose();
        }
      }
    });
  }
});

describe('diameter on hulls with vertices a few ulps apart (collapsing clusters)', () => {
  // Regression: the rotating calipers stopped early on ulp-long edges and
  // returned 2.0 instead of 3.0 here. Brute force over all pairs is the check.
  it('matches all pairs on 3000-gon ellipses whose vertices carry 1-ulp twins', () => {
    for (const dup of [false, true]) {
      for (const seed of [1, 2, 3]) {
        const m = 3000;
        const n = dup ? 2 * m : m;
        const x = new Float64Array(2 * n);
        let s = seed;
        const r = (): number => {
          s = (s * 16807) % 2147483647;
          return s / 2147483647;
        };
        for (let k = 0; k < m; k++) {
          const a = 2 * Math.PI * r();
          const px = Math.cos(a) * (1 + 0.5 * seed);
          const py = Math.sin(a);
          if (dup) {
            x.set([px, py, px * (1 + 2 ** -52), py], 4 * k);
          } else {
            x.set([px, py], 2 * k);
          }
        }
        let best = 0;
        for (let i = 0; i < n; i++) {
          for (let j = i + 1; j < n; j++) {
            const dx = (x[2 * i] as number) - (x[2 * j] as number);
            const dy = (x[2 * i + 1] as number) - (x[2 * j + 1] as number);
            best = Math.max(best, dx * dx + dy * dy);
          }
        }
        expect(diameter(x, n, 2).value).toBe(Math.sqrt(best));
      }
    }
  });
});
