//! One simulation: n tokens in R^d, its matrices, per-step schedules and the
//! scratch to step it, all sized at creation. Stepping allocates nothing.
//!
//! Discrete models (SPEC.md §1), one synchronous step: the attention pass
//! (attend.rs) reads a snapshot taken at the start of the step, so each x_i
//! is updated in place as soon as y_i is known:
//! - convex update   x_i <- x_i + γ_t (y_i - x_i)           (γ_t from `gammas`)
//! - residual update x_i <- x_i + h V y_i                    (SPEC §1.6)
//! - then, with `sphere`, x_i <- x_i / |x_i|.
//!
//! Sphere ODE models (SPEC §2): field f_i = P⊥_{x_i}(V y_i) with y_i the
//! softmax mean (SA) or (1/n) Σ_j exp(β a_ij) x_j (USA); integrators euler,
//! euler-raw (x <- normalize(x + dt V y)) and rk4 with normalised stages.

use crate::alloc::try_zeroed;
use crate::attend::{Attn, Readings, Rule};
use crate::error::StepError;
use crate::prng::SplitMix64;
use crate::simd::Real;

/// The model of a simulation (SPEC.md §1, §2); abi.rs decodes it from the
/// ABI's code once, at `ad_set_params`. `repr(u32)` (as the three enums
/// here): `Sim` keeps the size and layout it had with u32 codes, and with
/// them the kernel's heap layout, which moves the step timings by a few
/// per cent when it changes (bench/kernel-compare.mjs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Model {
    Hardmax,
    Localmax,
    Softmax,
    /// Hardmax weights; the Frank-Wolfe reading lives in the TS analysis layer.
    FrankWolfe,
    /// One softmax draw per token (softmax-markov).
    Markov,
    /// Sphere ODE with softmax-normalised means (SA).
    SphereSa,
    /// Sphere ODE with unnormalised means (USA).
    SphereUsa,
    /// Euclidean ODE of 2305.05465 (SPEC §5.9): dz_i/dt = V (y_i − z_i),
    /// y_i the softmax mean under the time-dependent alignment matrix
    /// M(t) = e^{tVᵀ} Aᵀ A e^{tV}; no projection.
    EuclideanSa,
}

impl Model {
    /// True for the sphere ODE models, which step through an integrator and
    /// need the buffers of a simulation created with `ode`.
    pub fn is_ode(self) -> bool {
        matches!(self, Model::SphereSa | Model::SphereUsa | Model::EuclideanSa)
    }

    /// True for the ODE models on the sphere (their stages are normalised).
    pub fn on_sphere(self) -> bool {
        matches!(self, Model::SphereSa | Model::SphereUsa)
    }

    /// True when a step reads its δ from the schedule (localmax); the other
    /// threshold models use δ = 0.
    pub fn reads_delta(self) -> bool {
        self == Model::Localmax
    }
}

/// The discrete update of a token once its y_i is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Update {
    /// x_i <- x_i + γ_t (y_i - x_i), γ_t from the schedule.
    Convex,
    /// x_i <- x_i + h V y_i.
    Residual,
}

/// The integrator of the sphere ODE models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Integrator {
    /// x <- normalize(x + dt P⊥ V y).
    Euler,
    /// x <- normalize(x + dt V y), without the tangent projection.
    EulerRaw,
    /// Classical Runge-Kutta 4 with normalised stages.
    Rk4,
}

/// Number of per-step schedule values (δ, γ) one `step` call can take.
pub const SCHEDULE_CAP: usize = 4096;

fn identity<T: Real>(d: usize) -> Option<Vec<T>> {
    let mut m: Vec<T> = try_zeroed(d.checked_mul(d)?)?;
    for r in 0..d {
        m[r * d + r] = T::ONE;
    }
    Some(m)
}

/// m v for a row-major d*d matrix (None = identity), into out.
fn mat_vec<T: Real>(m: Option<&[T]>, v: &[T], out: &mut [T]) {
    let d = v.len();
    match m {
        None => out.copy_from_slice(v),
        Some(m) => {
            for r in 0..d {
                let mut s = T::ZERO;
                for c in 0..d {
                    s = s + m[r * d + c] * v[c];
                }
                out[r] = s;
            }
        }
    }
}

