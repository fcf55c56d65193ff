/**
 * The altafini experiment's reading of an axis against V itself (not sym(V)):
 * hand-checked cases, including a non-normal V whose eigenvector e_1 is not an
 * eigenvector of sym(V).
 */
import { describe, expect, it } from 'vitest';
import { vEigenRank } from '../../ts/experiments/altafini.js';
import type { CensusRun } from '../../ts/experiments/census.js';

const run = (axis: number[] | null): CensusRun => ({ run: 0, seed: 0, class: 'consensus', clusters: 1, multiplicities: [8], eigenIndex: 0, axis, converged: true, time: 0, steps: 0, fieldNorm: 0 });

describe('vEigenRank', () => {
  const V = [3, 0, 0, 0, 2, 0, 0, 0, 1];
  it('V = diag(3, 2, 1): e_1 → 0, −e_2 → 1, e_3 → 2, (1, 1, 0)/√2 → −1, no axis → null', () => {
    expect(vEigenRank(run([1, 0, 0]), V, 3)).toBe(0);
    expect(vEigenRank(run([0, -1, 0]), V, 3)).toBe(1);
    expect(vEigenRank(run([0, 0, 1]), V, 3)).toBe(2);
    expect(vEigenRank(run([Math.SQRT1_2, Math.SQRT1_2, 0]), V, 3)).toBe(-1);
    expect(vEigenRank(run(null), V, 3)).toBeNull();
  });
  it('non-normal V = [[2, 3, 0], [0, 1, 0], [0, 0, 0.5]]: e_1 is its principal eigenvector (rank 0), (3, −1, 0)/√10 the second', () => {
    const N = [2, 3, 0, 0, 1, 0, 0, 0, 0.5];
    expect(vEigenRank(run([1, 0, 0]), N, 3)).toBe(0);
    expect(vEigenRank(run([3 / Math.sqrt(10), -1 / Math.sqrt(10), 0]), N, 3)).toBe(1);
    expect(vEigenRank(run([0, 1, 0]), N, 3)).toBe(-1);
  });
  it('a complex pair above: V with a rotation block of real part 2 and e_3 (λ = 1) → rank 1', () => {
    const R = [2, -1, 0, 1, 2, 0, 0, 0, 1];
    expect(vEigenRank(run([0, 0, 1]), R, 3)).toBe(1);
  });
});
