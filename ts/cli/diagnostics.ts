/**
 * The analysis of a finished run, for summary.json and report.html: the
 * final state's hull, clusters, limit classes, leaders and neighbourhood
 * sizes; time series (cluster count, hull size, leaders, energies) on a
 * spread of snapshots; convergence and the no-finite-time check; quiescent
 * balls for localmax; and the report's figures.
 *
 * Each analysis is guarded: if one throws, its error is recorded in
 * `errors` (and printed as a warning by the caller) and the others still run,
 * so the simulation's outputs are never lost to an analysis problem.
 */
import { alignmentRow, neighbourhoodSizes } from '../analysis/attention/alignment.js';
import { clusters, sphereClusters } from '../analysis/attention/clusters.js';
import { lyapunovReport } from '../analysis/dynamics/energies.js';
import { hullGeometry, hullVertices } from '../analysis/geometry/hull.js';
import { leaders, strictLeaders } from '../analysis/attention/leaders.js';
import { LIMIT_KIND, convergence, finiteTimeCheck, limitClasses } from '../analysis/dynamics/limits.js';
import { quiescentReport } from '../analysis/dynamics/quiescent.js';
import { strip, stripLines2d } from '../analysis/attention/strips.js';
import { snapshot64, type Trajectory } from '../analysis/dynamics/trajectory.js';
import type { DeltaOption, Model } from '../types.js';
import { ballsFigure, evenly, labelColors, planeBox, stateFigure, stripFigure, trajectoryFigure } from '../report/figures.js';
import type { Figure, Section, Table } from '../report/html.js';
import { projection2d } from '../report/projection.js';
import { color, linePlot, type Series } from '../report/svg.js';
import { messageOf } from './errors.js';
import { median } from '../experiments/common.js';

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

/** The analysis result. */
export interface RunAnalysis {
  summary: Record<string, unknown>;
  sections: Section[];
  errors: { analysis: string; error: string }[];
}

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


/** Leaders are drawn as stars only up to this many. */
const MAX_STARS = 60;

/** Per-token arrays go into summary.json only up to this n. */
const PER_TOKEN_LIMIT = 10_000;
/**
 * Budget of multiply-adds n²·d for each pairwise analysis of one state
 * (leaders, strict leaders, neighbourhood sizes: every alignment a_ij):
 * about ten seconds on one core. Larger runs skip them, saying so.
 */
const PAIRWISE_BUDGET = 4e9;
/** Figures of token positions draw at most this many tokens (evenly strided, plus the leaders drawn as stars); analyses use all. */
const FIGURE_TOKENS = 5_000;

/** The tokens `tokens` (ascending) of every snapshot: a smaller trajectory for drawing. */
function tokenSubset(tr: Trajectory, tokens: readonly number[]): Trajectory {
  const { d, count } = tr;
  const m = tokens.length;
  const data = new Float64Array(count * m * d);
  for (let s = 0; s < count; s++) {
    for (let k = 0; k < m; k++) {
      const from = (s * tr.n + (tokens[k] as number)) * d;
      for (let c = 0; c < d; c++) data[(s * m + k) * d + c] = tr.data[from + c] as number;
    }
  }
  return { n: m, d, count, times: tr.times, data };
}

