import { describe, it, expect } from 'vitest';
import { initialPositions, MAX_INITIAL_ELEMENTS, type InitialPositionsOptions } from '../ts/init.js';

// ----------------------------------------------------------------- helpers

const MASK64 = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n;
const M1 = 0xbf58476d1ce4e5b9n;
const M2 = 0x94d049bb133111ebn;

/** Independent BigInt SplitMix64 outputs. */
function referenceStream(seed: bigint, count: number): bigint[] {
  let s = seed & MASK64;
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    s = (s + GAMMA) & MASK64;
    let z = s;
    z = ((z ^ (z >> 30n)) * M1) & MASK64;
    z = ((z ^ (z >> 27n)) * M2) & MASK64;
    out.push(z ^ (z >> 31n));
  }
  return out;
}

/** Independent uniform stream: top 53 bits times 2^-53. */
function referenceUniforms(seed: bigint, count: number): number[] {
  return referenceStream(seed, count).map((z) => Number(z >> 11n) * 2 ** -53);
}

function inverseOdd(m: bigint): bigint {
  let inv = m; // Newton iteration for the inverse mod 2^64
  for (let i = 0; i < 6; i++) inv = (inv * (2n - m * inv)) & MASK64;
  return inv;
}

function unXorShift(z: bigint, k: bigint): bigint {
  let x = z;
  for (let i = 0; i < 64; i++) x = z ^ (x >> k);
  return x;
}

/** A seed whose first SplitMix64 output is `target` (the mix is a bijection). */
function seedForFirstOutput(target: bigint): bigint {
  let z = unXorShift(target, 31n);
  z = (z * inverseOdd(M2)) & MASK64;
  z = unXorShift(z, 27n);
  z = (z * inverseOdd(M1)) & MASK64;
  z = unXorShift(z, 30n);
  return (z - GAMMA) & MASK64;
}

function bitsHex(x: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  return dv.getBigUint64(0).toString(16).padStart(16, '0');
}

function meanVar(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  const mean = s / xs.length;
  let q = 0;
  for (let i = 0; i < xs.length; i++) q += ((xs[i] as number) - mean) ** 2;
  return { mean, variance: q / (xs.length - 1) };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const t = Math.abs(x) / Math.SQRT2;
  const k = 1 / (1 + 0.3275911 * t);
  const erf = 1 - ((((1.061405429 * k - 1.453152027) * k + 1.421413741) * k - 0.284496736) * k + 0.254829592) * k * Math.exp(-t * t);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Kolmogorov–Smirnov statistic sqrt(N)·D of a sample against a CDF. */
function ksStatistic(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const xs = Float64Array.from(sample).sort();
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i] as number);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return Math.sqrt(n) * d;
}
/** P(sqrt(N)·D > 2.0) ≈ 6e-4 under the null; the seeds are fixed, so this is a deterministic check with margin. */
const KS_LIMIT = 2.0;

/** Independent gaussian stream with Math.log/cos/sin (equal to the library to ~1e-15). */
function referenceNormals(seed: bigint, count: number): number[] {
  const u = referenceUniforms(seed, 2 * Math.ceil(count / 2));
  const out: number[] = [];
  for (let p = 0; out.length < count; p++) {
    const u1 = 1 - (u[2 * p] as number);
    const u2 = u[2 * p + 1] as number;
    const r = Math.sqrt(-2 * Math.log(u1));
    out.push(r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2));
  }
  return out.slice(0, count);
}

// ----------------------------------------------------------------- determinism

