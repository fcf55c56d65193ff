/**
 * The wasm backend: loader, raw ABI, and views over wasm memory.
 *
 * Hand-written glue over the kernel's C ABI (crates/kernel/src/abi.rs), in the
 * style of hash-wasm / xxhash-wasm. One module is compiled and instantiated
 * once per realm; every simulation lives in that instance's single memory.
 *
 * Memory: the state of a simulation lives in wasm linear memory, owned by the
 * kernel until `dispose()`. Typed-array views over it detach (length 0) when
 * memory grows, which happens when another simulation is created, so views
 * are rebuilt on every access and `view()` is only valid until the next call
 * into the kernel.
 */
import type { Backend, StepParams } from './backend.js';
import { STATUS } from './backend.js';
import type { Precision } from '../types.js';

/**
 * The raw exports of kernel.wasm. Pointers are byte offsets into `memory`.
 * Every pointer, size and handle is a wasm32 `usize`/`u32`, which JavaScript
 * receives as a *signed* i32: above 2 GiB of memory a pointer comes out
 * negative. Read them only through {@link u32}.
 */
export interface KernelExports {
  memory: WebAssembly.Memory;
  ad_create(precision: number, n: number, d: number, ode: number): number;
  ad_last_status(): number;
  ad_destroy(h: number): number;
  ad_positions_ptr(h: number): number;
  ad_matrix_ptr(h: number, which: number): number;
  ad_deltas_ptr(h: number): number;
  ad_gammas_ptr(h: number): number;
  ad_schedule_cap(): number;
  ad_bytes(h: number): number;
  ad_set_identity(h: number, which: number, identity: number): number;
  ad_set_params(h: number, model: number, beta: number, tau: number): number;
  ad_set_readings(h: number, bits: number): number;
  ad_set_engine(h: number, engine: number): number;
  ad_set_update(h: number, update: number, hstep: number, sphere: number): number;
  ad_set_ode(h: number, integrator: number, dt: number): number;
  ad_set_seed(h: number, hi: number, lo: number): number;
  ad_seed_half(h: number, which: number): number;
  ad_step(h: number, k: number): number;
  ad_last_done(h: number): number;
  /** Rows r0..r1 of one discrete step over the positions as they are, in place (the threaded path; ts/threads). */
  ad_step_rows(h: number, r0: number, r1: number, delta: number, gamma: number): number;
  /** Generator draws of one discrete step (n for softmax-markov, else 0). */
  ad_draws_per_step(h: number): number;
  /** Advance the generator by k draws in O(1). */
  ad_skip_draws(h: number, k: number): number;
}

/** An unsigned 32-bit value (pointer, size, handle or count) returned by the kernel as a signed i32. */
function u32(v: number): number {
  return v >>> 0;
}

/** Where the kernel comes from: a URL, the bytes, or an already compiled module. */
export type KernelSource = URL | string | ArrayBuffer | Uint8Array | WebAssembly.Module;

/**
 * A module that uses a v128 instruction (i8x16.popcnt of a splat), the probe of
 * wasm-feature-detect: WebAssembly.validate accepts it only where SIMD runs.
 */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** True when this JavaScript engine can run WebAssembly SIMD (simd128). */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** Largest wasm32 linear memory (65 536 pages of 64 KiB). */
export const WASM32_MAX_BYTES = 2 ** 32;
/** Largest single buffer the kernel's allocator can hold (isize::MAX on wasm32). */
export const WASM32_MAX_BUFFER = 2 ** 31 - 1;

let kernelPromise: Promise<KernelExports> | null = null;
/** The kernel's exports once loaded (set when kernelPromise resolves). */
let kernelLoaded: KernelExports | null = null;

/** The kernel if {@link loadKernel} has finished loading it, else null (synchronous). */
export function loadedKernel(): KernelExports | null {
  return kernelLoaded;
}
let kernelSource: KernelSource | null = null;
/** The compiled kernel once loaded (the step workers of `threads` instantiate it too). */
let kernelModule: WebAssembly.Module | null = null;

/** The compiled kernel module if {@link loadKernel} has finished loading it, else null. */
export function loadedModule(): WebAssembly.Module | null {
  return kernelModule;
}