/// Scale v to unit length: ZeroNorm if it is the zero vector, NonFinite if an
/// entry is not finite.
///
/// The plain formula v / sqrt(sum v_c^2) is used whenever the sum of squares is
/// a finite normal number far enough from underflow to be exact to rounding
/// (>= MIN_POSITIVE / EPS); otherwise (entries below about 1e-146 in f64 or
/// above about 1e154) the row is first divided by its largest |v_c|, so a
/// token of norm 1e-320 or 1e300 is projected as well as one of norm 1. The
/// js backend (ts/backend/normalize.ts) evaluates the same expressions.
pub fn normalize<T: Real>(v: &mut [T]) -> Result<(), StepError> {
    let mut s = T::ZERO;
    for &x in v.iter() {
        s = s + x * x;
    }
    if s >= T::MIN_POSITIVE / T::EPS && s.is_finite() {
        let norm = s.sqrt();
        for x in v.iter_mut() {
            *x = *x / norm;
        }
        return Ok(());
    }
    let mut m = T::ZERO;
    for &x in v.iter() {
        if !x.is_finite() {
            return Err(StepError::NonFinite);
        }
        let a = x.abs();
        if a > m {
            m = a;
        }
    }
    if !(m > T::ZERO) {
        return Err(StepError::ZeroNorm);
    }
    let mut s = T::ZERO;
    for &x in v.iter() {
        let u = x / m;
        s = s + u * u;
    }
    let norm = s.sqrt();
    for x in v.iter_mut() {
        *x = (*x / m) / norm;
    }
    Ok(())
}

/// c = a b for row-major d*d matrices (f64, sums in ascending k).
fn mat_mul(a: &[f64], b: &[f64], c: &mut [f64], d: usize) {
    for r in 0..d {
        for col in 0..d {
            let mut s = 0.0;
            for k in 0..d {
                s += a[r * d + k] * b[k * d + col];
            }
            c[r * d + col] = s;
        }
    }
}

/// e = exp(a) for a row-major d*d matrix a (f64): scaling by 2^-s until the
/// 1-norm is at most 1/2, Taylor to degree 18 by Horner
/// (e = I + B e / k, k = 18 … 1), then s squarings. p, q: d*d scratch. The
/// js backend (ts/backend/expm.ts) performs the same operations in the same
/// order, so both give the same bits.
pub fn expm(a: &[f64], d: usize, e: &mut [f64], p: &mut [f64], q: &mut [f64]) {
    let mut norm = 0.0f64;
    for col in 0..d {
        let mut s = 0.0;
        for r in 0..d {
            s += a[r * d + col].abs();
        }
        if s > norm {
            norm = s;
        }
    }
    let mut sq = 0u32;
    let mut scale = 1.0f64;
    while norm * scale > 0.5 && sq < 1100 {
        scale *= 0.5;
        sq += 1;
    }
    for k in 0..d * d {
        p[k] = a[k] * scale;
    }
    for k in 0..d * d {
        e[k] = if k % (d + 1) == 0 { 1.0 } else { 0.0 };
    }
    let mut k = 18;
    while k >= 1 {
        mat_mul(p, e, q, d);
        let inv = 1.0 / k as f64;
        for m in 0..d * d {
            e[m] = q[m] * inv + if m % (d + 1) == 0 { 1.0 } else { 0.0 };
        }
        k -= 1;
    }
    for _ in 0..sq {
        mat_mul(e, e, q, d);
        e.copy_from_slice(q);
    }
}

/// True when every entry of v is finite.
fn all_finite<T: Real>(v: &[T]) -> bool {
    v.iter().all(|x| x.is_finite())
}