describe('initialPositions: determinism and layout', () => {
  const kinds = ['uniform', 'gaussian', 'sphere'] as const;

  it('returns a Float64Array of n*d numbers', () => {
    for (const kind of kinds) {
      const x = initialPositions({ kind, n: 7, d: 3, seed: 1 });
      expect(x).toBeInstanceOf(Float64Array);
      expect(x.length).toBe(21);
      expect(x.every(Number.isFinite)).toBe(true);
    }
  });

  it('same seed gives identical arrays; number and bigint seeds agree', () => {
    for (const kind of kinds) {
      const a = initialPositions({ kind, n: 50, d: 4, seed: 123 });
      const b = initialPositions({ kind, n: 50, d: 4, seed: 123n });
      expect(Array.from(b)).toEqual(Array.from(a));
    }
  });

  it('different seeds give different arrays', () => {
    for (const kind of kinds) {
      const a = initialPositions({ kind, n: 50, d: 4, seed: 1 });
      const b = initialPositions({ kind, n: 50, d: 4, seed: 2 });
      let same = 0;
      for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
      expect(same).toBe(0);
    }
  });

  it('is a prefix-stable stream: more tokens extend, never change, the earlier ones', () => {
    for (const kind of kinds) {
      const small = initialPositions({ kind, n: 5, d: 3, seed: 9 });
      const big = initialPositions({ kind, n: 40, d: 3, seed: 9 });
      expect(Array.from(big.subarray(0, 15))).toEqual(Array.from(small));
    }
  });

  it('golden bit patterns for seed 42 (anchor for the Rust port)', () => {
    expect(Array.from(initialPositions({ kind: 'uniform', n: 2, d: 2, seed: 42 }), bitsHex)).toEqual([
      '3fdeeb991317f5b4', 'bfe5c40733136644', 'bfdc56cc54767834', 'bfd3f18f0078da90',
    ]);
    expect(Array.from(initialPositions({ kind: 'gaussian', n: 3, d: 2, seed: 42 }), bitsHex)).toEqual([
      '3fec3b620ee5015b', '3ff6372fc37ae2d6', 'bfdcdab96fe79013', '3fe576825352182a', '3fc81bf069d25a44', 'bfca40d94f78ff83',
    ]);
    expect(Array.from(initialPositions({ kind: 'sphere', n: 2, d: 3, seed: 42 }), bitsHex)).toEqual([
      '3fe08d23fee00046', '3fea0c5d186cc7f0', 'bfd0ea8e6f2a3946', '3fed8dd57ed2e02a', '3fd09952328fd4a7', 'bfd2133d7def060b',
    ]);
  });
});

// ----------------------------------------------------------------- uniform

describe("kind 'uniform'", () => {
  it('follows the documented formula low + (high - low)·U, token-major', () => {
    const seed = 31337n;
    const x = initialPositions({ kind: 'uniform', n: 100, d: 3, seed, low: -2, high: 5 });
    const u = referenceUniforms(seed, 300);
    for (let k = 0; k < 300; k++) expect(x[k]).toBe(-2 + 7 * (u[k] as number));
  });

  it('defaults to [-1, 1) and stays in [low, high)', () => {
    const x = initialPositions({ kind: 'uniform', n: 20000, d: 5, seed: 5 });
    expect(Math.min(...x)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...x)).toBeLessThan(1);
    expect(Math.min(...x)).toBeLessThan(-0.999);
    expect(Math.max(...x)).toBeGreaterThan(0.999);
  });

  it('has the mean and variance of U[low, high) within 6 standard errors', () => {
    const low = -2;
    const high = 3;
    const N = 100000;
    const x = initialPositions({ kind: 'uniform', n: N / 4, d: 4, seed: 2718, low, high });
    const w = high - low;
    const mu = (low + high) / 2;
    const sigma2 = (w * w) / 12;
    const { mean, variance } = meanVar(x);
    expect(Math.abs(mean - mu)).toBeLessThan(6 * Math.sqrt(sigma2 / N));
    const mu4 = w ** 4 / 80; // fourth central moment
    expect(Math.abs(variance - sigma2)).toBeLessThan(6 * Math.sqrt((mu4 - sigma2 * sigma2) / N));
    expect(ksStatistic(x, (t) => Math.min(1, Math.max(0, (t - low) / w)))).toBeLessThan(KS_LIMIT);
  });

  it('never returns high, even where low + (high - low)·u rounds up to it', () => {
    // In [2^52, 2^53) doubles are integers: low + 2u rounds to high for u >= 0.75.
    const low = 2 ** 52;
    const high = low + 2;
    const x = initialPositions({ kind: 'uniform', n: 1000, d: 1, seed: 4, low, high });
    let atTop = 0;
    for (const v of x) {
      expect(v === low || v === low + 1).toBe(true);
      if (v === low + 1) atTop++;
    }
    expect(atTop).toBeGreaterThan(600); // ~3/4 of the draws, the guarded ones included
  });

  it('maps the extreme draws 0 and 1 - 2^-53 to low and to the largest double below high', () => {
    const x0 = initialPositions({ kind: 'uniform', n: 1, d: 1, seed: seedForFirstOutput(0n), low: 1, high: 3 });
    expect(x0[0]).toBe(1);
    // 1 + 2·(1 - 2^-53) = 3 - 2^-52 rounds (ties to even) to 3 = high: the guard gives 3 - 2^-51.
    const x1 = initialPositions({ kind: 'uniform', n: 1, d: 1, seed: seedForFirstOutput(MASK64), low: 1, high: 3 });
    expect(x1[0]).toBe(3 - 2 ** -51);
  });
});

