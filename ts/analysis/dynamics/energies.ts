/**
 * Energies and Lyapunov candidates along a recorded trajectory (SPEC.md §3
 * "Lyapunov candidates", §2.3 "Energy", §6 item 2).
 *
 *   support h_u(t) = max_i <u, x_i(t)>   over a seeded bank of unit vectors u   (non-increasing, P1)
 *   diam(t) = max_ij |x_i − x_j|,  R(t) = max_i |x_i|                          (non-increasing, P1)
 *   variance(t) = (1/n) Σ_i |x_i − x̄|²                                          (reported)
 *   hk(t) = Σ_ij min(|x_i − x_j|², r²)   (ordered pairs; Hegselmann–Krause)    (reported: localmax is asymmetric)
 *   E_β(t) = (1/(2βn²)) Σ_ij exp(β<x_i, x_j>)  (β > 0);  E_0 = |x̄|²/2          (reported)
 *
 * Inputs (Trajectory, arrays) are checked (trajectory.ts `checkTrajectory`,
 * ts/check.ts; non-finite data refused, unknown options refused), read, never
 * mutated or kept; results are fresh typed arrays and plain objects. Pairwise sums cost O(n² d) per
 * snapshot with O(n d) memory: no n×n matrix is formed. The diameter comes
 * out of the same pass over pairs (the exact maximum of the rounded pairwise
 * distances), so it does not depend on a hull. Time is the step
 * index t (`tr.times`).
 */
import { checkBool, checkNumber, checkOneOf, checkOptions, copyFinite, isFlatArray, rangeError, readPointList, typeError } from '../../check.js';
import { defaultTol, precisionOf } from '../tolerance.js';
import { directionBank, supportFunction } from '../geometry/support.js';
import { checkTrajectory, type Trajectory } from './trajectory.js';

/** Options of `energySeries`. */
export interface EnergyOptions {
  /** m*d unit vectors for the support functions, row-major (or m rows of d). Default directionBank(d, 64, 1). */
  directions?: ArrayLike<number>;
  /** Truncation radius r of the Hegselmann–Krause energy (> 0, Infinity allowed). Default Infinity (then hk = 2n²·variance). */
  hkRadius?: number;
  /** Inverse temperature β >= 0 of E_β. Default 1. */
  beta?: number;
}

/** Energies along a trajectory, one entry per snapshot (support: m per snapshot). */
export interface EnergySeries {
  /** Step index of each snapshot (a copy of tr.times[0..count)). */
  times: Float64Array;
  /** Number of directions m. */
  m: number;
  /** The m*d directions used. */
  directions: Float64Array;
  /** count*m: support[s*m + u] = h_u at snapshot s. */
  support: Float64Array;
  diameter: Float64Array;
  /** R(t) = max_i |x_i|. */
  radius: Float64Array;
  variance: Float64Array;
  /** Σ_{i,j} min(|x_i − x_j|², r²) over ordered pairs (each unordered pair twice). */
  hk: Float64Array;
  /** E_β (β > 0) or E_0 = |x̄|²/2; may be Infinity when β·R² exceeds the float64 range. */
  softmaxEnergy: Float64Array;
  beta: number;
  hkRadius: number;
}

/** Computes every candidate of SPEC §3 at every snapshot of a trajectory. */
export function energySeries(tr: Trajectory, opts: EnergyOptions = {}): EnergySeries {
  checkTrajectory(tr);
  const o = checkOptions<EnergyOptions>(opts, 'options', ENERGY_OPTIONS);
  return energiesOf(tr, o);
}

const ENERGY_OPTIONS = ['directions', 'hkRadius', 'beta'] as const;

