//! The largest alignment of a row (`Real::row_max`), four vectors at a time.

use super::{Lane, Real};

/// `Real::row_max` on lanes `L`: NaN anywhere reaches the result (the lane
/// maximum propagates it, the tail adopts it).
#[inline(always)]
pub fn row_max<L: Lane>(a: &[L::Elem], n: usize) -> L::Elem {
    let lanes = <L::Elem as Real>::LANES;
    let w = 4 * lanes;
    assert!(n >= 1 && a.len() >= n);
    let full = n / w * w;
    let mut m = a[0];
    if full >= w {
        unsafe {
            let p = a.as_ptr();
            let (mut v0, mut v1, mut v2, mut v3) = (L::load(p), L::load(p.add(lanes)), L::load(p.add(2 * lanes)), L::load(p.add(3 * lanes)));
            let mut j = w;
            while j < full {
                let q = a.as_ptr().add(j);
                v0 = L::max(v0, L::load(q));
                v1 = L::max(v1, L::load(q.add(lanes)));
                v2 = L::max(v2, L::load(q.add(2 * lanes)));
                v3 = L::max(v3, L::load(q.add(3 * lanes)));
                j += w;
            }
            let v = L::max(L::max(v0, v1), L::max(v2, v3));
            m = L::lane(v, 0);
            for k in 1..lanes {
                let x = L::lane(v, k);
                if !(x <= m) {
                    m = x;
                }
            }
        }
    }
    for &x in &a[full..n] {
        if !(x <= m) {
            m = x;
        }
    }
    m
}
