/**
 * Asynchronous, cooperative stepping (issue 12 part 2): `Simulation.run()` and
 * `Simulation.snapshots()`. Steps are taken with the synchronous `step()` in
 * slices sized so that one slice takes about `SLICE_MS` milliseconds, and the
 * event loop gets a macrotask turn between slices, so a browser page keeps
 * painting and handling input, and a Node server keeps serving, while a long
 * run proceeds. Every slice ends on a step boundary, so an abort or a
 * `dispose()` never sees a half-taken step.
 */
import { checkInt, rangeError, typeError } from '../check.js';

/**
 * The key of Simulation's internal asynchronous step (step(k) that awaits
 * worker threads instead of blocking on them); run() uses it where present.
 */
export const STEP_ASYNC: unique symbol = Symbol('attention-dynamics.stepAsync');

/** What run() needs of a simulation (the public Simulation surface). */
export interface Steppable {
  readonly t: number;
  readonly disposed: boolean;
  step(k?: number): unknown;
  [STEP_ASYNC]?(k: number): Promise<void>;
  positions(): Float64Array;
}

/** Options of `sim.run(k, options)`. */
export interface RunOptions {
  /** Call onSnapshot after every `every` steps of this run (integer ≥ 1; default 1). */
  every?: number;
  /**
   * Called with t and a fresh Float64Array copy of the positions (n*d
   * row-major; the callee owns it) after steps t0 + every, t0 + 2·every, …
   * (≤ t0 + k), where t0 is `sim.t` when run() was called.
   */
  onSnapshot?: (t: number, positions: Float64Array) => void;
  /** Called after each slice of steps with the current t and the target t0 + k. */
  onProgress?: (t: number, target: number) => void;
  /** Stops the run at the next step boundary; the promise then resolves with `aborted: true`. */
  signal?: AbortSignal;
}

/** How a run() ended. */
export interface RunResult {
  /** The simulation's t when the run ended (t0 + k unless aborted). */
  t: number;
  /** True when the signal stopped the run before t0 + k. */
  aborted: boolean;
}

/** Options of `sim.snapshots(k, options)`. */
export interface SnapshotOptions {
  /** Yield after every `every` steps (integer ≥ 1; default 1). */
  every?: number;
  /** Ends the iteration at the next step boundary (no error). */
  signal?: AbortSignal;
}

/** One snapshot: t and a fresh Float64Array copy of the positions (n*d row-major; the consumer owns it). */
export interface Snapshot {
  t: number;
  positions: Float64Array;
}

/** Target wall time of one synchronous slice of steps, in milliseconds. */
export const SLICE_MS = 4;

