/**
 * Validation of Simulation options. Every error is a TypeError (wrong type,
 * unknown name) or a RangeError (bad value, length or size) whose message
 * names the option and the bad value.
 */
import type { BackendName, DeltaOption, GammaOption, GammaSpec, Integrator, Model, Precision, SimulationOptions } from './types.js';
import { checkNumber as num, formatValue as fmt, checkSpec, checkGamma, checkGammaSpec } from './schedules.js';
import { SplitMix64 } from './prng.js';
import { checkWasmSize } from './backend/wasm.js';
import { alignmentBound } from './analysis/alignment.js';

/** Options after validation: flat f64 copies, defaults filled in. */
export interface ResolvedOptions {
  model: Model;
  n: number;
  d: number;
  /** n*d row-major copy of the initial positions. */
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
  backend: BackendName;
  precision: Precision;
}

const MODELS: readonly Model[] = ['hardmax', 'localmax', 'softmax', 'frank-wolfe', 'softmax-markov', 'sphere-sa', 'sphere-usa'];
const BACKENDS: readonly BackendName[] = ['wasm', 'js'];
const PRECISIONS: readonly Precision[] = ['f64', 'f32'];
const INTEGRATORS: readonly Integrator[] = ['euler', 'euler-raw', 'rk4'];
const KNOWN = new Set([
  'model', 'positions', 'n', 'd', 'alpha', 'gamma', 'delta', 'beta', 'A', 'Q', 'K', 'V', 'h', 'sphere', 'seed',
  'dt', 'integrator', 'tieTolerance', 'backend', 'precision',
]);
/** Options that only some models take (others are refused, so a misplaced option never passes silently). */
const ONLY: Record<string, (m: Model) => boolean> = {
  alpha: (m) => !isOde(m),
  gamma: (m) => !isOde(m),
  h: (m) => !isOde(m),
  sphere: (m) => !isOde(m),
  seed: (m) => m === 'softmax-markov',
  dt: isOde,
  integrator: isOde,
};

function isOde(m: Model): boolean {
  return m === 'sphere-sa' || m === 'sphere-usa';
}

/** Largest n*d accepted by any backend (2^31 numbers). */
export const MAX_ELEMENTS = 2 ** 31;

function oneOf<T extends string>(v: unknown, name: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new TypeError(`${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}; got ${fmt(v)}`);
  }
  return v as T;
}

