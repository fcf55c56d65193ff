//! Spatial trees over a snapshot of the tokens: the sparse paths of the
//! threshold rules (hardmax, localmax, Frank–Wolfe) in low dimension, used by
//! the attention pass (attend.rs) in place of the dense alignment tiles.
//!
//! Two queries share one kd-tree:
//! - the dense engine's sparse path enumerates the members of a row
//!   (`mark` + `gather`) and sums them in ascending j: bit-identical to the
//!   dense tiles;
//! - the tree engine sums them by a half-space range-sum query (`range_sum`):
//!   a node whose every computed alignment is provably >= the threshold is
//!   taken whole by its precomputed coordinate sum and count, a node provably
//!   below it is skipped, and only nodes the boundary crosses are opened. The
//!   membership is exactly the dense rule's; only the summation order differs
//!   (depth-first, left child first; within a leaf ascending j; a node's sum
//!   is left sum + right sum). ts/backend/tree.ts implements the same tree,
//!   build and order, so the wasm and js backends agree bit for bit in f64.
//!
//! The build is deterministic (a total order: coordinate, then token index;
//! each leaf's tokens ascending), so the tree depends only on the snapshot.

use crate::alloc::try_zeroed;
use crate::simd::Real;

/// Points per leaf at most.
const LEAF: usize = 16;

/// A kd-tree over the snapshot, rebuilt by each threshold pass: the sparse
/// path of hardmax/localmax in low dimension. For row i it finds
/// m_i = max_j a_ij by branch and bound and the members {j : a_ij >= thr} by
/// a range query, computing a_ij exactly as the dense tiles do (the same
/// products summed in ascending c) only for tokens in boxes that the bounds
/// cannot exclude. Bounds over a box are widened by a rounding slack, so
/// the maximum, the members and (members being summed in ascending j from a
/// bitmap) the means are bit-identical to the dense path.
pub struct Tree<T: Real> {
    /// Leaves are the nodes at this depth (implicit complete binary tree, node k has children 2k+1, 2k+2).
    depth: usize,
    /// Tree order -> token index.
    perm: Vec<u32>,
    /// Coordinates in tree order: point k at pts[k*d ..].
    pts: Vec<T>,
    /// Node k covers tree positions range[2k] .. range[2k+1].
    range: Vec<u32>,
    /// Node k's box: lower corner at bbox[2dk ..], upper corner at bbox[2dk + d ..].
    bbox: Vec<T>,
    /// Node k's coordinate sums at sums[dk ..] (leaf: its tokens in tree
    /// order; inner node: left + right). Filled by `build` only when asked.
    sums: Vec<T>,
    stack: Vec<u32>,
    /// One bit per token; all zero between rows.
    bits: Vec<u64>,
    /// Blocks left for the attention pass to run dense before it tries this
    /// tree again (attend.rs sets and counts it; `build` leaves it alone).
    pub dense_left: usize,
}

impl<T: Real> Tree<T> {
    /// Buffers for a tree over n tokens in R^d (depth: leaves of at most LEAF
    /// points); None if a size overflows or memory runs out. Sizes mirrored by
    /// kernelBytes in ts/backend/wasm.ts.
    pub fn new(n: usize, d: usize) -> Option<Self> {
        let mut depth = 0;
        while (n + (1 << depth) - 1) >> depth > LEAF {
            depth += 1;
        }
        // n < 2^32 and leaves of > LEAF / 2 tokens keep depth < 30: the
        // queries' fixed stacks of 64 entries (depth + 2 at most) suffice.
        if depth > 60 {
            return None;
        }
        let nodes = (1usize << (depth + 1)) - 1;
        Some(Tree {
            depth,
            perm: try_zeroed(n)?,
            pts: try_zeroed(n.checked_mul(d)?)?,
            range: try_zeroed(2 * nodes)?,
            bbox: try_zeroed(nodes.checked_mul(2 * d)?)?,
            sums: try_zeroed(nodes.checked_mul(d)?)?,
            stack: try_zeroed(2 * depth + 4)?,
            bits: try_zeroed((n + 63) / 64)?,
            dense_left: 0,
        })
    }

