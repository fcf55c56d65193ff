/**
 * Analysis of the continuous-time sphere models (SPEC.md §2): the vector
 * field, equilibrium classification (§2.4) and the linear stability of an
 * equilibrium through a finite-difference Jacobian in tangent coordinates.
 *
 *     (SA)   dx_i/dt = P⊥_{x_i}( Σ_j w_ij V x_j ),            w_ij = softmax_j(β<Q x_i, K x_j>)
 *     (USA)  dx_i/dt = P⊥_{x_i}( (1/n) Σ_j exp(β<Q x_i, K x_j>) V x_j )
 *     P⊥_x y = y − <x, y> x
 *
 * This is a plain float64 implementation, independent of the backends (it
 * forms Q x_i and K x_j separately instead of A = KᵀQ), so that it can check
 * them. Layout: every state is flat row-major, token i = x[i*d .. i*d+d);
 * matrices are d×d, flat row-major (M[r*d + c]) or d rows of d numbers, the
 * identity when absent. Units: the field is a velocity (tangent vectors per
 * unit time); Jacobian eigenvalues are rates (1/time), so a mode grows or
 * decays like e^(λ t).
 *
 * Inputs are read during the call only, never mutated or kept; every result
 * is a fresh object owned by the caller. Arguments are validated with
 * TypeError / RangeError naming the argument and the bad value.
 *
 * Zero modes. The field is equivariant under every rotation R with
 * Rᵀ A R = A (A = KᵀQ; not needed when β = 0) and R V = V R. Each
 * equilibrium then lies on a manifold of equilibria (its orbit), whose
 * tangent directions (Ω x_1, …, Ω x_n) with Ω skew-symmetric, [Ω, A] = 0,
 * [Ω, V] = 0, are exact zero modes of the Jacobian that say nothing about
 * stability. With Q = K = V = I every Ω qualifies: consensus at v has the
 * d − 1 zero modes "all tokens rotate together", and its other eigenvalues
 * are −1 (SA) or −e^β (USA), so consensus is stable modulo rotations. With
 * V = diag(3, 2, 1) no Ω qualifies and there are no symmetry zero modes.
 * `jacobianSpectrum` computes these symmetry directions, removes them (the
 * Jacobian is block triangular in the basis [symmetry | complement], so the
 * remaining eigenvalues are those of the compression to the complement) and
 * decides stability on the rest; a zero eigenvalue left after that (for
 * instance the continuum of balanced equilibria x̄ = 0 at β = 0, V = I) is
 * reported as "marginal": linearisation cannot decide it.
 */
import { checkBool, checkNumber, checkOneOf, checkOptions, rangeError, readMatrix, readState } from '../../check.js';
import { sphereClusters } from '../attention/clusters.js';
import { inverseIteration, matVec, nullSpace, orthogonalComplement, orthonormalColumns, realEigenvalues, symmetricEigen } from '../geometry/linalg.js';
import type { StateLike } from '../attention/alignment.js';

/** 'sa': softmax-normalised weights; 'usa': unnormalised exp weights divided by n. */
export type SphereVariant = 'sa' | 'usa';

/** A d×d matrix: flat row-major (d*d numbers) or d rows of d numbers; null/undefined is the identity. */
export type SphereMatrix = ArrayLike<number> | readonly (readonly number[])[] | null | undefined;

/** The model parameters shared by every function here (defaults as in Simulation.create). */
export interface SphereModelOptions {
  /** Query matrix, identity when absent. */
  Q?: SphereMatrix;
  /** Key matrix, identity when absent. Alignments are <Q x_i, K x_j>. */
  K?: SphereMatrix;
  /** Value matrix, identity when absent. */
  V?: SphereMatrix;
  /** Inverse temperature β >= 0, finite. Default 1. */
  beta?: number;
  /** Default 'sa'. */
  variant?: SphereVariant;
}

/** Options of `sphereField`. */
export interface SphereFieldOptions extends SphereModelOptions {
  /**
   * true (default): the ODE right-hand side P⊥_{x_i}(V y_i). false: the
   * unprojected drift V y_i, the direction of the 'euler-raw' integrator.
   */
  projected?: boolean;
}

// ---------------------------------------------------------------------------
// validation (ts/check.ts)

