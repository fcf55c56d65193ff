/**
 * NPY encoding and decoding (the format of numpy.save / numpy.load), following
 * the format description of numpy.lib.format (NEP 1):
 *
 *     \x93NUMPY  major minor  HEADER_LEN  HEADER  data
 *     6 bytes    1     1      u16 LE (v1.0) or u32 LE (v2.0, v3.0)
 *
 * HEADER is the repr of a Python dict with exactly the keys 'descr',
 * 'fortran_order' and 'shape', padded with spaces and ended by '\n' so that
 * magic + version + length + header is a multiple of 64 bytes (16 in files
 * from numpy < 1.9, which are read too).
 *
 * Reading: float64 and float32 ('<f8', '<f4'; big-endian '>f8', '>f4' are
 * converted to the host's order, losslessly), C order only (a Fortran-order
 * array is refused: transposing silently would change the meaning of rows),
 * any shape (including () and zero-size dimensions). Versions 1.0, 2.0 and 3.0
 * (3.0 only differs by a UTF-8 header). Every problem throws an NpyError with a
 * one-line message: wrong magic, unsupported version or dtype, header parse
 * failure, truncated data, trailing bytes.
 *
 * Writing: '<f8' (or '<f4') C order, version 1.0 when the header fits in
 * 65535 bytes, else 2.0; the header is padded to a multiple of 64 bytes.
 *
 * Hand-written rather than npyjs (1.2.0): npyjs does not check that the data
 * holds prod(shape) items (a truncated file parses), does not refuse
 * Fortran order, parses the header with regular expressions (a malformed
 * header yields shape () silently), pads headers to 8 bytes instead of 64,
 * only writes version 1.0, and pulls in cross-fetch for file loading.
 *
 * This module works on bytes only (no `node:` import), so pages and workers
 * load it too; reading files is in ts/io/npy.ts (Node).
 */

/** A bad or unsupported NPY file. The message is one line and names the file when known. */
export class NpyError extends Error {
  override name = 'NpyError';
}

/** The dtypes this module reads and writes. */
export type NpyFloat = 'float64' | 'float32';