/// A simulation of n tokens in R^d in precision T.
pub struct Sim<T: Real> {
    pub n: usize,
    pub d: usize,
    /// Row-major n*d state, updated in place.
    pub x: Vec<T>,
    /// Row-major d*d matrix A of the alignments (used unless `a_identity`).
    pub a: Vec<T>,
    pub a_identity: bool,
    /// Row-major d*d value matrix V (used unless `v_identity`).
    pub v: Vec<T>,
    pub v_identity: bool,
    /// δ per step for the next `step` call (localmax).
    pub deltas: Vec<f64>,
    /// γ per step for the next `step` call (convex update).
    pub gammas: Vec<f64>,
    pub model: Model,
    pub update: Update,
    pub sphere: bool,
    pub h: T,
    pub beta: T,
    pub tau: T,
    /// The localmax readings (default: the rule of SPEC §1.2).
    pub readings: Readings,
    pub integrator: Integrator,
    pub dt: T,
    pub rng: SplitMix64,
    /// Steps completed by the last `step` call.
    pub last_done: usize,
    attn: Attn<T>,
    vy: Vec<T>,
    /// ODE buffers (n*d each; empty unless created with `ode`): stage state, field, accumulator.
    pub(crate) stage: Vec<T>,
    field: Vec<T>,
    acc: Vec<T>,
    /// Steps of the ODE taken so far: the state's time is ode_steps·dt (EuclideanSa: a stage of time τ uses M(τ)).
    pub ode_steps: u64,
    /// EuclideanSa's alignment matrix M(τ) of the current stage, and f64 scratch (4 d*d).
    mt: Vec<T>,
    scratch: Vec<f64>,
}

impl<T: Real> Sim<T> {
    /// Allocate a simulation; `ode` also allocates the three n*d buffers of the
    /// sphere integrators. None if n or d is 0, a size overflows, or memory runs out.
    pub fn new(n: usize, d: usize, ode: bool) -> Option<Self> {
        if n == 0 || d == 0 {
            return None;
        }
        let nd = n.checked_mul(d)?;
        let ode_len = if ode { nd } else { 0 };
        Some(Sim {
            n,
            d,
            x: try_zeroed(nd)?,
            a: identity(d)?,
            a_identity: true,
            v: identity(d)?,
            v_identity: true,
            deltas: try_zeroed(SCHEDULE_CAP)?,
            gammas: try_zeroed(SCHEDULE_CAP)?,
            model: Model::Hardmax,
            update: Update::Convex,
            sphere: false,
            h: T::ONE,
            beta: T::ONE,
            tau: T::ZERO,
            readings: Readings::default(),
            integrator: Integrator::Rk4,
            dt: T::from_f64(0.1),
            rng: SplitMix64::new(0),
            last_done: 0,
            attn: Attn::new(n, d)?,
            vy: try_zeroed(d)?,
            stage: try_zeroed(ode_len)?,
            field: try_zeroed(ode_len)?,
            acc: try_zeroed(ode_len)?,
            ode_steps: 0,
            mt: if ode { try_zeroed(d.checked_mul(d)?)? } else { Vec::new() },
            scratch: if ode { try_zeroed(d.checked_mul(d)?.checked_mul(4)?)? } else { Vec::new() },
        })
    }

    /// Bytes held by this simulation's buffers.
    pub fn bytes(&self) -> usize {
        let t = core::mem::size_of::<T>();
        (self.x.len() + self.a.len() + self.v.len() + self.vy.len() + self.stage.len() + self.field.len() + self.acc.len() + self.mt.len()) * t
            + (self.deltas.len() + self.gammas.len() + self.scratch.len()) * 8
            + self.attn.bytes()
    }

    /// Set the model and its fixed parameters; false (and nothing changed) if
    /// out of range or an ODE model on a simulation created without `ode`.
    pub fn set_params(&mut self, model: Model, beta: f64, tau: f64) -> bool {
        let ode_ready = self.stage.len() == self.n * self.d;
        let ok = (!model.is_ode() || ode_ready)
            && beta >= 0.0
            && beta.is_finite()
            && tau >= 0.0
            && tau.is_finite();
        if ok {
            self.model = model;
            self.beta = T::from_f64(beta);
            self.tau = T::from_f64(tau);
        }
        ok
    }

