/**
 * Regression tests of issue 9 for the analysis layer (items 5, 8 and 10):
 * scale-invariant geometry, bad input refused with one wording from
 * ts/check.ts, one tie tolerance per precision, the Recorder's options and
 * memory cap, and initialPositions' range.
 *
 * The scale suite draws random and degenerate sets with a seeded SplitMix64
 * stream (fixed seeds: the same sets on every run) and compares every hull,
 * support, diameter, affine-dimension, cluster and limit-class result at
 * scales 2^±500, 1e±160, 1e-200 and 1e300 with the result at scale 1. The
 * degenerate sets use coordinates 0 and ±2^j only, so even a decimal scale s
 * multiplies them exactly (fl(2^j·s) = 2^j·fl(s)): the scaled set is an exact
 * dilation and every index must match; random sets in general position must
 * match too (a relative rounding of 1e-16 cannot move a vertex).
 */
import { describe, expect, it } from 'vitest';
import {
  Recorder,
  Simulation,
  SplitMix64,
  affineDimension,
  alignmentRow,
  clusters,
  convergence,
  diameter,
  distinctPoints,
  energySeries,
  finiteTimeCheck,
  hausdorffHulls,
  hullDistance,
  hullGeometry,
  hullPolygon,
  hullVertices,
  hullVerticesLP,
  initialPositions,
  leaders,
  limitClasses,
  neighbourhoods,
  oneStepCertificate,
  quiescentReport,
  radius,
  sphereClusters,
  sphereField,
  strip,
  supportFunction,
  type Trajectory,
} from '../../ts/index.js';
import { handBuilt } from './trajectories.js';

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

const arr = (a: ArrayLike<number>): number[] => Array.from(a);

// ---------------------------------------------------------------------------
// item 5: scale-invariant geometry

describe('hull geometry at extreme scales (issue 9 item 5)', () => {
  it('a tetrahedron with an interior point at 1e160 has its 4 vertices (was [0])', () => {
    const pts = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0.2, 0.2, 0.2];
    expect(arr(hullVertices(pts, 5, 3))).toEqual([0, 1, 2, 3]);
    expect(arr(hullVertices(pts.map((v) => v * 1e160), 5, 3))).toEqual([0, 1, 2, 3]);
    expect(arr(hullVertices(pts.map((v) => v * 1e-160), 5, 3))).toEqual([0, 1, 2, 3]);
  });

  it('the 12 vertices of a 5D cross-polytope with two caps at 1e160 (was 1 vertex)', () => {
    // ±e_c (10 points) and ±0.9·(1, 1, 1, 1, 1) (L1 norm 4.5 > 1: outside the cross-polytope) are the
    // vertices; the origin and 0.1·e_0 are inside
    const rows: number[][] = [];
    for (let c = 0; c < 5; c++) for (const s of [1, -1]) rows.push(Array.from({ length: 5 }, (_, k) => (k === c ? s : 0)));
    rows.push([0.9, 0.9, 0.9, 0.9, 0.9], [-0.9, -0.9, -0.9, -0.9, -0.9], [0, 0, 0, 0, 0], [0.1, 0, 0, 0, 0]);
    const x = rows.flat();
    const expected = Array.from({ length: 12 }, (_, k) => k);
    expect(arr(hullVertices(x, 14, 5))).toEqual(expected);
    expect(arr(hullVertices(x.map((v) => v * 1e160), 14, 5))).toEqual(expected);
    expect(affineDimension(x.map((v) => v * 1e160), 14, 5)).toBe(5);
  });

  it('a triangle at 1e-200 has 3 vertices in 2D (was 2: the products underflowed)', () => {
    const tri = [0, 0, 1, 0, 0, 1];
    expect(arr(hullVertices(tri.map((v) => v * 1e-200), 3, 2))).toEqual([0, 1, 2]);
    expect(arr(hullPolygon(tri.map((v) => v * 1e-200), 3))).toEqual([0, 1, 2]);
    expect(hullGeometry(tri.map((v) => v * 1e-200), 3, 2).dim).toBe(2);
  });

  it('diameter, radius and the support function neither overflow nor underflow', () => {
    const sq = [0, 0, 1, 0, 1, 1, 0, 1];
    for (const s of [2 ** 600, 2 ** -600]) {
      const x = sq.map((v) => v * s);
      expect(diameter(x, 4, 2)).toEqual({ value: Math.SQRT2 * s, i: 0, j: 2 });
      expect(radius(x, 4, 2)).toBe(Math.SQRT2 * s);
      expect(arr(supportFunction(x, 4, 2, [1, 0, 0, -1]))).toEqual([s, 0]);
      expect(hausdorffHulls(x, 4, x.map((v, k) => (k % 2 === 0 ? v + s : v)), 4, 2)).toBe(s);
      expect(hullDistance(x, 4, 2, [2 * s, 0]).distance).toBe(s);
    }
  });
});