/** Give the event loop one macrotask turn (setImmediate in Node, a MessageChannel task in browsers). */
function yieldToLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === 'function') return new Promise((r) => g.setImmediate!(r));
  if (typeof g.MessageChannel === 'function') {
    return new Promise((r) => {
      const ch = new g.MessageChannel!();
      ch.port1.onmessage = () => {
        ch.port1.close();
        r();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

const now: () => number =
  typeof performance !== 'undefined' && typeof performance.now === 'function' ? () => performance.now() : () => Date.now();

function checkSignal(v: unknown): AbortSignal | undefined {
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || typeof (v as AbortSignal).aborted !== 'boolean') {
    throw typeError('signal', 'an AbortSignal', v);
  }
  return v as AbortSignal;
}

function checkCallback<F>(v: unknown, name: string): F | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'function') throw typeError(name, 'a function', v);
  return v as F;
}

function checkRunArgs(sim: Steppable, k: unknown, every: unknown): { k: number; every: number } {
  const kk = checkInt(k, 'k', 0);
  const room = Number.MAX_SAFE_INTEGER - sim.t;
  if (kk > room) throw rangeError('k', `at most ${room} (t + k must stay a safe integer; t = ${sim.t})`, kk);
  const ev = every === undefined ? 1 : checkInt(every, 'every', 1);
  return { k: kk, every: ev };
}

/** The last t a run saw (for the message when a simulation is disposed mid-run). */
const lastT = new WeakMap<object, number>();

/** sim.t, or the run's Error when the simulation was disposed during the run. */
function tOf(sim: Steppable): number {
  if (sim.disposed) throw new Error(`this Simulation was disposed during run()/snapshots() (at t = ${lastT.get(sim) ?? '?'}); the run was ended`);
  return sim.t;
}

/** Simulations with a run() or snapshots() in progress (one at a time per simulation). */
const busy = new WeakSet<object>();

/**
 * Advance `sim` until t = min(stop, t0+k) in slices of about SLICE_MS,
 * yielding to the event loop between slices. `state.batch` carries the
 * adaptive slice size between calls. Returns false when aborted.
 */
async function advanceTo(
  sim: Steppable,
  stop: number,
  state: { batch: number },
  signal: AbortSignal | undefined,
  onProgress: ((t: number, target: number) => void) | undefined,
  target: number,
): Promise<boolean> {
  while (tOf(sim) < stop) {
    if (signal?.aborted) return false;
    const m = Math.min(state.batch, stop - sim.t);
    const t0 = now();
    const stepAsync = sim[STEP_ASYNC];
    if (stepAsync !== undefined) await stepAsync.call(sim, m);
    else sim.step(m);
    lastT.set(sim, sim.t);
    const ms = now() - t0;
    // Aim the next slice at SLICE_MS: grow at most 4× at a time, shrink as needed.
    const per = ms / m;
    state.batch = per > 0 ? Math.max(1, Math.min(state.batch * 4, Math.floor(SLICE_MS / per))) : state.batch * 4;
    onProgress?.(sim.t, target);
    await yieldToLoop();
  }
  return true;
}


/**
 * `sim.run(k, options)`: advance k ≥ 0 steps without blocking the event loop
 * for more than about SLICE_MS at a time. Resolves `{ t, aborted }`; when the
 * signal fires, the run stops at the next step boundary and resolves with
 * `aborted: true` and the exact t (the state is that of t). Rejects with the
 * same error `step()` throws when a step cannot be taken (t and positions are
 * those of the last completed step), with an Error when the simulation is
 * disposed during the run or another run()/snapshots() of it is in progress,
 * and with an error a callback throws (the run stops there).
 */
export async function runSteps(sim: Steppable, k: unknown, options: RunOptions = {}): Promise<RunResult> {
  if (options === null || typeof options !== 'object') throw typeError('options', 'an object', options);
  const { k: kk, every } = checkRunArgs(sim, k, options.every);
  const onSnapshot = checkCallback<(t: number, x: Float64Array) => void>(options.onSnapshot, 'onSnapshot');
  const onProgress = checkCallback<(t: number, target: number) => void>(options.onProgress, 'onProgress');
  const signal = checkSignal(options.signal);
  if (busy.has(sim)) throw new Error('a run() or snapshots() of this Simulation is already in progress; await it first');
  busy.add(sim);
  try {
    const t0 = sim.t;
    lastT.set(sim, t0);
    const target = t0 + kk;
    const state = { batch: 1 };
    let next = onSnapshot ? t0 + every : target;
    while (tOf(sim) < target) {
      const stop = Math.min(next, target);
      if (!(await advanceTo(sim, stop, state, signal, onProgress, target))) return { t: sim.t, aborted: true };
      if (onSnapshot && sim.t === next) {
        onSnapshot(sim.t, sim.positions());
        next += every;
      }
    }
    return { t: sim.t, aborted: false };
  } finally {
    busy.delete(sim);
  }
}

/**
 * `sim.snapshots(k, options)`: an async iterator that advances k ≥ 0 steps like
 * run() and yields `{ t, positions }` after every `every` steps (the initial
 * state is not yielded). Stepping pauses while the consumer handles a
 * snapshot; `break` ends it at that step boundary; the signal ends it without
 * error. Errors are those of run().
 */
export async function* snapshotSteps(sim: Steppable, k: unknown, options: SnapshotOptions = {}): AsyncGenerator<Snapshot, RunResult, undefined> {
  if (options === null || typeof options !== 'object') throw typeError('options', 'an object', options);
  const { k: kk, every } = checkRunArgs(sim, k, options.every);
  const signal = checkSignal(options.signal);
  if (busy.has(sim)) throw new Error('a run() or snapshots() of this Simulation is already in progress; await it first');
  busy.add(sim);
  try {
    const t0 = sim.t;
    lastT.set(sim, t0);
    const target = t0 + kk;
    const state = { batch: 1 };
    let next = t0 + every;
    while (tOf(sim) < target) {
      const stop = Math.min(next, target);
      if (!(await advanceTo(sim, stop, state, signal, undefined, target))) return { t: sim.t, aborted: true };
      if (sim.t === next) {
        yield { t: sim.t, positions: sim.positions() };
        next += every;
      }
    }
    return { t: sim.t, aborted: false };
  } finally {
    busy.delete(sim);
  }
}