    /// Bytes held by the tree's buffers.
    pub fn bytes(&self) -> usize {
        (self.perm.len() + self.range.len() + self.stack.len()) * 4
            + (self.pts.len() + self.bbox.len() + self.sums.len()) * core::mem::size_of::<T>()
            + self.bits.len() * 8
    }

    /// Build over the row-major snapshot xr (rows padded to dp); entries
    /// finite. `with_sums`: also the node sums `range_sum` reads.
    pub fn build(&mut self, xr: &[T], n: usize, d: usize, dp: usize, with_sums: bool) {
        for (k, p) in self.perm.iter_mut().enumerate() {
            *p = k as u32;
        }
        let first_leaf = (1usize << self.depth) - 1;
        let nodes = 2 * first_leaf + 1;
        self.range[0] = 0;
        self.range[1] = n as u32;
        for node in 0..first_leaf {
            let (lo, hi) = (self.range[2 * node] as usize, self.range[2 * node + 1] as usize);
            let mid = lo + (hi - lo) / 2;
            if hi - lo > 1 {
                // Split at the median of the widest coordinate.
                let mut dim = 0;
                let mut widest = T::ZERO;
                for c in 0..d {
                    let (mut a, mut b) = (xr[self.perm[lo] as usize * dp + c], xr[self.perm[lo] as usize * dp + c]);
                    for &j in &self.perm[lo..hi] {
                        let v = xr[j as usize * dp + c];
                        if v < a {
                            a = v;
                        }
                        if v > b {
                            b = v;
                        }
                    }
                    if b - a > widest || c == 0 {
                        widest = b - a;
                        dim = c;
                    }
                }
                // A total order (coordinate, then index): the halves depend
                // only on the snapshot, not on the selection algorithm.
                self.perm[lo..hi].select_nth_unstable_by(mid - lo, |&p, &q| {
                    let (u, v) = (xr[p as usize * dp + dim], xr[q as usize * dp + dim]);
                    u.partial_cmp(&v).unwrap_or(core::cmp::Ordering::Equal).then(p.cmp(&q))
                });
            }
            self.range[2 * (2 * node + 1)] = lo as u32;
            self.range[2 * (2 * node + 1) + 1] = mid as u32;
            self.range[2 * (2 * node + 2)] = mid as u32;
            self.range[2 * (2 * node + 2) + 1] = hi as u32;
        }
        for leaf in first_leaf..nodes {
            let (lo, hi) = (self.range[2 * leaf] as usize, self.range[2 * leaf + 1] as usize);
            // Insertion sort: a leaf holds at most LEAF tokens.
            let leaf_perm = &mut self.perm[lo..hi];
            for k in 1..leaf_perm.len() {
                let v = leaf_perm[k];
                let mut j = k;
                while j > 0 && leaf_perm[j - 1] > v {
                    leaf_perm[j] = leaf_perm[j - 1];
                    j -= 1;
                }
                leaf_perm[j] = v;
            }
        }
        for (k, &j) in self.perm.iter().enumerate() {
            self.pts[k * d..k * d + d].copy_from_slice(&xr[j as usize * dp..j as usize * dp + d]);
        }
        if with_sums {
            for node in (0..nodes).rev() {
                let b = d * node;
                if node >= first_leaf {
                    let (lo, hi) = (self.range[2 * node] as usize, self.range[2 * node + 1] as usize);
                    for c in 0..d {
                        let mut s = T::ZERO;
                        for k in lo..hi {
                            s = s + self.pts[k * d + c];
                        }
                        self.sums[b + c] = s;
                    }
                } else {
                    let (l, r) = (d * (2 * node + 1), d * (2 * node + 2));
                    for c in 0..d {
                        self.sums[b + c] = self.sums[l + c] + self.sums[r + c];
                    }
                }
            }
        }
        for node in (0..nodes).rev() {
            let b = 2 * d * node;
            if node >= first_leaf {
                let (lo, hi) = (self.range[2 * node] as usize, self.range[2 * node + 1] as usize);
                for c in 0..d {
                    let (mut a, mut z) = (T::ZERO, T::ZERO);
                    for k in lo..hi {
                        let v = self.pts[k * d + c];
                        if k == lo || v < a {
                            a = v;
                        }
                        if k == lo || v > z {
                            z = v;
                        }
                    }
                    self.bbox[b + c] = a;
                    self.bbox[b + d + c] = z;
                }
            } else {
                let (l, r) = (2 * d * (2 * node + 1), 2 * d * (2 * node + 2));
                for c in 0..d {
                    let (a, z) = (self.bbox[l + c], self.bbox[r + c]);
                    self.bbox[b + c] = if z < a { z } else { a };
                    let (a, z) = (self.bbox[l + d + c], self.bbox[r + d + c]);
                    self.bbox[b + d + c] = if z > a { z } else { a };
                }
            }
        }
    }

