/**
 * Issue 12 part 1: `threads` (wasm backend). Each step's rows are split over
 * k workers, each with its own kernel instance, over the same snapshot; the
 * results must be bit-identical to `threads: 0` for every thread count, model
 * and precision (the Markov stream included), errors must be those of one
 * thread with t and the state unchanged, and no worker may outlive its
 * simulation or keep Node alive.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../ts/index.js';
import { WasmBackend, loadKernel, loadedModule } from '../../ts/backend/wasm.js';
import { MODEL_CODE, STATUS } from '../../ts/backend/backend.js';
import { ThreadedBackend } from '../../ts/threads/pool.js';
import { AUTO_MIN_N, resolveThreads } from '../../ts/threads/options.js';
import { randomCloud } from '../helpers.js';

const MODELS = ['hardmax', 'localmax', 'softmax', 'frank-wolfe', 'softmax-markov'] as const;
const PRECISIONS = ['f64', 'f32'] as const;

type Opts = Record<string, unknown>;

function optionsFor(model: (typeof MODELS)[number], n: number, d: number, seed: number): Opts {
  const o: Opts = { model, positions: randomCloud(seed, n, d), n, d, backend: 'wasm', beta: 3 };
  if (model === 'localmax') o.delta = (t: number) => 0.05 + 0.01 * (t % 3);
  if (model === 'softmax-markov') o.seed = 12345;
  if (model !== 'frank-wolfe') o.gamma = (t: number) => 0.3 + 0.1 * (t % 4);
  if (model === 'hardmax' || model === 'softmax') o.beta = model === 'softmax' ? 4 : 1;
  return o;
}

async function runWith(o: Opts, threads: number, steps: number): Promise<{ x: Float64Array; seed: bigint; t: number }> {
  const sim = await Simulation.create({ ...o, threads } as never);
  try {
    expect(sim.threads).toBe(threads);
    sim.step(steps);
    return { x: sim.positions(), seed: sim.rngState, t: sim.t };
  } finally {
    sim.dispose();
  }
}

/** Bitwise equality of two f64 arrays (NaN-safe, -0 ≠ +0): the first differing index, or -1. */
function firstDiff(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return 0;
  const ua = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const ub = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let k = 0; k < ua.length; k++) if (ua[k] !== ub[k]) return k;
  return -1;
}

describe('threads: bit-identical positions after 50 steps for threads 0/1/2/3', () => {
  for (const precision of PRECISIONS) {
    for (const model of MODELS) {
      // n = 37: a multiple of neither 2 nor 3; n = 2 < 3 threads (a worker with no rows).
      for (const n of [37, 2]) {
        it(`${model} ${precision} n = ${n}`, async () => {
          const o = { ...optionsFor(model, n, 3, 11 + n), precision };
          const ref = await runWith(o, 0, 50);
          for (const threads of [1, 2, 3]) {
            const got = await runWith(o, threads, 50);
            expect(got.t).toBe(50);
            expect(firstDiff(got.x, ref.x)).toBe(-1);
            expect(got.seed).toBe(ref.seed);
          }
        });
      }
    }
    it(`residual update on the sphere with A and V (softmax) ${precision}`, async () => {
      const d = 4;
      const A = Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0.1 * (k % 3) - 0.1));
      const V = Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 0.8 : 0.05 * (k % 5)));
      const o: Opts = { model: 'softmax', positions: randomCloud(5, 41, d), n: 41, d, backend: 'wasm', precision, beta: 2, A, V, h: 0.3, sphere: true };
      const ref = await runWith(o, 0, 50);
      for (const threads of [2, 3]) expect(firstDiff((await runWith(o, threads, 50)).x, ref.x)).toBe(-1);
    });
  }
  it('hardmax n = 1100, d = 2 (the kd-tree path), across the kernel row blocks', async () => {
    const o: Opts = { model: 'hardmax', positions: randomCloud(9, 1100, 2), n: 1100, d: 2, backend: 'wasm', alpha: 0.5 };
    const ref = await runWith(o, 0, 20);
    expect(firstDiff((await runWith(o, 3, 20)).x, ref.x)).toBe(-1);
  });
});

