/**
 * The report's sections of a finished run (ts/report/run-summary.ts computes
 * the facts): trajectories, hulls at chosen steps, strips, quiescent balls,
 * distance to the final state, counts and energies over time. Position
 * figures of runs above FIGURE_TOKENS draw an evenly strided sample of the
 * tokens and say so in their captions.
 */
import { alignmentRow, neighbourhoodSizes, softmaxWeights } from '../analysis/attention/alignment.js';
import { leaders } from '../analysis/attention/leaders.js';
import { strip, stripLines2d } from '../analysis/attention/strips.js';
import { snapshot64, type Trajectory } from '../analysis/dynamics/trajectory.js';
import { ballsFigure, evenly, labelColors, planeBox, stateFigure, stripFigure, trajectoryFigure } from './figures.js';
import type { Figure, Section, Table } from './html.js';
import { projection2d } from './projection.js';
import { color, linePlot, type Series } from './svg.js';
import type { Guard, ReportChoices, RunFacts, RunResults } from './run-summary.js';

/** Leaders are drawn as stars only up to this many. */
const MAX_STARS = 60;
/** Figures of token positions draw at most this many tokens (evenly strided, plus the leaders drawn as stars); analyses use all. */
export const FIGURE_TOKENS = 5_000;

/** Snapshot s as float64 (zero-copy for the CLI's float64 recordings). */
const snap = snapshot64;

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

/** The report's sections from a run and its facts; each figure runs under `guard`. */
export function runSections(tr: Trajectory, facts: RunFacts, choices: ReportChoices, r: RunResults, guard: Guard): Section[] {
  const { n, d, count, times, T, x0, xT, A, tau, deltaFinal, clusterFn, pairwise, hullFinal, hullInitial, clFinal, limits, leadT, lead0, strictT, nbSizes, conv, ftc, limitCounts, idx, sub, seriesT, clusterCount, hullCount, leaderCount, energies, energyT, quiescent } = r;
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
          const p = softmaxWeights(alignmentRow(x, n, d, i, A), n, facts.beta);
          const pmax = Math.max(...p);
          sizes = p.map((v) => 1.5 + 7 * Math.sqrt(v / pmax));
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
  return sections;
}
