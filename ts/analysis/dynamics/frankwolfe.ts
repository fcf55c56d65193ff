/**
 * Frank–Wolfe analysis of hardmax attention (SA_∞, SPEC.md §1.4; FW = arXiv 2508.09628):
 *
 *   closedFormPSD      Theorem 4.2 (B positive semidefinite, generic start): each token
 *                      moves on a straight line to the vertex of its initial dominance cell,
 *                      x_i^t = v_σ(i) + Π_{s<t}(1 − γ_s)·(x_i^0 − v_σ(i)),  σ(i) = cell(x_i^0)
 *   closedFormDeviation the distance of a recorded run from that closed form
 *   nsdEnergyBound     Theorem 3.1 as a report (B = −B_*, B_* SPD, γ_t = 2/(t+2), 0 ∈ K(0)):
 *                      J(x_i^{t+1}) ≤ (2/(t+1))·λ_max(B_*)·diam(K(0))²,  J(x) = ½<B_* x, x>;
 *                      the constant is reconstructed (SPEC §4 item 11), so a violation is
 *                      reported, never thrown
 *   symmetricEigen     a small dense cyclic Jacobi eigen-solver (λ_max above)
 *   hullDistance       the distance from a point to a convex hull by Wolfe's nearest-point
 *                      algorithm, with a certified lower bound (used by metastability.ts)
 *
 * Layout: states, vertices and matrices are flat row-major arrays (token i at
 * x[i*d .. i*d+d); M[r*d+c]) of exactly n*d, k*d and d*d finite numbers, or
 * arrays of rows (ts/check.ts `readState`, `readMatrix`); Trajectories are
 * checked by trajectory.ts `checkTrajectory`; inputs are read during the call
 * only and never written or kept; results are fresh typed arrays owned by the caller.
 * Arithmetic is float64.
 */
import { checkInt, checkNumber, checkOptions, isFlatArray, rangeError, readMatrix, readState, readVector, typeError } from '../../check.js';
import type { MatrixLike, StateLike } from '../state.js';
import { symmetricEigen as jacobiEigen } from '../geometry/linalg.js';
import { checkTrajectory, type Trajectory } from './trajectory.js';
import { applyB, cellLabels, dotAt } from '../attention/cells.js';
import { wolfeNearest } from '../geometry/nearest.js';
import { ldexp, maxAbs, shiftFor, shifted } from '../geometry/scale.js';

// ---------------------------------------------------------------------------
// Theorem 4.2: the closed form of the PSD case

/** Closed-form trajectory of Theorem 4.2. */
export interface ClosedFormPSD {
  n: number;
  d: number;
  /** Number of steps T = gammas.length. */
  steps: number;
  /** σ(i) = cell(x_i^0) ∈ [0, k): the vertex token i moves to. */
  sigma: Int32Array;
  /** σ-margin of each token: top minus second <B x_i^0, v_k> (Infinity when k = 1). */
  margin: Float64Array;
  /** usable[i] = 1 when margin[i] ≥ opts.minMargin (tokens below it sit on a cell boundary, where the run may average vertices). */
  usable: Uint8Array;
  /** factor[t] = Π_{s<t}(1 − γ_s), t = 0..T (factor[0] = 1), a sequential float64 product. */
  factor: Float64Array;
  /**
   * (T+1)*n*d numbers, the Trajectory layout: coordinate c of token i at step t is
   * positions[(t*n + i)*d + c] = v_σ(i),c + factor[t]·(x_i,c^0 − v_σ(i),c).
   */
  positions: Float64Array;
}

/** Options of `closedFormPSD`. */
export interface ClosedFormOptions {
  /** Margin below which a token is flagged unusable (SPEC §4 item 9: 1e-9). Default 1e-9. */
  minMargin?: number;
}

/**
 * The predicted positions of Theorem 4.2 for steps t = 0..T.
 *
 * The theorem needs B positive semidefinite, tokens in conv{v_k} and every
 * vertex owning its cell (`ownsCell`), in which case the vertices are fixed
 * and the cells invariant; this function does not check those assumptions, it
 * evaluates the formula.
 *
 * @param x0 n*d initial positions, row-major
 * @param n tokens, d dimension (integers ≥ 1)
 * @param vertices k*d vertex coordinates v_k, row-major
 * @param k number of vertices
 * @param gammas γ_0 .. γ_{T−1}, each finite in (0, 1] (γ_s is used by the step from s to s+1)
 * @param B d*d row-major, identity when undefined or null
 */
