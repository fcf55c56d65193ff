/**
 * Alignment rows, localmax neighbourhoods C_i^δ (SPEC §1.2) and strips Z_i (SPEC §3).
 * Expected values: hand computation (comments), the naive oracle test/reference.ts,
 * brute force written here, and one hardmax step of the js backend.
 */
import { describe, expect, test } from 'vitest';
import { alignmentRow, neighbourhoods, neighbourhoodSizes } from '../../ts/analysis/attention/alignment.js';
import { strip, stripLines2d } from '../../ts/analysis/attention/strips.js';
import { COMBOS, Rng, randomCloud, randomMatrix, tauOf, withSim, flatten, expectExact } from '../helpers.js';
import { alignmentRow as refRow, neighbourhood as refNeighbourhood } from '../reference.js';

const arr = (a: ArrayLike<number>): number[] => Array.from(a);

/** C_i as lists, from the CSR result. */
function lists(r: { offsets: Int32Array; members: Int32Array }, n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(arr(r.members.subarray(r.offsets[i], r.offsets[i + 1])));
  return out;
}

/** Brute force C_i^δ with both gap rules and includeSelf, from the oracle's rows. */
function bruteNeighbourhoods(
  x: ArrayLike<number>,
  n: number,
  d: number,
  o: { delta: number; A?: Float64Array; tau: number; relative?: boolean; includeSelf?: boolean },
): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = refRow(x, n, d, i, o.A);
    const m = Math.max(...a);
    const gap = o.relative ? (m === 0 ? 0 : o.delta * Math.abs(m)) : o.delta;
    const thr = m - gap - o.tau * Math.max(1, Math.abs(m));
    const C: number[] = [];
    for (let j = 0; j < n; j++) if ((a[j] as number) >= thr || (o.includeSelf && j === i)) C.push(j);
    out.push(C);
  }
  return out;
}

const SQUARE = [
  [1, 1],
  [1, -1],
  [-1, -1],
  [-1, 1],
];

describe('alignmentRow', () => {
  test('hand values with A = I and a non-symmetric A', () => {
    // x0 = (1,2), x1 = (3,−1), x2 = (0,0.5)
    const x = [1, 2, 3, -1, 0, 0.5];
    // a_0· = (1+4, 3−2, 0+1) = (5, 1, 1)
    expect(arr(alignmentRow(x, 3, 2, 0))).toEqual([5, 1, 1]);
    // A = [[0,1],[2,0]]: A x1 = (−1, 6); a_1· = (−1+12, −3−6, 0+3) = (11, −9, 3)
    expect(arr(alignmentRow(x, 3, 2, 1, [0, 1, 2, 0]))).toEqual([11, -9, 3]);
  });

  test('equals the oracle bit for bit; out is filled and returned', () => {
    const n = 23;
    const d = 7;
    const x = randomCloud(3, n, d);
    const A = randomMatrix(4, d);
    const out = new Float64Array(n + 2).fill(42);
    for (const i of [0, 5, 22]) {
      expectExact(alignmentRow(x, n, d, i), refRow(x, n, d, i), `row ${i}`);
      const r = alignmentRow(x, n, d, i, A, out);
      expect(r).toBe(out);
      expectExact(r.subarray(0, n), refRow(x, n, d, i, A), `row ${i} with A`);
      expect(out[n]).toBe(42);
    }
    const x32 = Float32Array.from(x);
    expectExact(alignmentRow(x32, n, d, 3, A), alignmentRow(Float64Array.from(x32), n, d, 3, A), 'f32 input');
  });

  test('validation', () => {
    const x = [1, 2, 3, 4];
    expect(() => alignmentRow(x, 2, 2, 2)).toThrow(/i must be an integer in \[0, 2\); got 2/);
    expect(() => alignmentRow(x, 2, 2, 0, null, new Float64Array(1))).toThrow(/out.length must be >= n = 2; got 1/);
    expect(() => alignmentRow(x, 2, 2, 0, null, [0, 0] as never)).toThrow(TypeError);
    expect(() => alignmentRow(Float64Array.of(1, 2, NaN, 4), 2, 2, 0)).toThrow(/x\[2\] \(token 1, coordinate 0\) must be finite; got NaN/);
    expect(() => alignmentRow(Float32Array.of(1, 2, 3, Infinity), 2, 2, 1)).toThrow(/x\[3\].*must be finite; got Infinity/);
    expect(() => alignmentRow([1, 2, '3', 4] as never, 2, 2, 0)).toThrow(/x\[2\].*must be a number/);
    expect(() => alignmentRow(Float64Array.of(1e200, 1, 1e200, 1), 2, 2, 0)).toThrow(/overflow/);
    // a nested d×d matrix is read like a flat one (check.ts readMatrix), as Simulation.create reads it
    expect(Array.from(alignmentRow(x, 2, 2, 0, [[1, 0], [0, 1]]))).toEqual(Array.from(alignmentRow(x, 2, 2, 0, [1, 0, 0, 1])));
    expect(() => alignmentRow(x, 2, 2, 0, [[1, 0], [0]])).toThrow(/A\[1\] must be a row of length 2/);
  });
});

