/**
 * The strip Z_i of a token (SPEC.md §1.2 and §3), as geometry for plotting.
 *
 *   Z_i = { y : m_i − δ <= <A x_i, y> <= m_i },    m_i = max_j <A x_i, x_j>
 *
 * a slab between two parallel hyperplanes with normal A x_i, of width
 * δ/|A x_i|. Its upper face supports the token set (some token lies on it and
 * none beyond), and the localmax neighbours C_i^δ of token i are exactly the
 * tokens inside it (with the tie tolerance τ·max(1,|m_i|) added below the
 * lower face, as in the dynamics). In 2D the faces are two lines.
 *
 * Inputs: a flat row-major array of exactly n*d finite numbers or n rows of d
 * (check.ts `readState`), read during the call only, never mutated or kept.
 * O(n d) time, O(n) scratch; results are fresh arrays.
 */
import { checkIndex, checkInt, checkNumber, checkOneOf, checkOptions, checkTieTolerance, rangeError, readMatrix, readState, typeError } from '../../check.js';
import { alignmentRow, applyA, thresholdOf, type Gap, type MatrixLike, type StateLike } from './alignment.js';

/** Options of {@link strip}. */
export interface StripOptions {
  /** δ >= 0 in alignment units (Infinity allowed: the lower face goes to −∞). */
  delta: number;
  /** d×d row-major alignment matrix; identity when absent or null. */
  A?: MatrixLike;
  /** Relative tie tolerance τ >= 0 for membership; default 1e-5 when x is a Float32Array, else 1e-12 (check.ts `defaultTieTolerance`). */
  tieTolerance?: number;
  /** 'absolute' (default): lower = m_i − δ; 'relative': lower = m_i − δ|m_i|. */
  gap?: Gap;
}

/** The strip Z_i: two hyperplanes <normal, y> = upper and <normal, y> = lower, plus its members. */
export interface Strip {
  /** Token index i. */
  index: number;
  /** A copy of x_i (length d). */
  position: Float64Array;
  /** normal = A x_i (length d, not normalised). */
  normal: Float64Array;
  /** upper = m_i = max_j <normal, x_j> (alignment units): the supporting face. */
  upper: number;
  /** lower = m_i − δ (or m_i − δ|m_i| with the relative gap); −Infinity when δ = Infinity. */
  lower: number;
  /** Euclidean distance between the faces, (upper − lower)/|normal|; Infinity if A x_i = 0. */
  width: number;
  /** Tokens j with lower − τ·max(1,|m_i|) <= <normal, x_j> (all are <= upper), ascending: C_i^δ. */
  members: Int32Array;
}

/**
 * The strip Z_i of token i (SPEC §3 "Strip Z_i").
 *
 * If A x_i = 0 every alignment is 0, so upper = 0, the faces are not
 * hyperplanes (the strip is all of R^d), width = Infinity and every token is
 * a member.
 */
export function strip(x: StateLike, n: number, d: number, i: number, opts: StripOptions): Strip {
  const o = checkOptions<StripOptions>(opts, 'options', ['delta', 'A', 'tieTolerance', 'gap'], true);
  const st = readState(x, n, d);
  const s = { n: st.n, d: st.d };
  const X = st.X;
  checkIndex(i, s.n, 'i');
  const delta = checkNumber(o.delta, 'delta', { min: 0, allowInfinity: true });
  const tau = checkTieTolerance(o.tieTolerance, x);
  const relative = checkOneOf(o.gap, 'gap', ['absolute', 'relative'] as const, 'absolute') === 'relative';
  const M = readMatrix(o.A, s.d, 'A');
  const row = alignmentRow(X, s.n, s.d, i, M);
  const normal = new Float64Array(s.d);
  applyA(X, i, s.d, M, normal);
  let m = -Infinity;
  for (let j = 0; j < s.n; j++) if (row[j]! > m) m = row[j]!;
  const thr = thresholdOf(m, delta, tau, relative);
  const gap = relative ? (m === 0 ? 0 : delta * Math.abs(m)) : delta;
  let count = 0;
  const tmp = new Int32Array(s.n);
  for (let j = 0; j < s.n; j++) if (row[j]! >= thr) tmp[count++] = j;
  let nrm = 0;
  for (let c = 0; c < s.d; c++) nrm += normal[c]! ** 2;
  nrm = Math.sqrt(nrm);
  const position = new Float64Array(s.d);
  for (let c = 0; c < s.d; c++) position[c] = X[i * s.d + c] as number;
  return {
    index: i,
    position,
    normal,
    upper: m,
    lower: m - gap,
    width: nrm === 0 ? Infinity : gap / nrm,
    members: tmp.slice(0, count),
  };
}

/** A line in the plane: the points point + s·direction (direction a unit vector). */
export interface Line2d {
  /** A point on the line: the orthogonal projection of the token x_i onto it (length 2). */
  point: Float64Array;
  /** Unit direction (length 2), normal rotated by +90°. */
  direction: Float64Array;
}

/** The two bounding lines of a 2D strip (null where a face does not exist). */
export interface StripLines2d {
  /** The line <normal, y> = upper, or null if normal = 0. */
  upper: Line2d | null;
  /** The line <normal, y> = lower, or null if normal = 0 or lower = −Infinity. */
  lower: Line2d | null;
  /** The strip the lines were taken from. */
  strip: Strip;
}

function lineOf(normal: Float64Array, level: number, px: number, py: number): Line2d | null {
  const a = normal[0]!;
  const b = normal[1]!;
  const nn = a * a + b * b;
  if (nn === 0 || !Number.isFinite(level)) return null;
  const k = (level - (a * px + b * py)) / nn;
  const len = Math.sqrt(nn);
  return { point: Float64Array.of(px + k * a, py + k * b), direction: Float64Array.of(-b / len, a / len) };
}

/**
 * The strip's bounding lines in 2D, each as a point (the foot of the
 * perpendicular from x_i) and a unit direction, for drawing. Pass a
 * {@link Strip} of a 2D state, or the arguments of {@link strip} with d = 2.
 */
export function stripLines2d(s: Strip): StripLines2d;
export function stripLines2d(x: StateLike, n: number, d: number, i: number, opts: StripOptions): StripLines2d;
export function stripLines2d(a: Strip | StateLike, n?: number, d?: number, i?: number, opts?: StripOptions): StripLines2d {
  let st: Strip;
  if (n !== undefined) {
    const dd = checkInt(d, 'd');
    if (dd !== 2) throw rangeError('d', '2 (stripLines2d draws planar strips)', dd);
    st = strip(a as ArrayLike<number>, n, dd, i as number, opts as StripOptions);
  } else {
    st = a as Strip;
    if (st === null || typeof st !== 'object' || !(st.normal instanceof Float64Array) || !(st.position instanceof Float64Array)) {
      throw typeError('s', 'a Strip from strip(), or the arguments (x, n, d, i, opts) of strip', st);
    }
    if (st.normal.length !== 2) throw rangeError('s.normal.length', '2 (a strip of a 2D state)', st.normal.length);
  }
  const px = st.position[0]!;
  const py = st.position[1]!;
  return { upper: lineOf(st.normal, st.upper, px, py), lower: lineOf(st.normal, st.lower, px, py), strip: st };
}
