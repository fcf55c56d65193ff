/**
 * Limits: limit classes, distinct limit points, convergence and the "no
 * finite-time convergence" check (SPEC §3 "Limit classification", §4 items 3,
 * 5, 6). Expected values come from SPEC's closed forms (P3, P6) and from hand
 * geometry; nothing is copied from the implementation.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../ts/index.js';
import { convergence, DECAY_STATUS, distinctLimitPoints, finiteTimeCheck, LIMIT_KIND, limitClasses } from '../../ts/analysis/dynamics/limits.js';
import { linearFit, pooledSlope } from '../../ts/analysis/dynamics/fit.js';
import { nearestInHull } from '../../ts/analysis/geometry/nearest.js';
import { ulp } from '../../ts/analysis/tolerance.js';
import { hullVertices } from '../../ts/analysis/geometry/hull.js';
import type { Trajectory } from '../../ts/analysis/dynamics/trajectory.js';
import { handBuilt, record } from './trajectories.js';
import { randomCloud, type BackendName, type Options } from '../helpers.js';



const SQUARE = [
  [1, 1],
  [1, -1],
  [-1, -1],
  [-1, 1],
];
const last = (tr: Trajectory): Float64Array => Float64Array.from(tr.data.subarray((tr.count - 1) * tr.n * tr.d, tr.count * tr.n * tr.d));

// ---------------------------------------------------------------------------
// SPEC P6: (±1,±1) plus p = (1, 0.01), α = 0.5.

/**
 * δ = 0.05: C_p = {(1,1), (1,−1), p} at every step and the corners never move
 * (SPEC P6), so p_x ≡ 1 and p_y(t) = 0.01·(7/9)^t. The hand-built trajectory is
 * that closed form.
 */
function p6HandBuilt(steps: number): Trajectory {
  const frames: number[][] = [];
  for (let t = 0; t <= steps; t++) frames.push([...SQUARE.flat(), 1, 0.01 * (7 / 9) ** t]);
  return handBuilt(frames, 5, 2);
}

/** The last t with 0.01·(7/9)^t > 1e3·ulp(1) (SPEC §4: fit only above the rounding floor; |target| = |(1, ~0)| = 1). */
function p6WindowEnd(): number {
  const floor = 1e3 * 2 ** -52;
  let t = 0;
  while (0.01 * (7 / 9) ** (t + 1) > floor) t++;
  return t;
}

