/**
 * Recorded trajectories: snapshots of a simulation in one flat buffer.
 *
 * Layout: `data` holds `count` snapshots of n*d numbers each, snapshot-major,
 * then row-major: coordinate c of token i in snapshot s is
 * `data[(s*n + i)*d + c]`. `times[s]` is the step index t of snapshot s.
 *
 * The analysis layer never imports a backend: a Recorder works with anything
 * that has `n`, `d`, `t` and `view()` (a Simulation of either backend).
 *
 * `checkTrajectory` is the one check of a Trajectory argument, used by every
 * analysis function that takes one (limits, quiescent sets, energies,
 * Frank–Wolfe, metastability).
 */
import { checkIndex, checkInt, checkNumber, checkOneOf, checkOptions, rangeError, typeError } from '../../check.js';

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

/** Options of a Recorder (checked with ts/check.ts; an unknown option is a TypeError). */
export interface RecorderOptions {
  /** Keep every k-th step (snapshots at t = t0, t0 + every, …): an integer >= 1. Default 1. */
  every?: number;
  /** Storage precision of the snapshots: 'f64' or 'f32'. Default 'f64'. */
  precision?: 'f64' | 'f32';
  /** Memory cap in bytes for the snapshot buffer: a finite number > 0 that holds at least one snapshot. Default 256 MiB. */
  maxBytes?: number;
  /** Snapshots to allocate up front (grows by doubling up to the cap): an integer >= 1. Default 64. */
  initialCapacity?: number;
}

/**
 * Checks a Trajectory argument and returns it: n, d and count integers >= 1,
 * `times` a Float64Array of at least count finite, strictly increasing step
 * indices, `data` a Float64Array or Float32Array of at least count*n*d finite
 * numbers. TypeError for a wrong type or shape, RangeError for a bad value; a
 * non-finite entry is named by its snapshot, token and coordinate. O(count·n·d);
 * `scan` false checks the shape only, O(1) (for zero-copy slicing).
 */
export function checkTrajectory(tr: unknown, name = 'tr', scan = true): Trajectory {
  if (tr === null || typeof tr !== 'object' || Array.isArray(tr)) {
    throw typeError(name, 'a Trajectory { n, d, count, times, data } (e.g. Recorder.trajectory())', tr);
  }
  const t = tr as Partial<Trajectory>;
  const n = checkInt(t.n, `${name}.n`);
  const d = checkInt(t.d, `${name}.d`);
  const count = checkInt(t.count, `${name}.count`);
  const times: unknown = t.times;
  const data: unknown = t.data;
  if (!(times instanceof Float64Array)) throw typeError(`${name}.times`, 'a Float64Array of step indices', times);
  if (!(data instanceof Float64Array || data instanceof Float32Array)) throw typeError(`${name}.data`, 'a Float64Array or Float32Array', data);
  if (times.length < count) throw rangeError(`${name}.times.length`, `>= count = ${count}`, times.length);
  const len = n * d;
  if (data.length < count * len) throw rangeError(`${name}.data.length`, `>= count*n*d = ${count}*${n}*${d} = ${count * len}`, data.length);
  if (!scan) return tr as Trajectory;
  for (let s = 0; s < count; s++) {
    const v = times[s] as number;
    if (!Number.isFinite(v)) throw rangeError(`${name}.times[${s}]`, 'finite', v);
    if (s > 0 && !(v > (times[s - 1] as number))) {
      throw rangeError(`${name}.times[${s}]`, `> ${name}.times[${s - 1}] = ${times[s - 1]} (strictly increasing)`, v);
    }
  }
  const total = count * len;
  for (let k = 0; k < total; k++) {
    const v = data[k] as number;
    if (v - v !== 0) {
      // NaN or ±Infinity (v − v is NaN exactly for those)
      const s = Math.floor(k / len);
      const r = k - s * len;
      throw rangeError(`${name}.data[${k}] (snapshot ${s} at t = ${times[s]}, token ${Math.floor(r / d)}, coordinate ${r % d})`, 'finite', v);
    }
  }
  return tr as Trajectory;
}

/** Snapshot s of a trajectory as a zero-copy subarray (n*d row-major). */
export function snapshot(tr: Trajectory, s: number): Float64Array | Float32Array {
  const t = checkTrajectory(tr, 'tr', false);
  checkIndex(s, t.count, 's');
  const len = t.n * t.d;
  return t.data.subarray(s * len, (s + 1) * len);
}

/**
 * Snapshot s as float64 (n*d row-major): zero-copy when the trajectory holds
 * float64 data, else a float64 copy. The accessor the CLI and the
 * experiments read states with.
 */
export function snapshot64(tr: Trajectory, s: number): Float64Array {
  const x = snapshot(tr, s);
  return x instanceof Float64Array ? x : Float64Array.from(x);
}

/** Token i's path through a trajectory: count*d numbers (a fresh Float64Array). */
export function tokenPath(tr: Trajectory, i: number): Float64Array {
  const t = checkTrajectory(tr, 'tr', false);
  checkIndex(i, t.n, 'i');
  const { n, d, count } = t;
  const out = new Float64Array(count * d);
  for (let s = 0; s < count; s++) {
    for (let c = 0; c < d; c++) out[s * d + c] = t.data[(s * n + i) * d + c] as number;
  }
  return out;
}

const RECORDER_OPTIONS = ['every', 'precision', 'maxBytes', 'initialCapacity'] as const;

