//! Native tests of the scalar path on cases computed by hand (see comments).

use crate::abi::*;
use crate::alloc::try_zeroed;
use crate::error::StepError;
use crate::prng::SplitMix64;
use crate::sim::*;

fn sim64(x: &[f64], n: usize, d: usize, model: Model, alpha: f64, beta: f64) -> Sim<f64> {
    let mut s = Sim::<f64>::new(n, d, false).expect("alloc");
    s.x.copy_from_slice(x);
    assert!(s.set_params(model, beta, 1e-12));
    for g in s.gammas.iter_mut() {
        *g = alpha / (1.0 + alpha);
    }
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
    let mut s = sim64(&X3, 3, 2, Model::Hardmax, 1.0, 1.0);
    s.step(1).unwrap();
    close(&s.x, &[2.0, 0.0, 0.25, 1.0, 1.25, 0.75], 1e-15);
}

#[test]
fn localmax_by_hand() {
    // delta = 1.5: token 0 thr 2.5 -> {0}; token 1 m=1 thr=-0.5 -> all, y=(1,2/3) -> (0.5,5/6);
    // token 2 m=2 thr=0.5 -> all -> (1,5/6).
    let mut s = sim64(&X3, 3, 2, Model::Localmax, 1.0, 1.0);
    s.deltas[0] = 1.5;
    s.step(1).unwrap();
    close(&s.x, &[2.0, 0.0, 0.5, 5.0 / 6.0, 1.0, 5.0 / 6.0], 1e-15);
}

#[test]
fn localmax_zero_delta_is_hardmax_bitwise() {
    let mut h = sim64(&X3, 3, 2, Model::Hardmax, 0.5, 1.0);
    let mut l = sim64(&X3, 3, 2, Model::Localmax, 0.5, 1.0);
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
    let mut s = sim64(&X3, 3, 2, Model::Softmax, 1.0, core::f64::consts::LN_2);
    s.step(1).unwrap();
    close(&s.x[0..2], &[13.0 / 7.0, 5.0 / 42.0], 1e-14);
}

#[test]
fn nonsymmetric_matrix_by_hand() {
    // A = [[0,1],[0,0]]: A x = (x_2, 0). Token (2,0): q = 0, all tie -> mean (1,2/3) -> (1.5,1/3).
    // Token (0,1): q = (1,0), a = [2,0,1] -> {0} -> (1,0.5). Token (1,1): same row -> (1.5,0.5).
    let mut s = sim64(&X3, 3, 2, Model::Hardmax, 1.0, 1.0);
    s.a.copy_from_slice(&[0.0, 1.0, 0.0, 0.0]);
    s.a_identity = false;
    s.step(1).unwrap();
    close(&s.x, &[1.5, 1.0 / 3.0, 1.0, 0.5, 1.5, 0.5], 1e-15);
}

#[test]
fn deltas_are_read_per_step() {
    // Two steps with delta = [0, 1.5]: step 1 is the hardmax step above, step 2 localmax 1.5
    // on (2,0), (0.25,1), (1.25,0.75): token 1 q=(0.25,1): a=[0.5,1.0625,1.0625] m=1.0625 thr<0.5 -> all.
    let mut s = sim64(&X3, 3, 2, Model::Localmax, 1.0, 1.0);
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
    let mut s = sim64(&x, 3, 2, Model::Hardmax, 0.5, 1.0);
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
    let mut a = Sim::<f64>::new(n, d, false).unwrap();
    let mut b = Sim::<f32>::new(n, d, false).unwrap();
    a.x.copy_from_slice(&x);
    for (bv, &xv) in b.x.iter_mut().zip(&x) {
        *bv = xv as f32;
    }
    assert!(a.set_params(Model::Softmax, 2.0, 1e-12));
    assert!(b.set_params(Model::Softmax, 2.0, 1e-5));
    a.gammas.iter_mut().for_each(|g| *g = 0.4);
    b.gammas.iter_mut().for_each(|g| *g = 0.4);
    a.step(3).unwrap();
    b.step(3).unwrap();
    for (u, v) in a.x.iter().zip(&b.x) {
        assert!((u - *v as f64).abs() < 1e-5, "{} vs {}", u, v);
    }
}

