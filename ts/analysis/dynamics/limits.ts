/**
 * Convergence and limits (SPEC.md §3 "Limit classification", §4 preamble,
 * §6 item 7): the class of each token's limit, the number of distinct limit
 * points, the "converged" test, and the "no finite-time convergence" check.
 *
 * Inputs are flat row-major arrays of exactly n*d finite numbers (token i at
 * x[i*d .. i*d+d)) or n rows of d (check.ts `readState`), or a Trajectory
 * (snapshot s, token i, coordinate c at data[(s*n+i)*d+c]; trajectory.ts
 * `checkTrajectory` refuses non-finite data, naming the snapshot and token);
 * they are read, never mutated or kept. Options objects refuse unknown keys. Results are fresh typed arrays and plain objects
 * owned by the caller. Time is the step index t of `tr.times`, not the snapshot
 * index.
 */
import { checkInt, checkNumber, checkOneOf, checkOptions, checkTieTolerance, readMatrix, readState } from '../../check.js';
import { clusters, clustersOf } from '../attention/clusters.js';
import { fitRange } from './fit.js';
import { defaultTol, maxNorm, precisionOf, ulp } from '../tolerance.js';
import { nearestInHull } from '../geometry/nearest.js';
import { hullRows } from '../geometry/hull.js';
import { wolfeNearest } from '../geometry/nearest.js';
import { distanceBetween, ldexp, normAt, normalise } from '../geometry/scale.js';
import { checkTrajectory, type Trajectory } from './trajectory.js';
import { projectRows, type MatrixLike, type StateLike } from '../attention/alignment.js';

// ---------------------------------------------------------------------------
// Limit classification

/** Limit class codes of `LimitClasses.kind`. */
export const LIMIT_KIND = {
  /** The cluster centroid is a vertex of the hull of the centroids. */
  vertex: 0,
  /** On the relative boundary of that hull (an edge or facet), not a vertex. */
  boundary: 1,
  /** In the relative interior of that hull. */
  interior: 2,
  /** Not a vertex; boundary/interior not decided (the centroids span more than 3 dimensions). */
  nonVertex: 3,
} as const;

/** Where a non-vertex limit sits on the hull's boundary. */
export interface FacePosition {
  /** Cluster indices of the face's corners: 2 for an edge, 3 for a triangle of a (fan-triangulated) facet; 1 for a vertex. */
  vertices: Int32Array;
  /** Barycentric weights of the centroid's nearest point in that face (sum 1, same order). */
  weights: Float64Array;
  /** Distance from the centroid to that face (<= tol). */
  distance: number;
}

/** Result of `limitClasses`. */
export interface LimitClasses {
  /** Number of clusters (distinct limit points at the tolerance). */
  clusters: number;
  /** Per token: its cluster, 0..clusters−1 by first appearance. */
  labels: Int32Array;
  /** Tokens per cluster. */
  sizes: Int32Array;
  /** clusters*d centroids, row-major. */
  centroids: Float64Array;
  /** Per token: LIMIT_KIND of its cluster (0 vertex, 1 boundary non-vertex, 2 interior, 3 non-vertex unsplit). */
  kind: Uint8Array;
  /** Per token: distance from its cluster centroid to the nearest vertex centroid (0 for vertices). */
  distanceToVertex: Float64Array;
  /** Per cluster: LIMIT_KIND. */
  clusterKind: Uint8Array;
  /** Per cluster: distance of the centroid to the nearest vertex centroid. */
  clusterDistanceToVertex: Float64Array;
  /** Per cluster: its position on the boundary (vertices: itself with weight 1; boundary: the edge/triangle; else null). */
  barycentric: Array<FacePosition | null>;
  /** Cluster indices of the vertex clusters, ascending. */
  vertexClusters: Int32Array;
  /** Affine dimension of the centroids (at the tolerance). */
  dim: number;
  /** True when boundary and interior were told apart (dim <= 3). */
  split: boolean;
  /** The distance tolerance used. */
  tol: number;
  /**
   * Per token: 1 when the token is in the Maximal Alignment Set S of the
   * state (SPEC §3 "Leaders", "Limit classification"), i.e.
   * a_ii >= m_i − τ·max(1,|m_i|) with a_ij = <A x_i, x_j> and m_i = max_j a_ij;
   * else 0. Hardmax limits stay in S even when they are not vertices (AFZ
   * case 3's (±1, 0)); a token outside S is the paper's localmax artifact.
   */
  inS: Uint8Array;
  /** Number of tokens outside S (the zeros of `inS`). */
  outsideS: number;
  /** Per token: m_i − a_ii >= 0, in alignment units of x (0 for the tokens attaining their row maximum). */
  alignmentGap: Float64Array;
  /** The tie tolerance τ used for `inS`. */
  tieTolerance: number;
}