export function closedFormPSD(
  x0: StateLike, n: number, d: number, vertices: StateLike, k: number, gammas: ArrayLike<number>,
  B?: MatrixLike, opts?: ClosedFormOptions,
): ClosedFormPSD {
  const nn = checkInt(n, 'n');
  const dd = checkInt(d, 'd');
  const kk = checkInt(k, 'k');
  const X = readState(x0, nn, dd, 'x0').X;
  const V = readState(vertices, kk, dd, 'vertices').X;
  if (!isFlatArray(gammas)) throw typeError('gammas', 'an array of step sizes γ_0..γ_{T−1}', gammas);
  const T = gammas.length;
  const o = checkOptions<ClosedFormOptions>(opts, 'options', ['minMargin']);
  const minMargin = o.minMargin === undefined ? 1e-9 : checkNumber(o.minMargin, 'minMargin', { min: 0, allowInfinity: true });
  if ((T + 1) * nn * dd > 2 ** 28) throw rangeError('gammas.length', `at most 2^28/(n*d) − 1 = ${Math.floor(2 ** 28 / (nn * dd)) - 1} steps ((T+1)*n*d numbers are returned)`, T);
  const factor = new Float64Array(T + 1);
  factor[0] = 1;
  for (let s = 0; s < T; s++) {
    const g = checkNumber((gammas as ArrayLike<unknown>)[s], `gammas[${s}]`, { min: 0, minExclusive: true, max: 1 });
    factor[s + 1] = (factor[s] as number) * (1 - g);
  }
  const { label: sigma, margin } = cellLabels(X, nn, dd, V, kk, B);
  const usable = new Uint8Array(nn);
  for (let i = 0; i < nn; i++) usable[i] = (margin[i] as number) >= minMargin ? 1 : 0;
  const positions = new Float64Array((T + 1) * nn * dd);
  for (let t = 0; t <= T; t++) {
    const f = factor[t] as number;
    for (let i = 0; i < nn; i++) {
      const v = (sigma[i] as number) * dd;
      const o = (t * nn + i) * dd;
      for (let c = 0; c < dd; c++) {
        const vc = V[v + c] as number;
        positions[o + c] = vc + f * ((X[i * dd + c] as number) - vc);
      }
    }
  }
  return { n: nn, d: dd, steps: T, sigma, margin, usable, factor, positions };
}

/** How far a recorded run is from the closed form. */
export interface ClosedFormDeviation {
  /** Per snapshot: max over usable tokens of the Euclidean distance |x_i(t) − x_i^t (closed form)|. */
  perSnapshot: Float64Array;
  /** The largest of them (0 when nothing was compared). */
  max: number;
  /** Snapshot index and token of the largest deviation (−1 when nothing was compared). */
  worstSnapshot: number;
  worstToken: number;
  /** Number of usable tokens compared. */
  compared: number;
}

/**
 * Compare a Trajectory with a closed form, snapshot by snapshot (snapshot s
 * is compared with closed-form step times[s], which must be an integer in
 * [0, cf.steps]). Tokens with usable[i] = 0 are skipped.
 */
export function closedFormDeviation(tr: Trajectory, cf: ClosedFormPSD): ClosedFormDeviation {
  checkTrajectory(tr);
  if (cf === null || typeof cf !== 'object' || !(cf.positions instanceof Float64Array) || !(cf.usable instanceof Uint8Array)) {
    throw typeError('cf', 'a ClosedFormPSD (the result of closedFormPSD)', cf);
  }
  if (tr.n !== cf.n || tr.d !== cf.d) throw rangeError('tr', `n = ${cf.n}, d = ${cf.d} as the closed form`, `n = ${tr.n}, d = ${tr.d}`);
  const { n, d, count } = tr;
  const per = new Float64Array(count);
  let max = 0;
  let worstSnapshot = -1;
  let worstToken = -1;
  let compared = 0;
  for (let i = 0; i < n; i++) compared += cf.usable[i] as number;
  for (let s = 0; s < count; s++) {
    const t = tr.times[s] as number;
    if (!Number.isInteger(t) || t < 0 || t > cf.steps) throw rangeError(`tr.times[${s}]`, `an integer step of the closed form, in [0, ${cf.steps}]`, t);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      if (cf.usable[i] === 0) continue;
      let e = 0;
      for (let c = 0; c < d; c++) e += ((tr.data[(s * n + i) * d + c] as number) - (cf.positions[(t * n + i) * d + c] as number)) ** 2;
      e = Math.sqrt(e);
      if (e > worst) worst = e;
      if (worstToken < 0 || e > max) {
        max = e;
        worstSnapshot = s;
        worstToken = i;
      }
    }
    per[s] = worst;
  }
  return { perSnapshot: per, max, worstSnapshot, worstToken, compared };
}

