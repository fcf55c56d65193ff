/**
 * Small dense linear algebra for the analysis layer (float64, row-major,
 * m[r*N + c]): what the sphere-model stability analysis needs and no more.
 *
 * - `symmetricEigen`: cyclic Jacobi rotations. Exact to a few ulp·‖A‖ on
 *   the eigenvalues, orthonormal eigenvectors, no convergence subtleties;
 *   O(N³) per sweep, a handful of sweeps. Meant for N up to a few hundred.
 * - `realEigenvalues`: eigenvalues of a general real matrix by Householder
 *   reduction to upper Hessenberg form and the Francis double-shift QR
 *   iteration with Wilkinson's and Moler's exceptional shifts (the EISPACK
 *   `orthes` + `hqr` algorithm, as in JAMA's public-domain port). Backward
 *   stable: each computed eigenvalue is exact for a matrix within ~N·ε·‖A‖;
 *   ill-conditioned (defective or nearly so) eigenvalues move by up to
 *   (N·ε·‖A‖)^(1/m) for an m-fold Jordan block.
 * - `nullSpace`, `solve`, `inverseIteration`: helpers built on those.
 * - `matVec`: the one matrix-vector product of the analysis and report layers
 *   (ascending-column sums, the order of the backends).
 *
 * Why not a library: the only maintained candidate on npm (ml-matrix) would
 * be a new runtime dependency of the package for ~300 lines of well-known
 * code; these routines are self-contained, run unchanged in Node and the
 * browser, and are checked in test/analysis/sphere.test.ts against closed
 * forms (companion matrices, rotation blocks, trace and determinant).
 *
 * Ownership: inputs are read only and never kept; results are fresh arrays
 * owned by the caller. The public ones (`symmetricEigen`, `realEigenvalues`)
 * take an N×N matrix, flat row-major (exactly N*N finite numbers) or N rows
 * of N, checked by ts/check.ts `readMatrix`.
 */
import { checkInt, rangeError, readMatrix, typeError } from '../../check.js';

const EPS = 2 ** -52;

/** An N×N matrix argument as a fresh Float64Array (check.ts `readMatrix`; null is refused here). */
function readSquare(a: unknown, N: unknown, name = 'a'): { m: Float64Array; N: number } {
  const n = checkInt(N, 'N', 0);
  if (a === null || a === undefined) throw typeError(name, 'an N×N matrix (N*N row-major numbers or N rows of N)', a);
  return { m: n === 0 ? new Float64Array(0) : (readMatrix(a, n, name) as Float64Array), N: n };
}

/** Eigen-decomposition of a symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors, N*N row-major: eigenvector k (unit length) is vectors[k*N .. k*N+N), paired with values[k]. */
  vectors: Float64Array;
  /** Jacobi sweeps used. */
  sweeps: number;
}

/**
 * Eigenvalues and orthonormal eigenvectors of the symmetric part of the
 * N×N row-major matrix a (only (a + aᵀ)/2 is used), by cyclic Jacobi.
 */
