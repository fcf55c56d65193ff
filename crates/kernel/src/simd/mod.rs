//! The hot loops: each kernel written once, over a lane trait written once per
//! float type (RustFFT's `SimdVector` pattern).
//!
//! - `Real` (here): the element type of a simulation, f64 or f32, and the
//!   kernels the attention pass (attend.rs) calls through it.
//! - `Lane` (here, wasm32 + simd128 only): the v128 operations the kernels
//!   need, implemented for f64x2 (`f64x2.rs`) and f32x4 (`f32x4.rs`),
//!   including each type's vector exponential.
//! - The kernels, generic over `Lane`: `align` (register-blocked alignment
//!   tiles with fused row maxima), `max` (row maximum), `threshold` (member
//!   scan and gather), `exp` (softmax weights; also the scalar fast
//!   exponentials), `wsum` (weighted sums), `peak` (the multiply-add peak,
//!   with the cargo feature `bench` only).
//! - `scalar`: the scalar twin of every kernel, used on any other target, so
//!   `cargo test` checks the algorithms natively.
//!
//! What is bit-for-bit the same in the SIMD bodies and their twins (and in the
//! js backend, which evaluates the same expressions in the same order):
//! - alignments: every a_ij = q_0 x_j0 + q_1 x_j1 + ... summed in ascending c,
//!   one multiply and one add per term (wasm has no fused multiply-add; lanes
//!   run over tokens j, never over c). The first term starts the sum instead
//!   of 0 + q_0 x_j0, which can only change the sign of an exact zero.
//! - threshold sums: members added in ascending j, each coordinate on its own
//!   (lanes run over coordinates c).
//! - `exp_fast`: the SIMD lanes and the scalar twin do the same IEEE operations.
//! What is not: the weighted sums of softmax and the total of a row of
//! weights are summed in other association orders (agreement to rounding).
//!
//! Layouts shared by all kernels (see attend.rs):
//! - `xp`, the packed snapshot: panels of `T::PANEL` tokens; coordinate c of
//!   token j = p*PANEL + l sits at `xp[(p*d + c)*PANEL + l]`; pad tokens are 0.
//!   `np` is n rounded up to a multiple of PANEL.
//! - `xr`, the row-major snapshot with rows padded to `dp` (a multiple of
//!   `T::LANES`) by zeros: coordinate c of token j at `xr[j*dp + c]`.
//! - `qt`, a block of `rb` query rows stored coordinate-major: q_r[c] at `qt[c*rb + r]`.
//! - alignment/weight rows: row r of a block at `rows[r*np ..]`.
//!
//! SIMD bodies: loads/stores are unaligned v128 accesses inside slices whose
//! sizes the kernels assert; lengths are multiples of the lane count by
//! construction (np, dp in attend.rs).

use core::ops::{Add, Div, Mul, Sub};

use crate::alloc::Zeroed;

mod exp;
mod scalar;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod align;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod f32x4;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod f64x2;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod max;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod threshold;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wsum;

#[cfg(feature = "bench")]
pub mod peak;

#[cfg(test)]
mod tests;

pub use exp::{exp_fast_f32, exp_fast_f64};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use {f32x4::F32x4, f64x2::F64x2};

/// Rows per block: the rows computed in one pass over the packed snapshot.
pub const ROWS: usize = 8;

