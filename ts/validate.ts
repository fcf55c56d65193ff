/**
 * Validation of Simulation options. Every error is a TypeError (wrong type or
 * shape, unknown name, `null` where only `undefined` means "default") or a
 * RangeError (bad value, length or size) whose message names the option and
 * the bad value (`<name> must be <rule>; got <value>`, see ts/check.ts).
 */
import type { BackendName, BackendOption, DeltaOption, FlatSimulationOptions, GammaOption, Integrator, Model, Precision, SimulationOptions } from './types.js';
import {
  checkBool,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkTieTolerance,
  copyFinite,
  isFlatArray,
  rangeError,
  readMatrix,
  readRows,
  show,
  typeError,
} from './check.js';
import { checkDeltaOption, checkGammaOption, compileDelta, compileGamma, constantGamma, isConstant } from './schedules.js';
import { SplitMix64 } from './prng.js';
import { STATUS } from './backend/backend.js';
import { normalizeRow } from './backend/normalize.js';
import { autoBackend, checkSize as checkBackendSize } from './backend/index.js';
import { resolveThreads } from './threads/options.js';
import { MODELS, READING_BITS, isOde, isThreshold, onSphere } from './models.js';
import { alignmentBound } from './bounds.js';

/** Options after validation: flat f64 arrays, defaults filled in, schedule objects frozen copies. */
export interface ResolvedOptions {
  model: Model;
  n: number;
  d: number;
  /**
   * n*d row-major initial positions: a fresh copy, or the caller's own
   * Float64Array when nothing had to change (then read only: Simulation.create
   * copies it into the backend and does not keep it).
   */
  positions: Float64Array;
  /** α (default 1 when neither alpha nor gamma is given), or null when the step size comes from gamma or does not apply. */
  alpha: number | null;
  /** The step-size schedule of the convex update (from gamma, alpha, or the model's default). */
  gamma: GammaOption;
  delta: DeltaOption;
  beta: number;
  /** d*d row-major copy of A (or KᵀQ), or null for the identity. */
  A: Float64Array | null;
  /** d*d row-major copy of V, or null for the identity. */
  V: Float64Array | null;
  /** 'convex' (x + γ(y − x)) or 'residual' (x + h V y), discrete models. */
  update: 'convex' | 'residual';
  h: number;
  sphere: boolean;
  /** SplitMix64 state for 'softmax-markov', else null. */
  seed: bigint | null;
  dt: number;
  integrator: Integrator;
  /** True for the continuous-time sphere models. */
  ode: boolean;
  tieTolerance: number;
  /** The backend that runs ('auto' resolved: 'wasm' where WebAssembly SIMD validates, else 'js'). */
  backend: BackendName;
  precision: Precision;
  /** Worker threads computing each step (0: the calling thread; 'auto' resolved). */
  threads: number;
  /** Engine of the threshold models ('auto' resolved; always 'dense' for the other models). */
  engine: 'dense' | 'tree';
  /** The localmax readings as kernel bits (READING_BITS; 0: SPEC's rule, and always 0 for other models). */
  readings: number;
  /** The user map after each step (SPEC §6.9), or null. */
  afterStep: ((x: Float64Array, t: number) => void) | null;
  /** δ and γ compiled once from the validated options: functions of t, and their values when constant (else null). */
  deltaAt: (t: number) => number;
  constantDelta: number | null;
  gammaAt: (t: number) => number;
  constantGamma: number | null;
}

const BACKENDS: readonly BackendOption[] = ['auto', 'wasm', 'js'];
const PRECISIONS: readonly Precision[] = ['f64', 'f32'];
const INTEGRATORS: readonly Integrator[] = ['euler', 'euler-raw', 'rk4'];
const KNOWN: readonly string[] = [
  'model', 'positions', 'n', 'd', 'alpha', 'gamma', 'delta', 'beta', 'A', 'Q', 'K', 'V', 'h', 'sphere', 'seed',
  'dt', 'integrator', 'tieTolerance', 'backend', 'precision', 'threads', 'engine',
  'gap', 'includeSelf', 'threshold', 'selfWeight', 'afterStep',
];
/** Options that only some models take (others are refused, so a misplaced option never passes silently). */
const ONLY: Record<string, (m: Model) => boolean> = {
  alpha: (m) => !isOde(m),
  gamma: (m) => !isOde(m),
  h: (m) => !isOde(m),
  sphere: (m) => !isOde(m),
  seed: (m) => m === 'softmax-markov',
  dt: isOde,
  integrator: isOde,
  gap: (m) => m === 'localmax',
  includeSelf: (m) => m === 'localmax',
  threshold: (m) => m === 'localmax',
  selfWeight: (m) => m === 'localmax',
};


/** Largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

/** The first entry of an array that is not a hole (undefined for none). */
function firstPresent(a: readonly unknown[]): unknown {
  for (let k = 0; k < a.length; k++) if (k in a) return a[k];
  return undefined;
}

/**
 * The positions option: n*d row-major float64 numbers with n and d. A
 * Float64Array that needs no change is returned as is (`copy` false);
 * anything else is copied once. Sizes are checked before any copy.
 */
function readPositions(
  opts: FlatSimulationOptions,
  backend: BackendName,
  precision: Precision,
  ode: boolean,
  mustCopy: boolean,
): { positions: Float64Array; n: number; d: number } {
  const p: unknown = opts.positions;
  if (p === undefined || p === null) {
    throw typeError('positions', 'n*d row-major numbers (Float64Array, Float32Array, number[]) or n rows of d numbers', p, 'positions is required');
  }
  if (Array.isArray(p) && p.length === 0) throw rangeError('positions', 'at least one token', p);
  if (Array.isArray(p) && Array.isArray(firstPresent(p))) {
    // n rows of d numbers: the size is known from the first row, before flattening.
    const rows = p as readonly unknown[];
    const first = firstPresent(rows) as unknown[];
    const d = opts.d === undefined ? first.length : checkInt(opts.d, 'd');
    if (d !== first.length) throw rangeError('d', `the length of the rows of positions (${first.length})`, opts.d);
    if (d < 1) throw rangeError('positions[0]', 'a row of at least one number', first);
    const n = rows.length;
    if (opts.n !== undefined && checkInt(opts.n, 'n') !== n) throw rangeError('n', `the number of rows of positions (${n})`, opts.n);
    checkBackendSize(backend, precision, n, d, ode, mayUseTree(opts, d));
    return { positions: readRows(rows, 'positions', d).flat, n, d };
  }
  if (!isFlatArray(p)) {
    throw typeError('positions', 'a Float64Array, Float32Array, number[] (n*d row-major) or number[][] (n rows of d)', p);
  }
  if (opts.n === undefined || opts.d === undefined) {
    throw new TypeError(`n and d are required with a flat positions array; got n = ${show(opts.n)}, d = ${show(opts.d)}`);
  }
  const n = checkInt(opts.n, 'n');
  const d = checkInt(opts.d, 'd');
  checkBackendSize(backend, precision, n, d, ode, mayUseTree(opts, d));
  if (p.length !== n * d) throw rangeError('positions.length', `n*d = ${n}*${d} = ${n * d}`, p.length);
  if (p instanceof Float64Array && !mustCopy) {
    for (let k = 0; k < p.length; k++) if (!Number.isFinite(p[k] as number)) copyFinite(p, p.length, 'positions', d);
    return { positions: p, n, d };
  }
  return { positions: copyFinite(p as ArrayLike<unknown>, n * d, 'positions', d), n, d };
}

/**
 * Validate and normalise Simulation options (throws TypeError/RangeError).
 * Takes the typed per-model options or the flat form (the CLI's); everything
 * is checked at run time either way.
 */
