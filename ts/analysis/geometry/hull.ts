/**
 * Convex hull K = conv{x_1..x_n} of a state (SPEC.md §3 "Hull K(t) and its
 * vertices"): its vertices in any dimension, and its edges and faces for
 * drawing when d ≤ 3.
 *
 * Input everywhere: `x` is a flat row-major array of exactly n·d finite
 * numbers (token i at x[i*d .. i*d+d)): a Float64Array, a Float32Array (e.g.
 * a zero-copy Simulation view), or a plain number array; or n rows of d
 * numbers. It is checked by check.ts `readState` (TypeError / RangeError
 * naming the argument and the value), read during the call only, never
 * written and never kept; a wasm view stays valid because nothing here calls
 * into the kernel. Every result is a fresh typed array owned by the caller.
 *
 * Scale: a state whose largest |coordinate| lies outside [2^-128, 2^128] is
 * first multiplied by a power of two (ts/analysis/geometry/scale.ts; exact), so the
 * squared norms and predicate products below never over- or underflow and
 * the answer is the same at every scale (e.g. 1e-200·x and 1e160·x).
 *
 * Conventions (identical for every d):
 *   - Coincident tokens are merged first, by EXACT equality of all
 *     coordinates (IEEE ==, so −0 and +0 are the same location); each
 *     location is represented by its lowest token index.
 *   - A vertex is an extreme point: a point on an edge or inside a face is
 *     not a vertex. All tokens equal → [0]; two locations → both.
 *   - Degenerate sets never throw: they are reduced to their affine span.
 *
 * Methods by dimension:
 *   - d = 1: minimum and maximum (exact).
 *   - d = 2: Andrew's monotone chain on robust-predicates' exact orient2d
 *     (ts/analysis/geometry/hull2d.ts), after an exact Akl–Toussaint filter and a
 *     radix sort; exact for all finite inputs (collinear sets, points on
 *     edges, 1-ulp differences).
 *   - d = 3: quickhull with exact orient3d decisions (ts/analysis/geometry/hull3d.ts,
 *     which also says why the npm package quickhull3d is not used); exact
 *     for all finite inputs, including tight clusters and sets a few ulps off
 *     a plane (those are genuinely 3-dimensional and treated so). Only an
 *     EXACTLY coplanar or collinear set (or one of fewer than 4 points) is
 *     reduced to the 2D / 1D code, which is exact on it: exact orientation
 *     tests choose the coordinates to keep (`exactFlat3`), so a coplanar
 *     triangle a few ulps off a line stays a triangle.
 *   - d > 3: reduction to the affine span found by a rank-revealing
 *     Gram–Schmidt pass with relative tolerance `AFFINE_TOLERANCE` (1e-10 of
 *     the set's extent), then the 1D/2D/3D code if the span has dimension
 *     ≤ 3, else the LP extreme-point test (ts/analysis/geometry/extreme.ts: YALPS,
 *     with cheap pre-filters; points within relative distance 1e-9 of the
 *     hull of the others count as inside).
 *
 * The map onto a k-dimensional span keeps k of the original coordinates (the
 * axes onto which an orthonormal basis of the span, from the Gram–Schmidt
 * pass, projects best: QR with column pivoting). It is an affine bijection of
 * the span, so it preserves hull vertices, and it involves no rounding:
 * exactly collinear or coplanar input (grids in a tilted plane, points on
 * edges) stays exactly degenerate, so the exact 2D code decides it exactly.
 * Coordinates in an orthonormal basis would be rounded, turning collinear
 * triples into slightly convex ones and edge points into vertices. (Points
 * off the span by less than the tolerance are moved along the dropped axes,
 * not orthogonally; points that then coincide are merged, lowest index kept.)
 */
import { aklToussaint, monotoneChain, rotateToMin } from './hull2d.js';
import { hull3d } from './hull3d.js';
import { orient2d } from '../../vendor/robust-predicates/orient2d.js';
import { orient3d } from '../../vendor/robust-predicates/orient3d.js';
import { lpVertexFlags, type LpStats } from './extreme.js';
import { checkBool, checkNumber, checkOptions, readState, typeError } from '../../check.js';
import { normalise } from './scale.js';
import type { StateLike } from '../state.js';

/** Default relative tolerance of the affine-span reduction (d > 3) and of `affineDimension`. */
export const AFFINE_TOLERANCE = 1e-10;

