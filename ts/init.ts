/**
 * Seeded random initial conditions: n tokens in R^d, returned as a flat
 * row-major Float64Array (token i is x[i*d .. i*d+d)).
 *
 * The stream is fully specified so that the Rust kernel (or numpy, or anyone)
 * can reproduce it bit for bit. Only IEEE-754 basic operations are used
 * (+, −, ×, /, sqrt: correctly rounded everywhere; every JS engine and Rust's
 * f64::sqrt compile sqrt to the hardware instruction), plus the deterministic
 * detLog / detCosSin of ./detmath.ts in place of Math.log / Math.cos / Math.sin.
 * Evaluate every expression in the order written, without FMA.
 *
 * Generator: one SplitMix64 seeded with `seed` (./prng.ts). U() denotes one
 * `nextFloat()`: the top 53 bits of the next 64-bit output times 2^-53, in
 * [0, 1). Draws are token-major, coordinate-minor: flat index k = i*d + c is
 * filled in increasing k.
 *
 * kind 'uniform' (defaults low = −1, high = 1), for k = 0 … n·d−1:
 *
 *     u = U();  x[k] = low + (high − low) * u
 *     if x[k] >= high: x[k] = the largest double below high   (rounding guard)
 *
 * Standard normal stream N() (Box–Muller, both outputs used):
 *
 *     if a cached value exists: return it and clear the cache
 *     u1 = 1 − U()                       (exact; in (0, 1])
 *     u2 = U()                           (in [0, 1))
 *     r = sqrt(−2 * detLog(u1))
 *     θ = TWO_PI * u2                    (TWO_PI = 6.283185307179586 = 0x401921FB_54442D18)
 *     cache r * detSin(θ); return r * detCos(θ)
 *
 * So each pair of 64-bit outputs (u1 first) yields two normals, cos first.
 *
 * kind 'gaussian' (defaults mean = 0, sigma = 1), for k = 0 … n·d−1:
 *
 *     x[k] = mean + sigma * N()
 *
 * (if n·d is odd the last cached sine output is discarded).
 *
 * kind 'sphere' (default radius = 1), for i = 0 … n−1, one continuous N()
 * stream (a cached sine output carries over to the next token):
 *
 *     repeat: z_c = N() for c = 0 … d−1;  s = Σ_c z_c * z_c (ascending c)
 *     until s > 0                        (an all-zero vector is redrawn)
 *     norm = sqrt(s);  x[i*d + c] = (z_c / norm) * radius
 *
 * A normalized standard gaussian vector is uniform on the sphere.
 */
import { detCosSin, detLog } from './detmath.js';
import { checkInt, checkNumber, checkOneOf, checkOptions, rangeError, typeError } from './check.js';
import { SplitMix64 } from './prng.js';

/** The distributions `initialPositions` can draw from. */
export type InitialKind = 'uniform' | 'gaussian' | 'sphere';

/** Options of `initialPositions`. Options that do not apply to `kind` must be left undefined. */
export interface InitialPositionsOptions {
  /** 'uniform': each coordinate U[low, high); 'gaussian': each coordinate N(mean, sigma²); 'sphere': uniform on the sphere of `radius` about the origin. */
  kind: InitialKind;
  /** Number of tokens, an integer ≥ 1. */
  n: number;
  /** Dimension, an integer ≥ 1; n·d ≤ 2^28. */
  d: number;
  /** PRNG seed: a non-negative safe integer or a bigint in [0, 2^64). */
  seed: number | bigint;
  /** 'uniform' only: lower bound (inclusive), finite. Default −1. */
  low?: number;
  /** 'uniform' only: upper bound (exclusive), finite, > low. Default 1. */
  high?: number;
  /** 'gaussian' only: standard deviation, finite, > 0, with |mean| + 8.5717·sigma <= Number.MAX_VALUE (every draw finite). Default 1. */
  sigma?: number;
  /** 'gaussian' only: mean of every coordinate, finite. Default 0. */
  mean?: number;
  /** 'sphere' only: radius, finite, > 0. Default 1. */
  radius?: number;
}

/** Largest n·d accepted (2^28 doubles = 2 GiB). */
export const MAX_INITIAL_ELEMENTS = 2 ** 28;

const TWO_PI = 6.283185307179586;

const KIND_OPTIONS: Record<InitialKind, readonly string[]> = {
  uniform: ['low', 'high'],
  gaussian: ['mean', 'sigma'],
  sphere: ['radius'],
};
const ALL_KIND_OPTIONS = ['low', 'high', 'mean', 'sigma', 'radius'] as const;

/**
 * The largest |N()| the normal stream can return, rounded up: r·|cos θ| with
 * r = sqrt(−2·detLog(u1)) largest at u1 = 2^-53 (8.571674348652905…).
 */
export const NORMAL_BOUND = 8.5717;