export function resolveOptions(options: SimulationOptions | FlatSimulationOptions): ResolvedOptions {
  const opts = checkOptions<FlatSimulationOptions>(options, 'options', KNOWN, true);
  const model = checkOneOf(opts.model, 'model', MODELS);
  const asked = checkOneOf(opts.backend, 'backend', BACKENDS, 'auto');
  const backend: BackendName = asked === 'auto' ? autoBackend() : asked;
  const precision = checkOneOf(opts.precision, 'precision', PRECISIONS, 'f64');
  const ode = isOde(model);
  for (const [key, applies] of Object.entries(ONLY)) {
    if ((opts as unknown as Record<string, unknown>)[key] !== undefined && !applies(model)) {
      throw new TypeError(`option '${key}' does not apply to model '${model}'`);
    }
  }
  const sphere = checkBool(opts.sphere, 'sphere', false);
  const projected = onSphere(model) || sphere;
  const { positions, n, d } = readPositions(opts, backend, precision, ode, projected);

  const gap = checkOneOf(opts.gap, 'gap', ['absolute', 'relative'] as const, 'absolute');
  const includeSelf = checkBool(opts.includeSelf, 'includeSelf', false);
  const strictness = checkOneOf(opts.threshold, 'threshold', ['non-strict', 'strict'] as const, 'non-strict');
  const selfWeight = checkOneOf(opts.selfWeight, 'selfWeight', ['residual', 'average'] as const, 'residual');
  if (selfWeight === 'average') {
    for (const k of ['alpha', 'gamma', 'V', 'h'] as const) {
      if (opts[k] !== undefined) throw new TypeError(`selfWeight: 'average' (x_i ← mean over C_i ∪ {i}) takes no ${k}; got ${k} = ${show(opts[k])}`);
    }
  }
  const readings = readingBits({ gap, threshold: strictness, includeSelf, selfWeight });
  if (opts.afterStep !== undefined && typeof opts.afterStep !== 'function') throw typeError('afterStep', 'a function (x: Float64Array, t: number) => void', opts.afterStep);

  let alpha: number | null = opts.alpha === undefined ? null : checkNumber(opts.alpha, 'alpha', { min: 0, minExclusive: true });
  const residual = !ode && (opts.V !== undefined || opts.h !== undefined);
  if (opts.alpha !== undefined && opts.gamma !== undefined) throw new TypeError('give alpha or gamma, not both (gamma = alpha/(1+alpha))');
  if (residual && (opts.alpha !== undefined || opts.gamma !== undefined)) {
    throw new TypeError('V/h select the residual update x + h V y, which takes no alpha or gamma');
  }
  let gamma: GammaOption;
  if (selfWeight === 'average') gamma = 1;
  else if (opts.gamma !== undefined) gamma = checkGammaOption(opts.gamma, 'gamma');
  else if (alpha !== null) gamma = alpha / (1 + alpha);
  else if (model === 'frank-wolfe') gamma = checkGammaOption({ kind: 'frank-wolfe' });
  else {
    gamma = 0.5;
    if (!ode && !residual) alpha = 1;
  }
  const h = opts.h === undefined ? 1 : checkNumber(opts.h, 'h');

  let seed: bigint | null = null;
  if (model === 'softmax-markov') {
    if (opts.seed === undefined) throw new TypeError("seed is required by model 'softmax-markov' (a non-negative integer), so runs are reproducible");
    seed = new SplitMix64(opts.seed).state;
  }

  const beta = opts.beta === undefined ? 1 : checkNumber(opts.beta, 'beta', { min: 0 });
  const delta = opts.delta === undefined ? 0 : checkDeltaOption(opts.delta, 'delta');
  const deltaAt = compileDelta(delta);
  const tieTolerance = checkTieTolerance(opts.tieTolerance, precision);
  const dt = opts.dt === undefined ? 0.1 : checkNumber(opts.dt, 'dt', { min: 0, minExclusive: true });
  const integrator = checkOneOf(opts.integrator, 'integrator', INTEGRATORS, 'rk4');
  if (model === 'euclidean-sa' && integrator === 'euler-raw') throw rangeError('integrator', `'euler' or 'rk4' for model 'euclidean-sa' (euler-raw is the sphere models' unprojected step)`, opts.integrator);

  if (opts.A !== undefined && opts.A !== null && (opts.Q !== undefined || opts.K !== undefined)) {
    throw new TypeError('give A or Q/K (A = Kᵀ Q), not both');
  }
  let A = readMatrix(opts.A, d, 'A');
  const Q = readMatrix(opts.Q, d, 'Q');
  const K = readMatrix(opts.K, d, 'K');
  if (Q !== null || K !== null) A = transposeTimes(K, Q, d);
  const V = readMatrix(opts.V, d, 'V');

  if (precision === 'f32') {
    for (let k = 0; k < positions.length; k++) checkFloat32('positions', positions[k] as number, k, d, 'token');
    checkFloat32('h', h);
    checkFloat32('beta', beta);
    checkFloat32('dt', dt);
    if (A !== null) for (let k = 0; k < A.length; k++) checkFloat32(opts.A !== undefined && opts.A !== null ? 'A' : 'KᵀQ', A[k] as number, k, d);
    if (V !== null) for (let k = 0; k < V.length; k++) checkFloat32('V', V[k] as number, k, d);
  }
  if (projected) projectToSphere(positions, n, d);
  checkMagnitude(positions, n, d, A, precision);
  if (residual) checkResidualStep(positions, n, d, h, V, precision);
  return {
    model, n, d, positions, alpha, gamma, delta, beta, A, V, update: residual ? 'residual' : 'convex', h, sphere, seed, dt,
    integrator, ode, tieTolerance, backend, precision,
    threads: resolveThreads(opts.threads, { backend, ode, model, n }),
    engine: resolveEngine(opts.engine, model, n, d, readings),
    readings,
    afterStep: opts.afterStep ?? null,
    deltaAt,
    constantDelta: isConstant(delta) ? deltaAt(0) : null,
    gammaAt: compileGamma(gamma),
    constantGamma: constantGamma(gamma),
  };
}

