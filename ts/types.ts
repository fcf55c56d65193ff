/**
 * Public types shared by the simulation, the backends and the analysis layer.
 * Buffers are always flat and row-major: token i occupies x[i*d .. i*d+d).
 */

/** The discrete attention models of SPEC.md §1. */
export type Model = 'hardmax' | 'localmax' | 'softmax';

/** Which implementation advances the state. */
export type BackendName = 'wasm' | 'js';

/**
 * Storage and arithmetic precision of the state. 'f32' stores positions as
 * float32 (the wasm backend also computes in float32; the js backend computes
 * in float64 and rounds the state to float32 after every step).
 */
export type Precision = 'f64' | 'f32';

/**
 * A δ schedule object. The step from t to t+1 uses δ(t), t starting at 0.
 * - constant:  δ(t) = delta
 * - power:     δ(t) = delta0 / (1 + t)^p
 * - geometric: δ(t) = delta0 · ratio^t
 * - piecewise: δ(t) = values[k] for the last k with starts[k] <= t (starts[0] must be 0)
 */
export type ScheduleSpec =
  | { kind: 'constant'; delta: number }
  | { kind: 'power'; delta0: number; p: number }
  | { kind: 'geometric'; delta0: number; ratio: number }
  | { kind: 'piecewise'; starts: readonly number[]; values: readonly number[] };

/** A δ schedule: a number (constant), a schedule object, or any function of the step index t (an integer >= 0). */
export type DeltaOption = number | ScheduleSpec | ((t: number) => number);

/** Options of Simulation.create. See DESIGN.md "Public names". */
export interface SimulationOptions {
  /** The update rule. */
  model: Model;
  /** Initial positions: a flat row-major Float64Array/Float32Array of n*d numbers (then n and d are required) or an array of n rows of d numbers. Copied; the caller keeps ownership. */
  positions: Float64Array | Float32Array | readonly (readonly number[])[] | readonly number[];
  /** Number of tokens; required with a flat array. */
  n?: number;
  /** Dimension of each token; required with a flat array. */
  d?: number;
  /** Step size parameter α > 0; the update is x <- x + γ(y − x) with γ = α/(1+α). Default 1. */
  alpha?: number;
  /** Localmax alignment sensitivity δ >= 0 (Infinity allowed: uniform averaging), a schedule object or a function of t. Default 0. Ignored by hardmax and softmax. */
  delta?: DeltaOption;
  /** Softmax inverse temperature β >= 0, finite. Default 1. */
  beta?: number;
  /** The d*d row-major alignment matrix: a_ij = <A x_i, x_j>. Identity when absent. Copied. */
  A?: Float64Array | Float32Array | readonly number[] | readonly (readonly number[])[];
  /** Relative tie tolerance τ >= 0 (threshold m_i − δ − τ·max(1,|m_i|)). Default 1e-12 (f64), 1e-5 (f32). */
  tieTolerance?: number;
  /** Default 'wasm'. 'wasm' throws where WebAssembly SIMD is unavailable. */
  backend?: BackendName;
  /** Default 'f64'. */
  precision?: Precision;
}
