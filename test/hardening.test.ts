/**
 * Regression tests of issue 9 ("Nothing silent, nothing half-done"), engine
 * part: overflow of the residual update (item 2), transactional steps
 * (item 3), holes in nested arrays (item 4) and the smaller engine findings of
 * item 10. Item 1 (memory above 2 GiB) is in wasm-memory.test.ts.
 *
 * The rule tested throughout (Simulation.step's doc comment): each step
 * t → t+1 happens whole or not at all; a failing step(k) throws an error that
 * names the t at which it stopped, `t`, `positions()` and `rngState` are those
 * of the last completed step, and the steps completed earlier in the same
 * call are kept.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, schedules } from '../ts/index.js';
import { COMBOS, type Options, expectExact, withSim } from './helpers.js';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw, nothing was thrown');
}

async function createError(opts: unknown): Promise<Error> {
  try {
    const sim = await Simulation.create(opts as Options);
    sim.dispose();
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected Simulation.create to throw for ${JSON.stringify(opts)}`);
}

function expectNamed(e: Error, cls: typeof TypeError | typeof RangeError | typeof Error, ...needles: (string | RegExp)[]): void {
  expect(e.constructor, `${e.constructor.name}: ${e.message}`).toBe(cls);
  for (const nd of needles) {
    if (typeof nd === 'string') expect(e.message).toContain(nd);
    else expect(e.message).toMatch(nd);
  }
}

/** The state and generator after k steps of a fresh simulation (the reference for "earlier steps kept"). */
async function after(opts: Options, k: number): Promise<{ x: Float64Array; rng: bigint | null }> {
  return withSim(opts, (s) => {
    s.step(k);
    return { x: s.positions(), rng: s.model === 'softmax-markov' ? s.rngState : null };
  });
}

/**
 * Run step(k) on a fresh simulation, expect a RangeError stopping at `stopT`
 * (named in the message), then check t, positions and rngState are exactly
 * those of a clean run of stopT steps, and that a further step(1) fails the
 * same way without changing anything.
 */
async function expectStopsAt(opts: Options, k: number, stopT: number, ...needles: (string | RegExp)[]): Promise<void> {
  const ref = await after(opts, stopT);
  await withSim(opts, (sim) => {
    const e = thrown(() => sim.step(k));
    expectNamed(e, RangeError, new RegExp(`\\bt = ${stopT}\\b`), ...needles);
    expect(sim.t).toBe(stopT);
    expectExact(sim.positions(), ref.x, `positions after the failed step(${k})`);
    if (ref.rng !== null) expect(sim.rngState).toBe(ref.rng);
    for (const v of sim.positions()) expect(Number.isFinite(v)).toBe(true);
    const e2 = thrown(() => sim.step(1));
    expectNamed(e2, RangeError, new RegExp(`\\bt = ${stopT}\\b`));
    expect(sim.t).toBe(stopT);
    expectExact(sim.positions(), ref.x, 'positions after a second failed step');
    if (ref.rng !== null) expect(sim.rngState).toBe(ref.rng);
  });
}

/** Overflow of x + h V y at the step from t = 1 (the alignments of that step are finite in f64). */
function laterOverflow(precision: 'f64' | 'f32'): Partial<Options> {
  return precision === 'f64'
    ? { A: [[1e-300, 0], [0, 1e-300]], V: [[1e200, 0], [0, 1e200]], h: 1 }
    : { V: [[1e20, 0], [0, 1e20]], h: 1 };
}

const P4 = [[0.1, 0.2], [1, 0], [0, 1], [0.3, 0.2]];