/** Dimensions where the tree engine exists (crates/kernel/src/attend.rs SPARSE_D). */
export const TREE_MAX_D = 3;
/**
 * Smallest n where engine 'auto' takes the tree (d <= 3), per model: where
 * the tree engine beat the dense one in `node bench/tree.bench.mjs
 * --crossover` on this project's 2-core machines (localmax δ = 0.1: 1.1–1.7×
 * at n = 2048 in d = 1…3; hardmax: even up to n = 8192, 1.1× from 16 384,
 * because the dense engine already finds hardmax's few members by a kd-tree).
 */
export const AUTO_TREE_MIN_N: Readonly<Record<'hardmax' | 'localmax' | 'frank-wolfe', number>> = { localmax: 2048, hardmax: 16384, 'frank-wolfe': 16384 };
const ENGINES = ['dense', 'tree', 'auto'] as const;

/** The localmax readings as kernel bits (READING_BITS); values other than the non-default ones count as the default. */
function readingBits(o: { gap?: unknown; threshold?: unknown; includeSelf?: unknown; selfWeight?: unknown }): number {
  return (
    (o.gap === 'relative' ? READING_BITS.relative : 0) |
    (o.threshold === 'strict' ? READING_BITS.strict : 0) |
    (o.includeSelf === true || o.selfWeight === 'average' ? READING_BITS.includeSelf : 0)
  );
}

/** Whether the tree engine may run (its memory is then counted by the size check before any copy); readings run dense. */
function mayUseTree(opts: FlatSimulationOptions, d: number): boolean {
  const m = opts.model;
  // readPositions runs after the model was checked, so opts.model is a Model here
  return isThreshold(m as Model) && d <= TREE_MAX_D && opts.engine !== 'dense' && (m !== 'localmax' || readingBits(opts) === 0);
}

/** The `engine` option resolved: 'tree' or 'dense' (see SimulationOptions.engine). */
function resolveEngine(v: unknown, model: Model, n: number, d: number, readings: number): 'dense' | 'tree' {
  const e = checkOneOf(v, 'engine', ENGINES, 'auto');
  const threshold = isThreshold(model);
  if (readings !== 0) {
    // The tree engine implements SPEC's rule only; the other readings run on the dense engine.
    if (e === 'tree') throw rangeError('engine', `'dense' or 'auto' with the localmax readings gap/includeSelf/threshold/selfWeight set (the tree engine implements the default rule)`, v);
    return 'dense';
  }
  if (e === 'tree') {
    if (!threshold) throw rangeError('engine', `'dense' or 'auto' for model '${model}' (the tree engine serves hardmax, localmax and frank-wolfe)`, v);
    if (d > TREE_MAX_D) throw rangeError('engine', `'dense' or 'auto' in dimension d = ${d} (the tree engine needs d <= ${TREE_MAX_D})`, v);
    return 'tree';
  }
  return e === 'auto' && threshold && d <= TREE_MAX_D && n >= AUTO_TREE_MIN_N[model as 'localmax'] ? 'tree' : 'dense';
}

