//! The attention pass shared by every model: from a snapshot of the state,
//! for each token i (ascending), the alignment row a_i. = <A x_i, x_.>, its
//! maximum, the row's weights, and the weighted mean y_i, handed to a
//! callback. Works in row blocks of `ROWS` with O(ROWS * n) scratch; no n x n
//! matrix ever exists.
//!
//! The snapshot is kept twice (O(n d) each): packed in panels of `T::PANEL`
//! tokens (`xp`, streamed by the register-blocked alignment tiles and the
//! softmax weighted sums, one pass over it per block of ROWS rows) and
//! row-major with rows padded to a whole number of SIMD vectors (`xr`,
//! gathered by the threshold sums and the Markov pick). Per block of rows:
//!
//! ```text
//!     qt = A x_i for the block's rows        (d^2 per row, sequential sums)
//!     rows, maxes = alignments of the block and their row maxima (T::align_block)
//!     Threshold: the members of each row, then their xr rows summed in
//!                ascending j (T::threshold_sum: SIMD compare, bitmask,
//!                gather into register accumulators)
//!     Softmax/Exp: w = exp_fast(beta (a - m)) in place (T::exp_row), then
//!                Y = W X for the whole block (T::wsum_block)
//!     Sample:    libm exp and the ascending inverse CDF, exactly as the js backend.
//! ```
//!
//! Threshold rules in dimension d <= 3 (n >= 1024) take a sparse path: a
//! kd-tree over the snapshot gives each row's maximum by branch and bound and
//! its members by a range query, bit-identical to the dense path (`Tree`).
//!
//! The tree engine (`tree_engine`, threshold rules, d <= 3, any n) goes
//! further: each row's members are summed by a half-space range-sum query
//! on the same kd-tree (whole nodes by their sums), so a row costs about the
//! nodes its threshold line crosses instead of its members. Same members as
//! the dense rule; the summation order is the tree's (see tree.rs).

use crate::alloc::try_zeroed;
use crate::error::StepError;
use crate::prng::SplitMix64;
use crate::simd::{Real, ROWS};
use crate::tree::Tree;

/// The open readings of the localmax rule (SPEC §1.2, §6.6); all off is the
/// default rule. `relative`: the gap is δ|m_i| instead of δ. `strict`: a
/// member's gap to the maximum is below the threshold, not at it (a_ij >
/// m_i − δ' − τ max(1,|m_i|), taken as >= the next float up; with δ' = 0 the
/// argmax ties still belong, so δ = 0 is hardmax under every reading).
/// `include_self`: i joins C_i when it is not a member, its row added after
/// the members' ascending sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Readings {
    pub relative: bool,
    pub strict: bool,
    pub include_self: bool,
}

impl Readings {
    /// From the bits of `ad_set_readings`: 1 relative, 2 strict, 4 include_self; None above 7.
    pub fn from_bits(b: u32) -> Option<Self> {
        if b > 7 {
            return None;
        }
        Some(Readings { relative: b & 1 != 0, strict: b & 2 != 0, include_self: b & 4 != 0 })
    }

    /// Any reading other than the default rule.
    pub fn any(self) -> bool {
        self.relative || self.strict || self.include_self
    }
}

/// The membership threshold of a row with maximum m: m − δ − τ max(1,|m|)
/// for the default rule (the same operations as always), else as `Readings` says.
#[inline(always)]
pub fn threshold<T: Real>(m: T, delta: T, tau: T, read: Readings) -> T {
    let absm = m.abs();
    let scale = if absm > T::ONE { absm } else { T::ONE };
    if !read.any() {
        return m - delta - tau * scale;
    }
    let gap = if read.relative { delta * absm } else { delta };
    let thr = m - gap - tau * scale;
    if read.strict && gap > T::ZERO {
        thr.next_up()
    } else {
        thr
    }
}

