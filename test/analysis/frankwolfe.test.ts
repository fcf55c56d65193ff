/**
 * Analysis of the Frank–Wolfe reading (ts/analysis/attention/cells.ts, frankwolfe.ts):
 * dominance cells and B-Voronoi labels (SPEC §3, §4 item 10, §5.5), the
 * closed form of Theorem 4.2, the Jacobi eigen-solver, the hull distance and
 * the Theorem 3.1 report (SPEC §4 item 11). Expected values are computed by
 * hand (noted beside each case) or follow from a stated identity; none is
 * read back from the implementation.
 */
import { describe, expect, it } from 'vitest';
import { SplitMix64 } from '../../ts/index.js';
import { cellGrid, cellLabels, ownsCell, voronoiLabels } from '../../ts/analysis/attention/cells.js';
import { closedFormDeviation, closedFormPSD, hullDistance, lambdaMax, nsdEnergyBound, symmetricEigen } from '../../ts/analysis/dynamics/frankwolfe.js';
import type { Trajectory } from '../../ts/analysis/dynamics/trajectory.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function expectNamed(e: unknown, cls: typeof TypeError | typeof RangeError, ...needles: string[]): void {
  expect(e).toBeInstanceOf(cls);
  for (const s of needles) expect((e as Error).message).toContain(s);
}

class Rand {
  readonly g: SplitMix64;
  constructor(seed: number) {
    this.g = new SplitMix64(seed);
  }
  u(): number {
    return this.g.nextFloat();
  }
  exp(): number {
    return -Math.log(1 - this.u());
  }
}

/** m Dirichlet(2) mixtures of k vertices in 2D. */
function dirichletPoints(r: Rand, V: Float64Array, k: number, m: number): Float64Array {
  const P = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    const w = Array.from({ length: k }, () => r.exp() + r.exp());
    const s = w.reduce((a, b) => a + b, 0);
    for (let j = 0; j < k; j++) {
      P[2 * i] = (P[2 * i] as number) + ((w[j] as number) / s) * (V[2 * j] as number);
      P[2 * i + 1] = (P[2 * i + 1] as number) + ((w[j] as number) / s) * (V[2 * j + 1] as number);
    }
  }
  return P;
}

const TRI = new Float64Array([1, 0, 0, 1, -1, 0]); // v0 = (1,0), v1 = (0,1), v2 = (−1,0)

