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
import { ballsFigure, evenly, hullOf, planeBox, planeFrame, stateFigure, stripFigure, type Snapshots } from './figures.js';
import { MAX_LAYERS, type Figure, type Section, type Table } from './html.js';
import { project, projection2d, type Projection2d } from './projection.js';
import { PALETTE, categorical, color, esc, label, legend, linePlot, points, polyline, stars, type LegendItem, type Series } from './svg.js';
import type { Guard, LimitStatus, ReportChoices, RunFacts, RunResults } from './run-summary.js';

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

/** Most snapshot layers of the trajectory figure's time slider. */
export const SLIDER_LAYERS = 12;

/** Colours of the tokens by final cluster, with a legend or a note on the figure. */
export interface ClusterColouring {
  colors: string[];
  /** One entry per cluster when they fit the palette, else none. */
  legend: LegendItem[];
  /** Said on the figure when the colours cannot tell the clusters apart, else undefined. */
  note: string | undefined;
}

/**
 * Token colours from final-cluster labels: the palette with a legend entry per
 * cluster up to its size (10); beyond it hues by the golden angle
 * (svg.ts's `categorical`) with a note that nearby hues may be different
 * clusters; one colour and a note when the clusters were not computed (count null).
 */
export function clusterColouring(labels: ArrayLike<number>, count: number | null, sizes?: ArrayLike<number>): ClusterColouring {
  if (count === null) return { colors: Array.from(labels, () => color(0)), legend: [], note: 'clusters not computed: one colour' };
  const colors = Array.from(labels, (l) => categorical(l, count));
  if (count <= PALETTE.length) {
    const legendItems = Array.from({ length: count }, (_, k): LegendItem => ({ label: `cluster ${k}${sizes ? ` (${sizes[k]})` : ''}`, color: categorical(k, count), kind: 'point' }));
    return { colors, legend: legendItems, note: undefined };
  }
  return { colors, legend: [], note: `${count} clusters, more than the ${PALETTE.length} colours: similar hues may be different clusters (no legend)` };
}

/**
 * The last snapshot a time axis shows. When the run came to rest and settled
 * (every later snapshot within tol of x(T)) at t_c = times[settleIndex],
 * the first snapshot at or past t_c + max(0.2 (t_c − t_0), (T − t_0)/50) —
 * provided that crops at least a fifth of the run; otherwise the last snapshot.
 */
export function cropIndex(times: ArrayLike<number>, rest: Pick<LimitStatus, 'settleIndex'> | null): number {
  const last = times.length - 1;
  if (rest === null || rest.settleIndex === null || last < 1) return last;
  const t0 = times[0] as number;
  const T = times[last] as number;
  const tc = times[rest.settleIndex] as number;
  const want = tc + Math.max(0.2 * (tc - t0), (T - t0) / 50);
  let s = rest.settleIndex;
  while (s < last && (times[s] as number) < want) s++;
  return (times[s] as number) - t0 <= 0.8 * (T - t0) ? s : last;
}

/**
 * Snapshot indices for the slider: k − 1 of them over 0 … end, denser early
 * (index ≈ end·(j/(k−2))², j = 0 … k−2, bumped to stay increasing; all of
 * 0 … end when that is no more than k − 1), then the last snapshot count − 1
 * (added when end is before it, else k over 0 … count − 1 the same way).
 */
export function sliderSnapshots(count: number, end: number, k = SLIDER_LAYERS): number[] {
  if (!Number.isInteger(k) || k < 2 || k > MAX_LAYERS) throw new RangeError(`k must be an integer in [2, ${MAX_LAYERS}]; got ${k}`);
  if (!Number.isInteger(end) || end < 0 || end >= count) throw new RangeError(`end must be a snapshot index in [0, ${count - 1}]; got ${end}`);
  const early = (last: number, m: number): number[] => {
    if (last + 1 <= m) return Array.from({ length: last + 1 }, (_, s) => s);
    const out: number[] = [];
    for (let j = 0; j < m; j++) {
      const v = Math.round(last * (j / (m - 1)) ** 2);
      out.push(Math.min(last - (m - 1 - j), Math.max(v, j === 0 ? 0 : (out[j - 1] as number) + 1)));
    }
    return out;
  };
  if (end >= count - 1) return early(count - 1, k);
  return [...early(end, k - 1), count - 1];
}

