/**
 * SPEC §5.9 clustering cases: the measuring helpers on hand-made sets, and
 * the experiment's findings at reduced size against the paper's claims
 * (polytope for V = I, parallel hyperplanes for an entrywise positive V,
 * a polytope in the first coordinates and free last coordinate for
 * V = diag(1, 1, −0.5)).
 */
import { describe, expect, it } from 'vitest';
import { clusteringCases, clusters1d, fitNormal } from '../../ts/experiments/clustering-cases.js';

describe('clustering-cases helpers', () => {
  it('clusters1d splits at gaps above tol·range', () => {
    expect(clusters1d([0, 0.01, 10, 10.02, 5], 0.02)).toEqual([0.005, 5, 10.01]);
    expect(clusters1d([1, 1, 1], 0.1)).toEqual([1]);
    expect(clusters1d([], 0.1)).toEqual([]);
  });
  it('fitNormal finds the normal of points on two parallel lines (normal (1, 1)/√2, levels ±2)', () => {
    const pts: number[] = [];
    for (const c of [-2, 2]) for (const s of [-3, -1, 0.5, 2, 4]) pts.push((c - s) / Math.SQRT2, (c + s) / Math.SQRT2);
    const fit = fitNormal(Float64Array.from(pts), 10, 2, 0.02);
    expect(fit.count).toBe(2);
    const angle = (Math.acos(Math.abs(fit.normal[0]! + fit.normal[1]!) / Math.SQRT2) * 180) / Math.PI;
    expect(angle).toBeLessThan(0.1);
    expect(fit.levels.map((l) => Math.abs(l))).toEqual([expect.closeTo(2, 2), expect.closeTo(2, 2)]);
  });
});

describe('clustering-cases at reduced size (euler)', () => {
  it("finds the paper's geometry: vertices for V = I, two lines normal to V's leading left eigenvector, a polytope × a free axis", async () => {
    const out = await clusteringCases.run({ small: true, backend: 'wasm', progress: () => {}, map: async () => { throw new Error('unused'); } });
    const rows = (out.summary as { rows: Record<string, unknown>[] }).rows;
    const get = (id: string): Record<string, unknown> => rows.find((x) => x.case === id && x.integrator === 'euler')!;
    const poly = get('polytope');
    expect(poly.boundaryTokens).toBe(0);
    expect(poly.interiorTokens).toBe(0);
    const hyp = get('hyperplanes');
    expect((hyp.levels as number[]).length).toBeLessThanOrEqual(3);
    expect(hyp.angleToLeftEigenvectorDeg as number).toBeLessThan(1);
    const px = get('polytope-x-hyperplane');
    expect(px.projectedVertexTokens).toBe(20);
    expect((px.freeSpreads as number[])[0]!).toBeGreaterThan(10);
    expect(get('codimension-k').eigenDirections).toHaveLength(3);
  });
});
