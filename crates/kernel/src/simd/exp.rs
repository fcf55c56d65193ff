//! The fast exponential of the softmax weights: its constants, the scalar
//! functions (`exp_fast_f64`, `exp_fast_f32`: the twins of the vector lanes in
//! f64x2.rs and f32x4.rs, same operations in the same order), and the kernel
//! `exp_row`, written once over `Lane`.
//!
//! exp(x) = 2^k exp(r), k = round(x / ln 2), r = x - k ln2 (Cody-Waite, ln 2
//! split in two so k*LN2_HI is exact), |r| <= 0.35; exp(r) by a polynomial;
//! 2^k built in the exponent bits. Valid where 2^k is normal; other inputs
//! (and NaN) go to libm. The rounding of k uses the 1.5*2^52 (1.5*2^23) trick:
//! t = x/ln2 + MAGIC holds k in its low mantissa bits.
//!
//! f64: exp(r) = 1 + (r + r^2 q(r)), q the Taylor series of (e^r - 1 - r)/r^2
//! to r^11 (truncation < 1e-17 relative), evaluated by Estrin's scheme. Max relative error vs f64::exp
//! (correctly rounded to ~0.5 ulp) is measured by `fast_exp_f64_accuracy` (simd/tests.rs).
//! f32: Cephes expf's minimax polynomial, evaluated in f32.

pub(super) const E64_LO: f64 = -708.0;
pub(super) const E64_HI: f64 = 709.0;
pub(super) const E64_LOG2E: f64 = 1.442_695_040_888_963_4;
pub(super) const E64_MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52
pub(super) const E64_LN2_HI: f64 = 6.931_471_803_691_238_164_90e-01; // 0x3fe62e42_fee00000
pub(super) const E64_LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
/// 1/k! for k = 13 down to 2.
pub(super) const E64_Q: [f64; 12] = [
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

pub(super) const E32_LO: f32 = -87.0;
pub(super) const E32_HI: f32 = 88.0;
pub(super) const E32_LOG2E: f32 = 1.442_695_f32;
pub(super) const E32_MAGIC: f32 = 12_582_912.0; // 1.5 * 2^23
pub(super) const E32_LN2_HI: f32 = 0.693_359_375;
pub(super) const E32_LN2_LO: f32 = -2.121_944_4e-4;
/// Cephes expf: exp(r) ~ 1 + r + r^2 P(r), P from the highest degree down.
pub(super) const E32_P: [f32; 6] = [1.987_569_15e-4, 1.398_199_95e-3, 8.333_451_9e-3, 4.166_579_6e-2, 1.666_666_55e-1, 5.000_000_1e-1];

/// q(r) = sum_{i<12} c(i) r^i by Estrin's scheme (shorter dependency chains
/// than Horner); shared by the scalar twin and the SIMD lanes so that both
/// do the same operations in the same order. `r2` = r*r.
#[inline(always)]
pub(super) fn estrin64<V: Copy, C: Fn(usize) -> V, A: Fn(V, V) -> V, M: Fn(V, V) -> V>(r: V, r2: V, c: C, add: A, mul: M) -> V {
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

/// The fast f64 exponential (the scalar twin of the f64x2 lanes); libm outside [-708, 709].
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

/// The fast f32 exponential (the scalar twin of the f32x4 lanes); libm outside [-87, 88].
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

/// The vector exponential's constants as splatted locals, built once per row,
/// each read through `opaque` (mod.rs) so that V8 keeps it in a register
/// instead of rebuilding a v128.const at every use: N polynomial coefficients
/// and the exponent bias of 2^k (an integer splat).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub struct ExpConsts<const N: usize> {
    pub lo: core::arch::wasm32::v128,
    pub hi: core::arch::wasm32::v128,
    pub log2e: core::arch::wasm32::v128,
    pub magic: core::arch::wasm32::v128,
    pub ln2_hi: core::arch::wasm32::v128,
    pub ln2_lo: core::arch::wasm32::v128,
    pub poly: [core::arch::wasm32::v128; N],
    pub one: core::arch::wasm32::v128,
    pub bias: core::arch::wasm32::v128,
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl<const N: usize> ExpConsts<N> {
    /// Splat [lo, hi, log2e, magic, ln2_hi, ln2_lo] and the coefficients on lanes `L`.
    #[inline(always)]
    pub fn new<L: super::Lane>(c: [L::Elem; 6], poly: &[L::Elem; N], bias: core::arch::wasm32::v128) -> Self {
        use super::{opaque, Real};
        let mut p = [L::splat(L::Elem::ZERO); N];
        for k in 0..N {
            p[k] = opaque(L::splat(poly[k]));
        }
        ExpConsts {
            lo: opaque(L::splat(c[0])),
            hi: opaque(L::splat(c[1])),
            log2e: opaque(L::splat(c[2])),
            magic: opaque(L::splat(c[3])),
            ln2_hi: opaque(L::splat(c[4])),
            ln2_lo: opaque(L::splat(c[5])),
            poly: p,
            one: opaque(L::splat(L::Elem::ONE)),
            bias: opaque(bias),
        }
    }
}

/// `row[j] = exp_fast(beta (row[j] - m))` for j < n, 0 for n <= j < row.len();
/// returns the sum (lanes summed pairwise, then the tail in ascending j).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
pub fn exp_row<L: super::Lane>(row: &mut [L::Elem], n: usize, beta: L::Elem, m: L::Elem) -> L::Elem {
    use super::Real;
    let lanes = <L::Elem as Real>::LANES;
    assert!(row.len() >= n);
    let (vb, vm) = (L::splat(beta), L::splat(m));
    let mut tot = L::splat(L::Elem::ZERO);
    let full = n / lanes * lanes;
    let p = row.as_mut_ptr();
    let e = L::exp_consts();
    let mut j = 0;
    unsafe {
        while j < full {
            let q = p.add(j);
            let w = L::exp(L::mul(vb, L::sub(L::load(q), vm)), &e);
            L::store(q, w);
            tot = L::add(tot, w);
            j += lanes;
        }
    }
    let mut total = L::hsum(tot);
    for v in row[full..n].iter_mut() {
        let w = (beta * (*v - m)).exp_fast();
        *v = w;
        total = total + w;
    }
    for v in row[n..].iter_mut() {
        *v = L::Elem::ZERO;
    }
    total
}