/** energySeries on a checked trajectory and options object. */
function energiesOf(tr: Trajectory, o: EnergyOptions): EnergySeries {
  const { n, d, count, data } = tr;
  const beta = o.beta === undefined ? 1 : checkNumber(o.beta, 'beta', { min: 0 });
  const hkRadius = o.hkRadius === undefined ? Infinity : checkNumber(o.hkRadius, 'hkRadius', { min: 0, minExclusive: true, allowInfinity: true });
  const dirs = o.directions === undefined ? directionBank(d, 64, 1) : readPointList(o.directions, d, 'directions').X;
  const m = dirs.length / d;
  const len = n * d;
  const support = new Float64Array(count * m);
  const diam = new Float64Array(count);
  const radius = new Float64Array(count);
  const variance = new Float64Array(count);
  const hk = new Float64Array(count);
  const energy = new Float64Array(count);
  const r2 = hkRadius * hkRadius;
  const X = new Float64Array(len);
  const mean = new Float64Array(d);
  const sq = new Float64Array(n);
  for (let s = 0; s < count; s++) {
    for (let k = 0; k < len; k++) X[k] = data[s * len + k] as number;
    support.set(supportFunction(X, n, d, dirs, m), s * m);
    mean.fill(0);
    let R2 = 0;
    for (let i = 0; i < n; i++) {
      let q = 0;
      for (let c = 0; c < d; c++) {
        const v = X[i * d + c] as number;
        mean[c] = (mean[c] as number) + v;
        q += v * v;
      }
      sq[i] = q;
      if (q > R2) R2 = q;
    }
    radius[s] = Math.sqrt(R2);
    let mn = 0;
    for (let c = 0; c < d; c++) {
      mean[c] = (mean[c] as number) / n;
      mn += (mean[c] as number) ** 2;
    }
    let vs = 0;
    for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) vs += ((X[i * d + c] as number) - (mean[c] as number)) ** 2;
    variance[s] = vs / n;
    // pairs: HK and E_β, shifted by M = max_i |x_i|² >= <x_i, x_j> so no term overflows
    let h = 0;
    let S = 0;
    let D2 = 0;
    for (let i = 0; i < n; i++) {
      if (beta > 0) S += Math.exp(beta * ((sq[i] as number) - R2));
      const oi = i * d;
      for (let j = i + 1; j < n; j++) {
        const oj = j * d;
        let dd = 0;
        let dot = 0;
        for (let c = 0; c < d; c++) {
          const a = X[oi + c] as number;
          const b = X[oj + c] as number;
          dd += (a - b) * (a - b);
          dot += a * b;
        }
        if (dd > D2) D2 = dd;
        h += dd < r2 ? dd : r2;
        if (beta > 0) S += 2 * Math.exp(beta * (dot - R2));
      }
    }
    hk[s] = 2 * h;
    diam[s] = Math.sqrt(D2);
    energy[s] = beta > 0 ? Math.exp(beta * R2 + Math.log(S) - Math.log(2 * beta * n * n)) : mn / 2;
  }
  return {
    times: Float64Array.from(tr.times.subarray(0, count)),
    m,
    directions: dirs,
    support,
    diameter: diam,
    radius,
    variance,
    hk,
    softmaxEnergy: energy,
    beta,
    hkRadius,
  };
}

/** A step against the expected direction. */
export interface Rise {
  /** Step index (or snapshot index without times) of the later snapshot of the gap. */
  t: number;
  /** How far it went the wrong way (> tol), or NaN when either value is NaN. */
  by: number;
  /** Direction index, for the support-function report only. */
  direction?: number;
}

/** Result of `monotonicity`. */
export interface Monotonicity {
  /** Number of gaps that went the wrong way by more than tol (NaN gaps count). */
  violations: number;
  rises: Rise[];
  /** The earliest t from which the series stays monotone (within tol) to the end; null if the last gap violates or the series is empty. */
  monotoneAfter: number | null;
}

/**
 * Monotonicity of a series: for 'nonincreasing' a violation is
 * series[s+1] > series[s] + tol (a rise), for 'nondecreasing'
 * series[s+1] < series[s] − tol (a drop, reported in `rises` with a positive `by`).
 * A gap involving NaN is a violation. `times` (default: the indices) labels the gaps.
 */
export function monotonicity(
  series: ArrayLike<number>,
  direction: 'nonincreasing' | 'nondecreasing',
  tol = 0,
  times?: ArrayLike<number>,
): Monotonicity {
  if (!isFlatArray(series)) throw typeError('series', 'an array of numbers', series);
  const len = series.length;
  // NaN entries are allowed (and reported as violations); holes and non-numbers are not
  for (let s = 0; s < len; s++) if (typeof (series as ArrayLike<unknown>)[s] !== 'number') throw typeError(`series[${s}]`, 'a number', (series as ArrayLike<unknown>)[s]);
  checkOneOf(direction, 'direction', ['nonincreasing', 'nondecreasing'] as const);
  const tl = checkNumber(tol, 'tol', { min: 0, allowInfinity: true });
  if (times !== undefined) {
    if (!isFlatArray(times)) throw typeError('times', `an array of at least series.length = ${len} numbers`, times);
    if (times.length < len) throw rangeError('times.length', `>= series.length = ${len}`, times.length);
    copyFinite(times as ArrayLike<unknown>, len, 'times');
  }
  const at = (s: number): number => (times ? (times[s] as number) : s);
  const sign = direction === 'nonincreasing' ? 1 : -1;
  const rises: Rise[] = [];
  let lastBad = -1;
  for (let s = 0; s + 1 < len; s++) {
    const by = sign * ((series[s + 1] as number) - (series[s] as number));
    if (!(by <= tl)) {
      rises.push({ t: at(s + 1), by });
      lastBad = s;
    }
  }
  let monotoneAfter: number | null;
  if (len === 0) monotoneAfter = null;
  else if (lastBad < 0) monotoneAfter = at(0);
  else if (lastBad + 2 >= len) monotoneAfter = null;
  else monotoneAfter = at(lastBad + 1);
  return { violations: rises.length, rises, monotoneAfter };
}

