/**
 * .npy in the library (issue 10 item 5): readNpy/writeNpy on bytes (the
 * universal entry), loadNpy/saveNpy on files (the Node entry, atomic), and
 * trajectoryToNpy giving the (T, n, d) array numpy expects. The format itself
 * (header bytes, every refusal) is covered by test/io/npy.test.ts; here: the
 * public wrappers, their argument checks, atomicity, and a round trip through
 * numpy when python3 + numpy are installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as universal from '../../ts/index.js';
import { NpyError, OutputError, Recorder, Simulation, loadNpy, readNpy, saveNpy, trajectoryToNpy, writeNpy } from '../../ts/node.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ad-libnpy-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('readNpy / writeNpy (bytes, every environment)', () => {
  it('are exported by the universal entry, which has no loadNpy/saveNpy (issue 10 item 5)', () => {
    expect(typeof universal.readNpy).toBe('function');
    expect(typeof universal.writeNpy).toBe('function');
    expect(typeof universal.trajectoryToNpy).toBe('function');
    expect('loadNpy' in universal).toBe(false);
    expect('saveNpy' in universal).toBe(false);
  });

  it('round-trip float64 and float32 arrays of several shapes, the dtype following the data', () => {
    const cases: Array<[Float64Array | Float32Array | number[], number[] | undefined, number[]]> = [
      [Float64Array.from([1, -2.5, 3e-300, Infinity, -0, NaN]), [2, 3], [2, 3]],
      [Float32Array.from([0.1, 0.2, 0.3, 0.4]), [2, 1, 2], [2, 1, 2]],
      [[7, 8, 9], undefined, [3]],
      [new Float64Array(0), [0, 5], [0, 5]],
      [[42], [], []],
    ];
    for (const [data, shape, want] of cases) {
      const bytes = writeNpy(shape === undefined ? { data } : { data, shape });
      const back = readNpy(bytes);
      expect(back.shape).toEqual(want);
      expect(back.dtype).toBe(data instanceof Float32Array ? 'float32' : 'float64');
      expect(back.data).toBeInstanceOf(data instanceof Float32Array ? Float32Array : Float64Array);
      expect(Array.from(back.data)).toEqual(Array.from(data));
      // the result of readNpy is a valid input of writeNpy (descr and version are ignored)
      expect(writeNpy(back)).toEqual(bytes);
    }
  });

  it("dtype 'float32' rounds float64 data to float32; readNpy takes an ArrayBuffer or any view", () => {
    const bytes = writeNpy({ data: [0.1, 1 / 3], shape: [2], dtype: 'float32' });
    const copy = bytes.slice().buffer;
    for (const input of [bytes, copy, new DataView(copy)]) {
      const r = readNpy(input);
      expect(r.dtype).toBe('float32');
      expect(Array.from(r.data)).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
    }
  });

  it('refuse bad arguments with TypeError/RangeError naming them, bad bytes with NpyError', () => {
    expect(() => writeNpy({ data: 'abc' as never })).toThrow(new TypeError('array.data must be a Float64Array, a Float32Array or an array of numbers (C order); got "abc"'));
    expect(() => writeNpy({ data: [1, '2' as never] })).toThrow(new TypeError('array.data[1] must be a number; got "2"'));
    expect(() => writeNpy({ data: [1, 2, 3], shape: [2, 2] })).toThrow(new RangeError('array.data.length must be prod(shape) = 4 for shape (2, 2); got 3'));
    expect(() => writeNpy({ data: [1, 2], shape: [-2, -1] })).toThrow(RangeError);
    expect(() => writeNpy({ data: [1, 2], shape: [2.5] })).toThrow(/array\.shape\[0\] must be an integer >= 0; got 2\.5/);
    expect(() => writeNpy({ data: [1], dtype: 'int8' as never })).toThrow(new TypeError("array.dtype must be 'float64' or 'float32'; got \"int8\""));
    expect(() => writeNpy({ data: [1], shap: [1] } as never)).toThrow(/unknown option 'shap'/);
    expect(() => writeNpy(null as never)).toThrow(TypeError);
    expect(() => readNpy('x0.npy' as never)).toThrow(TypeError);
    expect(() => readNpy(new Uint8Array([1, 2, 3]))).toThrow(NpyError);
    const truncated = writeNpy({ data: [1, 2, 3] }).subarray(0, 130);
    expect(() => readNpy(truncated)).toThrow(/truncated NPY data/);
  });
});

describe('trajectoryToNpy', () => {
  it('gives the (T, n, d) array of a Recorder, snapshot-major then row-major, zero-copy, with its dtype', async () => {
    const n = 5, d = 3;
    const positions = Float64Array.from({ length: n * d }, (_, k) => Math.sin(k + 1));
    const sim = await Simulation.create({ model: 'localmax', positions, n, d, delta: 0.3, backend: 'js' });
    try {
      for (const precision of ['f64', 'f32'] as const) {
        const rec = new Recorder(sim, { every: 2, precision });
        rec.run(6);
        const a = trajectoryToNpy(rec);
        expect(a.shape).toEqual([4, n, d]);
        expect(a.dtype).toBe(precision === 'f64' ? 'float64' : 'float32');
        expect(a.data.buffer).toBe(rec.data.buffer);
        for (let s = 0; s < 4; s++) expect(Array.from(a.data.subarray(s * n * d, (s + 1) * n * d))).toEqual(Array.from(rec.snapshot(s)));
        const back = readNpy(writeNpy(a));
        expect(back.shape).toEqual([4, n, d]);
        expect(Array.from(back.data)).toEqual(Array.from(a.data));
        // a Trajectory object works the same
        expect(trajectoryToNpy(rec.trajectory()).shape).toEqual([4, n, d]);
      }
    } finally {
      sim.dispose();
    }
    expect(() => trajectoryToNpy({ n: 2 } as never)).toThrow(TypeError);
  });
});

describe('loadNpy / saveNpy (Node entry, files)', () => {
  it('save atomically (no temporary left), replace an existing file, and load back; paths may be file: URLs', async () => {
    const path = join(dir, 'x0.npy');
    writeFileSync(path, 'old contents');
    const data = Float64Array.from([1, 2, 3, 4, 5, 6]);
    await saveNpy(path, { data, shape: [3, 2] });
    expect(readdirSync(dir)).toEqual(['x0.npy']);
    const back = await loadNpy(path);
    expect(back.shape).toEqual([3, 2]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
    const viaUrl = await loadNpy(pathToFileURL(path));
    expect(Array.from(viaUrl.data)).toEqual(Array.from(data));
    await saveNpy(pathToFileURL(join(dir, 'f32.npy')), { data: Float32Array.from([0.5]) });
    expect((await loadNpy(join(dir, 'f32.npy'))).dtype).toBe('float32');
  });

  it('refuse a bad array before writing anything, and report file problems in one line', async () => {
    const path = join(dir, 'bad.npy');
    await expect(saveNpy(path, { data: [1, 2, 3], shape: [2] })).rejects.toThrow(RangeError);
    expect(existsSync(path)).toBe(false);
    await expect(saveNpy(join(dir, 'missing-dir', 'a.npy'), { data: [1] })).rejects.toThrow(OutputError);
    expect(existsSync(join(dir, 'missing-dir'))).toBe(false);
    await expect(saveNpy(dir, { data: [1] })).rejects.toThrow(/exists and is not a regular file/);
    await expect(loadNpy(join(dir, 'nope.npy'))).rejects.toThrow(new NpyError(`${join(dir, 'nope.npy')}: no such file`));
    writeFileSync(join(dir, 'text.npy'), 'not numpy');
    await expect(loadNpy(join(dir, 'text.npy'))).rejects.toThrow(/text\.npy: not an NPY file/);
    await expect(loadNpy(42 as never)).rejects.toThrow(TypeError);
    await expect(saveNpy(new URL('https://example.invalid/a.npy'), { data: [1] })).rejects.toThrow(TypeError);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const hasNumpy = numpy.status === 0;

describe.skipIf(!hasNumpy)(
  hasNumpy ? 'round trip with numpy' : `round trip with numpy (skipped: python3 + numpy not importable: ${(numpy.stderr || String(numpy.error)).trim().split('\n').pop()})`,
  () => {
    it('numpy loads a saved trajectory as (T, n, d) and what numpy saves loads back equal', async () => {
      const n = 4, d = 2;
      const sim = await Simulation.create({ model: 'hardmax', positions: [[0, 0], [1, 0], [0, 1], [1, 1.5]], alpha: 0.5, backend: 'js' });
      const rec = new Recorder(sim).run(3);
      sim.dispose();
      const trPath = join(dir, 'trajectory.npy');
      await saveNpy(trPath, trajectoryToNpy(rec));
      const outPath = join(dir, 'from-numpy.npy');
      const code = `
import json, sys, numpy as np
a = np.load(sys.argv[1])
print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype), "c": bool(a.flags["C_CONTIGUOUS"]), "values": a.ravel().tolist()}))
np.save(sys.argv[2], (a * 3 - 1).astype(np.float32))
`;
      const r = spawnSync('python3', ['-c', code, trPath, outPath], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const seen = JSON.parse(r.stdout) as { shape: number[]; dtype: string; c: boolean; values: number[] };
      expect(seen.shape).toEqual([4, n, d]);
      expect(seen.dtype).toBe('float64');
      expect(seen.c).toBe(true);
      expect(seen.values).toEqual(Array.from(trajectoryToNpy(rec).data));
      const back = await loadNpy(outPath);
      expect(back.shape).toEqual([4, n, d]);
      expect(back.dtype).toBe('float32');
      expect(Array.from(back.data)).toEqual(seen.values.map((v) => Math.fround(v * 3 - 1)));
      // and the bytes numpy wrote read the same through readNpy
      expect(Array.from(readNpy(readFileSync(outPath)).data)).toEqual(Array.from(back.data));
    });
  },
);