export function symmetricEigen(a: ArrayLike<number> | readonly (readonly number[])[], N: number): SymmetricEigen {
  const sq = readSquare(a, N);
  N = sq.N;
  const A = sq.m;
  const m = new Float64Array(N * N);
  for (let r = 0; r < N; r++) for (let c = 0; c < N; c++) m[r * N + c] = 0.5 * ((A[r * N + c] as number) + (A[c * N + r] as number));
  // v: columns are the eigenvectors (accumulated rotations)
  const v = new Float64Array(N * N);
  for (let k = 0; k < N; k++) v[k * N + k] = 1;
  let scale = 0;
  for (let k = 0; k < N * N; k++) scale += m[k]! * m[k]!;
  scale = Math.sqrt(scale);
  let sweep = 0;
  for (; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < N; p++) for (let q = p + 1; q < N; q++) off += m[p * N + q]! * m[p * N + q]!;
    if (Math.sqrt(2 * off) <= EPS * scale || off === 0) break;
    for (let p = 0; p < N - 1; p++) {
      for (let q = p + 1; q < N; q++) {
        const apq = m[p * N + q]!;
        if (apq === 0) continue;
        const app = m[p * N + p]!;
        const aqq = m[q * N + q]!;
        // rotation angle: tan(2θ) = 2 apq / (aqq − app), the smaller root t = tan θ
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < N; k++) {
          const mkp = m[k * N + p]!;
          const mkq = m[k * N + q]!;
          m[k * N + p] = c * mkp - s * mkq;
          m[k * N + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < N; k++) {
          const mpk = m[p * N + k]!;
          const mqk = m[q * N + k]!;
          m[p * N + k] = c * mpk - s * mqk;
          m[q * N + k] = s * mpk + c * mqk;
        }
        m[p * N + q] = 0;
        m[q * N + p] = 0;
        for (let k = 0; k < N; k++) {
          const vkp = v[k * N + p]!;
          const vkq = v[k * N + q]!;
          v[k * N + p] = c * vkp - s * vkq;
          v[k * N + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: N }, (_, k) => k).sort((i, j) => m[j * N + j]! - m[i * N + i]! || i - j);
  const values = new Float64Array(N);
  const vectors = new Float64Array(N * N);
  order.forEach((k, rank) => {
    values[rank] = m[k * N + k]!;
    for (let r = 0; r < N; r++) vectors[rank * N + r] = v[r * N + k]!;
  });
  return { values, vectors, sweeps: sweep };
}

/** Eigenvalues of a general real matrix. */
export interface RealEigenvalues {
  /** Real parts, sorted descending (ties: larger imaginary part first). */
  re: Float64Array;
  /** Imaginary parts, paired with re; complex eigenvalues come in conjugate pairs, +im first. */
  im: Float64Array;
}

/**
 * All N eigenvalues of the N×N row-major real matrix a: Householder
 * reduction to Hessenberg form, then Francis double-shift QR (EISPACK
 * hqr). Throws an Error if the iteration fails to converge (more than 60
 * iterations for one eigenvalue; never observed on finite input).
 */
export function realEigenvalues(a: ArrayLike<number> | readonly (readonly number[])[], N: number): RealEigenvalues {
  const sq = readSquare(a, N);
  N = sq.N;
  const H = sq.m;
  hessenberg(H, N);
  const d = new Float64Array(N);
  const e = new Float64Array(N);
  hqr(H, N, d, e);
  const order = Array.from({ length: N }, (_, k) => k).sort((i, j) => d[j]! - d[i]! || e[j]! - e[i]! || i - j);
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  order.forEach((k, r) => {
    re[r] = d[k]!;
    im[r] = e[k]!;
  });
  return { re, im };
}

/** In place: H <- Pᵀ H P upper Hessenberg (Householder, EISPACK orthes). */
function hessenberg(H: Float64Array, N: number): void {
  const ort = new Float64Array(N);
  const high = N - 1;
  for (let m = 1; m <= high - 1; m++) {
    let scale = 0;
    for (let i = m; i <= high; i++) scale += Math.abs(H[i * N + m - 1]!);
    if (scale === 0) continue;
    let h = 0;
    for (let i = high; i >= m; i--) {
      ort[i] = H[i * N + m - 1]! / scale;
      h += ort[i]! * ort[i]!;
    }
    let g = Math.sqrt(h);
    if (ort[m]! > 0) g = -g;
    h -= ort[m]! * g;
    ort[m] = ort[m]! - g;
    // H = (I − u uᵀ/h) H (I − u uᵀ/h)
    for (let j = m; j < N; j++) {
      let f = 0;
      for (let i = high; i >= m; i--) f += ort[i]! * H[i * N + j]!;
      f /= h;
      for (let i = m; i <= high; i++) H[i * N + j] = H[i * N + j]! - f * ort[i]!;
    }
    for (let i = 0; i <= high; i++) {
      let f = 0;
      for (let j = high; j >= m; j--) f += ort[j]! * H[i * N + j]!;
      f /= h;
      for (let j = m; j <= high; j++) H[i * N + j] = H[i * N + j]! - f * ort[j]!;
    }
    ort[m] = scale * ort[m]!;
    H[m * N + m - 1] = scale * g;
    for (let i = m + 1; i <= high; i++) H[i * N + m - 1] = 0;
  }
}

/** Eigenvalues (d + i e) of the upper Hessenberg H (destroyed): EISPACK hqr. */
function hqr(H: Float64Array, nn: number, d: Float64Array, e: Float64Array): void {
  const at = (r: number, c: number): number => H[r * nn + c]!;
  const set = (r: number, c: number, v: number): void => {
    H[r * nn + c] = v;
  };
  let n = nn - 1;
  const low = 0;
  let exshift = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  let s = 0;
  let z = 0;
  let w = 0;
  let x = 0;
  let y = 0;
  let norm = 0;
  for (let i = 0; i < nn; i++) for (let j = Math.max(i - 1, 0); j < nn; j++) norm += Math.abs(at(i, j));
  let iter = 0;
  while (n >= low) {
    // a single small sub-diagonal element
    let l = n;
    while (l > low) {
      s = Math.abs(at(l - 1, l - 1)) + Math.abs(at(l, l));
      if (s === 0) s = norm;
      if (Math.abs(at(l, l - 1)) < EPS * s) break;
      l--;
    }
    if (l === n) {
      // one root
      d[n] = at(n, n) + exshift;
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      // two roots
      w = at(n, n - 1) * at(n - 1, n);
      p = (at(n - 1, n - 1) - at(n, n)) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      x = at(n, n) + exshift;
      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = z !== 0 ? x - w / z : x + z;
        e[n - 1] = 0;
        e[n] = 0;
      } else {
        d[n - 1] = x + p;
        d[n] = x + p;
        e[n - 1] = z;
        e[n] = -z;
      }
      n -= 2;
      iter = 0;
    } else {
      x = at(n, n);
      y = at(n - 1, n - 1);
      w = at(n, n - 1) * at(n - 1, n);
      if (iter === 10) {
        // Wilkinson's exceptional shift
        exshift += x;
        for (let i = low; i <= n; i++) set(i, i, at(i, i) - x);
        s = Math.abs(at(n, n - 1)) + Math.abs(at(n - 1, n - 2));
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30) {
        // Moler's exceptional shift
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = low; i <= n; i++) set(i, i, at(i, i) - s);
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      if (iter > 60) throw new Error(`realEigenvalues: the QR iteration did not converge (eigenvalue ${n} of ${nn})`);
      // two consecutive small sub-diagonal elements
      let m = n - 2;
      while (m >= l) {
        z = at(m, m);
        r = x - z;
        s = y - z;
        p = (r * s - w) / at(m + 1, m) + at(m, m + 1);
        q = at(m + 1, m + 1) - z - r - s;
        r = at(m + 2, m + 1);
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (m === l) break;
        if (Math.abs(at(m, m - 1)) * (Math.abs(q) + Math.abs(r)) < EPS * (Math.abs(p) * (Math.abs(at(m - 1, m - 1)) + Math.abs(z) + Math.abs(at(m + 1, m + 1))))) {
          break;
        }
        m--;
      }
      for (let i = m + 2; i <= n; i++) {
        set(i, i - 2, 0);
        if (i > m + 2) set(i, i - 3, 0);
      }
      // double QR step on rows l..n and columns m..n
      for (let k = m; k <= n - 1; k++) {
        const notlast = k !== n - 1;
        if (k !== m) {
          p = at(k, k - 1);
          q = at(k + 1, k - 1);
          r = notlast ? at(k + 2, k - 1) : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s !== 0) {
          if (k !== m) set(k, k - 1, -s * x);
          else if (l !== m) set(k, k - 1, -at(k, k - 1));
          p += s;
          x = p / s;
          y = q / s;
          z = r / s;
          q /= p;
          r /= p;
          for (let j = k; j < nn; j++) {
            p = at(k, j) + q * at(k + 1, j);
            if (notlast) {
              p += r * at(k + 2, j);
              set(k + 2, j, at(k + 2, j) - p * z);
            }
            set(k, j, at(k, j) - p * x);
            set(k + 1, j, at(k + 1, j) - p * y);
          }
          for (let i = 0; i <= Math.min(n, k + 3); i++) {
            p = x * at(i, k) + y * at(i, k + 1);
            if (notlast) {
              p += z * at(i, k + 2);
              set(i, k + 2, at(i, k + 2) - p * r);
            }
            set(i, k, at(i, k) - p);
            set(i, k + 1, at(i, k + 1) - p * q);
          }
        }
      }
    }
  }
}

/**
 * Solve a x = b for x (N×N row-major a, length-N b) by LU with partial
 * pivoting. A zero pivot is replaced by ε·‖a‖ (so nearly singular systems,
 * as in inverse iteration, return a large but finite solution).
 */
export function solve(a: ArrayLike<number>, N: number, b: ArrayLike<number>): Float64Array {
  const sq = readSquare(a, N);
  N = sq.N;
  const m = sq.m;
  const x = Float64Array.from({ length: N }, (_, k) => b[k] as number);
  let norm = 0;
  for (let k = 0; k < N * N; k++) norm = Math.max(norm, Math.abs(m[k]!));
  const tiny = EPS * Math.max(norm, Number.MIN_VALUE);
  for (let c = 0; c < N; c++) {
    let piv = c;
    for (let r = c + 1; r < N; r++) if (Math.abs(m[r * N + c]!) > Math.abs(m[piv * N + c]!)) piv = r;
    if (piv !== c) {
      for (let k = 0; k < N; k++) {
        const t = m[c * N + k]!;
        m[c * N + k] = m[piv * N + k]!;
        m[piv * N + k] = t;
      }
      const t = x[c]!;
      x[c] = x[piv]!;
      x[piv] = t;
    }
    if (Math.abs(m[c * N + c]!) < tiny) m[c * N + c] = tiny;
    const pivot = m[c * N + c]!;
    for (let r = c + 1; r < N; r++) {
      const f = m[r * N + c]! / pivot;
      if (f === 0) continue;
      for (let k = c; k < N; k++) m[r * N + k] = m[r * N + k]! - f * m[c * N + k]!;
      x[r] = x[r]! - f * x[c]!;
    }
  }
  for (let r = N - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < N; k++) s -= m[r * N + k]! * x[k]!;
    x[r] = s / m[r * N + r]!;
  }
  return x;
}