/** Options of `limitClasses` and `distinctLimitPoints`. */
export interface LimitOptions {
  /** Distance tolerance: cluster linkage, vertex and boundary tests. Default 1e-6·max(1, R), R = max_i |x_i|. */
  tol?: number;
  /** `limitClasses` only: the d×d alignment matrix A of the membership in S (flat row-major or d rows); identity when absent or null. */
  A?: MatrixLike;
  /**
   * `limitClasses` only: the relative tie tolerance τ >= 0 (finite) of the membership in S. Default per
   * precision of x (check.ts `defaultTieTolerance`): 1e-5 for a Float32Array, else 1e-12.
   */
  tieTolerance?: number;
}

/**
 * Classifies the limit of every token from a (final) state x (SPEC §3 "Limit
 * classification"). Tokens are grouped by single-linkage clusters at `tol`;
 * each cluster centroid c is then
 *   - a vertex (0) when its distance to the hull of the other centroids exceeds tol
 *     (LP-free: first a separating direction, c minus the mean of the centroids,
 *     which certifies most vertices in one pass; otherwise Wolfe's minimum-norm
 *     point, stopped as soon as its bounds decide against tol; a distance within
 *     1e-14 of the set's extent of tol may go either way);
 *   - boundary non-vertex (1) when it lies within tol of the relative boundary
 *     of the centroids' hull: an edge of the polygon (affine dimension 2) or a
 *     facet triangle of the polytope (dimension 3, facets from the exact 3D hull);
 *   - interior (2) otherwise. A segment's (dimension 1) relative boundary is its
 *     two end vertices, so its non-vertex points are interior;
 *   - non-vertex (3) without the boundary/interior split when the centroids
 *     span more than 3 dimensions (no LP is used here).
 * "Boundary" and "interior" are relative to the affine hull of the centroids:
 * the polygon of a planar limit set in R^3 has an interior.
 * `distanceToVertex` is the distance from the centroid to the nearest vertex
 * centroid, and `barycentric` the centroid's position in its edge or facet triangle.
 *
 * Membership in S (SPEC §3: the paper's artifacts are limits outside the
 * Maximal Alignment Set, not merely non-vertex limits): per token of x itself
 * (not of the centroids), `inS[i]` = 1 when a_ii >= m_i − τ·max(1,|m_i|),
 * a_ij = <A x_i, x_j> (A = I unless `A` is given), m_i = max_j a_ij, as
 * attention/leaders.ts `leaders` (the same dot products in the same order,
 * so the same set for states whose largest |coordinate| lies in
 * [2^-128, 2^128]; outside that range the test runs on x·2^k with the
 * threshold scaled by 2^(2k), exact, so huge and tiny states are classified
 * without overflow). `alignmentGap` = m_i − a_ii tells a rounding-level
 * miss from a real one. Tokens not yet merged into their cluster count
 * individually: a token 1e-9 inside a vertex cluster has a gap of about
 * 1e-9·|x| and is outside S at τ = 1e-12.
 *
 * Cost, with k clusters spanning `dim` dimensions: clustering O(n log n) for
 * clustered states (see clusters.ts), then for dim ≤ 3 the exact hull of the
 * centroids and a Wolfe test per hull vertex only; for dim > 3 one O(k·dim)
 * direction test per centroid (O(k²·dim) in all, with a small constant: about
 * 0.3 s for k = 2000 distinct points in dim = 50, where every centroid is a
 * vertex) plus a Wolfe run for the centroids it leaves open; the membership in
 * S adds O(n²·d) (one alignment matrix, as one simulation step).
 * Scale-invariant: x is normalised by a power of two first (scale.ts), so
 * 2^j·x with tol·2^j gives the same classes (distances times 2^j).
 *
 * @param x n*d row-major state, or n rows of d (check.ts `readState`)
 * @param opts `tol`: a finite distance >= 0 (default 1e-6·max(1, R), R = max_i |x_i|);
 *   `A`: alignment matrix of the membership in S (identity when absent or null);
 *   `tieTolerance`: τ >= 0 finite (default 1e-5 for a Float32Array x, else 1e-12)
 */
