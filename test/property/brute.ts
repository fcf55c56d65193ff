/**
 * Brute-force oracles for the analysis property suite, written for the tests
 * only and independent of ts/analysis (which this file never imports).
 *
 * Exactness: every finite double is a dyadic rational m·2^e, so a set of
 * doubles becomes a set of BigInt integers over one common power of two, and
 * determinants, squared distances and dot products are then exact. Floating
 * point is used only as a filter with a generous error bound (falling back to
 * BigInt when the float value is too close to 0 to trust its sign) and for
 * quantities compared with a tolerance (margins, singular values).
 *
 *   hull vertices   p is a vertex iff it lies strictly beyond a facet of
 *                   conv(others); facets are found by enumerating k-subsets
 *                   (k the exact affine dimension) whose hyperplane has all
 *                   the other points on one side. O(n·C(n−1, k)·n).
 *   affine rank     exact fraction-free elimination on the differences.
 *   diameter        all pairs, exact squared distances.
 *   support         all points, exact dot products.
 *   alignments      exact <A x_i, x_j>, with a rigorous bound on the error of
 *                   a float evaluation (used to tell a certain decision from
 *                   one within rounding of a threshold).
 *   singular values one-sided Jacobi on the differences (absolute accuracy
 *                   ~1e-15·σ_1), for the tolerance-based affine dimension.
 */

// ---------------------------------------------------------------------------
// doubles as dyadic rationals

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** v = m·2^e exactly (m a BigInt, 0n for ±0). v must be finite. */
export function decompose(v: number): [bigint, number] {
  if (v === 0) return [0n, 0];
  f64[0] = v;
  const hi = u32[LITTLE ? 1 : 0] as number;
  const lo = u32[LITTLE ? 0 : 1] as number;
  const sign = hi >>> 31 ? -1n : 1n;
  const exp = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (exp === 0) return [sign * frac, -1074];
  return [sign * ((1n << 52n) | frac), exp - 1075];
}

/** Integers X[k] with values[k] = X[k]·2^E exactly (one common E). */
export function toIntegers(values: ArrayLike<number>): { X: bigint[]; E: number } {
  const parts: [bigint, number][] = [];
  let E = Infinity;
  for (let k = 0; k < values.length; k++) {
    const p = decompose(values[k] as number);
    parts.push(p);
    if (p[0] !== 0n && p[1] < E) E = p[1];
  }
  if (E === Infinity) E = 0;
  return { X: parts.map(([m, e]) => (m === 0n ? 0n : m << BigInt(e - E))), E };
}

/** v·2^k without intermediate overflow (exact unless the result is subnormal or out of range). */
export function scale2(v: number, k: number): number {
  let r = v;
  let left = k;
  while (left > 1000) {
    r *= 2 ** 1000;
    left -= 1000;
  }
  while (left < -1000) {
    r *= 2 ** -1000;
    left += 1000;
  }
  return r * 2 ** left;
}

function bitLength(b: bigint): number {
  const a = b < 0n ? -b : b;
  return a === 0n ? 0 : a.toString(2).length;
}

/** The double nearest (to within an ulp) to b·2^e. */
export function bigToNumber(b: bigint, e: number): number {
  const L = bitLength(b);
  if (L <= 900) return scale2(Number(b), e);
  const sh = L - 900;
  return scale2(Number(b >> BigInt(sh)), e + sh);
}

/** √(S·2^(2e)) for S >= 0 as a double (relative accuracy ~2e-16). */
export function bigSqrt(S: bigint, e: number): number {
  if (S === 0n) return 0;
  const L = bitLength(S);
  let sh = 0;
  if (L > 900) sh = (L - 900) + ((L - 900) % 2);
  return scale2(Math.sqrt(Number(S >> BigInt(sh))), e + sh / 2);
}

/** The power-of-two exponent that brings max|values| into [1, 2) (0 for all zeros). */
export function normalisingShift(values: ArrayLike<number>): number {
  let M = 0;
  for (let k = 0; k < values.length; k++) M = Math.max(M, Math.abs(values[k] as number));
  if (M === 0) return 0;
  const [m, e] = decompose(M);
  return -(e + bitLength(m) - 1);
}

// ---------------------------------------------------------------------------
// exact linear algebra on BigInt

