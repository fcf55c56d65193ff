//! The attention pass shared by every model: from a snapshot of the state,
//! for each token i (ascending), the alignment row a_i. = <A x_i, x_.>, its
//! maximum, the row's weights, and the weighted mean y_i, handed to a
//! callback. Works in row blocks of `ROWS` with O(ROWS * n) scratch; no n x n
//! matrix ever exists.

use crate::lanes::{Real, PAD, ROWS};
use crate::prng::SplitMix64;
use crate::sim::{try_zeroed, StepError};

/// How a row's alignments become the vector passed to the callback.
#[derive(Debug, Clone, Copy)]
pub enum Rule<T> {
    /// Uniform weights on { j : a_ij >= m_i - delta - tau max(1,|m_i|) } (hardmax: delta = 0).
    Threshold { delta: T, tau: T },
    /// w_ij = exp(beta (a_ij - m_i)), normalised: y_i is the softmax-weighted mean.
    Softmax { beta: T },
    /// Unnormalised: y_i = (1/n) sum_j exp(beta a_ij) x_j (computed as exp(beta m_i)/n sum exp(beta(a_ij - m_i)) x_j).
    Exp { beta: T },
    /// One draw J_i ~ softmax(beta a_i.) by inverse CDF with one uniform per token; y_i = x_J.
    Sample { beta: T },
}

/// Scratch for the attention pass of n tokens in R^d, sized once.
pub struct Attn<T: Real> {
    pub n: usize,
    pub d: usize,
    stride: usize,
    /// Transposed snapshot: coordinate c of token j at xt[c*stride + j]; pad columns 0.
    xt: Vec<T>,
    q: Vec<T>,
    rows: Vec<T>,
    y: Vec<T>,
    members: Vec<u32>,
}

impl<T: Real> Attn<T> {
    pub fn new(n: usize, d: usize) -> Option<Self> {
        let stride = n.checked_add(PAD - 1)? / PAD * PAD;
        Some(Attn {
            n,
            d,
            stride,
            xt: try_zeroed(stride.checked_mul(d)?)?,
            q: try_zeroed(ROWS.checked_mul(d)?)?,
            rows: try_zeroed(stride.checked_mul(ROWS)?)?,
            y: try_zeroed(d)?,
            members: try_zeroed(n)?,
        })
    }

    pub fn bytes(&self) -> usize {
        (self.xt.len() + self.q.len() + self.rows.len() + self.y.len()) * core::mem::size_of::<T>() + self.members.len() * 4
    }

    /// Take the snapshot the next `run` reads: src is row-major n*d.
    pub fn load(&mut self, src: &[T]) {
        let (n, d, stride) = (self.n, self.d, self.stride);
        for i in 0..n {
            for c in 0..d {
                self.xt[c * stride + i] = src[i * d + c];
            }
        }
    }

    /// For every token i ascending, compute y_i by `rule` and call `f(i, y_i)`.
    /// `a` is the row-major d*d matrix A, or None for the identity. `rng` is
    /// drawn once per token only by `Rule::Sample`.
    pub fn run<F>(&mut self, a: Option<&[T]>, rule: Rule<T>, rng: &mut SplitMix64, mut f: F) -> Result<(), StepError>
    where
        F: FnMut(usize, &[T]) -> Result<(), StepError>,
    {
        let (n, d, stride) = (self.n, self.d, self.stride);
        let mut i0 = 0;
        while i0 < n {
            let nr = if n - i0 < ROWS { n - i0 } else { ROWS };
            self.load_queries(a, i0, nr);
            T::align_rows(&self.q, d, &self.xt, stride, &mut self.rows);
            for r in 0..nr {
                self.row_mean(r, rule, rng)?;
                f(i0 + r, &self.y)?;
            }
            i0 += nr;
        }
        Ok(())
    }

    /// q[r] = A x_{i0+r} (from the snapshot) for r < nr; other rows 0.
    fn load_queries(&mut self, a: Option<&[T]>, i0: usize, nr: usize) {
        let (d, stride) = (self.d, self.stride);
        for r in 0..ROWS {
            let i = i0 + r;
            for rr in 0..d {
                let v = if r >= nr {
                    T::ZERO
                } else {
                    match a {
                        None => self.xt[rr * stride + i],
                        Some(m) => {
                            let mut s = T::ZERO;
                            for c in 0..d {
                                s = s + m[rr * d + c] * self.xt[c * stride + i];
                            }
                            s
                        }
                    }
                };
                self.q[r * d + rr] = v;
            }
        }
    }

    fn row_mean(&mut self, r: usize, rule: Rule<T>, rng: &mut SplitMix64) -> Result<(), StepError> {
        let (n, d, stride) = (self.n, self.d, self.stride);
        let row = &mut self.rows[r * stride..r * stride + stride];
        let m = T::row_max(row, n);
        if !m.is_finite() {
            return Err(StepError::NonFinite);
        }
        match rule {
            Rule::Threshold { delta, tau } => {
                let absm = m.abs();
                let scale = if absm > T::ONE { absm } else { T::ONE };
                let thr = m - delta - tau * scale;
                let mut count = 0usize;
                for (j, &v) in row[..n].iter().enumerate() {
                    if v >= thr {
                        self.members[count] = j as u32;
                        count += 1;
                    }
                }
                if count == 0 {
                    // Unreachable for finite m and delta, tau >= 0: the argmax passes.
                    return Err(StepError::NonFinite);
                }
                // Sum the members in ascending j, the canonical order of SPEC §0:
                // it keeps exact cancellations exact (1 + (-1) + p = p) and
                // agrees bit for bit with the js backend.
                for c in 0..d {
                    let col = &self.xt[c * stride..c * stride + n];
                    let mut s = T::ZERO;
                    for &j in &self.members[..count] {
                        s = s + col[j as usize];
                    }
                    self.y[c] = s;
                }
                let cnt = T::from_usize(count);
                for yc in self.y.iter_mut() {
                    *yc = *yc / cnt;
                }
            }
            Rule::Softmax { beta } | Rule::Exp { beta } => {
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
                let scale = match rule {
                    Rule::Exp { .. } => (beta * m).exp() / T::from_usize(n),
                    _ => T::ONE / total,
                };
                if !scale.is_finite() {
                    return Err(StepError::NonFinite);
                }
                for yc in self.y.iter_mut() {
                    *yc = *yc * scale;
                }
            }
            Rule::Sample { beta } => {
                let mut total = T::ZERO;
                for v in row[..n].iter_mut() {
                    let w = (beta * (*v - m)).exp();
                    *v = w;
                    total = total + w;
                }
                // J = first j whose ascending cumulative weight exceeds u * total.
                let target = T::from_f64(rng.next_f64()) * total;
                let mut pick = n - 1;
                while pick > 0 && !(row[pick] > T::ZERO) {
                    pick -= 1;
                }
                let mut cum = T::ZERO;
                for (j, &w) in row[..n].iter().enumerate() {
                    cum = cum + w;
                    if cum > target {
                        pick = j;
                        break;
                    }
                }
                for c in 0..d {
                    self.y[c] = self.xt[c * stride + pick];
                }
            }
        }
        Ok(())
    }
}
