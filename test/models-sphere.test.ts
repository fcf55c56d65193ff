/**
 * Engine-level checks of the continuous-time sphere models 'sphere-sa' and
 * 'sphere-usa' (SPEC §2, tests 14 and 15) on both backends and precisions.
 * Expected values come from SPEC.md and from closed forms computed here,
 * never from the engine: the field reference is ts/analysis/sphere/sphere.ts's
 * `sphereField`, an independent float64 implementation (it forms Q x_i and
 * K x_j separately, while the engine uses A = KᵀQ).
 */
import { describe, expect, it } from 'vitest';
import { Simulation, initialPositions } from '../ts/index.js';
import { sphereField } from '../ts/analysis/sphere/sphere.js';

type Options = Parameters<typeof Simulation.create>[0];
type Backend = 'wasm' | 'js';
type Precision = 'f64' | 'f32';

const COMBOS: { backend: Backend; precision: Precision; name: string }[] = [
  { backend: 'wasm', precision: 'f64', name: 'wasm/f64' },
  { backend: 'wasm', precision: 'f32', name: 'wasm/f32' },
  { backend: 'js', precision: 'f64', name: 'js/f64' },
  { backend: 'js', precision: 'f32', name: 'js/f32' },
];
const BACKENDS: Backend[] = ['wasm', 'js'];

/** Create, run `body`, always dispose. */
async function withSim<T>(opts: Options, body: (sim: Simulation) => T): Promise<T> {
  const sim = await Simulation.create(opts);
  try {
    return body(sim);
  } finally {
    sim.dispose();
  }
}

/** mulberry32 uniforms (test-local seeded PRNG) and Box–Muller normals. */
function rng(seed: number): { uniform: () => number; normal: () => number } {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    let u = uniform();
    while (u === 0) u = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  return { uniform, normal };
}

/** I + scale·G/√d with G Gaussian: a generic, non-symmetric d×d matrix. */
function generic(seed: number, d: number, scale: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0) + (scale * r.normal()) / Math.sqrt(d));
}

function normalizeRows(x: Float64Array, n: number, d: number): Float64Array {
  const out = Float64Array.from(x);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += out[i * d + c]! ** 2;
    s = Math.sqrt(s);
    for (let c = 0; c < d; c++) out[i * d + c] = out[i * d + c]! / s;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs((a[k] as number) - (b[k] as number)));
  return m;
}

function maxNormError(x: Float64Array, n: number, d: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += x[i * d + c]! ** 2;
    m = Math.max(m, Math.abs(Math.sqrt(s) - 1));
  }
  return m;
}

function minPairInner(x: Float64Array, n: number, d: number): number {
  let m = Infinity;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += x[i * d + c]! * x[j * d + c]!;
      m = Math.min(m, s);
    }
  }
  return m;
}

/** E_β = (1/(2βn²)) Σ_ij exp(β<x_i,x_j>) (SPEC §2.3, Q = K = I). */
function energy(x: Float64Array, n: number, d: number, beta: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let a = 0;
      for (let c = 0; c < d; c++) a += x[i * d + c]! * x[j * d + c]!;
      s += Math.exp(beta * a);
    }
  }
  return s / (2 * beta * n * n);
}

/** One step of the documented rk4 (SPEC §2.2: stages normalised, result normalised) built on sphereField. */
function refRk4Step(x: Float64Array, n: number, d: number, dt: number, f: (y: Float64Array) => Float64Array): Float64Array {
  const k1 = f(x);
  const stage = (k: Float64Array, c: number): Float64Array => normalizeRows(x.map((v, i) => v + c * k[i]!), n, d);
  const k2 = f(stage(k1, dt / 2));
  const k3 = f(stage(k2, dt / 2));
  const k4 = f(stage(k3, dt));
  return normalizeRows(
    x.map((v, i) => v + (dt / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!)),
    n,
    d,
  );
}