    /// Upper bound of <q, x> over the node's box, widened by a rounding slack:
    /// every computed alignment in the box is <= the result.
    #[inline(always)]
    fn bound(&self, q: &[T], d: usize, node: usize) -> T {
        let b = 2 * d * node;
        let (mut u, mut s) = (T::ZERO, T::ZERO);
        for c in 0..d {
            let (lo, hi) = (q[c] * self.bbox[b + c], q[c] * self.bbox[b + d + c]);
            u = u + if hi > lo { hi } else { lo };
            let (al, ah) = (lo.abs(), hi.abs());
            s = s + if ah > al { ah } else { al };
        }
        // |computed a - exact a| and |computed u - exact u| are each below
        // (d + 1) eps/2 * s (first-order); take twice their sum, plus a floor
        // for subnormal products.
        u + s * (T::from_usize(2 * d + 4) * T::EPS) + T::from_f64(1e-300)
    }

    #[inline(always)]
    fn dot(q: &[T], x: &[T], d: usize) -> T {
        let mut s = q[0] * x[0];
        for c in 1..d {
            s = s + q[c] * x[c];
        }
        s
    }

    /// max_j a_ij for the query q (exact: the same value the dense tiles give).
    pub fn max(&mut self, q: &[T], d: usize) -> T {
        self.max_from(q, d, &[]).0
    }

    /// `max`, started from the alignments of the tokens at the tree
    /// positions `hints` (e.g. recent rows' argmaxes: in a clustered state
    /// one of them is usually within a cluster's width of the maximum, so the
    /// branch and bound opens little more than one root-to-leaf path). The
    /// result does not depend on the hints: they are real tokens' computed
    /// alignments, so the maximum is the same value. Returns (m, the tree
    /// position of a token attaining it).
    pub fn max_from(&mut self, q: &[T], d: usize, hints: &[u32]) -> (T, u32) {
        match d {
            1 => self.max_k::<1>(q, hints),
            2 => self.max_k::<2>(q, hints),
            _ => self.max_k::<3>(q, hints),
        }
    }

    /// The tree engine's row: y[..d] = the sum of x_j over the members
    /// {j : a_ij >= thr} (a_ij computed exactly as the dense tiles do),
    /// taken node by node in depth-first order (left child first; a leaf's
    /// tokens ascending j); returns their count. Needs `build(.., true)`.
    /// Membership is exact: a node is taken whole only when its lower bound
    /// (or, for a point box, its one computed alignment) is >= thr, skipped
    /// only when its upper bound is < thr, and opened otherwise.
    pub fn range_sum(&mut self, q: &[T], d: usize, thr: T, y: &mut [T]) -> usize {
        match d {
            1 => self.range_sum_k::<1>(q, thr, y),
            2 => self.range_sum_k::<2>(q, thr, y),
            _ => self.range_sum_k::<3>(q, thr, y),
        }
    }

