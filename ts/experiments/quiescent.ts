/**
 * SPEC §5.4(b): quiescent verification. The square (±1, ±1) with 10 tokens
 * uniform in B(v, 2ε) around each vertex, ε = δ/(2+2α), constant δ ∈ {0.02,
 * 0.1, 0.3}, α ∈ {0.5, 1, 2}: log|x_i(t) − v| against t, entries, exits and
 * fitted rates next to 1/(1+α); and the n = 60 random-cloud version of the
 * "measured fact" (SPEC §3: about 3% of entries into B(v, δ/(2+2α)) around a
 * final vertex left again). An empirical instrument: nothing is assumed.
 */
import { SplitMix64 } from '../prng.js';
import { initialPositions } from '../init.js';
import { quiescentReport, type QuiescentReport } from '../analysis/dynamics/quiescent.js';
import { encodeNpy } from '../io/npy.js';
import { ballsFigure } from '../report/figures.js';
import type { Figure } from '../report/html.js';
import { projection2d } from '../report/projection.js';
import { color, linePlot, type Series } from '../report/svg.js';
import { flat, median, r, recordRun, uniformDisc } from './common.js';
import type { Experiment } from './types.js';

const VERTICES: [number, number][] = [
  [1, 1],
  [1, -1],
  [-1, -1],
  [-1, 1],
];

function totals(q: QuiescentReport): { entries: number; exits: number; stayed: number; rateFixed: number; rateMoving: number } {
  let entries = 0;
  let exits = 0;
  let stayed = 0;
  const rf: number[] = [];
  const rm: number[] = [];
  for (const c of q.perCentre) {
    entries += c.entries.length;
    exits += c.exits;
    stayed += c.stayed.length;
    rf.push(c.rateFixed);
    rm.push(c.rateMoving);
  }
  return { entries, exits, stayed, rateFixed: median(rf), rateMoving: median(rm) };
}