// ---------------------------------------------------------------------------
// dense symmetric eigen-solver

/** Eigen-decomposition of a symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** d*d row-major; column j (vectors[r*d + j], r = 0..d−1) is a unit eigenvector of values[j]. */
  vectors: Float64Array;
  /** Jacobi sweeps used. */
  sweeps: number;
}

/**
 * Eigenvalues and eigenvectors of a small dense symmetric d×d matrix by the
 * cyclic Jacobi method of linalg.ts (`symmetricEigen` there), with values
 * ascending and eigenvectors as columns. O(d³) per sweep: meant for d up to a
 * few hundred.
 *
 * @param S d*d row-major, symmetric to 1e-10 relative (RangeError otherwise; the symmetric part is used)
 */
export function symmetricEigen(S: MatrixLike, d: number): SymmetricEigen {
  const dd = checkInt(d, 'd');
  if (S === null || S === undefined) throw typeError('S', 'a d×d symmetric matrix (flat row-major or rows)', S);
  return eigenOf(readMatrix(S, dd, 'S') as Float64Array, dd, 'S');
}

/** symmetricEigen of a checked d×d matrix M (overwritten by its symmetric part); `name` names it in the symmetry error. */
function eigenOf(M: Float64Array, dd: number, name: string): SymmetricEigen {
  let scale = 0;
  for (let q = 0; q < dd * dd; q++) scale = Math.max(scale, Math.abs(M[q] as number));
  for (let r = 0; r < dd; r++) {
    for (let c = r + 1; c < dd; c++) {
      const a = M[r * dd + c] as number;
      const b = M[c * dd + r] as number;
      if (Math.abs(a - b) > 1e-10 * scale) throw rangeError(`${name}[${r}][${c}]`, `${name}[${c}][${r}] = ${b} (${name} symmetric to 1e-10 relative)`, a);
      M[r * dd + c] = M[c * dd + r] = 0.5 * (a + b);
    }
  }
  // One Jacobi solver serves the whole analysis layer (linalg.ts); this keeps
  // the ascending, column-vector convention of this module's callers.
  const e = jacobiEigen(M, dd);
  const values = new Float64Array(dd);
  const vectors = new Float64Array(dd * dd);
  for (let jj = 0; jj < dd; jj++) {
    const j = dd - 1 - jj; // linalg returns descending values
    values[jj] = e.values[j] as number;
    for (let r = 0; r < dd; r++) vectors[r * dd + jj] = e.vectors[j * dd + r] as number;
  }
  return { values, vectors, sweeps: e.sweeps };
}

/** λ_max of a symmetric d×d matrix (Jacobi; see `symmetricEigen`). */
export function lambdaMax(S: MatrixLike, d: number): number {
  const e = symmetricEigen(S, d);
  return e.values[e.values.length - 1] as number;
}

// ---------------------------------------------------------------------------
// distance to a convex hull

/** Result of `hullDistance`. */
export interface HullDistance {
  /** Upper bound on the distance: |y − z| for the returned point y of the hull. */
  distance: number;
  /** Certified lower bound max(0, min_j <y − z, p_j − z>/|y − z|) from the hyperplane through y normal to y − z (equal to distance when that is 0). */
  lower: number;
  /** The hull point y found (d numbers), a convex combination of the rows. */
  point: Float64Array;
  /** Major iterations (corral changes) used. */
  iterations: number;
  /** True when distance − lower ≤ tolerance or a stop threshold was crossed; false when rounding stalled the search first or the cap was hit. */
  converged: boolean;
}