describe('threads: the sphere models, one round per integrator stage', () => {
  const d = 4;
  const Q = Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0.1 * (k % 4) - 0.1));
  const V = Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 0.9 : 0.05 * (k % 3)));
  for (const precision of PRECISIONS) {
    for (const model of ['sphere-sa', 'sphere-usa'] as const) {
      for (const integrator of ['rk4', 'euler', 'euler-raw'] as const) {
        it(`${model} ${integrator} ${precision}: 30 steps, threads 1/2/3 bit-identical to 0 (Q, V; n = 37)`, async () => {
          const o: Opts = { model, integrator, precision, positions: randomCloud(21, 37, d), n: 37, d, backend: 'wasm', beta: 2, dt: 0.1, Q, V };
          const ref = await runWith(o, 0, 30);
          for (const threads of [1, 2, 3]) expect(firstDiff((await runWith(o, threads, 30)).x, ref.x), `threads ${threads}`).toBe(-1);
        });
      }
    }
  }

  it('message passing (no SharedArrayBuffer): stepAsync of rk4 is bit-identical to one thread', async () => {
    const k = await loadKernel();
    const params = { model: MODEL_CODE['sphere-usa'], beta: 1.5, tau: 1e-12, update: 0, h: 1, sphere: false, integrator: 2, dt: 0.2, engine: 0, readings: 0 };
    const x0 = Float64Array.from(randomCloud(8, 19, 3));
    for (let i = 0; i < 19; i++) {
      const r = Math.hypot(x0[3 * i]!, x0[3 * i + 1]!, x0[3 * i + 2]!);
      for (let c = 0; c < 3; c++) x0[3 * i + c] = x0[3 * i + c]! / r;
    }
    const one = WasmBackend.createIn(k, 'f64', 19, 3, true);
    const b = await ThreadedBackend.create(WasmBackend.createIn(k, 'f64', 19, 3, true), loadedModule()!, 3, false, true);
    for (const x of [one, b]) {
      x.setParams(params);
      x.setMatrix('A', null);
      x.setMatrix('V', null);
      x.setPositions(x0);
    }
    const zeros = new Float64Array(8);
    expect(one.step(zeros, zeros)).toEqual({ status: STATUS.ok, done: 8 });
    expect(await b.stepAsync(zeros, zeros)).toEqual({ status: STATUS.ok, done: 8 });
    expect(firstDiff(b.positions(), one.positions())).toBe(-1);
    b.dispose();
    one.dispose();
  });

  it('a token sent to the origin fails the step as on one thread: same error, t and state unchanged', async () => {
    // Euler-raw with V = -I/dt: x + dt V y = x - y, which is 0 (or a rounding residue, which the
    // step normalises) for tokens that all coincide (y = x): the run fails within 3 steps.
    const n = 7;
    const positions = Array.from({ length: n }, () => [0.6, 0.8, 0]).flat();
    const o: Opts = { model: 'sphere-sa', integrator: 'euler-raw', dt: 0.5, V: [-2, 0, 0, 0, -2, 0, 0, 0, -2], positions, n, d: 3, backend: 'wasm' };
    const run = async (threads: number) => {
      const sim = await Simulation.create({ ...o, threads } as never);
      try {
        let err: Error | null = null;
        try {
          sim.step(3);
        } catch (e) {
          err = e as Error;
        }
        return { err, t: sim.t, x: sim.positions() };
      } finally {
        sim.dispose();
      }
    };
    const one = await run(0);
    const two = await run(2);
    expect(one.err).not.toBeNull();
    expect(two.err?.constructor).toBe(one.err!.constructor);
    expect(two.err?.message).toBe(one.err!.message);
    expect(one.t).toBeLessThan(3);
    expect(two.t).toBe(one.t);
    expect(firstDiff(two.x, one.x)).toBe(-1);
  });
});

