/**
 * Bounds on the size of alignments a_ij = <A x_i, x_j>, shared by the option
 * validation of Simulation and the analysis layer. Inputs are read only;
 * nothing is allocated but the small result.
 */

/**
 * @internal The largest token norm R, the Frobenius norm of A (1 for the
 * identity) and the alignment bound ‖A‖_F·R² >= |a_ij|. Shared by the analysis
 * layer's magnitude check (analysis/attention/alignment.ts) and by Simulation's
 * option validation (ts/validate.ts), so it lives below both.
 */
export function alignmentBound(X: ArrayLike<number>, n: number, d: number, M: ArrayLike<number> | null): { R: number; normA: number; bound: number } {
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += (X[i * d + c] as number) ** 2;
    if (s > r2) r2 = s;
  }
  let normA = 1;
  if (M !== null) {
    let f = 0;
    for (let k = 0; k < M.length; k++) f += (M[k] as number) ** 2;
    normA = Math.sqrt(f);
  }
  return { R: Math.sqrt(r2), normA, bound: normA * r2 };
}