/**
 * A unit eigenvector of a for the real eigenvalue lambda, by inverse
 * iteration with the shift lambda + 1e-10·max(1, |lambda|) (a few steps from
 * a fixed start). For a repeated eigenvalue it returns one vector of the
 * eigenspace. The sign is chosen so that the largest-magnitude entry is
 * positive.
 */
export function inverseIteration(a: ArrayLike<number>, N: number, lambda: number): Float64Array {
  const sq = readSquare(a, N);
  N = sq.N;
  const shifted = sq.m;
  const mu = lambda + 1e-10 * Math.max(1, Math.abs(lambda));
  for (let k = 0; k < N; k++) shifted[k * N + k] = shifted[k * N + k]! - mu;
  // a fixed, generic start vector
  let v: Float64Array = Float64Array.from({ length: N }, (_, k) => 1 + 0.5 * Math.sin(1.7 * k + 0.3));
  for (let it = 0; it < 4; it++) {
    const w = solve(shifted, N, v);
    let s = 0;
    for (let k = 0; k < N; k++) s += w[k]! * w[k]!;
    s = Math.sqrt(s);
    if (!(s > 0) || !Number.isFinite(s)) break;
    for (let k = 0; k < N; k++) w[k] = w[k]! / s;
    v = w;
  }
  let big = 0;
  for (let k = 0; k < N; k++) if (Math.abs(v[k]!) > Math.abs(v[big]!)) big = k;
  if (v[big]! < 0) for (let k = 0; k < N; k++) v[k] = -v[k]!;
  return v;
}