/// How a row's alignments become the vector passed to the callback.
#[derive(Debug, Clone, Copy)]
pub enum Rule<T> {
    /// Uniform weights on { j : a_ij >= m_i - delta - tau max(1,|m_i|) } (hardmax: delta = 0),
    /// or the set `read` describes.
    Threshold { delta: T, tau: T, read: Readings },
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
    /// n rounded up to a multiple of T::PANEL.
    np: usize,
    /// d rounded up to a multiple of T::LANES.
    dp: usize,
    /// Packed snapshot: coordinate c of token j = p*PANEL + l at xp[(p*d + c)*PANEL + l]; pad tokens 0.
    xp: Vec<T>,
    /// Row-major snapshot, rows padded to dp with zeros: coordinate c of token j at xr[j*dp + c].
    xr: Vec<T>,
    /// The block's query rows, coordinate-major: q_r[c] at qt[c*ROWS + r].
    qt: Vec<T>,
    /// The block's alignment (then weight) rows, row r at rows[r*np ..].
    rows: Vec<T>,
    /// The block's means, row r at y[r*dp ..].
    y: Vec<T>,
    /// Indices of a row's threshold members, ascending.
    members: Vec<u32>,
    /// Per-row maxima (from the alignment tiles) and weight totals of a block.
    maxes: Vec<T>,
    totals: Vec<T>,
    /// max_j sum_c |x_jc| of the snapshot (infinite if any entry is not finite).
    l1max: f64,
    /// The kd-tree of threshold rules in low dimension (None when d > SPARSE_D).
    tree: Option<Tree<T>>,
    /// Threshold rules by the tree engine's range sums (needs `tree`; set by `set_tree_engine`).
    tree_engine: bool,
    /// The tree engine's memo of rows with equal tokens (a collapsed cluster
    /// asks one query): an open-addressing table of 2^k >= 2n slots holding
    /// row + 1 of a computed row (0 empty), and those rows' means at
    /// ymemo[i*d ..]. y_i depends only on x_i and the snapshot, so a row
    /// whose x_i equals (bit for bit) a computed one's takes its mean: the
    /// same value recomputing gives. Empty unless the tree engine is on.
    memo: Vec<u32>,
    ymemo: Vec<T>,
}

/// Dimensions where threshold rules have a kd-tree (both engines), and the
/// size from which the dense engine uses it to enumerate members.
pub const SPARSE_D: usize = 3;
const SPARSE_N: usize = 1024;
fn round_up(v: usize, m: usize) -> Option<usize> {
    Some(v.checked_add(m - 1)? / m * m)
}

impl<T: Real> Attn<T> {
    pub fn new(n: usize, d: usize) -> Option<Self> {
        let np = round_up(n, T::PANEL)?;
        let dp = round_up(d, T::LANES)?;
        Some(Attn {
            n,
            d,
            np,
            dp,
            xp: try_zeroed(np.checked_mul(d)?)?,
            xr: try_zeroed(n.checked_mul(dp)?)?,
            qt: try_zeroed(ROWS.checked_mul(d)?)?,
            rows: try_zeroed(np.checked_mul(ROWS)?)?,
            y: try_zeroed(dp.checked_mul(ROWS)?)?,
            members: try_zeroed(n)?,
            maxes: try_zeroed(ROWS)?,
            totals: try_zeroed(ROWS)?,
            l1max: f64::INFINITY,
            tree: if d <= SPARSE_D { Some(Tree::new(n, d)?) } else { None },
            tree_engine: false,
            memo: Vec::new(),
            ymemo: Vec::new(),
        })
    }

    /// Turn the tree engine on (allocating its memo once) or off; false if
    /// there is no tree (d > SPARSE_D) or memory runs out, nothing changed.
    pub fn set_tree_engine(&mut self, on: bool) -> bool {
        if on {
            if self.tree.is_none() {
                return false;
            }
            if self.memo.is_empty() {
                let slots = match memo_slots(self.n) {
                    Some(s) => s,
                    None => return false,
                };
                let (memo, ymemo) = match (try_zeroed(slots), self.n.checked_mul(self.d).and_then(try_zeroed)) {
                    (Some(m), Some(y)) => (m, y),
                    _ => return false,
                };
                self.memo = memo;
                self.ymemo = ymemo;
            }
        }
        self.tree_engine = on;
        true
    }

    pub fn bytes(&self) -> usize {
        (self.xp.len() + self.xr.len() + self.qt.len() + self.rows.len() + self.y.len() + self.maxes.len() + self.totals.len() + self.ymemo.len())
            * core::mem::size_of::<T>()
            + (self.members.len() + self.memo.len()) * 4
            + self.tree.as_ref().map_or(0, |t| t.bytes())
    }

