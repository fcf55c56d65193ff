/**
 * backend: 'auto' (issue 10 item 4): the default; 'wasm' where this engine
 * validates WebAssembly SIMD, else 'js'; `sim.backend` tells which one runs.
 * A missing SIMD is simulated by making WebAssembly.validate return false
 * (what an engine without simd128 answers for the probe module).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Simulation, wasmSimdSupported } from '../ts/index.js';

const positions = [[0, 0], [1, 0], [0, 1], [1, 1]];

afterEach(() => {
  vi.restoreAllMocks();
});

describe("backend 'auto'", () => {
  it("is the default and runs 'wasm' where WebAssembly SIMD validates (Node 20)", async () => {
    expect(wasmSimdSupported()).toBe(true);
    for (const backend of [undefined, 'auto'] as const) {
      const sim = await Simulation.create({ model: 'localmax', positions, delta: 0.5, ...(backend ? { backend } : {}) });
      try {
        expect(sim.backend).toBe('wasm');
        sim.step(3);
        expect(sim.t).toBe(3);
      } finally {
        sim.dispose();
      }
    }
  });

  it("runs 'js' where WebAssembly SIMD does not validate, instead of throwing (issue 10 item 4)", async () => {
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    expect(wasmSimdSupported()).toBe(false);
    const auto = await Simulation.create({ model: 'localmax', positions, delta: 0.5 });
    const js = await Simulation.create({ model: 'localmax', positions, delta: 0.5, backend: 'js' });
    try {
      expect(validate).toHaveBeenCalled();
      expect(auto.backend).toBe('js');
      auto.step(5);
      js.step(5);
      expect(Array.from(auto.positions())).toEqual(Array.from(js.positions()));
    } finally {
      auto.dispose();
      js.dispose();
    }
  });

  it('refuses another backend name, listing the three', async () => {
    await expect(Simulation.create({ model: 'localmax', positions, backend: 'gpu' as never })).rejects.toThrow(
      new TypeError(`backend must be 'auto', 'wasm' or 'js'; got "gpu"`),
    );
  });
});