/** Options of `hullDistance`. */
export interface HullDistanceOptions {
  /** Stop when distance − lower ≤ tolerance (coordinate units). Default 1e-12·max(1, max_j |p_j − z|). */
  tolerance?: number;
  /** Cap on major iterations. Default 50·(m + d). */
  maxIterations?: number;
  /** Stop early once distance ≤ stopBelow + tolerance (membership decided: inside, up to the tolerance). Default −Infinity (never). */
  stopBelow?: number;
  /** Stop early once lower > stopAbove (membership decided: outside). Default Infinity (never). */
  stopAbove?: number;
}

/**
 * Euclidean distance from z to conv{p_0 .. p_{m−1}} by Wolfe's nearest-point
 * algorithm (Wolfe 1976; ts/analysis/geometry/nearest.ts describes the method): a
 * Frank–Wolfe method whose correction step re-solves the affine least-squares
 * problem on the current corral exactly, so it ends after finitely many steps
 * in exact arithmetic, even where plain or pairwise Frank–Wolfe crawls (thin
 * simplices). Every iterate gives the upper bound |y − z| and, from the
 * hyperplane through y normal to y − z, the certified lower bound
 * min_j <y − z, p_j − z>/|y − z|. The run stops when they are within
 * `tolerance`, when an early-stop threshold is crossed, or when rounding
 * stalls progress (converged = false; the bounds are still valid).
 * Attainable accuracy: about 1e-15 of the scale max_j |p_j − z|.
 *
 * @param points m*d row-major (read only); z: d numbers
 */
export function hullDistance(points: StateLike, m: number, d: number, z: ArrayLike<number>, opts?: HullDistanceOptions): HullDistance {
  const mm = checkInt(m, 'm');
  const dd = checkInt(d, 'd');
  const P0 = readState(points, mm, dd, 'points').X;
  const Z0 = readVector(z, dd, 'z');
  const o = checkOptions<HullDistanceOptions>(opts, 'options', ['tolerance', 'maxIterations', 'stopBelow', 'stopAbove']);
  const tol = o.tolerance === undefined ? NaN : checkNumber(o.tolerance, 'tolerance', { min: 0 });
  const maxIt = o.maxIterations === undefined ? 50 * (mm + dd) : checkNumber(o.maxIterations, 'maxIterations', { min: 0, allowInfinity: true });
  const below = o.stopBelow === undefined ? -Infinity : checkNumber(o.stopBelow, 'stopBelow');
  const above = o.stopAbove === undefined ? Infinity : checkNumber(o.stopAbove, 'stopAbove', { allowInfinity: true });
  // one power-of-two shift for the points and z (scale.ts): no squared distance over- or underflows
  const shift = shiftFor(Math.max(maxAbs(P0), maxAbs(Z0)));
  if (shift === 0) return nearestPoint(P0, mm, dd, Z0, tol, maxIt, below, above);
  const tolS = Number.isNaN(tol) ? NaN : ldexp(tol, shift);
  // the default tolerance 1e-12·max(1, scale) is taken in the caller's units
  let tolUsed = tolS;
  if (Number.isNaN(tol)) {
    let far = 0;
    for (let r = 0; r < mm; r++) {
      let s2 = 0;
      for (let c = 0; c < dd; c++) s2 += (ldexp(P0[r * dd + c] as number, shift) - ldexp(Z0[c] as number, shift)) ** 2;
      far = Math.max(far, Math.sqrt(s2));
    }
    tolUsed = 1e-12 * Math.max(ldexp(1, shift), far);
  }
  const r = nearestPoint(shifted(P0, shift), mm, dd, shifted(Z0, shift), tolUsed, maxIt, ldexp(below, shift), ldexp(above, shift));
  for (let c = 0; c < dd; c++) r.point[c] = ldexp(r.point[c] as number, -shift);
  return { ...r, distance: ldexp(r.distance, -shift), lower: ldexp(r.lower, -shift) };
}

/**
 * @internal Unvalidated core of hullDistance (tolIn NaN = the default
 * tolerance 1e-12·max(1, max_j |p_j − z|)): Wolfe's algorithm of nearest.ts
 * on the first m rows of P.
 */
export function nearestPoint(P: Float64Array, m: number, d: number, z: ArrayLike<number>, tolIn: number, maxIt: number, below: number, above: number): HullDistance {
  const r = wolfeNearest(P, d, z, {
    count: m, tolerance: Number.isNaN(tolIn) ? undefined : tolIn, maxIterations: maxIt, stopBelow: below, stopAbove: above,
  });
  return { distance: r.distance, lower: r.lower, point: r.point, iterations: r.iterations, converged: r.converged };
}

