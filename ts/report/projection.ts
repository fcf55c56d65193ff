/**
 * Planar views of states for figures. d = 2 is drawn as is; d = 1 on the
 * horizontal axis; d > 2 through a 2D PCA projection: the top two
 * principal axes of all given snapshots pooled (centred at their mean),
 * found by power iteration with deflation from a fixed start, so the same
 * data always gives the same picture. The projection is orthonormal:
 * lengths along the plane are kept and balls project to discs of the same
 * radius; the hull of the projected points is the projection of the hull.
 */
import { matVec } from '../analysis/geometry/linalg.js';

/** A map from R^d to the plane for drawing. */
export interface Projection2d {
  kind: 'identity' | 'line' | 'pca';
  d: number;
  /** Centre subtracted before projecting (PCA), else zeros. */
  mean: Float64Array;
  /** Two orthonormal axes, 2*d row-major (identity: e1, e2). */
  axes: Float64Array;
  /** Fraction of the variance on each axis (PCA), else [1, 1]. */
  explained: [number, number];
  /** A note for the figure ("2D PCA projection …"), or null when drawn as is. */
  note: string | null;
  /** Axis labels. */
  xLabel: string;
  yLabel: string;
}

/** Project n tokens (n*d row-major) to 2n numbers (x0, y0, x1, y1, …), or to separate xs, ys. */
export function project(p: Projection2d, x: ArrayLike<number>, n: number, offset = 0): { xs: Float64Array; ys: Float64Array } {
  const { d, mean, axes } = p;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let a = 0;
    let b = 0;
    for (let c = 0; c < d; c++) {
      const v = (x[offset + i * d + c] as number) - (mean[c] as number);
      a += (axes[c] as number) * v;
      b += (axes[d + c] as number) * v;
    }
    xs[i] = a;
    ys[i] = b;
  }
  return { xs, ys };
}

/** Project one point (d numbers) to the plane. */
export function projectPoint(p: Projection2d, v: ArrayLike<number>, offset = 0): [number, number] {
  const r = project(p, v, 1, offset);
  return [r.xs[0] as number, r.ys[0] as number];
}

/**
 * The projection for `count` snapshots of n tokens in R^d stored in `data`
 * (snapshot-major, then row-major). At most `maxPoints` tokens (evenly
 * strided) enter the covariance.
 */
export function projection2d(data: ArrayLike<number>, count: number, n: number, d: number, maxPoints = 200_000): Projection2d {
  if (d === 2) {
    return { kind: 'identity', d, mean: new Float64Array(2), axes: Float64Array.of(1, 0, 0, 1), explained: [1, 1], note: null, xLabel: 'x₁', yLabel: 'x₂' };
  }
  if (d === 1) {
    return { kind: 'line', d, mean: new Float64Array(1), axes: Float64Array.of(1, 0), explained: [1, 0], note: 'd = 1: tokens drawn on the horizontal axis', xLabel: 'x', yLabel: '' };
  }
  const total = count * n;
  const stride = Math.max(1, Math.ceil(total / maxPoints));
  const mean = new Float64Array(d);
  let m = 0;
  for (let k = 0; k < total; k += stride) {
    for (let c = 0; c < d; c++) mean[c] = (mean[c] as number) + (data[k * d + c] as number);
    m++;
  }
  for (let c = 0; c < d; c++) mean[c] = (mean[c] as number) / m;
  const C = new Float64Array(d * d);
  const v = new Float64Array(d);
  for (let k = 0; k < total; k += stride) {
    for (let c = 0; c < d; c++) v[c] = (data[k * d + c] as number) - (mean[c] as number);
    for (let r = 0; r < d; r++) {
      const vr = v[r] as number;
      if (vr === 0) continue;
      for (let c = r; c < d; c++) C[r * d + c] = (C[r * d + c] as number) + vr * (v[c] as number);
    }
  }
  for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) C[r * d + c] = C[c * d + r] as number;
  let trace = 0;
  for (let c = 0; c < d; c++) trace += C[c * d + c] as number;
  const axes = new Float64Array(2 * d);
  const lambdas: number[] = [];
  for (let a = 0; a < 2; a++) {
    const u = powerIteration(C, d, a === 0 ? null : axes.subarray(0, d));
    axes.set(u, a * d);
    // λ = uᵀ C u
    let lam = 0;
    for (let r = 0; r < d; r++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += (C[r * d + c] as number) * (u[c] as number);
      lam += (u[r] as number) * s;
    }
    lambdas.push(lam);
  }
  const e1 = trace > 0 ? (lambdas[0] as number) / trace : 0;
  const e2 = trace > 0 ? (lambdas[1] as number) / trace : 0;
  const pct = (f: number): string => `${(100 * f).toFixed(f > 0.999 ? 1 : 0)}%`;
  return {
    kind: 'pca',
    d,
    mean,
    axes,
    explained: [e1, e2],
    note: `2D PCA projection of d = ${d}: PC1 ${pct(e1)}, PC2 ${pct(e2)}`,
    xLabel: 'PC1',
    yLabel: 'PC2',
  };
}

/** The top eigenvector of a symmetric PSD matrix, orthogonal to `against` if given. Sign: largest |component| positive. */
function powerIteration(C: Float64Array, d: number, against: Float64Array | null): Float64Array {
  let u = new Float64Array(d);
  for (let c = 0; c < d; c++) u[c] = 1 + 0.37 * Math.sin(1.7 * c + 0.3); // fixed, generic start
  const orth = (w: Float64Array): void => {
    if (against === null) return;
    let s = 0;
    for (let c = 0; c < d; c++) s += (w[c] as number) * (against[c] as number);
    for (let c = 0; c < d; c++) w[c] = (w[c] as number) - s * (against[c] as number);
  };
  const normalize = (w: Float64Array): number => {
    let s = 0;
    for (let c = 0; c < d; c++) s += (w[c] as number) ** 2;
    const r = Math.sqrt(s);
    if (r > 0) for (let c = 0; c < d; c++) w[c] = (w[c] as number) / r;
    return r;
  };
  orth(u);
  if (normalize(u) === 0) {
    u.fill(0);
    u[against !== null && Math.abs(against[0] as number) > 0.9 ? 1 : 0] = 1;
    orth(u);
    normalize(u);
  }
  const w = new Float64Array(d);
  for (let it = 0; it < 1000; it++) {
    matVec(C, u, 0, d, w);
    orth(w);
    if (normalize(w) === 0) break; // no variance left: keep u
    let diff = 0;
    for (let c = 0; c < d; c++) diff = Math.max(diff, Math.abs((w[c] as number) - (u[c] as number)));
    const t = u;
    u = Float64Array.from(w);
    w.set(t);
    if (diff < 1e-12) break;
  }
  let big = 0;
  for (let c = 1; c < d; c++) if (Math.abs(u[c] as number) > Math.abs(u[big] as number)) big = c;
  if ((u[big] as number) < 0) for (let c = 0; c < d; c++) u[c] = -(u[c] as number);
  return u;
}