/** Geometry of the hull, for drawing. */
export interface HullGeometry {
  /**
   * Affine dimension of the point set: 0 (one location) … min(d, distinct − 1).
   * Exact for d ≤ 3 (a set one ulp off a plane has dim 3); for d > 3 up to
   * `AFFINE_TOLERANCE`. `affineDimension(x, n, d, tol)` gives the
   * tolerance-based value in any d.
   */
  dim: number;
  /** Token indices of the vertices, ascending (one per location, the lowest). */
  vertices: Int32Array;
  /**
   * Undirected edges (i, j) of the hull as flat pairs of token indices,
   * each edge once, for d ≤ 3 (in 2D: the polygon sides in CCW order; a
   * segment gives one edge). Empty for d > 3.
   */
  edges: Int32Array;
  /**
   * d = 3 with dim = 3: triangles (i, j, k) as flat triples of token
   * indices, counter-clockwise seen from outside (outward normal
   * (x_j − x_i) × (x_k − x_i)); coplanar facets are fan-triangulated.
   * Empty otherwise (including flat sets in 3D: draw their `edges`).
   */
  faces: Int32Array;
}

// ---------------------------------------------------------------------------
// input

/**
 * A validated state (check.ts `readState`: flat n*d or n rows of d finite
 * numbers), normalised by a power of two (scale.ts) so that no squared norm
 * or predicate product over- or underflows. @internal
 */
export function readPoints(x: unknown, n: unknown, d: unknown, name = 'x'): { P: Float64Array; n: number; d: number; shift: number } {
  const s = readState(x, n, d, name);
  const { P, shift } = normalise(s.X);
  return { P, n: s.n, d: s.d, shift };
}

// ---------------------------------------------------------------------------
// sorting and merging

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Result of `lexSortDetailed`: the order and the sorted coordinates it already holds. @internal */
export interface LexSorted {
  /** Row numbers in lexicographic order (ties: ascending row). */
  order: Int32Array;
  /** First coordinate of each row in `order` (−0 normalised to +0). */
  first: Float64Array;
  /** Second coordinate of each row in `order` when s ≥ 2, else null. */
  second: Float64Array | null;
}

/**
 * Rows of p (stride s) listed in `rows`, sorted lexicographically by their
 * coordinates, ties (equal locations) by row number. `rows` should be
 * ascending. A stable LSD radix sort (six 11-bit digits) on the IEEE bits of
 * the first coordinate that carries the row number and the second
 * coordinate along, so the result needs no random access into p; then runs
 * of equal first coordinate are sorted by the remaining coordinates and the
 * row number. Small inputs use a comparison sort. @internal
 */
