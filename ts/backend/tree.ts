/**
 * The tree engine's kd-tree in TypeScript: the same tree, build and
 * summation order as crates/kernel/src/tree.rs (`Tree::build(.., true)`,
 * `max`, `range_sum`), so the js backend's tree engine agrees with the wasm
 * backend's bit for bit in f64. Read the Rust file for the reasoning; this
 * one mirrors it line by line.
 *
 * Layout: an implicit complete binary tree of depth `depth` (node k has
 * children 2k+1, 2k+2; the leaves, at most LEAF tokens each, are the nodes
 * at that depth). Node k covers tree positions range[2k] .. range[2k+1];
 * `perm` maps tree positions to token indices; `pts` holds the coordinates
 * in tree order (row-major, d per token); node k's box is
 * bbox[2dk .. 2dk+d) (lower corner) and bbox[2dk+d .. 2dk+2d) (upper);
 * its coordinate sums are sums[dk .. dk+d). All buffers are owned by the
 * tree, allocated once for n tokens in R^d and reused by every build.
 */

/** Tokens per leaf at most (tree.rs LEAF). */
const LEAF = 16;
const EPS = Number.EPSILON;

export class KdTree {
  readonly depth: number;
  readonly #perm: Uint32Array;
  readonly #pts: Float64Array;
  readonly #range: Uint32Array;
  readonly #bbox: Float64Array;
  readonly #sums: Float64Array;
  readonly #stack: Uint32Array;
  /** Scratch of #bounds: the lower and upper bound of the last node. */
  readonly #lohi = new Float64Array(2);

  /** Buffers for a tree over n >= 1 tokens in R^d (d <= 3 in use). */
  constructor(
    readonly n: number,
    readonly d: number,
  ) {
    let depth = 0;
    while (Math.floor((n + 2 ** depth - 1) / 2 ** depth) > LEAF) depth++;
    this.depth = depth;
    const nodes = 2 ** (depth + 1) - 1;
    this.#perm = new Uint32Array(n);
    this.#pts = new Float64Array(n * d);
    this.#range = new Uint32Array(2 * nodes);
    this.#bbox = new Float64Array(nodes * 2 * d);
    this.#sums = new Float64Array(nodes * d);
    this.#stack = new Uint32Array(2 * depth + 4);
  }

