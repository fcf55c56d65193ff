/**
 * SPEC §5.10 and §6.10: Altafini probes. The sphere SA model with fixed
 * Q, K, V: when do stable final states lie off the principal eigenvector of
 * V? The setups of test 17 (d = 3, n = 8, V = diag(3, 2, 1), Q = K = I,
 * euler-raw dt = 0.02 to T = 100, 40 seeded random starts, β ∈ {0, 1, 5})
 * plus a grid over QᵀK ≠ V and indefinite V at β ∈ {1, 5, 10, 20}. Each run
 * goes to equilibrium (`multistabilityCensus`), its final state is classified
 * (SPEC §2.4: consensus, bipartite, clustering, other; the eigenspace of
 * sym(V) its axis lies in) and its tangent Jacobian spectrum computed, with
 * the rotation-symmetry zero modes removed.
 */
import { multistabilityCensus, type CensusResult, type CensusRun } from './census.js';
import { realEigenvalues } from '../analysis/geometry/linalg.js';
import type { Figure } from '../report/html.js';
import { color, frame, legend, legendWidth, points, type LegendItem } from '../report/svg.js';
import { r } from './common.js';
import type { Experiment } from './types.js';

/** One (Q, K, V) setup of the grid. */
interface Setup {
  id: string;
  what: string;
  Q: number[];
  K: number[];
  V: number[];
  betas: number[];
}

const I3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const diag = (a: number, b: number, c: number): number[] => [a, 0, 0, 0, b, 0, 0, 0, c];
/** A rotation by θ about e_3 composed with diag(1, 1.5, 0.5): QᵀK neither symmetric nor aligned with V. */
const skewK = (): number[] => {
  const c = Math.cos(0.6);
  const s = Math.sin(0.6);
  return [c, -1.5 * s, 0, s, 1.5 * c, 0, 0, 0, 0.5];
};

const SETUPS: readonly Setup[] = [
  { id: 'test17', what: 'test 17: Q = K = I, V = diag(3, 2, 1)', Q: I3, K: I3, V: diag(3, 2, 1), betas: [0, 1, 5] },
  { id: 'base', what: 'Q = K = I, V = diag(3, 2, 1)', Q: I3, K: I3, V: diag(3, 2, 1), betas: [10, 20] },
  { id: 'qk-reversed', what: 'QᵀK = diag(1, 2, 3) ≠ V = diag(3, 2, 1)', Q: I3, K: diag(1, 2, 3), V: diag(3, 2, 1), betas: [1, 5, 10, 20] },
  { id: 'qk-skew', what: 'QᵀK non-symmetric (rotation·diag), V = diag(3, 2, 1)', Q: I3, K: skewK(), V: diag(3, 2, 1), betas: [1, 5, 10, 20] },
  { id: 'v-indefinite', what: 'Q = K = I, V = diag(2, 1, −1) (indefinite)', Q: I3, K: I3, V: diag(2, 1, -1), betas: [1, 5, 10, 20] },
  { id: 'v-indefinite-qk', what: 'QᵀK = diag(1, 2, 3), V = diag(2, 1, −1)', Q: I3, K: diag(1, 2, 3), V: diag(2, 1, -1), betas: [1, 5, 10, 20] },
  { id: 'v-negative-dominant', what: 'Q = K = I, V = diag(1, 0.5, −3) (largest |λ| negative)', Q: I3, K: I3, V: diag(1, 0.5, -3), betas: [1, 5, 10, 20] },
  { id: 'v-nonnormal', what: 'Q = K = I, V non-normal [[2, 3, 0], [0, 1, 0], [0, 0, 0.5]]', Q: I3, K: I3, V: [2, 3, 0, 0, 1, 0, 0, 0, 0.5], betas: [1, 5, 10, 20] },
];

const CLASSES = ['consensus', 'bipartite', 'clustering', 'other'] as const;

/**
 * Where a run's axis v sits relative to V itself (not sym(V), which is what
 * classifyEquilibrium reports and which differs for a non-normal V): the rank
 * of λ = vᵀVv among V's distinct real eigenvalues, descending (0 = the
 * eigenvalue of largest real part, when that one is real), if |Vv − λv| ≤ 1e-6;
 * −1 when v is not an eigenvector of V; null without an axis.
 */
