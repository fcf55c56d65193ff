//! The hot loops behind one tiny trait, `Real`, implemented for f64 and f32.
//!
//! Every method has a scalar body (the "scalar twin") that compiles on any
//! target, so `cargo test` checks the algorithm natively. On wasm32 with the
//! simd128 target feature, the f64 (f64x2) and f32 (f32x4) implementations
//! override the heavy methods with SIMD loops.
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
//! Layouts shared by all methods (see attend.rs):
//! - `xp`, the packed snapshot: panels of `T::PANEL` tokens; coordinate c of
//!   token j = p*PANEL + l sits at `xp[(p*d + c)*PANEL + l]`; pad tokens are 0.
//!   `np` is n rounded up to a multiple of PANEL.
//! - `xr`, the row-major snapshot with rows padded to `dp` (a multiple of
//!   `T::LANES`) by zeros: coordinate c of token j at `xr[j*dp + c]`.
//! - `qt`, a block of `rb` query rows stored coordinate-major: q_r[c] at `qt[c*rb + r]`.
//! - alignment/weight rows: row r of a block at `rows[r*np ..]`.

use core::ops::{Add, Div, Mul, Sub};

/// Rows per block: the rows computed in one pass over the packed snapshot.
pub const ROWS: usize = 8;

/// The floating-point element type of a simulation.
pub trait Real:
    Copy
    + PartialOrd
    + Default
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + crate::sim::Zeroed
    + 'static
{
    const ZERO: Self;
    const ONE: Self;
    /// SIMD lanes per v128 (row padding of `xr`).
    const LANES: usize;
    /// Tokens per panel of the packed snapshot (a multiple of LANES).
    const PANEL: usize;
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

    /// Magnitude below which no alignment sum can overflow (see attend.rs).
    const SAFE: f64;
    /// Machine epsilon.
    const EPS: Self;
    /// Smallest positive normal number.
    const MIN_POSITIVE: Self;

    /// `out[r*np + j] = sum_c qt[c*rb + r] * x_j[c]` for r < rb, j < np, from the packed
    /// snapshot, and `maxes[r]` = the largest of `out[r*np .. r*np + n]`. The maxima
    /// are exact when no entry is NaN (callers ensure that, see attend.rs), up to
    /// the sign of a zero maximum.
    fn align_block(qt: &[Self], rb: usize, d: usize, xp: &[Self], np: usize, n: usize, out: &mut [Self], maxes: &mut [Self]) {
        align_block_scalar(qt, rb, d, xp, np, out);
        for r in 0..rb {
            maxes[r] = Self::row_max(&out[r * np..], n);
        }
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

    /// The members j < n with `row[j] >= thr` into `members` (ascending), and
    /// `y[..dp]` = the sum of their xr rows, added in ascending j; returns the count.
    fn threshold_sum(row: &[Self], n: usize, thr: Self, xr: &[Self], dp: usize, members: &mut [u32], y: &mut [Self]) -> usize {
        threshold_sum_scalar(row, n, thr, xr, dp, members, y)
    }

    /// `row[j] = exp_fast(beta (row[j] - m))` for j < n, 0 for n <= j < row.len(); returns the sum.
    fn exp_row(row: &mut [Self], n: usize, beta: Self, m: Self) -> Self {
        exp_row_scalar(row, n, beta, m)
    }

    /// `y[r*dp + c] = sum_{j<np} w[r*np + j] * x_j[c]` for r < rb, c < d, from the packed
    /// snapshot (pad weights and pad tokens are 0). The sum's association order is free.
    fn wsum_block(w: &[Self], rb: usize, np: usize, xp: &[Self], d: usize, dp: usize, y: &mut [Self]) {
        wsum_block_scalar(w, rb, np, xp, d, dp, y)
    }
}

fn align_block_scalar<T: Real>(qt: &[T], rb: usize, d: usize, xp: &[T], np: usize, out: &mut [T]) {
    let pw = T::PANEL;
    for p in 0..np / pw {
        let panel = &xp[p * d * pw..(p + 1) * d * pw];
        for r in 0..rb {
            for l in 0..pw {
                let mut s = qt[r] * panel[l];
                for c in 1..d {
                    s = s + qt[c * rb + r] * panel[c * pw + l];
                }
                out[r * np + p * pw + l] = s;
            }
        }
    }
}

fn threshold_sum_scalar<T: Real>(row: &[T], n: usize, thr: T, xr: &[T], dp: usize, members: &mut [u32], y: &mut [T]) -> usize {
    let mut count = 0;
    for (j, &v) in row[..n].iter().enumerate() {
        if v >= thr {
            members[count] = j as u32;
            count += 1;
        }
    }
    for v in y[..dp].iter_mut() {
        *v = T::ZERO;
    }
    for &j in &members[..count] {
        let j = j as usize;
        for (yc, &xc) in y[..dp].iter_mut().zip(&xr[j * dp..j * dp + dp]) {
            *yc = *yc + xc;
        }
    }
    count
}

fn exp_row_scalar<T: Real>(row: &mut [T], n: usize, beta: T, m: T) -> T {
    let mut total = T::ZERO;
    for v in row[..n].iter_mut() {
        let w = (beta * (*v - m)).exp_fast();
        *v = w;
        total = total + w;
    }
    for v in row[n..].iter_mut() {
        *v = T::ZERO;
    }
    total
}

fn wsum_block_scalar<T: Real>(w: &[T], rb: usize, np: usize, xp: &[T], d: usize, dp: usize, y: &mut [T]) {
    let pw = T::PANEL;
    for r in 0..rb {
        let wr = &w[r * np..r * np + np];
        for c in 0..d {
            let mut s = T::ZERO;
            for (j, &wv) in wr.iter().enumerate() {
                s = s + wv * xp[((j / pw) * d + c) * pw + j % pw];
            }
            y[r * dp + c] = s;
        }
    }
}

// ---------------------------------------------------------------------------
// The fast exponential.
//
// exp(x) = 2^k exp(r), k = round(x / ln 2), r = x - k ln2 (Cody-Waite, ln 2
// split in two so k*LN2_HI is exact), |r| <= 0.35; exp(r) by a polynomial;
// 2^k built in the exponent bits. Valid where 2^k is normal; other inputs
// (and NaN) go to libm. The rounding of k uses the 1.5*2^52 (1.5*2^23) trick:
// t = x/ln2 + MAGIC holds k in its low mantissa bits.
//
// f64: exp(r) = 1 + (r + r^2 q(r)), q the Taylor series of (e^r - 1 - r)/r^2
// to r^11 (truncation < 1e-17 relative), evaluated by Estrin's scheme. Max relative error vs f64::exp
// (correctly rounded to ~0.5 ulp) is measured by `fast_exp_f64_accuracy` below.
// f32: Cephes expf's minimax polynomial, evaluated in f32.
// ---------------------------------------------------------------------------

const E64_LO: f64 = -708.0;
const E64_HI: f64 = 709.0;
const E64_LOG2E: f64 = 1.442_695_040_888_963_4;
const E64_MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52
const E64_LN2_HI: f64 = 6.931_471_803_691_238_164_90e-01; // 0x3fe62e42_fee00000
const E64_LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
/// 1/k! for k = 13 down to 2.
const E64_Q: [f64; 12] = [
    1.0 / 6_227_020_800.0,
    1.0 / 479_001_600.0,
    1.0 / 39_916_800.0,
    1.0 / 3_628_800.0,
    1.0 / 362_880.0,
    1.0 / 40_320.0,
    1.0 / 5_040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    0.5,
];

const E32_LO: f32 = -87.0;
const E32_HI: f32 = 88.0;
const E32_LOG2E: f32 = 1.442_695_f32;
const E32_MAGIC: f32 = 12_582_912.0; // 1.5 * 2^23
const E32_LN2_HI: f32 = 0.693_359_375;
const E32_LN2_LO: f32 = -2.121_944_4e-4;
/// Cephes expf: exp(r) ~ 1 + r + r^2 P(r), P from the highest degree down.
const E32_P: [f32; 6] = [1.987_569_15e-4, 1.398_199_95e-3, 8.333_451_9e-3, 4.166_579_6e-2, 1.666_666_55e-1, 5.000_000_1e-1];

/// q(r) = sum_{i<12} c(i) r^i by Estrin's scheme (shorter dependency chains
/// than Horner); shared by the scalar twin and the SIMD lanes so that both
/// do the same operations in the same order. `r2` = r*r.
#[inline(always)]
fn estrin64<V: Copy, C: Fn(usize) -> V, A: Fn(V, V) -> V, M: Fn(V, V) -> V>(r: V, r2: V, c: C, add: A, mul: M) -> V {
    let r4 = mul(r2, r2);
    let r8 = mul(r4, r4);
    let p01 = add(c(0), mul(c(1), r));
    let p23 = add(c(2), mul(c(3), r));
    let p45 = add(c(4), mul(c(5), r));
    let p67 = add(c(6), mul(c(7), r));
    let p89 = add(c(8), mul(c(9), r));
    let pab = add(c(10), mul(c(11), r));
    let p03 = add(p01, mul(p23, r2));
    let p47 = add(p45, mul(p67, r2));
    let p8b = add(p89, mul(pab, r2));
    let p07 = add(p03, mul(p47, r4));
    add(p07, mul(p8b, r8))
}

/// The scalar twin of the SIMD f64 exponential (same operations, same order).
pub fn exp_fast_f64(x: f64) -> f64 {
    if !(x >= E64_LO && x <= E64_HI) {
        return x.exp();
    }
    let t = x * E64_LOG2E + E64_MAGIC;
    let k = t - E64_MAGIC;
    let r = (x - k * E64_LN2_HI) - k * E64_LN2_LO;
    let q = estrin64(r, r * r, |i| E64_Q[11 - i], |a, b| a + b, |a, b| a * b);
    let p = 1.0 + (r + (r * r) * q);
    let bits = (t.to_bits().wrapping_add(1023u64.wrapping_sub(E64_MAGIC.to_bits()))) << 52;
    p * f64::from_bits(bits)
}

/// The scalar twin of the SIMD f32 exponential.
pub fn exp_fast_f32(x: f32) -> f32 {
    if !(x >= E32_LO && x <= E32_HI) {
        return x.exp();
    }
    let t = x * E32_LOG2E + E32_MAGIC;
    let k = t - E32_MAGIC;
    let r = (x - k * E32_LN2_HI) - k * E32_LN2_LO;
    let mut q = E32_P[0];
    for &c in &E32_P[1..] {
        q = q * r + c;
    }
    let p = (r * r) * q + r + 1.0;
    let bits = (t.to_bits().wrapping_add(127u32.wrapping_sub(E32_MAGIC.to_bits()))) << 23;
    p * f32::from_bits(bits)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    //! simd128 bodies. Loads/stores are unaligned v128 accesses inside slices
    //! whose sizes the asserts check; lengths are multiples of the lane count
    //! by construction (np, dp in attend.rs).
    use super::*;
    use core::arch::wasm32::*;

    // ---------------- alignments: register-blocked tiles ----------------

    /// R rows x V vectors of one panel: acc[r][v] = sum_c q_r[c] x[c][v], c ascending.
    /// `qt` at row r0 of coordinate 0 (stride rb per coordinate), `px` at the
    /// panel's lane offset (stride PANEL per coordinate), `out` at row r0, token j0.
    #[inline(always)]
    unsafe fn tile64<const R: usize, const V: usize, const FUSE: bool>(
        qt: *const f64,
        rb: usize,
        d: usize,
        px: *const f64,
        out: *mut f64,
        np: usize,
        mv: *mut v128,
    ) {
        const PW: usize = 8;
        let mut acc = [[f64x2_splat(0.0); V]; R];
        let mut x = [f64x2_splat(0.0); V];
        for v in 0..V {
            x[v] = v128_load(px.add(2 * v) as *const v128);
        }
        for r in 0..R {
            let s = v128_load64_splat(qt.add(r) as *const u64);
            for v in 0..V {
                acc[r][v] = f64x2_mul(s, x[v]);
            }
        }
        let mut pc = px;
        let mut qc = qt;
        for _ in 1..d {
            pc = pc.add(PW);
            qc = qc.add(rb);
            for v in 0..V {
                x[v] = v128_load(pc.add(2 * v) as *const v128);
            }
            for r in 0..R {
                let s = v128_load64_splat(qc.add(r) as *const u64);
                for v in 0..V {
                    acc[r][v] = f64x2_add(acc[r][v], f64x2_mul(s, x[v]));
                }
            }
        }
        for r in 0..R {
            for v in 0..V {
                v128_store(out.add(r * np + 2 * v) as *mut v128, acc[r][v]);
            }
        }
        if FUSE {
            // Running maxima of the block's rows (pmax: one maxpd; no NaN here, see align_block).
            for r in 0..R {
                let mut m = v128_load(mv.add(r));
                for v in 0..V {
                    m = f64x2_pmax(m, acc[r][v]);
                }
                v128_store(mv.add(r), m);
            }
        }
    }

    #[inline(always)]
    unsafe fn tile32<const R: usize, const V: usize, const FUSE: bool>(
        qt: *const f32,
        rb: usize,
        d: usize,
        px: *const f32,
        out: *mut f32,
        np: usize,
        mv: *mut v128,
    ) {
        const PW: usize = 16;
        let mut acc = [[f32x4_splat(0.0); V]; R];
        let mut x = [f32x4_splat(0.0); V];
        for v in 0..V {
            x[v] = v128_load(px.add(4 * v) as *const v128);
        }
        for r in 0..R {
            let s = v128_load32_splat(qt.add(r) as *const u32);
            for v in 0..V {
                acc[r][v] = f32x4_mul(s, x[v]);
            }
        }
        let mut pc = px;
        let mut qc = qt;
        for _ in 1..d {
            pc = pc.add(PW);
            qc = qc.add(rb);
            for v in 0..V {
                x[v] = v128_load(pc.add(4 * v) as *const v128);
            }
            for r in 0..R {
                let s = v128_load32_splat(qc.add(r) as *const u32);
                for v in 0..V {
                    acc[r][v] = f32x4_add(acc[r][v], f32x4_mul(s, x[v]));
                }
            }
        }
        for r in 0..R {
            for v in 0..V {
                v128_store(out.add(r * np + 4 * v) as *mut v128, acc[r][v]);
            }
        }
        if FUSE {
            // Running maxima of the block's rows (pmax: one maxpd; no NaN here, see align_block).
            for r in 0..R {
                let mut m = v128_load(mv.add(r));
                for v in 0..V {
                    m = f32x4_pmax(m, acc[r][v]);
                }
                v128_store(mv.add(r), m);
            }
        }
    }

    /// Tile shape (rows x vectors): 4 x 2 keeps 8 accumulators, 2 vectors of
    /// x and one splat in V8's 15 allocatable xmm registers.
    const A64_R: usize = 4;
    const A64_V: usize = 2;
    const A32_R: usize = 4;
    const A32_V: usize = 2;

    #[inline(never)]
    pub fn align64(qt: &[f64], rb: usize, d: usize, xp: &[f64], np: usize, n: usize, out: &mut [f64], maxes: &mut [f64]) {
        const PW: usize = 8;
        assert!(d >= 1 && rb % A64_R == 0 && rb <= ROWS && np % PW == 0 && n >= 1 && n <= np);
        assert!(qt.len() >= rb * d && xp.len() >= np * d && out.len() >= rb * np && maxes.len() >= rb);
        let (qp, xpp, op) = (qt.as_ptr(), xp.as_ptr(), out.as_mut_ptr());
        let mut mv = [f64x2_splat(f64::NEG_INFINITY); ROWS];
        let mvp = mv.as_mut_ptr();
        // Panels wholly below n update the running maxima; a last partial
        // panel (pad tokens align to 0) is maximised over its real tokens below.
        let full = n / PW * PW;
        unsafe {
            let mut p = 0;
            while p < np {
                let panel = xpp.add(p * d);
                let mut r0 = 0;
                while r0 < rb {
                    let mut v0 = 0;
                    while v0 < PW / 2 {
                        let (q, x, o) = (qp.add(r0), panel.add(2 * v0), op.add(r0 * np + p + 2 * v0));
                        if p < full {
                            tile64::<A64_R, A64_V, true>(q, rb, d, x, o, np, mvp.add(r0));
                        } else {
                            tile64::<A64_R, A64_V, false>(q, rb, d, x, o, np, mvp.add(r0));
                        }
                        v0 += A64_V;
                    }
                    r0 += A64_R;
                }
                p += PW;
            }
        }
        for r in 0..rb {
            let mut m = f64::NEG_INFINITY;
            if full > 0 {
                let lanes: [f64; 2] = unsafe { core::mem::transmute(mv[r]) };
                m = lanes[0];
                for &x in &lanes[1..] {
                    if x > m {
                        m = x;
                    }
                }
            }
            for &x in &out[r * np + full..r * np + n] {
                if !(x <= m) {
                    m = x;
                }
            }
            maxes[r] = m;
        }
    }


    #[inline(never)]
    pub fn align32(qt: &[f32], rb: usize, d: usize, xp: &[f32], np: usize, n: usize, out: &mut [f32], maxes: &mut [f32]) {
        const PW: usize = 16;
        assert!(d >= 1 && rb % A32_R == 0 && rb <= ROWS && np % PW == 0 && n >= 1 && n <= np);
        assert!(qt.len() >= rb * d && xp.len() >= np * d && out.len() >= rb * np && maxes.len() >= rb);
        let (qp, xpp, op) = (qt.as_ptr(), xp.as_ptr(), out.as_mut_ptr());
        let mut mv = [f32x4_splat(f32::NEG_INFINITY); ROWS];
        let mvp = mv.as_mut_ptr();
        // Panels wholly below n update the running maxima; a last partial
        // panel (pad tokens align to 0) is maximised over its real tokens below.
        let full = n / PW * PW;
        unsafe {
            let mut p = 0;
            while p < np {
                let panel = xpp.add(p * d);
                let mut r0 = 0;
                while r0 < rb {
                    let mut v0 = 0;
                    while v0 < PW / 4 {
                        let (q, x, o) = (qp.add(r0), panel.add(4 * v0), op.add(r0 * np + p + 4 * v0));
                        if p < full {
                            tile32::<A32_R, A32_V, true>(q, rb, d, x, o, np, mvp.add(r0));
                        } else {
                            tile32::<A32_R, A32_V, false>(q, rb, d, x, o, np, mvp.add(r0));
                        }
                        v0 += A32_V;
                    }
                    r0 += A32_R;
                }
                p += PW;
            }
        }
        for r in 0..rb {
            let mut m = f32::NEG_INFINITY;
            if full > 0 {
                let lanes: [f32; 4] = unsafe { core::mem::transmute(mv[r]) };
                m = lanes[0];
                for &x in &lanes[1..] {
                    if x > m {
                        m = x;
                    }
                }
            }
            for &x in &out[r * np + full..r * np + n] {
                if !(x <= m) {
                    m = x;
                }
            }
            maxes[r] = m;
        }
    }


    // ---------------- row maximum ----------------

    #[inline(never)]
    pub fn max64(a: &[f64], n: usize) -> f64 {
        assert!(n >= 1 && a.len() >= n);
        let full = n / 8 * 8;
        let mut m = a[0];
        if full >= 8 {
            unsafe {
                let p = a.as_ptr() as *const v128;
                let (mut v0, mut v1, mut v2, mut v3) = (v128_load(p), v128_load(p.add(1)), v128_load(p.add(2)), v128_load(p.add(3)));
                let mut j = 8;
                while j < full {
                    let q = a.as_ptr().add(j) as *const v128;
                    v0 = f64x2_max(v0, v128_load(q));
                    v1 = f64x2_max(v1, v128_load(q.add(1)));
                    v2 = f64x2_max(v2, v128_load(q.add(2)));
                    v3 = f64x2_max(v3, v128_load(q.add(3)));
                    j += 8;
                }
                // f64x2.max propagates NaN, so a NaN anywhere reaches m.
                let v = f64x2_max(f64x2_max(v0, v1), f64x2_max(v2, v3));
                let (x0, x1) = (f64x2_extract_lane::<0>(v), f64x2_extract_lane::<1>(v));
                m = x0;
                if !(x1 <= m) {
                    m = x1;
                }
            }
        }
        for &x in &a[full..n] {
            if !(x <= m) {
                m = x;
            }
        }
        m
    }

    #[inline(never)]
    pub fn max32(a: &[f32], n: usize) -> f32 {
        assert!(n >= 1 && a.len() >= n);
        let full = n / 16 * 16;
        let mut m = a[0];
        if full >= 16 {
            unsafe {
                let p = a.as_ptr() as *const v128;
                let (mut v0, mut v1, mut v2, mut v3) = (v128_load(p), v128_load(p.add(1)), v128_load(p.add(2)), v128_load(p.add(3)));
                let mut j = 16;
                while j < full {
                    let q = a.as_ptr().add(j) as *const v128;
                    v0 = f32x4_max(v0, v128_load(q));
                    v1 = f32x4_max(v1, v128_load(q.add(1)));
                    v2 = f32x4_max(v2, v128_load(q.add(2)));
                    v3 = f32x4_max(v3, v128_load(q.add(3)));
                    j += 16;
                }
                let v = f32x4_max(f32x4_max(v0, v1), f32x4_max(v2, v3));
                m = f32x4_extract_lane::<0>(v);
                for x in [f32x4_extract_lane::<1>(v), f32x4_extract_lane::<2>(v), f32x4_extract_lane::<3>(v)] {
                    if !(x <= m) {
                        m = x;
                    }
                }
            }
        }
        for &x in &a[full..n] {
            if !(x <= m) {
                m = x;
            }
        }
        m
    }

    // ---------------- threshold members: scan and gather ----------------

    /// Scan: the indices j < n with row[j] >= thr, ascending, into `mem`.
    macro_rules! scan_impl {
        ($name:ident, $t:ty, $lanes:expr, $splat:ident, $ge:ident, $bitmask:ident) => {
            #[inline(always)]
            fn $name(row: &[$t], n: usize, thr: $t, mem: &mut [u32]) -> usize {
                const W: usize = 4 * $lanes;
                assert!(row.len() >= n && mem.len() >= n);
                let mut count = 0usize;
                let t = $splat(thr);
                let full = n / W * W;
                let rp = row.as_ptr();
                let mp = mem.as_mut_ptr();
                let mut j = 0;
                unsafe {
                    while j < full {
                        let q = rp.add(j) as *const v128;
                        let m0 = $ge(v128_load(q), t);
                        let m1 = $ge(v128_load(q.add(1)), t);
                        let m2 = $ge(v128_load(q.add(2)), t);
                        let m3 = $ge(v128_load(q.add(3)), t);
                        if v128_any_true(v128_or(v128_or(m0, m1), v128_or(m2, m3))) {
                            let mut bits = ($bitmask(m0) as u32)
                                | (($bitmask(m1) as u32) << $lanes)
                                | (($bitmask(m2) as u32) << (2 * $lanes))
                                | (($bitmask(m3) as u32) << (3 * $lanes));
                            while bits != 0 {
                                *mp.add(count) = (j + bits.trailing_zeros() as usize) as u32;
                                count += 1;
                                bits &= bits - 1;
                            }
                        }
                        j += W;
                    }
                    while j < n {
                        if *rp.add(j) >= thr {
                            *mp.add(count) = j as u32;
                            count += 1;
                        }
                        j += 1;
                    }
                }
                count
            }
        };
    }
    scan_impl!(scan64, f64, 2, f64x2_splat, f64x2_ge, i64x2_bitmask);
    scan_impl!(scan32, f32, 4, f32x4_splat, f32x4_ge, i32x4_bitmask);

    /// y[v] = sum over the members (ascending) of their rows' vector v, for NV
    /// vectors held in registers; each lane (coordinate) is its own sequential sum.
    macro_rules! gather_impl {
        ($tile:ident, $all:ident, $t:ty, $lanes:expr, $add:ident, $splat:ident) => {
            #[inline(always)]
            unsafe fn $tile<const NV: usize>(mem: &[u32], xr: *const $t, dp: usize, y: *mut $t) {
                let mut acc = [$splat(0.0); NV];
                for &j in mem {
                    let p = xr.add(j as usize * dp) as *const v128;
                    for v in 0..NV {
                        acc[v] = $add(acc[v], v128_load(p.add(v)));
                    }
                }
                for v in 0..NV {
                    v128_store((y as *mut v128).add(v), acc[v]);
                }
            }

            #[inline(always)]
            fn $all(mem: &[u32], n: usize, xr: &[$t], dp: usize, y: &mut [$t]) {
                assert!(dp % $lanes == 0 && xr.len() >= n * dp && y.len() >= dp);
                for &j in mem {
                    assert!((j as usize) < n);
                }
                let nv = dp / $lanes;
                let (xp, yp) = (xr.as_ptr(), y.as_mut_ptr());
                let mut v0 = 0;
                unsafe {
                    while nv - v0 >= 8 {
                        $tile::<8>(mem, xp.add($lanes * v0), dp, yp.add($lanes * v0));
                        v0 += 8;
                    }
                    let (xv, yv) = (xp.add($lanes * v0), yp.add($lanes * v0));
                    match nv - v0 {
                        0 => {}
                        1 => $tile::<1>(mem, xv, dp, yv),
                        2 => $tile::<2>(mem, xv, dp, yv),
                        3 => $tile::<3>(mem, xv, dp, yv),
                        4 => $tile::<4>(mem, xv, dp, yv),
                        5 => $tile::<5>(mem, xv, dp, yv),
                        6 => $tile::<6>(mem, xv, dp, yv),
                        _ => $tile::<7>(mem, xv, dp, yv),
                    }
                }
            }
        };
    }
    gather_impl!(gtile64, gather64, f64, 2, f64x2_add, f64x2_splat);
    gather_impl!(gtile32, gather32, f32, 4, f32x4_add, f32x4_splat);

    #[inline(never)]
    pub fn tsum64(row: &[f64], n: usize, thr: f64, xr: &[f64], dp: usize, mem: &mut [u32], y: &mut [f64]) -> usize {
        let count = scan64(row, n, thr, mem);
        gather64(&mem[..count], n, xr, dp, y);
        count
    }

    #[inline(never)]
    pub fn tsum32(row: &[f32], n: usize, thr: f32, xr: &[f32], dp: usize, mem: &mut [u32], y: &mut [f32]) -> usize {
        let count = scan32(row, n, thr, mem);
        gather32(&mem[..count], n, xr, dp, y);
        count
    }

    // ---------------- softmax weights ----------------

    /// A value the optimisers cannot see through. V8 re-materialises every
    /// v128.const at each use (several instructions on x64), and LLVM and
    /// binaryen fold constants back into loops; a volatile read makes a
    /// constant a plain local, kept in a register (or one spill slot).
    #[inline(always)]
    fn opaque(v: v128) -> v128 {
        unsafe { core::ptr::read_volatile(&v) }
    }

    /// The exponential's constants as splatted locals, built once per row.
    struct E64 {
        lo: v128,
        hi: v128,
        log2e: v128,
        magic: v128,
        ln2_hi: v128,
        ln2_lo: v128,
        q: [v128; 12],
        one: v128,
        bias: v128,
    }

    impl E64 {
        #[inline(always)]
        fn new() -> E64 {
            let mut q = [f64x2_splat(0.0); 12];
            for k in 0..12 {
                q[k] = opaque(f64x2_splat(E64_Q[k]));
            }
            E64 {
                lo: opaque(f64x2_splat(E64_LO)),
                hi: opaque(f64x2_splat(E64_HI)),
                log2e: opaque(f64x2_splat(E64_LOG2E)),
                magic: opaque(f64x2_splat(E64_MAGIC)),
                ln2_hi: opaque(f64x2_splat(E64_LN2_HI)),
                ln2_lo: opaque(f64x2_splat(E64_LN2_LO)),
                q,
                one: opaque(f64x2_splat(1.0)),
                bias: opaque(i64x2_splat(1023i64.wrapping_sub(E64_MAGIC.to_bits() as i64))),
            }
        }
    }

    #[inline(always)]
    fn exp64x2(x: v128, e: &E64) -> v128 {
        let ok = v128_and(f64x2_ge(x, e.lo), f64x2_le(x, e.hi));
        if !i64x2_all_true(ok) {
            return f64x2(exp_fast_f64(f64x2_extract_lane::<0>(x)), exp_fast_f64(f64x2_extract_lane::<1>(x)));
        }
        let t = f64x2_add(f64x2_mul(x, e.log2e), e.magic);
        let k = f64x2_sub(t, e.magic);
        let r = f64x2_sub(f64x2_sub(x, f64x2_mul(k, e.ln2_hi)), f64x2_mul(k, e.ln2_lo));
        let r2 = f64x2_mul(r, r);
        let q = estrin64(r, r2, |i| e.q[11 - i], |a, b| f64x2_add(a, b), |a, b| f64x2_mul(a, b));
        let p = f64x2_add(e.one, f64x2_add(r, f64x2_mul(r2, q)));
        let scale = i64x2_shl(i64x2_add(t, e.bias), 52);
        f64x2_mul(p, scale)
    }

    struct E32 {
        lo: v128,
        hi: v128,
        log2e: v128,
        magic: v128,
        ln2_hi: v128,
        ln2_lo: v128,
        p: [v128; 6],
        one: v128,
        bias: v128,
    }

    impl E32 {
        #[inline(always)]
        fn new() -> E32 {
            let mut p = [f32x4_splat(0.0); 6];
            for k in 0..6 {
                p[k] = opaque(f32x4_splat(E32_P[k]));
            }
            E32 {
                lo: opaque(f32x4_splat(E32_LO)),
                hi: opaque(f32x4_splat(E32_HI)),
                log2e: opaque(f32x4_splat(E32_LOG2E)),
                magic: opaque(f32x4_splat(E32_MAGIC)),
                ln2_hi: opaque(f32x4_splat(E32_LN2_HI)),
                ln2_lo: opaque(f32x4_splat(E32_LN2_LO)),
                p,
                one: opaque(f32x4_splat(1.0)),
                bias: opaque(i32x4_splat(127i32.wrapping_sub(E32_MAGIC.to_bits() as i32))),
            }
        }
    }

    #[inline(always)]
    fn exp32x4(x: v128, e: &E32) -> v128 {
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
        let mut q = e.p[0];
        for c in 1..6 {
            q = f32x4_add(f32x4_mul(q, r), e.p[c]);
        }
        let p = f32x4_add(f32x4_add(f32x4_mul(f32x4_mul(r, r), q), r), e.one);
        let scale = i32x4_shl(i32x4_add(t, e.bias), 23);
        f32x4_mul(p, scale)
    }

    #[inline(never)]
    pub fn exprow64(row: &mut [f64], n: usize, beta: f64, m: f64) -> f64 {
        assert!(row.len() >= n);
        let (vb, vm) = (f64x2_splat(beta), f64x2_splat(m));
        let mut tot = f64x2_splat(0.0);
        let full = n / 2 * 2;
        let p = row.as_mut_ptr();
        let e = E64::new();
        let mut j = 0;
        unsafe {
            while j < full {
                let q = p.add(j) as *mut v128;
                let w = exp64x2(f64x2_mul(vb, f64x2_sub(v128_load(q), vm)), &e);
                v128_store(q, w);
                tot = f64x2_add(tot, w);
                j += 2;
            }
        }
        let mut total = f64x2_extract_lane::<0>(tot) + f64x2_extract_lane::<1>(tot);
        for v in row[full..n].iter_mut() {
            let w = exp_fast_f64(beta * (*v - m));
            *v = w;
            total += w;
        }
        for v in row[n..].iter_mut() {
            *v = 0.0;
        }
        total
    }

    #[inline(never)]
    pub fn exprow32(row: &mut [f32], n: usize, beta: f32, m: f32) -> f32 {
        assert!(row.len() >= n);
        let (vb, vm) = (f32x4_splat(beta), f32x4_splat(m));
        let mut tot = f32x4_splat(0.0);
        let full = n / 4 * 4;
        let p = row.as_mut_ptr();
        let e = E32::new();
        let mut j = 0;
        unsafe {
            while j < full {
                let q = p.add(j) as *mut v128;
                let w = exp32x4(f32x4_mul(vb, f32x4_sub(v128_load(q), vm)), &e);
                v128_store(q, w);
                tot = f32x4_add(tot, w);
                j += 4;
            }
        }
        let mut total = (f32x4_extract_lane::<0>(tot) + f32x4_extract_lane::<1>(tot))
            + (f32x4_extract_lane::<2>(tot) + f32x4_extract_lane::<3>(tot));
        for v in row[full..n].iter_mut() {
            let w = exp_fast_f32(beta * (*v - m));
            *v = w;
            total += w;
        }
        for v in row[n..].iter_mut() {
            *v = 0.0;
        }
        total
    }

    // ---------------- weighted sums: Y = W X over a block of rows ----------------
    //
    // Over the packed panels, lanes run over tokens: acc[r][c] += w_r[j..] * x[c][j..],
    // then one horizontal sum per (r, c). R + C loads per R x C multiply-adds,
    // both streams contiguous.

    macro_rules! wsum_impl {
        ($tile:ident, $all:ident, $t:ty, $lanes:expr, $pw:expr, $splat:ident, $add:ident, $mul:ident, $hsum:ident) => {
            #[inline(always)]
            unsafe fn $tile<const R: usize, const C: usize>(w: *const $t, np: usize, xp: *const $t, d: usize, y: *mut $t, dp: usize) {
                let mut acc = [[$splat(0.0); C]; R];
                let mut p = 0;
                while p < np {
                    let panel = xp.add(p * d);
                    for h in 0..$pw / $lanes {
                        let mut xv = [$splat(0.0); C];
                        for c in 0..C {
                            xv[c] = v128_load(panel.add(c * $pw + h * $lanes) as *const v128);
                        }
                        for r in 0..R {
                            let wv = v128_load(w.add(r * np + p + h * $lanes) as *const v128);
                            for c in 0..C {
                                acc[r][c] = $add(acc[r][c], $mul(wv, xv[c]));
                            }
                        }
                    }
                    p += $pw;
                }
                for r in 0..R {
                    for c in 0..C {
                        *y.add(r * dp + c) = $hsum(acc[r][c]);
                    }
                }
            }

            #[inline(never)]
            pub fn $all(w: &[$t], rb: usize, np: usize, xp: &[$t], d: usize, dp: usize, y: &mut [$t]) {
                assert!(rb % 4 == 0 && np % $pw == 0 && w.len() >= rb * np && xp.len() >= np * d && dp >= d && y.len() >= rb * dp);
                let (wp, xpp, yp) = (w.as_ptr(), xp.as_ptr(), y.as_mut_ptr());
                unsafe {
                    let mut r0 = 0;
                    while r0 < rb {
                        let mut c0 = 0;
                        while c0 + 2 <= d {
                            $tile::<4, 2>(wp.add(r0 * np), np, xpp.add(c0 * $pw), d, yp.add(r0 * dp + c0), dp);
                            c0 += 2;
                        }
                        if c0 < d {
                            $tile::<4, 1>(wp.add(r0 * np), np, xpp.add(c0 * $pw), d, yp.add(r0 * dp + c0), dp);
                        }
                        r0 += 4;
                    }
                }
            }
        };
    }

    #[inline(always)]
    fn hsum64(v: v128) -> f64 {
        f64x2_extract_lane::<0>(v) + f64x2_extract_lane::<1>(v)
    }
    #[inline(always)]
    fn hsum32(v: v128) -> f32 {
        (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<1>(v)) + (f32x4_extract_lane::<2>(v) + f32x4_extract_lane::<3>(v))
    }

    wsum_impl!(wtile64, wsum64, f64, 2, 8, f64x2_splat, f64x2_add, f64x2_mul, hsum64);
    wsum_impl!(wtile32, wsum32, f32, 4, 16, f32x4_splat, f32x4_add, f32x4_mul, hsum32);

    // ---------------- the multiply-add peak ----------------

    /// `iterations` rounds of 12 independent chains acc = acc * a + b (one
    /// mul and one add per chain and round, all in registers).
    #[inline(never)]
    pub fn peak64(iterations: u32) -> f64 {
        let a = opaque(f64x2_splat(0.999_999));
        let b = opaque(f64x2_splat(1e-6));
        let mut acc = [f64x2_splat(0.0); 12];
        for k in 0..12 {
            acc[k] = opaque(f64x2_splat(k as f64 * 0.01));
        }
        for _ in 0..iterations {
            for k in 0..12 {
                acc[k] = f64x2_add(f64x2_mul(acc[k], a), b);
            }
        }
        let mut s = f64x2_splat(0.0);
        for k in 0..12 {
            s = f64x2_add(s, acc[k]);
        }
        f64x2_extract_lane::<0>(s) + f64x2_extract_lane::<1>(s)
    }

    #[inline(never)]
    pub fn peak32(iterations: u32) -> f32 {
        let a = opaque(f32x4_splat(0.999_99));
        let b = opaque(f32x4_splat(1e-5));
        let mut acc = [f32x4_splat(0.0); 12];
        for k in 0..12 {
            acc[k] = opaque(f32x4_splat(k as f32 * 0.01));
        }
        for _ in 0..iterations {
            for k in 0..12 {
                acc[k] = f32x4_add(f32x4_mul(acc[k], a), b);
            }
        }
        let mut s = f32x4_splat(0.0);
        for k in 0..12 {
            s = f32x4_add(s, acc[k]);
        }
        f32x4_extract_lane::<0>(s) + f32x4_extract_lane::<1>(s) + f32x4_extract_lane::<2>(s) + f32x4_extract_lane::<3>(s)
    }
}

/// Multiply-add peak micro-benchmark: runs `iterations` rounds of 12
/// independent f64x2 chains (acc = acc * a + b) in registers, i.e.
/// 48 flops per round. Time it from JS; GF/s = 48 * iterations / t.
/// Returns the sum of the chains (so the work cannot be optimised away).
#[no_mangle]
pub extern "C" fn ad_peak_f64(iterations: u32) -> f64 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::peak64(iterations)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let mut acc = [0.0f64; 24];
        for _ in 0..iterations {
            for a in acc.iter_mut() {
                *a = *a * 0.999_999 + 1e-6;
            }
        }
        acc.iter().sum()
    }
}