const MODEL_OPTIONS = ['Q', 'K', 'V', 'beta', 'variant'] as const;

/** Validated model parameters. */
interface Model {
  n: number;
  d: number;
  Q: Float64Array | null;
  K: Float64Array | null;
  V: Float64Array | null;
  beta: number;
  usa: boolean;
}

function readModel(o: SphereModelOptions, n: number, d: number): Model {
  const beta = o.beta === undefined ? 1 : checkNumber(o.beta, 'beta', { min: 0 });
  const variant = checkOneOf(o.variant, 'variant', ['sa', 'usa'] as const, 'sa');
  return { n, d, Q: readMatrix(o.Q, d, 'Q'), K: readMatrix(o.K, d, 'K'), V: readMatrix(o.V, d, 'V'), beta, usa: variant === 'usa' };
}

/** Validated state (check.ts `readState`) as a float64 copy, with unit rows when `normalize`. */
function readX(x: unknown, n: unknown, d: unknown, normalize: boolean): { X: Float64Array; n: number; d: number } {
  const s = readState(x, n, d);
  const X = Float64Array.from(s.X);
  if (normalize) {
    for (let i = 0; i < s.n; i++) {
      let q = 0;
      for (let c = 0; c < s.d; c++) q += X[i * s.d + c]! ** 2;
      const r = Math.sqrt(q);
      if (!(r > 0)) throw rangeError(`x (token ${i})`, 'a non-zero vector (it is normalised onto the unit sphere)', Array.from(X.subarray(i * s.d, i * s.d + s.d)));
      for (let c = 0; c < s.d; c++) X[i * s.d + c] = X[i * s.d + c]! / r;
    }
  }
  return { X, n: s.n, d: s.d };
}

// ---------------------------------------------------------------------------
// the field

/** A field evaluator with its scratch allocated once (reused by the Jacobian's 2N evaluations). */
function fieldEvaluator(m: Model, projected: boolean): (X: Float64Array, out: Float64Array) => void {
  const { n, d, Q, K, V, beta, usa } = m;
  const qx = new Float64Array(n * d);
  const kx = new Float64Array(n * d);
  const a = new Float64Array(n);
  const y = new Float64Array(d);
  const vy = new Float64Array(d);
  return (X, out) => {
    for (let i = 0; i < n; i++) {
      matVec(Q, X, i * d, d, qx, i * d);
      matVec(K, X, i * d, d, kx, i * d);
    }
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += qx[i * d + c]! * kx[j * d + c]!;
        a[j] = s;
        if (s > mx) mx = s;
      }
      y.fill(0);
      let total = 0;
      for (let j = 0; j < n; j++) {
        const w = Math.exp(beta * (a[j]! - mx));
        total += w;
        for (let c = 0; c < d; c++) y[c] = y[c]! + w * X[j * d + c]!;
      }
      const scale = usa ? Math.exp(beta * mx) / n : 1 / total;
      if (!Number.isFinite(scale)) {
        throw rangeError('beta', 'small enough that the exponential weights do not overflow float64 (beta·max_j <Q x_i, K x_j> below ~709)', beta, `Token ${i} has beta·max_j <Q x_i, K x_j> = ${beta * mx}: lower beta or rescale Q, K`);
      }
      for (let c = 0; c < d; c++) y[c] = y[c]! * scale;
      matVec(V, y, 0, d, vy, 0);
      const o = i * d;
      if (!projected) {
        for (let c = 0; c < d; c++) out[o + c] = vy[c]!;
        continue;
      }
      let dot = 0;
      for (let c = 0; c < d; c++) dot += X[o + c]! * vy[c]!;
      for (let c = 0; c < d; c++) out[o + c] = vy[c]! - dot * X[o + c]!;
    }
  };
}

/**
 * The right-hand side of the sphere ODE at the state x (SPEC §2.1):
 * F_i = P⊥_{x_i}(V y_i), y_i = Σ_j w_ij x_j (SA) or (1/n) Σ_j e^(β<Q x_i, K x_j>) x_j (USA).
 * Exponentials use row-max subtraction; a USA weight that overflows float64
 * is a RangeError. The tokens are used as given (P⊥_x y = y − <x,y>x is the
 * tangent projection only for unit x; pass unit tokens).
 *
 * @param x n*d row-major state (any array-like of finite numbers).
 * @returns a fresh n*d row-major Float64Array: token i's velocity in [i*d, i*d+d).
 * O(n² d + n d²) time.
 */
