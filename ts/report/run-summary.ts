/**
 * The facts of a finished run, for summary.json and the report: the final
 * state's hull, clusters, limit classes, leaders and neighbourhood sizes;
 * time series (cluster count, hull size, leaders, energies) on a spread of
 * snapshots; convergence and the no-finite-time check; quiescent balls for
 * localmax. Pure: no I/O, no figures (ts/report/run-sections.ts draws them).
 * Analyses whose cost grows past the named limits below are skipped, and
 * the skip is recorded with its reason.
 *
 * Each analysis runs under the caller's `guard`: if one throws, the guard
 * records the error and the others still run.
 */
import { neighbourhoodSizes } from '../analysis/attention/alignment.js';
import { clusters, sphereClusters } from '../analysis/attention/clusters.js';
import { lyapunovReport } from '../analysis/dynamics/energies.js';
import { hullGeometry, hullVertices } from '../analysis/geometry/hull.js';
import { leaders, strictLeaders } from '../analysis/attention/leaders.js';
import { LIMIT_KIND, convergence, finiteTimeCheck, limitClasses } from '../analysis/dynamics/limits.js';
import { quiescentReport } from '../analysis/dynamics/quiescent.js';
import { median } from '../analysis/dynamics/fit.js';
import { snapshot64, type Trajectory } from '../analysis/dynamics/trajectory.js';
import type { DeltaOption, Model } from '../types.js';
import { evenly } from './figures.js';

/** What the analysis needs to know about the run. */
export interface RunFacts {
  model: Model;
  n: number;
  d: number;
  /** α, or null when the step came from γ or the residual update. */
  alpha: number | null;
  delta: DeltaOption;
  deltaAt: (t: number) => number;
  beta: number;
  /** Effective alignment matrix (A, or KᵀQ), null for the identity. */
  A: Float64Array | null;
  tieTolerance: number;
  /** Tokens live on the unit sphere (sphere models or --sphere). */
  onSphere: boolean;
}

/** Report choices. */
export interface ReportChoices {
  hullAt: number[] | null;
  stripTokens: number[] | null;
  stripAt: number;
  analysisSnapshots: number;
}

/** Per-token arrays go into summary.json only up to this n. */
export const PER_TOKEN_LIMIT = 10_000;
/**
 * Budget of multiply-adds n²·d for each pairwise analysis of one state
 * (leaders, strict leaders, neighbourhood sizes: every alignment a_ij):
 * a few seconds on one core. Larger runs skip them, saying so.
 */
export const PAIRWISE_BUDGET = 4e9;
/** Budget of multiply-adds for the pairwise energies over all their snapshots (O(n² d) each). */
export const ENERGY_BUDGET = 1e9;
/** In d > 3 the limit classes solve an LP per cluster centroid: skipped above this many clusters. */
export const CENTROID_LP_LIMIT = 400;
/** The hull-size series runs for d <= 3 at any n, and in higher dimension up to this n. */
export const HULL_SERIES_MAX_N = 300;
/** The leader-count series (pairwise per snapshot) runs up to this n. */
export const LEADER_SERIES_MAX_N = 2048;
/** Quiescent balls: skipped above this many (ball, token, snapshot) distance checks. */
export const QUIESCENT_BUDGET = 2e8;
/** Cluster centroids go into summary.json up to this many clusters. */
export const CENTROIDS_MAX = 1000;

/** Runs an analysis, recording its error (then null) and its time. */
export type Guard = <T>(name: string, f: () => T) => T | null;
/** Records an analysis as skipped, with why; returns null. */
export type Skip = (analysis: string, why: string) => null;

/** A sub-trajectory of chosen snapshots (a copy). */
export function subTrajectory(tr: Trajectory, idx: readonly number[]): Trajectory {
  const len = tr.n * tr.d;
  const data = new Float64Array(idx.length * len);
  const times = new Float64Array(idx.length);
  idx.forEach((s, k) => {
    data.set(tr.data.subarray(s * len, (s + 1) * len), k * len);
    times[k] = tr.times[s] as number;
  });
  return { n: tr.n, d: tr.d, count: idx.length, times, data };
}

