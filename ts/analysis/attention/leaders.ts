/**
 * Leaders: the maximal alignment set S(t) of SPEC.md §3 and its variants.
 *
 *   leaders         S = { i : a_ii >= m_i − τ·max(1,|m_i|) }          (DESIGN.md public name)
 *   strictLeaders   C_i = {i} exactly: i ∈ S and every a_ij, j ≠ i, is below that threshold
 *   afzLeaders      i is the first index attaining the row maximum, exact equality (τ = 0),
 *                   as the AFZ notebook computes it
 *   attractors      the union of the hardmax argmax sets C_i (targets of all tokens, or of other tokens)
 *
 * a_ij = <A x_i, x_j> with A = I when absent or null. The AFZ code writes
 * x_i^T B x_j, which is A = B^T here (SPEC §0).
 *
 * Inputs: a flat row-major array of exactly n*d finite numbers or n rows of d
 * (check.ts `readState`; a Float64Array is read in place, anything else
 * copied once into a Float64Array), never mutated or kept; A flat d*d or d
 * rows of d (check.ts `readMatrix`), null for the identity. The tie tolerance
 * τ defaults per precision (check.ts `defaultTieTolerance`): 1e-5 when x is
 * a Float32Array, else 1e-12.
 * Results: fresh ascending Int32Arrays of token indices.
 *
 * Cost: one pass of O(n² d) over pairs, four rows at a time and O(n d) scratch.
 * With A = I the pass uses a_ij = a_ji (the products x_ic·x_jc commute
 * exactly, so both orders give the same float64 value) and visits each pair
 * once. The row maxima are the same bits as the pure-TS backend computes.
 */
import { checkBool, checkOptions, checkTieTolerance, readMatrix, readState } from '../../check.js';
import { alignmentBlock, checkMagnitude, overflowError, projectRows, thresholdOf, type MatrixLike, type StateLike } from './alignment.js';

/** Per-row statistics of the alignment rows, excluding or splitting the diagonal. */
interface RowStats {
  n: number;
  /** a_ii. */
  diag: Float64Array;
  /** max_{j<i} a_ij (−Infinity for i = 0). */
  lowMax: Float64Array;
  /** max_{j>i} a_ij (−Infinity for i = n−1). */
  highMax: Float64Array;
  /** The state as Float64Array and its projected rows (for second passes). */
  X: Float64Array;
  Q: Float64Array;
  d: number;
  symmetric: boolean;
}

function rowStats(x: unknown, n: unknown, d: unknown, A: unknown): RowStats {
  const s = readState(x, n, d);
  const M = readMatrix(A, s.d, 'A');
  const { X } = s;
  const nn = s.n;
  const dd = s.d;
  checkMagnitude(X, nn, dd, M);
  const Q = projectRows(X, nn, dd, M);
  const diag = new Float64Array(nn);
  const lowMax = new Float64Array(nn).fill(-Infinity);
  const highMax = new Float64Array(nn).fill(-Infinity);
  if (M === null) symmetricPass(X, nn, dd, diag, lowMax, highMax);
  else generalPass(Q, X, nn, dd, diag, lowMax, highMax);
  for (let i = 0; i < nn; i++) {
    if (!Number.isFinite(diag[i]!) || lowMax[i] === Infinity || highMax[i] === Infinity) {
      throw overflowError(i);
    }
  }
  return { n: nn, d: dd, diag, lowMax, highMax, X, Q, symmetric: M === null };
}

/**
 * A = I: every pair i < j once; a_ij feeds highMax[i] and lowMax[j]. Blocks
 * of four rows against the columns after the block, plus the pairs inside it.
 */
