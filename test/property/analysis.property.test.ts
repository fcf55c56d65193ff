/**
 * Property (issue 9): the analysis functions agree with brute force
 * (./brute.ts, independent of ts/analysis) on random, degenerate and scaled
 * point sets in d = 1..5:
 *   - sets: random integers (small and wide), dyadic rationals, collinear,
 *     flat (rank r < d integer embeddings), duplicated rows, all equal, cube
 *     corners with centres and edge midpoints, tight clusters;
 *   - scales: none, 2^k with k in [-600, 600] (exact), and decimal factors
 *     m·10^e with e in [-300, 300] (rounded: the input is the rounded set).
 *
 * What "agree" means per function:
 *   - hullVertices: d <= 3 exactly (the module promises exact predicates);
 *     d = 4, 5 up to its documented tolerances: a vertex must be reported
 *     when it is farther than 1e-7 of the coordinate range from the hull of
 *     the others, a non-vertex must not be when no other point is that
 *     close; hullGeometry's dim is the exact affine dimension for d <= 3;
 *     hullPolygon (d = 2) lists the vertices counter-clockwise (exact
 *     orientation) from the lowest index;
 *   - diameter: the value is the exact largest distance to 1e-14 relative
 *     (Infinity beyond the float range), the pair attains it and is made of
 *     lowest indices;
 *   - supportFunction: max_i <u, x_i> to the rounding of one dot product;
 *   - leaders, neighbourhoods: membership equals the exact rule wherever the
 *     exact alignment is farther from the threshold than a rigorous bound on
 *     the rounding of a float evaluation (closer ones are undecided and
 *     counted); refusal (RangeError) exactly when ‖A‖_F·R² >= 1e300;
 *   - clusters: the labels are a partition between the components of the
 *     certain links and of the possible links (distances within 1e-12
 *     relative of tol are undecided), numbered by first appearance, with
 *     the right sizes and centroids;
 *   - affineDimension: the number of singular values of the differences
 *     above tol, where the singular values leave no doubt (a gap around tol).
 *
 * Environment: PROPERTY_SEED (default 0x5eed), PROPERTY_RUNS (runs per
 * property), PROPERTY_PATH (replay one counterexample), PROPERTY_DEBUG
 * (undecided hull points per kind of set); see ./config.ts.
 * Replay a failure: PROPERTY_SEED=<seed> npx vitest run test/property
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  affineDimension,
  clusters,
  diameter,
  hullGeometry,
  hullPolygon,
  hullVertices,
  leaders,
  neighbourhoods,
  supportFunction,
} from '../../ts/analysis/index.js';
import {
  alignmentErrorBound,
  bigSqrt,
  bigToNumber,
  bruteHull,
  exactAlignments,
  normalisingShift,
  rankBig,
  representatives,
  scale2,
  singularValues,
  toIntegers,
} from './brute.js';
import { DEBUG, bump, checkProperty, summary } from './config.js';

const FILE = 'test/property/analysis.property.test.ts';
const U = 2 ** -53;

/** PROPERTY_DEBUG: undecided hull points (d = 4, 5) per kind of set. */
const undecidedByKind = new Map<string, number>();
const counts = {
  hull: { cases: 0, undecided: 0, points: 0, highPoints: 0, fallbacks: 0 },
  diameter: 0,
  support: 0,
  leaders: { cases: 0, refused: 0, undecided: 0, decided: 0 },
  neighbourhoods: { cases: 0, refused: 0, undecided: 0, decided: 0 },
  clusters: { cases: 0, undecidedLinks: 0 },
  affine: { cases: 0, undecided: 0 },
};

// ---------------------------------------------------------------------------
// point sets

interface SetCase {
  kind: string;
  n: number;
  d: number;
  /** The unscaled set (exact dyadic numbers). */
  ideal: number[];
  scale: string;
  /** The input: the ideal set times the scale (rounded for decimal scales). */
  x: Float64Array;
}

const small = (r: number) => fc.integer({ min: -r, max: r });