describe('cellLabels, voronoiLabels, ownsCell: hand cases', () => {
  it('dominance cells with B = I and B = diag(1, 4); ties go to the lowest index', () => {
    // (0.5, 0.2): scores 0.5, 0.2, −0.5 → cell 0, margin 0.3;  (0.1, 0.4): 0.1, 0.4, −0.1 → cell 1, margin 0.3
    // (0.3, 0.3): 0.3, 0.3, −0.3 → tie → cell 0, margin 0
    const P = new Float64Array([0.5, 0.2, 0.1, 0.4, 0.3, 0.3]);
    const a = cellLabels(P, 3, 2, TRI, 3);
    expect(Array.from(a.label)).toEqual([0, 1, 0]);
    expect(a.margin[0]).toBeCloseTo(0.3, 15);
    expect(a.margin[1]).toBeCloseTo(0.3, 15);
    expect(a.margin[2]).toBe(0);
    // B = diag(1, 4): B x = (0.5, 0.8) → scores 0.5, 0.8, −0.5 → cell 1, margin 0.3
    const b = cellLabels(P.subarray(0, 2), 1, 2, TRI, 3, [1, 0, 0, 4]);
    expect(b.label[0]).toBe(1);
    expect(b.margin[0]).toBeCloseTo(0.3, 15);
    // one vertex: label 0, margin Infinity
    expect(cellLabels(P, 3, 2, TRI.subarray(0, 2), 1).margin[0]).toBe(Infinity);
  });

  it('unit-normalised inner product changes the winner when the norms differ', () => {
    // v0 = (2, 0), v1 = (0, 1), x = (0.4, 0.5): raw 0.8 vs 0.5 → 0; normalised 0.4 vs 0.5 → 1
    const V = new Float64Array([2, 0, 0, 1]);
    const x = new Float64Array([0.4, 0.5]);
    expect(cellLabels(x, 1, 2, V, 2).label[0]).toBe(0);
    const n = cellLabels(x, 1, 2, V, 2, null, { normalize: true });
    expect(n.label[0]).toBe(1);
    expect(n.margin[0]).toBeCloseTo(0.1, 15);
  });

  it('B-Voronoi labels and margins (squared B-distances)', () => {
    // x = (0.5, 0.2), B = I: |x − v|² = 0.29, 0.89, 2.29 → 0, margin 0.6
    const a = voronoiLabels(new Float64Array([0.5, 0.2]), 1, 2, TRI, 3);
    expect(a.label[0]).toBe(0);
    expect(a.margin[0]).toBeCloseTo(0.6, 14);
    // B = diag(1, 4): 0.25 + 4·0.04 = 0.41, 0.25 + 4·0.64 = 2.81, 2.25 + 0.16 = 2.41 → 0, margin 2.0
    const b = voronoiLabels(new Float64Array([0.5, 0.2]), 1, 2, TRI, 3, [1, 0, 0, 4]);
    expect(b.label[0]).toBe(0);
    expect(b.margin[0]).toBeCloseTo(2.0, 14);
    // not positive definite: refused
    expectNamed(thrown(() => voronoiLabels(new Float64Array([0, 0]), 1, 2, TRI, 3, [1, 0, 0, -1])), RangeError, 'B', 'positive definite');
  });

  it('ownsCell: <B v_i, v_j − v_i> < 0 for all j', () => {
    // triangle (1,0), (0,1), (−1,0): each owns (e.g. <v0, v1 − v0> = −1, <v0, v2 − v0> = −2)
    expect(Array.from(ownsCell(TRI, 3, 2))).toEqual([1, 1, 1]);
    // (1,0), (3,1), (3,−1): (1,0) is a hull vertex but <v0, v1 − v0> = 2 > 0: it does not own its cell
    expect(Array.from(ownsCell(new Float64Array([1, 0, 3, 1, 3, -1]), 3, 2))).toEqual([0, 1, 1]);
    // an interior point never owns: (0.2, 0.1) in the first triangle, <v, v0 − v> = 0.2·0.8 − 0.1·0.1 = 0.15 > 0
    expect(Array.from(ownsCell(new Float64Array([1, 0, 0, 1, -1, 0, 0.2, 0.1]), 4, 2))).toEqual([1, 1, 1, 0]);
    // B = diag(1, 4) with (1,0), (0,0.5): <B v0, v1 − v0> = −1; <B v1, v0 − v1> = (0, 2)·(1, −0.5) = −1 → both own
    expect(Array.from(ownsCell(new Float64Array([1, 0, 0, 0.5]), 2, 2, [1, 0, 0, 4]))).toEqual([1, 1]);
    // duplicated vertices do not own
    expect(Array.from(ownsCell(new Float64Array([1, 0, 1, 0]), 2, 2))).toEqual([0, 0]);
    expect(Array.from(ownsCell(new Float64Array([1, 2]), 1, 2))).toEqual([1]);
  });

  it('validation names the argument and the value', () => {
    expectNamed(thrown(() => cellLabels(new Float64Array(4), 2.5, 2, TRI, 3)), RangeError, 'm', '2.5');
    expectNamed(thrown(() => cellLabels(new Float64Array(4), 2, 2, TRI.subarray(0, 4), 3)), RangeError, 'vertices.length', 'got 4');
    expectNamed(thrown(() => cellLabels(new Float64Array([0, NaN]), 1, 2, TRI, 3)), RangeError, 'points[1]', 'NaN');
    expectNamed(thrown(() => cellLabels(new Float64Array(2), 1, 2, TRI, 3, [1, 0, 0])), RangeError, 'B.length', 'got 3');
    expectNamed(thrown(() => cellLabels('x' as unknown as Float64Array, 1, 2, TRI, 3)), TypeError, 'points');
    expectNamed(thrown(() => cellLabels(new Float64Array(2), 1, 2, TRI, 3, null, { normalize: 1 as unknown as boolean })), TypeError, 'normalize must be true or false', 'got 1');
    expectNamed(thrown(() => ownsCell(TRI, 0, 2)), RangeError, 'k', '0');
  });
});

