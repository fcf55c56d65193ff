//! Spatial trees over a snapshot of the tokens: the sparse path of the
//! threshold rules (hardmax, localmax) in low dimension, used by the
//! attention pass (attend.rs) in place of the dense alignment tiles.

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
        let nodes = (1usize << (depth + 1)) - 1;
        Some(Tree {
            depth,
            perm: try_zeroed(n)?,
            pts: try_zeroed(n.checked_mul(d)?)?,
            range: try_zeroed(2 * nodes)?,
            bbox: try_zeroed(nodes.checked_mul(2 * d)?)?,
            stack: try_zeroed(2 * depth + 4)?,
            bits: try_zeroed((n + 63) / 64)?,
            dense_left: 0,
        })
    }

    /// Bytes held by the tree's buffers.
    pub fn bytes(&self) -> usize {
        (self.perm.len() + self.range.len() + self.stack.len()) * 4
            + (self.pts.len() + self.bbox.len()) * core::mem::size_of::<T>()
            + self.bits.len() * 8
    }

    /// Build over the row-major snapshot xr (rows padded to dp); entries finite.
    pub fn build(&mut self, xr: &[T], n: usize, d: usize, dp: usize) {
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
                self.perm[lo..hi].select_nth_unstable_by(mid - lo, |&p, &q| {
                    let (u, v) = (xr[p as usize * dp + dim], xr[q as usize * dp + dim]);
                    u.partial_cmp(&v).unwrap_or(core::cmp::Ordering::Equal)
                });
            }
            self.range[2 * (2 * node + 1)] = lo as u32;
            self.range[2 * (2 * node + 1) + 1] = mid as u32;
            self.range[2 * (2 * node + 2)] = mid as u32;
            self.range[2 * (2 * node + 2) + 1] = hi as u32;
        }
        for (k, &j) in self.perm.iter().enumerate() {
            self.pts[k * d..k * d + d].copy_from_slice(&xr[j as usize * dp..j as usize * dp + d]);
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
        let first_leaf = (1usize << self.depth) - 1;
        let mut m = T::from_f64(f64::NEG_INFINITY);
        let mut top = 1;
        self.stack[0] = 0;
        while top > 0 {
            top -= 1;
            let node = self.stack[top] as usize;
            if self.bound(q, d, node) < m {
                continue;
            }
            if node >= first_leaf {
                for k in self.range[2 * node] as usize..self.range[2 * node + 1] as usize {
                    let a = Self::dot(q, &self.pts[k * d..k * d + d], d);
                    if a > m {
                        m = a;
                    }
                }
            } else {
                // Visit the child with the larger bound first (pushed last).
                let (l, r) = (2 * node + 1, 2 * node + 2);
                let (first, second) = if self.bound(q, d, l) >= self.bound(q, d, r) { (l, r) } else { (r, l) };
                self.stack[top] = second as u32;
                self.stack[top + 1] = first as u32;
                top += 2;
            }
        }
        m
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