    // The two queries written once per dimension D <= 3 (`d` is a constant,
    // so the coordinate loops unroll), with unchecked indexing: every node
    // index is < the node count (children of inner nodes only), every tree
    // position < n, the stack never exceeds depth + 2 entries. The
    // arithmetic is that of `bound`, `bounds`, `is_point` and `dot`, in the
    // same order (ts/backend/tree.ts mirrors it).

    #[inline(always)]
    unsafe fn bound_k<const D: usize>(&self, q: &[T; D], node: usize) -> T {
        let bb = self.bbox.as_ptr().add(2 * D * node);
        let (mut u, mut s) = (T::ZERO, T::ZERO);
        for c in 0..D {
            let (lo, hi) = (q[c] * *bb.add(c), q[c] * *bb.add(D + c));
            u = u + if hi > lo { hi } else { lo };
            let (al, ah) = (lo.abs(), hi.abs());
            s = s + if ah > al { ah } else { al };
        }
        u + s * (T::from_usize(2 * D + 4) * T::EPS) + T::from_f64(1e-300)
    }

    #[inline(always)]
    unsafe fn bounds_k<const D: usize>(&self, q: &[T; D], node: usize) -> (T, T) {
        let bb = self.bbox.as_ptr().add(2 * D * node);
        let (mut l, mut u, mut s) = (T::ZERO, T::ZERO, T::ZERO);
        for c in 0..D {
            let (lo, hi) = (q[c] * *bb.add(c), q[c] * *bb.add(D + c));
            u = u + if hi > lo { hi } else { lo };
            l = l + if hi < lo { hi } else { lo };
            let (al, ah) = (lo.abs(), hi.abs());
            s = s + if ah > al { ah } else { al };
        }
        let slack = s * (T::from_usize(2 * D + 4) * T::EPS);
        (l - slack - T::from_f64(1e-300), u + slack + T::from_f64(1e-300))
    }

    #[inline(always)]
    unsafe fn is_point_k<const D: usize>(&self, node: usize) -> bool {
        let bb = self.bbox.as_ptr().add(2 * D * node);
        (0..D).all(|c| *bb.add(c) == *bb.add(D + c))
    }

    #[inline(always)]
    unsafe fn dot_k<const D: usize>(&self, q: &[T; D], k: usize) -> T {
        let p = self.pts.as_ptr().add(k * D);
        let mut s = q[0] * *p;
        for c in 1..D {
            s = s + q[c] * *p.add(c);
        }
        s
    }

    fn max_k<const D: usize>(&mut self, q: &[T], hints: &[u32]) -> (T, u32) {
        let mut qa = [T::ZERO; D];
        qa.copy_from_slice(&q[..D]);
        let q = &qa;
        let first_leaf = (1usize << self.depth) - 1;
        let mut m = T::from_f64(f64::NEG_INFINITY);
        let mut arg = 0u32;
        for &k in hints {
            if (k as usize) < self.perm.len() {
                let a = unsafe { self.dot_k(q, k as usize) };
                if a > m {
                    m = a;
                    arg = k;
                }
            }
        }
        // Each stack entry keeps the bound computed when it was pushed.
        let mut stack = [(0u32, T::ZERO); 64];
        let mut top = 1;
        unsafe {
            stack[0] = (0, self.bound_k(q, 0));
            let range = self.range.as_ptr();
            while top > 0 {
                top -= 1;
                let (node, b) = *stack.get_unchecked(top);
                let node = node as usize;
                if b < m {
                    continue;
                }
                if self.is_point_k::<D>(node) {
                    // All its tokens share one computed alignment (a collapsed cluster).
                    let k = *range.add(2 * node) as usize;
                    let a = self.dot_k(q, k);
                    if a > m {
                        m = a;
                        arg = k as u32;
                    }
                } else if node >= first_leaf {
                    for k in *range.add(2 * node) as usize..*range.add(2 * node + 1) as usize {
                        let a = self.dot_k(q, k);
                        if a > m {
                            m = a;
                            arg = k as u32;
                        }
                    }
                } else {
                    // Visit the child with the larger bound first (pushed last).
                    let (l, r) = (2 * node + 1, 2 * node + 2);
                    let (bl, br) = (self.bound_k(q, l), self.bound_k(q, r));
                    let (first, second) = if bl >= br { ((l, bl), (r, br)) } else { ((r, br), (l, bl)) };
                    *stack.get_unchecked_mut(top) = (second.0 as u32, second.1);
                    *stack.get_unchecked_mut(top + 1) = (first.0 as u32, first.1);
                    top += 2;
                }
            }
        }
        (m, arg)
    }