/**
 * Use another source for kernel.wasm (for bundlers or a CDN) before the first
 * simulation is created. Default: `new URL('../../pkg/kernel.wasm', import.meta.url)`.
 */
export function setKernelSource(source: KernelSource): void {
  if (kernelPromise !== null) {
    throw new Error('setKernelSource: the kernel is already loaded; call it before the first wasm simulation');
  }
  kernelSource = source;
}

/** The part of node:fs this loader uses. */
interface NodeFs {
  promises: { readFile(path: URL): Promise<Uint8Array> };
}

/**
 * node:fs where the host provides `process.getBuiltinModule` (Node ≥ 20.16,
 * Deno, Bun), else null. Reached through the global `process`, not an import,
 * so no bundler sees a `node:` module in the browser graph and nothing is
 * loaded where it is absent.
 */
function nodeFs(): NodeFs | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof p?.getBuiltinModule !== 'function') return null;
  try {
    return (p.getBuiltinModule('node:fs') as NodeFs | undefined) ?? null;
  } catch {
    return null;
  }
}

async function compile(source: KernelSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) return WebAssembly.compile(source as BufferSource);
  const url = typeof source === 'string' ? new URL(source, import.meta.url) : source;
  if (url.protocol === 'file:') {
    // Node's fetch refuses file: URLs; read the file where node:fs is reachable.
    const fs = nodeFs();
    if (fs !== null) return WebAssembly.compile((await fs.promises.readFile(url)) as BufferSource);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`kernel.wasm: fetching ${url.href} failed with HTTP ${response.status}`);
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type') === 'application/wasm') {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** Compile and instantiate the kernel once; later calls share the instance. */
export function loadKernel(): Promise<KernelExports> {
  if (kernelPromise === null) {
    if (!wasmSimdSupported()) {
      return Promise.reject(
        new Error(
          "backend 'wasm' needs WebAssembly SIMD (simd128), which this JavaScript engine does not support; use backend: 'js'",
        ),
      );
    }
    const source = kernelSource ?? new URL('../../pkg/kernel.wasm', import.meta.url);
    kernelPromise = compile(source)
      .then((module) => {
        kernelModule = module;
        return WebAssembly.instantiate(module, {});
      })
      .then((instance) => {
        kernelLoaded = instance.exports as unknown as KernelExports;
        return kernelLoaded;
      })
      .catch((err: unknown) => {
        kernelPromise = null;
        const msg = err instanceof Error ? err.message : String(err);
        const where = source instanceof URL || typeof source === 'string' ? ` from ${String(source)}` : '';
        throw new Error(
          `could not load kernel.wasm${where} (${msg}); with a bundler that does not emit it, pass its URL or bytes to ` +
            "setKernelSource() before the first simulation, or use backend: 'js' (in a clone of the repository: `npm run build`)",
        );
      });
  }
  return kernelPromise;
}

/**
 * The bytes of the buffers the kernel allocates for a simulation of n tokens
 * in R^d: exactly what `ad_bytes` reports afterwards (mirrors Sim::new,
 * Attn::new and Tree::new in crates/kernel/src; allocator headers come on
 * top, a few bytes per buffer). Cheap, so callers run it before copying any
 * input; the kernel's own fallible allocation is the final check.
 */
