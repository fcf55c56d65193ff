/**
 * SPEC §5.5: Frank–Wolfe cells and B-Voronoi diagrams (borjanG/2025-
 * transformers-frank-wolfe, cells.py). The authors' random κ-gons, drawn as
 * cells.py draws them: numpy `default_rng(42)` (bit-exact port in
 * ../prng-numpy.ts), angles U[0, 2π), radius 1 or U[0.4, 1], the same retry
 * loop and constraint checks (`sampleVertices`). One figure per figure of the
 * authors' figures/ folder (cells-k{κ}-{eq|var}-{bij|free}-{unit|raw}-noself):
 * the grid over the bounding box of the hull vertices ± 0.1 coloured by
 * cell(x) = argmax_k <x, w_k> over the hull vertices (w_k = v_k, or v_k/|v_k|
 * for "unit"), inside the hull only. Over it the B-Voronoi boundaries
 * (B = I): they coincide with the cells when every |v_k| is equal (FW Prop.
 * 4.5, test 10). Plus Theorem 4.2: a hardmax run with constant γ from interior
 * tokens follows the closed form (straight lines to the cell's vertex).
 */
import { SplitMix64 } from '../prng.js';
import { NumpyGenerator } from '../prng-numpy.js';
import { checkBool, checkInt, checkNumber, checkOptions, typeError } from '../check.js';
import { cellGrid } from '../analysis/attention/cells.js';
import { closedFormDeviation, closedFormPSD } from '../analysis/dynamics/frankwolfe.js';
import { encodeNpy } from '../io/npy.js';
import type { Figure } from '../report/html.js';
import { frame, label, labelImage, legend, points, polygon, segment } from '../report/svg.js';
import { hullPolygon } from '../analysis/geometry/hull.js';
import { recordRun } from './common.js';
import type { Experiment } from './types.js';

// ---------------------------------------------------------------------------
// cos and sin rounded correctly. numpy calls the C library's (glibc here),
// which is within an ulp and almost always correctly rounded: on the 430
// coordinates of the authors' 24 polygons correct rounding gives numpy's
// doubles exactly, where V8's Math.cos/Math.sin (fdlibm) miss 29 by an ulp.
// On 122 000 random angles it still differs from numpy/glibc in 334 of
// 244 000 values (glibc's misses; V8 differs in 7803), so bit-exactness is
// per case, checked by test/experiments/fw-cells.test.ts, not guaranteed.
// Double-double arithmetic (about 106 bits), rounded once at the end.

type DD = [number, number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

function split(a: number): DD {
  const c = 134217729 * a;
  const hi = c - (c - a);
  return [hi, a - hi];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function ddAdd(a: DD, b: DD): DD {
  const [s, e] = twoSum(a[0], b[0]);
  return quickTwoSum(s, e + a[1] + b[1]);
}

function ddMul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + a[0] * b[1] + a[1] * b[0]);
}

/** a / m for a small positive integer m. */
function ddDivInt(a: DD, m: number): DD {
  const q1 = a[0] / m;
  const [p, pe] = twoProd(q1, m);
  const [rh, rl] = twoSum(a[0], -p);
  const q2 = (rh + (rl - pe + a[1])) / m;
  return quickTwoSum(q1, q2);
}

/** π/2 as three doubles (hi + mid + lo, 160 bits). */
const PIO2: readonly [number, number, number] = [1.5707963267948966, 6.123233995736766e-17, -1.4973849048591698e-33];

/**
 * [cos x, sin x], each correctly rounded to double (up to cases within
 * ~1e-30 relative of a rounding midpoint) for |x| ≤ 1e6: x − kπ/2 in
 * double-double, then Taylor series on [−π/4, π/4].
 */
