/**
 * Data I/O of the library: numpy's .npy format as bytes, in any JavaScript
 * environment (no `node:` import; the Node entry adds `loadNpy`/`saveNpy` for
 * files). Built on ts/io/npy-format.ts, the reader and writer the CLI uses,
 * with its strict checks: float64/float32 only, C order only, the data must
 * hold exactly prod(shape) items, no trailing bytes.
 *
 * ```ts
 * const { data, shape } = readNpy(bytes);                    // e.g. x0.npy, shape [n, d]
 * const bytes = writeNpy({ data: sim.positions(), shape: [n, d] });
 * const tr = writeNpy(trajectoryToNpy(rec));                 // (T, n, d), as numpy expects
 * ```
 */
import { checkInt, checkOneOf, checkOptions, rangeError, typeError } from './check.js';
import { checkTrajectory, type Trajectory } from './analysis/dynamics/trajectory.js';
import { encodeNpy, parseNpy, shapeRepr, shapeSize } from './io/npy-format.js';
import type { NpyArray, NpyFloat } from './io/npy-format.js';

export { NpyError } from './io/npy-format.js';
export type { NpyArray, NpyFloat } from './io/npy-format.js';

/**
 * An array to write as .npy: `data` holds prod(shape) numbers in C order
 * (row-major: the last index varies fastest). The result of {@link readNpy}
 * is one too (its `descr` and `version` are ignored: the output is always
 * little-endian).
 */
export interface NpyInput {
  /** prod(shape) numbers, C order. Not copied more than once; the caller keeps ownership. */
  data: Float64Array | Float32Array | readonly number[];
  /** The shape, e.g. [n, d] or [T, n, d]; default [data.length]. [] is a 0-d array (one number). */
  shape?: readonly number[] | undefined;
  /** 'float64' ('<f8') or 'float32' ('<f4'). Default: 'float32' for a Float32Array, else 'float64'. */
  dtype?: NpyFloat | undefined;
  /** Ignored (present in the result of readNpy). */
  descr?: string | undefined;
  /** Ignored (present in the result of readNpy). */
  version?: readonly number[] | undefined;
}

/**
 * Parse the bytes of an .npy file (numpy.save): float64 or float32 ('<f8',
 * '<f4', big-endian converted), C order, format versions 1.0 to 3.0.
 * Returns fresh memory: `data` (Float64Array or Float32Array, C order,
 * host byte order), `shape`, `dtype`, and the file's `descr` and `version`.
 * Throws an NpyError (one line) for anything else: another dtype, Fortran
 * order, a malformed header, truncated data, trailing bytes.
 *
 * @param bytes the whole file (Uint8Array, another typed-array view, or an ArrayBuffer); read only
 */
export function readNpy(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): NpyArray {
  let u8: Uint8Array;
  if (bytes instanceof Uint8Array) u8 = bytes;
  else if (bytes instanceof ArrayBuffer) u8 = new Uint8Array(bytes);
  else if (ArrayBuffer.isView(bytes)) u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  else throw typeError('bytes', 'the bytes of an .npy file (a Uint8Array or an ArrayBuffer)', bytes);
  return parseNpy(u8);
}

const NPY_INPUT_KEYS = ['data', 'shape', 'dtype', 'descr', 'version'];

/**
 * Encode an array as the bytes of an .npy file that numpy.load reads:
 * dtype '<f8' or '<f4', C order, format version 1.0 (2.0 for a header over
 * 64 KiB), the header padded to 64 bytes as numpy writes it. NaN and ±Infinity
 * are stored as they are. Returns a fresh Uint8Array (the caller owns it).
 *
 * Throws a TypeError for a wrong type (data not numbers, an unknown key) and
 * a RangeError when shape is not non-negative integers or prod(shape) is not
 * data.length.
 */
export function writeNpy(array: NpyInput): Uint8Array {
  const a = checkOptions<NpyInput>(array, 'array', NPY_INPUT_KEYS, true);
  const data: unknown = a.data;
  if (!(data instanceof Float64Array || data instanceof Float32Array || Array.isArray(data))) {
    throw typeError('array.data', 'a Float64Array, a Float32Array or an array of numbers (C order)', data);
  }
  if (Array.isArray(data)) {
    for (let k = 0; k < data.length; k++) {
      if (typeof data[k] !== 'number') throw typeError(`array.data[${k}]`, 'a number', data[k]);
    }
  }
  const values = data as Float64Array | Float32Array | readonly number[];
  let shape: number[];
  if (a.shape === undefined) shape = [values.length];
  else {
    if (!Array.isArray(a.shape)) throw typeError('array.shape', 'an array of non-negative integers', a.shape);
    shape = a.shape.map((s, k) => checkInt(s, `array.shape[${k}]`, 0));
  }
  let count: number;
  try {
    count = shapeSize(shape);
  } catch {
    throw rangeError('array.shape', 'a shape of at most 2^53 − 1 items', shape);
  }
  if (count !== values.length) {
    throw rangeError('array.data.length', `prod(shape) = ${count} for shape ${shapeRepr(shape)}`, values.length);
  }
  const dtype = checkOneOf(a.dtype, 'array.dtype', ['float64', 'float32'] as const, data instanceof Float32Array ? 'float32' : 'float64');
  return encodeNpy(values, shape, dtype);
}

/**
 * A recorded trajectory (a Recorder, or `rec.trajectory()`) as the
 * (T, n, d) array numpy expects: T snapshots of n tokens in R^d, C order,
 * dtype of the recording ('float32' for a Recorder with precision 'f32').
 * Zero-copy: `data` is a view of the trajectory's buffer (of the snapshots
 * stored now); pass it to {@link writeNpy} or `saveNpy`. The step index of
 * each snapshot is `{ data: tr.times.subarray(0, tr.count) }`, shape (T,).
 */
export function trajectoryToNpy(tr: Trajectory): { data: Float64Array | Float32Array; shape: [number, number, number]; dtype: NpyFloat } {
  const t = checkTrajectory(tr, 'tr', false);
  const data = t.data.subarray(0, t.count * t.n * t.d);
  return { data, shape: [t.count, t.n, t.d], dtype: data instanceof Float32Array ? 'float32' : 'float64' };
}
