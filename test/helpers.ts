/**
 * Shared test helpers: a seeded PRNG, random clouds and matrices, tolerance
 * rules of SPEC §4, the backend × precision combinations, and a simulation
 * factory that always disposes.
 */
import { expect } from 'vitest';
import { Simulation } from '../ts/index.js';
import { maxNorm, refRun, trajectoryMargin, type RefOptions } from './reference.js';

export type Options = Parameters<typeof Simulation.create>[0];
export type Sim = Awaited<ReturnType<typeof Simulation.create>>;
export type BackendName = 'wasm' | 'js';
export type PrecisionName = 'f64' | 'f32';

export interface Combo {
  backend: BackendName;
  precision: PrecisionName;
  /** "wasm/f64" etc., for test names. */
  name: string;
}

export const COMBOS: readonly Combo[] = [
  { backend: 'wasm', precision: 'f64', name: 'wasm/f64' },
  { backend: 'wasm', precision: 'f32', name: 'wasm/f32' },
  { backend: 'js', precision: 'f64', name: 'js/f64' },
  { backend: 'js', precision: 'f32', name: 'js/f32' },
];

export const BACKENDS: readonly BackendName[] = ['wasm', 'js'];

/** Default tie tolerance τ per precision (SPEC §0). */
export function tauOf(precision: PrecisionName): number {
  return precision === 'f64' ? 1e-12 : 1e-5;
}

/** SPEC §4 "tol": 1e-12·max(1,R) in f64 and 1e-5·max(1,R) in f32. */
export function tolOf(precision: PrecisionName, R: number): number {
  return (precision === 'f64' ? 1e-12 : 1e-5) * Math.max(1, R);
}

/**
 * A k-step tolerance for trajectories that stay away from every threshold:
 * each step is a convex combination (Lipschitz 1 in the max norm while the
 * neighbourhoods do not change), so rounding adds at most a few ulp(R) per
 * step: k·4·ulp(max(1,R)), and never less than the one-step tol.
 */
export function multiStepTol(precision: PrecisionName, R: number, k: number): number {
  const eps = precision === 'f64' ? 2 ** -52 : 2 ** -23;
  return Math.max(tolOf(precision, R), 4 * k * eps * Math.max(1, R));
}

// ---------------------------------------------------------------------------
// PRNG: mulberry32 (32-bit state), uniforms from two draws (53 bits).

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** mulberry32: a uint32. */
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  }
  /** Uniform in [0,1) with 53 random bits. */
  uniform(): number {
    const hi = this.u32() >>> 5; // 27 bits
    const lo = this.u32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }
  /** Uniform in [a,b). */
  range(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }
  /** Integer in [0, k). */
  int(k: number): number {
    return Math.floor(this.uniform() * k);
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** n×d Gaussian cloud scaled by 1/√d (so |x_i| is about 1), or uniform in [-1,1]^d. */
export function randomCloud(seed: number, n: number, d: number, kind: 'gauss' | 'uniform' = 'gauss'): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(n * d);
  const s = 1 / Math.sqrt(d);
  for (let k = 0; k < n * d; k++) x[k] = kind === 'gauss' ? rng.normal() * s : rng.range(-1, 1);
  return x;
}

/** A generic (non-symmetric) d×d matrix: I + scale·G/√d, G Gaussian. */
export function randomMatrix(seed: number, d: number, scale = 0.5): Float64Array {
  const rng = new Rng(seed);
  const A = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) A[r * d + c] = (r === c ? 1 : 0) + (scale * rng.normal()) / Math.sqrt(d);
  }
  return A;
}

/** A random orthogonal d×d matrix (Gram–Schmidt on a Gaussian matrix, rows orthonormal). */
export function randomOrthogonal(seed: number, d: number): Float64Array {
  const rng = new Rng(seed);
  const Q = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    for (;;) {
      for (let c = 0; c < d; c++) Q[r * d + c] = rng.normal();
      // two passes of modified Gram–Schmidt for accuracy
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < r; p++) {
          let dot = 0;
          for (let c = 0; c < d; c++) dot += (Q[r * d + c] as number) * (Q[p * d + c] as number);
          for (let c = 0; c < d; c++) Q[r * d + c] = (Q[r * d + c] as number) - dot * (Q[p * d + c] as number);
        }
      }
      let nrm = 0;
      for (let c = 0; c < d; c++) nrm += (Q[r * d + c] as number) ** 2;
      nrm = Math.sqrt(nrm);
      if (nrm > 1e-3) {
        for (let c = 0; c < d; c++) Q[r * d + c] = (Q[r * d + c] as number) / nrm;
        break;
      }
    }
  }
  return Q;
}

