/**
 * Property (issue 9): on random VALID configurations of every model ×
 * precision, one step of the wasm backend agrees with one step of the js
 * backend within the conformance tolerances (SPEC §0 and §4 "tol"):
 * 1e-12·max(1,R) in f64 and 1e-5·max(1,R) in f32, R the largest token norm
 * before and after the step. For hardmax/localmax/softmax with the convex
 * update both also agree with the independent reference (../reference.ts).
 *
 * Threshold rules are discontinuous, so (SPEC §0) the neighbourhoods of both
 * backends are the same only when no alignment lies within 10τ·max(1,|m_i|)
 * of its threshold. The margin is measured with the reference's alignment
 * rows on the initial state (as both backends store it): a case where some
 * alignment that is not tied with its row maximum (|a_ij − m_i| > τ/10·
 * max(1,|m_i|)) lies within 10τ·max(1,|m_i|) of the threshold is skipped and
 * counted; skips must stay a small fraction. Ties with the row maximum sit
 * δ + 0.9τ·max(1,|m_i|) inside the threshold, far more than the rounding of
 * either backend at the magnitudes generated here (|x| <= 10 in f64, <= 1 in
 * f32, matrix entries in [-1, 1]).
 *
 * Environment: PROPERTY_SEED (default 0x5eed), PROPERTY_RUNS (runs per
 * property), PROPERTY_PATH (replay one counterexample); see ./config.ts.
 * Replay a failure: PROPERTY_SEED=<seed> npx vitest run test/property
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Simulation } from '../../ts/index.js';
import { alignmentRow, refStep, threshold, type RefOptions } from '../reference.js';
import { normOf, tolOf } from '../helpers.js';
import { MODELS, ODE } from './arbitraries.js';
import { checkProperty, summary } from './config.js';

const FILE = 'test/property/agreement.property.test.ts';

const stats = { nearOrigin: 0, bothFailed: 0, runs: 0, skipped: 0, compared: 0, withReference: 0, worstF64: 0, worstF32: 0, byModel: new Map<string, number>() };

interface Case {
  options: Record<string, unknown>;
  /** δ(0) of localmax (0 otherwise). */
  delta0: number;
  /** A (or KᵀQ) as the alignment matrix of the threshold rule, or null for the identity. */
  A: Float64Array | null;
  /** α of the convex update when the reference applies, else null. */
  alpha: number | null;
}

const unit = fc.double({ min: -1, max: 1, noNaN: true });

function matrix(d: number, f32: boolean): fc.Arbitrary<number[]> {
  return fc.array(unit, { minLength: d * d, maxLength: d * d }).map((a) => (f32 ? a.map(Math.fround) : a));
}

/** Kᵀ Q for the threshold check (the rounding of the product is far below the margin). */
function ktq(K: number[] | null, Q: number[] | null, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (K === null ? (k === r ? 1 : 0) : (K[k * d + r] as number)) * (Q === null ? (k === c ? 1 : 0) : (Q[k * d + c] as number));
      out[r * d + c] = s;
    }
  }
  return out;
}