export const quiescent: Experiment = {
  name: 'quiescent',
  spec: '§5.4b',
  title: 'Quiescent balls: entries, exits and contraction rates',
  description:
    'Tokens placed in B(v, 2ε) around the vertices of the square, ε = δ/(2+2α), for constant δ ∈ {0.02, 0.1, 0.3} and α ∈ {0.5, 1, 2}: entries into and exits from B(v, ε), fitted rates of log|x_i − v| against 1/(1+α); plus random clouds of 60 tokens (the measured fact of SPEC §3).',
  async run(ctx) {
    const deltas = ctx.small ? [0.1] : [0.02, 0.1, 0.3];
    const alphas = ctx.small ? [1] : [0.5, 1, 2];
    const steps = ctx.small ? 120 : 300;
    const cloudSeeds = ctx.small ? [1] : [1, 2, 3, 4];
    const cloudN = ctx.small ? 30 : 60;
    const total = deltas.length * alphas.length * (1 + cloudSeeds.length);
    let done = 0;
    ctx.progress(0, total);
    const squareRows = [];
    const cloudRows = [];
    const figs: Figure[] = [];
    const files = [];
    for (const delta of deltas) {
      for (const alpha of alphas) {
        const eps = delta / (2 + 2 * alpha);
        const rng = new SplitMix64(Math.round(1e6 * delta + 1e3 * alpha));
        const rows: number[][] = [...VERTICES.map((v) => [...v])];
        for (const [vx, vy] of VERTICES) rows.push(...uniformDisc(rng, 10, vx, vy, 2 * eps));
        const x0 = flat(rows);
        const n = rows.length;
        const { tr } = await recordRun({ model: 'localmax', positions: x0, n, d: 2, alpha, delta, backend: ctx.backend }, steps);
        ctx.progress(++done, total);
        const q = quiescentReport(tr, { alpha, delta, radius: eps });
        const tot = totals(q);
        squareRows.push({ delta, alpha, epsilon: eps, predictedRate: 1 / (1 + alpha), ...tot, balls: q.perCentre.length });
        if (delta === (deltas[Math.floor(deltas.length / 2)] as number) && alpha === (alphas[Math.floor(alphas.length / 2)] as number)) {
          files.push({ name: `square-delta-${delta}-alpha-${alpha}-initial.npy`, bytes: encodeNpy(x0, [n, 2]) });
          // log|x_i(t) − v| for every token, v the nearest final vertex-cluster centre
          const series: Series[] = [];
          const centres = q.centres;
          const k = centres.length / 2;
          const ts = Array.from(tr.times);
          for (let i = 4; i < n; i++) {
            const xT = tr.data[(tr.count - 1) * n * 2 + 2 * i] as number;
            const yT = tr.data[(tr.count - 1) * n * 2 + 2 * i + 1] as number;
            let best = 0;
            for (let c = 1; c < k; c++) {
              if (Math.hypot(xT - (centres[2 * c] as number), yT - (centres[2 * c + 1] as number)) < Math.hypot(xT - (centres[2 * best] as number), yT - (centres[2 * best + 1] as number))) best = c;
            }
            const cx = centres[2 * best] as number;
            const cy = centres[2 * best + 1] as number;
            series.push({ x: ts, y: ts.map((_, s) => Math.hypot((tr.data[s * n * 2 + 2 * i] as number) - cx, (tr.data[s * n * 2 + 2 * i + 1] as number) - cy)), color: color(best), strokeWidth: 1 });
          }
          const rate = 1 / (1 + alpha);
          series.push({ x: ts, y: ts.map((t) => (2 * eps * rate ** t >= 1e-17 ? 2 * eps * rate ** t : NaN)), label: `2ε·(1/(1+α))^t`, color: '#000', dash: '6 4', strokeWidth: 2 });
          series.push({ x: [0, steps], y: [eps, eps], label: 'ε', color: '#c0392b', dash: '2 3' });
          figs.push({
            name: `quiescent-log-distance-delta-${delta}-alpha-${alpha}`,
            title: `log|x_i(t) − v|, δ = ${delta}, α = ${alpha}`,
            svg: linePlot(series, { title: `distance to the nearest final vertex, δ = ${delta}, α = ${alpha}`, xLabel: 't', yLabel: '|x_i(t) − v|', yLog: true, width: 560, height: 380 }),
            caption: `Each line is a token started in B(v, 2ε), coloured by its vertex v (the final vertex-cluster centroid). The dashed black line has the predicted slope log(1/(1+α)); the red line is ε = δ/(2+2α).`,
          });
          const proj = projection2d(tr.data, tr.count, n, 2);
          const entered = new Set<number>();
          for (const c of q.perCentre) for (const e of c.entries) entered.add(e.token);
          figs.push({
            name: `quiescent-balls-delta-${delta}-alpha-${alpha}`,
            title: `Balls B(v, ε), δ = ${delta}, α = ${alpha}`,
            svg: ballsFigure(tr, proj, q.centres, eps, [...entered], { title: `B(v, ε) near v = (1, 1), ε = ${r(eps, 4)}`, box: { x: [1 - 2.6 * eps, 1 + 2.6 * eps], y: [1 - 2.6 * eps, 1 + 2.6 * eps] } }),
            caption: `Zoom on the vertex (1, 1): the ball B(v, ε) around the final vertex cluster, the final positions and the paths of the tokens that entered a ball (${entered.size} in all).`,
          });
        }
        for (const seed of cloudSeeds) {
          const x0c = initialPositions({ kind: 'uniform', n: cloudN, d: 2, seed });
          const run = await recordRun({ model: 'localmax', positions: x0c, n: cloudN, d: 2, alpha, delta, backend: ctx.backend }, steps);
          ctx.progress(++done, total);
          const qc = quiescentReport(run.tr, { alpha, delta });
          cloudRows.push({ delta, alpha, seed, ...totals(qc) });
        }
      }
    }
    const cloudEntries = cloudRows.reduce((s, x) => s + x.entries, 0);
    const cloudExits = cloudRows.reduce((s, x) => s + x.exits, 0);
    const exitFraction = cloudEntries > 0 ? cloudExits / cloudEntries : NaN;
    return {
      summary: { steps, square: squareRows, cloud: { n: cloudN, seeds: cloudSeeds, rows: cloudRows, entries: cloudEntries, exits: cloudExits, exitFraction } },
      files,
      headline: [
        `square: median fitted rates ${squareRows.map((x) => `${r(x.rateFixed, 4)} (1/(1+α) = ${r(x.predictedRate, 4)})`).join(', ')}`,
        `clouds: ${cloudExits} exits of ${cloudEntries} entries (${(100 * exitFraction).toFixed(1)}%; SPEC measured about 3%)`,
      ],
      sections: [
        {
          heading: 'Square with tokens near the vertices',
          tables: [
            {
              columns: ['δ', 'α', 'ε', 'entries', 'exits', 'stayed', 'median rate (fixed v)', 'median rate (moving c)', '1/(1+α)'],
              rows: squareRows.map((x) => [x.delta, x.alpha, x.epsilon, x.entries, x.exits, x.stayed, x.rateFixed, x.rateMoving, x.predictedRate]),
            },
          ],
          figures: figs,
        },
        {
          heading: `Random clouds (n = ${cloudN}, ${steps} steps)`,
          text: [`Over all runs: ${cloudExits} exits of ${cloudEntries} entries into B(v, δ/(2+2α)) around the final vertices (${(100 * exitFraction).toFixed(2)}%). SPEC §3 reports about 3% for n = 60; a non-zero fraction means the reconstructed ball is not invariant.`],
          tables: [
            {
              columns: ['δ', 'α', 'seed', 'entries', 'exits', 'stayed', 'median rate (fixed v)', 'median rate (moving c)'],
              rows: cloudRows.map((x) => [x.delta, x.alpha, x.seed, x.entries, x.exits, x.stayed, x.rateFixed, x.rateMoving]),
            },
          ],
        },
      ],
    };
  },
};
