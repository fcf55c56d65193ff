/**
 * The S1/S2 split of SPEC.md §3 [reconstructed]: three readings, offered as
 * diagnostics side by side.
 *
 *   (a) s1s2AtState     S1 = leaders whose δ-neighbourhood holds only tokens at their own
 *                       position; S2 = leaders whose strip Z_i holds other tokens
 *   (b) s1s2ByEmergence S1 = leaders at t = 0; S2 = leaders of a later state that were not
 *                       leaders at t = 0 (emerging leaders)
 *   (c) s1s2ByLimit     S1 = tokens whose limit is a vertex of the limit polytope K*;
 *                       S2 = the rest (computed elsewhere; this only splits the flags)
 *
 * Leaders are those of {@link leaders} (a_ii >= m_i − τ·max(1,|m_i|)).
 * Inputs are flat row-major states of exactly n*d finite numbers or n rows of
 * d (check.ts `readState`), read during the call only; every result is a pair
 * of fresh ascending Int32Arrays. τ defaults per precision (1e-5 for a
 * Float32Array state, else 1e-12).
 */
import { checkNumber, checkOneOf, checkOptions, checkTieTolerance, rangeError, readMatrix, readState, typeError } from '../../check.js';
import { alignmentBlock, checkMagnitude, projectRows, thresholdOf, type Gap, type MatrixLike, type StateLike } from './alignment.js';
import { leaders } from './leaders.js';

/** A split of token indices into S1 and S2 (ascending, disjoint). */
export interface S1S2 {
  S1: Int32Array;
  S2: Int32Array;
}

/** Options of {@link s1s2AtState}. */
export interface S1S2StateOptions {
  /** δ >= 0 of the neighbourhoods (alignment units; Infinity allowed). */
  delta: number;
  /** d×d row-major alignment matrix; identity when absent or null. */
  A?: MatrixLike;
  /** Relative tie tolerance τ >= 0; default 1e-5 when the state is a Float32Array, else 1e-12. */
  tieTolerance?: number;
  /** Gap rule of the neighbourhoods, as in neighbourhoods(). Default 'absolute'. */
  gap?: Gap;
  /** Distance within which a token counts as "at the leader's position". Default 1e-9·max(1,R), R = max_i |x_i|. */
  positionTol?: number;
}

/** Reading (a) with the leader set it split. */
export interface S1S2AtState extends S1S2 {
  /** All leaders (S1 ∪ S2), ascending. */
  leaders: Int32Array;
}

/**
 * Reading (a) at one state: each leader i goes to S1 if every member of its
 * neighbourhood C_i^δ (equivalently of its strip Z_i) lies within positionTol
 * of x_i, and to S2 otherwise. Non-leaders are in neither.
 * Cost: the leaders' pass O(n² d) plus O(|S| n d).
 */