describe('issue 9 item 2: the residual update x + h V y never overflows silently', () => {
  for (const c of COMBOS) {
    it(`${c.name}: refuses at creation a residual update whose first step overflows (V = 1e308 I, h = 10)`, async () => {
      const e = await createError({
        model: 'hardmax', h: 10, V: [1e308, 0, 0, 1e308], positions: [0.1, 0.2, 1, 0, 0, 1, 0.3, 0.2], n: 4, d: 2,
        backend: c.backend, precision: c.precision,
      });
      // f64: the bound on |x + h V y|; f32: already V itself is beyond float32
      if (c.precision === 'f64') expectNamed(e, RangeError, 'h = 10', 'V', 'f64');
      else expectNamed(e, RangeError, 'V[0]', '1e+308', 'f32');
    });

    it(`${c.name}: an overflow of x + h V y at a later step is a RangeError naming t, the step undone, the earlier one kept`, async () => {
      const opts = { model: 'hardmax', positions: P4, ...laterOverflow(c.precision), backend: c.backend, precision: c.precision } as Options;
      await expectStopsAt(opts, 3, 1, 'not finite');
    });

    it(`${c.name}: softmax-markov overflowing at t = 1 keeps the generator of t = 1`, async () => {
      const opts = { model: 'softmax-markov', seed: 7, positions: P4, ...laterOverflow(c.precision), backend: c.backend, precision: c.precision } as Options;
      await expectStopsAt(opts, 3, 1, 'not finite');
    });
  }

  it('f64: an alignment overflow at t = 2 (V = 1e100 I) stops there, on both backends', async () => {
    for (const backend of ['wasm', 'js'] as const) {
      await expectStopsAt({ model: 'softmax', positions: P4, V: [[1e100, 0], [0, 1e100]], backend } as Options, 5, 2, 'not finite');
    }
  });

  it('f32 with a huge h: refused at creation (was NaN on wasm, Infinity on js); h = 1e30 overflows at t = 1 on both', async () => {
    for (const backend of ['wasm', 'js'] as const) {
      expectNamed(await createError({ model: 'hardmax', positions: P4, h: 1e300, backend, precision: 'f32' }), RangeError, 'h', '1e+300', 'f32');
      await expectStopsAt({ model: 'hardmax', positions: P4, h: 1e30, backend, precision: 'f32' } as Options, 4, 1, 'not finite');
    }
  });

  it('f32: coordinates and matrix entries beyond float32 are refused (they were stored as Infinity)', async () => {
    for (const backend of ['wasm', 'js'] as const) {
      const base = { model: 'hardmax', A: [[0, 0], [0, 0]], backend, precision: 'f32' } as const;
      // With A = 0 the alignment bound is 0, so 1e100 passed and was stored as Infinity in the f32 state.
      expectNamed(await createError({ ...base, positions: [[1e100, 0], [0, 1]] }), RangeError, 'positions[0]', '1e+100', 'f32');
      expectNamed(await createError({ model: 'hardmax', positions: P4, V: [[1e39, 0], [0, 1]], backend, precision: 'f32' }), RangeError, 'V[0]', '1e+39');
    }
  });
});

describe('issue 9 item 3: a failed step leaves nothing half-done', () => {
  for (const c of COMBOS) {
    it(`${c.name}: a token reaching the origin (h = -1, sphere) throws at t = 0 with the state untouched`, async () => {
      const opts = { model: 'hardmax', h: -1, sphere: true, positions: [1, 0, 1, 0], n: 2, d: 2, backend: c.backend, precision: c.precision } as Options;
      await expectStopsAt(opts, 3, 0, 'origin');
    });

    it(`${c.name}: softmax-markov reaching the origin leaves the generator unchanged`, async () => {
      const opts = {
        model: 'softmax-markov', seed: 99, h: -1, sphere: true, positions: [1, 0, 1, 0], n: 2, d: 2, backend: c.backend, precision: c.precision,
      } as Options;
      await withSim(opts, (sim) => {
        const rng = sim.rngState;
        const x = sim.positions();
        expectNamed(thrown(() => sim.step(2)), RangeError, 'origin', 't = 0');
        expect(sim.rngState).toBe(rng);
        expectExact(sim.positions(), x, 'positions');
      });
    });
  }

  it('sphere-sa (f64): a field that overflows is reported as not finite (it was "reached the origin"), state untouched', async () => {
    for (const backend of ['wasm', 'js'] as const) {
      const V = [[1.5e308, 1.5e308], [1.5e308, 1.5e308]];
      await expectStopsAt({ model: 'sphere-sa', positions: [[1, 1], [1, 0.9]], V, backend } as Options, 2, 0, 'not finite');
    }
  });
});

