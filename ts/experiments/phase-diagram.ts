/**
 * SPEC §5.8: the GLPR phase diagram (borjanG/2023-transformers-rotf,
 * `phase-diagrams.py`). An ensemble of independent systems of n = 32 tokens
 * on the circle (d = 2), β = linspace(0.1, 9, 90); SA to T = 30 with step
 * 0.1, USA to T = 1 with step 0.1/max(√β·e^(β−1/2), 1); the update
 * x ← normalize(x + η·W·X·V) with W = softmax (SA) or exp/n (USA) of
 * β·x_iᵀ B x_j in the authors' row-vector convention, which is our
 * `euler-raw` with Q = Bᵀ, K = I (so <Q x_i, K x_j> = x_iᵀ B x_j) and our
 * V = their Vᵀ. Recorded at the authors' checkpoints linspace(0, T, 200)
 * (the first step whose accumulated time reaches each): the fraction of
 * off-diagonal pairs with <x_i, x_j> > 0.999 over the whole ensemble, and the
 * median over systems of the cluster count.
 *
 * Differences from the authors' script, on purpose: the cluster count is the
 * number of single-linkage classes of <x_i, x_j> > 0.9999 (theirs is the
 * matrix rank of that 0/1 matrix: equal when the relation is transitive, and
 * 200 ranks per system cost O(n³) each); the same seeded starts are used for
 * every β (theirs draw new ones per β), which removes start-to-start noise
 * along the β axis; systems are split over a worker pool (`ctx.map`).
 */
import { initialPositions } from '../init.js';
import { matMul } from '../backend/expm.js';
import { Simulation } from '../simulation.js';
import type { Figure } from '../report/html.js';
import { heatmap, linePlot, color } from '../report/svg.js';
import { median, r } from './common.js';
import type { Experiment } from './types.js';

/** The bilinear form B (their `randomKQ`): identity, gaussian G1·G2/√d, or GOE (G + Gᵀ)/√2. */
export type BilinearKind = 'identity' | 'gaussian' | 'goe';
/** The value map V (their `randomV`): identity, gaussian W·Wᵀ/√d, +B/norm or −B/norm. */
export type ValueKind = 'identity' | 'gaussian' | '+B' | '-B';

/** One unit of work: systems [s0, s1) of one (model, β). Plain data (it crosses to a worker). */
export interface PhaseTask {
  model: 'sphere-sa' | 'sphere-usa';
  beta: number;
  s0: number;
  s1: number;
  n: number;
  d: number;
  /** Final time T and the step η before the USA correction. */
  T: number;
  step: number;
  /** Checkpoint times, ascending (linspace(0, T, 200)). */
  times: number[];
  bilinear: BilinearKind;
  value: ValueKind;
  /** Redraw B and V every this much time (0: never). */
  regenPeriod: number;
  seed: number;
  backend: 'wasm' | 'js';
}

/** Per checkpoint: pairs above 0.999 summed over the task's systems, and each system's cluster count. */
export interface PhaseResult {
  pairs: number[];
  clusters: number[][];
}

/** The step η of the authors' script: USA steps shrink so no move exceeds ~0.1 radian. */
export function phaseStep(model: PhaseTask['model'], beta: number, step: number): number {
  return model === 'sphere-usa' ? step / Math.max(Math.sqrt(beta) * Math.exp(beta - 0.5), 1) : step;
}

function gaussianMatrix(d: number, seed: number): Float64Array {
  return initialPositions({ kind: 'gaussian', n: d, d, seed });
}

/** a b as a new matrix (the product of ts/backend/expm.ts). */
function mul(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const c = new Float64Array(d * d);
  matMul(a, b, c, d);
  return c;
}

function transpose(a: Float64Array, d: number): Float64Array {
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) t[j * d + i] = a[i * d + j] as number;
  return t;
}

/**
 * B and V of one system at one regeneration, in the authors' convention
 * (row vectors: x_iᵀ B x_j, and the mean times V on the right). Seeded by
 * (seed, system, regeneration); identity kinds ignore the seed.
 */