/// The floating-point element type of a simulation, and the hot loops over
/// it. The methods' default bodies are the scalar twins (`scalar.rs`); on
/// wasm32 with simd128, `impl Real for f64` / `f32` override them with the
/// kernels instantiated for `Self::Lane` (`real_impl!` below).
pub trait Real:
    Copy
    + PartialOrd
    + Default
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Zeroed
    + 'static
{
    /// The v128 operations on lanes of this type (F64x2, F32x4).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    type Lane: Lane<Elem = Self>;

    const ZERO: Self;
    const ONE: Self;
    /// SIMD lanes per v128 (row padding of `xr`): 16 bytes / the element size.
    const LANES: usize;
    /// Tokens per panel of the packed snapshot (a multiple of LANES).
    const PANEL: usize;
    /// Magnitude below which no alignment sum can overflow (see attend.rs).
    const SAFE: f64;
    /// Machine epsilon.
    const EPS: Self;
    /// Smallest positive normal number.
    const MIN_POSITIVE: Self;
    /// Negative infinity.
    const NEG_INFINITY: Self;

    fn from_f64(v: f64) -> Self;
    fn from_usize(v: usize) -> Self;
    fn to_f64(self) -> f64;
    /// The correctly-rounded-as-libm exponential (used where bit-exactness with js matters).
    fn exp(self) -> Self;
    /// The fast exponential of the softmax weights: the scalar twin of the SIMD lanes.
    fn exp_fast(self) -> Self;
    fn abs(self) -> Self;
    fn sqrt(self) -> Self;
    fn is_finite(self) -> bool;
    /// The least value above self (self for NaN and +inf; the least subnormal for 0).
    fn next_up(self) -> Self;

    /// `out[r*np + j] = sum_c qt[c*rb + r] * x_j[c]` for r < rb, j < np, from the packed
    /// snapshot, and `maxes[r]` = the largest of `out[r*np .. r*np + n]`. The maxima
    /// are exact when no entry is NaN (callers ensure that, see attend.rs), up to
    /// the sign of a zero maximum.
    fn align_block(qt: &[Self], rb: usize, d: usize, xp: &[Self], np: usize, n: usize, out: &mut [Self], maxes: &mut [Self]) {
        scalar::align_block(qt, rb, d, xp, np, n, out, maxes)
    }

    /// Largest of `a[..n]` (n >= 1). NaN anywhere may give NaN or be skipped;
    /// callers check the result with `is_finite`.
    fn row_max(a: &[Self], n: usize) -> Self {
        scalar::row_max(a, n)
    }

    /// The members j < n with `row[j] >= thr` into `members` (ascending), and
    /// `y[..dp]` = the sum of their xr rows, added in ascending j; returns the count.
    fn threshold_sum(row: &[Self], n: usize, thr: Self, xr: &[Self], dp: usize, members: &mut [u32], y: &mut [Self]) -> usize {
        scalar::threshold_sum(row, n, thr, xr, dp, members, y)
    }

    /// `row[j] = exp_fast(beta (row[j] - m))` for j < n, 0 for n <= j < row.len(); returns the sum.
    fn exp_row(row: &mut [Self], n: usize, beta: Self, m: Self) -> Self {
        scalar::exp_row(row, n, beta, m)
    }

    /// `y[r*dp + c] = sum_{j<np} w[r*np + j] * x_j[c]` for r < rb, c < d, from the packed
    /// snapshot (pad weights and pad tokens are 0). The sum's association order is free.
    fn wsum_block(w: &[Self], rb: usize, np: usize, xp: &[Self], d: usize, dp: usize, y: &mut [Self]) {
        scalar::wsum_block(w, rb, np, xp, d, dp, y)
    }
}