/** In precision 'f32' a coordinate, parameter or matrix entry must be a finite float32 (the state and the wasm kernel store it as one). */
function checkFloat32(name: string, v: number, k?: number, d?: number, what: 'row' | 'token' = 'row'): void {
  if (Math.abs(v) > F32_MAX) {
    const where =
      k === undefined || d === undefined
        ? name
        : `${name}[${k}] (${what} ${Math.floor(k / d)}, ${what === 'row' ? 'column' : 'coordinate'} ${k % d})`;
    throw rangeError(where, `at most ${F32_MAX} in magnitude in precision 'f32'`, v);
  }
}

/** Kᵀ Q (identity for a missing factor), row-major. */
function transposeTimes(K: Float64Array | null, Q: Float64Array | null, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const kt = K === null ? (k === r ? 1 : 0) : (K[k * d + r] as number);
        const q = Q === null ? (k === c ? 1 : 0) : (Q[k * d + c] as number);
        s += kt * q;
      }
      out[r * d + c] = s;
    }
  }
  return out;
}

/**
 * Scale every token to unit norm in place (the backends' formula, robust to
 * tiny and huge norms); a RangeError names a token at the origin.
 */
function projectToSphere(x: Float64Array, n: number, d: number): void {
  for (let i = 0; i < n; i++) {
    if (normalizeRow(x, i * d, d) !== STATUS.ok) {
      throw new RangeError(`positions: token ${i} is at the origin and cannot be projected to the unit sphere`);
    }
  }
}

function limitOf(precision: Precision): number {
  return precision === 'f64' ? 1e300 : 1e36;
}

/**
 * Refuse states whose alignments could overflow the precision: |a_ij| <= ‖A‖·R²
 * with R the largest token norm and ‖A‖ bounded by the Frobenius norm.
 *
 * This bounds every step of the convex update x + γ(y − x) (y is a convex
 * combination of tokens, so R never grows) and of the sphere models (R = 1).
 * It does not bound the residual update x + h V y, where R can grow by a
 * factor 1 + |h|·‖V‖ per step: its first step is bounded by
 * {@link checkResidualStep}, and the backends check every later step (a
 * non-finite alignment or position stops the run with a RangeError at that t,
 * the failing step undone).
 */
export function checkMagnitude(x: Float64Array, n: number, d: number, A: Float64Array | null, precision: Precision): void {
  const { R, normA, bound: aBound } = alignmentBound(x, n, d, A);
  const bound = aBound * Math.max(1, d);
  if (!(bound < limitOf(precision))) {
    throw new RangeError(
      `positions: the largest token norm R = ${R} with ‖A‖ <= ${normA} gives alignments up to ${bound}, ` +
        `which can overflow ${precision}; rescale the tokens`,
    );
  }
}

/**
 * Refuse a residual update whose first step x + h V y can overflow the
 * precision: |x + h V y| <= R (1 + |h|·‖V‖_F), with |y| <= R (y is a convex
 * combination of tokens, or one token). Later steps are checked by the backends.
 */
function checkResidualStep(x: Float64Array, n: number, d: number, h: number, V: Float64Array | null, precision: Precision): void {
  const { R } = alignmentBound(x, n, d, null);
  const normV = V === null ? 1 : frobenius(V);
  const growth = 1 + Math.abs(h) * normV;
  const bound = R * growth;
  const limit = limitOf(precision);
  if (!(growth < limit && bound < limit)) {
    throw new RangeError(
      `h = ${h} with ‖V‖ <= ${normV} makes the first residual step x + h V y as large as ${bound} ` +
        `(largest token norm R = ${R}), which can overflow ${precision}; scale h, V or the tokens down`,
    );
  }
}

/** The Frobenius norm, scaled by the largest |entry| first so that entries up to 1.8e308 do not overflow it. */
function frobenius(M: Float64Array): number {
  let m = 0;
  for (let k = 0; k < M.length; k++) m = Math.max(m, Math.abs(M[k] as number));
  if (m === 0) return 0;
  let s = 0;
  for (let k = 0; k < M.length; k++) s += ((M[k] as number) / m) ** 2;
  return m * Math.sqrt(s);
}
