/**
 * The input types every group of the analysis layer takes (states and
 * matrices), below all of them so that geometry/ need not import attention/.
 */

/**
 * A state of n tokens in R^d as the analysis layer takes it (check.ts
 * `readState`): exactly n*d finite numbers, flat row-major (Float64Array,
 * Float32Array, number[]; token i at [i*d, i*d+d)), or n rows of d numbers.
 */
export type StateLike = ArrayLike<number> | readonly (readonly number[])[];

/** A d×d matrix: flat row-major (A[r*d+c]) or d rows of d numbers; undefined or null means the identity. */
export type MatrixLike = ArrayLike<number> | readonly (readonly number[])[] | null | undefined;
