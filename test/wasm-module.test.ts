// The built kernel really is a SIMD module with the ABI the glue expects,
// and the loader explains itself where SIMD is missing.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, vi, afterEach } from 'vitest';
import binaryen from 'binaryen';

const wasmPath = fileURLToPath(new URL('../pkg/kernel.wasm', import.meta.url));

describe('pkg/kernel.wasm', () => {
  it('exists (npm run build writes it)', () => {
    expect(existsSync(wasmPath), `${wasmPath} is missing: run npm run build`).toBe(true);
  });

  it('holds simd128 arithmetic in both precisions', () => {
    const bytes = readFileSync(wasmPath);
    const mod = binaryen.readBinary(new Uint8Array(bytes));
    mod.setFeatures(binaryen.Features.All);
    const text = mod.emitText();
    mod.dispose();
    const count = (op: string) => (text.match(new RegExp(`\\(${op.replace('.', '\\.')}\\b`, 'g')) ?? []).length;
    for (const op of ['f64x2.mul', 'f64x2.add', 'f32x4.mul', 'f32x4.add', 'v128.load']) {
      expect(count(op), `${op} in kernel.wasm`).toBeGreaterThan(0);
    }
  });

  it('exports the ABI and imports nothing', () => {
    const m = new WebAssembly.Module(readFileSync(wasmPath));
    const exports = WebAssembly.Module.exports(m).map((e) => e.name);
    for (const name of ['memory', 'ad_create', 'ad_destroy', 'ad_step', 'ad_positions_ptr', 'ad_set_params', 'ad_deltas_ptr']) {
      expect(exports).toContain(name);
    }
    expect(WebAssembly.Module.imports(m)).toEqual([]);
  });

  it('ships no benchmark-only export: ad_peak_* only in pkg/kernel-bench.wasm (issue 11 item 1)', () => {
    const m = new WebAssembly.Module(readFileSync(wasmPath));
    const exports = WebAssembly.Module.exports(m).map((e) => e.name);
    expect(exports.filter((name) => name.startsWith('ad_peak'))).toEqual([]);
  });
});

describe('loader without SIMD', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("rejects backend 'wasm' with a message that points to 'js'", async () => {
    vi.resetModules();
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const { Simulation, wasmSimdSupported } = await import('../ts/index.js');
    expect(wasmSimdSupported()).toBe(false);
    await expect(Simulation.create({ model: 'hardmax', positions: [[0, 1]], backend: 'wasm' })).rejects.toThrow(/SIMD.*'js'/);
    // the js backend still works
    const sim = await Simulation.create({ model: 'hardmax', positions: [[0, 1]], backend: 'js' });
    expect(sim.step(3).t).toBe(3);
  });

  it("the default backend 'auto' runs js there, without touching the kernel (issue 10 item 4)", async () => {
    vi.resetModules();
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const compile = vi.spyOn(WebAssembly, 'compile');
    const { Simulation } = await import('../ts/index.js');
    const sim = await Simulation.create({ model: 'hardmax', positions: [[0, 1], [2, 3]] });
    expect(sim.backend).toBe('js');
    expect(sim.step(3).t).toBe(3);
    expect(compile).not.toHaveBeenCalled();
    sim.dispose();
  });
});
