//! The hot loops behind one tiny trait, `Real`, implemented for f64 and f32.
//!
//! Every method has a scalar body (the "scalar twin") that compiles on any
//! target, so `cargo test` checks the algorithm natively. On wasm32 with the
//! simd128 target feature, the f64 (f64x2) and f32 (f32x4) implementations
//! override the heavy methods with SIMD loops computing the same sums (in a
//! different association order, so results agree to rounding, not bitwise).
//!
//! Layout conventions shared by all methods:
//! - `xt` is the transposed state: coordinate c of token j is `xt[c*stride + j]`,
//!   `stride` is n rounded up to a multiple of `PAD` and the pad columns are 0.
//! - `q` holds `ROWS` query rows of length d, row r at `q[r*d ..]` (unused rows 0).
//! - `out` holds `ROWS` alignment rows of length `stride`, row r at `out[r*stride ..]`.

use core::ops::{Add, Div, Mul, Sub};

/// Rows computed per pass over `xt` (register blocking).
pub const ROWS: usize = 4;
/// Column padding of `xt` and the alignment rows: a multiple of every lane count.
pub const PAD: usize = 8;

/// The floating-point element type of a simulation.
pub trait Real:
    Copy
    + PartialOrd
    + Default
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + 'static
{
    const ZERO: Self;
    const ONE: Self;
    fn from_f64(v: f64) -> Self;
    fn from_usize(v: usize) -> Self;
    fn to_f64(self) -> f64;
    fn exp(self) -> Self;
    fn abs(self) -> Self;
    fn sqrt(self) -> Self;
    fn is_finite(self) -> bool;

    /// `out[r*stride + j] = sum_c q[r*d + c] * xt[c*stride + j]` for r < ROWS, j < stride.
    fn align_rows(q: &[Self], d: usize, xt: &[Self], stride: usize, out: &mut [Self]) {
        align_rows_scalar(q, d, xt, stride, out)
    }

    /// `y[c] = sum_j w[j] * xt[c*stride + j]` for c < d (w has `stride` entries, pad 0).
    fn weighted_sums(w: &[Self], d: usize, xt: &[Self], stride: usize, y: &mut [Self]) {
        weighted_sums_scalar(w, d, xt, stride, y)
    }

    /// Largest of `a[..n]` (n >= 1). NaN anywhere may give NaN or be skipped;
    /// callers check the result with `is_finite`.
    fn row_max(a: &[Self], n: usize) -> Self {
        let mut m = a[0];
        for &v in &a[1..n] {
            // `!(v <= m)` also adopts a NaN, so a non-finite row is never hidden.
            if !(v <= m) {
                m = v;
            }
        }
        m
    }
}

fn align_rows_scalar<T: Real>(q: &[T], d: usize, xt: &[T], stride: usize, out: &mut [T]) {
    for r in 0..ROWS {
        let qr = &q[r * d..r * d + d];
        let o = &mut out[r * stride..r * stride + stride];
        for v in o.iter_mut() {
            *v = T::ZERO;
        }
        for (c, &qc) in qr.iter().enumerate() {
            let col = &xt[c * stride..c * stride + stride];
            for (ov, &xv) in o.iter_mut().zip(col) {
                *ov = *ov + qc * xv;
            }
        }
    }
}

