/**
 * Projection of an n×d state to the plane and the canvas drawing of the
 * playground: tokens coloured by cluster, hull, leaders, quiescent balls,
 * a token's strip and trails. Analysis comes from the package's public
 * exports (hullPolygon, stripLines2d, strip, symmetricEigen).
 */
import { hullPolygon, strip, stripLines2d, symmetricEigen } from 'attention-dynamics';

/** A linear map R^d → R^2: rows u, v (each length d). */
export interface Projection {
  u: Float64Array;
  v: Float64Array;
  /** What the axes are, for the label under the canvas. */
  label: string;
  /** True when the projection is the identity of d = 2 (exact geometry). */
  exact: boolean;
}

/** The identity (d = 2), the first coordinate (d = 1), a rotation (d = 3, yaw/pitch in radians) or PCA (d > 3). */
export function makeProjection(d: number, x: Float64Array | null, n: number, yaw: number, pitch: number): Projection {
  const u = new Float64Array(d);
  const v = new Float64Array(d);
  if (d === 1) {
    u[0] = 1;
    return { u, v, label: 'd = 1: horizontal axis x₁', exact: true };
  }
  if (d === 2) {
    u[0] = 1;
    v[1] = 1;
    return { u, v, label: 'd = 2: (x₁, x₂)', exact: true };
  }
  if (d === 3) {
    // rotate about x₃ by yaw, then tilt by pitch; screen axes are the first two rotated axes
    const cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch);
    u.set([cy, sy, 0]);
    v.set([-sy * cp, cy * cp, sp]);
    return { u, v, label: `d = 3: orthographic view, yaw ${Math.round((yaw * 180) / Math.PI)}°, pitch ${Math.round((pitch * 180) / Math.PI)}° (drag to rotate)`, exact: false };
  }
  // PCA of the current state (top two eigenvectors of the covariance), signs fixed so the view does not flip
  const mean = new Float64Array(d);
  const cov = new Float64Array(d * d);
  if (x !== null && n > 0) {
    for (let i = 0; i < n; i++) for (let r = 0; r < d; r++) mean[r]! += x[i * d + r]! / n;
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < d; r++) {
        const a = x[i * d + r]! - mean[r]!;
        for (let c = r; c < d; c++) cov[r * d + c]! += (a * (x[i * d + c]! - mean[c]!)) / n;
      }
    }
    for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) cov[r * d + c] = cov[c * d + r]!;
  }
  const eig = symmetricEigen(cov, d);
  let total = 0;
  for (const l of eig.values) total += Math.max(0, l);
  for (const [k, out] of [[0, u], [1, v]] as const) {
    let big = 0;
    for (let c = 0; c < d; c++) if (Math.abs(eig.vectors[k * d + c]!) > Math.abs(eig.vectors[k * d + big]!)) big = c;
    const s = eig.vectors[k * d + big]! < 0 ? -1 : 1;
    for (let c = 0; c < d; c++) out[c] = s * eig.vectors[k * d + c]!;
  }
  const pct = (k: number) => (total > 0 ? `${Math.round((100 * Math.max(0, eig.values[k]!)) / total)} %` : '–');
  return { u, v, label: `d = ${d}: PCA of the current state, PC1 (${pct(0)} of variance) × PC2 (${pct(1)})`, exact: false };
}

/** Projected coordinates: 2n numbers (x₀, y₀, x₁, y₁, …). */
export function projectAll(p: Projection, x: ArrayLike<number>, n: number, d: number): Float64Array {
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    let a = 0, b = 0;
    for (let c = 0; c < d; c++) {
      const z = x[i * d + c]!;
      a += p.u[c]! * z;
      b += p.v[c]! * z;
    }
    out[2 * i] = a;
    out[2 * i + 1] = b;
  }
  return out;
}

/** The square plane box [cx ± half] × [cy ± half] shown on the canvas. */
export interface ViewBox {
  cx: number;
  cy: number;
  half: number;
}

