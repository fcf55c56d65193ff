/**
 * SPEC §5.6 (and test 13): metastability of the Markov-chain model SA_P on a
 * regular κ-gon, γ = 0.1, A = I. Every token starts on its vertex; the
 * system's first exit is the first step at which some token is more than
 * ε = γ·sin(π/κ) from its start (below one move, 2γ·sin(π/κ)). Monte Carlo
 * medians of the exit time against β, next to the exact law (Geometric with
 * parameter 1 − (1−p)^κ, p = S/(1+S)); log(median) grows linearly in β with
 * slope tending to 1 − cos(2π/κ).
 *
 * Second start (SPEC §5.6): the κ-gon plus a few interior tokens per vertex,
 * placed (seeded, per trial) near their cell's vertex. Per β: the median first
 * exit of the system from its initial groups (each vertex with the interior
 * tokens of its cell) grown by ε (`exitTimes`), and the median time for the
 * interior tokens to come within δ = 1e-3 of their vertex token, expected
 * O(1) in β (FW Theorem 5.2 [reconstructed]).
 */
import { Simulation } from '../simulation.js';
import { SplitMix64 } from '../prng.js';
import { linearFit } from '../analysis/dynamics/fit.js';
import { exitTimes, kgonExitLaw, type StateStream } from '../analysis/dynamics/metastability.js';
import type { Figure } from '../report/html.js';
import { color, linePlot, type Series } from '../report/svg.js';
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

/**
 * The κ-gon on the unit circle plus m interior tokens per vertex: token k·(m+1) is vertex k, the next m
 * are interior tokens of its cell, x = (1−λ)v_k + λq with λ ~ U[0.05, 0.15) and q uniform in the polygon,
 * redrawn until argmax_j <x, v_j> = k (its cell, A = I). Returns positions, group labels and the vertex of each token.
 */
function polygonWithInterior(kappa: number, m: number, seed: number): { x: Float64Array; labels: Int32Array; interior: number[] } {
  const v = polygonPoints(kappa);
  const rng = new SplitMix64(seed);
  const n = kappa * (m + 1);
  const x = new Float64Array(2 * n);
  const labels = new Int32Array(n);
  const interior: number[] = [];
  for (let k = 0; k < kappa; k++) {
    const base = k * (m + 1);
    x[2 * base] = v[2 * k] as number;
    x[2 * base + 1] = v[2 * k + 1] as number;
    labels[base] = k;
    for (let a = 1; a <= m; a++) {
      for (;;) {
        // q uniform in the triangle (0, v_j, v_{j+1}) of a uniform j: uniform in the polygon
        const j = Math.min(kappa - 1, Math.floor(kappa * rng.nextFloat()));
        let s = rng.nextFloat();
        let t = rng.nextFloat();
        if (s + t > 1) [s, t] = [1 - s, 1 - t];
        const j2 = (j + 1) % kappa;
        const qx = s * (v[2 * j] as number) + t * (v[2 * j2] as number);
        const qy = s * (v[2 * j + 1] as number) + t * (v[2 * j2 + 1] as number);
        const lam = 0.05 + 0.1 * rng.nextFloat();
        const px = (1 - lam) * (v[2 * k] as number) + lam * qx;
        const py = (1 - lam) * (v[2 * k + 1] as number) + lam * qy;
        let best = -1;
        let bestVal = -Infinity;
        for (let c = 0; c < kappa; c++) {
          const val = px * (v[2 * c] as number) + py * (v[2 * c + 1] as number);
          if (val > bestVal) [best, bestVal] = [c, val];
        }
        if (best !== k) continue;
        x[2 * (base + a)] = px;
        x[2 * (base + a) + 1] = py;
        labels[base + a] = k;
        interior.push(base + a);
        break;
      }
    }
  }
  return { x, labels, interior };
}

/**
 * One trial of the second start: the system's first exit from its grown groups (−1 if none by exitCap; not
 * looked for when exitCap = 0) and, per interior token, the first step within delta of its vertex token
 * (Infinity if none by arriveCap). The vertex is the vertex token's current position: under SA_P
 * the vertex token also draws its own interior tokens now and then, so it does not stay exactly put.
 */
