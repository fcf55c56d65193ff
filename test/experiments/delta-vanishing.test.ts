/**
 * The delta-vanishing experiment (SPEC §5.4(c)) at --small size, run through
 * its `run` function. Expected values come from SPEC: on the §5.3 set every
 * vanishing schedule gives hardmax's 4 clusters with all tokens in S, and
 * constant δ = 0.5 leaves tokens outside S (SPEC quotes 3 at T = 4000; the
 * non-vertex limits (0.7503, 0.1880) and (0.2567, 0.9344) of §5.3 already
 * exist at 400 steps). An independent numpy run of SPEC's rule
 * (x ← x + γ(mean C_i − x), C_i = {j : a_ij ≥ m_i − δ − τ·max(1,|m_i|)}) gives
 * the same 3 tokens outside S at T = 400 and 2000.
 */
import { describe, expect, it } from 'vitest';
import { deltaVanishing } from '../../ts/experiments/delta-vanishing.js';
import type { ExperimentContext, ExperimentOutput } from '../../ts/experiments/types.js';

interface Row {
  delta0: number;
  key: string;
  clusters: number;
  outsideS: number;
  nonVertex: number;
  hausdorff: number;
  deltaAtT: number;
  lastMove: number;
}

const ctx: ExperimentContext = {
  small: true,
  backend: 'wasm',
  progress: () => {},
  map: async () => {
    throw new Error('unused');
  },
};

describe('delta-vanishing (SPEC §5.4(c)), --small', () => {
  let out: ExperimentOutput;
  const get = async (): Promise<ExperimentOutput> => (out ??= await deltaVanishing.run(ctx));

  it('§5.3 set: hardmax ends with 4 limits (the corners), every token in S', async () => {
    const s = (await get()).summary as { designed: { hardmax: { clusters: number; outsideS: number; centroids: number[] } } };
    expect(s.designed.hardmax.clusters).toBe(4);
    expect(s.designed.hardmax.outsideS).toBe(0);
    // SPEC §5.3, δ = 0: the four vertices (±1, ±1)
    const c = s.designed.hardmax.centroids;
    const pts = [];
    for (let k = 0; k < c.length; k += 2) pts.push(`${c[k]},${c[k + 1]}`);
    expect(pts.sort()).toEqual(['-1,-1', '-1,1', '1,-1', '1,1']);
  });

  it('§5.3 set: every vanishing schedule ends with hardmax’s 4 clusters, all tokens in S', async () => {
    const s = (await get()).summary as { designed: { rows: Row[] }; vanishingRecoversHardmaxStructure: boolean; T: number };
    const vanishing = s.designed.rows.filter((x) => x.key !== 'constant');
    expect(vanishing.map((x) => `${x.delta0}|${x.key}`).sort()).toEqual(['0.1|geometric', '0.1|harmonic', '0.1|square', '0.5|geometric', '0.5|harmonic', '0.5|square']);
    for (const x of vanishing) {
      expect(x.clusters, `${x.delta0} ${x.key}`).toBe(4);
      expect(x.outsideS, `${x.delta0} ${x.key}`).toBe(0);
      expect(x.lastMove, `${x.delta0} ${x.key}`).toBeLessThan(1e-12);
    }
    expect(s.vanishingRecoversHardmaxStructure).toBe(true);
  });

  it('§5.3 set: constant δ = 0.5 leaves 3 tokens outside S at 6 limits; constant δ = 0.1 leaves none', async () => {
    const s = (await get()).summary as { designed: { rows: Row[] } };
    const c5 = s.designed.rows.find((x) => x.key === 'constant' && x.delta0 === 0.5) as Row;
    expect(c5.outsideS).toBe(3);
    expect(c5.clusters).toBe(6); // SPEC §5.3, δ = 0.5: 6 limits
    expect(c5.lastMove).toBe(0); // stationary: the artifacts are limits, not a transient
    expect(c5.hausdorff).toBeGreaterThan(0.5); // (0.2567, 0.9344) is ≥ 0.74 from every corner
    const c1 = s.designed.rows.find((x) => x.key === 'constant' && x.delta0 === 0.1) as Row;
    expect(c1.outsideS).toBe(0);
    expect(c1.clusters).toBe(4);
  });

  it('the geometric schedule has vanished by T: ρ^T = 1e-12, δ(T) = 1e-12·δ0', async () => {
    const s = (await get()).summary as { T: number; rho: number; rhoPowT: number; designed: { rows: Row[] } };
    expect(s.T).toBe(400);
    expect(s.rhoPowT).toBeCloseTo(1e-12, 24);
    const g = s.designed.rows.filter((x) => x.key === 'geometric');
    for (const x of g) expect(x.deltaAtT / x.delta0).toBeCloseTo(1e-12, 24);
    // δ0/(t+1) at T = 400 is δ0/401, δ0/(t+1)² is δ0/401²
    const h = s.designed.rows.find((x) => x.key === 'harmonic' && x.delta0 === 0.5) as Row;
    expect(h.deltaAtT).toBeCloseTo(0.5 / 401, 15);
  });

  it('states the contrast with numbers in the headline and the report', async () => {
    const o = await get();
    const head = (o.headline ?? []).join('\n');
    expect(head).toMatch(/δ0 = 0\.5: 3\/10 outside S, 6 limits/);
    expect(head).toMatch(/6 end with 0 tokens outside S, 6 with hardmax’s 4 limits/);
    expect(typeof (o.summary as { contrast: unknown }).contrast).toBe('string');
    const text = o.sections.flatMap((sec) => sec.text ?? []).join('\n');
    expect(text).toContain((o.summary as { contrast: string }).contrast);
    const captions = o.sections.flatMap((sec) => (sec.figures ?? []).map((f) => f.caption ?? '')).join('\n');
    expect(captions).not.toMatch(/every token at a vertex/);
  });
});
