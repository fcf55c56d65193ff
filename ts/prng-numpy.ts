/**
 * Bit-exact port of numpy's `np.random.default_rng(seed)` (numpy ≥ 1.17,
 * checked against numpy 2.4): SeedSequence(entropy=seed) → PCG64 (XSL-RR
 * 128/64) → Generator.random / Generator.uniform.
 *
 * It exists so the package can regenerate the random polygons of the authors'
 * script cells.py (borjanG/2025-transformers-frank-wolfe), which does
 * `rng = np.random.default_rng(42)` and per try
 * `theta = rng.uniform(0, 2*np.pi, size=k)` then, unless equal_norm,
 * `r = rng.uniform(0.4, 1.0, size=k)`.
 *
 * This is NOT the library's own generator (that is SplitMix64 in prng.ts);
 * it uses BigInt throughout and is meant for thousands of draws, not millions.
 */

const MASK32 = 0xffffffffn;
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;

// numpy/random/bit_generator.pyx (SeedSequence) constants.
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const POOL_SIZE = 4;

/** PCG64 default multiplier (numpy pcg64.h PCG_DEFAULT_MULTIPLIER_128). */
const PCG_MULT = 0x2360ed051fc65da44385df649fccf645n;

/** 2^-53, numpy's `1.0 / 9007199254740992.0` in next_double. */
const TWO_POW_M53 = 1 / 9007199254740992;

/** Splits a non-negative integer into uint32 words, least significant first (0 → [0]). */
function intToUint32Words(n: bigint): number[] {
  if (n === 0n) return [0];
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & MASK32));
    n >>= 32n;
  }
  return words;
}

/**
 * numpy `SeedSequence(entropy).pool` (no spawn key, pool_size 4): the
 * 4-word uint32 entropy pool after hash mixing.
 */
function seedSequencePool(entropy: bigint): number[] {
  const entropyArray = intToUint32Words(entropy);
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> XSHIFT)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> XSHIFT)) >>> 0;
  };
  const mixer: number[] = [];
  for (let i = 0; i < POOL_SIZE; i++) {
    mixer.push(hashmix(i < entropyArray.length ? entropyArray[i]! : 0));
  }
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) mixer[dst] = mix(mixer[dst]!, hashmix(mixer[src]!));
    }
  }
  for (let src = POOL_SIZE; src < entropyArray.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      mixer[dst] = mix(mixer[dst]!, hashmix(entropyArray[src]!));
    }
  }
  return mixer;
}

/**
 * numpy `SeedSequence.generate_state(nWords, np.uint64)`: 2·nWords uint32
 * words from the pool, paired little-endian (low word first) into uint64s.
 */
function generateStateUint64(pool: number[], nWords: number): bigint[] {
  let hashConst = INIT_B;
  const words32: number[] = [];
  for (let i = 0; i < 2 * nWords; i++) {
    let v = pool[i % pool.length]!;
    v = (v ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_B) >>> 0;
    v = Math.imul(v, hashConst) >>> 0;
    v = (v ^ (v >>> XSHIFT)) >>> 0;
    words32.push(v);
  }
  const out: bigint[] = [];
  for (let i = 0; i < nWords; i++) {
    out.push(BigInt(words32[2 * i]!) | (BigInt(words32[2 * i + 1]!) << 32n));
  }
  return out;
}

function checkSeed(seed: unknown): bigint {
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed > MASK64) {
      throw new RangeError(`seed must be a non-negative integer below 2^64; got ${seed}`);
    }
    return seed;
  }
  if (typeof seed === 'number') {
    if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 64) {
      throw new RangeError(`seed must be a non-negative integer below 2^64; got ${seed}`);
    }
    return BigInt(seed);
  }
  throw new TypeError(`seed must be a number or bigint; got ${typeof seed}`);
}

/**
 * Port of `np.random.default_rng(seed)` — a numpy `Generator` over a `PCG64`
 * bit generator seeded through `SeedSequence(entropy=seed)`. Reproduces
 * numpy's streams bit for bit for the methods provided.
 *
 * Seeding (numpy `PCG64._seed_seq` + `pcg64_set_seed`): v = generate_state(4,
 * uint64); initstate = (v[0] << 64) | v[1]; initseq = (v[2] << 64) | v[3];
 * state = 0; inc = (initseq << 1) | 1; step; state += initstate; step.
 */
export class NumpyGenerator {
  private state: bigint;
  private readonly inc: bigint;

  /**
   * Same as `np.random.default_rng(seed)` for an integer seed.
   * @param seed non-negative integer below 2^64 (number or bigint). A number
   *   above 2^53 is taken at its exact double value; pass a bigint for others.
   * @throws RangeError for a negative, non-integer or ≥ 2^64 seed;
   *   TypeError for a value that is not a number or bigint.
   */
  constructor(seed: number | bigint) {
    const entropy = checkSeed(seed);
    const v = generateStateUint64(seedSequencePool(entropy), 4);
    const initState = (v[0]! << 64n) | v[1]!;
    const initSeq = (v[2]! << 64n) | v[3]!;
    this.state = 0n;
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULT + this.inc) & MASK128;
  }

  /**
   * Next raw 64-bit output, as numpy `rng.bit_generator.random_raw()`
   * (pcg64_next64: advance the LCG, then XSL-RR output of the new state).
   * @returns an integer in [0, 2^64).
   */
  nextUint64(): bigint {
    this.step();
    const s = this.state;
    const xored = ((s >> 64n) ^ s) & MASK64;
    const rot = s >> 122n;
    return ((xored >> rot) | (xored << ((64n - rot) & 63n))) & MASK64;
  }

  /**
   * One draw of numpy `rng.random()` (random_standard_uniform / next_double):
   * (nextUint64() >> 11) · 2^-53, a double in [0, 1) on a 2^-53 grid.
   */
  random(): number {
    return Number(this.nextUint64() >> 11n) * TWO_POW_M53;
  }

  /**
   * numpy `rng.uniform(low, high, size)` for scalar low/high: each draw is
   * `low + (high - low) * random()`, evaluated in that order, in units of
   * low/high. Consumes one 64-bit output per element.
   * @throws RangeError if size is not a non-negative integer, high - low is
   *   negative, or high - low is not finite (numpy: ValueError / OverflowError).
   */
  uniform(low: number, high: number, size: number): Float64Array {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(`size must be a non-negative integer; got ${size}`);
    }
    const range = high - low;
    if (!Number.isFinite(range)) {
      throw new RangeError(`high - low range exceeds valid bounds; got low=${low}, high=${high}`);
    }
    if (range < 0) {
      throw new RangeError(`high - low < 0; got low=${low}, high=${high}`);
    }
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = low + range * this.random();
    return out;
  }
}
