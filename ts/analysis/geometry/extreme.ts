/**
 * Extreme points by linear programming (any dimension), and Wolfe's
 * nearest-point algorithm for the distance from a point to a convex hull.
 *
 * Internal module of the hull code (ts/analysis/geometry/hull.ts is the public entry:
 * it validates, merges duplicates and reduces to the affine span before
 * calling `lpVertexFlags`).
 *
 * ## LP solver: YALPS 0.6 (MIT), its continuous simplex vendored in ts/vendor/yalps/
 *
 * Chosen over the candidates named in the issue after installing each here
 * and timing the separation LP below (50 random instances each, Node 20):
 *
 * | package | licence | runtime | |W| = 20, k = 5 | |W| = 60, k = 8 | |W| = 200, k = 16 |
 * | --- | --- | --- | --- | --- | --- |
 * | yalps 0.6.4 | MIT | pure TS, synchronous | 0.23 ms | 1.2 ms | 5.3 ms |
 * | javascript-lp-solver 1.0.3 | Unlicense | pure JS, synchronous | 0.47 ms | 1.4 ms | 7.1 ms |
 * | highs 1.15.3 (HiGHS → wasm) | MIT | async wasm factory, 3.5 MB | 4.8 ms | 5.3 ms | 19 ms |
 * | glpk.js 5.0.0 | GPL-3.0 | wasm | not used: GPL is incompatible with this MIT package |
 *
 * All three that ran agreed on the optimum to 9 digits. `highs` is the
 * strongest solver for large LPs, but its loader is asynchronous (the module
 * is a Promise-returning Emscripten factory that fetches a 3.5 MB wasm), so a
 * synchronous `hullVertices` could only use it after a separate `await` and
 * would have to throw before that; our LPs are tiny (k + 2 columns, a few
 * dozen rows), where its per-call overhead dominates. javascript-lp-solver
 * rounds results to 1e-9 by default and is slower; YALPS is its typed
 * rewrite, is maintained (0.6.4, 2026), has one tiny dependency (`heap`,
 * used only for integer problems), runs unchanged in Node and browsers, and
 * was the fastest here. Its simplex is a dense tableau with Dantzig pricing;
 * we switch on its cycle check because our LPs start fully degenerate.
 * Issue 10: only its LP part is used, so that part is vendored (the package
 * then has no bare import and no top-level await; `heap`, CommonJS, served
 * only its integer branch-and-cut). Dropping YALPS for Wolfe's algorithm
 * alone (below) was measured too: the same vertices on the test suite's
 * brute-force comparisons, but 785 → 1116 ms for 3000 uniform points in
 * d = 10, 1.9 → 4.2 ms on a degenerate grid in d = 5, and one point of a
 * clustered cloud (d = 8) inside the 1e-9 band decided the other way.
 *
 * ## The extreme-point test
 *
 * Points are first centred at their centroid and scaled by a power of two so
 * that every coordinate lies in [−1, 1]; all tolerances below are in those
 * units (the rounding of the centring is covered by the margins below).
 * x_i is a vertex iff some u has <u, x_j − x_i> < 0 for every other distinct
 * x_j. For a working set W of other points we solve
 *
 *     maximise t  s.t.  <u, x_j − x_i> + t ≤ 0  (j ∈ W),   ‖u‖₁ ≤ 1
 *
 * (u = u⁺ − u⁻ with u⁺, u⁻ ≥ 0; the right-hand sides are perturbed by
 * distinct amounts below 2e-11 against degenerate cycling). By LP duality t*
 * is the L∞ distance from x_i to conv(W) ≥ the L∞ distance to
 * conv(all others). So:
 *   - t* ≤ LP_TOLERANCE (1e-9) → x_i is within 1e-9 of the hull of the
 *     others: reported as NOT a vertex;
 *   - otherwise the optimal u is checked against ALL points in floating point
 *     with a rigorous rounding margin; if it separates strictly, x_i is a
 *     vertex (certified); if not, the most violating points join W and the LP
 *     is solved again (cutting planes; W only grows, so this terminates).
 * Before any LP, cheap certificates decide most points:
 *   - the unique maximiser of <u, ·> (by more than the rounding margin) for
 *     the ±coordinate axes and a seeded bank of random directions is a
 *     vertex;
 *   - the direction x_i − centroid often certifies x_i at once;
 *   - a point strictly inside a simplex of already certified vertices
 *     (barycentric coordinates all > 1e-8) is not a vertex;
 *   - the remaining points, farthest from the centroid first, are measured
 *     against the hull of all vertices certified so far by Wolfe's algorithm
 *     (below): within LP_TOLERANCE → not a vertex (Wolfe's point is a convex
 *     combination, so it never under-estimates the distance); otherwise the
 *     direction from the nearest point seeds the LP rounds, which often
 *     certifies the point without any LP (capped at 4k + 20 iterations and
 *     stopped as soon as it separates: it is only a pre-filter).
 * A point ruled out stays out: later tests compare against the points not
 * yet ruled out. Otherwise a cluster of tokens tighter than the tolerance at a
 * vertex could vanish as a whole (each member lies within the tolerance of
 * the hull of the others); with the rule, its last member decided is kept.
 * Errors then add up along chains of such decisions, so a reported hull can
 * miss points that stick out by a few times LP_TOLERANCE, never more than
 * that per chain link.
 * If the LP solver reports anything but "optimal", Wolfe's algorithm below
 * computes the Euclidean distance from x_i to the hull of all others and
 * the same 1e-9 threshold decides. Points farther than 1e-9 (relative) from
 * the hull of the others are classified exactly; inside that band either
 * answer may be returned.
 *
 * ## Wolfe's nearest-point algorithm
 *
 * `distanceToHull` is P. Wolfe's (1976) "finding the nearest point in a
 * polytope", implemented once for the analysis layer in
 * ts/analysis/geometry/nearest.ts (corrals of affinely independent points, affine
 * minimisers by a QR least-squares solve, the line search back into the
 * simplex, certified lower bounds). Here it runs until its upper and lower
 * bounds meet within 1e-14 · max_j |a_j| (a_j the points relative to the
 * query) or rounding stalls it; in practice the final corral is found and the
 * distance is exact up to rounding. The distance returned is always that of a
 * point of the hull, so it never under-estimates the true one.
 */