export function sphereField(x: StateLike, n: number, d: number, options?: SphereFieldOptions): Float64Array {
  const o = checkOptions<SphereFieldOptions>(options, 'options', [...MODEL_OPTIONS, 'projected']);
  const { X, n: nn, d: dd } = readX(x, n, d, false);
  const projected = checkBool(o.projected, 'projected', true);
  const out = new Float64Array(nn * dd);
  fieldEvaluator(readModel(o, nn, dd), projected)(X, out);
  return out;
}

function maxRowNorm(F: Float64Array, n: number, d: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += F[i * d + c]! ** 2;
    best = Math.max(best, Math.sqrt(s));
  }
  return best;
}

/**
 * max_i |F_i(x)|, the largest token speed (the field of `sphereField`,
 * projected). An equilibrium has 0; a slow transient a small but non-zero value.
 */
export function sphereFieldNorm(x: StateLike, n: number, d: number, options?: SphereModelOptions): number {
  const F = sphereField(x, n, d, { ...checkOptions<SphereModelOptions>(options, 'options', MODEL_OPTIONS), projected: true });
  return maxRowNorm(F, n, d);
}

// ---------------------------------------------------------------------------
// equilibrium classification

/** Eigenspaces of sym(V) = (V + Vᵀ)/2, grouped by equal eigenvalue, descending. */
interface ValueEigenspaces {
  /** One eigenvalue per group, descending (group 0 is the principal one). */
  values: number[];
  /** Orthonormal basis vectors (each length d) per group. */
  bases: Float64Array[][];
}

function valueEigenspaces(V: Float64Array | null, d: number): ValueEigenspaces {
  const M = V ?? Float64Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0));
  const { values, vectors } = symmetricEigen(M, d);
  let scale = 0;
  for (let k = 0; k < d; k++) scale = Math.max(scale, Math.abs(values[k]!));
  const gap = 1e-10 * Math.max(1, scale);
  const out: ValueEigenspaces = { values: [], bases: [] };
  for (let k = 0; k < d; k++) {
    const v = vectors.slice(k * d, k * d + d);
    const last = out.values.length - 1;
    if (last >= 0 && Math.abs(out.values[last]! - values[k]!) <= gap) out.bases[last]!.push(v);
    else {
      out.values.push(values[k]!);
      out.bases.push([v]);
    }
  }
  return out;
}

/** The equilibrium classes of SPEC §2.4 ('other' includes polygonal zeros and non-clustered states). */
export type EquilibriumClass = 'consensus' | 'bipartite' | 'clustering' | 'other';

/** Options of `classifyEquilibrium`: the model (for fieldNorm) and the tolerances. */
export interface ClassifyOptions extends SphereModelOptions {
  /**
   * Cluster tolerance: tokens i, j share a cluster when <x_i, x_j> >= 1 − tol
   * (single linkage, SPEC §3); two cluster points are antipodal when
   * <p, q> <= −1 + tol; an axis lies in an eigenspace of sym(V) when its
   * projection there has norm >= 1 − tol. A number in [0, 1). Default 1e-6.
   */
  tol?: number;
  /** The state is called an equilibrium when fieldNorm <= fieldTol. Default 1e-8. */
  fieldTol?: number;
}