describe('issue 9 item 4: holes in arrays are refused, never read as 0', () => {
  const cases: { label: string; opts: Record<string, unknown>; name: string }[] = [
    // eslint-disable-next-line no-sparse-arrays
    { label: 'a hole row in positions', opts: { positions: [[0, 0], , [0, 1]] }, name: 'positions[1]' },
    // eslint-disable-next-line no-sparse-arrays
    { label: 'a hole inside a positions row', opts: { positions: [[0, 0, 0], [1, , 1], [0, 1, 0]] }, name: 'positions[1][1]' },
    // eslint-disable-next-line no-sparse-arrays
    { label: 'a leading hole in positions rows', opts: { positions: [, [0, 1], [1, 0]] }, name: 'positions[0]' },
    // eslint-disable-next-line no-sparse-arrays
    { label: 'a hole in flat positions', opts: { positions: [1, , 2, 3], n: 2, d: 2 }, name: 'positions[1]' },
    // eslint-disable-next-line no-sparse-arrays
    { label: 'a hole in A rows', opts: { positions: [[0, 0], [0, 1]], A: [[1, 0], [, 1]] }, name: 'A[1][0]' },
    // eslint-disable-next-line no-sparse-arrays
    { label: 'a hole row in Q', opts: { positions: [[0, 0], [0, 1]], Q: [[1, 0], ,] }, name: 'Q[1]' },
    // eslint-disable-next-line no-sparse-arrays
    { label: 'a hole in flat V', opts: { positions: [[0, 0], [0, 1]], V: [1, , 0, 1] }, name: 'V[1]' },
    // eslint-disable-next-line no-sparse-arrays
    { label: 'a hole in piecewise starts', opts: { positions: [[0, 0], [0, 1]], delta: { kind: 'piecewise', starts: [0, , 3], values: [1, 2, 3] } }, name: 'delta.starts[1]' },
  ];
  for (const backend of ['wasm', 'js'] as const) {
    for (const c of cases) {
      it(`${backend}: refuses ${c.label} (TypeError naming ${c.name})`, async () => {
        const model = 'delta' in c.opts ? 'localmax' : 'hardmax';
        expectNamed(await createError({ model, backend, ...c.opts }), TypeError, c.name, 'hole');
      });
    }
  }
});

