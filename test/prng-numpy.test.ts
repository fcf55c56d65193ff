import { describe, it, expect } from 'vitest';
import { NumpyGenerator } from '../ts/prng-numpy.js';

// Every expected value below was produced once by numpy 2.4.6 itself
// (python3, numpy.__version__ == '2.4.6') and pasted here as literals;
// floats are repr(float(x)), i.e. the shortest round-tripping decimal, so the
// comparisons are exact (Object.is), not approximate.

function draw(g: NumpyGenerator, n: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) out.push(g.nextUint64());
  return out;
}

function randoms(g: NumpyGenerator, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(g.random());
  return out;
}

function expectExact(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Object.is(actual[i], expected[i]), `index ${i}: ${actual[i]} vs ${expected[i]}`).toBe(true);
  }
}

describe('NumpyGenerator matches np.random.default_rng', () => {
  it('raw PCG64 outputs for seed 42', () => {
    // python3 -c "import numpy as np; print([int(x) for x in np.random.default_rng(42).bit_generator.random_raw(8)])"
    expect(draw(new NumpyGenerator(42), 8)).toEqual([
      14276969152011380360n, 8095878257575067585n, 15838336090824644132n, 12864169557245331597n,
      1737265434024182251n, 17997055833233904524n, 14040549286955598961n, 14500327064922265408n,
    ]);
  });

  // python3 -c "
  // import numpy as np
  // for s in [0, 1, 12345, 2**63+5]:
  //     print(s, [int(x) for x in np.random.default_rng(s).bit_generator.random_raw(3)],
  //           [repr(float(x)) for x in np.random.default_rng(s).uniform(0.4, 1.0, size=3)],
  //           [repr(float(x)) for x in np.random.default_rng(s).random(2)])"
  const cases: { seed: number | bigint; raw: bigint[]; uniform: number[]; random: number[] }[] = [
    {
      seed: 0,
      raw: [11749869230777074271n, 4976686463289251617n, 755828109848996024n],
      uniform: [0.7821770123928726, 0.5618720282583222, 0.42458411436171684],
      random: [0.6369616873214543, 0.2697867137638703],
    },
    {
      seed: 1,
      raw: [9441442522235856127n, 17532960557476522086n, 2659275481604167885n],
      uniform: [0.707092974820154, 0.9702782177955612, 0.48649576763178026],
      random: [0.5118216247002567, 0.9504636963259353],
    },
    {
      seed: 12345,
      raw: [4193609425186963869n, 5843160025838961886n, 14708796524633321433n],
      uniform: [0.5364016134803018, 0.5900550038258517, 0.8784192743996404],
      random: [0.22733602246716966, 0.31675833970975287],
    },
    {
      seed: 2n ** 63n + 5n, // two uint32 entropy words
      raw: [8858737189621679469n, 16679054884034326486n, 11837840767329550784n],
      uniform: [0.6881398631939787, 0.9425040262082494, 0.7850383803242851],
      random: [0.48023310532329777, 0.9041733770137489],
    },
  ];
  for (const c of cases) {
    it(`seed ${c.seed}: random_raw, uniform(0.4, 1.0, 3), random(2)`, () => {
      expect(draw(new NumpyGenerator(c.seed), 3)).toEqual(c.raw);
      expectExact(new NumpyGenerator(c.seed).uniform(0.4, 1.0, 3), c.uniform);
      expectExact(randoms(new NumpyGenerator(c.seed), 2), c.random);
    });
  }

  it('number and bigint seeds give the same stream', () => {
    expect(draw(new NumpyGenerator(12345), 4)).toEqual(draw(new NumpyGenerator(12345n), 4));
  });

  it('uniform(0, 2π, 3) for seed 42, then uniform(0.4, 1.0, 3) from the same generator (cells.py)', () => {
    // python3 -c "
    // import numpy as np
    // g = np.random.default_rng(42)
    // print([repr(float(x)) for x in g.uniform(0, 2*np.pi, size=3)],
    //       [repr(float(x)) for x in g.uniform(0.4, 1.0, size=3)])"
    const g = new NumpyGenerator(42);
    expectExact(g.uniform(0, 2 * Math.PI, 3), [4.862909272689599, 2.757554564287996, 5.3947298351621535]);
    expectExact(g.uniform(0.4, 1.0, 3), [0.8184208174356183, 0.45650640873258974, 0.9853734109820536]);
  });

  it('κ = 3 polygon of cells.py (seed 42, equal_norm=True): first vertex ≈ (0.150, −0.989)', () => {
    const theta = new NumpyGenerator(42).uniform(0, 2 * Math.PI, 3);
    const t0 = theta[0]!;
    // numpy: cos = 0.14995256220679967, sin = -0.9886931925969835
    expect(Math.cos(t0)).toBeCloseTo(0.15, 3);
    expect(Math.sin(t0)).toBeCloseTo(-0.989, 3);
  });

  it('uniform with low == high and size 0', () => {
    expectExact(new NumpyGenerator(1).uniform(0, 0, 2), [0, 0]);
    expect(new NumpyGenerator(1).uniform(0, 1, 0).length).toBe(0);
  });
});

describe('NumpyGenerator errors', () => {
  it('RangeError for seeds that are negative, fractional or ≥ 2^64', () => {
    for (const bad of [-1, 1.5, 2 ** 64, -1n, 2n ** 64n, NaN, Infinity]) {
      expect(() => new NumpyGenerator(bad)).toThrow(RangeError);
    }
    expect(() => new NumpyGenerator(-1)).toThrow('seed must be a non-negative integer below 2^64; got -1');
    expect(() => new NumpyGenerator(2n ** 64n - 1n)).not.toThrow();
  });

  it('TypeError for a non-number seed', () => {
    expect(() => new NumpyGenerator('42' as unknown as number)).toThrow(TypeError);
  });

  it('RangeError for a negative or non-finite range, like numpy ValueError / OverflowError', () => {
    const g = new NumpyGenerator(1);
    expect(() => g.uniform(1, 0, 2)).toThrow(RangeError);
    expect(() => g.uniform(0, Infinity, 1)).toThrow(RangeError);
    expect(() => g.uniform(-1e308, 1e308, 1)).toThrow(RangeError);
    expect(() => g.uniform(0, 1, -1)).toThrow(RangeError);
  });
});