function validCase(): fc.Arbitrary<Case> {
  return fc
    .record({
      // euclidean-sa has no reference here; its wasm/js agreement is test/models-euclidean.test.ts
      model: fc.constantFrom(...MODELS.filter((m) => m !== 'euclidean-sa')),
      precision: fc.constantFrom('f64', 'f32'),
      n: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 6 }),
      dup: fc.nat(),
    })
    .chain((b) => {
      const f32 = b.precision === 'f32';
      const { n, d } = b;
      return fc
        .record({
          x: fc.array(unit, { minLength: n * d, maxLength: n * d }),
          scale: f32 ? fc.double({ min: 0.05, max: 1, noNaN: true }) : fc.double({ min: 0.01, max: 10, noNaN: true }),
          matrixKind: fc.constantFrom('none', 'A', 'QK', 'null'),
          A: matrix(d, f32),
          Q: fc.option(matrix(d, f32), { nil: null }),
          K: fc.option(matrix(d, f32), { nil: null }),
          V: matrix(d, f32),
          step: fc.constantFrom('alpha', 'gamma', 'gammaSpec', 'default', 'residual'),
          alpha: fc.double({ min: 0.05, max: 5, noNaN: true }),
          gamma: fc.double({ min: 0.05, max: 1, noNaN: true }),
          gammaSpec: fc.constantFrom<unknown>(
            { kind: 'frank-wolfe' },
            { kind: 'exp-rise', a: 0.7 },
            { kind: 'geometric', gamma0: 0.5, ratio: 0.5 },
            { kind: 'piecewise', starts: [0, 3], values: [0.3, 0.9] },
          ),
          h: fc.double({ min: -2, max: 2, noNaN: true }),
          sphere: fc.boolean(),
          delta: fc.oneof(
            fc.double({ min: 0, max: 2, noNaN: true }).map((v) => ({ opt: v as unknown, at0: v })),
            fc.constant({ opt: Infinity as unknown, at0: Infinity }),
            fc.double({ min: 0, max: 1, noNaN: true }).map((v) => ({ opt: { kind: 'power', delta0: v, p: 1 } as unknown, at0: v })),
            fc.double({ min: 0, max: 1, noNaN: true }).map((v) => ({ opt: { kind: 'piecewise', starts: [0, 2], values: [v, 0] } as unknown, at0: v })),
            fc.double({ min: 0, max: 1, noNaN: true }).map((v) => ({ opt: ((t: number) => v / (1 + t)) as unknown, at0: v })),
          ),
          beta: f32 ? fc.double({ min: 0, max: 5, noNaN: true }) : fc.double({ min: 0, max: 10, noNaN: true }),
          seed: fc.nat(),
          dt: fc.double({ min: 1e-3, max: 0.2, noNaN: true }),
          integrator: fc.constantFrom('euler', 'euler-raw', 'rk4'),
          tau: fc.oneof(
            { weight: 3, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: f32 ? fc.double({ min: 1e-6, max: 1e-4, noNaN: true }) : fc.double({ min: 1e-12, max: 1e-8, noNaN: true }) },
          ),
        })
        .map((o): Case => {
          // duplicates: copy some rows (exact ties)
          const x = o.x.map((v) => v * o.scale);
          for (let i = 1; i < n; i++) if ((b.dup >> i) % 4 === 0) for (let c = 0; c < d; c++) x[i * d + c] = x[((b.dup >> (i + 3)) % i) * d + c] as number;
          const ode = ODE.has(b.model);
          if (ode || o.sphere) {
            // tokens on the sphere must not be at the origin
            for (let i = 0; i < n; i++) {
              let s = 0;
              for (let c = 0; c < d; c++) s += (x[i * d + c] as number) ** 2;
              if (s < 1e-6) x[i * d] = 0.5;
            }
          }
          const positions = f32 ? x.map(Math.fround) : x;
          const options: Record<string, unknown> = { model: b.model, positions, n, d, precision: b.precision };
          if (o.tau !== undefined) options.tieTolerance = o.tau;
          let A: Float64Array | null = null;
          if (o.matrixKind === 'A' && !ode) {
            options.A = o.A;
            A = Float64Array.from(o.A);
          } else if (o.matrixKind === 'QK' || (o.matrixKind === 'A' && ode)) {
            if (o.Q !== null) options.Q = o.Q;
            if (o.K !== null) options.K = o.K;
            if (o.Q !== null || o.K !== null) A = ktq(o.K, o.Q, d);
          } else if (o.matrixKind === 'null') {
            options.A = null;
          }
          let alpha: number | null = null;
          if (ode) {
            options.V = o.V;
            options.beta = o.beta;
            options.dt = o.dt;
            options.integrator = o.integrator;
          } else {
            if (b.model !== 'hardmax' && b.model !== 'frank-wolfe' && b.model !== 'localmax') options.beta = o.beta;
            if (b.model === 'softmax-markov') options.seed = o.seed;
            if (o.sphere) options.sphere = true;
            switch (o.step) {
              case 'alpha':
                options.alpha = o.alpha;
                alpha = o.alpha;
                break;
              case 'gamma':
                options.gamma = o.gamma;
                break;
              case 'gammaSpec':
                options.gamma = o.gammaSpec;
                break;
              case 'residual':
                options.V = o.V;
                options.h = o.h;
                break;
              default:
                if (b.model !== 'frank-wolfe') alpha = 1;
            }
          }
          let delta0 = 0;
          if (b.model === 'localmax') {
            options.delta = o.delta.opt;
            delta0 = o.delta.at0;
          }
          const refModel = b.model === 'hardmax' || b.model === 'localmax' || b.model === 'softmax';
          return { options, delta0, A, alpha: refModel && !o.sphere ? alpha : null };
        });
    });
}

