/**
 * Quiescent balls (SPEC.md §3 "Quiescent balls"): an empirical instrument
 * over a recorded trajectory, and the one-step sufficient invariance
 * certificate as a predicate on a state.
 *
 * The instrument reports what the trajectory shows (entries, exits, fitted
 * contraction rates) and never assumes the reconstructed theorem that
 * B(v, δ/(2+2α)) traps tokens at rate 1/(1+α): SPEC measured ~3% of entries
 * leaving such balls. The certificate is a theorem of the stated update rule
 * (SPEC "[derived]"), sufficient and not necessary.
 *
 * Inputs (flat row-major states of exactly n*d numbers or n rows of d,
 * Trajectories, centres as k*d arrays or k rows of d) are checked with
 * ts/check.ts and trajectory.ts `checkTrajectory` (non-finite data refused),
 * read, never mutated or kept; results are fresh typed arrays and plain
 * objects. Options objects refuse unknown keys.
 * Time is the step index t (`tr.times`), not the snapshot index.
 */
import {
  checkInt, checkNumber, checkOneOf, checkOptions, checkTieTolerance, rangeError, readMatrix, readPointList, readState, readVector,
} from '../../check.js';
import { pooledSlope, type FitGroup } from './fit.js';
import { maxNorm, precisionOf, ulp } from '../tolerance.js';
import { limitClasses } from './limits.js';
import { matVec, symmetricEigen } from '../geometry/linalg.js';
import { checkTrajectory, type Trajectory } from './trajectory.js';
import type { MatrixLike, StateLike } from '../attention/alignment.js';

/** Options of `quiescentReport`. */
export interface QuiescentOptions {
  /** Step parameter α > 0 of the run (predicted rate 1/(1+α)). */
  alpha: number;
  /** Alignment sensitivity δ >= 0 of the run (sets the default radius). */
  delta: number;
  /** Ball radius ε > 0. Default δ/(2+2α) (SPEC's reconstructed value; any value is allowed). */
  radius?: number;
  /**
   * k*d ball centres, row-major. Default: the non-zero vertices of the hull of
   * the last snapshot, taken as the centroids of its vertex clusters
   * (limitClasses at its default tolerance; "non-zero" means |v| > that tolerance).
   */
  centres?: ArrayLike<number>;
  /** Rate fits use distances above floorUlps·ulp(scale) (ulp of the data's precision). Default 1e3 (SPEC §4). */
  floorUlps?: number;
  /** scale = max(|centre|, R(first snapshot)) for 'state' (default), |centre| for 'target' (SPEC §4 to the letter); as finiteTimeCheck. */
  floorScale?: 'state' | 'target';
  /** Fit only snapshots with t >= from (in addition to "after the last entry"). Default: no extra bound. */
  from?: number;
  /** Minimum points per token for it to enter a rate fit. Default 3. */
  minPoints?: number;
}

/** One stay of a token in a ball. */
export interface BallEntry {
  token: number;
  /** Step index of the first snapshot inside (the first snapshot if inside from the start). */
  enter: number;
  /** Step index of the first snapshot outside again, or null if still inside at the end. */
  exit: number | null;
}

/** The report for one ball. */
export interface CentreReport {
  /** The centre (d numbers). */
  centre: Float64Array;
  /** Every stay, ordered by entry time, then token. */
  entries: BallEntry[];
  /** Number of stays that ended with an exit. */
  exits: number;
  /** Tokens inside at the last snapshot (they did not leave after their last entry), ascending. */
  stayed: Int32Array;
  /**
   * Geometric contraction per step, exp(slope) of the pooled least-squares fit
   * (one slope, one intercept per token) of log|x_i(t) − v| over the stayed
   * tokens from their last entry, while the distance exceeds the floor. NaN without data.
   */
  rateFixed: number;
  /** R² of that fit. */
  rateFixedR2: number;
  /** Points used by that fit. */
  fitPoints: number;
  /** The same fit with v replaced by c(t), the centroid at time t of the tokens inside at the end. */
  rateMoving: number;
  rateMovingR2: number;
  /** rateFixed / (1/(1+α)). */
  ratioToPredicted: number;
  /** rateMoving / (1/(1+α)). */
  ratioMovingToPredicted: number;
  /** Per stayed token (same order as `stayed`): its own fitted rate to the fixed centre (NaN without a fit). */
  stayedRateFixed: Float64Array;
}