import { solve as solveLp } from '../../vendor/yalps/simplex.js';
import type { Model } from '../../vendor/yalps/simplex.js';
import { SplitMix64 } from '../../prng.js';
import { wolfeNearest } from './nearest.js';

/** Relative (scaled-coordinate) distance below which a point counts as inside the hull of the others. */
export const LP_TOLERANCE = 1e-9;

const EPS = 2 ** -52;

/** Stop the Wolfe pre-filter as soon as it separates (its direction then seeds the LP rounds). */
const WOLFE_EARLY_EXIT = true;

/** Lower bound on the number of points added to W per cutting-plane round. */
const MIN_BATCH = 4;

/** Diagnostics of one `lpVertexFlags` run (for tests and the bench). @internal */
export interface LpStats {
  /** Points decided by the direction bank. */
  byDirection: number;
  /** Points decided by their own centroid direction. */
  byCentroidDirection: number;
  /** Points decided by the simplex interior filter. */
  bySimplex: number;
  /** Points found inside the hull of already certified vertices (Wolfe). */
  byKnownHull: number;
  /** Points that needed at least one LP. */
  byLp: number;
  /** Total LP solves. */
  lpSolves: number;
  /** LP failures answered by Wolfe's algorithm. */
  fallbacks: number;
}

/**
 * Vertex flags of m distinct points in R^k by the LP extreme-point test
 * (method in the module header).
 *
 * @param p rows of k coordinates, row r at p[r*k .. r*k+k) (read only)
 * @param m number of rows
 * @param k dimension (≥ 1)
 * @param stats optional counters, filled in place
 * @param prefilter false skips every pre-filter (direction bank, centroid
 *   directions, simplex, Wolfe against known vertices): each point is then
 *   decided by the cutting-plane LPs alone (for testing the LP path)
 * @returns Uint8Array of length m, 1 for a vertex. @internal
 */