/** Determinant of a square BigInt matrix (Bareiss, fraction-free). The input is copied. */
export function detBig(M: bigint[][]): bigint {
  const k = M.length;
  const a = M.map((r) => r.slice());
  let sign = 1n;
  let prev = 1n;
  for (let c = 0; c < k; c++) {
    let p = c;
    while (p < k && (a[p] as bigint[])[c] === 0n) p++;
    if (p === k) return 0n;
    if (p !== c) {
      const t = a[p] as bigint[];
      a[p] = a[c] as bigint[];
      a[c] = t;
      sign = -sign;
    }
    const rc = a[c] as bigint[];
    for (let r = c + 1; r < k; r++) {
      const rr = a[r] as bigint[];
      for (let j = c + 1; j < k; j++) rr[j] = ((rc[c] as bigint) * (rr[j] as bigint) - (rr[c] as bigint) * (rc[j] as bigint)) / prev;
      rr[c] = 0n;
    }
    prev = rc[c] as bigint;
  }
  return sign * ((a[k - 1] as bigint[])[k - 1] as bigint);
}

/** Exact rank of a BigInt matrix (rows × cols) and its pivot columns, by fraction-free elimination. */
export function rankBig(rows: bigint[][], cols: number): { rank: number; pivots: number[] } {
  const a = rows.map((r) => r.slice());
  const pivots: number[] = [];
  let r0 = 0;
  for (let c = 0; c < cols && r0 < a.length; c++) {
    let p = r0;
    while (p < a.length && (a[p] as bigint[])[c] === 0n) p++;
    if (p === a.length) continue;
    const t = a[p] as bigint[];
    a[p] = a[r0] as bigint[];
    a[r0] = t;
    const pr = a[r0] as bigint[];
    for (let r = r0 + 1; r < a.length; r++) {
      const rr = a[r] as bigint[];
      if (rr[c] === 0n) continue;
      const f = rr[c] as bigint;
      const g = pr[c] as bigint;
      for (let j = c; j < cols; j++) rr[j] = (rr[j] as bigint) * g - (pr[j] as bigint) * f;
      // keep the entries small
      let h = 0n;
      for (let j = c; j < cols; j++) h = gcd(h, rr[j] as bigint);
      if (h > 1n) for (let j = c; j < cols; j++) rr[j] = (rr[j] as bigint) / h;
    }
    pivots.push(c);
    r0++;
  }
  return { rank: pivots.length, pivots };
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

// ---------------------------------------------------------------------------
// float determinants (Laplace expansion) used as a filter

/** det of a k×k float matrix by Laplace expansion along the first row (k <= 6). */
export function detFloat(M: number[][]): number {
  const k = M.length;
  if (k === 1) return (M[0] as number[])[0] as number;
  if (k === 2) return ((M[0] as number[])[0] as number) * ((M[1] as number[])[1] as number) - ((M[0] as number[])[1] as number) * ((M[1] as number[])[0] as number);
  let s = 0;
  for (let j = 0; j < k; j++) {
    const minor = M.slice(1).map((r) => r.filter((_, c) => c !== j));
    const v = ((M[0] as number[])[j] as number) * detFloat(minor);
    s += j % 2 === 0 ? v : -v;
  }
  return s;
}

/** Cofactors N with N·v = det[rows; v] for (k−1) rows of length k. */
function cofactorsFloat(rows: number[][], k: number): number[] {
  const N: number[] = [];
  for (let j = 0; j < k; j++) {
    const minor = rows.map((r) => r.filter((_, c) => c !== j));
    const v = k === 1 ? 1 : detFloat(minor);
    N.push((k - 1 + j) % 2 === 0 ? v : -v);
  }
  return N;
}

function cofactorsBig(rows: bigint[][], k: number): bigint[] {
  const N: bigint[] = [];
  for (let j = 0; j < k; j++) {
    const minor = rows.map((r) => r.filter((_, c) => c !== j));
    const v = k === 1 ? 1n : detBig(minor);
    N.push((k - 1 + j) % 2 === 0 ? v : -v);
  }
  return N;
}

function norm(v: number[]): number {
  let m = 0;
  for (const e of v) m = Math.max(m, Math.abs(e));
  if (m === 0) return 0;
  let s = 0;
  for (const e of v) s += (e / m) ** 2;
  return m * Math.sqrt(s);
}

// ---------------------------------------------------------------------------
// duplicates

/** rep[i] = the lowest index j with x_j == x_i exactly (coordinatewise IEEE ==, so −0 == 0). */
export function representatives(x: ArrayLike<number>, n: number, d: number): Int32Array {
  const rep = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    rep[i] = i;
    for (let j = 0; j < i; j++) {
      let same = true;
      for (let c = 0; c < d; c++) if ((x[i * d + c] as number) !== (x[j * d + c] as number)) same = false;
      if (same) {
        rep[i] = j;
        break;
      }
    }
  }
  return rep;
}