/** Result of `quiescentReport`. */
export interface QuiescentReport {
  /** The ball radius ε used. */
  radius: number;
  /** 1/(1+α). */
  predictedRate: number;
  /** k*d centres used, row-major. */
  centres: Float64Array;
  perCentre: CentreReport[];
}

const QUIESCENT_OPTIONS = ['alpha', 'delta', 'radius', 'centres', 'floorUlps', 'floorScale', 'from', 'minPoints'] as const;

/**
 * The quiescent-set instrument. For each centre v and the ball B(v, ε) (open:
 * |x − v| < ε), it lists every entry and exit of every token at the recorded
 * snapshots (an exit is the first recorded snapshot outside; with sparse
 * snapshots, short excursions between records are not seen), the tokens inside
 * at the end, and fitted contraction rates compared with 1/(1+α).
 */
export function quiescentReport(tr: Trajectory, opts: QuiescentOptions): QuiescentReport {
  checkTrajectory(tr);
  const o = checkOptions<QuiescentOptions>(opts, 'options', QUIESCENT_OPTIONS, true);
  const alpha = checkNumber(o.alpha, 'alpha', { min: 0, minExclusive: true });
  const delta = checkNumber(o.delta, 'delta', { min: 0, allowInfinity: true });
  let radius: number;
  if (o.radius !== undefined) radius = checkNumber(o.radius, 'radius', { min: 0, minExclusive: true });
  else {
    radius = delta / (2 + 2 * alpha);
    if (!(radius > 0) || !Number.isFinite(radius)) {
      throw rangeError('radius', 'a finite number > 0', radius, `The default δ/(2+2α) needs a finite δ > 0 (δ = ${delta}); pass radius`);
    }
  }
  const floorUlps = o.floorUlps === undefined ? 1e3 : checkNumber(o.floorUlps, 'floorUlps', { min: 0 });
  const from = o.from === undefined ? -Infinity : checkNumber(o.from, 'from');
  const minPoints = o.minPoints === undefined ? 3 : checkInt(o.minPoints, 'minPoints', 2);
  const floorScale = checkOneOf(o.floorScale, 'floorScale', ['state', 'target'] as const, 'state');
  const { n, d, count, data, times } = tr;
  const len = n * d;
  const precision = precisionOf(data);
  const R0 = floorScale === 'state' ? maxNorm(data, n, d, 0) : 0;

  let centres: Float64Array;
  if (o.centres !== undefined) {
    centres = readPointList(o.centres, d, 'centres', 0).X;
  } else {
    const last = data.subarray((count - 1) * len, count * len);
    const lc = limitClasses(last, n, d);
    const rows: number[] = [];
    for (const j of lc.vertexClusters) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (lc.centroids[j * d + c] as number) ** 2;
      if (Math.sqrt(s) > lc.tol) for (let c = 0; c < d; c++) rows.push(lc.centroids[j * d + c] as number);
    }
    centres = Float64Array.from(rows);
  }
  const k = centres.length / d;
  const r2 = radius * radius;
  const predictedRate = 1 / (1 + alpha);
  const perCentre: CentreReport[] = [];
  const inside = new Uint8Array(count * n);
  const dist = new Float64Array(count);
  const cmov = new Float64Array(count * d);

  for (let b = 0; b < k; b++) {
    const v = centres.subarray(b * d, (b + 1) * d);
    for (let s = 0; s < count; s++) {
      for (let i = 0; i < n; i++) {
        let q = 0;
        for (let c = 0; c < d; c++) q += ((data[s * len + i * d + c] as number) - (v[c] as number)) ** 2;
        inside[s * n + i] = q < r2 ? 1 : 0;
      }
    }
    const entries: BallEntry[] = [];
    const lastEntry = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      let open = -1;
      for (let s = 0; s < count; s++) {
        const inn = inside[s * n + i] === 1;
        if (inn && open < 0) open = s;
        else if (!inn && open >= 0) {
          entries.push({ token: i, enter: times[open] as number, exit: times[s] as number });
          open = -1;
        }
      }
      if (open >= 0) {
        entries.push({ token: i, enter: times[open] as number, exit: null });
        lastEntry[i] = open;
      }
    }
    entries.sort((p, q) => p.enter - q.enter || p.token - q.token);
    const exits = entries.filter((e) => e.exit !== null).length;
    const stayedList: number[] = [];
    for (let i = 0; i < n; i++) if (lastEntry[i]! >= 0) stayedList.push(i);
    const stayed = Int32Array.from(stayedList);

    // moving centre c(t): centroid of the tokens inside at the end
    cmov.fill(0);
    if (stayed.length > 0) {
      for (let s = 0; s < count; s++) {
        for (const i of stayed) for (let c = 0; c < d; c++) cmov[s * d + c] = (cmov[s * d + c] as number) + (data[s * len + i * d + c] as number);
        for (let c = 0; c < d; c++) cmov[s * d + c] = (cmov[s * d + c] as number) / stayed.length;
      }
    }
    let vn = 0;
    for (let c = 0; c < d; c++) vn += (v[c] as number) ** 2;
    const floorFixed = floorUlps * ulp(Math.max(Math.sqrt(vn), R0), precision);

    const fixedGroups: FitGroup[] = [];
    const movingGroups: FitGroup[] = [];
    const stayedRateFixed = new Float64Array(stayed.length).fill(NaN);
    stayed.forEach((i, u) => {
      const s0 = lastEntry[i] as number;
      // fixed centre
      const g = windowSeries(data, times, len, d, i, s0, count, from, floorFixed, dist, (s, c) => v[c] as number);
      if (g.xs.length >= minPoints) {
        fixedGroups.push(g);
        const one = pooledSlope([g]);
        stayedRateFixed[u] = Math.exp(one.slope);
      }
      const gm = windowSeries(data, times, len, d, i, s0, count, from, NaN, dist, (s, c) => cmov[s * d + c] as number, floorUlps, precision, R0);
      if (gm.xs.length >= minPoints) movingGroups.push(gm);
    });
    const ff = pooledSlope(fixedGroups);
    const fm = pooledSlope(movingGroups);
    const rateFixed = Math.exp(ff.slope);
    const rateMoving = Math.exp(fm.slope);
    perCentre.push({
      centre: Float64Array.from(v),
      entries,
      exits,
      stayed,
      rateFixed,
      rateFixedR2: ff.r2,
      fitPoints: ff.count,
      rateMoving,
      rateMovingR2: fm.r2,
      ratioToPredicted: rateFixed / predictedRate,
      ratioMovingToPredicted: rateMoving / predictedRate,
      stayedRateFixed,
    });
  }
  return { radius, predictedRate, centres, perCentre };
}