describe('SPEC P6 square, δ = 0.05: a robust boundary non-vertex limit', () => {
  const sources: Array<[string, () => Promise<Trajectory>]> = [
    ...(['wasm', 'js'] as BackendName[]).map(
      (backend) =>
        [
          `Recorder ${backend}/f64`,
          () => record({ model: 'localmax', positions: [...SQUARE, [1, 0.01]], alpha: 0.5, delta: 0.05, backend, precision: 'f64' }, 200),
        ] as [string, () => Promise<Trajectory>],
    ),
    ['hand-built Float64Array', async () => p6HandBuilt(200)],
  ];

  for (const [name, make] of sources) {
    it(`${name}: corners are vertex limits, p's cluster lies on the edge x = 1 at its midpoint`, async () => {
      const tr = await make();
      const x = last(tr);
      const lc = limitClasses(x, 5, 2);
      expect(lc.clusters).toBe(5);
      expect(distinctLimitPoints(x, 5, 2)).toBe(5);
      expect(Array.from(lc.kind)).toEqual([0, 0, 0, 0, LIMIT_KIND.boundary]);
      expect(lc.vertexClusters.length).toBe(4);
      expect(lc.dim).toBe(2);
      expect(lc.split).toBe(true);
      // corners: distance 0 to a vertex; p: distance 1 to (1, ±1)
      for (let i = 0; i < 4; i++) expect(lc.distanceToVertex[i]).toBe(0);
      expect(Math.abs(lc.distanceToVertex[4]! - 1)).toBeLessThan(1e-12);
      // its face is the edge between the clusters of (1,1) and (1,−1), at weights 1/2, 1/2
      const face = lc.barycentric[lc.labels[4]!];
      expect(face).not.toBeNull();
      const corners = Array.from(face!.vertices).map((c) => lc.labels.indexOf(c)).sort();
      expect(corners).toEqual([0, 1]);
      for (const w of face!.weights) expect(Math.abs(w - 0.5)).toBeLessThan(1e-12);
      expect(face!.distance).toBeLessThanOrEqual(lc.tol);
    });

    it(`${name}: p decays at exactly 7/9 per step with no exact arrival, the fit stopping at the rounding floor`, async () => {
      const tr = await make();
      const ft = finiteTimeCheck(tr);
      expect(Math.abs(ft.rate[4]! - 7 / 9)).toBeLessThan(1e-9);
      expect(ft.r2[4]!).toBeGreaterThan(1 - 1e-12);
      expect(ft.status[4]).toBe(DECAY_STATUS.decaying);
      expect(ft.windowEnd[4]).toBe(p6WindowEnd()); // 97
      expect(ft.points[4]).toBe(p6WindowEnd() + 1);
      expect(ft.floor[4]).toBe(1e3 * 2 ** -52);
      expect(ft.arrivals).toEqual([]);
      expect(ft.noFiniteTimeConvergence).toBe(true);
      // the corners never move
      for (let i = 0; i < 4; i++) expect(ft.status[i]).toBe(DECAY_STATUS.stationary);
      // against the exact limit (1, 0): the same rate, distance positive throughout
      const limit = Float64Array.from([...SQUARE.flat(), 1, 0]);
      const fl = finiteTimeCheck(tr, { limit });
      expect(Math.abs(fl.rate[4]! - 7 / 9)).toBeLessThan(1e-9);
      expect(fl.arrivals).toEqual([]);
      // p_y(t) = 0.01·(7/9)^t > 1e3·ulp(1) up to t = 97, like the last-snapshot target
      expect(fl.windowEnd[4]).toBe(p6WindowEnd());
    });

    it(`${name}: converged by SPEC's definition, with the first step of size 0.01·2/9`, async () => {
      const tr = await make();
      const cv = convergence(tr);
      expect(cv.converged).toBe(true);
      expect(cv.maxStep.length).toBe(200);
      expect(Math.abs(cv.maxStep[0]! - (0.01 * 2) / 9)).toBeLessThan(1e-15);
      expect(cv.lastMaxStep).toBeLessThan(1e-12);
      expect(cv.tol).toBe(1e-12 * Math.SQRT2); // R = |(1,1)|
      // over all 200 gaps it was not below tol
      expect(convergence(tr, { window: 200 }).converged).toBe(false);
    });
  }
});

