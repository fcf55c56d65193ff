/**
 * The pure-TypeScript backend: the readable reference of SPEC.md §1–2 and the
 * fallback where WebAssembly SIMD is missing. Same algorithm and order as the
 * kernel (crates/kernel/src/attend.rs, sim.rs), written plainly.
 *
 * The attention pass, for each token i in ascending order, reading only a
 * snapshot `src` of the state taken before the pass:
 *
 *     q = A x_i;  a_j = q · x_j;  m = max_j a_j
 *     threshold (hardmax, localmax, frank-wolfe):
 *         C = { j : a_j ≥ m − δ − τ·max(1,|m|) },  y = (Σ_{j∈C, ascending} x_j) / |C|
 *     softmax (and sphere-sa):  w_j = exp(β(a_j − m)),  y = Σ_j w_j x_j / Σ_j w_j
 *     sphere-usa:               y = exp(βm)/n · Σ_j exp(β(a_j − m)) x_j
 *     softmax-markov:           J = first j with Σ_{k≤j} w_k > u·Σ_k w_k (u one uniform), y = x_J
 *
 * Tree engine (StepParams.engine 1; threshold models, d <= 3): m by branch
 * and bound and C's sum by a half-space range sum on a kd-tree (./tree.ts,
 * the kernel's tree and order), same members, tree summation order. A row
 * whose alignments could overflow (max_c |q_c| · max_j Σ_c |x_jc| not below
 * the kernel's SAFE) takes the dense rule above, as the kernel does.
 *
 * Discrete update of x_i: x_i + γ_t(y − x_i) (convex) or x_i + h V y (residual),
 * then x_i/|x_i| with `sphere`. Sphere models integrate dx_i/dt = P⊥_{x_i}(V y_i).
 *
 * Steps are transactional: a step that fails (STATUS.nonFinite: an alignment,
 * a weight scale or an updated token is not finite; STATUS.zeroNorm: a token
 * at the origin had to be projected) leaves the state and the generator
 * exactly as after the previous step. The discrete step restores the state
 * from the snapshot `src`; the ODE step writes the state only at its end.
 *
 * Memory: all buffers are allocated at construction; stepping allocates nothing.
 * In 'f32' precision the state is stored as float32 (rounded after every
 * step) while the arithmetic is float64.
 */
import type { Backend, StepParams } from './backend.js';
import { INTEGRATOR_CODE, MODEL_CODE, STATUS, UPDATE_CODE, isOdeModel } from './backend.js';
import { SplitMix64 } from '../prng.js';
import type { Precision } from '../types.js';
import { normalizeRow as normalizeInPlace } from './normalize.js';
import { KdTree } from './tree.js';
import { MODELS, READING_BITS, isThreshold as isThresholdModel } from '../models.js';
import { nextUp } from '../detmath.js';
import { euclideanAlignment } from './expm.js';

/** Thrown inside a pass to stop it with a status code. */
class StepFailure {
  constructor(readonly status: number) {}
}