/** Snapshot s as float64 (zero-copy for the CLI's float64 recordings). */
const snap = snapshot64;

function stats(v: ArrayLike<number>): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let k = 0; k < v.length; k++) {
    const x = v[k] as number;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  return { min, max, mean: v.length > 0 ? sum / v.length : NaN };
}

/** Whether a run ended at rest, and from when it sat within the tolerance of its final state. */
export interface LimitStatus {
  /** The last recorded step moved no token by `tol` or more (per step): x(T) may stand for the limit. */
  atRest: boolean;
  /** max_i |x_i(T) − x_i(T')| / (T − T') over the last recorded gap T' → T (per step; NaN with one snapshot). */
  lastMaxStep: number;
  /** The convergence tolerance (the one of `convergence`). */
  tol: number;
  /**
   * When at rest: the first recorded snapshot from which every later one has
   * max_i |x_i(t) − x_i(T)| < tol (0 when all do); null when not at rest.
   */
  settleIndex: number | null;
  /** times[settleIndex], or null. */
  settleTime: number | null;
}

/**
 * The limit status of a recorded run from its convergence check: at rest when
 * the last recorded step is below the tolerance; then the settling snapshot
 * (scanning back from T while max_i |x_i(t) − x_i(T)| < tol).
 */
export function limitStatus(tr: Trajectory, conv: { lastMaxStep: number; tol: number }): LimitStatus {
  const { n, d, count, data, times } = tr;
  const { lastMaxStep, tol } = conv;
  const atRest = count >= 2 && lastMaxStep < tol;
  if (!atRest) return { atRest, lastMaxStep, tol, settleIndex: null, settleTime: null };
  const len = n * d;
  const last = (count - 1) * len;
  let s = count - 1;
  for (; s > 0; s--) {
    let far = false;
    for (let i = 0; i < n && !far; i++) {
      let q = 0;
      for (let c = 0; c < d; c++) q += ((data[(s - 1) * len + i * d + c] as number) - (data[last + i * d + c] as number)) ** 2;
      if (!(Math.sqrt(q) < tol)) far = true;
    }
    if (far) break;
  }
  return { atRest, lastMaxStep, tol, settleIndex: s, settleTime: times[s] as number };
}

/** The analyses of a run (null where skipped or failed), as `summarizeRun` computed them. */
export type RunResults = ReturnType<typeof summarizeRun>['results'];

