/**
 * The one list of models (SPEC.md §1): each model's code in the kernel ABI
 * (crates/kernel/src/abi.rs decodes it into `enum Model`) and its kind. Every
 * other list of models (option checks, the CLI, the backends) is derived from
 * this table, so a new model is added here and in the kernel's `Model`.
 */
import type { Model } from './types.js';

/**
 * Per model: `code` of the kernel ABI; `ode`: a continuous-time sphere model stepped by an integrator
 * (dt, integrator) rather than a discrete update (α/γ, h, sphere); `threshold`: attends uniformly to
 * the tokens within a threshold of the best (the kernel's `Rule::Threshold`; the tree engine serves them);
 * `sphere`: lives on the unit sphere (positions projected, stages normalised; euclidean-sa does not).
 */
export const MODEL_TABLE = {
  hardmax: { code: 0, ode: false, threshold: true, sphere: false },
  localmax: { code: 1, ode: false, threshold: true, sphere: false },
  softmax: { code: 2, ode: false, threshold: false, sphere: false },
  'frank-wolfe': { code: 3, ode: false, threshold: true, sphere: false },
  'softmax-markov': { code: 4, ode: false, threshold: false, sphere: false },
  'sphere-sa': { code: 5, ode: true, threshold: false, sphere: true },
  'sphere-usa': { code: 6, ode: true, threshold: false, sphere: true },
  'euclidean-sa': { code: 7, ode: true, threshold: false, sphere: false },
} as const satisfies Record<Model, { code: number; ode: boolean; threshold: boolean; sphere: boolean }>;

/** Every model name, in code order. */
export const MODELS = Object.keys(MODEL_TABLE) as readonly Model[];

/** Model codes shared with the kernel ABI (crates/kernel/src/abi.rs). */
export const MODEL_CODE = Object.freeze(
  Object.fromEntries(MODELS.map((m) => [m, MODEL_TABLE[m].code])) as { readonly [M in Model]: (typeof MODEL_TABLE)[M]['code'] },
);

/** True for the continuous-time models stepped by an integrator (sphere-sa, sphere-usa, euclidean-sa). */
export function isOde(model: Model): boolean {
  return MODEL_TABLE[model].ode;
}

/** True for the models that live on the unit sphere (sphere-sa, sphere-usa). */
export function onSphere(model: Model): boolean {
  return MODEL_TABLE[model].sphere;
}

/** True for the threshold models (hardmax, localmax, frank-wolfe): the ones the tree engine serves. */
export function isThreshold(model: Model): boolean {
  return MODEL_TABLE[model].threshold;
}

/** Bits of the kernel's `ad_set_readings` (the localmax readings, SPEC §6.6): relative gap, strict threshold, forced self-inclusion. */
export const READING_BITS = { relative: 1, strict: 2, includeSelf: 4 } as const;