/** The result of `classifyEquilibrium`. */
export interface EquilibriumClassification {
  /**
   * 'consensus': one cluster; 'bipartite': exactly two antipodal clusters;
   * 'clustering': any other state with fewer clusters than tokens (at least
   * one cluster holds two tokens or more); 'other': every token alone
   * (n >= 2) and not bipartite, e.g. a polygonal zero of the field or a
   * state far from equilibrium. The class is geometric: read `equilibrium`
   * (or fieldNorm) to tell an equilibrium from a slow transient.
   */
  class: EquilibriumClass;
  /** Number of clusters q. */
  clusters: number;
  /** Cluster label of each token (length n), 0 .. q−1 numbered by first appearance. */
  labels: Int32Array;
  /** The q distinct points, q*d row-major: each cluster's normalised mean. */
  points: Float64Array;
  /** Number of tokens at each point (length q). */
  multiplicities: Int32Array;
  /**
   * consensus: the common point v; bipartite: the point of the larger
   * cluster (of token 0's cluster on a tie), so the state is ±v. Null for
   * the other classes. A fresh length-d Float64Array.
   */
  axis: Float64Array | null;
  /**
   * Which eigenspace of sym(V) = (V + Vᵀ)/2 the axis lies in: 0 = the largest
   * eigenvalue (principal), 1 = the next distinct eigenvalue, …; −1 when
   * there is no axis or it lies in none (within tol). Equal eigenvalues form
   * one eigenspace (V = I: every axis has index 0). For a symmetric V an
   * equilibrium axis is always an eigenvector (SPEC §2.4); for a
   * non-symmetric V it is an eigenvector of V, which need not be one of sym(V).
   */
  eigenIndex: number;
  /** The eigenvalue of sym(V) of that eigenspace, NaN when eigenIndex = −1. */
  eigenvalue: number;
  /** max_i |F_i(x)| of the projected field (velocity units). */
  fieldNorm: number;
  /** fieldNorm <= fieldTol. */
  equilibrium: boolean;
}

/**
 * Classify a state of the sphere models (SPEC §2.4 and §3 "Clusters").
 * The tokens are normalised first (a zero row is a RangeError). O(n² d)
 * for fieldNorm plus near-linear clustering.
 *
 * @param x n*d row-major state, ideally a converged run.
 */
export function classifyEquilibrium(x: StateLike, n: number, d: number, options?: ClassifyOptions): EquilibriumClassification {
  const o = checkOptions<ClassifyOptions>(options, 'options', [...MODEL_OPTIONS, 'tol', 'fieldTol']);
  const { X, n: nn, d: dd } = readX(x, n, d, true);
  const tol = o.tol === undefined ? 1e-6 : checkNumber(o.tol, 'tol', { min: 0, max: 1, maxExclusive: true });
  const fieldTol = o.fieldTol === undefined ? 1e-8 : checkNumber(o.fieldTol, 'fieldTol', { min: 0 });
  const model = readModel(o, nn, dd);
  const F = new Float64Array(nn * dd);
  fieldEvaluator(model, true)(X, F);
  const fieldNorm = maxRowNorm(F, nn, dd);

  const cl = sphereClusters(X, nn, dd, tol);
  const q = cl.count;
  const points = new Float64Array(q * dd);
  for (let i = 0; i < nn; i++) {
    const l = cl.labels[i]!;
    for (let c = 0; c < dd; c++) points[l * dd + c] = points[l * dd + c]! + X[i * dd + c]!;
  }
  for (let l = 0; l < q; l++) {
    let s = 0;
    for (let c = 0; c < dd; c++) s += points[l * dd + c]! ** 2;
    s = Math.sqrt(s);
    // a cluster's members are within ~tol of each other, so the mean is far from 0
    for (let c = 0; c < dd; c++) points[l * dd + c] = points[l * dd + c]! / s;
  }
  const multiplicities = Int32Array.from(cl.sizes);

  let cls: EquilibriumClass;
  let axis: Float64Array | null = null;
  if (q === 1) {
    cls = 'consensus';
    axis = points.slice(0, dd);
  } else if (q === 2 && dot(points, 0, points, dd, dd) <= -1 + tol) {
    cls = 'bipartite';
    const big = multiplicities[1]! > multiplicities[0]! ? 1 : 0;
    axis = points.slice(big * dd, big * dd + dd);
  } else if (q === nn) {
    cls = 'other';
  } else {
    cls = 'clustering';
  }

  let eigenIndex = -1;
  let eigenvalue = NaN;
  if (axis !== null) {
    const es = valueEigenspaces(model.V, dd);
    for (let g = 0; g < es.values.length; g++) {
      let proj = 0;
      for (const b of es.bases[g]!) proj += dot(b, 0, axis, 0, dd) ** 2;
      if (Math.sqrt(proj) >= 1 - tol) {
        eigenIndex = g;
        eigenvalue = es.values[g]!;
        break;
      }
    }
  }
  return {
    class: cls,
    clusters: q,
    labels: Int32Array.from(cl.labels),
    points,
    multiplicities,
    axis,
    eigenIndex,
    eigenvalue,
    fieldNorm,
    equilibrium: fieldNorm <= fieldTol,
  };
}