describe('SPEC P6 square, δ = 0: p → (1,1), a vertex limit, rate 2/3', () => {
  for (const backend of ['wasm', 'js'] as BackendName[]) {
    it(`${backend}/f64, τ = 0: p's limit is the vertex (1,1); rate 2/3; only a rounding arrival`, async () => {
      const tr = await record(
        { model: 'localmax', positions: [...SQUARE, [1, 0.01]], alpha: 0.5, delta: 0, tieTolerance: 0, backend, precision: 'f64' },
        200,
      );
      const x = last(tr);
      const lc = limitClasses(x, 5, 2);
      expect(lc.clusters).toBe(4);
      expect(lc.labels[4]).toBe(lc.labels[0]);
      expect(lc.kind[4]).toBe(LIMIT_KIND.vertex);
      expect(lc.distanceToVertex[4]).toBe(0);
      // exact hardmax: C_p = {(1,1)}, so p − (1,1) = (2/3)^t (p(0) − (1,1)) (SPEC P5 / P8 follower)
      const limit = Float64Array.from([...SQUARE.flat(), 1, 1]);
      const strict = finiteTimeCheck(tr, { limit, floorUlps: 1e8 });
      expect(Math.abs(strict.rate[4]! - 2 / 3)).toBeLessThan(1e-9);
      // the SPEC floor (1e3 ulp) keeps points whose rounding error is ~1e-3 relative: rate to ~1e-6
      const spec = finiteTimeCheck(tr, { limit });
      expect(Math.abs(spec.rate[4]! - 2 / 3)).toBeLessThan(1e-5);
      // against the last snapshot: p gets stuck within an ulp of (1,1); that is a rounding arrival
      const ft = finiteTimeCheck(tr);
      expect(ft.arrivals.length).toBeGreaterThanOrEqual(1);
      for (const a of ft.arrivals) {
        expect(a.rounding).toBe(true);
        expect(a.lastDistance).toBeLessThanOrEqual(1e3 * ulp(Math.SQRT2));
      }
      expect(ft.arrivals.map((a) => a.token)).toContain(4);
      expect(ft.noFiniteTimeConvergence).toBe(true);
    });

    it(`${backend}/f64, default τ = 1e-12: the tie tolerance pulls the vertex (1,1) by less than 2e-12 once p is within ~1e-12`, async () => {
      // <v, v − p> <= τ·max(1,|m_v|) = 2e-12 puts p in C_v (SPEC §1.2), so the vertex moves — a little
      const tr = await record({ model: 'localmax', positions: [...SQUARE, [1, 0.01]], alpha: 0.5, delta: 0, backend, precision: 'f64' }, 200);
      const x = last(tr);
      const moved = Math.hypot(x[0]! - 1, x[1]! - 1);
      expect(moved).toBeGreaterThan(0);
      expect(moved).toBeLessThan(2e-12);
      const lc = limitClasses(x, 5, 2);
      expect(lc.labels[4]).toBe(lc.labels[0]);
      expect(lc.kind[4]).toBe(LIMIT_KIND.vertex);
      // above 1e-8 the dynamics is exact hardmax: rate 2/3 against (1,1)
      const limit = Float64Array.from([...SQUARE.flat(), 1, 1]);
      expect(Math.abs(finiteTimeCheck(tr, { limit, floorUlps: 1e8 }).rate[4]! - 2 / 3)).toBeLessThan(1e-9);
    });
  }
});

// ---------------------------------------------------------------------------
// SPEC P3: large δ gives consensus at the mean with x_i(t) − x̄ = (1+α)^(−t)(x_i(0) − x̄).

describe('SPEC P3 large-δ consensus', () => {
  const n = 12;
  const d = 3;
  const x0 = randomCloud(5, n, d, 'uniform');
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c] = mean[c]! + x0[i * d + c]! / n;

  for (const backend of ['wasm', 'js'] as BackendName[]) {
    it(`${backend}/f64, δ = 1e6, α = 1: one cluster at the initial mean, every token's rate 1/2`, async () => {
      const tr = await record({ model: 'localmax', positions: x0, n, d, alpha: 1, delta: 1e6, backend, precision: 'f64' }, 200);
      const x = last(tr);
      const lc = limitClasses(x, n, d);
      expect(lc.clusters).toBe(1);
      expect(distinctLimitPoints(x, n, d)).toBe(1);
      for (let c = 0; c < d; c++) expect(Math.abs(lc.centroids[c]! - mean[c]!)).toBeLessThan(1e-12);
      expect(Array.from(lc.kind)).toEqual(new Array(n).fill(LIMIT_KIND.vertex));
      // rounding moves x̄ by ~1e-16 per step; fit where that is < 1e-8 relative (1e8 ulp)
      const ft = finiteTimeCheck(tr, { floorUlps: 1e8 });
      for (let i = 0; i < n; i++) {
        expect(Math.abs(ft.rate[i]! - 0.5), `token ${i}`).toBeLessThan(1e-9);
        expect(ft.r2[i]!).toBeGreaterThan(1 - 1e-12);
      }
      // all tokens end exactly on the last snapshot well before t = 200 — by rounding only
      expect(ft.noFiniteTimeConvergence).toBe(true);
      for (const a of ft.arrivals) expect(a.rounding).toBe(true);
      // SPEC floor: rate to ~1e-5 only (errors of 1e-3 relative at the end of the window)
      const spec = finiteTimeCheck(tr);
      for (let i = 0; i < n; i++) expect(Math.abs(spec.rate[i]! - 0.5)).toBeLessThan(1e-4);
    });
  }
});