/**
 * An orthonormal basis of the null space of the rows×cols row-major matrix
 * m: the eigenvectors of mᵀm with eigenvalue <= (tol·max(1, ‖m‖_F))².
 * Returned as count×cols row-major (vector k in row k).
 */
export function nullSpace(m: ArrayLike<number>, rows: number, cols: number, tol = 1e-10): { count: number; basis: Float64Array } {
  if (m.length !== rows * cols) throw rangeError('m.length', `rows*cols = ${rows}*${cols} = ${rows * cols}`, m.length);
  const g = new Float64Array(cols * cols);
  let fro = 0;
  for (let r = 0; r < rows; r++) {
    for (let a = 0; a < cols; a++) {
      const ma = m[r * cols + a] as number;
      fro += ma * ma;
      if (ma === 0) continue;
      for (let b = 0; b < cols; b++) g[a * cols + b] = g[a * cols + b]! + ma * (m[r * cols + b] as number);
    }
  }
  const { values, vectors } = symmetricEigen(g, cols);
  const cut = (tol * Math.max(1, Math.sqrt(fro))) ** 2;
  let count = 0;
  for (let k = 0; k < cols; k++) if (values[k]! <= cut) count++;
  // the smallest eigenvalues are last
  const basis = vectors.slice((cols - count) * cols, cols * cols);
  return { count, basis };
}

/**
 * Orthonormalize the columns of the N×k row-major matrix s (modified
 * Gram–Schmidt, twice), dropping columns whose remaining norm is below
 * tol·max(1, largest column norm). Returns the rank and the kept columns as
 * an N×rank row-major matrix.
 */