export function lexSortDetailed(p: Float64Array, s: number, rows: Int32Array): LexSorted {
  const m = rows.length;
  const cmpRest = (a: number, b: number): number => {
    for (let c = 1; c < s; c++) {
      const va = p[a * s + c] as number;
      const vb = p[b * s + c] as number;
      if (va < vb) return -1;
      if (va > vb) return 1;
    }
    return a - b;
  };
  if (m < 512) {
    const order = rows.slice();
    order.sort((a, b) => {
      const va = p[a * s] as number;
      const vb = p[b * s] as number;
      if (va < vb) return -1;
      if (va > vb) return 1;
      return cmpRest(a, b);
    });
    const first = new Float64Array(m);
    const second = s >= 2 ? new Float64Array(m) : null;
    for (let t = 0; t < m; t++) {
      const r = order[t] as number;
      first[t] = (p[r * s] as number) + 0;
      if (second) second[t] = p[r * s + 1] as number;
    }
    return { order, first, second };
  }
  // keys: order-preserving unsigned 64-bit images of the first coordinate
  const f = new Float64Array(m);
  for (let t = 0; t < m; t++) f[t] = (p[(rows[t] as number) * s] as number) + 0; // −0 → +0
  const w = new Uint32Array(f.buffer);
  const hiIdx = LITTLE_ENDIAN ? 1 : 0;
  const loIdx = 1 - hiIdx;
  let hi = new Uint32Array(m);
  let lo = new Uint32Array(m);
  let id = new Int32Array(m);
  let y: Float64Array | null = s >= 2 ? new Float64Array(m) : null;
  const counts = new Int32Array(6 * 2048);
  for (let t = 0; t < m; t++) {
    let h = w[2 * t + hiIdx] as number;
    let l = w[2 * t + loIdx] as number;
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    hi[t] = h;
    lo[t] = l;
    const r = rows[t] as number;
    id[t] = r;
    if (y) y[t] = p[r * s + 1] as number;
    const d0 = l & 0x7ff;
    const d1 = 2048 + ((l >>> 11) & 0x7ff);
    const d2 = 4096 + (l >>> 22);
    const d3 = 6144 + (h & 0x7ff);
    const d4 = 8192 + ((h >>> 11) & 0x7ff);
    const d5 = 10240 + (h >>> 22);
    counts[d0] = (counts[d0] as number) + 1;
    counts[d1] = (counts[d1] as number) + 1;
    counts[d2] = (counts[d2] as number) + 1;
    counts[d3] = (counts[d3] as number) + 1;
    counts[d4] = (counts[d4] as number) + 1;
    counts[d5] = (counts[d5] as number) + 1;
  }
  let hi2 = new Uint32Array(m);
  let lo2 = new Uint32Array(m);
  let id2 = new Int32Array(m);
  let y2: Float64Array | null = y ? new Float64Array(m) : null;
  for (let pass = 0; pass < 6; pass++) {
    const base = pass * 2048;
    let nonEmpty = 0;
    for (let b = 0; b < 2048 && nonEmpty < 2; b++) if ((counts[base + b] as number) > 0) nonEmpty++;
    if (nonEmpty < 2) continue; // every key has the same digit: the pass would not move anything
    let sum = 0;
    for (let b = 0; b < 2048; b++) {
      const c = counts[base + b] as number;
      counts[base + b] = sum;
      sum += c;
    }
    const shift = pass < 3 ? pass * 11 : (pass - 3) * 11;
    const src = pass < 3 ? lo : hi;
    for (let t = 0; t < m; t++) {
      const key = src[t] as number;
      const digit = shift === 22 ? key >>> 22 : (key >>> shift) & 0x7ff;
      const dst = counts[base + digit] as number;
      counts[base + digit] = dst + 1;
      hi2[dst] = hi[t] as number;
      lo2[dst] = lo[t] as number;
      id2[dst] = id[t] as number;
      if (y && y2) y2[dst] = y[t] as number;
    }
    let tu = hi; hi = hi2; hi2 = tu;
    tu = lo; lo = lo2; lo2 = tu;
    const ti = id; id = id2; id2 = ti;
    const ty = y; y = y2; y2 = ty;
  }
  // first coordinates back from the keys (sequential)
  for (let t = 0; t < m; t++) {
    let h = hi[t] as number;
    let l = lo[t] as number;
    if (h & 0x80000000) {
      h = (h & 0x7fffffff) >>> 0;
    } else {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    w[2 * t + hiIdx] = h;
    w[2 * t + loIdx] = l;
  }
  if (s > 1) {
    // runs of equal first coordinate: sort by the remaining coordinates, then row
    let start = 0;
    while (start < m) {
      let end = start + 1;
      while (end < m && hi[end] === hi[start] && lo[end] === lo[start]) end++;
      const len = end - start;
      if (len > 1) {
        if (s === 2 && y && len <= 16) {
          // insertion sort by (y, row) on the carried arrays
          for (let t = start + 1; t < end; t++) {
            const yt = y[t] as number;
            const it = id[t] as number;
            let u = t - 1;
            while (u >= start && ((y[u] as number) > yt || ((y[u] as number) === yt && (id[u] as number) > it))) {
              y[u + 1] = y[u] as number;
              id[u + 1] = id[u] as number;
              u--;
            }
            y[u + 1] = yt;
            id[u + 1] = it;
          }
        } else {
          const run = id.subarray(start, end);
          run.sort(cmpRest);
          if (y) for (let t = start; t < end; t++) y[t] = p[(id[t] as number) * s + 1] as number;
        }
      }
      start = end;
    }
  }
  return { order: id, first: f, second: y };
}

/** Row numbers of `lexSortDetailed`. @internal */
export function lexSort(p: Float64Array, s: number, rows: Int32Array): Int32Array {
  return lexSortDetailed(p, s, rows).order;
}

/** Drop rows equal (all coordinates, IEEE ==) to their predecessor in a lexicographic order; keeps the first (lowest row) of each location. @internal */
export function dedupeSorted(p: Float64Array, s: number, order: Int32Array): Int32Array {
  const m = order.length;
  if (m === 0) return order.slice();
  const out = new Int32Array(m);
  let k = 0;
  out[k++] = order[0] as number;
  for (let t = 1; t < m; t++) {
    const a = out[k - 1] as number;
    const b = order[t] as number;
    let same = true;
    for (let c = 0; c < s; c++) {
      if ((p[a * s + c] as number) !== (p[b * s + c] as number)) { same = false; break; }
    }
    if (!same) out[k++] = b;
  }
  return out.slice(0, k);
}

/** Representatives (lowest row per exact location) of all m rows of p, ascending. @internal */
export function distinctRows(p: Float64Array, s: number, m: number): Int32Array {
  const all = new Int32Array(m);
  for (let r = 0; r < m; r++) all[r] = r;
  const reps = dedupeSorted(p, s, lexSort(p, s, all));
  return reps.sort();
}

// ---------------------------------------------------------------------------
// affine span

/** The affine span of a set of rows: an origin row and an orthonormal basis. @internal */
export interface AffineSpan {
  dim: number;
  /** Row number of the origin point (a member of the set). */
  origin: number;
  /** dim orthonormal vectors of length s, row-major. */
  basis: Float64Array;
}

/**
 * Rank-revealing Gram–Schmidt: greedily add the row farthest from the
 * current affine span while that distance exceeds tol · (largest distance
 * from the origin row). O(m · s · dim). @internal
 */
export function affineSpan(p: Float64Array, s: number, rows: Int32Array, tol: number): AffineSpan {
  const m = rows.length;
  const origin = rows[0] as number;
  const o = origin * s;
  const res = new Float64Array(m * s);
  let D2 = 0;
  for (let t = 0; t < m; t++) {
    const r = rows[t] as number;
    let nn = 0;
    for (let c = 0; c < s; c++) {
      const v = (p[r * s + c] as number) - (p[o + c] as number);
      res[t * s + c] = v;
      nn += v * v;
    }
    if (nn > D2) D2 = nn;
  }
  const basis = new Float64Array(s * s);
  let dim = 0;
  if (!(D2 > 0)) return { dim: 0, origin, basis: basis.subarray(0, 0) };
  const thresh = tol * Math.sqrt(D2);
  const g = new Float64Array(s);
  while (dim < s) {
    let best = -1, bestN = 0;
    for (let t = 0; t < m; t++) {
      let nn = 0;
      for (let c = 0; c < s; c++) nn += (res[t * s + c] as number) ** 2;
      if (nn > bestN) { bestN = nn; best = t; }
    }
    if (best < 0 || !(Math.sqrt(bestN) > thresh)) break;
    for (let c = 0; c < s; c++) g[c] = res[best * s + c] as number;
    // re-orthogonalise against the basis (the residuals already are, up to rounding)
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < dim; b++) {
        let dot = 0;
        for (let c = 0; c < s; c++) dot += (g[c] as number) * (basis[b * s + c] as number);
        for (let c = 0; c < s; c++) g[c] = (g[c] as number) - dot * (basis[b * s + c] as number);
      }
    }
    let nn = 0;
    for (let c = 0; c < s; c++) nn += (g[c] as number) ** 2;
    const nrm = Math.sqrt(nn);
    if (!(nrm > 0)) break;
    for (let c = 0; c < s; c++) basis[dim * s + c] = (g[c] as number) / nrm;
    for (let t = 0; t < m; t++) {
      let dot = 0;
      for (let c = 0; c < s; c++) dot += (res[t * s + c] as number) * (basis[dim * s + c] as number);
      for (let c = 0; c < s; c++) res[t * s + c] = (res[t * s + c] as number) - dot * (basis[dim * s + c] as number);
    }
    dim++;
  }
  return { dim, origin, basis: basis.slice(0, dim * s) };
}

