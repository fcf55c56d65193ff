/**
 * Issue 9 item 1: wasm memory above 2 GiB is usable, and running out of it is
 * the designed RangeError.
 *
 * The kernel's exports return wasm32 `usize` pointers and sizes, which
 * JavaScript receives as signed i32: before the fix, once memory passed 2^31
 * a pointer came out negative and `Simulation.create` failed with
 * "Start offset -1939028840 is outside the bounds of the buffer" (the issue
 * created n = 1 468 006, d = 64 in f64: 2 354 830 872 bytes, then any small one).
 *
 * Here the big simulation is n = 19 000 000 tokens in d = 1 (f64): the row
 * scratch (8 alignment rows of n) and the kd-tree make its buffers
 * 2 231 104 336 bytes, past 2^31, while its state is only 152 MB. It is
 * allocated through the backend without copying positions in (on this
 * machine first touching memory costs about 4 s per GB, and the kernel no
 * longer writes zeros over freshly grown memory, so it costs ~0.1 s); the
 * small simulations and the out-of-memory attempt go through Simulation.create.
 *
 * Its own file: wasm memory never shrinks in an instance, and vitest runs
 * each file in a separate worker, so the 4 GiB this test leaves behind are
 * released when the file ends.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../ts/index.js';
import { WasmBackend, kernelBytes, loadKernel } from '../ts/backend/wasm.js';
import { expectExact } from './helpers.js';

const N = 19_000_000;
const TWO31 = 2 ** 31;

/** A few small simulations whose every buffer (state, A, V, δ, γ, seed) the glue reads or writes. */
const SMALL = [
  {
    model: 'localmax' as const,
    positions: [[0.1, 0.2], [1, 0], [0, 1], [0.3, 0.2], [-0.5, 0.4]],
    A: [[1, 0.2], [-0.1, 0.9]],
    delta: (t: number) => 0.05 * (t + 1),
    gamma: (t: number) => 1 / (t + 2),
  },
  { model: 'hardmax' as const, positions: [[0.1, 0.2], [1, 0], [0, 1], [0.3, 0.2]], V: [[0.5, 0.1], [0, 0.7]], h: 0.25 },
  { model: 'softmax-markov' as const, positions: [[0.1, 0.2], [1, 0], [0, 1], [0.3, 0.2]], seed: 2n ** 63n + 12345n, beta: 2 },
];

/** Create each small simulation on wasm, check it lives above 2 GiB, step it and compare with the js backend bit for bit. */
async function smallOnesWork(): Promise<void> {
  for (const o of SMALL) {
    const w = await Simulation.create({ ...o, backend: 'wasm' });
    const j = await Simulation.create({ ...o, backend: 'js' });
    try {
      expect(w.view().byteOffset, `${o.model}: the new simulation's state lies above 2 GiB`).toBeGreaterThanOrEqual(TWO31);
      w.step(5);
      j.step(5);
      expectExact(w.positions(), j.positions(), `${o.model} after 5 steps`);
      if (o.model === 'softmax-markov') expect(w.rngState).toBe(j.rngState);
    } finally {
      w.dispose();
      j.dispose();
    }
  }
}

describe('wasm memory above 2 GiB (issue 9 item 1)', () => {
  it('simulations created after memory passed 2 GiB work (pointers read unsigned); running out is the designed RangeError', async () => {
    const k = await loadKernel();
    // The byte count is exact (kernelBytes mirrors the kernel's buffers) and past 2^31.
    const need = kernelBytes('f64', N, 1);
    expect(need.total).toBeGreaterThan(TWO31);

    // 1. A big simulation straight from the backend (nothing copied): its size, an
    //    unsigned usize above 2^31, was read as a negative i32 before the fix.
    const big = await WasmBackend.create('f64', N, 1);
    expect(big.bytes()).toBe(need.total);
    expect(k.memory.buffer.byteLength).toBeGreaterThan(TWO31);

    // 2. Small simulations now sit above 2 GiB: create, set matrices/seed, step, read back.
    await smallOnesWork();

    // 3. A second big one cannot fit in the 4 GiB of wasm32: the designed RangeError,
    //    raised by the kernel's fallible allocation (the size check up front passes).
    const err = await Simulation.create({ model: 'hardmax', positions: new Float64Array(N), n: N, d: 1 }).then(
      (s) => {
        s.dispose();
        return null;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toContain(`n = 19000000, d = 1 (f64): wasm memory could not grow by ${(need.total / 2 ** 30).toFixed(2)} GiB`);
    // and nothing is broken: small ones still work
    await smallOnesWork();

    big.dispose();
  });
});