/** Options of {@link Recorder.run}. */
export interface RecorderRunOptions {
  /** Also record after a final chunk shorter than `every` (the run's last state). Default false. */
  last?: boolean;
  /** Called after each chunk with the steps done so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Keeps every k-th snapshot of a simulation in one flat buffer with a memory cap.
 *
 * ```ts
 * const rec = new Recorder(sim, { every: 5 });   // records X(t) now
 * rec.run(300);                                   // steps 300, recording every 5th state
 * const tr = rec.trajectory();                    // zero-copy Trajectory
 * ```
 *
 * Options are checked with ts/check.ts (an unknown option is a TypeError).
 * The memory cap is checked before stepping: `run(k)` that would need more
 * snapshots than `maxBytes` leaves room for throws a RangeError and steps
 * nothing, so the simulation is never past the last snapshot stored.
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
  #stepMs = 0;
  readonly #sim: Steppable;

  /**
   * @param sim a Simulation (or anything with n, d, t, view() and step(k)); read, stepped, never disposed
   * @param options `every` (integer >= 1, default 1), `precision` ('f64' or 'f32', default 'f64'),
   *   `maxBytes` (finite number > 0, default 256 MiB; must hold one snapshot), `initialCapacity`
   *   (integer >= 1 snapshots, default 64, capped by maxBytes). Records X(t) at once.
   */
  constructor(sim: Steppable, options: RecorderOptions = {}) {
    if (sim === null || typeof sim !== 'object' || typeof sim.view !== 'function' || typeof sim.step !== 'function') {
      throw typeError('sim', 'a Simulation (an object with n, d, t, view() and step(k))', sim);
    }
    const o = checkOptions<RecorderOptions>(options, 'options', RECORDER_OPTIONS);
    this.#sim = sim;
    this.n = checkInt(sim.n, 'sim.n');
    this.d = checkInt(sim.d, 'sim.d');
    this.every = o.every === undefined ? 1 : checkInt(o.every, 'every', 1);
    this.precision = checkOneOf(o.precision, 'precision', ['f64', 'f32'] as const, 'f64');
    this.maxBytes = o.maxBytes === undefined ? 256 * 2 ** 20 : checkNumber(o.maxBytes, 'maxBytes', { min: 0, minExclusive: true });
    const initial = o.initialCapacity === undefined ? 64 : checkInt(o.initialCapacity, 'initialCapacity', 1);
    if (this.#maxSnapshots() < 1) {
      throw rangeError('maxBytes', `at least one snapshot of n*d = ${this.n * this.d} ${this.precision} numbers (${this.#snapshotBytes()} bytes)`, this.maxBytes);
    }
    const cap = Math.min(initial, this.#maxSnapshots());
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
  #capError(need: number, what: string, more = ''): RangeError {
    const max = this.#maxSnapshots();
    return new RangeError(
      `Recorder memory cap reached: ${what} needs ${need} more snapshot(s) of n = ${this.n}, d = ${this.d} (${this.precision}, ` +
        `${this.#snapshotBytes()} bytes each) but maxBytes = ${this.maxBytes} holds ${max} and ${this.#count} are stored ` +
        `(the last at t = ${this.#times[this.#count - 1]}); nothing was stepped or recorded${more}. Raise maxBytes or every`,
    );
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

  /** Store the simulation's current state now. Throws a RangeError past the memory cap (storing nothing). */
  record(): void {
    const len = this.n * this.d;
    if (this.#count * len === this.#data.length) {
      const max = this.#maxSnapshots();
      if (this.#count >= max) throw this.#capError(1, 'record()');
      const grown = this.#alloc(Math.min(max, this.#count * 2));
      grown.set(this.#data);
      this.#data = grown;
      const times = new Float64Array(Math.min(max, this.#count * 2));
      times.set(this.#times);
      this.#times = times;
    }
    const view = this.#sim.view();
    if (view.length !== len) throw rangeError("the simulation's view().length", `n*d = ${len}`, view.length);
    this.#data.set(view as ArrayLike<number>, this.#count * len);
    this.#times[this.#count] = this.#sim.t;
    this.#count++;
  }

  /**
   * Step the simulation `steps` times (an integer >= 0) in chunks of
   * `every`, recording the state after each full chunk — and, with `last`,
   * after a final partial chunk too, so the run's last state is stored.
   * `onProgress(done, steps)` is called after each chunk. Returns this.
   * Before any step, a run that would need more snapshots than the memory
   * cap leaves room for is refused with a RangeError (the simulation is not
   * stepped). The time spent inside `sim.step` adds to {@link stepMs}.
   */
  run(steps: number, opts: RecorderRunOptions = {}): this {
    checkOptions(opts, 'opts', ['last', 'onProgress']);
    const k0 = checkInt(steps, 'steps', 0);
    const last = opts.last ?? false;
    if (typeof last !== 'boolean') throw typeError('opts.last', 'a boolean', last);
    const onProgress = opts.onProgress;
    if (onProgress !== undefined && typeof onProgress !== 'function') throw typeError('opts.onProgress', 'a function (done, total)', onProgress);
    const need = last ? Math.ceil(k0 / this.every) : Math.floor(k0 / this.every);
    const room = this.#maxSnapshots() - this.#count;
    if (need > room) {
      throw this.#capError(need, `run(${k0}) with every = ${this.every}`, ` (at most ${room * this.every + (last ? 0 : this.every - 1)} steps fit)`);
    }
    let left = k0;
    while (left > 0) {
      const k = Math.min(this.every, left);
      const t0 = performance.now();
      this.#sim.step(k);
      this.#stepMs += performance.now() - t0;
      left -= k;
      if (k === this.every || last) this.record();
      onProgress?.(k0 - left, k0);
    }
    return this;
  }

  /** Milliseconds spent inside the simulation's step() by {@link run} so far (recording excluded). */
  get stepMs(): number {
    return this.#stepMs;
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