/** A seeded uniform in [-1, 1). */
function uniform(rng: SplitMix64): number {
  return 2 * rng.nextFloat() - 1;
}

/** Random points in [-1, 1)^d. */
function randomSet(rng: SplitMix64, n: number, d: number): number[] {
  return Array.from({ length: n * d }, () => uniform(rng));
}

/**
 * Degenerate sets with coordinates in {0, ±1, ±2, ±4, ±8}: the cube {0, 4}^d (for d <= 4, else
 * a cross-polytope ±4 e_c), edge midpoints (points on edges), face centres, the centre, duplicates,
 * and an exactly flat copy (a square in a tilted 2-plane of R^d, with edge points).
 */
function degenerateSets(d: number): Array<{ x: number[]; n: number; label: string }> {
  const out: Array<{ x: number[]; n: number; label: string }> = [];
  const rows: number[][] = [];
  if (d <= 4) {
    for (let m = 0; m < 2 ** d; m++) rows.push(Array.from({ length: d }, (_, c) => ((m >> c) & 1 ? 4 : 0)));
    if (d >= 2) rows.push(Array.from({ length: d }, (_, c) => (c === 0 ? 2 : 0))); // an edge midpoint
    if (d >= 3) rows.push(Array.from({ length: d }, (_, c) => (c < 2 ? 2 : 0))); // a face centre
  } else {
    for (let c = 0; c < d; c++) for (const s of [4, -4]) rows.push(Array.from({ length: d }, (_, k) => (k === c ? s : 0)));
    rows.push(Array.from({ length: d }, (_, k) => (k < 2 ? 2 : 0))); // the midpoint of an edge of the cross-polytope
  }
  rows.push(Array.from({ length: d }, () => (d <= 4 ? 2 : 0))); // the centre
  rows.push(rows[1]!.slice(), rows[0]!.slice()); // duplicates
  out.push({ x: rows.flat(), n: rows.length, label: 'cube/cross-polytope with edge, face and centre points and duplicates' });
  if (d >= 3) {
    // a square in the plane spanned by (1, 0, 1, 0, …) and (0, 1, 0, …): corners, edge midpoints, centre
    const flat: number[][] = [];
    for (const [a, b] of [[0, 0], [4, 0], [4, 4], [0, 4], [2, 0], [4, 2], [2, 2], [0, 1], [1, 4]] as const) {
      flat.push(Array.from({ length: d }, (_, c) => (c === 0 || c === 2 ? a : c === 1 ? b : 0)));
    }
    out.push({ x: flat.flat(), n: flat.length, label: 'a square in a tilted plane with edge points' });
  }
  if (d === 2) {
    const col = [0, 0, 1, 1, 2, 2, 4, 4, 8, 8, 1, 1];
    out.push({ x: col, n: 6, label: 'collinear points on y = x with a duplicate' });
  }
  return out;
}

const SCALES: Array<[string, number, boolean]> = [
  ['2^500', 2 ** 500, true],
  ['2^-500', 2 ** -500, true],
  ['1e160', 1e160, false],
  ['1e-160', 1e-160, false],
  ['1e-200', 1e-200, false],
  ['1e300', 1e300, false],
];

