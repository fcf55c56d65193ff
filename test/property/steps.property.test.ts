/**
 * Property (issue 9, item 3's rule): steps are transactional. Over random
 * valid configurations of every model × backend × precision that are prone
 * to fail part-way (a residual update that grows until it overflows, a token
 * driven to the origin under `sphere: true`, a field that overflows on the
 * sphere, δ/γ schedule functions that turn bad or throw at a random t), a
 * sequence of step(k) calls either completes, or throws at some step t → t+1
 * and then:
 *   - the error is a TypeError/RangeError that names t (or the schedule's own
 *     exception, unchanged);
 *   - `t` is the last completed step (earlier steps of the same call kept);
 *   - positions() and rngState are bitwise those of a fresh simulation of the
 *     same options stepped exactly t steps in one call (which must succeed);
 *   - a retry step(1) fails the same way and changes nothing.
 * Runs that complete are compared with the same fresh run too (how the steps
 * are split into calls changes nothing).
 *
 * Environment: PROPERTY_SEED (default 0x5eed), PROPERTY_RUNS (runs per
 * property), PROPERTY_PATH (replay one counterexample); see ./config.ts.
 * Replay a failure: PROPERTY_SEED=<seed> npx vitest run test/property
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Simulation } from '../../ts/index.js';
import { MODELS, ODE, ScheduleBoom, build, cloud, fnDesc, namedIn } from './arbitraries.js';
import { bump, checkProperty, summary } from './config.js';

const FILE = 'test/property/steps.property.test.ts';

const stats = { refused: 0, completed: 0, failed: 0, byMode: new Map<string, number>(), failedAt: [] as number[] };

interface StepCase {
  mode: string;
  raw: Record<string, unknown>;
  calls: number[];
}

/** Valid options that may fail part-way, and the step calls. */
function stepCase(): fc.Arbitrary<StepCase> {
  return fc
    .record({
      model: fc.constantFrom(...MODELS),
      backend: fc.constantFrom('wasm', 'js'),
      precision: fc.constantFrom('f64', 'f32'),
      n: fc.integer({ min: 1, max: 6 }),
      d: fc.integer({ min: 1, max: 4 }),
      mode: fc.constantFrom('grow', 'origin', 'schedule', 'field', 'plain'),
      calls: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }),
      growth: fc.integer({ min: 1, max: 120 }),
      h: fc.oneof(fc.constantFrom(1, -1, 2, 10, -10, 0.5), fc.tuple(fc.boolean(), fc.double({ min: 0.5, max: 3, noNaN: true })).map(([neg, v]) => (neg ? -v : v))),
      tinyA: fc.boolean(),
      seed: fc.nat(),
      gammaFn: fnDesc(fc.double({ min: 0.05, max: 1, noNaN: true })),
      deltaFn: fnDesc(fc.double({ min: 0, max: 1, noNaN: true })),
      beta: fc.double({ min: 0, max: 5, noNaN: true }),
      integrator: fc.constantFrom('euler', 'euler-raw', 'rk4'),
    })
    .chain((b) =>
      fc.record({ x: cloud(b.n, b.d).filter((x) => x.every((v) => Number.isFinite(v) && Math.abs(v) < 1e30)), scale: fc.integer({ min: -20, max: 8 }) }).map(({ x, scale }) => {
        const f32 = b.precision === 'f32';
        const raw: Record<string, unknown> = {
          model: b.model,
          positions: x.map((v) => v * 10 ** scale),
          n: b.n,
          d: b.d,
          backend: b.backend,
          precision: b.precision,
        };
        const ode = ODE.has(b.model);
        if (b.model === 'softmax-markov') raw.seed = b.seed;
        if (b.model === 'softmax' || b.model === 'softmax-markov' || ode) raw.beta = b.beta;
        const I = (c: number) => Array.from({ length: b.d * b.d }, (_, k) => (k % (b.d + 1) === 0 ? c : 0));
        switch (b.mode) {
          case 'grow':
            if (ode) {
              raw.V = I(10 ** (f32 ? b.growth % 30 : b.growth));
              raw.integrator = b.integrator;
            } else {
              // x grows by about |1 + h c| per step until it overflows; a tiny A keeps the alignments finite
              raw.V = I(10 ** (f32 ? 1 + (b.growth % 6) / 2 : 2 + (b.growth % 40) / 4));
              raw.h = b.h;
              if (b.tinyA) raw.A = I(f32 ? 1e-30 : 1e-300);
            }
            break;
          case 'origin':
            if (ode) raw.integrator = 'euler-raw';
            else {
              raw.h = -1;
              raw.sphere = true;
              if (b.tinyA) raw.V = I(b.h);
            }
            break;
          case 'field':
            if (ode) {
              raw.V = I(f32 ? 1e37 : 10 ** (250 + (b.growth % 58)));
              raw.integrator = b.integrator;
            } else raw.sphere = true;
            break;
          case 'schedule':
            if (!ode) {
              if (b.model === 'localmax') raw.delta = b.deltaFn;
              raw.gamma = b.gammaFn;
            }
            break;
          default:
            if (ode) raw.integrator = b.integrator;
        }
        return { mode: b.mode, raw, calls: b.calls };
      }),
    );
}

