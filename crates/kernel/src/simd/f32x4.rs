//! `Lane` for f32: four lanes per v128, and the f32x4 fast exponential (the
//! same operations as `exp_fast_f32`, exp.rs).

use super::exp::{exp_fast_f32, ExpConsts, E32_HI, E32_LN2_HI, E32_LN2_LO, E32_LO, E32_LOG2E, E32_MAGIC, E32_P};
use super::Lane;
use core::arch::wasm32::*;

/// The f32x4 lanes (vectors are plain `v128`).
pub struct F32x4;

impl Lane for F32x4 {
    type Elem = f32;
    type ExpConsts = ExpConsts<6>;

    #[inline(always)]
    fn splat(x: f32) -> v128 {
        f32x4_splat(x)
    }
    #[inline(always)]
    unsafe fn load_splat(p: *const f32) -> v128 {
        v128_load32_splat(p as *const u32)
    }
    /// Adds +0.0 to the loaded maxima. Without it LLVM 14 (Rust 1.63) folds
    /// the bitcasts around the first `pmax` of a value loaded as v128 (an
    /// integer vector to LLVM) into a select on integer vectors, which the
    /// wasm backend emits as f32x4.gt + v128.bitselect instead of one
    /// f32x4.pmax: measured 5-7 % slower f32 steps at d = 16. The add makes
    /// the value a float vector; it maps -0 to +0 and changes nothing else,
    /// and no use of a row maximum depends on the sign of a zero (attend.rs
    /// uses it in m - delta - tau max(1,|m|), a - m and exp(beta m)).
    #[inline(always)]
    unsafe fn load_max(p: *const v128) -> v128 {
        f32x4_add(v128_load(p), f32x4_splat(0.0))
    }
    #[inline(always)]
    fn add(a: v128, b: v128) -> v128 {
        f32x4_add(a, b)
    }
    #[inline(always)]
    fn sub(a: v128, b: v128) -> v128 {
        f32x4_sub(a, b)
    }
    #[inline(always)]
    fn mul(a: v128, b: v128) -> v128 {
        f32x4_mul(a, b)
    }
    #[inline(always)]
    fn max(a: v128, b: v128) -> v128 {
        f32x4_max(a, b)
    }
    #[inline(always)]
    fn pmax(a: v128, b: v128) -> v128 {
        f32x4_pmax(a, b)
    }
    #[inline(always)]
    fn ge(a: v128, b: v128) -> v128 {
        f32x4_ge(a, b)
    }
    #[inline(always)]
    fn le(a: v128, b: v128) -> v128 {
        f32x4_le(a, b)
    }
    #[inline(always)]
    fn all_true(m: v128) -> bool {
        i32x4_all_true(m)
    }
    #[inline(always)]
    fn bitmask(m: v128) -> u32 {
        i32x4_bitmask(m) as u32
    }
    #[inline(always)]
    fn lane(v: v128, k: usize) -> f32 {
        match k {
            0 => f32x4_extract_lane::<0>(v),
            1 => f32x4_extract_lane::<1>(v),
            2 => f32x4_extract_lane::<2>(v),
            _ => f32x4_extract_lane::<3>(v),
        }
    }
    #[inline(always)]
    fn hsum(v: v128) -> f32 {
        (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<1>(v)) + (f32x4_extract_lane::<2>(v) + f32x4_extract_lane::<3>(v))
    }

    #[inline(always)]
    fn exp_consts() -> ExpConsts<6> {
        let bias = i32x4_splat(127i32.wrapping_sub(E32_MAGIC.to_bits() as i32));
        ExpConsts::new::<Self>([E32_LO, E32_HI, E32_LOG2E, E32_MAGIC, E32_LN2_HI, E32_LN2_LO], &E32_P, bias)
    }

    #[inline(always)]
    fn exp(x: v128, e: &ExpConsts<6>) -> v128 {
        let ok = v128_and(f32x4_ge(x, e.lo), f32x4_le(x, e.hi));
        if !i32x4_all_true(ok) {
            return f32x4(
                exp_fast_f32(f32x4_extract_lane::<0>(x)),
                exp_fast_f32(f32x4_extract_lane::<1>(x)),
                exp_fast_f32(f32x4_extract_lane::<2>(x)),
                exp_fast_f32(f32x4_extract_lane::<3>(x)),
            );
        }
        let t = f32x4_add(f32x4_mul(x, e.log2e), e.magic);
        let k = f32x4_sub(t, e.magic);
        let r = f32x4_sub(f32x4_sub(x, f32x4_mul(k, e.ln2_hi)), f32x4_mul(k, e.ln2_lo));
        let mut q = e.poly[0];
        for c in 1..6 {
            q = f32x4_add(f32x4_mul(q, r), e.poly[c]);
        }
        let p = f32x4_add(f32x4_add(f32x4_mul(f32x4_mul(r, r), q), r), e.one);
        let scale = i32x4_shl(i32x4_add(t, e.bias), 23);
        f32x4_mul(p, scale)
    }
}
