//! One simulation: n tokens in R^d and the scratch to step them, all sized
//! at creation. Stepping allocates nothing.
//!
//! One step (SPEC.md §1), for every token i, in row blocks of `ROWS`:
//! 1. q_i = A x_i (or x_i when A is the identity);
//! 2. a_ij = q_i . x_j for all j (SIMD over j on the transposed state `xt`);
//! 3. m_i = max_j a_ij; weights: hardmax/localmax 1 on C_i = {j : a_ij >= m_i - δ - τ max(1,|m_i|)},
//!    softmax exp(β (a_ij - m_i));
//! 4. y_i = Σ_j w_ij x_j / Σ_j w_ij and x_i <- x_i + γ (y_i - x_i).
//! All reads of other tokens go through `xt`, a snapshot taken at the start of
//! the step, so updating `x` row by row in place is a synchronous update.

use crate::lanes::{Real, PAD, ROWS};

/// Model codes of the ABI.
pub const MODEL_HARDMAX: u32 = 0;
pub const MODEL_LOCALMAX: u32 = 1;
pub const MODEL_SOFTMAX: u32 = 2;

/// Why a step could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepError {
    /// Parameters were never set or are invalid.
    BadArgument,
    /// An alignment row had a non-finite maximum; the step stopped part-way.
    NonFinite,
}

/// Number of δ values the ABI can pass per `step` call.
pub const DELTA_CAP: usize = 4096;

/// Allocate a zeroed vector of `len` elements without aborting on failure.
pub fn try_zeroed<T: Clone + Default>(len: usize) -> Option<Vec<T>> {
    let mut v: Vec<T> = Vec::new();
    if v.try_reserve_exact(len).is_err() {
        return None;
    }
    v.resize(len, T::default());
    Some(v)
}

/// A simulation of n tokens in R^d in precision T.
pub struct Sim<T: Real> {
    pub n: usize,
    pub d: usize,
    /// Row-major n*d state, updated in place.
    pub x: Vec<T>,
    /// Row-major d*d matrix A; used unless `identity`.
    pub a: Vec<T>,
    pub identity: bool,
    /// δ per step for the next `step` call (f64 regardless of T).
    pub deltas: Vec<f64>,
    pub model: u32,
    pub gamma: T,
    pub beta: T,
    pub tau: T,
    /// Steps completed by the last `step` call.
    pub last_done: usize,
    stride: usize,
    xt: Vec<T>,
    q: Vec<T>,
    rows: Vec<T>,
    y: Vec<T>,
    members: Vec<u32>,
}

impl<T: Real> Sim<T> {
    /// Allocate a simulation; None if n or d is 0, a size overflows, or memory runs out.
    pub fn new(n: usize, d: usize) -> Option<Self> {
        if n == 0 || d == 0 {
            return None;
        }
        let stride = n.checked_add(PAD - 1)? / PAD * PAD;
        let nd = n.checked_mul(d)?;
        let xt_len = stride.checked_mul(d)?;
        let rows_len = stride.checked_mul(ROWS)?;
        let dd = d.checked_mul(d)?;
        let mut a: Vec<T> = try_zeroed(dd)?;
        for r in 0..d {
            a[r * d + r] = T::ONE;
        }
        Some(Sim {
            n,
            d,
            x: try_zeroed(nd)?,
            a,
            identity: true,
            deltas: try_zeroed(DELTA_CAP)?,
            model: MODEL_HARDMAX,
            gamma: T::from_f64(0.5),
            beta: T::ONE,
            tau: T::ZERO,
            last_done: 0,
            stride,
            xt: try_zeroed(xt_len)?,
            q: try_zeroed(ROWS.checked_mul(d)?)?,
            rows: try_zeroed(rows_len)?,
            y: try_zeroed(d)?,
            members: try_zeroed(n)?,
        })
    }

    /// Bytes held by this simulation's buffers.
    pub fn bytes(&self) -> usize {
        let t = core::mem::size_of::<T>();
        (self.x.len() + self.a.len() + self.xt.len() + self.q.len() + self.rows.len() + self.y.len()) * t
            + self.deltas.len() * 8
            + self.members.len() * 4
    }

    /// Set the fixed parameters; returns false if any is out of range.
    pub fn set_params(&mut self, model: u32, gamma: f64, beta: f64, tau: f64) -> bool {
        let ok = model <= MODEL_SOFTMAX
            && gamma > 0.0
            && gamma <= 1.0
            && beta >= 0.0
            && beta.is_finite()
            && tau >= 0.0
            && tau.is_finite();
        if ok {
            self.model = model;
            self.gamma = T::from_f64(gamma);
            self.beta = T::from_f64(beta);
            self.tau = T::from_f64(tau);
        }
        ok
    }

