/**
 * Leaders (SPEC §3 "Leaders"), their variants, and the S1/S2 readings.
 * Expected sets come from hand computation (comments), SPEC §4 item 8 / §5.1,
 * or the naive oracle test/reference.ts (alignment rows written independently).
 */
import { describe, expect, test } from 'vitest';
import { leaders, strictLeaders, afzLeaders, attractors } from '../../ts/analysis/attention/leaders.js';
import { s1s2AtState, s1s2ByEmergence, s1s2ByLimit } from '../../ts/analysis/attention/s1s2.js';
import { COMBOS, BACKENDS, Rng, randomCloud, randomMatrix, tauOf, tolOf, withSim, flatten, expectClose } from '../helpers.js';
import { alignmentRow as refRow, leaders as refLeaders } from '../reference.js';

const arr = (a: ArrayLike<number>): number[] => Array.from(a);

/** AFZ Figure 2, case 0 "emerging leader" (SPEC §5.1). */
const CASE0 = flatten([
  [1, 1 / 3],
  [-1 / 12, 1 / 12],
  [-1, -1],
  [0, 1 / 4],
  [-0.3, -0.7],
  [-0.6, -0.9],
  [0.8, 0.1],
  [0.6, 0.15],
]);

const SQUARE = [
  [1, 1],
  [1, -1],
  [-1, -1],
  [-1, 1],
];

function withRandom(rows: number[][], count: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const extra: number[][] = [];
  for (let k = 0; k < count; k++) extra.push([rng.range(-0.5, 0.5), rng.range(-0.5, 0.5)]);
  return flatten([...rows, ...extra]);
}

// Brute force from the naive oracle's alignment rows.
function brute(x: ArrayLike<number>, n: number, d: number, A: Float64Array | undefined, tau: number) {
  const strict: number[] = [];
  const afz: number[] = [];
  const att = new Set<number>();
  const attOthers = new Set<number>();
  for (let i = 0; i < n; i++) {
    const a = refRow(x, n, d, i, A);
    let m = -Infinity;
    for (const v of a) m = Math.max(m, v);
    const thr = m - tau * Math.max(1, Math.abs(m));
    let others = false;
    for (let j = 0; j < n; j++) {
      if ((a[j] as number) >= thr) {
        att.add(j);
        if (j !== i) {
          attOthers.add(j);
          others = true;
        }
      }
    }
    if ((a[i] as number) >= thr && !others) strict.push(i);
    let first = -1;
    for (let j = 0; j < n && first < 0; j++) if (a[j] === m) first = j;
    if (first === i) afz.push(i);
  }
  const sorted = (s: Set<number>) => [...s].sort((p, q) => p - q);
  return { strict, afz, att: sorted(att), attOthers: sorted(attOthers) };
}