export function cosSinCorrect(x: number): [number, number] {
  checkNumber(x, 'x', { min: -1e6, max: 1e6 });
  const k = Math.round(x / PIO2[0]);
  let r: DD = [x, 0];
  for (const c of PIO2) r = ddAdd(r, ddMul([-k, 0], [c, 0]));
  const r2 = ddMul(r, r);
  let sinR: DD = r;
  let cosR: DD = [1, 0];
  let termS: DD = r;
  let termC: DD = [1, 0];
  for (let n = 1; n < 40; n++) {
    termS = ddDivInt(ddMul(termS, [-r2[0], -r2[1]]), 2 * n * (2 * n + 1));
    termC = ddDivInt(ddMul(termC, [-r2[0], -r2[1]]), (2 * n - 1) * (2 * n));
    sinR = ddAdd(sinR, termS);
    cosR = ddAdd(cosR, termC);
    if (Math.abs(termC[0]) < 1e-40 && Math.abs(termS[0]) < 1e-40) break;
  }
  const s = sinR[0] + sinR[1];
  const c = cosR[0] + cosR[1];
  switch (((k % 4) + 4) % 4) {
    case 0: return [c, s];
    case 1: return [-s, c];
    case 2: return [-c, -s];
    default: return [s, -c];
  }
}

/** Options of `sampleVertices`, the keyword arguments of cells.py's `sample_vertices` (camelCase). */
export interface SampleVerticesOptions {
  /** Seed of numpy `default_rng(seed)`. Default 42 (`plot_cells`' default; `sample_vertices`' own default None is not reproducible). */
  seed?: number | bigint;
  /** All vertices on the circle of radius `radius` (`equal_norm`). Default false. */
  equalNorm?: boolean;
  /** The common radius when equalNorm. Default 1. */
  radius?: number;
  /** [low, high] of the radii U[low, high) otherwise (`radial_range`). Default [0.4, 1]. */
  radialRange?: readonly [number, number];
  /** Retry until every point is a vertex of the convex hull (`enforce_bijection`). Default false. */
  enforceBijection?: boolean;
  /** Retry until no <v_j, v_i> > <v_i, v_i> + 1e-14 for j ≠ i (`enforce_self_inclusion`). Default false. */
  enforceSelfInclusion?: boolean;
  /** Tries before giving up (`max_tries`). Default 500. */
  maxTries?: number;
}

/** A polygon of `sampleVertices`. */
export interface SampledPolygon {
  /** k*2 numbers, the points in draw order: v_i = r_i (cos θ_i, sin θ_i). */
  vertices: Float64Array;
  /** Indices of the hull vertices, counter-clockwise from the lowest index (scipy's hull.vertices is the same cycle, possibly rotated). */
  hull: Int32Array;
  /** Tries the retry loop took (1 when the first draw was accepted). */
  tries: number;
}

/**
 * Port of cells.py's `sample_vertices` (borjanG/2025-transformers-frank-wolfe):
 * rng = numpy `default_rng(seed)` (ts/prng-numpy.ts, bit-exact); per try
 * θ = rng.uniform(0, 2π, k), then r = radius (equalNorm) or
 * rng.uniform(low, high, k); v_i = r_i (cos θ_i, sin θ_i); a try is rejected
 * when enforceBijection and the hull has fewer than k vertices (scipy's
 * ConvexHull there, an exact orientation test here: they differ only for
 * points within rounding of collinear), or when enforceSelfInclusion and some
 * <v_j, v_i> > <v_i, v_i> + 1e-14. cos and sin are rounded correctly
 * (`cosSinCorrect`); numpy's (the C library's) agree on the angles of the
 * authors' figures, and differ by an ulp on about 0.1% of random angles.
 *
 * @param k number of points, integer ≥ 3 (scipy's 2D hull needs 3)
 * @throws RangeError naming the option for a bad k, radius, radialRange or
 *   maxTries; TypeError for a wrong type; Error when maxTries tries all fail
 *   (cells.py: RuntimeError).
 */
