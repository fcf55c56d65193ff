/**
 * SPEC §5.9: the cases of `clustering-Tformers.py` (borjanG/2023-transformers;
 * 2305.05465, "The emergence of clusters in self-attention dynamics"):
 * the model 'euclidean-sa', dz_i/dt = Σ_j P_ij(t) V (z_j − z_i),
 * P_ij(t) = softmax_j(<A e^{tV} z_i, A e^{tV} z_j>), n = 20 tokens from
 * U[−5, 5]^d, T = 5, dt = 0.1, with `euler` (the authors' effective scheme:
 * their RK4 adds each stage vector to every token, so all stages coincide)
 * and true `rk4`. Four cases (A = I):
 *
 *  - polytope: V = I. Expected: the tokens cluster at the vertices of a convex polytope.
 *  - hyperplanes: V entrywise positive (Perron–Frobenius; the 2D example of the script).
 *    Expected (the paper, for a simple positive leading eigenvalue): the tokens gather on at
 *    most three parallel hyperplanes (lines in 2D).
 *  - codimension-k: V = (R + Rᵀ)/2, R ~ U[0, 1]^{3×3}: conjectured in the paper; reported.
 *  - polytope × hyperplane: V = diag(1, 1, −0.5). Expected: a polytope in the first two
 *    coordinates, free along the last (the tokens on lines parallel to e_3).
 *
 * The limit geometry is measured on z(T) without assuming the answer: for a
 * unit direction u, the 1D clusters of the projections <u, z_i(T)> (gaps
 * larger than `gapTol` times the projections' range split them). The
 * direction with the fewest 1D clusters over a fine grid of directions is
 * the fitted hyperplane normal (its clusters are the hyperplanes); the
 * full-space clusters and the vertices of their centroids' hull give the
 * polytope; for diagonal and symmetric V the eigen-directions are reported
 * too.
 */
import { initialPositions } from '../init.js';
import { Simulation } from '../simulation.js';
import { symmetricEigen, realEigenvalues, inverseIteration } from '../analysis/geometry/linalg.js';
import { limitClasses } from '../analysis/dynamics/limits.js';
import { Recorder, type Trajectory } from '../analysis/dynamics/trajectory.js';
import { encodeNpy } from '../io/npy.js';
import type { Figure } from '../report/html.js';
import { trajectoryFigure, labelColors } from '../report/figures.js';
import { projection2d } from '../report/projection.js';
import { infiniteLine, type Frame } from '../report/svg.js';
import { r } from './common.js';
import type { Experiment } from './types.js';

interface Case {
  id: string;
  title: string;
  d: number;
  V: number[];
  expected: string;
  /** The coordinates whose projection should cluster into a polytope (null: all, for polytope; [] for none expected). */
  clustered: 'all' | 'normal' | number[] | 'eigen';
}

/** 1D clusters of values: sorted, split where a gap exceeds tol·range. Returns the cluster centres (means), ascending. */
export function clusters1d(values: readonly number[], relTol: number): number[] {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return [];
  const range = (v[v.length - 1] as number) - (v[0] as number);
  const gap = relTol * Math.max(range, 1e-300);
  const out: number[] = [];
  let start = 0;
  for (let k = 1; k <= v.length; k++) {
    if (k === v.length || (v[k] as number) - (v[k - 1] as number) > gap) {
      const part = v.slice(start, k);
      out.push(part.reduce((a, b) => a + b, 0) / part.length);
      start = k;
    }
  }
  return out;
}

/** Projections of the n×d state onto u. */
function project(x: Float64Array, n: number, d: number, u: readonly number[]): number[] {
  return Array.from({ length: n }, (_, i) => u.reduce((s, uc, c) => s + uc * (x[i * d + c] as number), 0));
}

/**
 * The hyperplane normal that best explains the state: over directions on a
 * fine grid (0.1° in 2D; a Fibonacci sphere of 20 000 in 3D), the one whose
 * projections form the fewest 1D clusters (ties: the smallest spread within
 * clusters). Returns the normal, its clusters and that count.
 */