/// As `ad_peak_f64` with 12 f32x4 chains: 96 flops per round.
#[no_mangle]
pub extern "C" fn ad_peak_f32(iterations: u32) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::peak32(iterations)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let mut acc = [0.0f32; 48];
        for _ in 0..iterations {
            for a in acc.iter_mut() {
                *a = *a * 0.999_99 + 1e-5;
            }
        }
        acc.iter().sum()
    }
}

macro_rules! real_impl {
    ($t:ty, $lanes:expr, $panel:expr, $safe:expr, $expf:ident, $align:ident, $max:ident, $tsum:ident, $exprow:ident, $wsum:ident) => {
        impl Real for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const LANES: usize = $lanes;
            const PANEL: usize = $panel;
            const SAFE: f64 = $safe;
            const EPS: Self = <$t>::EPSILON;
            const MIN_POSITIVE: Self = <$t>::MIN_POSITIVE;
            #[inline(always)]
            fn from_f64(v: f64) -> Self { v as $t }
            #[inline(always)]
            fn from_usize(v: usize) -> Self { v as $t }
            #[inline(always)]
            fn to_f64(self) -> f64 { self as f64 }
            #[inline(always)]
            fn exp(self) -> Self { <$t>::exp(self) }
            #[inline(always)]
            fn exp_fast(self) -> Self { $expf(self) }
            #[inline(always)]
            fn abs(self) -> Self { <$t>::abs(self) }
            #[inline(always)]
            fn sqrt(self) -> Self { <$t>::sqrt(self) }
            #[inline(always)]
            fn is_finite(self) -> bool { <$t>::is_finite(self) }

            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            fn align_block(qt: &[Self], rb: usize, d: usize, xp: &[Self], np: usize, n: usize, out: &mut [Self], maxes: &mut [Self]) {
                simd::$align(qt, rb, d, xp, np, n, out, maxes)
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            fn row_max(a: &[Self], n: usize) -> Self {
                simd::$max(a, n)
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            fn threshold_sum(row: &[Self], n: usize, thr: Self, xr: &[Self], dp: usize, members: &mut [u32], y: &mut [Self]) -> usize {
                simd::$tsum(row, n, thr, xr, dp, members, y)
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            fn exp_row(row: &mut [Self], n: usize, beta: Self, m: Self) -> Self {
                simd::$exprow(row, n, beta, m)
            }
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            fn wsum_block(w: &[Self], rb: usize, np: usize, xp: &[Self], d: usize, dp: usize, y: &mut [Self]) {
                simd::$wsum(w, rb, np, xp, d, dp, y)
            }
        }
    };
}

real_impl!(f64, 2, 8, 1e300, exp_fast_f64, align64, max64, tsum64, exprow64, wsum64);
real_impl!(f32, 4, 16, 1e36, exp_fast_f32, align32, max32, tsum32, exprow32, wsum32);

#[cfg(test)]
mod tests {
    use super::*;

    /// Max relative error of `f` against `reference` over `steps` points of [lo, hi].
    fn max_rel<F: Fn(f64) -> f64, G: Fn(f64) -> f64>(f: F, reference: G, lo: f64, hi: f64, steps: usize) -> f64 {
        let mut worst = 0.0f64;
        for k in 0..=steps {
            let x = lo + (hi - lo) * (k as f64) / (steps as f64);
            let (a, b) = (f(x), reference(x));
            let e = ((a - b) / b).abs();
            if e > worst {
                worst = e;
            }
        }
        worst
    }

    #[test]
    fn fast_exp_f64_accuracy() {
        // Softmax weights are exp of values <= 0; cover the whole fast range too.
        // The js reference uses Math.exp; conformance needs ~1e-15 relative per weight.
        let w1 = max_rel(exp_fast_f64, f64::exp, -50.0, 0.0, 2_000_000);
        let w2 = max_rel(exp_fast_f64, f64::exp, -708.0, 709.0, 2_000_000);
        let w3 = max_rel(exp_fast_f64, f64::exp, -1.0, 1.0, 2_000_000);
        let worst = w1.max(w2).max(w3);
        println!("fast exp f64: max relative error {:e} ({:.2} ulp of 1)", worst, worst / f64::EPSILON);
        assert!(worst <= 3.0 * f64::EPSILON, "max relative error {:e}", worst);
        // Special inputs go to libm.
        assert_eq!(exp_fast_f64(0.0), 1.0);
        assert_eq!(exp_fast_f64(f64::NEG_INFINITY), 0.0);
        assert!(exp_fast_f64(f64::NAN).is_nan());
        assert_eq!(exp_fast_f64(-746.0), 0.0);
        assert_eq!(exp_fast_f64(-720.0), (-720.0f64).exp());
        assert_eq!(exp_fast_f64(710.0), f64::INFINITY);
    }

    #[test]
    fn fast_exp_f32_accuracy() {
        let f = |x: f64| exp_fast_f32(x as f32) as f64;
        // Reference: f64 exp of the same f32 input.
        let g = |x: f64| ((x as f32) as f64).exp();
        let worst = max_rel(f, g, -87.0, 88.0, 2_000_000).max(max_rel(f, g, -20.0, 0.0, 2_000_000));
        println!("fast exp f32: max relative error {:e} ({:.2} ulp of 1)", worst, worst / (f32::EPSILON as f64));
        assert!(worst <= 3.0 * f32::EPSILON as f64, "max relative error {:e}", worst);
        assert_eq!(exp_fast_f32(0.0), 1.0);
        assert_eq!(exp_fast_f32(f32::NEG_INFINITY), 0.0);
        assert!(exp_fast_f32(f32::NAN).is_nan());
    }

    fn cloud(n: usize, d: usize, seed: u64) -> Vec<f64> {
        let mut rng = crate::prng::SplitMix64::new(seed);
        (0..n * d).map(|_| 2.0 * rng.next_f64() - 1.0).collect()
    }

    #[test]
    fn align_block_matches_sequential_sums() {
        for &(n, d) in &[(1usize, 1usize), (5, 3), (17, 2), (33, 7)] {
            let x = cloud(n, d, 3 + n as u64);
            let np = (n + 7) / 8 * 8;
            let mut xp = vec![0.0f64; np * d];
            for j in 0..n {
                for c in 0..d {
                    xp[(j / 8 * d + c) * 8 + j % 8] = x[j * d + c];
                }
            }
            let rb = ROWS;
            let mut qt = vec![0.0f64; rb * d];
            for r in 0..rb.min(n) {
                for c in 0..d {
                    qt[c * rb + r] = x[r * d + c];
                }
            }
            let mut out = vec![0.0f64; rb * np];
            let mut maxes = vec![0.0f64; rb];
            f64::align_block(&qt, rb, d, &xp, np, n, &mut out, &mut maxes);
            for r in 0..rb.min(n) {
                for j in 0..n {
                    let mut s = 0.0;
                    for c in 0..d {
                        s += x[r * d + c] * x[j * d + c];
                    }
                    assert_eq!(out[r * np + j], s, "n={} d={} r={} j={}", n, d, r, j);
                }
                let m = out[r * np..r * np + n].iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                assert_eq!(maxes[r], m);
            }
        }
    }

    #[test]
    fn threshold_sum_is_ascending_and_wsum_matches() {
        let (n, d) = (37usize, 3usize);
        let dp = 4;
        let x = cloud(n, d, 9);
        let mut xr = vec![0.0f64; n * dp];
        for j in 0..n {
            xr[j * dp..j * dp + d].copy_from_slice(&x[j * d..j * d + d]);
        }
        let row: Vec<f64> = (0..n).map(|j| x[j * d]).collect();
        let mut y = vec![0.0f64; dp];
        let mut members = vec![0u32; n];
        let cnt = f64::threshold_sum(&row, n, 0.25, &xr, dp, &mut members, &mut y);
        let mut want = [0.0f64; 3];
        let mut wc = 0;
        for j in 0..n {
            if row[j] >= 0.25 {
                wc += 1;
                for c in 0..d {
                    want[c] += x[j * d + c];
                }
            }
        }
        assert_eq!(cnt, wc);
        assert_eq!(&y[..d], &want[..]);
        assert_eq!(y[3], 0.0);

        let np = 40;
        let rb = ROWS;
        let mut w = vec![0.0f64; rb * np];
        for r in 0..rb {
            for j in 0..n {
                w[r * np + j] = ((r * 7 + j) % 5) as f64 * 0.25;
            }
        }
        let mut xp = vec![0.0f64; np * d];
        for j in 0..n {
            for c in 0..d {
                xp[(j / 8 * d + c) * 8 + j % 8] = x[j * d + c];
            }
        }
        let mut yw = vec![0.0f64; rb * dp];
        f64::wsum_block(&w, rb, np, &xp, d, dp, &mut yw);
        for r in 0..rb {
            for c in 0..d {
                let s: f64 = (0..n).map(|j| w[r * np + j] * x[j * d + c]).sum();
                assert!((yw[r * dp + c] - s).abs() <= 1e-14, "r={} c={}", r, c);
            }
        }
    }
}