describe('neighbourhoods', () => {
  test('sizes and members equal brute force (random states, A = I and random A, several δ, both gaps)', () => {
    for (const [n, d, seed] of [
      [1, 2, 1],
      [2, 3, 2],
      [5, 2, 3],
      [30, 2, 4],
      [41, 3, 5],
      [66, 8, 6],
    ] as const) {
      const x = randomCloud(seed, n, d, 'uniform');
      for (const A of [undefined, randomMatrix(seed + 10, d, 0.7)]) {
        for (const delta of [0, 0.01, 0.1, 0.5, 2]) {
          for (const relative of [false, true]) {
            const want = bruteNeighbourhoods(x, n, d, { delta, A, tau: 1e-12, relative });
            const got = neighbourhoods(x, n, d, { delta, A, gap: relative ? 'relative' : 'absolute' });
            const label = `n=${n} d=${d} δ=${delta} ${relative ? 'relative' : 'absolute'} ${A ? 'A' : 'I'}`;
            expect(lists(got, n), label).toEqual(want);
            expect(arr(got.sizes), label).toEqual(want.map((c) => c.length));
            expect(got.offsets[n], label).toBe(got.members.length);
            expect(arr(neighbourhoodSizes(x, n, d, { delta, A, gap: relative ? 'relative' : 'absolute' })), label).toEqual(
              want.map((c) => c.length),
            );
            // rowMax is max_j a_ij
            for (const i of [0, n - 1]) expect(got.rowMax[i], label).toBe(Math.max(...refRow(x, n, d, i, A)));
          }
        }
      }
    }
  });

  test('the oracle neighbourhood (localmax, absolute gap) agrees too', () => {
    const n = 50;
    const d = 3;
    const x = randomCloud(8, n, d);
    const A = randomMatrix(9, d);
    const got = lists(neighbourhoods(x, n, d, { delta: 0.2, A }), n);
    for (let i = 0; i < n; i++) expect(got[i]).toEqual(refNeighbourhood(x, n, d, i, { model: 'localmax', delta: 0.2, A, tau: 1e-12 }));
  });

  test('δ = 0 is the hardmax argmax set: one js hardmax step is the mean over C_i', async () => {
    const n = 40;
    const d = 2;
    // a state with exact ties: the square, points on its edges, duplicates, a random cloud
    const rng = new Rng(11);
    const rows = [...SQUARE, [1, 0], [0.3, 1], [1, 1], [-0.2, 0.1]];
    while (rows.length < n) rows.push([rng.range(-0.9, 0.9), rng.range(-0.9, 0.9)]);
    const x = flatten(rows);
    const r = neighbourhoods(x, n, d); // δ = 0 default
    const C = lists(r, n);
    // hand: (1,0) at index 4 ties (1,1), (1,−1), (1,1) (index 6) and itself: a = 1 for all four
    expect(C[4]).toEqual([0, 1, 4, 6]);
    // (1,1) and its copy tie with each other
    expect(C[0]).toEqual([0, 6]);
    expect(C).toEqual(bruteNeighbourhoods(x, n, d, { delta: 0, tau: 1e-12 }));
    const alpha = 0.5;
    const gamma = alpha / (1 + alpha);
    const want = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (const j of C[i] as number[]) s += x[j * d + c] as number;
        const xi = x[i * d + c] as number;
        want[i * d + c] = xi + gamma * (s / (C[i] as number[]).length - xi);
      }
    }
    await withSim({ model: 'hardmax', positions: x, n, d, alpha, backend: 'js' }, (sim) => {
      sim.step(1);
      expectExact(sim.positions(), want, 'hardmax step vs mean over neighbourhoods');
    });
    await withSim({ model: 'localmax', delta: 0.15, positions: x, n, d, alpha, backend: 'js' }, (sim) => {
      const C2 = lists(neighbourhoods(x, n, d, { delta: 0.15 }), n);
      sim.step(1);
      const got = sim.positions();
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < d; c++) {
          let s = 0;
          for (const j of C2[i] as number[]) s += x[j * d + c] as number;
          const xi = x[i * d + c] as number;
          expect(got[i * d + c]).toBe(xi + gamma * (s / (C2[i] as number[]).length - xi));
        }
      }
    });
  });

  test('δ = Infinity gives every token; so does A x_i = 0', () => {
    const n = 9;
    const x = randomCloud(12, n, 3);
    const r = neighbourhoods(x, n, 3, { delta: Infinity });
    expect(arr(r.sizes)).toEqual(new Array(n).fill(n));
    expect(lists(r, n)[4]).toEqual([...Array(n).keys()]);
    // token 2 at the origin: all its alignments are 0
    const y = flatten([[1, 0], [0.5, 0.5], [0, 0], [-1, 0.3]]);
    expect(lists(neighbourhoods(y, 4, 2), 4)[2]).toEqual([0, 1, 2, 3]);
    // a singular A with A x_1 = 0: A = [[1,−1],[1,−1]], x1 = (0.5, 0.5)
    expect(lists(neighbourhoods(y, 4, 2, { A: [1, -1, 1, -1] }), 4)[1]).toEqual([0, 1, 2, 3]);
  });

  test('relative gap, hand computed', () => {
    // x0 = (2,0), x1 = (1.5,0), x2 = (0,1). Row 0: (4, 3, 0), m = 4.
    //   absolute δ = 0.3: 3 < 3.7 -> {0};  relative δ = 0.2: 3 < 4 − 0.8 -> {0};  relative δ = 0.3: 3 >= 2.8 -> {0, 1}
    // Row 2: (0, 0, 1), m = 1. relative δ = 0.5: threshold 0.5 -> {2}; relative δ = 1: threshold 0 − τ -> {0, 1, 2}
    const x = [2, 0, 1.5, 0, 0, 1];
    expect(lists(neighbourhoods(x, 3, 2, { delta: 0.3 }), 3)[0]).toEqual([0]);
    expect(lists(neighbourhoods(x, 3, 2, { delta: 0.2, gap: 'relative' }), 3)[0]).toEqual([0]);
    expect(lists(neighbourhoods(x, 3, 2, { delta: 0.3, gap: 'relative' }), 3)[0]).toEqual([0, 1]);
    expect(lists(neighbourhoods(x, 3, 2, { delta: 0.5, gap: 'relative' }), 3)[2]).toEqual([2]);
    expect(lists(neighbourhoods(x, 3, 2, { delta: 1, gap: 'relative' }), 3)[2]).toEqual([0, 1, 2]);
    // row 1: (3, 2.25, 0), m = 3: relative δ = 0.25 -> threshold 2.25 − τ·3: {0, 1}
    expect(lists(neighbourhoods(x, 3, 2, { delta: 0.25, gap: 'relative' }), 3)[1]).toEqual([0, 1]);
  });

  test('includeSelf forces i ∈ C_i and keeps the members ascending', () => {
    // AFZ case 0: token 1 = (−1/12, 1/12) follows token 3 only (see leaders.test.ts), token 5 follows 2.
    const x = flatten([
      [1, 1 / 3],
      [-1 / 12, 1 / 12],
      [-1, -1],
      [0, 1 / 4],
      [-0.3, -0.7],
      [-0.6, -0.9],
      [0.8, 0.1],
      [0.6, 0.15],
    ]);
    const plain = lists(neighbourhoods(x, 8, 2), 8);
    expect(plain[1]).toEqual([3]);
    expect(plain[5]).toEqual([2]);
    const withSelf = neighbourhoods(x, 8, 2, { includeSelf: true });
    expect(lists(withSelf, 8)[1]).toEqual([1, 3]);
    expect(lists(withSelf, 8)[5]).toEqual([2, 5]);
    expect(lists(withSelf, 8)[0]).toEqual([0]); // already there: not doubled
    expect(arr(neighbourhoodSizes(x, 8, 2, { includeSelf: true }))).toEqual(arr(withSelf.sizes));
    expect(lists(withSelf, 8)).toEqual(bruteNeighbourhoods(x, 8, 2, { delta: 0, tau: 1e-12, includeSelf: true }));
  });

  test('exact ties of (x, 0) against (1, ±1) are kept in float32-rounded inputs', () => {
    // p = (0.5, 0): <p, (1, ±1)> = 0.5 exactly, |p|² = 0.25, so C_p = {(1,1), (1,−1)}.
    const x = Float32Array.from([...SQUARE, [0.5, 0]].flat());
    expect(lists(neighbourhoods(x, 5, 2, { tieTolerance: 0 }), 5)[4]).toEqual([0, 1]);
    // rotated by θ and rounded to float32, the two alignments differ by rounding only
    for (const th of [0.3, 1.1, 2.5]) {
      const c = Math.cos(th);
      const s = Math.sin(th);
      const xr = Float32Array.from([...SQUARE, [0.5, 0]].flatMap(([u, v]) => [c * (u as number) - s * (v as number), s * (u as number) + c * (v as number)]));
      const row = refRow(xr, 5, 2, 4);
      expect(row[0] === row[1], `θ = ${th}: the rounded alignments really differ`).toBe(false);
      expect(lists(neighbourhoods(xr, 5, 2, { tieTolerance: 1e-5 }), 5)[4], `θ = ${th}`).toEqual([0, 1]);
      // the f64 default τ = 1e-12 is far below float32 rounding (~1e-8 here): the tie breaks,
      // which is why f32 states are analysed with τ = 1e-5
      const winner = [(row[0] as number) > (row[1] as number) ? 0 : 1];
      expect(lists(neighbourhoods(xr, 5, 2, { tieTolerance: 1e-12 }), 5)[4], `θ = ${th}, f64 τ`).toEqual(winner);
      expect(lists(neighbourhoods(xr, 5, 2, { tieTolerance: 0 }), 5)[4], `θ = ${th}, τ = 0`).toEqual(winner);
    }
  });

  test('validation', () => {
    const x = flatten(SQUARE);
    expect(() => neighbourhoods(x, 4, 2, { delta: -0.1 })).toThrow(/delta must be a number >= 0 \(Infinity allowed\); got -0.1/);
    expect(() => neighbourhoods(x, 4, 2, { delta: NaN })).toThrow(RangeError);
    expect(() => neighbourhoods(x, 4, 2, { gap: 'rel' as never })).toThrow(/gap must be 'absolute' or 'relative'; got "rel"/);
    expect(() => neighbourhoods(x, 4, 2, { includeSelf: 1 as never })).toThrow(/includeSelf must be true or false; got 1/);
    expect(() => neighbourhoods(x, 4, 2, { tieTolerance: Infinity })).toThrow(/tieTolerance must be a finite number >= 0; got Infinity/);
    expect(() => neighbourhoodSizes(x, 4, 2, null as never)).toThrow(/options must be an object; got null/);
    expect(() => neighbourhoods(x, 4, 3)).toThrow(/x.length must be n\*d = 4\*3 = 12; got 8/);
  });
});