describe('SPEC 14: β = 0 and small β give consensus; tokens stay on the sphere', () => {
  for (const combo of COMBOS) {
    for (const d of [2, 3]) {
      for (const beta of [0, 0.05]) {
        it(`${combo.name}, d = ${d}, β = ${beta}: n = 16, rk4 dt = 0.05, T = 200`, async () => {
          const n = 16;
          const positions = initialPositions({ kind: 'sphere', n, d, seed: 1400 + d });
          const normTol = combo.precision === 'f64' ? 1e-9 : 1e-5;
          const final = await withSim(
            { model: 'sphere-sa', positions, n, d, beta, dt: 0.05, integrator: 'rk4', backend: combo.backend, precision: combo.precision },
            (sim) => {
              let worst = 0;
              for (let rec = 0; rec < 4000; rec++) {
                sim.step(1);
                worst = Math.max(worst, maxNormError(sim.positions(), n, d));
              }
              expect(sim.t).toBe(4000);
              expect(sim.time).toBeCloseTo(200, 9);
              expect(worst).toBeLessThanOrEqual(normTol);
              return sim.positions();
            },
          );
          expect(minPairInner(final, n, d)).toBeGreaterThan(1 - 1e-6);
        });
      }
    }
  }
});

describe('SPEC 5.7 (GLPR sphere.py): one cluster by T = 15', () => {
  // n = 64, d = 3, β = 1, Q = K = V = I, Gaussian start normalised, euler-raw dt = 0.1, 150 steps.
  // GLPR's statistics: the pair fraction above 0.999 and the count rank(1[<x_i,x_j> > 0.9999]); both
  // equal their single-cluster values when every pair exceeds 0.9999.
  for (const backend of BACKENDS) {
    for (const model of ['sphere-sa', 'sphere-usa'] as const) {
      it(`${backend}/f64, ${model}`, async () => {
        const n = 64;
        const d = 3;
        const positions = initialPositions({ kind: 'gaussian', n, d, seed: 57 });
        const x = await withSim({ model, positions, n, d, beta: 1, dt: 0.1, integrator: 'euler-raw', backend }, (sim) => sim.step(150).positions());
        expect(minPairInner(x, n, d)).toBeGreaterThan(0.9999);
      });
    }
  }
});

describe('SPEC 2.4: an antipodal pair is stationary (Q = K = V = I)', () => {
  for (const combo of COMBOS) {
    for (const model of ['sphere-sa', 'sphere-usa'] as const) {
      it(`${combo.name}, ${model}: (u, −u) stays put for 1000 rk4 steps`, async () => {
        const u = [0.6, -0.48, 0.64]; // unit: 0.36 + 0.2304 + 0.4096 = 1
        const positions = [u, u.map((v) => -v)];
        const tol = combo.precision === 'f64' ? 1e-12 : 1e-5;
        await withSim({ model, positions, beta: 1, dt: 0.05, backend: combo.backend, precision: combo.precision }, (sim) => {
          sim.step(1000);
          const x = sim.positions();
          expect(maxAbsDiff(x, [...u, ...u.map((v) => -v)])).toBeLessThanOrEqual(tol);
        });
      });
    }
  }
});

describe('the engine integrates the field of sphereField', () => {
  const n = 10;
  const d = 4;
  const Q = generic(11, d, 0.6);
  const K = generic(12, d, 0.6);
  const V = generic(13, d, 0.8);
  const x0 = initialPositions({ kind: 'sphere', n, d, seed: 77 });
  const dt = 0.1;
  for (const combo of COMBOS) {
    for (const variant of ['sa', 'usa'] as const) {
      const model = variant === 'sa' ? 'sphere-sa' : 'sphere-usa';
      const tol = combo.precision === 'f64' ? 1e-12 : 1e-5;
      // in f32 the state starts rounded to float32
      const start = combo.precision === 'f64' ? x0 : normalizeRows(Float64Array.from(Float32Array.from(x0)), n, d);
      const field = (y: Float64Array): Float64Array => sphereField(y, n, d, { Q, K, V, beta: 1.3, variant });
      const base = { model, positions: x0, n, d, Q, K, V, beta: 1.3, dt, backend: combo.backend, precision: combo.precision } as const;

      it(`${combo.name}, ${model}: one euler step = normalize(x + dt·F(x))`, async () => {
        const F = field(start);
        const want = normalizeRows(start.map((v, k) => v + dt * F[k]!), n, d);
        await withSim({ ...base, integrator: 'euler' }, (sim) => {
          sim.step(1);
          expect(maxAbsDiff(sim.positions(), want)).toBeLessThanOrEqual(tol);
        });
      });

      it(`${combo.name}, ${model}: one euler-raw step = normalize(x + dt·V y) (unprojected)`, async () => {
        const drift = sphereField(start, n, d, { Q, K, V, beta: 1.3, variant, projected: false });
        const want = normalizeRows(start.map((v, k) => v + dt * drift[k]!), n, d);
        // the projection matters here: the projected step is a different point
        const F = field(start);
        const projected = normalizeRows(start.map((v, k) => v + dt * F[k]!), n, d);
        expect(maxAbsDiff(want, projected)).toBeGreaterThan(1e-4);
        await withSim({ ...base, integrator: 'euler-raw' }, (sim) => {
          sim.step(1);
          expect(maxAbsDiff(sim.positions(), want)).toBeLessThanOrEqual(tol);
        });
      });

      it(`${combo.name}, ${model}: one rk4 step = the documented rk4 on sphereField`, async () => {
        const want = refRk4Step(start, n, d, dt, field);
        await withSim({ ...base, integrator: 'rk4' }, (sim) => {
          sim.step(1);
          expect(maxAbsDiff(sim.positions(), want)).toBeLessThanOrEqual(tol);
        });
      });
    }
  }
});