    /// Choose the discrete update: convex (γ per step) or residual x + h V y; `sphere` projects after.
    pub fn set_update(&mut self, update: Update, h: f64, sphere: bool) -> bool {
        let ok = h.is_finite();
        if ok {
            self.update = update;
            self.h = T::from_f64(h);
            self.sphere = sphere;
        }
        ok
    }

    /// Choose the engine of the threshold rules: `tree` = the tree engine's
    /// range sums (d <= 3 only; its memo is allocated on first use), else
    /// the dense engine (canonical ascending-j sums). false, nothing
    /// changed, if d > 3 or memory runs out.
    pub fn set_engine(&mut self, tree: bool) -> bool {
        self.attn.set_tree_engine(tree)
    }

    /// Set the localmax readings (see `Readings`; other models ignore them).
    pub fn set_readings(&mut self, read: Readings) {
        self.readings = read;
    }

    /// Choose the sphere integrator and its time step dt > 0.
    pub fn set_ode(&mut self, integrator: Integrator, dt: f64) -> bool {
        let ok = dt > 0.0 && dt.is_finite();
        if ok {
            self.integrator = integrator;
            self.dt = T::from_f64(dt);
        }
        ok
    }

    /// Run `k` steps; step s uses deltas[s] and gammas[s]. `k <= SCHEDULE_CAP`.
    ///
    /// Transactional per step: on an error, the state and the generator are
    /// those after the `last_done` completed steps, exactly (the failing step
    /// is undone, the ones before it are kept).
    pub fn step(&mut self, k: usize) -> Result<(), StepError> {
        self.last_done = 0;
        if k > SCHEDULE_CAP {
            return Err(StepError::BadArgument);
        }
        for s in 0..k {
            if self.model.is_ode() {
                self.ode_step()?;
            } else {
                let delta = if self.model.reads_delta() { self.deltas[s] } else { 0.0 };
                let gamma = self.gammas[s];
                if !(delta >= 0.0) || (self.update == Update::Convex && !(gamma > 0.0 && gamma <= 1.0)) {
                    return Err(StepError::BadArgument);
                }
                self.discrete_step(T::from_f64(delta), T::from_f64(gamma))?;
            }
            self.last_done = s + 1;
        }
        Ok(())
    }

    fn rule(&self, delta: T) -> Rule<T> {
        match self.model {
            Model::Softmax | Model::SphereSa | Model::EuclideanSa => Rule::Softmax { beta: self.beta },
            Model::SphereUsa => Rule::Exp { beta: self.beta },
            Model::Markov => Rule::Sample { beta: self.beta },
            Model::Localmax => Rule::Threshold { delta, tau: self.tau, read: self.readings },
            Model::Hardmax | Model::FrankWolfe => Rule::Threshold { delta, tau: self.tau, read: Readings::default() },
        }
    }

    /// One discrete step: `update_rows` over every token with the
    /// simulation's generator, which advances only when the step succeeds.
    fn discrete_step(&mut self, delta: T, gamma: T) -> Result<(), StepError> {
        let n = self.n;
        let mut rng = self.rng;
        let r = self.update_rows(0, n, delta, gamma, &mut rng);
        if r.is_ok() {
            self.rng = rng;
        }
        r
    }