export function limitClasses(x: StateLike, n: number, d: number, opts: LimitOptions = {}): LimitClasses {
  const o = checkOptions<LimitOptions>(opts, 'options', ['tol', 'A', 'tieTolerance']);
  const tolIn = o.tol === undefined ? undefined : checkNumber(o.tol, 'tol', { min: 0 });
  const tau = checkTieTolerance(o.tieTolerance, x, 'tieTolerance');
  const s = readState(x, n, d);
  const nn = s.n;
  const dd = s.d;
  const M = readMatrix(o.A, dd, 'A');
  const { P, shift } = normalise(s.X);
  const membership = maximalAlignmentMembership(P, nn, dd, M, shift, tau);
  const sc = clustersOf(P, nn, dd, shift, tolIn);
  const cl = sc.cl;
  const tol = sc.tol;
  const ts = sc.tolScaled; // tol in P's units
  const k = cl.count;
  const C = cl.centroids;

  // Orthonormal basis of the affine hull (pivoted Gram–Schmidt at tolerance tol).
  const { dim, coords } = affineCoordinates(C, k, dd, ts);

  // Vertex test: distance to the hull of the other centroids > tol.
  const isVertex = new Uint8Array(k);
  if (k === 1 || dim === 0) isVertex[0] = 1; // dim = 0 with k > 1 cannot happen: distinct clusters are > tol apart
  else {
    const candidates = dim <= 3 ? hullRows(coords, k, dim).vertices : Int32Array.from({ length: k }, (_, j) => j);
    const open = dim > 3 ? directionCertificates(coords, k, dim, ts, isVertex) : candidates;
    const others = new Int32Array(k - 1);
    const q = new Float64Array(dim);
    for (const j of open) {
      if (isVertex[j] === 1) continue;
      let w = 0;
      for (let l = 0; l < k; l++) if (l !== j) others[w++] = l;
      for (let c = 0; c < dim; c++) q[c] = coords[j * dim + c] as number;
      if (separatedFromHull(coords, dim, q, others, ts)) isVertex[j] = 1;
    }
  }
  const vertexList: number[] = [];
  for (let j = 0; j < k; j++) if (isVertex[j]) vertexList.push(j);
  const vertexClusters = Int32Array.from(vertexList);

  const clusterKind = new Uint8Array(k);
  const clusterDistanceToVertex = new Float64Array(k);
  const barycentric: Array<FacePosition | null> = new Array<FacePosition | null>(k).fill(null);
  const split = dim <= 3;

  // Boundary pieces of the relative boundary: edges (dim 2) or triangles (dim 3), in cluster indices.
  let pieces: Int32Array = new Int32Array(0);
  let stride = 0;
  if (dim === 2) {
    pieces = polygonEdges(coords, vertexClusters);
    stride = 2;
  } else if (dim === 3 && vertexClusters.length >= 4) {
    const sub = new Float64Array(vertexClusters.length * 3);
    vertexClusters.forEach((j, u) => {
      for (let c = 0; c < 3; c++) sub[u * 3 + c] = coords[j * 3 + c] as number;
    });
    const faces = hullRows(sub, vertexClusters.length, 3).faces;
    pieces = new Int32Array(faces.length);
    for (let u = 0; u < faces.length; u++) pieces[u] = vertexClusters[faces[u] as number] as number;
    stride = 3;
  }

  const q = new Float64Array(Math.max(dim, 1));
  for (let j = 0; j < k; j++) {
    if (isVertex[j]) {
      clusterKind[j] = LIMIT_KIND.vertex;
      barycentric[j] = { vertices: new Int32Array([j]), weights: new Float64Array([1]), distance: 0 };
      continue;
    }
    let best = Infinity;
    for (const v of vertexList) {
      const s2 = distanceBetween(C, j * dd, C, v * dd, dd);
      if (s2 < best) best = s2;
    }
    clusterDistanceToVertex[j] = ldexp(best, -shift);
    if (!split) {
      clusterKind[j] = LIMIT_KIND.nonVertex;
      continue;
    }
    clusterKind[j] = LIMIT_KIND.interior;
    if (stride === 0) continue;
    for (let c = 0; c < dim; c++) q[c] = coords[j * dim + c] as number;
    let found: FacePosition | null = null;
    for (let p = 0; p + stride <= pieces.length; p += stride) {
      const face = pieces.subarray(p, p + stride);
      if (flatDistance(coords, dim, q, face) > ts) continue; // cheap reject: the edge's line / facet's plane is far
      const h = nearestInHull(coords, dim, q, face);
      if (h.distance <= ts && (found === null || h.distance < found.distance)) {
        found = { vertices: Int32Array.from(face), weights: h.weights, distance: h.distance };
      }
    }
    if (found) {
      found.distance = ldexp(found.distance, -shift);
      clusterKind[j] = LIMIT_KIND.boundary;
      barycentric[j] = found;
    }
  }

  const kind = new Uint8Array(nn);
  const distanceToVertex = new Float64Array(nn);
  for (let i = 0; i < nn; i++) {
    const l = cl.labels[i] as number;
    kind[i] = clusterKind[l] as number;
    distanceToVertex[i] = clusterDistanceToVertex[l] as number;
  }
  const centroids = Float64Array.from(C);
  if (shift !== 0) for (let t = 0; t < centroids.length; t++) centroids[t] = ldexp(centroids[t] as number, -shift);
  return {
    clusters: k,
    labels: Int32Array.from(cl.labels),
    sizes: Int32Array.from(cl.sizes),
    centroids,
    kind,
    distanceToVertex,
    clusterKind,
    clusterDistanceToVertex,
    barycentric,
    vertexClusters,
    dim,
    split,
    tol,
    inS: membership.inS,
    outsideS: membership.outside,
    alignmentGap: membership.gap,
    tieTolerance: tau,
  };
}