function idealSet(n: number, d: number): fc.Arbitrary<{ kind: string; ideal: number[] }> {
  const ints = (r: number) => fc.array(small(r), { minLength: n * d, maxLength: n * d });
  const vec = (r: number) => fc.array(small(r), { minLength: d, maxLength: d });
  return fc.oneof(
    fc.tuple(fc.constantFrom(1, 2, 3, 10, 1000), fc.nat()).chain(([r]) => ints(r).map((ideal) => ({ kind: `int${r}`, ideal }))),
    fc
      .tuple(fc.array(fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), { minLength: n * d, maxLength: n * d }), fc.integer({ min: 0, max: 40 }))
      .map(([a, m]) => ({ kind: 'dyadic', ideal: a.map((v) => v / 2 ** m) })),
    fc
      .tuple(vec(3), vec(3), fc.array(small(4), { minLength: n, maxLength: n }))
      .map(([p, u, t]) => ({ kind: 'collinear', ideal: t.flatMap((ti) => p.map((pc, c) => pc + ti * (u[c] as number))) })),
    fc
      .tuple(fc.integer({ min: 1, max: Math.max(1, d - 1) }), fc.array(vec(2), { minLength: 4, maxLength: 4 }), fc.array(fc.array(small(3), { minLength: 4, maxLength: 4 }), { minLength: n, maxLength: n }), vec(3))
      .map(([r, U_, T, p]) => ({
        kind: `flat${r}`,
        ideal: T.flatMap((t) => p.map((pc, c) => pc + U_.slice(0, r).reduce((s, u, a) => s + (t[a] as number) * (u[c] as number), 0))),
      })),
    fc.tuple(ints(3), fc.array(fc.nat(), { minLength: n, maxLength: n })).map(([a, pick]) => {
      const out = a.slice();
      for (let i = 1; i < n; i++) if ((pick[i] as number) % 3 !== 0) for (let c = 0; c < d; c++) out[i * d + c] = out[((pick[i] as number) % i) * d + c] as number;
      return { kind: 'duplicates', ideal: out };
    }),
    vec(1000).map((p) => ({ kind: 'equal', ideal: Array.from({ length: n }, () => p).flat() })),
    fc.array(fc.nat(), { minLength: n, maxLength: n }).map((pick) => ({
      // cube corners {0,2}^d, the centre 1, and edge midpoints
      kind: 'cube',
      ideal: pick.flatMap((p, i) => {
        const corner = Array.from({ length: d }, (_, c) => ((p >> c) & 1) * 2);
        if (i % 5 === 4) return Array.from({ length: d }, () => 1);
        if (i % 5 === 3) return corner.map((v, c) => (c === p % d ? 1 : v));
        return corner;
      }),
    })),
    fc
      .tuple(fc.array(vec(4), { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(fc.nat(), vec(3)), { minLength: n, maxLength: n }))
      .map(([centres, pts]) => ({
        kind: 'cluster',
        ideal: pts.flatMap(([k, off]) => (centres[k % centres.length] as number[]).map((v, c) => v * 2 ** 16 + (off[c] as number))),
      })),
  );
}

const scaleArb: fc.Arbitrary<{ label: string; apply: (v: number) => number }> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ label: 'none', apply: (v: number) => v }) },
  { weight: 2, arbitrary: fc.integer({ min: -600, max: 600 }).map((k) => ({ label: `2^${k}`, apply: (v: number) => scale2(v, k) })) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(1, 0.1, 3.7, 1.5, 7.77), fc.integer({ min: -300, max: 300 })).map(([m, e]) => {
      const f = m * 10 ** e;
      return { label: `${f}`, apply: (v: number) => v * f };
    }),
  },
);

function setArb(nMin: number, nMax: number, dMin: number, dMax: number): fc.Arbitrary<SetCase> {
  return fc
    .record({ n: fc.integer({ min: nMin, max: nMax }), d: fc.integer({ min: dMin, max: dMax }) })
    .chain(({ n, d }) =>
      fc.tuple(idealSet(n, d), scaleArb).map(([s, sc]) => ({
        kind: s.kind,
        n,
        d,
        ideal: s.ideal,
        scale: sc.label,
        x: Float64Array.from(s.ideal, (v) => sc.apply(v)),
      })),
    );
}

// ---------------------------------------------------------------------------
// helpers

function sortedUnique(a: Int32Array): boolean {
  for (let k = 1; k < a.length; k++) if (!((a[k] as number) > (a[k - 1] as number))) return false;
  return true;
}