/** A parsed NPY array. `data` is always in host (little-endian) order, C order. */
export interface NpyArray {
  /** The shape; [] for a 0-d array. */
  shape: number[];
  /** 'float64' ('<f8' or '>f8') or 'float32' ('<f4' or '>f4'). */
  dtype: NpyFloat;
  /** The descr string as written in the file, e.g. '<f8'. */
  descr: string;
  /** prod(shape) numbers, row-major (C order). */
  data: Float64Array | Float32Array;
  /** The format version [major, minor]. */
  version: [number, number];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function where(name: string | undefined): string {
  return name === undefined ? '' : `${name}: `;
}

// ---------------------------------------------------------------------------
// A tiny parser for the Python literal of the header dict.

type PyValue = string | number | boolean | null | PyValue[] | { tuple: PyValue[] } | Map<string, PyValue>;

class HeaderParser {
  #s: string;
  #k = 0;
  constructor(s: string) {
    this.#s = s;
  }
  #ws(): void {
    while (this.#k < this.#s.length && /\s/.test(this.#s[this.#k] as string)) this.#k++;
  }
  #fail(what: string): never {
    throw new Error(`${what} at character ${this.#k}`);
  }
  parseAll(): PyValue {
    const v = this.value();
    this.#ws();
    if (this.#k !== this.#s.length) this.#fail('unexpected text after the dict');
    return v;
  }
  value(): PyValue {
    this.#ws();
    const ch = this.#s[this.#k];
    if (ch === undefined) this.#fail('unexpected end of header');
    if (ch === '{') return this.#dict();
    if (ch === '(') return { tuple: this.#seq('(', ')') };
    if (ch === '[') return this.#seq('[', ']');
    if (ch === "'" || ch === '"') return this.#string();
    const m = /^(True|False|None|[+-]?\d+L?)/.exec(this.#s.slice(this.#k));
    if (m === null) this.#fail(`unexpected ${JSON.stringify(ch)}`);
    const tok = m[1] as string;
    this.#k += tok.length;
    if (tok === 'True') return true;
    if (tok === 'False') return false;
    if (tok === 'None') return null;
    return Number(tok.replace(/L$/, ''));
  }
  #string(): string {
    const q = this.#s[this.#k] as string;
    let out = '';
    this.#k++;
    for (;;) {
      const ch = this.#s[this.#k];
      if (ch === undefined) this.#fail('unterminated string');
      this.#k++;
      if (ch === q) return out;
      if (ch === '\\') {
        const e = this.#s[this.#k++];
        if (e === undefined) this.#fail('unterminated string');
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
      } else out += ch;
    }
  }
  #seq(open: string, close: string): PyValue[] {
    const out: PyValue[] = [];
    this.#k++; // open
    for (;;) {
      this.#ws();
      if (this.#s[this.#k] === close) {
        this.#k++;
        return out;
      }
      out.push(this.value());
      this.#ws();
      const ch = this.#s[this.#k];
      if (ch === ',') this.#k++;
      else if (ch !== close) this.#fail(`expected ',' or '${close}' in ${open}${close}`);
    }
  }
  #dict(): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    this.#k++; // {
    for (;;) {
      this.#ws();
      if (this.#s[this.#k] === '}') {
        this.#k++;
        return out;
      }
      const key = this.value();
      if (typeof key !== 'string') this.#fail('dict keys must be strings');
      this.#ws();
      if (this.#s[this.#k] !== ':') this.#fail("expected ':'");
      this.#k++;
      if (out.has(key)) this.#fail(`duplicate key '${key}'`);
      out.set(key, this.value());
      this.#ws();
      const ch = this.#s[this.#k];
      if (ch === ',') this.#k++;
      else if (ch !== '}') this.#fail("expected ',' or '}'");
    }
  }
}

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function parseHeader(text: string, name: string | undefined): Header {
  let v: PyValue;
  try {
    v = new HeaderParser(text).parseAll();
  } catch (err) {
    throw new NpyError(`${where(name)}cannot parse the NPY header ${JSON.stringify(text.trim())}: ${(err as Error).message}`);
  }
  if (!(v instanceof Map)) throw new NpyError(`${where(name)}the NPY header is not a dict: ${JSON.stringify(text.trim())}`);
  const keys = [...v.keys()].sort();
  if (keys.join(',') !== 'descr,fortran_order,shape') {
    throw new NpyError(
      `${where(name)}the NPY header must have exactly the keys 'descr', 'fortran_order', 'shape'; got ${keys.map((k) => `'${k}'`).join(', ') || 'none'}`,
    );
  }
  const descr = v.get('descr');
  const fortran = v.get('fortran_order');
  const shape = v.get('shape');
  if (typeof descr !== 'string') {
    throw new NpyError(`${where(name)}unsupported dtype (a structured or non-string descr); expected float64 '<f8' or float32 '<f4'`);
  }
  if (typeof fortran !== 'boolean') throw new NpyError(`${where(name)}'fortran_order' in the NPY header must be True or False`);
  if (shape === null || typeof shape !== 'object' || !('tuple' in shape)) {
    throw new NpyError(`${where(name)}'shape' in the NPY header must be a tuple of integers`);
  }
  const dims: number[] = [];
  for (const s of shape.tuple) {
    if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0) {
      throw new NpyError(`${where(name)}'shape' in the NPY header must hold non-negative integers; got ${JSON.stringify(shape.tuple)}`);
    }
    dims.push(s);
  }
  return { descr, fortranOrder: fortran, shape: dims };
}

// ---------------------------------------------------------------------------
// Reading

/** The number of items of a shape (1 for ()). Throws for a product beyond 2^53. */
export function shapeSize(shape: readonly number[]): number {
  let p = 1;
  for (const s of shape) {
    p *= s;
    if (!Number.isSafeInteger(p)) throw new NpyError(`the shape (${shape.join(', ')}) has too many items`);
  }
  return p;
}

/** Python's repr of a shape tuple: (), (3,), (3, 2). */
export function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Parse the bytes of an .npy file. `name` (e.g. the file path) prefixes error
 * messages. The result owns fresh memory (the input is not kept).
 */