/**
 * Choose span.dim coordinate axes on which the span projects injectively
 * and as well conditioned as a greedy choice allows: QR with column
 * pivoting on the dim × s basis matrix. @internal
 */
export function spanAxes(span: AffineSpan, s: number): Int32Array {
  const k = span.dim;
  const B = span.basis.slice(); // k × s, row-major; columns are the candidate axes
  const axes = new Int32Array(k);
  const used = new Uint8Array(s);
  for (let step = 0; step < k; step++) {
    let best = -1, bestN = -1;
    for (let c = 0; c < s; c++) {
      if (used[c] === 1) continue;
      let nn = 0;
      for (let r = 0; r < k; r++) nn += (B[r * s + c] as number) ** 2;
      if (nn > bestN) { bestN = nn; best = c; }
    }
    axes[step] = best;
    used[best] = 1;
    const nrm = Math.sqrt(bestN);
    if (!(nrm > 0)) continue;
    // orthogonalise the remaining columns against the chosen one
    for (let c = 0; c < s; c++) {
      if (used[c] === 1) continue;
      let dot = 0;
      for (let r = 0; r < k; r++) dot += (B[r * s + c] as number) * (B[r * s + best] as number);
      const f = dot / bestN;
      for (let r = 0; r < k; r++) B[r * s + c] = (B[r * s + c] as number) - f * (B[r * s + best] as number);
    }
  }
  return axes.sort();
}