export function orthonormalColumns(s: ArrayLike<number>, N: number, k: number, tol = 1e-8): { rank: number; q: Float64Array } {
  const cols: Float64Array[] = [];
  let biggest = 0;
  for (let j = 0; j < k; j++) {
    let t = 0;
    for (let r = 0; r < N; r++) t += (s[r * k + j] as number) ** 2;
    biggest = Math.max(biggest, Math.sqrt(t));
  }
  const cut = tol * Math.max(1, biggest);
  for (let j = 0; j < k; j++) {
    const v = Float64Array.from({ length: N }, (_, r) => s[r * k + j] as number);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of cols) {
        let dot = 0;
        for (let r = 0; r < N; r++) dot += u[r]! * v[r]!;
        for (let r = 0; r < N; r++) v[r] = v[r]! - dot * u[r]!;
      }
    }
    let t = 0;
    for (let r = 0; r < N; r++) t += v[r]! * v[r]!;
    t = Math.sqrt(t);
    if (t <= cut) continue;
    for (let r = 0; r < N; r++) v[r] = v[r]! / t;
    cols.push(v);
  }
  const rank = cols.length;
  const q = new Float64Array(N * rank);
  cols.forEach((u, j) => {
    for (let r = 0; r < N; r++) q[r * rank + j] = u[r]!;
  });
  return { rank, q };
}

/**
 * An orthonormal basis of the orthogonal complement of the span of the
 * orthonormal columns of q (N×k row-major): N×(N−k) row-major, by applying
 * the Householder reflections of q's QR factorization to the last N−k unit
 * vectors.
 */
export function orthogonalComplement(q: ArrayLike<number>, N: number, k: number): Float64Array {
  // Householder QR of q: reflections u_j (stored), so that H_{k−1}..H_0 q = [R; 0]
  const work = Float64Array.from({ length: N * k }, (_, t) => q[t] as number);
  const us: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const u = new Float64Array(N);
    let alpha = 0;
    for (let r = j; r < N; r++) alpha += work[r * k + j]! ** 2;
    alpha = Math.sqrt(alpha);
    if (work[j * k + j]! > 0) alpha = -alpha;
    for (let r = j; r < N; r++) u[r] = work[r * k + j]!;
    u[j] = u[j]! - alpha;
    let un = 0;
    for (let r = j; r < N; r++) un += u[r]! * u[r]!;
    if (un > 0) {
      for (let c = j; c < k; c++) {
        let dot = 0;
        for (let r = j; r < N; r++) dot += u[r]! * work[r * k + c]!;
        const f = (2 * dot) / un;
        for (let r = j; r < N; r++) work[r * k + c] = work[r * k + c]! - f * u[r]!;
      }
    }
    us.push(un > 0 ? u.map((x) => x / Math.sqrt(un)) : u);
  }
  // Q = H_0 H_1 .. H_{k−1}; its columns k..N−1 span the complement
  const m = N - k;
  const out = new Float64Array(N * m);
  const v = new Float64Array(N);
  for (let c = 0; c < m; c++) {
    v.fill(0);
    v[k + c] = 1;
    for (let j = k - 1; j >= 0; j--) {
      const u = us[j]!;
      let dot = 0;
      for (let r = 0; r < N; r++) dot += u[r]! * v[r]!;
      for (let r = 0; r < N; r++) v[r] = v[r]! - 2 * dot * u[r]!;
    }
    for (let r = 0; r < N; r++) out[r * m + c] = v[r]!;
  }
  return out;
}

/**
 * out[oo + r] = Σ_c M[r*d + c] · v[vo + c] for r < d, summed in ascending c
 * from 0 (the backends' order, so alignments computed with it agree with
 * theirs bit for bit); M null is the identity (a copy). M is row-major d*d;
 * v and out are read and written at the given offsets; nothing is allocated.
 */
export function matVec(M: ArrayLike<number> | null, v: ArrayLike<number>, vo: number, d: number, out: Float64Array, oo = 0): void {
  for (let r = 0; r < d; r++) {
    if (M === null) {
      out[oo + r] = v[vo + r] as number;
      continue;
    }
    let s = 0;
    for (let c = 0; c < d; c++) s += (M[r * d + c] as number) * (v[vo + c] as number);
    out[oo + r] = s;
  }
}