async function interiorTrial(
  kappa: number, m: number, beta: number, gamma: number, seed: number, exitCap: number, arriveCap: number, eps: number, delta: number, backend: 'wasm' | 'js',
): Promise<{ exit: number; arrivals: number[] }> {
  const { x: x0, labels, interior } = polygonWithInterior(kappa, m, seed);
  const n = labels.length;
  const vert = interior.map((i) => (labels[i] as number) * (m + 1));
  const arrivals = interior.map(() => Infinity);
  let left = interior.length;
  const check = (x: ArrayLike<number>, t: number): void => {
    interior.forEach((i, a) => {
      if (arrivals[a] !== Infinity) return;
      const b = vert[a] as number;
      if (Math.hypot((x[2 * i] as number) - (x[2 * b] as number), (x[2 * i + 1] as number) - (x[2 * b + 1] as number)) <= delta) {
        arrivals[a] = t;
        left--;
      }
    });
  };
  const sim = await Simulation.create({ model: 'softmax-markov', positions: x0, n, d: 2, beta, gamma, seed, backend });
  try {
    let t = 0;
    let exit = -1;
    if (exitCap > 0) {
      const stream: StateStream = {
        n, d: 2,
        state: (s) => {
          if (s === 0) return x0;
          sim.step(1);
          t = s;
          const v = sim.view();
          check(v, s);
          return v;
        },
      };
      exit = exitTimes(stream, labels, eps, { stop: 'first', maxSteps: exitCap }).system;
    }
    while (left > 0 && t < arriveCap) {
      sim.step(1);
      t++;
      check(sim.view(), t);
    }
    return { exit, arrivals };
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
    // second start: the κ-gon plus m interior tokens per vertex near their cell's vertex
    const m = 3;
    const kappas2 = ctx.small ? [4] : [3, 4, 5, 6];
    const trials2 = ctx.small ? 20 : 100;
    const exitCap2 = ctx.small ? 5_000 : 20_000;
    const arriveCap = 5_000;
    const delta = 1e-3;
    const total = plan.reduce((s, p) => s + p.betas.length, 0) + kappas2.length * betaGrid.length;
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
        svg: linePlot(series, { title: `SA_P on the regular κ-gon, γ = ${gamma}, ${trials} trials per point`, xLabel: 'β', yLabel: 'median first exit (steps)', yLog: true, width: 640, height: 420 }),
        caption: `Markers: Monte Carlo medians (seeded SplitMix64 per trial); dashed: the exact median of Geometric(1 − (1−p)^κ), p = S/(1+S). Runs are capped at ${cap} steps; β whose exact median exceeds cap/20 are skipped.`,
      },
    ];
    const interior = [];
    for (const kappa of kappas2) {
      const eps = gamma * Math.sin(Math.PI / kappa);
      const points = [];
      for (const beta of betaGrid) {
        // the exit is looked for only where the κ-gon's exact median is well below the cap (else: arrivals only)
        const withExit = kgonExitLaw(kappa, beta).systemMedian <= exitCap2 / 20;
        const exits: number[] = [];
        const arrivals: number[] = [];
        const lastArrivals: number[] = [];
        let arrivedBeforeExit = 0;
        for (let k = 0; k < trials2; k++) {
          const res = await interiorTrial(kappa, m, beta, gamma, 500_000 + 1000 * kappa + 7919 * k + Math.round(100 * beta), withExit ? exitCap2 : 0, arriveCap, eps, delta, ctx.backend);
          const last = Math.max(...res.arrivals);
          arrivals.push(...res.arrivals);
          lastArrivals.push(last);
          if (withExit) {
            const e = res.exit < 0 ? Infinity : res.exit;
            exits.push(e);
            if (last < e) arrivedBeforeExit++;
          }
        }
        ctx.progress(++done, total);
        const med = (v: number[]): number => (v.filter(Number.isFinite).length * 2 > v.length ? median(v.map((t) => (Number.isFinite(t) ? t : Number.MAX_VALUE))) : Infinity);
        points.push({
          beta,
          trials: trials2,
          medianExit: withExit ? med(exits) : null,
          exitCensored: withExit ? exits.filter((e) => !Number.isFinite(e)).length : null,
          kgonExactMedian: kgonExitLaw(kappa, beta).systemMedian,
          medianArrival: med(arrivals),
          medianLastArrival: med(lastArrivals),
          arrivalCensored: arrivals.filter((a) => !Number.isFinite(a)).length,
          arrivalTokens: arrivals.length,
          allArrivedBeforeExit: withExit ? arrivedBeforeExit : null,
        });
      }
      const fitPts = points.filter((p) => p.medianExit !== null && Number.isFinite(p.medianExit) && p.medianExit >= 1);
      // A slope needs at least two β with different medians: medians that are all equal (e.g. all 1,
      // when an interior token leaves its group at once) fit a slope of 0 that measures nothing.
      const distinctMedians = new Set(fitPts.map((p) => p.medianExit)).size;
      const fit = fitPts.length >= 2 && distinctMedians >= 2 ? linearFit(fitPts.map((p) => p.beta), fitPts.map((p) => Math.log(p.medianExit as number))) : null;
      const exitSlopeWhyNot =
        fit !== null
          ? null
          : fitPts.length < 2
            ? `fewer than two β with a measured median exit (${fitPts.length})`
            : `the median exit is ${fitPts[0]!.medianExit} at every β, so log(median) has no slope to measure`;
      const arr = points.filter((p) => Number.isFinite(p.medianArrival));
      interior.push({
        kappa,
        interiorPerVertex: m,
        epsilon: eps,
        exitSlope: fit === null ? null : fit.slope,
        exitSlopeWhyNot,
        limitSlope: 1 - Math.cos((2 * Math.PI) / kappa),
        arrivalRatioLargestToSmallestBeta: arr.length >= 2 ? (arr[arr.length - 1]!.medianArrival / arr[0]!.medianArrival) : NaN,
        points,
      });
    }
    const series2: Series[] = [];
    interior.forEach((res, k) => {
      const ex = res.points.filter((p) => p.medianExit !== null && Number.isFinite(p.medianExit));
      series2.push({ x: ex.map((p) => p.beta), y: ex.map((p) => p.medianExit as number), label: `κ = ${res.kappa}: median first exit`, color: color(k), markers: true, strokeWidth: 1 });
      const ar = res.points.filter((p) => Number.isFinite(p.medianArrival));
      series2.push({ x: ar.map((p) => p.beta), y: ar.map((p) => p.medianArrival), label: `κ = ${res.kappa}: median arrival at the vertex`, color: color(k), dash: '5 4', markers: true });
    });
    figs.push({
      name: 'metastability-interior',
      title: 'Vertices plus interior tokens: first exit and arrival at the vertex against β',
      svg: linePlot(series2, { title: `SA_P, κ-gon + ${m} interior tokens per vertex, γ = ${gamma}, ${trials2} trials per point`, xLabel: 'β', yLabel: 'steps', yLog: true, width: 640, height: 420 }),
      caption:
        `Start: the regular κ-gon plus ${m} interior tokens per vertex, x = (1−λ)v_k + λq with λ ~ U[0.05, 0.15), q uniform in the polygon, kept in the cell of v_k (seeded SplitMix64, a new configuration per trial). ` +
        `Expected (SPEC §5.6): the first exit of the system from its initial groups (each vertex with its cell's interior tokens) grown by ε = γ·sin(π/κ) grows exponentially in β (log-linear), while the interior tokens reach their vertices in a time O(1) in β (FW Theorem 5.2 [reconstructed]). ` +
        `Measured: solid markers, the median first exit (runs capped at ${exitCap2} steps, shown only for β whose κ-gon exact median is at most cap/20); dashed markers, the median over all interior tokens of the first step within δ = ${delta} of their vertex token (its current position: under SA_P the vertex token also draws its own cell's interior tokens, so it drifts slightly and the initial vertex is not a fixed target) (capped at ${arriveCap} steps; a median is drawn only when more than half arrived). ` +
        interior.map((x) => `κ = ${x.kappa}: ${exitSlopeText(x, 3)} (κ-gon limit ${r(x.limitSlope, 3)}); median arrival ${x.points.map((p) => (Number.isFinite(p.medianArrival) ? p.medianArrival : '∞')).join(', ')} at β = ${x.points.map((p) => p.beta).join(', ')}.`).join(' '),
    });
    const ref = { p_4_2: kgonExitLaw(4, 2).p, p_3_5: kgonExitLaw(3, 5).p };
    return {
      summary: { gamma, trials, cap, interiorStart: { interiorPerVertex: m, trials: trials2, exitCap: exitCap2, arriveCap, delta, results: interior }, reference: { ...ref, expected: { p_4_2: 0.224197, p_3_5: 0.001105 } }, results },
      headline: [
        ...results.map((x) => `κ = ${x.kappa}: slope of log(median) in β ${r(x.fittedSlope, 4)} (limit 1 − cos(2π/κ) = ${r(x.limitSlope, 4)}); means within 4 SE of the exact law: ${x.points.filter((p) => p.meanWithin4SE).length}/${x.points.length}`),
        ...interior.map((x) => `κ = ${x.kappa} + ${m} interior per vertex: ${exitSlopeText(x, 4)}; median arrival at the vertex, largest/smallest β: ${r(x.arrivalRatioLargestToSmallestBeta, 4)}`),
      ],
      intro: [`Reference values of SPEC test 13 from the exact law: p(κ=4, β=2) = ${ref.p_4_2.toFixed(6)} (SPEC 0.224197), p(3, 5) = ${ref.p_3_5.toFixed(6)} (SPEC 0.001105).`],
      sections: [
        {
          heading: 'Exit times',
          tables: results.map((x) => ({
            caption: `κ = ${x.kappa}, ε = ${r(x.epsilon, 4)}; fitted slope ${r(x.fittedSlope, 4)}, limit ${r(x.limitSlope, 4)}${x.skippedBetas.length ? `; skipped β (median beyond the cap): ${x.skippedBetas.join(', ')}` : ''}`,
            columns: ['β', 'median', 'exact median', 'mean ± SE', 'exact mean', 'censored', 'mean within 4 SE'],
            rows: x.points.map((p) => [p.beta, p.median, p.exactMedian, `${r(p.mean, 5)} ± ${r(p.standardError, 3)}`, r(p.exactMean, 6), p.censored, p.meanWithin4SE]),
          })),
          figures: [figs[0]!],
        },
        {
          heading: 'Vertices plus interior tokens',
          tables: interior.map((x) => ({
            caption: `κ = ${x.kappa}, ${m} interior tokens per vertex, ε = ${r(x.epsilon, 4)}, δ = ${delta}; ${exitSlopeText(x, 4)}; median arrival at the largest β / at the smallest β: ${r(x.arrivalRatioLargestToSmallestBeta, 4)}`,
            columns: ['β', 'median exit', 'exit censored', 'κ-gon exact median', 'median arrival', 'median last arrival per trial', 'arrivals censored', 'all arrived before exit'],
            rows: x.points.map((p) => [p.beta, p.medianExit ?? '—', p.exitCensored ?? '—', p.kgonExactMedian, p.medianArrival, p.medianLastArrival, `${p.arrivalCensored}/${p.arrivalTokens}`, p.allArrivedBeforeExit === null ? '—' : `${p.allArrivedBeforeExit}/${p.trials}`]),
          })),
          figures: [figs[1]!],
        },
      ],
    };
  },
};

/** "slope of log(median exit) s", or why it cannot be measured in this run. */
function exitSlopeText(x: { exitSlope: number | null; exitSlopeWhyNot: string | null }, digits: number): string {
  return x.exitSlope !== null ? `slope of log(median exit) ${r(x.exitSlope, digits)}` : `slope of log(median exit) not measurable: ${x.exitSlopeWhyNot}`;
}
