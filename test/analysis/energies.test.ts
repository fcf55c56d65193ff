/**
 * Energies and Lyapunov candidates (SPEC §3 "Lyapunov candidates", §2.3,
 * §4 item 1 P1). Brute-force values are plain double loops written here;
 * P1 (support functions, diameter and R non-increasing) is a theorem of the
 * scalar-step models, checked on real runs of both backends.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../ts/index.js';
import { energySeries, lyapunovReport, monotonicity } from '../../ts/analysis/dynamics/energies.js';
import { directionBank } from '../../ts/analysis/geometry/support.js';
import type { Trajectory } from '../../ts/analysis/dynamics/trajectory.js';
import { handBuilt, record } from './trajectories.js';
import { Rng, randomCloud, randomMatrix, type BackendName, type Options } from '../helpers.js';



/** Brute force at one state: every candidate by direct double loops. */
function brute(x: ArrayLike<number>, n: number, d: number, dirs: Float64Array, r: number, beta: number) {
  const m = dirs.length / d;
  const support = new Float64Array(m).fill(-Infinity);
  for (let u = 0; u < m; u++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += dirs[u * d + c]! * x[i * d + c]!;
      support[u] = Math.max(support[u]!, s);
    }
  let diam = 0;
  let R = 0;
  let hk = 0;
  let E = 0;
  const mean = new Array(d).fill(0);
  for (let i = 0; i < n; i++) {
    let q = 0;
    for (let c = 0; c < d; c++) {
      q += x[i * d + c]! ** 2;
      mean[c] += x[i * d + c]! / n;
    }
    R = Math.max(R, Math.sqrt(q));
    for (let j = 0; j < n; j++) {
      let dd = 0;
      let dot = 0;
      for (let c = 0; c < d; c++) {
        dd += (x[i * d + c]! - x[j * d + c]!) ** 2;
        dot += x[i * d + c]! * x[j * d + c]!;
      }
      diam = Math.max(diam, Math.sqrt(dd));
      hk += Math.min(dd, r * r);
      E += Math.exp(beta * dot);
    }
  }
  let variance = 0;
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) variance += (x[i * d + c]! - mean[c]) ** 2 / n;
  const energy = beta > 0 ? E / (2 * beta * n * n) : mean.reduce((s, v) => s + v * v, 0) / 2;
  return { support, diam, R, hk, variance, energy };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

describe('energySeries equals brute force', () => {
  const rng = new Rng(77);
  for (const [n, d] of [
    [1, 2],
    [7, 2],
    [12, 3],
    [9, 5],
  ] as const) {
    for (const beta of [0, 0.5, 3, 40]) {
      for (const r of [0.3, Infinity]) {
        it(`n = ${n}, d = ${d}, β = ${beta}, r = ${r}`, () => {
          const frames = [0, 1, 2].map(() => Float64Array.from({ length: n * d }, () => rng.range(-1, 1)));
          const tr = handBuilt(frames, n, d, [0, 3, 10]);
          const es = energySeries(tr, { beta, hkRadius: r });
          const dirs = directionBank(d, 64, 1);
          expect(es.m).toBe(64);
          expect(Array.from(es.times)).toEqual([0, 3, 10]);
          frames.forEach((x, s) => {
            const b = brute(x, n, d, dirs, r, beta);
            for (let u = 0; u < 64; u++) expect(Math.abs(es.support[s * 64 + u]! - b.support[u]!)).toBeLessThan(1e-15);
            expect(Math.abs(es.diameter[s]! - b.diam)).toBeLessThan(1e-15);
            expect(es.radius[s]).toBe(b.R);
            expect(rel(es.variance[s]!, b.variance)).toBeLessThan(1e-12);
            if (n > 1) expect(rel(es.hk[s]!, b.hk)).toBeLessThan(1e-12);
            else expect(es.hk[s]).toBe(0);
            expect(rel(es.softmaxEnergy[s]!, b.energy)).toBeLessThan(1e-12);
            expect(es.softmaxEnergy[s]!).toBeGreaterThanOrEqual(0);
          });
        });
      }
    }
  }

  it('E_0 = |x̄|²/2 and E_β → ∞-safe for large β·R² (no overflow in the shifted sum)', () => {
    const x = [3, 4, 3, 4]; // two equal tokens at |x| = 5
    const tr = handBuilt([x], 2, 2);
    expect(energySeries(tr, { beta: 0 }).softmaxEnergy[0]).toBe(12.5);
    // β = 20: exp(β·25) = e^500 < MAX; E = 4·e^500/(2·20·4) = e^500/40
    const e = energySeries(tr, { beta: 20 }).softmaxEnergy[0]!;
    expect(rel(e, Math.exp(500) / 40)).toBeLessThan(1e-12);
    // β = 30: e^750 overflows float64, honestly reported as Infinity
    expect(energySeries(tr, { beta: 30 }).softmaxEnergy[0]).toBe(Infinity);
  });

  it('custom directions and argument checks', () => {
    const tr = handBuilt([[1, 2, -3, 0.5]], 2, 2);
    const es = energySeries(tr, { directions: [1, 0, 0, -1] });
    expect(es.m).toBe(2);
    expect(Array.from(es.support)).toEqual([1, -0.5]);
    expect(() => energySeries(tr, { directions: [1, 0, 0] })).toThrow(/directions.length must be a multiple of d = 2.*; got 3/);
    expect(() => energySeries(tr, { beta: -1 })).toThrow(/beta must be a finite number >= 0; got -1/);
    expect(() => energySeries(tr, { hkRadius: 0 })).toThrow(/hkRadius must be a number > 0 \(Infinity allowed\); got 0/);
    expect(() => energySeries({ ...tr, times: [0] } as unknown as Trajectory)).toThrow(/times must be a Float64Array/);
  });
});