    /// Run `k` steps; step s uses δ = deltas[s]. `k <= DELTA_CAP`.
    pub fn step(&mut self, k: usize) -> Result<(), StepError> {
        self.last_done = 0;
        if k > DELTA_CAP {
            return Err(StepError::BadArgument);
        }
        for s in 0..k {
            let delta = if self.model == MODEL_LOCALMAX { self.deltas[s] } else { 0.0 };
            if !(delta >= 0.0) {
                return Err(StepError::BadArgument);
            }
            self.step_once(T::from_f64(delta))?;
            self.last_done = s + 1;
        }
        Ok(())
    }

    fn transpose(&mut self) {
        let (n, d, stride) = (self.n, self.d, self.stride);
        for i in 0..n {
            let row = &self.x[i * d..i * d + d];
            for (c, &v) in row.iter().enumerate() {
                self.xt[c * stride + i] = v;
            }
        }
    }

    fn step_once(&mut self, delta: T) -> Result<(), StepError> {
        self.transpose();
        let (n, d, stride) = (self.n, self.d, self.stride);
        let mut i0 = 0;
        while i0 < n {
            let nr = if n - i0 < ROWS { n - i0 } else { ROWS };
            self.load_queries(i0, nr);
            T::align_rows(&self.q, d, &self.xt, stride, &mut self.rows);
            for r in 0..nr {
                self.update_row(i0 + r, r, delta)?;
            }
            i0 += nr;
        }
        Ok(())
    }

    /// q[r] = A x_{i0+r} for r < nr; rows nr..ROWS zero.
    fn load_queries(&mut self, i0: usize, nr: usize) {
        let d = self.d;
        for r in 0..ROWS {
            let qr = &mut self.q[r * d..r * d + d];
            if r >= nr {
                for v in qr.iter_mut() {
                    *v = T::ZERO;
                }
                continue;
            }
            let xi = &self.x[(i0 + r) * d..(i0 + r) * d + d];
            if self.identity {
                qr.copy_from_slice(xi);
            } else {
                for (rr, qv) in qr.iter_mut().enumerate() {
                    let arow = &self.a[rr * d..rr * d + d];
                    let mut s = T::ZERO;
                    for (&av, &xv) in arow.iter().zip(xi) {
                        s = s + av * xv;
                    }
                    *qv = s;
                }
            }
        }
    }

    /// Weights for alignment row r (token i), mean y, and the in-place update of x_i.
    fn update_row(&mut self, i: usize, r: usize, delta: T) -> Result<(), StepError> {
        let (n, d, stride) = (self.n, self.d, self.stride);
        let row = &mut self.rows[r * stride..r * stride + stride];
        let m = T::row_max(row, n);
        if !m.is_finite() {
            return Err(StepError::NonFinite);
        }
        if self.model == MODEL_SOFTMAX {
            let beta = self.beta;
            let mut total = T::ZERO;
            for v in row[..n].iter_mut() {
                let w = (beta * (*v - m)).exp();
                *v = w;
                total = total + w;
            }
            for v in row[n..].iter_mut() {
                *v = T::ZERO;
            }
            T::weighted_sums(row, d, &self.xt, stride, &mut self.y);
            for yc in self.y.iter_mut() {
                *yc = *yc / total;
            }
        } else {
            let absm = m.abs();
            let scale = if absm > T::ONE { absm } else { T::ONE };
            let thr = m - delta - self.tau * scale;
            let mut count = 0usize;
            for (j, &a) in row[..n].iter().enumerate() {
                if a >= thr {
                    self.members[count] = j as u32;
                    count += 1;
                }
            }
            // count >= 1: the argmax passes its own threshold (δ, τ >= 0).
            if count == 0 {
                return Err(StepError::NonFinite);
            }
            if count * 8 <= n {
                // Sparse: gather members in ascending j (canonical order).
                for c in 0..d {
                    let col = &self.xt[c * stride..c * stride + n];
                    let mut s = T::ZERO;
                    for &j in &self.members[..count] {
                        s = s + col[j as usize];
                    }
                    self.y[c] = s;
                }
            } else {
                for v in row[..n].iter_mut() {
                    *v = if *v >= thr { T::ONE } else { T::ZERO };
                }
                for v in row[n..].iter_mut() {
                    *v = T::ZERO;
                }
                T::weighted_sums(row, d, &self.xt, stride, &mut self.y);
            }
            let cnt = T::from_usize(count);
            for yc in self.y.iter_mut() {
                *yc = *yc / cnt;
            }
        }
        let g = self.gamma;
        let xi = &mut self.x[i * d..i * d + d];
        for (xv, &yv) in xi.iter_mut().zip(&self.y) {
            *xv = *xv + g * (yv - *xv);
        }
        Ok(())
    }
}