describe('AFZ Figure 2 configurations (A = I)', () => {
  test('case 0 at t = 0: leaders {0, 2}', () => {
    // a_ii vs the best other alignment:
    //   0: |x0|² = 10/9 ≈ 1.111 > <x0,x6> = 0.8 + 1/30 ≈ 0.833            -> leader (strict)
    //   1: |x1|² = 2/144 = 1/72 ≈ 0.0139 < <x1,x3> = (1/12)(1/4) = 1/48      -> follows 3
    //   2: |x2|² = 2 > <x2,x5> = 0.6 + 0.9 = 1.5                               -> leader (strict)
    //   3: |x3|² = 1/16 < <x3,x0> = (1/4)(1/3) = 1/12                          -> follows 0
    //   4: 0.58 < <x4,x2> = 1.0; 5: 1.17 < 1.5; 6: 0.65 < <x6,x0> ≈ 0.833; 7: 0.3825 < <x7,x0> = 0.65
    expect(arr(leaders(CASE0, 8, 2))).toEqual([0, 2]);
    expect(arr(strictLeaders(CASE0, 8, 2))).toEqual([0, 2]);
    expect(arr(afzLeaders(CASE0, 8, 2))).toEqual([0, 2]);
    // argmax targets: 0->0, 1->3, 2->2, 3->0, 4->2, 5->2, 6->0, 7->0
    expect(arr(attractors(CASE0, 8, 2))).toEqual([0, 2, 3]);
    expect(arr(attractors(CASE0, 8, 2, null, 1e-12, { othersOnly: true }))).toEqual([0, 2, 3]);
  });

  for (const combo of COMBOS) {
    // A follower x = v + c·e (c = 1.5^−t) of leader v has |x|² − <x,v> = c<v,e> + c²|e|², with
    // <v,e> <= −0.27 for tokens 3..7: below −τ·max(1,|m|) while 0.27·1.5^−t > 10·τ·2, i.e.
    // t <= 30 for τ = 1e-12 and t <= 15 for τ = 1e-5 (after that a follower is within the
    // tie tolerance of its leader and counts as tied, which is what τ is for).
    const tMax = combo.precision === 'f64' ? 30 : 15;
    test(`case 0 with Simulation ${combo.name}: leaders {0, 1, 2} for t = 1..${tMax}`, async () => {
      // After one step (γ = 1/3): x1 -> x1 + (x3 − x1)/3 = (−1/18, 5/36) and x3 -> (1/3, 5/18).
      // Then |x1|² = 29/1296 > <x1,x3> = (−2/3 + 25/18)/36 = 26/1296, and every other
      // <x1,x_j> < 0, so 1 is a (strict) leader; x3 moves towards x0 = (1, 1/3), which
      // lowers <x1,x3> = (−2 x + 5 y)/36, so 1 stays a strict leader. The followers of
      // 0 and 2 (3..7) satisfy <x, x − v> < 0 all along their segment towards v, so none
      // becomes a leader.
      const tau = tauOf(combo.precision);
      await withSim({ model: 'hardmax', positions: CASE0, n: 8, d: 2, alpha: 0.5, backend: combo.backend, precision: combo.precision }, (sim) => {
        expect(arr(leaders(sim.view(), 8, 2, null, tau))).toEqual([0, 2]);
        sim.step(1);
        const v = sim.view();
        expect(arr(leaders(v, 8, 2, null, tau))).toEqual([0, 1, 2]);
        expect(arr(strictLeaders(v, 8, 2, null, tau))).toEqual([0, 1, 2]);
        // token 1 is its own (only) target, nobody else's: targets 0->0, 1->1, 2->2, 3..7 -> 0 or 2
        expect(arr(attractors(v, 8, 2, null, tau))).toEqual([0, 1, 2]);
        expect(arr(attractors(v, 8, 2, null, tau, { othersOnly: true }))).toEqual([0, 2]);
        expectClose([v[2] as number, v[3] as number], [-1 / 18, 5 / 36], tolOf(combo.precision, 1), 'x1(1)');
        for (let t = 2; t <= tMax; t++) {
          sim.step(1);
          expect(arr(leaders(sim.view(), 8, 2, null, tau)), `t = ${t}`).toEqual([0, 1, 2]);
        }
      });
    });
  }

  test('case 3: square plus (±0.5, 0) plus 4 random points in [−0.5,0.5]²: the 4 corners', () => {
    // A corner c has |c|² = 2 and <c,y> <= |y1| + |y2| < 2 for every other y in [−1,1]² \ {c}: strict leader.
    // A point p ≠ 0 with |p_k| <= 0.5 has <p, (sgn p1, sgn p2)> = |p1| + |p2| > p1² + p2² = |p|²:
    // not a leader (e.g. (−0.5,0): 0.25 < 0.5).
    for (const seed of [1, 2, 3]) {
      const x = withRandom([...SQUARE, [-0.5, 0], [0.5, 0]], 4, seed);
      expect(arr(leaders(x, 10, 2))).toEqual([0, 1, 2, 3]);
      expect(arr(strictLeaders(x, 10, 2))).toEqual([0, 1, 2, 3]);
      expect(arr(afzLeaders(x, 10, 2))).toEqual([0, 1, 2, 3]);
    }
  });

  test('case 2: square plus 6 random points in [−0.5,0.5]²: the 4 corners', () => {
    // Same argument as case 3.
    for (const seed of [4, 5, 6]) {
      const x = withRandom(SQUARE, 6, seed);
      expect(arr(leaders(x, 10, 2))).toEqual([0, 1, 2, 3]);
      expect(arr(strictLeaders(x, 10, 2))).toEqual([0, 1, 2, 3]);
    }
  });
});