/**
 * (t, log|x_i(t) − c(t)|) from snapshot s0 (and t >= from) while the distance
 * exceeds the floor (given, or floorUlps·ulp(max(|c(t)|, scale)) per snapshot when floor is NaN).
 */
function windowSeries(
  data: ArrayLike<number>,
  times: Float64Array,
  len: number,
  d: number,
  i: number,
  s0: number,
  count: number,
  from: number,
  floor: number,
  scratch: Float64Array,
  centre: (s: number, c: number) => number,
  floorUlps = 0,
  precision: 'f64' | 'f32' = 'f64',
  scale = 0,
): FitGroup {
  let s = s0;
  while (s < count && (times[s] as number) < from) s++;
  const xs: number[] = [];
  const ys: number[] = [];
  for (; s < count; s++) {
    let q = 0;
    let cn = 0;
    for (let c = 0; c < d; c++) {
      const cc = centre(s, c);
      q += ((data[s * len + i * d + c] as number) - cc) ** 2;
      cn += cc * cc;
    }
    const dd = Math.sqrt(q);
    scratch[s] = dd;
    const fl = Number.isNaN(floor) ? floorUlps * ulp(Math.max(Math.sqrt(cn), scale), precision) : floor;
    if (!(dd > fl)) break;
    xs.push(times[s] as number);
    ys.push(Math.log(dd));
  }
  return { xs, ys };
}

// ---------------------------------------------------------------------------
// One-step certificate

/** Options of `oneStepCertificate`. */
export interface CertificateOptions {
  /** The ball centre v (d numbers). */
  v: ArrayLike<number>;
  /** The ball radius ε > 0 (open ball |x − v| < ε). */
  radius: number;
  /** The δ of the step about to be taken (>= 0). */
  delta: number;
  /** d×d alignment matrix (flat row-major or d rows of d), a_ij = <A x_i, x_j>; identity when absent or null. */
  A?: MatrixLike;
  /** Tie tolerance τ >= 0, finite. Default 1e-12, or 1e-5 when x is a Float32Array (SPEC §0; check.ts `defaultTieTolerance`). */
  tieTolerance?: number;
  /** 'absolute' (default) or 'relative' (threshold m_i − δ|m_i| − …): SPEC §1.2 option. */
  gap?: 'absolute' | 'relative';
}

