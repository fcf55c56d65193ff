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
 * O(1) in β (FW Theorem 5.2 [reconstructed]), next to its β = ∞ limit from
 * the same starts (each interior token moves toward its vertex every step:
 * arrival ⌈ln(d0/δ)/ln(1/(1−γ))⌉) and SPEC's independent numpy medians.
 *
 * Every Monte Carlo median carries a bootstrap 95 % percentile interval
 * (resampling whole trials: the interior tokens of one trial share its run),
 * and the report says from which β the arrival medians stop changing: the
 * smallest grid β from which on all medians' intervals share a common value.
 */
import { Simulation } from '../simulation.js';
import { SplitMix64 } from '../prng.js';
import { linearFit } from '../analysis/dynamics/fit.js';
import { exitTimes, kgonExitLaw, type StateStream } from '../analysis/dynamics/metastability.js';
import type { Figure } from '../report/html.js';
import { color, extent, linePlot, pad, segment, type Frame, type Series } from '../report/svg.js';
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
 * (Infinity if none by arriveCap), and each interior token's initial distance d0 to its vertex. The vertex is the vertex token's current position: under SA_P
 * the vertex token also draws its own interior tokens now and then, so it does not stay exactly put.
 */
async function interiorTrial(
  kappa: number, m: number, beta: number, gamma: number, seed: number, exitCap: number, arriveCap: number, eps: number, delta: number, backend: 'wasm' | 'js',
): Promise<{ exit: number; arrivals: number[]; d0: number[] }> {
  const { x: x0, labels, interior } = polygonWithInterior(kappa, m, seed);
  const n = labels.length;
  const vert = interior.map((i) => (labels[i] as number) * (m + 1));
  const d0 = interior.map((i, a) => Math.hypot((x0[2 * i] as number) - (x0[2 * vert[a]!] as number), (x0[2 * i + 1] as number) - (x0[2 * vert[a]! + 1] as number)));
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
    return { exit, arrivals, d0 };
  } finally {
    sim.dispose();
  }
}

/** A bootstrap interval of a median: lo and hi (hi = Infinity when the resampled medians reach censored runs). */
interface Interval {
  lo: number;
  hi: number;
}

/** Resamples per bootstrap interval. */
const RESAMPLES = 2000;

/**
 * Median with censored entries (Infinity, runs that hit the cap) ranked above every finite value:
 * Infinity when half or more are censored (then the median is beyond the cap), NaN for no values.
 */
function censoredMedian(v: ArrayLike<number>): number {
  const a = Float64Array.from(v).sort();
  const n = a.length;
  if (n === 0) return NaN;
  let finite = 0;
  while (finite < n && Number.isFinite(a[finite] as number)) finite++;
  if (finite * 2 <= n) return Infinity;
  const h = n >> 1;
  return n % 2 ? (a[h] as number) : ((a[h - 1] as number) + (a[h] as number)) / 2;
}

/**
 * Percentile bootstrap 95 % interval of `censoredMedian` of the pooled values: each resample draws as many
 * groups (trials) as there are, uniformly with replacement, and pools their values (the tokens of one
 * trial share its run, so trials, not tokens, are the independent units). Seeded (SplitMix64).
 */
