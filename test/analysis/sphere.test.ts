/**
 * The sphere-model analysis (ts/analysis/sphere/sphere.ts) and its dense linear
 * algebra (ts/analysis/geometry/linalg.ts). Expected values are SPEC.md's (test 16,
 * §2.4) or closed forms derived by hand in the comments, never read off the
 * implementation.
 *
 * Linearisation at consensus x_i = v (V v = λ v, Q = K = I), derived once:
 * write x_i = v + ε_i with ε_i ⊥ v. Then <x_i, x_j> = 1 + O(ε²), so the
 * weights are uniform to first order (SA: 1/n; USA: e^β/n), y_i = c(v + ε̄)
 * with c = 1 (SA) or e^β (USA), and
 *     F_i = c (P⊥_v V ε̄ − λ ε_i) + O(ε²).
 * The mean mode (all ε_i = u) has the eigenvalues c(μ − λ), μ the other
 * eigenvalues of V (those of the map V induces on R^d / span v); the
 * difference modes (Σ ε_i = 0) have c·(−λ), multiplicity (n − 1)(d − 1).
 */
import { describe, expect, it } from 'vitest';
import { initialPositions } from '../../ts/index.js';
import {
  classifyEquilibrium,
  jacobianSpectrum,
  sphereField,
  sphereFieldNorm,
  tangentJacobian,
} from '../../ts/analysis/sphere/sphere.js';
import { realEigenvalues, symmetricEigen } from '../../ts/analysis/geometry/linalg.js';

const V321 = [3, 0, 0, 0, 2, 0, 0, 0, 1];

/** n copies of the point p (flat). */
function consensus(p: readonly number[], n: number): Float64Array {
  const d = p.length;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) x[i * d + c] = p[c]!;
  return x;
}

/** Tokens s_i·p for the sign list s. */
function signed(p: readonly number[], signs: readonly number[]): Float64Array {
  const d = p.length;
  const x = new Float64Array(signs.length * d);
  signs.forEach((s, i) => {
    for (let c = 0; c < d; c++) x[i * d + c] = s * p[c]!;
  });
  return x;
}

function unit(v: readonly number[]): number[] {
  const r = Math.hypot(...v);
  return v.map((c) => c / r);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] as number));
  return m;
}

/** Compare a computed real spectrum with the expected multiset (both sorted descending). */
function expectSpectrum(re: Float64Array, im: Float64Array, want: number[], tol: number): void {
  const sorted = [...want].sort((a, b) => b - a);
  expect(re.length).toBe(sorted.length);
  sorted.forEach((w, k) => expect(Math.abs(re[k]! - w)).toBeLessThanOrEqual(tol));
  expect(maxAbs(im)).toBeLessThanOrEqual(tol);
}

function repeat(v: number, k: number): number[] {
  return Array.from({ length: k }, () => v);
}

// The Householder reflection R = I − (2/9) w wᵀ with w = (1, 2, 2): symmetric and orthogonal.
const R = [7 / 9, -4 / 9, -4 / 9, -4 / 9, 1 / 9, -8 / 9, -4 / 9, -8 / 9, 1 / 9];
/** R diag(3, 2, 1) R: symmetric, eigenvectors the columns of R. */
const VR = (() => {
  const out = new Array<number>(9).fill(0);
  const D = [3, 2, 1];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c]! += R[r * 3 + k]! * D[k]! * R[c * 3 + k]!;
  return out;
})();
const column = (M: number[], k: number): number[] => [M[k]!, M[3 + k]!, M[6 + k]!];

// A non-symmetric V = S diag(4, 1, −2) S⁻¹ with S = [[1,1,0],[0,1,1],[0,0,1]]:
// eigenvectors (1,0,0) → 4, (1,1,0) → 1, (0,1,1) → −2.
const VN = [4, -3, 3, 0, 1, -3, 0, 0, -2];