export function vEigenRank(run: CensusRun, V: readonly number[], d: number): number | null {
  const v = run.axis;
  if (v === null) return null;
  const Vv = Array.from({ length: d }, (_, i) => v.reduce((acc, vj, j) => acc + (V[i * d + j] as number) * vj, 0));
  const lam = Vv.reduce((acc, x, i) => acc + x * (v[i] as number), 0);
  const res = Math.hypot(...Vv.map((x, i) => x - lam * (v[i] as number)));
  if (res > 1e-6) return -1;
  const ev = realEigenvalues(V, d);
  const distinct: number[] = [];
  for (let k = 0; k < d; k++) {
    if (Math.abs(ev.im[k] as number) > 1e-9) continue;
    const x = ev.re[k] as number;
    if (!distinct.some((y) => Math.abs(y - x) <= 1e-6)) distinct.push(x);
  }
  // Rank among all eigenvalues by real part: a complex pair above λ still counts as "above".
  let rank = 0;
  const seen: number[] = [];
  for (let k = 0; k < d; k++) {
    const x = ev.re[k] as number;
    if (x > lam + 1e-6 && !seen.some((y) => Math.abs(y - x) <= 1e-6)) {
      seen.push(x);
      rank++;
    }
  }
  return distinct.some((y) => Math.abs(y - lam) <= 1e-6) ? rank : -1;
}