function bootstrapMedianInterval(groups: readonly (readonly number[])[], seed: number, resamples = RESAMPLES): Interval {
  const g = groups.length;
  // values as indices into their sorted distinct values (Infinity last): a resample is a count per value
  const distinct = Float64Array.from(new Set(groups.flat())).sort();
  const where = new Map<number, number>();
  distinct.forEach((v, k) => where.set(v, k));
  const idx = groups.map((grp) => Int32Array.from(grp, (v) => where.get(v) as number));
  const counts = new Int32Array(distinct.length);
  const rank = (k: number): number => {
    // the value of 0-based rank k of the resample
    let c = 0;
    for (let u = 0; u < counts.length; u++) {
      c += counts[u] as number;
      if (c > k) return distinct[u] as number;
    }
    return NaN;
  };
  const rng = new SplitMix64(seed);
  const meds = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    let n = 0;
    for (let j = 0; j < g; j++) {
      const grp = idx[Math.min(g - 1, Math.floor(g * rng.nextFloat()))]!;
      for (const u of grp) counts[u]!++;
      n += grp.length;
    }
    const censored = distinct.length > 0 && distinct[distinct.length - 1] === Infinity ? (counts[distinct.length - 1] as number) : 0;
    const h = n >> 1;
    meds[b] = n === 0 ? NaN : (n - censored) * 2 <= n ? Infinity : n % 2 ? rank(h) : (rank(h - 1) + rank(h)) / 2;
  }
  meds.sort();
  return { lo: meds[Math.floor(0.025 * resamples)] as number, hi: meds[Math.ceil(0.975 * resamples) - 1] as number };
}

/** An interval for summary.json: hi null when it is beyond the cap (censored). */
function jsonInterval(iv: Interval): { lo: number; hi: number | null } {
  return { lo: iv.lo, hi: Number.isFinite(iv.hi) ? iv.hi : null };
}

/** "m [lo, hi]" with ∞ for censored values. */
function withInterval(m: number, iv: Interval): string {
  const f = (v: number): string => (Number.isFinite(v) ? String(r(v, 5)) : '∞');
  return `${f(m)} [${f(iv.lo)}, ${f(iv.hi)}]`;
}

/**
 * The plateau of a sequence of medians against β (sorted by β): the smallest grid β from which on every
 * median is finite and all their intervals share a common value (max lo ≤ min hi), i.e. no two of those
 * medians are told apart by their intervals. Needs at least two β; null otherwise.
 */
function plateauOf(points: readonly { beta: number; median: number; interval: Interval }[]): { fromBeta: number; betas: number[]; medians: number[]; commonValues: [number, number] } | null {
  let maxLo = -Infinity;
  let minHi = Infinity;
  let from = points.length;
  for (let k = points.length - 1; k >= 0; k--) {
    const p = points[k]!;
    if (!Number.isFinite(p.median) || !Number.isFinite(p.interval.hi)) break;
    const lo = Math.max(maxLo, p.interval.lo);
    const hi = Math.min(minHi, p.interval.hi);
    if (lo > hi) break;
    [maxLo, minHi, from] = [lo, hi, k];
  }
  if (points.length - from < 2) return null;
  const tail = points.slice(from);
  return { fromBeta: tail[0]!.beta, betas: tail.map((p) => p.beta), medians: tail.map((p) => p.median), commonValues: [maxLo, minHi] };
}

/**
 * Vertical error bars (lo to hi at x, with caps) of several series in a line plot, drawn with `segment`
 * in data coordinates; a censored hi (Infinity) is drawn to the top of the frame without a cap.
 */
function errorBars(f: Frame, bars: readonly { color: string; x: readonly number[]; lo: readonly number[]; hi: readonly number[] }[]): string {
  const out: string[] = [];
  const top = Math.max(...f.sy.domain);
  // a data offset of `px` pixels at x (log or linear x axis), for the caps
  const [d0, d1] = f.sx.domain;
  const [r0, r1] = f.sx.range;
  const shift = (x: number, px: number): number => (f.sx.log ? x * (d1 / d0) ** (px / (r1 - r0)) : x + (px * (d1 - d0)) / (r1 - r0));
  for (const s of bars) {
    s.x.forEach((x, j) => {
      const lo = s.lo[j] as number;
      const hiRaw = s.hi[j] as number;
      const hi = Number.isFinite(hiRaw) ? hiRaw : top;
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) return;
      const style = { stroke: s.color, strokeWidth: 1.2 };
      out.push(segment(f, x, lo, x, hi, style));
      out.push(segment(f, shift(x, -3), lo, shift(x, 3), lo, style));
      if (Number.isFinite(hiRaw)) out.push(segment(f, shift(x, -3), hi, shift(x, 3), hi, style));
    });
  }
  return out.join('');
}

