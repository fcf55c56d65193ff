/**
 * Choosing, sizing and allocating a backend: the one place that knows which
 * backends exist. `Simulation.create` validates options (ts/validate.ts, which
 * calls `checkSize` before copying any input) and then calls `createBackend`.
 */
import type { BackendName, Precision } from '../types.js';
import { rangeError } from '../check.js';
import type { Backend } from './backend.js';
import { JsBackend } from './js.js';
import { WasmBackend, checkWasmSize, loadKernel, loadedKernel, wasmSimdSupported } from './wasm.js';

/** Largest n*d accepted by any backend (2^31 numbers). */
export const MAX_ELEMENTS = 2 ** 31;

/**
 * The backend 'auto' stands for: 'wasm' where this engine validates
 * WebAssembly SIMD (simd128), else 'js'. Decided by validation alone: where
 * SIMD validates but kernel.wasm cannot be fetched, creation fails with that
 * error rather than falling back silently to the slower backend.
 */
export function autoBackend(): BackendName {
  return wasmSimdSupported() ? 'wasm' : 'js';
}

/**
 * Refuse a simulation of n tokens in R^d that no backend can hold (n*d above
 * {@link MAX_ELEMENTS}) or that does not fit in wasm32 memory on 'wasm'
 * (RangeError naming the sizes). Cheap: callers run it before copying input.
 * `tree`: count the tree engine's memo as well.
 */
export function checkSize(backend: BackendName, precision: Precision, n: number, d: number, ode: boolean, tree = false): void {
  if (n * d > MAX_ELEMENTS) throw rangeError('n*d', `at most ${MAX_ELEMENTS} numbers`, n * d, `n = ${n}, d = ${d}`);
  if (backend === 'wasm') checkWasmSize(precision, n, d, ode, tree);
}

/** What `createBackend` needs: a resolved backend name (not 'auto') and the sizes, already checked by `checkSize`. */
export interface BackendSpec {
  backend: BackendName;
  precision: Precision;
  n: number;
  d: number;
  /** A sphere ODE model (the kernel allocates integrator buffers). */
  ode: boolean;
}

/**
 * Allocate an empty backend for `spec` (positions, parameters and matrices
 * are set by the caller; the caller owns it and must dispose it).
 * Synchronous (a Backend, not a Promise) on 'js' and once the wasm kernel is
 * loaded, so a caller can copy input in with no await in between; the first
 * 'wasm' backend returns a Promise that loads the kernel, and `beforeWait`
 * runs just before that wait (to copy input the caller must not read after
 * awaiting). The Promise rejects with the loader's Error when kernel.wasm
 * cannot be loaded; RangeError when wasm memory cannot grow.
 */
export function createBackend(spec: BackendSpec, beforeWait?: () => void): Backend | Promise<Backend> {
  if (spec.backend === 'js') return new JsBackend(spec.precision, spec.n, spec.d, spec.ode);
  const kernel = loadedKernel();
  if (kernel !== null) return WasmBackend.createIn(kernel, spec.precision, spec.n, spec.d, spec.ode);
  beforeWait?.();
  return loadKernel().then((k) => WasmBackend.createIn(k, spec.precision, spec.n, spec.d, spec.ode));
}