// ---------------------------------------------------------------------------
// Limit classification on hand-made limit sets.

describe('limitClasses on hand-made limit sets', () => {
  it('2D: square corners, an edge point, an interior point, a near-duplicate, a point 1e-8 outside an edge', () => {
    const pts = [
      [1, 1],
      [1, -1],
      [-1, -1],
      [-1, 1],
      [1, 0.3], // on the edge x = 1: (1,0.3) = 0.65·(1,1) + 0.35·(1,−1)
      [0.2, 0.1], // interior
      [1 + 1e-9, 1], // same cluster as (1,1) at tol 1e-6
      [-1 - 1e-8, 0], // an exact hull vertex, but within tol of the edge x = −1: boundary non-vertex
    ];
    const x = Float64Array.from(pts.flat());
    const lc = limitClasses(x, pts.length, 2);
    expect(lc.clusters).toBe(7);
    expect(lc.labels[6]).toBe(lc.labels[0]);
    expect(Array.from(lc.kind)).toEqual([0, 0, 0, 0, 1, 2, 0, 1]);
    const f = lc.barycentric[lc.labels[4]!]!;
    const w = new Map(Array.from(f.vertices).map((c, u) => [c, f.weights[u]!]));
    expect(Math.abs(w.get(lc.labels[0]!)! - 0.65)).toBeLessThan(1e-9); // centroid of (1,1) and (1+1e-9,1)
    expect(Math.abs(w.get(lc.labels[1]!)! - 0.35)).toBeLessThan(1e-9);
    expect(lc.barycentric[lc.labels[5]!]).toBeNull();
    // nearest vertex: the centroid (1 + 5e-10, 1) of (1,1) and (1+1e-9, 1)
    expect(Math.abs(lc.distanceToVertex[5]! - Math.hypot(0.8 + 5e-10, 0.9))).toBeLessThan(1e-12);
    expect(Math.abs(lc.distanceToVertex[4]! - 0.7)).toBeLessThan(1e-9);
    // with a tolerance below 1e-8 the last point becomes a (tiny) vertex
    const fine = limitClasses(x, pts.length, 2, { tol: 1e-10 });
    expect(fine.kind[7]).toBe(LIMIT_KIND.vertex);
    expect(fine.kind[6]).toBe(LIMIT_KIND.vertex); // (1+1e-9, 1) now its own cluster and a vertex
  });

  it('3D: cube corners, a face point, an edge point, an interior point', () => {
    const pts: number[][] = [];
    for (const a of [-1, 1]) for (const b of [-1, 1]) for (const c of [-1, 1]) pts.push([a, b, c]);
    pts.push([1, 0.2, 0.3], [1, 1, 0], [0, 0, 0.1]);
    const lc = limitClasses(Float64Array.from(pts.flat()), pts.length, 3);
    expect(lc.dim).toBe(3);
    expect(Array.from(lc.kind)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2]);
    // the face point's barycentric point reproduces it
    for (const i of [8, 9]) {
      const f = lc.barycentric[lc.labels[i]!]!;
      const p = [0, 0, 0];
      f.vertices.forEach((cl, u) => {
        for (let c = 0; c < 3; c++) p[c]! += f.weights[u]! * lc.centroids[cl * 3 + c]!;
      });
      for (let c = 0; c < 3; c++) expect(Math.abs(p[c]! - pts[i]![c]!)).toBeLessThan(1e-12);
    }
  });

  it('a planar limit set in R^3 is classified relative to its plane', () => {
    // square in the plane z = 0.5 after a rotation about the x axis, with an edge midpoint and its centre
    const c = Math.cos(0.7);
    const s = Math.sin(0.7);
    const rot = ([u, v]: number[]): number[] => [u!, v! * c - 0.5 * s, v! * s + 0.5 * c];
    const flat = [[1, 1], [1, -1], [-1, -1], [-1, 1], [0, 1], [0, 0]].map(rot);
    const lc = limitClasses(Float64Array.from(flat.flat()), 6, 3);
    expect(lc.dim).toBe(2);
    expect(Array.from(lc.kind)).toEqual([0, 0, 0, 0, 1, 2]);
  });

  it('collinear, single point, all equal', () => {
    const seg = limitClasses(Float64Array.from([0, 0, 2, 1, 1, 0.5, 0.5, 0.25]), 4, 2);
    expect(seg.dim).toBe(1);
    expect(Array.from(seg.kind)).toEqual([0, 0, 2, 2]);
    const one = limitClasses([3, 4], 1, 2);
    expect(one.clusters).toBe(1);
    expect(Array.from(one.kind)).toEqual([0]);
    const same = limitClasses([1, 2, 1, 2, 1, 2], 3, 2);
    expect(same.clusters).toBe(1);
    expect(Array.from(same.kind)).toEqual([0, 0, 0]);
    expect(Array.from(same.sizes)).toEqual([3]);
  });

  it('d = 5: a full simplex leaves non-vertices unsplit; a limit set in a 2-plane of R^5 is split', () => {
    const d = 5;
    const simplex: number[] = [];
    for (let k = 0; k < d; k++) for (let c = 0; c < d; c++) simplex.push(c === k ? 1 : 0);
    simplex.push(0, 0, 0, 0, 0, 0.1, 0.1, 0.1, 0.1, 0.1); // origin (a vertex) and an interior point
    const full = limitClasses(Float64Array.from(simplex), d + 2, d);
    expect(full.dim).toBe(5);
    expect(full.split).toBe(false);
    expect(Array.from(full.kind)).toEqual([0, 0, 0, 0, 0, 0, LIMIT_KIND.nonVertex]);
    // a triangle in span{e1, e2} + a point on an edge + an interior point, in R^5
    const tri = [
      [1, 0, 0, 0, 0],
      [0, 1, 0, 0, 0],
      [-1, -1, 0, 0, 0],
      [0.5, 0.5, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ];
    const planar = limitClasses(Float64Array.from(tri.flat()), 5, d);
    expect(planar.dim).toBe(2);
    expect(Array.from(planar.kind)).toEqual([0, 0, 0, 1, 2]);
  });

  it('vertex clusters agree with the exact hull vertices on random clouds (d = 2, 3)', () => {
    for (const d of [2, 3]) {
      for (let seed = 1; seed <= 6; seed++) {
        const n = 40;
        const x = randomCloud(100 + seed, n, d, 'gauss');
        const lc = limitClasses(x, n, d, { tol: 1e-12 });
        expect(lc.clusters).toBe(n);
        const hv = Array.from(hullVertices(x, n, d));
        const mine = Array.from(lc.kind).flatMap((k, i) => (k === LIMIT_KIND.vertex ? [i] : []));
        expect(mine, `d = ${d}, seed ${seed}`).toEqual(hv);
      }
    }
  });

  it('never mutates its input and validates arguments', () => {
    const x = Float64Array.from([0, 0, 1, 0, 0, 1]);
    const copy = Float64Array.from(x);
    limitClasses(x, 3, 2);
    expect(Array.from(x)).toEqual(Array.from(copy));
    expect(() => limitClasses(x, 4, 2)).toThrow(RangeError);
    expect(() => limitClasses(x, 4, 2)).toThrow(/x.length must be n\*d = 4\*2 = 8; got 6/);
    expect(() => limitClasses(x, 0, 2)).toThrow(/n must be an integer >= 1; got 0/);
    expect(() => limitClasses(x, 3, 2, { tol: -1 })).toThrow(/tol must be a finite number >= 0; got -1/);
    expect(() => limitClasses(null as unknown as number[], 3, 2)).toThrow(TypeError);
    expect(() => distinctLimitPoints(x, 3, 2.5)).toThrow(/d must be an integer >= 1; got 2.5/);
  });
});

