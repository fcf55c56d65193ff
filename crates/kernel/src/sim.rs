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

use crate::attend::{Attn, Rule};
use crate::lanes::Real;
use crate::prng::SplitMix64;

pub const MODEL_HARDMAX: u32 = 0;
pub const MODEL_LOCALMAX: u32 = 1;
pub const MODEL_SOFTMAX: u32 = 2;
pub const MODEL_FRANK_WOLFE: u32 = 3;
pub const MODEL_MARKOV: u32 = 4;
pub const MODEL_SPHERE_SA: u32 = 5;
pub const MODEL_SPHERE_USA: u32 = 6;

pub const UPDATE_CONVEX: u32 = 0;
pub const UPDATE_RESIDUAL: u32 = 1;

pub const INTEGRATOR_EULER: u32 = 0;
pub const INTEGRATOR_EULER_RAW: u32 = 1;
pub const INTEGRATOR_RK4: u32 = 2;

/// Number of per-step schedule values (δ, γ) one `step` call can take.
pub const SCHEDULE_CAP: usize = 4096;

/// Why a step could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepError {
    /// A parameter is out of range or the model needs buffers it was not created with.
    BadArgument,
    /// An alignment row, a weight scale or an updated token was not finite
    /// (overflow); the failing step was undone.
    NonFinite,
    /// A token had norm 0 where it had to be projected to the sphere; the failing step was undone.
    ZeroNorm,
}

/// Element types whose all-zero bit pattern is the value zero (so a buffer
/// from the allocator's zeroed allocation is a valid, zero-filled vector).
///
/// # Safety
/// Implement only for plain numbers whose all-zero bytes are a valid value.
pub unsafe trait Zeroed: Copy {}
unsafe impl Zeroed for u32 {}
unsafe impl Zeroed for u64 {}
unsafe impl Zeroed for f32 {}
unsafe impl Zeroed for f64 {}

