/**
 * SPEC §5.1: the four cases of AFZ Figure 2 (DCN-FAU-AvH/clustering-hardmax-
 * transformers, dynamics.ipynb): hardmax, A = I, α = 0.5, 30 steps,
 * snapshots t ∈ {0, 1, 2, 5, 30}; leaders as stars, tails coloured by each
 * token's argmax target, the leaders' polygon at t = 30. The notebook sets
 * no seed: the random points are drawn here with the library's SplitMix64
 * (seed recorded) and saved as case-K-initial.npy. Variant: localmax with
 * δ ∈ {0.01, 0.1, 0.5}. Checks of SPEC test 8 (case 0's emerging leader and
 * limits, case 3's edge midpoints) are computed and reported.
 */
import { SplitMix64 } from '../prng.js';
import { alignmentRow } from '../analysis/attention/alignment.js';
import { hullPolygon } from '../analysis/geometry/hull.js';
import { leaders } from '../analysis/attention/leaders.js';
import type { Trajectory } from '../analysis/dynamics/trajectory.js';
import { encodeNpy } from '../io/npy.js';
import { planeFrame } from '../report/figures.js';
import type { Figure, Section } from '../report/html.js';
import { projection2d } from '../report/projection.js';
import { color, legend, points, polygon, polyline, stars } from '../report/svg.js';
import { flat, r, recordRun, snapshotAt, snapshotOf, uniformBox } from './common.js';
import type { Experiment } from './types.js';

interface Case {
  id: number;
  name: string;
  rows: number[][];
  seed: number;
}

/** The cases of SPEC §5.1 with their random points drawn from SplitMix64(seed). */
export function afzCases(): Case[] {
  const draw = (seed: number, parts: [number, number, number][]): number[][] => {
    const rng = new SplitMix64(seed);
    return parts.flatMap(([m, lo, hi]) => uniformBox(rng, m, lo, hi));
  };
  const s1 = 20240701;
  const s2 = 20240702;
  const s3 = 20240703;
  const r1 = draw(s1, [
    [2, 0, 1],
    [2, -1, 0],
  ]);
  return [
    {
      id: 0,
      name: 'emerging leader',
      seed: 0,
      rows: [
        [1, 1 / 3],
        [-1 / 12, 1 / 12],
        [-1, -1],
        [0, 1 / 4],
        [-0.3, -0.7],
        [-0.6, -0.9],
        [0.8, 0.1],
        [0.6, 0.15],
      ],
    },
    { id: 1, name: 'triangle', seed: s1, rows: [[1, 1], [0.5, -0.5], [-1, -1], ...r1, [0.3, -0.2], [0.1, -0.2]] },
    { id: 2, name: 'square', seed: s2, rows: [[1, 1], [1, -1], [-1, -1], [-1, 1], ...draw(s2, [[6, -0.5, 0.5]])] },
    { id: 3, name: 'non-leader clusters', seed: s3, rows: [[1, 1], [1, -1], [-1, -1], [-1, 1], [-0.5, 0], [0.5, 0], ...draw(s3, [[4, -0.5, 0.5]])] },
  ];
}

/** np.argmax of each token's alignment row (the first index attaining the maximum). */
function argmaxTargets(x: Float64Array, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = alignmentRow(x, n, 2, i);
    let best = 0;
    for (let j = 1; j < n; j++) if ((row[j] as number) > (row[best] as number)) best = j;
    out[i] = best;
  }
  return out;
}

/** One AFZ panel: tails up to snapshot s coloured by argmax target, tokens, leaders as stars, the leaders' polygon when asked. */
function panel(tr: Trajectory, s: number, title: string, leaderPolygon: boolean, note?: string): string {
  const n = tr.n;
  const proj = projection2d(tr.data, 1, n, 2);
  const leaderKey = s === 0 ? [{ label: 'leaders', color: '#d4a017', kind: 'star' as const }] : [];
  const f = planeFrame({ x: [-1.25, 1.25], y: [-1.25, 1.25] }, proj, title, 260, note, leaderKey);
  const x = snapshotOf(tr, s);
  const targets = argmaxTargets(x, n);
  const lead = leaders(x, n, 2);
  const body: string[] = [];
  if (leaderPolygon && lead.length >= 2) {
    const lp = new Float64Array(lead.length * 2);
    lead.forEach((i, k) => {
      lp[2 * k] = x[2 * i] as number;
      lp[2 * k + 1] = x[2 * i + 1] as number;
    });
    const poly = hullPolygon(lp, lead.length);
    body.push(polygon(f, Array.from(poly, (k) => lp[2 * k] as number), Array.from(poly, (k) => lp[2 * k + 1] as number), { stroke: '#555', fill: '#f5f0dc', dash: '4 3' }));
  }
  for (let i = 0; i < n; i++) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let q = 0; q <= s; q++) {
      xs.push(tr.data[q * n * 2 + 2 * i] as number);
      ys.push(tr.data[q * n * 2 + 2 * i + 1] as number);
    }
    body.push(polyline(f, xs, ys, { stroke: color(targets[i] as number), strokeWidth: 1.6, opacity: 0.85 }));
  }
  const xs = Array.from({ length: n }, (_, i) => x[2 * i] as number);
  const ys = Array.from({ length: n }, (_, i) => x[2 * i + 1] as number);
  body.push(points(f, xs, ys, { r: 3.2, stroke: '#222', strokeWidth: 0.5 }, { colors: Array.from(targets, (t) => color(t)), titles: xs.map((_, i) => `token ${i} → target ${targets[i]}`) }));
  body.push(stars(f, Array.from(lead, (i) => xs[i] as number), Array.from(lead, (i) => ys[i] as number), { r: 7 }));
  return f.svg(body, s === 0 ? [legend(f, leaderKey, 'outside')] : []);
}