/** Result of `oneStepCertificate`. */
export interface Certificate {
  /** At least one token lies in the ball. */
  applicable: boolean;
  /** applicable, and every token outside the ball satisfies the sufficient condition: tokens inside stay inside for one step. */
  holds: boolean;
  /** min over outside tokens w of bound − <A v, w> (> 0 everywhere iff the condition holds); +Infinity with none outside. */
  worstMargin: number;
  /** The token attaining worstMargin (−1 with none outside). */
  worstToken: number;
  /** bound = <A v, v> − δ' − ε(|A v| + |Aᵀ v| + ‖A‖₂ R) − [ε²‖A‖₂ unless A + Aᵀ ⪰ 0]. */
  bound: number;
  /** δ' = δ (or δ‖A‖₂R² for the relative gap) + τ·max(1, ‖A‖₂R²). */
  deltaPrime: number;
  /** Tokens inside the ball, ascending. */
  inside: Int32Array;
  /** Whether A + Aᵀ ⪰ 0 (smallest eigenvalue of the symmetric part >= −1e-14·‖A‖₂, Jacobi); if not, the ε²‖A‖₂ term is subtracted. */
  psd: boolean;
  /** ‖A‖₂ and R = max_i |x_i| used. */
  normA: number;
  R: number;
}

/**
 * SPEC §3's one-step sufficient invariance condition for the localmax rule
 * with threshold m_i − δ − τ·max(1,|m_i|). With R = max_i |x_i| and at least one
 * token in B(v, ε), if every token w outside the ball satisfies
 *
 *     <A v, w> < <A v, v> − δ' − ε(|A v| + |Aᵀ v| + ‖A‖₂ R)     (A + Aᵀ ⪰ 0)
 *
 * (for any other A, also subtract ε²‖A‖₂), then no outside token is in C_i of
 * any inside token i (since m_i >= a_ii), so each inside token moves to a
 * convex combination of points of the ball and is still inside at t+1.
 * δ' = δ + τ·max(1, ‖A‖₂R²) bounds the tie term over all rows (|m_i| <= ‖A‖₂R²);
 * for the relative gap δ‖A‖₂R² replaces δ. Sufficient, not necessary; the
 * comparison is done in float64 without a rounding margin (margins within
 * rounding of 0 are not meaningful).
 *
 * `applicable` is "some token inside": the A + Aᵀ ⪰ 0 assumption is replaced,
 * when it fails, by SPEC's general-A variant, which is valid for every A.
 */
export function oneStepCertificate(x: StateLike, n: number, d: number, opts: CertificateOptions): Certificate {
  const o = checkOptions<CertificateOptions>(opts, 'options', CERTIFICATE_OPTIONS, true);
  const { X, n: nn, d: dd } = readState(x, n, d);
  const v = readVector(o.v, dd, 'v');
  const eps = checkNumber(o.radius, 'radius', { min: 0, minExclusive: true });
  const delta = checkNumber(o.delta, 'delta', { min: 0, allowInfinity: true });
  const tau = checkTieTolerance(o.tieTolerance, x);
  const gap = checkOneOf(o.gap, 'gap', ['absolute', 'relative'] as const, 'absolute');
  const A = readMatrix(o.A, dd, 'A');
  return certify(X, nn, dd, v, eps, delta, tau, gap, A);
}

const CERTIFICATE_OPTIONS = ['v', 'radius', 'delta', 'A', 'tieTolerance', 'gap'] as const;

