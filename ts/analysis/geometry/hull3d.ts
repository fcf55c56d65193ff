/**
 * Convex hulls of full-dimensional point sets in R^3: quickhull with exact
 * predicates.
 *
 * Internal module of the hull code (ts/analysis/geometry/hull.ts is the public entry,
 * which merges duplicates and sends flat or collinear sets to the 2D / 1D
 * code before they get here).
 *
 * Why not the npm package `quickhull3d`: it was the first choice and was
 * evaluated here (v3.1.2, MIT). Two findings ruled it out:
 *   - it decides visibility with a floating tolerance (3ε·Σ max|coord|) and
 *     computes face normals from rounded cross products; on the multi-scale
 *     sets the dynamics produce (tight clusters of tokens, spread 1e-9,
 *     around well separated vertices) it returned surfaces that are not
 *     closed (vertices in only two triangles) and missed true vertices;
 *   - its package entry (dist/index.js) does not load under Node's ESM
 *     resolver (extension-less relative imports); only its webpack bundle
 *     does, without type declarations.
 *
 * Algorithm (Barber, Dobkin, Huhdanpaa 1996, as in Lloyd's QuickHull3D),
 * with every geometric decision an exact sign of `orient3d` from
 * `robust-predicates` (Shewchuk's adaptive predicate), so there is no
 * tolerance anywhere:
 *   - initial tetrahedron from four exactly affinely independent points;
 *   - every other point is assigned to one face it is strictly outside of
 *     (points inside or on the surface are dropped for good);
 *   - repeatedly take a face with outside points and its farthest one (by
 *     the magnitude of the orient3d value, a proxy that only affects speed),
 *     find all faces it strictly sees (connected, found by a depth-first
 *     walk that also yields the horizon in order), replace them by a cone
 *     of triangles from the point to the horizon, and reassign the orphaned
 *     outside points to the new faces. (A point above a removed face that is
 *     above no new face lies inside the new hull: the segment from an inner
 *     point of the removed face to it leaves the new hull through a new
 *     face; so reassigning to new faces only is exact.)
 *   - Points exactly on a face's plane never count as outside, so the final
 *     triangulated surface is weakly convex: coplanar neighbouring triangles
 *     are grouped into facets (exact coplanarity), each facet's boundary is
 *     walked into a polygon, corners exactly collinear with their two
 *     neighbours (points on an edge) are dropped, and a point is a vertex iff
 *     it is a corner of at least three facets (every vertex of a 3-polytope
 *     lies in three facets; a point inside an edge lies in two, inside a
 *     facet in one).
 * Expected O(n log n) on random input; the walk is iterative (no recursion
 * limit).
 */
import { orient2d } from '../../vendor/robust-predicates/orient2d.js';
import { orient3d } from '../../vendor/robust-predicates/orient3d.js';

/** A 3D hull in row indices. @internal */
export interface Hull3d {
  /** Vertex rows, ascending. */
  vertices: Int32Array;
  /** Undirected polytope edges as pairs (a, b) with a < b, flattened. */
  edges: Int32Array;
  /** Triangles (a, b, c), counter-clockwise seen from outside, flattened; facets fan-triangulated over their vertices. */
  faces: Int32Array;
}

/** Exact test: rows a, b, c of p (stride 3) lie on one line. */
function collinear3(p: Float64Array, a: number, b: number, c: number): boolean {
  const ax = p[3 * a] as number, ay = p[3 * a + 1] as number, az = p[3 * a + 2] as number;
  const bx = p[3 * b] as number, by = p[3 * b + 1] as number, bz = p[3 * b + 2] as number;
  const cx = p[3 * c] as number, cy = p[3 * c + 1] as number, cz = p[3 * c + 2] as number;
  return orient2d(ax, ay, bx, by, cx, cy) === 0
    && orient2d(ay, az, by, bz, cy, cz) === 0
    && orient2d(az, ax, bz, bx, cz, cx) === 0;
}

/** orient3d of rows a, b, c, d of p (stride 3). With outward faces (a, b, c): < 0 strictly outside, > 0 strictly inside. */
function o3(p: Float64Array, a: number, b: number, c: number, d: number): number {
  return orient3d(
    p[3 * a] as number, p[3 * a + 1] as number, p[3 * a + 2] as number,
    p[3 * b] as number, p[3 * b + 1] as number, p[3 * b + 2] as number,
    p[3 * c] as number, p[3 * c + 1] as number, p[3 * c + 2] as number,
    p[3 * d] as number, p[3 * d + 1] as number, p[3 * d + 2] as number,
  );
}