/** Options of `trajectorySliderFigure`. */
export interface TrajectorySliderOptions {
  /** Colour per token. */
  colors: readonly string[];
  /** Tokens drawn as stars in the last snapshot's layer (the final leaders). */
  stars?: ArrayLike<number>;
  /** Legend entries added after the figure's own (e.g. the clusters). */
  legend?: readonly LegendItem[];
  /** Said under the title. */
  note?: string;
  title?: string;
  size?: number;
  /** Draw at most this many paths (evenly chosen). Default 400. */
  maxPaths?: number;
}

/**
 * Trajectories with a time slider: faint paths over the whole run and hollow
 * initial points drawn always, and one layer `<g class="layer sK">` per
 * snapshot in `snaps` (ascending indices) with the tokens at that snapshot,
 * their hull (dashed) and a "t = …" stamp; the last layer also has the stars.
 * The layers before the last carry display="none", so the SVG alone shows
 * the last snapshot; ./html.ts shows the layer chosen on its slider.
 * Returns the SVG and the layers' labels.
 */
export function trajectorySliderFigure(tr: Snapshots, proj: Projection2d, snaps: readonly number[], opts: TrajectorySliderOptions): { svg: string; labels: string[] } {
  const { n, d, count } = tr;
  if (snaps.length < 1 || snaps.length > MAX_LAYERS) throw new RangeError(`snaps must hold 1 to ${MAX_LAYERS} snapshot indices; got ${snaps.length}`);
  snaps.forEach((s, k) => {
    if (!Number.isInteger(s) || s < 0 || s >= count || (k > 0 && s <= (snaps[k - 1] as number))) throw new RangeError(`snaps must be ascending snapshot indices in [0, ${count - 1}]; got ${snaps.join(', ')}`);
  });
  const len = n * d;
  const box = planeBox(tr, proj);
  const stride = Math.max(1, Math.ceil(n / (opts.maxPaths ?? 400)));
  const items: LegendItem[] = [
    { label: `t = ${tr.times[0]} (start)`, color: '#bbb', kind: 'point' },
    { label: 'tokens at the chosen t', color: '#333', kind: 'point' },
    { label: 'hull at the chosen t', color: '#888', kind: 'dash' },
  ];
  if (opts.stars && opts.stars.length > 0) items.push({ label: `leaders (t = ${tr.times[count - 1]} only)`, color: '#d4a017', kind: 'star' });
  items.push(...(opts.legend ?? []));
  const notes = [opts.note, stride > 1 ? `every ${stride}-th path drawn` : ''].filter(Boolean).join(' · ');
  const f = planeFrame(box, proj, opts.title ?? `Trajectories, t = ${tr.times[0]} … ${tr.times[count - 1]}`, opts.size ?? 420, notes, items);
  const idx = evenly(count, 200);
  const all = idx.map((s) => project(proj, tr.data, n, s * len));
  const body: string[] = [];
  for (let i = 0; i < n; i += stride) {
    body.push(polyline(f, all.map((p) => p.xs[i] as number), all.map((p) => p.ys[i] as number), { stroke: opts.colors[i] ?? '#333', strokeWidth: 0.9, opacity: 0.4 }));
  }
  const p0 = project(proj, tr.data, n, 0);
  body.push(points(f, p0.xs, p0.ys, { r: 2.6, fill: '#fff', stroke: '#999', strokeWidth: 0.7 }));
  const labels: string[] = [];
  snaps.forEach((s, k) => {
    const t = tr.times[s] as number;
    labels.push(`t = ${t}`);
    const p = project(proj, tr.data, n, s * len);
    const parts = [`<g class="layer s${k}"${k < snaps.length - 1 ? ' display="none"' : ''}>`];
    if (proj.kind !== 'line') parts.push(hullOf(f, p.xs, p.ys, { stroke: '#666', dash: '5 3' }));
    parts.push(points(f, p.xs, p.ys, { r: 3.2, stroke: '#222', strokeWidth: 0.4 }, { colors: opts.colors }));
    if (k === snaps.length - 1 && s === count - 1 && opts.stars && opts.stars.length > 0) {
      parts.push(stars(f, Array.from(opts.stars, (i) => p.xs[i] as number), Array.from(opts.stars, (i) => p.ys[i] as number), { r: 7 }));
    }
    parts.push(`<text x="${(f.left + 8).toFixed(1)}" y="${(f.top + 16).toFixed(1)}" font-size="13" font-weight="600" fill="#1f4e79">${esc(`t = ${t}`)}</text>`);
    parts.push('</g>');
    body.push(parts.join(''));
  });
  return { svg: f.svg(body, [legend(f, items, 'outside')]), labels };
}

