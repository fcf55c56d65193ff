/**
 * Public types shared by the simulation, the backends and the analysis layer.
 * Buffers are always flat and row-major: token i occupies x[i*d .. i*d+d).
 */

/**
 * The models: discrete-time attention of SPEC.md §1 ('hardmax', 'localmax',
 * 'softmax', 'frank-wolfe' = SA_∞ with a step-size schedule, 'softmax-markov'
 * = SA_P) and the continuous-time sphere models of §2 ('sphere-sa', 'sphere-usa').
 */
export type Model = 'hardmax' | 'localmax' | 'softmax' | 'frank-wolfe' | 'softmax-markov' | 'sphere-sa' | 'sphere-usa' | 'euclidean-sa';

/** Integrators of the sphere models (SPEC.md §2.2). */
export type Integrator = 'euler' | 'euler-raw' | 'rk4';

/** Which implementation advances the state (what `sim.backend` reports). */
export type BackendName = 'wasm' | 'js';

/**
 * The `backend` option: 'auto' (the default) picks 'wasm' where this engine
 * validates WebAssembly SIMD (simd128) and 'js' elsewhere; 'wasm' and 'js'
 * ask for one of them ('wasm' fails where SIMD is missing).
 */
export type BackendOption = BackendName | 'auto';

/**
 * Storage and arithmetic precision of the state. 'f32' stores positions as
 * float32 (the wasm backend also computes in float32; the js backend computes
 * in float64 and rounds the state to float32 after every step).
 */
/** Engine option of the threshold models (see SimulationOptions.engine). */
export type Engine = 'dense' | 'tree' | 'auto';

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

/**
 * Initial positions: a flat row-major Float64Array/Float32Array/number[] of
 * n*d numbers (then `n` and `d` are required) or an array of n rows of d
 * numbers. Copied; the caller keeps ownership.
 */
export type PositionsOption = Float64Array | Float32Array | readonly (readonly number[])[] | readonly number[];

/**
 * Options every model takes. `undefined` means "use the default" everywhere
 * (hence `| undefined`), so a property typed `?: undefined` below is one that
 * model refuses when it is given a value.
 */
export interface CommonOptions {
  /** Initial positions (see {@link PositionsOption}). Copied; the caller keeps ownership. */
  positions: PositionsOption;
  /** Number of tokens; required with a flat array. */
  n?: number | undefined;
  /** Dimension of each token; required with a flat array. */
  d?: number | undefined;
  /** Inverse temperature β >= 0, finite (softmax, softmax-markov, sphere models). Default 1. Ignored by the other models. */
  beta?: number | undefined;
  /** Localmax alignment sensitivity δ >= 0 (Infinity allowed: uniform averaging), a schedule object or a function of t. Default 0. Ignored by the other models. */
  delta?: DeltaOption | undefined;
  /** The d*d row-major alignment matrix: a_ij = <A x_i, x_j> (B of Frank–Wolfe; may be indefinite). Identity when absent or null. Copied. Exclusive with Q, K. */
  A?: MatrixOption | null | undefined;
  /** Query matrix: alignments <Q x_i, K x_j>, i.e. A = Kᵀ Q. Identity when absent or null. */
  Q?: MatrixOption | null | undefined;
  /** Key matrix (see Q). */
  K?: MatrixOption | null | undefined;
  /** Relative tie tolerance τ >= 0 (threshold m_i − δ − τ·max(1,|m_i|)). Default 1e-12 (f64), 1e-5 (f32). */
  tieTolerance?: number | undefined;
  /** 'auto' (default: 'wasm' where WebAssembly SIMD validates, else 'js'), 'wasm' or 'js'. `sim.backend` tells which one runs. */
  backend?: BackendOption | undefined;
  /** Default 'f64'. */
  precision?: Precision | undefined;
  /**
   * Worker threads computing each step (wasm backend, discrete models): 0 (default) the calling thread;
   * k >= 1 workers; 'auto' the number of cores (at most 8) where n is large enough to pay, else 0.
   * Results are bit-identical for every value. `sim.threads` tells the count in use.
   */
  threads?: number | 'auto' | undefined;
  /**
   * Engine of the threshold models (hardmax, localmax, frank-wolfe): 'dense' the canonical
   * ascending-j rule (bitwise reproducible reference); 'tree' half-space range sums on a kd-tree
   * (d <= 3; the same members, sums in the tree's order: results agree with 'dense' to rounding);
   * 'auto' (default) 'tree' where it is measured to pay (d <= 3; localmax from n = 2048, hardmax and
   * frank-wolfe from n = 16384), else
   * 'dense'. The other models have only the dense engine ('tree' is refused). `sim.engine` tells which runs.
   */
  engine?: Engine | undefined;
  /**
   * A user map applied after every step (SPEC §6.9, e.g. a feed-forward layer): called with a
   * float64 copy of the positions (n*d row-major, t the step just completed), it changes them in
   * place; the simulation then takes them (rounded to float32 in f32, projected to the sphere for
   * sphere models and `sphere: true`). Non-finite values are refused (RangeError naming t; the
   * step stays done, the hook's changes are not applied). While a hook is set the hull-nesting
   * theorems (P1) no longer apply: analysis reports them instead of expecting them (`sim.hooked`).
   */
  afterStep?: ((x: Float64Array, t: number) => void) | undefined;
}