describe('a non-symmetric A changes the leader set', () => {
  // x0 = (1,0), x1 = (0,1), x2 = (−1,−1); A = [[1,2],[0,1]] (row-major [1,2,0,1]).
  // A = I: |x0|² = 1 > 0, −1; |x1|² = 1 > 0, −1; |x2|² = 2 > −1, −1          -> {0, 1, 2}
  // A:  A x0 = (1,0): a00 = 1 > a01 = 0, a02 = −1                          -> leader
  //     A x1 = (2,1): a11 = 1 < a10 = 2                                     -> not a leader
  //     A x2 = (−3,−1): a22 = 4 > a20 = −3, a21 = −1                        -> leader      => {0, 2}
  // A^T = [[1,0],[2,1]]: A^T x0 = (1,2): a00 = 1 < a01 = 2                  -> not a leader
  //     A^T x1 = (0,1): a11 = 1 > 0, −1; A^T x2 = (−1,−3): a22 = 4 > −1, −3 => {1, 2}
  const x = flatten([
    [1, 0],
    [0, 1],
    [-1, -1],
  ]);
  test('hand-computed sets for I, A and A^T', () => {
    expect(arr(leaders(x, 3, 2))).toEqual([0, 1, 2]);
    expect(arr(leaders(x, 3, 2, [1, 2, 0, 1]))).toEqual([0, 2]);
    expect(arr(leaders(x, 3, 2, Float64Array.of(1, 0, 2, 1)))).toEqual([1, 2]);
    expect(arr(leaders(x, 3, 2, Float32Array.of(1, 0, 0, 1)))).toEqual([0, 1, 2]);
    // token 1 follows token 0 under A
    expect(arr(attractors(x, 3, 2, [1, 2, 0, 1]))).toEqual([0, 2]);
  });
});