/** A box holding every projected point with a 6 % margin. */
export function fitBox(xy: Float64Array): ViewBox {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    x0 = Math.min(x0, xy[i]!);
    x1 = Math.max(x1, xy[i]!);
    y0 = Math.min(y0, xy[i + 1]!);
    y1 = Math.max(y1, xy[i + 1]!);
  }
  if (!Number.isFinite(x0)) return { cx: 0, cy: 0, half: 1 };
  const half = Math.max(x1 - x0, y1 - y0, 1e-9) * 0.56;
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, half };
}

/** The golden-angle colour of cluster k (distinct for neighbouring labels). */
export function clusterColor(k: number): string {
  const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#17becf'];
  if (k < PALETTE.length) return PALETTE[k]!;
  return `hsl(${(k * 137.508) % 360}, 62%, 48%)`;
}

export interface DrawInput {
  x: Float64Array;
  n: number;
  d: number;
  labels: Int32Array;
  hull: Int32Array;
  leaders: Int32Array;
  proj: Projection;
  box: ViewBox;
  showHull: boolean;
  showLeaders: boolean;
  /** Radius ε of the quiescent balls around the hull vertices (null: not drawn). */
  ballRadius: number | null;
  /** Earlier states, oldest first (each n*d), drawn as trails; empty for none. */
  trails: Float64Array[];
  /** Token whose strip is drawn (null: none), with δ(t) and A of the current step. */
  stripToken: number | null;
  stripDelta: number;
  A: Float64Array | null;
  /** Draw the unit circle (sphere models). */
  unitCircle: boolean;
}