/** Options of every discrete model (SPEC.md §1): no dt or integrator. */
export interface DiscreteOptions extends CommonOptions {
  /** Project every token to the unit sphere after each step (positions are projected at creation). Default false. */
  sphere?: boolean | undefined;
  /** Sphere models only. */
  dt?: undefined;
  /** Sphere models only. */
  integrator?: undefined;
}

/**
 * The update of a discrete model: one of
 * - `alpha`: x <- x + γ(y − x) with γ = α/(1+α) (α > 0, default 1);
 * - `gamma`: the step size γ_t ∈ (0, 1] directly (a number, schedule object or function of t);
 * - `V` and/or `h`: the residual update x <- x + h V y (V d×d, null for the identity; h finite, default 1).
 * Giving two of them is refused (a compile error here, a TypeError at run time).
 */
export type StepOptions =
  | {
      /** Step size parameter α > 0: γ = α/(1+α). Default 1 (γ = 1/2). */
      alpha?: number | undefined;
      gamma?: undefined;
      V?: undefined;
      h?: undefined;
    }
  | {
      /** The step size γ_t ∈ (0, 1]: a number, a schedule object or a function of t. 'frank-wolfe' defaults to 2/(t+2). */
      gamma?: GammaOption | undefined;
      alpha?: undefined;
      V?: undefined;
      h?: undefined;
    }
  | {
      /** Value matrix V (d×d) of the residual update x <- x + h V y; null: the identity. */
      V?: MatrixOption | null | undefined;
      /** Residual step h (finite). Default 1. */
      h?: number | undefined;
      alpha?: undefined;
      gamma?: undefined;
    };

/** 'hardmax' (SPEC.md §1.1): uniform weights on the argmax set. */
export type HardmaxOptions = DiscreteOptions & StepOptions & { model: 'hardmax'; seed?: undefined };
/**
 * The open readings of the localmax rule (SPEC.md §1.2, §6.6), each a switch so
 * runs compare side by side; every default is SPEC's rule
 * C_i = { j : a_ij >= m_i − δ − τ·max(1,|m_i|) }, x_i ← x_i + γ(mean_{C_i} x_j − x_i).
 */
export interface LocalmaxReadings {
  /** 'absolute' (default): the gap is δ; 'relative': δ·|m_i|. */
  gap?: 'absolute' | 'relative' | undefined;
  /** false (default): C_i need not contain i; true: i is added to C_i when it is not a member (its row summed after the members). */
  includeSelf?: boolean | undefined;
  /**
   * 'non-strict' (default): members have a_ij >= the threshold; 'strict': a_ij > it. With a zero gap
   * (δ = 0, or δ|m_i| = 0) the argmax ties stay members, so δ = 0 is hardmax under both.
   */
  threshold?: 'non-strict' | 'strict' | undefined;
  /**
   * 'residual' (default): x_i ← (x_i + α·mean_{C_i})/(1+α), the token keeps weight 1/(1+α) beside its
   * share of the mean; 'average': x_i ← mean over C_i ∪ {i}, the token one more member of its own
   * average (no α, γ, V or h: giving one is refused).
   */
  selfWeight?: 'residual' | 'average' | undefined;
}

