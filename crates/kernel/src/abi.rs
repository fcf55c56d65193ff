//! The raw C ABI used by ts/backend/wasm.ts. Handle based: a handle is an
//! index + 1 into a table of simulations; 0 is never a valid handle. Every
//! function validates its handle and arguments and returns a status code;
//! nothing here panics on caller input.
//!
//! Status codes (mirrored in ts/backend/backend.ts):
//! 0 ok, 1 bad handle, 2 bad argument, 3 out of memory, 4 a non-finite value
//! (an alignment, a weight scale or an updated token overflowed), 5 a token of
//! norm 0 could not be projected to the sphere.
//!
//! Pointers and sizes are wasm32 `usize`, i.e. unsigned 32-bit: once memory
//! passes 2 GiB they exceed i32::MAX, and the glue must read them unsigned.
//!
//! Pointers returned are byte offsets into wasm linear memory; they stay valid
//! until the simulation is destroyed (buffers never move), but a JS view over
//! them detaches whenever memory grows.

use crate::error::StepError;
use crate::prng::SplitMix64;
use crate::sim::{Integrator, Model, Sim, Update, SCHEDULE_CAP};

pub const OK: u32 = 0;
pub const BAD_HANDLE: u32 = 1;
pub const BAD_ARGUMENT: u32 = 2;
pub const OUT_OF_MEMORY: u32 = 3;
pub const NON_FINITE: u32 = 4;
pub const ZERO_NORM: u32 = 5;

/// Precision codes.
pub const PREC_F64: u32 = 0;
pub const PREC_F32: u32 = 1;

/// Model codes (mirrored by MODEL_CODE in ts/backend/backend.ts).
pub const MODEL_HARDMAX: u32 = 0;
pub const MODEL_LOCALMAX: u32 = 1;
pub const MODEL_SOFTMAX: u32 = 2;
pub const MODEL_FRANK_WOLFE: u32 = 3;
pub const MODEL_MARKOV: u32 = 4;
pub const MODEL_SPHERE_SA: u32 = 5;
pub const MODEL_SPHERE_USA: u32 = 6;
pub const MODEL_EUCLIDEAN_SA: u32 = 7;

/// Discrete update codes (UPDATE_CODE in ts/backend/backend.ts).
pub const UPDATE_CONVEX: u32 = 0;
pub const UPDATE_RESIDUAL: u32 = 1;

/// Sphere integrator codes (INTEGRATOR_CODE in ts/backend/backend.ts).
pub const INTEGRATOR_EULER: u32 = 0;
pub const INTEGRATOR_EULER_RAW: u32 = 1;
pub const INTEGRATOR_RK4: u32 = 2;

/// The model of a code; None for an unknown one.
pub fn model_of(code: u32) -> Option<Model> {
    match code {
        MODEL_HARDMAX => Some(Model::Hardmax),
        MODEL_LOCALMAX => Some(Model::Localmax),
        MODEL_SOFTMAX => Some(Model::Softmax),
        MODEL_FRANK_WOLFE => Some(Model::FrankWolfe),
        MODEL_MARKOV => Some(Model::Markov),
        MODEL_SPHERE_SA => Some(Model::SphereSa),
        MODEL_SPHERE_USA => Some(Model::SphereUsa),
        MODEL_EUCLIDEAN_SA => Some(Model::EuclideanSa),
        _ => None,
    }
}

/// The discrete update of a code; None for an unknown one.
pub fn update_of(code: u32) -> Option<Update> {
    match code {
        UPDATE_CONVEX => Some(Update::Convex),
        UPDATE_RESIDUAL => Some(Update::Residual),
        _ => None,
    }
}

/// The sphere integrator of a code; None for an unknown one.
pub fn integrator_of(code: u32) -> Option<Integrator> {
    match code {
        INTEGRATOR_EULER => Some(Integrator::Euler),
        INTEGRATOR_EULER_RAW => Some(Integrator::EulerRaw),
        INTEGRATOR_RK4 => Some(Integrator::Rk4),
        _ => None,
    }
}

enum AnySim {
    F64(Sim<f64>),
    F32(Sim<f32>),
}