describe('monotonicity', () => {
  it('finds planted rises, their sizes, and where the series turns monotone', () => {
    const s = [5, 4, 4, 4.5, 3, 3.2, 1, 0.5];
    const m = monotonicity(s, 'nonincreasing');
    expect(m.violations).toBe(2);
    expect(m.rises.map((r) => r.t)).toEqual([3, 5]);
    expect(m.rises[0]!.by).toBeCloseTo(0.5, 15);
    expect(m.rises[1]!.by).toBeCloseTo(0.2, 15);
    expect(m.monotoneAfter).toBe(5);
    // tolerance 0.3 hides the 0.2 rise
    const t = monotonicity(s, 'nonincreasing', 0.3);
    expect(t.rises.map((r) => r.t)).toEqual([3]);
    expect(t.monotoneAfter).toBe(3);
    // times label the gaps
    const times = [0, 10, 20, 30, 40, 50, 60, 70];
    expect(monotonicity(s, 'nonincreasing', 0, times).rises.map((r) => r.t)).toEqual([30, 50]);
    // non-decreasing: drops are the violations, reported with a positive size
    const up = monotonicity([0, 1, 0.25, 2, 2], 'nondecreasing');
    expect(up.rises).toEqual([{ t: 2, by: 0.75 }]);
    expect(up.monotoneAfter).toBe(2);
  });

  it('edge cases: monotone, empty, single, last gap, NaN', () => {
    expect(monotonicity([3, 2, 2, 1], 'nonincreasing')).toEqual({ violations: 0, rises: [], monotoneAfter: 0 });
    expect(monotonicity([], 'nonincreasing')).toEqual({ violations: 0, rises: [], monotoneAfter: null });
    expect(monotonicity([7], 'nondecreasing').monotoneAfter).toBe(0);
    expect(monotonicity([3, 2, 4], 'nonincreasing').monotoneAfter).toBeNull();
    const nan = monotonicity([3, NaN, 1], 'nonincreasing');
    expect(nan.violations).toBe(2);
    expect(() => monotonicity([1], 'down' as 'nonincreasing')).toThrow(/direction must be 'nonincreasing' or 'nondecreasing'; got "down"/);
    expect(() => monotonicity([1, 2], 'nonincreasing', -1)).toThrow(/tol must be a number >= 0 \(Infinity allowed\); got -1/);
    expect(() => monotonicity([1, 2], 'nonincreasing', 0, [0])).toThrow(/times.length must be >= series.length = 2; got 1/);
  });
});