// ---------------------------------------------------------------------------
// hull vertices

/** Per token: 1 a vertex (its lowest index at its location), 0 not, −1 undecided (certify mode only). */
export interface HullTruth {
  status: Int8Array;
  /** Exact affine dimension of the set. */
  dim: number;
  /** How many float signs had to be decided exactly. */
  exactFallbacks: number;
}

function* subsets(m: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, t) => t);
  if (k > m) return;
  for (;;) {
    yield idx.slice();
    let t = k - 1;
    while (t >= 0 && (idx[t] as number) === m - k + t) t--;
    if (t < 0) return;
    idx[t] = (idx[t] as number) + 1;
    for (let u = t + 1; u < k; u++) idx[u] = (idx[u - 1] as number) + 1;
  }
}

/**
 * The hull's vertices by brute force. With `certify` (the tolerance-based
 * hulls of d > 3), a vertex counts only if it is farther than
 * `rel`·(coordinate range) from the hull of the others (a lower bound on
 * that distance from the facets of conv(others)), and a non-vertex only if
 * no other point lies within that distance of it; every other point is
 * undecided (−1).
 */
export function bruteHull(x: ArrayLike<number>, n: number, d: number, certify = false, rel = 1e-7): HullTruth {
  const rep = representatives(x, n, d);
  const status = new Int8Array(n);
  const D: number[] = [];
  for (let i = 0; i < n; i++) if (rep[i] === i) D.push(i);
  const m = D.length;
  let fallbacks = 0;
  if (m === 1) {
    status[D[0] as number] = 1;
    return { status, dim: 0, exactFallbacks: 0 };
  }
  // exact integers and power-of-two normalised floats of the distinct points
  const sub: number[] = [];
  for (const i of D) for (let c = 0; c < d; c++) sub.push(x[i * d + c] as number);
  const { X } = toIntegers(sub);
  const sh = normalisingShift(sub);
  const F = sub.map((v) => scale2(v, sh));
  // exact affine dimension and the coordinates on which the span projects injectively
  const diffs: bigint[][] = [];
  for (let t = 1; t < m; t++) diffs.push(Array.from({ length: d }, (_, c) => (X[t * d + c] as bigint) - (X[c] as bigint)));
  const { rank: k, pivots } = rankBig(diffs, d);
  const PB = Array.from({ length: m }, (_, t) => pivots.map((c) => X[t * d + c] as bigint));
  const PF = Array.from({ length: m }, (_, t) => pivots.map((c) => F[t * d + c] as number));
  // the coordinate range (for certify), in normalised units
  let ext = 0;
  for (let c = 0; c < d; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 0; t < m; t++) {
      lo = Math.min(lo, F[t * d + c] as number);
      hi = Math.max(hi, F[t * d + c] as number);
    }
    ext = Math.max(ext, hi - lo);
  }
  const minMargin = rel * ext;

  const vertex = new Array<boolean>(m).fill(false);
  const margin = new Array<number>(m).fill(0);
  if (k === 1) {
    let lo = 0;
    let hi = 0;
    for (let t = 1; t < m; t++) {
      if ((PB[t] as bigint[])[0]! < (PB[lo] as bigint[])[0]!) lo = t;
      if ((PB[t] as bigint[])[0]! > (PB[hi] as bigint[])[0]!) hi = t;
    }
    vertex[lo] = true;
    vertex[hi] = true;
    for (const v of [lo, hi]) {
      let gap = Infinity;
      for (let t = 0; t < m; t++) if (t !== v) gap = Math.min(gap, Math.abs((PF[t] as number[])[0]! - (PF[v] as number[])[0]!));
      margin[v] = gap;
    }
  } else {
    for (let p = 0; p < m; p++) {
      const Q: number[] = [];
      for (let t = 0; t < m; t++) if (t !== p) Q.push(t);
      const qDiffs = Q.slice(1).map((t) => (PB[t] as bigint[]).map((v, a) => v - (PB[Q[0] as number] as bigint[])[a]!));
      const rq = rankBig(qDiffs, k).rank;
      if (rq < k) {
        // p is off the affine span of the others: a vertex; its distance to that span bounds the margin
        vertex[p] = true;
        margin[p] = offSpanDistance(PF, Q, p, k);
        continue;
      }
      let best = 0;
      for (const S of subsets(Q.length, k)) {
        const s0 = Q[S[0] as number] as number;
        const rowsF = S.slice(1).map((u) => (PF[Q[u] as number] as number[]).map((v, a) => v - (PF[s0] as number[])[a]!));
        const NF = cofactorsFloat(rowsF, k);
        const Hrows = rowsF.reduce((acc, r) => acc * norm(r), 1);
        let nN = norm(NF);
        let NB: bigint[] | null = null;
        const rowsB = (): bigint[][] => S.slice(1).map((u) => (PB[Q[u] as number] as bigint[]).map((v, a) => v - (PB[s0] as bigint[])[a]!));
        if (!(nN > 1e-9 * Hrows)) {
          NB = cofactorsBig(rowsB(), k);
          fallbacks++;
          if (NB.every((v) => v === 0n)) continue; // affinely dependent
        }
        // sign of N·(q − s0): float unless too close to 0
        const sideOf = (t: number): number => {
          const v = (PF[t] as number[]).map((w, a) => w - (PF[s0] as number[])[a]!);
          let s = 0;
          for (let a = 0; a < k; a++) s += (NF[a] as number) * (v[a] as number);
          if (Math.abs(s) > 1e-9 * Hrows * norm(v)) return Math.sign(s);
          fallbacks++;
          NB ??= cofactorsBig(rowsB(), k);
          let e = 0n;
          for (let a = 0; a < k; a++) e += (NB[a] as bigint) * ((PB[t] as bigint[])[a]! - (PB[s0] as bigint[])[a]!);
          return e > 0n ? 1 : e < 0n ? -1 : 0;
        };
        let pos = false;
        let neg = false;
        for (const t of Q) {
          const s = sideOf(t);
          if (s > 0) pos = true;
          else if (s < 0) neg = true;
          if (pos && neg) break;
        }
        if (pos && neg) continue; // not a supporting hyperplane of conv(Q)
        const sp = sideOf(p);
        const out = pos ? sp < 0 : sp > 0; // Q on one side, p strictly on the other
        if (!out) continue;
        vertex[p] = true;
        if (!certify) break;
        // distance of p beyond this facet, less the float error of the evaluation
        if (nN === 0) nN = norm((NB as bigint[]).map(Number));
        if (nN > 1e-6 * Hrows) {
          const v = (PF[p] as number[]).map((w, a) => w - (PF[s0] as number[])[a]!);
          let s = 0;
          for (let a = 0; a < k; a++) s += (NF[a] as number) * (v[a] as number);
          best = Math.max(best, (Math.abs(s) - 1e-9 * Hrows * norm(v)) / nN);
        }
      }
      margin[p] = best;
    }
  }
  for (let t = 0; t < m; t++) {
    const i = D[t] as number;
    if (!certify) {
      status[i] = vertex[t] ? 1 : 0;
      continue;
    }
    if (vertex[t]) status[i] = margin[t]! > minMargin ? 1 : -1;
    else {
      // a non-vertex is certain unless another point is within the margin of it
      let near = false;
      for (let u = 0; u < m; u++) {
        if (u === t) continue;
        let s = 0;
        for (let c = 0; c < d; c++) s += ((F[t * d + c] as number) - (F[u * d + c] as number)) ** 2;
        if (Math.sqrt(s) <= minMargin) near = true;
      }
      status[i] = near ? -1 : 0;
    }
  }
  return { status, dim: k, exactFallbacks: fallbacks };
}