/**
 * The smallest distance, relative to max(1,|m_i|), between an alignment not
 * tied with its row maximum and its threshold (Infinity when there is none
 * or the model has no threshold).
 */
function thresholdMargin(x: Float64Array, n: number, d: number, A: Float64Array | null, delta: number, tau: number): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const a = alignmentRow(x, n, d, i, A ?? undefined);
    let m = -Infinity;
    for (const v of a) if (v > m) m = v;
    const s = Math.max(1, Math.abs(m));
    const T = threshold(m, delta, tau);
    for (const v of a) {
      if (Math.abs(v - m) <= (tau / 10) * s) continue;
      best = Math.min(best, Math.abs(v - T) / s);
    }
  }
  return best;
}

/**
 * The smallest norm of a token after one step without the final projection to the sphere: for `sphere: true`
 * a js/f64 run of the same options without it; for the sphere models' euler-raw step, x + dt·V y computed here
 * (y the softmax mean of SA, or the unnormalised mean of USA).
 */
async function unprojectedNorm(o: Record<string, unknown>, x0: Float64Array): Promise<number> {
  const n = o.n as number;
  const d = o.d as number;
  let x: Float64Array;
  if (o.sphere === true) {
    const { sphere: _s, precision: _p, ...rest } = o;
    const sim = await Simulation.create({ ...rest, positions: x0, backend: 'js', precision: 'f64' } as never);
    try {
      sim.step(1);
      x = sim.positions();
    } finally {
      sim.dispose();
    }
  } else {
    const A = o.Q !== undefined || o.K !== undefined ? ktq((o.K as number[] | undefined) ?? null, (o.Q as number[] | undefined) ?? null, d) : null;
    const V = o.V as number[];
    const beta = o.beta as number;
    const dt = o.dt as number;
    x = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const a = alignmentRow(x0, n, d, i, A ?? undefined);
      const m = Math.max(...a);
      const y = new Float64Array(d);
      let S = 0;
      for (let j = 0; j < n; j++) {
        const w = o.model === 'sphere-sa' ? Math.exp(beta * ((a[j] as number) - m)) : Math.exp(beta * (a[j] as number)) / n;
        S += w;
        for (let c = 0; c < d; c++) y[c] = (y[c] as number) + w * (x0[j * d + c] as number);
      }
      for (let r = 0; r < d; r++) {
        let vy = 0;
        for (let c = 0; c < d; c++) vy += (V[r * d + c] as number) * (y[c] as number) / (o.model === 'sphere-sa' ? S : 1);
        x[i * d + r] = (x0[i * d + r] as number) + dt * vy;
      }
    }
  }
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += (x[i * d + c] as number) ** 2;
    best = Math.min(best, Math.sqrt(s));
  }
  return best;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let w = 0;
  for (let k = 0; k < a.length; k++) {
    const e = Math.abs((a[k] as number) - (b[k] as number));
    if (!(e <= w)) w = e;
  }
  return w;
}