/** `count` seeded unit vectors in R^d. */
export function unitDirections(seed: number, count: number, d: number): Float64Array[] {
  const rng = new Rng(seed);
  const out: Float64Array[] = [];
  while (out.length < count) {
    const u = new Float64Array(d);
    let s = 0;
    for (let r = 0; r < d; r++) {
      u[r] = rng.normal();
      s += (u[r] as number) ** 2;
    }
    if (s < 1e-12) continue;
    const k = 1 / Math.sqrt(s);
    for (let r = 0; r < d; r++) u[r] = (u[r] as number) * k;
    out.push(u);
  }
  return out;
}

/** The input as the simulation stores it: rounded to float32 for 'f32'. */
export function asStored(x: ArrayLike<number>, precision: PrecisionName): Float64Array {
  const y = Float64Array.from(x as ArrayLike<number>);
  if (precision === 'f32') for (let k = 0; k < y.length; k++) y[k] = Math.fround(y[k] as number);
  return y;
}

export function flatten(rows: readonly (readonly number[])[]): Float64Array {
  return Float64Array.from(rows.flat());
}

// ---------------------------------------------------------------------------
// Comparisons

export interface Diff {
  max: number;
  at: number;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): Diff {
  expect(a.length, 'length').toBe(b.length);
  let max = 0;
  let at = -1;
  for (let k = 0; k < a.length; k++) {
    const e = Math.abs((a[k] as number) - (b[k] as number));
    if (!(e <= max)) {
      max = e;
      at = k;
      if (Number.isNaN(e)) break;
    }
  }
  return { max, at };
}

/** Asserts max_k |got_k − want_k| <= tol, with a message that shows the worst entry. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, label = ''): void {
  const { max, at } = maxAbsDiff(got, want);
  const msg =
    `${label}: max |got − want| = ${max} at index ${at} ` +
    `(got ${at >= 0 ? got[at] : '-'}, want ${at >= 0 ? want[at] : '-'}), tol ${tol}`;
  expect(max <= tol, msg).toBe(true);
}

/** Asserts bitwise equality (Object.is per entry, so 0 and −0 differ only if they do). */
export function expectExact(got: ArrayLike<number>, want: ArrayLike<number>, label = ''): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  for (let k = 0; k < got.length; k++) {
    const g = got[k] as number;
    const w = want[k] as number;
    if (!(g === w || (Number.isNaN(g) && Number.isNaN(w)))) {
      expect.fail(`${label}: entry ${k} differs: got ${g}, want ${w} (diff ${g - w})`);
    }
  }
}

// ---------------------------------------------------------------------------
// Simulations

/** Creates a simulation, runs fn, always disposes. */
export async function withSim<T>(opts: Options, fn: (sim: Sim) => T | Promise<T>): Promise<T> {
  const sim = await Simulation.create(opts);
  try {
    return await fn(sim);
  } finally {
    sim.dispose();
  }
}

/** Positions after k steps (a copy), for one combo. */
export async function runSim(opts: Options, k: number): Promise<Float64Array> {
  return withSim(opts, (sim) => {
    sim.step(k);
    return sim.positions();
  });
}

/** The trajectory X(0..k) of a simulation, one copy per step. */
export async function trajectory(opts: Options, k: number): Promise<Float64Array[]> {
  return withSim(opts, (sim) => {
    const out = [sim.positions()];
    for (let s = 0; s < k; s++) {
      sim.step(1);
      out.push(sim.positions());
    }
    return out;
  });
}

/**
 * Deterministically looks for a seed whose reference trajectory keeps every
 * alignment at least `margin`·max(1,|m_i|) away from its threshold at every
 * step (exact ties with the row maximum excepted, see thresholdMargin).
 * Starts from `seed0` and tries consecutive seeds; throws if none of `tries` works.
 */
export function seedWithMargin(
  seed0: number,
  make: (seed: number) => Float64Array,
  n: number,
  d: number,
  opts: RefOptions,
  steps: number,
  margin: number,
  tries = 400,
): { seed: number; x0: Float64Array; traj: Float64Array[]; margin: number } {
  for (let s = seed0; s < seed0 + tries; s++) {
    const x0 = make(s);
    const traj = refRun(x0, n, d, opts, steps);
    const mg = trajectoryMargin(traj, n, d, opts);
    if (mg >= margin) return { seed: s, x0, traj, margin: mg };
  }
  throw new Error(`no seed in [${seed0}, ${seed0 + tries}) keeps a threshold margin of ${margin} for ${steps} steps`);
}

/** R of several arrays. */
export function normOf(n: number, d: number, ...xs: ArrayLike<number>[]): number {
  let R = 0;
  for (const x of xs) R = Math.max(R, maxNorm(x, n, d));
  return R;
}