export function lpVertexFlags(p: Float64Array, m: number, k: number, stats?: LpStats, prefilter = true): Uint8Array {
  const flags = new Uint8Array(m);
  if (m <= 2) {
    flags.fill(1);
    return flags;
  }
  // ---- centre and scale into [-1, 1]^k
  const q = new Float64Array(m * k);
  const cen = new Float64Array(k);
  for (let r = 0; r < m; r++) for (let c = 0; c < k; c++) cen[c] = (cen[c] as number) + (p[r * k + c] as number);
  for (let c = 0; c < k; c++) cen[c] = (cen[c] as number) / m;
  let scale = 0;
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < k; c++) {
      const v = (p[r * k + c] as number) - (cen[c] as number);
      q[r * k + c] = v;
      const a = Math.abs(v);
      if (a > scale) scale = a;
    }
  }
  if (!(scale > 0)) {
    flags[0] = 1;
    return flags;
  }
  // a power of two: the scaling itself is exact
  scale = 2 ** Math.ceil(Math.log2(scale));
  for (let t = 0; t < m * k; t++) q[t] = (q[t] as number) / scale;

  // status: 0 undecided, 1 vertex, 2 not a vertex
  const status = new Uint8Array(m);
  const u = new Float64Array(k);
  // rounding bound of fl(<u, x>) for |x_c| ≤ 1: γ_k ‖u‖₁, doubled for a difference, plus slack
  const gamma = ((k + 2) * EPS) / (1 - (k + 2) * EPS);
  const marginOf = (u1: number): number => 4 * gamma * u1 + 4 * EPS * u1;

  // ---- 1. direction bank: ±axes and seeded random gaussian directions
  const rng = new SplitMix64(0x5eed + k);
  const nRandom = Math.min(8 * k + 32, 512);
  const nDirs = prefilter ? 2 * k + nRandom : 0;
  for (let dir = 0; dir < nDirs; dir++) {
    let u1 = 0;
    if (dir < 2 * k) {
      u.fill(0);
      u[dir >> 1] = dir & 1 ? -1 : 1;
      u1 = 1;
    } else {
      for (let c = 0; c < k; c++) {
        // Box–Muller, one output per pair (simple, seeded, direction quality is all that matters)
        const a = 1 - rng.nextFloat();
        const b = rng.nextFloat();
        const g = Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b);
        u[c] = g;
        u1 += Math.abs(g);
      }
      if (!(u1 > 0)) continue;
    }
    let best = -Infinity, second = -Infinity, arg = -1;
    for (let r = 0; r < m; r++) {
      let v = 0;
      for (let c = 0; c < k; c++) v += (u[c] as number) * (q[r * k + c] as number);
      if (v > best) {
        second = best;
        best = v;
        arg = r;
      } else if (v > second) second = v;
    }
    if (arg >= 0 && best - second > marginOf(u1) && status[arg] === 0) {
      status[arg] = 1;
      if (stats) stats.byDirection++;
    }
  }

  // ---- 2. each point's own direction from the centroid
  for (let i = 0; i < m && prefilter; i++) {
    if (status[i] !== 0) continue;
    let u1 = 0;
    for (let c = 0; c < k; c++) u1 += Math.abs(q[i * k + c] as number);
    if (!(u1 > 0)) continue;
    const si = dotRow(q, k, i, q, i * k);
    const margin = marginOf(u1);
    let ok = true;
    for (let j = 0; j < m; j++) {
      if (j === i || status[j] === 2) continue;
      if (dotRow(q, k, j, q, i * k) - si >= -margin) {
        ok = false;
        break;
      }
    }
    if (ok) {
      status[i] = 1;
      if (stats) stats.byCentroidDirection++;
    }
  }

  // ---- 3. simplex of certified vertices: strictly interior points are not vertices
  if (prefilter) simplexFilter(q, m, k, status, stats);

  // ---- 4. the rest, farthest from the centroid first (likelier vertices, which
  // then enlarge the known hull for the points after them):
  //   a. Wolfe distance to the hull of the certified vertices V: ≤ LP_TOLERANCE
  //      → inside → not a vertex (Wolfe's point is a convex combination, so its
  //      distance is never below the true one: this cannot reject a vertex
  //      that is farther than the tolerance);
  //   b. else the direction from that nearest point starts the cutting-plane LPs.
  const V: number[] = [];
  for (let r = 0; r < m; r++) if (status[r] === 1) V.push(r);
  const todo: number[] = [];
  const norm2 = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    if (status[r] !== 0) continue;
    todo.push(r);
    let nn = 0;
    for (let c = 0; c < k; c++) nn += (q[r * k + c] as number) ** 2;
    norm2[r] = nn;
  }
  todo.sort((a, b) => (norm2[b] as number) - (norm2[a] as number) || a - b);
  const inW = new Uint8Array(m);
  const W: number[] = [];
  const batch = Math.max(MIN_BATCH, k + 1);
  const topIdx = new Int32Array(batch);
  const topVal = new Float64Array(batch);
  const nearest = new Float64Array(k);
  for (const i of todo) {
    let u1 = 0;
    let haveU = false;
    if (prefilter && V.length > 0) {
      const dist = distanceToHull(q, k, V, q.subarray(i * k, i * k + k), nearest, WOLFE_EARLY_EXIT, 4 * k + 20);
      if (dist <= LP_TOLERANCE) {
        status[i] = 2;
        if (stats) stats.byKnownHull++;
        continue;
      }
      for (let c = 0; c < k; c++) {
        u[c] = (q[i * k + c] as number) - (nearest[c] as number);
        u1 += Math.abs(u[c] as number);
      }
      haveU = u1 > 0 && Number.isFinite(u1);
    }
    if (stats) stats.byLp++;
    if (!haveU) {
      // start from the centroid direction (or the first axis at the centroid)
      u1 = 0;
      for (let c = 0; c < k; c++) {
        u[c] = q[i * k + c] as number;
        u1 += Math.abs(u[c] as number);
      }
      if (!(u1 > 0)) {
        u.fill(0);
        u[0] = 1;
        u1 = 1;
      }
    }
    for (const j of W) inW[j] = 0;
    W.length = 0;
    let lastT = Infinity;
    for (;;) {
      // violators of the current u, over all points
      const si = dotRow(q, k, i, u, 0);
      const margin = marginOf(u1);
      let nTop = 0;
      let anyViolator = false;
      for (let j = 0; j < m; j++) {
        if (j === i || status[j] === 2) continue; // points already ruled out no longer count
        const v = dotRow(q, k, j, u, 0) - si;
        if (v >= -margin) {
          anyViolator = true;
          if (inW[j] === 1) continue;
          // keep the `batch` largest violations, descending: append while there is
          // room, else replace the smallest; then move the new one up into place
          if (nTop < batch || v > (topVal[batch - 1] as number)) {
            let t = nTop < batch ? nTop++ : batch - 1;
            while (t > 0 && (topVal[t - 1] as number) < v) {
              topVal[t] = topVal[t - 1] as number;
              topIdx[t] = topIdx[t - 1] as number;
              t--;
            }
            topVal[t] = v;
            topIdx[t] = j;
          }
        }
      }
      if (!anyViolator) {
        status[i] = 1;
        V.push(i);
        break;
      }
      if (nTop === 0) {
        // every violator is already in W: the LP's own verdict stands
        status[i] = lastT > LP_TOLERANCE ? 1 : 2;
        if (status[i] === 1) V.push(i);
        break;
      }
      for (let t = 0; t < nTop; t++) {
        const j = topIdx[t] as number;
        inW[j] = 1;
        W.push(j);
      }
      if (stats) stats.lpSolves++;
      const res = separationLp(q, k, i, W, u);
      if (res === null) {
        if (stats) stats.fallbacks++;
        const others: number[] = [];
        for (let j = 0; j < m; j++) if (j !== i && status[j] !== 2) others.push(j);
        const dist = others.length === 0 ? Infinity : distanceToHull(q, k, others, q.subarray(i * k, i * k + k));
        status[i] = dist > LP_TOLERANCE ? 1 : 2;
        if (status[i] === 1) V.push(i);
        break;
      }
      lastT = res;
      if (res <= LP_TOLERANCE) {
        status[i] = 2;
        break;
      }
      u1 = 0;
      for (let c = 0; c < k; c++) u1 += Math.abs(u[c] as number);
      if (!(u1 > 0)) {
        status[i] = 2;
        break;
      }
    }
  }
  for (let r = 0; r < m; r++) flags[r] = status[r] === 1 ? 1 : 0;
  return flags;
}

