// Recorder: every k-th snapshot in one flat buffer, with a memory cap.
import { describe, expect, it } from 'vitest';
import { Recorder, Simulation, initialPositions, snapshot, tokenPath } from '../../ts/index.js';

const n = 12;
const d = 3;
const x0 = initialPositions({ kind: 'uniform', n, d, seed: 5 });
const opts = { model: 'localmax' as const, positions: x0, n, d, alpha: 0.5, delta: 0.2 };

describe('Recorder', () => {
  for (const backend of ['wasm', 'js'] as const) {
    it(`${backend}: keeps t = 0, k, 2k, … and each snapshot equals the state at that step`, async () => {
      const sim = await Simulation.create({ ...opts, backend });
      const rec = new Recorder(sim, { every: 3 });
      rec.run(10);
      expect(sim.t).toBe(10);
      const tr = rec.trajectory();
      expect(Array.from(tr.times)).toEqual([0, 3, 6, 9]);
      expect(tr.count).toBe(4);
      expect(tr.data.length).toBe(4 * n * d);
      // an independent run stepped by hand gives the same states
      const ref = await Simulation.create({ ...opts, backend });
      for (let s = 0; s < 4; s++) {
        if (s > 0) ref.step(3);
        expect(Array.from(snapshot(tr, s))).toEqual(Array.from(ref.positions()));
      }
      // token paths read across snapshots
      const path = tokenPath(tr, 7);
      expect(path.length).toBe(4 * d);
      expect(Array.from(path.subarray(3 * d, 4 * d))).toEqual(Array.from(snapshot(tr, 3).subarray(7 * d, 8 * d)));
      sim.dispose();
      ref.dispose();
    });
  }

  it('stores f32 snapshots when asked, rounded from the state', async () => {
    const sim = await Simulation.create({ ...opts, backend: 'js' });
    const rec = new Recorder(sim, { precision: 'f32' });
    rec.run(2);
    expect(rec.data).toBeInstanceOf(Float32Array);
    expect(Array.from(rec.last())).toEqual(Array.from(Float32Array.from(sim.positions())));
  });

  it('grows its buffer and refuses a snapshot past maxBytes with a RangeError, keeping what it has', async () => {
    const sim = await Simulation.create({ ...opts, backend: 'js' });
    const bytes = n * d * 8;
    const rec = new Recorder(sim, { maxBytes: 5 * bytes, initialCapacity: 1 });
    rec.run(4); // t = 0..4: five snapshots fill the cap exactly
    expect(rec.count).toBe(5);
    expect(() => rec.run(1)).toThrow(RangeError);
    expect(() => rec.run(1)).toThrow(/maxBytes/);
    expect(rec.count).toBe(5);
    expect(Array.from(rec.times.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
  });

  it('run(steps, { last, onProgress }): the final partial chunk is recorded with last, progress after each chunk', async () => {
    const sim = await Simulation.create({ ...opts, backend: 'js' });
    const rec = new Recorder(sim, { every: 4 });
    const seen: [number, number][] = [];
    rec.run(10, { last: true, onProgress: (done, total) => seen.push([done, total]) });
    expect(Array.from(rec.trajectory().times)).toEqual([0, 4, 8, 10]);
    expect(seen).toEqual([
      [4, 10],
      [8, 10],
      [10, 10],
    ]);
    expect(rec.stepMs).toBeGreaterThanOrEqual(0);
    // without last, the partial chunk steps but is not stored (the default, unchanged)
    rec.run(3);
    expect(sim.t).toBe(13);
    expect(rec.count).toBe(4);
    // the state stored last is the state of step 10
    const ref = await Simulation.create({ ...opts, backend: 'js' });
    ref.step(10);
    expect(Array.from(rec.snapshot(3))).toEqual(Array.from(ref.positions()));
    // a cap that cannot hold the run refuses it before any step
    const small = new Recorder(sim, { every: 1, maxBytes: 3 * n * d * 8 });
    expect(() => small.run(5, { last: true })).toThrow(RangeError);
    expect(sim.t).toBe(13);
    expect(() => rec.run(1, { last: 'yes' as never })).toThrow(TypeError);
    expect(() => rec.run(1, { onProgress: 3 as never })).toThrow(/onProgress/);
    sim.dispose();
    ref.dispose();
  });

  it('validates its options and indices', async () => {
    const sim = await Simulation.create({ ...opts, backend: 'js' });
    expect(() => new Recorder(sim, { every: 0 })).toThrow(RangeError);
    expect(() => new Recorder(sim, { every: 1.5 })).toThrow(/every/);
    expect(() => new Recorder(sim, { maxBytes: 8 })).toThrow(/maxBytes/);
    expect(() => new Recorder(sim, { precision: 'f16' as never })).toThrow(TypeError);
    const rec = new Recorder(sim);
    expect(() => rec.snapshot(1)).toThrow(RangeError);
    expect(() => rec.run(-1)).toThrow(/steps/);
  });
});