function dot(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += (a[ao + c] as number) * (b[bo + c] as number);
  return s;
}

// ---------------------------------------------------------------------------
// Jacobian in tangent coordinates

/**
 * An orthonormal basis of x⊥ for a unit vector x (d−1 vectors, written to
 * out[o .. o + (d−1)d) row by row): the columns c ≠ p of the Householder
 * reflection that maps x to ∓e_p, p = argmax_c |x_c|.
 */
function tangentBasis(X: Float64Array, xo: number, d: number, out: Float64Array, o: number): void {
  let p = 0;
  for (let c = 1; c < d; c++) if (Math.abs(X[xo + c]!) > Math.abs(X[xo + p]!)) p = c;
  const u = new Float64Array(d);
  for (let c = 0; c < d; c++) u[c] = X[xo + c]!;
  u[p] = u[p]! + (X[xo + p]! >= 0 ? 1 : -1);
  let uu = 0;
  for (let c = 0; c < d; c++) uu += u[c]! * u[c]!;
  let m = 0;
  for (let col = 0; col < d; col++) {
    if (col === p) continue;
    // H e_col = e_col − 2 u u_col / uu
    for (let r = 0; r < d; r++) out[o + m * d + r] = (r === col ? 1 : 0) - (2 * u[r]! * u[col]!) / uu;
    m++;
  }
}

/** Options of `tangentJacobian`. */
export interface JacobianOptions extends SphereModelOptions {
  /** Central-difference step (radians along the sphere, to first order). Default 1e-6 (SPEC §2.4 convention). */
  h?: number;
}

/** The tangent-space Jacobian of the field at a state. */
export interface TangentJacobian {
  /** N = n(d−1), the dimension of the product of tangent spaces. */
  size: number;
  /**
   * N×N row-major: entry (r, s) = ∂ξ_r'/∂ξ_s, the derivative of tangent
   * coordinate r of the field with respect to tangent coordinate s of the
   * state. Coordinate r = i(d−1) + m is token i along basis vector m.
   * Units: 1/time.
   */
  matrix: Float64Array;
  /** The tangent bases, n(d−1)*d row-major: basis vector m of token i is row i(d−1) + m (unit, ⊥ x_i). */
  basis: Float64Array;
  /** The normalised state at which the Jacobian was taken (n*d). */
  positions: Float64Array;
}

/**
 * The Jacobian of the sphere field in orthonormal tangent bases, by central
 * differences (SPEC §2.4 convention): for each coordinate s (token i,
 * basis vector b), F is evaluated at x_i ± = normalize(x_i ± h b) with the
 * other tokens fixed, and J[r][s] = <b_r, F_{token(r)}(x⁺) − F_{token(r)}(x⁻)>/(2h).
 * At an equilibrium this is the linearisation of the flow on the product
 * of spheres (independent of the chart to first order); away from one it
 * also carries an O(|F|) chart term. Tokens are normalised first.
 * Accuracy ~1e-9·‖F‖ (truncation h², rounding ε/h). Cost 2N field
 * evaluations: O(n⁴ d²) time, O(n² d²) memory.
 */
export function tangentJacobian(x: StateLike, n: number, d: number, options?: JacobianOptions): TangentJacobian {
  const o = checkOptions<JacobianOptions>(options, 'options', [...MODEL_OPTIONS, 'h']);
  const { X, n: nn, d: dd } = readX(x, n, d, true);
  const h = o.h === undefined ? 1e-6 : checkNumber(o.h, 'h', { min: 0, minExclusive: true });
  const model = readModel(o, nn, dd);
  return jacobianAt(X, model, h);
}

