/**
 * Metastability instruments (SPEC.md §4 item 13, §5.6; FW = arXiv 2508.09628):
 *
 *   exitTimes     the first step each token (and each group) leaves its group's
 *                 initial hull grown by ε: conv{x_j(0) : j ∈ group} + B(0, ε)
 *   firstMoves    the first step each token's position changes at all
 *   kgonExitLaw   the exact law of the Markov model SA_P on a regular κ-gon:
 *                 S(β) = Σ_{j=1}^{κ−1} exp(−β(1 − cos(2πj/κ))), p = S/(1+S); each token's
 *                 first move ~ Geometric(p) while the others still sit on their vertices,
 *                 and the system's first exit ~ Geometric(1 − (1−p)^κ) when ε < 2γ sin(π/κ)
 *   geometricQuantile, summarizeExits   helpers for comparing samples with that law
 *
 * Sources: a recorded Trajectory (ts/analysis/dynamics/trajectory.ts) or a StateStream,
 * a callback handing out X(0), X(1), … one at a time (so a Monte Carlo run can
 * stop as soon as every token has left, without recording anything). States
 * are flat row-major arrays of exactly n*d finite numbers (or n rows of d),
 * checked with ts/check.ts `readState` as they arrive (a Trajectory by
 * trajectory.ts `checkTrajectory`), read during the call only.
 *
 * Exit geometry, by dimension of the state:
 *   d = 1: an interval, exact.
 *   d = 2: the convex polygon of the group's initial points (hull.ts
 *          `hullPolygon`: monotone chain on exact orientation tests) and the
 *          point-to-polygon distance (hull2d.ts `pointPolygonDistance`: exact
 *          inside test, rounded distance).
 *   d ≥ 3: a one-point group uses the Euclidean distance; larger groups use
 *          Wolfe's nearest-point algorithm (frankwolfe.ts `hullDistance`) with certified
 *          upper and lower bounds, stopped as soon as they decide: outside when
 *          the lower bound exceeds ε, inside when the distance found is at most
 *          ε + tol (tol = `tolerance`, default 1e-12·max(1, scale), coordinate
 *          units), so distances in (ε, ε + tol] may count as inside. If rounding
 *          stalls the search first, the midpoint of the bounds decides and the
 *          decision is counted in `ambiguous`.
 * A token is outside when its distance to the group hull is > ε (strictly; in
 * d = 2 up to the rounding of the distance).
 */
import { checkInt, checkNumber, checkOneOf, checkOptions, isFlatArray, rangeError, readState, typeError } from '../../check.js';
import { checkTrajectory, type Trajectory } from './trajectory.js';
import { hullPolygon } from '../geometry/hull.js';
import { pointPolygonDistance } from '../geometry/hull2d.js';
import { nearestPoint } from './frankwolfe.js';

/** States handed out one at a time: state(t) is called with t = 0, 1, 2, … in order and returns X(t) (n*d numbers, read immediately, not kept), or null/undefined to end. */
export interface StateStream {
  readonly n: number;
  readonly d: number;
  state(t: number): ArrayLike<number> | null | undefined;
}

/**
 * Groups of tokens: a label per token (length n; labels are integers ≥ 0,
 * group g = the tokens labelled g; −1 = not tracked), or a list of groups,
 * each an array of distinct token indices (a token in two groups is refused).
 */
export type Groups = ArrayLike<number> | readonly ArrayLike<number>[];

/** Options of `exitTimes`. */
export interface ExitTimeOptions {
  /** StateStream only: the last step index to request (default Infinity: until every tracked token has left or the stream ends). */
  maxSteps?: number;
  /** StateStream only: 'all' (default) stops once every tracked token has left, 'first' once any token has left (enough for the system's first exit), 'end' runs to maxSteps or the end of the stream. */
  stop?: 'all' | 'first' | 'end';
  /** d ≥ 3: distances up to ε + tolerance count as inside (see the module header). Default 1e-12·max(1, max_j |p_j − x|). */
  tolerance?: number;
}