  /** Build over the row-major n*d snapshot x (entries finite); x is only read. */
  build(x: Float64Array): void {
    const { n, d } = this;
    const perm = this.#perm;
    const range = this.#range;
    for (let k = 0; k < n; k++) perm[k] = k;
    const firstLeaf = 2 ** this.depth - 1;
    const nodes = 2 * firstLeaf + 1;
    range[0] = 0;
    range[1] = n;
    for (let node = 0; node < firstLeaf; node++) {
      const lo = range[2 * node] as number;
      const hi = range[2 * node + 1] as number;
      const mid = lo + Math.floor((hi - lo) / 2);
      if (hi - lo > 1) {
        // Split at the median of the widest coordinate, by (coordinate, index).
        let dim = 0;
        let widest = 0;
        for (let c = 0; c < d; c++) {
          let a = x[(perm[lo] as number) * d + c] as number;
          let b = a;
          for (let k = lo; k < hi; k++) {
            const v = x[(perm[k] as number) * d + c] as number;
            if (v < a) a = v;
            if (v > b) b = v;
          }
          if (b - a > widest || c === 0) {
            widest = b - a;
            dim = c;
          }
        }
        select(perm, x, d, dim, lo, hi - 1, mid);
      }
      range[2 * (2 * node + 1)] = lo;
      range[2 * (2 * node + 1) + 1] = mid;
      range[2 * (2 * node + 2)] = mid;
      range[2 * (2 * node + 2) + 1] = hi;
    }
    for (let leaf = firstLeaf; leaf < nodes; leaf++) {
      perm.subarray(range[2 * leaf] as number, range[2 * leaf + 1] as number).sort();
    }
    const pts = this.#pts;
    for (let k = 0; k < n; k++) {
      const j = perm[k] as number;
      for (let c = 0; c < d; c++) pts[k * d + c] = x[j * d + c] as number;
    }
    const bbox = this.#bbox;
    for (let node = nodes - 1; node >= 0; node--) {
      const b = 2 * d * node;
      if (node >= firstLeaf) {
        const lo = range[2 * node] as number;
        const hi = range[2 * node + 1] as number;
        for (let c = 0; c < d; c++) {
          let a = 0;
          let z = 0;
          for (let k = lo; k < hi; k++) {
            const v = pts[k * d + c] as number;
            if (k === lo || v < a) a = v;
            if (k === lo || v > z) z = v;
          }
          bbox[b + c] = a;
          bbox[b + d + c] = z;
        }
      } else {
        const l = 2 * d * (2 * node + 1);
        const r = 2 * d * (2 * node + 2);
        for (let c = 0; c < d; c++) {
          let a = bbox[l + c] as number;
          let z = bbox[r + c] as number;
          bbox[b + c] = z < a ? z : a;
          a = bbox[l + d + c] as number;
          z = bbox[r + d + c] as number;
          bbox[b + d + c] = z > a ? z : a;
        }
      }
    }
    const sums = this.#sums;
    for (let node = nodes - 1; node >= 0; node--) {
      const b = d * node;
      if (node >= firstLeaf) {
        const lo = range[2 * node] as number;
        const hi = range[2 * node + 1] as number;
        for (let c = 0; c < d; c++) {
          let s = 0;
          for (let k = lo; k < hi; k++) s = s + (pts[k * d + c] as number);
          sums[b + c] = s;
        }
      } else {
        const l = d * (2 * node + 1);
        const r = d * (2 * node + 2);
        for (let c = 0; c < d; c++) sums[b + c] = (sums[l + c] as number) + (sums[r + c] as number);
      }
    }
  }

