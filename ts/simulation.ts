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
import { MODEL_CODE, STATUS } from './backend/backend.js';
import { JsBackend } from './backend/js.js';
import { WasmBackend } from './backend/wasm.js';
import { formatValue as fmt, isConstant, scheduleFunction } from './schedules.js';
import type { BackendName, DeltaOption, Model, Precision, SimulationOptions } from './types.js';
import { resolveOptions } from './validate.js';

/** A running simulation of n tokens in R^d. Create with `Simulation.create`; free with `dispose()`. */
export class Simulation {
  #backend: Backend | null;
  #t = 0;
  readonly #model: Model;
  readonly #alpha: number;
  readonly #beta: number;
  readonly #tau: number;
  readonly #deltaOption: DeltaOption;
  readonly #delta: (t: number) => number;
  readonly #constantDelta: number | null;

  private constructor(backend: Backend, model: Model, alpha: number, beta: number, tau: number, delta: DeltaOption) {
    this.#backend = backend;
    this.#model = model;
    this.#alpha = alpha;
    this.#beta = beta;
    this.#tau = tau;
    this.#deltaOption = delta;
    this.#delta = scheduleFunction(delta);
    this.#constantDelta = isConstant(delta) ? this.#delta(0) : null;
  }

  /**
   * Validate the options, allocate the backend and copy the initial positions in.
   * Throws TypeError/RangeError naming the bad option and value; rejects with an
   * Error when backend 'wasm' cannot run here (no WebAssembly SIMD).
   */
  static async create(options: SimulationOptions): Promise<Simulation> {
    const o = resolveOptions(options);
    const backend: Backend =
      o.backend === 'wasm' ? await WasmBackend.create(o.precision, o.n, o.d) : new JsBackend(o.precision, o.n, o.d);
    try {
      backend.setParams({ model: MODEL_CODE[o.model], gamma: o.alpha / (1 + o.alpha), beta: o.beta, tau: o.tieTolerance });
      backend.setMatrix(o.A);
      backend.setPositions(o.positions);
    } catch (err) {
      backend.dispose();
      throw err;
    }
    return new Simulation(backend, o.model, o.alpha, o.beta, o.tieTolerance, o.delta);
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
    return this.#model;
  }
  /** The backend in use. */
  get backend(): BackendName {
    return this.#live().name;
  }
  /** The precision of the state. */
  get precision(): Precision {
    return this.#live().precision;
  }
  /** α (the update uses γ = α/(1+α)). */
  get alpha(): number {
    this.#live();
    return this.#alpha;
  }
  /** γ = α/(1+α), the weight of the attention average in each step. */
  get gamma(): number {
    this.#live();
    return this.#alpha / (1 + this.#alpha);
  }
  /** Softmax inverse temperature. */
  get beta(): number {
    this.#live();
    return this.#beta;
  }
  /** Relative tie tolerance τ in use. */
  get tieTolerance(): number {
    this.#live();
    return this.#tau;
  }
  /** The δ option as given (number, schedule object or function). */
  get delta(): DeltaOption {
    this.#live();
    return this.#deltaOption;
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
    if (this.#model === 'localmax') {
      if (this.#constantDelta !== null) {
        deltas.fill(this.#constantDelta);
      } else {
        for (let s = 0; s < k; s++) {
          const t = this.#t + s;
          const v: unknown = this.#delta(t);
          if (typeof v !== 'number' || Number.isNaN(v) || v < 0) {
            throw new RangeError(`delta(t) must be a number >= 0; the schedule returned ${fmt(v)} at t = ${t} (no step was taken)`);
          }
          deltas[s] = v;
        }
      }
    }
    const r = backend.step(deltas);
    this.#t += r.done;
    if (r.status !== STATUS.ok) {
      throw new RangeError(
        r.status === STATUS.nonFinite
          ? `an alignment overflowed to a non-finite value during the step from t = ${this.#t} (the state is part-way through that step)`
          : `the ${backend.name} backend failed at t = ${this.#t} with status ${r.status}`,
      );
    }
    return this;
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