describe('property: wasm and js agree on one step', () => {
  afterAll(() => {
    const models = [...stats.byModel.entries()].map(([m, c]) => `${m} ${c}`).join(', ');
    console.info(
      summary(
        FILE,
        `compared ${stats.compared} (${models}; ${stats.withReference} also against the reference), skipped ${stats.skipped} (near a threshold ${stats.skipped - stats.nearOrigin}, near the origin of the sphere projection ${stats.nearOrigin}), step refused by both ${stats.bothFailed}; ` +
          `largest |wasm − js|/max(1,R): f64 ${stats.worstF64.toExponential(2)}, f32 ${stats.worstF32.toExponential(2)}`,
      ),
    );
  });

  it('one step of wasm and js agree within 1e-12·max(1,R) (f64) / 1e-5·max(1,R) (f32), and with the reference', async () => {
    const property = fc.asyncProperty(validCase(), async (c) => {
      stats.runs++;
      const o = c.options;
      const n = o.n as number;
      const d = o.d as number;
      const precision = o.precision as 'f64' | 'f32';
      const wasm = await Simulation.create({ ...o, backend: 'wasm' } as never);
      const js = await Simulation.create({ ...o, backend: 'js' } as never);
      try {
        const x0 = js.positions();
        expect(maxAbsDiff(wasm.positions(), x0), 'both backends start from the same stored state').toBe(0);
        const thresholdModel = o.model === 'hardmax' || o.model === 'localmax' || o.model === 'frank-wolfe';
        if (thresholdModel) {
          const tau = js.tieTolerance;
          if (thresholdMargin(x0, n, d, c.A, c.delta0, tau) < 10 * tau) {
            stats.skipped++;
            return;
          }
        }
        // The projection to the sphere is discontinuous at the origin: a token whose unprojected update lies within
        // rounding of 0 (e.g. (1 − γ)x with γ = 1 − 3e-8, which float32 rounds to γ = 1) may be refused by one backend and
        // projected by the other. Such cases are skipped like near-threshold ones: the unprojected update is measured on
        // a js/f64 run of the same options without the projection.
        if (o.sphere === true || o.integrator === 'euler-raw') {
          if ((await unprojectedNorm(o, x0)) < 1e3 * tolOf(precision, 1)) {
            stats.nearOrigin++;
            stats.skipped++;
            return;
          }
        }
        const outcome = (sim: Simulation): string => {
          try {
            sim.step(1);
            return 'ok';
          } catch (e) {
            return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
          }
        };
        const ow = outcome(wasm);
        const oj = outcome(js);
        if (ow !== oj) throw new Error(`the backends disagree on whether the step can be taken: wasm ${ow}; js ${oj}`);
        if (ow !== 'ok') {
          stats.bothFailed++;
          expect(wasm.t).toBe(0);
          expect(maxAbsDiff(wasm.positions(), js.positions())).toBe(0);
          return;
        }
        const w = wasm.positions();
        const j = js.positions();
        const R = normOf(n, d, x0, w, j);
        const tol = tolOf(precision, R);
        const diff = maxAbsDiff(w, j);
        if (!(diff <= tol)) throw new Error(`|wasm − js| = ${diff} > tol ${tol} (R = ${R})`);
        const rel = diff / Math.max(1, R);
        if (precision === 'f64') stats.worstF64 = Math.max(stats.worstF64, rel);
        else stats.worstF32 = Math.max(stats.worstF32, rel);
        expect(wasm.rngState).toBe(js.rngState);
        stats.compared++;
        stats.byModel.set(String(o.model), (stats.byModel.get(String(o.model)) ?? 0) + 1);
        if (c.alpha !== null) {
          const ro: RefOptions = { model: o.model as RefOptions['model'], alpha: c.alpha, delta: c.delta0, tau: js.tieTolerance, roundF32: precision === 'f32' };
          if (o.beta !== undefined) ro.beta = o.beta as number;
          if (c.A !== null) ro.A = c.A;
          const ref = refStep(x0, n, d, ro, 0);
          const dr = Math.max(maxAbsDiff(j, ref), maxAbsDiff(w, ref));
          if (!(dr <= tol)) throw new Error(`|backend − reference| = ${dr} > tol ${tol}`);
          stats.withReference++;
        }
      } finally {
        wasm.dispose();
        js.dispose();
      }
    });
    await checkProperty(FILE, 'one step of wasm and js agree within 1e-12·max(1,R) (f64) / 1e-5·max(1,R) (f32), and with the reference', property, 2000);
    expect(stats.skipped, `skipped ${stats.skipped} of ${stats.runs} cases near a threshold`).toBeLessThan(0.05 * stats.runs);
  });
});
