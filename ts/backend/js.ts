/**
 * The pure-TypeScript backend: the readable reference of SPEC.md §1 and the
 * fallback where WebAssembly SIMD is missing. Same algorithm and order as the
 * kernel, written plainly:
 *
 *   for each token i (reading only the snapshot `old` of the state):
 *     q = A x_i;  a_j = q . x_j;  m = max_j a_j
 *     hardmax/localmax: C = { j : a_j >= m - δ - τ max(1,|m|) },  y = (Σ_{j∈C, ascending} x_j) / |C|
 *     softmax:          w_j = exp(β (a_j - m)),                   y = Σ_j w_j x_j / Σ_j w_j
 *     x_i <- x_i + γ (y - x_i)
 *
 * Memory: all buffers are allocated at construction; stepping allocates nothing.
 * In 'f32' precision the state is stored as float32 (rounded after every
 * step) while the arithmetic is float64.
 */
import type { Backend, StepParams } from './backend.js';
import { MODEL_CODE, STATUS } from './backend.js';
import type { Precision } from '../types.js';

export class JsBackend implements Backend {
  readonly name = 'js' as const;
  readonly #x: Float64Array | Float32Array;
  readonly #old: Float64Array;
  readonly #a: Float64Array;
  readonly #q: Float64Array;
  readonly #y: Float64Array;
  #A: Float64Array | null = null;
  #p: StepParams = { model: MODEL_CODE.hardmax, gamma: 0.5, beta: 1, tau: 0 };

  constructor(
    readonly precision: Precision,
    readonly n: number,
    readonly d: number,
  ) {
    this.#x = precision === 'f64' ? new Float64Array(n * d) : new Float32Array(n * d);
    this.#old = new Float64Array(n * d);
    this.#a = new Float64Array(n);
    this.#q = new Float64Array(d);
    this.#y = new Float64Array(d);
  }

  setParams(p: StepParams): void {
    this.#p = { ...p };
  }

  setMatrix(A: Float64Array | null): void {
    this.#A = A === null ? null : Float64Array.from(A);
  }

  setPositions(x: Float64Array): void {
    this.#x.set(x);
  }

  step(deltas: Float64Array): { status: number; done: number } {
    for (let s = 0; s < deltas.length; s++) {
      const delta = this.#p.model === MODEL_CODE.localmax ? (deltas[s] as number) : 0;
      if (!this.#stepOnce(delta)) return { status: STATUS.nonFinite, done: s };
    }
    return { status: STATUS.ok, done: deltas.length };
  }

  /** One synchronous step; false if an alignment row overflowed (state then part-way). */
  #stepOnce(delta: number): boolean {
    const { n, d } = this;
    const x = this.#x;
    const old = this.#old;
    const a = this.#a;
    const q = this.#q;
    const y = this.#y;
    const A = this.#A;
    const { model, gamma, beta, tau } = this.#p;
    old.set(x);
    for (let i = 0; i < n; i++) {
      const xi = i * d;
      // q = A x_i
      for (let r = 0; r < d; r++) {
        if (A === null) {
          q[r] = old[xi + r] as number;
        } else {
          let s = 0;
          for (let c = 0; c < d; c++) s += (A[r * d + c] as number) * (old[xi + c] as number);
          q[r] = s;
        }
      }
      // alignments and their maximum
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += (q[c] as number) * (old[j * d + c] as number);
        a[j] = s;
        if (!(s <= m)) m = s;
      }
      if (!Number.isFinite(m)) return false;
      y.fill(0);
      if (model === MODEL_CODE.softmax) {
        let total = 0;
        for (let j = 0; j < n; j++) {
          const w = Math.exp(beta * ((a[j] as number) - m));
          total += w;
          for (let c = 0; c < d; c++) y[c] = (y[c] as number) + w * (old[j * d + c] as number);
        }
        for (let c = 0; c < d; c++) y[c] = (y[c] as number) / total;
      } else {
        const threshold = m - delta - tau * Math.max(1, Math.abs(m));
        let count = 0;
        for (let j = 0; j < n; j++) {
          if ((a[j] as number) >= threshold) {
            count++;
            for (let c = 0; c < d; c++) y[c] = (y[c] as number) + (old[j * d + c] as number);
          }
        }
        for (let c = 0; c < d; c++) y[c] = (y[c] as number) / count;
      }
      for (let c = 0; c < d; c++) {
        const xc = old[xi + c] as number;
        x[xi + c] = xc + gamma * ((y[c] as number) - xc);
      }
    }
    return true;
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
