//! The raw C ABI used by ts/backend/wasm.ts. Handle based: a handle is an
//! index + 1 into a table of simulations; 0 is never a valid handle. Every
//! function validates its handle and arguments and returns a status code;
//! nothing here panics on caller input.
//!
//! Status codes (mirrored in ts/backend/backend.ts):
//! 0 ok, 1 bad handle, 2 bad argument, 3 out of memory, 4 non-finite alignment.
//!
//! Pointers returned are byte offsets into wasm linear memory; they stay valid
//! until the simulation is destroyed (buffers never move), but a JS view over
//! them detaches whenever memory grows.

use crate::sim::{Sim, StepError, DELTA_CAP};

pub const OK: u32 = 0;
pub const BAD_HANDLE: u32 = 1;
pub const BAD_ARGUMENT: u32 = 2;
pub const OUT_OF_MEMORY: u32 = 3;
pub const NON_FINITE: u32 = 4;

/// Precision codes.
pub const PREC_F64: u32 = 0;
pub const PREC_F32: u32 = 1;

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

/// Create a simulation of n tokens in R^d. Returns its handle, or 0 with the
/// reason in `ad_last_status` (2 bad argument, 3 out of memory).
#[no_mangle]
pub extern "C" fn ad_create(precision: u32, n: u32, d: u32) -> u32 {
    let t = table();
    let (n, d) = (n as usize, d as usize);
    let sim = match precision {
        PREC_F64 => Sim::<f64>::new(n, d).map(AnySim::F64),
        PREC_F32 => Sim::<f32>::new(n, d).map(AnySim::F32),
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

/// Byte offset of the row-major d*d matrix A (element type as positions); 0 for a bad handle.
#[no_mangle]
pub extern "C" fn ad_matrix_ptr(h: u32) -> usize {
    with_sim!(h, s => s.a.as_mut_ptr() as usize, 0)
}

/// Byte offset of the f64 δ buffer (DELTA_CAP entries) read by the next `ad_step`.
#[no_mangle]
pub extern "C" fn ad_deltas_ptr(h: u32) -> usize {
    with_sim!(h, s => s.deltas.as_mut_ptr() as usize, 0)
}

/// Number of δ values one `ad_step` call can take.
#[no_mangle]
pub extern "C" fn ad_deltas_cap() -> u32 {
    DELTA_CAP as u32
}

/// Bytes held by a simulation's buffers; 0 for a bad handle.
#[no_mangle]
pub extern "C" fn ad_bytes(h: u32) -> usize {
    with_sim!(h, s => s.bytes(), 0)
}

/// Use the matrix buffer (identity = 0) or the identity (identity = 1).
#[no_mangle]
pub extern "C" fn ad_set_identity(h: u32, identity: u32) -> u32 {
    with_sim!(h, s => { s.identity = identity != 0; OK }, BAD_HANDLE)
}

/// Set model (0 hardmax, 1 localmax, 2 softmax), γ in (0,1], β >= 0 finite, τ >= 0 finite.
#[no_mangle]
pub extern "C" fn ad_set_params(h: u32, model: u32, gamma: f64, beta: f64, tau: f64) -> u32 {
    with_sim!(h, s => if s.set_params(model, gamma, beta, tau) { OK } else { BAD_ARGUMENT }, BAD_HANDLE)
}

/// Run k <= DELTA_CAP steps, step s using δ = deltas[s]. On failure the state
/// holds the steps completed (`ad_last_done`) plus, for status 4, a part-way step.
#[no_mangle]
pub extern "C" fn ad_step(h: u32, k: u32) -> u32 {
    let r = with_sim!(h, s => s.step(k as usize), return BAD_HANDLE);
    match r {
        Ok(()) => OK,
        Err(StepError::BadArgument) => BAD_ARGUMENT,
        Err(StepError::NonFinite) => NON_FINITE,
    }
}

/// Steps completed by the last `ad_step` on this handle.
#[no_mangle]
pub extern "C" fn ad_last_done(h: u32) -> u32 {
    with_sim!(h, s => s.last_done as u32, 0)
}