/**
 * Lengths: exactly s times the value at scale 1 for a power of two s; otherwise within
 * 1e-13 of |value·s| plus the set's magnitude |s|·mag (a support value near 0 is a
 * cancellation of terms of size |s|·mag, whose rounding moves with s).
 */
function expectScaled(actual: number, atOne: number, s: number, exact: boolean, what: string, mag = 0): void {
  if (exact) expect(actual, what).toBe(atOne * s);
  else expect(Math.abs(actual - atOne * s), what).toBeLessThanOrEqual(1e-13 * (Math.abs(atOne * s) + Math.abs(s) * mag));
}

describe('results at scales 2^±500, 1e±160, 1e-200, 1e300 equal those at scale 1, d = 1..6 (issue 9 item 5)', () => {
  for (let d = 1; d <= 6; d++) {
    it(`d = ${d}: hulls, affine dimension, support, diameter, radius, Hausdorff, hull distance, clusters, limit classes`, () => {
      const rng = new SplitMix64(9000 + d);
      const sets = [
        { x: randomSet(rng, 14, d), n: 14, label: 'random', random: true },
        ...degenerateSets(d).map((s) => ({ ...s, random: false })),
      ];
      const other = randomSet(rng, 7, d);
      const dirs = randomSet(rng, 5 * d, d);
      const z = randomSet(rng, 1, d).map((v) => 3 * v);
      for (const { x, n, label, random } of sets) {
        const geo1 = hullGeometry(x, n, d);
        const verts1 = arr(hullVertices(x, n, d));
        const lp1 = d >= 2 ? arr(hullVerticesLP(x, n, d)) : null;
        const poly1 = d === 2 ? arr(hullPolygon(x, n)) : null;
        const dim1 = affineDimension(x, n, d);
        const diam1 = diameter(x, n, d);
        const rad1 = radius(x, n, d);
        const h1 = supportFunction(x, n, d, dirs);
        const haus1 = hausdorffHulls(x, n, other, 7, d);
        // hullDistance's default tolerance is 1e-12·max(1, extent), absolute below extent 1 (SPEC §4): pass a scaled one
        const dist1 = hullDistance(x, n, d, z, { tolerance: 1e-13 });
        // explicit tolerances scale with the set (the defaults 1e-6·max(1, R) do not, below R = 1, by design);
        // a pair at distance within rounding of tol could flip at a decimal scale: with these seeds none does
        const tol = 0.5;
        const cl1 = clusters(x, n, d, tol);
        const lc1 = limitClasses(x, n, d, { tol: 1e-3 });
        for (const [name, s, exact] of SCALES) {
          const what = `${label}, d = ${d}, scale ${name}`;
          const xs = x.map((v) => v * s);
          const os = other.map((v) => v * s);
          const geo = hullGeometry(xs, n, d);
          expect(geo.dim, what).toBe(geo1.dim);
          expect(arr(geo.vertices), what).toEqual(arr(geo1.vertices));
          expect(arr(geo.edges), what).toEqual(arr(geo1.edges));
          expect(arr(geo.faces), what).toEqual(arr(geo1.faces));
          expect(arr(hullVertices(xs, n, d)), what).toEqual(verts1);
          if (lp1) expect(arr(hullVerticesLP(xs, n, d)), what).toEqual(lp1);
          if (poly1) expect(arr(hullPolygon(xs, n)), what).toEqual(poly1);
          expect(affineDimension(xs, n, d), what).toBe(dim1);
          const diam = diameter(xs, n, d);
          expectScaled(diam.value, diam1.value, s, exact, `${what}: diameter`);
          if (exact || random) expect([diam.i, diam.j], what).toEqual([diam1.i, diam1.j]);
          expectScaled(radius(xs, n, d), rad1, s, exact, `${what}: radius`);
          // the directions keep their scale: h scales with x alone
          const h = supportFunction(xs, n, d, dirs);
          for (let k = 0; k < h.length; k++) expectScaled(h[k]!, h1[k]!, s, exact, `${what}: h[${k}]`, 8 * d);
          expectScaled(hausdorffHulls(xs, n, os, 7, d), haus1, s, exact, `${what}: Hausdorff`, 8 * d);
          const dist = hullDistance(xs, n, d, z.map((v) => v * s), { tolerance: 1e-13 * s });
          expectScaled(dist.distance, dist1.distance, s, exact, `${what}: hull distance`, 1e2 * d);
          const cl = clusters(xs, n, d, tol * s);
          expect(arr(cl.labels), what).toEqual(arr(cl1.labels));
          const lc = limitClasses(xs, n, d, { tol: 1e-3 * s });
          expect(arr(lc.labels), what).toEqual(arr(lc1.labels));
          expect(arr(lc.clusterKind), what).toEqual(arr(lc1.clusterKind));
          expect(arr(lc.vertexClusters), what).toEqual(arr(lc1.vertexClusters));
          expect(lc.dim, what).toBe(lc1.dim);
        }
      }
    });
  }

  it('clusters with the default tolerance 1e-6·max(1, R) at 2^±600: same labels, tolerance scaled with R', () => {
    // two tight groups far apart: the default tolerance scales with R above 1
    const x = [1, 1, 1 + 2 ** -30, 1, 8, 8, 8, 8 + 2 ** -30];
    const at1 = clusters(x, 4, 2);
    expect(arr(at1.labels)).toEqual([0, 0, 1, 1]);
    const big = clusters(x.map((v) => v * 2 ** 600), 4, 2);
    expect(arr(big.labels)).toEqual([0, 0, 1, 1]);
    expect(arr(big.centroids)).toEqual(arr(at1.centroids).map((v) => v * 2 ** 600));
    const lc = limitClasses(x.map((v) => v * 2 ** 600), 4, 2);
    expect(lc.tol).toBe(limitClasses(x, 4, 2).tol * 2 ** 600);
    expect(lc.clusters).toBe(2);
  });
});