#[test]
fn abi_rejects_bad_input_without_panicking() {
    assert_eq!(ad_create(7, 3, 2, 0), 0);
    assert_eq!(ad_last_status(), BAD_ARGUMENT);
    assert_eq!(ad_create(PREC_F64, 0, 2, 0), 0);
    assert_eq!(ad_last_status(), BAD_ARGUMENT);
    assert_eq!(ad_step(0, 1), BAD_HANDLE);
    assert_eq!(ad_step(12345, 1), BAD_HANDLE);
    let h = ad_create(PREC_F64, 3, 2, 0);
    assert_ne!(h, 0);
    assert_eq!(ad_set_params(h, 9, 1.0, 0.0), BAD_ARGUMENT);
    assert_eq!(ad_set_params(h, MODEL_SOFTMAX, f64::NAN, 0.0), BAD_ARGUMENT);
    assert_eq!(ad_set_params(h, MODEL_SOFTMAX, 1.0, -1.0), BAD_ARGUMENT);
    // sphere models need a handle created with the ODE buffers
    assert_eq!(ad_set_params(h, MODEL_SPHERE_SA, 1.0, 0.0), BAD_ARGUMENT);
    assert_eq!(ad_set_ode(h, 2, 0.0), BAD_ARGUMENT);
    assert_eq!(ad_set_update(h, 7, 1.0, 0), BAD_ARGUMENT);
    assert_eq!(ad_matrix_ptr(h, 2), 0);
    assert_eq!(ad_set_params(h, MODEL_LOCALMAX, 1.0, 0.0), OK);
    assert_eq!(ad_step(h, 1_000_000), BAD_ARGUMENT);
    // gamma 0 (never set) is refused at step time, without moving anything
    assert_eq!(ad_step(h, 1), BAD_ARGUMENT);
    assert_eq!(ad_last_done(h), 0);
    assert_eq!(ad_destroy(h), OK);
    assert_eq!(ad_destroy(h), BAD_HANDLE);
    assert_eq!(ad_positions_ptr(h), 0);
}

#[test]
fn overflow_is_reported_not_hidden() {
    let x = [1e200, 0.0, 0.0, 1.0];
    let mut s = sim64(&x, 2, 2, Model::Hardmax, 1.0, 1.0);
    assert_eq!(s.step(1), Err(StepError::NonFinite));
    assert_eq!(s.last_done, 0);
}

#[test]
fn splitmix_reference_outputs() {
    // Published SplitMix64 outputs for seed 1234567 (also checked in test/prng.test.ts).
    let mut g = SplitMix64::new(1234567);
    assert_eq!(g.next_u64(), 6457827717110365317);
    assert_eq!(g.next_u64(), 3203168211198807973);
    let mut z = SplitMix64::new(0);
    assert_eq!(z.next_u64(), 16294208416658607535);
}

#[test]
fn markov_draws_by_inverse_cdf() {
    // beta = 0: uniform weights over 2 tokens (0 and 1 on a line); J_i = 0 iff u_i < 1/2,
    // with u_0, u_1 the first two uniforms of the seed. gamma = 1 jumps to x_J.
    let x = [0.0, 1.0];
    let mut s = sim64(&x, 2, 1, Model::Markov, 1.0, 0.0);
    s.gammas.iter_mut().for_each(|g| *g = 1.0);
    s.rng = SplitMix64::new(99);
    let mut g = SplitMix64::new(99);
    let (u0, u1) = (g.next_f64(), g.next_f64());
    s.step(1).unwrap();
    let pick = |u: f64| if u < 0.5 { 0.0 } else { 1.0 };
    assert_eq!(s.x, vec![pick(u0), pick(u1)]);
    assert_eq!(s.rng, g);
}

