//! Native tests of the scalar path on cases computed by hand (see comments).

use crate::abi::*;
use crate::sim::{Sim, MODEL_HARDMAX, MODEL_LOCALMAX, MODEL_SOFTMAX};

fn sim64(x: &[f64], n: usize, d: usize, model: u32, alpha: f64, beta: f64) -> Sim<f64> {
    let mut s = Sim::<f64>::new(n, d).expect("alloc");
    s.x.copy_from_slice(x);
    assert!(s.set_params(model, alpha / (1.0 + alpha), beta, 1e-12));
    s
}

fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len());
    for (k, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= tol, "entry {}: {} vs {}", k, x, y);
    }
}

// Tokens (2,0), (0,1), (1,1); alpha = 1 so gamma = 1/2.
const X3: [f64; 6] = [2.0, 0.0, 0.0, 1.0, 1.0, 1.0];

#[test]
fn hardmax_by_hand() {
    // a_0 = [4,0,2] -> C={0}: stays. a_1 = [0,1,1] -> C={1,2}: y=(0.5,1) -> (0.25,1).
    // a_2 = [2,1,2] -> C={0,2}: y=(1.5,0.5) -> (1.25,0.75). Token 1 must see the old
    // token 2 (synchronous update), else it would get a different y.
    let mut s = sim64(&X3, 3, 2, MODEL_HARDMAX, 1.0, 1.0);
    s.step(1).unwrap();
    close(&s.x, &[2.0, 0.0, 0.25, 1.0, 1.25, 0.75], 1e-15);
}

#[test]
fn localmax_by_hand() {
    // delta = 1.5: token 0 thr 2.5 -> {0}; token 1 m=1 thr=-0.5 -> all, y=(1,2/3) -> (0.5,5/6);
    // token 2 m=2 thr=0.5 -> all -> (1,5/6).
    let mut s = sim64(&X3, 3, 2, MODEL_LOCALMAX, 1.0, 1.0);
    s.deltas[0] = 1.5;
    s.step(1).unwrap();
    close(&s.x, &[2.0, 0.0, 0.5, 5.0 / 6.0, 1.0, 5.0 / 6.0], 1e-15);
}

#[test]
fn localmax_zero_delta_is_hardmax_bitwise() {
    let mut h = sim64(&X3, 3, 2, MODEL_HARDMAX, 0.5, 1.0);
    let mut l = sim64(&X3, 3, 2, MODEL_LOCALMAX, 0.5, 1.0);
    for _ in 0..20 {
        h.step(1).unwrap();
        l.deltas[0] = 0.0;
        l.step(1).unwrap();
        assert_eq!(h.x, l.x);
    }
}

#[test]
fn softmax_by_hand() {
    // beta = ln 2, token 0: a = [4,0,2], w ∝ [1, 1/16, 1/4], sum 21/16,
    // y = (36/21, 5/21), new = (13/7, 5/42).
    let mut s = sim64(&X3, 3, 2, MODEL_SOFTMAX, 1.0, core::f64::consts::LN_2);
    s.step(1).unwrap();
    close(&s.x[0..2], &[13.0 / 7.0, 5.0 / 42.0], 1e-14);
}

#[test]
fn nonsymmetric_matrix_by_hand() {
    // A = [[0,1],[0,0]]: A x = (x_2, 0). Token (2,0): q = 0, all tie -> mean (1,2/3) -> (1.5,1/3).
    // Token (0,1): q = (1,0), a = [2,0,1] -> {0} -> (1,0.5). Token (1,1): same row -> (1.5,0.5).
    let mut s = sim64(&X3, 3, 2, MODEL_HARDMAX, 1.0, 1.0);
    s.a.copy_from_slice(&[0.0, 1.0, 0.0, 0.0]);
    s.identity = false;
    s.step(1).unwrap();
    close(&s.x, &[1.5, 1.0 / 3.0, 1.0, 0.5, 1.5, 0.5], 1e-15);
}

