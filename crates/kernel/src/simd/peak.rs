//! The multiply-add peak micro-benchmark (cargo feature `bench` only: built
//! into pkg/kernel-bench.wasm by `node scripts/build-wasm.mjs --bench`, never
//! into the shipped pkg/kernel.wasm). bench/run.mjs times it from JS to put
//! the step throughput in proportion.
//!
//! Its constants are read through `opaque` (mod.rs), so that V8 keeps them
//! in registers instead of rebuilding each v128.const at every use.

use super::Real;

/// `iterations` rounds of 12 independent chains acc = acc * a + b (one mul and
/// one add per chain and round, all in registers); returns the chains' sum.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(never)]
fn peak<L: super::Lane>(iterations: u32, a: L::Elem, b: L::Elem) -> L::Elem {
    use super::opaque;
    let a = opaque(L::splat(a));
    let b = opaque(L::splat(b));
    let mut acc = [L::splat(L::Elem::ZERO); 12];
    for k in 0..12 {
        acc[k] = opaque(L::splat(L::Elem::from_usize(k) * L::Elem::from_f64(0.01)));
    }
    for _ in 0..iterations {
        for k in 0..12 {
            acc[k] = L::add(L::mul(acc[k], a), b);
        }
    }
    let mut s = L::splat(L::Elem::ZERO);
    for k in 0..12 {
        s = L::add(s, acc[k]);
    }
    L::hsum(s)
}

/// The same work without SIMD (targets without simd128): 12 x LANES scalar chains.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn peak_scalar<T: Real>(iterations: u32, a: T, b: T) -> T {
    let chains = 12 * T::LANES;
    let mut acc = [T::ZERO; 48];
    for _ in 0..iterations {
        for v in acc[..chains].iter_mut() {
            *v = *v * a + b;
        }
    }
    acc[..chains].iter().fold(T::ZERO, |s, &v| s + v)
}

/// Run `iterations` rounds of `peak` on lanes of T (scalar off simd128).
#[inline(always)]
fn run<T: Real>(iterations: u32, a: T, b: T) -> T {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    return peak::<T::Lane>(iterations, a, b);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    return peak_scalar(iterations, a, b);
}

/// Multiply-add peak micro-benchmark: runs `iterations` rounds of 12
/// independent f64x2 chains (acc = acc * a + b) in registers, i.e.
/// 48 flops per round. Time it from JS; GF/s = 48 * iterations / t.
/// Returns the sum of the chains (so the work cannot be optimised away).
#[no_mangle]
pub extern "C" fn ad_peak_f64(iterations: u32) -> f64 {
    run(iterations, 0.999_999f64, 1e-6)
}

/// As `ad_peak_f64` with 12 f32x4 chains: 96 flops per round.
#[no_mangle]
pub extern "C" fn ad_peak_f32(iterations: u32) -> f32 {
    run(iterations, 0.999_99f32, 1e-5)
}