/** The first exits. */
export interface ExitTimes {
  /** Per token: the first step index t whose state has the token outside its group region; −1 when never observed outside or not tracked. */
  token: Int32Array;
  /** Per group: the first exit of any member (min over members), −1 when none. */
  group: Int32Array;
  /** Members per group. */
  groupSize: Int32Array;
  /** Group index of each token (−1 = not tracked). */
  groupOf: Int32Array;
  /** The first exit of any group, −1 when none. */
  system: number;
  /** Step index of the first state (the regions are built from it) and of the last state examined. */
  firstStep: number;
  lastStep: number;
  /** Decisions (d ≥ 3) where rounding stalled the distance search and the midpoint of the bounds decided. */
  ambiguous: number;
}

interface Source {
  n: number;
  d: number;
  /** The s-th state and its step index, or null past the end. */
  next(s: number): { x: ArrayLike<number>; t: number } | null;
  stream: boolean;
}

function asSource(source: Trajectory | StateStream, maxSteps: number): Source {
  if (source === null || typeof source !== 'object') throw typeError('source', 'a Trajectory or a StateStream { n, d, state(t) }', source);
  if (typeof (source as StateStream).state === 'function') {
    const st = source as StateStream;
    const n = checkInt(st.n, 'source.n');
    const d = checkInt(st.d, 'source.d');
    return {
      n, d, stream: true,
      next: (s) => {
        if (s > maxSteps) return null;
        const x = st.state(s);
        if (x === null || x === undefined) return null;
        return { x: readState(x, n, d, `source.state(${s})`).X, t: s };
      },
    };
  }
  const tr = checkTrajectory(source, 'source');
  const len = tr.n * tr.d;
  return {
    n: tr.n, d: tr.d, stream: false,
    next: (s) => (s < tr.count ? { x: tr.data.subarray(s * len, (s + 1) * len), t: tr.times[s] as number } : null),
  };
}

function groupIndex(groups: unknown, n: number): { of: Int32Array; count: number } {
  if (groups === null || typeof groups !== 'object' || typeof (groups as { length?: unknown }).length !== 'number') {
    throw typeError('groups', 'a label per token (length n) or an array of token-index arrays', groups);
  }
  const g = groups as ArrayLike<unknown>;
  const of = new Int32Array(n).fill(-1);
  if (g.length > 0 && typeof g[0] === 'object' && g[0] !== null) {
    for (let a = 0; a < g.length; a++) {
      const list = g[a] as ArrayLike<unknown>;
      if (list === null || typeof list !== 'object' || typeof list.length !== 'number') throw typeError(`groups[${a}]`, 'an array of token indices', list);
      for (let b = 0; b < list.length; b++) {
        const i = checkNumber(list[b], `groups[${a}][${b}]`, { integer: true, min: 0, max: n, maxExclusive: true });
        if (of[i] !== -1) throw rangeError(`groups[${a}][${b}]`, `a token in no other group (token ${i} is already in group ${of[i]})`, i);
        of[i] = a;
      }
    }
    return { of, count: g.length };
  }
  if (g.length !== n) throw rangeError('groups.length', `n = ${n} (one label per token)`, g.length);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = checkNumber(g[i], `groups[${i}]`, { integer: true, min: -1 });
    of[i] = v;
    if (v + 1 > count) count = v + 1;
  }
  return { of, count };
}

/** The region of one group: a hull in d = 1, 2 or a point set for d ≥ 3. */
interface Region {
  /** Member coordinates (size*d), from the first state. */
  P: Float64Array;
  size: number;
  /** d = 1: [lo, hi]; d = 2: CCW polygon rows of P. */
  lo: number;
  hi: number;
  poly: Int32Array;
}

/**
 * First exits from the grown initial hulls, token by token and group by group.
 *
 * Exit of token i (group g) = the first step index t, among the states
 * examined, at which dist(x_i(t), conv{x_j(t0) : j ∈ g}) > ε, t0 being the
 * first state's step. With a Trajectory recorded every k > 1 steps this is the
 * first recorded state outside (an upper bound on the true first exit; a
 * token may also leave and come back between snapshots unseen).
 *
 * @param source a Trajectory or a StateStream
 * @param groups see `Groups`
 * @param eps the growth radius ε ≥ 0 (coordinate units); ε = 0 makes a one-token group exit on any move
 */
