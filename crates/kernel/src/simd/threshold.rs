//! The members of a threshold row and the sum of their rows
//! (`Real::threshold_sum`): a SIMD compare and bitmask scan, then a gather
//! into register accumulators, members added in ascending j.

use super::{Lane, Real};
use core::arch::wasm32::*;

/// Scan: the indices j < n with row[j] >= thr, ascending, into `mem`.
#[inline(always)]
fn scan<L: Lane>(row: &[L::Elem], n: usize, thr: L::Elem, mem: &mut [u32]) -> usize {
    let lanes = <L::Elem as Real>::LANES;
    let w = 4 * lanes;
    assert!(row.len() >= n && mem.len() >= n);
    let mut count = 0usize;
    let t = L::splat(thr);
    let full = n / w * w;
    let rp = row.as_ptr();
    let mp = mem.as_mut_ptr();
    let mut j = 0;
    unsafe {
        while j < full {
            let q = rp.add(j);
            let m0 = L::ge(L::load(q), t);
            let m1 = L::ge(L::load(q.add(lanes)), t);
            let m2 = L::ge(L::load(q.add(2 * lanes)), t);
            let m3 = L::ge(L::load(q.add(3 * lanes)), t);
            if v128_any_true(v128_or(v128_or(m0, m1), v128_or(m2, m3))) {
                let mut bits = L::bitmask(m0) | (L::bitmask(m1) << lanes) | (L::bitmask(m2) << (2 * lanes)) | (L::bitmask(m3) << (3 * lanes));
                while bits != 0 {
                    *mp.add(count) = (j + bits.trailing_zeros() as usize) as u32;
                    count += 1;
                    bits &= bits - 1;
                }
            }
            j += w;
        }
        while j < n {
            if *rp.add(j) >= thr {
                *mp.add(count) = j as u32;
                count += 1;
            }
            j += 1;
        }
    }
    count
}

/// y[v] = sum over the members (ascending) of their rows' vector v, for NV
/// vectors held in registers; each lane (coordinate) is its own sequential sum.
#[inline(always)]
unsafe fn gather_tile<L: Lane, const NV: usize>(mem: &[u32], xr: *const L::Elem, dp: usize, y: *mut L::Elem) {
    let lanes = <L::Elem as Real>::LANES;
    let mut acc = [L::splat(L::Elem::ZERO); NV];
    for &j in mem {
        let p = xr.add(j as usize * dp);
        for v in 0..NV {
            acc[v] = L::add(acc[v], L::load(p.add(lanes * v)));
        }
    }
    for v in 0..NV {
        L::store(y.add(lanes * v), acc[v]);
    }
}

/// y[..dp] = the sum of the members' xr rows, eight vectors at a time.
#[inline(always)]
fn gather<L: Lane>(mem: &[u32], n: usize, xr: &[L::Elem], dp: usize, y: &mut [L::Elem]) {
    let lanes = <L::Elem as Real>::LANES;
    assert!(dp % lanes == 0 && xr.len() >= n * dp && y.len() >= dp);
    for &j in mem {
        assert!((j as usize) < n);
    }
    let nv = dp / lanes;
    let (xp, yp) = (xr.as_ptr(), y.as_mut_ptr());
    let mut v0 = 0;
    unsafe {
        while nv - v0 >= 8 {
            gather_tile::<L, 8>(mem, xp.add(lanes * v0), dp, yp.add(lanes * v0));
            v0 += 8;
        }
        let (xv, yv) = (xp.add(lanes * v0), yp.add(lanes * v0));
        match nv - v0 {
            0 => {}
            1 => gather_tile::<L, 1>(mem, xv, dp, yv),
            2 => gather_tile::<L, 2>(mem, xv, dp, yv),
            3 => gather_tile::<L, 3>(mem, xv, dp, yv),
            4 => gather_tile::<L, 4>(mem, xv, dp, yv),
            5 => gather_tile::<L, 5>(mem, xv, dp, yv),
            6 => gather_tile::<L, 6>(mem, xv, dp, yv),
            _ => gather_tile::<L, 7>(mem, xv, dp, yv),
        }
    }
}

/// `Real::threshold_sum` on lanes `L`.
#[inline(always)]
pub fn threshold_sum<L: Lane>(row: &[L::Elem], n: usize, thr: L::Elem, xr: &[L::Elem], dp: usize, mem: &mut [u32], y: &mut [L::Elem]) -> usize {
    let count = scan::<L>(row, n, thr, mem);
    gather::<L>(&mem[..count], n, xr, dp, y);
    count
}