#[test]
fn residual_update_with_value_matrix() {
    // Hardmax weights on X3; token 0 attends to itself: y_0 = (2,0). V = diag(2, 0), h = 0.25:
    // x_0 <- (2,0) + 0.25 (4, 0) = (3, 0). Token 1: y = (0.5,1) -> (0,1) + 0.25 (1, 0) = (0.25, 1).
    let mut s = sim64(&X3, 3, 2, Model::Hardmax, 1.0, 1.0);
    s.v.copy_from_slice(&[2.0, 0.0, 0.0, 0.0]);
    s.v_identity = false;
    assert!(s.set_update(Update::Residual, 0.25, false));
    s.step(1).unwrap();
    close(&s.x[0..4], &[3.0, 0.0, 0.25, 1.0], 1e-15);
}

#[test]
fn sphere_projection_after_discrete_step() {
    let mut s = sim64(&X3, 3, 2, Model::Hardmax, 1.0, 1.0);
    assert!(s.set_update(Update::Convex, 1.0, true));
    s.step(1).unwrap();
    // token 1 -> (0.25, 1) normalised
    let r = (0.25f64 * 0.25 + 1.0).sqrt();
    close(&s.x[2..4], &[0.25 / r, 1.0 / r], 1e-15);
    // a token sent to the origin cannot be projected: (1,0) and (-1,0) averaging to 0 with gamma 1
    let mut z = sim64(&[1.0, 0.0, -1.0, 0.0], 2, 2, Model::Localmax, 1.0, 1.0);
    z.gammas.iter_mut().for_each(|g| *g = 1.0);
    z.deltas[0] = 10.0;
    assert!(z.set_update(Update::Convex, 1.0, true));
    assert_eq!(z.step(1), Err(StepError::ZeroNorm));
}

fn ode64(x: &[f64], n: usize, d: usize, model: Model, beta: f64, integrator: Integrator, dt: f64) -> Sim<f64> {
    let mut s = Sim::<f64>::new(n, d, true).expect("alloc");
    s.x.copy_from_slice(x);
    assert!(s.set_params(model, beta, 0.0));
    assert!(s.set_ode(integrator, dt));
    s
}

#[test]
fn sphere_sa_euler_by_hand() {
    // beta = 0, Q = K = V = I: field_i = xbar - <x_i, xbar> x_i. Tokens (1,0), (0,1):
    // xbar = (1/2,1/2), field_0 = (0, 1/2); euler dt = 0.1: (1, 0.05)/|(1, 0.05)|.
    let mut s = ode64(&[1.0, 0.0, 0.0, 1.0], 2, 2, Model::SphereSa, 0.0, Integrator::Euler, 0.1);
    s.step(1).unwrap();
    let r = (1.0f64 + 0.0025).sqrt();
    close(&s.x, &[1.0 / r, 0.05 / r, 0.05 / r, 1.0 / r], 1e-15);
}

#[test]
fn sphere_usa_field_by_hand() {
    // USA, beta = 1: y_0 = (e (1,0) + (0,1))/2, field_0 = y_0 - <x_0,y_0> x_0 = (0, 1/2).
    // euler-raw uses y itself: x_0 <- normalize((1,0) + dt (e/2, 1/2)).
    let mut s = ode64(&[1.0, 0.0, 0.0, 1.0], 2, 2, Model::SphereUsa, 1.0, Integrator::Euler, 0.2);
    s.step(1).unwrap();
    let r = (1.0f64 + 0.01).sqrt();
    close(&s.x[0..2], &[1.0 / r, 0.1 / r], 1e-15);
    let mut raw = ode64(&[1.0, 0.0, 0.0, 1.0], 2, 2, Model::SphereUsa, 1.0, Integrator::EulerRaw, 0.2);
    raw.step(1).unwrap();
    let e = core::f64::consts::E;
    let (a, b) = (1.0 + 0.2 * e / 2.0, 0.2 * 0.5);
    let r = (a * a + b * b).sqrt();
    close(&raw.x[0..2], &[a / r, b / r], 1e-15);
}