export function phaseMatrices(bilinear: BilinearKind, value: ValueKind, d: number, seed: number): { B: Float64Array; V: Float64Array } {
  const I = new Float64Array(d * d);
  for (let i = 0; i < d; i++) I[i * d + i] = 1;
  let B = I;
  let normV = 1;
  if (bilinear === 'gaussian') {
    B = mul(gaussianMatrix(d, seed), gaussianMatrix(d, seed + 1), d).map((v) => v / Math.sqrt(d));
    normV = Math.sqrt(d);
  } else if (bilinear === 'goe') {
    const g = gaussianMatrix(d, seed);
    const gt = transpose(g, d);
    B = g.map((v, k) => (v + (gt[k] as number)) / Math.SQRT2);
    normV = Math.sqrt(d + 1);
  }
  let V = I;
  if (value === 'gaussian') {
    const w = gaussianMatrix(d, seed + 2);
    V = mul(w, transpose(w, d), d).map((v) => v / Math.sqrt(d));
  } else if (value === '+B' || value === '-B') {
    const s = value === '+B' ? 1 : -1;
    V = B.map((v) => (s * v) / normV);
  }
  return { B, V };
}

/** GLPR's statistics of one state: pairs i < j with <x_i, x_j> > 0.999, and single-linkage classes of > 0.9999. */
export function phaseStats(x: Float64Array, n: number, d: number): { pairs: number; clusters: number } {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  let pairs = 0;
  let clusters = n;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (x[i * d + k] as number) * (x[j * d + k] as number);
      if (s > 0.999) pairs++;
      if (s > 0.9999) {
        const a = find(i);
        const b = find(j);
        if (a !== b) {
          parent[a] = b;
          clusters--;
        }
      }
    }
  }
  return { pairs, clusters };
}

/** Run one task (in a worker or inline): each system from its seeded start, recording at the checkpoints. */
export async function phaseTask(task: PhaseTask): Promise<PhaseResult> {
  const { n, d, beta, model } = task;
  const eta = phaseStep(model, beta, task.step);
  const pairs = new Array<number>(task.times.length).fill(0);
  const clusters: number[][] = task.times.map(() => []);
  for (let s = task.s0; s < task.s1; s++) {
    const x0 = initialPositions({ kind: 'gaussian', n, d, seed: task.seed * 1_000_003 + s });
    let regen = 0;
    const make = async (x: Float64Array): Promise<Simulation> => {
      const { B, V } = phaseMatrices(task.bilinear, task.value, d, task.seed * 7919 + s * 104_729 + regen * 13);
      return Simulation.create({ model, positions: x, n, d, beta, Q: transpose(B, d), V: transpose(V, d), dt: eta, integrator: 'euler-raw', backend: task.backend });
    };
    let sim = await make(x0);
    try {
      // The authors' loop: t += η after each step; record every checkpoint the new t has reached; stop once t ≥ T.
      let t = 0;
      let ck = 0;
      let nextRegen = task.regenPeriod > 0 ? task.regenPeriod : Infinity;
      while (true) {
        // Steps until the next event (checkpoint, regeneration or the end), counted with the same accumulation.
        let k = 0;
        let tk = t;
        const target = Math.min(task.times[ck] ?? Infinity, task.T);
        do {
          tk += eta;
          k++;
        } while (tk < target && tk <= nextRegen && k < 1 << 20);
        sim.step(k);
        t = tk;
        if (ck < task.times.length && t >= (task.times[ck] as number)) {
          const st = phaseStats(sim.positions(), n, d);
          while (ck < task.times.length && t >= (task.times[ck] as number)) {
            pairs[ck] = (pairs[ck] as number) + st.pairs;
            (clusters[ck] as number[]).push(st.clusters);
            ck++;
          }
        }
        if (t >= task.T || ck >= task.times.length) break;
        if (t > nextRegen) {
          regen++;
          nextRegen += task.regenPeriod;
          const x = sim.positions();
          sim.dispose();
          sim = await make(x);
        }
      }
      // Checkpoints not reached (only if the 2^20-step cap or rounding at T stopped the loop) take the final state.
      if (ck < task.times.length) {
        const st = phaseStats(sim.positions(), n, d);
        for (; ck < task.times.length; ck++) {
          pairs[ck] = (pairs[ck] as number) + st.pairs;
          (clusters[ck] as number[]).push(st.clusters);
        }
      }
    } finally {
      sim.dispose();
    }
  }
  return { pairs, clusters };
}

function linspace(a: number, b: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => (k === 1 ? a : a + ((b - a) * i) / (k - 1)));
}

const PARAMS = ['ensemble', 'bilinear', 'value', 'regen-period', 'betas'] as const;