/** <row r of a (stride k), b[off .. off+k)>. */
function dotRow(a: Float64Array, k: number, r: number, b: Float64Array, off: number): number {
  let v = 0;
  const base = r * k;
  for (let c = 0; c < k; c++) v += (a[base + c] as number) * (b[off + c] as number);
  return v;
}

/**
 * Solve max t s.t. <u, q_j − q_i> + t ≤ 0 (j ∈ W), ‖u‖₁ ≤ 1 with YALPS.
 * Writes the optimal u into `uOut`; returns t*, or null when YALPS does not
 * report an optimum.
 */
function separationLp(q: Float64Array, k: number, i: number, W: readonly number[], uOut: Float64Array): number | null {
  const NORM = -1;
  const OBJ = -2;
  const constraints: Array<[number, { max: number }]> = [[NORM, { max: 1 }]];
  // right-hand sides 0 would make every vertex of the LP degenerate (Dantzig pricing can
  // cycle); distinct positive ones in [1e-11, 2e-11), above YALPS' zero threshold (1e-12),
  // break the ties and move t* by less than 2e-11, far below LP_TOLERANCE
  for (let r = 0; r < W.length; r++) constraints.push([r, { max: 1e-11 * (1 + r / W.length) }]);
  const variables: Array<[number, Array<[number, number]>]> = [];
  for (let c = 0; c < k; c++) {
    const plus: Array<[number, number]> = [[NORM, 1]];
    const minus: Array<[number, number]> = [[NORM, 1]];
    const qi = q[i * k + c] as number;
    for (let r = 0; r < W.length; r++) {
      const a = (q[(W[r] as number) * k + c] as number) - qi;
      if (a !== 0) {
        plus.push([r, a]);
        minus.push([r, -a]);
      }
    }
    variables.push([2 * c, plus], [2 * c + 1, minus]);
  }
  const tcol: Array<[number, number]> = [[OBJ, 1]];
  for (let r = 0; r < W.length; r++) tcol.push([r, 1]);
  variables.push([2 * k, tcol]);
  const model: Model<number, number> = { direction: 'maximize', objective: OBJ, constraints, variables };
  let sol;
  try {
    sol = solveLp(model, { precision: 1e-12, checkCycles: true, maxPivots: 100_000 });
  } catch {
    return null;
  }
  if (sol.status !== 'optimal' || !Number.isFinite(sol.result)) return null;
  uOut.fill(0);
  for (const [key, value] of sol.variables) {
    if (key < 2 * k) {
      const c = key >> 1;
      uOut[c] = (uOut[c] as number) + (key & 1 ? -value : value);
    }
  }
  return sol.result;
}