    /// Rows r0 <= i < r1 of one discrete step, in place. Each x_i is updated
    /// as soon as y_i is known (the pass reads the snapshot taken by
    /// `attn.load`), and checked finite (after the projection with `sphere`).
    /// The rows outside the range keep their snapshot values. On an error
    /// the whole state is restored from that snapshot, which holds the exact
    /// values of x (so success costs nothing extra). `rng` is drawn once per
    /// token only by the Markov model.
    fn update_rows(&mut self, r0: usize, r1: usize, delta: T, gamma: T, rng: &mut SplitMix64) -> Result<(), StepError> {
        let rule = self.rule(delta);
        let d = self.d;
        let Sim { x, a, a_identity, v, v_identity, update, sphere, h, attn, vy, .. } = self;
        let a = if *a_identity { None } else { Some(&a[..]) };
        let v = if *v_identity { None } else { Some(&v[..]) };
        let (update, sphere, h) = (*update, *sphere, *h);
        attn.load(x);
        let r = attn.run_rows(r0, r1, a, rule, rng, |i, y| {
            let xi = &mut x[i * d..i * d + d];
            if update == Update::Convex {
                for (xv, &yv) in xi.iter_mut().zip(y) {
                    *xv = *xv + gamma * (yv - *xv);
                }
            } else {
                mat_vec(v, y, vy);
                for (xv, &vv) in xi.iter_mut().zip(vy.iter()) {
                    *xv = *xv + h * vv;
                }
            }
            if sphere {
                normalize(xi)?;
            }
            if !all_finite(xi) {
                return Err(StepError::NonFinite);
            }
            Ok(())
        });
        if r.is_err() {
            attn.restore(x);
        }
        r
    }

    /// The row-range entry of the threaded path: rows r0 <= i < r1 of one
    /// discrete step over the state `x` as it is (the step's snapshot), in
    /// place; the other rows, `rng` and every other field but scratch are left
    /// unchanged. The generator is the step's start state: token i uses its
    /// draw i+1 (a copy jumped ahead by r0), so the rows depend only on x, the
    /// parameters, delta, gamma and `rng`, never on the range, and any
    /// partition of 0..n, each part computed over the same snapshot, gives
    /// the rows of `step(1)` bit for bit. Checks delta and gamma like `step`;
    /// on an error x is the snapshot again.
    pub fn step_rows(&mut self, r0: usize, r1: usize, delta: f64, gamma: f64) -> Result<(), StepError> {
        if self.model.is_ode() || r0 > r1 || r1 > self.n {
            return Err(StepError::BadArgument);
        }
        let delta = if self.model.reads_delta() { delta } else { 0.0 };
        if !(delta >= 0.0) || (self.update == Update::Convex && !(gamma > 0.0 && gamma <= 1.0)) {
            return Err(StepError::BadArgument);
        }
        let mut rng = self.rng;
        rng.jump(r0 as u64);
        self.update_rows(r0, r1, T::from_f64(delta), T::from_f64(gamma), &mut rng)
    }

    /// Pointer to the stage buffer (n*d; empty unless created with `ode`).
    pub fn stage_ptr(&mut self) -> usize {
        self.stage.as_mut_ptr() as usize
    }

    /// Stages of one sphere step: 4 for rk4, 1 for the Euler integrators.
    pub fn ode_stages(&self) -> usize {
        if self.integrator == Integrator::Rk4 {
            4
        } else {
            1
        }
    }