export const altafini: Experiment = {
  name: 'altafini',
  spec: '§5.10',
  title: 'Altafini probes: stable states of the sphere model off the principal eigenvector',
  description:
    'Sphere SA with fixed Q, K, V (d = 3, n = 8, euler-raw dt = 0.02 to T = 100): the setups of SPEC test 17 (V = diag(3, 2, 1), β ∈ {0, 1, 5}) and a grid over QᵀK ≠ V and indefinite V at β ∈ {1, 5, 10, 20}; 40 seeded starts each, every final state classified (consensus, bipartite, clustering, other, with the eigenspace of sym(V) of its axis) with its tangent Jacobian spectrum, and a table of the stable states that lie off the principal eigenvector.',
  async run(ctx) {
    const runs = ctx.small ? 6 : 40;
    const T = ctx.small ? 40 : 100;
    const dt = 0.02;
    const n = 8;
    const d = 3;
    const seed = 1700;
    const cells: { setup: Setup; beta: number }[] = SETUPS.flatMap((setup) => setup.betas.map((beta) => ({ setup, beta })));
    ctx.progress(0, cells.length);
    const results: { setup: Setup; beta: number; c: CensusResult }[] = [];
    for (const { setup, beta } of cells) {
      const c = await multistabilityCensus({ n, d, Q: setup.Q, K: setup.K, V: setup.V, beta, runs, seed, T, dt, integrator: 'euler-raw', backend: ctx.backend, stability: true, examples: 1 });
      results.push({ setup, beta, c });
      ctx.progress(results.length, cells.length);
    }
    const rows = results.map(({ setup, beta, c }) => {
      const stable = c.results.filter((x) => x.verdict === 'stable');
      const ranks = c.results.map((x) => vEigenRank(x, setup.V, d));
      const offPrincipal = stable.filter((x) => vEigenRank(x, setup.V, d) !== 0);
      return {
        setup: setup.id,
        beta,
        counts: c.counts,
        byEigenIndex: c.byEigenIndex,
        unconverged: c.unconverged.length,
        verdicts: {
          stable: stable.length,
          unstable: c.results.filter((x) => x.verdict === 'unstable').length,
          marginal: c.results.filter((x) => x.verdict === 'marginal').length,
          notEquilibrium: c.results.filter((x) => x.verdict === 'not-equilibrium').length,
        },
        stableOffPrincipal: offPrincipal.length,
        stableOffPrincipalKinds: [...new Set(offPrincipal.map((x) => { const k = vEigenRank(x, setup.V, d); return `${x.class}${k === null ? '' : k >= 0 ? ` on eigenvector ${k} of V` : ' on no eigenvector of V'} (${x.multiplicities.join('/')})`; }))],
        /** Runs per rank of the axis among V's eigenvalues ('0' = principal, '-1' = not an eigenvector of V, 'none' = no axis). */
        byVEigenRank: ranks.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k === null ? 'none' : String(k)]: (acc[k === null ? 'none' : String(k)] ?? 0) + 1 }), {}),
        maxReducedRe: c.results.map((x) => r(x.maxReducedRe ?? NaN, 4)),
      };
    });
    const t0 = rows.find((x) => x.setup === 'test17' && x.beta === 0);
    // Figure: the largest reduced real part of every run against β, one colour per class, one panel per setup.
    const figures: Figure[] = SETUPS.map((setup) => {
      const mine = results.filter((x) => x.setup === setup);
      const items: LegendItem[] = CLASSES.map((k, ci) => ({ label: k, color: color(ci), kind: 'point' as const }));
      const ys = mine.flatMap((x) => x.c.results.map((u) => u.maxReducedRe ?? NaN)).filter(Number.isFinite);
      const lo = Math.min(-1e-3, ...ys);
      const hi = Math.max(1e-3, ...ys);
      const reserve = legendWidth(items) + 14;
      const f = frame({ width: 520 + reserve, height: 320, title: setup.what, note: 'each dot: one run; below 0 = stable (modulo rotations)', x: { domain: [-0.5, setup.betas.length - 0.5], label: `β index (${setup.betas.join(', ')})`, ticks: setup.betas.length }, y: { domain: [lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)], label: 'max Re (reduced spectrum)' }, reserveRight: reserve });
      const body: string[] = [];
      mine.forEach((x, bi) => {
        x.c.results.forEach((u, k) => {
          const ci = CLASSES.indexOf(u.class);
          body.push(points(f, [bi + ((k % 20) - 9.5) * 0.02 + (ci - 1.5) * 0.06], [u.maxReducedRe ?? NaN], { r: 2.6, fill: color(ci) }));
        });
      });
      body.push(`<line x1="${f.left}" x2="${f.right}" y1="${f.sy(0).toFixed(1)}" y2="${f.sy(0).toFixed(1)}" stroke="#999" stroke-dasharray="4 3"/>`);
      return { name: `altafini-${setup.id}`, title: setup.what, svg: f.svg(body, [legend(f, items, 'outside')]), caption: `Largest real part of the tangent Jacobian (symmetry zero modes removed) at each run's final state, by β (${setup.betas.join(', ')}), coloured by class.` };
    });
    const table = rows.map((x) => [
      x.setup,
      x.beta,
      CLASSES.map((k) => `${k} ${x.counts[k]}`).join(', '),
      Object.entries(x.byEigenIndex.consensus).map(([k, v]) => `${k}:${v}`).join(' ') || '–',
      Object.entries(x.byEigenIndex.bipartite).map(([k, v]) => `${k}:${v}`).join(' ') || '–',
      Object.entries(x.byVEigenRank).map(([k, v]) => `${k}:${v}`).join(' '),
      `${x.verdicts.stable}/${x.verdicts.unstable}/${x.verdicts.marginal}/${x.verdicts.notEquilibrium}`,
      x.stableOffPrincipal,
      x.stableOffPrincipalKinds.join('; ') || '–',
    ]);
    const off = rows.filter((x) => x.stableOffPrincipal > 0);
    return {
      summary: { n, d, runs, T, dt, integrator: 'euler-raw', seed, setups: SETUPS.map(({ id, what, Q, K, V, betas }) => ({ id, what, Q, K, V, betas })), rows },
      headline: [
        `test 17 at β = 0: ${t0 ? `${t0.counts.consensus}/${runs} consensus, ${t0.byEigenIndex.consensus['0'] ?? 0} on the principal eigenvector` : 'n/a'}`,
        `stable final states off the principal eigenvector in ${off.length} of ${rows.length} (setup, β) cells${off.length > 0 ? `: ${off.map((x) => `${x.setup} β=${x.beta} (${x.stableOffPrincipal})`).join(', ')}` : ''}`,
      ],
      intro: [
        `Each cell: ${runs} starts uniform on S² (seeds ${seed} … ${seed + runs - 1}), run until max_i |F_i| ≤ 1e-8 or T = ${T}. Class and eigenspace index (0 = principal eigenvector of sym(V)) from classifyEquilibrium; verdict from jacobianSpectrum (stable: every reduced eigenvalue below −1e-6).`,
        'SPEC test 17 expects at β = 0 consensus on ±e_1 in every run (asserted by the test suite); the rest is recorded, not asserted. "Off the principal eigenvector" counts stable states whose axis is not an eigenvector of V for its eigenvalue of largest real part, or which have no axis (clustering, other). For a non-normal V the eigenvectors of V and of sym(V) differ: the table gives both ranks.',
      ],
      sections: [
        {
          heading: 'Classes and stability',
          tables: [{ columns: ['setup', 'β', 'classes', 'consensus by e-space of sym(V)', 'bipartite by e-space of sym(V)', 'axis by eigenvalue rank of V', 'stable/unstable/marginal/not eq.', 'stable off principal', 'which'], rows: table }],
        },
        { heading: 'Jacobian spectra', figures },
      ],
    };
  },
};