describe('linalg', () => {
  it('symmetricEigen recovers R diag(5, 3, 3, 1, −2, −4) Rᵀ', () => {
    // R = a product of two Householder reflections of R^6 (orthogonal by construction)
    const N = 6;
    const house = (w: number[]): number[] => {
      const ww = w.reduce((s, v) => s + v * v, 0);
      return Array.from({ length: N * N }, (_, k) => (k % (N + 1) === 0 ? 1 : 0) - (2 * w[Math.floor(k / N)]! * w[k % N]!) / ww);
    };
    const mul = (A: number[], B: number[]): number[] =>
      Array.from({ length: N * N }, (_, k) => {
        let s = 0;
        for (let t = 0; t < N; t++) s += A[Math.floor(k / N) * N + t]! * B[t * N + (k % N)]!;
        return s;
      });
    const Rm = mul(house([1, -2, 0.5, 3, 1, -1]), house([0.3, 1, -1, 2, 0, 1.5]));
    const D = [5, 3, 3, 1, -2, -4];
    const A = Array.from({ length: N * N }, (_, k) => {
      let s = 0;
      for (let t = 0; t < N; t++) s += Rm[Math.floor(k / N) * N + t]! * D[t]! * Rm[(k % N) * N + t]!;
      return s;
    });
    const { values, vectors } = symmetricEigen(A, N);
    D.forEach((dv, k) => expect(Math.abs(values[k]! - dv)).toBeLessThan(1e-12));
    for (let k = 0; k < N; k++) {
      for (let r = 0; r < N; r++) {
        let s = 0;
        for (let c = 0; c < N; c++) s += A[r * N + c]! * vectors[k * N + c]!;
        expect(Math.abs(s - values[k]! * vectors[k * N + r]!)).toBeLessThan(1e-12);
      }
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let c = 0; c < N; c++) s += vectors[k * N + c]! * vectors[j * N + c]!;
        expect(Math.abs(s - (j === k ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
  });

  it('realEigenvalues: the companion matrix of (x−1)(x−2)(x−3)(x²+1)', () => {
    // x⁵ − 6x⁴ + 12x³ − 12x² + 11x − 6: first row of the companion matrix is −(coefficients)
    const c = [-6, 12, -12, 11, -6];
    const N = 5;
    const A = new Float64Array(N * N);
    c.forEach((v, j) => (A[j] = -v));
    for (let i = 1; i < N; i++) A[i * N + i - 1] = 1;
    const { re, im } = realEigenvalues(A, N);
    const want = [
      [3, 0],
      [2, 0],
      [1, 0],
      [0, 1],
      [0, -1],
    ];
    want.forEach(([r, i], k) => {
      expect(Math.abs(re[k]! - r!)).toBeLessThan(1e-10);
      expect(Math.abs(im[k]! - i!)).toBeLessThan(1e-10);
    });
  });

  it('realEigenvalues: trace and trace(A²) of a random 24×24 matrix (Newton identities)', () => {
    const N = 24;
    let s = 12345;
    const A = Float64Array.from({ length: N * N }, () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648 - 0.5;
    });
    const { re, im } = realEigenvalues(A, N);
    let tr = 0;
    let tr2 = 0;
    for (let r = 0; r < N; r++) {
      tr += A[r * N + r]!;
      for (let c = 0; c < N; c++) tr2 += A[r * N + c]! * A[c * N + r]!;
    }
    let sumRe = 0;
    let sumIm = 0;
    let sumSq = 0; // Σ λ² = Σ (re² − im²) (the imaginary parts cancel in conjugate pairs)
    for (let k = 0; k < N; k++) {
      sumRe += re[k]!;
      sumIm += im[k]!;
      sumSq += re[k]! ** 2 - im[k]! ** 2;
    }
    expect(Math.abs(sumRe - tr)).toBeLessThan(1e-11);
    expect(Math.abs(sumIm)).toBeLessThan(1e-11);
    expect(Math.abs(sumSq - tr2)).toBeLessThan(1e-10);
    expect(maxAbs(im)).toBeGreaterThan(0.1); // a random matrix has complex pairs: they were exercised
  });
});

describe('sphereField', () => {
  it('SPEC 16: zero (to 1e-14) at consensus on an eigenvector of V', () => {
    for (const variant of ['sa', 'usa'] as const) {
      for (const beta of [0, 1, 5]) {
        // USA weights are e^β/n at consensus, so the field (and its rounding) scales by e^β
        const tol = variant === 'sa' ? 1e-14 : 1e-14 * Math.exp(beta);
        for (let k = 0; k < 3; k++) {
          const e = [0, 0, 0];
          e[k] = 1;
          for (const s of [1, -1]) {
            expect(maxAbs(sphereField(consensus(e.map((v) => s * v), 4), 4, 3, { V: V321, beta, variant }))).toBeLessThanOrEqual(tol);
          }
          // a rotated symmetric V and its eigenvector R e_k (entries with rounding)
          expect(maxAbs(sphereField(consensus(column(R, k), 4), 4, 3, { V: VR, beta, variant }))).toBeLessThanOrEqual(tol);
          // the non-symmetric V: the eigenvectors of V itself
          const ev = [[1, 0, 0], unit([1, 1, 0]), unit([0, 1, 1])][k]!;
          expect(maxAbs(sphereField(consensus(ev, 4), 4, 3, { V: VN, beta, variant }))).toBeLessThanOrEqual(tol);
        }
      }
    }
  });

  it('SPEC 16: non-zero off the eigenvectors; |F_i| = c/2 at v = (1,1,0)/√2 with V = diag(3,2,1)', () => {
    // V v = (3,2,0)/√2, <v, Vv> = 5/2, so P⊥ V v = (1/2, −1/2, 0)/√2 has norm 1/2; c = 1 (SA), e^β (USA)
    const v = unit([1, 1, 0]);
    for (const beta of [0, 1, 3]) {
      const sa = sphereField(consensus(v, 4), 4, 3, { V: V321, beta, variant: 'sa' });
      const usa = sphereField(consensus(v, 4), 4, 3, { V: V321, beta, variant: 'usa' });
      for (let i = 0; i < 4; i++) {
        expect(Math.hypot(sa[i * 3]!, sa[i * 3 + 1]!, sa[i * 3 + 2]!)).toBeCloseTo(0.5, 14);
        expect(Math.hypot(usa[i * 3]!, usa[i * 3 + 1]!, usa[i * 3 + 2]!) / Math.exp(beta)).toBeCloseTo(0.5, 14);
        expect(sa[i * 3]!).toBeCloseTo(0.25 * Math.SQRT2, 14);
        expect(sa[i * 3 + 1]!).toBeCloseTo(-0.25 * Math.SQRT2, 14);
      }
      expect(sphereFieldNorm(consensus(v, 4), 4, 3, { V: V321, beta })).toBeCloseTo(0.5, 14);
    }
  });

  it('hand-computed two-token field: Q acts on x_i, K on x_j', () => {
    // x1 = e1, x2 = e2, Q = [[1,1],[0,1]], K = V = I:
    //   a_11 = <Q e1, e1> = 1, a_12 = <Q e1, e2> = 0; a_21 = <Q e2, e1> = 1, a_22 = <Q e2, e2> = 1.
    // SA: token 1: w_12 = 1/(1+e^β), y_1 = (w_11, w_12), F_1 = P⊥_{e1} y_1 = (0, 1/(1+e^β)).
    //     token 2: uniform weights, y_2 = (1/2, 1/2), F_2 = (1/2, 0).
    // USA: y_1 = (e^β, 1)/2, F_1 = (0, 1/2); y_2 = (e^β, e^β)/2, F_2 = (e^β/2, 0).
    const x = [1, 0, 0, 1];
    const Q = [1, 1, 0, 1];
    for (const beta of [0.5, 2]) {
      const sa = sphereField(x, 2, 2, { Q, beta });
      [0, 1 / (1 + Math.exp(beta)), 0.5, 0].forEach((w, k) => expect(sa[k]!).toBeCloseTo(w, 15));
      const usa = sphereField(x, 2, 2, { Q, beta, variant: 'usa' });
      [0, 0.5, Math.exp(beta) / 2, 0].forEach((w, k) => expect(usa[k]!).toBeCloseTo(w, 14));
      // Q = I and K = Qᵀ on the key side: <x_i, Qᵀ x_j> = <Q x_i, x_j>, the same alignments as above
      const swapped = sphereField(x, 2, 2, { K: [1, 0, 1, 1], beta });
      [0, 1 / (1 + Math.exp(beta)), 0.5, 0].forEach((w, k) => expect(swapped[k]!).toBeCloseTo(w, 15));
      // but K = Q (Q = I) is a different model: a_11 = <e1, Q e1> = 1, a_12 = <e1, Q e2> = 1, so F_1 = (0, 1/2)
      const keyed = sphereField(x, 2, 2, { K: Q, beta });
      expect(keyed[1]!).toBeCloseTo(0.5, 15);
    }
  });

  it('projected: false returns V y_i (the euler-raw drift)', () => {
    // x1 = e1, x2 = e2, Q = K = I, V = [[2,1],[0,3]], β = 1: y_1 = (e, 1)/(e+1), V y_1 = (2e+1, 3)/(e+1)
    const e = Math.E;
    const raw = sphereField([1, 0, 0, 1], 2, 2, { V: [2, 1, 0, 3], beta: 1, projected: false });
    expect(raw[0]!).toBeCloseTo((2 * e + 1) / (e + 1), 14);
    expect(raw[1]!).toBeCloseTo(3 / (e + 1), 14);
    const proj = sphereField([1, 0, 0, 1], 2, 2, { V: [2, 1, 0, 3], beta: 1 });
    expect(proj[0]!).toBeCloseTo(0, 15);
    expect(proj[1]!).toBeCloseTo(3 / (e + 1), 14);
  });

  it('refuses bad arguments with named errors', () => {
    const x = [1, 0, 0, 1];
    expect(() => sphereField(x, 2, 2, { V: [1, 0, 0] })).toThrow(RangeError);
    expect(() => sphereField(x, 2, 2, { V: [1, 0, 0] })).toThrow(/V.*3/);
    expect(() => sphereField(x, 2, 2, { Q: [[1, 0]] })).toThrow(/Q.*1 rows/);
    expect(() => sphereField(x, 2, 2, { beta: -1 })).toThrow(RangeError);
    expect(() => sphereField(x, 2, 2, { beta: -1 })).toThrow(/beta.*-1/);
    expect(() => sphereField(x, 2, 2, { beta: '1' as never })).toThrow(TypeError);
    expect(() => sphereField(x, 2, 2, { variant: 'gpt' as never })).toThrow(/variant.*gpt/);
    expect(() => sphereField(x, 3, 2)).toThrow(/x.*6.*4/);
    expect(() => sphereField([1, NaN, 0, 1], 2, 2)).toThrow(/x\[1\].*NaN/);
    expect(() => sphereField(x, 2, 0)).toThrow(/d.*0/);
    expect(() => sphereField([1, 0, 0, 1], 2, 2, { beta: 800, variant: 'usa' })).toThrow(/overflow/);
  });
});

describe('classifyEquilibrium', () => {
  it('consensus on ±e_1 and on e_3, V = diag(3,2,1)', () => {
    for (const s of [1, -1]) {
      const c = classifyEquilibrium(consensus([s, 0, 0], 5), 5, 3, { V: V321 });
      expect(c.class).toBe('consensus');
      expect(c.clusters).toBe(1);
      expect(Array.from(c.multiplicities)).toEqual([5]);
      expect(Array.from(c.axis!)).toEqual([s, 0, 0]);
      expect(c.eigenIndex).toBe(0);
      expect(c.eigenvalue).toBeCloseTo(3, 12);
      expect(c.fieldNorm).toBe(0);
      expect(c.equilibrium).toBe(true);
    }
    const c3 = classifyEquilibrium(consensus([0, 0, -1], 4), 4, 3, { V: V321 });
    expect(c3.eigenIndex).toBe(2);
    expect(c3.eigenvalue).toBeCloseTo(1, 12);
    // the rotated V: consensus on its middle eigenvector R e_2
    const cr = classifyEquilibrium(consensus(column(R, 1), 4), 4, 3, { V: VR });
    expect(cr.eigenIndex).toBe(1);
    expect(cr.eigenvalue).toBeCloseTo(2, 12);
    expect(cr.equilibrium).toBe(true);
  });

  it('consensus off the eigenvectors: eigenIndex −1, not an equilibrium', () => {
    const c = classifyEquilibrium(consensus(unit([1, 1, 0]), 4), 4, 3, { V: V321 });
    expect(c.class).toBe('consensus');
    expect(c.eigenIndex).toBe(-1);
    expect(Number.isNaN(c.eigenvalue)).toBe(true);
    expect(c.fieldNorm).toBeCloseTo(0.5, 14);
    expect(c.equilibrium).toBe(false);
  });

  it('a slow transient near consensus: one cluster, but fieldNorm tells it is not an equilibrium', () => {
    // tokens within 1e-5 of e_1: 1 − <x_i,x_j> ~ 1e-10 <= tol, but |F| ~ (λ_1 − λ_2)·1e-5
    const x = consensus([1, 0, 0], 4);
    x[1] = 1e-5;
    x[5] = -1e-5;
    x[8] = 1e-5;
    const c = classifyEquilibrium(x, 4, 3, { V: V321 });
    expect(c.class).toBe('consensus');
    expect(c.eigenIndex).toBe(0);
    expect(c.fieldNorm).toBeGreaterThan(1e-6);
    expect(c.equilibrium).toBe(false);
  });

  it('bipartite: the axis is the larger cluster, multiplicities give the sign split', () => {
    const signs = [-1, -1, -1, 1, 1, 1, 1, 1];
    const c = classifyEquilibrium(signed([1, 0, 0], signs), 8, 3, { V: V321, beta: 5 });
    expect(c.class).toBe('bipartite');
    expect(Array.from(c.multiplicities)).toEqual([3, 5]);
    expect(Array.from(c.labels)).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(c.axis!)).toEqual([1, 0, 0]);
    expect(c.eigenIndex).toBe(0);
    expect(c.equilibrium).toBe(true);
    // on e_2: eigenIndex 1; a 4/4 tie takes token 0's side
    const t = classifyEquilibrium(signed([0, -1, 0], [1, -1, 1, -1]), 4, 3, { V: V321 });
    expect(t.class).toBe('bipartite');
    expect(Array.from(t.axis!)).toEqual([0, -1, 0]);
    expect(t.eigenIndex).toBe(1);
    expect(t.eigenvalue).toBeCloseTo(2, 12);
  });

  it('three clusters on an equilateral triangle: clustering, and an equilibrium for V = I', () => {
    // p_a + p_b + p_c = 0, so y at p_a is (w_self − w_other) p_a and the field vanishes
    const p = [0, 1, 2].map((k) => [Math.cos((2 * Math.PI * k) / 3), Math.sin((2 * Math.PI * k) / 3), 0]);
    const x = Float64Array.from([p[0]!, p[1]!, p[2]!, p[0]!, p[1]!, p[2]!].flat());
    const c = classifyEquilibrium(x, 6, 3, { beta: 2 });
    expect(c.class).toBe('clustering');
    expect(c.clusters).toBe(3);
    expect(Array.from(c.multiplicities)).toEqual([2, 2, 2]);
    expect(Array.from(c.labels)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(c.axis).toBeNull();
    expect(c.eigenIndex).toBe(-1);
    expect(c.fieldNorm).toBeLessThan(1e-14);
    expect(c.equilibrium).toBe(true);
    // the same three points with one token each: a polygonal zero of the field, class 'other'
    const poly = classifyEquilibrium(x.slice(0, 9), 3, 3, { beta: 2 });
    expect(poly.class).toBe('other');
    expect(poly.equilibrium).toBe(true);
  });

  it('a random state: other, far from equilibrium', () => {
    const x = initialPositions({ kind: 'sphere', n: 8, d: 3, seed: 3 });
    const c = classifyEquilibrium(x, 8, 3, { V: V321 });
    expect(c.class).toBe('other');
    expect(c.clusters).toBe(8);
    expect(c.fieldNorm).toBeGreaterThan(1e-2);
    expect(c.equilibrium).toBe(false);
  });

  it('the cluster tolerance is <x_i,x_j> >= 1 − tol', () => {
    // two tokens with 1 − <x_1,x_2> = 2e-6
    const cos = 1 - 2e-6;
    const x = [1, 0, cos, Math.sqrt(1 - cos * cos)];
    expect(classifyEquilibrium(x, 2, 2).clusters).toBe(2);
    expect(classifyEquilibrium(x, 2, 2, { tol: 1e-5 }).class).toBe('consensus');
    // antipodal within tol
    const y = [1, 0, -cos, -Math.sqrt(1 - cos * cos)];
    expect(classifyEquilibrium(y, 2, 2).class).toBe('other');
    expect(classifyEquilibrium(y, 2, 2, { tol: 1e-5 }).class).toBe('bipartite');
  });

  it('non-symmetric V: an equilibrium axis need not be an eigenvector of sym(V)', () => {
    const c = classifyEquilibrium(consensus([1, 0, 0], 3), 3, 3, { V: VN });
    expect(c.equilibrium).toBe(true);
    expect(c.eigenIndex).toBe(-1);
  });

  it('refuses bad arguments', () => {
    expect(() => classifyEquilibrium([1, 0, 0, 0], 2, 2)).toThrow(RangeError);
    expect(() => classifyEquilibrium([1, 0, 0, 0], 2, 2)).toThrow(/token 1/);
    expect(() => classifyEquilibrium([1, 0], 1, 2, { tol: 1 })).toThrow(/tol.*1/);
    expect(() => classifyEquilibrium([1, 0], 1, 2, { fieldTol: -1 })).toThrow(/fieldTol.*-1/);
  });
});

describe('tangentJacobian and jacobianSpectrum', () => {
  it('tangent bases are orthonormal and orthogonal to the tokens', () => {
    const n = 5;
    const d = 4;
    const x = initialPositions({ kind: 'sphere', n, d, seed: 8 });
    const J = tangentJacobian(x, n, d);
    expect(J.size).toBe(n * (d - 1));
    expect(J.matrix.length).toBe(J.size ** 2);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d - 1; a++) {
        const ra = (i * (d - 1) + a) * d;
        let xa = 0;
        for (let c = 0; c < d; c++) xa += J.basis[ra + c]! * x[i * d + c]!;
        expect(Math.abs(xa)).toBeLessThan(1e-15);
        for (let b = 0; b < d - 1; b++) {
          const rb = (i * (d - 1) + b) * d;
          let s = 0;
          for (let c = 0; c < d; c++) s += J.basis[ra + c]! * J.basis[rb + c]!;
          expect(Math.abs(s - (a === b ? 1 : 0))).toBeLessThan(1e-15);
        }
      }
    }
  });

  it('SPEC 16: V = diag(3,2,1), n = 4: the spectrum at consensus on e_k (SA, β ∈ {1, 5})', () => {
    // mean mode λ_j − λ_k (j ≠ k), difference modes −λ_k with multiplicity (n−1)(d−1) = 6
    const cases = [
      { k: 0, want: [-1, -2, ...repeat(-3, 6)], verdict: 'stable', unstable: 0 },
      { k: 1, want: [1, -1, ...repeat(-2, 6)], verdict: 'unstable', unstable: 1 },
      { k: 2, want: [2, 1, ...repeat(-1, 6)], verdict: 'unstable', unstable: 2 },
    ];
    for (const beta of [1, 5]) {
      for (const { k, want, verdict, unstable } of cases) {
        const e = [0, 0, 0];
        e[k] = 1;
        const s = jacobianSpectrum(consensus(e, 4), 4, 3, { V: V321, beta });
        expectSpectrum(s.re, s.im, want, 1e-6);
        expect(s.symmetryDimension).toBe(0); // V has simple eigenvalues: no rotation commutes with it
        expect(s.zeroModes).toBe(0);
        expect(s.equilibrium).toBe(true);
        expect(s.verdict).toBe(verdict);
        expect(s.stable).toBe(verdict === 'stable');
        expect(s.unstableDimension).toBe(unstable);
      }
    }
  });

  it('the unstable direction at consensus on e_2 is the mean mode toward e_1', () => {
    // eigenvalue λ_1 − λ_2 = 1, eigenvector: every token moves by the same multiple of e_1
    const s = jacobianSpectrum(consensus([0, 1, 0], 4), 4, 3, { V: V321 });
    expect(s.unstableDirections.length).toBe(1);
    const u = s.unstableDirections[0]!;
    expect(u.re).toBeCloseTo(1, 6);
    const v = u.vector!;
    const sign = Math.sign(v[0]!);
    for (let i = 0; i < 4; i++) {
      expect(v[i * 3]! * sign).toBeCloseTo(0.5, 6);
      expect(Math.abs(v[i * 3 + 1]!)).toBeLessThan(1e-6);
      expect(Math.abs(v[i * 3 + 2]!)).toBeLessThan(1e-6);
    }
  });

  it('USA at consensus: the same modes scaled by e^β', () => {
    for (const beta of [0.5, 2]) {
      const c = Math.exp(beta);
      const s = jacobianSpectrum(consensus([0, 1, 0], 4), 4, 3, { V: V321, beta, variant: 'usa' });
      expectSpectrum(s.re, s.im, [c, -c, ...repeat(-2 * c, 6)], 1e-6 * c);
    }
  });

  it('a non-symmetric V: eigenvalues μ − λ of the induced map and −λ (SA, Q = K = I)', () => {
    // V = S diag(4, 1, −2) S⁻¹; n = 3 so (n−1)(d−1) = 4 difference modes
    const cases = [
      { v: [1, 0, 0], want: [-3, -6, ...repeat(-4, 4)], verdict: 'stable' },
      { v: unit([1, 1, 0]), want: [3, -3, ...repeat(-1, 4)], verdict: 'unstable' },
      { v: unit([0, 1, 1]), want: [6, 3, ...repeat(2, 4)], verdict: 'unstable' },
    ];
    for (const { v, want, verdict } of cases) {
      const s = jacobianSpectrum(consensus(v, 3), 3, 3, { V: VN, beta: 1.5 });
      expectSpectrum(s.re, s.im, want, 1e-6);
      expect(s.verdict).toBe(verdict);
    }
  });

  it('Q = K = V = I: consensus has d − 1 rotation zero modes, removed before the verdict', () => {
    for (const variant of ['sa', 'usa'] as const) {
      const beta = 1;
      const c = variant === 'sa' ? 1 : Math.exp(beta);
      const x = consensus(unit([1, 2, -2]), 4);
      const s = jacobianSpectrum(x, 4, 3, { beta, variant });
      // full spectrum: 0 (×2, the mean mode: all tokens rotate together) and −c (×6)
      expectSpectrum(s.re, s.im, [0, 0, ...repeat(-c, 6)], 1e-6);
      expect(s.zeroModes).toBe(2);
      expect(s.symmetryDimension).toBe(2);
      expect(s.symmetryResidual).toBeLessThan(1e-8);
      expectSpectrum(s.reducedRe, s.reducedIm, repeat(-c, 6), 1e-6);
      expect(s.marginalModes).toBe(0);
      expect(s.verdict).toBe('stable');
      // without the symmetry analysis the zero modes leave the linearisation undecided
      const raw = jacobianSpectrum(x, 4, 3, { beta, variant, symmetries: false });
      expect(raw.symmetryDimension).toBe(0);
      expect(raw.verdict).toBe('marginal');
      expect(raw.stable).toBe(false);
    }
  });

  it('antipodal pair, Q = K = V = I: unstable with rate 2/(1 + e^(2β)) (SA) or e^(−β) (USA)', () => {
    // angles on the great circle through u: a = θ_1, b = θ_2 − π; SA: da/dt = −p(b − a), db/dt = p(b − a),
    // p = e^(−β)/(e^β + e^(−β)): eigenvalues 0 (rotation) and 2p, once per direction ⊥ u (d − 1 = 2).
    // USA: p = e^(−β)/2 (n = 2), so 2p = e^(−β).
    const beta = 1;
    const x = signed(unit([1, 2, 2]), [1, -1]);
    const pSa = 2 / (1 + Math.exp(2 * beta));
    const sa = jacobianSpectrum(x, 2, 3, { beta });
    expectSpectrum(sa.re, sa.im, [pSa, pSa, 0, 0], 1e-6);
    expect(sa.symmetryDimension).toBe(2);
    expect(sa.verdict).toBe('unstable');
    expect(sa.unstableDimension).toBe(2);
    const usa = jacobianSpectrum(x, 2, 3, { beta, variant: 'usa' });
    expectSpectrum(usa.re, usa.im, [Math.exp(-beta), Math.exp(-beta), 0, 0], 1e-6);
  });

  it('bipartite 4/4 on e_k: the axis modes are tanh(β)(λ_j − λ_k) (SA) and sinh(β)(λ_j − λ_k) (USA)', () => {
    // On the invariant set {x_i = s_i u} with r tokens on each side, y_i = s_i·c·u with
    // c = (r e^β − r e^(−β))/(r e^β + r e^(−β)) = tanh β (SA) or (r e^β − r e^(−β))/n = sinh β (USA, n = 2r),
    // so u follows c·(Vu − <u,Vu>u): at e_k the Jacobian has the eigenvalues c(λ_j − λ_k), j ≠ k.
    const lambda = [3, 2, 1];
    for (const beta of [1, 2]) {
      for (const variant of ['sa', 'usa'] as const) {
        const c = variant === 'sa' ? Math.tanh(beta) : Math.sinh(beta);
        for (let k = 0; k < 3; k++) {
          const e = [0, 0, 0];
          e[k] = 1;
          const s = jacobianSpectrum(signed(e, [1, -1, 1, -1, 1, -1, 1, -1]), 8, 3, { V: V321, beta, variant });
          expect(s.equilibrium).toBe(true);
          for (let j = 0; j < 3; j++) {
            if (j === k) continue;
            const want = c * (lambda[j]! - lambda[k]!);
            let best = Infinity;
            for (let m = 0; m < s.size; m++) best = Math.min(best, Math.hypot(s.re[m]! - want, s.im[m]!));
            expect(best).toBeLessThan(1e-5);
          }
          // SPEC 17: bipartite states on e_2 or e_3 are unstable
          if (k > 0) expect(s.verdict).toBe('unstable');
        }
      }
    }
  });

  it('the orbit of a planar triangle of clusters under rotations is 3-dimensional', () => {
    // no rotation other than the identity fixes three non-collinear points of a plane through 0
    const p = [0, 1, 2].map((k) => [Math.cos((2 * Math.PI * k) / 3), Math.sin((2 * Math.PI * k) / 3), 0]);
    const x = Float64Array.from([p[0]!, p[0]!, p[1]!, p[1]!, p[2]!, p[2]!].flat());
    const s = jacobianSpectrum(x, 6, 3, { beta: 1 });
    expect(s.equilibrium).toBe(true);
    expect(s.symmetryDimension).toBe(3);
    expect(s.symmetryResidual).toBeLessThan(1e-8);
    expect(s.zeroModes).toBeGreaterThanOrEqual(3);
    expect(s.reducedRe.length).toBe(12 - 3);
  });

  it('a non-equilibrium state is reported as such, never as stable', () => {
    const x = initialPositions({ kind: 'sphere', n: 6, d: 3, seed: 4 });
    const s = jacobianSpectrum(x, 6, 3, { V: V321 });
    expect(s.equilibrium).toBe(false);
    expect(s.verdict).toBe('not-equilibrium');
    expect(s.stable).toBe(false);
  });

  it('refuses bad arguments', () => {
    const x = consensus([1, 0, 0], 2);
    expect(() => tangentJacobian(x, 2, 3, { h: 0 })).toThrow(RangeError);
    expect(() => tangentJacobian(x, 2, 3, { h: 0 })).toThrow(/h.*0/);
    expect(() => jacobianSpectrum(x, 2, 3, { tol: -1 })).toThrow(/tol.*-1/);
    expect(() => jacobianSpectrum(x, 2, 3, { symmetries: 'yes' as never })).toThrow(TypeError);
    expect(() => jacobianSpectrum([0, 0, 0, 1, 0, 0], 2, 3)).toThrow(/token 0/);
  });
});