function symmetricPass(X: Float64Array, n: number, d: number, diag: Float64Array, lowMax: Float64Array, highMax: Float64Array): void {
  const block = new Float64Array(4 * n);
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rows = Math.min(4, n - i0);
    const j0 = i0 + rows;
    // the pairs inside the block and the diagonal, with the same dot product
    for (let a = i0; a < j0; a++) {
      diag[a] = dot(X, a * d, X, a * d, d);
      for (let b = a + 1; b < j0; b++) {
        const s = dot(X, a * d, X, b * d, d);
        if (s > highMax[a]!) highMax[a] = s;
        if (s > lowMax[b]!) lowMax[b] = s;
      }
    }
    if (j0 >= n) continue;
    alignmentBlock(X, X, n, d, i0, rows, block, j0);
    for (let k = 0; k < rows; k++) {
      const off = k * n;
      let h = highMax[i0 + k]!;
      for (let j = j0; j < n; j++) {
        const s = block[off + j]!;
        if (s > h) h = s;
        if (s > lowMax[j]!) lowMax[j] = s;
      }
      highMax[i0 + k] = h;
    }
  }
}

/** General A: rows four at a time, a_ij = q_i · x_j for all j. */
function generalPass(Q: Float64Array, X: Float64Array, n: number, d: number, diag: Float64Array, lowMax: Float64Array, highMax: Float64Array): void {
  const block = new Float64Array(4 * n);
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rows = Math.min(4, n - i0);
    alignmentBlock(Q, X, n, d, i0, rows, block);
    for (let k = 0; k < rows; k++) {
      const i = i0 + k;
      const off = k * n;
      let lo = -Infinity;
      for (let j = 0; j < i; j++) {
        const a = block[off + j]!;
        if (!(a <= lo)) lo = a;
      }
      let hi = -Infinity;
      for (let j = i + 1; j < n; j++) {
        const a = block[off + j]!;
        if (!(a <= hi)) hi = a;
      }
      diag[i] = block[off + i]!;
      lowMax[i] = lo;
      highMax[i] = hi;
    }
  }
}

function dot(P: Float64Array, po: number, R: Float64Array, ro: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += P[po + c]! * R[ro + c]!;
  return s;
}

function rowMaxOf(st: RowStats, i: number): number {
  return Math.max(st.diag[i]!, st.lowMax[i]!, st.highMax[i]!);
}

function collect(n: number, keep: (i: number) => boolean): Int32Array {
  let count = 0;
  const tmp = new Int32Array(n);
  for (let i = 0; i < n; i++) if (keep(i)) tmp[count++] = i;
  return tmp.slice(0, count);
}

/**
 * Leaders S = { i : a_ii >= m_i − τ·max(1,|m_i|) } (SPEC §3, the maximal
 * alignment set), ascending. Duplicated and tied tokens are all leaders; a
 * token at the origin is a leader.
 *
 * @param x n*d row-major state, or n rows of d (read during the call only).
 * @param A d×d alignment matrix (flat row-major or rows); identity when absent or null.
 * @param tieTolerance τ >= 0, finite; default 1e-5 when x is a Float32Array, else 1e-12.
 */
export function leaders(x: StateLike, n: number, d: number, A?: MatrixLike, tieTolerance?: number): Int32Array {
  const tau = checkTieTolerance(tieTolerance, x);
  const st = rowStats(x, n, d, A);
  return collect(st.n, (i) => {
    const m = rowMaxOf(st, i);
    return st.diag[i]! >= thresholdOf(m, 0, tau, false);
  });
}

/**
 * Strict leaders: C_i = {i} exactly, i.e. i is a leader and every other a_ij
 * lies below m_i − τ·max(1,|m_i|). A duplicate of x_i ties with it, so
 * neither is strict; with n = 1 the token is strict. Ascending. Arguments
 * as {@link leaders}.
 */
export function strictLeaders(x: StateLike, n: number, d: number, A?: MatrixLike, tieTolerance?: number): Int32Array {
  const tau = checkTieTolerance(tieTolerance, x);
  const st = rowStats(x, n, d, A);
  return collect(st.n, (i) => {
    const m = rowMaxOf(st, i);
    const thr = thresholdOf(m, 0, tau, false);
    return st.diag[i]! >= thr && Math.max(st.lowMax[i]!, st.highMax[i]!) < thr;
  });
}