#[test]
fn deltas_are_read_per_step() {
    // Two steps with delta = [0, 1.5]: step 1 is the hardmax step above, step 2 localmax 1.5
    // on (2,0), (0.25,1), (1.25,0.75): token 1 q=(0.25,1): a=[0.5,1.0625,1.0625] m=1.0625 thr<0.5 -> all.
    let mut s = sim64(&X3, 3, 2, MODEL_LOCALMAX, 1.0, 1.0);
    s.deltas[0] = 0.0;
    s.deltas[1] = 1.5;
    s.step(2).unwrap();
    assert_eq!(s.last_done, 2);
    let mean = [(2.0 + 0.25 + 1.25) / 3.0, (0.0 + 1.0 + 0.75) / 3.0];
    assert!((s.x[2] - (0.25 + 0.5 * (mean[0] - 0.25))).abs() < 1e-15);
    assert!((s.x[3] - (1.0 + 0.5 * (mean[1] - 1.0))).abs() < 1e-15);
}

#[test]
fn exact_ties_are_kept() {
    // (x,0) against (1,1) and (1,-1): both tie exactly; token 2 = (0.5,0) averages them -> moves on the x axis.
    let x = [1.0, 1.0, 1.0, -1.0, 0.5, 0.0];
    let mut s = sim64(&x, 3, 2, MODEL_HARDMAX, 0.5, 1.0);
    s.step(1).unwrap();
    // a_2 = [0.5, 0.5, 0.25]: C = {0,1}, y = (1,0); new = (0.5,0) + (1/3)(0.5,0) = (2/3, 0).
    close(&s.x[4..6], &[2.0 / 3.0, 0.0], 1e-15);
}

#[test]
fn f32_matches_f64_on_block_remainders() {
    // n = 11 (not a multiple of ROWS or PAD), d = 3: f32 and f64 agree to f32 rounding.
    let n = 11;
    let d = 3;
    let x: Vec<f64> = (0..n * d).map(|k| ((k * 37 % 17) as f64 - 8.0) / 7.0).collect();
    let mut a = Sim::<f64>::new(n, d).unwrap();
    let mut b = Sim::<f32>::new(n, d).unwrap();
    a.x.copy_from_slice(&x);
    for (bv, &xv) in b.x.iter_mut().zip(&x) {
        *bv = xv as f32;
    }
    assert!(a.set_params(MODEL_SOFTMAX, 0.4, 2.0, 1e-12));
    assert!(b.set_params(MODEL_SOFTMAX, 0.4, 2.0, 1e-5));
    a.step(3).unwrap();
    b.step(3).unwrap();
    for (u, v) in a.x.iter().zip(&b.x) {
        assert!((u - *v as f64).abs() < 1e-5, "{} vs {}", u, v);
    }
}

#[test]
fn abi_rejects_bad_input_without_panicking() {
    assert_eq!(ad_create(7, 3, 2), 0);
    assert_eq!(ad_last_status(), BAD_ARGUMENT);
    assert_eq!(ad_create(PREC_F64, 0, 2), 0);
    assert_eq!(ad_last_status(), BAD_ARGUMENT);
    assert_eq!(ad_step(0, 1), BAD_HANDLE);
    assert_eq!(ad_step(12345, 1), BAD_HANDLE);
    let h = ad_create(PREC_F64, 3, 2);
    assert_ne!(h, 0);
    assert_eq!(ad_set_params(h, 9, 0.5, 1.0, 0.0), BAD_ARGUMENT);
    assert_eq!(ad_set_params(h, MODEL_SOFTMAX, 0.0, 1.0, 0.0), BAD_ARGUMENT);
    assert_eq!(ad_set_params(h, MODEL_SOFTMAX, 0.5, f64::NAN, 0.0), BAD_ARGUMENT);
    assert_eq!(ad_set_params(h, MODEL_LOCALMAX, 0.5, 1.0, 0.0), OK);
    assert_eq!(ad_step(h, 1_000_000), BAD_ARGUMENT);
    assert_eq!(ad_destroy(h), OK);
    assert_eq!(ad_destroy(h), BAD_HANDLE);
    assert_eq!(ad_positions_ptr(h), 0);
}

#[test]
fn overflow_is_reported_not_hidden() {
    let x = [1e200, 0.0, 0.0, 1.0];
    let mut s = sim64(&x, 2, 2, MODEL_HARDMAX, 1.0, 1.0);
    assert_eq!(s.step(1), Err(crate::sim::StepError::NonFinite));
    assert_eq!(s.last_done, 0);
}
