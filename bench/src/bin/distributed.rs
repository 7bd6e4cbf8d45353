//! What `#[par_for(distribute)]` costs and gains, run under `mpirun -np 1, 2, 4`
//! (built with `--features mpi`; plainly it is a world of one and the distributed loops
//! run locally):
//!
//! - **fixed cost**: one small distributed loop (64 items) against the same local
//!   `#[par_for]` loop, median per call;
//! - **collect**: a distributed `collect` of 4 M `u64` (32 MB), whose results every rank
//!   receives, in bytes per second;
//! - **compute**: a compute-bound sum (a fixed work of about 1 µs per item) with each rank's pool sized
//!   to its share of the cores (`threads = cores / ranks`); with one rank, serial and
//!   the local `#[par_for]` loop on every core are timed in the same run.
//!
//! Rank 0 prints one line per measure; the ranks must run on their own cores for the
//! compute figure to mean anything (`--bind-to none`, and no more ranks than cores).
//!
//! ```text
//! cargo build --release -p par-for-bench --features mpi --bin distributed
//! mpirun -np 2 --bind-to none target/release/distributed            # full sizes
//! mpirun -np 2 --bind-to none target/release/distributed --quick    # seconds
//! ```

use std::time::{Duration, Instant};

use par_for::{mpi, par_for};
use par_for_bench::work;

/// Rounds of `work` per item of the compute-bound loop: about 1 µs on the 2-core
/// machine of BENCHMARKS.md.
const WORK_ROUNDS: u32 = 250;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn timed<T>(reps: usize, mut f: impl FnMut() -> T) -> Duration {
    std::hint::black_box(f()); // warm up: pools, pages, the loop site's timings
    median(
        (0..reps)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

#[par_for]
fn small_distributed(items: &[u64]) -> u64 {
    #[par_for(distribute)]
    let sum: u64 = items.iter().map(|x| x * 3).sum();
    sum
}

#[par_for]
fn small_local(items: &[u64]) -> u64 {
    #[par_for]
    let sum: u64 = items.iter().map(|x| x * 3).sum();
    sum
}

#[par_for]
fn collect_distributed(n: u64) -> Vec<u64> {
    #[par_for(distribute)]
    let v: Vec<u64> = (0..n).map(|i| i ^ (i >> 3)).collect();
    v
}

#[par_for]
fn collect_local(n: u64) -> Vec<u64> {
    #[par_for]
    let v: Vec<u64> = (0..n).map(|i| i ^ (i >> 3)).collect();
    v
}

#[par_for]
fn compute_distributed(n: u64, rounds: u32, threads: usize) -> u64 {
    #[par_for(distribute, threads = threads)]
    let sum: u64 = (0..n).map(|i| work(i, rounds) & 0xFFFF).sum();
    sum
}

#[par_for]
fn compute_local(n: u64, rounds: u32) -> u64 {
    #[par_for]
    let sum: u64 = (0..n).map(|i| work(i, rounds) & 0xFFFF).sum();
    sum
}

fn compute_serial(n: u64, rounds: u32) -> u64 {
    (0..n).map(|i| work(i, rounds) & 0xFFFF).sum()
}

fn main() {
    let _mpi = mpi::init();
    let quick = std::env::args().any(|a| a == "--quick");
    let (size, root) = (mpi::size(), mpi::is_root());
    let cores = par_for::cpu_count();
    let threads = (cores / size).max(1);
    let say = |line: String| {
        if root {
            println!("{line}");
        }
    };
    say(format!(
        "ranks {size}, cores {cores}, threads per rank for compute {threads}"
    ));

    let items: Vec<u64> = (0..64).collect();
    let reps = if quick { 200 } else { 5000 };
    let dist = timed(reps, || small_distributed(&items));
    let local = timed(reps, || small_local(&items));
    say(format!(
        "fixed cost: distributed {:.1} us, local {:.1} us per call (64 items)",
        dist.as_secs_f64() * 1e6,
        local.as_secs_f64() * 1e6
    ));

    let n = if quick { 1 << 18 } else { 1 << 22 };
    let reps = if quick { 5 } else { 15 };
    let dist = timed(reps, || collect_distributed(n));
    let local = timed(reps, || collect_local(n));
    let bytes = n as f64 * 8.0;
    say(format!(
        "collect {:.0} MB: distributed {:.2} ms ({:.2} GB/s), local {:.2} ms",
        bytes / 1e6,
        dist.as_secs_f64() * 1e3,
        bytes / dist.as_secs_f64() / 1e9,
        local.as_secs_f64() * 1e3
    ));

    // The same work on every rank and in every run: calibrating on each rank would
    // measure the ranks slowing each other down when they share cores.
    let rounds = WORK_ROUNDS;
    let n = if quick { 20_000 } else { 400_000 };
    let reps = if quick { 3 } else { 5 };
    let dist = timed(reps, || compute_distributed(n, rounds, threads));
    say(format!(
        "compute {n} items: distributed {:.1} ms ({size} rank(s) x {threads} thread(s))",
        dist.as_secs_f64() * 1e3
    ));
    if size == 1 {
        let serial = timed(reps, || compute_serial(n, rounds));
        let local = timed(reps, || compute_local(n, rounds));
        say(format!(
            "compute {n} items: serial {:.1} ms, local #[par_for] {:.1} ms",
            serial.as_secs_f64() * 1e3,
            local.as_secs_f64() * 1e3
        ));
    }
    assert_eq!(
        compute_distributed(1000, 1, threads),
        compute_serial(1000, 1)
    );
}