/**
 * Membership in S of every token of P = x·2^shift (`limitClasses`): with
 * a^P = 2^(2·shift)·a^x exactly, a^x_ii >= m^x − τ·max(1,|m^x|) is
 * a^P_ii >= m^P − τ·max(2^(2·shift), |m^P|). Dot products as leaders.ts:
 * one float64 sum over ascending coordinates of (A p_i)·p_j. O(n²·d).
 */
function maximalAlignmentMembership(
  P: Float64Array,
  n: number,
  d: number,
  M: Float64Array | null,
  shift: number,
  tau: number,
): { inS: Uint8Array; outside: number; gap: Float64Array } {
  const Q = projectRows(P, n, d, M);
  const unit = ldexp(1, 2 * shift); // 1 in P's alignment units (may be 0 or Infinity far out)
  const inS = new Uint8Array(n);
  const gap = new Float64Array(n);
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const qi = i * d;
    let m = -Infinity;
    let self = 0;
    for (let j = 0; j < n; j++) {
      let a = 0;
      for (let c = 0; c < d; c++) a += (Q[qi + c] as number) * (P[j * d + c] as number);
      if (j === i) self = a;
      if (a > m) m = a;
    }
    if (!Number.isFinite(m) || !Number.isFinite(self)) {
      throw new RangeError(`A must keep the alignments <A x_i, x_j> of the rescaled state finite; got a non-finite alignment in row ${i}: rescale A`);
    }
    const slack = tau === 0 ? 0 : tau * Math.max(unit, Math.abs(m));
    if (self >= m - slack) inS[i] = 1;
    else outside++;
    gap[i] = ldexp(m - self, -2 * shift);
  }
  return { inS, outside, gap };
}

const EPS = 2 ** -52;

/**
 * The cheap vertex certificate of `limitClasses` (dim > 3): centroid j is a
 * vertex when u = c_j − mean separates it from every other centroid by more
 * than tol (<u, c_j − c_l> > tol·|u| plus a rounding margin for all l ≠ j):
 * then the hull of the others lies beyond that hyperplane, farther than tol.
 * Marks the certified centroids in `isVertex` and returns the others. O(k²·dim)
 * with an early exit at the first l that fails.
 */
function directionCertificates(coords: Float64Array, k: number, dim: number, tol: number, isVertex: Uint8Array): Int32Array {
  const mean = new Float64Array(dim);
  let M = 0;
  for (let j = 0; j < k; j++) {
    for (let c = 0; c < dim; c++) {
      const v = coords[j * dim + c] as number;
      mean[c] = (mean[c] as number) + v;
      if (Math.abs(v) > M) M = Math.abs(v);
    }
  }
  for (let c = 0; c < dim; c++) mean[c] = (mean[c] as number) / k;
  const u = new Float64Array(dim);
  const open: number[] = [];
  for (let j = 0; j < k; j++) {
    let u1 = 0;
    let u2 = 0;
    for (let c = 0; c < dim; c++) {
      const v = (coords[j * dim + c] as number) - (mean[c] as number);
      u[c] = v;
      u1 += Math.abs(v);
      u2 += v * v;
    }
    if (!(u2 > 0)) {
      open.push(j);
      continue;
    }
    let sj = 0;
    for (let c = 0; c < dim; c++) sj += (u[c] as number) * (coords[j * dim + c] as number);
    // every dot product is off by at most γ_dim·|u|₁·M; a difference of two by twice that
    const need = tol * Math.sqrt(u2) + 4 * (dim + 2) * EPS * u1 * M;
    let ok = true;
    for (let l = 0; l < k && ok; l++) {
      if (l === j) continue;
      let sl = 0;
      const o = l * dim;
      for (let c = 0; c < dim; c++) sl += (u[c] as number) * (coords[o + c] as number);
      if (!(sj - sl > need)) ok = false;
    }
    if (ok) isVertex[j] = 1;
    else open.push(j);
  }
  return Int32Array.from(open);
}

