//! Weighted sums Y = W X over a block of rows (`Real::wsum_block`).
//!
//! Over the packed panels, lanes run over tokens: acc[r][c] += w_r[j..] * x[c][j..],
//! then one horizontal sum per (r, c). R + C loads per R x C multiply-adds,
//! both streams contiguous.

use super::{Lane, Real};

/// Rows r < R and coordinates c < C of the block from `w` (row stride np),
/// the panels at coordinate offset `xp`, into `y` (row stride dp).
#[inline(always)]
unsafe fn tile<L: Lane, const R: usize, const C: usize>(w: *const L::Elem, np: usize, xp: *const L::Elem, d: usize, y: *mut L::Elem, dp: usize) {
    let (pw, lanes) = (<L::Elem as Real>::PANEL, <L::Elem as Real>::LANES);
    let zero = L::splat(L::Elem::ZERO);
    let mut acc = [[zero; C]; R];
    let mut p = 0;
    while p < np {
        let panel = xp.add(p * d);
        for h in 0..pw / lanes {
            let mut xv = [zero; C];
            for c in 0..C {
                xv[c] = L::load(panel.add(c * pw + h * lanes));
            }
            for r in 0..R {
                let wv = L::load(w.add(r * np + p + h * lanes));
                for c in 0..C {
                    acc[r][c] = L::add(acc[r][c], L::mul(wv, xv[c]));
                }
            }
        }
        p += pw;
    }
    for r in 0..R {
        for c in 0..C {
            *y.add(r * dp + c) = L::hsum(acc[r][c]);
        }
    }
}

/// `Real::wsum_block` on lanes `L`: tiles of 4 rows x 2 coordinates.
#[inline(always)]
pub fn wsum_block<L: Lane>(w: &[L::Elem], rb: usize, np: usize, xp: &[L::Elem], d: usize, dp: usize, y: &mut [L::Elem]) {
    let pw = <L::Elem as Real>::PANEL;
    assert!(rb % 4 == 0 && np % pw == 0 && w.len() >= rb * np && xp.len() >= np * d && dp >= d && y.len() >= rb * dp);
    let (wp, xpp, yp) = (w.as_ptr(), xp.as_ptr(), y.as_mut_ptr());
    unsafe {
        let mut r0 = 0;
        while r0 < rb {
            let mut c0 = 0;
            while c0 + 2 <= d {
                tile::<L, 4, 2>(wp.add(r0 * np), np, xpp.add(c0 * pw), d, yp.add(r0 * dp + c0), dp);
                c0 += 2;
            }
            if c0 < d {
                tile::<L, 4, 1>(wp.add(r0 * np), np, xpp.add(c0 * pw), d, yp.add(r0 * dp + c0), dp);
            }
            r0 += 4;
        }
    }
}