/** Growable face store: vertices, neighbours (across edge k = V[k]→V[k+1]), twin edge index, liveness, outside lists. */
class Faces {
  cap: number;
  count = 0;
  V: Int32Array;
  N: Int32Array;
  NE: Int8Array;
  alive: Uint8Array;
  head: Int32Array; // first outside point, −1 if none
  far: Int32Array; // farthest outside point, −1 if none
  farVal: Float64Array; // its |orient3d|
  stamp: Int32Array; // visit stamp of the current iteration
  constructor(cap: number) {
    this.cap = cap;
    this.V = new Int32Array(3 * cap);
    this.N = new Int32Array(3 * cap);
    this.NE = new Int8Array(3 * cap);
    this.alive = new Uint8Array(cap);
    this.head = new Int32Array(cap);
    this.far = new Int32Array(cap);
    this.farVal = new Float64Array(cap);
    this.stamp = new Int32Array(cap);
  }
  add(a: number, b: number, c: number): number {
    if (this.count === this.cap) this.grow();
    const f = this.count++;
    this.V[3 * f] = a;
    this.V[3 * f + 1] = b;
    this.V[3 * f + 2] = c;
    this.alive[f] = 1;
    this.head[f] = -1;
    this.far[f] = -1;
    this.farVal[f] = 0;
    this.stamp[f] = 0;
    return f;
  }
  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Int32Array | Int8Array | Uint8Array | Float64Array>(a: T, k: number): T => {
      const b = new (a.constructor as new (len: number) => T)(k * cap);
      b.set(a);
      return b;
    };
    this.V = g(this.V, 3);
    this.N = g(this.N, 3);
    this.NE = g(this.NE, 3);
    this.alive = g(this.alive, 1);
    this.head = g(this.head, 1);
    this.far = g(this.far, 1);
    this.farVal = g(this.farVal, 1);
    this.stamp = g(this.stamp, 1);
    this.cap = cap;
  }
  link(f: number, k: number, g: number, kg: number): void {
    this.N[3 * f + k] = g;
    this.NE[3 * f + k] = kg;
    this.N[3 * g + kg] = f;
    this.NE[3 * g + kg] = k;
  }
}

/**
 * Hull of m distinct rows of p (stride 3).
 *
 * @param p coordinates, row r at p[3r .. 3r+3) (read only)
 * @param m number of rows
 * @returns vertices/edges/faces in row numbers, or null when the rows are
 *   exactly coplanar (or fewer than 4). @internal
 */