/**
 * Whether the point q is farther than tol from conv{coords rows `others`}:
 * Wolfe's algorithm stopped as soon as its certified lower bound exceeds tol
 * (far) or its distance is within tol plus its tolerance (1e-14 of the
 * extent: near; the distance found then decides, so distances within that
 * band above tol may go either way).
 */
function separatedFromHull(coords: Float64Array, dim: number, q: Float64Array, others: Int32Array, tol: number): boolean {
  const r = wolfeNearest(coords, dim, q, { rows: others, relativeTolerance: 1e-14, stopAbove: tol, stopBelow: tol });
  return r.lower > tol || r.distance > tol;
}

/**
 * Number of distinct limit points of a (final) state: the number of
 * single-linkage clusters at `tol` (a finite distance >= 0; default
 * 1e-6·max(1, R)), as `clusters`.
 */
export function distinctLimitPoints(x: StateLike, n: number, d: number, tol?: number): number {
  return clusters(x, n, d, tol === undefined ? undefined : checkNumber(tol, 'tol', { min: 0 })).count;
}

/**
 * Coordinates of k points of R^d in an orthonormal basis of their affine hull
 * (origin: point 0), by Gram–Schmidt with pivoting on the largest residual;
 * directions whose largest residual is <= tol are dropped.
 */
function affineCoordinates(C: Float64Array, k: number, d: number, tol: number): { dim: number; coords: Float64Array } {
  const basis: Float64Array[] = [];
  const res = new Float64Array(k * d);
  for (let j = 0; j < k; j++) for (let c = 0; c < d; c++) res[j * d + c] = (C[j * d + c] as number) - (C[c] as number);
  const maxDim = Math.min(d, Math.max(0, k - 1));
  while (basis.length < maxDim) {
    let bj = -1;
    let bn = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (res[j * d + c] as number) ** 2;
      if (s > bn) {
        bn = s;
        bj = j;
      }
    }
    if (bj < 0 || !(Math.sqrt(bn) > tol)) break;
    const e = new Float64Array(d);
    const nb = Math.sqrt(bn);
    for (let c = 0; c < d; c++) e[c] = (res[bj * d + c] as number) / nb;
    // re-orthogonalise against the basis (rounding), then normalise
    for (const b of basis) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += (e[c] as number) * (b[c] as number);
      for (let c = 0; c < d; c++) e[c] = (e[c] as number) - dot * (b[c] as number);
    }
    let ne = 0;
    for (let c = 0; c < d; c++) ne += (e[c] as number) ** 2;
    ne = Math.sqrt(ne);
    for (let c = 0; c < d; c++) e[c] = (e[c] as number) / ne;
    basis.push(e);
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += (res[j * d + c] as number) * (e[c] as number);
      for (let c = 0; c < d; c++) res[j * d + c] = (res[j * d + c] as number) - dot * (e[c] as number);
    }
  }
  const dim = basis.length;
  const coords = new Float64Array(k * dim);
  for (let j = 0; j < k; j++) {
    for (let b = 0; b < dim; b++) {
      const e = basis[b] as Float64Array;
      let s = 0;
      for (let c = 0; c < d; c++) s += ((C[j * d + c] as number) - (C[c] as number)) * (e[c] as number);
      coords[j * dim + b] = s;
    }
  }
  return { dim, coords };
}

/**
 * Distance from q to the line through an edge (dim 2, face = 2 rows) or the
 * plane through a triangle (dim 3, face = 3 rows): a lower bound of the distance
 * to the piece itself. 0 when the piece is degenerate (no reject).
 */
