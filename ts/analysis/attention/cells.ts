/**
 * Dominance cells and B-Voronoi labels of the Frank–Wolfe reading of hardmax
 * attention (SPEC.md §3 "Cells and B-Voronoi labels", §5.5; FW = arXiv 2508.09628).
 *
 * Given vertices v_0 .. v_{k−1} (normally the hull vertices of a state) and a
 * d×d matrix B (identity by default):
 *
 *   cell(x) = argmax_k <B x, v_k>                      (the dominance cell, any B)
 *   vor(x)  = argmin_k ‖x − v_k‖_B,  ‖z‖²_B = <B z, z>   (the B-Voronoi region, B positive definite)
 *
 * Every label carries its margin, the gap between the best and the second
 * best score (Infinity when k = 1): a label with a small margin is decided by
 * rounding. Ties go to the lowest vertex index. When all <B v_k, v_k> are
 * equal the two labelings coincide (FW Proposition 4.5; SPEC §4 item 10).
 *
 * Layout: points, vertices and B are flat row-major arrays (point i at
 * points[i*d .. i*d+d), vertex k at vertices[k*d .. k*d+d), B[r*d+c]) of
 * exactly m*d, k*d and d*d finite numbers, or arrays of rows (check.ts
 * `readState`, `readMatrix`); they are read during the call only, never
 * written or kept. Results are fresh typed
 * arrays owned by the caller. Arithmetic is float64 (Float32Array inputs are
 * widened exactly). Scores are computed as q = B x (ascending column sums),
 * then q·v_k, the order the backends use for alignments, so a label agrees
 * with the engine's hardmax choice whenever the margin exceeds rounding.
 *
 * Units: scores <B x, v_k> and squared B-distances are in (coordinate units)²
 * times the units of B; margins are in the same units.
 */
import { checkBool, checkInt, checkNumber, checkOptions, rangeError, readMatrix, readState, typeError } from '../../check.js';
import type { MatrixLike, StateLike } from './alignment.js';
import { hullPolygon } from '../geometry/hull.js';
import { pointPolygonDistance } from '../geometry/hull2d.js';
import { matVec } from '../geometry/linalg.js';

/** Labels of m points with their margins. */
export interface Labels {
  /** label[i] ∈ [0, k): the winning vertex of point i (lowest index on exact ties). */
  label: Int32Array;
  /**
   * margin[i] ≥ 0: best minus second-best score (cells: <B x, v_top> − <B x, v_second>;
   * Voronoi: second-smallest minus smallest squared B-distance). Infinity when k = 1.
   */
  margin: Float64Array;
}

// ---------------------------------------------------------------------------
// kernels shared with frankwolfe.ts

/** @internal q = B x for x = X[o .. o+d) (q = x when B is null); ascending column sums. */
export function applyB(B: Float64Array | null, X: ArrayLike<number>, o: number, d: number, q: Float64Array): void {
  matVec(B, X, o, d, q);
}

/** @internal Dot product of q with X[o .. o+d). */
export function dotAt(q: ArrayLike<number>, X: ArrayLike<number>, o: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += (q[c] as number) * (X[o + c] as number);
  return s;
}

/**
 * Throws a RangeError naming B unless its symmetric part (B + Bᵀ)/2 is
 * positive definite (Cholesky with a relative pivot floor of 1e-14). @internal
 */
export function checkPositiveDefinite(B: Float64Array | null, d: number, name = 'B'): void {
  if (B === null) return;
  const L = new Float64Array(d * d);
  let scale = 0;
  for (let k = 0; k < d * d; k++) scale = Math.max(scale, Math.abs(B[k] as number));
  for (let j = 0; j < d; j++) {
    let s = 0.5 * ((B[j * d + j] as number) + (B[j * d + j] as number));
    for (let c = 0; c < j; c++) s -= (L[j * d + c] as number) ** 2;
    if (!(s > 1e-14 * scale)) {
      throw rangeError(name, 'positive definite (its symmetric part) for B-norms', d * d <= 6 ? Array.from(B) : B, `Its Cholesky pivot ${j} is ${s}`);
    }
    const ljj = Math.sqrt(s);
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = 0.5 * ((B[i * d + j] as number) + (B[j * d + i] as number));
      for (let c = 0; c < j; c++) t -= (L[i * d + c] as number) * (L[j * d + c] as number);
      L[i * d + j] = t / ljj;
    }
  }
}

interface Prepared {
  P: Float64Array;
  V: Float64Array;
  B: Float64Array | null;
  m: number;
  k: number;
  d: number;
}