describe('rk4 converges at fourth order', () => {
  // smooth short run: T = 1, generic Q, K, V, β = 1; reference rk4 with dt = 1/1280
  const n = 8;
  const d = 3;
  const Q = generic(21, d, 0.5);
  const K = generic(22, d, 0.5);
  const V = generic(23, d, 0.7);
  const x0 = initialPositions({ kind: 'sphere', n, d, seed: 5 });
  for (const backend of BACKENDS) {
    for (const model of ['sphere-sa', 'sphere-usa'] as const) {
      it(`${backend}/f64, ${model}: halving dt divides the error by ~16`, async () => {
        const run = (steps: number): Promise<Float64Array> =>
          withSim({ model, positions: x0, n, d, Q, K, V, beta: 1, dt: 1 / steps, integrator: 'rk4', backend }, (sim) => {
            sim.step(steps);
            return sim.positions();
          });
        const ref = await run(1280);
        const errors: number[] = [];
        for (const steps of [10, 20, 40]) errors.push(maxAbsDiff(await run(steps), ref));
        // error ~ C dt⁴: ratios 2⁴ = 16 up to higher-order terms
        const r1 = errors[0]! / errors[1]!;
        const r2 = errors[1]! / errors[2]!;
        expect(errors[2]!).toBeGreaterThan(1e-11); // well above the reference's own error (~(1/1280)⁴)
        expect(r1).toBeGreaterThan(12);
        expect(r1).toBeLessThan(20);
        expect(r2).toBeGreaterThan(14);
        expect(r2).toBeLessThan(18);
      });
    }
  }
});

describe('SPEC 15: the energy E_β is non-decreasing (Q = K = V = I, n = 32, d = 3)', () => {
  const n = 32;
  const d = 3;
  const x0 = initialPositions({ kind: 'sphere', n, d, seed: 15 });
  const schemes = [
    { integrator: 'rk4', dt: 0.01 },
    { integrator: 'euler', dt: 0.1 },
  ] as const;
  for (const combo of COMBOS) {
    for (const beta of [1, 5]) {
      for (const { integrator, dt } of schemes) {
        for (const model of ['sphere-sa', 'sphere-usa'] as const) {
          // USA steps scaled by 1/max(√β e^(β−1/2), 1) (SPEC 5.8)
          const step = model === 'sphere-sa' ? dt : dt / Math.max(Math.sqrt(beta) * Math.exp(beta - 0.5), 1);
          it(`${combo.name}, ${model}, β = ${beta}, ${integrator} dt = ${step.toPrecision(4)}: 400 steps`, async () => {
            // f64: at most 1e-12·|E| lost per step (SPEC); f32: the state is rounded to float32
            // every step, which moves E by up to ~n²·β·1e-7 relative noise: allow 1e-5·|E|
            const slack = combo.precision === 'f64' ? 1e-12 : 1e-5;
            await withSim(
              { model, positions: x0, n, d, beta, dt: step, integrator, backend: combo.backend, precision: combo.precision },
              (sim) => {
                let e = energy(sim.positions(), n, d, beta);
                const e0 = e;
                let worst = Infinity;
                for (let s = 0; s < 400; s++) {
                  sim.step(1);
                  const next = energy(sim.positions(), n, d, beta);
                  worst = Math.min(worst, (next - e) / Math.abs(e));
                  e = next;
                }
                expect(worst).toBeGreaterThanOrEqual(-slack);
                expect(e).toBeGreaterThan(e0 * (1 + 1e-3)); // the run really moved
              },
            );
          });
        }
      }
    }
  }

  it('negative control: unscaled USA euler steps (β = 5, dt = 0.1) lose energy', async () => {
    // SPEC 15: "Unscaled steps fail" (one step lost 60% of E there); the monotonicity check above must be able to fail
    for (const backend of BACKENDS) {
      await withSim({ model: 'sphere-usa', positions: x0, n, d, beta: 5, dt: 0.1, integrator: 'euler', backend }, (sim) => {
        let e = energy(sim.positions(), n, d, 5);
        let worst = Infinity;
        for (let s = 0; s < 400; s++) {
          sim.step(1);
          const next = energy(sim.positions(), n, d, 5);
          worst = Math.min(worst, (next - e) / e);
          e = next;
        }
        expect(worst).toBeLessThan(-0.1);
      });
    }
  });
});