/** The largest double strictly below the finite number h. */
function nextDown(h: number): number {
  if (h === 0) return -Number.MIN_VALUE;
  const f = new Float64Array([h]);
  const b = new BigInt64Array(f.buffer);
  b[0] = (b[0] as bigint) + (h > 0 ? -1n : 1n);
  return f[0] as number;
}

/** Standard normal stream (Box–Muller, both outputs, cos first); see the header. */
class NormalStream {
  private cached = 0;
  private hasCached = false;
  private readonly cs = new Float64Array(2);
  constructor(private readonly rng: SplitMix64) {}

  next(): number {
    if (this.hasCached) {
      this.hasCached = false;
      return this.cached;
    }
    const u1 = 1 - this.rng.nextFloat();
    const u2 = this.rng.nextFloat();
    const r = Math.sqrt(-2 * detLog(u1));
    detCosSin(TWO_PI * u2, this.cs, 0);
    this.cached = r * (this.cs[1] as number);
    this.hasCached = true;
    return r * (this.cs[0] as number);
  }
}

/**
 * Draw n seeded random positions in R^d (algorithm and stream order in the
 * header of ts/init.ts; the same seed gives the same bits on every platform).
 *
 * @returns a new Float64Array of n·d numbers, row-major (token i at
 *   [i*d, i*d+d)), owned by the caller.
 * @throws TypeError for an option of the wrong type, an unknown option, a
 *   `kind` that is not 'uniform', 'gaussian' or 'sphere', or an option that
 *   does not apply to `kind`; RangeError for a value out of range (n, d not
 *   integers ≥ 1, n·d > 2^28, low ≥ high, sigma ≤ 0, a sigma or mean so large
 *   that a draw could be non-finite, …). Messages name the option and the bad
 *   value (ts/check.ts).
 */
export function initialPositions(opts: InitialPositionsOptions): Float64Array {
  const o = checkOptions<InitialPositionsOptions>(opts, 'options', ['kind', 'n', 'd', 'seed', ...ALL_KIND_OPTIONS], true);
  const kind = checkOneOf(o.kind, 'kind', ['uniform', 'gaussian', 'sphere'] as const);
  const n = checkInt(o.n, 'n');
  const d = checkInt(o.d, 'd');
  if (n * d > MAX_INITIAL_ELEMENTS) {
    throw rangeError('n*d', `at most 2^28 = ${MAX_INITIAL_ELEMENTS}`, n * d, `n = ${n}, d = ${d}`);
  }
  const rng = new SplitMix64(o.seed);

  const allowed = KIND_OPTIONS[kind];
  const record = o as unknown as Record<string, unknown>;
  for (const name of ALL_KIND_OPTIONS) {
    if (record[name] !== undefined && !allowed.includes(name)) {
      throw typeError(name, `undefined for kind '${kind}' (it takes ${allowed.join(' and ')})`, record[name]);
    }
  }
  const len = n * d;
  const x = new Float64Array(len);

  if (kind === 'uniform') {
    const low = o.low === undefined ? -1 : checkNumber(o.low, 'low');
    const high = o.high === undefined ? 1 : checkNumber(o.high, 'high');
    if (!(low < high)) throw rangeError('low', `< high = ${high}`, low);
    const width = high - low;
    if (!Number.isFinite(width)) throw rangeError('high - low', 'finite', width, `low = ${low}, high = ${high}`);
    const below = nextDown(high);
    for (let k = 0; k < len; k++) {
      const v = low + width * rng.nextFloat();
      x[k] = v < high ? v : below;
    }
    return x;
  }

  const normal = new NormalStream(rng);

  if (kind === 'gaussian') {
    const mean = o.mean === undefined ? 0 : checkNumber(o.mean, 'mean');
    const sigma = o.sigma === undefined ? 1 : checkNumber(o.sigma, 'sigma', { min: 0, minExclusive: true });
    // every draw is mean + sigma·N with |N| <= NORMAL_BOUND: refuse what could leave the float64 range
    if (!(Math.abs(mean) + sigma * NORMAL_BOUND <= Number.MAX_VALUE)) {
      throw rangeError(
        'sigma', `at most (MAX_VALUE − |mean|)/${NORMAL_BOUND} = ${(Number.MAX_VALUE - Math.abs(mean)) / NORMAL_BOUND}`, sigma,
        `A draw mean + sigma·N (|N| <= ${NORMAL_BOUND}) could be non-finite (mean = ${mean})`,
      );
    }
    for (let k = 0; k < len; k++) x[k] = mean + sigma * normal.next();
    return x;
  }

  // sphere
  const radius = o.radius === undefined ? 1 : checkNumber(o.radius, 'radius', { min: 0, minExclusive: true });
  for (let i = 0; i < n; i++) {
    const base = i * d;
    let s = 0;
    do {
      s = 0;
      for (let c = 0; c < d; c++) {
        const z = normal.next();
        x[base + c] = z;
        s += z * z;
      }
    } while (!(s > 0));
    const norm = Math.sqrt(s);
    for (let c = 0; c < d; c++) x[base + c] = ((x[base + c] as number) / norm) * radius;
  }
  return x;
}
