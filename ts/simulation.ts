/**
 * Simulation: validation, δ schedules and backend dispatch (DESIGN.md "Data flow").
 *
 * ```ts
 * const sim = await Simulation.create({ model: 'localmax', positions, n, d, alpha: 0.5, delta: 0.1 });
 * sim.step(100);
 * const x = sim.positions(); // Float64Array copy, n*d row-major
 * sim.dispose();
 * ```
 */
import type { Backend, StepParams } from './backend/backend.js';
import { INTEGRATOR_CODE, MODEL_CODE, STATUS, UPDATE_CODE, isOdeModel } from './backend/backend.js';
import { createBackend } from './backend/index.js';
import { normalizeRow } from './backend/normalize.js';
import { WasmBackend, loadedModule } from './backend/wasm.js';
import { ThreadedBackend } from './threads/pool.js';
import { checkInt, rangeError, show } from './check.js';
import type { BackendName, DeltaOption, GammaOption, Integrator, Model, Precision, SimulationOptions } from './types.js';
import { resolveOptions } from './validate.js';
import { STEP_ASYNC, runSteps, snapshotSteps } from './threads/run.js';
import type { RunOptions, RunResult, Snapshot, SnapshotOptions } from './threads/run.js';
import type { ResolvedOptions } from './validate.js';

/**
 * Steps per chunk of `step(k)`: the schedules are evaluated and checked for
 * this many steps at a time (the kernel's SCHEDULE_CAP), so `step(k)` holds
 * O(1) memory whatever k is.
 */
const CHUNK = 4096;

