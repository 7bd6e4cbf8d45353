//! The small-loop workload of issue 9: `mix(i, rounds) >> 24` summed over `0..n`, an
//! `#[inline(never)]` xorshift chain per item, as serial code, hand-written rayon,
//! paralight, chili, and `#[par_for]` Form 1 (`reduce(total: +)`) and Form 2 (`.sum()`).
//!
//! "small" (~55 µs serially), "medium" (~350 µs) and "tiny" (a few µs) each have their
//! own `#[par_for]` functions (`sites!`), so that each loop site learns one workload,
//! as in a program.

use std::time::{Duration, Instant};

use par_for::par_for;

/// An xorshift chain of `rounds` steps from `i`.
#[inline(never)]
pub fn mix(i: u64, rounds: u32) -> u64 {
    let mut x = i ^ 0x9E37_79B9_7F4A_7C15;
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// The `rounds` of [`mix`] that make the serial workload over `0..n` take about
/// `target` on this machine (the fastest of 50 tries at 64 rounds, scaled).
pub fn rounds_for(n: u64, target: Duration) -> u32 {
    let probe = 64;
    let time = (0..50)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(serial(n, probe));
            start.elapsed()
        })
        .min()
        .expect("50 tries");
    ((probe as f64 * target.as_secs_f64() / time.as_secs_f64()) as u32).max(1)
}

/// The workload as a serial `map(..).sum()`.
pub fn serial(n: u64, rounds: u32) -> u64 {
    (0..n).map(|i| mix(i, rounds) >> 24).sum()
}

/// The workload with rayon: `into_par_iter().map(..).sum()`.
pub fn rayon(n: u64, rounds: u32) -> u64 {
    use rayon::prelude::*;
    (0..n).into_par_iter().map(|i| mix(i, rounds) >> 24).sum()
}

/// The workload on a paralight pool (fixed or work-stealing, as `pool` was built).
pub fn paralight(pool: &mut paralight::threads::ThreadPool, n: u64, rounds: u32) -> u64 {
    use paralight::prelude::*;
    (0..n as usize)
        .into_par_iter()
        .with_thread_pool(pool)
        .map(|i| mix(i as u64, rounds) >> 24)
        .sum::<u64>()
}

/// Halves down to 32 items: chili's joins are cheap enough to split that far.
pub fn chili(pool: &chili::ThreadPool, n: u64, rounds: u32) -> u64 {
    fn sum(scope: &mut chili::Scope<'_>, lo: u64, hi: u64, rounds: u32) -> u64 {
        if hi - lo <= 32 {
            return (lo..hi).map(|i| mix(i, rounds) >> 24).sum();
        }
        let mid = lo + (hi - lo) / 2;
        let (a, b) = scope.join(|s| sum(s, lo, mid, rounds), |s| sum(s, mid, hi, rounds));
        a + b
    }
    sum(&mut pool.scope(), 0, n, rounds)
}

/// A Form 1 loop with `reduce(total: +)` and a Form 2 `.sum()` of the workload, each
/// a loop site of its own, for the workload called `$name`.
macro_rules! sites {
    ($($looped:ident, $piped:ident: $name:literal;)*) => {$(
        #[doc = concat!("The workload as a Form 1 loop with `reduce(total: +)`, at the \"", $name, "\" site.")]
        #[par_for]
        pub fn $looped(n: u64, rounds: u32) -> u64 {
            let mut total = 0u64;
            #[par_for(reduce(total: +))]
            for i in 0..n {
                total += mix(i, rounds) >> 24;
            }
            total
        }

        #[doc = concat!("The workload as a Form 2 `.sum()`, at the \"", $name, "\" site.")]
        #[par_for]
        pub fn $piped(n: u64, rounds: u32) -> u64 {
            #[par_for]
            let total: u64 = (0..n).map(|i| mix(i, rounds) >> 24).sum();
            total
        }
    )*};
}

sites! {
    loop_small, pipeline_small: "small";
    loop_medium, pipeline_medium: "medium";
    // Loops of a few microseconds, which their sites keep serial.
    loop_tiny, pipeline_tiny: "tiny";
}