// ----------------------------------------------------------------- gaussian

describe("kind 'gaussian'", () => {
  it('follows the documented Box–Muller stream (u1 = 1 - U first, cos then sin, token-major)', () => {
    const seed = 271828n;
    for (const [n, d] of [[50, 3], [33, 1], [1, 7]] as const) {
      const x = initialPositions({ kind: 'gaussian', n, d, seed, mean: 0.5, sigma: 2 });
      const z = referenceNormals(seed, n * d);
      for (let k = 0; k < n * d; k++) {
        expect(Math.abs((x[k] as number) - (0.5 + 2 * (z[k] as number)))).toBeLessThan(1e-13);
      }
    }
  });

  it('has mean, variance and CDF of N(mean, sigma²): 6-sigma bounds and a KS check on 1e5 draws', () => {
    const N = 100000;
    const mu = 1.5;
    const sigma = 0.5;
    const x = initialPositions({ kind: 'gaussian', n: N / 5, d: 5, seed: 1618, mean: mu, sigma });
    const { mean, variance } = meanVar(x);
    expect(Math.abs(mean - mu)).toBeLessThan(6 * sigma / Math.sqrt(N));
    expect(Math.abs(variance - sigma * sigma)).toBeLessThan(6 * sigma * sigma * Math.sqrt(2 / N));
    expect(ksStatistic(x, (t) => normalCdf((t - mu) / sigma))).toBeLessThan(KS_LIMIT);
  });

  it('the cos and sin outputs of a pair are each N(0,1) and uncorrelated', () => {
    const N = 100000;
    const x = initialPositions({ kind: 'gaussian', n: N, d: 2, seed: 99 });
    const even = new Float64Array(N);
    const odd = new Float64Array(N);
    let cross = 0;
    for (let i = 0; i < N; i++) {
      even[i] = x[2 * i] as number;
      odd[i] = x[2 * i + 1] as number;
      cross += (even[i] as number) * (odd[i] as number);
    }
    expect(ksStatistic(even, normalCdf)).toBeLessThan(KS_LIMIT);
    expect(ksStatistic(odd, normalCdf)).toBeLessThan(KS_LIMIT);
    expect(Math.abs(cross / N)).toBeLessThan(6 / Math.sqrt(N));
  });

  it('defaults to N(0, 1)', () => {
    const a = initialPositions({ kind: 'gaussian', n: 10, d: 3, seed: 8 });
    const b = initialPositions({ kind: 'gaussian', n: 10, d: 3, seed: 8, mean: 0, sigma: 1 });
    expect(Array.from(a)).toEqual(Array.from(b));
    const z = referenceNormals(8n, 30);
    for (let k = 0; k < 30; k++) expect(Math.abs((a[k] as number) - (z[k] as number))).toBeLessThan(1e-14);
  });
});

// ----------------------------------------------------------------- sphere