  /**
   * Lower and upper bounds of <q, x> over the node's box, each widened by the
   * rounding slack (tree.rs `bound` / `bounds_k`: the same operations), into
   * #lohi[0] and #lohi[1]; returns the upper bound.
   */
  #bounds(q: Float64Array, node: number): number {
    const d = this.d;
    const bbox = this.#bbox;
    const b = 2 * d * node;
    let l = 0;
    let u = 0;
    let s = 0;
    for (let c = 0; c < d; c++) {
      const lo = (q[c] as number) * (bbox[b + c] as number);
      const hi = (q[c] as number) * (bbox[b + d + c] as number);
      u = u + (hi > lo ? hi : lo);
      l = l + (hi < lo ? hi : lo);
      const al = Math.abs(lo);
      const ah = Math.abs(hi);
      s = s + (ah > al ? ah : al);
    }
    const slack = s * ((2 * d + 4) * EPS);
    this.#lohi[0] = l - slack - 1e-300;
    this.#lohi[1] = u + slack + 1e-300;
    return this.#lohi[1] as number;
  }

  /** True when the node's box is a point (all its tokens equal). */
  #isPoint(node: number): boolean {
    const d = this.d;
    const b = 2 * d * node;
    for (let c = 0; c < d; c++) if (this.#bbox[b + c] !== this.#bbox[b + d + c]) return false;
    return true;
  }

  /** <q, token at tree position k>, summed in ascending c (the dense rule's value). */
  #dot(q: Float64Array, k: number): number {
    const d = this.d;
    const pts = this.#pts;
    let s = (q[0] as number) * (pts[k * d] as number);
    for (let c = 1; c < d; c++) s = s + (q[c] as number) * (pts[k * d + c] as number);
    return s;
  }

  /** max_j <q, x_j> by branch and bound: exactly the dense rule's maximum. */
  max(q: Float64Array): number {
    const firstLeaf = 2 ** this.depth - 1;
    const range = this.#range;
    const stack = this.#stack;
    let m = -Infinity;
    let top = 1;
    stack[0] = 0;
    while (top > 0) {
      top--;
      const node = stack[top] as number;
      if (this.#bounds(q, node) < m) continue;
      if (this.#isPoint(node)) {
        const a = this.#dot(q, range[2 * node] as number);
        if (a > m) m = a;
      } else if (node >= firstLeaf) {
        for (let k = range[2 * node] as number; k < (range[2 * node + 1] as number); k++) {
          const a = this.#dot(q, k);
          if (a > m) m = a;
        }
      } else {
        const l = 2 * node + 1;
        const r = 2 * node + 2;
        const leftFirst = this.#bounds(q, l) >= this.#bounds(q, r);
        stack[top] = leftFirst ? r : l;
        stack[top + 1] = leftFirst ? l : r;
        top += 2;
      }
    }
    return m;
  }

  /**
   * y[0..d) = the sum of x_j over {j : <q, x_j> >= thr}, node by node in
   * depth-first order (left first; a leaf's tokens ascending j); returns the
   * count. Exact membership, as tree.rs `range_sum`.
   */
  rangeSum(q: Float64Array, thr: number, y: Float64Array): number {
    const d = this.d;
    const firstLeaf = 2 ** this.depth - 1;
    const range = this.#range;
    const stack = this.#stack;
    const pts = this.#pts;
    const sums = this.#sums;
    for (let c = 0; c < d; c++) y[c] = 0;
    let count = 0;
    let top = 1;
    stack[0] = 0;
    while (top > 0) {
      top--;
      const node = stack[top] as number;
      const lo = range[2 * node] as number;
      const hi = range[2 * node + 1] as number;
      if (lo === hi) continue;
      let whole: boolean;
      if (this.#isPoint(node)) {
        if (this.#dot(q, lo) >= thr) whole = true;
        else continue;
      } else {
        if (this.#bounds(q, node) < thr) continue;
        whole = (this.#lohi[0] as number) >= thr;
      }
      if (whole) {
        const b = d * node;
        for (let c = 0; c < d; c++) y[c] = (y[c] as number) + (sums[b + c] as number);
        count += hi - lo;
      } else if (node >= firstLeaf) {
        for (let k = lo; k < hi; k++) {
          if (this.#dot(q, k) >= thr) {
            for (let c = 0; c < d; c++) y[c] = (y[c] as number) + (pts[k * d + c] as number);
            count++;
          }
        }
      } else {
        stack[top] = 2 * node + 2;
        stack[top + 1] = 2 * node + 1;
        top += 2;
      }
    }
    return count;
  }
}

/** (coordinate dim, index) order of tokens p and q: negative, 0 or positive. */
function cmp(x: Float64Array, d: number, dim: number, p: number, q: number): number {
  const u = x[p * d + dim] as number;
  const v = x[q * d + dim] as number;
  return u < v ? -1 : u > v ? 1 : p - q;
}

/**
 * Rearrange perm[left..right] so that perm[k] is the token of rank k in the
 * (coordinate, index) order, smaller ones before it and larger after
 * (Floyd–Rivest selection, as in kdbush). The order is total, so the two
 * halves are the same sets the kernel's selection gives.
 */
function select(perm: Uint32Array, x: Float64Array, d: number, dim: number, left: number, right: number, k: number): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      select(perm, x, d, dim, newLeft, newRight, k);
    }
    const t = perm[k] as number;
    let i = left;
    let j = right;
    swap(perm, left, k);
    if (cmp(x, d, dim, perm[right] as number, t) > 0) swap(perm, left, right);
    while (i < j) {
      swap(perm, i, j);
      i++;
      j--;
      while (cmp(x, d, dim, perm[i] as number, t) < 0) i++;
      while (cmp(x, d, dim, perm[j] as number, t) > 0) j--;
    }
    if (cmp(x, d, dim, perm[left] as number, t) === 0) swap(perm, left, j);
    else {
      j++;
      swap(perm, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(a: Uint32Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}
