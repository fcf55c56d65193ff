/**
 * An independent, naive reference of SPEC.md §1.1–1.3 and §1.7, written for
 * the tests only. Plain loops, Float64 arithmetic, no cleverness:
 *
 *   q_i   = A x_i                     (A x)_r = Σ_c A[r*d+c] x_c, ascending c
 *   a_ij  = q_i · x_j                 ascending coordinate r
 *   m_i   = max_j a_ij
 *   hardmax:  C_i = { j : a_ij >= m_i − τ·max(1,|m_i|) }
 *   localmax: C_i = { j : a_ij >= m_i − δ(t) − τ·max(1,|m_i|) }
 *   y_i   = (Σ_{j∈C_i, ascending j} x_j) / |C_i|
 *   softmax:  w_ij = exp(β(a_ij − m_i)), y_i = (Σ_j w_ij x_j) / (Σ_j w_ij)
 *   x_i  <- x_i + γ (y_i − x_i),      γ = α/(1+α), synchronous in i.
 *
 * This file never imports the package: it is the black-box oracle.
 */

export type RefModel = 'hardmax' | 'localmax' | 'softmax';


/** δ as the reference understands it: a number or a function of the step index t. */
export type RefDelta = number | ((t: number) => number);

export interface RefOptions {
  model: RefModel;
  /** α > 0; γ = α/(1+α). Default 1. */
  alpha?: number;
  /** localmax only. Default 0. */
  delta?: RefDelta;
  /** softmax only. Default 1. */
  beta?: number;
  /** d*d row-major; identity when absent. */
  A?: Float64Array | readonly number[];
  /** Relative tie tolerance τ. Default 1e-12. */
  tau?: number;
  /** Round the state to float32 after each step (the storage of the 'f32' precision). */
  roundF32?: boolean;
}

export function gammaOf(alpha: number): number {
  return alpha / (1 + alpha);
}

export function deltaAt(delta: RefDelta | undefined, t: number): number {
  if (delta === undefined) return 0;
  return typeof delta === 'number' ? delta : delta(t);
}

/** Schedules of SPEC §1.7, written out independently. */
export const schedules = {
  power: (delta0: number, p: number) => (t: number) => delta0 / Math.pow(1 + t, p),
  geometric: (delta0: number, ratio: number) => (t: number) => delta0 * Math.pow(ratio, t),
  piecewise: (starts: readonly number[], values: readonly number[]) => (t: number) => {
    let v = values[0] as number;
    for (let k = 0; k < starts.length; k++) {
      if ((starts[k] as number) <= t) v = values[k] as number;
    }
    return v;
  },
};

/** q = A x_i (A absent: q = x_i). */
function applyA(x: ArrayLike<number>, i: number, d: number, A: ArrayLike<number> | undefined): Float64Array {
  const q = new Float64Array(d);
  for (let r = 0; r < d; r++) {
    if (A === undefined) {
      q[r] = x[i * d + r] as number;
    } else {
      let s = 0;
      for (let c = 0; c < d; c++) s += (A[r * d + c] as number) * (x[i * d + c] as number);
      q[r] = s;
    }
  }
  return q;
}

/** Alignment row a_i· = (A x_i) · x_j for all j. */
export function alignmentRow(
  x: ArrayLike<number>,
  n: number,
  d: number,
  i: number,
  A?: ArrayLike<number>,
): Float64Array {
  const q = applyA(x, i, d, A);
  const a = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let r = 0; r < d; r++) s += (q[r] as number) * (x[j * d + r] as number);
    a[j] = s;
  }
  return a;
}

function rowMax(a: Float64Array): number {
  let m = -Infinity;
  for (let j = 0; j < a.length; j++) if ((a[j] as number) > m) m = a[j] as number;
  return m;
}

/** Threshold T_i of the hardmax/localmax rule. */
export function threshold(m: number, delta: number, tau: number): number {
  return m - delta - tau * Math.max(1, Math.abs(m));
}

/** The neighbourhood C_i (ascending indices) of the threshold models. */
export function neighbourhood(
  x: ArrayLike<number>,
  n: number,
  d: number,
  i: number,
  opts: RefOptions,
  t = 0,
): number[] {
  const a = alignmentRow(x, n, d, i, opts.A);
  const m = rowMax(a);
  const delta = opts.model === 'localmax' ? deltaAt(opts.delta, t) : 0;
  const T = threshold(m, delta, opts.tau ?? 1e-12);
  const C: number[] = [];
  for (let j = 0; j < n; j++) if ((a[j] as number) >= T) C.push(j);
  return C;
}

/** One synchronous step X(t) -> X(t+1). Returns a new array. */
export function refStep(x: ArrayLike<number>, n: number, d: number, opts: RefOptions, t = 0): Float64Array {
  const gamma = gammaOf(opts.alpha ?? 1);
  const out = new Float64Array(n * d);
  const y = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    y.fill(0);
    if (opts.model === 'softmax') {
      const beta = opts.beta ?? 1;
      const a = alignmentRow(x, n, d, i, opts.A);
      const m = rowMax(a);
      let S = 0;
      for (let j = 0; j < n; j++) {
        const w = Math.exp(beta * ((a[j] as number) - m));
        S += w;
        for (let r = 0; r < d; r++) y[r] = (y[r] as number) + w * (x[j * d + r] as number);
      }
      for (let r = 0; r < d; r++) y[r] = (y[r] as number) / S;
    } else {
      const C = neighbourhood(x, n, d, i, opts, t);
      for (let r = 0; r < d; r++) {
        let s = 0;
        let first = true;
        for (const j of C) {
          const v = x[j * d + r] as number;
          s = first ? v : s + v;
          first = false;
        }
        y[r] = s / C.length;
      }
    }
    for (let r = 0; r < d; r++) {
      const xi = x[i * d + r] as number;
      let v = xi + gamma * ((y[r] as number) - xi);
      if (opts.roundF32) v = Math.fround(v);
      out[i * d + r] = v;
    }
  }
  return out;
}