/**
 * AFZ-code leaders: i is the first index attaining its row maximum, with
 * exact equality (τ = 0), as `dynamics.ipynb` of the AFZ repository computes
 * them (with B = A^T there). Of several coincident tokens only the first can
 * qualify. Ascending.
 */
export function afzLeaders(x: StateLike, n: number, d: number, A?: MatrixLike): Int32Array {
  const st = rowStats(x, n, d, A);
  return collect(st.n, (i) => st.diag[i]! > st.lowMax[i]! && st.diag[i]! >= st.highMax[i]!);
}

/** Options of {@link attractors}. */
export interface AttractorOptions {
  /**
   * Count only targets of other tokens (j ∈ C_i with i ≠ j), SPEC §3's
   * "argmax targets of other tokens". Default false: the targets of all
   * tokens, so every leader is its own attractor.
   */
  othersOnly?: boolean;
}

/**
 * Attractors: the union over tokens i of the hardmax argmax sets
 * C_i = { j : a_ij >= m_i − τ·max(1,|m_i|) } (all tied targets count),
 * ascending. The AFZ notebook takes np.argmax, i.e. only the first tied index.
 * Two O(n² d) passes (halved each with A = I). x, A and τ as {@link leaders}.
 */
export function attractors(x: StateLike, n: number, d: number, A?: MatrixLike, tieTolerance?: number, opts: AttractorOptions = {}): Int32Array {
  const tau = checkTieTolerance(tieTolerance, x);
  const o = checkOptions<AttractorOptions>(opts, 'options', ['othersOnly']);
  const othersOnly = checkBool(o.othersOnly, 'othersOnly', false);
  const st = rowStats(x, n, d, A);
  const { n: nn, d: dd, X, Q } = st;
  const thr = new Float64Array(nn);
  for (let i = 0; i < nn; i++) thr[i] = thresholdOf(rowMaxOf(st, i), 0, tau, false);
  const hit = new Uint8Array(nn);
  if (!othersOnly) for (let i = 0; i < nn; i++) if (st.diag[i]! >= thr[i]!) hit[i] = 1;
  if (st.symmetric) {
    const block = new Float64Array(4 * nn);
    for (let i0 = 0; i0 < nn; i0 += 4) {
      const rows = Math.min(4, nn - i0);
      const j0 = i0 + rows;
      for (let a = i0; a < j0; a++) {
        for (let b = a + 1; b < j0; b++) {
          const s = dot(X, a * dd, X, b * dd, dd);
          if (s >= thr[a]!) hit[b] = 1;
          if (s >= thr[b]!) hit[a] = 1;
        }
      }
      if (j0 >= nn) continue;
      alignmentBlock(X, X, nn, dd, i0, rows, block, j0);
      for (let k = 0; k < rows; k++) {
        const i = i0 + k;
        const off = k * nn;
        const t = thr[i]!;
        let self = 0;
        for (let j = j0; j < nn; j++) {
          const s = block[off + j]!;
          if (s >= t) hit[j] = 1;
          if (s >= thr[j]!) self = 1;
        }
        if (self === 1) hit[i] = 1;
      }
    }
  } else {
    const block = new Float64Array(4 * nn);
    for (let i0 = 0; i0 < nn; i0 += 4) {
      const rows = Math.min(4, nn - i0);
      alignmentBlock(Q, X, nn, dd, i0, rows, block);
      for (let k = 0; k < rows; k++) {
        const i = i0 + k;
        const t = thr[i]!;
        const off = k * nn;
        for (let j = 0; j < nn; j++) if (j !== i && block[off + j]! >= t) hit[j] = 1;
      }
    }
  }
  return collect(nn, (i) => hit[i] === 1);
}