// ---------------------------------------------------------------------------
// Theorem 3.1: the NSD energy bound as a report

/** One token and step where the bound fails. */
export interface NsdViolation {
  /** Snapshot index in the source. */
  snapshot: number;
  /** Step index τ = t+1 of the state (the bound is (2/τ)·λ_max·diam²). */
  step: number;
  token: number;
  /** J(x_i^τ) = ½<B_*^τ x_i, x_i>. */
  energy: number;
  bound: number;
  ratio: number;
}

/** The report of `nsdEnergyBound`. */
export interface NsdBoundReport {
  n: number;
  d: number;
  /** λ_max and λ_min of B_*^0 (Jacobi). λ_min ≤ 0 means B_* is not SPD and the theorem does not apply. */
  lambdaMax: number;
  lambdaMin: number;
  /** diam(K(0)): the largest pairwise distance of the first state (exact, O(n² d)). */
  diam0: number;
  /** Distance from the origin to K(0) (`hullDistance`, tolerance 1e-12·scale); the theorem assumes 0 ∈ K(0), i.e. ≈ 0. */
  originDistance: number;
  /** Token-step pairs checked. */
  checks: number;
  /** max over checked pairs of J/bound (0 when nothing was checked). */
  worstRatio: number;
  /** Snapshot index, step and token of the worst ratio (−1 when nothing was checked). */
  worstSnapshot: number;
  worstStep: number;
  worstToken: number;
  /** Per snapshot: max over tokens of J/bound (NaN for snapshot 0, which is not checked). */
  snapshotRatio: Float64Array;
  /** Every token-step with J > bound, in snapshot then token order. Never truncated. */
  violations: NsdViolation[];
  /** B_* given as a function: the steps τ at which B_*^{τ} − B_*^{τ+1} had an eigenvalue below −1e-12·‖B_*^τ‖ (the shrinking assumption fails); empty otherwise. */
  notShrinking: number[];
}

/** A list of states, an alternative to a Trajectory. */
export interface StateList {
  n: number;
  d: number;
  /** States X(τ) (each n*d row-major). */
  states: readonly ArrayLike<number>[];
  /** Step index of each state; default 0, 1, 2, … . */
  times?: ArrayLike<number>;
}

function asSnapshots(source: Trajectory | StateList, name: string): { n: number; d: number; count: number; at: (s: number) => ArrayLike<number>; time: (s: number) => number } {
  if (source === null || typeof source !== 'object') throw typeError(name, 'a Trajectory or { n, d, states, times? }', source);
  if ('states' in source) {
    const n = checkInt(source.n, `${name}.n`);
    const d = checkInt(source.d, `${name}.d`);
    if (!Array.isArray(source.states)) throw typeError(`${name}.states`, 'an array of states (each n*d numbers)', source.states);
    if (source.states.length < 1) throw rangeError(`${name}.states.length`, 'at least 1 (X(0))', 0);
    const states = source.states.map((x, s) => readState(x, n, d, `${name}.states[${s}]`).X);
    const times = source.times;
    if (times !== undefined) {
      if (!isFlatArray(times)) throw typeError(`${name}.times`, 'an array of step indices, one per state', times);
      if (times.length !== states.length) throw rangeError(`${name}.times.length`, `states.length = ${states.length}`, times.length);
    }
    return { n, d, count: states.length, at: (s) => states[s] as Float64Array, time: (s) => (times === undefined ? s : (times[s] as number)) };
  }
  const tr = checkTrajectory(source, name);
  const len = tr.n * tr.d;
  return { n: tr.n, d: tr.d, count: tr.count, at: (s) => tr.data.subarray(s * len, (s + 1) * len), time: (s) => tr.times[s] as number };
}

/**
 * Theorem 3.1 of FW as a report (SPEC §4 item 11). For a run of the
 * Frank–Wolfe model with B = −B_* (e.g. Simulation model 'frank-wolfe',
 * A = −B_*, gamma 2/(t+2)), check for every token i and every state τ ≥ 1
 *
 *     J(x_i^τ) = ½<B_*^τ x_i^τ, x_i^τ>  ≤  (2/τ)·λ_max(B_*^0)·diam(K(0))²
 *
 * and report the worst ratio J/bound and every violation. Nothing is thrown
 * for a violation: the constant is reconstructed, not the paper's.
 *
 * @param source a Trajectory (times[0] must be 0: K(0) is its first snapshot)
 *   or { n, d, states, times? } (states[0] = X(0))
 * @param Bstar B_*: d*d row-major symmetric (to 1e-10 relative), or a
 *   function τ ↦ B_*^τ for a shrinking schedule (λ_max is taken at τ = 0)
 */