export function fitNormal(x: Float64Array, n: number, d: number, relTol: number): { normal: number[]; levels: number[]; count: number } {
  const dirs: number[][] = [];
  if (d === 2) {
    for (let k = 0; k < 1800; k++) {
      const a = (Math.PI * k) / 1800;
      dirs.push([Math.cos(a), Math.sin(a)]);
    }
  } else {
    const m = 20000;
    for (let k = 0; k < m; k++) {
      const z = 1 - (k + 0.5) / m; // upper hemisphere suffices (u and −u give the same levels)
      const rho = Math.sqrt(1 - z * z);
      const phi = k * Math.PI * (3 - Math.sqrt(5));
      dirs.push([rho * Math.cos(phi), rho * Math.sin(phi), z]);
    }
  }
  let best = { normal: dirs[0] as number[], levels: [] as number[], count: Infinity, spread: Infinity };
  for (const u of dirs) {
    const p = project(x, n, d, u);
    const lv = clusters1d(p, relTol);
    if (lv.length > best.count) continue;
    // spread: largest distance of a projection to its level
    let spread = 0;
    for (const v of p) spread = Math.max(spread, Math.min(...lv.map((l) => Math.abs(l - v))));
    if (lv.length < best.count || spread < best.spread) best = { normal: u, levels: lv, count: lv.length, spread };
  }
  return { normal: best.normal, levels: best.levels, count: best.count };
}

/** Tokens per limit kind (vertex; boundary non-vertex; interior or unsplit non-vertex) of a limitClasses result. */
function kindCounts(lc: { kind: Uint8Array }): { vertex: number; boundary: number; interior: number } {
  const c = { vertex: 0, boundary: 0, interior: 0 };
  for (const k of lc.kind) {
    if (k === 0) c.vertex++;
    else if (k === 1) c.boundary++;
    else c.interior++;
  }
  return c;
}

function angleDeg(u: readonly number[], v: readonly number[]): number {
  const dot = Math.abs(u.reduce((s, a, k) => s + a * (v[k] as number), 0));
  const nu = Math.hypot(...u);
  const nv = Math.hypot(...v);
  return (Math.acos(Math.min(1, dot / (nu * nv))) * 180) / Math.PI;
}

function caseList(): Case[] {
  // codimension-k: V = (R + Rᵀ)/2, R uniform in [0, 1]^{3×3} from SplitMix64(5) (fixed, so the report is reproducible)
  const R = initialPositions({ kind: 'uniform', n: 3, d: 3, seed: 5, low: 0, high: 1 });
  const Vsym = Array.from({ length: 9 }, (_, k) => ((R[k] as number) + (R[(k % 3) * 3 + Math.floor(k / 3)] as number)) / 2);
  return [
    { id: 'polytope', title: 'polytope: A = I, V = I', d: 2, V: [1, 0, 0, 1], expected: 'clusters at the vertices of a convex polytope', clustered: 'all' },
    { id: 'hyperplanes', title: 'hyperplanes: V entrywise positive', d: 2, V: [0.64709742, 0.81911926, 0.61210449, 0.63263484], expected: 'at most three parallel hyperplanes (lines in 2D): 2305.05465 for a simple positive leading eigenvalue', clustered: 'normal' },
    { id: 'codimension-k', title: 'codimension k: V = (R + Rᵀ)/2', d: 3, V: Vsym, expected: 'conjectured in the paper (reported, not asserted)', clustered: 'eigen' },
    { id: 'polytope-x-hyperplane', title: 'polytope × hyperplane: V = diag(1, 1, −0.5)', d: 3, V: [1, 0, 0, 0, 1, 0, 0, 0, -0.5], expected: 'a polytope in (z_1, z_2), free along z_3', clustered: [0, 1] },
  ];
}