function flatDistance(coords: Float64Array, dim: number, q: Float64Array, face: Int32Array): number {
  const a = (face[0] as number) * dim;
  const b = (face[1] as number) * dim;
  if (dim === 2) {
    const ex = (coords[b] as number) - (coords[a] as number);
    const ey = (coords[b + 1] as number) - (coords[a + 1] as number);
    const len = Math.hypot(ex, ey);
    if (!(len > 0)) return 0;
    return Math.abs(ex * ((q[1] as number) - (coords[a + 1] as number)) - ey * ((q[0] as number) - (coords[a] as number))) / len;
  }
  const c = (face[2] as number) * dim;
  const u0 = (coords[b] as number) - (coords[a] as number);
  const u1 = (coords[b + 1] as number) - (coords[a + 1] as number);
  const u2 = (coords[b + 2] as number) - (coords[a + 2] as number);
  const v0 = (coords[c] as number) - (coords[a] as number);
  const v1 = (coords[c + 1] as number) - (coords[a + 1] as number);
  const v2 = (coords[c + 2] as number) - (coords[a + 2] as number);
  const nx = u1 * v2 - u2 * v1;
  const ny = u2 * v0 - u0 * v2;
  const nz = u0 * v1 - u1 * v0;
  const len = Math.hypot(nx, ny, nz);
  if (!(len > 0)) return 0;
  return Math.abs(nx * ((q[0] as number) - (coords[a] as number)) + ny * ((q[1] as number) - (coords[a + 1] as number)) + nz * ((q[2] as number) - (coords[a + 2] as number))) / len;
}