/**
 * Step 3 of the pre-filter: pick k+1 certified vertices spanning a simplex
 * of good shape (greedy, farthest from the current affine span) and mark
 * undecided points whose barycentric coordinates are all > 1e-8 as not
 * vertices.
 */
function simplexFilter(q: Float64Array, m: number, k: number, status: Uint8Array, stats?: LpStats): void {
  const verts: number[] = [];
  for (let r = 0; r < m; r++) if (status[r] === 1) verts.push(r);
  if (verts.length < k + 1) return;
  const nv = verts.length;
  const chosen: number[] = [verts[0] as number];
  const res = new Float64Array(nv * k);
  const o = (verts[0] as number) * k;
  for (let t = 0; t < nv; t++) {
    const r = verts[t] as number;
    for (let c = 0; c < k; c++) res[t * k + c] = (q[r * k + c] as number) - (q[o + c] as number);
  }
  let firstNorm = 0;
  let minNorm = Infinity;
  for (let step = 0; step < k; step++) {
    let best = -1, bestN = 0;
    for (let t = 0; t < nv; t++) {
      let nn = 0;
      for (let c = 0; c < k; c++) nn += (res[t * k + c] as number) ** 2;
      if (nn > bestN) { bestN = nn; best = t; }
    }
    if (best < 0) return;
    const nrm = Math.sqrt(bestN);
    if (step === 0) firstNorm = nrm;
    minNorm = Math.min(minNorm, nrm);
    if (nrm < 1e-6 * firstNorm) return; // ill-shaped: skip the filter
    chosen.push(verts[best] as number);
    const g = new Float64Array(k);
    for (let c = 0; c < k; c++) g[c] = (res[best * k + c] as number) / nrm;
    for (let t = 0; t < nv; t++) {
      let dot = 0;
      for (let c = 0; c < k; c++) dot += (res[t * k + c] as number) * (g[c] as number);
      for (let c = 0; c < k; c++) res[t * k + c] = (res[t * k + c] as number) - dot * (g[c] as number);
    }
  }
  // T = [v_1 − v_0, …, v_k − v_0] (k×k, column s = chosen[s+1] − chosen[0]); LU with partial pivoting
  const v0 = (chosen[0] as number) * k;
  const T = new Float64Array(k * k);
  for (let sI = 0; sI < k; sI++) {
    const vs = (chosen[sI + 1] as number) * k;
    for (let c = 0; c < k; c++) T[c * k + sI] = (q[vs + c] as number) - (q[v0 + c] as number);
  }
  const piv = new Int32Array(k);
  if (!luFactor(T, k, piv)) return;
  const rhs = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    if (status[i] !== 0) continue;
    for (let c = 0; c < k; c++) rhs[c] = (q[i * k + c] as number) - (q[v0 + c] as number);
    luSolve(T, k, piv, rhs);
    let sum = 0;
    let inside = true;
    for (let c = 0; c < k; c++) {
      const l = rhs[c] as number;
      if (!(l > 1e-8)) { inside = false; break; }
      sum += l;
    }
    if (inside && 1 - sum > 1e-8) {
      status[i] = 2;
      if (stats) stats.bySimplex++;
    }
  }
}

