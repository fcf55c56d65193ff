/**
 * Deterministic transcendental functions for the random initial conditions.
 *
 * `Math.log`, `Math.sin` and `Math.cos` are "implementation-approximated" in
 * ECMAScript: their last bit may differ between engines (and from Rust's
 * libm). The functions here use only +, −, ×, / (correctly rounded in IEEE 754,
 * so identical on every engine), comparisons, `Math.floor` (exact) and scaling
 * by exact powers of two. No fused multiply-add anywhere: a port must evaluate
 * every expression exactly in the written order, one rounding per operation
 * (Rust never contracts `a * b + c` into an FMA by itself; C compilers may,
 * so compile a C port with -ffp-contract=off).
 *
 * The algorithms and coefficients are those of fdlibm / musl (Sun Microsystems,
 * 1993, freely redistributable):
 *
 * - `detLog` is musl's `log.c` (the fdlibm e_log.c polynomial in musl's
 *   single-expression form), with the exponent extracted by power-of-two
 *   scaling instead of bit manipulation (bitwise the same reduction for
 *   normal inputs). Error below 1 ulp.
 * - `detSin` / `detCos` use a two-constant Cody–Waite reduction by π/2
 *   (fdlibm's pio2_1, pio2_1t) and musl's `__sin` / `__cos` kernels on
 *   [−π/4, π/4]. Absolute error about 1e-16 on [0, 2π); the reduction is only
 *   meant for |x| up to a few multiples of 2π (valid while |k| < 2^20).
 *
 * Constants are listed with their IEEE-754 bit patterns (high word, low word);
 * the decimal literals round to exactly those doubles (checked by a test).
 */

// ---------------------------------------------------------------- log

/** ln2_hi = 0x3FE62E42_FEE00000: ln 2 with 21 trailing zero bits, so k·ln2_hi is exact. */
const LN2_HI = 6.93147180369123816490e-1;
/** ln2_lo = 0x3DEA39EF_35793C76: ln 2 − ln2_hi. */
const LN2_LO = 1.90821492927058770002e-10;
/** 0x3FE6A09E_00000000: √½ truncated to its high word (musl's reduction threshold). */
const SQRT_HALF_HI = 0.70710659027099609375;
const LG1 = 6.666666666666735130e-1; // 0x3FE55555_55555593
const LG2 = 3.999999999940941908e-1; // 0x3FD99999_9997FA04
const LG3 = 2.857142874366239149e-1; // 0x3FD24924_94229359
const LG4 = 2.222219843214978396e-1; // 0x3FCC71C5_1D8E78AF
const LG5 = 1.818357216161805012e-1; // 0x3FC74664_96CB03DE
const LG6 = 1.531383769920937332e-1; // 0x3FC39A09_D078C69F
const LG7 = 1.479819860511658591e-1; // 0x3FC2F112_DF3E5244

const TWO32 = 4294967296; // 2^32
const TWO_M32 = 1 / TWO32; // 2^-32

/**
 * Natural logarithm, bitwise reproducible across JS engines and in the Rust
 * kernel. Intended domain (0, 1] (Box–Muller's −2 ln u); accurate (< 1 ulp)
 * for every positive finite x, subnormals included. log(0) = −∞,
 * log(x < 0) = NaN, log(NaN) = NaN, log(+∞) = +∞.
 *
 * Algorithm (port it literally):
 *  1. Scale m = x by exact powers of two into [0.5, 1), counting k with
 *     x = m·2^k: while m < 2^-32: m ·= 2^32, k −= 32; then for s = 16, 8, 4,
 *     2, 1: if m < 2^-s: m ·= 2^s, k −= s. (For x ≥ 1 the mirror image:
 *     while m ≥ 2^32: m ·= 2^-32, k += 32; for s = 16 … 1: if m ≥ 2^s:
 *     m ·= 2^-s, k += s; then if m ≥ 1: m ·= 0.5, k += 1.)
 *  2. If m < SQRT_HALF_HI: m ·= 2, k −= 1. Now m ∈ [0.7071, 1.4142).
 *  3. f = m − 1 (exact); s = f/(2 + f); z = s·s; w = z·z;
 *     t1 = w·(LG2 + w·(LG4 + w·LG6)); t2 = z·(LG1 + w·(LG3 + w·(LG5 + w·LG7)));
 *     R = t2 + t1; hfsq = 0.5·f·f; dk = k;
 *     return s·(hfsq + R) + dk·LN2_LO − hfsq + f + dk·LN2_HI   (left to right).
 */
export function detLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  let m = x;
  let k = 0;
  if (m < 0.5) {
    while (m < TWO_M32) {
      m *= TWO32;
      k -= 32;
    }
    if (m < 1.52587890625e-5) { m *= 65536; k -= 16; } // 2^-16
    if (m < 0.00390625) { m *= 256; k -= 8; } // 2^-8
    if (m < 0.0625) { m *= 16; k -= 4; } // 2^-4
    if (m < 0.25) { m *= 4; k -= 2; } // 2^-2
    if (m < 0.5) { m *= 2; k -= 1; } // 2^-1
  } else if (m >= 1) {
    while (m >= TWO32) {
      m *= TWO_M32;
      k += 32;
    }
    if (m >= 65536) { m *= 1.52587890625e-5; k += 16; }
    if (m >= 256) { m *= 0.00390625; k += 8; }
    if (m >= 16) { m *= 0.0625; k += 4; }
    if (m >= 4) { m *= 0.25; k += 2; }
    if (m >= 2) { m *= 0.5; k += 1; }
    // m in [1, 2)
    m *= 0.5;
    k += 1;
  }
  // m in [0.5, 1)
  if (m < SQRT_HALF_HI) {
    m *= 2;
    k -= 1;
  }
  const f = m - 1;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  const hfsq = 0.5 * f * f;
  const dk = k;
  return s * (hfsq + R) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}

