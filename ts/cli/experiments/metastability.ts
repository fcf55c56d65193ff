/**
 * SPEC §5.6 (and test 13): metastability of the Markov-chain model SA_P on a
 * regular κ-gon, γ = 0.1, A = I. Every token starts on its vertex; the
 * system's first exit is the first step at which some token is more than
 * ε = γ·sin(π/κ) from its start (below one move, 2γ·sin(π/κ)). Monte Carlo
 * medians of the exit time against β, next to the exact law (Geometric with
 * parameter 1 − (1−p)^κ, p = S/(1+S)); log(median) grows linearly in β with
 * slope tending to 1 − cos(2π/κ).
 */
import { Simulation } from '../../index.js';
import { linearFit } from '../../analysis/fit.js';
import { kgonExitLaw } from '../../analysis/metastability.js';
import type { Figure } from '../../report/html.js';
import { color, linePlot, type Series } from '../../report/svg.js';
import { median, r } from './common.js';
import type { Experiment } from './types.js';

function polygonPoints(kappa: number): Float64Array {
  const x = new Float64Array(2 * kappa);
  for (let j = 0; j < kappa; j++) {
    x[2 * j] = Math.cos((2 * Math.PI * j) / kappa);
    x[2 * j + 1] = Math.sin((2 * Math.PI * j) / kappa);
  }
  return x;
}

/** The first step at which a token is farther than eps from its start, or Infinity if none by cap. */
async function firstExit(kappa: number, beta: number, gamma: number, seed: number, cap: number, eps: number, backend: 'wasm' | 'js'): Promise<number> {
  const x0 = polygonPoints(kappa);
  const opts = { model: 'softmax-markov' as const, positions: x0, n: kappa, d: 2, beta, gamma, seed, backend };
  const out = (v: ArrayLike<number>): boolean => {
    for (let i = 0; i < kappa; i++) if (Math.hypot((v[2 * i] as number) - (x0[2 * i] as number), (v[2 * i + 1] as number) - (x0[2 * i + 1] as number)) > eps) return true;
    return false;
  };
  const sim = await Simulation.create(opts);
  try {
    const chunk = 64;
    let t = 0;
    while (t < cap) {
      const k = Math.min(chunk, cap - t);
      sim.step(k);
      if (out(sim.view())) {
        // replay the same random stream step by step to find the exact step (no token re-enters: its vertex is empty)
        const again = await Simulation.create(opts);
        try {
          if (t > 0) again.step(t);
          for (let s = 1; s <= k; s++) {
            again.step(1);
            if (out(again.view())) return t + s;
          }
        } finally {
          again.dispose();
        }
        throw new Error('the exit seen at the end of a chunk was not found on replay');
      }
      t += k;
    }
    return Infinity;
  } finally {
    sim.dispose();
  }
}