// ---------------------------------------------------------------------------
// item 8: bad input refused, one wording

describe('analysis functions refuse bad input (issue 9 item 8)', () => {
  const tr = handBuilt([[0, 0, 1, 0], [0, 0, 0.5, 0], [0, 0, 0.25, 0], [0, 0, 0.125, 0]], 2, 2);

  it('finiteTimeCheck, convergence, quiescentReport, energySeries refuse NaN in trajectory data, naming the snapshot and token', () => {
    const bad: Trajectory = { ...tr, data: Float64Array.from(tr.data) };
    bad.data[2 * 4 + 3] = NaN; // snapshot 2, token 1, coordinate 1
    for (const f of [
      () => finiteTimeCheck(bad),
      () => convergence(bad),
      () => quiescentReport(bad, { alpha: 1, delta: 1 }),
      () => energySeries(bad),
    ]) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toBe('tr.data[11] (snapshot 2 at t = 2, token 1, coordinate 1) must be finite; got NaN');
    }
    const inf: Trajectory = { ...tr, data: Float32Array.from(tr.data) };
    inf.data[0] = -Infinity;
    expect(() => convergence(inf)).toThrow(/tr.data\[0\] \(snapshot 0 at t = 0, token 0, coordinate 0\) must be finite; got -Infinity/);
    const t2: Trajectory = { ...tr, times: Float64Array.of(0, 1, NaN, 3) };
    expect(() => finiteTimeCheck(t2)).toThrow(/tr.times\[2\] must be finite; got NaN/);
  });

  it('the ten state functions refuse x.length > n*d instead of ignoring the tail', () => {
    const x = [0, 0, 1, 0, 0, 1, 0.2, 0.2];
    const fns: Array<[string, () => unknown]> = [
      ['hullVertices', () => hullVertices(x, 3, 2)],
      ['hullGeometry', () => hullGeometry(x, 3, 2)],
      ['leaders', () => leaders(x, 3, 2)],
      ['neighbourhoods', () => neighbourhoods(x, 3, 2)],
      ['clusters', () => clusters(x, 3, 2)],
      ['limitClasses', () => limitClasses(x, 3, 2)],
      ['diameter', () => diameter(x, 3, 2)],
      ['affineDimension', () => affineDimension(x, 3, 2)],
      ['distinctPoints', () => distinctPoints(x, 3, 2)],
      ['sphereClusters', () => sphereClusters(x, 3, 2)],
    ];
    for (const [name, f] of fns) {
      const e = thrown(f);
      expect(e, name).toBeInstanceOf(RangeError);
      expect(e.message, name).toBe('x.length must be n*d = 3*2 = 6; got 8');
    }
  });

  it('accepts n rows of d numbers wherever a state is taken (was "x.length must be >= n*d")', () => {
    const rows = [[0, 0], [1, 0], [0, 1], [0.2, 0.2]];
    const flat = rows.flat();
    expect(arr(hullVertices(rows, 4, 2))).toEqual(arr(hullVertices(flat, 4, 2)));
    expect(hullGeometry(rows, 4, 2)).toEqual(hullGeometry(flat, 4, 2));
    expect(arr(leaders(rows, 4, 2))).toEqual(arr(leaders(flat, 4, 2)));
    expect(neighbourhoods(rows, 4, 2, { delta: 0.5 })).toEqual(neighbourhoods(flat, 4, 2, { delta: 0.5 }));
    expect(clusters(rows, 4, 2, 0.5)).toEqual(clusters(flat, 4, 2, 0.5));
    expect(limitClasses(rows, 4, 2)).toEqual(limitClasses(flat, 4, 2));
    expect(diameter(rows, 4, 2)).toEqual(diameter(flat, 4, 2));
    expect(affineDimension(rows, 4, 2)).toBe(affineDimension(flat, 4, 2));
    expect(distinctPoints(rows, 4, 2)).toBe(distinctPoints(flat, 4, 2));
    expect(() => hullVertices([[0, 0], [1]], 2, 2)).toThrow(/x\[1\] must be a row of length 2; got \[1\]/);
    expect(() => hullVertices([[0, 0], [1, 0]], 3, 2)).toThrow(/x must be n = 3 rows of d = 2 numbers; got an array of 2 rows/);
    // a hole in a row is refused, not read as 0
    // eslint-disable-next-line no-sparse-arrays
    expect(() => hullVertices([[0, 0], [1, ,]] as never, 2, 2)).toThrow('x[1][1] must be a number; got a hole (an empty slot)');
  });

  it('n = [3] gets one wording in every module (it got four)', () => {
    const x = [0, 0, 1, 0, 0, 1];
    const messages = [
      thrown(() => hullVertices(x, [3] as never, 2)),
      thrown(() => leaders(x, [3] as never, 2)),
      thrown(() => clusters(x, [3] as never, 2)),
      thrown(() => limitClasses(x, [3] as never, 2)),
      thrown(() => alignmentRow(x, [3] as never, 2, 0)),
      thrown(() => sphereField(x, [3] as never, 2)),
      thrown(() => diameter(x, [3] as never, 2)),
      thrown(() => initialPositions({ kind: 'uniform', n: [3] as never, d: 2, seed: 1 })),
    ];
    for (const e of messages) {
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe('n must be an integer >= 1; got [3]');
    }
  });

  it("a string that is not a number or an allowed kind is a TypeError: limitClasses(x, '5', 2), Recorder.run('3'), initialPositions({ kind: 'bogus' })", async () => {
    expect(() => limitClasses([0, 0], '5' as never, 2)).toThrow(TypeError);
    expect(() => limitClasses([0, 0], '5' as never, 2)).toThrow('n must be an integer >= 1; got "5"');
    const e = thrown(() => initialPositions({ kind: 'bogus' as never, n: 2, d: 2, seed: 1 }));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe(`kind must be 'uniform', 'gaussian' or 'sphere'; got "bogus"`);
    const sim = await Simulation.create({ model: 'hardmax', positions: [0, 0, 1, 0], n: 2, d: 2, alpha: 1, backend: 'js' });
    try {
      const rec = new Recorder(sim);
      expect(() => rec.run('3' as never)).toThrow(TypeError);
      expect(() => rec.run('3' as never)).toThrow('steps must be an integer >= 0; got "3"');
      expect(sim.t).toBe(0);
    } finally {
      sim.dispose();
    }
  });

  it('leaders and the other alignment functions accept the nested matrix Simulation.create accepts', () => {
    const x = [1, 0, 0.5, 0.5, -1, 0.2];
    const A = [[2, 0.5], [0, 1]];
    expect(arr(leaders(x, 3, 2, A))).toEqual(arr(leaders(x, 3, 2, A.flat())));
    expect(arr(leaders(x, 3, 2, [[1, 0], [0, 1]]))).toEqual(arr(leaders(x, 3, 2)));
    expect(neighbourhoods(x, 3, 2, { A, delta: 0.3 })).toEqual(neighbourhoods(x, 3, 2, { A: A.flat(), delta: 0.3 }));
    expect(strip(x, 3, 2, 1, { A, delta: 0.3 })).toEqual(strip(x, 3, 2, 1, { A: A.flat(), delta: 0.3 }));
    expect(oneStepCertificate(x, 3, 2, { v: [1, 0], radius: 0.1, delta: 0, A })).toEqual(oneStepCertificate(x, 3, 2, { v: [1, 0], radius: 0.1, delta: 0, A: A.flat() }));
    expect(() => leaders(x, 3, 2, [[1, 0], [0, 1], [0, 0]])).toThrow(/A must be a d×d matrix with d = 2 rows; got an array of 3 rows/);
  });

  it('options objects refuse unknown keys (a typo never passes silently)', () => {
    expect(() => neighbourhoods([0, 0], 1, 2, { detla: 0.1 } as never)).toThrow(TypeError);
    expect(() => neighbourhoods([0, 0], 1, 2, { detla: 0.1 } as never)).toThrow(/unknown option 'detla'/);
    expect(() => limitClasses([0, 0], 1, 2, { tolerance: 1 } as never)).toThrow(/unknown option 'tolerance'/);
    expect(() => finiteTimeCheck(tr, { minpoints: 3 } as never)).toThrow(/unknown option 'minpoints'/);
  });
});

