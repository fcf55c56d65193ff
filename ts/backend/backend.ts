/**
 * The interface every backend implements. A backend owns one state of n
 * tokens in R^d (row-major n*d) and advances it; it performs no validation
 * (Simulation validates first) and never throws on numerics except through
 * the status codes documented below.
 */
import type { BackendName, Precision } from '../types.js';
import { MODEL_CODE, MODEL_TABLE } from '../models.js';

/** Model codes shared with the kernel ABI (crates/kernel/src/abi.rs); the table is ts/models.ts. */
export { MODEL_CODE };
export type ModelCode = (typeof MODEL_CODE)[keyof typeof MODEL_CODE];

/** True for the ODE models (sphere-sa, sphere-usa, euclidean-sa): stepped by an integrator (kernel: `Model::is_ode`). */
export function isOdeModel(model: ModelCode): boolean {
  return Object.values(MODEL_TABLE).some((row) => row.code === model && row.ode);
}

/** Kernel status codes (crates/kernel/src/abi.rs). */
export const STATUS = {
  ok: 0,
  badHandle: 1,
  badArgument: 2,
  outOfMemory: 3,
  /** An alignment, a weight scale or an updated token was not finite (overflow); the failing step was undone. */
  nonFinite: 4,
  /** A token of norm 0 had to be projected to the sphere; the failing step was undone. */
  zeroNorm: 5,
} as const;

/** Discrete update codes: convex x + γ(y − x), or residual x + h V y. */
export const UPDATE_CODE = { convex: 0, residual: 1 } as const;
/** Sphere integrator codes. */
export const INTEGRATOR_CODE = { euler: 0, 'euler-raw': 1, rk4: 2 } as const;

/** Parameters that stay fixed between steps (set by Simulation). */
export interface StepParams {
  model: ModelCode;
  /** Softmax inverse temperature (finite, >= 0). */
  beta: number;
  /** Relative tie tolerance τ >= 0. */
  tau: number;
  /** Discrete update (UPDATE_CODE). */
  update: number;
  /** Residual step h (update 1). */
  h: number;
  /** Project every token to the unit sphere after each discrete step. */
  sphere: boolean;
  /** Sphere-model integrator (INTEGRATOR_CODE). */
  integrator: number;
  /** Sphere-model time step. */
  dt: number;
  /**
   * Engine of the threshold models: 0 dense (canonical ascending-j sums),
   * 1 tree (range sums on a kd-tree, d <= 3; see crates/kernel/src/tree.rs).
   */
  engine: number;
  /** Localmax readings as bits (READING_BITS of ts/validate.ts: 1 relative gap, 2 strict, 4 include self); 0 for SPEC's rule. */
  readings: number;
}

export interface Backend {
  readonly name: BackendName;
  readonly precision: Precision;
  readonly n: number;
  readonly d: number;
  /** Set the fixed parameters. */
  setParams(p: StepParams): void;
  /** Set A (alignments) or V (values), d*d row-major, or null for the identity. */
  setMatrix(which: 'A' | 'V', M: Float64Array | null): void;
  /** Set the SplitMix64 state used by the Markov-chain model. */
  setSeed(state: bigint): void;
  /** The current SplitMix64 state. */
  seedState(): bigint;
  /** Overwrite the state with x (n*d row-major, f64; rounded to f32 in f32 precision). */
  setPositions(x: Float64Array): void;
  /**
   * Advance deltas.length steps; step s uses δ = deltas[s] (read by localmax
   * only) and γ = gammas[s] (read by the convex update only; same length).
   * Returns a STATUS code and the number of steps completed. Transactional per
   * step: on a failure the state (and the generator) are exactly those after
   * the `done` completed steps; nothing of the failing step remains.
   */
  step(deltas: Float64Array, gammas: Float64Array): { status: number; done: number };
  /** A fresh Float64Array copy of the state, n*d row-major. */
  positions(): Float64Array;
  /** A zero-copy view of the state, valid until the next call into the backend. */
  view(): Float64Array | Float32Array;
  /** Release the memory. Idempotent. */
  dispose(): void;
}
