/**
 * One home for argument checks and their wording, on the ground floor: every
 * layer (options of Simulation, schedules, the analysis layer, Recorder,
 * initial conditions, the CLI) imports from here and nothing here imports
 * from the package.
 *
 * Message grammar: `<name> must be <rule>; got <value>` (an optional
 * sentence may follow). Which error:
 * - TypeError: the wrong type or shape (a string where a number is due, a
 *   hole in an array, rows where a flat array is due) or an unknown name;
 * - RangeError: a value of the right type that is out of range (NaN, a
 *   negative size, a length that does not match, a value too large).
 *
 * Absent means `undefined`: an option that is `undefined` takes its default.
 * `null` is refused everywhere except for matrices (A, B, V, …), where it
 * means the identity, as documented on each of them.
 */

/** A short printable form of a value for error messages (never throws). */
export function show(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return v.toString();
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length})`;
  if (Array.isArray(v)) {
    if (v.length <= 6 && v.every((e) => typeof e === 'number')) return `[${v.map((e) => show(e)).join(', ')}]`;
    return Array.isArray(v[0]) ? `an array of ${v.length} rows` : `an array of length ${v.length}`;
  }
  try {
    const s = JSON.stringify(v);
    if (s !== undefined) return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    /* cyclic */
  }
  return Object.prototype.toString.call(v);
}

/** A TypeError `<name> must be <rule>; got <value>`. */
export function typeError(name: string, rule: string, v: unknown, more = ''): TypeError {
  return new TypeError(`${name} must be ${rule}; got ${show(v)}${more ? `. ${more}` : ''}`);
}

/** A RangeError `<name> must be <rule>; got <value>`. */
export function rangeError(name: string, rule: string, v: unknown, more = ''): RangeError {
  return new RangeError(`${name} must be ${rule}; got ${show(v)}${more ? `. ${more}` : ''}`);
}

/** Bounds of {@link checkNumber}. */
export interface NumberRule {
  /** Smallest allowed value (inclusive unless `minExclusive`). */
  min?: number;
  /** The value must be > min. */
  minExclusive?: boolean;
  /** Largest allowed value (inclusive unless `maxExclusive`). */
  max?: number;
  /** The value must be < max. */
  maxExclusive?: boolean;
  /** Allow +Infinity (never NaN). */
  allowInfinity?: boolean;
  /** The value must be an integer. */
  integer?: boolean;
}

/** The rule of a number check in words, e.g. "a finite number > 0". */
export function describeNumber(r: NumberRule = {}): string {
  const parts: string[] = [];
  const base = r.integer ? 'an integer' : r.allowInfinity ? 'a number' : 'a finite number';
  if (r.min !== undefined && r.max !== undefined) {
    parts.push(`${base} in ${r.minExclusive ? '(' : '['}${r.min}, ${r.max}${r.maxExclusive ? ')' : ']'}`);
  } else if (r.min !== undefined) {
    parts.push(`${base} ${r.minExclusive ? '>' : '>='} ${r.min}`);
  } else if (r.max !== undefined) {
    parts.push(`${base} ${r.maxExclusive ? '<' : '<='} ${r.max}`);
  } else {
    parts.push(base);
  }
  if (r.allowInfinity && !r.integer) parts.push('(Infinity allowed)');
  return parts.join(' ');
}

/** A number obeying `rule`, else TypeError (not a number) or RangeError (NaN, ±Infinity, out of bounds). */
export function checkNumber(v: unknown, name: string, rule: NumberRule = {}): number {
  const want = describeNumber(rule);
  if (typeof v !== 'number') throw typeError(name, want, v);
  if (Number.isNaN(v)) throw rangeError(name, want, v);
  if (v === -Infinity || (v === Infinity && !(rule.allowInfinity && !rule.integer))) throw rangeError(name, want, v);
  if (rule.integer && !Number.isSafeInteger(v)) throw rangeError(name, want, v);
  if (rule.min !== undefined && (rule.minExclusive ? !(v > rule.min) : !(v >= rule.min))) throw rangeError(name, want, v);
  if (rule.max !== undefined && (rule.maxExclusive ? !(v < rule.max) : !(v <= rule.max))) throw rangeError(name, want, v);
  return v;
}

/** A safe integer >= min (default 1), optionally <= max. */
export function checkInt(v: unknown, name: string, min = 1, max?: number): number {
  return checkNumber(v, name, max === undefined ? { integer: true, min } : { integer: true, min, max });
}

/** A token index in [0, n). */
export function checkIndex(v: unknown, n: number, name = 'i'): number {
  return checkNumber(v, name, { integer: true, min: 0, max: n, maxExclusive: true });
}

/** An optional boolean: `undefined` gives `dflt`. */
export function checkBool(v: unknown, name: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw typeError(name, 'true or false', v);
  return v;
}

/** One of the allowed strings; `undefined` gives `dflt` when one is given. */
export function checkOneOf<T extends string>(v: unknown, name: string, allowed: readonly T[], dflt?: T): T {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw typeError(name, allowed.map((a) => `'${a}'`).join(', ').replace(/, ([^,]*)$/, ' or $1'), v);
  }
  return v as T;
}

/**
 * An options object: `undefined` gives `{}` unless `required`; with `known`,
 * an unknown key is a TypeError naming it (typos never pass silently).
 */
export function checkOptions<T extends object>(v: unknown, name = 'options', known?: readonly string[], required = false): T {
  if (v === undefined && !required) return {} as T;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw typeError(name, 'an object', v);
  if (known !== undefined) {
    for (const key of Object.keys(v)) {
      if (!known.includes(key)) {
        throw new TypeError(`unknown option '${key}' in ${name}; known options: ${known.join(', ')}`);
      }
    }
  }
  return v as T;
}

/** True for the flat numeric arrays the package reads: Float64Array, Float32Array or a plain array not of rows. */
export function isFlatArray(v: unknown): v is Float64Array | Float32Array | readonly unknown[] {
  if (v instanceof Float64Array || v instanceof Float32Array) return true;
  return Array.isArray(v) && !(v.length > 0 && Array.isArray(v[0]));
}

/** True for an array whose first entry is an array (rows). */
export function isRows(v: unknown): v is readonly unknown[] {
  return Array.isArray(v) && v.length > 0 && Array.isArray(v[0]);
}

function entryName(name: string, k: number, d: number, what: 'row' | 'token'): string {
  return d > 1 ? `${name}[${k}] (${what} ${Math.floor(k / d)}, ${what === 'row' ? 'column' : 'coordinate'} ${k % d})` : `${name}[${k}]`;
}

/**
 * Copy the first `len` entries of a flat array into `out` (a fresh
 * Float64Array by default), refusing holes, non-numbers (TypeError) and
 * non-finite numbers (RangeError). `d` only shapes the messages.
 */
export function copyFinite(x: ArrayLike<unknown>, len: number, name: string, d = 1, what: 'row' | 'token' = 'token', out = new Float64Array(len)): Float64Array {
  if (x instanceof Float64Array || x instanceof Float32Array) {
    for (let k = 0; k < len; k++) {
      const v = x[k] as number;
      if (!Number.isFinite(v)) throw rangeError(entryName(name, k, d, what), 'finite', v);
      out[k] = v;
    }
    return out;
  }
  const a = x as readonly unknown[];
  for (let k = 0; k < len; k++) {
    if (!(k in a)) throw new TypeError(`${entryName(name, k, d, what)} must be a number; got a hole (an empty slot)`);
    const v = a[k];
    if (typeof v !== 'number') throw typeError(entryName(name, k, d, what), 'a number', v);
    if (!Number.isFinite(v)) throw rangeError(entryName(name, k, d, what), 'finite', v);
    out[k] = v;
  }
  return out;
}

/**
 * Rows (an array of arrays) to a flat row-major Float64Array. Every row must
 * be an array of `width` finite numbers (`width` defaults to the first row's
 * length); holes are refused. `maxRows`/`maxEntries` refuse an oversized input
 * before anything is allocated.
 */
export function readRows(
  rows: readonly unknown[],
  name: string,
  width?: number,
  limits: { maxEntries?: number } = {},
): { flat: Float64Array; rows: number; d: number } {
  if (rows.length === 0) throw rangeError(name, 'a non-empty array of rows', rows);
  if (!(0 in rows)) throw new TypeError(`${name}[0] must be an array of numbers; got a hole (an empty slot)`);
  const first = rows[0];
  if (!Array.isArray(first)) throw typeError(`${name}[0]`, 'an array of numbers', first);
  const w = width ?? first.length;
  if (w < 1) throw rangeError(`${name}[0]`, 'a row of at least one number', first);
  if (limits.maxEntries !== undefined && rows.length * w > limits.maxEntries) {
    throw rangeError(`${name}`, `at most ${limits.maxEntries} numbers in all`, rows, `${rows.length} rows of ${w} is ${rows.length * w}`);
  }
  const flat = new Float64Array(rows.length * w);
  for (let i = 0; i < rows.length; i++) {
    if (!(i in rows)) throw new TypeError(`${name}[${i}] must be an array of numbers; got a hole (an empty slot)`);
    const row = rows[i];
    if (!Array.isArray(row)) throw typeError(`${name}[${i}]`, 'an array of numbers', row);
    if (row.length !== w) throw rangeError(`${name}[${i}]`, `a row of length ${w}`, row, `it has length ${row.length}`);
    for (let c = 0; c < w; c++) {
      if (!(c in row)) throw new TypeError(`${name}[${i}][${c}] must be a number; got a hole (an empty slot)`);
      const v: unknown = row[c];
      if (typeof v !== 'number') throw typeError(`${name}[${i}][${c}]`, 'a number', v);
      if (!Number.isFinite(v)) throw rangeError(`${name}[${i}][${c}]`, 'finite', v);
      flat[i * w + c] = v;
    }
  }
  return { flat, rows: rows.length, d: w };
}

/**
 * A d×d matrix, flat row-major (d*d numbers) or nested (d rows of d), as a
 * fresh Float64Array; `undefined` or `null` give null (the identity).
 */
export function readMatrix(M: unknown, d: number, name: string): Float64Array | null {
  if (M === undefined || M === null) return null;
  if (isRows(M)) {
    if (M.length !== d) throw rangeError(name, `a d×d matrix with d = ${d} rows`, M);
    return readRows(M, name, d).flat;
  }
  if (!isFlatArray(M)) {
    throw typeError(name, `a d×d matrix (d*d row-major numbers as Float64Array, Float32Array or number[], or d rows of d numbers), or null for the identity`, M);
  }
  if (M.length !== d * d) throw rangeError(`${name}.length`, `d*d = ${d * d} (a d×d row-major matrix)`, M.length);
  return copyFinite(M as ArrayLike<unknown>, d * d, name, d, 'row');
}

/** A state read by {@link readState}: its first n*d numbers as float64, with its shape. */
export interface StateView {
  /** n*d row-major float64 numbers: the input itself when it is a Float64Array (read-only by convention), else a fresh copy. */
  X: Float64Array;
  n: number;
  d: number;
}

/**
 * A state of n tokens in R^d: a flat row-major array of exactly n*d finite
 * numbers (Float64Array, Float32Array, number[]) or n rows of d numbers.
 * A Float64Array is returned as is (no copy); anything else is copied once.
 * n and d must be integers >= 1; a length that is not n*d is a RangeError.
 */
export function readState(x: unknown, n: unknown, d: unknown, name = 'x'): StateView {
  const nn = checkInt(n, 'n');
  const dd = checkInt(d, 'd');
  if (isRows(x)) {
    if (x.length !== nn) throw rangeError(`${name}`, `n = ${nn} rows of d = ${dd} numbers`, x);
    return { X: readRows(x, name, dd).flat, n: nn, d: dd };
  }
  if (!isFlatArray(x)) {
    throw typeError(name, 'a flat row-major array of n*d numbers (Float64Array, Float32Array or number[]) or n rows of d numbers', x);
  }
  const len = nn * dd;
  if (x.length !== len) throw rangeError(`${name}.length`, `n*d = ${nn}*${dd} = ${len}`, x.length);
  if (x instanceof Float64Array) {
    for (let k = 0; k < len; k++) if (!Number.isFinite(x[k] as number)) copyFinite(x, len, name, dd);
    return { X: x, n: nn, d: dd };
  }
  return { X: copyFinite(x as ArrayLike<unknown>, len, name, dd), n: nn, d: dd };
}

/** Default relative tie tolerance τ (SPEC §0): 1e-12 for f64 states, 1e-5 for f32 ones. */
export function defaultTieTolerance(precision: 'f64' | 'f32' | ArrayLike<number> | unknown): number {
  return precision === 'f32' || precision instanceof Float32Array ? 1e-5 : 1e-12;
}

/** A tie tolerance option: a finite number >= 0; `undefined` gives the default of the state's precision. */
export function checkTieTolerance(v: unknown, precisionOrState: unknown, name = 'tieTolerance'): number {
  return v === undefined ? defaultTieTolerance(precisionOrState) : checkNumber(v, name, { min: 0 });
}

// ---------------------------------------------------------------------------
// Appended for the analysis layer (issue 9): a list of points whose count is
// not passed separately (ball centres, support directions).

/**
 * k points of R^d whose count k is not given: a flat row-major array whose
 * length is a multiple of d (k = length/d), or k rows of d numbers; every
 * entry finite, holes refused, k >= minRows. Returns a fresh Float64Array
 * of k*d numbers and k.
 */
export function readPointList(v: unknown, d: number, name: string, minRows = 1): { X: Float64Array; rows: number } {
  if (isRows(v)) {
    if (v.length < minRows) throw rangeError(name, `at least ${minRows} rows of d = ${d} numbers`, v);
    return { X: readRows(v, name, d).flat, rows: v.length };
  }
  if (!isFlatArray(v)) throw typeError(name, `k points of d = ${d} numbers (flat row-major, or k rows of d)`, v);
  if (v.length % d !== 0 || v.length < minRows * d) {
    throw rangeError(`${name}.length`, `a multiple of d = ${d}${minRows > 0 ? ` and >= ${minRows * d}` : ''} (k points of d numbers)`, v.length);
  }
  return { X: copyFinite(v as ArrayLike<unknown>, v.length, name, d), rows: v.length / d };
}

/** A vector of exactly d finite numbers (a flat array), as a fresh Float64Array. */
export function readVector(v: unknown, d: number, name: string): Float64Array {
  if (!isFlatArray(v)) throw typeError(name, `a vector of d = ${d} numbers`, v);
  if (v.length !== d) throw rangeError(`${name}.length`, `d = ${d}`, v.length);
  return copyFinite(v as ArrayLike<unknown>, d, name);
}
