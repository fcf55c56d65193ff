/**
 * The `threads` option of Simulation.create (issue 12 part 1): how many
 * worker threads compute each step of a wasm simulation.
 */
import { checkInt, rangeError, typeError } from '../check.js';
import type { BackendName } from '../types.js';

/** The `threads` option: 0 (default, the calling thread), k ≥ 1 workers, or 'auto'. */
export type ThreadsOption = number | 'auto';

/** Most workers `threads: 'auto'` starts (each holds its own copy of the kernel's O(n d) buffers). */
export const AUTO_THREADS_CAP = 8;
/** Most workers an explicit `threads` may ask for. */
export const MAX_THREADS = 64;
/**
 * Below this n, `threads: 'auto'` stays on the calling thread: a step is then
 * too short for the per-step barrier and O(n d) copies to pay. Measured on 2
 * cores (Node 20, f64), threads 2 vs 0: n = 128 0.5-1.0× (slower), n = 256
 * 1.0-1.7×, n = 512 1.5-1.9×, n ≥ 1024 1.5-2.0× over hardmax/localmax/softmax,
 * d ∈ {2, 3, 16} (bench/threads.bench.mjs prints the small-n rows).
 */
export const AUTO_MIN_N = 512;

/** Logical cores of this machine: os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers, else 1. */
export function availableCores(): number {
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    navigator?: { hardwareConcurrency?: number };
  };
  try {
    const os = g.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
    if (os !== undefined) return Math.max(1, os.availableParallelism?.() ?? os.cpus?.().length ?? 1);
  } catch {
    // fall through to navigator
  }
  const hc = g.navigator?.hardwareConcurrency;
  return typeof hc === 'number' && hc >= 1 ? Math.floor(hc) : 1;
}

/**
 * Resolve `threads` to a worker count: undefined → 0; 'auto' → the number of
 * cores (at most AUTO_THREADS_CAP) on the wasm backend with n ≥ AUTO_MIN_N
 * and at least 2 cores, else 0; an integer 0 ≤ k ≤ MAX_THREADS as given.
 * TypeError for anything else, and for k ≥ 1 with the js backend, which
 * steps on the calling thread only. Every model is threaded (the sphere
 * models one round per integrator stage).
 */
export function resolveThreads(v: unknown, ctx: { backend: BackendName; ode: boolean; model: string; n: number }): number {
  if (v === undefined) return 0;
  // euclidean-sa's attention matrix depends on the stage's time, which the step workers do not track.
  const single = ctx.model === 'euclidean-sa';
  if (v === 'auto') {
    if (ctx.backend !== 'wasm' || ctx.n < AUTO_MIN_N || single) return 0;
    const cores = availableCores();
    return cores < 2 ? 0 : Math.min(cores, AUTO_THREADS_CAP);
  }
  if (typeof v !== 'number') throw typeError('threads', `0, an integer k >= 1 (at most ${MAX_THREADS}) or 'auto'`, v);
  const k = checkInt(v, 'threads', 0, MAX_THREADS);
  if (k >= 1 && single) throw rangeError('threads', `0 or 'auto' for model 'euclidean-sa' (it steps on the calling thread)`, v);
  if (k >= 1 && ctx.backend !== 'wasm') {
    throw new TypeError(`threads: ${k} needs backend 'wasm' (the ${ctx.backend} backend steps on the calling thread); use threads: 0 or 'auto'`);
  }
  return k;
}
