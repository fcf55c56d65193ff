/**
 * The multistability census (ts/experiments/census.ts; SPEC §5.10, test 17).
 *
 * SPEC 17 sanity table: d = 3, n = 8, V = diag(3,2,1), Q = K = I,
 * euler-raw with dt = 0.02 to T = 100, 40 random starts. Only β = 0 is
 * asserted (40/40 consensus on ±e_1: at β = 0 every token follows
 * dx_i/dt ∝ V x̄ projected, so x̄ follows Oja's flow to the principal
 * eigenvector); the β = 1 and β = 5 rows are [derived, numerical] and are
 * logged, not asserted.
 */
import { describe, expect, it } from 'vitest';
import { multistabilityCensus } from '../../ts/experiments/census.js';
import type { CensusOptions, CensusResult } from '../../ts/experiments/census.js';
import { classifyEquilibrium } from '../../ts/analysis/sphere/sphere.js';

const V321 = [3, 0, 0, 0, 2, 0, 0, 0, 1];
const TABLE: CensusOptions = { n: 8, d: 3, V: V321, beta: 0, runs: 40, seed: 1700, T: 100, dt: 0.02, integrator: 'euler-raw', backend: 'wasm' };

function splits(c: CensusResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of c.results) {
    const key = `${r.class} ${r.multiplicities.join('/')} e${r.eigenIndex}${r.converged ? '' : ' (moving at T)'}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

function checkShape(c: CensusResult, runs: number): void {
  expect(c.runs).toBe(runs);
  expect(c.results.length).toBe(runs);
  expect(c.counts.consensus + c.counts.bipartite + c.counts.clustering + c.counts.other).toBe(runs);
  const axisTotal = (t: Record<string, number>): number => Object.values(t).reduce((a, b) => a + b, 0);
  expect(axisTotal(c.byEigenIndex.consensus)).toBe(c.counts.consensus);
  expect(axisTotal(c.byEigenIndex.bipartite)).toBe(c.counts.bipartite);
  expect(c.unconverged.length).toBe(c.results.filter((r) => !r.converged).length);
  for (const [cls, list] of Object.entries(c.examples)) {
    expect(list.length).toBeLessThanOrEqual(3);
    expect(list.length).toBe(Math.min(3, c.counts[cls as keyof typeof c.counts]));
    for (const ex of list) {
      expect(ex.classification.class).toBe(cls);
      expect(c.results[ex.run]!.class).toBe(cls);
    }
  }
  c.results.forEach((r, k) => {
    expect(r.run).toBe(k);
    expect(r.seed).toBe((c.results[0]?.seed ?? 0) + k);
  });
}

describe('SPEC 17 sanity table (d = 3, n = 8, V = diag(3,2,1), euler-raw dt = 0.02, T = 100, 40 starts)', () => {
  it('β = 0: 40/40 consensus on ±e_1, all converged and linearly stable', async () => {
    const c = await multistabilityCensus({ ...TABLE, beta: 0, stability: true });
    checkShape(c, 40);
    expect(c.counts).toEqual({ consensus: 40, bipartite: 0, clustering: 0, other: 0 });
    expect(c.byEigenIndex.consensus).toEqual({ '0': 40 });
    expect(c.unconverged).toEqual([]);
    for (const r of c.results) {
      expect(Math.abs(Math.abs(r.axis![0]!) - 1)).toBeLessThan(1e-6);
      expect(r.fieldNorm).toBeLessThanOrEqual(1e-8);
      // consensus on e_1 with V = diag(3,2,1): spectrum {−1, −2, −3 ×14}, all negative
      expect(r.verdict).toBe('stable');
      expect(r.maxReducedRe!).toBeCloseTo(-1, 5);
    }
    // examples are real final states: classifying them again gives the same answer
    for (const ex of c.examples.consensus) {
      expect(classifyEquilibrium(ex.positions, 8, 3, { V: V321, beta: 0 }).class).toBe('consensus');
    }
  });

  for (const beta of [1, 5]) {
    it(`β = ${beta}: recorded (SPEC: ${beta === 1 ? '~38 consensus, 2 bipartite, all on e_1' : 'mostly bipartite on e_1, many sign splits'})`, async () => {
      const c = await multistabilityCensus({ ...TABLE, beta, stability: true });
      checkShape(c, 40);
      const verdicts: Record<string, number> = {};
      for (const r of c.results) verdicts[r.verdict!] = (verdicts[r.verdict!] ?? 0) + 1;
      console.log(
        `SPEC 17, β = ${beta}: counts ${JSON.stringify(c.counts)}; by eigenspace ${JSON.stringify(c.byEigenIndex)}; ` +
          `moving at T = 100: ${c.unconverged.length} (max fieldNorm ${Math.max(0, ...c.unconverged.map((r) => r.fieldNorm)).toExponential(1)}); ` +
          `verdicts ${JSON.stringify(verdicts)}\n  outcomes ${JSON.stringify(splits(c))}`,
      );
    });
  }
});

describe('census mechanics', () => {
  const small: CensusOptions = { ...TABLE, runs: 8, T: 40 };

  it('is reproducible: the same seed gives the same results; wasm and js agree', async () => {
    const a = await multistabilityCensus({ ...small, beta: 1 });
    const b = await multistabilityCensus({ ...small, beta: 1 });
    expect(b.results).toEqual(a.results);
    const j = await multistabilityCensus({ ...small, beta: 1, backend: 'js' });
    expect(j.results.map((r) => [r.class, r.multiplicities, r.eigenIndex])).toEqual(a.results.map((r) => [r.class, r.multiplicities, r.eigenIndex]));
  });

  it('β = 0: SA and USA are the same ODE (weights 1/n), so the outcomes agree', async () => {
    const sa = await multistabilityCensus({ ...small, beta: 0 });
    const usa = await multistabilityCensus({ ...small, beta: 0, variant: 'usa' });
    expect(usa.results.map((r) => [r.class, r.multiplicities, r.eigenIndex])).toEqual(sa.results.map((r) => [r.class, r.multiplicities, r.eigenIndex]));
    expect(sa.counts.consensus).toBe(8);
  });

  it('runs still moving at T are listed as unconverged (and still classified)', async () => {
    const c = await multistabilityCensus({ ...small, beta: 0, T: 0.1 });
    checkShape(c, 8);
    expect(c.unconverged.length).toBe(8);
    for (const r of c.unconverged) {
      expect(r.converged).toBe(false);
      expect(r.steps).toBe(5);
      expect(r.fieldNorm).toBeGreaterThan(1e-8);
    }
  });

  it('keeps at most `examples` states per class', async () => {
    const c = await multistabilityCensus({ ...small, beta: 0, examples: 1 });
    expect(c.examples.consensus.length).toBe(1);
    expect(c.examples.consensus[0]!.positions.length).toBe(24);
  });

  it('refuses bad options with named errors', async () => {
    await expect(multistabilityCensus({ ...small, runs: 0 })).rejects.toThrow(/runs.*0/);
    await expect(multistabilityCensus({ ...small, runs: 0 })).rejects.toThrow(RangeError);
    await expect(multistabilityCensus({ ...small, dt: -1 })).rejects.toThrow(/dt.*-1/);
    await expect(multistabilityCensus({ ...small, T: NaN })).rejects.toThrow(/T.*NaN/);
    await expect(multistabilityCensus({ ...small, d: 1 })).rejects.toThrow(/d.*1/);
    await expect(multistabilityCensus({ ...small, seed: -1 })).rejects.toThrow(/seed.*-1/);
    await expect(multistabilityCensus({ ...small, tolerances: { field: -1 } })).rejects.toThrow(/tolerances\.field.*-1/);
    await expect(multistabilityCensus({ ...small, variant: 'xa' as never })).rejects.toThrow(TypeError);
    await expect(multistabilityCensus({ ...small, runz: 3 } as never)).rejects.toThrow(/runz/);
    // model options are checked by Simulation.create
    await expect(multistabilityCensus({ ...small, V: [1, 0, 0, 1] })).rejects.toThrow(/V.*4/);
    await expect(multistabilityCensus({ ...small, integrator: 'leapfrog' as never })).rejects.toThrow(/integrator.*leapfrog/);
  });
});