    fn range_sum_k<const D: usize>(&mut self, q: &[T], thr: T, y: &mut [T]) -> usize {
        let mut qa = [T::ZERO; D];
        qa.copy_from_slice(&q[..D]);
        let q = &qa;
        let first_leaf = (1usize << self.depth) - 1;
        let mut acc = [T::ZERO; D];
        let mut count = 0;
        let mut stack = [0u32; 64];
        let mut top = 1;
        unsafe {
            let range = self.range.as_ptr();
            let sums = self.sums.as_ptr();
            let pts = self.pts.as_ptr();
            while top > 0 {
                top -= 1;
                let node = *stack.get_unchecked(top) as usize;
                let (lo, hi) = (*range.add(2 * node) as usize, *range.add(2 * node + 1) as usize);
                if lo == hi {
                    continue;
                }
                let whole = if self.is_point_k::<D>(node) {
                    if self.dot_k(q, lo) >= thr {
                        true
                    } else {
                        continue;
                    }
                } else {
                    let (low, up) = self.bounds_k(q, node);
                    if up < thr {
                        continue;
                    }
                    low >= thr
                };
                if whole {
                    let sp = sums.add(D * node);
                    for c in 0..D {
                        acc[c] = acc[c] + *sp.add(c);
                    }
                    count += hi - lo;
                } else if node >= first_leaf {
                    for k in lo..hi {
                        if self.dot_k(q, k) >= thr {
                            let p = pts.add(k * D);
                            for c in 0..D {
                                acc[c] = acc[c] + *p.add(c);
                            }
                            count += 1;
                        }
                    }
                } else {
                    *stack.get_unchecked_mut(top) = (2 * node + 2) as u32;
                    *stack.get_unchecked_mut(top + 1) = (2 * node + 1) as u32;
                    top += 2;
                }
            }
        }
        y[..D].copy_from_slice(&acc);
        count
    }

    /// Set the bits of the members {j : a_ij >= thr}; returns their count.
    pub fn mark(&mut self, q: &[T], d: usize, thr: T) -> usize {
        let first_leaf = (1usize << self.depth) - 1;
        let mut count = 0;
        let mut top = 1;
        self.stack[0] = 0;
        while top > 0 {
            top -= 1;
            let node = self.stack[top] as usize;
            if self.bound(q, d, node) < thr {
                continue;
            }
            if node >= first_leaf {
                for k in self.range[2 * node] as usize..self.range[2 * node + 1] as usize {
                    if Self::dot(q, &self.pts[k * d..k * d + d], d) >= thr {
                        let j = self.perm[k] as usize;
                        self.bits[j >> 6] |= 1u64 << (j & 63);
                        count += 1;
                    }
                }
            } else {
                self.stack[top] = (2 * node + 2) as u32;
                self.stack[top + 1] = (2 * node + 1) as u32;
                top += 2;
            }
        }
        count
    }