/** 'localmax' (SPEC.md §1.2): uniform weights on the δ-neighbourhood; `delta` is its parameter, the readings its open choices. */
export type LocalmaxOptions = DiscreteOptions & StepOptions & LocalmaxReadings & { model: 'localmax'; seed?: undefined };
/** 'softmax' (SPEC.md §1.3): softmax weights with inverse temperature `beta`. */
export type SoftmaxOptions = DiscreteOptions & StepOptions & { model: 'softmax'; seed?: undefined };
/** 'frank-wolfe' (SPEC.md §1.4): SA_∞ with A = B; `gamma` defaults to 2/(t+2). */
export type FrankWolfeOptions = DiscreteOptions & StepOptions & { model: 'frank-wolfe'; seed?: undefined };
/** 'softmax-markov' (SPEC.md §1.5): each token jumps toward one token drawn from its softmax row; `seed` is required. */
export type SoftmaxMarkovOptions = DiscreteOptions &
  StepOptions & {
    model: 'softmax-markov';
    /** The SplitMix64 seed: a non-negative safe integer or a bigint < 2^64. Required, so runs are reproducible. */
    seed: number | bigint;
  };

/**
 * The continuous-time models: the sphere models (SPEC.md §2) and 'euclidean-sa' (SPEC.md §5.9,
 * 2305.05465: dz_i/dt = Σ_j P_ij(t) V (z_j − z_i), P_ij(t) = softmax_j(β<A e^{tV} z_i, A e^{tV} z_j>) in R^d,
 * positions not projected, integrator 'euler' (the authors' effective scheme: attention frozen per
 * step) or 'rk4'; A (or Q, K) and V as below, β default 1; no threads). No alpha, gamma, h, sphere or seed.
 */
export interface SphereOptions extends CommonOptions {
  model: 'sphere-sa' | 'sphere-usa' | 'euclidean-sa';
  /** Value matrix V (d×d): the field is P⊥(V y). Identity when absent or null. */
  V?: MatrixOption | null | undefined;
  /** Time step dt > 0. Default 0.1. */
  dt?: number | undefined;
  /** 'euler', 'euler-raw' or 'rk4'. Default 'rk4'. */
  integrator?: Integrator | undefined;
  /** Discrete models only. */
  alpha?: undefined;
  /** Discrete models only. */
  gamma?: undefined;
  /** Discrete models only. */
  h?: undefined;
  /** Discrete models only (sphere models live on the sphere anyway). */
  sphere?: undefined;
  /** 'softmax-markov' only. */
  seed?: undefined;
}

/**
 * Options of `Simulation.create`: one type per model, told apart by `model`,
 * so that TypeScript refuses what the runtime refuses (`seed` outside
 * 'softmax-markov' and a missing `seed` there, `dt`/`integrator` on a discrete
 * model, `alpha` with `gamma`, `alpha`/`gamma` with the residual `V`/`h`).
 * The same checks run at run time for JavaScript callers.
 */
export type SimulationOptions =
  | HardmaxOptions
  | LocalmaxOptions
  | SoftmaxOptions
  | FrankWolfeOptions
  | SoftmaxMarkovOptions
  | SphereOptions;

/**
 * Every option of every model in one flat interface: what the runtime
 * validation reads (internal; callers use {@link SimulationOptions}). Code
 * that builds options for a model chosen at run time (the CLI) builds this
 * and casts, relying on the run-time checks.
 * @internal
 */
export interface FlatSimulationOptions {
  model: Model;
  positions: PositionsOption;
  n?: number | undefined;
  d?: number | undefined;
  alpha?: number | undefined;
  gamma?: GammaOption | undefined;
  delta?: DeltaOption | undefined;
  beta?: number | undefined;
  A?: MatrixOption | null | undefined;
  Q?: MatrixOption | null | undefined;
  K?: MatrixOption | null | undefined;
  V?: MatrixOption | null | undefined;
  h?: number | undefined;
  sphere?: boolean | undefined;
  seed?: number | bigint | undefined;
  dt?: number | undefined;
  integrator?: Integrator | undefined;
  tieTolerance?: number | undefined;
  backend?: BackendOption | undefined;
  precision?: Precision | undefined;
  threads?: number | 'auto' | undefined;
  engine?: Engine | undefined;
  gap?: LocalmaxReadings['gap'];
  includeSelf?: boolean | undefined;
  threshold?: LocalmaxReadings['threshold'];
  selfWeight?: LocalmaxReadings['selfWeight'];
  afterStep?: ((x: Float64Array, t: number) => void) | undefined;
}
