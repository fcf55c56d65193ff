/**
 * One run of a sweep, as executed in a worker thread: parse the run's
 * arguments, simulate in memory (no files), and return one row of final-state
 * diagnostics. Errors are returned as a failed row, never thrown, so one bad
 * run cannot stop the pool.
 */
import { threadId } from 'node:worker_threads';
import { clusters, sphereClusters } from '../analysis/attention/clusters.js';
import { hullVertices } from '../analysis/geometry/hull.js';
import { leaders } from '../analysis/attention/leaders.js';
import { LIMIT_KIND, limitClasses } from '../analysis/dynamics/limits.js';
import { messageOf } from './errors.js';
import { SIM_OPTIONS, buildRunConfig, parseOptions } from './options.js';
import { createSimulation } from './run.js';

/** The task sent to a worker. */
export interface SweepTask {
  index: number;
  argv: string[];
}

/** Final-state metrics of one run. */
export interface SweepMetrics {
  n: number;
  d: number;
  steps: number;
  backend: string;
  precision: string;
  createMs: number;
  stepMs: number;
  msPerStep: number | null;
  clusters: number | null;
  hullVertices: number | null;
  leaders: number | null;
  limitVertexTokens: number | null;
  limitBoundaryTokens: number | null;
  limitInteriorTokens: number | null;
  diameter0: number | null;
  diameterT: number | null;
  lastMaxStep: number | null;
  converged: boolean | null;
}

/** The result of one run. */
export interface SweepResult {
  index: number;
  ok: boolean;
  error: string | null;
  /** node:worker_threads threadId of the thread that ran it (0 = main thread). */
  threadId: number;
  metrics: SweepMetrics | null;
}

function diameter(x: Float64Array, n: number, d: number): number | null {
  if (n > 4096) return null;
  let best = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += ((x[i * d + c] as number) - (x[j * d + c] as number)) ** 2;
      if (s > best) best = s;
    }
  }
  return Math.sqrt(best);
}

function tryOr<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

/** Run one sweep task (in any thread). */
export async function runSweepTask(task: SweepTask): Promise<SweepResult> {
  const fail = (err: unknown): SweepResult => ({ index: task.index, ok: false, error: messageOf(err), threadId, metrics: null });
  let config;
  try {
    const { values } = parseOptions(task.argv, SIM_OPTIONS, 'sweep');
    config = buildRunConfig(values);
  } catch (err) {
    return fail(err);
  }
  let sim;
  const t0 = performance.now();
  try {
    sim = await createSimulation(config);
  } catch (err) {
    return fail(err);
  }
  const createMs = performance.now() - t0;
  try {
    const { n, d, steps } = config;
    const t1 = performance.now();
    let prev: Float64Array | null = null;
    if (steps > 0) {
      sim.step(steps - 1);
      prev = sim.positions();
      sim.step(1);
    }
    const stepMs = performance.now() - t1;
    const x = sim.positions();
    let lastMaxStep: number | null = null;
    let R = 0;
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      for (let c = 0; c < d; c++) r2 += (x[i * d + c] as number) ** 2;
      R = Math.max(R, Math.sqrt(r2));
    }
    if (prev !== null) {
      let m = 0;
      for (let i = 0; i < n; i++) {
        let q = 0;
        for (let c = 0; c < d; c++) q += ((x[i * d + c] as number) - (prev[i * d + c] as number)) ** 2;
        m = Math.max(m, Math.sqrt(q));
      }
      lastMaxStep = m;
    }
    const onSphere = config.sim.model === 'sphere-sa' || config.sim.model === 'sphere-usa' || config.sim.sphere === true;
    const lc = tryOr(() => limitClasses(x, n, d));
    let lv = 0;
    let lb = 0;
    let li = 0;
    if (lc) {
      for (let i = 0; i < n; i++) {
        const k = lc.kind[i];
        if (k === LIMIT_KIND.vertex) lv++;
        else if (k === LIMIT_KIND.boundary) lb++;
        else li++;
      }
    }
    const tolConv = (sim.precision === 'f64' ? 1e-12 : 1e-5) * Math.max(1, R);
    const metrics: SweepMetrics = {
      n,
      d,
      steps,
      backend: sim.backend,
      precision: sim.precision,
      createMs,
      stepMs,
      msPerStep: steps > 0 ? stepMs / steps : null,
      clusters: tryOr(() => (onSphere ? sphereClusters(x, n, d) : clusters(x, n, d)).count),
      hullVertices: d <= 3 || n <= 500 ? tryOr(() => hullVertices(x, n, d).length) : null,
      leaders: n <= 4096 ? tryOr(() => leaders(x, n, d, sim.A, sim.tieTolerance).length) : null,
      limitVertexTokens: lc ? lv : null,
      limitBoundaryTokens: lc ? lb : null,
      limitInteriorTokens: lc ? li : null,
      diameter0: diameter(config.sim.positions, n, d),
      diameterT: diameter(x, n, d),
      lastMaxStep,
      converged: lastMaxStep === null ? null : lastMaxStep < tolConv,
    };
    return { index: task.index, ok: true, error: null, threadId, metrics };
  } catch (err) {
    return fail(`at t = ${sim.t}: ${messageOf(err)}`);
  } finally {
    sim.dispose();
  }
}
