/**
 * The open readings of the localmax rule (SPEC §1.2, §6.6) and the afterStep
 * hook (SPEC §6.9). Expected values are worked by hand from the rule's
 * definition; the backends are compared with each other and with threads.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, initialPositions } from '../ts/index.js';
import { lyapunovReport } from '../ts/analysis/dynamics/energies.js';
import { Recorder } from '../ts/analysis/dynamics/trajectory.js';
import type { SimulationOptions } from '../ts/types.js';

const BACKENDS = [
  ['wasm', 'f64'],
  ['js', 'f64'],
  ['wasm', 'f32'],
  ['js', 'f32'],
] as const;

async function oneStep(opts: SimulationOptions): Promise<Float64Array> {
  const sim = await Simulation.create(opts);
  try {
    return sim.step(1).positions();
  } finally {
    sim.dispose();
  }
}

describe('localmax readings: one step worked by hand', () => {
  for (const [backend, precision] of BACKENDS) {
    const tol = precision === 'f64' ? 0 : 1e-6;
    const near = (got: ArrayLike<number>, want: number[]): void => {
      for (let k = 0; k < want.length; k++) expect(Math.abs((got[k] as number) - (want[k] as number))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[k] as number)));
    };
    it(`${backend}/${precision}: gap 'relative' uses δ|m_i|: x = (2, 1.7, 1), δ = 0.5, α = 1`, async () => {
      const base = { model: 'localmax' as const, positions: [2, 1.7, 1], n: 3, d: 1, delta: 0.5, tieTolerance: 0, backend, precision };
      // token 0: a = (4, 3.4, 2), m = 4. absolute: threshold 3.5, C = {0}; relative: 4 − 0.5·4 = 2, C = {0, 1, 2}
      // token 1: a = (3.4, 2.89, 1.7), m = 3.4. absolute: 2.9 → {0} (2.89 < 2.9); relative: 3.4 − 1.7 = 1.7 → all
      // token 2: a = (2, 1.7, 1), m = 2. absolute: 1.5 → {0, 1}; relative: 2 − 1 = 1 → all
      const abs = await oneStep(base);
      near(abs, [2, 1.7 + 0.5 * (2 - 1.7), 1 + 0.5 * ((2 + 1.7) / 2 - 1)]);
      const rel = await oneStep({ ...base, gap: 'relative' });
      const mean = (2 + 1.7 + 1) / 3;
      near(rel, [2 + 0.5 * (mean - 2), 1.7 + 0.5 * (mean - 1.7), 1 + 0.5 * (mean - 1)]);
    });
    it(`${backend}/${precision}: threshold 'strict' drops the token exactly δ below: x = (1, 0.5), δ = 0.5`, async () => {
      const base = { model: 'localmax' as const, positions: [1, 0.5], n: 2, d: 1, delta: 0.5, tieTolerance: 0, backend, precision };
      // token 0: a = (1, 0.5), m = 1, threshold 0.5: non-strict C = {0, 1}, strict C = {0}
      // token 1: a = (0.5, 0.25), m = 0.5, threshold 0: both members either way
      near(await oneStep(base), [1 + 0.5 * (0.75 - 1), 0.5 + 0.5 * (0.75 - 0.5)]);
      near(await oneStep({ ...base, threshold: 'strict' }), [1, 0.5 + 0.5 * (0.75 - 0.5)]);
    });
    it(`${backend}/${precision}: includeSelf and selfWeight 'average' on the square plus p = (0.5, 0) (hardmax neighbourhoods, δ = 0)`, async () => {
      const pos = [1, 1, 1, -1, -1, -1, -1, 1, 0.5, 0];
      const base = { model: 'localmax' as const, positions: pos, n: 5, d: 2, delta: 0, backend, precision };
      // p: a = (0.5, 0.5, −0.5, −0.5, 0.25), C_p = {(1,1), (1,−1)} ∌ p; the vertices are their own argmax.
      near(await oneStep(base), [...pos.slice(0, 8), 0.5 + 0.5 * (1 - 0.5), 0]);
      // includeSelf: C_p ∪ {p}, mean (2.5/3, 0); γ = 1/2
      near(await oneStep({ ...base, includeSelf: true }), [...pos.slice(0, 8), 0.5 + 0.5 * (2.5 / 3 - 0.5), 0]);
      // average: x_p ← mean over C_p ∪ {p}
      near(await oneStep({ ...base, selfWeight: 'average' }), [...pos.slice(0, 8), 2.5 / 3, 0]);
    });
  }
});

describe('localmax readings: invariants and agreement', () => {
  const x0 = initialPositions({ kind: 'uniform', n: 60, d: 2, seed: 7 });
  const combos: Partial<SimulationOptions & { model: 'localmax' }>[] = [
    { gap: 'relative' },
    { threshold: 'strict' },
    { includeSelf: true },
    { selfWeight: 'average' },
    { gap: 'relative', threshold: 'strict', includeSelf: true },
  ];
  it('δ = 0 is hardmax bit for bit under gap and threshold readings (SPEC §1.2: the argmax ties stay)', async () => {
    for (const backend of ['wasm', 'js'] as const) {
      const hard = await Simulation.create({ model: 'hardmax', positions: x0, n: 60, d: 2, backend });
      const want = hard.step(30).positions();
      hard.dispose();
      for (const r of [{ gap: 'relative' as const }, { threshold: 'strict' as const }, { gap: 'relative' as const, threshold: 'strict' as const }]) {
        const sim = await Simulation.create({ model: 'localmax', positions: x0, n: 60, d: 2, delta: 0, backend, ...r });
        expect(sim.step(30).positions()).toEqual(want);
        sim.dispose();
      }
    }
  });
  it('wasm and js agree bit for bit in f64 over 40 steps for every reading (the same members, the same summation order)', async () => {
    for (const r of combos) {
      const out: Float64Array[] = [];
      for (const backend of ['wasm', 'js'] as const) {
        const sim = await Simulation.create({ model: 'localmax', positions: x0, n: 60, d: 2, delta: 0.3, backend, ...r } as SimulationOptions);
        out.push(sim.step(40).positions());
        sim.dispose();
      }
      expect(out[0]).toEqual(out[1]);
    }
  });
  it('each reading changes the run (the switch reaches the kernel); strict differs only at exact ties, so it is shown by hand above', async () => {
    const base = await Simulation.create({ model: 'localmax', positions: x0, n: 60, d: 2, delta: 0.3 });
    const want = base.step(20).positions();
    base.dispose();
    for (const r of combos.filter((c) => c.threshold === undefined || c.includeSelf === true)) {
      const sim = await Simulation.create({ model: 'localmax', positions: x0, n: 60, d: 2, delta: 0.3, ...r } as SimulationOptions);
      expect(sim.step(20).positions()).not.toEqual(want);
      sim.dispose();
    }
  });
  it('threads 2 give the one-thread result bit for bit with readings on (n = 700)', async () => {
    const x = initialPositions({ kind: 'uniform', n: 700, d: 3, seed: 3 });
    for (const r of combos) {
      const out: Float64Array[] = [];
      for (const threads of [0, 2]) {
        const sim = await Simulation.create({ model: 'localmax', positions: x, n: 700, d: 3, delta: 0.2, backend: 'wasm', threads, ...r } as SimulationOptions);
        out.push(sim.step(5).positions());
        sim.dispose();
      }
      expect(out[0]).toEqual(out[1]);
    }
  });
  it('engine: readings run on the dense engine; auto picks it, tree is refused', async () => {
    const x = initialPositions({ kind: 'uniform', n: 3000, d: 2, seed: 1 });
    const sim = await Simulation.create({ model: 'localmax', positions: x, n: 3000, d: 2, delta: 0.1, gap: 'relative' });
    expect(sim.engine).toBe('dense');
    sim.dispose();
    await expect(Simulation.create({ model: 'localmax', positions: x, n: 3000, d: 2, delta: 0.1, includeSelf: true, engine: 'tree' })).rejects.toThrow(RangeError);
  });
  it('refusals name the option: readings on another model, bad values, average with a step size', async () => {
    const p = { positions: [0, 0, 1, 1], n: 2, d: 2 };
    await expect(Simulation.create({ model: 'hardmax', ...p, gap: 'relative' } as unknown as SimulationOptions)).rejects.toThrow(/option 'gap' does not apply to model 'hardmax'/);
    await expect(Simulation.create({ model: 'localmax', ...p, gap: 'relatve' } as unknown as SimulationOptions)).rejects.toThrow(/gap/);
    await expect(Simulation.create({ model: 'localmax', ...p, threshold: 'loose' } as unknown as SimulationOptions)).rejects.toThrow(/threshold/);
    await expect(Simulation.create({ model: 'localmax', ...p, includeSelf: 'yes' } as unknown as SimulationOptions)).rejects.toThrow(/includeSelf/);
    await expect(Simulation.create({ model: 'localmax', ...p, selfWeight: 'average', alpha: 2 })).rejects.toThrow(/selfWeight: 'average'.*alpha/);
  });
});

describe('afterStep hook (SPEC §6.9)', () => {
  it('the map runs after every step with t, and the next step starts from its result (both backends, both precisions)', async () => {
    for (const [backend, precision] of BACKENDS) {
      const seen: number[] = [];
      // one token: hardmax keeps it in place; the hook moves it by +1 each step
      const sim = await Simulation.create({ model: 'hardmax', positions: [0.25, 0], n: 1, d: 2, backend, precision, afterStep: (x, t) => {
        seen.push(t);
        x[0] = (x[0] as number) + 1;
      } });
      expect(sim.hooked).toBe(true);
      sim.step(3);
      expect(seen).toEqual([1, 2, 3]);
      expect(Array.from(sim.positions())).toEqual([3.25, 0]);
      sim.dispose();
    }
  });
  it('a non-finite result is refused naming t; the step stays done and the hook changes nothing', async () => {
    const sim = await Simulation.create({ model: 'localmax', positions: [1, 0, 0, 1], n: 2, d: 2, delta: 10, afterStep: (x, t) => {
      if (t === 2) x[1] = NaN;
    } });
    sim.step(1);
    expect(() => sim.step(3)).toThrow(/afterStep set token 0, coordinate 1 to NaN at t = 2/);
    expect(sim.t).toBe(2);
    // the state is that of the step to t = 2: δ = 10 is above P3's threshold, so x_i − x̄ = (1+α)^(−2)(x_i(0) − x̄), x̄ = (0.5, 0.5)
    expect(Array.from(sim.positions())).toEqual([0.625, 0.375, 0.375, 0.625]);
    sim.dispose();
  });
  it('sphere models: the hook result is projected back to the unit sphere', async () => {
    const sim = await Simulation.create({ model: 'sphere-sa', positions: [1, 0, 0, 1], n: 2, d: 2, dt: 0.01, afterStep: (x) => {
      for (let k = 0; k < x.length; k++) x[k] = (x[k] as number) * 3;
    } });
    const x = sim.step(2).positions();
    expect(Math.hypot(x[0] as number, x[1] as number)).toBeCloseTo(1, 14);
    sim.dispose();
  });
  it('while a hook is set, hull nesting becomes a report: lyapunovReport(hooked) marks support, diameter and radius not expected', async () => {
    // a map that pushes tokens outward (a feed-forward layer can grow the hull)
    const x0 = initialPositions({ kind: 'uniform', n: 20, d: 2, seed: 2 });
    const sim = await Simulation.create({ model: 'localmax', positions: x0, n: 20, d: 2, delta: 0.1, afterStep: (x) => {
      for (let k = 0; k < x.length; k++) x[k] = (x[k] as number) * 1.2;
    } });
    const rec = new Recorder(sim, { every: 1 });
    rec.run(10, { last: true });
    const tr = rec.trajectory();
    const plain = lyapunovReport(tr);
    const hooked = lyapunovReport(tr, { hooked: sim.hooked });
    expect(plain.diameter.expected).toBe(true);
    expect(hooked.diameter.expected).toBe(false);
    expect(hooked.support.expected).toBe(false);
    expect(hooked.radius.expected).toBe(false);
    // and the hook did break nesting here: the diameter grows
    expect(hooked.diameter.violations).toBeGreaterThan(0);
    sim.dispose();
  });
});
