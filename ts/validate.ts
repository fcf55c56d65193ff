/**
 * Validation of Simulation options. Every error is a TypeError (wrong type,
 * unknown name) or a RangeError (bad value, length or size) whose message
 * names the option and the bad value.
 */
import type { BackendName, DeltaOption, Model, Precision, SimulationOptions } from './types.js';
import { checkNumber as num, formatValue as fmt, checkSpec } from './schedules.js';

/** Options after validation: flat f64 copies, defaults filled in. */
export interface ResolvedOptions {
  model: Model;
  n: number;
  d: number;
  /** n*d row-major copy of the initial positions. */
  positions: Float64Array;
  alpha: number;
  delta: DeltaOption;
  beta: number;
  /** d*d row-major copy, or null for the identity. */
  A: Float64Array | null;
  tieTolerance: number;
  backend: BackendName;
  precision: Precision;
}

const MODELS: readonly Model[] = ['hardmax', 'localmax', 'softmax'];
const BACKENDS: readonly BackendName[] = ['wasm', 'js'];
const PRECISIONS: readonly Precision[] = ['f64', 'f32'];
const KNOWN = new Set(['model', 'positions', 'n', 'd', 'alpha', 'delta', 'beta', 'A', 'tieTolerance', 'backend', 'precision']);

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
    if (row.length !== width) throw new RangeError(`${name}[${i}] must have length ${width}; got length ${row.length}`);
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
  if (isNumericArray(p)) {
    if (opts.n === undefined || opts.d === undefined) {
      throw new TypeError(`n and d are required with a flat positions array; got n = ${fmt(opts.n)}, d = ${fmt(opts.d)}`);
    }
    n = positiveInt(opts.n, 'n');
    d = positiveInt(opts.d, 'd');
    if (n * d > MAX_ELEMENTS) throw new RangeError(`n*d = ${n * d} is larger than the supported ${MAX_ELEMENTS} numbers`);
    if (p.length !== n * d) throw new RangeError(`positions must have n*d = ${n}*${d} = ${n * d} entries; got ${p.length}`);
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

  const alpha = opts.alpha === undefined ? 1 : num(opts.alpha, 'alpha');
  if (!(alpha > 0)) throw new RangeError(`alpha must be > 0; got ${fmt(alpha)}`);
  const beta = opts.beta === undefined ? 1 : num(opts.beta, 'beta', { min: 0 });
  const delta = opts.delta === undefined ? 0 : validateDelta(opts.delta);
  const tieTolerance =
    opts.tieTolerance === undefined ? (precision === 'f64' ? 1e-12 : 1e-5) : num(opts.tieTolerance, 'tieTolerance', { min: 0 });

  let A: Float64Array | null = null;
  if (opts.A !== undefined && opts.A !== null) {
    const a: unknown = opts.A;
    if (isNumericArray(a)) {
      if (a.length !== d * d) throw new RangeError(`A must have d*d = ${d * d} entries (row-major); got ${a.length}`);
      A = flatFinite(a, 'A', d);
    } else if (Array.isArray(a)) {
      if (a.length !== d) throw new RangeError(`A must have d = ${d} rows; got ${a.length}`);
      A = flattenRows(a, 'A', d).flat;
    } else {
      throw new TypeError(`A must be a d*d row-major Float64Array, number[] or number[][]; got ${fmt(a)}`);
    }
  }
  checkMagnitude(positions, n, d, A, precision);
  return { model, n, d, positions, alpha, delta, beta, A, tieTolerance, backend, precision };
}

/**
 * Refuse states whose alignments could overflow the precision: |a_ij| <= ‖A‖·R²
 * with R the largest token norm and ‖A‖ bounded by the Frobenius norm. The
 * models are convex combinations, so R never grows and one check suffices.
 */
export function checkMagnitude(x: Float64Array, n: number, d: number, A: Float64Array | null, precision: Precision): void {
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += (x[i * d + c] as number) ** 2;
    if (s > r2) r2 = s;
  }
  let normA = 1;
  if (A !== null) normA = Math.sqrt(A.reduce((acc, v) => acc + v * v, 0));
  const bound = normA * r2 * Math.max(1, d);
  const limit = precision === 'f64' ? 1e300 : 1e36;
  if (!(bound < limit)) {
    throw new RangeError(
      `positions: the largest token norm R = ${Math.sqrt(r2)} with ‖A‖ <= ${normA} gives alignments up to ${bound}, ` +
        `which can overflow ${precision}; rescale the tokens`,
    );
  }
}