    /// Stage k of one sphere step for the rows r0 <= i < r1: the threaded
    /// path's entry (`ode_step` is all stages over all rows). The field rows
    /// F_i are computed from the full stage state S_k (k = 0: the positions
    /// x; k >= 1: the stage buffer, which the caller fills with S_k first),
    /// then row by row, as `ode_step` does:
    ///
    /// ```text
    ///   rk4    k = 0: acc = F;    stage = normalize(x + dt/2 F)
    ///          k = 1: acc += 2F;  stage = normalize(x + dt/2 F)
    ///          k = 2: acc += 2F;  stage = normalize(x + dt F)
    ///          k = 3: acc += F;   stage = normalize(x + dt/6 acc)   (the new x)
    ///   euler  k = 0:             stage = normalize(x + dt F)       (the new x)
    /// ```
    ///
    /// The results go to the stage rows r0..r1 (after the attention pass has
    /// read S_k); x is never written, acc keeps its rows between stages. The
    /// arithmetic of each row is that of `ode_step`, so any partition of
    /// 0..n, stage by stage with the full S_k gathered between stages, gives
    /// its step bit for bit. Err((e, 0)): a field row failed (all field rows
    /// come before any normalisation in `ode_step`); Err((e, 1)): a
    /// normalisation failed.
    pub fn ode_rows(&mut self, k: usize, r0: usize, r1: usize) -> Result<(), (StepError, u32)> {
        if !self.model.is_ode() || k >= self.ode_stages() || r0 > r1 || r1 > self.n {
            return Err((StepError::BadArgument, 0));
        }
        let d = self.d;
        let dtf = self.dt.to_f64();
        let tau = self.ode_steps as f64 * dtf + [0.0, 0.5 * dtf, 0.5 * dtf, dtf][if self.integrator == Integrator::Rk4 { k } else { 0 }];
        self.eval_field_rows(k > 0, r0, r1, tau).map_err(|e| (e, 0))?;
        let dt = self.dt;
        let two = T::from_f64(2.0);
        let half = T::from_f64(0.5) * dt;
        let sixth = dt / T::from_f64(6.0);
        let rk4 = self.integrator == Integrator::Rk4;
        for i in r0..r1 {
            for c in i * d..i * d + d {
                let f = self.field[c];
                self.stage[c] = if !rk4 {
                    self.x[c] + dt * f
                } else {
                    match k {
                        0 => {
                            self.acc[c] = f;
                            self.x[c] + half * f
                        }
                        1 => {
                            self.acc[c] = self.acc[c] + two * f;
                            self.x[c] + half * f
                        }
                        2 => {
                            self.acc[c] = self.acc[c] + two * f;
                            self.x[c] + dt * f
                        }
                        _ => {
                            self.acc[c] = self.acc[c] + f;
                            self.x[c] + sixth * self.acc[c]
                        }
                    }
                };
            }
            if self.model.on_sphere() {
                normalize(&mut self.stage[i * d..i * d + d]).map_err(|e| (e, 1))?;
            } else if !all_finite(&self.stage[i * d..i * d + d]) {
                return Err((StepError::NonFinite, 1));
            }
        }
        Ok(())
    }

    /// Generator draws one discrete step makes: one per token for the Markov
    /// model, none for the others.
    pub fn draws_per_step(&self) -> u64 {
        if self.model == Model::Markov {
            self.n as u64
        } else {
            0
        }
    }

    /// field <- F(src) where src is the state (from_stage = false) or the stage buffer.
    fn eval_field(&mut self, from_stage: bool, tau: f64) -> Result<(), StepError> {
        let n = self.n;
        self.eval_field_rows(from_stage, 0, n, tau)
    }

    /// mt <- M(τ) = e^{τVᵀ} Aᵀ A e^{τV} (EuclideanSa), computed in f64.
    fn euclidean_matrix(&mut self, tau: f64) {
        let d = self.d;
        let dd = d * d;
        let (tv, rest) = self.scratch.split_at_mut(dd);
        let (e, rest) = rest.split_at_mut(dd);
        let (p, q) = rest.split_at_mut(dd);
        for k in 0..dd {
            tv[k] = if self.v_identity { if k % (d + 1) == 0 { tau } else { 0.0 } } else { tau * self.v[k].to_f64() };
        }
        expm(tv, d, e, p, q);
        // G = A E (A identity: G = E), then M = Gᵀ G
        if !self.a_identity {
            for k in 0..dd {
                tv[k] = self.a[k].to_f64();
            }
            mat_mul(tv, e, p, d);
            e.copy_from_slice(p);
        }
        for r in 0..d {
            for c in 0..d {
                let mut s = 0.0;
                for k in 0..d {
                    s += e[k * d + r] * e[k * d + c];
                }
                self.mt[r * d + c] = T::from_f64(s);
            }
        }
    }

