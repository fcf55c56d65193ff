/**
 * Issue 12 part 2: sim.run() and sim.snapshots() advance the same states as
 * step(), report progress and snapshots at the promised t, stop exactly at a
 * step boundary on abort, settle cleanly when disposed mid-run, surface step
 * errors unchanged, and yield to the event loop between slices.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../ts/index.js';
import { COMBOS, asStored, randomCloud } from '../helpers.js';

const N = 40;
const D = 3;

describe.each(COMBOS)('$name', (combo) => {
  const make = (extra: Record<string, unknown> = {}) =>
    Simulation.create({
      model: 'softmax',
      beta: 2,
      positions: asStored(randomCloud(7, N, D), combo.precision),
      n: N,
      d: D,
      backend: combo.backend,
      precision: combo.precision,
      ...extra,
    } as never);

  it('run(k) reaches the same positions as step(k), with snapshots at t0+every, t0+2every, …', async () => {
    const a = await make();
    const b = await make();
    a.step(3);
    b.step(3);
    const snaps: number[] = [];
    const progress: Array<[number, number]> = [];
    const ref: Float64Array[] = [];
    const r = await b.run(25, {
      every: 7,
      onSnapshot: (t, x) => {
        snaps.push(t);
        ref.push(x);
      },
      onProgress: (t, target) => progress.push([t, target]),
    });
    expect(r).toEqual({ t: 28, aborted: false });
    expect(snaps).toEqual([10, 17, 24]);
    // Each snapshot equals step() to that t, bit for bit.
    for (let i = 0; i < snaps.length; i++) {
      a.step(snaps[i]! - a.t);
      expect(Array.from(ref[i]!)).toEqual(Array.from(a.positions()));
    }
    a.step(28 - a.t);
    expect(Array.from(b.positions())).toEqual(Array.from(a.positions()));
    // Progress is monotone, ends at the target, and always names the target.
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every(([, target]) => target === 28)).toBe(true);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThan(progress[i - 1]![0]);
    expect(progress[progress.length - 1]![0]).toBe(28);
    a.dispose();
    b.dispose();
  });

  it('snapshots(k, { every }) yields copies at the same t as run()', async () => {
    const a = await make();
    const b = await make();
    const seen: number[] = [];
    for await (const s of b.snapshots(10, { every: 4 })) {
      seen.push(s.t);
      a.step(s.t - a.t);
      expect(Array.from(s.positions)).toEqual(Array.from(a.positions()));
      s.positions.fill(0); // a copy: the simulation is unaffected
    }
    expect(seen).toEqual([4, 8]);
    expect(b.t).toBe(10);
    a.step(2);
    expect(Array.from(b.positions())).toEqual(Array.from(a.positions()));
    a.dispose();
    b.dispose();
  });

  it('abort mid-run stops at a step boundary with exact t and a consistent state', async () => {
    const a = await make();
    const b = await make();
    const ac = new AbortController();
    const r = await b.run(1000, {
      every: 1,
      onSnapshot: (t) => {
        if (t === 13) ac.abort(new Error('stop'));
      },
      signal: ac.signal,
    });
    expect(r).toEqual({ t: 13, aborted: true });
    expect(b.t).toBe(13);
    a.step(13);
    expect(Array.from(b.positions())).toEqual(Array.from(a.positions()));
    // An already-aborted signal takes no step.
    expect(await b.run(5, { signal: ac.signal })).toEqual({ t: 13, aborted: true });
    // The simulation keeps working after an aborted run.
    expect(await b.run(2)).toEqual({ t: 15, aborted: false });
    a.dispose();
    b.dispose();
  });

  it('dispose during run() rejects with an Error naming dispose; dispose during snapshots() ends it', async () => {
    const b = await make();
    const p = b.run(100000, { onProgress: (t) => (t >= 5 ? b.dispose() : undefined) });
    await expect(p).rejects.toThrow(/disposed during run/);
    expect(b.disposed).toBe(true);
    const c = await make();
    const it = c.snapshots(50, { every: 2 });
    const first = await it.next();
    expect(first.value).toMatchObject({ t: 2 });
    c.dispose();
    await expect(it.next()).rejects.toThrow(/disposed during run/);
  });

  it('a refused schedule value at step t rejects with the same error as step(), t and state unchanged', async () => {
    const gamma = (t: number) => (t === 9 ? 2 : 0.5);
    const a = await make({ gamma });
    const b = await make({ gamma });
    let stepErr: unknown;
    try {
      a.step(20);
    } catch (e) {
      stepErr = e;
    }
    expect(stepErr).toBeInstanceOf(RangeError);
    let runErr: unknown;
    await b.run(20).catch((e: unknown) => (runErr = e));
    expect(runErr).toBeInstanceOf(RangeError);
    expect((runErr as Error).message).toBe((stepErr as Error).message);
    expect(b.t).toBe(9);
    expect(Array.from(b.positions())).toEqual(Array.from(a.positions()));
    a.dispose();
    b.dispose();
  });
});

describe('run() argument checks and concurrency', () => {
  it('bad k, every, callbacks and signal reject with TypeError/RangeError naming the option', async () => {
    const s = await Simulation.create({ model: 'hardmax', positions: randomCloud(1, 4, 2), n: 4, d: 2 });
    await expect(s.run(-1)).rejects.toThrow(RangeError);
    await expect(s.run(1.5)).rejects.toThrow(/k/);
    await expect(s.run(3, { every: 0 })).rejects.toThrow(/every/);
    await expect(s.run(3, { onSnapshot: 3 as never })).rejects.toThrow(TypeError);
    await expect(s.run(3, { onProgress: 'x' as never })).rejects.toThrow(/onProgress/);
    await expect(s.run(3, { signal: {} as never })).rejects.toThrow(/signal/);
    await expect(s.snapshots(3, { every: -2 }).next()).rejects.toThrow(/every/);
    expect(s.t).toBe(0);
    s.dispose();
  });

  it('a second run() while one is in progress is refused; the first completes', async () => {
    const s = await Simulation.create({ model: 'hardmax', positions: randomCloud(1, 4, 2), n: 4, d: 2 });
    const p = s.run(50);
    await expect(s.run(1)).rejects.toThrow(/already in progress/);
    expect(await p).toEqual({ t: 50, aborted: false });
    s.dispose();
  });

  it('the event loop runs between slices (a timer fires while a long run proceeds)', async () => {
    const n = 600;
    const s = await Simulation.create({ model: 'softmax', beta: 1, positions: randomCloud(2, n, 8), n, d: 8 });
    let ticks = 0;
    let tAtFirstTick = -1;
    const iv = setInterval(() => {
      if (ticks++ === 0) tAtFirstTick = s.t;
    }, 1);
    const r = await s.run(200);
    clearInterval(iv);
    expect(r.t).toBe(200);
    // The interval fired at least once before the run finished.
    expect(ticks).toBeGreaterThan(0);
    expect(tAtFirstTick).toBeGreaterThanOrEqual(0);
    expect(tAtFirstTick).toBeLessThan(200);
    s.dispose();
  });
});