export function exitTimes(source: Trajectory | StateStream, groups: Groups, eps: number, opts?: ExitTimeOptions): ExitTimes {
  checkNumber(eps, 'eps', { min: 0 });
  const o = checkOptions<ExitTimeOptions>(opts, 'options', ['maxSteps', 'stop', 'tolerance']);
  const maxSteps = o.maxSteps === undefined ? Infinity : checkNumber(o.maxSteps, 'maxSteps', { min: 0, allowInfinity: true });
  const stop = checkOneOf(o.stop, 'stop', ['all', 'first', 'end'] as const, 'all');
  const tolIn = o.tolerance === undefined ? NaN : checkNumber(o.tolerance, 'tolerance', { min: 0 });

  const src = asSource(source, maxSteps);
  const { n, d } = src;
  const { of, count: G } = groupIndex(groups, n);
  const token = new Int32Array(n).fill(-1);
  const group = new Int32Array(G).fill(-1);
  const groupSize = new Int32Array(G);
  for (let i = 0; i < n; i++) if ((of[i] as number) >= 0) groupSize[of[i] as number]! += 1;
  const first = src.next(0);
  if (first === null) throw new RangeError('source must hold at least one state X(0); got none (state(0) returned null)');
  const regions: Region[] = [];
  for (let g = 0; g < G; g++) {
    const size = groupSize[g] as number;
    const P = new Float64Array(size * d);
    let a = 0;
    for (let i = 0; i < n; i++) {
      if (of[i] !== g) continue;
      for (let c = 0; c < d; c++) P[a * d + c] = first.x[i * d + c] as number;
      a++;
    }
    let lo = Infinity;
    let hi = -Infinity;
    if (d === 1) for (let j = 0; j < size; j++) {
      lo = Math.min(lo, P[j] as number);
      hi = Math.max(hi, P[j] as number);
    }
    regions.push({ P, size, lo, hi, poly: d === 2 && size > 0 ? hullPolygon(P, size) : new Int32Array(0) });
  }

  let tracked = 0;
  for (let i = 0; i < n; i++) if ((of[i] as number) >= 0) tracked++;
  let exited = 0;
  let ambiguous = 0;
  const z = new Float64Array(d);
  let lastStep = first.t;
  const outside = (reg: Region, x: ArrayLike<number>, i: number): boolean => {
    if (d === 1) {
      const v = x[i] as number;
      return v < reg.lo - eps || v > reg.hi + eps;
    }
    if (d === 2) return pointPolygonDistance(reg.P, reg.poly, x[2 * i] as number, x[2 * i + 1] as number) > eps;
    for (let c = 0; c < d; c++) z[c] = x[i * d + c] as number;
    if (reg.size === 1) {
      let s = 0;
      for (let c = 0; c < d; c++) s += ((z[c] as number) - (reg.P[c] as number)) ** 2;
      return Math.sqrt(s) > eps;
    }
    const r = nearestPoint(reg.P, reg.size, d, z, tolIn, 50 * (reg.size + d), eps, eps);
    if (r.lower > eps) return true;
    if (r.converged) return false; // distance ≤ ε + tolerance
    ambiguous++;
    return 0.5 * (r.distance + r.lower) > eps;
  };
  for (let s = 0; ; s++) {
    const st = s === 0 ? first : src.next(s);
    if (st === null) break;
    lastStep = st.t;
    for (let i = 0; i < n; i++) {
      const g = of[i] as number;
      if (g < 0 || (token[i] as number) >= 0) continue;
      if (outside(regions[g] as Region, st.x, i)) {
        token[i] = st.t;
        exited++;
        if ((group[g] as number) < 0) group[g] = st.t;
      }
    }
    if (src.stream && ((stop === 'all' && exited === tracked) || (stop === 'first' && exited > 0))) break;
  }
  let system = -1;
  for (let g = 0; g < G; g++) {
    const v = group[g] as number;
    if (v >= 0 && (system < 0 || v < system)) system = v;
  }
  return { token, group, groupSize, groupOf: of, system, firstStep: first.t, lastStep, ambiguous };
}