export class JsBackend implements Backend {
  readonly name = 'js' as const;
  readonly #x: Float64Array | Float32Array;
  /** Snapshot read by the attention pass. */
  readonly #src: Float64Array;
  readonly #a: Float64Array;
  readonly #q: Float64Array;
  readonly #y: Float64Array;
  readonly #vy: Float64Array;
  /** Sphere integrator buffers (n*d each; empty unless created with ode). */
  readonly #stage: Float64Array;
  readonly #field: Float64Array;
  readonly #acc: Float64Array;
  /** The tree engine's kd-tree (allocated on first use). */
  #tree: KdTree | null = null;
  #A: Float64Array | null = null;
  /** euclidean-sa: the alignment matrix M(τ) of the stage being evaluated (overrides #A), and the steps taken. */
  #At: Float64Array | null = null;
  #odeSteps = 0;
  #V: Float64Array | null = null;
  #rng = new SplitMix64(0);
  #p: StepParams = {
    model: MODEL_CODE.hardmax,
    beta: 1,
    tau: 0,
    update: UPDATE_CODE.convex,
    h: 1,
    sphere: false,
    integrator: INTEGRATOR_CODE.rk4,
    dt: 0.1,
    engine: 0,
    readings: 0,
  };

  constructor(
    readonly precision: Precision,
    readonly n: number,
    readonly d: number,
    ode = false,
  ) {
    this.#x = precision === 'f64' ? new Float64Array(n * d) : new Float32Array(n * d);
    this.#src = new Float64Array(n * d);
    this.#a = new Float64Array(n);
    this.#q = new Float64Array(d);
    this.#y = new Float64Array(d);
    this.#vy = new Float64Array(d);
    const odeLen = ode ? n * d : 0;
    this.#stage = new Float64Array(odeLen);
    this.#field = new Float64Array(odeLen);
    this.#acc = new Float64Array(odeLen);
  }

  setParams(p: StepParams): void {
    this.#p = { ...p };
  }

  setMatrix(which: 'A' | 'V', M: Float64Array | null): void {
    const copy = M === null ? null : Float64Array.from(M);
    if (which === 'A') this.#A = copy;
    else this.#V = copy;
  }

  setSeed(state: bigint): void {
    this.#rng = new SplitMix64(state);
  }

  seedState(): bigint {
    return this.#rng.state;
  }

  setPositions(x: Float64Array): void {
    this.#x.set(x);
  }

  step(deltas: Float64Array, gammas: Float64Array): { status: number; done: number } {
    const { model, update } = this.#p;
    for (let s = 0; s < deltas.length; s++) {
      try {
        if (isOdeModel(model)) {
          this.#odeStep();
        } else {
          const delta = model === MODEL_CODE.localmax ? (deltas[s] as number) : 0;
          const gamma = gammas[s] as number;
          if (!(delta >= 0) || (update === UPDATE_CODE.convex && !(gamma > 0 && gamma <= 1))) {
            return { status: STATUS.badArgument, done: s };
          }
          this.#discreteStep(delta, gamma);
        }
      } catch (err) {
        if (err instanceof StepFailure) return { status: err.status, done: s };
        throw err;
      }
    }
    return { status: STATUS.ok, done: deltas.length };
  }

  /**
   * The attention pass over the snapshot in #src: calls visit(i, y) for each
   * token i ascending, y the row's weighted mean (a shared scratch vector).
   */
  #attend(delta: number, visit: (i: number, y: Float64Array) => void): void {
    const { n, d } = this;
    const src = this.#src;
    const a = this.#a;
    const q = this.#q;
    const y = this.#y;
    const A = this.#At ?? this.#A;
    const { model, beta, tau } = this.#p;
    // The tree engine: threshold models only, built once per pass over a finite snapshot.
    let tree: KdTree | null = null;
    let l1max = 0;
    const safe = this.precision === 'f64' ? 1e300 : 1e36;
    const readings = model === MODEL_CODE.localmax ? this.#p.readings : 0;
    // The tree implements SPEC's rule only; validate.ts never pairs it with other readings.
    if (this.#p.engine === 1 && THRESHOLD_CODES.has(model) && readings === 0) {
      for (let j = 0; j < n; j++) {
        let l1 = 0;
        for (let c = 0; c < d; c++) l1 += Math.abs(src[j * d + c] as number);
        if (!(l1 <= l1max)) l1max = l1;
      }
      if (Number.isFinite(l1max)) {
        tree = this.#tree ??= new KdTree(n, d);
        tree.build(src);
      }
    }
    for (let i = 0; i < n; i++) {
      const xi = i * d;
      // q = A x_i: the arithmetic of matVec (analysis/geometry/linalg.ts), written inline here
      // because the backend layer does not import the analysis layer and this is the hot loop.
      for (let r = 0; r < d; r++) {
        if (A === null) {
          q[r] = src[xi + r] as number;
        } else {
          let s = 0;
          for (let c = 0; c < d; c++) s += (A[r * d + c] as number) * (src[xi + c] as number);
          q[r] = s;
        }
      }
      if (tree !== null) {
        let qmax = 0;
        for (let c = 0; c < d; c++) {
          const av = Math.abs(q[c] as number);
          if (!(av <= qmax)) qmax = av;
        }
        if (qmax * l1max < safe) {
          const mt = tree.max(q);
          if (!Number.isFinite(mt)) throw new StepFailure(STATUS.nonFinite);
          const count = tree.rangeSum(q, mt - delta - tau * Math.max(1, Math.abs(mt)), y);
          if (count === 0) throw new StepFailure(STATUS.nonFinite);
          for (let c = 0; c < d; c++) y[c] = (y[c] as number) / count;
          visit(i, y);
          continue;
        }
      }
      // alignments and their maximum
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += (q[c] as number) * (src[j * d + c] as number);
        a[j] = s;
        if (!(s <= m)) m = s;
      }
      if (!Number.isFinite(m)) throw new StepFailure(STATUS.nonFinite);
      y.fill(0);
      if (model === MODEL_CODE['softmax-markov']) {
        let total = 0;
        for (let j = 0; j < n; j++) {
          const w = Math.exp(beta * ((a[j] as number) - m));
          a[j] = w;
          total += w;
        }
        const target = this.#rng.nextFloat() * total;
        let pick = n - 1;
        while (pick > 0 && !((a[pick] as number) > 0)) pick--;
        let cum = 0;
        for (let j = 0; j < n; j++) {
          cum += a[j] as number;
          if (cum > target) {
            pick = j;
            break;
          }
        }
        for (let c = 0; c < d; c++) y[c] = src[pick * d + c] as number;
      } else if (model === MODEL_CODE.softmax || model === MODEL_CODE['sphere-sa'] || model === MODEL_CODE['sphere-usa'] || model === MODEL_CODE['euclidean-sa']) {
        let total = 0;
        for (let j = 0; j < n; j++) {
          const w = Math.exp(beta * ((a[j] as number) - m));
          total += w;
          for (let c = 0; c < d; c++) y[c] = (y[c] as number) + w * (src[j * d + c] as number);
        }
        const scale = model === MODEL_CODE['sphere-usa'] ? Math.exp(beta * m) / n : 1 / total;
        if (!Number.isFinite(scale)) throw new StepFailure(STATUS.nonFinite);
        for (let c = 0; c < d; c++) y[c] = (y[c] as number) * scale;
      } else {
        // The kernel's `threshold` (crates/kernel/src/attend.rs): the same operations in the same order.
        let threshold: number;
        if (readings === 0) threshold = m - delta - tau * Math.max(1, Math.abs(m));
        else {
          const gap = readings & READING_BITS.relative ? delta * Math.abs(m) : delta;
          threshold = m - gap - tau * Math.max(1, Math.abs(m));
          if (readings & READING_BITS.strict && gap > 0) threshold = nextUp(threshold);
        }
        let count = 0;
        for (let j = 0; j < n; j++) {
          if ((a[j] as number) >= threshold) {
            count++;
            for (let c = 0; c < d; c++) y[c] = (y[c] as number) + (src[j * d + c] as number);
          }
        }
        if (readings & READING_BITS.includeSelf && !((a[i] as number) >= threshold)) {
          // i joins C_i after the members' ascending sum, as in the kernel
          count++;
          for (let c = 0; c < d; c++) y[c] = (y[c] as number) + (src[xi + c] as number);
        }
        for (let c = 0; c < d; c++) y[c] = (y[c] as number) / count;
      }
      visit(i, y);
    }
  }

  /** out = V v (V = identity when unset). */
  #applyV(v: Float64Array, out: Float64Array): void {
    const V = this.#V;
    const d = this.d;
    for (let r = 0; r < d; r++) {
      if (V === null) {
        out[r] = v[r] as number;
      } else {
        let s = 0;
        for (let c = 0; c < d; c++) s += (V[r * d + c] as number) * (v[c] as number);
        out[r] = s;
      }
    }
  }

  /**
   * One discrete step: each x_i is written as soon as y_i is known, then
   * projected (sphere) and checked finite as stored (a float32 overflow is
   * caught). On a failure the state is restored from #src and the generator
   * rewound, so nothing of the step remains.
   */
  #discreteStep(delta: number, gamma: number): void {
    const { d } = this;
    const x = this.#x;
    const vy = this.#vy;
    const { update, h, sphere, model } = this.#p;
    const rngBefore = model === MODEL_CODE['softmax-markov'] ? this.#rng.state : null;
    this.#src.set(x);
    try {
      this.#attend(delta, (i, y) => {
        const xi = i * d;
        if (update === UPDATE_CODE.convex) {
          for (let c = 0; c < d; c++) {
            const xc = this.#src[xi + c] as number;
            x[xi + c] = xc + gamma * ((y[c] as number) - xc);
          }
        } else {
          this.#applyV(y, vy);
          for (let c = 0; c < d; c++) x[xi + c] = (this.#src[xi + c] as number) + h * (vy[c] as number);
        }
        if (sphere) normalizeRow(x, xi, d);
        for (let c = 0; c < d; c++) if (!Number.isFinite(x[xi + c] as number)) throw new StepFailure(STATUS.nonFinite);
      });
    } catch (err) {
      x.set(this.#src);
      if (rngBefore !== null) this.#rng = new SplitMix64(rngBefore);
      throw err;
    }
  }

  /** #field <- F(state): the state is #x (fromStage false) or #stage; tau the stage's time (euclidean-sa). */
  #evalField(fromStage: boolean, tau: number): void {
    const { d } = this;
    const field = this.#field;
    const vy = this.#vy;
    const raw = this.#p.integrator === INTEGRATOR_CODE['euler-raw'];
    this.#src.set(fromStage ? this.#stage : this.#x);
    const src = this.#src;
    if (this.#p.model === MODEL_CODE['euclidean-sa']) {
      // F_i = V (y_i − z_i), y_i the softmax mean under M(τ) (crates/kernel/src/sim.rs eval_field_rows)
      this.#At = euclideanAlignment(this.#A, this.#V, d, tau);
      const diff = new Float64Array(d);
      try {
        this.#attend(0, (i, y) => {
          const o = i * d;
          for (let c = 0; c < d; c++) diff[c] = (y[c] as number) - (src[o + c] as number);
          this.#applyV(diff, vy);
          for (let c = 0; c < d; c++) field[o + c] = vy[c] as number;
        });
      } finally {
        this.#At = null;
      }
      return;
    }
    this.#attend(0, (i, y) => {
      this.#applyV(y, vy);
      const o = i * d;
      if (raw) {
        for (let c = 0; c < d; c++) field[o + c] = vy[c] as number;
        return;
      }
      let dot = 0;
      for (let c = 0; c < d; c++) dot += (src[o + c] as number) * (vy[c] as number);
      for (let c = 0; c < d; c++) field[o + c] = (vy[c] as number) - dot * (src[o + c] as number);
    });
  }

  /** #stage <- normalize(x + c·#field) row by row (off the sphere, euclidean-sa: a finiteness check instead). */
  #stageFromField(c: number): void {
    const x = this.#x;
    const stage = this.#stage;
    const field = this.#field;
    for (let k = 0; k < stage.length; k++) stage[k] = (x[k] as number) + c * (field[k] as number);
    this.#finishStage();
  }

  #finishStage(): void {
    const stage = this.#stage;
    if (this.#p.model === MODEL_CODE['euclidean-sa']) {
      // finite as it will be stored: in f32 a value beyond the float32 range would become ±Infinity in #x
      const f32 = this.precision === 'f32';
      for (let k = 0; k < stage.length; k++) {
        const v = stage[k] as number;
        if (!Number.isFinite(f32 ? Math.fround(v) : v)) throw new StepFailure(STATUS.nonFinite);
      }
    } else {
      for (let i = 0; i < this.n; i++) normalizeRow(stage, i * this.d, this.d);
    }
  }

  #odeStep(): void {
    const { dt, integrator } = this.#p;
    const x = this.#x;
    const stage = this.#stage;
    const field = this.#field;
    const acc = this.#acc;
    const t0 = this.#odeSteps * dt;
    if (integrator === INTEGRATOR_CODE.rk4) {
      const half = 0.5 * dt;
      this.#evalField(false, t0);
      acc.set(field);
      this.#stageFromField(half);
      this.#evalField(true, t0 + 0.5 * dt);
      for (let k = 0; k < acc.length; k++) acc[k] = (acc[k] as number) + 2 * (field[k] as number);
      this.#stageFromField(half);
      this.#evalField(true, t0 + 0.5 * dt);
      for (let k = 0; k < acc.length; k++) acc[k] = (acc[k] as number) + 2 * (field[k] as number);
      this.#stageFromField(dt);
      this.#evalField(true, t0 + dt);
      const sixth = dt / 6;
      for (let k = 0; k < acc.length; k++) {
        acc[k] = (acc[k] as number) + (field[k] as number);
        stage[k] = (x[k] as number) + sixth * (acc[k] as number);
      }
    } else {
      this.#evalField(false, t0);
      for (let k = 0; k < stage.length; k++) stage[k] = (x[k] as number) + dt * (field[k] as number);
    }
    this.#finishStage();
    x.set(stage);
    this.#odeSteps++;
  }

  positions(): Float64Array {
    return Float64Array.from(this.#x);
  }

  view(): Float64Array | Float32Array {
    return this.#x;
  }

  dispose(): void {
    /* nothing to free: the garbage collector owns the buffers */
  }
}

/** Codes of the threshold models (hardmax, localmax, frank-wolfe), from the table of models. */
const THRESHOLD_CODES: ReadonlySet<number> = new Set(MODELS.filter(isThresholdModel).map((m) => MODEL_CODE[m]));

/** Scale row [o, o+d) of v to unit length; a StepFailure(zeroNorm or nonFinite) if it cannot be. */
function normalizeRow(v: Float64Array | Float32Array, o: number, d: number): void {
  const status = normalizeInPlace(v, o, d);
  if (status !== STATUS.ok) throw new StepFailure(status);
}
