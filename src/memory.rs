//! Memory for the large arrays that traversals read at random: zeroed by the
//! allocator (so untouched pages cost nothing) and, on Linux, backed by 2 MiB
//! transparent huge pages where the kernel allows them. On the ground floor: reach
//! kernels and HyperBall counters allocate through it.
//!
//! A random read of a large array costs a TLB miss as well as a cache miss once
//! the array spans more 4 KiB pages than the TLB holds (a few thousand); under
//! virtualization every TLB miss walks two page tables. Huge pages make the same
//! array span 512 times fewer pages. Linux often enables them only for memory that
//! asks (`/sys/kernel/mm/transparent_hugepage/enabled` = `madvise`), hence the
//! `madvise(MADV_HUGEPAGE)` here: a hint, which leaves the contents as they are and
//! which the kernel may ignore.
//!
//! It also reads what Linux says of memory (`/proc`), the one place netreach
//! does: [`available_memory`], which the graph builders size their buffers by,
//! and [`peak_resident`], which `-v` reports.

/// Arrays from this size on (in bytes) ask for huge pages.
const HUGE_FROM: usize = 4 << 20;

/// A vector of `len` zeroed values, asking for huge pages when it is large.
pub fn zeroed_vec<T: bytemuck::Zeroable>(len: usize) -> Vec<T> {
    let v = bytemuck::zeroed_vec::<T>(len);
    advise_huge_pages(&v);
    v
}

/// Asks the kernel to back `v`'s buffer with huge pages (Linux; nothing elsewhere).
#[allow(unsafe_code)]
fn advise_huge_pages<T>(v: &[T]) {
    let bytes = std::mem::size_of_val(v);
    if bytes < HUGE_FROM || !cfg!(target_os = "linux") {
        return;
    }
    // madvise wants a page-aligned start: advise the whole pages inside the buffer.
    let page = 4096usize;
    let start = v.as_ptr() as usize;
    let aligned = start.next_multiple_of(page);
    let len = (start + bytes).saturating_sub(aligned) / page * page;
    if len == 0 {
        return;
    }
    #[cfg(target_os = "linux")]
    // SAFETY: [aligned, aligned + len) lies inside the buffer `v` owns, which lives
    // for the whole call. MADV_HUGEPAGE only changes how the kernel backs those pages
    // with physical memory; it never changes their contents or frees them, so no
    // Rust reference observes any change. A failure (an old kernel, THP off) is
    // ignored: the pages stay ordinary 4 KiB pages.
    unsafe {
        libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

/// Bytes the process may still allocate: Linux's `MemAvailable`, lowered by the
/// `NETREACH_MEMORY_LIMIT` environment variable (bytes) when set; `None` when
/// neither is known.
pub fn available_memory() -> Option<u64> {
    let limit = std::env::var("NETREACH_MEMORY_LIMIT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    let meminfo = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        });
    match (limit, meminfo) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The process's peak resident memory in bytes (Linux `VmHWM`), if known.
pub fn peak_resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_vectors_are_zeroed_and_writable() {
        let mut v: Vec<u64> = zeroed_vec(3 << 20);
        assert!(v.iter().all(|&x| x == 0));
        v[12345] = 7;
        v[(3 << 20) - 1] = 9;
        assert_eq!(v.iter().sum::<u64>(), 16);
        let small: Vec<u32> = zeroed_vec(10);
        assert_eq!(small, vec![0; 10]);
    }
}