describe('one default tie tolerance per precision (issue 9 item 8)', () => {
  // tokens (1, 0) and (0.999999, 0) as float32: a_01 = 0.999999 is within 1e-5 of m_0 = 1 but not within 1e-12
  const x32 = Float32Array.of(1, 0, 0.999999, 0);
  const x64 = Float64Array.from(x32);

  it('a Float32Array state gets τ = 1e-5 in leaders, neighbourhoods, strip and oneStepCertificate alike (leaders used 1e-12)', () => {
    expect(arr(leaders(x32, 2, 2))).toEqual([0, 1]);
    expect(arr(leaders(x64, 2, 2))).toEqual([0]);
    expect(arr(leaders(x32, 2, 2))).toEqual(arr(leaders(x64, 2, 2, null, 1e-5)));
    expect(arr(neighbourhoods(x32, 2, 2).sizes)).toEqual([2, 2]);
    expect(arr(neighbourhoods(x64, 2, 2).sizes)).toEqual([1, 1]);
    expect(arr(strip(x32, 2, 2, 0, { delta: 0 }).members)).toEqual([0, 1]);
    expect(arr(strip(x64, 2, 2, 0, { delta: 0 }).members)).toEqual([0]);
    const c32 = oneStepCertificate(x32, 2, 2, { v: [1, 0], radius: 0.5, delta: 0 });
    const c64 = oneStepCertificate(x64, 2, 2, { v: [1, 0], radius: 0.5, delta: 0 });
    expect(c32.deltaPrime).toBe(1e-5);
    expect(c64.deltaPrime).toBe(1e-12);
    // an explicit τ wins over the default in either precision
    expect(arr(leaders(x32, 2, 2, null, 1e-12))).toEqual([0]);
  });
});