/** Distance of PF[p] from the affine span of the rows Q (float Gram–Schmidt; 0 when ill-conditioned). */
function offSpanDistance(PF: number[][], Q: number[], p: number, k: number): number {
  const o = PF[Q[0] as number] as number[];
  const basis: number[][] = [];
  for (const t of Q.slice(1)) {
    let v = (PF[t] as number[]).map((w, a) => w - (o[a] as number));
    const n0 = norm(v);
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let dot = 0;
        for (let a = 0; a < k; a++) dot += (v[a] as number) * (b[a] as number);
        v = v.map((w, a) => w - dot * (b[a] as number));
      }
    }
    const n1 = norm(v);
    if (n1 > 1e-4 * n0) basis.push(v.map((w) => w / n1));
    else if (n1 > 1e-12 * n0) return 0; // nearly dependent: no trustworthy bound
  }
  let v = (PF[p] as number[]).map((w, a) => w - (o[a] as number));
  for (let pass = 0; pass < 2; pass++) {
    for (const b of basis) {
      let dot = 0;
      for (let a = 0; a < k; a++) dot += (v[a] as number) * (b[a] as number);
      v = v.map((w, a) => w - dot * (b[a] as number));
    }
  }
  return norm(v) * (1 - 1e-9);
}

// ---------------------------------------------------------------------------
// singular values (one-sided Jacobi), for the tolerance-based affine dimension