    /// The field rows r0 <= i < r1 from the whole of src (the attention pass
    /// reads a snapshot of it, so later writes to src rows do not matter).
    fn eval_field_rows(&mut self, from_stage: bool, r0: usize, r1: usize, tau: f64) -> Result<(), StepError> {
        let rule = self.rule(T::ZERO);
        let d = self.d;
        let euclid = self.model == Model::EuclideanSa;
        if euclid {
            self.euclidean_matrix(tau);
        }
        let raw = self.integrator == Integrator::EulerRaw;
        let Sim { x, stage, field, a, a_identity, v, v_identity, rng, attn, vy, mt, .. } = self;
        let src: &[T] = if from_stage { &stage[..] } else { &x[..] };
        let a = if euclid { Some(&mt[..]) } else if *a_identity { None } else { Some(&a[..]) };
        let v = if *v_identity { None } else { Some(&v[..]) };
        attn.load(src);
        attn.run_rows(r0, r1, a, rule, rng, |i, y| {
            let out = &mut field[i * d..i * d + d];
            if euclid {
                // F_i = V (y_i − s_i)
                let si = &src[i * d..i * d + d];
                for ((o, &yv), &sv) in out.iter_mut().zip(y).zip(si) {
                    *o = yv - sv;
                }
                mat_vec(v, out, vy);
                out.copy_from_slice(vy);
                return Ok(());
            }
            mat_vec(v, y, vy);
            if raw {
                out.copy_from_slice(vy);
            } else {
                // P⊥_{s_i} w = w - <s_i, w> s_i
                let si = &src[i * d..i * d + d];
                let mut dot = T::ZERO;
                for (&sv, &wv) in si.iter().zip(vy.iter()) {
                    dot = dot + sv * wv;
                }
                for ((o, &sv), &wv) in out.iter_mut().zip(si).zip(vy.iter()) {
                    *o = wv - dot * sv;
                }
            }
            Ok(())
        })
    }

    /// stage <- normalize(x + c * field), row by row (no projection off the sphere; then a finiteness check).
    fn stage_from_field(&mut self, c: T) -> Result<(), StepError> {
        let d = self.d;
        let sphere = self.model.on_sphere();
        for i in 0..self.n {
            let r = i * d..i * d + d;
            for k in r.clone() {
                self.stage[k] = self.x[k] + c * self.field[k];
            }
            if sphere {
                normalize(&mut self.stage[r])?;
            } else if !all_finite(&self.stage[r]) {
                return Err(StepError::NonFinite);
            }
        }
        Ok(())
    }

    fn ode_step(&mut self) -> Result<(), StepError> {
        let dt = self.dt;
        let d = self.d;
        let dtf = self.dt.to_f64();
        let t0 = self.ode_steps as f64 * dtf;
        if self.integrator == Integrator::Rk4 {
            let two = T::from_f64(2.0);
            let half = T::from_f64(0.5) * dt;
            self.eval_field(false, t0)?;
            self.acc.copy_from_slice(&self.field);
            self.stage_from_field(half)?;
            self.eval_field(true, t0 + 0.5 * dtf)?;
            for (a, &f) in self.acc.iter_mut().zip(&self.field) {
                *a = *a + two * f;
            }
            self.stage_from_field(half)?;
            self.eval_field(true, t0 + 0.5 * dtf)?;
            for (a, &f) in self.acc.iter_mut().zip(&self.field) {
                *a = *a + two * f;
            }
            self.stage_from_field(dt)?;
            self.eval_field(true, t0 + dtf)?;
            let sixth = dt / T::from_f64(6.0);
            for (k, (a, &f)) in self.acc.iter_mut().zip(&self.field).enumerate() {
                *a = *a + f;
                self.stage[k] = self.x[k] + sixth * *a;
            }
        } else {
            self.eval_field(false, t0)?;
            for k in 0..self.x.len() {
                self.stage[k] = self.x[k] + dt * self.field[k];
            }
        }
        // Normalise every row into stage first so a failure leaves x untouched
        // (normalize also refuses a non-finite row); off the sphere, check finiteness.
        if self.model.on_sphere() {
            for i in 0..self.n {
                normalize(&mut self.stage[i * d..i * d + d])?;
            }
        } else if !all_finite(&self.stage) {
            return Err(StepError::NonFinite);
        }
        self.x.copy_from_slice(&self.stage);
        self.ode_steps += 1;
        Ok(())
    }
}