// ---------------------------------------------------------------------------
// item 10: Recorder and initialPositions

describe('Recorder options and memory cap (issue 9 item 10)', () => {
  const opts = { model: 'hardmax' as const, positions: [0, 0, 1, 0, 0, 1], n: 3, d: 2, alpha: 1, backend: 'js' as const };

  it('initialCapacity: NaN is a RangeError naming it (was "offset is out of bounds"); unknown options are refused', async () => {
    const sim = await Simulation.create(opts);
    try {
      const e = thrown(() => new Recorder(sim, { initialCapacity: NaN }));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toBe('initialCapacity must be an integer >= 1; got NaN');
      expect(() => new Recorder(sim, { initialCapacity: '4' as never })).toThrow(TypeError);
      expect(() => new Recorder(sim, { evry: 2 } as never)).toThrow(/unknown option 'evry' in options/);
      expect(() => new Recorder(sim, { every: 0 })).toThrow('every must be an integer >= 1; got 0');
      expect(() => new Recorder(sim, { maxBytes: NaN })).toThrow(RangeError);
      expect(() => new Recorder(sim, { precision: 'f16' as never })).toThrow(`precision must be 'f64' or 'f32'; got "f16"`);
      expect(() => new Recorder(null as never)).toThrow(TypeError);
    } finally {
      sim.dispose();
    }
  });

  it('at its maxBytes cap it refuses the run before stepping: t stays at the last snapshot (was t = 4, last snapshot t = 3)', async () => {
    const sim = await Simulation.create(opts);
    try {
      const rec = new Recorder(sim, { maxBytes: 4 * 3 * 2 * 8, initialCapacity: 1 }); // room for 4 snapshots
      const e = thrown(() => rec.run(10));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toMatch(/run\(10\) with every = 1 needs 10 more snapshot\(s\).*holds 4 and 1 are stored \(the last at t = 0\); nothing was stepped or recorded \(at most 3 steps fit\)/);
      expect(sim.t).toBe(0);
      rec.run(3);
      expect(sim.t).toBe(3);
      expect(arr(rec.times.subarray(0, rec.count))).toEqual([0, 1, 2, 3]);
      expect(() => rec.run(1)).toThrow(RangeError);
      expect(sim.t).toBe(3);
      expect(rec.count).toBe(4);
      // steps that need no snapshot still run: every = 2 with 1 step records nothing
      const rec2 = new Recorder(sim, { every: 2, maxBytes: 1 * 3 * 2 * 8 });
      rec2.run(1);
      expect(sim.t).toBe(4);
      expect(() => rec2.run(2)).toThrow(/at most 1 steps fit/);
      expect(sim.t).toBe(4);
    } finally {
      sim.dispose();
    }
  });
});