struct Table {
    sims: Vec<Option<AnySim>>,
    last_status: u32,
}

static mut TABLE: Table = Table { sims: Vec::new(), last_status: OK };

// Single-threaded wasm: the table is only touched from these exports, one at a time.
fn table() -> &'static mut Table {
    unsafe { &mut *core::ptr::addr_of_mut!(TABLE) }
}

fn get(h: u32) -> Option<&'static mut AnySim> {
    let t = table();
    if h == 0 {
        return None;
    }
    match t.sims.get_mut((h - 1) as usize) {
        Some(Some(s)) => Some(s),
        _ => None,
    }
}

macro_rules! with_sim {
    ($h:expr, $s:ident => $body:expr, $bad:expr) => {
        match get($h) {
            Some(AnySim::F64($s)) => $body,
            Some(AnySim::F32($s)) => $body,
            None => $bad,
        }
    };
}

/// Create a simulation of n tokens in R^d (`ode` != 0 also allocates the
/// sphere integrators' buffers). Returns its handle, or 0 with the reason in
/// `ad_last_status` (2 bad argument, 3 out of memory).
#[no_mangle]
pub extern "C" fn ad_create(precision: u32, n: u32, d: u32, ode: u32) -> u32 {
    let t = table();
    let (n, d) = (n as usize, d as usize);
    let sim = match precision {
        PREC_F64 => Sim::<f64>::new(n, d, ode != 0).map(AnySim::F64),
        PREC_F32 => Sim::<f32>::new(n, d, ode != 0).map(AnySim::F32),
        _ => {
            t.last_status = BAD_ARGUMENT;
            return 0;
        }
    };
    let sim = match sim {
        Some(s) => s,
        None => {
            t.last_status = if n == 0 || d == 0 { BAD_ARGUMENT } else { OUT_OF_MEMORY };
            return 0;
        }
    };
    // Reuse a free slot, else grow the table (fallibly).
    if let Some(pos) = t.sims.iter().position(|s| s.is_none()) {
        t.sims[pos] = Some(sim);
        t.last_status = OK;
        return pos as u32 + 1;
    }
    if t.sims.try_reserve(1).is_err() {
        t.last_status = OUT_OF_MEMORY;
        return 0;
    }
    t.sims.push(Some(sim));
    t.last_status = OK;
    t.sims.len() as u32
}

/// Status of the last `ad_create` call.
#[no_mangle]
pub extern "C" fn ad_last_status() -> u32 {
    table().last_status
}

/// Free a simulation. Freeing a freed or unknown handle returns 1 and does nothing.
#[no_mangle]
pub extern "C" fn ad_destroy(h: u32) -> u32 {
    let t = table();
    if h == 0 {
        return BAD_HANDLE;
    }
    match t.sims.get_mut((h - 1) as usize) {
        Some(slot @ Some(_)) => {
            *slot = None;
            OK
        }
        _ => BAD_HANDLE,
    }
}

/// Byte offset of the row-major n*d positions (f64 or f32 per precision); 0 for a bad handle.
#[no_mangle]
pub extern "C" fn ad_positions_ptr(h: u32) -> usize {
    with_sim!(h, s => s.x.as_mut_ptr() as usize, 0)
}

/// Byte offset of a row-major d*d matrix (element type as positions): which = 0
/// for A (alignments), 1 for V (values); 0 for a bad handle or `which`.
#[no_mangle]
pub extern "C" fn ad_matrix_ptr(h: u32, which: u32) -> usize {
    with_sim!(h, s => match which {
        0 => s.a.as_mut_ptr() as usize,
        1 => s.v.as_mut_ptr() as usize,
        _ => 0,
    }, 0)
}

/// Byte offset of the f64 δ buffer (SCHEDULE_CAP entries) read by the next `ad_step`.
#[no_mangle]
pub extern "C" fn ad_deltas_ptr(h: u32) -> usize {
    with_sim!(h, s => s.deltas.as_mut_ptr() as usize, 0)
}

/// Byte offset of the f64 γ buffer (SCHEDULE_CAP entries) read by the next `ad_step`.
#[no_mangle]
pub extern "C" fn ad_gammas_ptr(h: u32) -> usize {
    with_sim!(h, s => s.gammas.as_mut_ptr() as usize, 0)
}