/** Options of `firstMoves`. */
export interface FirstMoveOptions {
  /** StateStream only: the last step index to request. Default Infinity. */
  maxSteps?: number;
  /** StateStream only: 'all' (default) stops once every token has moved, 'first' once any token has moved. */
  stop?: 'all' | 'first';
}

/** The first move of every token. */
export interface FirstMoves {
  /** Per token: the first step index t whose state differs from the first state in any coordinate (exact comparison); −1 when never seen to move. */
  token: Int32Array;
  /** min over tokens (−1 when none moved). */
  system: number;
  /** Step index of the last state examined. */
  lastStep: number;
}

/**
 * First moves: the first step at which each token's position differs from its
 * position in the first state (exact float comparison: a "move" is any change,
 * e.g. SA_P drawing J_i with x_J ≠ x_i). A StateStream stops as soon as every
 * token has moved.
 */
export function firstMoves(source: Trajectory | StateStream, opts?: FirstMoveOptions): FirstMoves {
  const o = checkOptions<FirstMoveOptions>(opts, 'options', ['maxSteps', 'stop']);
  const maxSteps = o.maxSteps === undefined ? Infinity : checkNumber(o.maxSteps, 'maxSteps', { min: 0, allowInfinity: true });
  const stop = checkOneOf(o.stop, 'stop', ['all', 'first'] as const, 'all');
  const src = asSource(source, maxSteps);
  const { n, d } = src;
  const first = src.next(0);
  if (first === null) throw new RangeError('source must hold at least one state X(0); got none (state(0) returned null)');
  const x0 = Float64Array.from({ length: n * d }, (_, q) => first.x[q] as number);
  const token = new Int32Array(n).fill(-1);
  let moved = 0;
  let lastStep = first.t;
  for (let s = 1; moved < n && !(stop === 'first' && moved > 0 && src.stream); s++) {
    const st = src.next(s);
    if (st === null) break;
    lastStep = st.t;
    for (let i = 0; i < n; i++) {
      if ((token[i] as number) >= 0) continue;
      for (let c = 0; c < d; c++) {
        if (st.x[i * d + c] !== x0[i * d + c]) {
          token[i] = st.t;
          moved++;
          break;
        }
      }
    }
  }
  let system = -1;
  for (let i = 0; i < n; i++) {
    const v = token[i] as number;
    if (v >= 0 && (system < 0 || v < system)) system = v;
  }
  return { token, system, lastStep };
}

/** The exact exit law of SA_P on a regular κ-gon (SPEC §4 item 13). */
export interface KgonExitLaw {
  kappa: number;
  beta: number;
  /** S(β) = Σ_{j=1}^{κ−1} exp(−β(1 − cos(2πj/κ))). */
  S: number;
  /** p(β) = S/(1+S): a token at its vertex moves at the next step with probability p while every other token is at its vertex. */
  p: number;
  /** 1 − (1−p)^κ: the probability that at least one token moves at a step (the system's first exit is Geometric with this parameter when ε < 2γ sin(π/κ)). */
  systemP: number;
  /** Means 1/p and 1/systemP of the two geometric laws on {1, 2, …}. */
  tokenMean: number;
  systemMean: number;
  /** Medians (smallest k with CDF ≥ 1/2) of the two geometric laws. */
  tokenMedian: number;
  systemMedian: number;
  /** 1 − cos(2π/κ): the limit slope of log(median exit) in β. */
  slope: number;
  /** 2 sin(π/κ): with γ, ε < γ·moveScale makes one move an exit (the shortest move of a vertex token is γ·2 sin(π/κ)). */
  moveScale: number;
}