/** oneStepCertificate on checked arguments. */
function certify(
  x: Float64Array, n: number, d: number, v: Float64Array, eps: number, delta: number, tau: number, gap: 'absolute' | 'relative', A: Float64Array | null,
): Certificate {
  const Av = new Float64Array(d);
  const ATv = new Float64Array(d);
  matVec(A, v, 0, d, Av);
  for (let r = 0; r < d; r++) {
    if (A === null) {
      ATv[r] = v[r] as number;
    } else {
      // Aᵀ v: the transposed product (column r of A)
      let t = 0;
      for (let c = 0; c < d; c++) t += (A[c * d + r] as number) * (v[c] as number);
      ATv[r] = t;
    }
  }
  let normA = 1;
  let psd = true;
  if (A !== null) {
    const AtA = new Float64Array(d * d);
    const sym = new Float64Array(d * d);
    for (let r = 0; r < d; r++) {
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += (A[k * d + r] as number) * (A[k * d + c] as number);
        AtA[r * d + c] = s;
        sym[r * d + c] = 0.5 * ((A[r * d + c] as number) + (A[c * d + r] as number));
      }
    }
    normA = Math.sqrt(Math.max(0, ...symmetricEigenvalues(AtA, d)));
    const lmin = Math.min(...symmetricEigenvalues(sym, d));
    psd = lmin >= -1e-14 * Math.max(normA, Number.MIN_VALUE);
  }
  const R = maxNorm(x, n, d);
  const mBound = normA * R * R;
  const deltaPrime = (gap === 'relative' ? delta * mBound : delta) + tau * Math.max(1, mBound);
  let vAv = 0;
  let nAv = 0;
  let nATv = 0;
  for (let c = 0; c < d; c++) {
    vAv += (Av[c] as number) * (v[c] as number);
    nAv += (Av[c] as number) ** 2;
    nATv += (ATv[c] as number) ** 2;
  }
  const bound = vAv - deltaPrime - eps * (Math.sqrt(nAv) + Math.sqrt(nATv) + normA * R) - (psd ? 0 : eps * eps * normA);
  const insideList: number[] = [];
  let worstMargin = Infinity;
  let worstToken = -1;
  const e2 = eps * eps;
  for (let i = 0; i < n; i++) {
    let q = 0;
    let dot = 0;
    for (let c = 0; c < d; c++) {
      const xc = x[i * d + c] as number;
      q += (xc - (v[c] as number)) ** 2;
      dot += (Av[c] as number) * xc;
    }
    if (q < e2) {
      insideList.push(i);
      continue;
    }
    const m = bound - dot;
    if (m < worstMargin || Number.isNaN(m)) {
      worstMargin = m;
      worstToken = i;
    }
  }
  const applicable = insideList.length > 0;
  return {
    applicable,
    holds: applicable && worstMargin > 0,
    worstMargin,
    worstToken,
    bound,
    deltaPrime,
    inside: Int32Array.from(insideList),
    psd,
    normA,
    R,
  };
}

/** Eigenvalues of a symmetric d×d matrix (row-major, read only), descending; cyclic Jacobi of linalg.ts. */
export function symmetricEigenvalues(S: ArrayLike<number>, d: number): Float64Array {
  return symmetricEigen(S, d).values;
}

/** Options of `certificateLog`: those of `oneStepCertificate`, with δ possibly a function of the step index t. */
export interface CertificateLogOptions extends Omit<CertificateOptions, 'delta'> {
  /** δ of the step taken from each snapshot: a number, or δ(t) for a schedule (t = the snapshot's step index). */
  delta: number | ((t: number) => number);
}

/** The one-step certificate at every snapshot of a trajectory. */
export interface CertificateLog {
  /** Step index of each snapshot. */
  times: Float64Array;
  /** Per snapshot: 1 if some token is in the ball. */
  applicable: Uint8Array;
  /** Per snapshot: 1 if the certificate holds (the tokens inside stay inside for the next step). */
  holds: Uint8Array;
  /** Per snapshot: the worst margin (+Infinity with no token outside). */
  worstMargin: Float64Array;
  /** Number of snapshots where it holds, and where it applies. */
  holdCount: number;
  applicableCount: number;
}

/**
 * `oneStepCertificate` at every snapshot (SPEC §3: "logged at every step";
 * §6 item 4: how often it holds). Note that a snapshot's certificate speaks
 * about the step that follows it, whether or not that step was recorded.
 */
export function certificateLog(tr: Trajectory, opts: CertificateLogOptions): CertificateLog {
  checkTrajectory(tr);
  const o = checkOptions<CertificateLogOptions>(opts, 'options', CERTIFICATE_OPTIONS, true);
  const { n, d, count, data, times } = tr;
  const len = n * d;
  const delta = o.delta;
  if (typeof delta !== 'function') checkNumber(delta, 'delta', { min: 0, allowInfinity: true });
  const applicable = new Uint8Array(count);
  const holds = new Uint8Array(count);
  const worstMargin = new Float64Array(count);
  let holdCount = 0;
  let applicableCount = 0;
  for (let s = 0; s < count; s++) {
    const t = times[s] as number;
    const dl = typeof delta === 'number' ? delta : delta(t);
    const c = oneStepCertificate(data.subarray(s * len, (s + 1) * len), n, d, { ...opts, delta: dl });
    applicable[s] = c.applicable ? 1 : 0;
    holds[s] = c.holds ? 1 : 0;
    worstMargin[s] = c.worstMargin;
    holdCount += holds[s] as number;
    applicableCount += applicable[s] as number;
  }
  return { times: Float64Array.from(times.subarray(0, count)), applicable, holds, worstMargin, holdCount, applicableCount };
}
