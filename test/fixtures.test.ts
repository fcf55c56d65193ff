/**
 * Differential test against test/fixtures/discrete-models.json: cases computed
 * by an independent NumPy implementation of SPEC §1 in float64 (tie tolerance
 * 1e-12 relative to max(1,|m_i|)). Fields: name, model, n, d, steps, x0,
 * expected (n*d row-major), alpha, and optionally delta, A (d*d row-major),
 * beta, deltaPower {delta0, p} meaning δ(t) = delta0/(1+t)^p.
 *
 * - f64, every backend: |got − expected| <= 1e-12·max(1,R) (R = max |expected_i|),
 *   a hundred times tighter than the 1e-10 the contract asks for; the test's
 *   message prints the error actually seen.
 * - the reference of ./reference.ts reproduces every case to the same bound.
 * - f32: only where the float32 run keeps a margin from every threshold (the
 *   reference run on the float32-rounded x0 keeps every alignment at least
 *   1e-4·max(1,|m_i|) away from its threshold at every step); otherwise the
 *   comparison with the fixture is skipped and the reason is in the test name,
 *   and the f32 run is compared with the f32 reference over the steps that do
 *   keep the margin.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { refRun, schedules, thresholdMargin, type RefOptions } from './reference.js';
import { BACKENDS, type Options, expectClose, maxAbsDiff, multiStepTol, runSim } from './helpers.js';

interface FixtureCase {
  name: string;
  model: 'hardmax' | 'localmax' | 'softmax';
  n: number;
  d: number;
  steps: number;
  x0: number[];
  expected: number[];
  alpha: number;
  delta?: number;
  A?: number[];
  beta?: number;
  deltaPower?: { delta0: number; p: number };
  note?: string;
}

const file = JSON.parse(readFileSync(new URL('./fixtures/discrete-models.json', import.meta.url), 'utf8')) as {
  about: string;
  cases: FixtureCase[];
};
const CASES = file.cases;

function scaleOf(c: FixtureCase): number {
  let R = 1;
  for (const v of c.expected) R = Math.max(R, Math.abs(v));
  for (const v of c.x0) R = Math.max(R, Math.abs(v));
  return R;
}

function refOptions(c: FixtureCase, tau: number, roundF32 = false): RefOptions {
  const o: RefOptions = { model: c.model, alpha: c.alpha, tau, roundF32 };
  if (c.deltaPower) o.delta = schedules.power(c.deltaPower.delta0, c.deltaPower.p);
  else if (c.delta !== undefined) o.delta = c.delta;
  if (c.beta !== undefined) o.beta = c.beta;
  if (c.A) o.A = Float64Array.from(c.A);
  return o;
}

function simOptions(c: FixtureCase, backend: 'wasm' | 'js', precision: 'f64' | 'f32'): Options {
  const o: Options = {
    model: c.model,
    positions: precision === 'f32' ? Float32Array.from(c.x0) : Float64Array.from(c.x0),
    n: c.n,
    d: c.d,
    alpha: c.alpha,
    backend,
    precision,
  };
  if (c.deltaPower) o.delta = { kind: 'power', delta0: c.deltaPower.delta0, p: c.deltaPower.p };
  else if (c.delta !== undefined) o.delta = c.delta;
  if (c.beta !== undefined) o.beta = c.beta;
  if (c.A) o.A = Float64Array.from(c.A);
  return o;
}

/** The number of leading steps of the f32 reference run that keep the threshold margin μ. */
function f32SafeSteps(c: FixtureCase, mu: number): number {
  const ro = refOptions(c, 1e-5, true);
  const traj = refRun(c.x0.map(Math.fround), c.n, c.d, ro, c.steps);
  for (let t = 0; t < c.steps; t++) {
    if (thresholdMargin(traj[t] as Float64Array, c.n, c.d, ro, t) < mu) return t;
  }
  return c.steps;
}

const F32_MARGIN = 1e-4;

describe('fixture file', () => {
  it('has the expected shape', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(5);
    for (const c of CASES) {
      expect(c.x0.length, c.name).toBe(c.n * c.d);
      expect(c.expected.length, c.name).toBe(c.n * c.d);
      if (c.A) expect(c.A.length, c.name).toBe(c.d * c.d);
    }
    const models = new Set(CASES.map((c) => c.model));
    expect([...models].sort()).toEqual(['hardmax', 'localmax', 'softmax']);
  });
});

describe.each(CASES)('$name ($model, n=$n, d=$d, $steps steps)', (c) => {
  const R = scaleOf(c);

  it('the test reference reproduces the NumPy result', () => {
    const got = refRun(c.x0, c.n, c.d, refOptions(c, 1e-12), c.steps)[c.steps] as Float64Array;
    expectClose(got, c.expected, 1e-12 * R, 'reference');
  });

  for (const backend of BACKENDS) {
    it(`${backend}/f64 matches to 1e-12·max(1,R)`, async () => {
      const got = await runSim(simOptions(c, backend, 'f64'), c.steps);
      const { max } = maxAbsDiff(got, c.expected);
      expectClose(got, c.expected, 1e-12 * R, `${backend}/f64 (max error seen ${max})`);
    });
  }

  const safe = f32SafeSteps(c, F32_MARGIN);
  const full = safe === c.steps;
  const reason = full
    ? `margin >= ${F32_MARGIN} holds for all ${c.steps} steps`
    : `skipped: at step ${safe} an alignment lies within ${F32_MARGIN}·max(1,|m|) of its threshold in the float32 run`;

  for (const backend of BACKENDS) {
    it.skipIf(!full)(`${backend}/f32 matches the fixture (${reason})`, async () => {
      const got = await runSim(simOptions(c, backend, 'f32'), c.steps);
      // input rounding (1 ulp) plus the per-step rounding bound
      expectClose(got, c.expected, multiStepTol('f32', R, c.steps + 1), `${backend}/f32`);
    });

    it.skipIf(full || safe === 0)(`${backend}/f32 follows the f32 reference for the ${safe} steps that keep the margin`, async () => {
      const ro = refOptions(c, 1e-5, true);
      const ref = refRun(c.x0.map(Math.fround), c.n, c.d, ro, safe)[safe] as Float64Array;
      const got = await runSim(simOptions(c, backend, 'f32'), safe);
      expectClose(got, ref, multiStepTol('f32', R, safe), `${backend}/f32 after ${safe} steps`);
    });
  }
});