/** Runs `steps` steps from t0; returns the trajectory X(t0), X(t0+1), ..., X(t0+steps). */
export function refRun(
  x0: ArrayLike<number>,
  n: number,
  d: number,
  opts: RefOptions,
  steps: number,
  t0 = 0,
): Float64Array[] {
  const traj: Float64Array[] = [Float64Array.from(x0)];
  let x = traj[0] as Float64Array;
  for (let s = 0; s < steps; s++) {
    x = refStep(x, n, d, opts, t0 + s);
    traj.push(x);
  }
  return traj;
}

/**
 * The distance of the configuration from the discontinuities of the threshold
 * rule, relative to max(1,|m_i|): min over i, j of |a_ij − T_i| / max(1,|m_i|),
 * where exact ties with the row maximum (|a_ij − m_i| <= tieWindow·max(1,|m_i|))
 * are skipped: they are inside C_i by at least τ·max(1,|m_i|) + δ, which is
 * how the rule is meant to keep exact ties. Softmax has no threshold: +Infinity.
 */
export function thresholdMargin(
  x: ArrayLike<number>,
  n: number,
  d: number,
  opts: RefOptions,
  t = 0,
  tieWindow = 1e-13,
): number {
  if (opts.model === 'softmax') return Infinity;
  const delta = opts.model === 'localmax' ? deltaAt(opts.delta, t) : 0;
  const tau = opts.tau ?? 1e-12;
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const a = alignmentRow(x, n, d, i, opts.A);
    const m = rowMax(a);
    const scale = Math.max(1, Math.abs(m));
    const T = threshold(m, delta, tau);
    for (let j = 0; j < n; j++) {
      const aij = a[j] as number;
      if (Math.abs(aij - m) <= tieWindow * scale) continue;
      const g = Math.abs(aij - T) / scale;
      if (g < best) best = g;
    }
  }
  return best;
}

/** min over the steps 0..traj.length-1 of thresholdMargin. */
export function trajectoryMargin(traj: readonly Float64Array[], n: number, d: number, opts: RefOptions, t0 = 0): number {
  let best = Infinity;
  for (let s = 0; s < traj.length; s++) {
    best = Math.min(best, thresholdMargin(traj[s] as Float64Array, n, d, opts, t0 + s));
  }
  return best;
}

/**
 * The smallest gap, over the rows, between the row maximum and the largest
 * alignment that is not tied with it (ties: within tieWindow·max(1,|m|)).
 * Used to bound the distance between softmax at large β and hardmax.
 */
export function argmaxGap(x: ArrayLike<number>, n: number, d: number, A?: ArrayLike<number>, tieWindow = 1e-13): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const a = alignmentRow(x, n, d, i, A);
    const m = rowMax(a);
    const scale = Math.max(1, Math.abs(m));
    for (let j = 0; j < n; j++) {
      const g = m - (a[j] as number);
      if (g > tieWindow * scale && g < best) best = g;
    }
  }
  return best;
}

/** Leaders S(t) = { i : a_ii >= m_i − τ·max(1,|m_i|) } (SPEC §3). */
export function leaders(x: ArrayLike<number>, n: number, d: number, A?: ArrayLike<number>, tau = 1e-12): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = alignmentRow(x, n, d, i, A);
    const m = rowMax(a);
    if ((a[i] as number) >= threshold(m, 0, tau)) out.push(i);
  }
  return out;
}

/** Support function h_u(X) = max_i <u, x_i>. */
export function support(x: ArrayLike<number>, n: number, d: number, u: ArrayLike<number>): number {
  let h = -Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 0; r < d; r++) s += (u[r] as number) * (x[i * d + r] as number);
    if (s > h) h = s;
  }
  return h;
}

/** R = max_i |x_i|. */
export function maxNorm(x: ArrayLike<number>, n: number, d: number): number {
  let R = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 0; r < d; r++) s += (x[i * d + r] as number) ** 2;
    R = Math.max(R, Math.sqrt(s));
  }
  return R;
}

/** diam = max_ij |x_i − x_j|. */
export function diameter(x: ArrayLike<number>, n: number, d: number): number {
  let D = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let r = 0; r < d; r++) s += ((x[i * d + r] as number) - (x[j * d + r] as number)) ** 2;
      D = Math.max(D, Math.sqrt(s));
    }
  }
  return D;
}

/** Column mean x̄. */
export function mean(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let r = 0; r < d; r++) c[r] = (c[r] as number) + (x[i * d + r] as number);
  for (let r = 0; r < d; r++) c[r] = (c[r] as number) / n;
  return c;
}

/** Transpose of a d×d row-major matrix. */
export function transpose(A: ArrayLike<number>, d: number): Float64Array {
  const T = new Float64Array(d * d);
  for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) T[c * d + r] = A[r * d + c] as number;
  return T;
}

/** Y = X Q for X n×d and Q d×d (row-major). */
export function rightMultiply(x: ArrayLike<number>, n: number, d: number, Q: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let r = 0; r < d; r++) s += (x[i * d + r] as number) * (Q[r * d + c] as number);
      y[i * d + c] = s;
    }
  }
  return y;
}