// ---------------------------------------------------------------- sin / cos

/** 2/π, 0x3FE45F30_6DC9C883. */
const INV_PIO2 = 6.36619772367581382433e-1;
/** pio2_1 = 0x3FF921FB_54400000: first 33 bits of π/2, so k·pio2_1 is exact for |k| < 2^20. */
const PIO2_1 = 1.57079632673412561417;
/** pio2_1t = 0x3DD0B461_1A626331: π/2 − pio2_1. */
const PIO2_1T = 6.07710050650619224932e-11;

const S1 = -1.66666666666666324348e-1; // 0xBFC55555_55555549
const S2 = 8.33333333332248946124e-3; // 0x3F811111_1110F8A6
const S3 = -1.98412698298579493134e-4; // 0xBF2A01A0_19C161D5
const S4 = 2.75573137070700676789e-6; // 0x3EC71DE3_57B1FE7D
const S5 = -2.50507602534068634195e-8; // 0xBE5AE5E6_8A2B9CEB
const S6 = 1.58969099521155010221e-10; // 0x3DE5D93A_5ACFD57C

const C1 = 4.16666666666666019037e-2; // 0x3FA55555_5555554C
const C2 = -1.38888888888741095749e-3; // 0xBF56C16C_16C15177
const C3 = 2.48015872894767294178e-5; // 0x3EFA01A0_19CB1590
const C4 = -2.75573143513906633035e-7; // 0xBE927E4F_809C52AD
const C5 = 2.08757232129817482790e-9; // 0x3E21EE9E_BDB4B1C4
const C6 = -1.13596475577881948265e-11; // 0xBDA8FAE9_BE8838D4

/** musl __sin(x, y, 1): sin(x + y) for |x| ≲ π/4, y the tail of x. */
function kernelSin(x: number, y: number): number {
  const z = x * x;
  const w = z * z;
  const r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const v = z * x;
  return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/** musl __cos(x, y): cos(x + y) for |x| ≲ π/4, y the tail of x. */
function kernelCos(x: number, y: number): number {
  const z = x * x;
  let w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  w = 1 - hz;
  return w + (((1 - w) - hz) + (z * r - x * y));
}

/**
 * Shared reduction: x = k·π/2 + (y0 + y1), |y0 + y1| ≲ π/4.
 * k = floor(x·INV_PIO2 + 0.5); r = x − k·PIO2_1 (k·PIO2_1 exact);
 * t = k·PIO2_1T; y0 = r − t; y1 = (r − y0) − t; q = k mod 4 in {0,1,2,3}.
 * Results in the module variables below (no allocation).
 */
let redY0 = 0;
let redY1 = 0;
let redQ = 0;
function reduce(x: number): void {
  const k = Math.floor(x * INV_PIO2 + 0.5);
  const r = x - k * PIO2_1;
  const t = k * PIO2_1T;
  const y0 = r - t;
  redY0 = y0;
  redY1 = (r - y0) - t;
  redQ = ((k % 4) + 4) % 4;
}

/**
 * sin(x), bitwise reproducible across JS engines and in the Rust kernel.
 * Intended domain [0, 2π) (accurate for |x| up to a few multiples of 2π);
 * absolute error about 1e-16. Quadrant q of the reduction (see `reduce`):
 * 0 → S(y0,y1), 1 → C(y0,y1), 2 → −S(y0,y1), 3 → −C(y0,y1), where S and C are
 * musl's `__sin(y0, y1, 1)` and `__cos(y0, y1)`.
 */
export function detSin(x: number): number {
  reduce(x);
  switch (redQ) {
    case 0: return kernelSin(redY0, redY1);
    case 1: return kernelCos(redY0, redY1);
    case 2: return -kernelSin(redY0, redY1);
    default: return -kernelCos(redY0, redY1);
  }
}

/**
 * cos(x), bitwise reproducible (see `detSin`). Quadrant q:
 * 0 → C(y0,y1), 1 → −S(y0,y1), 2 → −C(y0,y1), 3 → S(y0,y1).
 */
export function detCos(x: number): number {
  reduce(x);
  switch (redQ) {
    case 0: return kernelCos(redY0, redY1);
    case 1: return -kernelSin(redY0, redY1);
    case 2: return -kernelCos(redY0, redY1);
    default: return kernelSin(redY0, redY1);
  }
}

/**
 * Both cos(x) and sin(x) from one reduction, written to out[offset] (cos) and
 * out[offset + 1] (sin). Bitwise equal to `detCos(x)` and `detSin(x)`. The
 * caller owns `out`; nothing is allocated.
 */
export function detCosSin(x: number, out: Float64Array, offset = 0): void {
  reduce(x);
  const s = kernelSin(redY0, redY1);
  const c = kernelCos(redY0, redY1);
  switch (redQ) {
    case 0: out[offset] = c; out[offset + 1] = s; break;
    case 1: out[offset] = -s; out[offset + 1] = c; break;
    case 2: out[offset] = -c; out[offset + 1] = -s; break;
    default: out[offset] = s; out[offset + 1] = -c; break;
  }
}

const NU_F = new Float64Array(1);
const NU_I = new BigInt64Array(NU_F.buffer);
/**
 * The least double above x (x itself for NaN and +Infinity; the least
 * subnormal for ±0): Rust's f64::next_up, used by the strict localmax
 * threshold (a > thr is a >= nextUp(thr)).
 */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  NU_F[0] = x;
  NU_I[0] = (NU_I[0] as bigint) + (x > 0 ? 1n : -1n);
  return NU_F[0] as number;
}
