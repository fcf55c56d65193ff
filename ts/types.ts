/**
 * Public types shared by the simulation, the backends and the analysis layer.
 * Buffers are always flat and row-major: token i occupies x[i*d .. i*d+d).
 */

/**
 * The models: discrete-time attention of SPEC.md §1 ('hardmax', 'localmax',
 * 'softmax', 'frank-wolfe' = SA_∞ with a step-size schedule, 'softmax-markov'
 * = SA_P) and the continuous-time sphere models of §2 ('sphere-sa', 'sphere-usa').
 */
export type Model = 'hardmax' | 'localmax' | 'softmax' | 'frank-wolfe' | 'softmax-markov' | 'sphere-sa' | 'sphere-usa';

/** Integrators of the sphere models (SPEC.md §2.2). */
export type Integrator = 'euler' | 'euler-raw' | 'rk4';

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

/**
 * A step-size (γ) schedule object; every value must lie in (0, 1].
 * - constant:    γ_t = gamma
 * - frank-wolfe: γ_t = 2/(t+2)
 * - exp-rise:    γ_t = 1 − exp(−a(t+1))
 * - geometric:   γ_t = gamma0 · ratio^t   (gamma0 = ratio = 1/2 is the negative control 2^(−t−1))
 * - piecewise:   γ_t = values[k] for the last k with starts[k] <= t
 */
export type GammaSpec =
  | { kind: 'constant'; gamma: number }
  | { kind: 'frank-wolfe' }
  | { kind: 'exp-rise'; a: number }
  | { kind: 'geometric'; gamma0: number; ratio: number }
  | { kind: 'piecewise'; starts: readonly number[]; values: readonly number[] };

/** A γ schedule: a number in (0, 1], a schedule object, or any function of t. */
export type GammaOption = number | GammaSpec | ((t: number) => number);

/** A d×d matrix: flat row-major (d*d numbers) or d rows of d numbers. */
export type MatrixOption = Float64Array | Float32Array | readonly number[] | readonly (readonly number[])[];

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
  /** Step size parameter α > 0; the update is x <- x + γ(y − x) with γ = α/(1+α). Default 1. Discrete models; exclusive with gamma, V and h. */
  alpha?: number;
  /** The step size γ_t ∈ (0, 1] directly: a number, a schedule object or a function of t. Discrete models; exclusive with alpha. 'frank-wolfe' defaults to 2/(t+2). */
  gamma?: GammaOption;
  /** Localmax alignment sensitivity δ >= 0 (Infinity allowed: uniform averaging), a schedule object or a function of t. Default 0. Ignored by the other models. */
  delta?: DeltaOption;
  /** Inverse temperature β >= 0, finite (softmax, softmax-markov, sphere models). Default 1. */
  beta?: number;
  /** The d*d row-major alignment matrix: a_ij = <A x_i, x_j> (B of Frank–Wolfe; may be indefinite). Identity when absent or null. Copied. Exclusive with Q, K. */
  A?: MatrixOption | null;
  /** Query matrix: alignments <Q x_i, K x_j>, i.e. A = Kᵀ Q. Identity when absent or null. */
  Q?: MatrixOption | null;
  /** Key matrix (see Q). */
  K?: MatrixOption | null;
  /** Value matrix V (d×d). Sphere models: the field is P⊥(V y). Discrete models: selects the residual update x <- x + h V y. null: the identity. */
  V?: MatrixOption | null;
  /** Residual step h (finite) of the update x <- x + h V y (discrete models). Default 1 when V is given. */
  h?: number;
  /** Discrete models: project every token to the unit sphere after each step (positions are projected at creation). */
  sphere?: boolean;
  /** 'softmax-markov': the SplitMix64 seed (non-negative safe integer or bigint < 2^64). Required there. */
  seed?: number | bigint;
  /** Sphere models: time step dt > 0. Default 0.1. */
  dt?: number;
  /** Sphere models: 'euler', 'euler-raw' or 'rk4'. Default 'rk4'. */
  integrator?: Integrator;
  /** Relative tie tolerance τ >= 0 (threshold m_i − δ − τ·max(1,|m_i|)). Default 1e-12 (f64), 1e-5 (f32). */
  tieTolerance?: number;
  /** Default 'wasm'. 'wasm' throws where WebAssembly SIMD is unavailable. */
  backend?: BackendName;
  /** Default 'f64'. */
  precision?: Precision;
}