    /// Take the snapshot the next `run` reads: src is row-major n*d.
    pub fn load(&mut self, src: &[T]) {
        let (n, d, dp, pw) = (self.n, self.d, self.dp, T::PANEL);
        let mut l1max = 0.0f64;
        for j in 0..n {
            let packed = (j / pw) * d * pw + j % pw;
            let mut l1 = 0.0f64;
            for c in 0..d {
                let v = src[j * d + c];
                self.xp[packed + c * pw] = v;
                self.xr[j * dp + c] = v;
                l1 += v.to_f64().abs();
            }
            // `!(l1 <= l1max)` adopts a NaN as well.
            if !(l1 <= l1max) {
                l1max = l1;
            }
        }
        self.l1max = if l1max.is_finite() { l1max } else { f64::INFINITY };
    }

    /// Copy the snapshot taken by the last `load` back into dst (row-major
    /// n*d): the exact values that were loaded.
    pub fn restore(&self, dst: &mut [T]) {
        let (n, d, dp) = (self.n, self.d, self.dp);
        for j in 0..n {
            dst[j * d..j * d + d].copy_from_slice(&self.xr[j * dp..j * dp + d]);
        }
    }

    /// For every token i ascending, compute y_i by `rule` and call `f(i, y_i)`.
    /// `a` is the row-major d*d matrix A, or None for the identity. `rng` is
    /// drawn once per token only by `Rule::Sample`. On an error, the rows
    /// before the failing one have had their callback, the later ones not.
    pub fn run<F>(&mut self, a: Option<&[T]>, rule: Rule<T>, rng: &mut SplitMix64, f: F) -> Result<(), StepError>
    where
        F: FnMut(usize, &[T]) -> Result<(), StepError>,
    {
        let n = self.n;
        self.run_rows(0, n, a, rule, rng, f)
    }

    /// `run` restricted to the tokens r0 <= i < r1 (ascending) over the same
    /// loaded snapshot: the row-range entry the threaded path partitions a
    /// step with. Each y_i depends only on the snapshot and i (and, for
    /// `Rule::Sample`, on the one draw `rng` gives it), never on r0 or r1, so
    /// any partition of 0..n gives the rows of `run` bit for bit; `rng` must
    /// then be the step's generator jumped ahead by r0 draws.
    pub fn run_rows<F>(&mut self, r0: usize, r1: usize, a: Option<&[T]>, rule: Rule<T>, rng: &mut SplitMix64, mut f: F) -> Result<(), StepError>
    where
        F: FnMut(usize, &[T]) -> Result<(), StepError>,
    {
        let (n, d, np, dp) = (self.n, self.d, self.np, self.dp);
        let r1 = if r1 > n { n } else { r1 };
        // The kd-tree paths implement the default rule only; other readings take the dense path.
        if let (Rule::Threshold { delta, tau, read }, true) = (rule, self.tree_engine && self.tree.is_some()) {
            if !read.any() {
                return self.tree_rows(r0, r1, a, delta, tau, f);
            }
        }
        let sparse = matches!(rule, Rule::Threshold { read, .. } if !read.any()) && n >= SPARSE_N && self.tree.is_some() && self.l1max.is_finite();
        if sparse {
            if let Some(t) = self.tree.as_mut() {
                t.build(&self.xr, n, d, dp, false);
                t.dense_left = 0;
            }
        }
        let mut i0 = r0;
        while i0 < r1 {
            let nr = if r1 - i0 < ROWS { r1 - i0 } else { ROWS };
            let qmax = self.load_queries(a, i0, nr);
            if sparse && qmax * self.l1max < T::SAFE {
                if let Rule::Threshold { delta, tau, .. } = rule {
                    if self.sparse_block(i0, nr, delta, tau, &mut f)? {
                        i0 += nr;
                        continue;
                    }
                }
            }
            T::align_block(&self.qt, ROWS, d, &self.xp, np, n, &mut self.rows, &mut self.maxes);
            // |a_ij| <= max_c |q_c| * sum_c |x_jc| bounds every product and partial
            // sum: below T::SAFE no alignment is NaN or infinite and the tiles'
            // maxima are exact. Otherwise take the maxima with the scalar rule,
            // which lets a non-finite row through to the finiteness checks.
            if !(qmax * self.l1max < T::SAFE) {
                for r in 0..nr {
                    self.maxes[r] = T::row_max(&self.rows[r * np..r * np + np], n);
                }
            }
            match rule {
                Rule::Threshold { delta, tau, read } => {
                    for r in 0..nr {
                        let row = &self.rows[r * np..r * np + np];
                        let m = self.maxes[r];
                        if !m.is_finite() {
                            return Err(StepError::NonFinite);
                        }
                        let thr = threshold(m, delta, tau, read);
                        // Members summed in ascending j, the canonical order of SPEC §0:
                        // it keeps exact cancellations exact (1 + (-1) + p = p) and
                        // agrees bit for bit with the js backend.
                        let y = &mut self.y[..dp];
                        let mut count = T::threshold_sum(row, n, thr, &self.xr, dp, &mut self.members, y);
                        if read.include_self && !(row[i0 + r] >= thr) {
                            let xi = &self.xr[(i0 + r) * dp..(i0 + r) * dp + d];
                            for (yc, &xc) in y[..d].iter_mut().zip(xi) {
                                *yc = *yc + xc;
                            }
                            count += 1;
                        }
                        if count == 0 {
                            // Unreachable for finite m and delta, tau >= 0: the argmax passes.
                            return Err(StepError::NonFinite);
                        }
                        let cnt = T::from_usize(count);
                        for yc in y[..d].iter_mut() {
                            *yc = *yc / cnt;
                        }
                        f(i0 + r, &y[..d])?;
                    }
                }
                Rule::Softmax { beta } | Rule::Exp { beta } => {
                    // Weights for the rows before the first non-finite one; then
                    // the whole block's weighted sums at once.
                    let mut bad = nr;
                    for r in 0..nr {
                        let row = &mut self.rows[r * np..r * np + np];
                        let m = self.maxes[r];
                        if !m.is_finite() {
                            bad = r;
                            break;
                        }
                        self.totals[r] = T::exp_row(row, n, beta, m);
                    }
                    if bad > 0 {
                        T::wsum_block(&self.rows, ROWS, np, &self.xp, d, dp, &mut self.y);
                    }
                    for r in 0..nr {
                        if r == bad {
                            return Err(StepError::NonFinite);
                        }
                        let scale = match rule {
                            Rule::Exp { .. } => (beta * self.maxes[r]).exp() / T::from_usize(n),
                            _ => T::ONE / self.totals[r],
                        };
                        if !scale.is_finite() {
                            return Err(StepError::NonFinite);
                        }
                        let y = &mut self.y[r * dp..r * dp + d];
                        for yc in y.iter_mut() {
                            *yc = *yc * scale;
                        }
                        f(i0 + r, y)?;
                    }
                }
                Rule::Sample { beta } => {
                    for r in 0..nr {
                        self.sample_row(r, beta, rng)?;
                        f(i0 + r, &self.y[..d])?;
                    }
                }
            }
            i0 += nr;
        }
        Ok(())
    }