#[test]
fn rk4_consensus_stays_on_sphere() {
    // beta = 0 on a quarter arc: tokens approach each other and stay unit.
    let c = (0.3f64).cos();
    let s3 = (0.3f64).sin();
    let x = [1.0, 0.0, c, s3, 0.0, 1.0];
    let mut s = ode64(&x, 3, 2, Model::SphereSa, 0.0, Integrator::Rk4, 0.05);
    let spread = |x: &[f64]| (x[0] * x[4] + x[1] * x[5]).acos();
    let before = spread(&s.x);
    s.step(200).unwrap();
    for i in 0..3 {
        let nrm = (s.x[2 * i] * s.x[2 * i] + s.x[2 * i + 1] * s.x[2 * i + 1]).sqrt();
        assert!((nrm - 1.0).abs() < 1e-14);
    }
    assert!(spread(&s.x) < 1e-3 * before, "{} vs {}", spread(&s.x), before);
}

// ---- issue 9: overflow of the update, transactional steps, robust projection

#[test]
fn residual_overflow_is_non_finite_and_the_step_is_undone() {
    // V = 1e308 I, h = 10: x + h V y overflows at the first token's update, while
    // every alignment is about 1 (issue 9 item 2). Nothing of the step may remain.
    let x = [0.1, 0.2, 1.0, 0.0, 0.0, 1.0, 0.3, 0.2];
    let mut s = sim64(&x, 4, 2, Model::Hardmax, 1.0, 1.0);
    s.v.copy_from_slice(&[1e308, 0.0, 0.0, 1e308]);
    s.v_identity = false;
    assert!(s.set_update(Update::Residual, 10.0, false));
    assert_eq!(s.step(3), Err(StepError::NonFinite));
    assert_eq!(s.last_done, 0);
    assert_eq!(s.x, x.to_vec());
}

#[test]
fn failing_step_keeps_the_completed_ones_and_undoes_itself() {
    // V = 1e200 I, A = 1e-300 I: step 0 gives |x| ~ 1e200, step 1 overflows the
    // update (the alignments stay ~1e100): last_done = 1 and x is exactly X(1).
    let x = [1.0, 0.0, 0.0, 1.0, 0.5, 0.5];
    let mut s = sim64(&x, 3, 2, Model::Hardmax, 1.0, 1.0);
    s.a.copy_from_slice(&[1e-300, 0.0, 0.0, 1e-300]);
    s.a_identity = false;
    s.v.copy_from_slice(&[1e200, 0.0, 0.0, 1e200]);
    s.v_identity = false;
    assert!(s.set_update(Update::Residual, 1.0, false));
    s.step(1).unwrap();
    let x1 = s.x.clone();
    assert!(x1.iter().all(|v| v.is_finite()) && x1.iter().any(|v| v.abs() > 1e199));
    assert_eq!(s.step(2), Err(StepError::NonFinite));
    assert_eq!(s.last_done, 0);
    assert_eq!(s.x, x1);
}

#[test]
fn zero_norm_on_the_sphere_undoes_the_step_and_the_generator() {
    // Issue 9 item 3: tokens (1,0), (1,0) with h = -1 and sphere: x + h y = 0 for
    // token 0; before the fix token 0 had moved and token 1 had not.
    let x = [1.0, 0.0, 1.0, 0.0];
    let mut s = sim64(&x, 2, 2, Model::Hardmax, 1.0, 1.0);
    assert!(s.set_update(Update::Residual, -1.0, true));
    assert_eq!(s.step(3), Err(StepError::ZeroNorm));
    assert_eq!(s.last_done, 0);
    assert_eq!(s.x, x.to_vec());
    // Markov: the generator is rewound too (tokens (1,0), (1,0) again: every pick gives y = x).
    let mut m = sim64(&x, 2, 2, Model::Markov, 1.0, 1.0);
    m.rng = SplitMix64::new(7);
    assert!(m.set_update(Update::Residual, -1.0, true));
    assert_eq!(m.step(1), Err(StepError::ZeroNorm));
    assert_eq!(m.rng, SplitMix64::new(7));
    assert_eq!(m.x, x.to_vec());
}