function prepare(points: unknown, m: unknown, d: unknown, vertices: unknown, k: unknown, B: unknown): Prepared {
  const mm = checkInt(m, 'm');
  const dd = checkInt(d, 'd');
  const kk = checkInt(k, 'k');
  const P = readState(points, mm, dd, 'points').X;
  const V = readState(vertices, kk, dd, 'vertices').X;
  const M = readMatrix(B, dd, 'B');
  return { P, V, B: M, m: mm, k: kk, d: dd };
}

/** Best and second-best of scores s[0..k) (maximise), ties to the lowest index. */
function top2(s: Float64Array, k: number): { best: number; gap: number } {
  let best = 0;
  let bv = s[0] as number;
  let second = -Infinity;
  for (let j = 1; j < k; j++) {
    const v = s[j] as number;
    if (v > bv) {
      second = bv;
      bv = v;
      best = j;
    } else if (v > second) {
      second = v;
    }
  }
  return { best, gap: k === 1 ? Infinity : bv - second };
}

/** Options of `cellLabels`. */
export interface CellOptions {
  /**
   * Use unit directions v_k/|v_k| (Euclidean norm) in the argmax, as the
   * `normalize_inner_product` switch of the authors' cells-18-07.py. A vertex
   * at the origin keeps the zero direction. Default false.
   */
  normalize?: boolean;
}

/** Scores <B x, w_k> of every point against the directions w (k*d). */
function dominance(pr: Prepared, W: Float64Array, label: Int32Array, margin: Float64Array): void {
  const { P, B, m, k, d } = pr;
  const q = new Float64Array(d);
  const s = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    applyB(B, P, i * d, d, q);
    for (let j = 0; j < k; j++) s[j] = dotAt(q, W, j * d, d);
    const t = top2(s, k);
    label[i] = t.best;
    margin[i] = t.gap;
  }
}

function unitDirections(V: Float64Array, k: number, d: number): Float64Array {
  const W = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += (V[j * d + c] as number) ** 2;
    const r = Math.sqrt(s);
    for (let c = 0; c < d; c++) W[j * d + c] = r > 0 ? (V[j * d + c] as number) / r : 0;
  }
  return W;
}

/**
 * Dominance-cell labels: cell(x) = argmax_k <B x, v_k> for each of m points.
 *
 * @param points m*d numbers, row-major (read only)
 * @param m number of points, integer ≥ 1
 * @param d dimension, integer ≥ 1
 * @param vertices k*d numbers, row-major: the vertex coordinates (not indices)
 * @param k number of vertices, integer ≥ 1
 * @param B d*d row-major (any real matrix; identity when undefined or null)
 * @param opts `normalize`: argmax of <B x, v_k/|v_k|> instead
 * @returns labels in [0, k) and margins (top minus second score)
 */
export function cellLabels(
  points: StateLike, m: number, d: number, vertices: StateLike, k: number, B?: MatrixLike, opts?: CellOptions,
): Labels {
  const o = checkOptions<CellOptions>(opts, 'options', ['normalize']);
  const normalize = checkBool(o.normalize, 'normalize', false);
  const pr = prepare(points, m, d, vertices, k, B);
  const label = new Int32Array(pr.m);
  const margin = new Float64Array(pr.m);
  dominance(pr, normalize ? unitDirections(pr.V, pr.k, pr.d) : pr.V, label, margin);
  return { label, margin };
}

/** Squared B-distances of every point to every vertex: argmin and gap. */
function voronoi(pr: Prepared, label: Int32Array, margin: Float64Array): void {
  const { P, V, B, m, k, d } = pr;
  const z = new Float64Array(d);
  const q = new Float64Array(d);
  const s = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      for (let c = 0; c < d; c++) z[c] = (P[i * d + c] as number) - (V[j * d + c] as number);
      applyB(B, z, 0, d, q);
      s[j] = -dotAt(q, z, 0, d); // maximise −‖x − v_j‖²_B
    }
    const t = top2(s, k);
    label[i] = t.best;
    margin[i] = t.gap;
  }
}

/**
 * B-Voronoi labels: vor(x) = argmin_k ‖x − v_k‖_B with ‖z‖²_B = <B z, z>.
 * The margin is the second-smallest minus the smallest squared B-distance
 * (so in the equal-norm case it is exactly twice the cell margin, up to rounding).
 *
 * Arguments as `cellLabels`; B must have a positive definite symmetric part
 * (RangeError otherwise), identity when undefined or null.
 */
