/**
 * The wasm backend on k worker threads (issue 12 part 1; DESIGN.md "Threads").
 *
 * The state stays in the calling thread's kernel instance (so positions(),
 * view(), rngState and every other reader see it as on `threads: 0`); each
 * step is computed by k workers, each with its own kernel instance and a
 * fixed share of the rows, r0 = ⌊w n / k⌋ ≤ i < ⌊(w+1) n / k⌋. Per step the
 * calling thread copies the state (the step's snapshot, n·d values) and the
 * step's parameters into shared buffers, wakes the workers, waits on an
 * Atomics barrier, and copies the rows back only when every worker
 * succeeded: a failing step leaves the state and the generator untouched
 * (transactional, like `ad_step`), and the error reported is the one of the
 * first failing row, as on one thread. The softmax-markov generator then
 * advances by its n draws (token i of a step uses draw i+1 of the step's
 * stream, whoever computes it), so results are bit-identical for every
 * thread count.
 *
 * A sphere step (sphere-sa, sphere-usa) takes one round per integrator stage
 * (4 for rk4, 1 for euler): in round k every worker computes its rows of
 * stage k from the full stage state S_k (`ad_ode_rows`; round 0 reads the
 * state itself), and the calling thread gathers the rows into S_{k+1} for
 * the next round; the last round's rows are the new state. Each worker keeps
 * its rows of the RK4 accumulator between rounds. Errors: a failing field
 * row in any worker takes precedence over a failing normalisation, as on
 * one thread (where every field row of a stage comes first).
 *
 * Where SharedArrayBuffer is unavailable (a page that is not cross-origin
 * isolated) the same jobs go by message passing; then, and on a browser's
 * main thread (where Atomics.wait is not allowed), only the asynchronous
 * `stepAsync` (used by `sim.run()`/`sim.snapshots()`) can step.
 */
import type { Backend, StepParams } from '../backend/backend.js';
import { INTEGRATOR_CODE, STATUS } from '../backend/backend.js';
import type { WasmBackend } from '../backend/wasm.js';
import type { Precision } from '../types.js';
import { BROWSER_WORKER_SOURCE, CMD, CTL, NODE_WORKER_SOURCE, WORKER_FAILED } from './worker-source.js';

/** f64 slots of the per-step parameter block (then A and V, d*d each, row-major). */
const PAR = { DELTA: 0, GAMMA: 1, SEED_HI: 2, SEED_LO: 3, MODEL: 4, BETA: 5, TAU: 6, UPDATE: 7, H: 8, SPHERE: 9, A_ID: 10, V_ID: 11, ENGINE: 12, STAGE: 13, INTEGRATOR: 14, DT: 15, READINGS: 16, A: 17 } as const;
/** Stage of a discrete step's single round (PAR.STAGE); sphere steps run stages 0 … 3 (rk4) or 0 (euler). */
const DISCRETE = -1;

/** The minimal Worker surface used here (Node's worker_threads.Worker and the browser's Worker). */
interface AnyWorker {
  postMessage(m: unknown, transfer?: Transferable[]): void;
  terminate(): unknown;
}

type Reply = { ready?: boolean; error?: string; status?: number; rows?: Float64Array | Float32Array | null };

/** Node's worker_threads module where the host provides it (through process.getBuiltinModule, as wasm.ts reaches node:fs). */
function nodeWorkerThreads(): { Worker: new (src: string, o: { eval: boolean }) => AnyWorker & NodeLikeWorker } | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof p?.getBuiltinModule !== 'function') return null;
  try {
    return (p.getBuiltinModule('node:worker_threads') as ReturnType<typeof nodeWorkerThreads>) ?? null;
  } catch {
    return null;
  }
}

interface NodeLikeWorker {
  on(ev: 'message' | 'error' | 'exit', f: (v: never) => void): void;
  ref(): void;
  unref(): void;
}

/** True where this thread may block in Atomics.wait (Node's main thread, any worker; not a browser page). */
function canBlock(): boolean {
  const g = globalThis as { document?: unknown; process?: { versions?: { node?: string } } };
  return g.process?.versions?.node !== undefined || g.document === undefined;
}

