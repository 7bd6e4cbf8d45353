//! The benchmark workloads, each as serial code, hand-written rayon and `#[par_for]`.
//! Shared by `benches/loops.rs` (criterion) and the table printers in `src/bin/`.
//!
//! This crate is not published: it measures par-for, as `rayon-demo` measures rayon.

pub mod omp;
pub mod small;

use std::time::Instant;

pub mod reductions;

use par_for::par_for;
use rayon::prelude::*;

/// About one microsecond of integer work per call (calibrated at start-up).
pub fn work(x: u64, rounds: u32) -> u64 {
    let mut h = x;
    for _ in 0..rounds {
        h = h
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        h ^= h >> 29;
    }
    std::hint::black_box(h)
}

/// How many rounds of [`work`] take one microsecond on this machine, measured now.
pub fn calibrate_rounds_per_microsecond() -> u32 {
    let rounds = 10_000;
    let start = Instant::now();
    let mut acc = 0;
    for i in 0..200u64 {
        acc ^= work(i, rounds);
    }
    std::hint::black_box(acc);
    let per_round = start.elapsed().as_secs_f64() / (200.0 * rounds as f64);
    ((1e-6 / per_round) as u32).max(1)
}

/// Heavy-tailed cost with mean 1: most items cheap, a few very expensive.
pub fn uneven_cost(i: u64) -> u32 {
    match i % 100 {
        0 => 50,
        1..=49 => 0,
        _ => 1,
    }
}

// ---- uniform and uneven: a loop writing one result per item ----

/// The uniform and uneven workloads, serially: `out[i] = work(input[i], cost(input[i]))`.
pub fn loop_serial(input: &[u64], out: &mut [u64], cost: &(dyn Fn(u64) -> u32 + Sync)) {
    for (o, &x) in out.iter_mut().zip(input) {
        *o = work(x, cost(x));
    }
}

/// [`loop_serial`] with rayon: `par_iter_mut().zip(par_iter())`.
pub fn loop_rayon(input: &[u64], out: &mut [u64], cost: &(dyn Fn(u64) -> u32 + Sync)) {
    out.par_iter_mut()
        .zip(input.par_iter())
        .for_each(|(o, &x)| *o = work(x, cost(x)));
}

/// [`loop_serial`] as written, under `#[par_for]`.
#[par_for]
pub fn loop_par_for(input: &[u64], out: &mut [u64], cost: &(dyn Fn(u64) -> u32 + Sync)) {
    #[par_for]
    for (o, &x) in out.iter_mut().zip(input.iter()) {
        *o = work(x, cost(x));
    }
}

/// `loop_par_for` with a progress bar (drawn only when stderr is a terminal).
#[par_for]
pub fn loop_par_for_progress(input: &[u64], out: &mut [u64], cost: &(dyn Fn(u64) -> u32 + Sync)) {
    #[par_for(progress = "bench")]
    for (o, &x) in out.iter_mut().zip(input.iter()) {
        *o = work(x, cost(x));
    }
}

// ---- collect: an ordered map-collect ----

/// The collect workload, serially: `work(x, rounds)` of each item, collected in order.
pub fn collect_serial(input: &[u64], rounds: u32) -> Vec<u64> {
    input.iter().map(|&x| work(x, rounds)).collect()
}

/// [`collect_serial`] with rayon: `par_iter().map(..).collect()`.
pub fn collect_rayon(input: &[u64], rounds: u32) -> Vec<u64> {
    input.par_iter().map(|&x| work(x, rounds)).collect()
}

/// [`collect_serial`] as written, a `#[par_for]` Form 2 pipeline.
#[par_for]
pub fn collect_par_for(input: &[u64], rounds: u32) -> Vec<u64> {
    #[par_for]
    let out: Vec<u64> = input.iter().map(|&x| work(x, rounds)).collect();
    out
}

// ---- tiny: a few nanoseconds per item, collected ----

/// A few nanoseconds of work: one multiply, one shift, one xor.
pub fn tiny(x: &u64) -> u64 {
    x.wrapping_mul(0x9E3779B97F4A7C15) ^ (x >> 7)
}

/// The tiny workload, serially: [`tiny`] of each item, collected in order.
pub fn tiny_serial(input: &[u64]) -> Vec<u64> {
    input.iter().map(tiny).collect()
}

/// [`tiny_serial`] with rayon: `par_iter().map(tiny).collect()`.
pub fn tiny_rayon(input: &[u64]) -> Vec<u64> {
    input.par_iter().map(tiny).collect()
}

/// [`tiny_serial`] as written, a `#[par_for]` Form 2 pipeline.
#[par_for]
pub fn tiny_par_for(input: &[u64]) -> Vec<u64> {
    #[par_for]
    let out: Vec<u64> = input.iter().map(tiny).collect();
    out
}