describe('issue 9 item 10: the smaller engine findings', () => {
  it('a gamma piecewise spec without values is a TypeError naming gamma.values (was "Cannot read properties of undefined")', async () => {
    const e = await createError({ model: 'frank-wolfe', positions: P4, gamma: { kind: 'piecewise', starts: [0] } });
    expectNamed(e, TypeError, 'gamma.values');
  });

  for (const backend of ['wasm', 'js'] as const) {
    it(`${backend}: step(2**40) runs in chunks (was "Invalid typed array length"); k beyond safe integers is a RangeError naming k`, async () => {
      const stop = new Error('stop here');
      const calls: number[] = [];
      const delta = (t: number): number => {
        calls.push(t);
        if (t === 5000) throw stop;
        return 0.1;
      };
      await withSim({ model: 'localmax', positions: P4, delta, backend }, (sim) => {
        // The schedule's own exception propagates after the steps before it (t = 0..4999) are done.
        expect(thrown(() => sim.step(2 ** 40))).toBe(stop);
        expect(sim.t).toBe(5000);
        // Chunks of 4096: t = 0..4095, then 4096..5000 (stopped by the throw); each t evaluated once.
        expect(calls.length).toBe(5001);
        expect(calls.every((t, k) => t === k)).toBe(true);
        expectNamed(thrown(() => sim.step(2 ** 53)), RangeError, /^k must be/, '9007199254740992');
        expectNamed(thrown(() => sim.step(Number.MAX_SAFE_INTEGER)), RangeError, /^k must be at most 9007199254735991/);
        expect(sim.t).toBe(5000);
      });
    });

    it(`${backend}: schedules are evaluated at most 4096 steps ahead, and a bad δ at t = 10 000 stops the run exactly there`, async () => {
      const ahead: number[] = [];
      const ref = await after({ model: 'localmax', positions: P4, delta: 0.3, backend } as Options, 10_000);
      const sims: Simulation[] = [];
      const delta = (t: number): number => {
        ahead.push(t - (sims[0] as Simulation).t);
        return t === 10_000 ? -1 : 0.3;
      };
      const sim = await Simulation.create({ model: 'localmax', positions: P4, delta, backend });
      sims.push(sim);
      try {
        expectNamed(thrown(() => sim.step(20_000)), RangeError, 'delta', '-1', 't = 10000');
        expect(sim.t).toBe(10_000);
        expectExact(sim.positions(), ref.x, 'positions at t = 10 000');
        expect(Math.max(...ahead)).toBe(4095);
      } finally {
        sim.dispose();
      }
    });

    it(`${backend}: a schedule that disposes its own simulation gets a clear Error "disposed during step" (js stepped it silently, wasm said "status 1")`, async () => {
      let sim: Simulation | null = null;
      const delta = (t: number): number => {
        if (t === 2) sim?.dispose();
        return 0.1;
      };
      sim = await Simulation.create({ model: 'localmax', positions: P4, delta, backend });
      const e = thrown(() => sim?.step(5));
      expectNamed(e, Error, 'disposed during step');
      expect(sim.disposed).toBe(true);
      // the kernel's memory is intact: a new simulation works and matches js
      const w = await Simulation.create({ model: 'hardmax', positions: P4, backend: 'wasm' });
      const j = await Simulation.create({ model: 'hardmax', positions: P4, backend: 'js' });
      expectExact(w.step(3).positions(), j.step(3).positions(), 'after');
      w.dispose();
      j.dispose();
    });

    it(`${backend}: a schedule that steps its own simulation gets a clear Error`, async () => {
      let sim: Simulation | null = null;
      const gamma = (t: number): number => {
        if (t === 1) sim?.step(1);
        return 0.5;
      };
      sim = await Simulation.create({ model: 'frank-wolfe', positions: P4, gamma, backend });
      try {
        expectNamed(thrown(() => sim?.step(3)), Error, 'schedule function');
        expect(sim.t).toBe(1);
      } finally {
        sim.dispose();
      }
    });

    it(`${backend}: null is refused for backend, precision, integrator, delta, gamma, sphere, h, alpha, beta, dt, tieTolerance, n (TypeError), and means the identity for A, Q, K, V`, async () => {
      const base = { model: 'localmax', positions: P4, backend };
      for (const key of ['precision', 'delta', 'gamma', 'sphere', 'alpha', 'beta', 'tieTolerance'] as const) {
        expectNamed(await createError({ ...base, [key]: null }), TypeError, key, 'null');
      }
      expectNamed(await createError({ ...base, backend: null }), TypeError, 'backend', 'null');
      expectNamed(await createError({ model: 'hardmax', positions: P4, h: null, backend }), TypeError, 'h', 'null');
      expectNamed(await createError({ model: 'sphere-sa', positions: P4, integrator: null, backend }), TypeError, 'integrator', 'null');
      expectNamed(await createError({ model: 'sphere-sa', positions: P4, dt: null, backend }), TypeError, 'dt', 'null');
      expectNamed(await createError({ model: 'hardmax', positions: [0, 0, 1, 1], n: null, d: 2, backend }), TypeError, 'n', 'null');
      const I = [[1, 0], [0, 1]];
      for (const key of ['A', 'Q', 'K'] as const) {
        const a = await after({ model: 'hardmax', positions: P4, [key]: null, backend } as Options, 2);
        const b = await after({ model: 'hardmax', positions: P4, [key]: I, backend } as Options, 2);
        expectExact(a.x, b.x, `${key}: null`);
      }
      const v = await after({ model: 'hardmax', positions: P4, V: null, h: 0.5, backend } as Options, 2);
      const w = await after({ model: 'hardmax', positions: P4, V: I, h: 0.5, backend } as Options, 2);
      expectExact(v.x, w.x, 'V: null');
    });
  }

  for (const c of COMBOS) {
    it(`${c.name}: tokens of norm ~1e-320 (creation) and a step to a vector of norm ~1e-171 / 1e-31 are projected, not "at the origin"`, async () => {
      await withSim({ model: 'sphere-sa', positions: [[1e-320, 0], [0, 3e-310]], backend: c.backend, precision: c.precision }, (sim) => {
        expectExact(sim.positions(), [1, 0, 0, 1], 'projected at creation');
      });
      await withSim({ model: 'hardmax', sphere: true, positions: [[3e-200, 4e-200], [0, 1]], backend: c.backend, precision: c.precision }, (sim) => {
        const x = sim.positions();
        expect(Math.abs((x[0] as number) - 0.6)).toBeLessThan(c.precision === 'f64' ? 1e-15 : 1e-7);
        expect(Math.abs((x[1] as number) - 0.8)).toBeLessThan(c.precision === 'f64' ? 1e-15 : 1e-7);
      });
      // Tokens (1, 0) and (1, 2ε) tie; y = (1, ε) for both, and x − y = (0, ∓ε): the sum of
      // squares underflows, yet the direction is exactly (0, ∓1).
      const eps = c.precision === 'f64' ? 1e-170 : 1e-30;
      await withSim(
        { model: 'hardmax', h: -1, sphere: true, positions: [[1, 0], [1, 2 * eps]], backend: c.backend, precision: c.precision },
        (sim) => {
          // creation projects (1, 2ε) to itself (1 + 4ε² rounds to 1); every alignment is 1, a tie
          sim.step(1);
          expectExact(sim.positions(), [0, -1, 0, 1], 'after the step');
        },
      );
    });
  }

  for (const backend of ['wasm', 'js'] as const) {
    it(`${backend}: positions changed by the caller right after Simulation.create(...) returns do not reach the state (the Float64Array is read in place, with no await in between)`, async () => {
      const x = new Float64Array([0.1, 0.2, 1, 0, 0, 1, 0.3, 0.2]);
      const want = Float64Array.from(x);
      const pending = Simulation.create({ model: 'hardmax', positions: x, n: 4, d: 2, backend });
      x.fill(NaN);
      const sim = await pending;
      try {
        expectExact(sim.positions(), want, 'initial state');
      } finally {
        sim.dispose();
      }
    });
  }

  it('schedules refuse combinations whose formula gives NaN (geometric(Infinity, 0) was accepted, then failed at t = 1)', () => {
    expectNamed(thrown(() => schedules.geometric(Infinity, 0)), RangeError, 'delta.ratio', 'Infinity');
    expectNamed(thrown(() => schedules.geometric(Infinity, 0.5)), RangeError, 'delta.ratio');
    expectNamed(thrown(() => schedules.geometric(0, 2)), RangeError, 'delta.ratio', 'NaN');
    expectNamed(thrown(() => schedules.power(Infinity, 30)), RangeError, 'delta.p');
    // the valid neighbours stay accepted and give what the formula says
    expect(schedules.geometric(Infinity, 1)).toEqual({ kind: 'geometric', delta0: Infinity, ratio: 1 });
    expect(schedules.power(Infinity, 0)).toEqual({ kind: 'power', delta0: Infinity, p: 0 });
    expect(schedules.geometric(1e300, 2)).toEqual({ kind: 'geometric', delta0: 1e300, ratio: 2 });
  });

  for (const backend of ['wasm', 'js'] as const) {
    it(`${backend}: a schedule object mutated after creation changes nothing (deltaAt said −1 while stepping used 0.2)`, async () => {
      const spec = { kind: 'constant' as const, delta: 0.2 };
      const pw = { kind: 'piecewise' as const, starts: [0, 2], values: [0.2, 0.4] };
      const ref = await after({ model: 'localmax', positions: P4, delta: 0.2, backend } as Options, 3);
      for (const s of [spec, pw]) {
        await withSim({ model: 'localmax', positions: P4, delta: s, backend }, (sim) => {
          if (s === spec) spec.delta = -1;
          else pw.values[0] = -1;
          expect(sim.deltaAt(0)).toBe(0.2);
          expect(Object.isFrozen(sim.delta)).toBe(true);
          if (s === spec) {
            sim.step(3);
            expectExact(sim.positions(), ref.x, 'constant schedule');
          }
        });
      }
    });

    it(`${backend}: number[][] positions too large are refused from rows × row length, before any row is read`, async () => {
      // The rows after the first are holes: reading them would be a TypeError; the size is refused first.
      const wide = new Array(3_000_000);
      wide[0] = new Array(64).fill(0);
      const huge = new Array(2 ** 26);
      huge[0] = new Array(64).fill(0);
      if (backend === 'wasm') expectNamed(await createError({ model: 'hardmax', positions: wide, backend }), RangeError, 'n = 3000000', 'wasm');
      expectNamed(await createError({ model: 'hardmax', positions: huge, backend }), RangeError, 'n*d', String(2 ** 32));
    });
  }
});
