/**
 * NPY reader/writer (ts/io/npy.ts): round trips, byte-exact agreement with
 * numpy's own output, fixtures built by hand from the format description,
 * every refusal, and (only when python3 + numpy are installed) a read-back
 * of our files by numpy and of numpy's files by us.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NpyError, encodeNpy, parseNpy, readNpyFile, shapeRepr } from '../../ts/io/npy.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const dir = mkdtempSync(join(tmpdir(), 'npy-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Build an NPY file by hand: magic, version, length field, header text padded to `align`, data bytes. */
function handBuilt(header: string, data: Uint8Array, opts: { major?: number; align?: number; pad?: boolean } = {}): Uint8Array {
  const major = opts.major ?? 1;
  const lenBytes = major === 1 ? 2 : 4;
  const align = opts.align ?? 64;
  let text = header;
  if (opts.pad !== false) {
    const unpadded = 6 + 2 + lenBytes + text.length + 1;
    text += ' '.repeat((align - (unpadded % align)) % align) + '\n';
  }
  const out = new Uint8Array(6 + 2 + lenBytes + text.length + data.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, text.length, true);
  else dv.setUint32(8, text.length, true);
  for (let k = 0; k < text.length; k++) out[8 + lenBytes + k] = text.charCodeAt(k);
  out.set(data, 8 + lenBytes + text.length);
  return out;
}

function f64bytes(values: number[], little = true): Uint8Array {
  const b = new Uint8Array(values.length * 8);
  const dv = new DataView(b.buffer);
  values.forEach((v, k) => dv.setFloat64(k * 8, v, little));
  return b;
}

function f32bytes(values: number[], little = true): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  const dv = new DataView(b.buffer);
  values.forEach((v, k) => dv.setFloat32(k * 4, v, little));
  return b;
}

describe('encodeNpy', () => {
  it('writes exactly the bytes numpy 2.x writes for np.save(np.arange(6.).reshape(2, 3))', () => {
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
    // numpy: header padded with spaces to a total of 128 bytes, then '\n'; length field 0x76 = 118
    const expected = new Uint8Array(128 + 48);
    expected.set([...MAGIC, 1, 0, 0x76, 0x00], 0);
    const text = header + ' '.repeat(118 - header.length - 1) + '\n';
    for (let k = 0; k < text.length; k++) expected[10 + k] = text.charCodeAt(k);
    expected.set(f64bytes([0, 1, 2, 3, 4, 5]), 128);
    expect(encodeNpy(Float64Array.of(0, 1, 2, 3, 4, 5), [2, 3])).toEqual(expected);
  });

  it.each([[[]], [[0]], [[1]], [[3]], [[4, 2]], [[2, 3, 4]], [[1, 1, 1, 1]], [[3, 0, 2]]])('pads the header to a multiple of 64 ending in a newline (shape %j)', (shape) => {
    const count = shape.reduce((p, s) => p * s, 1);
    const b = encodeNpy(new Float64Array(count).map((_, k) => k * 0.5 - 1), shape);
    expect(Array.from(b.subarray(0, 6))).toEqual(MAGIC);
    expect([b[6], b[7]]).toEqual([1, 0]);
    const hlen = new DataView(b.buffer).getUint16(8, true);
    expect((10 + hlen) % 64).toBe(0);
    expect(b[10 + hlen - 1]).toBe(0x0a);
    const text = new TextDecoder('latin1').decode(b.subarray(10, 10 + hlen));
    expect(text.startsWith(`{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`)).toBe(true);
    expect(b.length).toBe(10 + hlen + count * 8);
  });

  it('round-trips float64 values bit for bit, including -0, subnormals and extremes', () => {
    const v = Float64Array.of(-0, 5e-324, -1.7976931348623157e308, Math.PI, 1 / 3, -2.5e-300, 42);
    const a = parseNpy(encodeNpy(v, [7]));
    expect(a.dtype).toBe('float64');
    expect(a.shape).toEqual([7]);
    expect(a.data).toBeInstanceOf(Float64Array);
    expect(Object.is(a.data[0], -0)).toBe(true);
    expect(Array.from(a.data)).toEqual(Array.from(v));
  });

  it('round-trips float32 when asked for <f4', () => {
    const v = Float32Array.of(1.5, -2.25, 3.4028234663852886e38, 1e-45);
    const b = encodeNpy(v, [2, 2], 'float32');
    const a = parseNpy(b);
    expect(a.descr).toBe('<f4');
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual(Array.from(v));
  });

  it('switches to version 2.0 when the header exceeds 65535 bytes', () => {
    const shape = Array.from({ length: 30000 }, () => 1); // "1, " × 30000 > 65535 bytes
    const b = encodeNpy(Float64Array.of(7), shape);
    expect(b[6]).toBe(2);
    const hlen = new DataView(b.buffer).getUint32(8, true);
    expect(hlen).toBeGreaterThan(65535);
    expect((12 + hlen) % 64).toBe(0);
    const a = parseNpy(b);
    expect(a.version).toEqual([2, 0]);
    expect(a.shape.length).toBe(30000);
    expect(a.data[0]).toBe(7);
  });

  it('refuses data whose length does not match the shape', () => {
    expect(() => encodeNpy(new Float64Array(5), [2, 3])).toThrow(/shape \(2, 3\) needs 6/);
    expect(() => encodeNpy(new Float64Array(0), [-1])).toThrow(RangeError);
  });
});