export function sampleVertices(k: number, options?: SampleVerticesOptions): SampledPolygon {
  const kk = checkInt(k, 'k', 3);
  const o = checkOptions<SampleVerticesOptions>(options, 'options', ['seed', 'equalNorm', 'radius', 'radialRange', 'enforceBijection', 'enforceSelfInclusion', 'maxTries']);
  const equalNorm = checkBool(o.equalNorm, 'equalNorm', false);
  const radius = o.radius === undefined ? 1 : checkNumber(o.radius, 'radius');
  const rr = o.radialRange ?? [0.4, 1];
  if (!Array.isArray(rr) || rr.length !== 2) throw typeError('radialRange', 'a pair [low, high]', rr);
  const low = checkNumber(rr[0], 'radialRange[0]');
  const high = checkNumber(rr[1], 'radialRange[1]', { min: low });
  const bij = checkBool(o.enforceBijection, 'enforceBijection', false);
  const self = checkBool(o.enforceSelfInclusion, 'enforceSelfInclusion', false);
  const maxTries = o.maxTries === undefined ? 500 : checkInt(o.maxTries, 'maxTries');
  const rng = new NumpyGenerator(o.seed ?? 42);
  for (let t = 1; t <= maxTries; t++) {
    const theta = rng.uniform(0, 2 * Math.PI, kk);
    const r = equalNorm ? new Float64Array(kk).fill(radius) : rng.uniform(low, high, kk);
    const v = new Float64Array(2 * kk);
    for (let i = 0; i < kk; i++) {
      const [c, sn] = cosSinCorrect(theta[i] as number);
      v[2 * i] = (r[i] as number) * c;
      v[2 * i + 1] = (r[i] as number) * sn;
    }
    const hull = hullPolygon(v, kk);
    if (bij && hull.length !== kk) continue;
    if (self && !selfIncluded(v, kk)) continue;
    return { vertices: v, hull, tries: t };
  }
  throw new Error(`sampleVertices: could not satisfy the constraints after maxTries = ${maxTries} tries (k = ${kk})`);
}

/** cells.py's self-inclusion test: no j ≠ i with vj @ vi > vi @ vi + 1e-14. */
function selfIncluded(v: Float64Array, k: number): boolean {
  for (let i = 0; i < k; i++) {
    const xi = v[2 * i] as number;
    const yi = v[2 * i + 1] as number;
    const self = xi * xi + yi * yi;
    for (let j = 0; j < k; j++) {
      if (j !== i && (v[2 * j] as number) * xi + (v[2 * j + 1] as number) * yi > self + 1e-14) return false;
    }
  }
  return true;
}

/** One figure of the authors' figures/ folder: cells-k{kappa}-{eq|var}-{bij|free}-{unit|raw}-noself.pdf. */
export interface AuthorsCellsFigure {
  kappa: number;
  /** eq (radius 1) or var (radius U[0.4, 1]). */
  equalNorm: boolean;
  /** bij: every point a hull vertex (retry loop), or free. */
  bijection: boolean;
  /** unit: argmax <x, v_k/|v_k|>; raw: argmax <x, v_k>. */
  unit: boolean;
}

/** The 28 cells figures in the authors' figures/ folder (all "noself"). */
export const AUTHORS_CELLS_FIGURES: readonly AuthorsCellsFigure[] = (
  [
    [3, 'eq-bij-unit'], [3, 'var-bij-unit'],
    [4, 'eq-bij-unit'], [4, 'var-bij-unit'],
    [5, 'eq-bij-unit'], [5, 'var-bij-raw'], [5, 'var-bij-unit'], [5, 'var-free-raw'],
    [6, 'eq-bij-unit'], [6, 'var-bij-unit'], [6, 'var-free-raw'],
    [7, 'eq-bij-unit'], [7, 'var-bij-unit'], [7, 'var-free-raw'],
    [9, 'eq-bij-unit'], [9, 'var-bij-raw'], [9, 'var-bij-unit'], [9, 'var-free-raw'],
    [10, 'eq-bij-unit'], [10, 'var-bij-unit'], [10, 'var-free-raw'], [10, 'var-free-unit'],
    [15, 'var-free-unit'],
    [16, 'eq-bij-unit'], [16, 'var-free-raw'],
    [18, 'var-free-raw'], [18, 'var-free-unit'],
    [25, 'eq-bij-unit'],
  ] as const
).map(([kappa, tag]) => ({ kappa, equalNorm: tag.startsWith('eq'), bijection: tag.includes('bij'), unit: tag.endsWith('unit') }));

