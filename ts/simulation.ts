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
import type { Backend } from './backend/backend.js';
import { INTEGRATOR_CODE, MODEL_CODE, STATUS, UPDATE_CODE } from './backend/backend.js';
import { JsBackend } from './backend/js.js';
import { WasmBackend } from './backend/wasm.js';
import { formatValue as fmt, gammaFunction, isConstant, scheduleFunction } from './schedules.js';
import type { BackendName, DeltaOption, GammaOption, Integrator, Model, Precision, SimulationOptions } from './types.js';
import { resolveOptions } from './validate.js';
import type { ResolvedOptions } from './validate.js';

/** A running simulation of n tokens in R^d. Create with `Simulation.create`; free with `dispose()`. */
export class Simulation {
  #backend: Backend | null;
  #t = 0;
  readonly #o: ResolvedOptions;
  readonly #delta: (t: number) => number;
  readonly #constantDelta: number | null;
  readonly #gamma: (t: number) => number;
  readonly #constantGamma: number | null;

  private constructor(backend: Backend, o: ResolvedOptions) {
    this.#backend = backend;
    this.#o = o;
    this.#delta = scheduleFunction(o.delta);
    this.#constantDelta = isConstant(o.delta) ? this.#delta(0) : null;
    this.#gamma = gammaFunction(o.gamma);
    const g = o.gamma;
    this.#constantGamma = typeof g === 'number' ? g : typeof g === 'object' && g.kind === 'constant' ? g.gamma : null;
  }

  /**
   * Validate the options, allocate the backend and copy the initial positions in.
   * Throws TypeError/RangeError naming the bad option and value; rejects with an
   * Error when backend 'wasm' cannot run here (no WebAssembly SIMD).
   */
  static async create(options: SimulationOptions): Promise<Simulation> {
    const o = resolveOptions(options);
    const backend: Backend =
      o.backend === 'wasm' ? await WasmBackend.create(o.precision, o.n, o.d, o.ode) : new JsBackend(o.precision, o.n, o.d, o.ode);
    try {
      backend.setParams({
        model: MODEL_CODE[o.model],
        beta: o.beta,
        tau: o.tieTolerance,
        update: UPDATE_CODE[o.update],
        h: o.h,
        sphere: o.sphere,
        integrator: INTEGRATOR_CODE[o.integrator],
        dt: o.dt,
      });
      backend.setMatrix('A', o.A);
      backend.setMatrix('V', o.V);
      if (o.seed !== null) backend.setSeed(o.seed);
      backend.setPositions(o.positions);
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
  /** The backend in use. */
  get backend(): BackendName {
    return this.#live().name;
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
  /** Relative tie tolerance τ in use. */
  get tieTolerance(): number {
    this.#live();
    return this.#o.tieTolerance;
  }
  /** The δ option as given (number, schedule object or function). */
  get delta(): DeltaOption {
    this.#live();
    return this.#o.delta;
  }

  /** δ(t) of the schedule (without validation). */
  deltaAt(t: number): number {
    this.#live();
    return this.#delta(t);
  }

  /**
   * Advance k >= 0 steps (default 1). For localmax, δ(t), …, δ(t+k−1) are all
   * evaluated and checked first: if one is NaN or negative the call throws a
   * RangeError naming δ and t before any token moves. Returns this.
   */
  step(k = 1): this {
    const backend = this.#live();
    if (typeof k !== 'number') throw new TypeError(`k (steps) must be a non-negative integer; got ${fmt(k)}`);
    if (!Number.isSafeInteger(k) || k < 0) throw new RangeError(`k (steps) must be a non-negative integer; got ${fmt(k)}`);
    if (k === 0) return this;
    const deltas = new Float64Array(k);
    const gammas = new Float64Array(k);
    if (this.#o.model === 'localmax') {
      this.#fill(deltas, this.#constantDelta, this.#delta, 'delta', (v) => v >= 0, 'a number >= 0');
    }
    if (!this.#o.ode && this.#o.update === 'convex') {
      this.#fill(gammas, this.#constantGamma, this.#gamma, 'gamma', (v) => v > 0 && v <= 1, 'a number in (0, 1]');
    }
    const r = backend.step(deltas, gammas);
    this.#t += r.done;
    if (r.status !== STATUS.ok) {
      const at = `during the step from t = ${this.#t} (the state is part-way through that step)`;
      throw new RangeError(
        r.status === STATUS.nonFinite
          ? `an alignment or weight overflowed to a non-finite value ${at}`
          : r.status === STATUS.zeroNorm
            ? `a token reached the origin and cannot be projected to the unit sphere ${at}`
            : `the ${backend.name} backend failed at t = ${this.#t} with status ${r.status}`,
      );
    }
    return this;
  }

  /** Evaluate a schedule for the next out.length steps, checking every value before any step runs. */
  #fill(out: Float64Array, constant: number | null, f: (t: number) => number, name: string, ok: (v: number) => boolean, want: string): void {
    if (constant !== null) {
      out.fill(constant);
      return;
    }
    for (let s = 0; s < out.length; s++) {
      const t = this.#t + s;
      const v: unknown = f(t);
      if (typeof v !== 'number') {
        throw new TypeError(`${name}(t) must be ${want}; the schedule returned ${fmt(v)} at t = ${t} (no step was taken)`);
      }
      if (Number.isNaN(v) || !ok(v)) {
        throw new RangeError(`${name}(t) must be ${want}; the schedule returned ${fmt(v)} at t = ${t} (no step was taken)`);
      }
      out[s] = v;
    }
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
