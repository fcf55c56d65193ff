/**
 * Property (issue 9): over random, often hostile options of every model ×
 * backend × precision, `Simulation.create` + `step(k)` either
 *   - throws a TypeError or RangeError whose message names an option (or
 *     k, or the step t at which the run stopped), or
 *   - yields finite positions (on the unit sphere where the model projects);
 * never another error type (no WebAssembly trap, no "Cannot read properties").
 * After a throw from step(), the positions are still finite and t counts only
 * completed steps. The one other error allowed is the exception a schedule
 * function itself throws, which must propagate unchanged.
 *
 * Environment: PROPERTY_SEED (default 0x5eed), PROPERTY_RUNS (runs per
 * property), PROPERTY_PATH (replay one counterexample), PROPERTY_DEBUG
 * (which option refused how many cases); see ./config.ts.
 * Replay a failure: PROPERTY_SEED=<seed> npx vitest run test/property
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Simulation } from '../../ts/index.js';
import { SPHERE, ScheduleBoom, build, namedIn, optionsCase } from './arbitraries.js';
import { DEBUG, bump, checkProperty, summary } from './config.js';

const FILE = 'test/property/options.property.test.ts';

/** PROPERTY_DEBUG: how many errors named each option, at create and at step. */
const reasons = new Map<string, number>();
const stats = { created: 0, refused: 0, stepFailures: 0, userErrors: 0, completed: 0, models: new Map<string, number>() };

/** The error must be a TypeError/RangeError naming an option, or the schedule's own exception. */
function expectNamedError(e: unknown, where: string): void {
  if (e instanceof ScheduleBoom) {
    stats.userErrors++;
    return;
  }
  const ok = (e instanceof TypeError || e instanceof RangeError) && (e.constructor === TypeError || e.constructor === RangeError);
  if (!ok) throw new Error(`${where}: expected a TypeError or RangeError, got ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
  const name = namedIn((e as Error).message);
  if (DEBUG) bump(reasons, `${where.split('(')[0]}: ${name}`);
  if (name === null) throw new Error(`${where}: the ${(e as Error).constructor.name} names no option: ${(e as Error).message}`);
}

function expectFinite(x: Float64Array, where: string): void {
  for (let k = 0; k < x.length; k++) {
    if (!Number.isFinite(x[k] as number)) throw new Error(`${where}: positions[${k}] = ${x[k]} is not finite`);
  }
}

/** Sphere models and sphere: true keep unit tokens. */
function expectUnit(x: Float64Array, n: number, d: number, f32: boolean, where: string): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += (x[i * d + c] as number) ** 2;
    const err = Math.abs(Math.sqrt(s) - 1);
    if (!(err <= (f32 ? 1e-6 : 1e-12))) throw new Error(`${where}: token ${i} has norm ${Math.sqrt(s)} on the sphere`);
  }
}

describe('property: options of every model × backend × precision', () => {
  afterAll(() => {
    if (DEBUG) console.info([...reasons.entries()].sort((a, b) => b[1] - a[1]));
    const models = [...stats.models.entries()].map(([m, c]) => `${m} ${c}`).join(', ');
    console.info(
      summary(
        FILE,
        `created ${stats.created} (${models}), refused at create ${stats.refused}, completed every step ${stats.completed}, ` +
          `step failures ${stats.stepFailures}, schedule exceptions propagated ${stats.userErrors}`,
      ),
    );
  });

  it('create + step either throws a TypeError/RangeError naming an option, or gives finite positions', async () => {
    const property = fc.asyncProperty(optionsCase(), async ({ raw, steps }) => {
      const options = build(raw);
      let sim: Simulation;
      try {
        sim = await Simulation.create(options as never);
      } catch (e) {
        stats.refused++;
        expectNamedError(e, 'Simulation.create');
        return;
      }
      stats.created++;
      stats.models.set(sim.model, (stats.models.get(sim.model) ?? 0) + 1);
      try {
        expectFinite(sim.positions(), 'after create');
        const onSphere = SPHERE.has(sim.model) || options.sphere === true;
        const f32 = sim.precision === 'f32';
        let failed = false;
        for (const k of steps) {
          const t0 = sim.t;
          try {
            sim.step(k as number);
          } catch (e) {
            expectNamedError(e, `step(${String(k)}) from t = ${t0}`);
            failed = true;
            stats.stepFailures++;
          }
          const x = sim.positions();
          expectFinite(x, `after step(${String(k)})`);
          if (onSphere) expectUnit(x, sim.n, sim.d, f32, `after step(${String(k)})`);
          expect(Number.isSafeInteger(sim.t)).toBe(true);
          expect(sim.t).toBeGreaterThanOrEqual(t0);
          const kk = k === undefined ? 1 : k; // step() defaults to one step
          if (typeof kk === 'number' && Number.isSafeInteger(kk) && kk >= 0) expect(sim.t).toBeLessThanOrEqual(t0 + kk);
          else expect(sim.t).toBe(t0);
          if (failed) break;
        }
        if (!failed) stats.completed++;
      } finally {
        sim.dispose();
      }
    });
    await checkProperty(FILE, 'create + step either throws a TypeError/RangeError naming an option, or gives finite positions', property, 4000);
    // not vacuous: a fair share of the cases builds a simulation and steps it
    expect(stats.created).toBeGreaterThan(0.2 * (stats.created + stats.refused));
    expect(stats.completed).toBeGreaterThan(0);
  });
});