describe('ties and degenerate inputs', () => {
  test('duplicates: all tie, none strict, AFZ keeps the first', () => {
    // rows: x0 = x1 = (1,0), x2 = (0,1). Row 0 and row 1: a = (1, 1, 0): both leaders, tied
    // with each other (not strict); the first index of the maximum is 0 in both rows.
    const x = flatten([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    expect(arr(leaders(x, 3, 2))).toEqual([0, 1, 2]);
    expect(arr(strictLeaders(x, 3, 2))).toEqual([2]);
    expect(arr(afzLeaders(x, 3, 2))).toEqual([0, 2]);
    expect(arr(attractors(x, 3, 2))).toEqual([0, 1, 2]);
    expect(arr(attractors(x, 3, 2, null, 1e-12, { othersOnly: true }))).toEqual([0, 1]);
  });

  test('a point on an edge ties with the edge ends; a token at the origin is a leader', () => {
    // p = (1,0): <p,(1,±1)> = 1 = |p|², and every other corner gives −1: a non-strict leader.
    // o = (0,0): every alignment is 0, so o is a leader, tied with everyone.
    const x = flatten([...SQUARE, [1, 0], [0, 0]]);
    expect(arr(leaders(x, 6, 2))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(arr(strictLeaders(x, 6, 2))).toEqual([0, 1, 2, 3]);
    // row 4 = (1, 1, −1, −1, 1, 0): first maximum at index 0, so 4 is not an AFZ leader;
    // row 5 is all zeros: first maximum at index 0.
    expect(arr(afzLeaders(x, 6, 2))).toEqual([0, 1, 2, 3]);
  });

  test('n = 1', () => {
    expect(arr(leaders([0.3, -2], 1, 2))).toEqual([0]);
    expect(arr(strictLeaders([0.3, -2], 1, 2))).toEqual([0]);
    expect(arr(afzLeaders([0, 0], 1, 2))).toEqual([0]);
    expect(arr(attractors([0.3, -2], 1, 2))).toEqual([0]);
    expect(arr(attractors([0.3, -2], 1, 2, null, 1e-12, { othersOnly: true }))).toEqual([]);
  });

  test('exact ties survive float32 rounding with τ = 1e-5 (rotated square, p on an edge)', () => {
    // The square rotated by θ with p = R(1,0) on the edge between R(1,1) and R(1,−1):
    // exactly |p|² = <p,R(1,±1)> = 1. Rounded to float32 the three alignments differ
    // by ~1e-7; τ·max(1,|m|) = 1e-5 keeps the tie, τ = 0 does not.
    const th = 0.3;
    const c = Math.cos(th);
    const s = Math.sin(th);
    const rot = (p: number[]) => [c * (p[0] as number) - s * (p[1] as number), s * (p[0] as number) + c * (p[1] as number)];
    const x32 = Float32Array.from([...SQUARE, [1, 0]].flatMap(rot));
    const row = refRow(x32, 5, 2, 4);
    expect(new Set([row[0], row[1], row[4]]).size, 'the rounded alignments really differ').toBeGreaterThan(1);
    expect(arr(leaders(x32, 5, 2, null, 1e-5))).toEqual([0, 1, 2, 3, 4]);
    expect(arr(strictLeaders(x32, 5, 2, null, 1e-5))).toEqual([0, 1, 2, 3]);
    // with τ = 0 the rounding decides: the brute force says whether 4 is a leader
    const m = Math.max(...row);
    expect(arr(leaders(x32, 5, 2, null, 0)).includes(4)).toBe(row[4] === m);
  });
});

describe('random states against the naive oracle', () => {
  const shapes: [number, number][] = [
    [1, 3],
    [2, 2],
    [3, 1],
    [5, 2],
    [7, 3],
    [33, 2],
    [64, 5],
    [101, 16],
  ];
  for (const [n, d] of shapes) {
    test(`n = ${n}, d = ${d}: A = I, explicit I, random A; leaders, strict, AFZ, attractors`, () => {
      const x = randomCloud(1000 + n * d, n, d, 'uniform');
      const I = new Float64Array(d * d);
      for (let k = 0; k < d; k++) I[k * d + k] = 1;
      for (const [label, A] of [
        ['I', undefined],
        ['explicit I', I],
        ['random A', randomMatrix(7 + n, d, 0.8)],
      ] as const) {
        for (const tau of [1e-12, 0.05]) {
          const want = refLeaders(x, n, d, A, tau);
          expect(arr(leaders(x, n, d, A, tau)), `${label} τ=${tau}`).toEqual(want);
          const b = brute(x, n, d, A, tau);
          expect(arr(strictLeaders(x, n, d, A, tau)), `${label} strict τ=${tau}`).toEqual(b.strict);
          expect(arr(attractors(x, n, d, A, tau)), `${label} attractors τ=${tau}`).toEqual(b.att);
          expect(arr(attractors(x, n, d, A, tau, { othersOnly: true })), `${label} attractors (others) τ=${tau}`).toEqual(b.attOthers);
          if (tau === 1e-12) expect(arr(afzLeaders(x, n, d, A)), `${label} AFZ`).toEqual(b.afz);
        }
      }
    });
  }

  test('clustered state with duplicates (n = 50, d = 3): brute force agrees', () => {
    const rng = new Rng(99);
    const centres = randomCloud(5, 4, 3);
    const x = new Float64Array(50 * 3);
    for (let i = 0; i < 50; i++) {
      const k = rng.int(4);
      for (let c = 0; c < 3; c++) x[i * 3 + c] = centres[k * 3 + c] as number;
    }
    const b = brute(x, 50, 3, undefined, 1e-12);
    expect(arr(leaders(x, 50, 3))).toEqual(refLeaders(x, 50, 3));
    expect(arr(strictLeaders(x, 50, 3))).toEqual(b.strict);
    expect(b.strict).toEqual([]); // every token has duplicates
    expect(arr(afzLeaders(x, 50, 3))).toEqual(b.afz);
    expect(arr(attractors(x, 50, 3))).toEqual(b.att);
  });
});

describe('S1/S2 readings', () => {
  // square, a copy of the corner (1,1) at index 4, and p = (0.9, 1) at index 5 (|p|² = 1.81 < <p,x0> = 1.9).
  const x = flatten([...SQUARE, [1, 1], [0.9, 1]]);
  test('(a) at a state: neighbourhoods of the leaders vs their own position', () => {
    // Leaders: 0..4 (0 and 4 coincide). Row of (1,1): a = (2, 0, −2, 0, 2, 1.9).
    // δ = 0.05: C = {0, 4}, both at (1,1) -> S1; corners 1..3 are alone (their rows:
    // 2 then at most 0.1) -> S1.
    let r = s1s2AtState(x, 6, 2, { delta: 0.05 });
    expect(arr(r.leaders)).toEqual([0, 1, 2, 3, 4]);
    expect(arr(r.S1)).toEqual([0, 1, 2, 3, 4]);
    expect(arr(r.S2)).toEqual([]);
    // δ = 0.2: 1.9 >= 1.8, so p joins the strips of 0 and 4 -> S2.
    r = s1s2AtState(x, 6, 2, { delta: 0.2 });
    expect(arr(r.S1)).toEqual([1, 2, 3]);
    expect(arr(r.S2)).toEqual([0, 4]);
    // δ = 2.5: the row of (1,−1) is (0, 2, 0, −2, 0, −0.1): 0 >= −0.5 brings other corners in.
    r = s1s2AtState(x, 6, 2, { delta: 2.5 });
    expect(arr(r.S1)).toEqual([]);
    expect(arr(r.S2)).toEqual([0, 1, 2, 3, 4]);
    // relative gap, δ = 0.1: threshold 2 − 0.2 = 1.8 for the corners, like δ = 0.2 absolute
    r = s1s2AtState(x, 6, 2, { delta: 0.1, gap: 'relative' });
    expect(arr(r.S2)).toEqual([0, 4]);
  });

  test('(a) positionTol: a near-copy counts as "at the position" only within the tolerance', () => {
    // the copy moved tangentially, (1 + e, 1 − e): <x0, copy> = 2 = |x0|², |copy|² = 2 + 2e² > 2,
    // so both stay leaders; their distance is √2·e.
    const e = 1e-7;
    const y = flatten([...SQUARE, [1 + e, 1 - e]]);
    expect(arr(leaders(y, 5, 2))).toEqual([0, 1, 2, 3, 4]);
    let r = s1s2AtState(y, 5, 2, { delta: 0.01 });
    expect(arr(r.S2)).toEqual([0, 4]); // default positionTol 1e-9·√2 < √2·1e-7
    r = s1s2AtState(y, 5, 2, { delta: 0.01, positionTol: 2e-7 });
    expect(arr(r.S2)).toEqual([]);
    expect(arr(r.S1)).toEqual([0, 1, 2, 3, 4]);
  });

  for (const backend of BACKENDS) {
    test(`(b) by emergence on AFZ case 0 (${backend}): S1 = {0, 2}, S2 = {1}`, async () => {
      await withSim({ model: 'hardmax', positions: CASE0, n: 8, d: 2, alpha: 0.5, backend }, (sim) => {
        const x0 = sim.positions();
        sim.step(5);
        const r = s1s2ByEmergence(x0, sim.view(), 8, 2);
        expect(arr(r.S1)).toEqual([0, 2]);
        expect(arr(r.S2)).toEqual([1]);
      });
    });
  }

  test('(b) a leader that is lost is in neither part', () => {
    // a: (1,0), (0,1), (−1,−1): leaders {0, 1, 2} (see the A = I case above).
    // b: token 1 moved inside to (0.2, 0.2): |.|² = 0.08 < <., x0> = 0.2, so leaders(b) = {0, 2}.
    const a = flatten([
      [1, 0],
      [0, 1],
      [-1, -1],
    ]);
    const b = flatten([
      [1, 0],
      [0.2, 0.2],
      [-1, -1],
    ]);
    const r = s1s2ByEmergence(a, b, 3, 2);
    expect(arr(r.S1)).toEqual([0, 1, 2]);
    expect(arr(r.S2)).toEqual([]);
    const back = s1s2ByEmergence(b, a, 3, 2);
    expect(arr(back.S1)).toEqual([0, 2]);
    expect(arr(back.S2)).toEqual([1]);
  });

  test('(c) by limit flags', () => {
    expect(arr(s1s2ByLimit([true, false, true, false]).S1)).toEqual([0, 2]);
    expect(arr(s1s2ByLimit([true, false, true, false]).S2)).toEqual([1, 3]);
    const r = s1s2ByLimit(Uint8Array.of(0, 0, 1));
    expect(arr(r.S1)).toEqual([2]);
    expect(arr(r.S2)).toEqual([0, 1]);
    expect(() => s1s2ByLimit('101' as never)).toThrow(TypeError);
  });
});

describe('same result on a view, a copy, a Float32Array and a plain array', () => {
  for (const combo of COMBOS) {
    test(combo.name, async () => {
      const n = 37;
      const d = 3;
      const tau = tauOf(combo.precision);
      const x0 = randomCloud(77, n, d);
      await withSim({ model: 'localmax', delta: 0.05, positions: x0, n, d, alpha: 1, backend: combo.backend, precision: combo.precision }, (sim) => {
        sim.step(6); // a few steps: clusters forming, ties between coincident tokens
        const run = (x: ArrayLike<number>) => ({
          L: arr(leaders(x, n, d, null, tau)),
          S: arr(strictLeaders(x, n, d, null, tau)),
          F: arr(afzLeaders(x, n, d)),
          T: arr(attractors(x, n, d, null, tau)),
          a: s1s2AtState(x, n, d, { delta: 0.05, tieTolerance: tau }),
          b: s1s2ByEmergence(x0, x, n, d, { tieTolerance: tau }),
        });
        const fromView = run(sim.view()); // read at once, before any other kernel call
        const copy = sim.positions();
        const fromCopy = run(copy);
        expect(fromView).toEqual(fromCopy);
        expect(run(Array.from(copy))).toEqual(fromCopy);
        if (combo.precision === 'f32') {
          expect(sim.view()).toBeInstanceOf(Float32Array);
          expect(run(Float32Array.from(copy))).toEqual(fromCopy);
        }
        // the view is not modified
        expect(Array.from(sim.view())).toEqual(Array.from(copy));
      });
    });
  }
});

describe('validation', () => {
  const x = flatten(SQUARE);
  test('errors name the argument and the value', () => {
    expect(() => leaders(x, 0, 2)).toThrow(/n must be an integer >= 1; got 0/);
    expect(() => leaders(x, 4, 1.5)).toThrow(/d must be an integer >= 1; got 1.5/);
    expect(() => leaders(x, 5, 2)).toThrow(RangeError);
    expect(() => leaders(x, 5, 2)).toThrow(/x.length must be n\*d = 5\*2 = 10; got 8/);
    expect(() => leaders(x, 4, 2, [1, 0, 0])).toThrow(/A.length must be d\*d = 4 .*; got 3/);
    expect(() => leaders(x, 4, 2, [1, 0, NaN, 1])).toThrow(/A\[2\].*must be finite; got NaN/);
    expect(() => leaders(x, 4, 2, null, -1)).toThrow(/tieTolerance must be a finite number >= 0; got -1/);
    expect(() => leaders([1, 2, Infinity, 0], 2, 2)).toThrow(/x\[2\] \(token 1, coordinate 0\) must be finite; got Infinity/);
    expect(() => leaders('abc' as never, 1, 1)).toThrow(TypeError);
    expect(() => leaders(Float32Array.of(1, NaN), 1, 2)).toThrow(/x\[1\] \(token 0, coordinate 1\) must be finite; got NaN/);
    expect(() => afzLeaders(Float64Array.of(1, 2, 3, -Infinity), 2, 2)).toThrow(/x\[3\].*must be finite; got -Infinity/);
    expect(() => leaders([1e200, 0], 1, 2)).toThrow(/overflow/);
    expect(() => strictLeaders(x, 4, 2, undefined, NaN)).toThrow(RangeError);
    expect(() => attractors(x, 4, 2, undefined, 1e-12, { othersOnly: 1 as never })).toThrow(TypeError);
    expect(() => s1s2AtState(x, 4, 2, {} as never)).toThrow(/delta must be a number >= 0 \(Infinity allowed\); got undefined/);
    expect(() => s1s2AtState(x, 4, 2, { delta: -1 })).toThrow(/delta must be a number >= 0/);
  });

  test('inputs are not mutated', () => {
    const y = Float64Array.from(CASE0);
    leaders(y, 8, 2);
    attractors(y, 8, 2, [1, 0.5, 0, 1]);
    s1s2AtState(y, 8, 2, { delta: 0.3 });
    expect(arr(y)).toEqual(arr(CASE0));
  });
});
