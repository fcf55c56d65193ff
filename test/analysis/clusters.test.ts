/**
 * Single-linkage clusters (SPEC §3 "Clusters"): against an O(n²) brute-force
 * union-find written here, hand cases (chains, tolerance boundaries, label
 * order) and the sphere criterion.
 */
import { describe, expect, test } from 'vitest';
import { clusters, sphereClusters, distinctPoints } from '../../ts/analysis/attention/clusters.js';
import { COMBOS, Rng, randomCloud, withSim, flatten } from '../helpers.js';

const arr = (a: ArrayLike<number>): number[] => Array.from(a);

/** Brute force: union every linked pair, then number the components by first appearance. */
function bruteLabels(n: number, linked: (i: number, j: number) => boolean): number[] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] as number;
    return i;
  };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (linked(i, j)) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const label = new Map<number, number>();
  return Array.from({ length: n }, (_, i) => {
    const r = find(i);
    if (!label.has(r)) label.set(r, label.size);
    return label.get(r) as number;
  });
}

function euclid(x: ArrayLike<number>, d: number, tol: number) {
  return (i: number, j: number): boolean => {
    let s = 0;
    for (let c = 0; c < d; c++) s += ((x[i * d + c] as number) - (x[j * d + c] as number)) ** 2;
    return Math.sqrt(s) <= tol;
  };
}

/** k centres in [−1,1]^d, each token a centre plus noise of size `noise`, in random order. */
function planted(seed: number, n: number, d: number, k: number, noise: number): Float64Array {
  const rng = new Rng(seed);
  const centres = randomCloud(seed + 1, k, d, 'uniform');
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = rng.int(k);
    for (let r = 0; r < d; r++) x[i * d + r] = (centres[c * d + r] as number) + noise * rng.range(-1, 1);
  }
  return x;
}

describe('clusters against brute force', () => {
  const cases: [number, number, number, number, number][] = [
    // n, d, clusters, noise, tol
    [200, 1, 6, 1e-3, 1e-2],
    [300, 2, 8, 1e-7, 1e-6],
    [300, 2, 8, 0.02, 0.03], // noise comparable to tol: chaining inside clusters
    [250, 3, 5, 0.05, 0.04],
    [200, 5, 10, 0.1, 0.15],
    [150, 16, 4, 0.05, 0.2],
    [400, 2, 40, 0.05, 0.1], // clusters touching each other
  ];
  for (const [n, d, k, noise, tol] of cases) {
    test(`n=${n} d=${d} k=${k} noise=${noise} tol=${tol}`, () => {
      for (const seed of [1, 2, 3]) {
        const x = planted(seed * 100 + d, n, d, k, noise);
        const want = bruteLabels(n, euclid(x, d, tol));
        const got = clusters(x, n, d, tol);
        expect(arr(got.labels), `seed ${seed}`).toEqual(want);
        expect(got.count).toBe(Math.max(...want) + 1);
        expect(distinctPoints(x, n, d, tol)).toBe(got.count);
      }
    });
  }

  test('uniform clouds at several tolerances (lots of chaining)', () => {
    for (const d of [2, 3, 6]) {
      const n = 300;
      const x = randomCloud(50 + d, n, d, 'uniform');
      for (const tol of [0.01, 0.1, 0.2, 0.35, 0.6]) {
        expect(arr(clusters(x, n, d, tol).labels), `d=${d} tol=${tol}`).toEqual(bruteLabels(n, euclid(x, d, tol)));
      }
    }
  });

  test('sizes and centroids', () => {
    const n = 120;
    const d = 3;
    const x = planted(7, n, d, 5, 1e-4);
    const r = clusters(x, n, d, 1e-3);
    const sizes = new Array(r.count).fill(0);
    const sums = new Array(r.count * d).fill(0);
    for (let i = 0; i < n; i++) {
      const l = r.labels[i] as number;
      sizes[l]++;
      for (let c = 0; c < d; c++) sums[l * d + c] += x[i * d + c] as number;
    }
    expect(arr(r.sizes)).toEqual(sizes);
    for (let k = 0; k < r.count * d; k++) expect(r.centroids[k]).toBeCloseTo(sums[k] / sizes[Math.floor(k / d)], 14);
    expect(r.centroids.length).toBe(r.count * d);
  });
});

