/**
 * Recorded trajectories: snapshots of a simulation in one flat buffer.
 *
 * Layout: `data` holds `count` snapshots of n*d numbers each, snapshot-major,
 * then row-major: coordinate c of token i in snapshot s is
 * `data[(s*n + i)*d + c]`. `times[s]` is the step index t of snapshot s.
 *
 * The analysis layer never imports a backend: a Recorder works with anything
 * that has `n`, `d`, `t` and `view()` (a Simulation of either backend).
 */

/** A recorded trajectory (read-only by convention; the Recorder owns the buffers). */
export interface Trajectory {
  readonly n: number;
  readonly d: number;
  /** Number of snapshots stored. */
  readonly count: number;
  /** Step index of each snapshot, ascending (length >= count). */
  readonly times: Float64Array;
  /** count*n*d numbers, snapshot-major then row-major (length >= count*n*d). */
  readonly data: Float64Array | Float32Array;
}

/** What a Recorder reads from: a Simulation or anything shaped like one. */
export interface Steppable {
  readonly n: number;
  readonly d: number;
  readonly t: number;
  /** Current state, n*d row-major; read immediately, never kept. */
  view(): ArrayLike<number>;
  step(k?: number): unknown;
}

/** Options of a Recorder. */
export interface RecorderOptions {
  /** Keep every k-th step (snapshots at t = t0, t0 + every, …). Default 1. */
  every?: number;
  /** Storage precision of the snapshots. Default 'f64'. */
  precision?: 'f64' | 'f32';
  /** Memory cap in bytes for the snapshot buffer. Default 256 MiB. */
  maxBytes?: number;
  /** Snapshots to allocate up front (grows by doubling up to the cap). Default 64. */
  initialCapacity?: number;
}

/** Snapshot s of a trajectory as a zero-copy subarray (n*d row-major). */
export function snapshot(tr: Trajectory, s: number): Float64Array | Float32Array {
  if (!Number.isInteger(s) || s < 0 || s >= tr.count) {
    throw new RangeError(`snapshot index must be an integer in [0, ${tr.count}); got ${s}`);
  }
  const len = tr.n * tr.d;
  return tr.data.subarray(s * len, (s + 1) * len);
}

/** Token i's path through a trajectory: count*d numbers (a fresh Float64Array). */
export function tokenPath(tr: Trajectory, i: number): Float64Array {
  if (!Number.isInteger(i) || i < 0 || i >= tr.n) throw new RangeError(`token index must be an integer in [0, ${tr.n}); got ${i}`);
  const { n, d, count } = tr;
  const out = new Float64Array(count * d);
  for (let s = 0; s < count; s++) {
    for (let c = 0; c < d; c++) out[s * d + c] = tr.data[(s * n + i) * d + c] as number;
  }
  return out;
}

/**
 * Keeps every k-th snapshot of a simulation in one flat buffer with a memory cap.
 *
 * ```ts
 * const rec = new Recorder(sim, { every: 5 });   // records X(t) now
 * rec.run(300);                                   // steps 300, recording every 5th state
 * const tr = rec.trajectory();                    // zero-copy Trajectory
 * ```
 */
export class Recorder implements Trajectory {
  readonly n: number;
  readonly d: number;
  readonly every: number;
  readonly maxBytes: number;
  readonly precision: 'f64' | 'f32';
  #data: Float64Array | Float32Array;
  #times: Float64Array;
  #count = 0;
  readonly #sim: Steppable;

  constructor(sim: Steppable, options: RecorderOptions = {}) {
    this.#sim = sim;
    this.n = sim.n;
    this.d = sim.d;
    const every = options.every ?? 1;
    if (typeof every !== 'number' || !Number.isInteger(every) || every < 1) {
      throw new RangeError(`every must be an integer >= 1; got ${String(every)}`);
    }
    this.every = every;
    this.precision = options.precision ?? 'f64';
    if (this.precision !== 'f64' && this.precision !== 'f32') {
      throw new TypeError(`precision must be 'f64' or 'f32'; got ${String(options.precision)}`);
    }
    const maxBytes = options.maxBytes ?? 256 * 2 ** 20;
    if (typeof maxBytes !== 'number' || !(maxBytes > 0)) throw new RangeError(`maxBytes must be a number > 0; got ${String(maxBytes)}`);
    this.maxBytes = maxBytes;
    const cap = Math.max(1, Math.min(options.initialCapacity ?? 64, this.#maxSnapshots()));
    if (this.#maxSnapshots() < 1) {
      throw new RangeError(`maxBytes = ${maxBytes} cannot hold one snapshot of ${this.#snapshotBytes()} bytes`);
    }
    this.#data = this.#alloc(cap);
    this.#times = new Float64Array(cap);
    this.record();
  }

  #snapshotBytes(): number {
    return this.n * this.d * (this.precision === 'f64' ? 8 : 4);
  }
  #maxSnapshots(): number {
    return Math.floor(this.maxBytes / this.#snapshotBytes());
  }
  #alloc(snapshots: number): Float64Array | Float32Array {
    const len = snapshots * this.n * this.d;
    return this.precision === 'f64' ? new Float64Array(len) : new Float32Array(len);
  }

  /** Number of snapshots stored. */
  get count(): number {
    return this.#count;
  }
  /** The snapshot buffer (may be longer than count*n*d; reallocated when it grows). */
  get data(): Float64Array | Float32Array {
    return this.#data;
  }
  /** Step index of each snapshot (may be longer than count). */
  get times(): Float64Array {
    return this.#times;
  }

  /** Store the simulation's current state now. Throws a RangeError past the memory cap. */
  record(): void {
    const len = this.n * this.d;
    if (this.#count * len === this.#data.length) {
      const max = this.#maxSnapshots();
      if (this.#count >= max) {
        throw new RangeError(
          `Recorder memory cap reached: ${this.#count} snapshots of n = ${this.n}, d = ${this.d} (${this.precision}) ` +
            `use ${this.#count * this.#snapshotBytes()} bytes of maxBytes = ${this.maxBytes}; raise maxBytes or every`,
        );
      }
      const grown = this.#alloc(Math.min(max, this.#count * 2));
      grown.set(this.#data);
      this.#data = grown;
      const times = new Float64Array(Math.min(max, this.#count * 2));
      times.set(this.#times);
      this.#times = times;
    }
    const view = this.#sim.view();
    if (view.length !== len) throw new RangeError(`the simulation's view has ${view.length} numbers; expected n*d = ${len}`);
    this.#data.set(view as ArrayLike<number>, this.#count * len);
    this.#times[this.#count] = this.#sim.t;
    this.#count++;
  }

  /** Step the simulation `steps` times, recording every `every`-th state. Returns this. */
  run(steps: number): this {
    if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0) {
      throw new RangeError(`steps must be an integer >= 0; got ${String(steps)}`);
    }
    let left = steps;
    while (left > 0) {
      const k = Math.min(this.every, left);
      this.#sim.step(k);
      left -= k;
      if (k === this.every) this.record();
    }
    return this;
  }

  /** A Trajectory over exactly the stored snapshots (zero-copy subarrays). */
  trajectory(): Trajectory {
    return {
      n: this.n,
      d: this.d,
      count: this.#count,
      times: this.#times.subarray(0, this.#count),
      data: this.#data.subarray(0, this.#count * this.n * this.d),
    };
  }

  /** Snapshot s, zero-copy (n*d row-major). */
  snapshot(s: number): Float64Array | Float32Array {
    return snapshot(this, s);
  }

  /** The last stored snapshot, zero-copy. */
  last(): Float64Array | Float32Array {
    return snapshot(this, this.#count - 1);
  }
}