/** The polygon's edges (pairs of cluster indices) of points in convex position in the plane, ordered by angle. */
function polygonEdges(coords: Float64Array, verts: Int32Array): Int32Array {
  const m = verts.length;
  if (m < 2) return new Int32Array(0);
  if (m === 2) return Int32Array.from(verts);
  let cx = 0;
  let cy = 0;
  for (const j of verts) {
    cx += coords[2 * j] as number;
    cy += coords[2 * j + 1] as number;
  }
  cx /= m;
  cy /= m;
  const order = Array.from(verts).sort(
    (a, b) =>
      Math.atan2((coords[2 * a + 1] as number) - cy, (coords[2 * a] as number) - cx) -
      Math.atan2((coords[2 * b + 1] as number) - cy, (coords[2 * b] as number) - cx),
  );
  const out = new Int32Array(2 * m);
  for (let u = 0; u < m; u++) {
    out[2 * u] = order[u] as number;
    out[2 * u + 1] = order[(u + 1) % m] as number;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Convergence

/** Options of `convergence`. */
export interface ConvergenceOptions {
  /** Threshold on the per-step displacement. Default SPEC §4 tol: 1e-12·max(1,R) (f64 data) or 1e-5·max(1,R) (f32 data), R at the last snapshot. */
  tol?: number;
  /** Number of final snapshot gaps that must all be below tol. Default 10. */
  window?: number;
}

/** Result of `convergence`. */
export interface Convergence {
  /** True iff the last `window` snapshot gaps all have maxStep < tol. */
  converged: boolean;
  /** Per snapshot gap s (count−1 entries): max_i |x_i(s+1) − x_i(s)| / (t_{s+1} − t_s). */
  maxStep: Float64Array;
  /** maxStep of the last gap (NaN with a single snapshot). */
  lastMaxStep: number;
  /** Smallest maxStep over all gaps (NaN with a single snapshot). */
  minMaxStep: number;
  tol: number;
  window: number;
}

/**
 * "Converged" in the sense of SPEC §3: max_i |x_i(t+1) − x_i(t)| < tol over the
 * last `window` snapshot gaps. A gap spanning k steps is divided by k (the
 * mean displacement per step). Convergence is never finite-time, so this is
 * a numerical statement about the recorded window only.
 */
export function convergence(tr: Trajectory, opts: ConvergenceOptions = {}): Convergence {
  checkTrajectory(tr);
  const o = checkOptions<ConvergenceOptions>(opts, 'options', ['tol', 'window']);
  const { n, d, count, data, times } = tr;
  const tol = o.tol === undefined
    ? defaultTol(precisionOf(data), maxNorm(data, n, d, (count - 1) * n * d))
    : checkNumber(o.tol, 'tol', { min: 0, minExclusive: true });
  const window = o.window === undefined ? 10 : checkInt(o.window, 'window', 1);
  return convergenceOf(tr, tol, window);
}

/** convergence on a checked trajectory and options. */
function convergenceOf(tr: Trajectory, tol: number, window: number): Convergence {
  const { n, d, count, data, times } = tr;
  const gaps = Math.max(0, count - 1);
  const maxStep = new Float64Array(gaps);
  let minMax = Infinity;
  const len = n * d;
  for (let s = 0; s < gaps; s++) {
    let m = 0;
    const a = s * len;
    const b = a + len;
    for (let i = 0; i < n; i++) {
      const q = distanceBetween(data, b + i * d, data, a + i * d, d);
      if (q > m) m = q;
    }
    const v = m / ((times[s + 1] as number) - (times[s] as number));
    maxStep[s] = v;
    if (v < minMax) minMax = v;
  }
  let converged = gaps >= window;
  for (let s = gaps - window; converged && s < gaps; s++) if (!((maxStep[s] as number) < tol)) converged = false;
  return {
    converged,
    maxStep,
    lastMaxStep: gaps > 0 ? (maxStep[gaps - 1] as number) : NaN,
    minMaxStep: gaps > 0 ? minMax : NaN,
    tol,
    window,
  };
}

// ---------------------------------------------------------------------------
// No finite-time convergence

/** Per-token status codes of `finiteTimeCheck`. */
export const DECAY_STATUS = {
  /** Positive distance over a fit window of at least minPoints snapshots: rate fitted. */
  decaying: 0,
  /** Distance exactly 0 at every snapshot considered: the token sat at its limit throughout. */
  stationary: 1,
  /** Distance became exactly 0 before the end and stayed 0 (see `arrivals`). */
  arrived: 2,
  /** Fewer than minPoints snapshots above the rounding floor: no fit. */
  tooFewPoints: 3,
} as const;

/** An exact arrival at the limit. */
export interface Arrival {
  token: number;
  /** First snapshot of the final run of zero distances, and its step index. */
  s: number;
  t: number;
  /** The last positive distance before the arrival. */
  lastDistance: number;
  /** The token's rounding floor (see FiniteTimeOptions.floorScale). */
  floor: number;
  /** True when lastDistance <= floor: rounding landed the token on its target (SPEC §4). */
  rounding: boolean;
}

/** Options of `finiteTimeCheck`. */
export interface FiniteTimeOptions {
  /** n*d target positions. Default: the last snapshot. */
  limit?: ArrayLike<number>;
  /** Fit only while the distance exceeds floorUlps·ulp(scale_i) (ulp of the data's precision). Default 1e3 (SPEC §4). */
  floorUlps?: number;
  /**
   * The scale of the rounding floor. 'state' (default): max(|target_i|, R), R = max_j |x_j| at the
   * first snapshot of the fit window, because the rounding of every step is on the scale of the
   * numbers averaged and a drift of the common limit never decays; never below SPEC's floor.
   * 'target': |target_i|, SPEC §4 to the letter (too low when the target is near the origin).
   */
  floorScale?: 'state' | 'target';
  /** First step index t of the fit window (snapshots with times >= from). Default: the first snapshot. */
  from?: number;
  /** Minimum number of points for a fit. Default 3. */
  minPoints?: number;
}

/** Result of `finiteTimeCheck`. */
export interface FiniteTimeReport {
  /** Per token: exp(slope), the fitted geometric contraction per step of |x_i(t) − target_i| (NaN without a fit). */
  rate: Float64Array;
  /** Per token: least-squares slope of log distance against t (per step). */
  slope: Float64Array;
  /** Per token: R² of that fit (NaN without a fit). */
  r2: Float64Array;
  /** Per token: number of snapshots in the fit window. */
  points: Int32Array;
  /** Per token: step index of the last snapshot in the fit window (NaN without one). */
  windowEnd: Float64Array;
  /** Per token: DECAY_STATUS code. */
  status: Uint8Array;
  /** Per token: the rounding floor used. */
  floor: Float64Array;
  /** Exact arrivals, rounding-caused or not, in token order. */
  arrivals: Arrival[];
  /** Arrivals not explained by rounding (a finite-time convergence, if any). */
  finiteTimeArrivals: number;
  /** True iff no arrival is unexplained by rounding. */
  noFiniteTimeConvergence: boolean;
  /** min over snapshot gaps of max_i |Δx_i| per step (SPEC §6 item 7); NaN with one snapshot. */
  minMaxStep: number;
}

/**
 * The "no finite-time convergence" check (SPEC §4 item 5, §6 item 7). For each
 * token, the distance to its limit (the last snapshot, or `limit`) is followed
 * from the first snapshot at t >= from while it exceeds the rounding floor
 * floorUlps·ulp(max(|target|, R)) (SPEC §4's 1e3·ulp(|target|), raised to the
 * state's scale R; see `floorScale`); over that window the least-squares slope of
 * log(distance) against t gives the per-step rate exp(slope) and R². A token
 * whose distance becomes exactly 0 before the end (and stays 0) is an exact
 * arrival, attributed to rounding when its last positive distance was already
 * at or below the floor. With the default target (the last snapshot) the last
 * snapshot's distance is 0 by definition and is never an arrival.
 */
export function finiteTimeCheck(tr: Trajectory, opts: FiniteTimeOptions = {}): FiniteTimeReport {
  checkTrajectory(tr);
  const o = checkOptions<FiniteTimeOptions>(opts, 'options', ['limit', 'floorUlps', 'floorScale', 'from', 'minPoints']);
  const { n, d, count, data, times } = tr;
  const len = n * d;
  const explicit = o.limit !== undefined;
  const target: ArrayLike<number> = explicit ? readState(o.limit, n, d, 'limit').X : data.subarray((count - 1) * len, count * len);
  const floorUlps = o.floorUlps === undefined ? 1e3 : checkNumber(o.floorUlps, 'floorUlps', { min: 0 });
  const from = o.from === undefined ? (times[0] as number) : checkNumber(o.from, 'from');
  const minPoints = o.minPoints === undefined ? 3 : checkInt(o.minPoints, 'minPoints', 2);
  const floorScale = checkOneOf(o.floorScale, 'floorScale', ['state', 'target'] as const, 'state');
  const precision = precisionOf(data);
  let s0 = 0;
  while (s0 < count && (times[s0] as number) < from) s0++;
  const R0 = s0 < count && floorScale === 'state' ? maxNorm(data, n, d, s0 * len) : 0;
  const sEnd = explicit ? count : count - 1; // snapshots whose distance is informative

  const rate = new Float64Array(n).fill(NaN);
  const slope = new Float64Array(n).fill(NaN);
  const r2 = new Float64Array(n).fill(NaN);
  const points = new Int32Array(n);
  const windowEnd = new Float64Array(n).fill(NaN);
  const status = new Uint8Array(n);
  const floor = new Float64Array(n);
  const arrivals: Arrival[] = [];
  const dist = new Float64Array(count);
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);

  for (let i = 0; i < n; i++) {
    const fl = floorUlps * ulp(Math.max(normAt(target, i * d, d), R0), precision);
    floor[i] = fl;
    let anyPositive = false;
    for (let s = s0; s < count; s++) {
      dist[s] = distanceBetween(data, s * len + i * d, target, i * d, d);
      if (s < sEnd && (dist[s] as number) !== 0) anyPositive = true;
    }
    // exact arrival: a final run of zeros that starts before sEnd, preceded by a positive distance
    let z = sEnd;
    while (z > s0 && (dist[z - 1] as number) === 0) z--;
    const arrived = z < sEnd && z > s0;
    if (arrived) {
      const last = dist[z - 1] as number;
      arrivals.push({ token: i, s: z, t: times[z] as number, lastDistance: last, floor: fl, rounding: last <= fl });
    }
    // fit window: first snapshot above the floor, then contiguous while above it
    let a = s0;
    while (a < sEnd && !((dist[a] as number) > fl)) a++;
    let b = a;
    while (b < sEnd && (dist[b] as number) > fl) b++;
    const m = b - a;
    points[i] = m;
    if (m >= minPoints) {
      for (let s = a; s < b; s++) {
        xs[s - a] = times[s] as number;
        ys[s - a] = Math.log(dist[s] as number);
      }
      const f = fitRange(xs, ys, 0, m);
      slope[i] = f.slope;
      rate[i] = Math.exp(f.slope);
      r2[i] = f.r2;
      windowEnd[i] = times[b - 1] as number;
    }
    if (arrived) status[i] = DECAY_STATUS.arrived;
    else if (sEnd <= s0) status[i] = DECAY_STATUS.tooFewPoints;
    else if (!anyPositive) status[i] = DECAY_STATUS.stationary;
    else if (m >= minPoints) status[i] = DECAY_STATUS.decaying;
    else status[i] = DECAY_STATUS.tooFewPoints;
  }
  const finiteTimeArrivals = arrivals.filter((r) => !r.rounding).length;
  let minMaxStep = NaN;
  if (count > 1) minMaxStep = convergenceOf(tr, Number.MAX_VALUE, 1).minMaxStep;
  return {
    rate,
    slope,
    r2,
    points,
    windowEnd,
    status,
    floor,
    arrivals,
    finiteTimeArrivals,
    noFiniteTimeConvergence: finiteTimeArrivals === 0,
    minMaxStep,
  };
}
