/**
 * Alignment structure at one state (SPEC.md §0, §1.2).
 *
 *   a_ij = <A x_i, x_j>,   (A x)_r = Σ_c A[r*d+c] x_c,   A = I when absent or null
 *   m_i  = max_j a_ij
 *   C_i^δ = { j : a_ij >= m_i − δ − τ·max(1,|m_i|) }            gap 'absolute' (default)
 *   C_i^δ = { j : a_ij >= m_i − δ|m_i| − τ·max(1,|m_i|) }       gap 'relative'
 *
 * Inputs: x is a flat row-major array of exactly n*d finite numbers (token
 * i = x[i*d .. i*d+d)): a Float64Array, a Float32Array, a zero-copy
 * Simulation view, or a plain number[]; or n rows of d numbers. Matrices are
 * flat d*d or d rows of d, null for the identity. Both are checked by
 * ts/check.ts (`readState`, `readMatrix`); options objects refuse unknown
 * keys. x is read during the call only, never mutated and never kept. Arithmetic is float64 throughout, in the
 * order of the pure-TS backend (q = A x_i with ascending c, then
 * a_ij = Σ_c q_c x_jc with ascending c), so δ = 0 reproduces the backend's
 * hardmax neighbourhoods bit for bit.
 *
 * Memory: never an n×n matrix. Rows are computed four at a time into O(n)
 * scratch; a Float64Array input is read in place, any other input is copied
 * once into an n*d Float64Array (so the hot loop sees one array type, and a
 * wasm view is read exactly once).
 */

import { checkBool, checkIndex, checkNumber, checkOneOf, checkOptions, checkTieTolerance, defaultTieTolerance, rangeError, readMatrix, readState, typeError } from '../../check.js';

import type { StateLike, MatrixLike } from '../state.js';
import { alignmentBound } from '../../bounds.js';
import { matVec } from '../geometry/linalg.js';
export type { StateLike, MatrixLike } from '../state.js';

/** How δ enters the localmax threshold (SPEC §1.2 "Options"). */
export type Gap = 'absolute' | 'relative';

/** Options of {@link neighbourhoods} and {@link neighbourhoodSizes}. */
export interface NeighbourhoodOptions {
  /** δ >= 0 in alignment units (Infinity allowed). Default 0: the hardmax argmax sets. */
  delta?: number;
  /** d×d row-major alignment matrix; identity when absent or null. */
  A?: MatrixLike;
  /**
   * Relative tie tolerance τ >= 0, finite (threshold slack τ·max(1,|m_i|)). Default per precision of x
   * (check.ts `defaultTieTolerance`): 1e-5 for a Float32Array (e.g. an f32 Simulation view), else 1e-12.
   */
  tieTolerance?: number;
  /** 'absolute' (default): m_i − δ; 'relative': m_i − δ|m_i|. */
  gap?: Gap;
  /** Force i ∈ C_i even when a_ii is below the threshold. Default false. */
  includeSelf?: boolean;
}

/** The neighbourhoods C_i^δ of every token in CSR form; fresh arrays owned by the caller. */
export interface Neighbourhoods {
  /** |C_i| per token (length n, each >= 1). */
  sizes: Int32Array;
  /** CSR offsets (length n+1): C_i = members[offsets[i] .. offsets[i+1]). */
  offsets: Int32Array;
  /** Token indices of all neighbourhoods, ascending within each token's range. */
  members: Int32Array;
  /** m_i = max_j a_ij per token (length n, alignment units). */
  rowMax: Float64Array;
}

/** Default relative tie tolerance τ of f64 states (SPEC §0); a Float32Array state defaults to 1e-5 (check.ts `defaultTieTolerance`). */
export const DEFAULT_TIE_TOLERANCE = defaultTieTolerance('f64');

// ---------------------------------------------------------------------------
// Overflow bound (alignmentBound lives in ts/bounds.ts, below this layer and ts/validate.ts)

/**
 * @internal Refuses states whose alignments could overflow float64:
 * |a_ij| <= ‖A‖_F·R² with R the largest token norm.
 */
export function checkMagnitude(X: Float64Array, n: number, d: number, M: Float64Array | null): void {
  const { R, normA, bound } = alignmentBound(X, n, d, M);
  if (!(bound < 1e300)) {
    throw new RangeError(
      `x must have alignments that cannot overflow float64 (‖A‖_F·R² < 1e300); got R = ${R} (the largest token norm) and ‖A‖_F = ${normA}, ` +
        `alignments up to ${bound}: rescale the tokens`,
    );
  }
}

/**
 * @internal The softmax weights of one alignment row at inverse temperature β:
 * w_j = exp(β(a_j − m)) / Σ_k exp(β(a_k − m)) with m = max_j a_j, summed in
 * ascending j (the js backend's order). `row` has n finite entries; β >= 0
 * finite. Returns a fresh Float64Array of length n; O(n).
 */
export function softmaxWeights(row: ArrayLike<number>, n: number, beta: number): Float64Array {
  let m = -Infinity;
  for (let j = 0; j < n; j++) m = Math.max(m, row[j] as number);
  let z = 0;
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    w[j] = Math.exp(beta * ((row[j] as number) - m));
    z += w[j] as number;
  }
  for (let j = 0; j < n; j++) w[j] = (w[j] as number) / z;
  return w;
}