describe("kind 'sphere'", () => {
  it('puts every token on the sphere of the given radius (to 1e-14 relative)', () => {
    for (const [d, radius] of [[1, 1], [2, 3], [3, 0.25], [16, 1e3], [64, 1]] as const) {
      const n = 2000;
      const x = initialPositions({ kind: 'sphere', n, d, seed: 7, radius });
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += (x[i * d + c] as number) ** 2;
        expect(Math.abs(Math.sqrt(s) - radius)).toBeLessThanOrEqual(1e-14 * radius);
      }
    }
  });

  it('is the normalized gaussian stream (same seed, same order)', () => {
    const n = 30;
    const d = 5;
    const g = initialPositions({ kind: 'gaussian', n, d, seed: 77 });
    const s = initialPositions({ kind: 'sphere', n, d, seed: 77, radius: 2 });
    for (let i = 0; i < n; i++) {
      let q = 0;
      for (let c = 0; c < d; c++) q += (g[i * d + c] as number) ** 2;
      const norm = Math.sqrt(q);
      for (let c = 0; c < d; c++) expect(s[i * d + c]).toBe(((g[i * d + c] as number) / norm) * 2);
    }
  });

  it('has mean direction near 0 and uniform heights in d = 3 (Archimedes)', () => {
    const n = 30000;
    const d = 3;
    const x = initialPositions({ kind: 'sphere', n, d, seed: 3141 });
    for (let c = 0; c < d; c++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += x[i * d + c] as number;
      // each coordinate has variance 1/d
      expect(Math.abs(m / n)).toBeLessThan(6 * Math.sqrt(1 / d / n));
    }
    const heights = new Float64Array(n);
    for (let i = 0; i < n; i++) heights[i] = x[i * d + 2] as number;
    expect(ksStatistic(heights, (t) => Math.min(1, Math.max(0, (t + 1) / 2)))).toBeLessThan(KS_LIMIT);
  });

  it('redraws an all-zero gaussian vector', () => {
    // First output 0 ⇒ u1 = 1 ⇒ r = 0: the first pair of normals is (±0, ±0).
    const seed = seedForFirstOutput(0n);
    const g = initialPositions({ kind: 'gaussian', n: 4, d: 2, seed });
    expect(g[0]).toBe(0);
    expect(g[1]).toBe(0);
    // d = 2: token 0 redraws and uses normals #2, #3; token 1 uses #4, #5.
    const s2 = initialPositions({ kind: 'sphere', n: 2, d: 2, seed });
    for (let i = 0; i < 2; i++) {
      const a = g[2 + 2 * i] as number;
      const b = g[3 + 2 * i] as number;
      const norm = Math.sqrt(a * a + b * b);
      expect([s2[2 * i], s2[2 * i + 1]]).toEqual([a / norm, b / norm]);
    }
    // d = 1: token 0 skips two zero normals.
    const s1 = initialPositions({ kind: 'sphere', n: 2, d: 1, seed, radius: 5 });
    expect(Array.from(s1)).toEqual([Math.sign(g[2] as number) * 5, Math.sign(g[3] as number) * 5]);
  });
});

// ----------------------------------------------------------------- validation

