//! Fallible, zeroed allocation: every buffer of the kernel is sized once at
//! creation through `try_zeroed`, so running out of memory is a status code
//! (abi.rs), never an abort.

/// Element types whose all-zero bit pattern is the value zero (so a buffer
/// from the allocator's zeroed allocation is a valid, zero-filled vector).
///
/// # Safety
/// Implement only for plain numbers whose all-zero bytes are a valid value.
pub unsafe trait Zeroed: Copy {}
unsafe impl Zeroed for u32 {}
unsafe impl Zeroed for u64 {}
unsafe impl Zeroed for f32 {}
unsafe impl Zeroed for f64 {}

/// Allocate a zeroed vector of `len` elements without aborting on failure.
///
/// On wasm32, memory that `memory.grow` adds is zero, and the std allocator
/// (dlmalloc) would still write zeros over all of it: for a 2 GiB simulation
/// that commits every page at creation. So a buffer is allocated unzeroed and
/// only its part below the memory size measured just before the allocation
/// (memory that may hold old data) is zeroed; the part above was grown by this
/// very call, and the allocator writes only chunk headers, which lie outside
/// the returned range. Elsewhere the allocator's zeroed allocation is used.
pub fn try_zeroed<T: Zeroed>(len: usize) -> Option<Vec<T>> {
    if len == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<T>(len).ok()?;
    // SAFETY: layout has a non-zero size (len > 0 and every Zeroed type is a
    // number); a non-null result is an allocation of exactly `layout`, which is
    // what Vec<T> with capacity len frees; every byte of it is zero when the
    // Vec is built (see above), and zero bytes are a valid T (Zeroed contract).
    unsafe {
        #[cfg(target_arch = "wasm32")]
        let p = {
            // In u64: 65 536 pages of 64 KiB is 2^32, one more than usize holds.
            let fresh_from = core::arch::wasm32::memory_size(0) as u64 * 65536;
            let p = std::alloc::alloc(layout);
            if !p.is_null() {
                let start = p as usize as u64;
                if start < fresh_from {
                    let old = core::cmp::min(layout.size() as u64, fresh_from - start);
                    core::ptr::write_bytes(p, 0, old as usize);
                }
            }
            p as *mut T
        };
        #[cfg(not(target_arch = "wasm32"))]
        let p = std::alloc::alloc_zeroed(layout) as *mut T;
        if p.is_null() {
            return None;
        }
        Some(Vec::from_raw_parts(p, len, len))
    }
}