    /// The tree engine's threshold rows r0 <= i < r1: per row, q = A x_i,
    /// m_i by branch and bound, then the members' sum by `Tree::range_sum`.
    /// A row whose alignments could overflow (max_c |q_c| * l1max not below
    /// T::SAFE, or a non-finite snapshot) is done by `scalar_row` instead,
    /// in the dense rule's ascending order, so huge inputs fail or pass as
    /// on the dense engine. ts/backend/js.ts makes the same choices.
    fn tree_rows<F>(&mut self, r0: usize, r1: usize, a: Option<&[T]>, delta: T, tau: T, mut f: F) -> Result<(), StepError>
    where
        F: FnMut(usize, &[T]) -> Result<(), StepError>,
    {
        // The work is in the non-generic `tree_prepare` / `tree_row`, so it is
        // compiled once per float type, not once per callback.
        let mut hints = Hints { at: [0; HINTS], len: 0, next: 0 };
        let safe = self.tree_prepare()?;
        let d = self.d;
        for i in r0..r1 {
            self.tree_row(i, a, delta, tau, safe, &mut hints)?;
            f(i, &self.ymemo[i * d..i * d + d])?;
        }
        Ok(())
    }

    /// Build the tree (over a finite snapshot; returns whether it is) and clear the memo.
    #[inline(never)]
    fn tree_prepare(&mut self) -> Result<bool, StepError> {
        let (n, d, dp) = (self.n, self.d, self.dp);
        let t = match self.tree.as_mut() {
            Some(t) => t,
            None => return Err(StepError::BadArgument),
        };
        let safe = self.l1max.is_finite();
        if safe {
            t.build(&self.xr, n, d, dp, true);
        }
        for slot in self.memo.iter_mut() {
            *slot = 0;
        }
        Ok(safe)
    }