/** The authors' file-name tag of a figure, e.g. 'cells-k5-var-bij-unit-noself'. */
export function authorsCellsTag(f: AuthorsCellsFigure): string {
  return `cells-k${f.kappa}-${f.equalNorm ? 'eq' : 'var'}-${f.bijection ? 'bij' : 'free'}-${f.unit ? 'unit' : 'raw'}-noself`;
}

/** matplotlib hsv_to_rgb(h, 1, 1) as #rrggbb (cells.py colours cell i with hue i/|K|). */
function hue(h: number): string {
  const i = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const q = 1 - f;
  const [r, g, b] = [[1, f, 0], [q, 1, 0], [0, 1, f], [0, q, 1], [f, 0, 1], [1, 0, q]][i] as [number, number, number];
  const hex = (x: number): string => Math.round(255 * x).toString(16).padStart(2, '0');
  return `#${hex(r)}${hex(g)}${hex(b)}`;
}

const SUB = '₀₁₂₃₄₅₆₇₈₉';
function sub(n: number): string {
  return String(n).replace(/\d/g, (c) => SUB[Number(c)] as string);
}

/** A Dirichlet(2,…,2) mixture of the vertices (Gamma(2) = −log(u1 u2)). */
function dirichletPoint(rng: SplitMix64, v: Float64Array, k: number): [number, number] {
  const w = Array.from({ length: k }, () => -Math.log((1 - rng.nextFloat()) * (1 - rng.nextFloat())));
  const s = w.reduce((a, b) => a + b, 0);
  let x = 0;
  let y = 0;
  for (let j = 0; j < k; j++) {
    x += ((w[j] as number) / s) * (v[2 * j] as number);
    y += ((w[j] as number) / s) * (v[2 * j + 1] as number);
  }
  return [x, y];
}