/** Draws one state on the canvas; returns the projected coordinates (for picking). */
export function drawState(ctx: CanvasRenderingContext2D, w: number, h: number, s: DrawInput): Float64Array {
  const scale = Math.min(w, h) / (2 * s.box.half);
  const X = (a: number) => w / 2 + (a - s.box.cx) * scale;
  const Y = (b: number) => h / 2 - (b - s.box.cy) * scale;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const xy = projectAll(s.proj, s.x, s.n, s.d);

  // axes through the origin
  ctx.strokeStyle = '#eee';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(X(0), 0);
  ctx.lineTo(X(0), h);
  ctx.moveTo(0, Y(0));
  ctx.lineTo(w, Y(0));
  ctx.stroke();
  if (s.unitCircle) {
    // the sphere models live on |x| = 1 (exact in d = 2, the outline of the ball's shadow in a projection)
    ctx.strokeStyle = '#ddd';
    ctx.beginPath();
    ctx.arc(X(0), Y(0), scale, 0, 2 * Math.PI);
    ctx.stroke();
  }

  if (s.trails.length > 0) {
    const pts = s.trails.map((t) => projectAll(s.proj, t, s.n, s.d));
    ctx.strokeStyle = 'rgba(90, 90, 90, 0.25)';
    ctx.beginPath();
    for (let i = 0; i < s.n; i++) {
      ctx.moveTo(X(pts[0]![2 * i]!), Y(pts[0]![2 * i + 1]!));
      for (let k = 1; k < pts.length; k++) ctx.lineTo(X(pts[k]![2 * i]!), Y(pts[k]![2 * i + 1]!));
      ctx.lineTo(X(xy[2 * i]!), Y(xy[2 * i + 1]!));
    }
    ctx.stroke();
  }

  if (s.showHull && s.n >= 2) {
    // the exact hull in 2D; in projection, the hull of the projected points (dashed)
    const poly = hullPolygon(xy, s.n);
    ctx.strokeStyle = '#555';
    ctx.fillStyle = 'rgba(78, 121, 167, 0.06)';
    ctx.setLineDash(s.proj.exact ? [] : [5, 4]);
    ctx.beginPath();
    poly.forEach((i, k) => (k === 0 ? ctx.moveTo(X(xy[2 * i]!), Y(xy[2 * i + 1]!)) : ctx.lineTo(X(xy[2 * i]!), Y(xy[2 * i + 1]!))));
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
    ctx.setLineDash([]);
  }

  if (s.ballRadius !== null && s.ballRadius > 0) {
    ctx.strokeStyle = 'rgba(89, 161, 79, 0.9)';
    ctx.fillStyle = 'rgba(89, 161, 79, 0.12)';
    for (const i of s.hull) {
      let nrm = 0;
      for (let c = 0; c < s.d; c++) nrm += s.x[i * s.d + c]! ** 2;
      if (nrm === 0) continue; // balls around vertices v ≠ 0 only
      ctx.beginPath();
      ctx.arc(X(xy[2 * i]!), Y(xy[2 * i + 1]!), s.ballRadius * scale, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }

  let members: Int32Array | null = null;
  if (s.stripToken !== null && s.stripToken < s.n) {
    const opts = { delta: s.stripDelta, ...(s.A ? { A: s.A } : {}) };
    if (s.d === 2) {
      const lines = stripLines2d(s.x, s.n, 2, s.stripToken, opts);
      members = lines.strip.members;
      ctx.strokeStyle = '#b07aa1';
      ctx.lineWidth = 1.5;
      for (const line of [lines.upper, lines.lower]) {
        if (line === null) continue;
        const L = 4 * s.box.half;
        ctx.beginPath();
        ctx.moveTo(X(line.point[0]! - L * line.direction[0]!), Y(line.point[1]! - L * line.direction[1]!));
        ctx.lineTo(X(line.point[0]! + L * line.direction[0]!), Y(line.point[1]! + L * line.direction[1]!));
        ctx.stroke();
      }
      ctx.lineWidth = 1;
    } else {
      members = strip(s.x, s.n, s.d, s.stripToken, opts).members;
    }
  }

  const r = s.n > 3000 ? 1.4 : s.n > 500 ? 2.2 : s.n > 50 ? 3.2 : 5;
  for (let i = 0; i < s.n; i++) {
    ctx.fillStyle = clusterColor(s.labels[i]!);
    ctx.beginPath();
    ctx.arc(X(xy[2 * i]!), Y(xy[2 * i + 1]!), r, 0, 2 * Math.PI);
    ctx.fill();
  }

  if (members !== null) {
    ctx.strokeStyle = '#b07aa1';
    ctx.lineWidth = 1.5;
    for (const j of members) {
      ctx.beginPath();
      ctx.arc(X(xy[2 * j]!), Y(xy[2 * j + 1]!), r + 3, 0, 2 * Math.PI);
      ctx.stroke();
    }
    const i = s.stripToken!;
    ctx.fillStyle = '#000';
    ctx.beginPath();
    ctx.arc(X(xy[2 * i]!), Y(xy[2 * i + 1]!), r + 1.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.lineWidth = 1;
  }

  if (s.showLeaders) {
    ctx.strokeStyle = '#000';
    ctx.fillStyle = '#ffd400';
    const q = r + 3.5;
    for (const i of s.leaders) {
      const cx = X(xy[2 * i]!), cy = Y(xy[2 * i + 1]!);
      ctx.beginPath();
      ctx.moveTo(cx, cy - q);
      ctx.lineTo(cx + q, cy);
      ctx.lineTo(cx, cy + q);
      ctx.lineTo(cx - q, cy);
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
    }
  }
  if (!s.proj.exact && s.showHull) {
    // d-dimensional hull vertices as rings
    ctx.strokeStyle = '#333';
    for (const i of s.hull) {
      ctx.beginPath();
      ctx.arc(X(xy[2 * i]!), Y(xy[2 * i + 1]!), r + 2, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  return xy;
}

/** The token nearest to canvas pixel (px, py) within 12 px, or null. */
export function pick(xy: Float64Array, box: ViewBox, w: number, h: number, px: number, py: number): number | null {
  const scale = Math.min(w, h) / (2 * box.half);
  let best = -1, bestD = 144;
  for (let i = 0; i < xy.length / 2; i++) {
    const dx = w / 2 + (xy[2 * i]! - box.cx) * scale - px;
    const dy = h / 2 - (xy[2 * i + 1]! - box.cy) * scale - py;
    const dd = dx * dx + dy * dy;
    if (dd < bestD) [best, bestD] = [i, dd];
  }
  return best < 0 ? null : best;
}