describe('parseNpy on hand-built fixtures', () => {
  it('reads a version 1.0 file with a 16-byte aligned header (numpy < 1.9) and spaces as written by numpy', () => {
    const b = handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", f64bytes([1, 2, 3, 4, 5, 6]), { align: 16 });
    const a = parseNpy(b);
    expect(a.shape).toEqual([3, 2]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.version).toEqual([1, 0]);
  });

  it('reads a compact header with keys in another order, double quotes and no trailing comma', () => {
    const b = handBuilt('{"shape":(2,),"fortran_order":False,"descr":"<f4"}', f32bytes([0.5, -8]));
    const a = parseNpy(b);
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2]);
    expect(Array.from(a.data)).toEqual([0.5, -8]);
  });

  it('reads version 2.0 and 3.0 headers (4-byte length)', () => {
    for (const major of [2, 3]) {
      const a = parseNpy(handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", f64bytes([9.25]), { major }));
      expect(a.version).toEqual([major, 0]);
      expect(Array.from(a.data)).toEqual([9.25]);
    }
  });

  it('converts big-endian >f8 and >f4 to host order', () => {
    const a = parseNpy(handBuilt("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }", f64bytes([1.5, -2, 1e-300], false)));
    expect(Array.from(a.data)).toEqual([1.5, -2, 1e-300]);
    expect(a.descr).toBe('>f8');
    const b = parseNpy(handBuilt("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", f32bytes([3.5, -0.125], false)));
    expect(Array.from(b.data)).toEqual([3.5, -0.125]);
  });

  it('reads 0-d and zero-size arrays', () => {
    const s = parseNpy(handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", f64bytes([2.5])));
    expect(s.shape).toEqual([]);
    expect(Array.from(s.data)).toEqual([2.5]);
    const z = parseNpy(handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", new Uint8Array(0)));
    expect(z.shape).toEqual([0, 3]);
    expect(z.data.length).toBe(0);
  });
});

describe('parseNpy refusals (NpyError, one line, names the problem)', () => {
  const ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
  const cases: [string, Uint8Array, RegExp][] = [
    ['wrong magic', new TextEncoder().encode('hello, this is not an npy file at all'), /not an NPY file/],
    ['empty file', new Uint8Array(0), /not an NPY file/],
    ['unsupported version', (() => { const b = handBuilt(ok, f64bytes([1, 2])); b[6] = 9; return b; })(), /version 9\.0/],
    ['integer dtype', handBuilt("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(16)), /unsupported dtype '<i8'/],
    ['one-byte dtype', handBuilt("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(2)), /unsupported dtype '\|u1'/],
    ['complex dtype', handBuilt("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16)), /unsupported dtype '<c16'/],
    ['structured dtype', handBuilt("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)), /structured/],
    ['Fortran order', handBuilt("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }", f64bytes([1, 2])), /Fortran-order arrays are not supported/],
    ['truncated data', handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", f64bytes([1, 2, 3, 4, 5])), /truncated NPY data: shape \(3, 2\) of float64 needs 48 bytes, the file has 40/],
    ['trailing bytes', handBuilt(ok, f64bytes([1, 2, 3])), /8 unexpected bytes after the NPY data/],
    ['truncated header', handBuilt(ok, f64bytes([1, 2])).subarray(0, 40), /truncated NPY header/],
    ['header not a dict', handBuilt("['descr', '<f8']", f64bytes([1, 2])), /not a dict/],
    ['header syntax error', handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (2,, }", f64bytes([1, 2])), /cannot parse the NPY header/],
    ['missing key', handBuilt("{'descr': '<f8', 'shape': (2,), }", f64bytes([1, 2])), /exactly the keys/],
    ['extra key', handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1, }", f64bytes([1, 2])), /exactly the keys/],
    ['negative dimension', handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", f64bytes([1, 2])), /non-negative integers/],
    ['shape not a tuple', handBuilt("{'descr': '<f8', 'fortran_order': False, 'shape': 2, }", f64bytes([1, 2])), /tuple of integers/],
  ];
  it.each(cases)('%s', (_name, bytes, re) => {
    let err: unknown;
    try {
      parseNpy(bytes, 'x.npy');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NpyError);
    const msg = (err as Error).message;
    expect(msg).toMatch(re);
    expect(msg.startsWith('x.npy: ')).toBe(true);
    expect(msg).not.toContain('\n');
  });
});

describe('readNpyFile', () => {
  it('reads a file written with encodeNpy', () => {
    const p = join(dir, 'a.npy');
    writeFileSync(p, encodeNpy(Float64Array.of(1, 2, 3, 4), [2, 2]));
    const a = readNpyFile(p);
    expect(a.shape).toEqual([2, 2]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4]);
  });
  it('reports a missing file and a directory in one line', () => {
    expect(() => readNpyFile(join(dir, 'missing.npy'))).toThrow(/missing\.npy: no such file/);
    mkdirSync(join(dir, 'd.npy'));
    expect(() => readNpyFile(join(dir, 'd.npy'))).toThrow(/d\.npy: is a directory/);
  });
});

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!hasNumpy)('numpy interoperability (python3 + numpy present)', () => {
  function py(code: string): string {
    const r = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
    return r.stdout;
  }

  it('numpy reads our files with the right shape, dtype, order and values', () => {
    const cases: { shape: number[]; dtype: 'float64' | 'float32' }[] = [
      { shape: [5, 3], dtype: 'float64' },
      { shape: [4, 2, 3], dtype: 'float64' },
      { shape: [7], dtype: 'float32' },
      { shape: [], dtype: 'float64' },
      { shape: [0, 2], dtype: 'float64' },
    ];
    cases.forEach((c, k) => {
      const count = c.shape.reduce((p, s) => p * s, 1);
      const v = Float64Array.from({ length: count }, (_, j) => Math.sin(j + 1) * 10 ** ((j % 7) - 3));
      writeFileSync(join(dir, `ours-${k}.npy`), encodeNpy(c.dtype === 'float32' ? Float32Array.from(v) : v, c.shape, c.dtype));
    });
    const out = JSON.parse(
      py(`
import json, numpy as np
res = []
for k in range(${cases.length}):
    a = np.load(${JSON.stringify(dir)} + '/ours-%d.npy' % k)
    res.append({'shape': list(a.shape), 'dtype': str(a.dtype), 'c': bool(a.flags['C_CONTIGUOUS']), 'f': bool(a.flags['F_CONTIGUOUS']) and a.ndim > 1 and min(a.shape) > 1, 'values': [float(x).hex() for x in a.ravel(order='C')]})
print(json.dumps(res))
`),
    ) as { shape: number[]; dtype: string; c: boolean; f: boolean; values: string[] }[];
    cases.forEach((c, k) => {
      const got = out[k]!;
      expect(got.shape).toEqual(c.shape);
      expect(got.dtype).toBe(c.dtype);
      expect(got.c).toBe(true);
      expect(got.f).toBe(false);
      const count = c.shape.reduce((p, s) => p * s, 1);
      const v = Float64Array.from({ length: count }, (_, j) => Math.sin(j + 1) * 10 ** ((j % 7) - 3));
      const expected = c.dtype === 'float32' ? Array.from(Float32Array.from(v)) : Array.from(v);
      expect(got.values.map((h) => hexToFloat(h))).toEqual(expected);
    });
  });

  it('we read what numpy writes: float64, float32, big-endian, 3-D, version 2.0; and refuse its Fortran and int arrays', () => {
    py(`
import numpy as np
d = ${JSON.stringify(dir)}
a = np.arange(12, dtype=np.float64).reshape(3, 4) / 7
np.save(d + '/np-f8.npy', a)
np.save(d + '/np-f4.npy', a.astype(np.float32))
np.save(d + '/np-be.npy', a.astype('>f8'))
np.save(d + '/np-3d.npy', np.arange(24.0).reshape(2, 3, 4))
with open(d + '/np-v2.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=(2, 0))
np.save(d + '/np-fortran.npy', np.asfortranarray(a))
np.save(d + '/np-int.npy', np.arange(6))
`);
    const expected = Array.from({ length: 12 }, (_, k) => k / 7);
    const f8 = readNpyFile(join(dir, 'np-f8.npy'));
    expect(f8.shape).toEqual([3, 4]);
    expect(Array.from(f8.data)).toEqual(expected);
    const f4 = readNpyFile(join(dir, 'np-f4.npy'));
    expect(f4.dtype).toBe('float32');
    expect(Array.from(f4.data)).toEqual(Array.from(Float32Array.from(expected)));
    expect(Array.from(readNpyFile(join(dir, 'np-be.npy')).data)).toEqual(expected);
    const d3 = readNpyFile(join(dir, 'np-3d.npy'));
    expect(d3.shape).toEqual([2, 3, 4]);
    expect(d3.data[23]).toBe(23);
    const v2 = readNpyFile(join(dir, 'np-v2.npy'));
    expect(v2.version).toEqual([2, 0]);
    expect(Array.from(v2.data)).toEqual(expected);
    expect(() => readNpyFile(join(dir, 'np-fortran.npy'))).toThrow(/Fortran-order/);
    expect(() => readNpyFile(join(dir, 'np-int.npy'))).toThrow(/unsupported dtype '<i8'/);
    // and numpy's bytes for a plain array equal ours
    expect(new Uint8Array(readFileSync(join(dir, 'np-f8.npy')))).toEqual(encodeNpy(Float64Array.from(expected), [3, 4]));
  });
});

/** Python's float.hex() to a number. */
function hexToFloat(h: string): number {
  const m = /^(-?)0x([01])\.([0-9a-f]+)p([+-]\d+)$/.exec(h);
  if (m === null) {
    if (h === '0x0.0p+0') return 0;
    if (h === '-0x0.0p+0') return -0;
    throw new Error(`bad hex float ${h}`);
  }
  const mant = parseInt(m[2] as string, 16) + parseInt(m[3] as string, 16) / 16 ** (m[3] as string).length;
  const v = mant * 2 ** Number(m[4]);
  return m[1] === '-' ? -v : v;
}