/**
 * Coordinates of the listed rows on the axes chosen by `spanAxes`:
 * rows.length × span.dim, row-major. Dropping coordinates is an affine
 * bijection from the span onto R^dim that needs no arithmetic, so exact
 * degeneracies of the input (collinear or coplanar points in a tilted
 * plane, points on edges) stay exact in the projection, where an
 * orthonormal change of basis would round them away. @internal
 */
export function project(p: Float64Array, s: number, rows: Int32Array, span: AffineSpan): Float64Array {
  const k = span.dim;
  const axes = spanAxes(span, s);
  const m = rows.length;
  const out = new Float64Array(m * k);
  for (let t = 0; t < m; t++) {
    const r = rows[t] as number;
    for (let b = 0; b < k; b++) out[t * k + b] = p[r * s + (axes[b] as number)] as number;
  }
  return out;
}

// ---------------------------------------------------------------------------
// the hull in row numbers

/** Internal result: vertices/edges/faces in row numbers of p. */
export interface RowHull {
  dim: number;
  vertices: Int32Array; // ascending rows
  edges: Int32Array;
  faces: Int32Array;
  /** 2D (or flat) hulls: the polygon in CCW order (rows), for hullPolygon. */
  polygon: Int32Array | null;
}

const EMPTY = new Int32Array(0);

function mapRows(a: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(a.length);
  for (let t = 0; t < a.length; t++) out[t] = rows[a[t] as number] as number;
  return out;
}

function sortedCopy(a: Int32Array): Int32Array {
  return a.slice().sort();
}

/** The distinct values of a (all in [0, bound)) in ascending order; a flag pass when a is large. */
function ascending(a: Int32Array, bound: number): Int32Array {
  if (a.length * 16 < bound) return sortedCopy(a);
  const flag = new Uint8Array(bound);
  for (let t = 0; t < a.length; t++) flag[a[t] as number] = 1;
  const out = new Int32Array(a.length);
  let k = 0;
  for (let r = 0; r < bound; r++) if (flag[r] === 1) out[k++] = r;
  return k === out.length ? out : out.slice(0, k);
}

/** 1D hull of the listed rows (stride s, coordinate 0): min and max, lowest row on ties. */
function hull1d(p: Float64Array, s: number, rows: Int32Array): RowHull {
  let iMin = rows[0] as number, iMax = iMin;
  for (let t = 1; t < rows.length; t++) {
    const r = rows[t] as number;
    const v = p[r * s] as number;
    const vMin = p[iMin * s] as number;
    const vMax = p[iMax * s] as number;
    if (v < vMin || (v === vMin && r < iMin)) iMin = r;
    if (v > vMax || (v === vMax && r < iMax)) iMax = r;
  }
  if (iMin === iMax || (p[iMin * s] as number) === (p[iMax * s] as number)) {
    const r = Math.min(iMin, iMax);
    return { dim: 0, vertices: Int32Array.of(r), edges: EMPTY, faces: EMPTY, polygon: Int32Array.of(r) };
  }
  const a = Math.min(iMin, iMax), b = Math.max(iMin, iMax);
  return { dim: 1, vertices: Int32Array.of(a, b), edges: Int32Array.of(a, b), faces: EMPTY, polygon: Int32Array.of(iMin, iMax) };
}