export const phaseDiagram: Experiment = {
  name: 'phase-diagram',
  spec: '§5.8',
  title: 'GLPR phase diagram: clustering over (t, β) on the circle',
  description:
    "GLPR phase-diagrams.py: ensembles of 32 tokens on the circle, β = linspace(0.1, 9, 90), SA to T = 30 (step 0.1) and USA to T = 1 (step 0.1/max(√β·e^(β−1/2), 1)): heatmaps over (t, β) of the fraction of pairs with <x_i, x_j> > 0.999 and of the median cluster count. Ensemble 256 by default, the authors' 2048 with --full; B, V and their regeneration with --param (bilinear=identity|gaussian|goe, value=identity|gaussian|+B|-B, regen-period=T, ensemble=N, betas=K).",
  params: PARAMS,
  async run(ctx) {
    const p = ctx.params ?? {};
    const ensemble = p.ensemble !== undefined ? intParam('ensemble', p.ensemble, 1, 1 << 16) : ctx.small ? 6 : ctx.full ? 2048 : 256;
    const nb = p.betas !== undefined ? intParam('betas', p.betas, 2, 1000) : ctx.small ? 6 : 90;
    const bilinear = oneOf('bilinear', p.bilinear ?? 'identity', ['identity', 'gaussian', 'goe'] as const);
    const value = oneOf('value', p.value ?? 'identity', ['identity', 'gaussian', '+B', '-B'] as const);
    const regenPeriod = p['regen-period'] !== undefined ? numParam('regen-period', p['regen-period']) : 0;
    const n = 32;
    const d = 2;
    const betas = linspace(0.1, 9, nb);
    const seed = 2023;
    const setups = [
      { model: 'sphere-sa' as const, T: 30, step: 0.1 },
      { model: 'sphere-usa' as const, T: 1, step: 0.1 },
    ];
    const chunk = Math.max(1, Math.ceil(ensemble / 8));
    const tasks: PhaseTask[] = [];
    for (const su of setups) {
      const times = linspace(0, su.T, 200);
      for (const beta of betas) {
        for (let s0 = 0; s0 < ensemble; s0 += chunk) {
          tasks.push({ model: su.model, beta, s0, s1: Math.min(ensemble, s0 + chunk), n, d, T: su.T, step: su.step, times, bilinear, value, regenPeriod, seed, backend: ctx.backend });
        }
      }
    }
    // Big USA tasks first, so the pool is not left waiting on one at the end.
    const cost = (t: PhaseTask): number => (t.T / phaseStep(t.model, t.beta, t.step)) * (t.s1 - t.s0);
    const order = tasks.map((_, i) => i).sort((a, b) => cost(tasks[b] as PhaseTask) - cost(tasks[a] as PhaseTask));
    const t0 = performance.now();
    const results = await ctx.map<PhaseTask, PhaseResult>('phase-diagram', order.map((i) => tasks[i] as PhaseTask));
    const wallMs = performance.now() - t0;
    const byTask = new Map<PhaseTask, PhaseResult>();
    order.forEach((i, k) => byTask.set(tasks[i] as PhaseTask, results[k] as PhaseResult));

    const pairsTotal = (ensemble * n * (n - 1)) / 2;
    const figures: Figure[] = [];
    const rows: unknown[] = [];
    const grids: Record<string, { pairFraction: number[][]; medianClusters: number[][] }> = {};
    for (const su of setups) {
      const times = linspace(0, su.T, 200);
      const frac: number[][] = [];
      const med: number[][] = [];
      for (const beta of betas) {
        const mine = tasks.filter((t) => t.model === su.model && t.beta === beta);
        const pairs = times.map((_, c) => mine.reduce((acc, t) => acc + ((byTask.get(t) as PhaseResult).pairs[c] as number), 0) / pairsTotal);
        const cl = times.map((_, c) => median(mine.flatMap((t) => (byTask.get(t) as PhaseResult).clusters[c] as number[])));
        frac.push(pairs);
        med.push(cl);
        rows.push({ model: su.model, beta: r(beta, 4), eta: phaseStep(su.model, beta, su.step), steps: Math.ceil(su.T / phaseStep(su.model, beta, su.step)), finalPairFraction: r(pairs[pairs.length - 1] as number, 4), finalMedianClusters: cl[cl.length - 1] });
      }
      grids[su.model] = { pairFraction: frac, medianClusters: med };
      const label = su.model === 'sphere-sa' ? 'SA' : 'USA';
      figures.push(
        { name: `phase-${label.toLowerCase()}-pairs`, title: `${label}: pair fraction`, svg: heatmap(frac, { x: [0, su.T], y: [betas[0] as number, betas[betas.length - 1] as number] }, { title: `${label}: fraction of pairs with <x_i, x_j> > 0.999`, xLabel: 'time t', yLabel: 'β', valueLabel: 'fraction', range: [0, 1] }), caption: `Rows: β; columns: the 200 checkpoints of linspace(0, ${su.T}, 200); ${ensemble} systems per β.` },
        { name: `phase-${label.toLowerCase()}-clusters`, title: `${label}: clusters`, svg: heatmap(med, { x: [0, su.T], y: [betas[0] as number, betas[betas.length - 1] as number] }, { title: `${label}: median cluster count (<x_i, x_j> > 0.9999)`, xLabel: 'time t', yLabel: 'β', valueLabel: 'clusters', range: [1, n], log: true }), caption: 'Median over the ensemble of the single-linkage cluster count (log colour scale).' },
      );
    }
    const finals = setups.map((su, k) => ({
      x: betas,
      y: (grids[su.model] as { pairFraction: number[][] }).pairFraction.map((row) => row[row.length - 1] as number),
      label: su.model,
      color: color(k),
    }));
    figures.push({ name: 'phase-final-pairs', title: 'At the final time', svg: linePlot(finals, { title: 'pair fraction > 0.999 at t = T', xLabel: 'β', yLabel: 'fraction', width: 640, height: 360 }), caption: 'The last column of each heatmap.' });
    const sa = grids['sphere-sa'] as { pairFraction: number[][]; medianClusters: number[][] };
    const usa = grids['sphere-usa'] as { pairFraction: number[][]; medianClusters: number[][] };
    const lastCol = (g: number[][]): number[] => g.map((row) => row[row.length - 1] as number);
    const saFinal = lastCol(sa.medianClusters);
    const usaFinal = lastCol(usa.medianClusters);
    return {
      summary: { n, d, ensemble, betas, bilinear, value, regenPeriod, seed, workers: ctx.workers ?? 1, wallMs, rows, grids },
      headline: [
        `SA (T = 30): median clusters at T ${saFinal[0]} at β = ${r(betas[0] as number, 3)}, ${saFinal[saFinal.length - 1]} at β = ${r(betas[betas.length - 1] as number, 3)}; pair fraction at T from ${r(lastCol(sa.pairFraction)[0] as number, 3)} to ${r(lastCol(sa.pairFraction)[nb - 1] as number, 3)}`,
        `USA (T = 1): median clusters at T ${usaFinal[0]} at β = ${r(betas[0] as number, 3)}, ${usaFinal[usaFinal.length - 1]} at β = ${r(betas[betas.length - 1] as number, 3)}`,
        `${tasks.length} tasks on ${ctx.workers ?? 1} worker(s) in ${(wallMs / 1000).toFixed(1)} s`,
      ],
      intro: [
        `Systems: ${ensemble} per β, starts drawn from SplitMix64 (gaussian, then normalised), the same starts for every β. B = ${bilinear}, V = ${value}${regenPeriod > 0 ? `, redrawn every ${regenPeriod} time units` : ''}.`,
        'As in GLPR, clustering is fast for small β and slows down as β grows (metastable multi-cluster states persist longer): the boundary between the coloured regions is the phase diagram. USA at large β takes many tiny steps (η ≈ 7e-6 at β = 9), which is where the worker pool matters.',
        'Cluster count: single-linkage classes of <x_i, x_j> > 0.9999 (the authors use the rank of that 0/1 matrix; they agree when the relation is transitive).',
      ],
      sections: [
        { heading: 'Phase diagrams', figures },
        { heading: 'Per β', tables: [{ columns: ['model', 'β', 'η', 'steps', 'pair fraction at T', 'median clusters at T'], rows: (rows as Record<string, number | string>[]).map((x) => [x.model as string, x.beta as number, x.eta as number, x.steps as number, x.finalPairFraction as number, x.finalMedianClusters as number]) }] },
      ],
    };
  },
};

function intParam(name: string, v: string, min: number, max: number): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < min || x > max) throw new RangeError(`--param ${name} must be an integer in [${min}, ${max}]; got '${v}'`);
  return x;
}
function numParam(name: string, v: string): number {
  const x = Number(v);
  if (!(x >= 0) || !Number.isFinite(x) || v.trim() === '') throw new RangeError(`--param ${name} must be a finite number ≥ 0; got '${v}'`);
  return x;
}
function oneOf<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new RangeError(`--param ${name} must be one of ${allowed.join(', ')}; got '${v}'`);
  return v as T;
}