#[test]
fn normalize_projects_tiny_and_huge_rows() {
    // Issue 9 item 10: a token of norm 1e-320 is not at the origin.
    let mut v = [1e-320, 0.0];
    normalize(&mut v).unwrap();
    assert_eq!(v, [1.0, 0.0]);
    let mut v = [3e-200, 4e-200];
    normalize(&mut v).unwrap();
    close(&v, &[0.6, 0.8], 1e-15);
    let mut v = [3e300, -4e300];
    normalize(&mut v).unwrap();
    close(&v, &[0.6, -0.8], 1e-15);
    let mut v = [3e30f32, 4e30f32];
    normalize(&mut v).unwrap();
    assert!((v[0] - 0.6).abs() < 1e-6 && (v[1] - 0.8).abs() < 1e-6);
    assert_eq!(normalize(&mut [0.0, -0.0]), Err(StepError::ZeroNorm));
    assert_eq!(normalize(&mut [f64::INFINITY, 0.0]), Err(StepError::NonFinite));
    assert_eq!(normalize(&mut [f64::NAN, 1.0]), Err(StepError::NonFinite));
    // Ordinary rows take the plain formula x / sqrt(sum x^2), bit for bit.
    let mut v = [0.3, -0.7, 0.2];
    let r = (0.3f64 * 0.3 + 0.7 * 0.7 + 0.2 * 0.2).sqrt();
    normalize(&mut v).unwrap();
    assert_eq!(v, [0.3 / r, -0.7 / r, 0.2 / r]);
}

#[test]
fn zeroed_allocation_is_zero() {
    let v: Vec<f64> = try_zeroed(1 << 20).unwrap();
    assert!(v.iter().all(|&x| x == 0.0) && v.len() == 1 << 20);
    let e: Vec<u32> = try_zeroed(0).unwrap();
    assert!(e.is_empty());
    assert!(try_zeroed::<f64>(usize::MAX / 4).is_none());
}

// ---- issue 11: the model, update and integrator are decoded once, in abi.rs