describe('hand cases', () => {
  test('chains: spacing 0.9·tol is one cluster (transitivity), 1.1·tol is n clusters', () => {
    const tol = 0.01;
    const n = 60;
    const rng = new Rng(5);
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const [step, want] of [
      [0.9, 1],
      [1.1, n],
    ] as const) {
      // along a diagonal of R^3, tokens in shuffled order
      const x = new Float64Array(n * 3);
      const u = [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)];
      order.forEach((k, i) => {
        for (let c = 0; c < 3; c++) x[i * 3 + c] = 0.2 + k * step * tol * (u[c] as number);
      });
      expect(clusters(x, n, 3, tol).count, `step ${step}`).toBe(want);
      // the same chain in 2D and 1D
      const y = Float64Array.from(order, (k) => k * step * tol);
      expect(clusters(y, n, 1, tol).count, `1D step ${step}`).toBe(want);
    }
    // two chains whose ends are 1.5·tol apart stay two clusters; 0.5·tol apart merge
    const two = (gap: number) => flatten([...Array(20).keys()].map((k) => [k * 0.9 * tol, 0]).concat([...Array(20).keys()].map((k) => [19 * 0.9 * tol + gap * tol + k * 0.9 * tol, 0])));
    expect(clusters(two(1.5), 40, 2, tol).count).toBe(2);
    expect(clusters(two(0.5), 40, 2, tol).count).toBe(1);
  });

  test('tolerance boundary: |x_i − x_j| = tol is linked, tol − ulp is not', () => {
    // (0,0) and (0.375, 0.5): |.|² = 0.140625 + 0.25 = 0.390625 exactly, distance 0.625
    const x = [0, 0, 0.375, 0.5];
    expect(clusters(x, 2, 2, 0.625).count).toBe(1);
    const below = 0.625 - 2 ** -53;
    expect(below < 0.625).toBe(true);
    expect(clusters(x, 2, 2, below).count).toBe(2);
  });

  test('labels by first appearance; sizes and centroids follow the labels', () => {
    // B, A, B, C, A with A = (0,0), B = (5,5), C = (−3, 1)
    const x = [5, 5, 0, 0, 5, 5, -3, 1, 0, 1e-9];
    const r = clusters(x, 5, 2, 1e-6);
    expect(r.count).toBe(3);
    expect(arr(r.labels)).toEqual([0, 1, 0, 2, 1]);
    expect(arr(r.sizes)).toEqual([2, 2, 1]);
    expect(arr(r.centroids)).toEqual([5, 5, 0, 5e-10, -3, 1]);
  });

  test('default tol = 1e-6·max(1,R); tol = 0 merges exact copies only; tol = Infinity merges all', () => {
    // R = 100 -> tol = 1e-4
    const near = [100, 0, 100, 0.9e-4, 0, 0];
    expect(clusters(near, 3, 2).count).toBe(2);
    const far = [100, 0, 100, 1.1e-4, 0, 0];
    expect(clusters(far, 3, 2).count).toBe(3);
    // R <= 1 -> tol = 1e-6
    expect(clusters([0.5, 0, 0.5, 0.9e-6], 2, 2).count).toBe(1);
    expect(clusters([0.5, 0, 0.5, 1.1e-6], 2, 2).count).toBe(2);
    const dup = [1, 2, 1, 2, 1, 2 + 1e-15, -0, 0, 0, -0];
    expect(arr(clusters(dup, 5, 2, 0).labels)).toEqual([0, 0, 1, 2, 2]);
    expect(clusters(randomCloud(3, 50, 4), 50, 4, Infinity).count).toBe(1);
    expect(arr(clusters([7, 7, 7], 1, 3).labels)).toEqual([0]);
  });

  test('a large clustered state is fast and exact (20000 tokens in 4 points of noise 1e-9)', () => {
    const n = 20000;
    const x = planted(9, n, 2, 4, 1e-9);
    const r = clusters(x, n, 2);
    expect(r.count).toBe(4);
    expect(arr(r.sizes).reduce((a, b) => a + b, 0)).toBe(n);
  });

  test('validation', () => {
    expect(() => clusters([0, 0], 1, 2, -1)).toThrow(/tol must be a number >= 0 \(Infinity allowed\); got -1/);
    expect(() => clusters([0, 0], 1, 2, NaN)).toThrow(RangeError);
    expect(() => clusters([0, NaN], 1, 2)).toThrow(/x\[1\].*must be finite; got NaN/);
    expect(() => clusters([0, 0], 2, 2)).toThrow(/x.length must be n\*d = 2\*2 = 4; got 2/);
    expect(() => sphereClusters([1, 0], 1, 2, -0.5)).toThrow(/tolS must be a number >= 0/);
    expect(() => distinctPoints([1, 0], 1, 0)).toThrow(/d must be an integer >= 1; got 0/);
  });
});