describe('initialPositions validation', () => {
  const base = { kind: 'uniform', n: 3, d: 2, seed: 1 } as const;
  type Case = [label: string, opts: unknown, cls: typeof TypeError | typeof RangeError, fragments: string[]];
  const cases: Case[] = [
    ['options null', null, TypeError, ['options', 'null']],
    ['options a number', 5, TypeError, ['options', '5']],
    ['kind missing', { ...base, kind: undefined }, TypeError, ['kind', 'undefined']],
    ['kind a number', { ...base, kind: 1 }, TypeError, ['kind', '1']],
    ['kind unknown (a TypeError: an unknown name, issue 9 item 8)', { ...base, kind: 'normal' }, TypeError, ['kind', '"normal"']],
    ['n a string', { ...base, n: '3' }, TypeError, ['n', '"3"']],
    ['n zero', { ...base, n: 0 }, RangeError, ['n', '0']],
    ['n fractional', { ...base, n: 2.5 }, RangeError, ['n', '2.5']],
    ['n NaN', { ...base, n: NaN }, RangeError, ['n', 'NaN']],
    ['n Infinity', { ...base, n: Infinity }, RangeError, ['n', 'Infinity']],
    ['d negative', { ...base, d: -2 }, RangeError, ['d', '-2']],
    ['d bigint', { ...base, d: 2n }, TypeError, ['d', '2n']],
    ['n*d too large', { ...base, n: 2 ** 20, d: 2 ** 8 + 1 }, RangeError, ['n*d', String(2 ** 20), '257']],
    ['seed negative', { ...base, seed: -1 }, RangeError, ['seed', '-1']],
    ['seed fractional', { ...base, seed: 0.5 }, RangeError, ['seed', '0.5']],
    ['seed too big bigint', { ...base, seed: 2n ** 64n }, RangeError, ['seed', '18446744073709551616n']],
    ['seed a string', { ...base, seed: '7' }, TypeError, ['seed', '"7"']],
    ['seed missing', { kind: 'uniform', n: 3, d: 2 }, TypeError, ['seed', 'undefined']],
    ['low NaN', { ...base, low: NaN }, RangeError, ['low', 'NaN']],
    ['high Infinity', { ...base, high: Infinity }, RangeError, ['high', 'Infinity']],
    ['low a string', { ...base, low: '0' }, TypeError, ['low', '"0"']],
    ['low >= high', { ...base, low: 2, high: 2 }, RangeError, ['low', 'high', '2']],
    ['low > default high', { ...base, low: 5 }, RangeError, ['low', '5', 'high', '1']],
    ['high - low overflows', { ...base, low: -1e308, high: 1e308 }, RangeError, ['high - low', '1e+308']],
    ['sigma zero', { ...base, kind: 'gaussian', sigma: 0 }, RangeError, ['sigma', '0']],
    ['sigma negative', { ...base, kind: 'gaussian', sigma: -1 }, RangeError, ['sigma', '-1']],
    ['sigma NaN', { ...base, kind: 'gaussian', sigma: NaN }, RangeError, ['sigma', 'NaN']],
    ['sigma Infinity', { ...base, kind: 'gaussian', sigma: Infinity }, RangeError, ['sigma', 'Infinity']],
    ['mean NaN', { ...base, kind: 'gaussian', mean: NaN }, RangeError, ['mean', 'NaN']],
    ['mean null', { ...base, kind: 'gaussian', mean: null }, TypeError, ['mean', 'null']],
    ['radius zero', { ...base, kind: 'sphere', radius: 0 }, RangeError, ['radius', '0']],
    ['radius -0', { ...base, kind: 'sphere', radius: -0 }, RangeError, ['radius', '-0']],
    ['radius Infinity', { ...base, kind: 'sphere', radius: Infinity }, RangeError, ['radius', 'Infinity']],
    ['sigma with uniform', { ...base, sigma: 2 }, TypeError, ['sigma', 'uniform', '2']],
    ['low with gaussian', { ...base, kind: 'gaussian', low: 0 }, TypeError, ['low', 'gaussian', '0']],
    ['mean with sphere', { ...base, kind: 'sphere', mean: 1 }, TypeError, ['mean', 'sphere', '1']],
    ['radius with uniform', { ...base, radius: 1 }, TypeError, ['radius', 'uniform', '1']],
  ];
  for (const [label, opts, cls, fragments] of cases) {
    it(`${label}: ${cls.name}`, () => {
      let err: unknown;
      try {
        initialPositions(opts as InitialPositionsOptions);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(cls);
      expect(err).not.toBeInstanceOf(cls === RangeError ? TypeError : RangeError);
      for (const f of fragments) expect((err as Error).message).toContain(f);
    });
  }

  it('rejects n*d = 2^28 + 1 before allocating and accepts explicitly undefined options', () => {
    expect(MAX_INITIAL_ELEMENTS).toBe(2 ** 28);
    // n*d = 2^28 + 1 is rejected before any allocation
    expect(() => initialPositions({ ...base, n: 2 ** 28 + 1, d: 1 })).toThrow(RangeError);
    expect(() => initialPositions({ ...base, sigma: undefined, radius: undefined, low: undefined })).not.toThrow();
  });
});