    /// Row i of the tree engine: its mean left in ymemo[i*d ..].
    #[inline(never)]
    fn tree_row(&mut self, i: usize, a: Option<&[T]>, delta: T, tau: T, safe: bool, hints: &mut Hints) -> Result<(), StepError> {
        let (n, d, dp) = (self.n, self.d, self.dp);
        let t = match self.tree.as_mut() {
            Some(t) => t,
            None => return Err(StepError::BadArgument),
        };
        let mask = self.memo.len() - 1;
        let xi = &self.xr[i * dp..i * dp + d];
        // A row with the same token as a computed one takes its mean.
        let mut h = 0x9e37_79b9_7f4a_7c15u64;
        for &v in xi {
            h = (h ^ v.to_f64().to_bits()).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            h ^= h >> 31;
        }
        let mut slot = h as usize & mask;
        while self.memo[slot] != 0 {
            let j = self.memo[slot] as usize - 1;
            let xj = &self.xr[j * dp..j * dp + d];
            if xi.iter().zip(xj).all(|(a, b)| a.to_f64().to_bits() == b.to_f64().to_bits()) {
                self.ymemo.copy_within(j * d..j * d + d, i * d);
                return Ok(());
            }
            slot = (slot + 1) & mask;
        }
        let mut q = [T::ZERO; SPARSE_D];
        let mut qmax = 0.0f64;
        for rr in 0..d {
            let v = match a {
                None => xi[rr],
                Some(m) => {
                    let mut s = T::ZERO;
                    for c in 0..d {
                        s = s + m[rr * d + c] * xi[c];
                    }
                    s
                }
            };
            q[rr] = v;
            let av = v.to_f64().abs();
            if !(av <= qmax) {
                qmax = av;
            }
        }
        let y = &mut self.y[..dp];
        let count = if safe && qmax * self.l1max < T::SAFE {
            let (m, arg) = t.max_from(&q[..d], d, &hints.at[..hints.len]);
            hints.remember(arg);
            if !m.is_finite() {
                return Err(StepError::NonFinite);
            }
            let absm = m.abs();
            let scale = if absm > T::ONE { absm } else { T::ONE };
            t.range_sum(&q[..d], d, m - delta - tau * scale, y)
        } else {
            scalar_row(&q[..d], &self.xr, n, d, dp, delta, tau, y)?
        };
        if count == 0 {
            // Unreachable for finite m and delta, tau >= 0: the argmax passes.
            return Err(StepError::NonFinite);
        }
        let cnt = T::from_usize(count);
        for (out, &yc) in self.ymemo[i * d..i * d + d].iter_mut().zip(&y[..d]) {
            *out = yc / cnt;
        }
        self.memo[slot] = (i + 1) as u32;
        Ok(())
    }

    /// Run a block of threshold rows on the kd-tree unless it is resting; true
    /// if it did. A block whose rows have many members (where the dense scan
    /// is cheaper) sends the next 32 blocks to the dense path.
    fn sparse_block<F>(&mut self, i0: usize, nr: usize, delta: T, tau: T, f: &mut F) -> Result<bool, StepError>
    where
        F: FnMut(usize, &[T]) -> Result<(), StepError>,
    {
        let (n, d, dp) = (self.n, self.d, self.dp);
        let t = match self.tree.as_mut() {
            Some(t) => t,
            None => return Ok(false),
        };
        if t.dense_left > 0 {
            t.dense_left -= 1;
            return Ok(false);
        }
        let mut q = [T::ZERO; SPARSE_D];
        let mut total = 0;
        for r in 0..nr {
            for c in 0..d {
                q[c] = self.qt[c * ROWS + r];
            }
            let m = t.max(&q[..d], d);
            if !m.is_finite() {
                return Err(StepError::NonFinite);
            }
            let absm = m.abs();
            let scale = if absm > T::ONE { absm } else { T::ONE };
            let thr = m - delta - tau * scale;
            let count = t.mark(&q[..d], d, thr);
            if count == 0 {
                return Err(StepError::NonFinite);
            }
            total += count;
            let y = &mut self.y[..dp];
            t.gather(&self.xr, d, dp, y);
            let cnt = T::from_usize(count);
            for yc in y[..d].iter_mut() {
                *yc = *yc / cnt;
            }
            f(i0 + r, &y[..d])?;
        }
        if total > nr * n / 4 {
            t.dense_left = 32;
        }
        Ok(true)
    }