export function s1s2AtState(x: StateLike, n: number, d: number, opts: S1S2StateOptions): S1S2AtState {
  const o = checkOptions<S1S2StateOptions>(opts, 'options', ['delta', 'A', 'tieTolerance', 'gap', 'positionTol'], true);
  const delta = checkNumber(o.delta, 'delta', { min: 0, allowInfinity: true });
  const tau = checkTieTolerance(o.tieTolerance, x);
  const relative = checkOneOf(o.gap, 'gap', ['absolute', 'relative'] as const, 'absolute') === 'relative';
  const s = readState(x, n, d);
  const { X } = s;
  const nn = s.n;
  const dd = s.d;
  const M = readMatrix(o.A, dd, 'A');
  checkMagnitude(X, nn, dd, M);
  let R = 0;
  for (let i = 0; i < nn; i++) {
    let q = 0;
    for (let c = 0; c < dd; c++) q += X[i * dd + c]! ** 2;
    if (q > R) R = q;
  }
  R = Math.sqrt(R);
  const posTol = o.positionTol === undefined ? 1e-9 * Math.max(1, R) : checkNumber(o.positionTol, 'positionTol', { min: 0, allowInfinity: true });

  const L = leaders(X, nn, dd, M, tau);
  const Q = projectRows(X, nn, dd, M);
  const block = new Float64Array(4 * nn);
  const s1 = new Int32Array(L.length);
  const s2 = new Int32Array(L.length);
  let c1 = 0;
  let c2 = 0;
  const rowsQ = new Float64Array(4 * dd);
  for (let g = 0; g < L.length; g += 4) {
    // gather up to four leaders' rows A x_i, then their alignment rows at once
    const rows = Math.min(4, L.length - g);
    for (let k = 0; k < rows; k++) rowsQ.set(Q.subarray(L[g + k]! * dd, (L[g + k]! + 1) * dd), k * dd);
    alignmentBlock(rowsQ, X, nn, dd, 0, rows, block);
    for (let k = 0; k < rows; k++) {
      const i = L[g + k]!;
      const off = k * nn;
      let m = -Infinity;
      for (let j = 0; j < nn; j++) if (block[off + j]! > m) m = block[off + j]!;
      const thr = thresholdOf(m, delta, tau, relative);
      let alone = true;
      for (let j = 0; j < nn && alone; j++) {
        if (j === i || !(block[off + j]! >= thr)) continue;
        let q = 0;
        for (let c = 0; c < dd; c++) q += (X[j * dd + c]! - X[i * dd + c]!) ** 2;
        if (!(Math.sqrt(q) <= posTol)) alone = false;
      }
      if (alone) s1[c1++] = i;
      else s2[c2++] = i;
    }
  }
  return { S1: s1.slice(0, c1), S2: s2.slice(0, c2), leaders: L };
}

/** Options of {@link s1s2ByEmergence}. */
export interface S1S2EmergenceOptions {
  /** d×d row-major alignment matrix; identity when absent or null. */
  A?: MatrixLike;
  /** Relative tie tolerance τ >= 0; default 1e-5 when the state is a Float32Array, else 1e-12. */
  tieTolerance?: number;
}

/**
 * Reading (b): S1 = leaders(x0), S2 = leaders(xT) \ leaders(x0) (leaders
 * that emerged between the two states). x0 and xT are n*d row-major states
 * of the same tokens.
 */
export function s1s2ByEmergence(x0: StateLike, xT: StateLike, n: number, d: number, opts: S1S2EmergenceOptions = {}): S1S2 {
  const o = checkOptions<S1S2EmergenceOptions>(opts, 'options', ['A', 'tieTolerance']);
  const first = leaders(x0, n, d, o.A, o.tieTolerance);
  const later = leaders(xT, n, d, o.A, o.tieTolerance);
  const before = new Uint8Array(n);
  for (const i of first) before[i] = 1;
  const s2 = new Int32Array(later.length);
  let c = 0;
  for (const i of later) if (before[i] === 0) s2[c++] = i;
  return { S1: first, S2: s2.slice(0, c) };
}

/**
 * Reading (c): given one flag per token, "its limit is a vertex of the limit
 * polytope K*" (computed elsewhere, e.g. from clusters and the hull of their
 * centroids), S1 = flagged tokens and S2 = the rest.
 */
export function s1s2ByLimit(vertexLimit: Uint8Array | readonly boolean[]): S1S2 {
  if (!(vertexLimit instanceof Uint8Array) && !Array.isArray(vertexLimit)) {
    throw typeError('vertexLimit', 'a Uint8Array or boolean[] (one flag per token)', vertexLimit);
  }
  const n = vertexLimit.length;
  const s1 = new Int32Array(n);
  const s2 = new Int32Array(n);
  let c1 = 0;
  let c2 = 0;
  for (let i = 0; i < n; i++) {
    const v: unknown = vertexLimit[i];
    if (typeof v !== 'boolean' && typeof v !== 'number') throw typeError(`vertexLimit[${i}]`, 'a boolean or 0/1', v);
    if (typeof v === 'number' && v !== 0 && v !== 1) throw rangeError(`vertexLimit[${i}]`, 'a boolean or 0/1', v);
    if (v) s1[c1++] = i;
    else s2[c2++] = i;
  }
  return { S1: s1.slice(0, c1), S2: s2.slice(0, c2) };
}
