/**
 * Power-of-two normalisation: what makes the geometry of the analysis layer
 * (hulls, affine dimension, support functions, diameters, clusters, limit
 * classes, distances to hulls) independent of the scale of the input.
 *
 * Squared norms overflow above about 1e154 and underflow below about 1e-154,
 * and the exact orientation predicates (robust-predicates) need their
 * products of coordinate differences to stay in range. A state whose largest
 * |coordinate| M lies outside [2^-128, 2^128] is therefore multiplied by 2^k
 * so that M·2^k lies in [1, 2), before any arithmetic. Multiplying by a power
 * of two is exact (it only changes the exponent) unless a result is
 * subnormal, so exact predicates decide exactly the same and every rounded
 * operation (+, −, ×, /, sqrt) rounds exactly as it does at scale 1: results
 * at scale 2^j are those at scale 1 (indices) or 2^j times them (lengths).
 * Coordinates below 2^-1022·M are subnormal after the shift and keep only
 * their subnormal precision (they are that far below the set's scale).
 *
 * Everything here is internal and unvalidated; inputs are read only.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Largest |coordinate| M outside this range triggers the shift. @internal */
export const SAFE_LOW = 2 ** -128;
/** @internal */
export const SAFE_HIGH = 2 ** 128;

/** The exponent e with 2^e <= v < 2^(e+1), for finite v > 0 (subnormals included). @internal */
export function exponentOf(v: number): number {
  if (v < 2 ** -1022) return exponentOf(v * 2 ** 64) - 64;
  f64[0] = v;
  return (((u32[HI] as number) >>> 20) & 0x7ff) - 1023;
}

/** v·2^k, exact unless the result is subnormal (one rounding) or out of range (±Infinity). @internal */
export function ldexp(v: number, k: number): number {
  if (k === 0) return v;
  if (k > 1023) return v * 2 ** 1023 * 2 ** (k - 1023);
  if (k < -1074) return v * 2 ** -1074 * 2 ** (k + 1074);
  return v * 2 ** k;
}

/** The largest |entry| of a[0 .. len) (0 for none). @internal */
export function maxAbs(a: ArrayLike<number>, len: number = a.length): number {
  let M = 0;
  for (let k = 0; k < len; k++) {
    const v = Math.abs(a[k] as number);
    if (v > M) M = v;
  }
  return M;
}

/**
 * The shift k for a largest |coordinate| M: 0 when M is 0 or inside
 * [2^-128, 2^128], else the k that puts M·2^k in [1, 2). @internal
 */
export function shiftFor(M: number): number {
  if (!(M > 0) || (M >= SAFE_LOW && M <= SAFE_HIGH)) return 0;
  return -exponentOf(M);
}

/** X·2^k as a fresh Float64Array, or X itself when k = 0 (read only then). @internal */
export function shifted(X: Float64Array, k: number): Float64Array {
  if (k === 0) return X;
  const out = new Float64Array(X.length);
  for (let t = 0; t < X.length; t++) out[t] = ldexp(X[t] as number, k);
  return out;
}

/** A state normalised for geometry: P = X·2^shift, lengths in P's units are 2^shift times the true ones. @internal */
export interface Normalised {
  P: Float64Array;
  shift: number;
}

/** Normalise X (all of it) by its own largest |coordinate|. @internal */
export function normalise(X: Float64Array): Normalised {
  const shift = shiftFor(maxAbs(X));
  return { P: shifted(X, shift), shift };
}

/**
 * √(Σ_c (P[a+c] − Q[b+c])²), accurate also when the squares would underflow
 * (tiny differences) or overflow: the fast sum of squares is used when it is
 * safely normal, else the differences are rescaled by a power of two first.
 * @internal
 */
export function distanceBetween(P: ArrayLike<number>, a: number, Q: ArrayLike<number>, b: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const e = (P[a + c] as number) - (Q[b + c] as number);
    s += e * e;
  }
  if (s >= 2 ** -968 && s <= 2 ** 968) return Math.sqrt(s);
  let m = 0;
  for (let c = 0; c < d; c++) {
    const e = Math.abs((P[a + c] as number) - (Q[b + c] as number));
    if (e > m) m = e;
  }
  if (m === 0 || m === Infinity) return m;
  const k = -exponentOf(m);
  s = 0;
  for (let c = 0; c < d; c++) {
    const e = ldexp((P[a + c] as number) - (Q[b + c] as number), k);
    s += e * e;
  }
  return ldexp(Math.sqrt(s), -k);
}

/** √(Σ_c v_c²) of v = P[a .. a+d), robust to overflow and underflow as {@link distanceBetween}. @internal */
export function normAt(P: ArrayLike<number>, a: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const e = P[a + c] as number;
    s += e * e;
  }
  if (s >= 2 ** -968 && s <= 2 ** 968) return Math.sqrt(s);
  let m = 0;
  for (let c = 0; c < d; c++) m = Math.max(m, Math.abs(P[a + c] as number));
  if (m === 0) return 0;
  const k = -exponentOf(m);
  s = 0;
  for (let c = 0; c < d; c++) {
    const e = ldexp(P[a + c] as number, k);
    s += e * e;
  }
  return ldexp(Math.sqrt(s), -k);
}