    /// qt = A x_i for the rows i0 .. i0+nr of the snapshot (row r of the block);
    /// other rows 0. Returns max |q_rc| (infinite if any is not finite).
    fn load_queries(&mut self, a: Option<&[T]>, i0: usize, nr: usize) -> f64 {
        let (d, dp) = (self.d, self.dp);
        let mut qmax = 0.0f64;
        for r in 0..ROWS {
            let i = i0 + r;
            for rr in 0..d {
                let v = if r >= nr {
                    T::ZERO
                } else {
                    let xi = &self.xr[i * dp..i * dp + d];
                    match a {
                        None => xi[rr],
                        Some(m) => {
                            let mut s = T::ZERO;
                            for c in 0..d {
                                s = s + m[rr * d + c] * xi[c];
                            }
                            s
                        }
                    }
                };
                self.qt[rr * ROWS + r] = v;
                let av = v.to_f64().abs();
                if !(av <= qmax) {
                    qmax = av;
                }
            }
        }
        if qmax.is_finite() {
            qmax
        } else {
            f64::INFINITY
        }
    }

    /// One draw J ~ softmax(beta a_r.) by inverse CDF, y = x_J: libm exp and
    /// sequential sums, in the js backend's order (bit-identical in f64).
    fn sample_row(&mut self, r: usize, beta: T, rng: &mut SplitMix64) -> Result<(), StepError> {
        let (n, d, np, dp) = (self.n, self.d, self.np, self.dp);
        let row = &mut self.rows[r * np..r * np + np];
        let m = self.maxes[r];
        if !m.is_finite() {
            return Err(StepError::NonFinite);
        }
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
        self.y[..d].copy_from_slice(&self.xr[pick * dp..pick * dp + d]);
        Ok(())
    }
}

/// Slots of the tree engine's memo: the power of two >= 2n (None on overflow).
pub fn memo_slots(n: usize) -> Option<usize> {
    n.checked_mul(2)?.checked_next_power_of_two()
}

/// The last HINTS distinct argmaxes (tree positions) of the tree engine's
/// rows, which start each row's maximum (`Tree::max_from`).
const HINTS: usize = 8;
struct Hints {
    at: [u32; HINTS],
    len: usize,
    next: usize,
}

impl Hints {
    fn remember(&mut self, k: u32) {
        if !self.at[..self.len].contains(&k) {
            self.at[self.next] = k;
            self.next = (self.next + 1) % HINTS;
            if self.len < HINTS {
                self.len += 1;
            }
        }
    }
}