// ---------------------------------------------------------------------------
// convergence / finiteTimeCheck on hand-built trajectories.

describe('convergence and finiteTimeCheck on hand-built trajectories', () => {
  it('convergence divides each gap by its number of steps and needs `window` small gaps', () => {
    // one token in R^1 at t = 0, 5, 10, 11: positions 0, 1, 1.5, 1.5 + 2^-46
    const tr = handBuilt([[0], [1], [1.5], [1.5 + 2 ** -46]], 1, 1, [0, 5, 10, 11]);
    const cv = convergence(tr, { window: 1 });
    expect(Array.from(cv.maxStep)).toEqual([1 / 5, 0.5 / 5, 2 ** -46]);
    expect(cv.converged).toBe(true);
    expect(cv.minMaxStep).toBe(cv.maxStep[2]);
    expect(convergence(tr, { window: 2 }).converged).toBe(false);
    expect(convergence(tr, { window: 1, tol: 1e-15 }).converged).toBe(false);
    expect(convergence(handBuilt([[0]], 1, 1), {}).converged).toBe(false);
    expect(() => convergence(tr, { window: 0 })).toThrow(/window must be an integer >= 1; got 0/);
    expect(() => convergence(handBuilt([[0], [1]], 1, 1, [3, 3]))).toThrow(/strictly increasing/);
  });

  it('exact geometric decay, a genuine finite-time arrival and a rounding arrival are told apart', () => {
    // token 0: x = 2 + 0.6^t (rate 0.6); token 1: 0.5 at t < 5, exactly 3 from t = 5 (a jump);
    // token 2: 1 + 1e-17·[t < 5]… represented as 1 + 2^-52 then exactly 1 (a 1-ulp arrival)
    const frames: number[][] = [];
    for (let t = 0; t <= 12; t++) frames.push([2 + 0.6 ** t, t < 5 ? 0.5 : 3, t < 5 ? 1 + 2 ** -52 : 1]);
    const tr = handBuilt(frames, 3, 1);
    const limit = [2, 3, 1];
    const ft = finiteTimeCheck(tr, { limit });
    expect(Math.abs(ft.rate[0]! - 0.6)).toBeLessThan(1e-13);
    expect(ft.status[0]).toBe(DECAY_STATUS.decaying);
    expect(ft.status[1]).toBe(DECAY_STATUS.arrived);
    expect(ft.status[2]).toBe(DECAY_STATUS.arrived);
    expect(ft.arrivals).toEqual([
      // floors: 1e3·ulp(max(|target|, R(0) = 3))
      { token: 1, s: 5, t: 5, lastDistance: 2.5, floor: 1e3 * ulp(3), rounding: false },
      { token: 2, s: 5, t: 5, lastDistance: 2 ** -52, floor: 1e3 * ulp(3), rounding: true },
    ]);
    expect(ft.finiteTimeArrivals).toBe(1);
    expect(ft.noFiniteTimeConvergence).toBe(false);
    // `from` restricts the fit window; minPoints gates it
    const late = finiteTimeCheck(tr, { limit, from: 10 });
    expect(late.points[0]).toBe(3);
    expect(Math.abs(late.rate[0]! - 0.6)).toBeLessThan(1e-12);
    expect(finiteTimeCheck(tr, { limit, from: 11 }).status[0]).toBe(DECAY_STATUS.tooFewPoints);
    expect(() => finiteTimeCheck(tr, { limit: [1, 2] })).toThrow(/limit.length must be n\*d = 3\*1 = 3; got 2/);
    expect(() => finiteTimeCheck(tr, { minPoints: 1 })).toThrow(/minPoints must be an integer >= 2; got 1/);
    expect(() => finiteTimeCheck({ n: 1 } as unknown as Trajectory)).toThrow(/tr.d must be an integer >= 1/);
  });

  it('same answers from a Float32Array trajectory, with f32 ulps for the floor', () => {
    const frames: number[][] = [];
    for (let t = 0; t <= 30; t++) frames.push([1 + 0.5 ** t]);
    const tr64 = handBuilt(frames, 1, 1);
    const tr32: Trajectory = { ...tr64, data: Float32Array.from(tr64.data) };
    // SPEC's floor 1e3·ulp_f32(|target| = 1) = 1e3·2^-23 ≈ 1.19e-4: 0.5^t above it up to t = 13
    const spec = finiteTimeCheck(tr32, { limit: [1], floorScale: 'target' });
    expect(spec.floor[0]).toBe(1e3 * 2 ** -23);
    expect(spec.windowEnd[0]).toBe(13);
    expect(Math.abs(spec.rate[0]! - 0.5)).toBeLessThan(1e-12);
    // default scale max(|target|, R(0) = 2): floor 1e3·2^-22, window to t = 12
    const ft = finiteTimeCheck(tr32, { limit: [1] });
    expect(ft.floor[0]).toBe(1e3 * 2 ** -22);
    expect(ft.windowEnd[0]).toBe(12);
    expect(Math.abs(ft.rate[0]! - 0.5)).toBeLessThan(1e-12);
    expect(() => finiteTimeCheck(tr32, { floorScale: 'x' as 'state' })).toThrow(/floorScale must be 'state' or 'target'; got "x"/);
  });
});

