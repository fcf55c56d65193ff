//! Native tests of the kernels' scalar twins and of the fast exponentials.

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