/** In-place LU with partial pivoting of a k×k row-major matrix; false when singular. */
function luFactor(a: Float64Array, k: number, piv: Int32Array): boolean {
  for (let col = 0; col < k; col++) {
    let p = col;
    let best = Math.abs(a[col * k + col] as number);
    for (let r = col + 1; r < k; r++) {
      const v = Math.abs(a[r * k + col] as number);
      if (v > best) { best = v; p = r; }
    }
    if (!(best > 0)) return false;
    piv[col] = p;
    if (p !== col) {
      for (let c = 0; c < k; c++) {
        const t = a[col * k + c] as number;
        a[col * k + c] = a[p * k + c] as number;
        a[p * k + c] = t;
      }
    }
    const d = a[col * k + col] as number;
    for (let r = col + 1; r < k; r++) {
      const f = (a[r * k + col] as number) / d;
      a[r * k + col] = f;
      for (let c = col + 1; c < k; c++) a[r * k + c] = (a[r * k + c] as number) - f * (a[col * k + c] as number);
    }
  }
  return true;
}

/** Solve with the output of luFactor, in place. */
function luSolve(a: Float64Array, k: number, piv: Int32Array, b: Float64Array): void {
  for (let col = 0; col < k; col++) {
    const p = piv[col] as number;
    if (p !== col) {
      const t = b[col] as number;
      b[col] = b[p] as number;
      b[p] = t;
    }
  }
  for (let r = 1; r < k; r++) {
    let v = b[r] as number;
    for (let c = 0; c < r; c++) v -= (a[r * k + c] as number) * (b[c] as number);
    b[r] = v;
  }
  for (let r = k - 1; r >= 0; r--) {
    let v = b[r] as number;
    for (let c = r + 1; c < k; c++) v -= (a[r * k + c] as number) * (b[c] as number);
    b[r] = v / (a[r * k + r] as number);
  }
}

/**
 * Euclidean distance from the point z to conv{ rows of p listed in `rows` }
 * by Wolfe's nearest-point algorithm (ts/analysis/geometry/nearest.ts), run until its
 * certified bounds meet within 1e-14 of max_j |p_j − z| or rounding stalls it.
 *
 * @param p rows of k coordinates (stride k), read only
 * @param k dimension
 * @param rows the row numbers spanning the hull (at least one; NaN for none)
 * @param z the query point, k numbers
 * @param nearest optional output: the nearest point (k numbers)
 * @param stopWhenSeparated stop as soon as the current iterate x proves z
 *   outside the hull (<x − z, a_j − z> > 0 for all j); the result is then
 *   only an upper bound of the distance (> 0), and `nearest` a point of the
 *   hull whose direction to z separates z from it
 * @param maxIterations cap on the major iterations (default: 50(k+1) + 2·rows);
 *   a capped run returns an upper bound of the distance
 * @returns the distance (0 when z is in the hull, up to rounding). @internal
 */
export function distanceToHull(
  p: Float64Array, k: number, rows: ArrayLike<number>, z: ArrayLike<number>, nearest?: Float64Array, stopWhenSeparated = false,
  maxIterations = Infinity,
): number {
  const M = rows.length;
  if (M === 0) return NaN;
  return wolfeNearest(p, k, z, {
    rows, relativeTolerance: 1e-14, stopAbove: stopWhenSeparated ? 0 : Infinity, maxIterations: Math.min(maxIterations, 50 * (k + 1) + 2 * M), point: nearest,
  }).distance;
}