/**
 * The regular κ-gon law of SPEC §4 item 13 (n = κ tokens on the unit circle,
 * A = I, SA_P with any γ ∈ (0, 1]): token i at v_i draws J with weights
 * exp(β<v_i, v_j>), so it moves with probability p = S/(1+S) per step as long
 * as every token is still at its vertex. 1 − cos θ is evaluated as 2 sin²(θ/2)
 * and 1 − (1−p)^κ as −expm1(κ·log1p(−p)) for accuracy at large β.
 *
 * @param kappa integer ≥ 2
 * @param beta finite ≥ 0
 */
export function kgonExitLaw(kappa: number, beta: number): KgonExitLaw {
  const k = checkInt(kappa, 'kappa', 2);
  checkNumber(beta, 'beta', { min: 0 });
  let S = 0;
  for (let j = 1; j < k; j++) {
    const h = Math.sin((Math.PI * j) / k);
    S += Math.exp(-beta * 2 * h * h);
  }
  const p = S / (1 + S);
  const systemP = -Math.expm1(k * Math.log1p(-p));
  const h1 = Math.sin(Math.PI / k);
  return {
    kappa: k, beta, S, p, systemP, tokenMean: 1 / p, systemMean: 1 / systemP,
    tokenMedian: geometricQuantile(p, 0.5), systemMedian: geometricQuantile(systemP, 0.5),
    slope: 2 * h1 * h1, moveScale: 2 * h1,
  };
}

/** Geometric(p) on {1, 2, …}: P(T ≤ k) = 1 − (1−p)^k. */
export function geometricCdf(p: number, k: number): number {
  checkNumber(p, 'p', { min: 0, minExclusive: true, max: 1 });
  checkNumber(k, 'k', { allowInfinity: true });
  if (k < 1) return 0;
  return -Math.expm1(Math.floor(k) * Math.log1p(-p));
}

/** The smallest k ≥ 1 with P(T ≤ k) ≥ u for T ~ Geometric(p) on {1, 2, …}; u ∈ (0, 1). Exact up to 2^52; beyond, the rounded closed form ⌈log(1−u)/log(1−p)⌉. */
export function geometricQuantile(p: number, u: number): number {
  checkNumber(p, 'p', { min: 0, minExclusive: true, max: 1 });
  checkNumber(u, 'u', { min: 0, minExclusive: true, max: 1, maxExclusive: true });
  if (p === 1) return 1;
  let k = Math.max(1, Math.ceil(Math.log1p(-u) / Math.log1p(-p)));
  // guard the rounding of the logarithms (only where k ± 1 are distinct doubles)
  if (k > 2 ** 52) return k;
  while (k > 1 && geometricCdf(p, k - 1) >= u) k--;
  while (geometricCdf(p, k) < u) k++;
  return k;
}


/** Summary of a sample of exit (or move) times. */
export interface ExitSummary {
  /** Observed (non-negative) times. */
  count: number;
  /** Entries < 0 (never observed: censored). */
  censored: number;
  /** Sample mean and its standard error (sample standard deviation / √count) of the observed times. */
  mean: number;
  stdError: number;
  /** Lower sample median: the smallest observed value v with at least half the observed values ≤ v. */
  median: number;
}

/** Summarise exit times (negative entries count as censored and are left out). */
export function summarizeExits(times: ArrayLike<number>): ExitSummary {
  if (!isFlatArray(times)) throw typeError('times', 'an array of numbers (negative = censored)', times);
  const vals: number[] = [];
  let censored = 0;
  for (let q = 0; q < times.length; q++) {
    const v = checkNumber((times as ArrayLike<unknown>)[q], `times[${q}]`, { allowInfinity: true });
    if (v < 0) censored++;
    else vals.push(v);
  }
  const count = vals.length;
  if (count === 0) return { count, censored, mean: NaN, stdError: NaN, median: NaN };
  let mean = 0;
  for (const v of vals) mean += v;
  mean /= count;
  let ss = 0;
  for (const v of vals) ss += (v - mean) ** 2;
  const sd = count > 1 ? Math.sqrt(ss / (count - 1)) : NaN;
  vals.sort((a, b) => a - b);
  const median = vals[Math.ceil(count / 2) - 1] as number;
  return { count, censored, mean, stdError: sd / Math.sqrt(count), median };
}