/** Singular values, descending, of an m×k float matrix (rows). Absolute accuracy ~1e-15·σ_1. */
export function singularValues(rows: number[][], k: number): number[] {
  const m = rows.length;
  const cols = Array.from({ length: k }, (_, c) => rows.map((r) => r[c] as number));
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < k; p++) {
      for (let q = p + 1; q < k; q++) {
        const a = cols[p] as number[];
        const b = cols[q] as number[];
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += (a[i] as number) ** 2;
          beta += (b[i] as number) ** 2;
          gamma += (a[i] as number) * (b[i] as number);
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-17 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const ai = a[i] as number;
          const bi = b[i] as number;
          a[i] = c * ai - s * bi;
          b[i] = s * ai + c * bi;
        }
      }
    }
    if (!rotated) break;
  }
  return cols.map((c) => norm(c)).sort((u, v) => v - u);
}

// ---------------------------------------------------------------------------
// alignments

/** Exact alignments a_ij = <A x_i, x_j> (A null: the identity) as BigInt numerators over 2^E. */
export function exactAlignments(x: ArrayLike<number>, n: number, d: number, A: ArrayLike<number> | null): { a: bigint[][]; E: number } {
  const { X, E: Ex } = toIntegers(x);
  let AB: bigint[] | null = null;
  let EA = 0;
  if (A !== null) ({ X: AB, E: EA } = toIntegers(A));
  const a: bigint[][] = [];
  for (let i = 0; i < n; i++) {
    const q: bigint[] = [];
    for (let r = 0; r < d; r++) {
      if (AB === null) q.push(X[i * d + r] as bigint);
      else {
        let s = 0n;
        for (let c = 0; c < d; c++) s += (AB[r * d + c] as bigint) * (X[i * d + c] as bigint);
        q.push(s);
      }
    }
    const row: bigint[] = [];
    for (let j = 0; j < n; j++) {
      let s = 0n;
      for (let r = 0; r < d; r++) s += (q[r] as bigint) * (X[j * d + r] as bigint);
      row.push(s);
    }
    a.push(row);
  }
  return { a, E: 2 * Ex + EA };
}

/**
 * A bound on |fl(a_ij) − a_ij| for any float evaluation that forms q = A x_i
 * by sums of d products and then q·x_j (in any order): (2d+2)·u·Σ_r Σ_c
 * |A_rc||x_ic||x_jr| plus an allowance for underflow. Zero when every
 * partial sum is exactly representable (dyadic data of few bits).
 */
export function alignmentErrorBound(x: ArrayLike<number>, n: number, d: number, A: ArrayLike<number> | null): number[][] {
  const u = 2 ** -53;
  const exact = exactlyComputable(x, A, d);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      if (exact) {
        row.push(0);
        continue;
      }
      let s = 0;
      for (let r = 0; r < d; r++) {
        let qa = 0;
        if (A === null) qa = Math.abs(x[i * d + r] as number);
        else for (let c = 0; c < d; c++) qa += Math.abs(A[r * d + c] as number) * Math.abs(x[i * d + c] as number);
        s += qa * Math.abs(x[j * d + r] as number);
      }
      row.push((2 * d + 2) * u * s * 1.01 + (d + 1) * (d + 1) * 2 ** -1070);
    }
    out.push(row);
  }
  return out;
}

/** True when every product and partial sum of the alignments is an exact double (small dyadic data). */
function exactlyComputable(x: ArrayLike<number>, A: ArrayLike<number> | null, d: number): boolean {
  const { X, E: Ex } = toIntegers(x);
  let maxX = 0n;
  for (const v of X) maxX = v < 0n ? (-v > maxX ? -v : maxX) : v > maxX ? v : maxX;
  let maxA = 1n;
  let EA = 0;
  if (A !== null) {
    const t = toIntegers(A);
    EA = t.E;
    maxA = 0n;
    for (const v of t.X) maxA = v < 0n ? (-v > maxA ? -v : maxA) : v > maxA ? v : maxA;
  }
  // every partial sum is an integer multiple of 2^(2Ex+EA) below 2^53 in units of it, and no underflow
  const bound = BigInt(d) * BigInt(d) * maxA * maxX * maxX;
  return bound < 1n << 53n && 2 * Ex + EA >= -1074 && Ex >= -1074;
}