    /// y[..d] = sum of the marked tokens' rows in ascending j; clears the bits.
    pub fn gather(&mut self, xr: &[T], d: usize, dp: usize, y: &mut [T]) {
        for v in y[..d].iter_mut() {
            *v = T::ZERO;
        }
        for (w, word) in self.bits.iter_mut().enumerate() {
            let mut b = *word;
            if b == 0 {
                continue;
            }
            *word = 0;
            while b != 0 {
                let j = w * 64 + b.trailing_zeros() as usize;
                b &= b - 1;
                for (yc, &xc) in y[..d].iter_mut().zip(&xr[j * dp..j * dp + d]) {
                    *yc = *yc + xc;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prng::SplitMix64;

    /// Point sets of every kind the tests name: random, clustered (exact
    /// duplicates and tiny spreads), collinear, all equal, a coarse grid.
    fn clouds(n: usize, d: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut rng = SplitMix64::new(seed);
        let mut u = move || 2.0 * rng.next_f64() - 1.0;
        let random: Vec<f64> = (0..n * d).map(|_| u()).collect();
        let centres: Vec<f64> = (0..5 * d).map(|_| u()).collect();
        let mut clustered = vec![0.0; n * d];
        for j in 0..n {
            let k = j % 5;
            for c in 0..d {
                clustered[j * d + c] = centres[k * d + c] + if j % 3 == 0 { 0.0 } else { 1e-9 * u() };
            }
        }
        let dir: Vec<f64> = (0..d).map(|_| u()).collect();
        let collinear: Vec<f64> = (0..n).flat_map(|j| {
            let s = ((j * 37) % 101) as f64 / 50.0 - 1.0;
            dir.iter().map(move |&v| s * v).collect::<Vec<_>>()
        }).collect();
        let equal: Vec<f64> = (0..n * d).map(|k| [0.3, -0.7, 0.1][k % d]).collect();
        let grid: Vec<f64> = (0..n * d).map(|k| ((k * 7 + k / d) % 5) as f64 * 0.25 - 0.5).collect();
        vec![random, clustered, collinear, equal, grid]
    }

    fn check<T: Real + core::fmt::Debug>(n: usize, d: usize, seed: u64) {
        let dp = d; // no padding needed by the tree itself
        for (kind, xs) in clouds(n, d, seed).into_iter().enumerate() {
            let x: Vec<T> = xs.iter().map(|&v| T::from_f64(v)).collect();
            let mut t = Tree::<T>::new(n, d).unwrap();
            t.build(&x, n, d, dp, true);
            let mut rng = SplitMix64::new(seed ^ 0x9e37);
            let xmax = x.iter().fold(0.0f64, |m, v| m.max(v.to_f64().abs()));
            for trial in 0..40 {
                let q: Vec<T> = (0..d).map(|_| T::from_f64((2.0 * rng.next_f64() - 1.0) * if trial % 4 == 0 { 100.0 } else { 1.0 })).collect();
                let m = t.max(&q, d);
                // the exact maximum of the computed alignments
                let brute = (0..n).map(|j| Tree::<T>::dot(&q, &x[j * d..j * d + d], d)).fold(T::NEG_INFINITY, |a, b| if b > a { b } else { a });
                assert!(m == brute, "kind {} max {:?} vs {:?}", kind, m, brute);
                // thresholds: ties, tiny and large gaps, and exactly on some token's alignment
                let on = Tree::<T>::dot(&q, &x[(trial * 13 % n) * d..(trial * 13 % n) * d + d], d);
                for thr in [m, m - T::from_f64(1e-12), m - T::from_f64(0.05), m - T::from_f64(0.5), m - T::from_f64(3.0), on] {
                    let mut y = vec![T::ZERO; d];
                    let count = t.range_sum(&q, d, thr, &mut y);
                    let marked = t.mark(&q, d, thr);
                    let mut z = vec![T::ZERO; d];
                    t.gather(&x, d, dp, &mut z);
                    let brute = (0..n).filter(|&j| Tree::<T>::dot(&q, &x[j * d..j * d + d], d) >= thr).count();
                    assert_eq!(count, brute, "kind {} d {} thr {:?}", kind, d, thr);
                    assert_eq!(marked, brute);
                    // both are sums of `count` terms of size <= xmax: each is within count^2 eps xmax / 2 of the exact sum
                    let tol = (count * count) as f64 * T::EPS.to_f64() * xmax;
                    for c in 0..d {
                        assert!((y[c].to_f64() - z[c].to_f64()).abs() <= tol, "kind {} sum {:?} vs {:?}", kind, y[c], z[c]);
                    }
                }
            }
        }
    }

    #[test]
    fn range_sums_count_exactly_the_dense_members() {
        for &(n, d) in &[(1usize, 2usize), (15, 1), (17, 2), (300, 1), (1000, 2), (777, 3)] {
            check::<f64>(n, d, 11 + n as u64);
            check::<f32>(n, d, 12 + n as u64);
        }
    }

    #[test]
    fn the_build_splits_by_coordinate_then_index_and_sorts_leaves() {
        // Equal coordinates are ordered by token index, and each leaf ascending:
        // building twice gives the same permutation and the same node sums.
        let (n, d) = (500, 2);
        let x: Vec<f64> = (0..n * d).map(|k| ((k * 7) % 3) as f64).collect();
        let mut a = Tree::<f64>::new(n, d).unwrap();
        a.build(&x, n, d, d, true);
        // every inner node's left half precedes its right half in (coordinate, index) order on some axis
        for node in 0..(1usize << a.depth) - 1 {
            let (l, r) = (2 * node + 1, 2 * node + 2);
            let left = &a.perm[a.range[2 * l] as usize..a.range[2 * l + 1] as usize];
            let right = &a.perm[a.range[2 * r] as usize..a.range[2 * r + 1] as usize];
            let key = |j: u32, c: usize| (x[j as usize * d + c], j);
            assert!((0..d).any(|c| {
                let lmax = left.iter().map(|&j| key(j, c)).fold((f64::NEG_INFINITY, 0), |m, k| if k > m { k } else { m });
                right.iter().all(|&j| key(j, c) > lmax)
            }), "node {}", node);
        }
        for leaf in (1usize << a.depth) - 1..(2usize << a.depth) - 1 {
            let (lo, hi) = (a.range[2 * leaf] as usize, a.range[2 * leaf + 1] as usize);
            assert!(a.perm[lo..hi].windows(2).all(|w| w[0] < w[1]));
        }
    }
}

#[cfg(test)]
mod timing {
    use super::*;
    use crate::prng::SplitMix64;

    /// `cargo test --release tree_phase_times -- --ignored --nocapture`: native
    /// times of the build and the two queries on a uniform cloud (a profile, not a test).
    #[test]
    #[ignore]
    fn tree_phase_times() {
        let (n, d) = (65536usize, 2usize);
        let mut rng = SplitMix64::new(1);
        let x: Vec<f64> = (0..n * d).map(|_| 2.0 * rng.next_f64() - 1.0).collect();
        let mut t = Tree::<f64>::new(n, d).unwrap();
        let t0 = std::time::Instant::now();
        t.build(&x, n, d, d, true);
        let t1 = std::time::Instant::now();
        let mut ms = vec![0.0; n];
        for i in 0..n {
            ms[i] = t.max(&x[i * d..i * d + d], d);
        }
        let t2 = std::time::Instant::now();
        let mut y = [0.0; 2];
        for i in 0..n {
            t.range_sum(&x[i * d..i * d + d], d, ms[i] - 0.1, &mut y);
        }
        let t3 = std::time::Instant::now();
        println!("build {:?} max {:?} range {:?}", t1 - t0, t2 - t1, t3 - t2);
    }
}