function positiveInt(v: unknown, name: string): number {
  if (typeof v !== 'number') throw new TypeError(`${name} must be an integer >= 1; got ${fmt(v)}`);
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be an integer >= 1; got ${fmt(v)}`);
  return v;
}

function isNumericArray(v: unknown): v is Float64Array | Float32Array | readonly number[] {
  return v instanceof Float64Array || v instanceof Float32Array || (Array.isArray(v) && (v.length === 0 || !Array.isArray(v[0])));
}

/** Copy a flat numeric array into a Float64Array, checking every entry is a finite number. */
function flatFinite(v: ArrayLike<unknown>, name: string, d: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let k = 0; k < v.length; k++) {
    const x = v[k];
    if (typeof x !== 'number') throw new TypeError(`${name}[${k}] must be a number; got ${fmt(x)}`);
    if (!Number.isFinite(x)) {
      throw new RangeError(`${name}[${k}] (row ${Math.floor(k / d)}, column ${k % d}) must be finite; got ${fmt(x)}`);
    }
    out[k] = x;
  }
  return out;
}

/** Rows (number[][]) to a flat row-major array, checking every row has length d. */
function flattenRows(rows: readonly unknown[], name: string, d: number | undefined): { flat: Float64Array; rows: number; d: number } {
  const first = rows[0];
  if (!Array.isArray(first)) throw new TypeError(`${name}[0] must be an array of numbers; got ${fmt(first)}`);
  const width = d ?? first.length;
  const flat = new Float64Array(rows.length * width);
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) throw new TypeError(`${name}[${i}] must be an array of numbers; got ${fmt(row)}`);
    if (row.length !== width) throw new RangeError(`${name}[${i}] must have length d = ${width}; got length ${row.length}`);
    row.forEach((x: unknown, c: number) => {
      if (typeof x !== 'number') throw new TypeError(`${name}[${i}][${c}] must be a number; got ${fmt(x)}`);
      if (!Number.isFinite(x)) throw new RangeError(`${name}[${i}][${c}] must be finite; got ${fmt(x)}`);
      flat[i * width + c] = x;
    });
  });
  return { flat, rows: rows.length, d: width };
}

function validateDelta(v: unknown): DeltaOption {
  if (typeof v === 'number') return num(v, 'delta', { min: 0, allowInfinity: true });
  if (typeof v === 'function') return v as (t: number) => number;
  if (v !== null && typeof v === 'object') return checkSpec(v as never, 'delta');
  throw new TypeError(`delta must be a number >= 0, a schedule object or a function of t; got ${fmt(v)}`);
}

/** Validate and normalise Simulation options (throws TypeError/RangeError). */
export function resolveOptions(opts: SimulationOptions): ResolvedOptions {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`options must be an object; got ${fmt(opts)}`);
  for (const key of Object.keys(opts)) {
    if (!KNOWN.has(key)) throw new TypeError(`unknown option '${key}'; known options: ${[...KNOWN].join(', ')}`);
  }
  const model = oneOf(opts.model, 'model', MODELS);
  const backend = oneOf(opts.backend ?? 'wasm', 'backend', BACKENDS);
  const precision = oneOf(opts.precision ?? 'f64', 'precision', PRECISIONS);

  const p: unknown = opts.positions;
  let positions: Float64Array;
  let n: number;
  let d: number;
  if (p === undefined || p === null) throw new TypeError(`positions is required (n*d row-major numbers or n rows of d numbers); got ${fmt(p)}`);
  if (Array.isArray(p) && p.length === 0) {
    throw new RangeError('positions must hold at least one token; got an empty array');
  }
  if (isNumericArray(p)) {
    if (opts.n === undefined || opts.d === undefined) {
      throw new TypeError(`n and d are required with a flat positions array; got n = ${fmt(opts.n)}, d = ${fmt(opts.d)}`);
    }
    n = positiveInt(opts.n, 'n');
    d = positiveInt(opts.d, 'd');
    if (n * d > MAX_ELEMENTS) throw new RangeError(`n*d = ${n * d} is larger than the supported ${MAX_ELEMENTS} numbers`);
    if (p.length !== n * d) throw new RangeError(`positions must have n*d = ${n}*${d} = ${n * d} entries; got ${p.length}`);
    // Refuse an oversized wasm simulation before copying gigabytes of input.
    if (backend === 'wasm') checkWasmSize(precision, n, d, isOde(model));
    positions = flatFinite(p, 'positions', d);
  } else if (Array.isArray(p)) {
    if (p.length === 0) throw new RangeError('positions must hold at least one token; got an empty array');
    const dGiven = opts.d === undefined ? undefined : positiveInt(opts.d, 'd');
    const r = flattenRows(p, 'positions', dGiven);
    if (r.d < 1) throw new RangeError(`d must be an integer >= 1; got rows of length ${r.d}`);
    n = r.rows;
    d = r.d;
    if (opts.n !== undefined && positiveInt(opts.n, 'n') !== n) {
      throw new RangeError(`n = ${opts.n} does not match the ${n} rows of positions`);
    }
    positions = r.flat;
  } else {
    throw new TypeError(`positions must be a Float64Array, Float32Array, number[] or number[][]; got ${fmt(p)}`);
  }

  for (const [key, applies] of Object.entries(ONLY)) {
    if ((opts as unknown as Record<string, unknown>)[key] !== undefined && !applies(model)) {
      throw new TypeError(`option '${key}' does not apply to model '${model}'`);
    }
  }
  const ode = isOde(model);

  let alpha: number | null = null;
  if (opts.alpha !== undefined) {
    alpha = num(opts.alpha, 'alpha');
    if (!(alpha > 0)) throw new RangeError(`alpha must be > 0; got ${fmt(alpha)}`);
  }
  const residual = !ode && (opts.V !== undefined || opts.h !== undefined);
  if (opts.alpha !== undefined && opts.gamma !== undefined) throw new TypeError('give alpha or gamma, not both (gamma = alpha/(1+alpha))');
  if (residual && (opts.alpha !== undefined || opts.gamma !== undefined)) {
    throw new TypeError('V/h select the residual update x + h V y, which takes no alpha or gamma');
  }
  let gamma: GammaOption;
  if (opts.gamma !== undefined) gamma = validateGamma(opts.gamma);
  else if (alpha !== null) gamma = alpha / (1 + alpha);
  else if (model === 'frank-wolfe') gamma = { kind: 'frank-wolfe' };
  else {
    gamma = 0.5;
    if (!ode && !residual) alpha = 1;
  }
  const h = opts.h === undefined ? 1 : num(opts.h, 'h');
  if (opts.sphere !== undefined && typeof opts.sphere !== 'boolean') throw new TypeError(`sphere must be true or false; got ${fmt(opts.sphere)}`);
  const sphere = opts.sphere === true;

  let seed: bigint | null = null;
  if (model === 'softmax-markov') {
    if (opts.seed === undefined) throw new TypeError("seed is required by model 'softmax-markov' (a non-negative integer), so runs are reproducible");
    seed = new SplitMix64(opts.seed).state;
  }

  const beta = opts.beta === undefined ? 1 : num(opts.beta, 'beta', { min: 0 });
  const delta = opts.delta === undefined ? 0 : validateDelta(opts.delta);
  const tieTolerance =
    opts.tieTolerance === undefined ? (precision === 'f64' ? 1e-12 : 1e-5) : num(opts.tieTolerance, 'tieTolerance', { min: 0 });
  const dt = opts.dt === undefined ? 0.1 : num(opts.dt, 'dt');
  if (!(dt > 0)) throw new RangeError(`dt must be > 0; got ${fmt(dt)}`);
  const integrator = oneOf(opts.integrator ?? 'rk4', 'integrator', INTEGRATORS);

  if (opts.A !== undefined && opts.A !== null && (opts.Q !== undefined || opts.K !== undefined)) {
    throw new TypeError('give A or Q/K (A = Kᵀ Q), not both');
  }
  let A = matrixOption(opts.A, 'A', d);
  const Q = matrixOption(opts.Q, 'Q', d);
  const K = matrixOption(opts.K, 'K', d);
  if (Q !== null || K !== null) A = transposeTimes(K, Q, d);
  const V = matrixOption(opts.V, 'V', d);

  if (ode || sphere) projectToSphere(positions, n, d);
  checkMagnitude(positions, n, d, A, precision);
  return {
    model, n, d, positions, alpha, gamma, delta, beta, A, V, update: residual ? 'residual' : 'convex', h, sphere, seed, dt,
    integrator, ode, tieTolerance, backend, precision,
  };
}

function validateGamma(v: unknown): GammaOption {
  if (typeof v === 'number') return checkGamma(v, 'gamma');
  if (typeof v === 'function') return v as (t: number) => number;
  if (v !== null && typeof v === 'object') return checkGammaSpec(v as GammaSpec, 'gamma');
  throw new TypeError(`gamma must be a number in (0, 1], a schedule object or a function of t; got ${fmt(v)}`);
}

/** A d×d matrix option (flat row-major or rows) as a Float64Array copy, or null when absent. */
function matrixOption(a: unknown, name: string, d: number): Float64Array | null {
  if (a === undefined || a === null) return null;
  if (isNumericArray(a)) {
    if (a.length !== d * d) throw new RangeError(`${name} must be a d×d matrix with d*d = ${d * d} entries (row-major); got ${a.length}`);
    return flatFinite(a, name, d);
  }
  if (Array.isArray(a)) {
    if (a.length !== d) throw new RangeError(`${name} must be a d×d matrix with d = ${d} rows; got ${a.length}`);
    return flattenRows(a, name, d).flat;
  }
  throw new TypeError(`${name} must be a d*d row-major Float64Array, number[] or number[][]; got ${fmt(a)}`);
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

/** Scale every token to unit norm in place; a RangeError names a token at the origin. */
function projectToSphere(x: Float64Array, n: number, d: number): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += (x[i * d + c] as number) ** 2;
    const r = Math.sqrt(s);
    if (!(r > 0)) throw new RangeError(`positions: token ${i} is at the origin and cannot be projected to the unit sphere`);
    for (let c = 0; c < d; c++) x[i * d + c] = (x[i * d + c] as number) / r;
  }
}

/**
 * Refuse states whose alignments could overflow the precision: |a_ij| <= ‖A‖·R²
 * with R the largest token norm and ‖A‖ bounded by the Frobenius norm. The
 * models are convex combinations, so R never grows and one check suffices.
 */
export function checkMagnitude(x: Float64Array, n: number, d: number, A: Float64Array | null, precision: Precision): void {
  const { R, normA, bound: aBound } = alignmentBound(x, n, d, A);
  const bound = aBound * Math.max(1, d);
  const limit = precision === 'f64' ? 1e300 : 1e36;
  if (!(bound < limit)) {
    throw new RangeError(
      `positions: the largest token norm R = ${R} with ‖A‖ <= ${normA} gives alignments up to ${bound}, ` +
        `which can overflow ${precision}; rescale the tokens`,
    );
  }
}