/** One spawned worker with a promise of its next reply. */
class Slot {
  #waiters: Array<(r: Reply) => void> = [];
  #failed: Error | null = null;
  /**
   * `hold(true)` keeps Node's process alive while the caller awaits this
   * worker (its start, an asynchronous step); `hold(false)` lets it go again.
   * No-op in browsers.
   */
  hold: (on: boolean) => void = () => {};
  /** Resolves when the worker has exited (Node: its 'exit' event; browsers: once terminated). */
  exited: Promise<void>;
  markExited: () => void = () => {};
  constructor(readonly worker: AnyWorker) {
    this.exited = new Promise((r) => (this.markExited = r));
  }
  deliver(r: Reply): void {
    this.#waiters.shift()?.(r);
  }
  fail(err: Error): void {
    this.#failed = err;
    for (const w of this.#waiters.splice(0)) w({ status: WORKER_FAILED, error: err.message, ready: false });
  }
  next(): Promise<Reply> {
    if (this.#failed !== null) return Promise.resolve({ status: WORKER_FAILED, error: this.#failed.message, ready: false });
    return new Promise((r) => this.#waiters.push(r));
  }
}

function spawn(): Slot {
  const wt = nodeWorkerThreads();
  if (wt !== null) {
    const w = new wt.Worker(NODE_WORKER_SOURCE, { eval: true });
    const slot = new Slot(w);
    w.on('message', (m: never) => slot.deliver(m as Reply));
    w.on('error', (e: never) => slot.fail(e as Error));
    w.on('exit', () => {
      slot.fail(new Error('a step worker exited'));
      slot.markExited();
    });
    // Never keep Node's process alive for an idle worker: dispose() ends them, the process' exit ends them too.
    slot.hold = (on) => (on ? w.ref() : w.unref());
    return slot;
  }
  const W = (globalThis as { Worker?: new (url: string, o: { type: 'module' }) => AnyWorker & { onmessage: unknown; onerror: unknown } }).Worker;
  if (typeof W !== 'function' || typeof Blob !== 'function' || typeof URL.createObjectURL !== 'function') {
    throw new Error('threads: this JavaScript environment has neither worker_threads nor Web Workers; use threads: 0');
  }
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new W(url, { type: 'module' });
  URL.revokeObjectURL(url);
  const slot = new Slot(w);
  w.onmessage = (e: MessageEvent) => slot.deliver(e.data as Reply);
  w.onerror = (e: ErrorEvent) => slot.fail(new Error(`a step worker failed: ${e.message}`));
  const terminate = w.terminate.bind(w);
  w.terminate = () => {
    terminate();
    slot.markExited();
  };
  return slot;
}

/**
 * The status of a round from the workers' statuses (in row order): OK when
 * all are; else the first failing field row's status (a kernel status
 * below 256), else the first failing normalisation's (status + 256 from
 * `ad_ode_rows`), as one thread reports them.
 */
function firstFailure(statuses: readonly number[]): number {
  const field = statuses.find((s) => s !== STATUS.ok && s < 256);
  if (field !== undefined) return field;
  const norm = statuses.find((s) => s !== STATUS.ok);
  return norm === undefined ? STATUS.ok : norm & 255;
}

/** Leak net: ends the workers of a threaded simulation garbage-collected without dispose(). */
const workerRegistry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<Slot[]>((slots) => {
        for (const s of slots) void s.worker.terminate();
      })
    : null;

/**
 * A {@link Backend} that keeps the state in `inner` (a wasm simulation on the
 * calling thread) and computes every discrete step on `threads` workers.
 * Create with {@link ThreadedBackend.create}; `dispose()` ends the workers
 * and frees `inner`.
 */
export class ThreadedBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly precision: Precision;
  readonly n: number;
  readonly d: number;
  /** Number of workers. */
  readonly threads: number;
  /** True when the barrier is a SharedArrayBuffer with Atomics (false: message passing). */
  readonly shared: boolean;
  #inner: WasmBackend;
  #slots: Slot[];
  #params: StepParams | null = null;
  #A: Float64Array | null = null;
  #V: Float64Array | null = null;
  /** Shared mode: control block, parameters, snapshot in, rows out. */
  #ctl: Int32Array | null = null;
  #par: Float64Array;
  #xin: Float64Array | Float32Array | null = null;
  #xout: Float64Array | Float32Array | null = null;
  /** True for the sphere models (their workers were created with the integrator buffers). */
  readonly #ode: boolean;
  /** True while a step is in flight (between waking the workers and reading their rows). */
  #busy = false;
  #disposed = false;

  private constructor(inner: WasmBackend, slots: Slot[], shared: boolean, ode: boolean) {
    this.#inner = inner;
    this.#ode = ode;
    this.precision = inner.precision;
    this.n = inner.n;
    this.d = inner.d;
    this.threads = slots.length;
    this.#slots = slots;
    this.shared = shared;
    workerRegistry?.register(this, slots, this);
    const parLen = PAR.A + 2 * this.d * this.d;
    this.#par = shared ? new Float64Array(new SharedArrayBuffer(parLen * 8)) : new Float64Array(parLen);
  }

  /**
   * Start `threads` ≥ 1 workers for `inner`, each instantiating `module` (the
   * kernel) with a simulation of inner's n, d and precision; resolves once all
   * are ready. `shared` (default: where SharedArrayBuffer exists) picks the
   * Atomics barrier over message passing. Rejects (and ends every worker it
   * started) when a worker cannot start; `inner` stays the caller's. `ode`:
   * the sphere models (workers then hold the integrator buffers).
   */
  static async create(inner: WasmBackend, module: WebAssembly.Module, threads: number, shared = typeof SharedArrayBuffer === 'function', ode = false): Promise<ThreadedBackend> {
    const slots: Slot[] = [];
    try {
      for (let w = 0; w < threads; w++) slots.push(spawn());
    } catch (err) {
      for (const s of slots) void s.worker.terminate();
      throw err;
    }
    const b = new ThreadedBackend(inner, slots, shared, ode);
    const size = inner.precision === 'f64' ? 8 : 4;
    const init: Record<string, unknown> = { module, precision: inner.precision, n: inner.n, d: inner.d, count: threads, ode };
    if (shared) {
      const ctl = new SharedArrayBuffer(4 * (CTL.STATUS0 + threads));
      const xin = new SharedArrayBuffer(size * inner.n * inner.d);
      const xout = new SharedArrayBuffer(size * inner.n * inner.d);
      b.#ctl = new Int32Array(ctl);
      const f64 = inner.precision === 'f64';
      b.#xin = f64 ? new Float64Array(xin) : new Float32Array(xin);
      b.#xout = f64 ? new Float64Array(xout) : new Float32Array(xout);
      Object.assign(init, { ctl, par: b.#par.buffer, xin, xout });
    }
    const ready = slots.map((s, index) => {
      const r = s.next();
      s.worker.postMessage({ ...init, index });
      return r;
    });
    const replies = await Promise.all(ready);
    for (const s of slots) s.hold(false);
    const bad = replies.find((r) => r.ready !== true);
    if (bad !== undefined) {
      b.#end();
      throw new Error(`threads: a step worker could not start (${bad.error ?? 'no reason given'}); use threads: 0`);
    }
    return b;
  }

  setParams(p: StepParams): void {
    this.#inner.setParams(p);
    this.#params = { ...p };
  }

  setMatrix(which: 'A' | 'V', M: Float64Array | null): void {
    this.#inner.setMatrix(which, M);
    const copy = M === null ? null : Float64Array.from(M);
    if (which === 'A') this.#A = copy;
    else this.#V = copy;
  }

  setSeed(state: bigint): void {
    this.#inner.setSeed(state);
  }

  seedState(): bigint {
    return this.#inner.seedState();
  }

  setPositions(x: Float64Array): void {
    this.#inner.setPositions(x);
  }

  positions(): Float64Array {
    return this.#inner.positions();
  }

  view(): Float64Array | Float32Array {
    return this.#inner.view();
  }

  /** Bytes of wasm memory held by the calling thread's simulation (each worker holds as much again). */
  bytes(): number {
    return this.#inner.bytes();
  }

  /** Fill the parameter block for one round (stage: DISCRETE, or the sphere step's stage k). */
  #fillPar(delta: number, gamma: number, stage: number): void {
    const p = this.#params;
    if (p === null) throw new Error('threads: setParams was not called');
    const par = this.#par;
    const seed = this.#inner.seedState();
    par[PAR.DELTA] = delta;
    par[PAR.GAMMA] = gamma;
    par[PAR.SEED_HI] = Number(BigInt.asUintN(32, seed >> 32n));
    par[PAR.SEED_LO] = Number(BigInt.asUintN(32, seed));
    par[PAR.MODEL] = p.model;
    par[PAR.BETA] = p.beta;
    par[PAR.TAU] = p.tau;
    par[PAR.UPDATE] = p.update;
    par[PAR.H] = p.h;
    par[PAR.SPHERE] = p.sphere ? 1 : 0;
    par[PAR.ENGINE] = p.engine;
    par[PAR.READINGS] = p.readings;
    par[PAR.STAGE] = stage;
    par[PAR.INTEGRATOR] = p.integrator;
    par[PAR.DT] = p.dt;
    const dd = this.d * this.d;
    par[PAR.A_ID] = this.#A === null ? 1 : 0;
    par[PAR.V_ID] = this.#V === null ? 1 : 0;
    if (this.#A !== null) par.set(this.#A, PAR.A);
    if (this.#V !== null) par.set(this.#V, PAR.A + dd);
  }

  /** After a successful step: the generator advances by the step's draws (n for softmax-markov; the kernel knows). */
  #advanceSeed(): void {
    this.#inner.skipStepDraws();
  }

  #live(): void {
    if (this.#disposed) throw new Error('this wasm simulation was disposed; its memory is freed and its workers ended');
    if (this.#busy) throw new Error('a threaded step of this simulation is already in flight');
  }

  /** The rounds of one step: [DISCRETE], or the sphere integrator's stages 0 … 3 (rk4) / 0 (euler). */
  #rounds(): number[] {
    if (!this.#ode) return [DISCRETE];
    return this.#params?.integrator === INTEGRATOR_CODE.rk4 ? [0, 1, 2, 3] : [0];
  }

  /** Shared mode: publish one round (its input: the state, or the gathered stage state) and wake the workers. */
  #begin(delta: number, gamma: number, stage: number, input: Float64Array | Float32Array): void {
    this.#fillPar(delta, gamma, stage);
    this.#xin!.set(input);
    const ctl = this.#ctl!;
    Atomics.store(ctl, CTL.DONE, 0);
    Atomics.store(ctl, CTL.CMD, CMD.STEP);
    Atomics.add(ctl, CTL.GEN, 1);
    Atomics.notify(ctl, CTL.GEN);
    this.#busy = true;
  }

  /** Shared mode, all workers done with a round: its status (see {@link firstFailure}). */
  #roundStatus(): number {
    this.#busy = false;
    const ctl = this.#ctl!;
    const st: number[] = [];
    for (let w = 0; w < this.threads; w++) st.push(Atomics.load(ctl, CTL.STATUS0 + w));
    return firstFailure(st);
  }

  /** After the last round of a step succeeded: commit its rows (xout) and advance the generator. */
  #commit(rows: Float64Array | Float32Array): void {
    this.#inner.view().set(rows);
    this.#advanceSeed();
  }

  /**
   * Advance deltas.length steps synchronously (the Backend contract). Needs
   * the shared mode and a thread that may block: throws an Error naming
   * `run()` on a browser's main thread or without SharedArrayBuffer.
   */
  step(deltas: Float64Array, gammas: Float64Array): { status: number; done: number } {
    this.#live();
    if (!this.shared || !canBlock()) {
      throw new Error(
        `step() cannot wait for worker threads here (${this.shared ? 'a browser main thread may not block' : 'no SharedArrayBuffer: the page is not cross-origin isolated'}); ` +
          'use run() (`await sim.run(k)`) or snapshots(), which await the workers, or threads: 0',
      );
    }
    const ctl = this.#ctl!;
    for (let s = 0; s < deltas.length; s++) {
      let input: Float64Array | Float32Array = this.#inner.view();
      for (const stage of this.#rounds()) {
        this.#begin(deltas[s]!, gammas[s]!, stage, input);
        for (;;) {
          const c = Atomics.load(ctl, CTL.DONE);
          if (c >= this.threads) break;
          Atomics.wait(ctl, CTL.DONE, c);
        }
        const st = this.#roundStatus();
        if (st !== STATUS.ok) return { status: st, done: s };
        input = this.#xout!;
      }
      this.#commit(this.#xout!);
    }
    return { status: STATUS.ok, done: deltas.length };
  }

  /**
   * The same without blocking the calling thread: the barrier is awaited
   * (Atomics.waitAsync where it exists, else a short poll), or the jobs go by
   * message passing. Resolves like step(); rejects when disposed meanwhile.
   */
  async stepAsync(deltas: Float64Array, gammas: Float64Array): Promise<{ status: number; done: number }> {
    this.#live();
    for (let s = 0; s < deltas.length; s++) {
      const st = this.shared ? await this.#stepShared(deltas[s]!, gammas[s]!) : await this.#stepMessages(deltas[s]!, gammas[s]!);
      if (st !== STATUS.ok) return { status: st, done: s };
    }
    return { status: STATUS.ok, done: deltas.length };
  }

  async #stepShared(delta: number, gamma: number): Promise<number> {
    this.#hold(true);
    try {
      let input: Float64Array | Float32Array = this.#inner.view();
      for (const stage of this.#rounds()) {
        this.#begin(delta, gamma, stage, input);
        const st = await this.#awaitShared();
        if (st !== STATUS.ok) return st;
        input = this.#xout!;
      }
      this.#commit(this.#xout!);
      return STATUS.ok;
    } finally {
      this.#hold(false);
    }
  }

  /** Keep Node alive (or not) while a step is awaited. */
  #hold(on: boolean): void {
    if (!this.#disposed) for (const s of this.#slots) s.hold(on);
  }

  async #awaitShared(): Promise<number> {
    const ctl = this.#ctl!;
    const waitAsync = (Atomics as { waitAsync?: (a: Int32Array, i: number, v: number) => { async: boolean; value: unknown } }).waitAsync;
    for (;;) {
      if (this.#disposed) throw new Error('this Simulation was disposed during run(), while a threaded step was in flight');
      const c = Atomics.load(ctl, CTL.DONE);
      if (c >= this.threads) break;
      if (typeof waitAsync === 'function') {
        const r = waitAsync(ctl, CTL.DONE, c);
        if (r.async) await (r.value as Promise<unknown>);
      } else {
        await new Promise((res) => setTimeout(res, 0));
      }
    }
    return this.#roundStatus();
  }

  async #stepMessages(delta: number, gamma: number): Promise<number> {
    let x = this.#inner.view().slice();
    for (const stage of this.#rounds()) {
      this.#fillPar(delta, gamma, stage);
      this.#busy = true;
      const input = x;
      const replies = this.#slots.map((s) => {
        const r = s.next();
        s.worker.postMessage({ par: this.#par, x: input });
        return r;
      });
      this.#hold(true);
      let got: Reply[];
      try {
        got = await Promise.all(replies);
      } finally {
        this.#busy = false;
        this.#hold(false);
      }
      if (this.#disposed) throw new Error('this Simulation was disposed during run(), while a threaded step was in flight');
      const st = firstFailure(got.map((r) => r.status ?? WORKER_FAILED));
      if (st !== STATUS.ok) return st;
      x = x.slice();
      got.forEach((r, w) => x.set(r.rows!, Math.floor((w * this.n) / this.threads) * this.d));
    }
    this.#commit(x);
    return STATUS.ok;
  }

  /** End the workers (shared mode: tell them to quit first, then terminate). */
  #end(): void {
    const ctl = this.#ctl;
    if (ctl !== null) {
      Atomics.store(ctl, CTL.CMD, CMD.QUIT);
      Atomics.add(ctl, CTL.GEN, 1);
      Atomics.notify(ctl, CTL.GEN);
      // Release a stepAsync waiting on the barrier; it sees #disposed and rejects.
      Atomics.store(ctl, CTL.DONE, this.threads);
      Atomics.notify(ctl, CTL.DONE);
    }
    for (const s of this.#slots) {
      s.fail(new Error('the simulation was disposed'));
      void s.worker.terminate();
    }
  }

  /** Resolves with the number of workers once every one has exited (after dispose()). */
  exited(): Promise<number> {
    return Promise.all(this.#slots.map((s) => s.exited)).then(() => this.#slots.length);
  }

  /** End every worker and free the calling thread's kernel memory. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    workerRegistry?.unregister(this);
    this.#end();
    this.#inner.dispose();
  }
}