describe('FW Proposition 4.5: equal B-norms make the dominance cells the B-Voronoi regions (SPEC §4 item 10)', () => {
  it('200 Dirichlet(2) points, κ = 3..10, condition numbers {1, 4, 6, 8}: identical labels, Voronoi margin = 2 × cell margin', () => {
    let compared = 0;
    for (let kappa = 3; kappa <= 10; kappa++) {
      for (const cond of [1, 4, 6, 8]) {
        const r = new Rand(100 * kappa + cond);
        const a = 2 * Math.PI * r.u();
        const c = Math.cos(a);
        const s = Math.sin(a);
        const B = new Float64Array([cond * c * c + s * s, (cond - 1) * c * s, (cond - 1) * c * s, cond * s * s + c * c]);
        // v_k = B^(−1/2) u_k with |u_k| = 1 at random angles: <B v_k, v_k> = 1 for all k
        const h = 1 / Math.sqrt(cond);
        const H = [h * c * c + s * s, (h - 1) * c * s, (h - 1) * c * s, h * s * s + c * c] as const;
        const V = new Float64Array(2 * kappa);
        for (let j = 0; j < kappa; j++) {
          const t = 2 * Math.PI * r.u();
          V[2 * j] = H[0] * Math.cos(t) + H[1] * Math.sin(t);
          V[2 * j + 1] = H[2] * Math.cos(t) + H[3] * Math.sin(t);
        }
        for (let j = 0; j < kappa; j++) {
          const bv0 = (B[0] as number) * (V[2 * j] as number) + (B[1] as number) * (V[2 * j + 1] as number);
          const bv1 = (B[2] as number) * (V[2 * j] as number) + (B[3] as number) * (V[2 * j + 1] as number);
          expect(bv0 * (V[2 * j] as number) + bv1 * (V[2 * j + 1] as number)).toBeCloseTo(1, 13);
        }
        const P = dirichletPoints(r, V, kappa, 200);
        const cell = cellLabels(P, 200, 2, V, kappa, B);
        const vor = voronoiLabels(P, 200, 2, V, kappa, B);
        for (let i = 0; i < 200; i++) {
          // |x − v|²_B = |x|²_B − 2<Bx, v> + 1: the orders agree, and the gaps differ by exactly the factor 2
          expect(Math.abs((vor.margin[i] as number) - 2 * (cell.margin[i] as number))).toBeLessThan(1e-12);
          if ((cell.margin[i] as number) < 1e-12) continue;
          expect(vor.label[i], `κ = ${kappa}, cond = ${cond}, point ${i}`).toBe(cell.label[i]);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(6390);
  });

  it('negative control: unequal norms (radii U[0.4, 1]) make the two labelings differ somewhere', () => {
    let differ = 0;
    for (let kappa = 3; kappa <= 10; kappa++) {
      const r = new Rand(7000 + kappa);
      const V = new Float64Array(2 * kappa);
      for (let j = 0; j < kappa; j++) {
        const t = 2 * Math.PI * r.u();
        const rad = 0.4 + 0.6 * r.u();
        V[2 * j] = rad * Math.cos(t);
        V[2 * j + 1] = rad * Math.sin(t);
      }
      const P = dirichletPoints(r, V, kappa, 200);
      const a = cellLabels(P, 200, 2, V, kappa);
      const b = voronoiLabels(P, 200, 2, V, kappa);
      for (let i = 0; i < 200; i++) if (a.label[i] !== b.label[i]) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });
});

describe('cellGrid (SPEC §5.5)', () => {
  it('labels a small grid like cellLabels, clips outside the hull, reports ownership and hull vertices', () => {
    const bounds = { xmin: -1, xmax: 1, ymin: 0, ymax: 1 };
    const g = cellGrid(bounds, [5, 3], TRI, 3);
    expect(g.nx).toBe(5);
    expect(g.ny).toBe(3);
    expect(Array.from(g.xs)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(Array.from(g.ys)).toEqual([0, 0.5, 1]);
    // row r = y, column c = x. Inside the triangle y ≤ 1 − |x|:
    // y = 0: all five inside (on the base); y = 0.5: x ∈ {−0.5, 0, 0.5}; y = 1: only x = 0 (the apex)
    const inside = [
      [1, 1, 1, 1, 1],
      [0, 1, 1, 1, 0],
      [0, 0, 1, 0, 0],
    ];
    for (let rr = 0; rr < 3; rr++) {
      for (let c = 0; c < 5; c++) {
        const lab = g.label[rr * 5 + c] as number;
        if (inside[rr]![c] === 0) {
          expect(lab).toBe(-1);
          expect(Number.isNaN(g.margin[rr * 5 + c])).toBe(true);
        } else {
          const want = cellLabels(new Float64Array([g.xs[c] as number, g.ys[rr] as number]), 1, 2, TRI, 3).label[0];
          expect(lab).toBe(want);
        }
      }
    }
    // (0.5, 0.5): scores 0.5, 0.5, −0.5 → tie → 0; (−0.5, 0.5): −0.5, 0.5, 0.5 → tie → 1
    expect(g.label[1 * 5 + 3]).toBe(0);
    expect(g.label[1 * 5 + 1]).toBe(1);
    expect(Array.from(g.owns)).toEqual([1, 1, 1]);
    expect(Array.from(g.hullVertex)).toEqual([1, 1, 1]);
    expect(g.voronoi).toBeNull();
    // no clipping: every point labelled
    const all = cellGrid(bounds, [5, 3], TRI, 3, null, { clip: false });
    expect(all.label.every((v) => v >= 0)).toBe(true);
  });

  it('default resolution 400², the Voronoi overlay equals the cells in the equal-norm case, and the switches refuse bad vertex sets', () => {
    const V = new Float64Array([1, 0, Math.cos(2), Math.sin(2), Math.cos(4), Math.sin(4)]);
    const g = cellGrid({ xmin: -1, xmax: 1, ymin: -1, ymax: 1 }, undefined, V, 3, null, { voronoi: true });
    expect(g.nx).toBe(400);
    expect(g.label.length).toBe(160000);
    let inside = 0;
    for (let q = 0; q < g.label.length; q++) {
      if (g.label[q] === -1) continue;
      inside++;
      if ((g.margin[q] as number) > 1e-12) expect(g.voronoi![q]).toBe(g.label[q]);
    }
    expect(inside).toBeGreaterThan(1000);
    // an interior point is not a hull vertex; (1,0) does not own its cell in {(1,0), (3,1), (3,−1)}
    const withInterior = new Float64Array([1, 0, 0, 1, -1, 0, 0, 0.2]);
    const b = { xmin: -1, xmax: 1, ymin: -1, ymax: 1 };
    expect(Array.from(cellGrid(b, 4, withInterior, 4).hullVertex)).toEqual([1, 1, 1, 0]);
    expectNamed(thrown(() => cellGrid(b, 4, withInterior, 4, null, { requireAllVertices: true })), RangeError, 'requireAllVertices', '3');
    expectNamed(thrown(() => cellGrid(b, 4, new Float64Array([1, 0, 3, 1, 3, -1]), 3, null, { requireSelfInclusion: true })), RangeError, 'requireSelfInclusion', '0');
    expectNamed(thrown(() => cellGrid({ xmin: 1, xmax: 0, ymin: 0, ymax: 1 }, 4, TRI, 3)), RangeError, 'bounds.xmin');
    expectNamed(thrown(() => cellGrid(b, 0, TRI, 3)), RangeError, 'resolution', '0');
    expectNamed(thrown(() => cellGrid(b, 4, TRI, 3, [1, 0, 0, -1], { voronoi: true })), RangeError, 'positive definite');
  });
});

describe('closedFormPSD and closedFormDeviation (Theorem 4.2)', () => {
  it('by hand: x0 = (0.5, 0.2) in the cell of (1, 0), γ = 0.5, 0.5 → factors 1, 0.5, 0.25; x² = (0.875, 0.05)', () => {
    const cf = closedFormPSD(new Float64Array([0.5, 0.2, 0, 1]), 2, 2, TRI, 3, [0.5, 0.5]);
    expect(Array.from(cf.sigma)).toEqual([0, 1]);
    expect(Array.from(cf.factor)).toEqual([1, 0.5, 0.25]);
    expect(cf.steps).toBe(2);
    // token 0 at t = 1: (1,0) + 0.5·(−0.5, 0.2) = (0.75, 0.1); at t = 2: (0.875, 0.05)
    expect(cf.positions[(1 * 2 + 0) * 2]).toBeCloseTo(0.75, 15);
    expect(cf.positions[(1 * 2 + 0) * 2 + 1]).toBeCloseTo(0.1, 15);
    expect(cf.positions[(2 * 2 + 0) * 2]).toBeCloseTo(0.875, 15);
    expect(cf.positions[(2 * 2 + 0) * 2 + 1]).toBeCloseTo(0.05, 15);
    // token 1 is the vertex (0, 1): it stays
    for (let t = 0; t <= 2; t++) {
      expect(cf.positions[(t * 2 + 1) * 2]).toBe(0);
      expect(cf.positions[(t * 2 + 1) * 2 + 1]).toBe(1);
    }
    expect(Array.from(cf.usable)).toEqual([1, 1]);
  });

  it('flags tokens on a cell boundary (margin below minMargin) as unusable', () => {
    // (0.3, 0.3) ties between (1,0) and (0,1)
    const cf = closedFormPSD(new Float64Array([0.3, 0.3, 0.5, 0.2]), 2, 2, TRI, 3, [0.1]);
    expect(Array.from(cf.usable)).toEqual([0, 1]);
    const cf2 = closedFormPSD(new Float64Array([0.3, 0.3, 0.5, 0.2]), 2, 2, TRI, 3, [0.1], null, { minMargin: 0 });
    expect(Array.from(cf2.usable)).toEqual([1, 1]);
  });

  it('refuses step sizes outside (0, 1], naming the entry', () => {
    const x = new Float64Array([0.5, 0.2]);
    expectNamed(thrown(() => closedFormPSD(x, 1, 2, TRI, 3, [0.5, 0])), RangeError, 'gammas[1]', '0');
    expectNamed(thrown(() => closedFormPSD(x, 1, 2, TRI, 3, [NaN])), RangeError, 'gammas[0]', 'NaN');
    expectNamed(thrown(() => closedFormPSD(x, 1, 2, TRI, 3, [1.5])), RangeError, 'gammas[0]', '1.5');
    expectNamed(thrown(() => closedFormPSD(x, 1, 2, TRI, 3, ['a' as unknown as number])), TypeError, 'gammas[0]');
  });

  it('closedFormDeviation: 0 on the closed form itself, the known offset on a perturbed copy, times mapped to steps', () => {
    const cf = closedFormPSD(new Float64Array([0.5, 0.2, 0, 1]), 2, 2, TRI, 3, [0.5, 0.5, 0.5]);
    // snapshots at steps 0 and 2 (recorded every 2nd step)
    const data = new Float64Array(2 * 4);
    data.set(cf.positions.subarray(0, 4), 0);
    data.set(cf.positions.subarray(2 * 4, 3 * 4), 4);
    const tr: Trajectory = { n: 2, d: 2, count: 2, times: new Float64Array([0, 2]), data };
    expect(closedFormDeviation(tr, cf).max).toBe(0);
    data[4] = (data[4] as number) + 3e-3; // token 0 at step 2, x off by 3e-3
    data[5] = (data[5] as number) + 4e-3; // and y by 4e-3: distance 5e-3
    const dev = closedFormDeviation(tr, cf);
    expect(dev.max).toBeCloseTo(5e-3, 15);
    expect(dev.worstSnapshot).toBe(1);
    expect(dev.worstToken).toBe(0);
    expect(dev.compared).toBe(2);
    expect(Array.from(dev.perSnapshot).map((v) => +v.toFixed(15))).toEqual([0, 0.005]);
    const bad: Trajectory = { ...tr, times: new Float64Array([0, 7]) };
    expectNamed(thrown(() => closedFormDeviation(bad, cf)), RangeError, 'times[1]', '7');
  });
});

describe('symmetricEigen (Jacobi)', () => {
  it('2×2 [[2,1],[1,2]]: eigenvalues 1 and 3 with eigenvectors (1,∓1)/√2', () => {
    const e = symmetricEigen([2, 1, 1, 2], 2);
    expect(e.values[0]).toBeCloseTo(1, 15);
    expect(e.values[1]).toBeCloseTo(3, 15);
    // column 1 ∥ (1, 1)/√2
    expect(Math.abs(e.vectors[0 * 2 + 1] as number)).toBeCloseTo(Math.SQRT1_2, 15);
    expect((e.vectors[0 * 2 + 1] as number) * (e.vectors[1 * 2 + 1] as number)).toBeCloseTo(0.5, 15);
  });

  it('5×5 H diag(−3, −1, 0.5, 2, 7) H with a Householder reflection H: the spectrum to 1e-13, S v = λ v', () => {
    const lam = [-3, -1, 0.5, 2, 7];
    const u = [1, -2, 0.5, 3, -1];
    const uu = u.reduce((a, b) => a + b * b, 0);
    const d = 5;
    const H = (r: number, c: number): number => (r === c ? 1 : 0) - (2 * (u[r] as number) * (u[c] as number)) / uu;
    const S = new Float64Array(d * d);
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += H(r, k) * (lam[k] as number) * H(k, c);
      S[r * d + c] = s;
    }
    const e = symmetricEigen(S, d);
    lam.forEach((l, j) => expect(Math.abs((e.values[j] as number) - l)).toBeLessThan(1e-13));
    for (let j = 0; j < d; j++) {
      for (let r = 0; r < d; r++) {
        let sv = 0;
        for (let c = 0; c < d; c++) sv += (S[r * d + c] as number) * (e.vectors[c * d + j] as number);
        expect(Math.abs(sv - (e.values[j] as number) * (e.vectors[r * d + j] as number))).toBeLessThan(1e-13);
      }
    }
    expect(lambdaMax(S, d)).toBeCloseTo(7, 13);
    expect(lambdaMax([4], 1)).toBe(4);
  });

  it('refuses a non-symmetric matrix', () => {
    expectNamed(thrown(() => symmetricEigen([1, 2, 0, 1], 2)), RangeError, 'symmetric');
    expectNamed(thrown(() => symmetricEigen([1, 2, 3], 2)), RangeError, 'S');
  });
});

describe('hullDistance (Wolfe nearest point, certified bounds)', () => {
  const square = new Float64Array([0, 0, 1, 0, 1, 1, 0, 1]);
  it('2D square: outside an edge, at a corner, inside', () => {
    const a = hullDistance(square, 4, 2, [2, 0.5]);
    expect(a.distance).toBeCloseTo(1, 14);
    expect(a.lower).toBeCloseTo(1, 12);
    expect(a.point[0]).toBeCloseTo(1, 14);
    expect(a.point[1]).toBeCloseTo(0.5, 14);
    expect(hullDistance(square, 4, 2, [2, 2]).distance).toBeCloseTo(Math.SQRT2, 14);
    expect(hullDistance(square, 4, 2, [0.5, 0.25]).distance).toBeLessThan(1e-15);
  });

  it('3D simplex conv{e1, e2, e3}: from 0 the distance is 1/√3; from (1,1,1) it is 2/√3', () => {
    const P = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const a = hullDistance(P, 3, 3, [0, 0, 0]);
    expect(a.distance).toBeCloseTo(1 / Math.sqrt(3), 14);
    expect(a.distance - a.lower).toBeLessThanOrEqual(1e-12);
    expect(a.converged).toBe(true);
    expect(hullDistance(P, 3, 3, [1, 1, 1]).distance).toBeCloseTo(2 / Math.sqrt(3), 14);
  });

  it('thin simplices in up to 8D (centred random points contain 0): distance ≈ 0 within the default tolerance, few iterations', () => {
    const r = new Rand(55);
    for (let trial = 0; trial < 200; trial++) {
      const d = [2, 3, 5, 8][trial % 4] as number;
      const n = [6, 10][(trial >> 2) % 2] as number;
      const x = new Float64Array(n * d);
      for (let k = 0; k < x.length; k++) x[k] = 2 * r.u() - 1;
      for (let c = 0; c < d; c++) {
        let m = 0;
        for (let i = 0; i < n; i++) m += (x[i * d + c] as number) / n;
        for (let i = 0; i < n; i++) x[i * d + c] = (x[i * d + c] as number) - m;
      }
      const h = hullDistance(x, n, d, new Float64Array(d));
      expect(h.distance).toBeLessThanOrEqual(2e-12);
      expect(h.converged).toBe(true);
    }
  });

  it('early stops: stopBelow decides inside, stopAbove decides outside', () => {
    const far = hullDistance(square, 4, 2, [5, 5], { stopAbove: 1 });
    expect(far.lower).toBeGreaterThan(1);
    expect(far.converged).toBe(true);
    const near = hullDistance(square, 4, 2, [1.1, 0.5], { stopBelow: 0.2 });
    expect(near.distance).toBeLessThanOrEqual(0.2);
    expectNamed(thrown(() => hullDistance(square, 4, 2, [0, 0], { tolerance: -1 })), RangeError, 'tolerance', '-1');
    expectNamed(thrown(() => hullDistance(square, 4, 2, [0])), RangeError, 'z');
  });
});

describe('nsdEnergyBound: the Theorem 3.1 report (SPEC §4 item 11)', () => {
  // B_* = diag(2, 1): λ_max = 2. X0 = (1,0), (−1,0), (0,1): diam = 2 (the first two).
  // Bound at step τ: (2/τ)·2·4 = 16/τ.
  // X1: (1,0) J = ½·2 = 1, (0,0) J = 0, (0,2) J = ½·4 = 2 → ratios 1/16, 0, 1/8
  // X2: (2,0) J = 4 → 0.5; (0,4) J = 8 → 1 (equal: no violation); (3,0) J = 9 → 1.125, a violation
  const Bs = [2, 0, 0, 1];
  const states = [
    [1, 0, -1, 0, 0, 1],
    [1, 0, 0, 0, 0, 2],
    [2, 0, 0, 4, 3, 0],
  ];

  it('reproduces a hand-built case: λ_max, diam, ratios, the worst ratio and its single violation', () => {
    const rep = nsdEnergyBound({ n: 3, d: 2, states }, Bs);
    expect(rep.lambdaMax).toBeCloseTo(2, 15);
    expect(rep.lambdaMin).toBeCloseTo(1, 15);
    expect(rep.diam0).toBe(2);
    expect(rep.checks).toBe(6);
    expect(rep.worstRatio).toBeCloseTo(1.125, 15);
    expect(rep.worstStep).toBe(2);
    expect(rep.worstToken).toBe(2);
    expect(Number.isNaN(rep.snapshotRatio[0])).toBe(true);
    expect(rep.snapshotRatio[1]).toBeCloseTo(0.125, 15);
    expect(rep.snapshotRatio[2]).toBeCloseTo(1.125, 15);
    expect(rep.violations).toHaveLength(1);
    const v = rep.violations[0]!;
    expect([v.snapshot, v.step, v.token]).toEqual([2, 2, 2]);
    expect(v.energy).toBeCloseTo(9, 15);
    expect(v.bound).toBeCloseTo(8, 15);
    // 0 is on the segment from (1,0) to (−1,0): in K(0)
    expect(rep.originDistance).toBeLessThan(1e-15);
    expect(rep.notShrinking).toEqual([]);
  });

  it('accepts a Trajectory with sparse times (the bound uses the step index) and reports the origin outside K(0)', () => {
    // the same states recorded at steps 0, 4, 8: bounds 16/4 = 4 and 16/8 = 2 → X2 ratios 2, 4, 4.5
    const tr: Trajectory = { n: 3, d: 2, count: 3, times: new Float64Array([0, 4, 8]), data: Float64Array.from(states.flat()) };
    const rep = nsdEnergyBound(tr, Bs);
    expect(rep.worstRatio).toBeCloseTo(4.5, 14);
    expect(rep.violations.map((v) => [v.step, v.token])).toEqual([[8, 0], [8, 1], [8, 2]]);
    // K(0) = conv{(2,1), (3,1), (2,2)} is at distance √5 from 0 (the corner (2,1))
    const off = nsdEnergyBound({ n: 3, d: 2, states: [[2, 1, 3, 1, 2, 2]] }, Bs);
    expect(off.originDistance).toBeCloseTo(Math.sqrt(5), 13);
    expect(off.checks).toBe(0);
    expect(off.worstToken).toBe(-1);
  });

  it('a B_* schedule: J uses B_*^τ, λ_max comes from B_*^0, and a growing schedule is flagged', () => {
    // B_*^τ = B_*/(1 + τ): X1 energies halve → ratios 1/32, 0, 1/16; X2 energies divided by 3 → worst 1.125/3 = 0.375
    const rep = nsdEnergyBound({ n: 3, d: 2, states }, (t) => Bs.map((v) => v / (1 + t)));
    expect(rep.worstRatio).toBeCloseTo(0.375, 15);
    expect(rep.notShrinking).toEqual([]);
    const grow = nsdEnergyBound({ n: 3, d: 2, states }, (t) => Bs.map((v) => v * (1 + t)));
    expect(grow.notShrinking).toEqual([0, 1]);
  });

  it('refuses bad inputs with named errors', () => {
    expectNamed(thrown(() => nsdEnergyBound({ n: 3, d: 2, states }, [1, 2, 0, 1])), RangeError, 'symmetric');
    expectNamed(thrown(() => nsdEnergyBound({ n: 3, d: 2, states, times: [1, 2, 3] }, Bs)), RangeError, 'times[0] must be 0', 'got 1');
    expectNamed(thrown(() => nsdEnergyBound({ n: 3, d: 2, states: [[1, 0]] }, Bs)), RangeError, 'states[0]');
    expectNamed(thrown(() => nsdEnergyBound({ n: 3, d: 2, states }, [1, 0, 0])), RangeError, 'Bstar');
    expectNamed(thrown(() => nsdEnergyBound({ n: 3, d: 2, states, times: [0, 2, 1] }, Bs)), RangeError, 'increasing');
  });
});