function jacobianAt(X: Float64Array, model: Model, h: number): TangentJacobian {
  const { n, d } = model;
  const t = d - 1;
  const N = n * t;
  const basis = new Float64Array(N * d);
  for (let i = 0; i < n; i++) tangentBasis(X, i * d, d, basis, i * t * d);
  const field = fieldEvaluator(model, true);
  const matrix = new Float64Array(N * N);
  const Xp = Float64Array.from(X);
  const Fp = new Float64Array(n * d);
  const Fm = new Float64Array(n * d);
  const setToken = (i: number, sign: number, s: number): void => {
    let q = 0;
    for (let c = 0; c < d; c++) {
      const v = X[i * d + c]! + sign * h * basis[s * d + c]!;
      Xp[i * d + c] = v;
      q += v * v;
    }
    q = Math.sqrt(q);
    for (let c = 0; c < d; c++) Xp[i * d + c] = Xp[i * d + c]! / q;
  };
  for (let s = 0; s < N; s++) {
    const i = Math.floor(s / t);
    setToken(i, 1, s);
    field(Xp, Fp);
    setToken(i, -1, s);
    field(Xp, Fm);
    for (let c = 0; c < d; c++) Xp[i * d + c] = X[i * d + c]!;
    for (let r = 0; r < N; r++) {
      const j = Math.floor(r / t);
      let v = 0;
      for (let c = 0; c < d; c++) v += basis[r * d + c]! * (Fp[j * d + c]! - Fm[j * d + c]!);
      matrix[r * N + s] = v / (2 * h);
    }
  }
  return { size: N, matrix, basis, positions: Float64Array.from(X) };
}

/** M = c·I exactly (entry by entry). */
function isScalar(M: Float64Array, d: number): boolean {
  const c = M[0]!;
  for (let r = 0; r < d; r++) for (let k = 0; k < d; k++) if (M[r * d + k] !== (r === k ? c : 0)) return false;
  return true;
}

/**
 * A basis of the skew-symmetric d×d matrices Ω with [Ω, A] = 0 (skipped when
 * β = 0) and [Ω, V] = 0: the infinitesimal rotations the field is
 * equivariant under. Returns count*d*d row-major matrices. O(d⁶) time in
 * general (a null space over the d(d−1)/2 skew coordinates), O(d⁴) when
 * A and V are multiples of the identity.
 */
function symmetryGenerators(model: Model): { count: number; generators: Float64Array } {
  const { d, Q, K, V, beta } = model;
  const m = (d * (d - 1)) / 2;
  if (m === 0) return { count: 0, generators: new Float64Array(0) };
  // A = Kᵀ Q
  const A = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (K === null ? (k === r ? 1 : 0) : K[k * d + r]!) * (Q === null ? (k === c ? 1 : 0) : Q[k * d + c]!);
      A[r * d + c] = s;
    }
  }
  const Vm = V ?? Float64Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0));
  if (isScalar(Vm, d) && (beta === 0 || isScalar(A, d))) {
    // every skew Ω commutes with multiples of I: the whole so(d), without the O(d⁶) solve below
    const all = new Float64Array(m * d * d);
    let g = 0;
    for (let a = 0; a < d; a++) {
      for (let b = a + 1; b < d; b++, g++) {
        all[g * d * d + a * d + b] = 1;
        all[g * d * d + b * d + a] = -1;
      }
    }
    return { count: m, generators: all };
  }
  const mats = beta === 0 ? [Vm] : [A, Vm];
  // constraint matrix: column g = vec([M, E_ab − E_ba]) stacked over the matrices M
  const rows = mats.length * d * d;
  const C = new Float64Array(rows * m);
  const E = new Float64Array(d * d);
  let g = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a + 1; b < d; b++) {
      E.fill(0);
      E[a * d + b] = 1;
      E[b * d + a] = -1;
      mats.forEach((M, k) => {
        for (let r = 0; r < d; r++) {
          for (let c = 0; c < d; c++) {
            let s = 0;
            for (let l = 0; l < d; l++) s += M[r * d + l]! * E[l * d + c]! - E[r * d + l]! * M[l * d + c]!;
            C[(k * d * d + r * d + c) * m + g] = s;
          }
        }
      });
      g++;
    }
  }
  const ns = nullSpace(C, rows, m, 1e-9);
  const generators = new Float64Array(ns.count * d * d);
  for (let k = 0; k < ns.count; k++) {
    let idx = 0;
    for (let a = 0; a < d; a++) {
      for (let b = a + 1; b < d; b++) {
        const w = ns.basis[k * m + idx]!;
        generators[k * d * d + a * d + b] = w;
        generators[k * d * d + b * d + a] = -w;
        idx++;
      }
    }
  }
  return { count: ns.count, generators };
}