/** SPEC §5.6: "An independent numpy run gives arrival medians 76 / 103 steps at β = 2 / 4, then 46 / 44 / 44 at β = 8 / 16 / 40" (κ not stated). */
const SPEC_NUMPY = { beta: [2, 4, 8, 16, 40], medianArrival: [76, 103, 46, 44, 44] } as const;

export const metastability: Experiment = {
  name: 'metastability',
  spec: '§5.6',
  title: 'Metastability: exit times of SA_P grow exponentially in β',
  description:
    'The Markov-chain model SA_P (γ = 0.1, A = I) started on a regular κ-gon: Monte Carlo median of the first exit time against β for κ ∈ {3, 4, 5, 6}, next to the exact geometric law; log(median) is linear in β with slope → 1 − cos(2π/κ). Second start: vertices plus interior tokens, whose arrival at their vertex is O(1) in β from a plateau β on.',
  async run(ctx) {
    const gamma = 0.1;
    const kappas = ctx.small ? [4] : [3, 4, 5, 6];
    const trials = ctx.small ? 40 : 300;
    const cap = ctx.small ? 20_000 : 50_000;
    const betaGrid = ctx.small ? [2, 3, 4] : [1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 20, 25, 30, 40];
    // keep β whose exact median is well below the cap
    const plan = kappas.map((kappa) => ({ kappa, betas: betaGrid.filter((b) => kgonExitLaw(kappa, b).systemMedian <= cap / 20) }));
    // second start: the κ-gon plus m interior tokens per vertex near their cell's vertex; β up to 40 (SPEC: the plateau shows from β ≈ 8)
    const m = 3;
    const kappas2 = ctx.small ? [4] : [3, 4, 5, 6];
    const betaGrid2 = ctx.small ? [2, 4, 8, 16, 40] : betaGrid;
    const trials2 = ctx.small ? 20 : 200;
    const exitCap2 = ctx.small ? 5_000 : 20_000;
    const arriveCap = 5_000;
    const delta = 1e-3;
    const total = plan.reduce((s, p) => s + p.betas.length, 0) + kappas2.length * betaGrid2.length;
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
        const iv = bootstrapMedianInterval(times.map((t) => [t]), 17 + 1000 * kappa + Math.round(100 * beta));
        points.push({
          beta,
          trials,
          censored: times.length - finite.length,
          median: censoredMedian(times),
          medianInterval: jsonInterval(iv),
          interval: iv,
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
    const bars1: { color: string; x: number[]; lo: number[]; hi: number[] }[] = [];
    results.forEach((res, k) => {
      series.push({ x: res.points.map((p) => p.beta), y: res.points.map((p) => p.median), label: `κ = ${res.kappa}: Monte Carlo median`, color: color(k), markers: true, strokeWidth: 1 });
      bars1.push({ color: color(k), x: res.points.map((p) => p.beta), lo: res.points.map((p) => p.interval.lo), hi: res.points.map((p) => p.interval.hi) });
      const bs = Array.from({ length: 60 }, (_, j) => 1 + (j * (Math.max(...res.points.map((p) => p.beta), 2) - 1)) / 59);
      series.push({ x: bs, y: bs.map((b) => kgonExitLaw(res.kappa, b).systemMedian), label: `κ = ${res.kappa}: exact median`, color: color(k), dash: '5 4' });
    });
    const yDomain1 = pad(extent([...series.flatMap((s) => Array.from(s.y)), ...bars1.flatMap((b) => [...b.lo, ...b.hi])], true) ?? [1, 10], 0.05, true);
    const figs: Figure[] = [
      {
        name: 'metastability-exit-median',
        title: 'Median first exit against β',
        svg: linePlot(series, { title: `SA_P on the regular κ-gon, γ = ${gamma}, ${trials} trials per point`, xLabel: 'β', yLabel: 'median first exit (steps)', yLog: true, width: 640, height: 420, yDomain: yDomain1, extra: (f) => errorBars(f, bars1) }),
        caption:
          `Markers: Monte Carlo medians (seeded SplitMix64 per trial) with bootstrap 95 % percentile intervals of the median (${RESAMPLES} resamples of the ${trials} trials); dashed: the exact median of Geometric(1 − (1−p)^κ), p = S/(1+S). ` +
          `Runs are capped at ${cap} steps; β whose exact median exceeds cap/20 are skipped.`,
      },
    ];
    const interior = [];
    for (const kappa of kappas2) {
      const eps = gamma * Math.sin(Math.PI / kappa);
      const points = [];
      for (const beta of betaGrid2) {
        // the exit is looked for only where the κ-gon's exact median is well below the cap (else: arrivals only)
        const withExit = kgonExitLaw(kappa, beta).systemMedian <= exitCap2 / 20;
        const exits: number[] = [];
        const arrivalsByTrial: number[][] = [];
        const lastArrivals: number[] = [];
        const limitByTrial: number[][] = [];
        let arrivedBeforeExit = 0;
        for (let k = 0; k < trials2; k++) {
          const res = await interiorTrial(kappa, m, beta, gamma, 500_000 + 1000 * kappa + 7919 * k + Math.round(100 * beta), withExit ? exitCap2 : 0, arriveCap, eps, delta, ctx.backend);
          const last = Math.max(...res.arrivals);
          arrivalsByTrial.push(res.arrivals);
          lastArrivals.push(last);
          // β = ∞: the token moves toward its (then fixed) vertex every step, distance (1−γ)^t·d0; first check after step 1
          limitByTrial.push(res.d0.map((d) => Math.max(1, Math.ceil(Math.log(d / delta) / Math.log(1 / (1 - gamma))))));
          if (withExit) {
            const e = res.exit < 0 ? Infinity : res.exit;
            exits.push(e);
            if (last < e) arrivedBeforeExit++;
          }
        }
        ctx.progress(++done, total);
        const arrivals = arrivalsByTrial.flat();
        const seed = 900_000 + 1000 * kappa + Math.round(100 * beta);
        const exitIv = withExit ? bootstrapMedianInterval(exits.map((e) => [e]), seed + 1) : null;
        const arrIv = bootstrapMedianInterval(arrivalsByTrial, seed + 2);
        const lastIv = bootstrapMedianInterval(lastArrivals.map((e) => [e]), seed + 3);
        points.push({
          beta,
          trials: trials2,
          medianExit: withExit ? censoredMedian(exits) : null,
          medianExitInterval: exitIv === null ? null : jsonInterval(exitIv),
          exitCensored: withExit ? exits.filter((e) => !Number.isFinite(e)).length : null,
          kgonExactMedian: kgonExitLaw(kappa, beta).systemMedian,
          medianArrival: censoredMedian(arrivals),
          medianArrivalInterval: jsonInterval(arrIv),
          medianLastArrival: censoredMedian(lastArrivals),
          medianLastArrivalInterval: jsonInterval(lastIv),
          limitMedianArrival: censoredMedian(limitByTrial.flat()),
          arrivalCensored: arrivals.filter((a) => !Number.isFinite(a)).length,
          arrivalTokens: arrivals.length,
          allArrivedBeforeExit: withExit ? arrivedBeforeExit : null,
          exitIv,
          arrIv,
          lastIv,
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
      const plateau = plateauOf(points.map((p) => ({ beta: p.beta, median: p.medianArrival, interval: p.arrIv })));
      const peak = arr.reduce((a, b) => (b.medianArrival > a.medianArrival ? b : a), arr[0]!);
      interior.push({
        kappa,
        interiorPerVertex: m,
        epsilon: eps,
        exitSlope: fit === null ? null : fit.slope,
        exitSlopeWhyNot,
        limitSlope: 1 - Math.cos((2 * Math.PI) / kappa),
        arrivalRatioLargestToSmallestBeta: arr.length >= 2 ? (arr[arr.length - 1]!.medianArrival / arr[0]!.medianArrival) : NaN,
        arrivalPlateau: plateau === null ? null : { fromBeta: plateau.fromBeta, betas: plateau.betas, medians: plateau.medians, commonValues: plateau.commonValues },
        arrivalPeak: peak === undefined ? null : { beta: peak.beta, median: peak.medianArrival },
        plateauStatement: plateauText(kappa, plateau, betaGrid2, points.map((p) => ({ beta: p.beta, limit: p.limitMedianArrival }))),
        points,
      });
    }
    // SPEC's numpy numbers against ours at the same β, for every κ (SPEC does not say which κ it ran)
    const specComparison = interior.map((x) => ({
      kappa: x.kappa,
      rows: SPEC_NUMPY.beta.map((beta, j) => {
        const p = x.points.find((q) => q.beta === beta);
        const numpy = SPEC_NUMPY.medianArrival[j] as number;
        return p === undefined
          ? { beta, numpy, median: null, interval: null, numpyInsideInterval: null }
          : { beta, numpy, median: p.medianArrival, interval: jsonInterval(p.arrIv), numpyInsideInterval: p.arrIv.lo <= numpy && numpy <= p.arrIv.hi };
      }),
    }));
    const matching = specComparison.filter((c) => c.rows.every((row) => row.numpyInsideInterval === true)).map((c) => c.kappa);
    const onsets = interior.map((x) => x.arrivalPlateau?.fromBeta ?? Infinity);
    const onsetGrows = onsets.length > 1 && onsets.every((b, k) => k === 0 || b >= onsets[k - 1]!) && onsets[onsets.length - 1]! > onsets[0]!;
    const specText =
      `SPEC §5.6's independent numpy run (κ not stated): median arrival ${SPEC_NUMPY.medianArrival.join(' / ')} at β = ${SPEC_NUMPY.beta.join(' / ')}, plateau from β ≈ 8. ` +
      specComparison
        .map((c) => `κ = ${c.kappa}: ${c.rows.map((row) => (row.median === null ? `β = ${row.beta} not run` : `${withInterval(row.median, row.interval === null ? { lo: NaN, hi: NaN } : { lo: row.interval.lo, hi: row.interval.hi ?? Infinity })}${row.numpyInsideInterval ? '' : ' (numpy outside)'}`)).join(' / ')}`)
        .join('; ') +
      `. ${matching.length > 0 ? `SPEC's five numbers all lie inside our intervals at κ = ${matching.join(', ')}` : "SPEC's five numbers do not all lie inside our intervals at any κ"}. ` +
      `Plateau onset (SPEC: β ≈ 8) ${interior.map((x) => `κ = ${x.kappa}: ${x.arrivalPlateau === null ? 'none in the grid' : `β = ${x.arrivalPlateau.fromBeta}`}`).join(', ')}${onsetGrows ? ': the onset moves to larger β as κ grows' : ''}.`;

    const series2: Series[] = [];
    const bars2: { color: string; x: number[]; lo: number[]; hi: number[] }[] = [];
    interior.forEach((res, k) => {
      const ex = res.points.filter((p) => p.medianExit !== null && Number.isFinite(p.medianExit));
      series2.push({ x: ex.map((p) => p.beta), y: ex.map((p) => p.medianExit as number), label: `κ = ${res.kappa}: median first exit`, color: color(k), markers: true, strokeWidth: 1 });
      bars2.push({ color: color(k), x: ex.map((p) => p.beta), lo: ex.map((p) => p.exitIv!.lo), hi: ex.map((p) => p.exitIv!.hi) });
      const ar = res.points.filter((p) => Number.isFinite(p.medianArrival));
      series2.push({ x: ar.map((p) => p.beta), y: ar.map((p) => p.medianArrival), label: `κ = ${res.kappa}: median arrival at the vertex`, color: color(k), dash: '5 4', markers: true });
      bars2.push({ color: color(k), x: ar.map((p) => p.beta), lo: ar.map((p) => p.arrIv.lo), hi: ar.map((p) => p.arrIv.hi) });
    });
    const yDomain2 = pad(extent([...series2.flatMap((s) => Array.from(s.y)), ...bars2.flatMap((b) => [...b.lo, ...b.hi])], true) ?? [1, 10], 0.05, true);
    const ivNote = `Bars: bootstrap 95 % percentile intervals of the median (${RESAMPLES} resamples of the ${trials2} trials per point, each trial with all its interior tokens).`;
    figs.push({
      name: 'metastability-interior',
      title: 'Vertices plus interior tokens: first exit and arrival at the vertex against β',
      svg: linePlot(series2, { title: `SA_P, κ-gon + ${m} interior tokens per vertex, γ = ${gamma}, ${trials2} trials per point`, xLabel: 'β', yLabel: 'steps', yLog: true, width: 640, height: 420, yDomain: yDomain2, extra: (f) => errorBars(f, bars2) }),
      caption:
        `Start: the regular κ-gon plus ${m} interior tokens per vertex, x = (1−λ)v_k + λq with λ ~ U[0.05, 0.15), q uniform in the polygon, kept in the cell of v_k (seeded SplitMix64, a new configuration per trial). ` +
        `Expected (SPEC §5.6): the first exit of the system from its initial groups (each vertex with its cell's interior tokens) grown by ε = γ·sin(π/κ) grows exponentially in β (log-linear), while the interior tokens reach their vertices in a time O(1) in β (FW Theorem 5.2 [reconstructed]). ` +
        `Measured: solid markers, the median first exit (runs capped at ${exitCap2} steps, shown only for β whose κ-gon exact median is at most cap/20); dashed markers, the median over all interior tokens of the first step within δ = ${delta} of their vertex token (its current position: under SA_P the vertex token also draws its own cell's interior tokens, so it drifts slightly and the initial vertex is not a fixed target) (capped at ${arriveCap} steps; a median is drawn only when more than half arrived). ${ivNote} ` +
        interior.map((x) => `κ = ${x.kappa}: ${exitSlopeText(x, 3)} (κ-gon limit ${r(x.limitSlope, 3)}).`).join(' '),
    });
    // the arrival alone on a linear axis: the plateau
    const series3: Series[] = [];
    const bars3: { color: string; x: number[]; lo: number[]; hi: number[] }[] = [];
    interior.forEach((res, k) => {
      const ar = res.points.filter((p) => Number.isFinite(p.medianArrival));
      series3.push({ x: ar.map((p) => p.beta), y: ar.map((p) => p.medianArrival), label: `κ = ${res.kappa}: median arrival`, color: color(k), markers: true });
      bars3.push({ color: color(k), x: ar.map((p) => p.beta), lo: ar.map((p) => p.arrIv.lo), hi: ar.map((p) => p.arrIv.hi) });
    });
    interior.forEach((res, k) => {
      series3.push({ x: res.points.map((p) => p.beta), y: res.points.map((p) => p.limitMedianArrival), label: k === 0 ? 'β = ∞ limit, same starts (one per κ)' : undefined, color: '#999', dash: '2 3', strokeWidth: 1 });
    });
    interior.forEach((res, k) => {
      const pl = res.arrivalPlateau;
      if (pl !== null) series3.push({ x: [pl.fromBeta, pl.fromBeta], y: [0, pl.medians[0]!], label: `κ = ${res.kappa}: plateau from β = ${pl.fromBeta}`, color: color(k), dash: '4 3', strokeWidth: 1 });
    });
    series3.push({ x: [...SPEC_NUMPY.beta], y: [...SPEC_NUMPY.medianArrival], label: 'SPEC §5.6 numpy (κ not stated)', color: '#222', dash: '6 3', markers: true, strokeWidth: 1 });
    const finiteHi = bars3.flatMap((b) => b.hi.filter(Number.isFinite));
    const yDomain3 = pad(extent([0, ...series3.flatMap((s) => Array.from(s.y)), ...bars3.flatMap((b) => b.lo), ...finiteHi]) ?? [0, 1], 0.05);
    figs.push({
      name: 'metastability-arrival',
      title: 'Interior tokens: median arrival at the vertex against β, and its plateau',
      svg: linePlot(series3, {
        title: `SA_P, κ-gon + ${m} interior tokens per vertex, γ = ${gamma}, δ = ${delta}, ${trials2} trials per point`,
        xLabel: 'β',
        yLabel: 'median arrival (steps)',
        width: 640,
        height: 420,
        yDomain: yDomain3,
        extra: (f) => errorBars(f, bars3),
        xLog: true,
      }),
      caption:
        `Solid with markers: the median over all interior tokens of the first step within δ = ${delta} of their vertex token. ${ivNote} ` +
        `Vertical dashed lines: the plateau onset of each κ (defined below). Grey dotted: the β = ∞ limit from the same starts (every step the token moves a fraction γ toward its fixed vertex, arrival ⌈ln(d0/δ)/ln(1/(1−γ))⌉, d0 its initial distance; median over the same tokens). Black dashed: SPEC §5.6's independent numpy medians. ` +
        `Plateau: the smallest grid β from which on all medians' intervals share a common value (no two of them told apart). ` +
        interior.map((x) => x.plateauStatement).join(' ') +
        ' ' +
        specText,
    });
    const ref = { p_4_2: kgonExitLaw(4, 2).p, p_3_5: kgonExitLaw(3, 5).p };
    const strip = <T extends Record<string, unknown>>(p: T, keys: readonly string[]): Record<string, unknown> => Object.fromEntries(Object.entries(p).filter(([k]) => !keys.includes(k)));
    return {
      summary: {
        gamma,
        trials,
        cap,
        intervals: `bootstrap 95 % percentile interval of the median, ${RESAMPLES} resamples of whole trials; hi null = beyond the cap (censored runs)`,
        interiorStart: {
          interiorPerVertex: m,
          trials: trials2,
          betas: betaGrid2,
          exitCap: exitCap2,
          arriveCap,
          delta,
          plateauDefinition: 'the smallest grid β from which on every median arrival is finite and all their bootstrap 95 % intervals share a common value (max lo ≤ min hi); at least two β, else null',
          specNumpy: { ...SPEC_NUMPY, kappa: 'not stated', plateauFromBeta: 8, comparison: specComparison, allInsideAtKappa: matching },
          results: interior.map((x) => ({ ...x, points: x.points.map((p) => strip(p, ['exitIv', 'arrIv', 'lastIv'])) })),
        },
        reference: { ...ref, expected: { p_4_2: 0.224197, p_3_5: 0.001105 } },
        results: results.map((x) => ({ ...x, points: x.points.map((p) => strip(p, ['interval'])) })),
      },
      headline: [
        ...results.map((x) => `κ = ${x.kappa}: slope of log(median) in β ${r(x.fittedSlope, 4)} (limit 1 − cos(2π/κ) = ${r(x.limitSlope, 4)}); means within 4 SE of the exact law: ${x.points.filter((p) => p.meanWithin4SE).length}/${x.points.length}`),
        ...interior.map((x) => `κ = ${x.kappa} + ${m} interior per vertex: ${exitSlopeText(x, 4)}; ${x.plateauStatement}`),
      ],
      intro: [`Reference values of SPEC test 13 from the exact law: p(κ=4, β=2) = ${ref.p_4_2.toFixed(6)} (SPEC 0.224197), p(3, 5) = ${ref.p_3_5.toFixed(6)} (SPEC 0.001105).`],
      sections: [
        {
          heading: 'Exit times',
          tables: results.map((x) => ({
            caption: `κ = ${x.kappa}, ε = ${r(x.epsilon, 4)}; fitted slope ${r(x.fittedSlope, 4)}, limit ${r(x.limitSlope, 4)}${x.skippedBetas.length ? `; skipped β (median beyond the cap): ${x.skippedBetas.join(', ')}` : ''}. Median [bootstrap 95 % interval].`,
            columns: ['β', 'median [95 % CI]', 'exact median', 'mean ± SE', 'exact mean', 'censored', 'mean within 4 SE'],
            rows: x.points.map((p) => [p.beta, withInterval(p.median, p.interval), p.exactMedian, `${r(p.mean, 5)} ± ${r(p.standardError, 3)}`, r(p.exactMean, 6), p.censored, p.meanWithin4SE]),
          })),
          figures: [figs[0]!],
        },
        {
          heading: 'Vertices plus interior tokens',
          text: [
            `Plateau of the median arrival (definition: the smallest grid β from which on all medians' bootstrap 95 % intervals share a common value, at least two β).`,
            ...interior.map((x) => x.plateauStatement),
            specText,
          ],
          tables: interior.map((x) => ({
            caption: `κ = ${x.kappa}, ${m} interior tokens per vertex, ε = ${r(x.epsilon, 4)}, δ = ${delta}; ${exitSlopeText(x, 4)}; ${x.plateauStatement} Medians with bootstrap 95 % intervals [lo, hi].`,
            columns: ['β', 'median exit [95 % CI]', 'exit censored', 'κ-gon exact median', 'median arrival [95 % CI]', 'β = ∞ limit', 'median last arrival per trial [95 % CI]', 'arrivals censored', 'all arrived before exit'],
            rows: x.points.map((p) => [
              p.beta,
              p.medianExit === null || p.exitIv === null ? '—' : withInterval(p.medianExit, p.exitIv),
              p.exitCensored ?? '—',
              p.kgonExactMedian,
              withInterval(p.medianArrival, p.arrIv),
              p.limitMedianArrival,
              withInterval(p.medianLastArrival, p.lastIv),
              `${p.arrivalCensored}/${p.arrivalTokens}`,
              p.allArrivedBeforeExit === null ? '—' : `${p.allArrivedBeforeExit}/${p.trials}`,
            ]),
          })),
          figures: [figs[1]!, figs[2]!],
        },
      ],
    };
  },
};

/** The plateau sentence of one κ: from which β the median arrivals stop changing (next to the β = ∞ limit of the same starts), or that they do not within the grid. */
function plateauText(kappa: number, p: ReturnType<typeof plateauOf>, grid: readonly number[], limits: readonly { beta: number; limit: number }[]): string {
  if (p === null) return `κ = ${kappa}: no plateau of the median arrival within β ≤ ${Math.max(...grid)} (the intervals of the last two β share no value).`;
  const lim = limits.filter((l) => p.betas.includes(l.beta)).map((l) => l.limit);
  const range = (v: number[]): string => (Math.min(...v) === Math.max(...v) ? `${Math.min(...v)}` : `${Math.min(...v)}–${Math.max(...v)}`);
  return (
    `κ = ${kappa}: the median arrival stops changing from β = ${p.fromBeta} (medians ${p.medians.join(', ')} at β = ${p.betas.join(', ')}; ` +
    `common value of all intervals ${range([...p.commonValues])}; the β = ∞ limit from the same starts: ${range(lim)}).`
  );
}

/** "slope of log(median exit) s", or why it cannot be measured in this run. */
function exitSlopeText(x: { exitSlope: number | null; exitSlopeWhyNot: string | null }, digits: number): string {
  return x.exitSlope !== null ? `slope of log(median exit) ${r(x.exitSlope, digits)}` : `slope of log(median exit) not measurable: ${x.exitSlopeWhyNot}`;
}