/** One candidate in a Lyapunov report. */
export interface CandidateReport extends Monotonicity {
  /** The direction checked. */
  direction: 'nonincreasing' | 'nondecreasing';
  /** True when SPEC states it as a theorem (support, diameter, radius: P1); false: reported only. */
  expected: boolean;
}

/** Result of `lyapunovReport`. */
export interface LyapunovReport {
  series: EnergySeries;
  /** The tolerance of every check. */
  tol: number;
  /** All m support functions together (violations summed, rises tagged with the direction index). */
  support: CandidateReport;
  diameter: CandidateReport;
  radius: CandidateReport;
  variance: CandidateReport;
  hk: CandidateReport;
  /** E_β checked as non-decreasing (the direction of the continuous sphere flows, SPEC §2.3); reported only. */
  softmaxEnergy: CandidateReport;
}

/**
 * The candidates of `energySeries`, each with its monotonicity report at
 * tolerance `tol` (default SPEC §4 tol at the first snapshot: 1e-12·max(1,R(0))
 * for f64 data, 1e-5·max(1,R(0)) for f32). Support functions, diameter and
 * radius are checked non-increasing and are theorems (P1) for the scalar-step
 * models (not with `hooked`: a user map after each step, SPEC §6.9, where they
 * are reported with expected false); variance and HK energy are checked non-increasing and E_β
 * non-decreasing, as reports only. Scale-free tolerances are the caller's
 * choice for hk and E_β, whose magnitudes differ from R's.
 */
export function lyapunovReport(tr: Trajectory, opts: EnergyOptions & { tol?: number; hooked?: boolean } = {}): LyapunovReport {
  checkTrajectory(tr);
  const { tol: tolOpt, hooked: hookedOpt, ...rest } = checkOptions<EnergyOptions & { tol?: number; hooked?: boolean }>(opts, 'options', [...ENERGY_OPTIONS, 'tol', 'hooked']);
  // With a user map after each step (SPEC §6.9) nesting is no theorem: report it, do not expect it.
  const nesting = !checkBool(hookedOpt, 'hooked', false);
  const series = energiesOf(tr, rest);
  const tol = tolOpt === undefined ? defaultTol(precisionOf(tr.data), series.radius[0] as number) : checkNumber(tolOpt, 'tol', { min: 0, allowInfinity: true });
  const { times, m, count } = { times: series.times, m: series.m, count: tr.count };
  const cand = (v: Float64Array, direction: 'nonincreasing' | 'nondecreasing', expected: boolean): CandidateReport => ({
    ...monotonicity(v, direction, tol, times),
    direction,
    expected,
  });
  // support: every direction, merged
  const rises: Rise[] = [];
  let lastBad = -1;
  const col = new Float64Array(count);
  for (let u = 0; u < m; u++) {
    for (let s = 0; s < count; s++) col[s] = series.support[s * m + u] as number;
    for (let s = 0; s + 1 < count; s++) {
      const by = (col[s + 1] as number) - (col[s] as number);
      if (!(by <= tol)) {
        rises.push({ t: times[s + 1] as number, by, direction: u });
        if (s > lastBad) lastBad = s;
      }
    }
  }
  rises.sort((a, b) => a.t - b.t || (a.direction ?? 0) - (b.direction ?? 0));
  const monotoneAfter = lastBad < 0 ? (times[0] as number) : lastBad + 2 >= count ? null : (times[lastBad + 1] as number);
  return {
    series,
    tol,
    support: { violations: rises.length, rises, monotoneAfter, direction: 'nonincreasing', expected: nesting },
    diameter: cand(series.diameter, 'nonincreasing', nesting),
    radius: cand(series.radius, 'nonincreasing', nesting),
    variance: cand(series.variance, 'nonincreasing', false),
    hk: cand(series.hk, 'nonincreasing', false),
    softmaxEnergy: cand(series.softmaxEnergy, 'nondecreasing', false),
  };
}