/// One threshold row by plain scalar loops in the dense rule's order:
/// a_j = sum_c q_c x_jc ascending c, m = max_j a_j (a NaN is adopted, then
/// refused), members summed in ascending j into y[..d]; returns the count.
fn scalar_row<T: Real>(q: &[T], xr: &[T], n: usize, d: usize, dp: usize, delta: T, tau: T, y: &mut [T]) -> Result<usize, StepError> {
    let dot = |j: usize| {
        let x = &xr[j * dp..j * dp + d];
        let mut s = q[0] * x[0];
        for c in 1..d {
            s = s + q[c] * x[c];
        }
        s
    };
    let mut m = T::NEG_INFINITY;
    for j in 0..n {
        let a = dot(j);
        if !(a <= m) {
            m = a;
        }
    }
    if !m.is_finite() {
        return Err(StepError::NonFinite);
    }
    let absm = m.abs();
    let scale = if absm > T::ONE { absm } else { T::ONE };
    let thr = m - delta - tau * scale;
    for v in y[..d].iter_mut() {
        *v = T::ZERO;
    }
    let mut count = 0;
    for j in 0..n {
        if dot(j) >= thr {
            for c in 0..d {
                y[c] = y[c] + xr[j * dp + c];
            }
            count += 1;
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every y_i of one pass, flattened.
    fn pass<T: Real>(at: &mut Attn<T>, x: &[T], a: Option<&[T]>, rule: Rule<T>) -> Vec<T> {
        let d = at.d;
        let mut out = vec![T::ZERO; at.n * d];
        at.load(x);
        let mut rng = SplitMix64::new(1);
        at.run(a, rule, &mut rng, |i, y| {
            out[i * d..i * d + d].copy_from_slice(y);
            Ok(())
        })
        .unwrap();
        out
    }

    fn check<T: Real + core::fmt::Debug>(n: usize, d: usize, seed: u64) {
        let mut rng = SplitMix64::new(seed);
        // A cloud with exact duplicates and points on a coarse grid (ties).
        let mut x: Vec<T> = (0..n * d).map(|_| T::from_f64(2.0 * rng.next_f64() - 1.0)).collect();
        for j in 0..n / 10 {
            for c in 0..d {
                x[(n - 1 - j) * d + c] = x[j * d + c];
                x[(n / 2 + j) * d + c] = T::from_f64(((j * 7 + c) % 5) as f64 * 0.25 - 0.5);
            }
        }
        let amat: Vec<T> = (0..d * d).map(|k| T::from_f64(if k % (d + 1) == 0 { 1.0 } else { 0.3 * (k as f64) - 0.4 })).collect();
        for a in [None, Some(&amat[..])] {
            for &(delta, tau) in &[(0.0, 0.0), (0.0, 1e-12), (0.05, 1e-12), (3.0, 0.0)] {
                let rule = Rule::Threshold { delta: T::from_f64(delta), tau: T::from_f64(tau), read: Readings::default() };
                let mut sparse = Attn::<T>::new(n, d).unwrap();
                assert!(sparse.tree.is_some());
                let ys = pass(&mut sparse, &x, a, rule);
                let mut dense = Attn::<T>::new(n, d).unwrap();
                dense.tree = None;
                let yd = pass(&mut dense, &x, a, rule);
                for k in 0..ys.len() {
                    assert!(ys[k] == yd[k], "n={} d={} delta={} A={} entry {}: {:?} vs {:?}", n, d, delta, a.is_some(), k, ys[k], yd[k]);
                }
            }
        }
    }

    /// The tree engine against the dense rule: per row, the same members
    /// (so the same mean up to the summation order).
    fn check_engine<T: Real + core::fmt::Debug>(n: usize, d: usize, seed: u64, scale: f64) {
        let mut rng = SplitMix64::new(seed);
        let mut x: Vec<T> = (0..n * d).map(|_| T::from_f64(scale * (2.0 * rng.next_f64() - 1.0))).collect();
        for j in 0..n / 10 {
            for c in 0..d {
                x[(n - 1 - j) * d + c] = x[j * d + c];
            }
        }
        let amat: Vec<T> = (0..d * d).map(|k| T::from_f64(if k % (d + 1) == 0 { 1.0 } else { 0.3 * (k as f64) - 0.4 })).collect();
        for a in [None, Some(&amat[..])] {
            for &(delta, tau) in &[(0.0, 0.0), (0.0, 1e-12), (0.05, 1e-12), (3.0, 0.0)] {
                let rule = Rule::Threshold { delta: T::from_f64(delta * scale * scale), tau: T::from_f64(tau), read: Readings::default() };
                let mut tree = Attn::<T>::new(n, d).unwrap();
                assert!(tree.set_tree_engine(true));
                let yt = pass(&mut tree, &x, a, rule);
                let mut dense = Attn::<T>::new(n, d).unwrap();
                dense.tree = None;
                let yd = pass(&mut dense, &x, a, rule);
                for k in 0..yt.len() {
                    let tol = 4.0 * (n as f64) * T::EPS.to_f64() * scale;
                    assert!((yt[k].to_f64() - yd[k].to_f64()).abs() <= tol, "n={} d={} delta={} A={} entry {}: {:?} vs {:?}", n, d, delta, a.is_some(), k, yt[k], yd[k]);
                }
            }
        }
    }

    #[test]
    fn tree_engine_has_the_dense_members() {
        check_engine::<f64>(300, 1, 1, 1.0);
        check_engine::<f64>(1100, 2, 2, 1.0);
        check_engine::<f64>(700, 3, 3, 1.0);
        check_engine::<f32>(900, 2, 4, 1.0);
        // |x| ~ 1e150: the alignments may overflow, so rows go by the scalar rule
        check_engine::<f64>(200, 2, 5, 1e150);
    }

    #[test]
    fn sparse_threshold_path_is_bit_identical_to_dense() {
        check::<f64>(1100, 2, 5);
        check::<f64>(1031, 3, 6);
        check::<f64>(1024, 1, 7);
        check::<f32>(1100, 2, 8);
    }
}