fn weighted_sums_scalar<T: Real>(w: &[T], d: usize, xt: &[T], stride: usize, y: &mut [T]) {
    for c in 0..d {
        let col = &xt[c * stride..c * stride + stride];
        let mut s = T::ZERO;
        for (&wv, &xv) in w[..stride].iter().zip(col) {
            s = s + wv * xv;
        }
        y[c] = s;
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    //! simd128 bodies. All loads/stores are unaligned v128 accesses inside
    //! slices whose lengths are multiples of PAD (checked by the callers'
    //! debug assertions and guaranteed by the buffer sizes in sim.rs).
    use super::{PAD, ROWS};
    use core::arch::wasm32::*;

    macro_rules! simd_impl {
        ($name_align:ident, $name_wsum:ident, $name_max:ident, $t:ty, $lanes:expr,
         $splat:ident, $add:ident, $mul:ident, $max:ident, $l0:ident, $l1:ident $(, $l2:ident, $l3:ident)?) => {
            /// Four rows by two vectors of columns per inner step: 8 accumulators.
            #[inline(never)]
            pub fn $name_align(q: &[$t], d: usize, xt: &[$t], stride: usize, out: &mut [$t]) {
                const W: usize = 2 * $lanes;
                assert!(q.len() >= ROWS * d && xt.len() >= d * stride && out.len() >= ROWS * stride);
                assert!(stride % W == 0 && W <= PAD);
                let qp = q.as_ptr();
                let xp = xt.as_ptr();
                let op = out.as_mut_ptr();
                let mut j = 0;
                while j < stride {
                    unsafe {
                        let z = $splat(0.0);
                        let (mut a0, mut a1, mut b0, mut b1) = (z, z, z, z);
                        let (mut c0, mut c1, mut e0, mut e1) = (z, z, z, z);
                        for c in 0..d {
                            let px = xp.add(c * stride + j) as *const v128;
                            let x0 = v128_load(px);
                            let x1 = v128_load(px.add(1));
                            let q0 = $splat(*qp.add(c));
                            let q1 = $splat(*qp.add(d + c));
                            let q2 = $splat(*qp.add(2 * d + c));
                            let q3 = $splat(*qp.add(3 * d + c));
                            a0 = $add(a0, $mul(q0, x0));
                            a1 = $add(a1, $mul(q0, x1));
                            b0 = $add(b0, $mul(q1, x0));
                            b1 = $add(b1, $mul(q1, x1));
                            c0 = $add(c0, $mul(q2, x0));
                            c1 = $add(c1, $mul(q2, x1));
                            e0 = $add(e0, $mul(q3, x0));
                            e1 = $add(e1, $mul(q3, x1));
                        }
                        let o = op.add(j) as *mut v128;
                        v128_store(o, a0);
                        v128_store(o.add(1), a1);
                        let o = op.add(stride + j) as *mut v128;
                        v128_store(o, b0);
                        v128_store(o.add(1), b1);
                        let o = op.add(2 * stride + j) as *mut v128;
                        v128_store(o, c0);
                        v128_store(o.add(1), c1);
                        let o = op.add(3 * stride + j) as *mut v128;
                        v128_store(o, e0);
                        v128_store(o.add(1), e1);
                    }
                    j += W;
                }
            }

            /// One dot product per coordinate over the padded weight row.
            #[inline(never)]
            pub fn $name_wsum(w: &[$t], d: usize, xt: &[$t], stride: usize, y: &mut [$t]) {
                const W: usize = 2 * $lanes;
                assert!(w.len() >= stride && xt.len() >= d * stride && y.len() >= d);
                assert!(stride % W == 0);
                let wp = w.as_ptr();
                let xp = xt.as_ptr();
                for c in 0..d {
                    unsafe {
                        let mut s0 = $splat(0.0);
                        let mut s1 = $splat(0.0);
                        let mut j = 0;
                        while j < stride {
                            let pw = wp.add(j) as *const v128;
                            let px = xp.add(c * stride + j) as *const v128;
                            s0 = $add(s0, $mul(v128_load(pw), v128_load(px)));
                            s1 = $add(s1, $mul(v128_load(pw.add(1)), v128_load(px.add(1))));
                            j += W;
                        }
                        let s = $add(s0, s1);
                        y[c] = $l0(s, 0) + $l1(s, 1) $(+ $l2(s, 2) + $l3(s, 3))?;
                    }
                }
            }

            /// Max over a[..n]: vector max over whole lanes, scalar tail.
            #[inline(never)]
            pub fn $name_max(a: &[$t], n: usize) -> $t {
                assert!(n >= 1 && a.len() >= n);
                let full = n / $lanes * $lanes;
                let mut m = a[0];
                if full >= $lanes {
                    unsafe {
                        let p = a.as_ptr();
                        let mut v = v128_load(p as *const v128);
                        let mut j = $lanes;
                        while j < full {
                            v = $max(v, v128_load(p.add(j) as *const v128));
                            j += $lanes;
                        }
                        let mut best = $l0(v, 0);
                        let x = $l1(v, 1); if !(x <= best) { best = x; }
                        $( let x = $l2(v, 2); if !(x <= best) { best = x; }
                           let x = $l3(v, 3); if !(x <= best) { best = x; } )?
                        m = best;
                    }
                }
                for &x in &a[full..n] {
                    if !(x <= m) {
                        m = x;
                    }
                }
                m
            }
        };
    }

    #[inline(always)]
    fn f64_l0(v: v128, _i: usize) -> f64 { f64x2_extract_lane::<0>(v) }
    #[inline(always)]
    fn f64_l1(v: v128, _i: usize) -> f64 { f64x2_extract_lane::<1>(v) }
    #[inline(always)]
    fn f32_l0(v: v128, _i: usize) -> f32 { f32x4_extract_lane::<0>(v) }
    #[inline(always)]
    fn f32_l1(v: v128, _i: usize) -> f32 { f32x4_extract_lane::<1>(v) }
    #[inline(always)]
    fn f32_l2(v: v128, _i: usize) -> f32 { f32x4_extract_lane::<2>(v) }
    #[inline(always)]
    fn f32_l3(v: v128, _i: usize) -> f32 { f32x4_extract_lane::<3>(v) }

    simd_impl!(align_f64, wsum_f64, max_f64, f64, 2, f64x2_splat, f64x2_add, f64x2_mul, f64x2_max, f64_l0, f64_l1);
    simd_impl!(align_f32, wsum_f32, max_f32, f32, 4, f32x4_splat, f32x4_add, f32x4_mul, f32x4_max, f32_l0, f32_l1, f32_l2, f32_l3);
}

macro_rules! real_impl {
    ($t:ty, $align:ident, $wsum:ident, $max:ident) => {
        impl Real for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            #[inline(always)]
            fn from_f64(v: f64) -> Self { v as $t }
            #[inline(always)]
            fn from_usize(v: usize) -> Self { v as $t }
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn exp(self) -> Self { <$t>::exp(self) }
            #[inline(always)]
            fn abs(self) -> Self { <$t>::abs(self) }
            #[inline(always)]
            fn sqrt(self) -> Self { <$t>::sqrt(self) }
            #[inline(always)]
            fn is_finite(self) -> bool { <$t>::is_finite(self) }

            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            fn align_rows(q: &[Self], d: usize, xt: &[Self], stride: usize, out: &mut [Self]) {
                simd::$align(q, d, xt, stride, out)
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            fn weighted_sums(w: &[Self], d: usize, xt: &[Self], stride: usize, y: &mut [Self]) {
                simd::$wsum(w, d, xt, stride, y)
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            fn row_max(a: &[Self], n: usize) -> Self {
                simd::$max(a, n)
            }
        }
    };
}

real_impl!(f64, align_f64, wsum_f64, max_f64);
real_impl!(f32, align_f32, wsum_f32, max_f32);
