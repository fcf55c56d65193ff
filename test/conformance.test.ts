/**
 * Conformance of every backend × precision to SPEC §1 (hardmax, localmax,
 * softmax), checked against the independent reference in ./reference.ts and
 * against closed forms of SPEC §4 (P1, P2, P3, P4, P6, P8 and the hardmax facts).
 *
 * Tolerances come from the precision (SPEC §4 "tol"): 1e-12·max(1,R) in f64,
 * 1e-5·max(1,R) in f32. For f32 the reference runs in float64 on the
 * float32-rounded input. Threshold rules are discontinuous, so random inputs
 * for hardmax/localmax are taken from seeds whose reference run keeps every
 * alignment at least MARGIN·max(1,|m_i|) away from its threshold (exact ties
 * with the row maximum excepted; see reference.thresholdMargin).
 */
import { describe, expect, it } from 'vitest';
import type { FlatSimulationOptions } from '../ts/types.js';
import {
  argmaxGap,
  diameter,
  leaders,
  maxNorm,
  mean,
  neighbourhood,
  refRun,
  refStep,
  rightMultiply,
  schedules,
  support,
  thresholdMargin,
  type RefDelta,
  type RefOptions,
} from './reference.js';
import {
  COMBOS,
  type Combo,
  type Options,
  Rng,
  asStored,
  expectClose,
  expectExact,
  flatten,
  multiStepTol,
  normOf,
  randomCloud,
  randomMatrix,
  randomOrthogonal,
  runSim,
  seedWithMargin,
  tauOf,
  tolOf,
  trajectory,
  unitDirections,
  withSim,
} from './helpers.js';

/** Margin from every threshold, relative to max(1,|m_i|), for one-step comparisons. */
const MARGIN = { f64: 1e-9, f32: 1e-4 } as const;

/** A non-symmetric d×d matrix whose entries are exact in float32 (no ambiguity in how f32 stores A). */
function nonSymmetricA(d: number): Float64Array {
  const A = randomMatrix(7000 + d, d, 0.6);
  for (let k = 0; k < A.length; k++) A[k] = Math.fround(A[k] as number);
  return A;
}

/** Positions as passed to Simulation.create: a Float32Array for f32 (exercises that input path), else Float64Array. */
function inputFor(x: Float64Array, combo: Combo): Float64Array | Float32Array {
  return combo.precision === 'f32' ? Float32Array.from(x) : x;
}

interface Variant {
  label: string;
  model: 'hardmax' | 'localmax' | 'softmax';
  alpha: number;
  delta?: number;
  beta?: number;
}

const VARIANTS: readonly Variant[] = [
  { label: 'hardmax α=1', model: 'hardmax', alpha: 1 },
  { label: 'localmax δ=0.1 α=0.5', model: 'localmax', alpha: 0.5, delta: 0.1 },
  { label: 'localmax δ=0.5 α=2', model: 'localmax', alpha: 2, delta: 0.5 },
  { label: 'localmax δ=2 α=1', model: 'localmax', alpha: 1, delta: 2 },
  { label: 'softmax β=0 α=1', model: 'softmax', alpha: 1, beta: 0 },
  { label: 'softmax β=1 α=0.7', model: 'softmax', alpha: 0.7, beta: 1 },
  { label: 'softmax β=4 α=1.5', model: 'softmax', alpha: 1.5, beta: 4 },
];

const NS = [1, 2, 7, 33, 100];
const DS = [1, 2, 3, 5, 16];

function refOpts(v: Variant, combo: Combo, A?: Float64Array): RefOptions {
  const o: RefOptions = { model: v.model, alpha: v.alpha, tau: tauOf(combo.precision) };
  if (v.delta !== undefined) o.delta = v.delta;
  if (v.beta !== undefined) o.beta = v.beta;
  if (A !== undefined) o.A = A;
  return o;
}

function simOpts(
  v: { model: Options['model']; alpha?: number; delta?: Options['delta']; beta?: number },
  combo: Combo,
  x: Float64Array,
  n: number,
  d: number,
  A?: Float64Array,
): Options {
  // built for a model chosen at run time: the flat form, checked at run time by Simulation.create
  const o: FlatSimulationOptions = {
    model: v.model,
    positions: inputFor(x, combo),
    n,
    d,
    backend: combo.backend,
    precision: combo.precision,
  };
  if (v.alpha !== undefined) o.alpha = v.alpha;
  if (v.delta !== undefined) o.delta = v.delta;
  if (v.beta !== undefined) o.beta = v.beta;
  if (A !== undefined) o.A = A;
  return o as Options;
}