/** The facts of a recorded run (f64 snapshots; the last one is the final state) and its summary.json body. */
export function summarizeRun(tr: Trajectory, facts: RunFacts, choices: ReportChoices, guard: Guard, skip: Skip) {
  const { n, d, count } = tr;
  const times = tr.times;
  const T = times[count - 1] as number;
  const x0 = snap(tr, 0);
  const xT = snap(tr, count - 1);
  const A = facts.A;
  const tau = facts.tieTolerance;
  const small = n <= PER_TOKEN_LIMIT;
  const deltaFinal = facts.model === 'localmax' ? facts.deltaAt(T) : 0;
  const clusterFn = (x: Float64Array) => (facts.onSphere ? sphereClusters(x, n, d) : clusters(x, n, d));

  // ---------------- final state
  const hullFinal = guard('hull (final)', () => hullGeometry(xT, n, d));
  const hullInitial = guard('hull (initial)', () => hullVertices(x0, n, d));
  const clFinal = guard('clusters (final)', () => clusterFn(xT));
  // limit classes need the hull of the cluster centroids: an LP per centroid for d > 3
  const manyCentroids = d > 3 && clFinal !== null && clFinal.count > CENTROID_LP_LIMIT;
  const limits = manyCentroids
    ? skip('limit classes', `${clFinal?.count} clusters in d = ${d} (the centroid hull needs an LP per centroid); the run has not clustered yet`)
    : guard('limit classes', () => limitClasses(xT, n, d));
  const pairwise = n * n * d <= PAIRWISE_BUDGET;
  const tooMany = (what: string): null => skip(what, `n = ${n}, d = ${d}: every alignment a_ij (n²·d = ${(n * n * d).toExponential(1)} multiply-adds) is beyond the budget of ${PAIRWISE_BUDGET.toExponential(0)}`);
  const leadT = pairwise ? guard('leaders (final)', () => leaders(xT, n, d, A, tau)) : tooMany('leaders (final)');
  const lead0 = pairwise ? guard('leaders (initial)', () => leaders(x0, n, d, A, tau)) : tooMany('leaders (initial)');
  const strictT = pairwise ? guard('strict leaders (final)', () => strictLeaders(xT, n, d, A, tau)) : tooMany('strict leaders (final)');
  const nbSizes = pairwise
    ? guard('neighbourhood sizes (final)', () => neighbourhoodSizes(xT, n, d, { delta: deltaFinal, A, tieTolerance: tau }))
    : tooMany('neighbourhood sizes (final)');
  const conv = guard('convergence', () => convergence(tr));
  const rest = conv ? guard('limit status', () => limitStatus(tr, conv)) : null;
  const ftc = guard('finite-time check', () => (count >= 2 ? finiteTimeCheck(tr) : null));

  const limitCounts = limits
    ? (() => {
        const c = { vertex: 0, boundary: 0, interior: 0, nonVertex: 0 };
        for (let i = 0; i < n; i++) {
          const k = limits.kind[i];
          if (k === LIMIT_KIND.vertex) c.vertex++;
          else if (k === LIMIT_KIND.boundary) c.boundary++;
          else if (k === LIMIT_KIND.interior) c.interior++;
          else c.nonVertex++;
        }
        return c;
      })()
    : null;

  // ---------------- time series over a spread of snapshots
  const idx = evenly(count, Math.max(2, choices.analysisSnapshots));
  const sub = subTrajectory(tr, idx);
  const seriesT = Array.from(sub.times);
  const clusterCount = guard('cluster count series', () => idx.map((s) => clusterFn(snap(tr, s)).count));
  const hullCheap = d <= 3 || n <= HULL_SERIES_MAX_N;
  const hullCount = hullCheap ? guard('hull size series', () => idx.map((s) => hullVertices(snap(tr, s), n, d).length)) : null;
  const leaderCount = n <= LEADER_SERIES_MAX_N ? guard('leader count series', () => idx.map((s) => leaders(snap(tr, s), n, d, A, tau).length)) : null;
  // pairwise energies cost O(n² d) per snapshot: at most ENERGY_BUDGET multiply-adds in all
  const energyCount = Math.min(idx.length, Math.floor(ENERGY_BUDGET / (n * n * d)));
  const energySub = energyCount >= 2 ? (energyCount >= idx.length ? sub : subTrajectory(tr, evenly(count, energyCount))) : null;
  const energies = energySub
    ? guard('energies', () => lyapunovReport(energySub, { beta: facts.beta }))
    : skip('energies', `n = ${n}, d = ${d}: pairwise energies cost O(n² d) per snapshot`);
  const energyT = energySub ? Array.from(energySub.times) : seriesT;

  // ---------------- quiescent balls (localmax, constant δ > 0, α known)
  const constDelta =
    typeof facts.delta === 'number' ? facts.delta : typeof facts.delta === 'object' && facts.delta.kind === 'constant' ? facts.delta.delta : null;
  const wantQuiescent = facts.model === 'localmax' && constDelta !== null && constDelta > 0 && Number.isFinite(constDelta) && facts.alpha !== null && count >= 2;
  const quiescent = !wantQuiescent
    ? null
    : limits === null
      ? skip('quiescent balls', 'needs the limit classes (the final hull vertices)')
      : limits.vertexClusters.length * n * count > QUIESCENT_BUDGET
        ? skip('quiescent balls', `${limits.vertexClusters.length} balls × ${n} tokens × ${count} snapshots is too many`)
        : guard('quiescent balls', () => quiescentReport(tr, { alpha: facts.alpha as number, delta: constDelta as number }));

  // ---------------- summary
  const summary: Record<string, unknown> = {
    final: {
      t: T,
      hull: hullFinal ? { dim: hullFinal.dim, vertexCount: hullFinal.vertices.length, vertices: small ? Array.from(hullFinal.vertices) : undefined } : null,
      initialHullVertexCount: hullInitial?.length ?? null,
      clusters: clFinal
        ? {
            count: clFinal.count,
            sizes: clFinal.count <= PER_TOKEN_LIMIT ? Array.from(clFinal.sizes) : undefined,
            centroids: clFinal.count <= CENTROIDS_MAX ? Array.from(clFinal.centroids) : undefined,
            labels: small ? Array.from(clFinal.labels) : undefined,
            kind: facts.onSphere ? 'sphere (<x_i,x_j> >= 1 - 1e-6)' : 'euclidean (|x_i - x_j| <= 1e-6·max(1,R))',
          }
        : null,
      limitClasses: limits
        ? {
            clusters: limits.clusters,
            vertexClusters: limits.vertexClusters.length,
            tokens: limitCounts,
            dim: limits.dim,
            tol: limits.tol,
            maxDistanceToVertex: stats(limits.clusterDistanceToVertex).max,
          }
        : null,
      leaders: leadT ? { count: leadT.length, indices: small ? Array.from(leadT) : undefined } : null,
      strictLeaders: strictT ? { count: strictT.length, indices: small ? Array.from(strictT) : undefined } : null,
      initialLeaders: lead0 ? { count: lead0.length, indices: small ? Array.from(lead0) : undefined } : null,
      neighbourhoodSizes: nbSizes
        ? {
            delta: deltaFinal,
            meaning: facts.model === 'localmax' ? `|C_i^δ| at δ(T) = ${deltaFinal}` : 'hardmax argmax set sizes (δ = 0)',
            ...stats(nbSizes),
            values: small ? Array.from(nbSizes) : undefined,
          }
        : null,
      convergence: conv
        ? { converged: conv.converged, lastMaxStep: conv.lastMaxStep, minMaxStep: conv.minMaxStep, tol: conv.tol, window: conv.window, atRest: rest?.atRest ?? null, settledAt: rest?.settleTime ?? null }
        : null,
      finiteTime: ftc
        ? {
            noFiniteTimeConvergence: ftc.noFiniteTimeConvergence,
            arrivals: ftc.arrivals.length,
            finiteTimeArrivals: ftc.finiteTimeArrivals,
            medianRate: median(Array.from(ftc.rate)),
            minMaxStep: ftc.minMaxStep,
          }
        : null,
    },
    series: {
      times: seriesT,
      clusterCount,
      hullVertexCount: hullCount,
      leaderCount,
      energyTimes: energies ? energyT : null,
      diameter: energies ? Array.from(energies.series.diameter) : null,
      radius: energies ? Array.from(energies.series.radius) : null,
      variance: energies ? Array.from(energies.series.variance) : null,
      hk: energies ? Array.from(energies.series.hk) : null,
      softmaxEnergy: energies ? Array.from(energies.series.softmaxEnergy) : null,
      energyBeta: energies?.series.beta ?? null,
    },
    lyapunov: energies
      ? Object.fromEntries(
          (['support', 'diameter', 'radius', 'variance', 'hk', 'softmaxEnergy'] as const).map((k) => [
            k,
            { direction: energies[k].direction, expected: energies[k].expected, violations: energies[k].violations, monotoneAfter: energies[k].monotoneAfter },
          ]),
        )
      : null,
    quiescent: quiescent
      ? {
          radius: quiescent.radius,
          predictedRate: quiescent.predictedRate,
          balls: quiescent.perCentre.map((c) => ({
            centre: Array.from(c.centre),
            entries: c.entries.length,
            exits: c.exits,
            stayed: c.stayed.length,
            rateFixed: c.rateFixed,
            rateMoving: c.rateMoving,
            ratioToPredicted: c.ratioToPredicted,
          })),
        }
      : null,
  };

  return { summary, results: { n, d, count, times, T, x0, xT, A, tau, deltaFinal, clusterFn, pairwise, hullFinal, hullInitial, clFinal, limits, leadT, lead0, strictT, nbSizes, conv, rest, ftc, limitCounts, idx, sub, seriesT, clusterCount, hullCount, leaderCount, energies, energyT, quiescent } };
}