// ---------------------------------------------------------------------------
// Kernels (internal, float64, no validation)

/** @internal q = A x_i into q (length d); A null means q = x_i. Ascending-c sums, as the backends. */
export function applyA(X: ArrayLike<number>, i: number, d: number, M: Float64Array | null, q: Float64Array): void {
  matVec(M, X, i * d, d, q);
}

/** @internal Q = the n rows A x_i (n*d row-major); X itself when A is the identity. */
export function projectRows(X: Float64Array, n: number, d: number, M: Float64Array | null): Float64Array {
  if (M === null) return X;
  const Q = new Float64Array(n * d);
  const q = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    applyA(X, i, d, M, q);
    Q.set(q, i * d);
  }
  return Q;
}

/**
 * @internal Alignment rows i0 .. i0+rows−1 (rows <= 4), columns j0 .. n−1:
 * out[k*n + j] = q_{i0+k} · x_j, out.length >= 4n (other entries untouched).
 * Each dot product is one float64 sum over ascending coordinates, the order of
 * the pure-TS backend; tiles of 4 rows × 2 columns give the JIT independent
 * accumulators (about 1.5× faster than one column at a time).
 */
export function alignmentBlock(Q: Float64Array, X: Float64Array, n: number, d: number, i0: number, rows: number, out: Float64Array, j0 = 0): void {
  const o0 = i0 * d;
  const o1 = (rows > 1 ? i0 + 1 : i0) * d;
  const o2 = (rows > 2 ? i0 + 2 : i0) * d;
  const o3 = (rows > 3 ? i0 + 3 : i0) * d;
  const n1 = n;
  const n2 = 2 * n;
  const n3 = 3 * n;
  let j = j0;
  for (let jo = j0 * d; j + 1 < n; j += 2, jo += 2 * d) {
    const ko = jo + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let c = 0; c < d; c++) {
      const v = X[jo + c]!;
      const w = X[ko + c]!;
      const a = Q[o0 + c]!;
      const b = Q[o1 + c]!;
      const e = Q[o2 + c]!;
      const f = Q[o3 + c]!;
      s0 += a * v;
      s1 += b * v;
      s2 += e * v;
      s3 += f * v;
      t0 += a * w;
      t1 += b * w;
      t2 += e * w;
      t3 += f * w;
    }
    out[j] = s0;
    out[n1 + j] = s1;
    out[n2 + j] = s2;
    out[n3 + j] = s3;
    out[j + 1] = t0;
    out[n1 + j + 1] = t1;
    out[n2 + j + 1] = t2;
    out[n3 + j + 1] = t3;
  }
  if (j < n) {
    const jo = j * d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let c = 0; c < d; c++) {
      const v = X[jo + c]!;
      s0 += Q[o0 + c]! * v;
      s1 += Q[o1 + c]! * v;
      s2 += Q[o2 + c]! * v;
      s3 += Q[o3 + c]! * v;
    }
    out[j] = s0;
    out[n1 + j] = s1;
    out[n2 + j] = s2;
    out[n3 + j] = s3;
  }
}

/** @internal The threshold of C_i^δ: m − δ − τ·max(1,|m|) (absolute) or m − δ|m| − τ·max(1,|m|) (relative; δ|m| = 0 when m = 0). */
export function thresholdOf(m: number, delta: number, tau: number, relative: boolean): number {
  if (relative) {
    const g = m === 0 ? 0 : delta * Math.abs(m);
    return m - g - tau * Math.max(1, Math.abs(m));
  }
  return m - delta - tau * Math.max(1, Math.abs(m));
}

/** @internal The RangeError for a non-finite alignment of finite tokens (overflow), naming the token. */
export function overflowError(i: number): RangeError {
  return new RangeError(`x must have alignments <A x_i, x_j> within the float64 range; got an overflow in the row of token ${i}: rescale the tokens`);
}

// ---------------------------------------------------------------------------
// Public functions

/**
 * The alignment row a_i· = (<A x_i, x_j>)_{j<n} of token i (alignment units).
 *
 * @param x   n*d row-major state (or n rows of d), read during the call only.
 * @param i   token index in [0, n).
 * @param A   d×d matrix (flat row-major or rows); identity when absent or null.
 * @param out optional Float64Array of length >= n to write into (entries past n untouched).
 * @returns `out` when given, else a fresh Float64Array of length n. O(n d) time, O(d) scratch.
 */
export function alignmentRow(x: StateLike, n: number, d: number, i: number, A?: MatrixLike, out?: Float64Array): Float64Array {
  const { X, n: nn, d: dd } = readState(x, n, d);
  checkIndex(i, nn, 'i');
  const M = readMatrix(A, dd, 'A');
  if (out !== undefined && !(out instanceof Float64Array)) throw typeError('out', `a Float64Array of length >= n = ${nn}`, out);
  if (out !== undefined && out.length < nn) throw rangeError('out.length', `>= n = ${nn}`, out.length);
  const row = out ?? new Float64Array(nn);
  const q = new Float64Array(dd);
  applyA(X, i, dd, M, q);
  let finite = true;
  for (let j = 0; j < nn; j++) {
    let t = 0;
    const jo = j * dd;
    for (let c = 0; c < dd; c++) t += q[c]! * X[jo + c]!;
    row[j] = t;
    if (!Number.isFinite(t)) finite = false;
  }
  if (!finite) throw overflowError(i);
  return row;
}