describe.each(COMBOS)('$name', (combo) => {
  const { precision } = combo;

  // -------------------------------------------------------------------------
  describe('one step equals the reference (n ∈ {1,2,7,33,100}, d ∈ {1,2,3,5,16})', () => {
    for (const v of VARIANTS) {
      for (const useA of [false, true]) {
        it(`${v.label}, A = ${useA ? 'non-symmetric' : 'I'}`, async () => {
          for (const n of NS) {
            for (const d of DS) {
              const A = useA ? nonSymmetricA(d) : undefined;
              const ro = refOpts(v, combo, A);
              const seed0 = 100_000 * (useA ? 2 : 1) + 1000 * n + 10 * d;
              const { x0, seed } = seedWithMargin(
                seed0,
                (s) => asStored(randomCloud(s, n, d), precision),
                n,
                d,
                ro,
                0,
                MARGIN[precision],
              );
              const want = refStep(x0, n, d, ro, 0);
              await withSim(simOpts(v, combo, x0, n, d, A), (sim) => {
                expect(sim.n).toBe(n);
                expect(sim.d).toBe(d);
                expect(sim.t).toBe(0);
                sim.step();
                expect(sim.t).toBe(1);
                const got = sim.positions();
                expect(got).toBeInstanceOf(Float64Array);
                expectClose(got, want, tolOf(precision, normOf(n, d, x0, want)), `n=${n} d=${d} seed=${seed}`);
              });
            }
          }
        });
      }
    }

    if (combo.backend === 'js' && precision === 'f64') {
      it('js/f64 follows the canonical arithmetic of SPEC §0 bit for bit (hardmax, localmax; 20 steps)', async () => {
        // DESIGN.md: the pure-TS backend is "the same algorithm, in the same order" — the readable
        // reference. With the canonical order (ascending j in Σ_{j∈C_i} x_j, then /|C_i|, then
        // x + γ(y − x)) its results are reproducible to the last bit.
        for (const v of VARIANTS.slice(0, 4)) {
          for (const useA of [false, true]) {
            for (const [n, d] of [
              [7, 2],
              [33, 3],
              [100, 16],
            ] as const) {
              const A = useA ? nonSymmetricA(d) : undefined;
              const x0 = randomCloud(17 * n + d, n, d);
              const want = refRun(x0, n, d, refOpts(v, combo, A), 20)[20] as Float64Array;
              const got = await runSim(simOpts(v, combo, x0, n, d, A), 20);
              expectExact(got, want, `${v.label} A=${useA ? 'nonsym' : 'I'} n=${n} d=${d}`);
            }
          }
        }
      });
    }

    it('reports the backend and precision in use', async () => {
      await withSim(simOpts({ model: 'hardmax' }, combo, new Float64Array([0, 1, 1, 0]), 2, 2), (sim) => {
        expect(sim.backend).toBe(combo.backend);
        expect(sim.precision).toBe(combo.precision);
      });
    });
  });

  // -------------------------------------------------------------------------
  describe('the tie tolerance τ·max(1,|m_i|)', () => {
    // p = (1/8, 1/8), u = (0.3, 0), v = (0.1, 0.2). In real arithmetic <p,u> = <p,v> = 0.0375 > <p,p> = 1/32,
    // but in float64 fl(0.1/8 + 0.2/8) = 0.037500000000000006 > fl(0.3/8) = 0.0375: a rounding-level tie.
    // u and v are strict leaders (a_uu = 0.09 > 0.0375, 0.03; a_vv = 0.05 > 0.0375, 0.03): only p moves.
    // Default τ: C_p = {u, v}, p -> p + γ((u+v)/2 − p). τ = 0 (f64): C_p = {v}, p -> p + γ(v − p).
    const x0 = asStored(flatten([[0.125, 0.125], [0.3, 0], [0.1, 0.2]]), precision);
    const tau = tauOf(precision);

    it('default τ keeps a rounding-level tie', async () => {
      expect(neighbourhood(x0, 3, 2, 0, { model: 'hardmax', tau })).toEqual([1, 2]);
      const got = await runSim(simOpts({ model: 'hardmax', alpha: 1 }, combo, x0, 3, 2), 1);
      const want = refStep(x0, 3, 2, { model: 'hardmax', alpha: 1, tau }, 0);
      expectClose(got, want, tolOf(precision, 1), 'step');
      // by hand: (u+v)/2 = (0.2, 0.1), so p -> (0.125 + ½·0.075, 0.125 − ½·0.025) = (0.1625, 0.1125)
      // (towards v alone it would be (0.1125, 0.1625))
      expectClose(got.subarray(0, 2), [0.1625, 0.1125], tolOf(precision, 1), 'p, by hand');
    });

    if (precision === 'f64') {
      it('tieTolerance: 0 reproduces exact equality (the AFZ code): the tie is broken', async () => {
        expect(neighbourhood(x0, 3, 2, 0, { model: 'hardmax', tau: 0 })).toEqual([2]);
        for (const o of [{ model: 'hardmax' as const }, { model: 'localmax' as const, delta: 0 }]) {
          const got = await runSim({ ...simOpts({ ...o, alpha: 1 }, combo, x0, 3, 2), tieTolerance: 0 }, 1);
          expectExact(got, refStep(x0, 3, 2, { ...o, alpha: 1, tau: 0 }, 0), `${o.model} τ=0`);
          expectExact(got.subarray(0, 2), [0.125 + 0.5 * (0.1 - 0.125), 0.125 + 0.5 * (0.2 - 0.125)], 'p -> midpoint of p and v');
        }
      });
    }

    it('τ is relative: with tieTolerance 1e-3 and |m| = 100 a gap of 0.05 is a tie', async () => {
      // x_0 = (10, 0), x_1 = (9.995, 0): a_00 = 100, a_01 = 99.95, a_11 = 99.900025.
      // Row 0: T = 100 − 1e-3·100 = 99.9 -> C_0 = {0,1}; row 1: m = 99.95, T = 99.85005 -> C_1 = {0,1}.
      // (An absolute tolerance 1e-3 would give C_0 = {0} and C_1 = {0}.) α = 1: both move to
      // x + ½((10 + 9.995)/2 − x): x_0 -> 9.99875, x_1 -> 9.99625.
      const x = asStored(flatten([[10, 0], [9.995, 0]]), precision);
      for (const o of [{ model: 'hardmax' as const }, { model: 'localmax' as const, delta: 0 }]) {
        const got = await runSim({ ...simOpts({ ...o, alpha: 1 }, combo, x, 2, 2), tieTolerance: 1e-3 }, 1);
        const want = refStep(x, 2, 2, { ...o, alpha: 1, tau: 1e-3 }, 0);
        expectClose(got, want, tolOf(precision, 10), o.model);
        expectClose(got, [9.99875, 0, 9.99625, 0], tolOf(precision, 10), `${o.model}, by hand`);
      }
    });

    it('a user tieTolerance (0.05) matches the reference on random clouds', async () => {
      for (const [n, d] of [
        [20, 2],
        [33, 3],
      ] as const) {
        const ro: RefOptions = { model: 'hardmax', alpha: 0.5, tau: 0.05 };
        const { x0: xr, traj } = seedWithMargin(
          6100 + n,
          (s) => asStored(randomCloud(s, n, d), precision),
          n,
          d,
          { ...ro, roundF32: precision === 'f32' },
          5,
          MARGIN[precision],
        );
        const got = await runSim({ ...simOpts({ model: 'hardmax', alpha: 0.5 }, combo, xr, n, d), tieTolerance: 0.05 }, 5);
        expectClose(got, traj[5] as Float64Array, multiStepTol(precision, maxNorm(xr, n, d), 5), `n=${n} d=${d}`);
        // and it is not plain hardmax
        const plain = await runSim(simOpts({ model: 'hardmax', alpha: 0.5 }, combo, xr, n, d), 5);
        expect(Math.max(...got.map((g, k) => Math.abs(g - (plain[k] as number))))).toBeGreaterThan(1e-6);
      }
    });
  });

  // -------------------------------------------------------------------------
  describe('P2: localmax with δ = 0 is hardmax bit for bit', () => {
    for (const useA of [false, true]) {
      it(`60 steps, n=33, d=3, A = ${useA ? 'non-symmetric' : 'I'}`, async () => {
        const n = 33;
        const d = 3;
        const A = useA ? nonSymmetricA(d) : undefined;
        const x0 = asStored(randomCloud(424242, n, d), precision);
        const hard = await trajectory(simOpts({ model: 'hardmax', alpha: 0.5 }, combo, x0, n, d, A), 60);
        const local0 = await trajectory(simOpts({ model: 'localmax', alpha: 0.5, delta: 0 }, combo, x0, n, d, A), 60);
        const localDefault = await trajectory(simOpts({ model: 'localmax', alpha: 0.5 }, combo, x0, n, d, A), 60);
        for (let t = 0; t <= 60; t++) {
          expectExact(local0[t] as Float64Array, hard[t] as Float64Array, `t=${t} (δ=0)`);
          expectExact(localDefault[t] as Float64Array, hard[t] as Float64Array, `t=${t} (δ absent)`);
        }
        // The run is not trivial: tokens did move (the hull vertices may not, so diam is no witness).
        let moved = 0;
        for (let k = 0; k < n * d; k++) moved = Math.max(moved, Math.abs((hard[60] as Float64Array)[k]! - (x0[k] as number)));
        expect(moved).toBeGreaterThan(0.05);
      });
    }
  });

  // -------------------------------------------------------------------------
  describe('P3: a δ above every alignment spread gives consensus at the mean', () => {
    const cases: { delta: number; alpha: number; useA: boolean }[] = [
      { delta: 1e6, alpha: 0.5, useA: false },
      { delta: Infinity, alpha: 1, useA: false },
      { delta: Infinity, alpha: 2, useA: true },
      { delta: 1e6, alpha: 1, useA: true },
    ];
    for (const c of cases) {
      it(`δ=${c.delta}, α=${c.alpha}, A = ${c.useA ? 'non-symmetric' : 'I'}: x_i(t) − x̄ = (1+α)^−t (x_i(0) − x̄), t ≤ 20`, async () => {
        const n = 20;
        const d = 3;
        const A = c.useA ? nonSymmetricA(d) : undefined;
        const x0 = asStored(randomCloud(31337, n, d), precision);
        const traj = await trajectory(simOpts({ model: 'localmax', alpha: c.alpha, delta: c.delta }, combo, x0, n, d, A), 20);
        const xbar = mean(x0, n, d);
        const R = maxNorm(x0, n, d);
        const u = precision === 'f64' ? 2 ** -53 : 2 ** -24;
        for (let t = 0; t <= 20; t++) {
          const f = Math.pow(1 + c.alpha, -t);
          const want = new Float64Array(n * d);
          for (let i = 0; i < n; i++) {
            for (let r = 0; r < d; r++) {
              want[i * d + r] = (xbar[r] as number) + f * ((x0[i * d + r] as number) - (xbar[r] as number));
            }
          }
          // tol, plus the rounding bound of the n-term mean accumulated over t steps
          // (each step moves every token by γ·fl(mean), |fl(mean) − mean| <= (n+1)·u·R).
          const tol = tolOf(precision, R) + t * (n + 1) * u * Math.max(1, R);
          expectClose(traj[t] as Float64Array, want, tol, `t=${t}`);
        }
      });
    }
  });

  // -------------------------------------------------------------------------
  describe('P6: the square (±1,±1) plus p = (1, 0.01), α = 0.5', () => {
    const square = [
      [1, 1],
      [1, -1],
      [-1, -1],
      [-1, 1],
    ];
    const x0 = asStored(flatten([...square, [1, 0.01]]), precision);
    const p0y = x0[9] as number; // 0.01 as stored

    it('δ = 0.05: C_p = {(1,1),(1,−1),p}: p_x ≡ 1, p_y(t) = 0.01·(7/9)^t, vertices never move', async () => {
      const T = 30;
      const traj = await trajectory(simOpts({ model: 'localmax', alpha: 0.5, delta: 0.05 }, combo, x0, 5, 2), T);
      const rel = precision === 'f64' ? 1e-12 : 1e-5;
      for (let t = 0; t <= T; t++) {
        const x = traj[t] as Float64Array;
        for (let k = 0; k < 8; k++) expect(x[k], `vertex coordinate ${k} at t=${t}`).toBe(x0[k]);
        expect(x[8], `p_x at t=${t}`).toBe(1);
        const want = p0y * Math.pow(7 / 9, t);
        const py = x[9] as number;
        expect(Math.abs(py - want) <= rel * want, `p_y(${t}) = ${py}, want ${want}`).toBe(true);
      }
      // SPEC's quoted value p_y(30) ≈ 5.3170e-6
      expect(Math.abs((traj[30] as Float64Array)[9]! - 5.317e-6) / 5.317e-6).toBeLessThan(1e-4);
    });

    for (const model of ['hardmax', 'localmax'] as const) {
      it(`${model}${model === 'localmax' ? ' δ = 0' : ''}: p → (1,1) with rate 2/3`, async () => {
        const T = precision === 'f64' ? 60 : 15;
        const o = model === 'localmax' ? { model, alpha: 0.5, delta: 0 } : { model, alpha: 0.5 };
        const traj = await trajectory(simOpts(o, combo, x0, 5, 2), T);
        const tol = tolOf(precision, Math.SQRT2);
        const e0 = 1 - p0y;
        for (let t = 0; t <= T; t++) {
          const x = traj[t] as Float64Array;
          for (let k = 0; k < 8; k++) expect(x[k], `vertex coordinate ${k} at t=${t}`).toBe(x0[k]);
          expect(x[8], `p_x at t=${t}`).toBe(1);
          const e = 1 - (x[9] as number);
          const want = e0 * Math.pow(2 / 3, t);
          expect(Math.abs(e - want) <= tol, `1 − p_y(${t}) = ${e}, want ${want}`).toBe(true);
          const floor = precision === 'f64' ? 1e-6 : 1e-2;
          if (t > 0 && want > floor) {
            const prev = 1 - ((traj[t - 1] as Float64Array)[9] as number);
            expect(Math.abs(e / prev - 2 / 3), `rate at t=${t}`).toBeLessThan(precision === 'f64' ? 1e-6 : 1e-3);
          }
        }
      });
    }
  });

  // -------------------------------------------------------------------------
  describe('P4: fixed points are fixed exactly', () => {
    const square = flatten([
      [1, 1],
      [1, -1],
      [-1, -1],
      [-1, 1],
    ]);
    const cases: { label: string; o: { model: 'hardmax' | 'localmax'; delta?: number } }[] = [
      { label: 'hardmax', o: { model: 'hardmax' } },
      { label: 'localmax δ=0', o: { model: 'localmax', delta: 0 } },
      { label: 'localmax δ=0.5', o: { model: 'localmax', delta: 0.5 } },
      { label: 'localmax δ=1.99', o: { model: 'localmax', delta: 1.99 } },
    ];
    for (const c of cases) {
      it(`square (±1,±1), ${c.label}`, async () => {
        const got = await runSim(simOpts({ ...c.o, alpha: 0.5 }, combo, square, 4, 2), 10);
        expectExact(got, square, 'square after 10 steps');
      });
    }

    for (const o of [{ model: 'hardmax' as const }, { model: 'localmax' as const, delta: 0.05 }]) {
      it(`square plus (1,0) (exact three-way tie), ${o.model}`, async () => {
        const x = flatten([
          [1, 1],
          [1, -1],
          [-1, -1],
          [-1, 1],
          [1, 0],
        ]);
        const got = await runSim(simOpts({ ...o, alpha: 0.5 }, combo, x, 5, 2), 10);
        expectExact(got, x, 'after 10 steps');
      });
    }

    it('a single repeated point (n = 7, dyadic coordinates) under hardmax and localmax', async () => {
      const p = [0.75, -1.5, 0.125];
      const x = flatten(Array.from({ length: 7 }, () => p));
      for (const o of [
        { model: 'hardmax' as const },
        { model: 'localmax' as const, delta: 0.3 },
        { model: 'localmax' as const, delta: Infinity },
      ]) {
        const got = await runSim(simOpts({ ...o, alpha: 1 }, combo, x, 7, 3), 5);
        expectExact(got, x, `${o.model} δ=${'delta' in o ? o.delta : '-'}`);
      }
      // softmax: every weight is equal, y = x up to rounding of the weights
      const got = await runSim(simOpts({ model: 'softmax', beta: 3 }, combo, x, 7, 3), 5);
      expectClose(got, x, tolOf(precision, 2), 'softmax');
    });
  });

  // -------------------------------------------------------------------------
  describe('P1: support functions never increase (64 directions, 200 steps)', () => {
    const MODELS: { label: string; o: { model: Options['model']; alpha: number; delta?: Options['delta']; beta?: number } }[] = [
      { label: 'hardmax', o: { model: 'hardmax', alpha: 0.5 } },
      { label: 'localmax δ=0.1', o: { model: 'localmax', alpha: 1, delta: 0.1 } },
      { label: 'localmax δ(t)=0.5/(1+t)', o: { model: 'localmax', alpha: 2, delta: { kind: 'power', delta0: 0.5, p: 1 } } },
      { label: 'softmax β=2', o: { model: 'softmax', alpha: 0.5, beta: 2 } },
    ];
    for (const m of MODELS) {
      it(m.label, async () => {
        for (const n of [8, 60]) {
          for (const d of [2, 3, 8]) {
            const U = unitDirections(99 + d, 64, d);
            for (const useA of [false, true]) {
              const A = useA ? nonSymmetricA(d) : undefined;
              const x0 = asStored(randomCloud(5000 + 10 * n + d, n, d, 'uniform'), precision);
              const traj = await trajectory(simOpts(m.o, combo, x0, n, d, A), 200);
              const tol = tolOf(precision, maxNorm(x0, n, d));
              let prevH = U.map((u) => support(x0, n, d, u));
              let prevD = diameter(x0, n, d);
              let prevR = maxNorm(x0, n, d);
              for (let t = 1; t <= 200; t++) {
                const x = traj[t] as Float64Array;
                const H = U.map((u) => support(x, n, d, u));
                for (let k = 0; k < 64; k++) {
                  if (!((H[k] as number) <= (prevH[k] as number) + tol)) {
                    expect.fail(`n=${n} d=${d} A=${useA ? 'nonsym' : 'I'}: h_u${k} grew at t=${t}: ${prevH[k]} -> ${H[k]}`);
                  }
                }
                const D = diameter(x, n, d);
                const R = maxNorm(x, n, d);
                if (!(D <= prevD + tol)) expect.fail(`n=${n} d=${d}: diam grew at t=${t}: ${prevD} -> ${D}`);
                if (!(R <= prevR + tol)) expect.fail(`n=${n} d=${d}: R grew at t=${t}: ${prevR} -> ${R}`);
                prevH = H;
                prevD = D;
                prevR = R;
              }
              // not vacuous: tokens did move (hardmax keeps strict-leader vertices, and so diam, fixed)
              let moved = 0;
              for (let k = 0; k < n * d; k++) moved = Math.max(moved, Math.abs((traj[200] as Float64Array)[k]! - (x0[k] as number)));
              expect(moved, `n=${n} d=${d}: max displacement`).toBeGreaterThan(1e-3);
            }
          }
        }
      });
    }
  });

  // -------------------------------------------------------------------------
  describe('equivariance', () => {
    const PV: Variant[] = [
      { label: 'hardmax', model: 'hardmax', alpha: 0.5 },
      { label: 'localmax δ=0.3', model: 'localmax', alpha: 1, delta: 0.3 },
      { label: 'softmax β=1', model: 'softmax', alpha: 1, beta: 1 },
    ];

    function permutation(seed: number, n: number): number[] {
      const rng = new Rng(seed);
      const p = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [p[i], p[j]] = [p[j] as number, p[i] as number];
      }
      return p;
    }
    /** Row k of the result is row perm[k] of x. */
    function permuteRows(x: Float64Array, n: number, d: number, perm: number[]): Float64Array {
      const y = new Float64Array(n * d);
      for (let k = 0; k < n; k++) for (let r = 0; r < d; r++) y[k * d + r] = x[(perm[k] as number) * d + r] as number;
      return y;
    }
    function unpermuteRows(y: Float64Array, n: number, d: number, perm: number[]): Float64Array {
      const x = new Float64Array(n * d);
      for (let k = 0; k < n; k++) for (let r = 0; r < d; r++) x[(perm[k] as number) * d + r] = y[k * d + r] as number;
      return x;
    }

    for (const v of PV) {
      for (const useA of [false, true]) {
        it(`permutation, ${v.label}, A = ${useA ? 'non-symmetric' : 'I'}: 1 and 10 steps to tol`, async () => {
          const n = 33;
          const d = 5;
          const A = useA ? nonSymmetricA(d) : undefined;
          const ro = refOpts(v, combo, A);
          // margin over the 10-step reference run
          const { x0 } = seedWithMargin(777, (s) => asStored(randomCloud(s, n, d), precision), n, d, ro, 10, MARGIN[precision]);
          const perm = permutation(4242, n);
          for (const k of [1, 10]) {
            const direct = await runSim(simOpts(v, combo, x0, n, d, A), k);
            const viaPerm = unpermuteRows(await runSim(simOpts(v, combo, permuteRows(x0, n, d, perm), n, d, A), k), n, d, perm);
            expectClose(viaPerm, direct, multiStepTol(precision, maxNorm(x0, n, d), k), `k=${k}`);
          }
        });
      }
    }

    for (const v of PV.slice(0, 2)) {
      it(`permutation, ${v.label}, dyadic input and A: one step is exactly equivariant`, async () => {
        // Dyadic data (k/64) and A (k/2): every alignment and every sum over C_i is exact,
        // so the canonical arithmetic of SPEC §0 cannot depend on the order of the tokens.
        const n = 40;
        const d = 3;
        const rng = new Rng(2024);
        const A = new Float64Array(d * d);
        for (let k = 0; k < d * d; k++) A[k] = (rng.int(5) - 2) / 2 + (k % (d + 1) === 0 ? 1 : 0);
        const ro = refOpts(v, combo, A);
        const { x0 } = seedWithMargin(
          9000,
          (s) => {
            const r = new Rng(s);
            return Float64Array.from({ length: n * d }, () => (r.int(129) - 64) / 64);
          },
          n,
          d,
          ro,
          0,
          precision === 'f64' ? 1e-9 : 2e-5,
        );
        const perm = permutation(77, n);
        for (const useA of [false, true]) {
          const AA = useA ? A : undefined;
          const direct = await runSim(simOpts(v, combo, x0, n, d, AA), 1);
          const viaPerm = unpermuteRows(await runSim(simOpts(v, combo, permuteRows(x0, n, d, perm), n, d, AA), 1), n, d, perm);
          expectExact(viaPerm, direct, `A=${useA ? 'dyadic' : 'I'}`);
          // and both are the reference
          expectClose(direct, refStep(x0, n, d, refOpts(v, combo, AA), 0), tolOf(precision, maxNorm(x0, n, d)), 'vs reference');
        }
      });
    }

    for (const v of [...PV, { label: 'softmax β=4', model: 'softmax', alpha: 2, beta: 4 } as Variant]) {
      it(`rotation (A = I), ${v.label}: step(XQ) = step(X)Q`, async () => {
        for (const d of [2, 3, 5]) {
          const n = 25;
          const Q = randomOrthogonal(600 + d, d);
          const ro = refOpts(v, combo);
          // the cloud and its rotation (a different rounding of the same points) both need the margin
          let seed = 3000 + 100 * d;
          let x0 = asStored(randomCloud(seed, n, d), precision);
          let xq = asStored(rightMultiply(x0, n, d, Q), precision);
          while (Math.min(thresholdMargin(x0, n, d, ro), thresholdMargin(xq, n, d, ro)) < MARGIN[precision]) {
            seed++;
            x0 = asStored(randomCloud(seed, n, d), precision);
            xq = asStored(rightMultiply(x0, n, d, Q), precision);
          }
          const stepX = await runSim(simOpts(v, combo, x0, n, d), 1);
          const stepXQ = await runSim(simOpts(v, combo, xq, n, d), 1);
          const R = maxNorm(x0, n, d);
          expectClose(stepXQ, rightMultiply(stepX, n, d, Q), tolOf(precision, R), `d=${d}`);
        }
      });
    }
  });

  // -------------------------------------------------------------------------
  describe('softmax at large β approaches hardmax (inputs with a margin)', () => {
    it('β ∈ {200, 1000, 1e4}: |softmax − hardmax| <= γ·2(n−1)e^(−βg)·diam + tol', async () => {
      const n = 12;
      const d = 3;
      const alpha = 1;
      const gamma = alpha / (1 + alpha);
      let seed = 55;
      let x0 = asStored(randomCloud(seed, n, d), precision);
      while (argmaxGap(x0, n, d) < 0.02) x0 = asStored(randomCloud(++seed, n, d), precision);
      const g = argmaxGap(x0, n, d);
      const hard = refStep(x0, n, d, { model: 'hardmax', alpha, tau: tauOf(precision) }, 0);
      const diam = diameter(x0, n, d);
      const tol = tolOf(precision, maxNorm(x0, n, d));
      const errs: number[] = [];
      for (const beta of [200, 1000, 1e4]) {
        const got = await runSim(simOpts({ model: 'softmax', alpha, beta }, combo, x0, n, d), 1);
        const bound = gamma * 2 * (n - 1) * Math.exp(-beta * g) * diam + tol;
        expectClose(got, hard, bound, `β=${beta} (gap ${g})`);
        let e = 0;
        for (let k = 0; k < n * d; k++) e = Math.max(e, Math.abs((got[k] as number) - (hard[k] as number)));
        errs.push(e);
      }
      expect(errs[2]).toBeLessThanOrEqual(tol);
      // and at β = 1 it is visibly not hardmax (the test can tell the two apart)
      const soft1 = await runSim(simOpts({ model: 'softmax', alpha, beta: 1 }, combo, x0, n, d), 1);
      let e1 = 0;
      for (let k = 0; k < n * d; k++) e1 = Math.max(e1, Math.abs((soft1[k] as number) - (hard[k] as number)));
      expect(e1).toBeGreaterThan(1e-3);
    });
  });

  // -------------------------------------------------------------------------
  describe('a non-symmetric A gives the right alignments', () => {
    // x_0 = (1,0), x_1 = (0,1), α = 1 (γ = 1/2), A = [[1,2],[0,1]] row-major [1,2,0,1].
    // With A:  A x_0 = (1,0): a_00 = 1, a_01 = 0  -> C_0 = {0}, x_0 stays (1,0).
    //          A x_1 = (2,1): a_10 = 2, a_11 = 1  -> C_1 = {0}, x_1 -> (0,1) + ½((1,0) − (0,1)) = (½,½).
    // With Aᵀ = [1,0,2,1]:
    //          Aᵀx_0 = (1,2): a_00 = 1, a_01 = 2  -> C_0 = {1}, x_0 -> (1,0) + ½((0,1) − (1,0)) = (½,½).
    //          Aᵀx_1 = (0,1): a_10 = 0, a_11 = 1  -> C_1 = {1}, x_1 stays (0,1).
    // localmax with δ = 0.5 keeps the same sets (every excluded alignment is 1 below the maximum).
    const x0 = new Float64Array([1, 0, 0, 1]);
    const withA = [1, 0, 0.5, 0.5];
    const withAT = [0.5, 0.5, 0, 1];
    const forms: { label: string; A: Options['A']; AT: Options['A'] }[] = [
      { label: 'Float64Array', A: new Float64Array([1, 2, 0, 1]), AT: new Float64Array([1, 0, 2, 1]) },
      { label: 'number[]', A: [1, 2, 0, 1], AT: [1, 0, 2, 1] },
      {
        label: 'number[][] (rows)',
        A: [
          [1, 2],
          [0, 1],
        ],
        AT: [
          [1, 0],
          [2, 1],
        ],
      },
    ];
    for (const f of forms) {
      for (const o of [{ model: 'hardmax' as const }, { model: 'localmax' as const, delta: 0.5 }]) {
        it(`${o.model}, A as ${f.label}`, async () => {
          const base = { ...o, alpha: 1, positions: inputFor(x0, combo), n: 2, d: 2, backend: combo.backend, precision };
          expectExact(await runSim({ ...base, A: f.A }, 1), withA, 'A');
          expectExact(await runSim({ ...base, A: f.AT }, 1), withAT, 'Aᵀ');
          // A = I: a_00 = 1 > a_01 = 0 and a_11 = 1 > a_10 = 0: both tokens are strict leaders.
          expectExact(await runSim(base, 1), x0, 'A = I');
        });
      }
    }
  });

  // -------------------------------------------------------------------------
  describe('δ schedules feed the right δ to each step', () => {
    it('a function schedule is called with t = 0, 1, 2, ... once per step', async () => {
      const n = 7;
      const d = 2;
      const x0 = asStored(randomCloud(808, n, d), precision);
      const calls: number[] = [];
      const fn = (t: number) => {
        calls.push(t);
        return 0.2 / (1 + t);
      };
      await withSim(simOpts({ model: 'localmax', alpha: 1, delta: fn }, combo, x0, n, d), (sim) => {
        sim.step(5);
        sim.step(0);
        sim.step(3);
        expect(sim.t).toBe(8);
      });
      expect(calls).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });

    it('piecewise {starts [0,3], values [0, 10]}: the switch at t = 3 is visible', async () => {
      // hardmax for t = 0,1,2: the square's vertices are strict leaders and stay put;
      // the step 3 -> 4 uses δ = 10 > every alignment spread: uniform averaging moves them.
      const x0 = asStored(
        flatten([
          [1, 1],
          [1, -1],
          [-1, -1],
          [-1, 1],
          [0.2, 0.1],
        ]),
        precision,
      );
      const spec = { kind: 'piecewise' as const, starts: [0, 3], values: [0, 10] };
      const traj = await trajectory(simOpts({ model: 'localmax', alpha: 0.5, delta: spec }, combo, x0, 5, 2), 6);
      for (let t = 0; t <= 3; t++) expectExact((traj[t] as Float64Array).subarray(0, 8), x0.subarray(0, 8), `vertices at t=${t}`);
      expect((traj[4] as Float64Array)[0]).not.toBe(1);
      const ref = refRun(x0, 5, 2, { model: 'localmax', alpha: 0.5, delta: schedules.piecewise([0, 3], [0, 10]), tau: tauOf(precision) }, 6);
      for (let t = 0; t <= 6; t++) expectClose(traj[t] as Float64Array, ref[t] as Float64Array, multiStepTol(precision, Math.SQRT2, t), `t=${t}`);
    });

    const SCHED: { label: string; spec: Options['delta']; ref: RefDelta }[] = [
      { label: 'power δ0=0.4 p=1', spec: { kind: 'power', delta0: 0.4, p: 1 }, ref: schedules.power(0.4, 1) },
      { label: 'power δ0=0.5 p=2', spec: { kind: 'power', delta0: 0.5, p: 2 }, ref: schedules.power(0.5, 2) },
      { label: 'geometric δ0=0.5 ratio=0.8', spec: { kind: 'geometric', delta0: 0.5, ratio: 0.8 }, ref: schedules.geometric(0.5, 0.8) },
      {
        label: 'piecewise starts [0,5,12] values [0.6,0.2,0.05]',
        spec: { kind: 'piecewise', starts: [0, 5, 12], values: [0.6, 0.2, 0.05] },
        ref: schedules.piecewise([0, 5, 12], [0.6, 0.2, 0.05]),
      },
      { label: 'constant object δ=0.3', spec: { kind: 'constant', delta: 0.3 }, ref: 0.3 },
    ];
    for (const s of SCHED) {
      it(`${s.label} matches the reference step by step (25 steps)`, async () => {
        const n = 16;
        const d = 2;
        const ro: RefOptions = { model: 'localmax', alpha: 0.15, delta: s.ref, tau: tauOf(precision) };
        const { x0, traj: ref } = seedWithMargin(
          12_000,
          (seed) => asStored(randomCloud(seed, n, d), precision),
          n,
          d,
          { ...ro, roundF32: precision === 'f32' },
          25,
          // 25 steps drift apart by at most 25·4 ulp(R) ≈ 1.2e-5 in f32: 1e-4 is enough
          precision === 'f64' ? 1e-6 : 1e-4,
        );
        const got = await trajectory(simOpts({ model: 'localmax', alpha: 0.15, delta: s.spec }, combo, x0, n, d), 25);
        for (let t = 0; t <= 25; t++) {
          expectClose(got[t] as Float64Array, ref[t] as Float64Array, multiStepTol(precision, maxNorm(x0, n, d), t), `t=${t}`);
        }
      });
    }

    it('{kind: constant} and a number give the same trajectory bit for bit', async () => {
      const n = 20;
      const d = 3;
      const x0 = asStored(randomCloud(31, n, d), precision);
      const a = await runSim(simOpts({ model: 'localmax', alpha: 1, delta: 0.3 }, combo, x0, n, d), 30);
      const b = await runSim(simOpts({ model: 'localmax', alpha: 1, delta: { kind: 'constant', delta: 0.3 } }, combo, x0, n, d), 30);
      const c = await runSim(simOpts({ model: 'localmax', alpha: 1, delta: () => 0.3 }, combo, x0, n, d), 30);
      expectExact(b, a, 'constant object');
      expectExact(c, a, 'function');
    });
  });

  // -------------------------------------------------------------------------
  describe('degenerate inputs', () => {
    it('n = 1 never moves, every model', async () => {
      for (const d of [1, 3]) {
        const x = asStored(randomCloud(1 + d, 1, d), precision);
        for (const o of [
          { model: 'hardmax' as const },
          { model: 'localmax' as const, delta: 0.4 },
          { model: 'softmax' as const, beta: 2 },
        ]) {
          await withSim(simOpts(o, combo, x, 1, d), (sim) => {
            sim.step(7);
            expect(sim.t).toBe(7);
            expectExact(sim.positions(), x, `${o.model} d=${d}`);
          });
        }
      }
    });

    it('collinear points (a line through the origin and one off it) follow the reference for 10 steps', async () => {
      const n = 15;
      const d = 3;
      for (const [oi, offset] of [
        [0, 0, 0],
        [0.3, -0.2, 0.5],
      ].entries()) {
        const dir = [0.6, -0.48, 0.64];
        for (const v of VARIANTS.slice(0, 6)) {
          const ro = refOpts(v, combo);
          const { x0, traj: ref } = seedWithMargin(
            40 + 1000 * oi,
            (s) => {
              const r = new Rng(s);
              const x = new Float64Array(n * d);
              for (let i = 0; i < n; i++) {
                const t = r.range(-1, 1);
                for (let c = 0; c < d; c++) x[i * d + c] = (offset[c] as number) + t * (dir[c] as number);
              }
              return asStored(x, precision);
            },
            n,
            d,
            { ...ro, roundF32: precision === 'f32' },
            10,
            MARGIN[precision],
          );
          const got = await runSim(simOpts(v, combo, x0, n, d), 10);
          expectClose(got, ref[10] as Float64Array, multiStepTol(precision, maxNorm(x0, n, d), 10), `${v.label} offset ${offset}`);
        }
      }
    });

    it('duplicated tokens stay identical and follow the reference (10 steps)', async () => {
      const m = 10;
      const n = 3 * m;
      const d = 2;
      const base = asStored(randomCloud(61, m, d), precision);
      const x0 = new Float64Array(n * d);
      for (let k = 0; k < 3; k++) for (let i = 0; i < m; i++) for (let r = 0; r < d; r++) x0[(k * m + i) * d + r] = base[i * d + r] as number;
      for (const v of VARIANTS) {
        const ro = { ...refOpts(v, combo), roundF32: precision === 'f32' };
        const ref = refRun(x0, n, d, ro, 10);
        const marginOk = ref.every((x, t) => thresholdMargin(x, n, d, ro, t) >= MARGIN[precision]);
        const got = await runSim(simOpts(v, combo, x0, n, d), 10);
        for (let k = 1; k < 3; k++) {
          expectExact(got.subarray(k * m * d, (k + 1) * m * d), got.subarray(0, m * d), `${v.label}: copy ${k}`);
        }
        if (marginOk) expectClose(got, ref[10] as Float64Array, multiStepTol(precision, maxNorm(x0, n, d), 10), v.label);
      }
    });

    it('AFZ case 3: (±0.5, 0) reach (±1, 0) through exact ties; vertices fixed', async () => {
      const x0 = flatten([
        [1, 1],
        [1, -1],
        [-1, -1],
        [-1, 1],
        [-0.5, 0],
        [0.5, 0],
      ]);
      const traj = await trajectory(simOpts({ model: 'hardmax', alpha: 0.5 }, combo, x0, 6, 2), 100);
      const ref = refRun(x0, 6, 2, { model: 'hardmax', alpha: 0.5, tau: tauOf(precision) }, 100);
      const tol = tolOf(precision, Math.SQRT2);
      for (let t = 0; t <= 100; t++) {
        const x = traj[t] as Float64Array;
        expectExact(x.subarray(0, 8), x0.subarray(0, 8), `vertices at t=${t}`);
        // both ties are exact: y-coordinates stay exactly 0
        expect(x[9], `y of token 4 at t=${t}`).toBe(0);
        expect(x[11], `y of token 5 at t=${t}`).toBe(0);
        if (t <= 20) {
          // the closed form: x(t) = ±(1 − ½(2/3)^t)
          const want = 1 - 0.5 * Math.pow(2 / 3, t);
          expect(Math.abs((x[10] as number) - want), `token 5 at t=${t}`).toBeLessThanOrEqual(multiStepTol(precision, 1, t));
          expect(Math.abs((x[8] as number) + want), `token 4 at t=${t}`).toBeLessThanOrEqual(multiStepTol(precision, 1, t));
          expectClose(x, ref[t] as Float64Array, multiStepTol(precision, 1, t), `reference at t=${t}`);
        }
      }
      expectClose(traj[100] as Float64Array, [1, 1, 1, -1, -1, -1, -1, 1, -1, 0, 1, 0], tol, 'limits');
    });
  });

  // -------------------------------------------------------------------------
  describe('P8 hardmax facts', () => {
    // AFZ case 0 (SPEC 5.1), α = 0.5.
    const x0 = flatten([
      [1, 1 / 3],
      [-1 / 12, 1 / 12],
      [-1, -1],
      [0, 1 / 4],
      [-0.3, -0.7],
      [-0.6, -0.9],
      [0.8, 0.1],
      [0.6, 0.15],
    ]);
    const n = 8;
    const d = 2;
    const tau = tauOf(precision);
    // Before the followers are within τ of their leader (they join the leader's tie set then),
    // the leader set is {0,1,2}: f64 checks t <= 40, f32 (τ = 1e-5) t <= 15.
    const early = precision === 'f64' ? 40 : 15;

    it('AFZ case 0: leaders {0,2} at t=0, {0,1,2} after; token 1 stops at (−1/18, 5/36); limits', async () => {
      const stored = asStored(x0, precision);
      const traj = await trajectory(simOpts({ model: 'hardmax', alpha: 0.5 }, combo, stored, n, d), 200);
      expect(leaders(traj[0] as Float64Array, n, d, undefined, tau)).toEqual([0, 2]);
      for (let t = 1; t <= early; t++) expect(leaders(traj[t] as Float64Array, n, d, undefined, tau), `t=${t}`).toEqual([0, 1, 2]);
      const R = Math.SQRT2;
      const tol = tolOf(precision, R);
      const x1 = traj[1] as Float64Array;
      expectClose(x1.subarray(2, 4), [-1 / 18, 5 / 36], tol, 'token 1 at t=1');
      for (let t = 2; t <= 200; t++) expectExact((traj[t] as Float64Array).subarray(2, 4), x1.subarray(2, 4), `token 1 at t=${t}`);
      for (let t = 1; t <= early; t++) {
        const x = traj[t] as Float64Array;
        expectExact(x.subarray(0, 2), stored.subarray(0, 2), `leader 0 at t=${t}`);
        expectExact(x.subarray(4, 6), stored.subarray(4, 6), `leader 2 at t=${t}`);
      }
      const limits = [
        [1, 1 / 3],
        [-1 / 18, 5 / 36],
        [-1, -1],
      ];
      // followers: 3, 6, 7 -> token 0; 4, 5 -> token 2
      const want = flatten([limits[0]!, limits[1]!, limits[2]!, limits[0]!, limits[2]!, limits[2]!, limits[0]!, limits[0]!]);
      expectClose(traj[200] as Float64Array, want, tol, 'limits after 200 steps');
    });

    it('a follower of a fixed leader v has x(t) − v = (1+α)^−t (x(0) − v)', async () => {
      const stored = asStored(x0, precision);
      const traj = await trajectory(simOpts({ model: 'hardmax', alpha: 0.5 }, combo, stored, n, d), early);
      const followers: [number, number][] = [
        [3, 0],
        [6, 0],
        [7, 0],
        [4, 2],
        [5, 2],
      ];
      // the reference agrees that these are the sets (so the test rests on SPEC §1.1, not on a guess)
      for (const [i, v] of followers) expect(neighbourhood(stored, n, d, i, { model: 'hardmax', tau })).toEqual([v]);
      for (let t = 0; t <= early; t++) {
        const x = traj[t] as Float64Array;
        for (const [i, v] of followers) {
          for (let r = 0; r < d; r++) {
            const vr = stored[v * d + r] as number;
            const want = vr + Math.pow(1.5, -t) * ((stored[i * d + r] as number) - vr);
            const got = x[i * d + r] as number;
            expect(Math.abs(got - want), `token ${i} coord ${r} at t=${t}`).toBeLessThanOrEqual(multiStepTol(precision, Math.SQRT2, t));
          }
        }
      }
    });

    it('a strict leader (C_i = {i}, with a margin) never moves, on random clouds', async () => {
      let checked = 0;
      for (const [n2, d2] of [
        [33, 3],
        [60, 2],
      ] as const) {
        const x = asStored(randomCloud(8080 + n2, n2, d2, 'uniform'), precision);
        const traj = await trajectory(simOpts({ model: 'hardmax', alpha: 1 }, combo, x, n2, d2), 30);
        for (let t = 0; t < 30; t++) {
          const xt = traj[t] as Float64Array;
          const ro: RefOptions = { model: 'hardmax', tau };
          for (let i = 0; i < n2; i++) {
            const C = neighbourhood(xt, n2, d2, i, ro);
            if (C.length !== 1 || C[0] !== i) continue;
            // strict with a margin: no other alignment within 1e-4·max(1,|m|) of the threshold
            const looser = neighbourhood(xt, n2, d2, i, { model: 'localmax', delta: 1e-4 * Math.max(1, maxNorm(xt, n2, d2) ** 2), tau });
            if (looser.length !== 1) continue;
            checked++;
            expectExact((traj[t + 1] as Float64Array).subarray(i * d2, i * d2 + d2), xt.subarray(i * d2, i * d2 + d2), `leader ${i} at t=${t}`);
          }
        }
      }
      expect(checked).toBeGreaterThan(50);
    });
  });
});
