//! Alignments of a block of rows: register-blocked tiles over the packed
//! snapshot, with the rows' running maxima fused in (`Real::align_block`).

use super::{Lane, Real, ROWS};
use core::arch::wasm32::*;

/// Tile shape (rows x vectors): 4 x 2 keeps 8 accumulators, 2 vectors of
/// x and one splat in V8's 15 allocatable xmm registers (both precisions).
const TILE_R: usize = 4;
const TILE_V: usize = 2;

/// R rows x V vectors of one panel: acc[r][v] = sum_c q_r[c] x[c][v], c ascending.
/// `qt` at row r0 of coordinate 0 (stride rb per coordinate), `px` at the
/// panel's lane offset (stride PANEL per coordinate), `out` at row r0, token j0.
/// With FUSE, `mv[r]` (lane-wise running maxima of row r) takes the tile in.
#[inline(always)]
unsafe fn tile<L: Lane, const R: usize, const V: usize, const FUSE: bool>(
    qt: *const L::Elem,
    rb: usize,
    d: usize,
    px: *const L::Elem,
    out: *mut L::Elem,
    np: usize,
    mv: *mut v128,
) {
    let (pw, lanes) = (<L::Elem as Real>::PANEL, <L::Elem as Real>::LANES);
    let zero = L::splat(L::Elem::ZERO);
    let mut acc = [[zero; V]; R];
    let mut x = [zero; V];
    for v in 0..V {
        x[v] = L::load(px.add(lanes * v));
    }
    for r in 0..R {
        let s = L::load_splat(qt.add(r));
        for v in 0..V {
            acc[r][v] = L::mul(s, x[v]);
        }
    }
    let mut pc = px;
    let mut qc = qt;
    for _ in 1..d {
        pc = pc.add(pw);
        qc = qc.add(rb);
        for v in 0..V {
            x[v] = L::load(pc.add(lanes * v));
        }
        for r in 0..R {
            let s = L::load_splat(qc.add(r));
            for v in 0..V {
                acc[r][v] = L::add(acc[r][v], L::mul(s, x[v]));
            }
        }
    }
    for r in 0..R {
        for v in 0..V {
            L::store(out.add(r * np + lanes * v), acc[r][v]);
        }
    }
    if FUSE {
        // Running maxima of the block's rows (pmax: one maxpd/maxps; no NaN
        // here, see align_block; the sign of a zero maximum is free).
        for r in 0..R {
            let mut m = L::load_max(mv.add(r));
            for v in 0..V {
                m = L::pmax(m, acc[r][v]);
            }
            v128_store(mv.add(r), m);
        }
    }
}

/// `Real::align_block` on lanes `L`.
#[inline(always)]
pub fn align_block<L: Lane>(qt: &[L::Elem], rb: usize, d: usize, xp: &[L::Elem], np: usize, n: usize, out: &mut [L::Elem], maxes: &mut [L::Elem]) {
    let (pw, lanes) = (<L::Elem as Real>::PANEL, <L::Elem as Real>::LANES);
    assert!(d >= 1 && rb % TILE_R == 0 && rb <= ROWS && np % pw == 0 && n >= 1 && n <= np);
    assert!(qt.len() >= rb * d && xp.len() >= np * d && out.len() >= rb * np && maxes.len() >= rb);
    let (qp, xpp, op) = (qt.as_ptr(), xp.as_ptr(), out.as_mut_ptr());
    let mut mv = [L::splat(L::Elem::NEG_INFINITY); ROWS];
    let mvp = mv.as_mut_ptr();
    // Panels wholly below n update the running maxima; a last partial
    // panel (pad tokens align to 0) is maximised over its real tokens below.
    let full = n / pw * pw;
    unsafe {
        let mut p = 0;
        while p < np {
            let panel = xpp.add(p * d);
            let mut r0 = 0;
            while r0 < rb {
                let mut v0 = 0;
                while v0 < pw / lanes {
                    let (q, x, o) = (qp.add(r0), panel.add(lanes * v0), op.add(r0 * np + p + lanes * v0));
                    if p < full {
                        tile::<L, TILE_R, TILE_V, true>(q, rb, d, x, o, np, mvp.add(r0));
                    } else {
                        tile::<L, TILE_R, TILE_V, false>(q, rb, d, x, o, np, mvp.add(r0));
                    }
                    v0 += TILE_V;
                }
                r0 += TILE_R;
            }
            p += pw;
        }
    }
    for r in 0..rb {
        let mut m = L::Elem::NEG_INFINITY;
        if full > 0 {
            // The lanes of mv[r], read in place.
            let lv = unsafe { core::slice::from_raw_parts(mv.as_ptr().add(r) as *const L::Elem, lanes) };
            m = lv[0];
            for &x in &lv[1..] {
                if x > m {
                    m = x;
                }
            }
        }
        for &x in &out[r * np + full..r * np + n] {
            if !(x <= m) {
                m = x;
            }
        }
        maxes[r] = m;
    }
}