describe('strips', () => {
  test('hand case: x_i = (3,4), δ = 1: width 1/5, lines 3x + 4y = 25 and 24', () => {
    // tokens (3,4), (0,0), (−3,−4), (4,3.2): row of token 0: (25, 0, −25, 24.8), m = 25.
    const x = [3, 4, 0, 0, -3, -4, 4, 3.2];
    const s = strip(x, 4, 2, 0, { delta: 1 });
    expect(arr(s.normal)).toEqual([3, 4]);
    expect(s.upper).toBe(25);
    expect(s.lower).toBe(24);
    expect(s.width).toBeCloseTo(0.2, 15);
    expect(arr(s.members)).toEqual([0, 3]); // 24.8 >= 24
    expect(arr(s.position)).toEqual([3, 4]);
    const L = stripLines2d(s);
    // upper: the foot from (3,4) is (3,4) itself; lower: (3,4) − (1/25)(3,4) = (2.88, 3.84)
    expect(arr(L.upper!.point)).toEqual([3, 4]);
    expect(L.lower!.point[0]).toBeCloseTo(2.88, 14);
    expect(L.lower!.point[1]).toBeCloseTo(3.84, 14);
    expect(arr(L.upper!.direction)).toEqual([-0.8, 0.6]);
    expect(arr(L.lower!.direction)).toEqual([-0.8, 0.6]);
    // the same through the (x, n, d, i, opts) form
    expect(arr(stripLines2d(x, 4, 2, 0, { delta: 1 }).lower!.point)).toEqual(arr(L.lower!.point));
    // δ = 0.1: 24.8 < 24.9 -> only the token itself
    expect(arr(strip(x, 4, 2, 0, { delta: 0.1 }).members)).toEqual([0]);
  });

  test('random states: members are the tokens between the faces, the upper face supports the set', () => {
    for (const [n, d, seed] of [
      [30, 2, 21],
      [45, 5, 22],
    ] as const) {
      const x = randomCloud(seed, n, d, 'uniform');
      for (const A of [undefined, randomMatrix(seed, d, 0.6)]) {
        for (const i of [0, 7, n - 1]) {
          for (const delta of [0.05, 0.3, 1]) {
            const s = strip(x, n, d, i, { delta, A });
            const label = `n=${n} d=${d} i=${i} δ=${delta}`;
            // normal = A x_i, computed here
            for (let r = 0; r < d; r++) {
              let q = 0;
              for (let c = 0; c < d; c++) q += (A ? (A[r * d + c] as number) : r === c ? 1 : 0) * (x[i * d + c] as number);
              expect(s.normal[r], label).toBeCloseTo(q, 14);
            }
            const h = Array.from({ length: n }, (_, j) => {
              let v = 0;
              for (let c = 0; c < d; c++) v += (s.normal[c] as number) * (x[j * d + c] as number);
              return v;
            });
            expect(Math.max(...h), label).toBeCloseTo(s.upper, 13);
            expect(s.lower, label).toBeCloseTo(s.upper - delta, 13);
            let nn = 0;
            for (let c = 0; c < d; c++) nn += (s.normal[c] as number) ** 2;
            expect(s.width, label).toBeCloseTo(delta / Math.sqrt(nn), 13);
            // generic data: no token within 1e-9 of a face, so membership is unambiguous
            const inside: number[] = [];
            for (let j = 0; j < n; j++) {
              const v = h[j] as number;
              expect(Math.abs(v - s.lower) > 1e-9, `${label}: token ${j} is not on the lower face`).toBe(true);
              if (v >= s.lower && v <= s.upper + 1e-12) inside.push(j);
            }
            expect(arr(s.members), label).toEqual(inside);
            // the strip's members are the neighbourhood C_i^δ
            const nb = neighbourhoods(x, n, d, { delta, A });
            expect(arr(s.members), label).toEqual(arr(nb.members.subarray(nb.offsets[i], nb.offsets[i + 1])));
          }
        }
      }
    }
  });

  test('2D lines: on their faces, unit directions orthogonal to the normal, distance = width', () => {
    const x = randomCloud(31, 12, 2);
    const A = randomMatrix(32, 2, 0.9);
    for (const i of [0, 5, 11]) {
      const L = stripLines2d(x, 12, 2, i, { delta: 0.2, A });
      const { normal: nv, upper, lower, width } = L.strip;
      const dot = (p: Float64Array) => (nv[0] as number) * (p[0] as number) + (nv[1] as number) * (p[1] as number);
      expect(dot(L.upper!.point)).toBeCloseTo(upper, 13);
      expect(dot(L.lower!.point)).toBeCloseTo(lower, 13);
      for (const line of [L.upper!, L.lower!]) {
        expect(Math.hypot(line.direction[0] as number, line.direction[1] as number)).toBeCloseTo(1, 15);
        expect(dot(line.direction)).toBeCloseTo(0, 14);
      }
      const gap = Math.hypot((L.upper!.point[0] as number) - (L.lower!.point[0] as number), (L.upper!.point[1] as number) - (L.lower!.point[1] as number));
      expect(gap).toBeCloseTo(width, 13);
    }
  });

  test('degenerate strips: A x_i = 0, δ = Infinity, relative gap', () => {
    const x = [0, 0, 1, 0, -1, 2];
    const s = strip(x, 3, 2, 0, { delta: 0.5 });
    expect(s.upper).toBe(0);
    expect(s.width).toBe(Infinity);
    expect(arr(s.members)).toEqual([0, 1, 2]);
    const L = stripLines2d(s);
    expect(L.upper).toBeNull();
    expect(L.lower).toBeNull();
    const inf = strip(x, 3, 2, 1, { delta: Infinity });
    expect(inf.lower).toBe(-Infinity);
    expect(inf.width).toBe(Infinity);
    expect(arr(inf.members)).toEqual([0, 1, 2]);
    const Li = stripLines2d(inf);
    expect(Li.upper).not.toBeNull();
    expect(Li.lower).toBeNull();
    // relative: row of token 2 = (0, −1, 5), m = 5; δ = 0.3 relative: lower = 3.5
    const rel = strip(x, 3, 2, 2, { delta: 0.3, gap: 'relative' });
    expect(rel.lower).toBe(3.5);
    expect(rel.width).toBeCloseTo(1.5 / Math.sqrt(5), 15);
  });

  test('validation', () => {
    const x = [0, 0, 1, 0];
    expect(() => strip(x, 2, 2, 0, {} as never)).toThrow(/delta must be a number >= 0 \(Infinity allowed\); got undefined/);
    expect(() => strip(x, 2, 2, 0, undefined as never)).toThrow(/options must be an object; got undefined/);
    expect(() => strip(x, 2, 2, 5, { delta: 0 })).toThrow(/i must be an integer in \[0, 2\); got 5/);
    expect(() => stripLines2d([0, 0, 0, 1, 0, 0], 2, 3, 0, { delta: 0 })).toThrow(/d must be 2 .*; got 3/);
    expect(() => stripLines2d(strip([0, 0, 0, 1, 0, 0], 2, 3, 0, { delta: 0 }))).toThrow(/s.normal.length must be 2 .*; got 3/);
  });
});