/** 2D hull of all m rows of p (stride 2), exact. */
function hull2dRows(p: Float64Array, m: number): RowHull {
  const cand = aklToussaint(p, m);
  const sorted = lexSortDetailed(p, 2, cand);
  const order = sorted.order;
  const sx = sorted.first;
  const sy = sorted.second as Float64Array;
  // merge duplicates in place (sequential): keep the lower row, sorted first
  const L0 = order.length;
  let L = 0;
  for (let t = 0; t < L0; t++) {
    const r = order[t] as number;
    const x = sx[t] as number;
    const y = sy[t] as number;
    if (L > 0 && x === sx[L - 1] && y === sy[L - 1]) continue;
    sx[L] = x;
    sy[L] = y;
    order[L] = r;
    L++;
  }
  const pos = monotoneChain(sx, sy, L);
  const H = pos.length;
  const poly = new Int32Array(H);
  for (let t = 0; t < H; t++) poly[t] = order[pos[t] as number] as number;
  const dim = H === 1 ? 0 : H === 2 ? 1 : 2;
  let edges: Int32Array;
  if (H === 1) edges = EMPTY;
  else if (H === 2) edges = Int32Array.of(poly[0] as number, poly[1] as number);
  else {
    edges = new Int32Array(2 * H);
    for (let t = 0; t < H; t++) {
      edges[2 * t] = poly[t] as number;
      edges[2 * t + 1] = poly[(t + 1) % H] as number;
    }
  }
  return { dim, vertices: ascending(poly, m), edges, faces: EMPTY, polygon: poly };
}

/** Map a hull in row numbers of a sub-problem back through `rows` (rows[t] = row of the parent). */
function mapHull(h: RowHull, rows: Int32Array): RowHull {
  return {
    dim: h.dim,
    vertices: sortedCopy(mapRows(h.vertices, rows)),
    edges: mapRows(h.edges, rows),
    faces: mapRows(h.faces, rows),
    polygon: h.polygon ? mapRows(h.polygon, rows) : null,
  };
}

function single(r: number): RowHull {
  return { dim: 0, vertices: Int32Array.of(r), edges: EMPTY, faces: EMPTY, polygon: Int32Array.of(r) };
}

/** Options threaded through `hullOfRows`. */
interface HullRun {
  forceLp: boolean;
  prefilter: boolean;
  stats: LpStats | undefined;
}

/**
 * Hull of the rows `reps` (ascending, pairwise distinct) of p (stride k).
 *   - k = 3: the exact quickhull first; only an exactly coplanar or collinear
 *     set goes on to the reduction;
 *   - otherwise the rank-revealing Gram–Schmidt span (relative tolerance
 *     AFFINE_TOLERANCE); a lower-dimensional span is mapped onto k' of the
 *     coordinates (`project`) and solved recursively in dimension k';
 *   - a full-dimensional span: k = 1 min/max, k = 2 monotone chain, k > 3 the
 *     LP test (also the fallback should the exact 3D code give up).
 * With run.forceLp every full-dimensional step uses the LP test.
 */
function hullOfRows(p: Float64Array, k: number, reps: Int32Array, run: HullRun): RowHull {
  const m = reps.length;
  if (m === 1) return single(reps[0] as number);
  if (k === 1) return hull1d(p, 1, reps);
  if (k === 2 && !run.forceLp) return mapHull(hull2dRows(compact(p, 2, reps), m), reps);
  if (k === 3 && !run.forceLp) {
    const h3 = hull3d(compact(p, 3, reps), m);
    if (h3 !== null) return mapHull({ dim: 3, vertices: h3.vertices, edges: h3.edges, faces: h3.faces, polygon: null }, reps);
    // exactly coplanar or collinear (or fewer than 4 points): reduce exactly, not with the span tolerance, which
    // would flatten a triangle a few ulps off a line into a segment
    const flat = exactFlat3(p, reps);
    if (flat !== null) {
      const all = new Int32Array(m);
      for (let t = 0; t < m; t++) all[t] = t;
      return mapHull(hullOfRows(flat.q, flat.k, all, run), reps);
    }
  }
  const span = affineSpan(p, k, reps, AFFINE_TOLERANCE);
  const kk = span.dim;
  if (kk === 0) return single(reps[0] as number);
  if (kk < k) {
    // map onto kk coordinates; points that now coincide are merged (lowest row first)
    const q = project(p, k, reps, span);
    const sub = distinctRows(q, kk, m);
    return mapHull(hullOfRows(q, kk, sub, run), reps);
  }
  const q = compact(p, k, reps);
  const flags = lpVertexFlags(q, m, k, run.stats, run.prefilter);
  const vs: number[] = [];
  for (let t = 0; t < m; t++) if (flags[t] === 1) vs.push(reps[t] as number);
  return { dim: k, vertices: Int32Array.from(vs), edges: EMPTY, faces: EMPTY, polygon: null };
}