describe('threads: errors are those of one thread, with t and the state unchanged', () => {
  /** The error step(k) throws, the t and the positions after it. */
  async function failing(o: Opts, threads: number, k: number): Promise<{ err: Error; t: number; x: Float64Array; seed: bigint }> {
    const sim = await Simulation.create({ ...o, threads } as never);
    try {
      let err: Error | null = null;
      try {
        sim.step(k);
      } catch (e) {
        err = e as Error;
      }
      expect(err).not.toBeNull();
      return { err: err!, t: sim.t, x: sim.positions(), seed: sim.rngState };
    } finally {
      sim.dispose();
    }
  }

  it('a schedule value refused at step t (gamma(7) = 1.5)', async () => {
    const o: Opts = { model: 'softmax', positions: randomCloud(3, 30, 2), n: 30, d: 2, backend: 'wasm', gamma: (t: number) => (t === 7 ? 1.5 : 0.5) };
    const one = await failing(o, 0, 20);
    const two = await failing(o, 2, 20);
    expect(one.err).toBeInstanceOf(RangeError);
    expect(two.err.constructor).toBe(one.err.constructor);
    expect(two.err.message).toBe(one.err.message);
    expect([one.t, two.t]).toEqual([7, 7]);
    expect(firstDiff(two.x, one.x)).toBe(-1);
  });

  it('an overflow inside the last worker’s rows (residual hardmax): the error, t and state of one thread', async () => {
    // Token n-1 = (1e100, 0) is its own argmax and grows by h = 1e10 per step until its
    // self-alignment overflows; the others have a negative first coordinate and stay finite.
    const n = 31;
    const d = 2;
    const x = Float64Array.from(randomCloud(4, n, d));
    for (let i = 0; i < n; i++) x[i * d] = -(0.1 + Math.abs(x[i * d]!));
    x[(n - 1) * d] = 1e100;
    x[(n - 1) * d + 1] = 0;
    const o: Opts = { model: 'hardmax', positions: x, n, d, backend: 'wasm', h: 1e10 };
    const one = await failing(o, 0, 50);
    expect(one.err).toBeInstanceOf(RangeError);
    expect(one.err.message).toMatch(/overflowed/);
    expect(one.t).toBeGreaterThan(0);
    for (const threads of [2, 3]) {
      const got = await failing(o, threads, 50);
      expect(got.err.constructor).toBe(one.err.constructor);
      expect(got.err.message).toBe(one.err.message);
      expect(got.t).toBe(one.t);
      expect(firstDiff(got.x, one.x)).toBe(-1);
    }
  });

  it('the Markov generator is not advanced by a failing step', async () => {
    const n = 20;
    const d = 2;
    const x = randomCloud(8, n, d);
    const o: Opts = { model: 'softmax-markov', seed: 9, positions: x, n, d, backend: 'wasm', gamma: (t: number) => (t === 3 ? 0 : 0.5) };
    const one = await failing(o, 0, 10);
    const two = await failing(o, 2, 10);
    expect([one.t, two.t]).toEqual([3, 3]);
    expect(two.seed).toBe(one.seed);
    expect(firstDiff(two.x, one.x)).toBe(-1);
  });

  it('the kernel status of a worker is reported as on one thread (ThreadedBackend.step)', async () => {
    // Straight to the backend, bypassing Simulation's schedule checks: γ = 0 is refused by the workers' kernels.
    await loadKernel();
    const inner = WasmBackend.createIn((await loadKernel()), 'f64', 10, 2);
    const b = await ThreadedBackend.create(inner, loadedModule()!, 2);
    b.setParams({ model: MODEL_CODE.softmax, beta: 1, tau: 0, update: 0, h: 1, sphere: false, integrator: 2, dt: 0.1, engine: 0, readings: 0 });
    b.setMatrix('A', null);
    b.setMatrix('V', null);
    const x0 = Float64Array.from(randomCloud(2, 10, 2));
    b.setPositions(x0);
    expect(b.step(new Float64Array([0, 0]), new Float64Array([0.5, 0]))).toEqual({ status: STATUS.badArgument, done: 1 });
    const after1 = b.positions();
    expect(firstDiff(after1, x0)).not.toBe(-1);
    expect(await b.stepAsync(new Float64Array([0]), new Float64Array([2]))).toEqual({ status: STATUS.badArgument, done: 0 });
    expect(firstDiff(b.positions(), after1)).toBe(-1);
    b.dispose();
    expect(() => b.step(new Float64Array(1), new Float64Array([0.5]))).toThrow(/disposed/);
  });
});