// ---------------------------------------------------------------------------
// fit.ts helpers.

describe('least-squares helpers', () => {
  it('linearFit and pooledSlope recover planted lines', () => {
    const xs = [0, 1, 2, 3, 4];
    const ys = xs.map((x) => 3 - 0.25 * x);
    const f = linearFit(xs, ys);
    expect(f.slope).toBeCloseTo(-0.25, 14);
    expect(f.intercept).toBeCloseTo(3, 14);
    expect(f.r2).toBe(1);
    expect(Number.isNaN(linearFit([1], [1]).slope)).toBe(true);
    // two groups, same slope 2, different intercepts; a 1-point group is skipped
    const p = pooledSlope([
      { xs: [0, 1, 2], ys: [5, 7, 9] },
      { xs: [10, 11], ys: [-1, 1] },
      { xs: [3], ys: [100] },
    ]);
    expect(p.slope).toBeCloseTo(2, 14);
    expect(p.groups).toBe(2);
    expect(p.count).toBe(5);
  });

  it('ulp in f64 and f32', () => {
    expect(ulp(1)).toBe(2 ** -52);
    expect(ulp(-1.5)).toBe(2 ** -52);
    expect(ulp(2)).toBe(2 ** -51);
    expect(ulp(1, 'f32')).toBe(2 ** -23);
    expect(ulp(0)).toBe(Number.MIN_VALUE);
  });

  it('nearestInHull: distances and weights against hand geometry', () => {
    const tri = [0, 0, 4, 0, 0, 4];
    const out = nearestInHull(tri, 2, [3, 3]); // nearest point (2,2) on the hypotenuse
    expect(out.distance).toBeCloseTo(Math.SQRT2, 12);
    expect(Array.from(out.weights).map((w) => +w.toFixed(12))).toEqual([0, 0.5, 0.5]);
    expect(nearestInHull(tri, 2, [1, 1]).distance).toBeLessThan(1e-15);
    expect(nearestInHull(tri, 2, [-3, -4]).distance).toBeCloseTo(5, 12);
    // rows subset
    expect(nearestInHull(tri, 2, [3, 3], [0, 1]).distance).toBeCloseTo(3, 12);
  });
});