export function hull3d(p: Float64Array, m: number): Hull3d | null {
  if (m < 4) return null;
  // ---- initial tetrahedron (exactly affinely independent)
  const i0 = 0;
  let i1 = -1;
  let best = -1;
  for (let r = 1; r < m; r++) {
    const dx = (p[3 * r] as number) - (p[0] as number);
    const dy = (p[3 * r + 1] as number) - (p[1] as number);
    const dz = (p[3 * r + 2] as number) - (p[2] as number);
    const dd = dx * dx + dy * dy + dz * dz;
    if (dd > best) { best = dd; i1 = r; }
  }
  if (i1 < 0) return null;
  let i2 = -1;
  best = -1;
  {
    const ex = (p[3 * i1] as number) - (p[0] as number);
    const ey = (p[3 * i1 + 1] as number) - (p[1] as number);
    const ez = (p[3 * i1 + 2] as number) - (p[2] as number);
    for (let r = 1; r < m; r++) {
      if (r === i1) continue;
      const fx = (p[3 * r] as number) - (p[0] as number);
      const fy = (p[3 * r + 1] as number) - (p[1] as number);
      const fz = (p[3 * r + 2] as number) - (p[2] as number);
      const cx = ey * fz - ez * fy, cy = ez * fx - ex * fz, cz = ex * fy - ey * fx;
      const aa = cx * cx + cy * cy + cz * cz;
      if (aa > best && !collinear3(p, i0, i1, r)) { best = aa; i2 = r; }
    }
  }
  if (i2 < 0) return null;
  let i3 = -1;
  best = -1;
  for (let r = 1; r < m; r++) {
    if (r === i1 || r === i2) continue;
    const v = Math.abs(o3(p, i0, i1, i2, r));
    if (v > best && v !== 0) { best = v; i3 = r; }
  }
  if (i3 < 0) return null;

  const F = new Faces(Math.max(16, 4 * Math.ceil(Math.sqrt(m)) + 64));
  {
    const tet = [i0, i1, i2, i3];
    const tri: Array<[number, number, number, number]> = [
      [0, 1, 2, 3], [0, 3, 1, 2], [1, 3, 2, 0], [0, 2, 3, 1],
    ];
    for (const [a, b, c, d] of tri) {
      let A = tet[a] as number, B = tet[b] as number;
      const C = tet[c] as number, D = tet[d] as number;
      if (o3(p, A, B, C, D) < 0) { const t = A; A = B; B = t; } // make D inside (> 0)
      F.add(A, B, C);
    }
    // adjacency by directed edges
    const edgeOwner = new Map<number, number>();
    for (let f = 0; f < 4; f++) {
      for (let k = 0; k < 3; k++) {
        const a = F.V[3 * f + k] as number, b = F.V[3 * f + ((k + 1) % 3)] as number;
        edgeOwner.set(a * m + b, 3 * f + k);
      }
    }
    for (let f = 0; f < 4; f++) {
      for (let k = 0; k < 3; k++) {
        const a = F.V[3 * f + k] as number, b = F.V[3 * f + ((k + 1) % 3)] as number;
        const tw = edgeOwner.get(b * m + a);
        if (tw === undefined) return null; // cannot happen for a proper tetrahedron
        F.N[3 * f + k] = Math.floor(tw / 3);
        F.NE[3 * f + k] = tw % 3;
      }
    }
  }

  // ---- outside sets: singly linked lists through `next`
  const next = new Int32Array(m).fill(-1);
  const assign = (q: number, f: number, val: number): void => {
    next[q] = F.head[f] as number;
    F.head[f] = q;
    if (val > (F.farVal[f] as number)) {
      F.farVal[f] = val;
      F.far[f] = q;
    }
  };
  const pending: number[] = [];
  for (let r = 0; r < m; r++) {
    if (r === i0 || r === i1 || r === i2 || r === i3) continue;
    for (let f = 0; f < 4; f++) {
      const v = o3(p, F.V[3 * f] as number, F.V[3 * f + 1] as number, F.V[3 * f + 2] as number, r);
      if (v < 0) {
        if (F.head[f] === -1) pending.push(f);
        assign(r, f, -v);
        break;
      }
    }
  }

  // ---- main loop
  let epoch = 0;
  const visible: number[] = [];
  const horizonF: number[] = []; // non-visible face across each horizon edge
  const horizonE: number[] = []; // its edge index
  const horizonA: number[] = []; // horizon edge endpoints, as in the visible face
  const horizonB: number[] = [];
  const stackF: number[] = [];
  const stackE: number[] = []; // next edge offset to examine (0..2)
  const stackStart: number[] = []; // the edge we entered through (−1 for the first face)
  const newFaces: number[] = [];
  while (pending.length > 0) {
    const f0 = pending.pop() as number;
    if (F.alive[f0] !== 1 || F.head[f0] === -1) continue;
    const eye = F.far[f0] as number;
    epoch++;
    // depth-first walk over strictly visible faces; horizon edges in CCW order
    visible.length = 0;
    horizonF.length = 0; horizonE.length = 0; horizonA.length = 0; horizonB.length = 0;
    F.stamp[f0] = epoch;
    visible.push(f0);
    stackF.length = 0; stackE.length = 0; stackStart.length = 0;
    stackF.push(f0); stackE.push(0); stackStart.push(-1);
    while (stackF.length > 0) {
      const top = stackF.length - 1;
      const f = stackF[top] as number;
      const start = stackStart[top] as number;
      const step = stackE[top] as number;
      // edges examined: start+1, start+2, (start+3 only for the first face)
      const limit = start < 0 ? 3 : 2;
      if (step >= limit) {
        stackF.pop(); stackE.pop(); stackStart.pop();
        continue;
      }
      stackE[top] = step + 1;
      const k = start < 0 ? step : (start + 1 + step) % 3;
      const g = F.N[3 * f + k] as number;
      if (F.stamp[g] === epoch) continue; // already visible (visited)
      const v = o3(p, F.V[3 * g] as number, F.V[3 * g + 1] as number, F.V[3 * g + 2] as number, eye);
      if (v < 0) {
        F.stamp[g] = epoch;
        visible.push(g);
        stackF.push(g); stackE.push(0); stackStart.push(F.NE[3 * f + k] as number);
      } else {
        horizonF.push(g);
        horizonE.push(F.NE[3 * f + k] as number);
        horizonA.push(F.V[3 * f + k] as number);
        horizonB.push(F.V[3 * f + ((k + 1) % 3)] as number);
      }
    }
    // cone of new faces over the horizon (a closed chain: each edge starts where the previous ended)
    newFaces.length = 0;
    const H = horizonF.length;
    if (H < 3) return null;
    for (let h = 0; h < H; h++) if (horizonB[h] !== horizonA[(h + 1) % H]) return null;
    for (let h = 0; h < H; h++) {
      const nf = F.add(horizonA[h] as number, horizonB[h] as number, eye);
      F.link(nf, 0, horizonF[h] as number, horizonE[h] as number);
      newFaces.push(nf);
    }
    for (let h = 0; h < H; h++) {
      const nf = newFaces[h] as number;
      const nn = newFaces[(h + 1) % H] as number;
      // edge 1 of nf is b→eye; edge 2 of the next face is eye→b'
      F.link(nf, 1, nn, 2);
    }
    // retire the visible faces and reassign their outside points to the new faces
    for (const f of visible) {
      F.alive[f] = 0;
      let q = F.head[f] as number;
      F.head[f] = -1;
      while (q !== -1) {
        const nq = next[q] as number;
        if (q !== eye) {
          for (const nf of newFaces) {
            const v = o3(p, F.V[3 * nf] as number, F.V[3 * nf + 1] as number, F.V[3 * nf + 2] as number, q);
            if (v < 0) {
              if (F.head[nf] === -1) pending.push(nf);
              assign(q, nf, -v);
              break;
            }
          }
        }
        q = nq;
      }
    }
  }

  // ---- facets: group coplanar neighbouring triangles, walk their boundaries
  const facetOf = new Int32Array(F.count).fill(-1);
  const succ = new Int32Array(m).fill(-1);
  const polyStart: number[] = [];
  const polyVerts: number[] = [];
  const group: number[] = [];
  let nFacets = 0;
  for (let f0 = 0; f0 < F.count; f0++) {
    if (F.alive[f0] !== 1 || facetOf[f0] !== -1) continue;
    const id = nFacets++;
    const a0 = F.V[3 * f0] as number, b0 = F.V[3 * f0 + 1] as number, c0 = F.V[3 * f0 + 2] as number;
    group.length = 0;
    group.push(f0);
    facetOf[f0] = id;
    for (let s = 0; s < group.length; s++) {
      const f = group[s] as number;
      for (let k = 0; k < 3; k++) {
        const g = F.N[3 * f + k] as number;
        if (facetOf[g] !== -1) continue;
        // the vertex of g opposite the shared edge
        const opp = F.V[3 * g + (((F.NE[3 * f + k] as number) + 2) % 3)] as number;
        if (o3(p, a0, b0, c0, opp) === 0) {
          facetOf[g] = id;
          group.push(g);
        }
      }
    }
    // boundary edges of the group: from → to (each boundary vertex has one outgoing edge)
    let nb = 0;
    let startV = -1;
    for (const f of group) {
      for (let k = 0; k < 3; k++) {
        const g = F.N[3 * f + k] as number;
        if (facetOf[g] === id) continue;
        const a = F.V[3 * f + k] as number;
        succ[a] = F.V[3 * f + ((k + 1) % 3)] as number;
        nb++;
        if (startV < 0) startV = a;
      }
    }
    polyStart.push(polyVerts.length);
    let v = startV;
    for (let t = 0; t < nb; t++) {
      polyVerts.push(v);
      const w = succ[v] as number;
      succ[v] = -1;
      if (w < 0) return null; // not a simple boundary: cannot happen with exact predicates
      v = w;
    }
    if (v !== startV) return null;
  }
  polyStart.push(polyVerts.length);

  // ---- vertices: corners (not collinear with their neighbours) of >= 3 facets
  const faceCount = new Int32Array(m);
  const onEdge = new Uint8Array(m);
  for (let f = 0; f < nFacets; f++) {
    const s0 = polyStart[f] as number;
    const L = (polyStart[f + 1] as number) - s0;
    for (let t = 0; t < L; t++) {
      const v = polyVerts[s0 + t] as number;
      faceCount[v] = (faceCount[v] as number) + 1;
      const u = polyVerts[s0 + ((t + L - 1) % L)] as number;
      const w = polyVerts[s0 + ((t + 1) % L)] as number;
      if (collinear3(p, u, v, w)) onEdge[v] = 1;
    }
  }
  const isVertex = new Uint8Array(m);
  let nv = 0;
  for (let r = 0; r < m; r++) {
    if ((faceCount[r] as number) >= 3 && onEdge[r] === 0) {
      isVertex[r] = 1;
      nv++;
    }
  }
  const vertices = new Int32Array(nv);
  for (let r = 0, k = 0; r < m; r++) if (isVertex[r] === 1) vertices[k++] = r;

  const tri: number[] = [];
  const edges: number[] = [];
  const corners: number[] = [];
  for (let f = 0; f < nFacets; f++) {
    corners.length = 0;
    for (let t = polyStart[f] as number; t < (polyStart[f + 1] as number); t++) {
      const v = polyVerts[t] as number;
      if (isVertex[v] === 1) corners.push(v);
    }
    const L = corners.length;
    if (L < 3) continue;
    for (let t = 0; t < L; t++) {
      const a = corners[t] as number;
      const b = corners[(t + 1) % L] as number;
      // each polytope edge bounds two facets, traversed in opposite directions: emit it once
      if (a < b) edges.push(a, b);
    }
    const a0 = corners[0] as number;
    for (let t = 1; t + 1 < L; t++) tri.push(a0, corners[t] as number, corners[t + 1] as number);
  }
  return { vertices, edges: Int32Array.from(edges), faces: Int32Array.from(tri) };
}