function bitwiseEqual(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return false;
  return true;
}

async function createOrNull(options: Record<string, unknown>): Promise<Simulation | null> {
  try {
    return await Simulation.create(options as never);
  } catch (e) {
    if (!(e instanceof TypeError || e instanceof RangeError) || namedIn(e.message) === null) throw e;
    return null;
  }
}

/** A fresh simulation of the same options stepped t steps in one call. */
async function reference(raw: Record<string, unknown>, t: number): Promise<{ x: Float64Array; rng: bigint }> {
  const sim = await Simulation.create(build(raw) as never);
  try {
    sim.step(t);
    return { x: sim.positions(), rng: sim.rngState };
  } finally {
    sim.dispose();
  }
}

describe('property: transactional steps', () => {
  afterAll(() => {
    const modes = [...stats.byMode.entries()].map(([m, c]) => `${m} ${c}`).join(', ');
    const ts = stats.failedAt.length > 0 ? `; failures at t from ${Math.min(...stats.failedAt)} to ${Math.max(...stats.failedAt)}` : '';
    console.info(summary(FILE, `refused at create ${stats.refused}, completed ${stats.completed}, failed part-way ${stats.failed} (${modes})${ts}`));
  });

  it('after a throw, t is the last completed step and positions/rngState are bitwise those of t clean steps', async () => {
    const property = fc.asyncProperty(stepCase(), async ({ mode, raw, calls }) => {
      const sim = await createOrNull(build(raw));
      if (sim === null) {
        stats.refused++;
        return;
      }
      try {
        let total = 0;
        for (const k of calls) {
          const t0 = sim.t;
          let err: unknown = null;
          try {
            sim.step(k);
          } catch (e) {
            err = e;
          }
          if (err === null) {
            expect(sim.t, `t after step(${k}) from t = ${t0}`).toBe(t0 + k);
            total += k;
            continue;
          }
          // a failure part-way
          const t = sim.t;
          stats.failed++;
          stats.failedAt.push(t);
          bump(stats.byMode, `${mode}:${err instanceof Error ? err.constructor.name : typeof err}`);
          expect(t, 'the failing call made no more than k - 1 steps').toBeGreaterThanOrEqual(t0);
          expect(t).toBeLessThan(t0 + k);
          if (err instanceof ScheduleBoom) {
            expect(err.message).toContain(`t = ${t}`);
          } else {
            expect(err instanceof TypeError || err instanceof RangeError, `${String(err)}`).toBe(true);
            const msg = (err as Error).message;
            expect(msg, 'the error names the t at which the run stopped').toMatch(new RegExp(`\\bt = ${t}\\b`));
          }
          const x = sim.positions();
          const rng = sim.rngState;
          for (const v of x) expect(Number.isFinite(v), `positions after the failure at t = ${t} are finite: ${x}`).toBe(true);
          const ref = await reference(raw, t);
          if (!bitwiseEqual(x, ref.x)) throw new Error(`positions after the failure at t = ${t} differ from ${t} clean steps: ${x} vs ${ref.x}`);
          expect(rng, 'rngState after the failure').toBe(ref.rng);
          // a retry fails the same way at the same t and changes nothing
          let again: unknown = null;
          try {
            sim.step(1);
          } catch (e) {
            again = e;
          }
          expect(again, 'a retry of the failed step fails again').not.toBe(null);
          expect((again as Error).constructor).toBe((err as Error).constructor);
          expect(sim.t, 't after a failed retry').toBe(t);
          expect(bitwiseEqual(sim.positions(), x), 'a failed retry changes nothing').toBe(true);
          expect(sim.rngState, 'rngState after a failed retry').toBe(rng);
          return;
        }
        stats.completed++;
        bump(stats.byMode, `${mode}:ok`);
        const x = sim.positions();
        for (const v of x) expect(Number.isFinite(v), `positions after steps ${calls} are finite: ${x}`).toBe(true);
        const ref = await reference(raw, total);
        if (!bitwiseEqual(x, ref.x)) throw new Error(`positions after steps ${calls} differ from ${total} steps in one call: ${x} vs ${ref.x}`);
        expect(sim.rngState, 'rngState after the steps').toBe(ref.rng);
      } finally {
        sim.dispose();
      }
    });
    await checkProperty(FILE, 'after a throw, t is the last completed step and positions/rngState are bitwise those of t clean steps', property, 1500);
    // not vacuous: part-way failures of several kinds happen
    expect(stats.failed).toBeGreaterThan(100);
    expect(stats.completed).toBeGreaterThan(100);
  });
});

