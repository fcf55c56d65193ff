/**
 * Issue 13: the tree engine of the threshold models (hardmax, localmax,
 * frank-wolfe) in d <= 3 against the dense engine, the canonical reference.
 *
 * Membership: one step with γ = 1 sets x_i to the mean of its members C_i;
 * the two engines sum the same members in different orders, so they agree
 * to rounding, while a single member more or less moves a mean by about
 * |x_j − mean| / |C_i| (here ≥ 1e-4), far above the tolerance. Then 50 steps
 * of a real run, the threshold-exact configurations (SPEC P6's square, the
 * AFZ cases), wasm against js bit for bit (the js backend mirrors the
 * kernel's tree), threads, the overflow fallback, and the option.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, initialPositions } from '../ts/index.js';
import { SplitMix64 } from '../ts/prng.js';
import { afzCases } from '../ts/experiments/afz-figure2.js';
import { AUTO_TREE_MIN_N } from '../ts/validate.js';
import type { BackendName, Precision } from '../ts/types.js';

type Opts = Record<string, unknown>;

async function final(opts: Opts, steps: number): Promise<Float64Array> {
  const sim = await Simulation.create(opts as never);
  try {
    sim.step(steps);
    return sim.positions();
  } finally {
    sim.dispose();
  }
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs((a[k] as number) - (b[k] as number)));
  return m;
}

/** Point sets of every kind: random, clustered (exact duplicates + tiny spread), collinear, duplicated, all equal. */
function clouds(n: number, d: number, seed: number): Record<string, Float64Array> {
  const rng = new SplitMix64(seed);
  const u = () => 2 * rng.nextFloat() - 1;
  const random = Float64Array.from({ length: n * d }, u);
  const centres = Array.from({ length: 6 * d }, u);
  const clustered = new Float64Array(n * d);
  for (let j = 0; j < n; j++) {
    for (let c = 0; c < d; c++) clustered[j * d + c] = (centres[(j % 6) * d + c] as number) + (j % 3 === 0 ? 0 : 0.01 * u());
  }
  const dir = Array.from({ length: d }, u);
  const collinear = new Float64Array(n * d);
  for (let j = 0; j < n; j++) {
    const s = u();
    for (let c = 0; c < d; c++) collinear[j * d + c] = s * (dir[c] as number);
  }
  const duplicated = new Float64Array(n * d);
  for (let j = 0; j < n; j++) for (let c = 0; c < d; c++) duplicated[j * d + c] = random[(j % 37) * d + c] as number;
  const equal = Float64Array.from({ length: n * d }, (_, k) => [0.3, -0.7, 0.2][k % d] as number);
  return { random, clustered, collinear, duplicated, equal };
}

const A3 = [1, 0.4, -0.2, 0.1, 0.8, 0.3, -0.5, 0.2, 1.1];
const matrix = (d: number): number[] => Array.from({ length: d * d }, (_, k) => A3[Math.floor(k / d) * 3 + (k % d)] as number);

describe('tree engine: the dense members (one step, γ = 1)', () => {
  for (const precision of ['f64', 'f32'] as Precision[]) {
    for (const d of [1, 2, 3]) {
      it(`d = ${d}, ${precision}: random, clustered, collinear, duplicated, all equal × A = I, general A × hardmax, localmax, frank-wolfe`, async () => {
        const n = 600;
        const tol = precision === 'f64' ? 1e-13 : 1e-5;
        for (const [kind, x] of Object.entries(clouds(n, d, 7 + d))) {
          for (const A of [null, matrix(d)]) {
            for (const [model, extra] of [
              ['hardmax', {}],
              ['localmax', { delta: 0.3 }],
              ['localmax', { delta: 0.02 }],
              ['frank-wolfe', {}],
            ] as [string, Opts][]) {
              const base = { model, positions: x, n, d, A, precision, backend: 'wasm', ...extra, ...(model === 'frank-wolfe' ? {} : { gamma: 1 }) };
              const dense = await final({ ...base, engine: 'dense' }, 1);
              const tree = await final({ ...base, engine: 'tree' }, 1);
              expect(maxDiff(dense, tree), `${kind} ${model} ${JSON.stringify(extra)} A=${A !== null}`).toBeLessThanOrEqual(tol);
            }
          }
        }
      }, 60_000);
    }
  }
});

