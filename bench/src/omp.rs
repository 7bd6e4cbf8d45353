//! The small-loop workload as OpenMP C (`c/omp_small.c`, built by `build.rs`), to
//! compare with: `None` where the machine had no C compiler with OpenMP.
//!
//! The crate's only `unsafe`: the calls into C.

/// `mix(i, rounds) >> 24` summed over `0..n` by OpenMP's `parallel for` with the static
/// schedule, or `None` without OpenMP.
#[cfg(par_for_bench_omp)]
pub fn small(n: u64, rounds: u32) -> Option<u64> {
    Some(ffi::small(n, rounds))
}

#[cfg(not(par_for_bench_omp))]
pub fn small(_n: u64, _rounds: u32) -> Option<u64> {
    None
}

/// Sets the number of OpenMP threads of the next parallel regions; whether OpenMP is
/// there.
#[cfg(par_for_bench_omp)]
pub fn set_threads(threads: usize) -> bool {
    ffi::set_threads(threads);
    true
}

#[cfg(not(par_for_bench_omp))]
pub fn set_threads(_threads: usize) -> bool {
    false
}

#[cfg(par_for_bench_omp)]
#[allow(unsafe_code)]
mod ffi {
    extern "C" {
        fn par_for_bench_omp_small(n: u64, rounds: u32) -> u64;
        fn par_for_bench_omp_threads(threads: i32);
    }

    pub(super) fn small(n: u64, rounds: u32) -> u64 {
        // SAFETY: `c/omp_small.c` defines it with this signature (`uint64_t`,
        // `uint32_t` -> `uint64_t`); it takes plain values, touches no Rust memory and
        // does not unwind.
        unsafe { par_for_bench_omp_small(n, rounds) }
    }

    pub(super) fn set_threads(threads: usize) {
        let threads = i32::try_from(threads).unwrap_or(i32::MAX);
        // SAFETY: as above, `int32_t` -> `void`; `omp_set_num_threads` accepts any
        // positive count.
        unsafe { par_for_bench_omp_threads(threads.max(1)) }
    }
}
