/**
 * SPEC §5.7: GLPR's sphere.py (borjanG/2023-transformers-rotf). n = 64,
 * d = 3, β = 1, Q = K = V = I, gaussian start normalised to the sphere,
 * euler-raw with dt = 0.1 to T = 15 (150 steps), for SA and USA; expected:
 * one cluster (test 14). Recorded: GLPR's pair fraction (<x_i, x_j> > 0.999),
 * the cluster count, the energy E_β, and the class of the final state.
 */
import { initialPositions } from '../init.js';
import { sphereClusters } from '../analysis/attention/clusters.js';
import { energySeries } from '../analysis/dynamics/energies.js';
import { classifyEquilibrium } from '../analysis/sphere/sphere.js';
import type { Trajectory } from '../analysis/dynamics/trajectory.js';
import { encodeNpy } from '../io/npy.js';
import { trajectoryFigure, labelColors } from '../report/figures.js';
import type { Figure } from '../report/html.js';
import { projection2d } from '../report/projection.js';
import { color, linePlot } from '../report/svg.js';
import { r, recordRun, snapshotOf } from './common.js';
import type { Experiment } from './types.js';

function pairFraction(x: Float64Array, n: number, d: number, thr: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (x[i * d + k] as number) * (x[j * d + k] as number);
      if (s > thr) c++;
    }
  }
  return (2 * c) / (n * (n - 1));
}

export const sphereClustering: Experiment = {
  name: 'sphere-clustering',
  spec: '§5.7',
  title: 'Sphere models SA and USA: emergence of one cluster',
  description:
    'GLPR sphere.py: n = 64 tokens on S², β = 1, Q = K = V = I, gaussian start, euler-raw with dt = 0.1 for 150 steps (T = 15), for SA and USA: the pair fraction above 0.999, the cluster count and the energy E_β over time, and the class of the final state (expected: one cluster).',
  async run(ctx) {
    const n = ctx.small ? 32 : 64;
    const d = 3;
    const beta = 1;
    const dt = 0.1;
    const steps = 150;
    const seed = 2023;
    const x0 = initialPositions({ kind: 'gaussian', n, d, seed });
    ctx.progress(0, 2);
    const runs: { model: 'sphere-sa' | 'sphere-usa'; tr: Trajectory; final: Float64Array }[] = [];
    for (const model of ['sphere-sa', 'sphere-usa'] as const) {
      const run = await recordRun({ model, positions: x0, n, d, beta, dt, integrator: 'euler-raw', backend: ctx.backend }, steps);
      runs.push({ model, tr: run.tr, final: run.final });
      ctx.progress(runs.length, 2);
    }
    const figs: Figure[] = [];
    const rows = [];
    const pairSeries = [];
    const clusterSeries = [];
    const energy = [];
    for (const [k, run] of runs.entries()) {
      const ts = Array.from(run.tr.times, (t) => t * dt);
      const pairs = Array.from({ length: run.tr.count }, (_, s) => pairFraction(snapshotOf(run.tr, s), n, d, 0.999));
      const cls = Array.from({ length: run.tr.count }, (_, s) => sphereClusters(snapshotOf(run.tr, s), n, d, 1e-4).count);
      const e = energySeries(run.tr, { beta });
      const cl = classifyEquilibrium(run.final, n, d, { beta, variant: run.model === 'sphere-sa' ? 'sa' : 'usa', tol: 1e-4 });
      pairSeries.push({ x: ts, y: pairs, label: run.model, color: color(k) });
      clusterSeries.push({ x: ts, y: cls, label: run.model, color: color(k) });
      energy.push({ x: ts, y: Array.from(e.softmaxEnergy), label: run.model, color: color(k) });
      const finalClusters = sphereClusters(run.final, n, d, 1e-4);
      rows.push({
        model: run.model,
        finalPairFraction: pairs[pairs.length - 1],
        finalClusters: finalClusters.count,
        class: cl.class,
        energyStart: e.softmaxEnergy[0],
        energyEnd: e.softmaxEnergy[e.softmaxEnergy.length - 1],
        energyDrops: Array.from(e.softmaxEnergy).filter((v, s, a) => s > 0 && v < (a[s - 1] as number) - 1e-12 * Math.abs(v)).length,
      });
      const proj = projection2d(run.tr.data, run.tr.count, n, d);
      figs.push({
        name: `sphere-${run.model}-paths`,
        title: `${run.model}: paths on S²`,
        svg: trajectoryFigure(run.tr, proj, { title: `${run.model}, β = ${beta}, T = ${steps * dt}`, colors: labelColors(finalClusters.labels), hull: false, size: 380 }),
        caption: 'Paths of the tokens (hollow: start, filled: end), drawn in the PCA plane of all snapshots (said on the figure).',
      });
    }
    const plots: Figure[] = [
      { name: 'sphere-pair-fraction', title: 'Pair fraction', svg: linePlot(pairSeries, { title: 'fraction of pairs with <x_i, x_j> > 0.999', xLabel: 'time t', yLabel: 'fraction', width: 520, height: 340 }), caption: "GLPR's statistic over time." },
      { name: 'sphere-clusters', title: 'Clusters', svg: linePlot(clusterSeries, { title: 'clusters (<x_i, x_j> >= 1 − 1e-4)', xLabel: 'time t', yLabel: 'clusters', yLog: true, width: 520, height: 340 }), caption: 'Single-linkage clusters on the sphere.' },
      { name: 'sphere-energy', title: 'Energy', svg: linePlot(energy, { title: `E_β, β = ${beta}`, xLabel: 'time t', yLabel: 'E_β', width: 520, height: 340 }), caption: 'E_β = (1/(2βn²)) Σ exp(β<x_i, x_j>), non-decreasing along both flows in continuous time (SPEC §2.3).' },
    ];
    return {
      summary: { n, d, beta, dt, steps, integrator: 'euler-raw', seed, rows },
      files: [{ name: 'initial.npy', bytes: encodeNpy(x0, [n, d]) }],
      headline: rows.map((x) => `${x.model}: ${x.finalClusters} cluster(s), class ${x.class}, pair fraction ${r(x.finalPairFraction as number, 4)}`),
      intro: [`Start: ${n} standard gaussian vectors of R^3 from SplitMix64(${seed}) (initial.npy, before projection), normalised to the sphere by the simulation.`],
      sections: [
        { heading: 'Final state', tables: [{ columns: ['model', 'clusters (1e-4)', 'class', 'pair fraction > 0.999', 'E_β start', 'E_β end', 'E_β drops'], rows: rows.map((x) => [x.model, x.finalClusters, x.class, x.finalPairFraction ?? null, x.energyStart ?? null, x.energyEnd ?? null, x.energyDrops]) }] },
        { heading: 'Paths', figures: figs },
        { heading: 'Over time', figures: plots },
      ],
    };
  },
};
