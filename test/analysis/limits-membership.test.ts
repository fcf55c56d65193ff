/**
 * Membership of each limit in the Maximal Alignment Set S (SPEC §3
 * "Leaders", "Limit classification"): `limitClasses(...).inS`, `outsideS`,
 * `alignmentGap`, `tieTolerance`. Every expected value is computed by hand
 * in the comments (a_ij = <A x_i, x_j>, m_i = max_j a_ij, i ∈ S iff
 * a_ii >= m_i − τ·max(1,|m_i|)).
 */
import { describe, expect, it } from 'vitest';
import { LIMIT_KIND, limitClasses } from '../../ts/analysis/dynamics/limits.js';
import { leaders } from '../../ts/analysis/attention/leaders.js';

const SQUARE = [1, 1, 1, -1, -1, -1, -1, 1];
const arr = (a: ArrayLike<number>): number[] => Array.from(a);

describe('limitClasses: membership in S', () => {
  it('the square plus (1, 0): (1, 0) ties its own alignment with the corners, a non-vertex limit inside S', () => {
    // (1,0): a_ii = 1, a with (1,±1) = 1, with (−1,±1) = −1 → m = 1, gap 0 → in S.
    // Corners: a_ii = 2 = m (others give 0, −2, 0 and ±1 with (1,0)) → in S.
    const lc = limitClasses([...SQUARE, 1, 0], 5, 2);
    expect(arr(lc.inS)).toEqual([1, 1, 1, 1, 1]);
    expect(lc.outsideS).toBe(0);
    expect(arr(lc.alignmentGap)).toEqual([0, 0, 0, 0, 0]);
    // and yet (1, 0) is not a vertex: it sits on the edge (1,−1)–(1,1)
    expect(lc.kind[4]).toBe(LIMIT_KIND.boundary);
    expect(lc.tieTolerance).toBe(1e-12);
  });

  it('the square plus (0.5, 0): a_ii = 0.25 against m = 0.5 → outside S, gap 0.25', () => {
    const lc = limitClasses([...SQUARE, 0.5, 0], 5, 2);
    expect(arr(lc.inS)).toEqual([1, 1, 1, 1, 0]);
    expect(lc.outsideS).toBe(1);
    expect(lc.alignmentGap[4]).toBe(0.25);
    expect(lc.kind[4]).toBe(LIMIT_KIND.interior);
  });

  it('a token at the origin is in S (all its alignments are 0)', () => {
    const lc = limitClasses([...SQUARE, 0, 0], 5, 2);
    expect(arr(lc.inS)).toEqual([1, 1, 1, 1, 1]);
  });

  it('counts tokens, not clusters: a token 1e-9 inside a vertex cluster is outside S', () => {
    // (1, 1−1e-9): a_ii = 1 + (1−1e-9)² ≈ 2 − 2e-9, m = a with (1,1) = 2 − 1e-9: gap ≈ 1e-9 > 2e-12.
    const lc = limitClasses([...SQUARE, 1, 1 - 1e-9], 5, 2);
    expect(lc.clusters).toBe(4);
    expect(lc.kind[4]).toBe(LIMIT_KIND.vertex);
    expect(arr(lc.inS)).toEqual([1, 1, 1, 1, 0]);
    expect(lc.alignmentGap[4]).toBeCloseTo(1e-9, 15);
  });

  it('the tie tolerance: τ·max(1,|m|) absorbs a gap of 2^-40, τ = 0 does not', () => {
    // x = (1 − 2^-40, 0): m = 1 − 2^-40 (with (1,±1)); a_ii = (1 − 2^-40)² rounds to 1 − 2^-39; gap = 2^-40 ≈ 9.09e-13 < 1e-12.
    const x = [...SQUARE, 1 - 2 ** -40, 0];
    const dflt = limitClasses(x, 5, 2);
    expect(dflt.inS[4]).toBe(1);
    expect(dflt.alignmentGap[4]).toBe(2 ** -40);
    const exact = limitClasses(x, 5, 2, { tieTolerance: 0 });
    expect(exact.inS[4]).toBe(0);
    expect(exact.tieTolerance).toBe(0);
    expect(limitClasses(x, 5, 2, { tieTolerance: 2 ** -41 }).inS[4]).toBe(0);
  });

  it('the default τ follows the precision: 1e-5 for a Float32Array, 1e-12 otherwise', () => {
    // x = (1 − 2^-20, 0) is exact in f32: gap = (1 − 2^-20) − (1 − 2^-20)² = 2^-20 − 2^-40 ≈ 9.5e-7
    const x = [...SQUARE, 1 - 2 ** -20, 0];
    const f32 = limitClasses(Float32Array.from(x), 5, 2);
    expect(f32.tieTolerance).toBe(1e-5);
    expect(f32.inS[4]).toBe(1);
    const f64 = limitClasses(Float64Array.from(x), 5, 2);
    expect(f64.tieTolerance).toBe(1e-12);
    expect(f64.inS[4]).toBe(0);
    expect(f64.alignmentGap[4]).toBe(2 ** -20 - 2 ** -40);
  });

  it('the alignment matrix A: with A = diag(1, −1) every corner prefers another corner', () => {
    // a_ij = x_i1·x_j1 − x_i2·x_j2. Corner (1,1): a_i· = x_j1 − x_j2 = 0, 2, 0, −2, 0.5 → a_ii = 0, m = 2.
    // By symmetry every corner has a_ii = 0 and m = 2; (0.5,0): 0.5·x_j1 → m = 0.5 (at (1,±1)), a_ii = 0.25.
    const A = [1, 0, 0, -1];
    const lc = limitClasses([...SQUARE, 0.5, 0], 5, 2, { A });
    expect(arr(lc.inS)).toEqual([0, 0, 0, 0, 0]);
    expect(lc.outsideS).toBe(5);
    expect(arr(lc.alignmentGap)).toEqual([2, 2, 2, 2, 0.25]);
    // rows give the same; null is the identity
    expect(arr(limitClasses([...SQUARE, 0.5, 0], 5, 2, { A: [[1, 0], [0, -1]] }).inS)).toEqual([0, 0, 0, 0, 0]);
    expect(arr(limitClasses([...SQUARE, 0.5, 0], 5, 2, { A: null }).inS)).toEqual([1, 1, 1, 1, 0]);
  });

  it('huge and tiny states: no overflow, the threshold keeps its max(1, |m|)', () => {
    const x = [...SQUARE, 0.5, 0];
    // ×2^300: every alignment ×2^600, τ·|m| dominates, (0.5,0)·2^300 still outside with gap 0.25·2^600
    const big = limitClasses(x.map((v) => v * 2 ** 300), 5, 2);
    expect(arr(big.inS)).toEqual([1, 1, 1, 1, 0]);
    expect(big.alignmentGap[4]).toBe(0.25 * 2 ** 600);
    // ×2^600: alignments 2^1200 would overflow float64; membership is still decided
    expect(arr(limitClasses(x.map((v) => v * 2 ** 600), 5, 2).inS)).toEqual([1, 1, 1, 1, 0]);
    // ×2^-600: alignments ~2^-1200 ≪ τ·1 = 1e-12, so every token is in S; with τ = 0 (0.5,0) is not
    const tiny = x.map((v) => v * 2 ** -600);
    expect(arr(limitClasses(tiny, 5, 2).inS)).toEqual([1, 1, 1, 1, 1]);
    expect(arr(limitClasses(tiny, 5, 2, { tieTolerance: 0 }).inS)).toEqual([1, 1, 1, 1, 0]);
  });

  it('agrees with attention/leaders.ts `leaders` (an independent pass) on seeded clouds, with and without A', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31 - 0.5;
    };
    for (let trial = 0; trial < 5; trial++) {
      const n = 30;
      const d = 3;
      const x = Float64Array.from({ length: n * d }, rnd);
      const A = Float64Array.from({ length: d * d }, rnd);
      for (const a of [undefined, A]) {
        const lc = limitClasses(x, n, d, a === undefined ? {} : { A: a });
        const S = new Set(arr(leaders(x, n, d, a)));
        expect(arr(lc.inS)).toEqual(Array.from({ length: n }, (_, i) => (S.has(i) ? 1 : 0)));
        expect(lc.outsideS).toBe(n - S.size);
      }
    }
  });

  it('refuses bad options, naming them', () => {
    const x = [...SQUARE, 0.5, 0];
    expect(() => limitClasses(x, 5, 2, { tieTolerance: -1 })).toThrow(RangeError);
    expect(() => limitClasses(x, 5, 2, { tieTolerance: -1 })).toThrow(/tieTolerance/);
    expect(() => limitClasses(x, 5, 2, { tieTolerance: NaN })).toThrow(/tieTolerance/);
    expect(() => limitClasses(x, 5, 2, { A: [1, 0, 0] })).toThrow(RangeError);
    expect(() => limitClasses(x, 5, 2, { A: [1, 0, 0] })).toThrow(/A\.length/);
    expect(() => limitClasses(x, 5, 2, { A: 'I' as never })).toThrow(TypeError);
    expect(() => limitClasses(x, 5, 2, { tau: 0 } as never)).toThrow(/tau/);
  });
});