/** Options of `jacobianSpectrum`. */
export interface SpectrumOptions extends JacobianOptions {
  /** Eigenvalues with |Re| <= tol count as zero (rates, 1/time). Default 1e-6. */
  tol?: number;
  /** The state is an equilibrium when max_i |F_i| <= fieldTol. Default 1e-8. */
  fieldTol?: number;
  /**
   * Remove the rotation-symmetry zero modes before deciding stability (see
   * the file comment). Default true. Finding the symmetries costs O(d⁶)
   * unless A = KᵀQ (or β = 0) and V are multiples of I: quick for d <= ~20;
   * pass false to skip it in high dimension.
   */
  symmetries?: boolean;
}

/** One unstable eigenvalue with, when real, its eigenvector. */
export interface UnstableDirection {
  re: number;
  im: number;
  /**
   * For a real eigenvalue: a unit eigenvector of the Jacobian lifted to the
   * ambient layout (n*d row-major: token i's displacement, tangent to the
   * sphere at x_i), sign chosen so its largest entry in tangent coordinates
   * is positive. Null for a complex pair. For a repeated eigenvalue one
   * vector of the eigenspace (repeated once per copy).
   */
  vector: Float64Array | null;
}

/** The linear stability report of `jacobianSpectrum`. */
export interface JacobianSpectrum {
  /** N = n(d−1). */
  size: number;
  /** Real parts of all N eigenvalues of the tangent Jacobian, descending. */
  re: Float64Array;
  /** Imaginary parts, paired with re. */
  im: Float64Array;
  /** Eigenvalues of the full spectrum with |λ| <= tol. */
  zeroModes: number;
  /** Dimension of the rotation orbit through the state (symmetry zero modes removed); 0 with symmetries: false. */
  symmetryDimension: number;
  /** max |J s| over the unit symmetry directions s: ~0 at an equilibrium (a check of the removal). */
  symmetryResidual: number;
  /** Real parts of the N − symmetryDimension eigenvalues left after removing the symmetry directions, descending. */
  reducedRe: Float64Array;
  /** Imaginary parts, paired with reducedRe. */
  reducedIm: Float64Array;
  /** Reduced eigenvalues with |Re| <= tol: directions linearisation cannot decide. */
  marginalModes: number;
  /** Number of reduced eigenvalues with Re > tol (the dimension of the unstable subspace). */
  unstableDimension: number;
  /** The unstable eigenvalues (Re > tol), descending, with eigenvectors where real. */
  unstableDirections: UnstableDirection[];
  /** max_i |F_i(x)|. */
  fieldNorm: number;
  /** fieldNorm <= fieldTol. */
  equilibrium: boolean;
  /**
   * 'not-equilibrium' when fieldNorm > fieldTol (the spectrum is then only a
   * local rate diagnostic); else 'unstable' if some reduced Re > tol,
   * 'stable' if every reduced Re < −tol, 'marginal' otherwise.
   */
  verdict: 'stable' | 'unstable' | 'marginal' | 'not-equilibrium';
  /** verdict === 'stable': asymptotically stable modulo the symmetry orbit. */
  stable: boolean;
}

/**
 * Eigenvalues of the tangent Jacobian (see `tangentJacobian`) and the
 * stability verdict, with the rotation-symmetry zero modes identified and
 * removed (see the file comment). O(N³) beyond the Jacobian.
 */