export const fwCells: Experiment = {
  name: 'fw-cells',
  spec: '§5.5',
  title: 'Frank–Wolfe cells and Voronoi diagrams',
  description:
    "The authors' random κ-gons of cells.py (numpy default_rng(42), bit-exact port): their figures' grids coloured by the dominance cell argmax_k <x, v_k> (or v_k/|v_k|), with the Voronoi boundaries on top (equal in the equal-norm case, FW Prop. 4.5), and a hardmax run with constant γ checked against the closed form of FW Theorem 4.2.",
  async run(ctx) {
    const figures = AUTHORS_CELLS_FIGURES.filter((f) => !ctx.small || f.kappa === 3 || f.kappa === 5);
    const res = ctx.small ? 80 : 400;
    const figs: Figure[] = [];
    const rows = [];
    const polys = new Map<string, SampledPolygon>();
    const polygonOf = (kappa: number, equalNorm: boolean, bijection: boolean): SampledPolygon => {
      const key = `${kappa}-${equalNorm}-${bijection}`;
      let p = polys.get(key);
      if (p === undefined) {
        p = sampleVertices(kappa, { seed: 42, equalNorm, enforceBijection: bijection });
        polys.set(key, p);
      }
      return p;
    };
    ctx.progress(0, figures.length);
    let done = 0;
    for (const fig of figures) {
      const { kappa, equalNorm, bijection, unit } = fig;
      const tag = authorsCellsTag(fig);
      const p = polygonOf(kappa, equalNorm, bijection);
      const v = p.vertices;
      // cells.py: K = V[hull.vertices]; cells, colours and the grid use the hull vertices only
      const nK = p.hull.length;
      const K = new Float64Array(2 * nK);
      p.hull.forEach((i, a) => {
        K[2 * a] = v[2 * i] as number;
        K[2 * a + 1] = v[2 * i + 1] as number;
      });
      let [xmin, ymin, xmax, ymax] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let a = 0; a < nK; a++) {
        xmin = Math.min(xmin, K[2 * a] as number);
        xmax = Math.max(xmax, K[2 * a] as number);
        ymin = Math.min(ymin, K[2 * a + 1] as number);
        ymax = Math.max(ymax, K[2 * a + 1] as number);
      }
      const bounds = { xmin: xmin - 0.1, xmax: xmax + 0.1, ymin: ymin - 0.1, ymax: ymax + 0.1 };
      const g = cellGrid(bounds, res, K, nK, null, { voronoi: true });
      const gu = cellGrid(bounds, res, K, nK, null, { normalize: true });
      const shown = unit ? gu.label : g.label;
      let inside = 0;
      let differ = 0;
      let shownDiffer = 0;
      let unitNeRaw = 0;
      const edges = new Int32Array(g.nx * g.ny);
      const vor = g.voronoi as Int32Array;
      const cellPts: number[][] = Array.from({ length: nK }, () => []);
      for (let row = 0; row < g.ny; row++) {
        for (let c = 0; c < g.nx; c++) {
          const q = row * g.nx + c;
          const lab = g.label[q] as number;
          if (lab >= 0) {
            inside++;
            if (vor[q] !== lab) differ++;
            if (vor[q] !== shown[q]) shownDiffer++;
            if (gu.label[q] !== lab) unitNeRaw++;
            (cellPts[shown[q] as number] as number[]).push(g.xs[c] as number, g.ys[row] as number);
          }
          const right = c + 1 < g.nx ? (vor[q + 1] as number) : -2;
          const up = row + 1 < g.ny ? (vor[q + g.nx] as number) : -2;
          const isEdge = (vor[q] as number) >= 0 && ((right >= 0 && right !== vor[q]) || (up >= 0 && up !== vor[q]));
          edges[(g.ny - 1 - row) * g.nx + c] = isEdge ? 1 : 0;
        }
      }
      const f = frame({ width: 380, height: 400, title: tag, note: `${unit ? 'unit' : 'raw'} cells ≠ Voronoi at ${shownDiffer} of ${inside} grid points`, x: { domain: [bounds.xmin, bounds.xmax] }, y: { domain: [bounds.ymin, bounds.ymax] }, equalAspect: true, bare: true });
      const dom = { x: [bounds.xmin, bounds.xmax] as const, y: [bounds.ymin, bounds.ymax] as const };
      // cells.py: each cell is the convex hull of its grid points, hue a/|K|, black edge 0.3
      const body: string[] = [];
      const regionLabels: string[] = [];
      cellPts.forEach((pts, a) => {
        const m = pts.length / 2;
        if (m < 3) return;
        const P = Float64Array.from(pts);
        const h = hullPolygon(P, m);
        if (h.length < 3) return;
        const hx = Array.from(h, (i) => P[2 * i] as number);
        const hy = Array.from(h, (i) => P[2 * i + 1] as number);
        body.push(polygon(f, hx, hy, { fill: hue(a / nK), stroke: '#000', strokeWidth: 0.3, opacity: 0.75 }));
        if (kappa <= 5) {
          const cx = hx.reduce((s, x) => s + x, 0) / hx.length;
          const cy = hy.reduce((s, y) => s + y, 0) / hy.length;
          regionLabels.push(label(f, cx, cy, `𝒞${sub((p.hull[a] as number) + 1)}(v)`, { dx: 0, dy: 4, size: 12, anchor: 'middle' }));
        }
      });
      body.push(labelImage(f, edges, g.ny, g.nx, dom, (l) => (l === 1 ? '#000' : 'none'), 0.45));
      body.push(polygon(f, Array.from({ length: nK }, (_, a) => K[2 * a] as number), Array.from({ length: nK }, (_, a) => K[2 * a + 1] as number), { stroke: '#000', strokeWidth: 1 }));
      body.push(points(f, Array.from({ length: nK }, (_, a) => K[2 * a] as number), Array.from({ length: nK }, (_, a) => K[2 * a + 1] as number), { r: 5, fill: 'none', stroke: '#000', strokeWidth: 1.5 }));
      // vertex labels v_{i+1} (index in draw order), pushed out from the centroid of K by 0.05
      let mx = 0;
      let my = 0;
      for (let a = 0; a < nK; a++) {
        mx += (K[2 * a] as number) / nK;
        my += (K[2 * a + 1] as number) / nK;
      }
      for (let a = 0; a < nK; a++) {
        const dx = (K[2 * a] as number) - mx;
        const dy = (K[2 * a + 1] as number) - my;
        const nr = Math.hypot(dx, dy);
        body.push(label(f, (K[2 * a] as number) + (0.05 * dx) / nr, (K[2 * a + 1] as number) + (0.05 * dy) / nr, `v${sub((p.hull[a] as number) + 1)}`, { dx: 0, dy: 4, size: 12, anchor: 'middle' }));
      }
      const s = 5 / f.unitX;
      body.push(segment(f, -s, -s, s, s, { stroke: '#000', strokeWidth: 2 }), segment(f, -s, s, s, -s, { stroke: '#000', strokeWidth: 2 }), label(f, 0.02, 0.02, '0', { dx: 0, dy: 0, size: 12 }));
      body.push(...regionLabels);
      figs.push({
        name: `fw-${tag}`,
        title: `${tag} (κ = ${kappa}, ${equalNorm ? 'radius 1' : 'radius U[0.4, 1]'}, ${bijection ? 'every point a vertex' : 'free'}, ${unit ? 'unit' : 'raw'} inner product)`,
        svg: f.svg(body, [legend(f, [{ label: 'Voronoi boundary', color: '#888', kind: 'box' }], 'bottom-right')]),
        caption:
          `The authors' polygon (numpy default_rng(42), ${p.tries} ${p.tries === 1 ? 'try' : 'tries'}): grid ${g.nx}² over the box of the hull vertices ± 0.1 (cells.py: 1000²), kept inside the hull; colour = cell argmax_k <x, ${unit ? 'v_k/|v_k|' : 'v_k'}> over the ${nK} hull vertices, each cell drawn as the hull of its grid points as cells.py does (hue a/|K| with a the position in our CCW order, which may be a rotation of scipy's). ` +
          `Grey bands = boundaries of the Voronoi regions argmin_k |x − v_k| (grid pixels). ${equalNorm ? 'Equal norms: the two coincide (FW Prop. 4.5).' : 'Unequal norms: they differ.'}` +
          (nK < kappa ? ` ${kappa - nK} of the ${kappa} points are not hull vertices and, as in cells.py, are not drawn.` : ''),
      });
      rows.push({
        figure: tag, kappa, equalNorm, bijection, unit, tries: p.tries,
        hullVertices: Array.from(p.hull), gridPoints: inside,
        cellNeVoronoi: differ, fraction: inside ? differ / inside : 0,
        shownNeVoronoi: shownDiffer, unitNeRaw,
        allOwnCells: Array.from(g.owns).every((o) => o === 1),
        vertices: Array.from({ length: kappa }, (_, i) => [v[2 * i] as number, v[2 * i + 1] as number]),
      });
      ctx.progress(++done, figures.length);
    }

    // Theorem 4.2 on the authors' κ = 5 equal-norm polygon with Dirichlet interior tokens
    const kappa = 5;
    const v = sampleVertices(kappa, { seed: 42, equalNorm: true }).vertices;
    const rng = new SplitMix64(42);
    const m = ctx.small ? 20 : 60;
    const rows0: number[] = Array.from(v);
    for (let i = 0; i < m; i++) rows0.push(...dirichletPoint(rng, v, kappa));
    const n = kappa + m;
    const x0 = Float64Array.from(rows0);
    const gamma = 0.35;
    const steps = 40;
    const run = await recordRun({ model: 'frank-wolfe', positions: x0, n, d: 2, gamma, backend: ctx.backend }, steps);
    const cf = closedFormPSD(x0, n, 2, v, kappa, new Float64Array(steps).fill(gamma));
    const dev = closedFormDeviation(run.tr, cf);
    const files = [{ name: 'theorem42-initial.npy', bytes: encodeNpy(x0, [n, 2]) }];
    return {
      summary: {
        resolution: res,
        seed: 42,
        generator: "numpy default_rng(42) via the bit-exact port ts/prng-numpy.ts (cells.py's sample_vertices: per try theta = rng.uniform(0, 2pi, k), then r = rng.uniform(0.4, 1.0, k) unless equal_norm); vertices in draw order, full double precision",
        cells: rows,
        theorem42: { kappa, interior: m, gamma, steps, vertices: 'the authors\' k = 5 equal-norm polygon; interior tokens Dirichlet(2) from SplitMix64(42)', maxDeviation: dev.max, compared: dev.compared },
      },
      files,
      headline: [
        `polygons: numpy default_rng(42) as in cells.py (port); ${figures.length} of the authors' figures`,
        `equal norms: cells ≠ Voronoi at ${rows.filter((x) => x.equalNorm).reduce((s, x) => s + x.cellNeVoronoi, 0)} grid points; unequal: ${rows.filter((x) => !x.equalNorm).reduce((s, x) => s + x.cellNeVoronoi, 0)}`,
        `Theorem 4.2 closed form vs run: max deviation ${dev.max.toExponential(2)} over ${dev.compared} tokens`,
      ],
      sections: [
        {
          heading: 'Cells and Voronoi regions',
          text: [
            "The polygons are the authors': cells.py's sample_vertices with seed 42, i.e. numpy default_rng(42) (reproduced bit for bit by ts/prng-numpy.ts), θ = rng.uniform(0, 2π, κ) and, unless the norms are equal, r = rng.uniform(0.4, 1.0, κ) per try, retried until every point is a hull vertex where the figure says 'bij'. summary.json lists every polygon's vertices in draw order and the number of tries.",
            "'raw cell ≠ Voronoi' compares the raw cells argmax <x, v_k> (FW Prop. 4.5's object) with the Voronoi regions (summary.json: cellNeVoronoi); the figures colour the unit cells argmax <x, v_k/|v_k|> where their name says 'unit' ('drawn cell ≠ Voronoi', shownNeVoronoi), and 'unit ≠ raw' counts the grid points where the two cell maps differ.",
          ],
          tables: [{
            columns: ['figure', 'tries', 'hull vertices', 'grid points inside', 'raw cell ≠ Voronoi', 'drawn cell ≠ Voronoi', 'unit ≠ raw', 'every vertex owns its cell'],
            rows: rows.map((x) => [x.figure, x.tries, x.hullVertices.length, x.gridPoints, x.cellNeVoronoi, x.shownNeVoronoi, x.unitNeRaw, x.allOwnCells]),
          }],
          figures: figs,
        },
        {
          heading: 'FW Theorem 4.2: straight lines to the cell vertex',
          text: [
            `The authors' κ = ${kappa} equal-norm polygon (radius 1) and ${m} Dirichlet(2) interior tokens drawn with SplitMix64(42) (theorem42-initial.npy), model frank-wolfe with constant γ = ${gamma}, ${steps} steps: the largest distance between the run and v_σ(i) + (1 − γ)^t (x_i(0) − v_σ(i)) is ${dev.max.toExponential(3)} over ${dev.compared} tokens with a σ-margin ≥ 1e-9 (SPEC test 9 asks 1e-14).`,
          ],
        },
      ],
    };
  },
};