/// Allocate a zeroed vector of `len` elements without aborting on failure.
///
/// On wasm32, memory that `memory.grow` adds is zero, and the std allocator
/// (dlmalloc) would still write zeros over all of it: for a 2 GiB simulation
/// that commits every page at creation. So a buffer is allocated unzeroed and
/// only its part below the memory size measured just before the allocation
/// (memory that may hold old data) is zeroed; the part above was grown by this
/// very call, and the allocator writes only chunk headers, which lie outside
/// the returned range. Elsewhere the allocator's zeroed allocation is used.
pub fn try_zeroed<T: Zeroed>(len: usize) -> Option<Vec<T>> {
    if len == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<T>(len).ok()?;
    // SAFETY: layout has a non-zero size (len > 0 and every Zeroed type is a
    // number); a non-null result is an allocation of exactly `layout`, which is
    // what Vec<T> with capacity len frees; every byte of it is zero when the
    // Vec is built (see above), and zero bytes are a valid T (Zeroed contract).
    unsafe {
        #[cfg(target_arch = "wasm32")]
        let p = {
            // In u64: 65 536 pages of 64 KiB is 2^32, one more than usize holds.
            let fresh_from = core::arch::wasm32::memory_size(0) as u64 * 65536;
            let p = std::alloc::alloc(layout);
            if !p.is_null() {
                let start = p as usize as u64;
                if start < fresh_from {
                    let old = core::cmp::min(layout.size() as u64, fresh_from - start);
                    core::ptr::write_bytes(p, 0, old as usize);
                }
            }
            p as *mut T
        };
        #[cfg(not(target_arch = "wasm32"))]
        let p = std::alloc::alloc_zeroed(layout) as *mut T;
        if p.is_null() {
            return None;
        }
        Some(Vec::from_raw_parts(p, len, len))
    }
}

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
    pub model: u32,
    pub update: u32,
    pub sphere: bool,
    pub h: T,
    pub beta: T,
    pub tau: T,
    pub integrator: u32,
    pub dt: T,
    pub rng: SplitMix64,
    /// Steps completed by the last `step` call.
    pub last_done: usize,
    attn: Attn<T>,
    vy: Vec<T>,
    /// ODE buffers (n*d each; empty unless created with `ode`): stage state, field, accumulator.
    stage: Vec<T>,
    field: Vec<T>,
    acc: Vec<T>,
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
            model: MODEL_HARDMAX,
            update: UPDATE_CONVEX,
            sphere: false,
            h: T::ONE,
            beta: T::ONE,
            tau: T::ZERO,
            integrator: INTEGRATOR_RK4,
            dt: T::from_f64(0.1),
            rng: SplitMix64::new(0),
            last_done: 0,
            attn: Attn::new(n, d)?,
            vy: try_zeroed(d)?,
            stage: try_zeroed(ode_len)?,
            field: try_zeroed(ode_len)?,
            acc: try_zeroed(ode_len)?,
        })
    }

    /// Bytes held by this simulation's buffers.
    pub fn bytes(&self) -> usize {
        let t = core::mem::size_of::<T>();
        (self.x.len() + self.a.len() + self.v.len() + self.vy.len() + self.stage.len() + self.field.len() + self.acc.len()) * t
            + (self.deltas.len() + self.gammas.len()) * 8
            + self.attn.bytes()
    }

    /// Set the model and its fixed parameters; false (and nothing changed) if out of range.
    pub fn set_params(&mut self, model: u32, beta: f64, tau: f64) -> bool {
        let ode_ready = self.stage.len() == self.n * self.d;
        let ok = model <= MODEL_SPHERE_USA
            && (model < MODEL_SPHERE_SA || ode_ready)
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
    pub fn set_update(&mut self, update: u32, h: f64, sphere: bool) -> bool {
        let ok = update <= UPDATE_RESIDUAL && h.is_finite();
        if ok {
            self.update = update;
            self.h = T::from_f64(h);
            self.sphere = sphere;
        }
        ok
    }

    /// Choose the sphere integrator and its time step dt > 0.
    pub fn set_ode(&mut self, integrator: u32, dt: f64) -> bool {
        let ok = integrator <= INTEGRATOR_RK4 && dt > 0.0 && dt.is_finite();
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
            if self.model >= MODEL_SPHERE_SA {
                self.ode_step()?;
            } else {
                let delta = if self.model == MODEL_LOCALMAX { self.deltas[s] } else { 0.0 };
                let gamma = self.gammas[s];
                if !(delta >= 0.0) || (self.update == UPDATE_CONVEX && !(gamma > 0.0 && gamma <= 1.0)) {
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
            MODEL_SOFTMAX | MODEL_SPHERE_SA => Rule::Softmax { beta: self.beta },
            MODEL_SPHERE_USA => Rule::Exp { beta: self.beta },
            MODEL_MARKOV => Rule::Sample { beta: self.beta },
            _ => Rule::Threshold { delta, tau: self.tau },
        }
    }

    /// One discrete step. Each x_i is updated in place as soon as y_i is known
    /// (the pass reads the snapshot taken by `attn.load`), and checked finite
    /// (after the projection with `sphere`). On an error the state is restored
    /// from that snapshot, which holds the exact values of x (so success costs
    /// nothing extra), and the generator from a copy of its state.
    fn discrete_step(&mut self, delta: T, gamma: T) -> Result<(), StepError> {
        let rule = self.rule(delta);
        let d = self.d;
        let Sim { x, a, a_identity, v, v_identity, update, sphere, h, rng, attn, vy, .. } = self;
        let a = if *a_identity { None } else { Some(&a[..]) };
        let v = if *v_identity { None } else { Some(&v[..]) };
        let (update, sphere, h) = (*update, *sphere, *h);
        let rng_before = *rng;
        attn.load(x);
        let r = attn.run(a, rule, rng, |i, y| {
            let xi = &mut x[i * d..i * d + d];
            if update == UPDATE_CONVEX {
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
            *rng = rng_before;
        }
        r
    }

    /// field <- F(src) where src is the state (from_stage = false) or the stage buffer.
    fn eval_field(&mut self, from_stage: bool) -> Result<(), StepError> {
        let rule = self.rule(T::ZERO);
        let d = self.d;
        let raw = self.integrator == INTEGRATOR_EULER_RAW;
        let Sim { x, stage, field, a, a_identity, v, v_identity, rng, attn, vy, .. } = self;
        let src: &[T] = if from_stage { &stage[..] } else { &x[..] };
        let a = if *a_identity { None } else { Some(&a[..]) };
        let v = if *v_identity { None } else { Some(&v[..]) };
        attn.load(src);
        attn.run(a, rule, rng, |i, y| {
            mat_vec(v, y, vy);
            let out = &mut field[i * d..i * d + d];
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

    /// stage <- normalize(x + c * field), row by row.
    fn stage_from_field(&mut self, c: T) -> Result<(), StepError> {
        let d = self.d;
        for i in 0..self.n {
            let r = i * d..i * d + d;
            for k in r.clone() {
                self.stage[k] = self.x[k] + c * self.field[k];
            }
            normalize(&mut self.stage[r])?;
        }
        Ok(())
    }

    fn ode_step(&mut self) -> Result<(), StepError> {
        let dt = self.dt;
        let d = self.d;
        if self.integrator == INTEGRATOR_RK4 {
            let two = T::from_f64(2.0);
            let half = T::from_f64(0.5) * dt;
            self.eval_field(false)?;
            self.acc.copy_from_slice(&self.field);
            self.stage_from_field(half)?;
            self.eval_field(true)?;
            for (a, &f) in self.acc.iter_mut().zip(&self.field) {
                *a = *a + two * f;
            }
            self.stage_from_field(half)?;
            self.eval_field(true)?;
            for (a, &f) in self.acc.iter_mut().zip(&self.field) {
                *a = *a + two * f;
            }
            self.stage_from_field(dt)?;
            self.eval_field(true)?;
            let sixth = dt / T::from_f64(6.0);
            for (k, (a, &f)) in self.acc.iter_mut().zip(&self.field).enumerate() {
                *a = *a + f;
                self.stage[k] = self.x[k] + sixth * *a;
            }
        } else {
            self.eval_field(false)?;
            for k in 0..self.x.len() {
                self.stage[k] = self.x[k] + dt * self.field[k];
            }
        }
        // Normalise every row into stage first so a failure leaves x untouched
        // (normalize also refuses a non-finite row).
        for i in 0..self.n {
            normalize(&mut self.stage[i * d..i * d + d])?;
        }
        self.x.copy_from_slice(&self.stage);
        Ok(())
    }
}