describe('threads: run(), abort and dispose', () => {
  const base: Opts = { model: 'softmax', positions: randomCloud(21, 50, 3), n: 50, d: 3, backend: 'wasm', beta: 2 };

  it('run() with threads reaches the positions of step() on threads 0, with every snapshot and progress to the target', async () => {
    const ref = await Simulation.create({ ...base } as never);
    const sim = await Simulation.create({ ...base, threads: 2 } as never);
    const snaps: Array<[number, Float64Array]> = [];
    let last = -1;
    const r = await sim.run(30, { every: 10, onSnapshot: (t, x) => snaps.push([t, x]), onProgress: (t) => (last = t) });
    expect(r).toEqual({ t: 30, aborted: false });
    expect(last).toBe(30);
    expect(snaps.map(([t]) => t)).toEqual([10, 20, 30]);
    for (const [t, x] of snaps) {
      ref.step(t - ref.t);
      expect(firstDiff(x, ref.positions())).toBe(-1);
    }
    const seen: number[] = [];
    for await (const s of sim.snapshots(9, { every: 3 })) seen.push(s.t);
    expect(seen).toEqual([33, 36, 39]);
    sim.dispose();
    ref.dispose();
  });

  it('abort mid-run stops at a step boundary: exact t, the state of threads 0 at that t', async () => {
    const sim = await Simulation.create({ ...base, threads: 3 } as never);
    const ac = new AbortController();
    const r = await sim.run(100000, { onProgress: (t) => (t >= 12 ? ac.abort() : undefined), signal: ac.signal });
    expect(r.aborted).toBe(true);
    expect(r.t).toBe(sim.t);
    expect(sim.t).toBeGreaterThanOrEqual(12);
    expect(sim.t).toBeLessThan(100000);
    const ref = await Simulation.create({ ...base } as never);
    ref.step(sim.t);
    expect(firstDiff(sim.positions(), ref.positions())).toBe(-1);
    // The simulation goes on stepping after the abort, synchronously too.
    sim.step(2);
    ref.step(2);
    expect(firstDiff(sim.positions(), ref.positions())).toBe(-1);
    sim.dispose();
    ref.dispose();
  });

  it('dispose during run() rejects with an Error naming the disposal, and the workers exit', async () => {
    const sim = await Simulation.create({ ...base, threads: 2 } as never);
    const p = sim.run(100000, { onProgress: (t) => (t >= 5 ? sim.dispose() : undefined) });
    await expect(p).rejects.toThrow(/disposed during run/);
    expect(sim.disposed).toBe(true);
  });

  it('dispose while a threaded step is in flight rejects the run and ends the workers (shared and message passing)', async () => {
    for (const shared of [true, false]) {
      const inner = WasmBackend.createIn(await loadKernel(), 'f64', 1500, 8);
      const b = await ThreadedBackend.create(inner, loadedModule()!, 2, shared);
      b.setParams({ model: MODEL_CODE.softmax, beta: 1, tau: 0, update: 0, h: 1, sphere: false, integrator: 2, dt: 0.1, engine: 0, readings: 0 });
      b.setMatrix('A', null);
      b.setMatrix('V', null);
      b.setPositions(Float64Array.from(randomCloud(3, 1500, 8)));
      const p = b.stepAsync(new Float64Array(50), new Float64Array(50).fill(0.5));
      const exits = b.exited();
      b.dispose(); // the first step's jobs are out: the workers are busy or about to be
      await expect(p).rejects.toThrow(/disposed during run/);
      await expect(exits).resolves.toBe(2);
    }
  });

  it('dispose() ends every worker (their exit events fire)', async () => {
    const inner = WasmBackend.createIn(await loadKernel(), 'f32', 40, 2);
    const b = await ThreadedBackend.create(inner, loadedModule()!, 3);
    const exits = b.exited();
    b.dispose();
    await expect(exits).resolves.toBe(3);
  });
});