/** Default steps for hull small multiples: t ≈ 0, T/10, T/3, T snapped to recorded steps. */
export function defaultHullSteps(times: ArrayLike<number>): number[] {
  const T = times[times.length - 1] as number;
  const want = [0, T / 10, T / 3, T];
  const out: number[] = [];
  for (const w of want) {
    let best = 0;
    for (let s = 0; s < times.length; s++) if (Math.abs((times[s] as number) - w) < Math.abs((times[best] as number) - w)) best = s;
    const t = times[best] as number;
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

/** Analyse a recorded run (f64 snapshots; the last one is the final state). */
export function analyseRun(tr: Trajectory, facts: RunFacts, choices: ReportChoices): RunAnalysis {
  const errors: { analysis: string; error: string }[] = [];
  const timings: Record<string, number> = {};
  const guard = <T>(name: string, f: () => T): T | null => {
    const t0 = performance.now();
    try {
      return f();
    } catch (err) {
      errors.push({ analysis: name, error: messageOf(err) });
      return null;
    } finally {
      timings[name] = (timings[name] ?? 0) + performance.now() - t0;
    }
  };
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
  const skip = (analysis: string, why: string): null => {
    errors.push({ analysis, error: `skipped: ${why}` });
    return null;
  };
  const manyCentroids = d > 3 && clFinal !== null && clFinal.count > 400;
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
  const hullCheap = d <= 3 || n <= 300;
  const hullCount = hullCheap ? guard('hull size series', () => idx.map((s) => hullVertices(snap(tr, s), n, d).length)) : null;
  const leaderCount = n <= 2048 ? guard('leader count series', () => idx.map((s) => leaders(snap(tr, s), n, d, A, tau).length)) : null;
  // pairwise energies cost O(n² d) per snapshot: use at most ~1e9 multiply-adds in all
  const energyCount = Math.min(idx.length, Math.floor(1e9 / (n * n * d)));
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
      : limits.vertexClusters.length * n * count > 2e8
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
            centroids: clFinal.count <= 1000 ? Array.from(clFinal.centroids) : undefined,
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
      convergence: conv ? { converged: conv.converged, lastMaxStep: conv.lastMaxStep, minMaxStep: conv.minMaxStep, tol: conv.tol, window: conv.window } : null,
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

  // ---------------- figures
  const sections: Section[] = [];
  const proj = projection2d(tr.data, count, n, d);
  const labels = clFinal?.labels ?? new Int32Array(n);
  const colors = labelColors(labels);
  const box = planeBox(tr, proj);
  // Above FIGURE_TOKENS, the position figures draw an evenly strided sample (plus the starred leaders).
  const starred = leadT !== null && leadT.length <= MAX_STARS ? Array.from(leadT) : [];
  const drawn = n > FIGURE_TOKENS ? [...new Set([...evenly(n, FIGURE_TOKENS), ...starred])].sort((a, b) => a - b) : null;
  const figTr = drawn ? tokenSubset(tr, drawn) : tr;
  const figColors = drawn ? drawn.map((i) => colors[i] as string) : colors;
  const figStars = drawn ? starred.map((i) => drawn.indexOf(i)) : starred;
  const sampling = drawn ? ` Drawn: ${drawn.length} of the ${n} tokens (every ${Math.ceil(n / FIGURE_TOKENS)}-th or so, evenly spread${starred.length > 0 ? ', and the leaders' : ''}); the analyses use all ${n}.` : '';
  const figs: Figure[] = [];
  guard('figure: trajectories', () =>
    figs.push({
      name: 'trajectories',
      title: 'Trajectories',
      svg: trajectoryFigure(figTr, proj, { colors: figColors, stars: leadT !== null && leadT.length <= MAX_STARS ? figStars : undefined }),
      caption: `Paths of the ${n} tokens over the ${count} recorded snapshots (t = ${times[0]} … ${T}); hollow: initial, filled: final, coloured by final cluster; ${leadT === null ? 'leaders not computed' : leadT.length > MAX_STARS ? `${leadT.length} leaders at t = ${T} (too many to draw as stars)` : `stars: leaders at t = ${T}`}; dashed: final hull.${sampling}`,
    }),
  );
  sections.push({
    heading: 'Trajectories',
    text: proj.note ? [`${proj.note} (shares of the variance). Distances within the plane are kept; points may overlap along the dropped directions.`] : undefined,
    figures: figs,
  });

  // hull at chosen steps
  const hullSteps = choices.hullAt ?? defaultHullSteps(times);
  const hullFigs: Figure[] = [];
  for (const t of hullSteps) {
    const s = Array.prototype.indexOf.call(times, t) as number;
    if (s < 0) continue;
    guard(`figure: hull at t = ${t}`, () => {
      const lead = pairwise ? leaders(snap(tr, s), n, d, A, tau) : null;
      const stars = lead !== null && lead.length <= MAX_STARS && drawn === null ? lead : undefined;
      hullFigs.push({
        name: `hull-t${t}`,
        title: `Hull at t = ${t}`,
        svg: stateFigure(snap(figTr, s), figTr.n, proj, { title: `t = ${t}`, colors: figColors, stars, box, size: 300 }),
        caption: `Tokens at t = ${t} (coloured by final cluster), their convex hull${proj.kind === 'pca' ? ' (of the projected points, i.e. the projection of the hull)' : ''}, ${lead === null ? 'leaders not computed (n²·d beyond the budget)' : stars !== undefined ? `leaders as stars (${lead.length})` : `${lead.length} leaders (not drawn as stars)`}.${drawn ? ` The hull is that of the drawn sample.${sampling}` : ''}`,
      });
    });
  }
  sections.push({ heading: 'Hull at chosen steps', figures: hullFigs });

  // strips
  const stripFigs: Figure[] = [];
  const stripText: string[] = [];
  if (d !== 2) stripText.push(`Strips are drawn for d = 2 only (d = ${d}); their members are summarised in the neighbourhood sizes.`);
  else if (drawn !== null) stripText.push(`Strips are drawn up to ${FIGURE_TOKENS} tokens (n = ${n}).`);
  else if (facts.model === 'sphere-sa' || facts.model === 'sphere-usa') stripText.push('Strips belong to the discrete hardmax/localmax/softmax models; not drawn for the sphere ODEs.');
  else {
    const s = Array.prototype.indexOf.call(times, choices.stripAt) as number;
    const x = s >= 0 ? snap(tr, s) : x0;
    const tS = s >= 0 ? choices.stripAt : 0;
    const dS = facts.model === 'localmax' ? facts.deltaAt(tS) : 0;
    let tokens = choices.stripTokens;
    if (tokens === null) {
      const sizes = guard('strip token choice', () => neighbourhoodSizes(x, n, d, { delta: dS, A, tieTolerance: tau }));
      let big = 0;
      if (sizes) for (let i = 0; i < n; i++) if ((sizes[i] as number) > (sizes[big] as number)) big = i;
      tokens = big === 0 ? [0] : [0, big];
    }
    const soft = facts.model === 'softmax' || facts.model === 'softmax-markov';
    for (const i of tokens) {
      guard(`figure: strip of token ${i}`, () => {
        const st = strip(x, n, d, i, { delta: dS, A, tieTolerance: tau });
        const lines = stripLines2d(st);
        let sizes: Float64Array | undefined;
        if (soft) {
          const row = alignmentRow(x, n, d, i, A);
          let m = -Infinity;
          for (let j = 0; j < n; j++) m = Math.max(m, row[j] as number);
          let z = 0;
          const w = new Float64Array(n);
          for (let j = 0; j < n; j++) {
            w[j] = Math.exp(facts.beta * ((row[j] as number) - m));
            z += w[j] as number;
          }
          const wmax = Math.max(...Array.from(w, (v) => v / z));
          sizes = w.map((v) => 1.5 + 7 * Math.sqrt(v / z / wmax));
        }
        stripFigs.push({
          name: `strip-${i}-t${tS}`,
          title: `Strip of token ${i} at t = ${tS}`,
          svg: stripFigure(x, n, { token: i, upper: lines.upper, lower: lines.lower, members: st.members }, { title: `Z_${i} at t = ${tS}${facts.model === 'localmax' ? `, δ = ${+dS.toPrecision(4)}` : ''}`, sizes, box }),
          caption:
            `Z_i = { y : m_i − δ ≤ <A x_i, y> ≤ m_i } with ${st.members.length} member(s), width ${+st.width.toPrecision(4)}. ` +
            (soft ? `Softmax: every token is weighted; marker area ∝ weight w_ij at β = ${facts.beta}; the band shown is the hardmax argmax face.` : facts.model === 'localmax' ? 'Localmax: the members are the tokens inside the band.' : 'Hardmax: δ = 0, the members are the argmax set on the upper face.'),
        });
      });
    }
  }
  sections.push({ heading: 'Strips', text: stripText.length > 0 ? stripText : undefined, figures: stripFigs });

  // quiescent balls
  if (quiescent) {
    const entered = new Set<number>();
    for (const c of quiescent.perCentre) for (const e of c.entries) entered.add(e.token);
    const qFigs: Figure[] = [];
    guard('figure: quiescent balls', () =>
      qFigs.push({
        name: 'quiescent',
        title: 'Quiescent balls',
        svg: (() => {
          const paths = [...entered].slice(0, 300);
          if (drawn === null) return ballsFigure(tr, proj, quiescent.centres, quiescent.radius, paths, { title: `B(v, ε) around final hull vertices, ε = δ/(2+2α)` });
          // the sample of the other figures plus the tokens whose paths are drawn
          const sub = [...new Set([...drawn, ...paths])].sort((a, b) => a - b);
          const at = new Map(sub.map((i, k) => [i, k]));
          return ballsFigure(tokenSubset(tr, sub), proj, quiescent.centres, quiescent.radius, paths.map((i) => at.get(i) as number), { title: `B(v, ε) around final hull vertices, ε = δ/(2+2α)` });
        })(),
        caption: `Balls of the reconstructed quiescent radius around the non-zero vertices of the final hull, with the paths of tokens that entered them. An empirical instrument: entries and exits are counted, never assumed.${sampling}`,
      }),
    );
    const table: Table = {
      columns: ['ball', 'centre', 'entries', 'exits', 'stayed', 'rate (fixed v)', 'rate (moving c)', 'predicted 1/(1+α)'],
      rows: quiescent.perCentre.map((c, k) => [k, Array.from(c.centre, (v) => +v.toPrecision(4)).join(', '), c.entries.length, c.exits, c.stayed.length, c.rateFixed, c.rateMoving, quiescent.predictedRate]),
    };
    sections.push({ heading: 'Quiescent balls', figures: qFigs, tables: [table] });
  }

  // log distance to the limit
  const distFigs: Figure[] = [];
  if (count >= 2) {
    guard('figure: distance to limit', () => {
      const len = n * d;
      const maxLines = 120;
      const stride = Math.max(1, Math.ceil(n / maxLines));
      const series: Series[] = [];
      const pick = evenly(count - 1, 200);
      const ts = pick.map((s) => times[s] as number);
      for (let i = 0; i < n; i += stride) {
        const ys = new Float64Array(pick.length);
        pick.forEach((s, k) => {
          let q = 0;
          for (let c = 0; c < d; c++) q += ((tr.data[s * len + i * d + c] as number) - (xT[i * d + c] as number)) ** 2;
          ys[k] = Math.sqrt(q);
        });
        series.push({ x: ts, y: ys, color: colors[i], strokeWidth: 1 });
      }
      distFigs.push({
        name: 'distance-to-limit',
        title: 'Distance to the final state',
        svg: linePlot(series, { title: '|x_i(t) − x_i(T)|', xLabel: 't', yLabel: 'distance', yLog: true, width: 520, height: 360, note: stride > 1 ? `every ${stride}-th token` : undefined }),
        caption: `Log-distance of each token to its position at t = ${T} (a proxy for its limit); straight lines are geometric convergence, a drop to nothing is an exact arrival. Coloured by final cluster.`,
      });
    });
  }
  sections.push({ heading: 'Distance to the limit', figures: distFigs });

  // counts and energies over time
  const tsFigs: Figure[] = [];
  const countSeries: Series[] = [];
  if (clusterCount) countSeries.push({ x: seriesT, y: clusterCount, label: 'clusters', color: color(0), markers: seriesT.length <= 60 });
  if (hullCount) countSeries.push({ x: seriesT, y: hullCount, label: 'hull vertices', color: color(1), markers: seriesT.length <= 60 });
  if (leaderCount) countSeries.push({ x: seriesT, y: leaderCount, label: 'leaders', color: color(2), markers: seriesT.length <= 60 });
  if (countSeries.length > 0) {
    tsFigs.push({ name: 'counts', title: 'Clusters, hull vertices and leaders over time', svg: linePlot(countSeries, { title: 'counts', xLabel: 't', yLabel: 'count', width: 520, height: 340 }), caption: `On ${seriesT.length} snapshots spread over the run.` });
  }
  if (energies) {
    const e = energies.series;
    tsFigs.push({
      name: 'geometry',
      title: 'Diameter, radius and variance',
      svg: linePlot(
        [
          { x: energyT, y: e.diameter, label: 'diam', color: color(0) },
          { x: energyT, y: e.radius, label: 'R = max |x_i|', color: color(1) },
          { x: energyT, y: e.variance, label: 'variance', color: color(2) },
        ],
        { title: 'Lyapunov candidates (P1: diam and R non-increasing)', xLabel: 't', yLog: true, width: 520, height: 340 },
      ),
      caption: `Violations of monotonicity: diameter ${energies.diameter.violations}, radius ${energies.radius.violations}, support functions ${energies.support.violations} (tol ${energies.tol.toExponential(1)}), variance ${energies.variance.violations} (reported only).`,
    });
    tsFigs.push({
      name: 'energies',
      title: 'Energies',
      svg: linePlot(
        [
          { x: energyT, y: e.hk, label: 'HK energy Σ min(|x_i−x_j|², r²)', color: color(3) },
          { x: energyT, y: e.softmaxEnergy, label: `E_β (β = ${e.beta})`, color: color(4) },
        ],
        { title: 'Energies over time', xLabel: 't', yLog: true, width: 520, height: 340 },
      ),
      caption: `Hegselmann–Krause energy (violations of non-increase: ${energies.hk.violations}) and the softmax energy E_β (violations of non-decrease: ${energies.softmaxEnergy.violations}); both are reported, not theorems here.`,
    });
  }
  sections.push({ heading: 'Over time', figures: tsFigs });
  summary.analysisTimingsMs = timings;
  return { summary, sections, errors };
}