describe('same result on a view, a copy, a Float32Array and a plain array', () => {
  for (const combo of COMBOS) {
    test(combo.name, async () => {
      const n = 29;
      const d = 2;
      const tau = tauOf(combo.precision);
      const x0 = randomCloud(41, n, d);
      await withSim({ model: 'localmax', delta: 0.05, positions: x0, n, d, alpha: 1, backend: combo.backend, precision: combo.precision }, (sim) => {
        sim.step(5);
        const run = (x: ArrayLike<number>) => ({
          row: arr(alignmentRow(x, n, d, 3)),
          nb: neighbourhoods(x, n, d, { delta: 0.05, tieTolerance: tau }),
          nbA: neighbourhoods(x, n, d, { delta: 0.1, tieTolerance: tau, A: [1, 0.3, -0.2, 1], gap: 'relative', includeSelf: true }),
          sizes: arr(neighbourhoodSizes(x, n, d, { delta: 0.05, tieTolerance: tau })),
          strip: strip(x, n, d, 7, { delta: 0.05, tieTolerance: tau }),
          lines: stripLines2d(x, n, d, 7, { delta: 0.05, tieTolerance: tau }),
        });
        const fromView = run(sim.view()); // read at once, before any other kernel call
        const copy = sim.positions();
        const fromCopy = run(copy);
        expect(fromView).toEqual(fromCopy);
        expect(run(Array.from(copy))).toEqual(fromCopy);
        if (combo.precision === 'f32') expect(run(Float32Array.from(copy))).toEqual(fromCopy);
        expect(Array.from(sim.view())).toEqual(Array.from(copy)); // not mutated
      });
    });
  }
});
