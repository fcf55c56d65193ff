/**
 * The euclidean-sa model (SPEC §5.9, 2305.05465): dz_i/dt = Σ_j P_ij(t) V (z_j − z_i),
 * P_ij(t) = softmax_j(<A e^{tV} z_i, A e^{tV} z_j>). Euler is checked against the
 * authors' effective scheme written out here with a closed-form e^{tV}
 * (diagonal V); rk4 against its fourth order; the two backends against each other.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, initialPositions } from '../ts/index.js';
import { expm } from '../ts/backend/expm.js';

/** One explicit Euler step of the authors' scheme for diagonal V = diag(lam), A = diag(a), β = 1. */
function authorsEuler(z: Float64Array, n: number, d: number, lam: number[], a: number[], t: number, dt: number): Float64Array {
  const w = z.map((v, k) => a[k % d]! * Math.exp(t * lam[k % d]!) * v); // A e^{tV} z
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const s = Array.from({ length: n }, (_, j) => {
      let v = 0;
      for (let c = 0; c < d; c++) v += w[i * d + c]! * w[j * d + c]!;
      return v;
    });
    const m = Math.max(...s);
    const e = s.map((v) => Math.exp(v - m));
    const tot = e.reduce((p, q) => p + q, 0);
    for (let c = 0; c < d; c++) {
      let f = 0;
      for (let j = 0; j < n; j++) f += (e[j]! / tot) * lam[c]! * (z[j * d + c]! - z[i * d + c]!);
      out[i * d + c] = z[i * d + c]! + dt * f;
    }
  }
  return out;
}