/// Number of δ and γ values one `ad_step` call can take.
#[no_mangle]
pub extern "C" fn ad_schedule_cap() -> u32 {
    SCHEDULE_CAP as u32
}

/// Bytes held by a simulation's buffers; 0 for a bad handle.
#[no_mangle]
pub extern "C" fn ad_bytes(h: u32) -> usize {
    with_sim!(h, s => s.bytes(), 0)
}

/// Use matrix `which` (0 A, 1 V) from its buffer (identity = 0) or as the identity (identity = 1).
#[no_mangle]
pub extern "C" fn ad_set_identity(h: u32, which: u32, identity: u32) -> u32 {
    let flag = identity != 0;
    with_sim!(h, s => match which {
        0 => { s.a_identity = flag; OK }
        1 => { s.v_identity = flag; OK }
        _ => BAD_ARGUMENT,
    }, BAD_HANDLE)
}

/// Set the model (0 hardmax, 1 localmax, 2 softmax, 3 frank-wolfe, 4 softmax-markov,
/// 5 sphere-sa, 6 sphere-usa, 7 euclidean-sa; 5, 6 and 7 need a handle created with `ode`),
/// β >= 0 finite, τ >= 0 finite.
#[no_mangle]
pub extern "C" fn ad_set_params(h: u32, model: u32, beta: f64, tau: f64) -> u32 {
    with_sim!(h, s => match model_of(model) {
        Some(m) if s.set_params(m, beta, tau) => OK,
        _ => BAD_ARGUMENT,
    }, BAD_HANDLE)
}

/// Discrete update: 0 convex (γ per step), 1 residual x + h V y; sphere != 0 projects after.
#[no_mangle]
pub extern "C" fn ad_set_update(h: u32, update: u32, hstep: f64, sphere: u32) -> u32 {
    with_sim!(h, s => match update_of(update) {
        Some(u) if s.set_update(u, hstep, sphere != 0) => OK,
        _ => BAD_ARGUMENT,
    }, BAD_HANDLE)
}

/// Sphere integrator (0 euler, 1 euler-raw, 2 rk4) and dt > 0.
#[no_mangle]
pub extern "C" fn ad_set_ode(h: u32, integrator: u32, dt: f64) -> u32 {
    with_sim!(h, s => match integrator_of(integrator) {
        Some(i) if s.set_ode(i, dt) => OK,
        _ => BAD_ARGUMENT,
    }, BAD_HANDLE)
}

/// Engine of the threshold rules (hardmax, localmax, frank-wolfe): 0 dense
/// (canonical ascending-j sums), 1 tree (range sums on a kd-tree, d <= 3;
/// 2 for d > 3, 3 if its memo cannot be allocated). Other models ignore it.
#[no_mangle]
pub extern "C" fn ad_set_engine(h: u32, engine: u32) -> u32 {
    with_sim!(h, s => match engine {
        0 => { s.set_engine(false); OK }
        1 if s.d > crate::attend::SPARSE_D => BAD_ARGUMENT,
        1 => if s.set_engine(true) { OK } else { OUT_OF_MEMORY },
        _ => BAD_ARGUMENT,
    }, BAD_HANDLE)
}

/// Set the localmax readings (SPEC §6.6): bits 1 relative gap, 2 strict
/// threshold, 4 forced self-inclusion; 0 is the default rule. 2 for bits > 7.
#[no_mangle]
pub extern "C" fn ad_set_readings(h: u32, bits: u32) -> u32 {
    with_sim!(h, s => match crate::attend::Readings::from_bits(bits) {
        Some(r) => { s.set_readings(r); OK }
        None => BAD_ARGUMENT,
    }, BAD_HANDLE)
}

/// Set the SplitMix64 state to hi * 2^32 + lo.
#[no_mangle]
pub extern "C" fn ad_set_seed(h: u32, hi: u32, lo: u32) -> u32 {
    with_sim!(h, s => { s.rng = SplitMix64::new(((hi as u64) << 32) | lo as u64); OK }, BAD_HANDLE)
}