#[test]
fn codes_decode_to_enums_and_ode_is_a_property_not_an_order() {
    let models: Vec<Model> = (0..8).map(|c| model_of(c).expect("known code")).collect();
    for (i, a) in models.iter().enumerate() {
        for b in &models[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(model_of(8), None);
    assert_eq!(model_of(u32::MAX), None);
    let ode: Vec<u32> = (0..8).filter(|&c| model_of(c).unwrap().is_ode()).collect();
    assert_eq!(ode, vec![MODEL_SPHERE_SA, MODEL_SPHERE_USA, MODEL_EUCLIDEAN_SA]);
    let sphere: Vec<u32> = (0..8).filter(|&c| model_of(c).unwrap().on_sphere()).collect();
    assert_eq!(sphere, vec![MODEL_SPHERE_SA, MODEL_SPHERE_USA]);
    assert!(model_of(MODEL_LOCALMAX).unwrap().reads_delta());
    assert!(!model_of(MODEL_HARDMAX).unwrap().reads_delta() && !model_of(MODEL_FRANK_WOLFE).unwrap().reads_delta());
    assert_eq!((update_of(UPDATE_CONVEX), update_of(UPDATE_RESIDUAL), update_of(2)), (Some(Update::Convex), Some(Update::Residual), None));
    assert_eq!(integrator_of(INTEGRATOR_RK4), Some(Integrator::Rk4));
    assert_eq!(integrator_of(3), None);
    // An unknown code is a bad argument on a good handle and a bad handle first otherwise.
    let h = ad_create(PREC_F64, 2, 2, 1);
    assert_eq!(ad_set_ode(h, 3, 0.1), BAD_ARGUMENT);
    assert_eq!(ad_set_ode(h, INTEGRATOR_EULER_RAW, 0.1), OK);
    assert_eq!(ad_set_params(h, MODEL_SPHERE_USA, 1.0, 0.0), OK);
    assert_eq!(ad_set_params(0, 99, 1.0, 0.0), BAD_HANDLE);
    assert_eq!(ad_destroy(h), OK);
}

#[test]
fn splitmix_jump_equals_sequential_draws() {
    for &k in &[0u64, 1, 2, 7, 1000, 123_457] {
        let mut a = SplitMix64::new(0xDEAD_BEEF_1234_5678);
        let mut b = a;
        for _ in 0..k {
            a.next_u64();
        }
        b.jump(k);
        assert_eq!(a.next_u64(), b.next_u64(), "k = {}", k);
    }
}

/// A partitioned step (rows computed by `step_rows` over the same snapshot,
/// generator jumped by r0) equals `step(1)` bit for bit, for every discrete
/// model, both precisions, and partitions with n not a multiple of the part
/// count (including parts that are empty or cross the kernel's row blocks).
fn partition_case<T: crate::simd::Real + core::fmt::Debug>(model: Model, n: usize, d: usize, parts: &[usize], residual: bool) {
    let mut g = SplitMix64::new(99 + n as u64);
    let x0: Vec<T> = (0..n * d).map(|_| T::from_f64(2.0 * g.next_f64() - 1.0)).collect();
    let mk = || {
        let mut s = Sim::<T>::new(n, d, false).expect("alloc");
        s.x.copy_from_slice(&x0);
        assert!(s.set_params(model, 3.0, 1e-12));
        s.rng = SplitMix64::new(4242);
        if residual {
            // x + h V y on the sphere, with A and V not the identity.
            assert!(s.set_update(Update::Residual, 0.5, true));
            for k in 0..d * d {
                s.a[k] = T::from_f64(if k % (d + 1) == 0 { 1.0 } else { 0.1 * ((k % 5) as f64) - 0.2 });
                s.v[k] = T::from_f64(if k % (d + 1) == 0 { 0.9 } else { 0.05 * ((k % 3) as f64) });
            }
            s.a_identity = false;
            s.v_identity = false;
        }
        for k in 0..s.gammas.len() {
            s.gammas[k] = 0.4;
            s.deltas[k] = 0.3;
        }
        s
    };
    let mut whole = mk();
    let mut split = mk();
    for _step in 0..6 {
        whole.step(1).unwrap();
        // Each part as a worker computes it: its own copy of the snapshot.
        let snap = split.x.clone();
        let mut next = vec![T::ZERO; n * d];
        let mut r0 = 0;
        for &p in parts.iter().chain(core::iter::once(&n)) {
            let r1 = if p > n { n } else { p };
            let r1 = if r1 < r0 { r0 } else { r1 };
            split.x.copy_from_slice(&snap);
            split.step_rows(r0, r1, 0.3, 0.4).unwrap();
            next[r0 * d..r1 * d].copy_from_slice(&split.x[r0 * d..r1 * d]);
            r0 = r1;
        }
        split.x.copy_from_slice(&next);
        let draws = split.draws_per_step();
        assert_eq!(draws, if model == Model::Markov { n as u64 } else { 0 });
        split.rng.jump(draws);
        for k in 0..n * d {
            assert!(whole.x[k] == split.x[k], "{:?} n={} d={} parts={:?} entry {}: {:?} vs {:?}", model, n, d, parts, k, whole.x[k], split.x[k]);
        }
        assert_eq!(whole.rng, split.rng);
    }
}

#[test]
fn step_rows_partitions_are_bit_identical_to_step() {
    for &model in &[Model::Hardmax, Model::Localmax, Model::Softmax, Model::FrankWolfe, Model::Markov] {
        for &(n, d) in &[(37usize, 3usize), (5, 2), (130, 16), (1100, 2)] {
            for parts in [vec![], vec![n / 2], vec![n / 3, 2 * n / 3], vec![1, 2, 3], vec![0, 0, n]] {
                for residual in [false, true] {
                    partition_case::<f64>(model, n, d, &parts, residual);
                    partition_case::<f32>(model, n, d, &parts, residual);
                }
            }
        }
    }
}

#[test]
fn step_rows_refuses_and_undoes_like_step() {
    let (n, d) = (20usize, 3usize);
    let mut s = Sim::<f64>::new(n, d, false).unwrap();
    let mut g = SplitMix64::new(5);
    for v in s.x.iter_mut() {
        *v = 2.0 * g.next_f64() - 1.0;
    }
    assert!(s.set_params(Model::Softmax, 1.0, 0.0));
    let x0 = s.x.clone();
    let rng0 = s.rng;
    // A refused γ, an out-of-range range: nothing moves.
    assert_eq!(s.step_rows(0, n, 0.0, 0.0), Err(StepError::BadArgument));
    assert_eq!(s.step_rows(0, n, 0.0, 1.5), Err(StepError::BadArgument));
    assert_eq!(s.step_rows(3, 2, 0.0, 0.5), Err(StepError::BadArgument));
    assert_eq!(s.step_rows(0, n + 1, 0.0, 0.5), Err(StepError::BadArgument));
    assert_eq!(s.x, x0);
    // Residual x + h V y that overflows in a row of the range: x is the snapshot again.
    assert!(s.set_update(Update::Residual, 1e308, false));
    s.x[15 * d] = 1e10;
    let snap = s.x.clone();
    assert_eq!(s.step_rows(10, n, 0.0, 0.5), Err(StepError::NonFinite));
    assert_eq!(s.x, snap);
    assert_eq!(s.rng, rng0);
    // ... and a range without it succeeds, touching only its rows.
    assert!(s.set_update(Update::Residual, 0.1, false));
    s.step_rows(2, 5, 0.0, 0.5).unwrap();
    assert!(s.x[..2 * d] == snap[..2 * d] && s.x[5 * d..] == snap[5 * d..]);
    assert!(s.x[2 * d..5 * d] != snap[2 * d..5 * d]);
    // ODE models have no row-range step.
    let mut o = Sim::<f64>::new(n, d, true).unwrap();
    assert!(o.set_params(Model::SphereSa, 1.0, 0.0));
    assert_eq!(o.step_rows(0, n, 0.0, 0.5), Err(StepError::BadArgument));
    assert_eq!(ad_step_rows(0, 0, 1, 0.0, 0.5), BAD_HANDLE);
    assert_eq!(ad_skip_draws(0, 1), BAD_HANDLE);
    assert_eq!(ad_draws_per_step(0), 0);
}

/// A partitioned sphere step (each part a worker with its own simulation:
/// stage k's rows by `ode_rows` from the full S_k, gathered between stages)
/// equals `step(1)` bit for bit, for both sphere models, every integrator,
/// both precisions, with A and V, and uneven partitions.
fn ode_partition_case<T: crate::simd::Real + core::fmt::Debug>(model: Model, integrator: Integrator, n: usize, d: usize, parts: &[usize]) {
    let mut g = SplitMix64::new(7 + n as u64);
    let mut x0: Vec<T> = (0..n * d).map(|_| T::from_f64(2.0 * g.next_f64() - 1.0)).collect();
    for i in 0..n {
        normalize(&mut x0[i * d..i * d + d]).unwrap();
    }
    let mk = || {
        let mut s = Sim::<T>::new(n, d, true).expect("alloc");
        s.x.copy_from_slice(&x0);
        assert!(s.set_params(model, 2.0, 0.0));
        assert!(s.set_ode(integrator, 0.15));
        for k in 0..d * d {
            s.a[k] = T::from_f64(if k % (d + 1) == 0 { 1.0 } else { 0.1 * ((k % 5) as f64) - 0.2 });
            s.v[k] = T::from_f64(if k % (d + 1) == 0 { 0.9 } else { 0.05 * ((k % 3) as f64) });
        }
        s.a_identity = false;
        s.v_identity = false;
        s
    };
    let mut whole = mk();
    let mut bounds = vec![0usize];
    for &p in parts.iter().chain(core::iter::once(&n)) {
        let last = *bounds.last().unwrap();
        bounds.push(p.min(n).max(last));
    }
    let mut workers: Vec<Sim<T>> = (1..bounds.len()).map(|_| mk()).collect();
    for _step in 0..5 {
        whole.step(1).unwrap();
        let x = workers[0].x.clone();
        let mut s_k = x.clone();
        for k in 0..workers[0].ode_stages() {
            let mut next = vec![T::ZERO; n * d];
            for (w, sim) in workers.iter_mut().enumerate() {
                let (r0, r1) = (bounds[w], bounds[w + 1]);
                sim.x.copy_from_slice(&x);
                if k > 0 {
                    sim.stage.copy_from_slice(&s_k);
                }
                sim.ode_rows(k, r0, r1).unwrap();
                next[r0 * d..r1 * d].copy_from_slice(&sim.stage[r0 * d..r1 * d]);
            }
            s_k = next;
        }
        for sim in workers.iter_mut() {
            sim.x.copy_from_slice(&s_k);
        }
        for k in 0..n * d {
            assert!(whole.x[k] == s_k[k], "{:?} {:?} n={} d={} parts={:?} entry {}: {:?} vs {:?}", model, integrator, n, d, parts, k, whole.x[k], s_k[k]);
        }
    }
}

#[test]
fn ode_rows_partitions_are_bit_identical_to_step() {
    for &model in &[Model::SphereSa, Model::SphereUsa] {
        for &integrator in &[Integrator::Rk4, Integrator::Euler, Integrator::EulerRaw] {
            for &(n, d) in &[(37usize, 3usize), (130, 16), (5, 2)] {
                for parts in [vec![], vec![n / 2], vec![n / 3, 2 * n / 3], vec![0, 0, n]] {
                    ode_partition_case::<f64>(model, integrator, n, d, &parts);
                    ode_partition_case::<f32>(model, integrator, n, d, &parts);
                }
            }
        }
    }
}

#[test]
fn ode_rows_refuses_and_reports_the_phase() {
    let x = [1.0, 0.0, 0.0, 1.0];
    let mut s = ode64(&x, 2, 2, Model::SphereSa, 1.0, Integrator::Rk4, 0.1);
    assert_eq!(s.ode_rows(4, 0, 2), Err((StepError::BadArgument, 0)));
    assert_eq!(s.ode_rows(0, 2, 1), Err((StepError::BadArgument, 0)));
    assert_eq!(s.ode_rows(0, 0, 3), Err((StepError::BadArgument, 0)));
    let mut e = ode64(&x, 2, 2, Model::SphereSa, 1.0, Integrator::Euler, 0.1);
    assert_eq!(e.ode_rows(1, 0, 2), Err((StepError::BadArgument, 0)));
    // V = -I/dt sends x + dt (V y - <x, V y> x) ... to the origin for a lone token: a normalisation failure.
    let mut z = ode64(&[1.0, 0.0], 1, 2, Model::SphereSa, 1.0, Integrator::EulerRaw, 1.0);
    z.v.copy_from_slice(&[-1.0, 0.0, 0.0, -1.0]);
    z.v_identity = false;
    assert_eq!(z.ode_rows(0, 0, 1), Err((StepError::ZeroNorm, 1)));
    assert_eq!(z.x, vec![1.0, 0.0]);
}

// ---- SPEC 5.9: the matrix exponential of the euclidean-sa model

#[test]
fn expm_matches_closed_forms() {

    let (mut e, mut p, mut q) = (vec![0.0; 4], vec![0.0; 4], vec![0.0; 4]);
    // a rotation generator: exp([[0, -θ], [θ, 0]]) = [[cos θ, -sin θ], [sin θ, cos θ]]
    let th = 2.5f64;
    expm(&[0.0, -th, th, 0.0], 2, &mut e, &mut p, &mut q);
    let want = [th.cos(), -th.sin(), th.sin(), th.cos()];
    for k in 0..4 {
        assert!((e[k] - want[k]).abs() < 1e-14, "rotation entry {}: {} vs {}", k, e[k], want[k]);
    }
    // a nilpotent: exp([[0, 3], [0, 0]]) = [[1, 3], [0, 1]] exactly
    expm(&[0.0, 3.0, 0.0, 0.0], 2, &mut e, &mut p, &mut q);
    assert_eq!(e, vec![1.0, 3.0, 0.0, 1.0]);
    // a diagonal with a large entry: exp(diag(7, -2))
    expm(&[7.0, 0.0, 0.0, -2.0], 2, &mut e, &mut p, &mut q);
    assert!((e[0] / 7f64.exp() - 1.0).abs() < 1e-13 && (e[3] / (-2f64).exp() - 1.0).abs() < 1e-13 && e[1] == 0.0 && e[2] == 0.0);
}