export function parseNpy(bytes: Uint8Array, name?: string): NpyArray {
  const w = where(name);
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b)) {
    throw new NpyError(`${w}not an NPY file (the first 6 bytes are not \\x93NUMPY)`);
  }
  const major = bytes[6] as number;
  const minor = bytes[7] as number;
  if (major < 1 || major > 3 || minor !== 0) throw new NpyError(`${w}unsupported NPY format version ${major}.${minor} (1.0, 2.0 and 3.0 are read)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new NpyError(`${w}truncated NPY header`);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenBytes;
  const dataStart = start + headerLen;
  if (bytes.length < dataStart) {
    throw new NpyError(`${w}truncated NPY header: it declares ${headerLen} bytes, the file has ${bytes.length - start} after the length field`);
  }
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataStart));
  const h = parseHeader(text, name);
  const m = /^([<>=|])?(f8|f4|float64|float32)$/.exec(h.descr);
  if (m === null) {
    throw new NpyError(`${w}unsupported dtype '${h.descr}'; expected float64 '<f8' or float32 '<f4' (convert with a.astype(numpy.float64))`);
  }
  const dtype: NpyFloat = m[2] === 'f8' || m[2] === 'float64' ? 'float64' : 'float32';
  const order = m[1] ?? '=';
  if (order === '|') throw new NpyError(`${w}unsupported dtype '${h.descr}' (byte order '|' is for one-byte types)`);
  const little = order === '<' || (order === '=' && HOST_LITTLE);
  if (h.fortranOrder) {
    throw new NpyError(
      `${w}Fortran-order arrays are not supported; save a C-order array (numpy.ascontiguousarray(a)) or the transpose`,
    );
  }
  const count = shapeSize(h.shape);
  const itemSize = dtype === 'float64' ? 8 : 4;
  const need = count * itemSize;
  const have = bytes.length - dataStart;
  if (have < need) {
    throw new NpyError(
      `${w}truncated NPY data: shape ${shapeRepr(h.shape)} of ${dtype} needs ${need} bytes, the file has ${have} after the header`,
    );
  }
  if (have > need) {
    throw new NpyError(`${w}${have - need} unexpected bytes after the NPY data (shape ${shapeRepr(h.shape)} of ${dtype} needs ${need})`);
  }
  const data = dtype === 'float64' ? new Float64Array(count) : new Float32Array(count);
  const body = bytes.subarray(dataStart, dataStart + need);
  if (little === HOST_LITTLE) {
    new Uint8Array(data.buffer).set(body);
  } else {
    const src = new DataView(body.buffer, body.byteOffset, body.byteLength);
    if (dtype === 'float64') for (let k = 0; k < count; k++) data[k] = src.getFloat64(k * 8, little);
    else for (let k = 0; k < count; k++) data[k] = src.getFloat32(k * 4, little);
  }
  return { shape: h.shape, dtype, descr: h.descr, data, version: [major, minor] };
}

// ---------------------------------------------------------------------------
// Writing

/**
 * Encode numbers as an .npy file: dtype '<f8' (default) or '<f4', C order.
 * `data` must hold exactly prod(shape) numbers (row-major).
 */
export function encodeNpy(data: ArrayLike<number>, shape: readonly number[], dtype: NpyFloat = 'float64'): Uint8Array {
  for (const s of shape) {
    if (!Number.isSafeInteger(s) || s < 0) throw new RangeError(`shape must hold non-negative integers; got ${shapeRepr(shape)}`);
  }
  const count = shapeSize(shape);
  if (data.length !== count) throw new RangeError(`data has ${data.length} numbers; shape ${shapeRepr(shape)} needs ${count}`);
  const descr = dtype === 'float64' ? '<f8' : '<f4';
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  // total = 6 + 2 + lenBytes + header, a multiple of 64; header ends with '\n'
  let major = 1;
  let lenBytes = 2;
  let total = Math.ceil((6 + 2 + lenBytes + dict.length + 1) / 64) * 64;
  if (total - 10 > 0xffff) {
    major = 2;
    lenBytes = 4;
    total = Math.ceil((6 + 2 + lenBytes + dict.length + 1) / 64) * 64;
  }
  const headerLen = total - (8 + lenBytes);
  const header = dict + ' '.repeat(headerLen - dict.length - 1) + '\n';
  const itemSize = dtype === 'float64' ? 8 : 4;
  const out = new Uint8Array(total + count * itemSize);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, headerLen, true);
  else dv.setUint32(8, headerLen, true);
  for (let k = 0; k < header.length; k++) out[8 + lenBytes + k] = header.charCodeAt(k);
  const typed =
    dtype === 'float64'
      ? data instanceof Float64Array
        ? data
        : Float64Array.from(data)
      : data instanceof Float32Array
        ? data
        : Float32Array.from(data);
  if (HOST_LITTLE) {
    out.set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength), total);
  } else {
    const dst = new DataView(out.buffer, total);
    for (let k = 0; k < count; k++) {
      if (dtype === 'float64') dst.setFloat64(k * 8, typed[k] as number, true);
      else dst.setFloat32(k * 4, typed[k] as number, true);
    }
  }
  return out;
}