/** The report's sections from a run and its facts; each figure runs under `guard`. */
export function runSections(tr: Trajectory, facts: RunFacts, choices: ReportChoices, r: RunResults, guard: Guard): Section[] {
  const { n, d, count, times, T, x0, xT, A, tau, deltaFinal, clusterFn, pairwise, hullFinal, hullInitial, clFinal, limits, leadT, lead0, strictT, nbSizes, conv, rest, ftc, limitCounts, idx, sub, seriesT, clusterCount, hullCount, leaderCount, energies, energyT, quiescent } = r;
  const sections: Section[] = [];
  const proj = projection2d(tr.data, count, n, d);
  const labels = clFinal?.labels ?? new Int32Array(n);
  const colouring = clusterColouring(labels, clFinal?.count ?? null, clFinal?.sizes);
  const colors = colouring.colors;
  // the last snapshot a time axis shows (a little past settling, when the run settled early)
  const end = cropIndex(times, rest);
  const tEnd = times[end] as number;
  const box = planeBox(tr, proj);
  // Above FIGURE_TOKENS, the position figures draw an evenly strided sample (plus the starred leaders).
  const starred = leadT !== null && leadT.length <= MAX_STARS ? Array.from(leadT) : [];
  const drawn = n > FIGURE_TOKENS ? [...new Set([...evenly(n, FIGURE_TOKENS), ...starred])].sort((a, b) => a - b) : null;
  const figTr = drawn ? tokenSubset(tr, drawn) : tr;
  const figColors = drawn ? drawn.map((i) => colors[i] as string) : colors;
  const figStars = drawn ? starred.map((i) => drawn.indexOf(i)) : starred;
  const sampling = drawn ? ` Drawn: ${drawn.length} of the ${n} tokens (every ${Math.ceil(n / FIGURE_TOKENS)}-th or so, evenly spread${starred.length > 0 ? ', and the leaders' : ''}); the analyses use all ${n}.` : '';
  const figs: Figure[] = [];
  guard('figure: trajectories', () => {
    const snaps = sliderSnapshots(count, end, Math.min(SLIDER_LAYERS, Math.max(2, count)));
    const fig = trajectorySliderFigure(figTr, proj, snaps, {
      colors: figColors,
      stars: leadT !== null && leadT.length <= MAX_STARS ? figStars : undefined,
      legend: colouring.legend,
      note: colouring.note,
    });
    figs.push({
      name: 'trajectories',
      title: 'Trajectories',
      svg: fig.svg,
      layers: fig.labels,
      caption:
        `Paths of the ${n} tokens over the ${count} recorded snapshots (t = ${times[0]} … ${T}), faint; hollow: initial; filled, with their dashed hull: the tokens at the time chosen on the slider under the figure (${fig.labels.length} snapshots${end < count - 1 ? `, spread over t ≤ ${tEnd} where the motion is, and t = ${T}` : ''}; the SVG file shows t = ${T}); ` +
        `coloured by final cluster${colouring.note ? ` (${colouring.note})` : ''}; ${leadT === null ? 'leaders not computed' : leadT.length > MAX_STARS ? `${leadT.length} leaders at t = ${T} (too many to draw as stars)` : `stars: leaders at t = ${T}, on the last snapshot`}.${sampling}`,
    });
  });
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
        svg: stateFigure(snap(figTr, s), figTr.n, proj, {
          title: `t = ${t}`,
          colors: figColors,
          stars,
          box,
          size: 300,
          note: colouring.note,
          legend: [...(stars !== undefined && stars.length > 0 ? [{ label: 'leaders', color: '#d4a017', kind: 'star' as const }] : []), ...colouring.legend],
        }),
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
      const pick = evenly(end + 1, 200).filter((s) => s < count - 1);
      const ts = pick.map((s) => times[s] as number);
      // legend entries in cluster order: empty labelled series first (linePlot lists labelled series in order)
      for (const it of colouring.legend) series.push({ x: [], y: [], label: it.label, color: it.color });
      for (let i = 0; i < n; i += stride) {
        const ys = new Float64Array(pick.length);
        pick.forEach((s, k) => {
          let q = 0;
          for (let c = 0; c < d; c++) q += ((tr.data[s * len + i * d + c] as number) - (xT[i * d + c] as number)) ** 2;
          ys[k] = Math.sqrt(q);
        });
        series.push({ x: ts, y: ys, color: colors[i], strokeWidth: 1 });
      }
      const unconverged = rest !== null && !rest.atRest;
      const restNote = rest === null ? 'convergence not computed' : `last step: max_i |x_i(T) − x_i(T−1)| = ${rest.lastMaxStep.toExponential(2)}${unconverged ? ' ≥' : ' <'} tol ${rest.tol.toExponential(1)}`;
      const notes = [restNote, end < count - 1 ? `t cropped at ${tEnd} of ${T}` : '', stride > 1 ? `every ${stride}-th token` : '', colouring.note ?? ''].filter(Boolean).join(' · ');
      distFigs.push({
        name: 'distance-to-limit',
        title: unconverged ? 'Distance to the final state (NOT CONVERGED)' : 'Distance to the final state',
        svg: linePlot(series, {
          title: unconverged ? '|x_i(t) − x_i(T)| — not converged: x(T) is not the limit' : '|x_i(t) − x_i(T)|',
          note: notes,
          xLabel: 't',
          yLabel: 'distance to x_i(T)',
          yLog: true,
          width: 560,
          height: 360,
          xDomain: [times[0] as number, Math.max(ts[ts.length - 1] ?? tEnd, (times[0] as number) + 1e-9)],
        }),
        caption:
          `Log-distance of each token to its position at t = ${T}, up to the last snapshot before T (the distance there is 0). ` +
          (rest === null
            ? 'Convergence was not computed, so whether x(T) stands for the limit is unknown. '
            : unconverged
              ? `Not converged: the last recorded step moved a token by ${rest.lastMaxStep.toExponential(2)} per step, not below the convergence tolerance ${rest.tol.toExponential(1)} (the one of the summary's convergence check), so x(T) is a snapshot of a moving state, not its limit; the fall of every curve towards t = T is an artefact of measuring against x(T). `
              : `At rest: the last step is below the convergence tolerance ${rest.tol.toExponential(1)}, and from t = ${rest.settleTime} on every token is within it of x(T); x(T) stands for the limit, straight lines are geometric convergence, a drop to nothing is an exact arrival. `) +
          (end < count - 1 ? `The time axis stops at t = ${tEnd} of ${T}: after the settling time nothing moves at this scale. ` : '') +
          `Coloured by final cluster${colouring.note ? ` (${colouring.note})` : ''}.`,
      });
    });
  }
  sections.push({ heading: 'Distance to the limit', figures: distFigs });

  // counts and energies over time
  const tsFigs: Figure[] = [];
  const countSeries: Series[] = [];
  const finals: string[] = [];
  // Counts often coincide (e.g. 4 clusters at 4 hull vertices): a wide solid line under a dashed and a
  // dotted one keeps each visible where they overlap.
  const addCount = (ys: number[] | null, what: string, k: number, strokeWidth: number, dash?: string): void => {
    if (!ys) return;
    countSeries.push({ x: seriesT, y: ys, label: what, color: color(k), markers: seriesT.length <= 60, strokeWidth, ...(dash ? { dash } : {}) });
    finals.push(`${ys[ys.length - 1]} ${what}`);
  };
  addCount(clusterCount, 'clusters', 0, 4);
  addCount(hullCount, 'hull vertices', 1, 2, '6 4');
  addCount(leaderCount, 'leaders', 2, 1.5, '2 3');
  if (countSeries.length > 0) {
    const zeros = countSeries.some((c) => Array.prototype.some.call(c.y, (v: number) => v <= 0));
    tsFigs.push({
      name: 'counts',
      title: 'Clusters, hull vertices and leaders over time',
      svg: linePlot(countSeries, {
        title: 'counts',
        note: `at t = ${seriesT[seriesT.length - 1]}: ${finals.join(', ')}`,
        xLabel: 't',
        yLabel: 'count',
        yLog: true,
        width: 520,
        height: 340,
        // one end label per distinct final value (equal values would print on top of each other)
        extra: (f) =>
          [...new Map(countSeries.map((c) => [c.y[c.y.length - 1] as number, c] as const)).values()]
            .map((c) => label(f, c.x[c.x.length - 1] as number, c.y[c.y.length - 1] as number, String(c.y[c.y.length - 1]), { anchor: 'end', dx: -3, dy: -4, color: countSeries.filter((o) => o.y[o.y.length - 1] === c.y[c.y.length - 1]).length > 1 ? '#333' : c.color, size: 11 }))
            .join(''),
      }),
      caption: `On ${seriesT.length} snapshots spread over the run; log count axis, so a few final clusters stay visible next to n = ${n}; the final values are written at the right end.${zeros ? ' Zero counts cannot be drawn on the log axis and are left out.' : ''}`,
    });
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
        { title: 'Lyapunov candidates (P1: diam and R non-increasing)', xLabel: 't', yLabel: 'diam, R (length); variance (length²)', yLog: true, width: 520, height: 340 },
      ),
      caption: `Violations of monotonicity: diameter ${energies.diameter.violations}, radius ${energies.radius.violations}, support functions ${energies.support.violations} (tol ${energies.tol.toExponential(1)}), variance ${energies.variance.violations} (reported only).`,
    });
    // the two energies differ by orders of magnitude: one panel each, each on its own axis
    const panel = (ys: ArrayLike<number>): { yLog: boolean } => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = 0; k < ys.length; k++) {
        const v = ys[k] as number;
        if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      }
      return { yLog: lo > 0 && hi / lo > 100 };
    };
    const hkAxis = panel(e.hk);
    tsFigs.push({
      name: 'energy-hk',
      title: 'Hegselmann–Krause energy',
      svg: linePlot([{ x: energyT, y: e.hk, color: color(3), markers: energyT.length <= 60 }], {
        title: 'HK energy Σ_ij min(|x_i − x_j|², r²)',
        xLabel: 't',
        yLabel: 'HK energy',
        yLog: hkAxis.yLog,
        width: 460,
        height: 300,
      }),
      caption: `Hegselmann–Krause energy on its own ${hkAxis.yLog ? 'log' : 'linear'} axis (violations of non-increase: ${energies.hk.violations}); reported, not a theorem here.`,
    });
    const sAxis = panel(e.softmaxEnergy);
    tsFigs.push({
      name: 'energy-softmax',
      title: 'Softmax energy',
      svg: linePlot([{ x: energyT, y: e.softmaxEnergy, color: color(4), markers: energyT.length <= 60 }], {
        title: `softmax energy E_β, β = ${e.beta}`,
        xLabel: 't',
        yLabel: 'E_β',
        yLog: sAxis.yLog,
        width: 460,
        height: 300,
      }),
      caption: `The softmax energy E_β on its own ${sAxis.yLog ? 'log' : 'linear'} axis (violations of non-decrease: ${energies.softmaxEnergy.violations}); reported, not a theorem here.`,
    });
  }
  sections.push({ heading: 'Over time', figures: tsFigs });
  return sections;
}
