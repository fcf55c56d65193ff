/**
 * The matrix exponential and the time-dependent alignment matrix of the
 * euclidean-sa model (SPEC §5.9): the same operations, in the same order, as
 * `expm` and `Sim::euclidean_matrix` in crates/kernel/src/sim.rs, so the js
 * and wasm backends use the same bits of M(τ).
 */

/** c = a b for row-major d*d matrices (sums in ascending k); c is the caller's, distinct from a and b. */
export function matMul(a: Float64Array, b: Float64Array, c: Float64Array, d: number): void {
  for (let r = 0; r < d; r++) {
    for (let col = 0; col < d; col++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (a[r * d + k] as number) * (b[k * d + col] as number);
      c[r * d + col] = s;
    }
  }
}

/**
 * exp(a) for a row-major d*d matrix: scaling by 2^-s until the 1-norm is at
 * most 1/2, Taylor to degree 18 by Horner (e = I + B·e/k, k = 18 … 1), then s
 * squarings. Returns a new Float64Array (d*d, row-major, owned by the caller).
 */
export function expm(a: ArrayLike<number>, d: number): Float64Array {
  let norm = 0;
  for (let col = 0; col < d; col++) {
    let s = 0;
    for (let r = 0; r < d; r++) s += Math.abs(a[r * d + col] as number);
    if (s > norm) norm = s;
  }
  let sq = 0;
  let scale = 1;
  while (norm * scale > 0.5 && sq < 1100) {
    scale *= 0.5;
    sq++;
  }
  const p = new Float64Array(d * d);
  for (let k = 0; k < d * d; k++) p[k] = (a[k] as number) * scale;
  let e = new Float64Array(d * d);
  for (let k = 0; k < d * d; k++) e[k] = k % (d + 1) === 0 ? 1 : 0;
  let q = new Float64Array(d * d);
  for (let k = 18; k >= 1; k--) {
    matMul(p, e, q, d);
    const inv = 1 / k;
    for (let m = 0; m < d * d; m++) e[m] = (q[m] as number) * inv + (m % (d + 1) === 0 ? 1 : 0);
  }
  for (let s = 0; s < sq; s++) {
    matMul(e, e, q, d);
    [e, q] = [q, e];
  }
  return e;
}

/**
 * M(τ) = e^{τVᵀ} Aᵀ A e^{τV} (row-major d*d): the alignment matrix of
 * euclidean-sa at time τ, so <M z_i, z_j> = <A e^{τV} z_i, A e^{τV} z_j>.
 * A and V are row-major d*d or null for the identity.
 */
export function euclideanAlignment(A: ArrayLike<number> | null, V: ArrayLike<number> | null, d: number, tau: number): Float64Array {
  const tv = new Float64Array(d * d);
  for (let k = 0; k < d * d; k++) tv[k] = V === null ? (k % (d + 1) === 0 ? tau : 0) : tau * (V[k] as number);
  let e = expm(tv, d);
  if (A !== null) {
    const g = new Float64Array(d * d);
    matMul(Float64Array.from(A), e, g, d);
    e = g;
  }
  const M = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (e[k * d + r] as number) * (e[k * d + c] as number);
      M[r * d + c] = s;
    }
  }
  return M;
}