export function voronoiLabels(
  points: StateLike, m: number, d: number, vertices: StateLike, k: number, B?: MatrixLike,
): Labels {
  const pr = prepare(points, m, d, vertices, k, B);
  checkPositiveDefinite(pr.B, pr.d);
  const label = new Int32Array(pr.m);
  const margin = new Float64Array(pr.m);
  voronoi(pr, label, margin);
  return { label, margin };
}

/**
 * Cell ownership: v_i owns its cell (v_i ∈ cell(v_i), strictly) iff
 * <B v_i, v_j − v_i> < 0 for every other vertex j (SPEC §3). Under the
 * Frank–Wolfe / hardmax step with A = B a vertex that owns its cell is its
 * own unique argmax and never moves. Exactly equal vertices do not own
 * (their difference is 0). k = 1: the single vertex owns.
 *
 * @param vertices k*d numbers, row-major (read only)
 * @returns Uint8Array(k): 1 when v_i owns its cell, else 0
 */
export function ownsCell(vertices: StateLike, k: number, d: number, B?: MatrixLike): Uint8Array {
  const kk = checkInt(k, 'k');
  const dd = checkInt(d, 'd');
  const V = readState(vertices, kk, dd, 'vertices').X;
  const M = readMatrix(B, dd, 'B');
  const out = new Uint8Array(kk);
  const q = new Float64Array(dd);
  for (let i = 0; i < kk; i++) {
    applyB(M, V, i * dd, dd, q);
    const self = dotAt(q, V, i * dd, dd);
    let owns = 1;
    for (let j = 0; j < kk && owns === 1; j++) {
      if (j !== i && !(dotAt(q, V, j * dd, dd) - self < 0)) owns = 0;
    }
    out[i] = owns;
  }
  return out;
}

// ---------------------------------------------------------------------------
// grids for drawing (SPEC §5.5)

/** The rectangle a grid covers. */
export interface GridBounds {
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}

/** Options of `cellGrid` (the switches of the authors' cells-18-07.py). */
export interface CellGridOptions {
  /** Unit-normalised inner product: argmax <B x, v_k/|v_k|>. Default false. */
  normalize?: boolean;
  /** Label only grid points inside conv{v_k} (others get −1), as cells.py does. Default true. */
  clip?: boolean;
  /** "All points vertices": throw a RangeError unless every v_k is a vertex of conv{v_k}. Default false. */
  requireAllVertices?: boolean;
  /** "Self included": throw a RangeError unless every v_k owns its cell (see `ownsCell`). Default false. */
  requireSelfInclusion?: boolean;
  /** Also compute the B-Voronoi labels (B positive definite) for an overlay. Default false. */
  voronoi?: boolean;
}

/** A labelled 2D grid. Cell (r, c) is the point (xs[c], ys[r]); arrays are row-major with r = 0 at ymin (flip for a canvas, whose rows go down). */
export interface CellGrid {
  nx: number;
  ny: number;
  /** nx abscissae, linspace(xmin, xmax, nx) (xmin alone when nx = 1). */
  xs: Float64Array;
  /** ny ordinates, linspace(ymin, ymax, ny). */
  ys: Float64Array;
  /** ny*nx cell labels in [0, k), or −1 outside the hull when clipping. */
  label: Int32Array;
  /** ny*nx cell margins (NaN where the label is −1). */
  margin: Float64Array;
  /** ny*nx B-Voronoi labels (−1 outside the hull when clipping) when opts.voronoi, else null. */
  voronoi: Int32Array | null;
  /** owns[k] = 1 when v_k owns its cell. */
  owns: Uint8Array;
  /** hullVertex[k] = 1 when v_k is a vertex of conv{v_j} (exact orientation, hull.ts `hullPolygon`; duplicates: the lowest index). */
  hullVertex: Uint8Array;
}

function linspace(a: number, b: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = a;
    return out;
  }
  for (let i = 0; i < num; i++) out[i] = i === num - 1 ? b : a + ((b - a) * i) / (num - 1);
  return out;
}

/**
 * Label a 2D grid by dominance cell (and optionally by B-Voronoi region) for
 * drawing the FW cell pictures of SPEC §5.5.
 *
 * @param bounds the rectangle (finite, xmin < xmax, ymin < ymax)
 * @param resolution points per side (a number) or [nx, ny]; default 400 (SPEC: 400² here, 1000² in the authors' code)
 * @param vertices k*2 numbers: the vertices v_k
 * @param k number of vertices
 * @param B 2×2 row-major, identity when undefined or null
 * @param opts see `CellGridOptions`
 */