// ---- sum: an integer reduction over trivial items ----

/// The sum workload, serially: the wrapping sum of `i ^ (i >> 3)` over `0..n`.
pub fn sum_serial(n: u64) -> u64 {
    let mut total = 0u64;
    for i in 0..n {
        total = total.wrapping_add(i ^ (i >> 3));
    }
    total
}

/// [`sum_serial`] with rayon: `into_par_iter().map(..).reduce(..)`.
pub fn sum_rayon(n: u64) -> u64 {
    (0..n)
        .into_par_iter()
        .map(|i| i ^ (i >> 3))
        .reduce(|| 0, u64::wrapping_add)
}

/// [`sum_serial`] as written, with `reduce(total: u64::wrapping_add)`.
#[par_for]
pub fn sum_par_for(n: u64) -> u64 {
    let mut total = 0u64;
    #[par_for(reduce(total: u64::wrapping_add))]
    for i in 0..n {
        total = total.wrapping_add(i ^ (i >> 3));
    }
    total
}

// ---- small: 10^3 items of ~50 ns, summed, called again and again ----

/// The small workload, serially: the wrapping sum of [`work`] of each item (1000 items).
pub fn small_serial(input: &[u64], rounds: u32) -> u64 {
    input
        .iter()
        .map(|&x| work(x, rounds))
        .fold(0, u64::wrapping_add)
}

/// [`small_serial`] with rayon: `par_iter().map(..).reduce(..)`.
pub fn small_rayon(input: &[u64], rounds: u32) -> u64 {
    input
        .par_iter()
        .map(|&x| work(x, rounds))
        .reduce(|| 0, u64::wrapping_add)
}

/// [`small_serial`] as written, with `reduce(total: u64::wrapping_add)`.
#[par_for]
pub fn small_par_for(input: &[u64], rounds: u32) -> u64 {
    let mut total = 0u64;
    #[par_for(reduce(total: u64::wrapping_add))]
    for &x in input {
        total = total.wrapping_add(work(x, rounds));
    }
    total
}

// ---- medium: the `small` loop with 5x the work per item (~250 µs a call) ----

/// `small_par_for` at a site of its own, for work that is worth the pool: the site must
/// take it there. Serial and rayon are `small_serial` and `small_rayon` with more rounds.
#[par_for]
pub fn medium_par_for(input: &[u64], rounds: u32) -> u64 {
    let mut total = 0u64;
    #[par_for(reduce(total: u64::wrapping_add))]
    for &x in input {
        total = total.wrapping_add(work(x, rounds));
    }
    total
}

// ---- stream: lazily generated items, results consumed in order ----

/// The stream workload, serially: the wrapping sum of [`work`] over `0..n`, made lazily.
pub fn stream_serial(n: usize, rounds: u32) -> u64 {
    (0..n as u64)
        .map(|x| work(x, rounds))
        .fold(0, u64::wrapping_add)
}

/// [`stream_serial`] with rayon: `par_bridge()` over the lazy range.
pub fn stream_rayon(n: usize, rounds: u32) -> u64 {
    (0..n as u64)
        .par_bridge()
        .map(|x| work(x, rounds))
        .reduce(|| 0, u64::wrapping_add)
}

/// [`stream_serial`] as a `#[par_for(stream)]` loop over the lazily mapped range.
#[par_for]
pub fn stream_par_for(n: usize, rounds: u32) -> u64 {
    let mut total = 0u64;
    #[par_for(stream)]
    for r in (0..n as u64).map(|x| work(x, rounds)) {
        total = total.wrapping_add(r);
    }
    total
}

/// The thread counts a table measures: 1, 2, 4, ... up to the machine's logical CPUs.
pub fn thread_counts() -> Vec<usize> {
    let cpus = par_for::cpu_count();
    let mut counts: Vec<usize> = std::iter::successors(Some(1), |n| Some(n * 2))
        .take_while(|&n| n < cpus)
        .collect();
    counts.push(cpus);
    counts
}

/// Runs this program again as `PROGRAM --child THREADS [--quick]`, with
/// `PAR_FOR_THREADS` and `RAYON_NUM_THREADS` set to `threads`, so that every variant
/// enters its pool from the main thread as a program would; panics if the child fails.
pub fn run_child(threads: usize, quick: bool) {
    let exe = std::env::current_exe().expect("own path");
    let mut command = std::process::Command::new(exe);
    command
        .arg("--child")
        .arg(threads.to_string())
        .env("PAR_FOR_THREADS", threads.to_string())
        .env("RAYON_NUM_THREADS", threads.to_string());
    if quick {
        command.arg("--quick");
    }
    let status = command.status().expect("run the child benchmark");
    assert!(
        status.success(),
        "the benchmark for {threads} threads failed"
    );
}