describe('sphere clusters', () => {
  test('unit circle: linked iff cos(Δθ) >= 1 − tolS, closed transitively', () => {
    // angles 0, 0.001, 0.002 (a chain), 1, 1.0005, π (antipodal to 0)
    const th = [0, 0.001, 0.002, 1, 1.0005, Math.PI];
    const x = th.flatMap((t) => [Math.cos(t), Math.sin(t)]);
    // 1 − cos(0.001) ≈ 5e-7 <= 1e-6; 1 − cos(0.002) ≈ 2e-6 > 1e-6 but the chain links them
    expect(arr(sphereClusters(x, 6, 2).labels)).toEqual([0, 0, 0, 1, 1, 2]);
    // tolS = 1e-7: 5e-7 > 1e-7 for Δθ = 0.001, but 1 − cos(0.0005) ≈ 1.25e-7 > 1e-7 too
    expect(arr(sphereClusters(x, 6, 2, 1e-7).labels)).toEqual([0, 1, 2, 3, 4, 5]);
    // tolS = 2: everything (<x,y> >= −1)
    expect(sphereClusters(x, 6, 2, 2).count).toBe(1);
  });

  test('boundary: <x,y> = 1 − tolS exactly is linked', () => {
    // (1,0)·(0.6,0.8) = 0.6 exactly; 1 − 0.4 = 0.6 exactly
    const x = [1, 0, 0.6, 0.8];
    expect(sphereClusters(x, 2, 2, 0.4).count).toBe(1);
    expect(sphereClusters(x, 2, 2, 0.4 - 2 ** -54).count).toBe(2);
  });

  test('planted clusters on S² against brute force', () => {
    for (const [tolS, noise] of [
      [1e-6, 1e-4],
      [1e-4, 1e-2],
      [1e-2, 0.1],
    ] as const) {
      const n = 200;
      const raw = planted(31, n, 3, 7, noise);
      const x = new Float64Array(n * 3);
      for (let i = 0; i < n; i++) {
        const r = Math.hypot(raw[i * 3] as number, raw[i * 3 + 1] as number, raw[i * 3 + 2] as number);
        for (let c = 0; c < 3; c++) x[i * 3 + c] = (raw[i * 3 + c] as number) / r;
      }
      const want = bruteLabels(n, (i, j) => {
        let s = 0;
        for (let c = 0; c < 3; c++) s += (x[i * 3 + c] as number) * (x[j * 3 + c] as number);
        return s >= 1 - tolS;
      });
      expect(arr(sphereClusters(x, n, 3, tolS).labels), `tolS ${tolS}`).toEqual(want);
    }
  });
});

describe('same result on a view, a copy, a Float32Array and a plain array', () => {
  for (const combo of COMBOS) {
    test(combo.name, async () => {
      const n = 48;
      const d = 2;
      const x0 = randomCloud(61, n, d);
      await withSim({ model: 'hardmax', positions: x0, n, d, alpha: 1, backend: combo.backend, precision: combo.precision }, (sim) => {
        sim.step(40); // tokens collapse towards the leaders: clusters at several scales
        const run = (x: ArrayLike<number>) => ({
          c: clusters(x, n, d),
          c3: clusters(x, n, d, 1e-3),
          s: sphereClusters(x, n, d, 1e-3),
          k: distinctPoints(x, n, d, 1e-8),
        });
        const fromView = run(sim.view()); // read at once, before any other kernel call
        const copy = sim.positions();
        const fromCopy = run(copy);
        expect(fromView).toEqual(fromCopy);
        expect(run(Array.from(copy))).toEqual(fromCopy);
        if (combo.precision === 'f32') expect(run(Float32Array.from(copy))).toEqual(fromCopy);
        expect(fromCopy.c.count).toBeLessThan(n);
        expect(Array.from(sim.view())).toEqual(Array.from(copy)); // not mutated
      });
    });
  }
});