export function cellGrid(
  bounds: GridBounds, resolution: number | readonly [number, number] | undefined, vertices: StateLike, k: number,
  B?: MatrixLike, opts?: CellGridOptions,
): CellGrid {
  const bd = checkOptions<GridBounds>(bounds, 'bounds', ['xmin', 'xmax', 'ymin', 'ymax'], true);
  for (const key of ['xmin', 'xmax', 'ymin', 'ymax'] as const) checkNumber(bd[key], `bounds.${key}`);
  if (!(bd.xmin < bd.xmax)) throw rangeError('bounds.xmin', `< bounds.xmax = ${bd.xmax}`, bd.xmin);
  if (!(bd.ymin < bd.ymax)) throw rangeError('bounds.ymin', `< bounds.ymax = ${bd.ymax}`, bd.ymin);
  let nx: number;
  let ny: number;
  if (resolution === undefined) {
    nx = ny = 400;
  } else if (typeof resolution === 'number') {
    nx = ny = checkInt(resolution, 'resolution');
  } else if (Array.isArray(resolution) && resolution.length === 2) {
    nx = checkInt(resolution[0], 'resolution[0]');
    ny = checkInt(resolution[1], 'resolution[1]');
  } else {
    throw typeError('resolution', 'an integer >= 1 or a pair [nx, ny]', resolution);
  }
  if (nx * ny > 2 ** 26) throw rangeError('resolution', 'at most 2^26 grid points (nx*ny)', resolution, `nx*ny = ${nx * ny}`);
  const o = checkOptions<CellGridOptions>(opts, 'options', ['normalize', 'clip', 'requireAllVertices', 'requireSelfInclusion', 'voronoi']);
  const normalize = checkBool(o.normalize, 'normalize', false);
  const clip = checkBool(o.clip, 'clip', true);
  const requireAll = checkBool(o.requireAllVertices, 'requireAllVertices', false);
  const requireSelf = checkBool(o.requireSelfInclusion, 'requireSelfInclusion', false);
  const wantVor = checkBool(o.voronoi, 'voronoi', false);
  const kk = checkInt(k, 'k');
  const V = readState(vertices, kk, 2, 'vertices').X;
  const M = readMatrix(B, 2, 'B');
  if (wantVor) checkPositiveDefinite(M, 2);

  const poly = hullPolygon(V, kk);
  const hullVertex = new Uint8Array(kk);
  for (const i of poly) hullVertex[i] = 1;
  if (requireAll) {
    const missing = [...hullVertex.keys()].filter((i) => hullVertex[i] === 0);
    if (missing.length > 0) {
      throw new RangeError(`vertices must all be vertices of conv{v_k} (requireAllVertices); got ${missing.join(', ')} inside, on an edge or duplicated`);
    }
  }
  const owns = ownsCell(V, kk, 2, M);
  if (requireSelf) {
    const missing = [...owns.keys()].filter((i) => owns[i] === 0);
    if (missing.length > 0) throw new RangeError(`vertices must all own their cells (requireSelfInclusion); got ${missing.join(', ')} that do not`);
  }

  const xs = linspace(bd.xmin, bd.xmax, nx);
  const ys = linspace(bd.ymin, bd.ymax, ny);
  const m = nx * ny;
  const P = new Float64Array(2 * m);
  for (let r = 0; r < ny; r++) {
    for (let c = 0; c < nx; c++) {
      P[2 * (r * nx + c)] = xs[c] as number;
      P[2 * (r * nx + c) + 1] = ys[r] as number;
    }
  }
  const pr: Prepared = { P, V, B: M, m, k: kk, d: 2 };
  const label = new Int32Array(m);
  const margin = new Float64Array(m);
  dominance(pr, normalize ? unitDirections(V, kk, 2) : V, label, margin);
  let vor: Int32Array | null = null;
  if (wantVor) {
    vor = new Int32Array(m);
    voronoi(pr, vor, new Float64Array(m));
  }
  if (clip) {
    for (let g = 0; g < m; g++) {
      if (pointPolygonDistance(V, poly, P[2 * g] as number, P[2 * g + 1] as number) > 0) {
        label[g] = -1;
        margin[g] = NaN;
        if (vor !== null) vor[g] = -1;
      }
    }
  }
  return { nx, ny, xs, ys, label, margin, voronoi: vor, owns, hullVertex };
}