/** Coordinate pairs (a, b) of the three axis-parallel projections of R^3. */
const PLANES: readonly (readonly [number, number])[] = [[0, 1], [1, 2], [0, 2]];

/**
 * Exact reduction of distinct rows of p (stride 3) that lie on one line or
 * one plane, decided with exact predicates only: the rows' coordinates on
 * one axis (collinear: an axis on which the line is not constant) or on two
 * axes (coplanar: a coordinate plane onto which the set's plane projects
 * injectively, i.e. where a triangle of the set keeps a non-zero exact
 * orientation). Dropping coordinates needs no arithmetic, so the reduced
 * set is exactly the same configuration for the exact 1D/2D code. Returns
 * null when the rows are not exactly flat.
 */
function exactFlat3(p: Float64Array, reps: Int32Array): { q: Float64Array; k: number } | null {
  const m = reps.length;
  const at = (r: number, c: number): number => p[r * 3 + c] as number;
  const r0 = reps[0] as number;
  const r1 = reps[1] as number;
  let third = -1;
  let plane = -1;
  for (let t = 2; t < m && third < 0; t++) {
    const r = reps[t] as number;
    for (let pl = 0; pl < 3; pl++) {
      const [a, b] = PLANES[pl] as readonly [number, number];
      if (orient2d(at(r0, a), at(r0, b), at(r1, a), at(r1, b), at(r, a), at(r, b)) !== 0) {
        third = r;
        plane = pl;
        break;
      }
    }
  }
  if (third < 0) {
    // collinear: rows 0 and 1 differ in some coordinate, on which the line projects injectively
    let axis = 0;
    while (axis < 2 && at(r0, axis) === at(r1, axis)) axis++;
    const q = new Float64Array(m);
    for (let t = 0; t < m; t++) q[t] = at(reps[t] as number, axis);
    return { q, k: 1 };
  }
  for (let t = 2; t < m; t++) {
    const r = reps[t] as number;
    if (r === third) continue;
    const o = orient3d(at(r0, 0), at(r0, 1), at(r0, 2), at(r1, 0), at(r1, 1), at(r1, 2), at(third, 0), at(third, 1), at(third, 2), at(r, 0), at(r, 1), at(r, 2));
    if (o !== 0) return null;
  }
  const [a, b] = PLANES[plane] as readonly [number, number];
  const q = new Float64Array(2 * m);
  for (let t = 0; t < m; t++) {
    q[2 * t] = at(reps[t] as number, a);
    q[2 * t + 1] = at(reps[t] as number, b);
  }
  return { q, k: 2 };
}

/** The listed rows of p (stride s) packed contiguously. */
function compact(p: Float64Array, s: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * s);
  for (let t = 0; t < rows.length; t++) {
    const r = rows[t] as number;
    for (let c = 0; c < s; c++) out[t * s + c] = p[r * s + c] as number;
  }
  return out;
}

/**
 * The hull of a normalised state P (n rows of d, from `readPoints`), in token
 * indices: vertices ascending, and edges, faces and the 2D polygon. @internal
 */
export function hullRows(P: Float64Array, n: number, d: number): RowHull {
  if (d === 1) {
    const all = new Int32Array(n);
    for (let r = 0; r < n; r++) all[r] = r;
    return hull1d(P, 1, all);
  }
  if (d === 2) return hull2dRows(P, n);
  return hullOfRows(P, d, distinctRows(P, d, n), { forceLp: false, prefilter: true, stats: undefined });
}

// ---------------------------------------------------------------------------
// public API

/**
 * Token indices of the vertices of conv{x_1..x_n}, ascending, one index
 * (the lowest) per distinct location; points on edges or faces are not
 * vertices. Conventions and methods per dimension: module header. The
 * answer does not depend on the scale of x: coordinates are normalised by a
 * power of two first (exact), so 2^k·x gives the same indices for every k
 * and 1e±300·x the same up to the rounding of that product.
 *
 * @param x n·d numbers, row-major (Float64Array, Float32Array or number[]),
 *   or n rows of d numbers; read only, not kept
 * @param n number of tokens, integer ≥ 1
 * @param d dimension, integer ≥ 1
 * @returns a fresh Int32Array (length ≥ 1)
 * @throws TypeError / RangeError (check.ts `readState`) for a bad n or d, an
 *   x that is not exactly n·d numbers, or a non-finite value; never for
 *   degenerate geometry.
 */