export function kernelBytes(precision: Precision, n: number, d: number, ode = false, tree = false): { total: number; largest: number } {
  const size = precision === 'f64' ? 8 : 4;
  const lanes = precision === 'f64' ? 2 : 4; // Real::LANES: row padding of the row-major snapshot
  const panel = precision === 'f64' ? 8 : 16; // Real::PANEL: tokens per panel of the packed snapshot
  const rows = 8; // simd::ROWS
  const np = Math.ceil(n / panel) * panel;
  const dp = Math.ceil(d / lanes) * lanes;
  const buffers = [
    n * d * size, // state x
    2 * d * d * size, // A, V
    d * size, // V y
    2 * 4096 * 8, // δ and γ schedules (SCHEDULE_CAP)
    np * d * size, // packed snapshot
    n * dp * size, // row-major padded snapshot
    rows * d * size, // queries of a block
    np * rows * size, // alignment rows of a block
    dp * rows * size, // means of a block
    2 * rows * size, // maxima and totals of a block
    n * 4, // member list
  ];
  if (ode) buffers.push(n * d * size, n * d * size, n * d * size, d * d * size, 4 * d * d * 8); // stage, field, accumulator, M(τ), expm scratch
  if (d <= 3) {
    // kd-tree of the threshold rules in low dimension (tree.rs Tree::new): perm, pts, range, bbox, sums, stack, bits
    let depth = 0;
    while (Math.floor((n + 2 ** depth - 1) / 2 ** depth) > 16) depth++;
    const nodes = 2 ** (depth + 1) - 1;
    buffers.push(n * 4, n * d * size, 2 * nodes * 4, nodes * 2 * d * size, nodes * d * size, (2 * depth + 4) * 4, Math.ceil(n / 64) * 8);
    // the tree engine's memo (attend.rs set_tree_engine): 2^k >= 2n slots, and n*d means
    if (tree) buffers.push(2 ** Math.ceil(Math.log2(2 * n)) * 4, n * d * size);
  }
  return { total: buffers.reduce((a, b) => a + b, 0), largest: Math.max(...buffers) };
}

function fmtBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * Throw a RangeError when a simulation of n tokens in R^d cannot fit in wasm32
 * memory (4 GiB in all, 2 GiB per buffer); cheap, so callers run it before
 * copying any input. Returns the byte counts otherwise.
 */
export function checkWasmSize(precision: Precision, n: number, d: number, ode = false, tree = false): { total: number; largest: number } {
  const need = kernelBytes(precision, n, d, ode, tree);
  if (need.largest > WASM32_MAX_BUFFER || need.total > WASM32_MAX_BYTES - 2 ** 24) {
    throw new RangeError(
      `n = ${n}, d = ${d} (${precision}) needs ${fmtBytes(need.total)} of wasm memory ` +
        `(largest buffer ${fmtBytes(need.largest)}), more than wasm32 allows (4 GiB in all, 2 GiB per buffer); ` +
        `use fewer tokens, precision 'f32', or backend 'js'`,
    );
  }
  return need;
}