describe('threads: message passing (no SharedArrayBuffer, as on a page that is not cross-origin isolated)', () => {
  it('stepAsync is bit-identical to one thread (softmax-markov, f32, n = 23 on 3 workers); sync step() throws naming run()', async () => {
    const k = await loadKernel();
    const params = { model: MODEL_CODE['softmax-markov'], beta: 2, tau: 1e-5, update: 0, h: 1, sphere: false, integrator: 2, dt: 0.1, engine: 0, readings: 0 };
    const x0 = Float64Array.from(randomCloud(6, 23, 3));
    const setUp = (b: { setParams: (p: typeof params) => void; setMatrix: (w: 'A' | 'V', M: null) => void; setSeed: (s: bigint) => void; setPositions: (x: Float64Array) => void }) => {
      b.setParams(params);
      b.setMatrix('A', null);
      b.setMatrix('V', null);
      b.setSeed(77n);
      b.setPositions(x0);
    };
    const one = WasmBackend.createIn(k, 'f32', 23, 3);
    setUp(one);
    const b = await ThreadedBackend.create(WasmBackend.createIn(k, 'f32', 23, 3), loadedModule()!, 3, false);
    setUp(b);
    expect(b.shared).toBe(false);
    const deltas = new Float64Array(12);
    const gammas = new Float64Array(12).fill(0.5);
    expect(one.step(deltas, gammas)).toEqual({ status: STATUS.ok, done: 12 });
    expect(await b.stepAsync(deltas, gammas)).toEqual({ status: STATUS.ok, done: 12 });
    expect(firstDiff(b.positions(), one.positions())).toBe(-1);
    expect(b.seedState()).toBe(one.seedState());
    expect(() => b.step(deltas, gammas)).toThrow(/run\(\)/);
    const exits = b.exited();
    b.dispose();
    one.dispose();
    await expect(exits).resolves.toBe(3);
  });
});

describe('threads: the option', () => {
  it('resolves 0, k and auto; refuses bad values naming threads', async () => {
    const ctx = { backend: 'wasm' as const, ode: false, model: 'softmax', n: 4096 };
    expect(resolveThreads(undefined, ctx)).toBe(0);
    expect(resolveThreads(3, ctx)).toBe(3);
    expect(resolveThreads('auto', { ...ctx, n: AUTO_MIN_N - 1 })).toBe(0);
    expect(resolveThreads('auto', { ...ctx, backend: 'js' })).toBe(0);
    expect(resolveThreads('auto', { ...ctx, ode: true })).toBe(resolveThreads('auto', ctx));
    expect(() => resolveThreads(1.5, ctx)).toThrow(RangeError);
    expect(() => resolveThreads(-1, ctx)).toThrow(/threads/);
    expect(() => resolveThreads('2', ctx)).toThrow(TypeError);
    expect(() => resolveThreads(2, { ...ctx, backend: 'js' })).toThrow(/backend 'wasm'/);
    const sphere = await Simulation.create({ model: 'sphere-sa', positions: randomCloud(1, 10, 3), n: 10, d: 3, backend: 'wasm', threads: 2 } as never);
    expect(sphere.threads).toBe(2);
    sphere.dispose();
    await expect(Simulation.create({ ...{ model: 'softmax', positions: randomCloud(1, 10, 3), n: 10, d: 3 }, threads: 'many' } as never)).rejects.toThrow(
      /threads/,
    );
  });
});

describe('threads: Node exits on its own', () => {
  const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
  it.skipIf(!existsSync(dist))('a script that leaves a threaded simulation undisposed, mid-nothing, still exits (needs npm run build)', () => {
    const script = `
      import { Simulation } from ${JSON.stringify(dist)};
      const n = 64, d = 3, positions = Array.from({ length: n * d }, (_, k) => Math.sin(k));
      const a = await Simulation.create({ model: 'softmax', positions, n, d, backend: 'wasm', threads: 2 });
      a.step(5);
      await a.run(5);
      const b = await Simulation.create({ model: 'hardmax', positions, n, d, backend: 'wasm', threads: 3 });
      b.step(3);
      b.dispose();
      console.log('done', a.t, a.threads);
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('done 10 2');
    expect(r.status).toBe(0);
  });
});