describe('wasm and js agree on the sphere models', () => {
  const n = 12;
  const d = 5;
  const Q = generic(31, d, 0.5);
  const K = generic(32, d, 0.5);
  const V = generic(33, d, 0.5);
  const x0 = initialPositions({ kind: 'sphere', n, d, seed: 9 });
  for (const precision of ['f64', 'f32'] as const) {
    for (const model of ['sphere-sa', 'sphere-usa'] as const) {
      for (const integrator of ['euler', 'euler-raw', 'rk4'] as const) {
        it(`${precision}, ${model}, ${integrator}: one step`, async () => {
          const opts = { model, positions: x0, n, d, Q, K, V, beta: 2, dt: 0.05, integrator, precision } as const;
          const a = await withSim({ ...opts, backend: 'wasm' }, (s) => s.step(1).positions());
          const b = await withSim({ ...opts, backend: 'js' }, (s) => s.step(1).positions());
          expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(precision === 'f64' ? 1e-12 : 1e-5);
        });
      }
      it(`${precision}, ${model}: 200 rk4 steps on a smooth input`, async () => {
        // β = 1 and moderate matrices: the flow's Lipschitz growth over T = 10 stays small, so the
        // per-step rounding differences (~1e-16 f64, ~1e-7 f32) stay within the one-step bounds
        const opts = { model, positions: x0, n, d, Q, K, V, beta: 1, dt: 0.05, integrator: 'rk4', precision } as const;
        const a = await withSim({ ...opts, backend: 'wasm' }, (s) => s.step(200).positions());
        const b = await withSim({ ...opts, backend: 'js' }, (s) => s.step(200).positions());
        expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(precision === 'f64' ? 1e-12 : 1e-5);
      });
    }
  }
});

describe('bad options are refused with a named TypeError/RangeError', () => {
  const positions = [
    [1, 0, 0],
    [0, 1, 0],
  ];
  const base: Options = { model: 'sphere-sa', positions };
  const cases: [string, Partial<Options> & Record<string, unknown>, typeof TypeError | typeof RangeError, RegExp][] = [
    ['dt = 0', { dt: 0 }, RangeError, /dt.*0/],
    ['dt < 0', { dt: -0.1 }, RangeError, /dt.*-0\.1/],
    ['dt = NaN', { dt: NaN }, RangeError, /dt.*NaN/],
    ['unknown integrator', { integrator: 'midpoint' as never }, TypeError, /integrator.*midpoint/],
    ['V of wrong length', { V: [1, 0, 0, 1] }, RangeError, /V.*4/],
    ['Q of wrong length', { Q: new Float64Array(8) }, RangeError, /Q.*8/],
    ['K with 2 rows', { K: [[1, 0, 0], [0, 1, 0]] }, RangeError, /K.*2/],
    ['alpha', { alpha: 1 }, TypeError, /alpha.*sphere-sa/],
    ['gamma', { gamma: 0.5 }, TypeError, /gamma.*sphere-sa/],
    ['h', { h: 1 }, TypeError, /'h'.*sphere-sa/],
    ['sphere', { sphere: true }, TypeError, /sphere.*sphere-sa/],
  ];
  for (const backend of BACKENDS) {
    for (const [what, extra, Err, msg] of cases) {
      it(`${backend}: ${what}`, async () => {
        const p = Simulation.create({ ...base, ...extra, backend } as Options);
        await expect(p).rejects.toThrow(Err);
        await expect(Simulation.create({ ...base, ...extra, backend } as Options)).rejects.toThrow(msg);
      });
    }
    it(`${backend}: a zero row in positions`, async () => {
      const p = Simulation.create({ model: 'sphere-usa', positions: [[1, 0], [0, 0]], backend });
      await expect(p).rejects.toThrow(RangeError);
      await expect(Simulation.create({ model: 'sphere-usa', positions: [[1, 0], [0, 0]], backend })).rejects.toThrow(/positions.*token 1/);
    });
  }
});