export function hullVertices(x: StateLike, n: number, d: number): Int32Array {
  const s = readPoints(x, n, d);
  return hullRows(s.P, s.n, s.d).vertices;
}

/** Options of `hullVerticesLP`. */
export interface HullLpOptions {
  /** Counters of how each distinct point was decided, filled in place (add to zeroed counters). */
  stats?: LpStats;
  /** false: skip the cheap pre-filters so every point is decided by the LP rounds (default true). */
  prefilter?: boolean;
}

/**
 * The same contract as `hullVertices`, but always decided by the LP
 * extreme-point test of ts/analysis/geometry/extreme.ts (after merging duplicates
 * and reducing to the affine span), whatever d is. Slower; exposed so the
 * LP path can be checked against the exact 2D and 3D hulls.
 *
 * @throws as `hullVertices`, and TypeError for an unknown or mistyped option
 */
export function hullVerticesLP(x: StateLike, n: number, d: number, options: HullLpOptions = {}): Int32Array {
  const o = checkOptions<HullLpOptions>(options, 'options', ['stats', 'prefilter']);
  const prefilter = checkBool(o.prefilter, 'prefilter', true);
  if (o.stats !== undefined && (o.stats === null || typeof o.stats !== 'object')) throw typeError('stats', 'an LpStats object of counters', o.stats);
  const { P, n: nn, d: dd } = readPoints(x, n, d);
  return hullOfRows(P, dd, distinctRows(P, dd, nn), { forceLp: true, prefilter, stats: o.stats }).vertices;
}

export type { LpStats } from './extreme.js';

/**
 * The hull's affine dimension, vertices, and (d ≤ 3) its edges and
 * outward triangles, for drawing. Layouts in `HullGeometry`. For d > 3 only
 * `dim` and `vertices` are filled (edges and faces are empty).
 *
 * @param x n·d numbers, row-major, or n rows of d; read only, not kept
 * @returns fresh typed arrays owned by the caller
 * @throws as `hullVertices`
 */
export function hullGeometry(x: StateLike, n: number, d: number): HullGeometry {
  const s = readPoints(x, n, d);
  const h = hullRows(s.P, s.n, s.d);
  if (s.d > 3) return { dim: h.dim, vertices: h.vertices, edges: new Int32Array(0), faces: new Int32Array(0) };
  return { dim: h.dim, vertices: h.vertices, edges: h.edges, faces: h.faces };
}

/** The CCW polygon of a normalised 2D state (see `hullPolygon`). @internal */
export function polygonRows(P: Float64Array, n: number): Int32Array {
  const h = hullRows(P, n, 2);
  return rotateToMin(h.polygon ?? h.vertices);
}

/**
 * 2D only (d = 2): the hull vertices in counter-clockwise order, starting at
 * the lowest token index. A segment gives its 2 endpoints (lowest first), a
 * single location gives one index. Exact (robust orient2d) at every scale.
 *
 * @param x 2n numbers (x_0, y_0, x_1, y_1, …) or n rows of 2; read only, not kept
 * @param n number of tokens, integer ≥ 1
 * @returns a fresh Int32Array
 * @throws as `hullVertices`
 */
export function hullPolygon(x: StateLike, n: number): Int32Array {
  const s = readPoints(x, n, 2);
  return polygonRows(s.P, s.n);
}

/**
 * Affine dimension of {x_1..x_n}: the number of orthonormal directions
 * found by rank-revealing Gram–Schmidt whose residual exceeds
 * tol · max_i |x_i − x_o| (x_o the token with the lowest index).
 * The hull functions use the same reduction with the default tol for
 * d > 3 (and for exactly degenerate sets in d = 3); in d ≤ 3 their `dim` is
 * exact and can exceed this value for nearly flat sets.
 * 0 when all points coincide; at most min(d, distinct − 1). Scale-invariant
 * as `hullVertices`.
 *
 * @param tol relative tolerance, finite and ≥ 0 (default `AFFINE_TOLERANCE` = 1e-10)
 * @throws as `hullVertices`, and TypeError / RangeError for a bad tol
 */
export function affineDimension(x: StateLike, n: number, d: number, tol: number = AFFINE_TOLERANCE): number {
  const tl = checkNumber(tol, 'tol', { min: 0 });
  const { P, n: nn, d: dd } = readPoints(x, n, d);
  const reps = distinctRows(P, dd, nn);
  if (reps.length === 1) return 0;
  return affineSpan(P, dd, reps, tl).dim;
}
