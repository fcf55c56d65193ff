/**
 * SPEC §5.3: the δ-sweep on (±1, ±1) plus six fixed interior points, α = 0.5,
 * 400 steps: the number of distinct limits (at 1e-6) for each δ, against the
 * table of SPEC (4, 4, 4, 6, 5, 1, 1 for δ = 0, 0.01, 0.1, 0.5, 1, 2, 4) and
 * its quoted limit points.
 */
import { clusters } from '../analysis/attention/clusters.js';
import { LIMIT_KIND, limitClasses } from '../analysis/dynamics/limits.js';
import { encodeNpy } from '../io/npy.js';
import { labelColors, trajectoryFigure } from '../report/figures.js';
import type { Figure } from '../report/html.js';
import { projection2d } from '../report/projection.js';
import { leaders } from '../analysis/attention/leaders.js';
import { flat, r, recordRun } from './common.js';
import type { Experiment } from './types.js';

export const DELTA_SWEEP_TOKENS = [
  [1, 1],
  [1, -1],
  [-1, -1],
  [-1, 1],
  [0.137, -0.2302],
  [-0.459, -0.4835],
  [0.3133, 0.4128],
  [0.1066, 0.2295],
  [0.0436, 0.4351],
  [0.3159, -0.4973],
];

/** SPEC §5.3's table: limits per δ and quoted points (4 decimals). */
const EXPECTED: { delta: number; limits: number; points: [number, number][] }[] = [
  { delta: 0, limits: 4, points: [[1, 1], [1, -1], [-1, -1], [-1, 1]] },
  { delta: 0.01, limits: 4, points: [[-1, 1]] },
  { delta: 0.1, limits: 4, points: [[0.9504, 0.9725], [-1, 1]] },
  { delta: 0.5, limits: 6, points: [[0.7503, 0.188], [0.2567, 0.9344]] },
  { delta: 1, limits: 5, points: [[1, 1], [1, -1], [-1, -1], [-1, 1], [0, 0]] },
  { delta: 2, limits: 1, points: [[0.0452, -0.0132]] },
  { delta: 4, limits: 1, points: [[0.0457, -0.0134]] },
];

export const deltaSweep: Experiment = {
  name: 'delta-sweep',
  spec: '§5.3',
  title: 'δ-sweep: how many limits, and where',
  description:
    'Localmax on the square (±1,±1) plus six interior points, α = 0.5, 400 steps, δ ∈ {0, 0.01, 0.1, 0.5, 1, 2, 4}: the distinct limits at 1e-6 against the table of SPEC §5.3 (vertex clusters pulled inward, non-vertex limits at δ = 0.5, consensus for large δ).',
  async run(ctx) {
    const x0 = flat(DELTA_SWEEP_TOKENS);
    const n = DELTA_SWEEP_TOKENS.length;
    const steps = 400;
    ctx.progress(0, EXPECTED.length);
    const rows = [];
    const figs: Figure[] = [];
    const proj = projection2d(x0, 1, n, 2);
    for (const [k, e] of EXPECTED.entries()) {
      const { tr, final } = await recordRun({ model: 'localmax', positions: x0, n, d: 2, alpha: 0.5, delta: e.delta, backend: ctx.backend }, steps, 2);
      ctx.progress(k + 1, EXPECTED.length);
      const cl = clusters(final, n, 2, 1e-6);
      const lc = limitClasses(final, n, 2, { tol: 1e-6 });
      const centroids: [number, number][] = [];
      for (let c = 0; c < cl.count; c++) centroids.push([cl.centroids[2 * c] as number, cl.centroids[2 * c + 1] as number]);
      // nearest computed limit to each point SPEC quotes (4 decimals)
      const quoted = e.points.map((p) => {
        let best = Infinity;
        for (const c of centroids) best = Math.min(best, Math.hypot(c[0] - p[0], c[1] - p[1]));
        return { point: p, distance: best, ok: best <= 1e-4 * Math.SQRT2 };
      });
      const kinds = { vertex: 0, boundary: 0, interior: 0 };
      for (let c = 0; c < lc.clusters; c++) {
        const kk = lc.clusterKind[c];
        if (kk === LIMIT_KIND.vertex) kinds.vertex++;
        else if (kk === LIMIT_KIND.boundary) kinds.boundary++;
        else kinds.interior++;
      }
      rows.push({ delta: e.delta, limits: cl.count, expected: e.limits, ok: cl.count === e.limits, limitPoints: centroids.map(([a, b]) => [r(a, 6), r(b, 6)]), limitKinds: kinds, quoted });
      figs.push({
        name: `delta-sweep-${e.delta}`,
        title: `δ = ${e.delta}`,
        svg: trajectoryFigure(tr, proj, { title: `δ = ${e.delta}: ${cl.count} limit${cl.count > 1 ? 's' : ''} (SPEC ${e.limits})`, colors: labelColors(cl.labels), stars: leaders(final, n, 2), size: 330 }),
        caption: `Paths over ${steps} steps coloured by limit; stars: leaders at t = ${steps}; dashed: final hull. Limit kinds: ${kinds.vertex} vertex, ${kinds.boundary} boundary, ${kinds.interior} interior.`,
      });
    }
    const allOk = rows.every((x) => x.ok && x.quoted.every((q) => q.ok));
    return {
      summary: { alpha: 0.5, steps, tokens: DELTA_SWEEP_TOKENS, tolerance: 1e-6, rows, allMatchSpec: allOk },
      files: [{ name: 'initial.npy', bytes: encodeNpy(x0, [n, 2]) }],
      headline: rows.map((x) => `δ = ${x.delta}: ${x.limits} limits (SPEC ${x.expected})${x.ok ? '' : '  MISMATCH'}`),
      sections: [
        {
          heading: 'Limits per δ',
          tables: [
            {
              columns: ['δ', 'limits (1e-6)', 'SPEC', 'vertex / boundary / interior limits', 'SPEC points found (±1e-4)', 'limit points'],
              rows: rows.map((x) => [
                x.delta,
                x.limits,
                x.expected,
                `${x.limitKinds.vertex} / ${x.limitKinds.boundary} / ${x.limitKinds.interior}`,
                x.quoted.map((q) => `(${q.point.join(', ')}) ${q.ok ? '✓' : `✗ ${q.distance.toExponential(2)}`}`).join('; '),
                x.limitPoints.map((p) => `(${p.join(', ')})`).join(' '),
              ]),
            },
          ],
        },
        { heading: 'Trajectories', figures: figs },
      ],
    };
  },
};
