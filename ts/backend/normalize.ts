/**
 * Projection of one token to the unit sphere, shared by the js backend and
 * option validation; the kernel's `normalize` (crates/kernel/src/sim.rs)
 * evaluates the same expressions in the same order.
 *
 * The plain formula v / sqrt(Σ v_c²) is used whenever the sum of squares is a
 * finite normal number far enough from underflow to be exact to rounding
 * (>= 2^-970 = MIN_POSITIVE / EPSILON), so ordinary rows are projected bit for
 * bit as before. Otherwise (coordinates below about 1e-146 or above about
 * 1e154) the row is first divided by its largest |v_c|: a token of norm 1e-320
 * or 1e300 is projected as well as one of norm 1.
 */
import { STATUS } from './backend.js';

/** 2^-970: a sum of squares at least this large lost nothing to underflow. */
const TINY = 2 ** -1022 / 2 ** -52;

/**
 * Scale row [o, o+d) of v to unit length in place. Returns STATUS.ok,
 * STATUS.zeroNorm (the zero vector: nothing changed) or STATUS.nonFinite (an
 * entry is NaN or ±Infinity: nothing changed). In a Float32Array the result is
 * rounded to float32 on store.
 */
export function normalizeRow(v: Float64Array | Float32Array, o: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += (v[o + c] as number) * (v[o + c] as number);
  if (s >= TINY && s <= Number.MAX_VALUE) {
    const norm = Math.sqrt(s);
    for (let c = 0; c < d; c++) v[o + c] = (v[o + c] as number) / norm;
    return STATUS.ok;
  }
  let m = 0;
  for (let c = 0; c < d; c++) {
    const x = v[o + c] as number;
    if (!Number.isFinite(x)) return STATUS.nonFinite;
    const a = Math.abs(x);
    if (a > m) m = a;
  }
  if (!(m > 0)) return STATUS.zeroNorm;
  let s2 = 0;
  for (let c = 0; c < d; c++) {
    const u = (v[o + c] as number) / m;
    s2 += u * u;
  }
  const norm = Math.sqrt(s2);
  for (let c = 0; c < d; c++) v[o + c] = (v[o + c] as number) / m / norm;
  return STATUS.ok;
}