function near(x: ArrayLike<number>, i: number, p: readonly [number, number], tol: number): boolean {
  return Math.abs((x[2 * i] as number) - p[0]) <= tol && Math.abs((x[2 * i + 1] as number) - p[1]) <= tol;
}

export const afzFigure2: Experiment = {
  name: 'afz-figure2',
  spec: '§5.1',
  title: 'AFZ Figure 2: hardmax clustering around leaders',
  description:
    'The four configurations of AFZ Figure 2 (emerging leader, triangle, square, non-leader clusters) under hardmax with A = I, α = 0.5 for 30 steps, at t = 0, 1, 2, 5, 30; leaders as stars, tails coloured by argmax target; plus the localmax variant with δ ∈ {0.01, 0.1, 0.5}.',
  async run(ctx) {
    const cases = afzCases();
    const snaps = [0, 1, 2, 5, 30];
    const deltas = ctx.small ? [0.1] : [0.01, 0.1, 0.5];
    const total = cases.length * (1 + deltas.length) + 2;
    let done = 0;
    ctx.progress(0, total);
    const sections: Section[] = [];
    const files = [];
    const caseSummaries = [];
    for (const c of cases) {
      const x0 = flat(c.rows);
      const n = c.rows.length;
      files.push({ name: `case-${c.id}-initial.npy`, bytes: encodeNpy(x0, [n, 2]) });
      const { tr } = await recordRun({ model: 'hardmax', positions: x0, n, d: 2, alpha: 0.5, backend: ctx.backend }, 30);
      ctx.progress(++done, total);
      const figs: Figure[] = snaps.map((t) => ({
        name: `case-${c.id}-hardmax-t${t}`,
        title: `Case ${c.id} (${c.name}), t = ${t}`,
        svg: panel(tr, snapshotAt(tr, t), `case ${c.id}, t = ${t}`, t === 30),
      }));
      const leaderSets = snaps.map((t) => ({ t, leaders: Array.from(leaders(snapshotOf(tr, snapshotAt(tr, t)), n, 2)) }));
      const variantFigs: Figure[] = [];
      const variants = [];
      for (const delta of deltas) {
        const v = await recordRun({ model: 'localmax', positions: x0, n, d: 2, alpha: 0.5, delta, backend: ctx.backend }, 30);
        ctx.progress(++done, total);
        variantFigs.push({ name: `case-${c.id}-localmax-delta-${delta}`, title: `Case ${c.id}, localmax δ = ${delta}, t = 30`, svg: panel(v.tr, v.tr.count - 1, `localmax δ = ${delta}, t = 30`, true) });
        variants.push({ delta, leadersAt30: Array.from(leaders(v.final, n, 2)), final: Array.from(v.final, (z) => r(z, 10)) });
      }
      caseSummaries.push({ id: c.id, name: c.name, seed: c.seed, initial: c.rows, leaders: leaderSets, final30: Array.from(snapshotOf(tr, tr.count - 1), (z) => r(z, 12)), localmax: variants });
      sections.push({
        heading: `Case ${c.id}: ${c.name}`,
        text: [
          `n = ${n}${c.seed ? `; random points from SplitMix64(${c.seed}), saved in case-${c.id}-initial.npy` : ''}. Leaders by t: ${leaderSets.map((l) => `t=${l.t}: {${l.leaders.join(', ')}}`).join('; ')}.`,
        ],
        figures: [...figs, ...variantFigs],
      });
    }

    // SPEC test 8 checks, on 200 steps
    const long0 = await recordRun({ model: 'hardmax', positions: flat(cases[0]!.rows), n: 8, d: 2, alpha: 0.5, backend: ctx.backend }, 200);
    ctx.progress(++done, total);
    const long3 = await recordRun({ model: 'hardmax', positions: flat(cases[3]!.rows), n: 10, d: 2, alpha: 0.5, backend: ctx.backend }, 200);
    ctx.progress(++done, total);
    const lead0 = Array.from(leaders(snapshotOf(long0.tr, 0), 8, 2));
    // case 3: (±0.5, 0) tie between two vertices, so they move on the x-axis to the edge midpoints (∓1, 0) at rate 2/3
    const x3at30 = snapshotOf(long3.tr, 30);
    const pred30 = 0.5 * (2 / 3) ** 30;
    const x3at200 = long3.final;
    let fromT1 = true;
    for (let s = 1; s <= 30; s++) if (leaders(snapshotOf(long0.tr, s), 8, 2).join(',') !== '0,1,2') fromT1 = false;
    const limits0: [number, number][] = [
      [1, 1 / 3],
      [-1 / 18, 5 / 36],
      [-1, -1],
    ];
    const checks = {
      case0LeadersAtT0: { got: lead0, expected: [0, 2], ok: lead0.join(',') === '0,2' },
      case0LeadersFromT1: { expected: [0, 1, 2], ok: fromT1 },
      case0Token1Limit: { got: [long0.final[2], long0.final[3]], expected: limits0[1], ok: near(long0.final, 1, limits0[1]!, 1e-12) },
      case0AllLimits: { ok: Array.from({ length: 8 }, (_, i) => limits0.some((p) => near(long0.final, i, p, 1e-12))).every(Boolean) },
      case3EdgeMidpointsAt30: {
        got: [x3at30[8], x3at30[9], x3at30[10], x3at30[11]],
        expected: [-1 + pred30, 0, 1 - pred30, 0],
        ok:
          x3at30[9] === 0 &&
          x3at30[11] === 0 &&
          Math.abs((x3at30[8] as number) - (-1 + pred30)) <= 1e-12 &&
          Math.abs((x3at30[10] as number) - (1 - pred30)) <= 1e-12,
      },
    };
    sections.push({
      heading: 'Checks (SPEC test 8)',
      text: [
        'Case 3 at t = 200: once the random tokens are within the tie tolerance τ·max(1,|m_i|) = 1e-12 of the vertex (−1, −1) or (1, 1) (after about 70 steps at rate 2/3), they join the argmax set of the tokens on the axis, the exact tie breaks and those tokens leave for the vertex; SPEC test 8 states the edge-midpoint limit for the exact-tie case, which holds as long as no other token enters the tie (checked at t = 30).',
      ],
      tables: [
        {
          columns: ['check', 'expected', 'result'],
          rows: [
            ['case 0: leaders at t = 0', '{0, 2}', `{${lead0.join(', ')}} ${checks.case0LeadersAtT0.ok ? '✓' : '✗'}`],
            ['case 0: leaders for t = 1 … 30', '{0, 1, 2}', checks.case0LeadersFromT1.ok ? '✓' : '✗'],
            ['case 0: token 1 stops at', '(−1/18, 5/36)', `(${r(long0.final[2] as number, 12)}, ${r(long0.final[3] as number, 12)}) ${checks.case0Token1Limit.ok ? '✓' : '✗'}`],
            ['case 0: limits (1, 1/3), (−1/18, 5/36), (−1, −1)', 'every token at one of them (1e-12)', checks.case0AllLimits.ok ? '✓' : '✗'],
            [
              'case 3: (±0.5, 0) → edge midpoints, t = 30',
              '(∓1 ± 0.5·(2/3)^30, 0)',
              `(${r(x3at30[8] as number, 12)}, ${x3at30[9]}), (${r(x3at30[10] as number, 12)}, ${x3at30[11]}) ${checks.case3EdgeMidpointsAt30.ok ? '✓' : '✗'}`,
            ],
            [
              'case 3: the same tokens at t = 200 (observation)',
              'SPEC: (∓1, 0)',
              `(${r(x3at200[8] as number, 12)}, ${r(x3at200[9] as number, 12)}), (${r(x3at200[10] as number, 12)}, ${r(x3at200[11] as number, 12)})`,
            ],
          ],
        },
      ],
    });
    const allOk = Object.values(checks).every((c) => c.ok);
    return {
      summary: { model: 'hardmax', A: 'identity', alpha: 0.5, steps: 30, snapshots: snaps, localmaxDeltas: deltas, cases: caseSummaries, checks, allChecksPass: allOk },
      sections,
      files,
      headline: [`SPEC test 8 checks: ${allOk ? 'all pass' : 'SOME FAIL (see report)'}`],
      intro: ['Each panel: tails from t = 0 coloured by the token\'s current argmax target (np.argmax, first index), tokens coloured the same, leaders (a_ii ≥ m_i − τ·max(1,|m_i|)) as stars; at t = 30 the dashed polygon is the hull of the leaders.'],
    };
  },
};