export function jacobianSpectrum(x: StateLike, n: number, d: number, options?: SpectrumOptions): JacobianSpectrum {
  const o = checkOptions<SpectrumOptions>(options, 'options', [...MODEL_OPTIONS, 'h', 'tol', 'fieldTol', 'symmetries']);
  const { X, n: nn, d: dd } = readX(x, n, d, true);
  const h = o.h === undefined ? 1e-6 : checkNumber(o.h, 'h', { min: 0, minExclusive: true });
  const tol = o.tol === undefined ? 1e-6 : checkNumber(o.tol, 'tol', { min: 0 });
  const fieldTol = o.fieldTol === undefined ? 1e-8 : checkNumber(o.fieldTol, 'fieldTol', { min: 0 });
  const useSym = checkBool(o.symmetries, 'symmetries', true);
  const model = readModel(o, nn, dd);

  const F = new Float64Array(nn * dd);
  fieldEvaluator(model, true)(X, F);
  const fieldNorm = maxRowNorm(F, nn, dd);
  const J = jacobianAt(X, model, h);
  const N = J.size;
  const t = dd - 1;
  const full = realEigenvalues(J.matrix, N);
  let zeroModes = 0;
  for (let k = 0; k < N; k++) if (Math.hypot(full.re[k]!, full.im[k]!) <= tol) zeroModes++;

  // symmetry directions in tangent coordinates: column g = (<b_{i,m}, Ω_g x_i>)
  let z = 0;
  let S: Float64Array = new Float64Array(0);
  if (useSym && N > 0) {
    const { count, generators } = symmetryGenerators(model);
    if (count > 0) {
      const raw = new Float64Array(N * count);
      const w = new Float64Array(dd);
      for (let g = 0; g < count; g++) {
        for (let i = 0; i < nn; i++) {
          for (let r = 0; r < dd; r++) {
            let s = 0;
            for (let c = 0; c < dd; c++) s += generators[g * dd * dd + r * dd + c]! * X[i * dd + c]!;
            w[r] = s;
          }
          for (let m = 0; m < t; m++) raw[(i * t + m) * count + g] = dot(J.basis, (i * t + m) * dd, w, 0, dd);
        }
      }
      const on = orthonormalColumns(raw, N, count, 1e-8);
      z = on.rank;
      S = on.q;
    }
  }
  let symmetryResidual = 0;
  let reduced = full;
  if (z > 0) {
    for (let col = 0; col < z; col++) {
      for (let r = 0; r < N; r++) {
        let s = 0;
        for (let k = 0; k < N; k++) s += J.matrix[r * N + k]! * S[k * z + col]!;
        symmetryResidual = Math.max(symmetryResidual, Math.abs(s));
      }
    }
    const U = orthogonalComplement(S, N, z);
    const m = N - z;
    // R = Uᵀ J U
    const JU = new Float64Array(N * m);
    for (let r = 0; r < N; r++) {
      for (let k = 0; k < N; k++) {
        const a = J.matrix[r * N + k]!;
        if (a === 0) continue;
        for (let c = 0; c < m; c++) JU[r * m + c] = JU[r * m + c]! + a * U[k * m + c]!;
      }
    }
    const R = new Float64Array(m * m);
    for (let k = 0; k < N; k++) {
      for (let r = 0; r < m; r++) {
        const u = U[k * m + r]!;
        if (u === 0) continue;
        for (let c = 0; c < m; c++) R[r * m + c] = R[r * m + c]! + u * JU[k * m + c]!;
      }
    }
    reduced = realEigenvalues(R, m);
  }
  const M = reduced.re.length;
  let marginalModes = 0;
  let unstableDimension = 0;
  let maxRe = -Infinity;
  const unstableDirections: UnstableDirection[] = [];
  for (let k = 0; k < M; k++) {
    const re = reduced.re[k]!;
    const im = reduced.im[k]!;
    maxRe = Math.max(maxRe, re);
    if (Math.abs(re) <= tol) marginalModes++;
    if (re > tol) {
      unstableDimension++;
      let vector: Float64Array | null = null;
      if (Math.abs(im) <= tol) {
        const xi = inverseIteration(J.matrix, N, re);
        vector = new Float64Array(nn * dd);
        for (let s = 0; s < N; s++) {
          const i = Math.floor(s / t);
          for (let c = 0; c < dd; c++) vector[i * dd + c] = vector[i * dd + c]! + xi[s]! * J.basis[s * dd + c]!;
        }
      }
      unstableDirections.push({ re, im, vector });
    }
  }
  const equilibrium = fieldNorm <= fieldTol;
  const verdict: JacobianSpectrum['verdict'] = !equilibrium
    ? 'not-equilibrium'
    : unstableDimension > 0
      ? 'unstable'
      : M === 0 || maxRe < -tol
        ? 'stable'
        : 'marginal';
  return {
    size: N,
    re: full.re,
    im: full.im,
    zeroModes,
    symmetryDimension: z,
    symmetryResidual,
    reducedRe: reduced.re,
    reducedIm: reduced.im,
    marginalModes,
    unstableDimension,
    unstableDirections,
    fieldNorm,
    equilibrium,
    verdict,
    stable: verdict === 'stable',
  };
}