declare global {
  // `Symbol.dispose` (TC39 explicit resource management) is typed by lib
  // "esnext.disposable" and by @types/node; declared here too so that this
  // file's declarations compile for a project with neither (e.g. lib
  // ["es2022", "dom"], types: []) instead of failing with TS2550. Identical to
  // the lib's declaration, so the two merge.
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/**
 * The wasm simulation `inner` computed by `threads` workers from now on
 * (ts/threads/pool.ts), with the parameters and matrices already set in
 * inner (the workers receive them with every step). On failure inner is
 * left to the caller.
 */
async function threaded(inner: WasmBackend, threads: number, params: StepParams, A: Float64Array | null, V: Float64Array | null): Promise<Backend> {
  const module = loadedModule();
  if (module === null) throw new Error('threads: the kernel module is not loaded');
  const b = await ThreadedBackend.create(inner, module, threads, undefined, isOdeModel(params.model));
  b.setParams(params);
  b.setMatrix('A', A);
  b.setMatrix('V', V);
  return b;
}

/** A running simulation of n tokens in R^d. Create with `Simulation.create`; free with `dispose()`. */
export class Simulation {
  #backend: Backend | null;
  #t = 0;
  /** True while step() runs (a schedule function must not step or re-enter). */
  #stepping = false;
  readonly #o: Omit<ResolvedOptions, 'positions'>;
  readonly #delta: (t: number) => number;
  readonly #constantDelta: number | null;
  readonly #gamma: (t: number) => number;
  readonly #constantGamma: number | null;
  /** δ and γ of the steps of one chunk (constant schedules: filled once). */
  readonly #deltas = new Float64Array(CHUNK);
  readonly #gammas = new Float64Array(CHUNK);

  private constructor(backend: Backend, o: ResolvedOptions) {
    this.#backend = backend;
    // The initial positions are in the backend now; do not keep a second copy alive.
    const { positions: _copied, ...rest } = o;
    this.#o = rest;
    // δ and γ come compiled from resolveOptions (validated once there).
    this.#delta = o.deltaAt;
    this.#constantDelta = o.constantDelta;
    this.#gamma = o.gammaAt;
    this.#constantGamma = o.constantGamma;
    if (this.#constantDelta !== null) this.#deltas.fill(this.#constantDelta);
    if (this.#constantGamma !== null) this.#gammas.fill(this.#constantGamma);
  }

  /**
   * Validate the options, allocate the backend and copy the initial positions in.
   * Throws TypeError/RangeError naming the bad option and value; rejects with an
   * Error when backend 'wasm' cannot run here (no WebAssembly SIMD) or
   * kernel.wasm cannot be loaded. `backend: 'auto'` (the default) runs 'wasm'
   * where WebAssembly SIMD validates and 'js' elsewhere.
   */
  static async create(options: SimulationOptions): Promise<Simulation> {
    // Validation runs synchronously, when create() is called. A Float64Array that
    // needs no change is read in place and copied into the backend with no await
    // in between, so the caller may change its array as soon as create() returns;
    // only the first wasm simulation, which waits for the kernel, copies it first.
    const o = resolveOptions(options);
    // Only the first wasm simulation waits for the kernel: it copies a caller's array it would otherwise read after awaiting.
    const made = createBackend(o, () => {
      if (o.positions === (options as { positions?: unknown }).positions) o.positions = Float64Array.from(o.positions);
    });
    let backend: Backend = made instanceof Promise ? await made : made;
    try {
      const params: StepParams = {
        model: MODEL_CODE[o.model],
        beta: o.beta,
        tau: o.tieTolerance,
        update: UPDATE_CODE[o.update],
        h: o.h,
        sphere: o.sphere,
        integrator: INTEGRATOR_CODE[o.integrator],
        dt: o.dt,
        engine: o.engine === 'tree' ? 1 : 0,
        readings: o.model === 'localmax' ? o.readings : 0,
      };
      backend.setParams(params);
      backend.setMatrix('A', o.A);
      backend.setMatrix('V', o.V);
      if (o.seed !== null) backend.setSeed(o.seed);
      backend.setPositions(o.positions);
      if (o.threads > 0) backend = await threaded(backend as WasmBackend, o.threads, params, o.A, o.V);
    } catch (err) {
      backend.dispose();
      throw err;
    }
    return new Simulation(backend, o);
  }

  #live(): Backend {
    if (this.#backend === null) throw new Error('this Simulation was disposed; create a new one');
    return this.#backend;
  }

  /** Steps taken so far (the state is X(t)). */
  get t(): number {
    this.#live();
    return this.#t;
  }
  /** Number of tokens. */
  get n(): number {
    return this.#live().n;
  }
  /** Dimension of each token. */
  get d(): number {
    return this.#live().d;
  }
  /** The model name. */
  get model(): Model {
    this.#live();
    return this.#o.model;
  }
  /** Continuous time t·dt of the sphere models (equals t for discrete models). */
  get time(): number {
    this.#live();
    return this.#o.ode ? this.#t * this.#o.dt : this.#t;
  }
  /** Sphere models: the time step. */
  get dt(): number {
    this.#live();
    return this.#o.dt;
  }
  /** Sphere models: the integrator. */
  get integrator(): Integrator {
    this.#live();
    return this.#o.integrator;
  }
  /** The discrete update in use: 'convex' (x + γ(y − x)) or 'residual' (x + h V y). */
  get update(): 'convex' | 'residual' {
    this.#live();
    return this.#o.update;
  }
  /** 'softmax-markov': the current SplitMix64 state (new runs seeded with it continue the stream). */
  get rngState(): bigint {
    return this.#live().seedState();
  }
  /** The backend running this simulation: 'wasm' or 'js' (with backend 'auto', the one chosen). */
  get backend(): BackendName {
    return this.#live().name;
  }
  /** Worker threads computing each step (0: the calling thread; the `threads` option with 'auto' resolved). */
  get threads(): number {
    this.#live();
    return this.#o.threads;
  }
  /**
   * Engine of the threshold models in use: 'dense' (canonical ascending-j
   * sums) or 'tree' (kd-tree range sums, d <= 3): the `engine` option with
   * 'auto' resolved; always 'dense' for the other models.
   */
  get engine(): 'dense' | 'tree' {
    this.#live();
    return this.#o.engine;
  }
  /** True when an afterStep hook is set: the hull-nesting theorems (P1) no longer hold, analysis should report them (lyapunovReport's `hooked`). */
  get hooked(): boolean {
    this.#live();
    return this.#o.afterStep !== null;
  }
  /** The precision of the state. */
  get precision(): Precision {
    return this.#live().precision;
  }
  /** α as given, or null when the step size came from gamma (or the residual update is used). */
  get alpha(): number | null {
    this.#live();
    return this.#o.alpha;
  }
  /** The step-size option in use: γ = α/(1+α), the gamma option, or the model's default. */
  get gamma(): GammaOption {
    this.#live();
    return this.#o.gamma;
  }
  /** γ_t of the step from t to t+1 (without validation). */
  gammaAt(t: number): number {
    this.#live();
    return this.#gamma(t);
  }
  /** Inverse temperature β. */
  get beta(): number {
    this.#live();
    return this.#o.beta;
  }
  /**
   * The alignment matrix of the step, a_ij = <A x_i, x_j>: A as given, or Kᵀ Q for Q/K runs
   * (identities for a missing factor). A d*d row-major Float64Array copy the caller owns
   * (float64 even on f32 simulations), or null for the identity.
   */
  get A(): Float64Array | null {
    this.#live();
    return this.#o.A === null ? null : this.#o.A.slice();
  }
  /** Relative tie tolerance τ in use. */
  get tieTolerance(): number {
    this.#live();
    return this.#o.tieTolerance;
  }
  /** The δ option in use: a number, a frozen copy of the schedule object given, or the function given. */
  get delta(): DeltaOption {
    this.#live();
    return this.#o.delta;
  }

  /** δ(t) of the schedule (without validation); the value the step from t to t+1 uses. */
  deltaAt(t: number): number {
    this.#live();
    return this.#delta(t);
  }

  /**
   * Advance k >= 0 steps (default 1); k + t must stay at most 2^53 − 1. Returns this.
   *
   * Steps are transactional: each step t → t+1 happens whole or not at all.
   * When one cannot be taken, the call throws and stops there: `t` and
   * `positions()` (and `rngState`) are those of the last completed step, and
   * the steps completed earlier in the same call are kept. The error names the
   * t at which the run stopped:
   * - RangeError: a non-finite value (an alignment, a softmax weight or an
   *   updated position overflowed), or a token reached the origin where it had
   *   to be projected to the sphere;
   * - RangeError/TypeError: a schedule value (δ(t) for localmax, γ_t for the
   *   convex update) is not a number >= 0, resp. not in (0, 1]. Schedules are
   *   evaluated ahead, up to 4096 steps at a time, and every value of such a
   *   chunk is checked before any step of it runs; a bad value at t = 10 000
   *   stops the run at t = 10 000 with the steps before it done. An exception
   *   thrown by a schedule function propagates the same way (the steps before
   *   its t are done first).
   * - Error: a schedule function disposed this simulation ("disposed during
   *   step") or called step() on it.
   * Schedule functions must therefore be functions of t only: they are called
   * before the steps they describe, not between them.
   */
  step(k = 1): this {
    const backend = this.#startStep(k);
    const plan = this.#plan(k, backend);
    let r = this.#next(plan);
    while (!r.done) r = this.#next(plan, backend.step(r.value.deltas, r.value.gammas));
    return this;
  }

  /**
   * step(k) without blocking on worker threads (what run() and snapshots()
   * use): with `threads` ≥ 1 each step's barrier is awaited; otherwise the
   * same as step(k). Same errors; an Error when disposed meanwhile.
   */
  async [STEP_ASYNC](k: number): Promise<void> {
    const backend = this.#startStep(k);
    const plan = this.#plan(k, backend);
    let r = this.#next(plan);
    while (!r.done) {
      let res: { status: number; done: number };
      try {
        res = backend instanceof ThreadedBackend ? await backend.stepAsync(r.value.deltas, r.value.gammas) : backend.step(r.value.deltas, r.value.gammas);
      } catch (err) {
        plan.return(undefined);
        throw err;
      }
      if (this.#backend !== backend) {
        plan.return(undefined);
        throw new Error(`this Simulation was disposed during run() (at t = ${this.#t}); the run was ended`);
      }
      r = this.#next(plan, res);
    }
  }

  /** The checks step(k) makes before anything runs; returns the backend. */
  #startStep(k: number): Backend {
    const backend = this.#live();
    checkInt(k, 'k', 0);
    const room = Number.MAX_SAFE_INTEGER - this.#t;
    if (k > room) throw rangeError('k', `at most ${room} (t + k must stay a safe integer; t = ${this.#t})`, k);
    if (this.#stepping) {
      throw new Error('step() was called from inside a schedule function of this same simulation; schedules must be functions of t only');
    }
    return backend;
  }

  /** Resume the plan with the backend's last result, flagging the schedule evaluation it does as `#stepping`. */
  #next(
    plan: Generator<{ deltas: Float64Array; gammas: Float64Array }, void, { status: number; done: number }>,
    res?: { status: number; done: number },
  ): IteratorResult<{ deltas: Float64Array; gammas: Float64Array }, void> {
    this.#stepping = true;
    try {
      return res === undefined ? plan.next() : plan.next(res);
    } finally {
      this.#stepping = false;
    }
  }

  /**
   * The steps of step(k) as a plan: yields the schedule values of each run of
   * valid steps for the backend to take, receives its { status, done }, and
   * throws the error that ends the call (t already advanced by the steps done).
   */
  *#plan(k: number, backend: Backend): Generator<{ deltas: Float64Array; gammas: Float64Array }, void, { status: number; done: number }> {
    const localmax = this.#o.model === 'localmax';
    const convex = !this.#o.ode && this.#o.update === 'convex';
    const hook = this.#o.afterStep;
    let left = k;
    while (left > 0) {
      // With a hook every step is its own run: the hook changes the state between steps.
      const m = Math.min(hook === null ? CHUNK : 1, left);
      const t0 = this.#t;
      // Evaluate and check the chunk's schedule values; `run` steps are valid.
      let run = m;
      let bad: unknown = null;
      if (localmax && this.#constantDelta === null) {
        const r = this.#fill(this.#deltas, m, this.#delta, 'delta', (v) => v >= 0, 'a number >= 0 (Infinity allowed)');
        if (r.valid < run) ({ valid: run, error: bad } = r);
      }
      if (convex && this.#constantGamma === null) {
        const r = this.#fill(this.#gammas, m, this.#gamma, 'gamma', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
        if (r.valid < run) ({ valid: run, error: bad } = r);
      }
      if (this.#backend !== backend) {
        throw new Error(
          `this Simulation was disposed during step(${k}) by a schedule function (evaluating the steps from t = ${t0}); ` +
            'schedules must be functions of t only',
        );
      }
      if (run > 0) {
        const r = yield { deltas: this.#deltas.subarray(0, run), gammas: this.#gammas.subarray(0, run) };
        this.#t += r.done;
        if (r.status !== STATUS.ok) throw this.#stepFailure(r.status);
        if (hook !== null) this.#applyHook(backend, hook);
      }
      if (bad !== null) throw bad;
      left -= m;
    }
  }

  /**
   * Advance k ≥ 0 steps asynchronously, in slices of a few milliseconds with an
   * event-loop turn between them (see ts/threads/run.ts). Resolves
   * `{ t, aborted }`; an aborted signal stops at a step boundary and resolves
   * with `aborted: true` and the exact t. Rejects with the errors of step(),
   * or an Error when disposed during the run.
   */
  run(k: number, options?: RunOptions): Promise<RunResult> {
    return runSteps(this, k, options);
  }

  /** `for await (const { t, positions } of sim.snapshots(k, { every }))`: run() as an async iterator of copies. */
  snapshots(k: number, options?: SnapshotOptions): AsyncGenerator<Snapshot, RunResult, undefined> {
    return snapshotSteps(this, k, options);
  }

  /**
   * Apply the afterStep hook to the state at t (see SimulationOptions.afterStep):
   * a float64 copy in, checked and taken back; on a refusal the state stays
   * that of the step and the error names t.
   */
  #applyHook(backend: Backend, hook: (x: Float64Array, t: number) => void): void {
    const { n, d } = backend;
    const x = backend.positions();
    const t = this.#t;
    hook(x, t);
    if (this.#backend !== backend) throw new Error(`this Simulation was disposed by its afterStep hook (at t = ${t})`);
    if (x.length !== n * d) throw new RangeError(`afterStep must change the positions in place (n*d = ${n * d} numbers); they have length ${x.length} at t = ${t}`);
    const limit = backend.precision === 'f32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
    for (let k = 0; k < x.length; k++) {
      const v = x[k] as number;
      if (!(Math.abs(v) <= limit)) {
        throw new RangeError(
          `afterStep set token ${Math.floor(k / d)}, coordinate ${k % d} to ${v} at t = ${t}, which is not a finite ${backend.precision} number; ` +
            `the step to t = ${t} stays done, the hook's changes were not applied`,
        );
      }
    }
    if ((this.#o.ode && this.#o.model !== 'euclidean-sa') || this.#o.sphere) {
      for (let i = 0; i < n; i++) {
        if (normalizeRow(x, i * d, d) !== STATUS.ok) {
          throw new RangeError(`afterStep set token ${i} to a vector that cannot be projected to the unit sphere at t = ${t}; the step to t = ${t} stays done, the hook's changes were not applied`);
        }
      }
    }
    backend.setPositions(x);
  }

  /** The error of a step the backend could not take (the state is that of t = this.#t). */
  #stepFailure(status: number): Error {
    const t = this.#t;
    const kept = `the run stopped at t = ${t}: t and the positions are those of t = ${t} (the failing step was undone, earlier steps kept)`;
    if (status === STATUS.nonFinite) {
      return new RangeError(
        `the step from t = ${t} to t = ${t + 1} overflowed: an alignment, a softmax weight or an updated position is not finite; ${kept}. ` +
          'Rescale the tokens, A, V or h',
      );
    }
    if (status === STATUS.zeroNorm) {
      return new RangeError(`in the step from t = ${t} to t = ${t + 1} a token reached the origin and cannot be projected to the unit sphere; ${kept}`);
    }
    return new Error(`the ${this.#live().name} backend failed in the step from t = ${t} with status ${status}; ${kept}`);
  }

  /**
   * Evaluate a schedule for the next m steps into out[0..m), checking every
   * value. Returns how many leading values are valid (m when all are) and, if
   * one is not, the error naming it (a bad value, or what the schedule threw).
   */
  #fill(
    out: Float64Array,
    m: number,
    f: (t: number) => number,
    name: string,
    ok: (v: number) => boolean,
    want: string,
  ): { valid: number; error: unknown } {
    for (let s = 0; s < m; s++) {
      const t = this.#t + s;
      let v: unknown;
      try {
        v = f(t);
      } catch (err) {
        return { valid: s, error: err };
      }
      const stop = `; the run stopped at t = ${t} (the steps before it were done)`;
      if (typeof v !== 'number') {
        return { valid: s, error: new TypeError(`${name}(t) must be ${want}; the schedule returned ${show(v)} at t = ${t}${stop}`) };
      }
      if (Number.isNaN(v) || !ok(v)) {
        return { valid: s, error: new RangeError(`${name}(t) must be ${want}; the schedule returned ${show(v)} at t = ${t}${stop}`) };
      }
      out[s] = v;
    }
    return { valid: m, error: null };
  }

  /** A fresh Float64Array copy of the positions, n*d row-major; the caller owns it. */
  positions(): Float64Array {
    return this.#live().positions();
  }

  /**
   * A zero-copy view of the positions (n*d row-major; Float32Array in 'f32').
   * For the wasm backend it aliases wasm memory and is valid only until the next
   * call into the kernel (any step, create or dispose of any simulation can grow
   * memory and detach it). Do not write to it.
   */
  view(): Float64Array | Float32Array {
    return this.#live().view();
  }

  /** Free the backend's memory. Idempotent; any other use afterwards throws. */
  dispose(): void {
    if (this.#backend !== null) {
      this.#backend.dispose();
      this.#backend = null;
    }
  }

  /** Alias of dispose() for `using sim = await Simulation.create(...)`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** True once dispose() has run. */
  get disposed(): boolean {
    return this.#backend === null;
  }
}