export const clusteringCases: Experiment = {
  name: 'clustering-cases',
  spec: '§5.9',
  title: 'Clustering cases of 2305.05465: polytope, hyperplanes, codimension k, polytope × hyperplane',
  description:
    "The Euclidean model 'euclidean-sa' dz_i/dt = Σ_j P_ij(t) V (z_j − z_i), P_ij(t) = softmax_j(<A e^{tV} z_i, A e^{tV} z_j>) of clustering-Tformers.py: n = 20 tokens from U[−5, 5]^d, T = 5, dt = 0.1, with euler (the authors' effective scheme) and true rk4, for the four cases of SPEC §5.9; each report states the limit geometry it measures (clusters and hull vertices, the fitted hyperplane normal and its levels, spread along free directions) against the expected one.",
  async run(ctx) {
    const n = 20;
    const T = 5;
    const dt = 0.1;
    const steps = Math.round(T / dt);
    const relTol = 0.02;
    const cases = caseList();
    const integrators = ctx.small ? (['euler'] as const) : (['euler', 'rk4'] as const);
    ctx.progress(0, cases.length * integrators.length);
    let done = 0;
    const rows: Record<string, unknown>[] = [];
    const figures: Figure[] = [];
    const files = [];
    for (const c of cases) {
      const x0 = initialPositions({ kind: 'uniform', n, d: c.d, seed: 2023, low: -5, high: 5 });
      files.push({ name: `${c.id}-initial.npy`, bytes: encodeNpy(x0, [n, c.d]) });
      for (const integrator of integrators) {
        const sim = await Simulation.create({ model: 'euclidean-sa', positions: x0, n, d: c.d, V: c.V, dt, integrator, backend: ctx.backend });
        let tr: Trajectory;
        let x: Float64Array;
        try {
          const rec = new Recorder(sim, { every: 1 });
          rec.run(steps, { last: true });
          const t = rec.trajectory();
          tr = { n: t.n, d: t.d, count: t.count, times: Float64Array.from(t.times), data: Float64Array.from(t.data) };
          x = sim.positions();
        } finally {
          sim.dispose();
        }
        const d = c.d;
        // full-space clusters at 2 % of the state's extent, and their centroids' hull
        let R = 0;
        for (let i = 0; i < n; i++) R = Math.max(R, Math.hypot(...x.subarray(i * d, i * d + d)));
        const lc = limitClasses(x, n, d, { tol: relTol * R });
        const lcc = kindCounts(lc);
        const row: Record<string, unknown> = { case: c.id, integrator, d, V: c.V, expected: c.expected, R: r(R, 6), clusters: lc.clusters, vertexTokens: lcc.vertex, boundaryTokens: lcc.boundary, interiorTokens: lcc.interior };
        let verdict = '';
        let extra: ((f: Frame) => string) | undefined;
        if (c.clustered === 'all') {
          const ok = lcc.boundary === 0 && lcc.interior === 0;
          verdict = ok ? `every token in a cluster at a hull vertex (${lc.clusters} vertices): agrees` : `${lcc.boundary + lcc.interior} tokens not at a vertex cluster at T = ${T}: partly`;
        } else if (c.clustered === 'normal') {
          const fit = fitNormal(x, n, d, relTol);
          // leading eigenvectors of V (right and left): the candidates the theory names
          const ev = realEigenvalues(c.V, d);
          const lam = ev.re[0] as number;
          const right = Array.from(inverseIteration(c.V, d, lam));
          const Vt = Array.from({ length: d * d }, (_, k) => c.V[(k % d) * d + Math.floor(k / d)] as number);
          const left = Array.from(inverseIteration(Vt, d, lam));
          row.fittedNormal = fit.normal.map((v) => r(v, 6));
          row.levels = fit.levels.map((v) => r(v, 6));
          row.leadingEigenvalue = r(lam, 8);
          row.angleToLeftEigenvectorDeg = r(angleDeg(fit.normal, left), 4);
          row.angleToRightEigenvectorDeg = r(angleDeg(fit.normal, right), 4);
          const along = project(x, n, d, [-(fit.normal[1] as number), fit.normal[0] as number]);
          row.spreadAlongLines = r(Math.max(...along) - Math.min(...along), 6);
          verdict = `${fit.count} parallel lines (normal at ${r(angleDeg(fit.normal, left), 3)}° from V's leading left eigenvector, ${r(angleDeg(fit.normal, right), 3)}° from the right one), spread ${r(row.spreadAlongLines as number, 3)} along them: ${fit.count <= 3 ? 'agrees' : 'partly'}`;
          const u = fit.normal;
          extra = (f) => fit.levels.map((l) => infiniteLine(f, [l * (u[0] as number), l * (u[1] as number)], [-(u[1] as number), u[0] as number], { stroke: '#999', dash: '4 3', strokeWidth: 1 })).join('');
        } else if (c.clustered === 'eigen') {
          const eig = symmetricEigen(c.V, d);
          const per = Array.from({ length: d }, (_, k) => {
            const u = Array.from({ length: d }, (_, c2) => eig.vectors[k * d + c2] as number);
            const lv = clusters1d(project(x, n, d, u), relTol);
            return { eigenvalue: r(eig.values[k] as number, 6), levels: lv.length };
          });
          row.eigenDirections = per;
          verdict = `along the eigenvectors of V (eigenvalues ${per.map((p) => p.eigenvalue).join(', ')}): ${per.map((p) => p.levels).join(', ')} levels of the projections: reported (the paper conjectures the structure)`;
        } else {
          const idx = c.clustered;
          const sub = new Float64Array(n * idx.length);
          for (let i = 0; i < n; i++) idx.forEach((c2, k) => (sub[i * idx.length + k] = x[i * d + c2] as number));
          let Rs = 0;
          for (let i = 0; i < n; i++) Rs = Math.max(Rs, Math.hypot(...sub.subarray(i * idx.length, (i + 1) * idx.length)));
          const ls = limitClasses(sub, n, idx.length, { tol: relTol * Rs });
          const lsc = kindCounts(ls);
          const free = Array.from({ length: d }, (_, c2) => c2).filter((c2) => !idx.includes(c2));
          const spreads = free.map((c2) => {
            const v = Array.from({ length: n }, (_, i) => x[i * d + c2] as number);
            return r(Math.max(...v) - Math.min(...v), 6);
          });
          row.projectedClusters = ls.clusters;
          row.projectedVertexTokens = lsc.vertex;
          row.freeSpreads = spreads;
          const ok = lsc.boundary === 0 && lsc.interior === 0;
          verdict = `(z_${idx.map((k) => k + 1).join(', z_')}): ${ls.clusters} clusters, ${ok ? 'all at hull vertices' : `${lsc.boundary + lsc.interior} tokens not at a vertex`}; spread along z_${free.map((k) => k + 1).join(', z_')}: ${spreads.join(', ')}: ${ok ? 'agrees' : 'partly'}`;
        }
        row.verdict = verdict;
        rows.push(row);
        const proj = projection2d(tr.data, tr.count, n, d);
        figures.push({
          name: `clustering-${c.id}-${integrator}`,
          title: `${c.title} (${integrator})`,
          svg: trajectoryFigure(tr, proj, { title: `${c.title}, ${integrator}`, colors: labelColors(lc.labels), hull: d === 2, size: 420, ...(extra ? { extra } : {}) }),
          caption: `Paths of the 20 tokens to T = ${T} (hollow: start, filled: z(T)), coloured by final cluster (2 % of the extent). Expected: ${c.expected}. Measured: ${verdict}.${extra ? ' Dashed: the fitted parallel lines.' : ''}`,
        });
        ctx.progress(++done, cases.length * integrators.length);
      }
    }
    return {
      summary: { n, T, dt, steps, relTol, seed: 2023, rows },
      files,
      headline: rows.map((x) => `${x.case} (${x.integrator}): ${x.verdict}`),
      intro: [
        `Tokens: 20 from U[−5, 5]^d (SplitMix64(2023), saved as <case>-initial.npy), A = I, β = 1. Integrators: euler (what the authors' figures show: their RK4 adds each stage to every token, so the stages coincide and the step is explicit Euler with the attention frozen at the step's start) and rk4 (the true Runge–Kutta step, the attention at each stage's time).`,
        `Limit geometry measured on z(T) at a relative tolerance of ${relTol * 100} %: full-space clusters (single linkage) with their vertex/boundary/interior class (limitClasses); 1D levels of projections (a gap above ${relTol * 100} % of the range splits them); the hyperplane normal fitted as the direction with the fewest levels. T = 5 is short: clusters are still contracting (see the figures), which is why the tolerance is relative.`,
      ],
      sections: [
        { heading: 'Limit geometry', tables: [{ columns: ['case', 'integrator', 'clusters', 'vertex / boundary / interior tokens', 'measured'], rows: rows.map((x) => [x.case as string, x.integrator as string, x.clusters as number, `${x.vertexTokens} / ${x.boundaryTokens} / ${x.interiorTokens}`, x.verdict as string]) }] },
        { heading: 'Paths', figures },
      ],
    };
  },
};