macro_rules! real_impl {
    ($t:ident, $lane:ident, $lanes:expr, $panel:expr, $safe:expr, $expf:ident) => {
        impl Real for $t {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            type Lane = $lane;
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const LANES: usize = $lanes;
            const PANEL: usize = $panel;
            const SAFE: f64 = $safe;
            const EPS: Self = $t::EPSILON;
            const MIN_POSITIVE: Self = $t::MIN_POSITIVE;
            const NEG_INFINITY: Self = $t::NEG_INFINITY;
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn from_usize(v: usize) -> Self {
                v as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn exp(self) -> Self {
                $t::exp(self)
            }
            #[inline(always)]
            fn exp_fast(self) -> Self {
                $expf(self)
            }
            #[inline(always)]
            fn abs(self) -> Self {
                $t::abs(self)
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                $t::sqrt(self)
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                $t::is_finite(self)
            }
            #[inline(always)]
            fn next_up(self) -> Self {
                if self.is_nan() || self == $t::INFINITY {
                    self
                } else if self == 0.0 {
                    $t::from_bits(1)
                } else if self > 0.0 {
                    $t::from_bits(self.to_bits() + 1)
                } else {
                    $t::from_bits(self.to_bits() - 1)
                }
            }

            // The SIMD kernels, instantiated for this type. Each is one
            // non-generic, never-inlined function (the generic bodies are
            // inline(always)), as the hand-written f64/f32 twins they replace
            // were: LLVM then compiles them to the same wasm (row_max, exp_row,
            // threshold_sum, wsum_block; align_block: the same tile loops).
            // A never-inlined generic instance instead got specialised on
            // constant arguments (rb = ROWS), which changed the tiles' code.
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            #[inline(never)]
            fn align_block(qt: &[Self], rb: usize, d: usize, xp: &[Self], np: usize, n: usize, out: &mut [Self], maxes: &mut [Self]) {
                align::align_block::<$lane>(qt, rb, d, xp, np, n, out, maxes)
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            #[inline(never)]
            fn row_max(a: &[Self], n: usize) -> Self {
                max::row_max::<$lane>(a, n)
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            #[inline(never)]
            fn threshold_sum(row: &[Self], n: usize, thr: Self, xr: &[Self], dp: usize, members: &mut [u32], y: &mut [Self]) -> usize {
                threshold::threshold_sum::<$lane>(row, n, thr, xr, dp, members, y)
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            #[inline(never)]
            fn exp_row(row: &mut [Self], n: usize, beta: Self, m: Self) -> Self {
                exp::exp_row::<$lane>(row, n, beta, m)
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            #[inline(never)]
            fn wsum_block(w: &[Self], rb: usize, np: usize, xp: &[Self], d: usize, dp: usize, y: &mut [Self]) {
                wsum::wsum_block::<$lane>(w, rb, np, xp, d, dp, y)
            }
        }
        const _: () = assert!(<$t as Real>::LANES * core::mem::size_of::<$t>() == 16 && <$t as Real>::PANEL % <$t as Real>::LANES == 0);
    };
}

real_impl!(f64, F64x2, 2, 8, 1e300, exp_fast_f64);
real_impl!(f32, F32x4, 4, 16, 1e36, exp_fast_f32);

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub use lane::Lane;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lane {
    use super::Real;
    use core::arch::wasm32::*;

    /// The v128 operations of the kernels on lanes of one float type
    /// (implemented by `F64x2` and `F32x4`; vectors are plain `v128`).
    /// Every method is `#[inline(always)]`: a generic kernel compiles to the
    /// same instructions as one written by hand for that type.
    pub trait Lane: 'static {
        /// The element type: `Self::Elem::LANES` of them fill a v128.
        type Elem: Real;
        /// The vector exponential's constants, made locals once per row (see `opaque`).
        type ExpConsts;

        fn splat(x: Self::Elem) -> v128;
        /// Load `LANES` elements from `p` (unaligned).
        /// # Safety
        /// `p .. p + LANES` must be readable.
        #[inline(always)]
        unsafe fn load(p: *const Self::Elem) -> v128 {
            v128_load(p as *const v128)
        }
        /// Store `LANES` elements at `p` (unaligned).
        /// # Safety
        /// `p .. p + LANES` must be writable.
        #[inline(always)]
        unsafe fn store(p: *mut Self::Elem, v: v128) {
            v128_store(p as *mut v128, v)
        }
        /// Load a vector of running maxima that `pmax` then folds into (align.rs).
        /// May map -0 to +0 (see F32x4).
        /// # Safety
        /// `p` must be readable.
        #[inline(always)]
        unsafe fn load_max(p: *const v128) -> v128 {
            v128_load(p)
        }
        /// One element loaded into every lane.
        /// # Safety
        /// `p` must be readable.
        unsafe fn load_splat(p: *const Self::Elem) -> v128;
        fn add(a: v128, b: v128) -> v128;
        fn sub(a: v128, b: v128) -> v128;
        fn mul(a: v128, b: v128) -> v128;
        /// Lane-wise maximum that propagates NaN.
        fn max(a: v128, b: v128) -> v128;
        /// Lane-wise `b < a ? a : b` (one maxpd/maxps; no NaN semantics).
        fn pmax(a: v128, b: v128) -> v128;
        /// Lane mask of `a >= b`.
        fn ge(a: v128, b: v128) -> v128;
        /// Lane mask of `a <= b`.
        fn le(a: v128, b: v128) -> v128;
        /// True when every lane of the mask is set.
        fn all_true(m: v128) -> bool;
        /// Bit k set when lane k of the mask is set.
        fn bitmask(m: v128) -> u32;
        /// Lane k (k < LANES).
        fn lane(v: v128, k: usize) -> Self::Elem;
        /// The sum of the lanes, pairwise: (l0 + l1) + (l2 + l3).
        fn hsum(v: v128) -> Self::Elem;
        /// The constants of `exp`, each read once through `opaque`.
        fn exp_consts() -> Self::ExpConsts;
        /// `exp_fast` of every lane: the same operations as the scalar twin.
        fn exp(x: v128, e: &Self::ExpConsts) -> v128;
    }
}

/// A value the optimisers cannot see through. V8 re-materialises every
/// v128.const at each use (several instructions on x64), and LLVM and
/// binaryen fold constants back into loops; a volatile read makes a
/// constant a plain local, kept in a register (or one spill slot). It once
/// doubled the measured multiply-add peak (DESIGN.md); on Node 20.20 the peak
/// no longer moves, but without it the exponential's constants (exp.rs) make
/// softmax steps 4-34 % slower (bench/kernel-compare.mjs, issue 11).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub(crate) fn opaque<V: Copy>(v: V) -> V {
    unsafe { core::ptr::read_volatile(&v) }
}
