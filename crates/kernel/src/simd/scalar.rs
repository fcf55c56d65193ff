//! The scalar twin of every kernel: what each one computes, written plainly.
//! Used on every target without simd128 (so `cargo test` checks the
//! algorithms natively); the SIMD kernels give the same results (bit for bit
//! except the association order of `wsum_block` and of `exp_row`'s total, see
//! mod.rs). Signatures and layouts as the `Real` methods of the same names.

use super::Real;

/// Alignments of a block of rows from the packed snapshot, then their maxima.
pub fn align_block<T: Real>(qt: &[T], rb: usize, d: usize, xp: &[T], np: usize, n: usize, out: &mut [T], maxes: &mut [T]) {
    let pw = T::PANEL;
    for p in 0..np / pw {
        let panel = &xp[p * d * pw..(p + 1) * d * pw];
        for r in 0..rb {
            for l in 0..pw {
                let mut s = qt[r] * panel[l];
                for c in 1..d {
                    s = s + qt[c * rb + r] * panel[c * pw + l];
                }
                out[r * np + p * pw + l] = s;
            }
        }
    }
    for r in 0..rb {
        maxes[r] = row_max(&out[r * np..], n);
    }
}

/// Largest of `a[..n]`; adopts a NaN, so a non-finite row is never hidden.
pub fn row_max<T: Real>(a: &[T], n: usize) -> T {
    let mut m = a[0];
    for &v in &a[1..n] {
        // `!(v <= m)` also adopts a NaN.
        if !(v <= m) {
            m = v;
        }
    }
    m
}

/// The members of a row at or above `thr`, ascending, and the sum of their rows.
pub fn threshold_sum<T: Real>(row: &[T], n: usize, thr: T, xr: &[T], dp: usize, members: &mut [u32], y: &mut [T]) -> usize {
    let mut count = 0;
    for (j, &v) in row[..n].iter().enumerate() {
        if v >= thr {
            members[count] = j as u32;
            count += 1;
        }
    }
    for v in y[..dp].iter_mut() {
        *v = T::ZERO;
    }
    for &j in &members[..count] {
        let j = j as usize;
        for (yc, &xc) in y[..dp].iter_mut().zip(&xr[j * dp..j * dp + dp]) {
            *yc = *yc + xc;
        }
    }
    count
}

/// Softmax weights of a row in place; returns their sum.
pub fn exp_row<T: Real>(row: &mut [T], n: usize, beta: T, m: T) -> T {
    let mut total = T::ZERO;
    for v in row[..n].iter_mut() {
        let w = (beta * (*v - m)).exp_fast();
        *v = w;
        total = total + w;
    }
    for v in row[n..].iter_mut() {
        *v = T::ZERO;
    }
    total
}

/// Weighted sums of a block of rows over the packed snapshot.
pub fn wsum_block<T: Real>(w: &[T], rb: usize, np: usize, xp: &[T], d: usize, dp: usize, y: &mut [T]) {
    let pw = T::PANEL;
    for r in 0..rb {
        let wr = &w[r * np..r * np + np];
        for c in 0..d {
            let mut s = T::ZERO;
            for (j, &wv) in wr.iter().enumerate() {
                s = s + wv * xp[((j / pw) * d + c) * pw + j % pw];
            }
            y[r * dp + c] = s;
        }
    }
}
