/**
 * SplitMix64: the library's one pseudo-random generator (SPEC.md §0
 * "Randomness"), identical in the TypeScript and Rust code.
 *
 * Algorithm (Steele, Lea, Flood 2014; Vigna's reference `splitmix64.c`), all
 * arithmetic mod 2^64 on unsigned 64-bit integers:
 *
 *     state = seed
 *     next():
 *       state += 0x9E3779B97F4A7C15
 *       z = state
 *       z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
 *       z = (z ^ (z >> 27)) * 0x94D049BB133111EB
 *       return z ^ (z >> 31)
 *
 * Uniform doubles in [0, 1) take the top 53 bits: (next() >> 11) · 2^-53, one
 * 64-bit output per double. With seed 1234567 the first outputs are
 * 6457827717110365317, 3203168211198807973, 9817491932198370423, …
 *
 * The implementation keeps the state as two unsigned 32-bit halves and
 * multiplies with Math.imul plus a 16-bit split for the high half of the
 * 32×32 → 64 product, so the hot path allocates nothing and never touches
 * BigInt. `nextU64` builds a bigint only for callers that want one.
 */

import { rangeError, typeError } from './check.js';

/** 0x9E3779B97F4A7C15, the golden-ratio increment, as (hi, lo) halves. */
const GAMMA_HI = 0x9e3779b9;
const GAMMA_LO = 0x7f4a7c15;
/** 0xBF58476D1CE4E5B9 */
const M1_HI = 0xbf58476d;
const M1_LO = 0x1ce4e5b9;
/** 0x94D049BB133111EB */
const M2_HI = 0x94d049bb;
const M2_LO = 0x133111eb;

const TWO32 = 4294967296;
/** 2^-53 */
const TWO_M53 = 1.1102230246251565e-16;
/** 2^-32 */
const TWO_M32 = 2.3283064365386963e-10;

/** High 32 bits of the unsigned 64-bit product a·b, for a, b unsigned 32-bit (Hacker's Delight mulhu). */
function mulhi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const t = a1 * b0 + ((a0 * b0) >>> 16); // < 2^32, exact
  const w1 = (t & 0xffff) + a0 * b1; // < 2^32, exact
  return (a1 * b1 + (t >>> 16) + (w1 >>> 16)) >>> 0;
}

const TWO64 = 1n << 64n;

/**
 * Split a validated seed into its unsigned 32-bit halves.
 * Accepts a non-negative safe integer or a bigint in [0, 2^64); otherwise
 * throws a TypeError (wrong type) or RangeError (out of range) naming `name`.
 */
function seedHalves(seed: unknown, name = 'seed'): [hi: number, lo: number] {
  const rule = 'a non-negative safe integer or a bigint in [0, 2^64)';
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= TWO64) throw rangeError(name, rule, seed);
    return [Number(seed >> 32n), Number(seed & 0xffffffffn)];
  }
  if (typeof seed !== 'number') throw typeError(name, rule, seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw rangeError(name, rule, seed);
  const lo = seed % TWO32;
  return [(seed - lo) / TWO32, lo];
}

/**
 * The SplitMix64 generator. Each `next*` call advances the state by exactly
 * one 64-bit output. Not cryptographic.
 */
export class SplitMix64 {
  /** State, high and low unsigned 32-bit halves. */
  private hi: number;
  private lo: number;
  /** Last output, set by `advance`. */
  private zHi = 0;
  private zLo = 0;

  /**
   * @param seed a non-negative safe integer, or a bigint in [0, 2^64). Throws
   *   TypeError/RangeError naming `seed` otherwise.
   */
  constructor(seed: number | bigint) {
    const [hi, lo] = seedHalves(seed, 'seed');
    this.hi = hi;
    this.lo = lo;
  }

  /** The current state as a bigint in [0, 2^64): `new SplitMix64(g.state)` continues the same stream. */
  get state(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** Advance one step; the output lands in zHi/zLo. */
  private advance(): void {
    // state += GAMMA (mod 2^64)
    const lo = this.lo + GAMMA_LO;
    const carry = lo >= TWO32 ? 1 : 0;
    this.lo = lo >>> 0;
    this.hi = (this.hi + GAMMA_HI + carry) >>> 0;

    // z = (z ^ (z >> 30)) * M1
    let h = this.hi;
    let l = this.lo;
    let xl = (l >>> 30) | (h << 2);
    let xh = h >>> 30;
    l = (l ^ xl) >>> 0;
    h = (h ^ xh) >>> 0;
    let ph = (mulhi32(l, M1_LO) + Math.imul(h, M1_LO) + Math.imul(l, M1_HI)) >>> 0;
    let pl = Math.imul(l, M1_LO) >>> 0;

    // z = (z ^ (z >> 27)) * M2
    xl = (pl >>> 27) | (ph << 5);
    xh = ph >>> 27;
    l = (pl ^ xl) >>> 0;
    h = (ph ^ xh) >>> 0;
    ph = (mulhi32(l, M2_LO) + Math.imul(h, M2_LO) + Math.imul(l, M2_HI)) >>> 0;
    pl = Math.imul(l, M2_LO) >>> 0;

    // z ^ (z >> 31)
    this.zLo = (pl ^ ((pl >>> 31) | (ph << 1))) >>> 0;
    this.zHi = (ph ^ (ph >>> 31)) >>> 0;
  }

  /** The next 64-bit output as a bigint in [0, 2^64). Allocates; use `nextUint32Pair` or `nextFloat` in hot loops. */
  nextU64(): bigint {
    this.advance();
    return (BigInt(this.zHi) << 32n) | BigInt(this.zLo);
  }

  /**
   * The next 64-bit output as two unsigned 32-bit halves: out[offset] = high
   * half, out[offset + 1] = low half. The caller owns `out`.
   */
  nextUint32Pair(out: Uint32Array | number[], offset = 0): void {
    this.advance();
    out[offset] = this.zHi;
    out[offset + 1] = this.zLo;
  }

  /**
   * The next uniform double in [0, 1): the top 53 bits of one 64-bit output
   * times 2^-53, i.e. a multiple of 2^-53 (0 included, 1 excluded).
   */
  nextFloat(): number {
    this.advance();
    // (z >>> 11) * 2^-53 = zHi * 2^-32 + (zLo >>> 11) * 2^-53, both exact, sum exact
    return this.zHi * TWO_M32 + (this.zLo >>> 11) * TWO_M53;
  }
}