/** Leak net: frees kernel memory of simulations that were garbage-collected without dispose(). */
const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<{ k: KernelExports; h: number }>(({ k, h }) => {
        k.ad_destroy(h);
      })
    : null;

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  #k: KernelExports;
  #h: number;
  #cap: number;
  readonly #token = {};

  private constructor(
    k: KernelExports,
    h: number,
    readonly precision: Precision,
    readonly n: number,
    readonly d: number,
  ) {
    this.#k = k;
    this.#h = h;
    this.#cap = u32(k.ad_schedule_cap());
    registry?.register(this, { k, h }, this.#token);
  }

  /** Allocate a simulation in the kernel; RangeError when it cannot fit in wasm32 memory. */
  static async create(precision: Precision, n: number, d: number, ode = false): Promise<WasmBackend> {
    checkWasmSize(precision, n, d, ode);
    return WasmBackend.createIn(await loadKernel(), precision, n, d, ode);
  }

  /**
   * The same, synchronously, in a kernel already loaded by {@link loadKernel}
   * (Simulation.create uses it so that nothing awaits between validating the
   * caller's positions and copying them in).
   */
  static createIn(k: KernelExports, precision: Precision, n: number, d: number, ode = false): WasmBackend {
    const need = checkWasmSize(precision, n, d, ode);
    const h = u32(k.ad_create(precision === 'f64' ? 0 : 1, n, d, ode ? 1 : 0));
    if (h === 0) {
      const status = u32(k.ad_last_status());
      const inUse = k.memory.buffer.byteLength;
      throw new RangeError(
        status === STATUS.outOfMemory
          ? `n = ${n}, d = ${d} (${precision}): wasm memory could not grow by ${fmtBytes(need.total)} ` +
              `(${fmtBytes(inUse)} already in use; wasm32 allows 4 GiB); dispose other simulations or use backend 'js'`
          : `the kernel refused n = ${n}, d = ${d}, precision ${precision} (status ${status})`,
      );
    }
    return new WasmBackend(k, h, precision, n, d);
  }

  #view(ptr: number, len: number): Float64Array | Float32Array {
    const buf = this.#k.memory.buffer;
    return this.precision === 'f64' ? new Float64Array(buf, ptr, len) : new Float32Array(buf, ptr, len);
  }

  setParams(p: StepParams): void {
    const k = this.#k;
    const s = [
      u32(k.ad_set_params(this.#h, p.model, p.beta, p.tau)),
      u32(k.ad_set_update(this.#h, p.update, p.h, p.sphere ? 1 : 0)),
      u32(k.ad_set_ode(this.#h, p.integrator, p.dt)),
      u32(k.ad_set_engine(this.#h, p.engine)),
      // an older kernel (bench/kernel-compare.mjs loads one) lacks the export and knows only the default rule
      typeof k.ad_set_readings === 'function' ? u32(k.ad_set_readings(this.#h, p.readings)) : p.readings === 0 ? STATUS.ok : STATUS.badArgument,
    ];
    if (s[3] === STATUS.outOfMemory) {
      throw new RangeError(`engine 'tree': wasm memory could not grow for its memo (n = ${this.n}); dispose other simulations or use engine 'dense'`);
    }
    if (s.some((v) => v !== STATUS.ok)) throw new RangeError(`kernel rejected parameters ${JSON.stringify(p)} (status ${s.join(',')})`);
  }

  setMatrix(which: 'A' | 'V', M: Float64Array | null): void {
    const w = which === 'A' ? 0 : 1;
    if (M !== null) this.#view(u32(this.#k.ad_matrix_ptr(this.#h, w)), this.d * this.d).set(M);
    this.#k.ad_set_identity(this.#h, w, M === null ? 1 : 0);
  }

  setSeed(state: bigint): void {
    this.#k.ad_set_seed(this.#h, Number(BigInt.asUintN(32, state >> 32n)), Number(BigInt.asUintN(32, state)));
  }

  seedState(): bigint {
    const hi = BigInt(u32(this.#k.ad_seed_half(this.#h, 1)));
    const lo = BigInt(u32(this.#k.ad_seed_half(this.#h, 0)));
    return (hi << 32n) | lo;
  }

  /**
   * Advance the generator past the draws of one discrete step (n for
   * softmax-markov, none for the others), for a step whose rows were computed
   * elsewhere with `ad_step_rows` (ts/threads/pool.ts).
   */
  skipStepDraws(): void {
    this.#k.ad_skip_draws(this.#h, u32(this.#k.ad_draws_per_step(this.#h)));
  }

  setPositions(x: Float64Array): void {
    this.#view(u32(this.#k.ad_positions_ptr(this.#h)), this.n * this.d).set(x);
  }

  step(deltas: Float64Array, gammas: Float64Array): { status: number; done: number } {
    if (this.#h === 0) throw new Error('this wasm simulation was disposed; its memory is freed');
    let done = 0;
    while (done < deltas.length) {
      const k = Math.min(this.#cap, deltas.length - done);
      const buf = this.#k.memory.buffer;
      new Float64Array(buf, u32(this.#k.ad_deltas_ptr(this.#h)), k).set(deltas.subarray(done, done + k));
      new Float64Array(buf, u32(this.#k.ad_gammas_ptr(this.#h)), k).set(gammas.subarray(done, done + k));
      const status = u32(this.#k.ad_step(this.#h, k));
      if (status !== STATUS.ok) return { status, done: done + u32(this.#k.ad_last_done(this.#h)) };
      done += k;
    }
    return { status: STATUS.ok, done };
  }

  positions(): Float64Array {
    return Float64Array.from(this.view());
  }

  view(): Float64Array | Float32Array {
    return this.#view(u32(this.#k.ad_positions_ptr(this.#h)), this.n * this.d);
  }

  /** Bytes of wasm memory held by this simulation. */
  bytes(): number {
    return u32(this.#k.ad_bytes(this.#h));
  }

  /** Size of the whole wasm memory shared by all simulations, in bytes. */
  memoryBytes(): number {
    return this.#k.memory.buffer.byteLength;
  }

  dispose(): void {
    if (this.#h !== 0) {
      this.#k.ad_destroy(this.#h);
      registry?.unregister(this.#token);
      this.#h = 0;
    }
  }
}