describe('P1 along real runs: support, diameter and R never rise (lyapunovReport)', () => {
  const cases: Array<{ model: 'hardmax' | 'localmax' | 'softmax'; n: number; d: number; delta?: number; beta?: number; A?: boolean }> = [
    { model: 'hardmax', n: 8, d: 2 },
    { model: 'localmax', n: 30, d: 2, delta: 0.1 },
    { model: 'localmax', n: 30, d: 3, delta: 0.3, A: true },
    { model: 'softmax', n: 20, d: 3, beta: 4 },
    { model: 'softmax', n: 12, d: 2, beta: 1, A: true },
  ];
  for (const backend of ['wasm', 'js'] as BackendName[]) {
    cases.forEach((c, k) => {
      it(`${backend}/f64 ${c.model} n = ${c.n} d = ${c.d}${c.A ? ' (general A)' : ''}`, async () => {
        const x0 = randomCloud(300 + k, c.n, c.d, 'gauss');
        const A = c.A ? randomMatrix(40 + k, c.d, 0.5) : undefined;
        const tr = await record({ model: c.model, positions: x0, n: c.n, d: c.d, alpha: 0.7, delta: c.delta, beta: c.beta, A, backend }, 150);
        const rep = lyapunovReport(tr, { beta: 1, hkRadius: 0.5 });
        const R0 = rep.series.radius[0]!;
        expect(rep.tol).toBe(1e-12 * Math.max(1, R0));
        expect(rep.support.violations, JSON.stringify(rep.support.rises.slice(0, 3))).toBe(0);
        expect(rep.diameter.violations).toBe(0);
        expect(rep.radius.violations).toBe(0);
        expect(rep.support.monotoneAfter).toBe(0);
        expect(rep.support.expected && rep.diameter.expected && rep.radius.expected).toBe(true);
        expect(rep.variance.expected || rep.hk.expected || rep.softmaxEnergy.expected).toBe(false);
        // the reported-only candidates are well-formed
        for (const cand of [rep.variance, rep.hk, rep.softmaxEnergy]) expect(cand.violations).toBe(cand.rises.length);
        // and the tokens did move: the checks are not vacuous
        let moved = 0;
        const len = c.n * c.d;
        for (let k = 0; k < len; k++) moved = Math.max(moved, Math.abs(tr.data[k]! - tr.data[(tr.count - 1) * len + k]!));
        expect(moved).toBeGreaterThan(1e-2);
      });
    });
  }

  it('f32 runs under the f32 tolerance', async () => {
    const x0 = randomCloud(9, 25, 2, 'uniform');
    const tr = await record({ model: 'localmax', positions: x0, n: 25, d: 2, alpha: 1, delta: 0.2, precision: 'f32' }, 100, 1, 'f32');
    expect(tr.data).toBeInstanceOf(Float32Array);
    const rep = lyapunovReport(tr);
    expect(rep.tol).toBe(1e-5 * Math.max(1, rep.series.radius[0]!));
    expect(rep.support.violations + rep.diameter.violations + rep.radius.violations).toBe(0);
  });

  it('a planted support rise is found, per direction', () => {
    // square, then one corner pushed outwards at t = 2: support rises in the directions near (1,1)
    const sq = [1, 1, 1, -1, -1, -1, -1, 1];
    const out = [1.5, 1.5, 1, -1, -1, -1, -1, 1];
    const tr = handBuilt([sq, sq, out, out], 4, 2);
    const rep = lyapunovReport(tr, { directions: [Math.SQRT1_2, Math.SQRT1_2, 1, 0, 0, -1] });
    expect(rep.support.violations).toBe(2); // directions 0 and 1 (not (0,−1))
    expect(rep.support.rises.map((r) => [r.t, r.direction])).toEqual([
      [2, 0],
      [2, 1],
    ]);
    expect(rep.support.rises[0]!.by).toBeCloseTo(Math.SQRT2 * 0.5, 14);
    expect(rep.support.monotoneAfter).toBe(2);
    expect(rep.diameter.violations).toBe(1);
    expect(rep.radius.violations).toBe(1);
  });
});

describe('same results on every source of the same trajectory', () => {
  it('Recorder wasm/f64, Recorder js/f64 and a hand-built Float64Array copy', async () => {
    const x0 = randomCloud(5, 16, 2, 'gauss');
    const opts = (backend: BackendName): Options => ({ model: 'localmax', positions: x0, n: 16, d: 2, alpha: 0.5, delta: 0.05, backend });
    const a = await record(opts('wasm'), 60);
    const b = await record(opts('js'), 60);
    const frames = Array.from({ length: b.count }, (_, s) => b.data.slice(s * 32, (s + 1) * 32));
    const c = handBuilt(frames, 16, 2, Array.from(b.times));
    const before = Float64Array.from(c.data);
    const [ea, eb, ec] = [a, b, c].map((t) => energySeries(t, { beta: 2, hkRadius: 0.4 }));
    lyapunovReport(c);
    expect(Array.from(c.data)).toEqual(Array.from(before)); // inputs are never mutated
    for (const key of ['support', 'diameter', 'radius', 'variance', 'hk', 'softmaxEnergy'] as const) {
      expect(Array.from(ec![key])).toEqual(Array.from(eb![key])); // bitwise: same data
      const x = ea![key];
      const y = eb![key];
      for (let k = 0; k < x.length; k++) expect(rel(x[k]!, y[k]!), key).toBeLessThan(1e-9);
    }
  });
});