/** Exact orientation sign of (a, b, c) in 2D (rows of x). */
function orient(x: Float64Array, a: number, b: number, c: number): number {
  const { X } = toIntegers([x[2 * a]!, x[2 * a + 1]!, x[2 * b]!, x[2 * b + 1]!, x[2 * c]!, x[2 * c + 1]!]);
  const [ax, ay, bx, by, cx, cy] = X as [bigint, bigint, bigint, bigint, bigint, bigint];
  const det = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

function describeCase(c: SetCase): string {
  return `${c.kind} n=${c.n} d=${c.d} scale ${c.scale}`;
}

// ---------------------------------------------------------------------------

describe('property: analysis functions agree with brute force', () => {
  afterAll(() => {
    const h = counts.hull;
    console.info(
      summary(
        FILE,
        `hull ${h.cases} sets (${h.points} points; ${h.undecided} of the ${h.highPoints} points in d = 4, 5 undecided within the tolerances, ${h.fallbacks} exact sign fallbacks); ` +
          `diameter ${counts.diameter}; support ${counts.support}; ` +
          `leaders ${counts.leaders.cases} (refused ${counts.leaders.refused}, ${counts.leaders.decided} decided, ${counts.leaders.undecided} within rounding); ` +
          `neighbourhoods ${counts.neighbourhoods.cases} (refused ${counts.neighbourhoods.refused}, ${counts.neighbourhoods.decided} decided, ${counts.neighbourhoods.undecided} within rounding); ` +
          `clusters ${counts.clusters.cases} (${counts.clusters.undecidedLinks} links within 1e-12 of tol); ` +
          `affineDimension ${counts.affine.cases} (${counts.affine.undecided} without a clear singular-value gap)`,
      ),
    );
  });

  it('hullVertices, hullGeometry and hullPolygon, d = 1..3: exactly the brute-force vertices', async () => {
    const property = fc.property(setArb(1, 12, 1, 3), (c) => {
      const { x, n, d } = c;
      const truth = bruteHull(x, n, d, false);
      counts.hull.cases++;
      counts.hull.points += n;
      counts.hull.fallbacks += truth.exactFallbacks;
      const got = hullVertices(x, n, d);
      const want: number[] = [];
      for (let i = 0; i < n; i++) if (truth.status[i] === 1) want.push(i);
      expect(Array.from(got), `vertices of ${describeCase(c)}`).toEqual(want);
      const g = hullGeometry(x, n, d);
      expect(g.dim, `hullGeometry dim of ${describeCase(c)}`).toBe(truth.dim);
      expect(Array.from(g.vertices)).toEqual(want);
      if (d === 2) {
        const poly = hullPolygon(x, n);
        expect([...poly].sort((a, b) => a - b), 'polygon vertices').toEqual(want);
        expect(poly[0], 'starts at the lowest index').toBe(want[0]);
        if (poly.length >= 3) {
          for (let t = 0; t < poly.length; t++) {
            const s = orient(x, poly[t]!, poly[(t + 1) % poly.length]!, poly[(t + 2) % poly.length]!);
            expect(s, 'counter-clockwise, strictly convex').toBe(1);
          }
        }
      }
    });
    await checkProperty(FILE, 'hullVertices, hullGeometry and hullPolygon, d = 1..3: exactly the brute-force vertices', property, 800);
  });

  it('hullVertices, d = 4, 5: the brute-force vertices up to the documented tolerances', async () => {
    const property = fc.property(setArb(1, 10, 4, 5), (c) => {
      const { x, n, d } = c;
      const truth = bruteHull(x, n, d, true);
      counts.hull.cases++;
      counts.hull.points += n;
      counts.hull.fallbacks += truth.exactFallbacks;
      const got = hullVertices(x, n, d);
      expect(sortedUnique(got)).toBe(true);
      const set = new Set(got);
      counts.hull.highPoints += n;
      for (let i = 0; i < n; i++) {
        const s = truth.status[i];
        if (s === -1) {
          counts.hull.undecided++;
          if (DEBUG) bump(undecidedByKind, `${c.kind}${c.scale.startsWith('2^') || c.scale === 'none' ? '' : ' decimal'}`);
          continue;
        }
        expect(set.has(i), `token ${i} of ${describeCase(c)}: brute force says ${s === 1 ? 'vertex' : 'not a vertex'}`).toBe(s === 1);
      }
    });
    await checkProperty(FILE, 'hullVertices, d = 4, 5: the brute-force vertices up to the documented tolerances', property, 200);
    if (DEBUG) console.info('undecided hull points by kind of set', undecidedByKind);
    expect(counts.hull.undecided, `${counts.hull.undecided} of ${counts.hull.highPoints} points undecided`).toBeLessThan(0.1 * counts.hull.highPoints);
  });

  it('diameter: the exact largest distance and a pair attaining it', async () => {
    const property = fc.property(setArb(1, 30, 1, 5), (c) => {
      const { x, n, d } = c;
      counts.diameter++;
      const rep = representatives(x, n, d);
      const { X, E } = toIntegers(x);
      const d2 = (i: number, j: number): bigint => {
        let s = 0n;
        for (let a = 0; a < d; a++) {
          const t = (X[i * d + a] as bigint) - (X[j * d + a] as bigint);
          s += t * t;
        }
        return s;
      };
      let best = 0n;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (d2(i, j) > best) best = d2(i, j);
      const want = bigSqrt(best, E);
      const got = diameter(x, n, d);
      const where = describeCase(c);
      if (best === 0n) {
        expect(got).toEqual({ value: 0, i: 0, j: 0 });
        return;
      }
      if (want > Number.MAX_VALUE * (1 - 1e-14)) {
        if (want > Number.MAX_VALUE * (1 + 1e-14)) expect(got.value, where).toBe(Infinity);
      } else {
        expect(Math.abs(got.value - want), `${where}: diameter ${got.value} vs exact ${want}`).toBeLessThanOrEqual(1e-14 * want);
      }
      expect(got.i).toBeLessThanOrEqual(got.j);
      expect(rep[got.i], 'i is the lowest index at its location').toBe(got.i);
      expect(rep[got.j], 'j is the lowest index at its location').toBe(got.j);
      const pair = d2(got.i, got.j);
      // the pair attains the maximum up to the rounding of the distances compared
      expect(bigSqrt(pair, E), `${where}: the pair (${got.i}, ${got.j})`).toBeGreaterThanOrEqual(want * (1 - 1e-14));
    });
    await checkProperty(FILE, 'diameter: the exact largest distance and a pair attaining it', property, 600);
  });

  it('supportFunction: max_i <u, x_i> to the rounding of one dot product', async () => {
    const dirsArb = (d: number) =>
      fc.record({
        m: fc.integer({ min: 1, max: 6 }),
        kind: fc.constantFrom('int', 'unit', 'dyadic'),
        k: fc.oneof(fc.constant(0), fc.integer({ min: -300, max: 300 })),
        passM: fc.boolean(),
        seed: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 6 * d, maxLength: 6 * d }),
      });
    const property = fc.property(
      setArb(1, 20, 1, 5).chain((c) => dirsArb(c.d).map((dirs) => ({ c, dirs }))),
      ({ c, dirs }) => {
        const { x, n, d } = c;
        counts.support++;
        const m = dirs.m;
        const u = new Float64Array(m * d);
        for (let k = 0; k < m * d; k++) {
          const s = dirs.seed[k] as number;
          const v = dirs.kind === 'int' ? Math.round(s * 3) : dirs.kind === 'dyadic' ? Math.round(s * 2 ** 20) / 2 ** 10 : s;
          u[k] = scale2(v, dirs.k);
        }
        const got = dirs.passM ? supportFunction(x, n, d, u, m) : supportFunction(x, n, d, u);
        expect(got.length).toBe(m);
        const { X, E: Ex } = toIntegers(x);
        const { X: UB, E: Eu } = toIntegers(u);
        const maxX = x.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
        const maxU = u.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
        for (let k = 0; k < m; k++) {
          let best: bigint | null = null;
          let scaleSum = 0;
          for (let i = 0; i < n; i++) {
            let s = 0n;
            let a = 0;
            for (let c2 = 0; c2 < d; c2++) {
              s += (UB[k * d + c2] as bigint) * (X[i * d + c2] as bigint);
              a += Math.abs(u[k * d + c2] as number) * Math.abs(x[i * d + c2] as number);
            }
            if (best === null || s > best) best = s;
            scaleSum = Math.max(scaleSum, a);
          }
          const want = bigToNumber(best as bigint, Ex + Eu);
          const g = got[k] as number;
          const where = `${describeCase(c)}, direction ${k} (${dirs.kind}, 2^${dirs.k})`;
          if (Math.abs(want) > Number.MAX_VALUE) {
            expect(g, where).toBe(want > 0 ? Infinity : -Infinity);
            continue;
          }
          // The products are formed on power-of-two normalised copies of x and of all the directions (max |entry| in
          // [1, 2), or left alone inside [2^-128, 2^128]); the bound covers their rounding, the final ldexp, and (as
          // ts/analysis/geometry/scale.ts documents) products that underflow at the scale of the sets: d·2^-1074 in normalised
          // units, i.e. d·2^-1074·max(1, 2 max|x|)·max(1, 2 max|u|) here.
          const underflow = d * 2 ** -1074 * Math.max(1, 2 * maxX) * Math.max(1, 2 * maxU);
          const tol = (d + 2) * U * 1.01 * (Number.isFinite(scaleSum) ? scaleSum : Math.abs(want)) + Math.abs(want) * U + 2 ** -1073 + underflow;
          expect(Math.abs(g - want), `${where}: ${g} vs exact ${want}`).toBeLessThanOrEqual(tol);
        }
      },
    );
    await checkProperty(FILE, 'supportFunction: max_i <u, x_i> to the rounding of one dot product', property, 500);
  });

  /** The exact threshold rule with rounding windows: 1 in, 0 out, −1 within rounding. */
  function membership(
    x: Float64Array,
    n: number,
    d: number,
    A: Float64Array | null,
    delta: number,
    tau: number,
    relative: boolean,
  ): { member: Int8Array[]; rowMax: { m: number; err: number }[] } {
    const { a, E } = exactAlignments(x, n, d, A);
    const err = alignmentErrorBound(x, n, d, A);
    const rep = representatives(x, n, d);
    const exactAlign = err.every((r) => r.every((e) => e === 0));
    const member: Int8Array[] = [];
    const rowMax: { m: number; err: number }[] = [];
    for (let i = 0; i < n; i++) {
      const row = a[i] as bigint[];
      let mb = row[0] as bigint;
      for (const v of row) if (v > mb) mb = v;
      const m = bigToNumber(mb, E);
      const errM = Math.max(...(err[i] as number[]));
      rowMax.push({ m, err: errM });
      const s = Math.max(1, Math.abs(m));
      const gap = relative ? (m === 0 ? 0 : delta * Math.abs(m)) : delta;
      const offset = gap + tau * s; // a_ij is in iff a_ij − m_i + offset >= 0
      // The computed row maximum is fl(a_ik) of some k whose exact a_ik lies within rounding of m_i. When all such k
      // share one location, tokens at that location have exactly the computed maximum (identical inputs, identical
      // alignments) and are in C_i for any δ, τ >= 0 (m − δ − τ·max(1,|m|) rounds to at most m).
      const candidates: number[] = [];
      for (let k = 0; k < n; k++) if (Math.abs(bigToNumber((row[k] as bigint) - mb, E)) <= (err[i] as number[])[k]! + errM) candidates.push(k);
      const oneLocation = candidates.every((k) => rep[k] === rep[candidates[0] as number]);
      const out = new Int8Array(n);
      for (let j = 0; j < n; j++) {
        if (oneLocation && rep[j] === rep[candidates[0] as number]) {
          out[j] = 1;
          continue;
        }
        const diff = (row[j] as bigint) - mb;
        if (offset === Infinity) {
          out[j] = 1;
          continue;
        }
        if (exactAlign && offset === 0) {
          out[j] = diff === 0n ? 1 : 0;
          continue;
        }
        const val = bigToNumber(diff, E) + offset;
        const window =
          (err[i] as number[])[j]! + errM * (1 + tau + (relative ? delta : 0)) + 4 * U * (Math.abs(m) + Math.abs(bigToNumber(diff, E)) + offset) + 2 ** -1070;
        out[j] = val >= window ? 1 : val <= -window ? 0 : -1;
      }
      member.push(out);
    }
    return { member, rowMax };
  }

  /** Whether the alignment-overflow check must, may or must not refuse: ‖A‖_F·R² against 1e300. */
  function refusal(x: Float64Array, n: number, d: number, A: Float64Array | null): 'must' | 'may' | 'never' {
    const { X, E } = toIntegers(x);
    let R2 = 0n;
    for (let i = 0; i < n; i++) {
      let s = 0n;
      for (let c = 0; c < d; c++) s += (X[i * d + c] as bigint) ** 2n;
      if (s > R2) R2 = s;
    }
    let normA = 1;
    if (A !== null) {
      const { X: AB, E: EA } = toIntegers(A);
      let f = 0n;
      for (const v of AB) f += v * v;
      normA = bigSqrt(f, EA);
    }
    const bound = normA * bigToNumber(R2, 2 * E);
    if (bound > 1e300 * (1 + 1e-9)) return 'must';
    if (bound < 1e300 * (1 - 1e-9)) return 'never';
    return 'may';
  }

  const matrixArb = (d: number) =>
    fc.oneof(
      fc.constant(null),
      fc.array(small(2), { minLength: d * d, maxLength: d * d }).map((a) => Float64Array.from(a)),
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d * d, maxLength: d * d }).map((a) => Float64Array.from(a)),
    );
  const tauArb = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.constantFrom(1e-12, 1e-9, 1e-6, 1e-3) },
    { weight: 1, arbitrary: fc.double({ min: 1e-12, max: 1e-4, noNaN: true }) },
  );

  it('leaders: the exact rule a_ii >= m_i − τ·max(1,|m_i|) wherever rounding cannot decide otherwise', async () => {
    const property = fc.property(
      setArb(1, 12, 1, 5).chain((c) => fc.record({ A: matrixArb(c.d), tau: tauArb, nested: fc.boolean() }).map((o) => ({ c, ...o }))),
      ({ c, A, tau, nested }) => {
        const { x, n, d } = c;
        counts.leaders.cases++;
        const must = refusal(x, n, d, A);
        const Aarg = A === null ? undefined : nested ? Array.from({ length: d }, (_, r) => Array.from(A.subarray(r * d, r * d + d))) : A;
        let got: Int32Array;
        try {
          got = leaders(x, n, d, Aarg, tau);
        } catch (e) {
          expect(e, `${describeCase(c)}: ${String(e)}`).toBeInstanceOf(RangeError);
          expect(must, `${describeCase(c)}: refused although ‖A‖_F·R² < 1e300`).not.toBe('never');
          counts.leaders.refused++;
          return;
        }
        expect(must, `${describeCase(c)}: not refused although ‖A‖_F·R² >= 1e300`).not.toBe('must');
        const t = tau ?? 1e-12;
        const { member } = membership(x, n, d, A, 0, t, false);
        const set = new Set(got);
        expect(sortedUnique(got)).toBe(true);
        for (let i = 0; i < n; i++) {
          const s = (member[i] as Int8Array)[i];
          if (s === -1) {
            counts.leaders.undecided++;
            continue;
          }
          counts.leaders.decided++;
          expect(set.has(i), `${describeCase(c)}, τ = ${t}: token ${i}`).toBe(s === 1);
        }
      },
    );
    await checkProperty(FILE, 'leaders: the exact rule a_ii >= m_i − τ·max(1,|m_i|) wherever rounding cannot decide otherwise', property, 500);
    expect(counts.leaders.undecided).toBeLessThan(0.05 * (counts.leaders.decided + counts.leaders.undecided));
  });

  it('neighbourhoods: the exact C_i^δ (absolute and relative gap, includeSelf) wherever rounding cannot decide otherwise', async () => {
    const property = fc.property(
      setArb(1, 12, 1, 5).chain((c) =>
        fc
          .record({
            A: matrixArb(c.d),
            tau: tauArb,
            delta: fc.oneof(fc.constant(undefined), fc.constant(0), fc.constant(Infinity), fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(0.5, 1, 2)),
            gap: fc.constantFrom(undefined, 'absolute', 'relative'),
            includeSelf: fc.constantFrom(undefined, true, false),
          })
          .map((o) => ({ c, ...o })),
      ),
      ({ c, A, tau, delta, gap, includeSelf }) => {
        const { x, n, d } = c;
        counts.neighbourhoods.cases++;
        const must = refusal(x, n, d, A);
        const opts: Record<string, unknown> = {};
        if (A !== null) opts.A = A;
        if (tau !== undefined) opts.tieTolerance = tau;
        if (delta !== undefined) opts.delta = delta;
        if (gap !== undefined) opts.gap = gap;
        if (includeSelf !== undefined) opts.includeSelf = includeSelf;
        let got: ReturnType<typeof neighbourhoods>;
        try {
          got = neighbourhoods(x, n, d, opts);
        } catch (e) {
          expect(e, `${describeCase(c)}: ${String(e)}`).toBeInstanceOf(RangeError);
          expect(must, `${describeCase(c)}: refused although ‖A‖_F·R² < 1e300`).not.toBe('never');
          counts.neighbourhoods.refused++;
          return;
        }
        expect(must, `${describeCase(c)}: not refused although ‖A‖_F·R² >= 1e300`).not.toBe('must');
        const { member, rowMax } = membership(x, n, d, A, delta ?? 0, tau ?? 1e-12, gap === 'relative');
        const rep = representatives(x, n, d);
        expect(got.offsets[0]).toBe(0);
        for (let i = 0; i < n; i++) {
          const lo = got.offsets[i] as number;
          const hi = got.offsets[i + 1] as number;
          expect(got.sizes[i]).toBe(hi - lo);
          expect(hi - lo, 'C_i is never empty').toBeGreaterThan(0);
          const mem = got.members.subarray(lo, hi);
          expect(sortedUnique(mem)).toBe(true);
          const set = new Set(mem);
          const where = `${describeCase(c)}, δ = ${delta}, τ = ${tau}, gap ${gap}, includeSelf ${includeSelf}: C_${i}`;
          const rm = rowMax[i] as { m: number; err: number };
          expect(Math.abs((got.rowMax[i] as number) - rm.m), `${where}: rowMax`).toBeLessThanOrEqual(rm.err + U * Math.abs(rm.m) + 2 ** -1070);
          for (let j = 0; j < n; j++) {
            // identical tokens get identical alignments (includeSelf forces i alone, not its duplicates)
            if (includeSelf !== true || (j !== i && rep[j] !== i)) {
              expect(set.has(j), `${where}: ${j} and its duplicate ${rep[j]}`).toBe(set.has(rep[j] as number));
            }
            if (includeSelf === true && j === i) {
              expect(set.has(j), `${where}: includeSelf`).toBe(true);
              continue;
            }
            const s = (member[i] as Int8Array)[j];
            if (s === -1) {
              counts.neighbourhoods.undecided++;
              continue;
            }
            counts.neighbourhoods.decided++;
            expect(set.has(j), `${where}: member ${j}`).toBe(s === 1);
          }
        }
      },
    );
    await checkProperty(FILE, 'neighbourhoods: the exact C_i^δ (absolute and relative gap, includeSelf) wherever rounding cannot decide otherwise', property, 500);
    expect(counts.neighbourhoods.undecided).toBeLessThan(0.05 * (counts.neighbourhoods.decided + counts.neighbourhoods.undecided));
  });

  it('clusters: a partition between the certain and the possible single-linkage components, labelled by first appearance', async () => {
    const property = fc.property(
      setArb(1, 25, 1, 5).chain((c) =>
        fc
          .record({
            tolKind: fc.constantFrom('default', 'zero', 'infinity', 'pair'),
            a: fc.nat(),
            b: fc.nat(),
            factor: fc.constantFrom(0.5, 0.999999, 1, 1.000001, 2, 10),
          })
          .map((o) => ({ c, ...o })),
      ),
      ({ c, tolKind, a, b, factor }) => {
        const { x, n, d } = c;
        counts.clusters.cases++;
        const { X, E } = toIntegers(x);
        const d2 = (i: number, j: number): bigint => {
          let s = 0n;
          for (let k = 0; k < d; k++) {
            const t = (X[i * d + k] as bigint) - (X[j * d + k] as bigint);
            s += t * t;
          }
          return s;
        };
        let tol: number | undefined;
        let tolRef: number;
        if (tolKind === 'default') {
          let R2 = 0n;
          for (let i = 0; i < n; i++) {
            let s = 0n;
            for (let k = 0; k < d; k++) s += (X[i * d + k] as bigint) ** 2n;
            if (s > R2) R2 = s;
          }
          tol = undefined;
          tolRef = 1e-6 * Math.max(1, bigSqrt(R2, E));
        } else if (tolKind === 'zero') tolRef = tol = 0;
        else if (tolKind === 'infinity') tolRef = tol = Infinity;
        else tolRef = tol = bigSqrt(d2(a % n, b % n), E) * factor;
        if (!Number.isFinite(tolRef) && tolKind !== 'infinity') return; // a pair distance beyond the float range
        const got = clusters(x, n, d, tol);
        // links: 1 certain, 0 impossible, −1 within 1e-12 relative of tol
        const link = (i: number, j: number): number => {
          if (tolRef === Infinity) return 1;
          const dist = bigSqrt(d2(i, j), E);
          if (tolRef === 0) return dist === 0 ? 1 : 0;
          if (dist <= tolRef * (1 - 1e-12)) return 1;
          if (dist >= tolRef * (1 + 1e-12)) return 0;
          counts.clusters.undecidedLinks++;
          return -1;
        };
        const L: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) L[i]![j] = L[j]![i] = link(i, j);
        const components = (ok: (v: number) => boolean): Int32Array => {
          const comp = new Int32Array(n).fill(-1);
          let k = 0;
          for (let s = 0; s < n; s++) {
            if (comp[s] !== -1) continue;
            const stack = [s];
            comp[s] = k;
            while (stack.length > 0) {
              const i = stack.pop() as number;
              for (let j = 0; j < n; j++) if (comp[j] === -1 && ok(L[i]![j]!)) ((comp[j] = k), stack.push(j));
            }
            k++;
          }
          return comp;
        };
        const strict = components((v) => v === 1);
        const loose = components((v) => v !== 0);
        const lab = got.labels;
        const where = `${describeCase(c)}, tol ${tolKind} ${tol}`;
        for (let i = 0; i < n; i++) {
          for (let j = i + 1; j < n; j++) {
            if (strict[i] === strict[j]) expect(lab[i], `${where}: ${i} and ${j} are linked`).toBe(lab[j]);
            if (lab[i] === lab[j]) expect(loose[i], `${where}: ${i} and ${j} cannot be linked`).toBe(loose[j]);
          }
        }
        // numbered by first appearance, sizes and centroids
        let next = 0;
        const sizes = new Array<number>(got.count).fill(0);
        for (let i = 0; i < n; i++) {
          const l = lab[i] as number;
          expect(l).toBeLessThanOrEqual(next);
          if (l === next) next++;
          sizes[l] = (sizes[l] as number) + 1;
        }
        expect(got.count).toBe(next);
        expect(Array.from(got.sizes)).toEqual(sizes);
        for (let l = 0; l < got.count; l++) {
          for (let k = 0; k < d; k++) {
            let s = 0n;
            let big = 0;
            for (let i = 0; i < n; i++) {
              if (lab[i] !== l) continue;
              s += X[i * d + k] as bigint;
              big = Math.max(big, Math.abs(x[i * d + k] as number));
            }
            const want = bigToNumber(s, E) / (sizes[l] as number);
            const g = got.centroids[l * d + k] as number;
            expect(Math.abs(g - want), `${where}: centroid ${l}[${k}]`).toBeLessThanOrEqual(4 * n * U * big + 2 ** -1070);
          }
        }
      },
    );
    await checkProperty(FILE, 'clusters: a partition between the certain and the possible single-linkage components, labelled by first appearance', property, 500);
  });

  it('affineDimension: the number of singular values above tol wherever the singular values leave no doubt', async () => {
    const property = fc.property(
      setArb(1, 12, 1, 5).chain((c) => fc.constantFrom(undefined, 1e-10, 1e-6, 1e-3).map((tol) => ({ c, tol }))),
      ({ c, tol }) => {
        const { x, n, d } = c;
        counts.affine.cases++;
        const got = tol === undefined ? affineDimension(x, n, d) : affineDimension(x, n, d, tol);
        const t = tol ?? 1e-10;
        const rep = representatives(x, n, d);
        const D: number[] = [];
        for (let i = 0; i < n; i++) if (rep[i] === i) D.push(i);
        const where = `${describeCase(c)}, tol ${t}`;
        if (D.length === 1) {
          expect(got, where).toBe(0);
          return;
        }
        const m = D.length;
        const sh = normalisingShift(x);
        const rows = D.slice(1).map((i) => Array.from({ length: d }, (_, k) => scale2(x[i * d + k] as number, sh) - scale2(x[(D[0] as number) * d + k] as number, sh)));
        const sv = singularValues(rows, d);
        const s1 = sv[0] as number;
        // the exact rank, when its smallest singular value is clearly above tol
        const { X } = toIntegers(x);
        const diffs = D.slice(1).map((i) => Array.from({ length: d }, (_, k) => (X[i * d + k] as bigint) - (X[(D[0] as number) * d + k] as bigint)));
        const r = rankBig(diffs, d).rank;
        const above = (k: number) => (sv[k - 1] as number) >= 4 * Math.sqrt(m) * t * s1 && (sv[k - 1] as number) > 1e-12 * s1;
        let want = -1;
        if (above(r)) want = r;
        else {
          // a rounded degenerate set: a clear gap below some singular value
          for (let k = 1; k < Math.min(d, m - 1); k++) {
            if (above(k) && (sv[k] as number) <= 1e-3 * t * (sv[k - 1] as number)) want = k;
          }
        }
        if (want === -1) {
          counts.affine.undecided++;
          return;
        }
        expect(got, `${where}: singular values ${sv.map((v) => (v / s1).toExponential(2)).join(', ')}`).toBe(want);
      },
    );
    await checkProperty(FILE, 'affineDimension: the number of singular values above tol wherever the singular values leave no doubt', property, 500);
    expect(counts.affine.undecided).toBeLessThan(0.2 * counts.affine.cases);
  });
});