export function nsdEnergyBound(source: Trajectory | StateList, Bstar: MatrixLike | ((t: number) => MatrixLike)): NsdBoundReport {
  const src = asSnapshots(source, 'source');
  const { n, d, count } = src;
  if (src.time(0) !== 0) throw rangeError('source times[0]', '0 (K(0) is the first state)', src.time(0));
  const matrixAt = (t: number): Float64Array => {
    const M = typeof Bstar === 'function' ? Bstar(t) : Bstar;
    const name = typeof Bstar === 'function' ? `Bstar(${t})` : 'Bstar';
    if (M === null || M === undefined) throw typeError(name, 'a d×d matrix (flat row-major or rows)', M);
    return readMatrix(M, d, name) as Float64Array;
  };
  if (typeof Bstar !== 'function' && (Bstar === null || Bstar === undefined)) throw typeError('Bstar', 'a d×d matrix or a function of t', Bstar);
  const B0 = matrixAt(0);
  const eig = eigenOf(Float64Array.from(B0), d, 'Bstar');
  const lmax = eig.values[d - 1] as number;
  const lmin = eig.values[0] as number;

  const X0 = Float64Array.from(src.at(0));
  let diam2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += ((X0[i * d + c] as number) - (X0[j * d + c] as number)) ** 2;
      if (s > diam2) diam2 = s;
    }
  }
  const originDistance = nearestPoint(X0, n, d, new Float64Array(d), NaN, 50 * (n + d), -Infinity, Infinity).distance;

  const notShrinking: number[] = [];
  const snapshotRatio = new Float64Array(count).fill(NaN);
  const violations: NsdViolation[] = [];
  let worstRatio = 0;
  let worstSnapshot = -1;
  let worstStep = -1;
  let worstToken = -1;
  let checks = 0;
  const q = new Float64Array(d);
  let prevTime = 0;
  let prevM = B0;
  for (let s = 1; s < count; s++) {
    const tau = src.time(s);
    if (!Number.isInteger(tau) || tau <= prevTime) throw rangeError(`source times[${s}]`, `an integer > ${prevTime} (increasing integer steps from 0)`, tau);
    const M = typeof Bstar === 'function' ? matrixAt(tau) : B0;
    if (typeof Bstar === 'function') {
      // shrinking: B^{prev} − B^{tau} ⪰ 0
      const D = new Float64Array(d * d);
      let sc = 0;
      for (let q2 = 0; q2 < d * d; q2++) {
        D[q2] = (prevM[q2] as number) - (M[q2] as number);
        sc = Math.max(sc, Math.abs(prevM[q2] as number));
      }
      for (let r = 0; r < d; r++) for (let c = r + 1; c < d; c++) D[r * d + c] = D[c * d + r] = 0.5 * ((D[r * d + c] as number) + (D[c * d + r] as number));
      const low = eigenOf(D, d, `Bstar(${prevTime}) − Bstar(${tau})`).values[0] as number;
      if (low < -1e-12 * Math.max(sc, 1e-300)) notShrinking.push(prevTime);
      prevM = M;
    }
    prevTime = tau;
    const bound = (2 / tau) * lmax * diam2;
    const X = src.at(s);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      applyB(M, X, i * d, d, q);
      const J = 0.5 * dotAt(q, X, i * d, d);
      const ratio = bound > 0 ? J / bound : J > 0 ? Infinity : 0;
      checks++;
      if (ratio > worst) worst = ratio;
      if (worstToken < 0 || ratio > worstRatio) {
        worstRatio = ratio;
        worstSnapshot = s;
        worstStep = tau;
        worstToken = i;
      }
      if (J > bound) violations.push({ snapshot: s, step: tau, token: i, energy: J, bound, ratio });
    }
    snapshotRatio[s] = worst;
  }
  return {
    n, d, lambdaMax: lmax, lambdaMin: lmin, diam0: Math.sqrt(diam2), originDistance, checks, worstRatio, worstSnapshot, worstStep, worstToken,
    snapshotRatio, violations, notShrinking,
  };
}