export const metastability: Experiment = {
  name: 'metastability',
  spec: '§5.6',
  title: 'Metastability: exit times of SA_P grow exponentially in β',
  description:
    'The Markov-chain model SA_P (γ = 0.1, A = I) started on a regular κ-gon: Monte Carlo median of the first exit time against β for κ ∈ {3, 4, 5, 6}, next to the exact geometric law; log(median) is linear in β with slope → 1 − cos(2π/κ).',
  async run(ctx) {
    const gamma = 0.1;
    const kappas = ctx.small ? [4] : [3, 4, 5, 6];
    const trials = ctx.small ? 40 : 300;
    const cap = ctx.small ? 20_000 : 50_000;
    const betaGrid = ctx.small ? [2, 3, 4] : [1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 20, 25, 30, 40];
    // keep β whose exact median is well below the cap
    const plan = kappas.map((kappa) => ({ kappa, betas: betaGrid.filter((b) => kgonExitLaw(kappa, b).systemMedian <= cap / 20) }));
    const total = plan.reduce((s, p) => s + p.betas.length, 0);
    let done = 0;
    ctx.progress(0, total);
    const results = [];
    for (const { kappa, betas } of plan) {
      const eps = gamma * Math.sin(Math.PI / kappa);
      const points = [];
      for (const beta of betas) {
        const times: number[] = [];
        for (let k = 0; k < trials; k++) times.push(await firstExit(kappa, beta, gamma, 1000 * kappa + 7919 * k + Math.round(100 * beta), cap, eps, ctx.backend));
        ctx.progress(++done, total);
        const law = kgonExitLaw(kappa, beta);
        const finite = times.filter(Number.isFinite);
        const mean = finite.reduce((a, b) => a + b, 0) / Math.max(1, finite.length);
        const sd = Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, finite.length - 1));
        points.push({
          beta,
          trials,
          censored: times.length - finite.length,
          median: finite.length * 2 > times.length ? median(times.map((t) => (Number.isFinite(t) ? t : Number.MAX_VALUE))) : Infinity,
          mean,
          standardError: sd / Math.sqrt(Math.max(1, finite.length)),
          exactMedian: law.systemMedian,
          exactMean: law.systemMean,
          p: law.p,
          meanWithin4SE: Math.abs(mean - law.systemMean) <= 4 * (sd / Math.sqrt(Math.max(1, finite.length))),
        });
      }
      const fitPts = points.filter((p) => Number.isFinite(p.median) && p.median >= 1);
      const fit = fitPts.length >= 2 ? linearFit(fitPts.map((p) => p.beta), fitPts.map((p) => Math.log(p.median))) : null;
      results.push({ kappa, epsilon: eps, limitSlope: 1 - Math.cos((2 * Math.PI) / kappa), fittedSlope: fit?.slope ?? NaN, points, skippedBetas: betaGrid.filter((b) => !betas.includes(b)) });
    }
    const series: Series[] = [];
    results.forEach((res, k) => {
      series.push({ x: res.points.map((p) => p.beta), y: res.points.map((p) => p.median), label: `κ = ${res.kappa}: Monte Carlo median`, color: color(k), markers: true, strokeWidth: 1 });
      const bs = Array.from({ length: 60 }, (_, j) => 1 + (j * (Math.max(...res.points.map((p) => p.beta), 2) - 1)) / 59);
      series.push({ x: bs, y: bs.map((b) => kgonExitLaw(res.kappa, b).systemMedian), label: `κ = ${res.kappa}: exact median`, color: color(k), dash: '5 4' });
    });
    const figs: Figure[] = [
      {
        name: 'metastability-exit-median',
        title: 'Median first exit against β',
        svg: linePlot(series, { title: `SA_P on the regular κ-gon, γ = ${gamma}, ${trials} trials per point`, xLabel: 'β', yLabel: 'median first exit (steps)', yLog: true, width: 640, height: 420, legendCorner: 'top-left' }),
        caption: `Markers: Monte Carlo medians (seeded SplitMix64 per trial); dashed: the exact median of Geometric(1 − (1−p)^κ), p = S/(1+S). Runs are capped at ${cap} steps; β whose exact median exceeds cap/20 are skipped.`,
      },
    ];
    const ref = { p_4_2: kgonExitLaw(4, 2).p, p_3_5: kgonExitLaw(3, 5).p };
    return {
      summary: { gamma, trials, cap, reference: { ...ref, expected: { p_4_2: 0.224197, p_3_5: 0.001105 } }, results },
      headline: results.map((x) => `κ = ${x.kappa}: slope of log(median) in β ${r(x.fittedSlope, 4)} (limit 1 − cos(2π/κ) = ${r(x.limitSlope, 4)}); means within 4 SE of the exact law: ${x.points.filter((p) => p.meanWithin4SE).length}/${x.points.length}`),
      intro: [`Reference values of SPEC test 13 from the exact law: p(κ=4, β=2) = ${ref.p_4_2.toFixed(6)} (SPEC 0.224197), p(3, 5) = ${ref.p_3_5.toFixed(6)} (SPEC 0.001105).`],
      sections: [
        {
          heading: 'Exit times',
          tables: results.map((x) => ({
            caption: `κ = ${x.kappa}, ε = ${r(x.epsilon, 4)}; fitted slope ${r(x.fittedSlope, 4)}, limit ${r(x.limitSlope, 4)}${x.skippedBetas.length ? `; skipped β (median beyond the cap): ${x.skippedBetas.join(', ')}` : ''}`,
            columns: ['β', 'median', 'exact median', 'mean ± SE', 'exact mean', 'censored', 'mean within 4 SE'],
            rows: x.points.map((p) => [p.beta, p.median, p.exactMedian, `${r(p.mean, 5)} ± ${r(p.standardError, 3)}`, r(p.exactMean, 6), p.censored, p.meanWithin4SE]),
          })),
          figures: figs,
        },
      ],
    };
  },
};