/// The SplitMix64 state, high (which = 1) or low (which = 0) 32 bits.
#[no_mangle]
pub extern "C" fn ad_seed_half(h: u32, which: u32) -> u32 {
    with_sim!(h, s => if which == 1 { (s.rng.state >> 32) as u32 } else { s.rng.state as u32 }, 0)
}

/// Run k <= SCHEDULE_CAP steps, step s using δ = deltas[s]. Transactional per
/// step: on failure the state and the generator are exactly those after the
/// steps completed (`ad_last_done`); nothing of the failing step remains.
#[no_mangle]
pub extern "C" fn ad_step(h: u32, k: u32) -> u32 {
    let r = with_sim!(h, s => s.step(k as usize), return BAD_HANDLE);
    status_of(r)
}

/// Steps completed by the last `ad_step` on this handle.
#[no_mangle]
pub extern "C" fn ad_last_done(h: u32) -> u32 {
    with_sim!(h, s => s.last_done as u32, 0)
}

fn status_of(r: Result<(), StepError>) -> u32 {
    match r {
        Ok(()) => OK,
        Err(StepError::BadArgument) => BAD_ARGUMENT,
        Err(StepError::NonFinite) => NON_FINITE,
        Err(StepError::ZeroNorm) => ZERO_NORM,
    }
}

/// The row-range entry of the threaded path: rows r0 <= i < r1 of one
/// discrete step over the positions as they are (the step's snapshot),
/// updated in place; the other rows and the generator are unchanged. The
/// generator state set by `ad_set_seed` is the step's start (token i uses
/// its draw i+1), δ and γ are the step's schedule values. Any partition of
/// 0..n, each part computed on its own copy of the snapshot, gives the rows
/// of one `ad_step` bit for bit. 2 for an ODE model, r0 > r1, r1 > n or a
/// refused δ/γ; 4 or 5 as `ad_step`, with the positions back at the snapshot.
#[no_mangle]
pub extern "C" fn ad_step_rows(h: u32, r0: u32, r1: u32, delta: f64, gamma: f64) -> u32 {
    let r = with_sim!(h, s => s.step_rows(r0 as usize, r1 as usize, delta, gamma), return BAD_HANDLE);
    status_of(r)
}

/// Pointer to the n*d stage buffer of a simulation created with `ode` (the
/// threaded sphere step writes the stage state S_k there before stage k >= 1).
#[no_mangle]
pub extern "C" fn ad_stage_ptr(h: u32) -> usize {
    with_sim!(h, s => s.stage_ptr(), 0)
}

/// Stages of one sphere step (4 for rk4, 1 for euler), 0 for a discrete model.
#[no_mangle]
pub extern "C" fn ad_ode_stages(h: u32) -> u32 {
    with_sim!(h, s => if s.model.is_ode() { s.ode_stages() as u32 } else { 0 }, 0)
}

/// Stage k of one sphere step for the rows r0 <= i < r1 (`Sim::ode_rows`):
/// results in the stage rows r0..r1. 0 on success; a status (2, 4 or 5) for
/// a failing field row; that status + 256 for a failing normalisation.
#[no_mangle]
pub extern "C" fn ad_ode_rows(h: u32, k: u32, r0: u32, r1: u32) -> u32 {
    let r = with_sim!(h, s => s.ode_rows(k as usize, r0 as usize, r1 as usize), return BAD_HANDLE);
    match r {
        Ok(()) => OK,
        Err((e, phase)) => status_of(Err(e)) + 256 * phase,
    }
}

/// Generator draws one discrete step makes (n for softmax-markov, else 0):
/// after a partitioned step the caller advances the generator by this many
/// draws with `ad_skip_draws`.
#[no_mangle]
pub extern "C" fn ad_draws_per_step(h: u32) -> u32 {
    with_sim!(h, s => s.draws_per_step() as u32, 0)
}

/// Advance the generator by k draws in O(1) (SplitMix64 jump).
#[no_mangle]
pub extern "C" fn ad_skip_draws(h: u32, k: u32) -> u32 {
    with_sim!(h, s => { s.rng.jump(k as u64); OK }, BAD_HANDLE)
}