describe('euclidean-sa (SPEC §5.9)', () => {
  it('matrix exponential: rotation, nilpotent and diagonal closed forms', () => {
    const th = 1.3;
    const r = expm([0, -th, th, 0], 2);
    [Math.cos(th), -Math.sin(th), Math.sin(th), Math.cos(th)].forEach((v, k) => expect(Math.abs(r[k]! - v)).toBeLessThan(1e-14));
    expect(Array.from(expm([0, 3, 0, 0], 2))).toEqual([1, 3, 0, 1]);
    const e = expm([5, 0, 0, -1], 2);
    expect(e[0]! / Math.exp(5)).toBeCloseTo(1, 13);
    expect(e[3]! / Math.exp(-1)).toBeCloseTo(1, 13);
  });

  for (const backend of ['wasm', 'js'] as const) {
    it(`${backend}: euler equals the authors' scheme (attention frozen per step, M(t) from e^{tV}) over 50 steps, V = diag(1, −0.5), A = diag(0.7, 1.2)`, async () => {
      const n = 12;
      const d = 2;
      const lam = [1, -0.5];
      const a = [0.7, 1.2];
      const x0 = initialPositions({ kind: 'uniform', n, d, seed: 11, low: -2, high: 2 });
      const sim = await Simulation.create({ model: 'euclidean-sa', positions: x0, n, d, V: [1, 0, 0, -0.5], A: [0.7, 0, 0, 1.2], dt: 0.1, integrator: 'euler', backend });
      let z: Float64Array = Float64Array.from(x0);
      for (let s = 0; s < 50; s++) {
        z = authorsEuler(z, n, d, lam, a, s * 0.1, 0.1);
        sim.step(1);
        const got = sim.positions();
        for (let k = 0; k < n * d; k++) expect(Math.abs(got[k]! - z[k]!)).toBeLessThanOrEqual(1e-11 * Math.max(1, Math.abs(z[k]!)));
      }
      expect(sim.time).toBeCloseTo(5, 12);
      sim.dispose();
    });
  }

  it('rk4 is fourth order: halving dt divides the error at T = 1 by about 16 (V = the Perron–Frobenius example of SPEC §5.9)', async () => {
    const V = [0.64709742, 0.81911926, 0.61210449, 0.63263484];
    const x0 = initialPositions({ kind: 'uniform', n: 8, d: 2, seed: 4, low: -1, high: 1 });
    const run = async (dt: number): Promise<Float64Array> => {
      const sim = await Simulation.create({ model: 'euclidean-sa', positions: x0, n: 8, d: 2, V, dt, integrator: 'rk4', backend: 'wasm' });
      const x = sim.step(Math.round(1 / dt)).positions();
      sim.dispose();
      return x;
    };
    const ref = await run(1 / 640);
    const err = async (dt: number): Promise<number> => {
      const x = await run(dt);
      return Math.max(...Array.from(x, (v, k) => Math.abs(v - ref[k]!)));
    };
    const e1 = await err(1 / 10);
    const e2 = await err(1 / 20);
    expect(e1 / e2).toBeGreaterThan(12);
    expect(e1 / e2).toBeLessThan(20);
  });

  it('wasm and js agree to 1e-12 over 40 rk4 steps with a general A and V (f64)', async () => {
    const x0 = initialPositions({ kind: 'uniform', n: 20, d: 3, seed: 9, low: -1, high: 1 });
    const opts = { model: 'euclidean-sa' as const, positions: x0, n: 20, d: 3, V: [0.5, 0.2, 0, -0.1, 0.3, 0.4, 0.2, 0, -0.6], A: [1, 0.3, 0, 0, 1, 0.2, 0.1, 0, 1], beta: 2, dt: 0.05 };
    const w = await Simulation.create({ ...opts, backend: 'wasm' });
    const j = await Simulation.create({ ...opts, backend: 'js' });
    const xw = w.step(40).positions();
    const xj = j.step(40).positions();
    for (let k = 0; k < xw.length; k++) expect(Math.abs(xw[k]! - xj[k]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(xj[k]!)));
    w.dispose();
    j.dispose();
  });

  it('positions are not projected; refusals: euler-raw, threads, alpha, sphere', async () => {
    const sim = await Simulation.create({ model: 'euclidean-sa', positions: [3, 4, 0, 0], n: 2, d: 2 });
    expect(Array.from(sim.positions())).toEqual([3, 4, 0, 0]);
    sim.dispose();
    const p = { positions: [3, 4, 0, 0], n: 2, d: 2 };
    await expect(Simulation.create({ model: 'euclidean-sa', ...p, integrator: 'euler-raw' })).rejects.toThrow(/integrator/);
    await expect(Simulation.create({ model: 'euclidean-sa', ...p, threads: 2, backend: 'wasm' })).rejects.toThrow(/threads/);
    await expect(Simulation.create({ model: 'euclidean-sa', ...p, alpha: 1 } as never)).rejects.toThrow(/alpha/);
    await expect(Simulation.create({ model: 'euclidean-sa', ...p, sphere: true } as never)).rejects.toThrow(/sphere/);
  });

  it('f32: a step whose result leaves the float32 range is refused on both backends (property seed 3: js stored it as Infinity)', async () => {
    for (const backend of ['wasm', 'js'] as const) {
      const positions = Array.from({ length: 18 }, (_, k) => (k === 4 ? 1000 : 0));
      const sim = await Simulation.create({ model: 'euclidean-sa', positions, n: 6, d: 3, beta: 0, V: [1e37, 0, 0, 0, 1e37, 0, 0, 0, 1e37], integrator: 'euler', precision: 'f32', backend });
      expect(() => sim.step(1)).toThrow(RangeError);
      expect(sim.t).toBe(0);
      expect(Array.from(sim.positions())).toEqual(positions);
      sim.dispose();
    }
  });

  it('an overflowing run stops with a RangeError naming t and keeps the last good state (V = 3I grows e^{tV} fast)', async () => {
    const sim = await Simulation.create({ model: 'euclidean-sa', positions: [1, 0, 0, 1, -1, -1], n: 3, d: 2, V: [60, 0, 0, 60], dt: 1, integrator: 'euler' });
    let err: unknown = null;
    try {
      sim.step(50);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RangeError);
    expect(String(err)).toMatch(/t = \d+/);
    expect(Array.from(sim.positions()).every(Number.isFinite)).toBe(true);
    sim.dispose();
  });
});
