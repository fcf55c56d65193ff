//! `Lane` for f64: two lanes per v128, and the f64x2 fast exponential (the
//! same operations as `exp_fast_f64`, exp.rs).

use super::exp::{estrin64, exp_fast_f64, ExpConsts, E64_HI, E64_LN2_HI, E64_LN2_LO, E64_LO, E64_LOG2E, E64_MAGIC, E64_Q};
use super::Lane;
use core::arch::wasm32::*;

/// The f64x2 lanes (vectors are plain `v128`).
pub struct F64x2;

impl Lane for F64x2 {
    type Elem = f64;
    type ExpConsts = ExpConsts<12>;

    #[inline(always)]
    fn splat(x: f64) -> v128 {
        f64x2_splat(x)
    }
    #[inline(always)]
    unsafe fn load_splat(p: *const f64) -> v128 {
        v128_load64_splat(p as *const u64)
    }
    #[inline(always)]
    fn add(a: v128, b: v128) -> v128 {
        f64x2_add(a, b)
    }
    #[inline(always)]
    fn sub(a: v128, b: v128) -> v128 {
        f64x2_sub(a, b)
    }
    #[inline(always)]
    fn mul(a: v128, b: v128) -> v128 {
        f64x2_mul(a, b)
    }
    #[inline(always)]
    fn max(a: v128, b: v128) -> v128 {
        f64x2_max(a, b)
    }
    #[inline(always)]
    fn pmax(a: v128, b: v128) -> v128 {
        f64x2_pmax(a, b)
    }
    #[inline(always)]
    fn ge(a: v128, b: v128) -> v128 {
        f64x2_ge(a, b)
    }
    #[inline(always)]
    fn le(a: v128, b: v128) -> v128 {
        f64x2_le(a, b)
    }
    #[inline(always)]
    fn all_true(m: v128) -> bool {
        i64x2_all_true(m)
    }
    #[inline(always)]
    fn bitmask(m: v128) -> u32 {
        i64x2_bitmask(m) as u32
    }
    #[inline(always)]
    fn lane(v: v128, k: usize) -> f64 {
        match k {
            0 => f64x2_extract_lane::<0>(v),
            _ => f64x2_extract_lane::<1>(v),
        }
    }
    #[inline(always)]
    fn hsum(v: v128) -> f64 {
        f64x2_extract_lane::<0>(v) + f64x2_extract_lane::<1>(v)
    }

    #[inline(always)]
    fn exp_consts() -> ExpConsts<12> {
        let bias = i64x2_splat(1023i64.wrapping_sub(E64_MAGIC.to_bits() as i64));
        ExpConsts::new::<Self>([E64_LO, E64_HI, E64_LOG2E, E64_MAGIC, E64_LN2_HI, E64_LN2_LO], &E64_Q, bias)
    }

    #[inline(always)]
    fn exp(x: v128, e: &ExpConsts<12>) -> v128 {
        let ok = v128_and(f64x2_ge(x, e.lo), f64x2_le(x, e.hi));
        if !i64x2_all_true(ok) {
            return f64x2(exp_fast_f64(f64x2_extract_lane::<0>(x)), exp_fast_f64(f64x2_extract_lane::<1>(x)));
        }
        let t = f64x2_add(f64x2_mul(x, e.log2e), e.magic);
        let k = f64x2_sub(t, e.magic);
        let r = f64x2_sub(f64x2_sub(x, f64x2_mul(k, e.ln2_hi)), f64x2_mul(k, e.ln2_lo));
        let r2 = f64x2_mul(r, r);
        let q = estrin64(r, r2, |i| e.poly[11 - i], |a, b| f64x2_add(a, b), |a, b| f64x2_mul(a, b));
        let p = f64x2_add(e.one, f64x2_add(r, f64x2_mul(r2, q)));
        let scale = i64x2_shl(i64x2_add(t, e.bias), 52);
        f64x2_mul(p, scale)
    }
}