describe('initialPositions refuses draws that could be non-finite (issue 9 item 10)', () => {
  it('sigma: 1e308 is a RangeError naming sigma (returned Infinity)', () => {
    const e = thrown(() => initialPositions({ kind: 'gaussian', n: 4, d: 2, seed: 1, sigma: 1e308 }));
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toMatch(/^sigma must be at most \(MAX_VALUE − \|mean\|\)\/8\.5717 = .*; got 1e\+308/);
    expect(() => initialPositions({ kind: 'gaussian', n: 4, d: 2, seed: 1, mean: 1.7e308, sigma: 1e307 })).toThrow(RangeError);
  });

  it('the largest allowed sigma gives finite draws, at the tail of the generator', () => {
    const sigma = (0.999999 * Number.MAX_VALUE) / 8.5717;
    const x = initialPositions({ kind: 'gaussian', n: 20000, d: 5, seed: 3, sigma });
    expect(x.every((v) => Number.isFinite(v))).toBe(true);
    // the draws do reach the scale of sigma (the bound is not vacuous)
    let big = 0;
    for (const v of x) big = Math.max(big, Math.abs(v));
    expect(big).toBeGreaterThan(3 * sigma);
    expect(() => initialPositions({ kind: 'gaussian', n: 1, d: 1, seed: 3, sigma: 1.001 * (Number.MAX_VALUE / 8.5717) })).toThrow(RangeError);
  });
});
