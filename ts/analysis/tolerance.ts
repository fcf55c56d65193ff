/**
 * Tolerances shared by every group of the analysis layer: the unit in the
 * last place, the storage precision of a buffer, SPEC §4's default "tol" and
 * the largest token norm (limits.ts, quiescent.ts, energies.ts).
 *
 * Everything here allocates nothing and never mutates inputs.
 */
import { normAt } from './geometry/scale.js';

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The unit in the last place of |v|: the gap from |v| to the next larger
 * representable number in the given precision (f64 by default). ulp(0) is the
 * smallest subnormal; ulp(±Infinity) and ulp(NaN) are NaN.
 */
export function ulp(v: number, precision: 'f64' | 'f32' = 'f64'): number {
  if (!Number.isFinite(v)) return NaN;
  const a = Math.abs(v);
  if (precision === 'f64') {
    if (a === Number.MAX_VALUE) return 2 ** 971;
    f64[0] = a;
    u64[0] = (u64[0] as bigint) + 1n;
    return (f64[0] as number) - a;
  }
  const a32 = Math.fround(a);
  if (a32 === Infinity || a32 >= 3.4028234663852886e38) return 2 ** 104;
  f32[0] = a32;
  u32[0] = (u32[0] as number) + 1;
  return (f32[0] as number) - a32;
}

/** The storage precision of a buffer: 'f32' for a Float32Array, else 'f64'. @internal */
export function precisionOf(x: ArrayLike<number>): 'f64' | 'f32' {
  return x instanceof Float32Array ? 'f32' : 'f64';
}

/** SPEC §4 "tol": 1e-12·max(1,R) for f64 data and 1e-5·max(1,R) for f32 data. @internal */
export function defaultTol(precision: 'f64' | 'f32', R: number): number {
  return (precision === 'f64' ? 1e-12 : 1e-5) * Math.max(1, R);
}

/** max_i |x_i| over the first n rows (norms safe from over- and underflow, scale.ts `normAt`). @internal */
export function maxNorm(x: ArrayLike<number>, n: number, d: number, offset = 0): number {
  let R = 0;
  for (let i = 0; i < n; i++) {
    const r = normAt(x, offset + i * d, d);
    if (r > R) R = r;
  }
  return R;
}