interface Resolved {
  X: Float64Array;
  Q: Float64Array;
  n: number;
  d: number;
  delta: number;
  tau: number;
  relative: boolean;
  includeSelf: boolean;
}

const NEIGHBOURHOOD_OPTIONS = ['delta', 'A', 'tieTolerance', 'gap', 'includeSelf'] as const;

function resolve(x: unknown, n: unknown, d: unknown, opts: unknown): Resolved {
  const o = checkOptions<NeighbourhoodOptions>(opts, 'options', NEIGHBOURHOOD_OPTIONS);
  const { X, n: nn, d: dd } = readState(x, n, d);
  const M = readMatrix(o.A, dd, 'A');
  checkMagnitude(X, nn, dd, M);
  const delta = o.delta === undefined ? 0 : checkNumber(o.delta, 'delta', { min: 0, allowInfinity: true });
  const tau = checkTieTolerance(o.tieTolerance, x);
  const relative = checkOneOf(o.gap, 'gap', ['absolute', 'relative'] as const, 'absolute') === 'relative';
  const includeSelf = checkBool(o.includeSelf, 'includeSelf', false);
  return { X, Q: projectRows(X, nn, dd, M), n: nn, d: dd, delta, tau, relative, includeSelf };
}

/**
 * Visits every token's alignment row, four rows at a time: fn(i, row, rowOffset, m_i, threshold_i),
 * where row[rowOffset + j] = a_ij. O(n² d) time, O(n) scratch.
 */
function forEachRow(r: Resolved, fn: (i: number, row: Float64Array, off: number, m: number, thr: number) => void): void {
  const { X, Q, n, d, delta, tau, relative } = r;
  const block = new Float64Array(4 * n);
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rows = Math.min(4, n - i0);
    alignmentBlock(Q, X, n, d, i0, rows, block);
    for (let k = 0; k < rows; k++) {
      const off = k * n;
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        const a = block[off + j]!;
        if (!(a <= m)) m = a;
      }
      if (!Number.isFinite(m)) throw overflowError(i0 + k);
      fn(i0 + k, block, off, m, thresholdOf(m, delta, tau, relative));
    }
  }
}

/**
 * The localmax neighbourhoods C_i^δ of every token (SPEC §1.2) in CSR form.
 * δ = 0 gives the hardmax argmax sets (ties within τ·max(1,|m_i|) kept);
 * δ = Infinity gives every token (absolute gap).
 *
 * Time O(n² d); scratch O(n); the result holds Σ|C_i| indices (up to n², so
 * use {@link neighbourhoodSizes} when only the sizes are needed).
 */
export function neighbourhoods(x: StateLike, n: number, d: number, opts: NeighbourhoodOptions = {}): Neighbourhoods {
  const r = resolve(x, n, d, opts);
  const nn = r.n;
  const sizes = new Int32Array(nn);
  const offsets = new Int32Array(nn + 1);
  const rowMax = new Float64Array(nn);
  let members = new Int32Array(Math.min(Math.max(2 * nn, 16), nn * nn));
  let total = 0;
  const self = r.includeSelf;
  forEachRow(r, (i, row, off, m, thr) => {
    rowMax[i] = m;
    if (members.length - total < nn) {
      const want = Math.min(Math.max(2 * members.length, total + nn), nn * nn);
      if (want > 0x7fffffff) {
        throw rangeError('delta', `small enough that the members of n = ${nn} tokens fit in 2^31 - 1 entries`, r.delta, `They overflow at token ${i}; use neighbourhoodSizes`);
      }
      const grown = new Int32Array(want);
      grown.set(members.subarray(0, total));
      members = grown;
    }
    const start = total;
    for (let j = 0; j < nn; j++) {
      if (row[off + j]! >= thr || (self && j === i)) members[total++] = j;
    }
    sizes[i] = total - start;
    offsets[i + 1] = total;
  });
  return { sizes, offsets, members: members.slice(0, total), rowMax };
}

/**
 * |C_i^δ| for every token (same options and rules as {@link neighbourhoods}),
 * without storing the members. Time O(n² d); scratch O(n).
 */
export function neighbourhoodSizes(x: StateLike, n: number, d: number, opts: NeighbourhoodOptions = {}): Int32Array {
  const r = resolve(x, n, d, opts);
  const sizes = new Int32Array(r.n);
  const self = r.includeSelf;
  const nn = r.n;
  forEachRow(r, (i, row, off, _m, thr) => {
    let count = 0;
    for (let j = 0; j < nn; j++) if (row[off + j]! >= thr) count++;
    if (self && !(row[off + i]! >= thr)) count++;
    sizes[i] = count;
  });
  return sizes;
}