describe('tree engine: a real run', () => {
  it('50 steps of localmax and hardmax (f64) stay within 1e-13 of the dense engine; js and wasm trees agree bit for bit', async () => {
    for (const d of [1, 2, 3]) {
      const n = 1500;
      const x = initialPositions({ kind: 'uniform', n, d, seed: 3 });
      for (const extra of [{ model: 'localmax', delta: 0.1 }, { model: 'localmax', delta: 0.5, A: matrix(d) }, { model: 'hardmax' }] as Opts[]) {
        const base = { positions: x, n, d, ...extra };
        const dense = await final({ ...base, engine: 'dense', backend: 'wasm' }, 50);
        const tree = await final({ ...base, engine: 'tree', backend: 'wasm' }, 50);
        const js = await final({ ...base, engine: 'tree', backend: 'js' }, 50);
        const scale = Math.max(1, ...Array.from(dense, Math.abs));
        expect(maxDiff(dense, tree) / scale, `d = ${d} ${JSON.stringify(extra.model)} ${extra.delta}`).toBeLessThanOrEqual(1e-13);
        expect(maxDiff(tree, js), 'js tree = wasm tree').toBe(0);
      }
    }
  }, 120_000);

  it('on threshold-exact configurations (P6 square, the AFZ cases) it reaches the dense limits', async () => {
    const square = [1, 1, 1, -1, -1, -1, -1, 1, 1, 0.01];
    for (const delta of [0.05, 0]) {
      const base = { model: 'localmax', positions: square, n: 5, d: 2, alpha: 0.5, delta };
      expect(maxDiff(await final({ ...base, engine: 'dense' }, 60), await final({ ...base, engine: 'tree' }, 60))).toBeLessThanOrEqual(1e-12);
    }
    for (const c of afzCases()) {
      const positions = c.rows.flat();
      const base = { model: 'hardmax', positions, n: c.rows.length, d: 2, alpha: 0.5 };
      const dense = await final({ ...base, engine: 'dense' }, 30);
      const tree = await final({ ...base, engine: 'tree' }, 30);
      expect(maxDiff(dense, tree), `AFZ case ${c.id}`).toBeLessThanOrEqual(1e-12);
    }
  });

  it('threads 2 give the one-thread tree result bit for bit', async () => {
    const n = 3000;
    const x = initialPositions({ kind: 'uniform', n, d: 2, seed: 5 });
    const base = { model: 'localmax', delta: 0.1, positions: x, n, d: 2, engine: 'tree', backend: 'wasm' };
    expect(maxDiff(await final({ ...base, threads: 0 }, 10), await final({ ...base, threads: 2 }, 10))).toBe(0);
  }, 60_000);

  it('where alignments could overflow, rows take the dense rule: bit-identical to the dense engine', async () => {
    // Validation keeps ‖A‖·R²·d below 1e300 at t = 0; the tokens sit near (4.9e149, 4.9e149) and a
    // residual step x + y doubles them, so at the second step every row's max|q|·max Σ|x| passes the kernel's SAFE (1e300) and rows go by the scalar rule.
    // Step 1 (δ = 0) has one member per row, exact in any order; step 2 (δ = 1e299) sums all 300
    // tokens, which the tree order would round differently from ascending j.
    const n = 300;
    const x = initialPositions({ kind: 'uniform', n, d: 2, seed: 9 }).map((v) => 4.9e149 + 1e148 * v);
    for (const backend of ['wasm', 'js'] as BackendName[]) {
      const base = { model: 'localmax', delta: (t: number) => (t === 0 ? 0 : 1e299), positions: x, n, d: 2, backend, V: [1, 0, 0, 1], h: 1 };
      const dense = await final({ ...base, engine: 'dense' }, 2);
      expect(Math.max(...Array.from(dense, Math.abs))).toBeGreaterThan(1e150);
      expect(maxDiff(dense, await final({ ...base, engine: 'tree' }, 2)), backend).toBe(0);
    }
  });
});

describe('the engine option', () => {
  it("is reported by sim.engine; 'auto' takes the tree in d <= 3 from AUTO_TREE_MIN_N of the model", async () => {
    const make = async (o: Opts) => {
      const sim = await Simulation.create(o as never);
      const e = sim.engine;
      sim.dispose();
      return e;
    };
    const N = AUTO_TREE_MIN_N.localmax;
    const H = AUTO_TREE_MIN_N.hardmax;
    const x = (n: number, d: number) => initialPositions({ kind: 'uniform', n, d, seed: 1 });
    expect(await make({ model: 'localmax', positions: x(N, 2), n: N, d: 2 })).toBe('tree');
    expect(await make({ model: 'hardmax', positions: x(H, 3), n: H, d: 3, engine: 'auto' })).toBe('tree');
    expect(await make({ model: 'hardmax', positions: x(H - 1, 1), n: H - 1, d: 1 })).toBe('dense');
    expect(await make({ model: 'localmax', positions: x(N - 1, 2), n: N - 1, d: 2 })).toBe('dense');
    expect(await make({ model: 'localmax', positions: x(N, 4), n: N, d: 4 })).toBe('dense');
    expect(await make({ model: 'softmax', positions: x(N, 2), n: N, d: 2 })).toBe('dense');
    expect(await make({ model: 'localmax', positions: x(10, 2), n: 10, d: 2, engine: 'tree' })).toBe('tree');
    expect(await make({ model: 'localmax', positions: x(N, 2), n: N, d: 2, engine: 'dense' })).toBe('dense');
  });

  it('refuses what cannot run, naming the option', async () => {
    const x = initialPositions({ kind: 'uniform', n: 10, d: 4, seed: 1 });
    await expect(Simulation.create({ model: 'localmax', positions: x, n: 10, d: 4, engine: 'tree' })).rejects.toThrow(/engine.*d <= 3/);
    await expect(Simulation.create({ model: 'softmax', positions: x, n: 10, d: 4, engine: 'tree' })).rejects.toThrow(RangeError);
    await expect(Simulation.create({ model: 'softmax', positions: x, n: 10, d: 4, engine: 'tree' })).rejects.toThrow(/engine/);
    await expect(Simulation.create({ model: 'localmax', positions: x, n: 10, d: 4, engine: 'kd' as never })).rejects.toThrow(/engine/);
  });
});
