//! Where the time of a small parallel loop goes when it is entered from outside the
//! pool, as every loop of a program's main thread is: the `small` workload of the
//! benchmarks (10^3 items of about 50 ns, summed), run with rayon's `par_iter()`, cut
//! into three spans per call:
//!
//! - **start**: from the call to the first task starting on a worker (injecting the
//!   job, waking a worker, the worker finding the job);
//! - **work**: from the first task starting to the last one ending;
//! - **return**: from the last task ending to the call returning (the job's latch
//!   set, the calling thread woken from its sleep).
//!
//! Each span is the median of many calls, with a pause of 0 µs to 1 ms between calls:
//! idle workers spin a little and then sleep, so a loop called again at once finds them
//! awake, and one called after a pause pays to wake them.
//!
//! ```text
//! cargo run --release -p par-for-bench --bin pool_overhead            # 2000 calls per pause
//! cargo run --release -p par-for-bench --bin pool_overhead -- --quick  # 200
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use par_for_bench::{calibrate_rounds_per_microsecond, small_serial, work};

/// The three spans of one call, in nanoseconds.
struct Spans {
    start: u64,
    work: u64,
    back: u64,
}

/// One call of the loop over `items` on the pool, cut into its spans.
fn timed_call(items: &[u64], rounds: u32, base: Instant) -> Spans {
    let first_start = AtomicU64::new(u64::MAX);
    let last_end = AtomicU64::new(0);
    let since_base = || base.elapsed().as_nanos() as u64;
    let called = since_base();
    // Timestamps per task (one per leaf of rayon's splitting), not per item: a clock
    // read per item would cost as much as the item.
    let sum: u64 = items
        .par_iter()
        .fold(
            || {
                first_start.fetch_min(since_base(), Ordering::Relaxed);
                0u64
            },
            |acc, &x| acc.wrapping_add(work(x, rounds)),
        )
        .map(|acc| {
            last_end.fetch_max(since_base(), Ordering::Relaxed);
            acc
        })
        .reduce(|| 0, u64::wrapping_add);
    std::hint::black_box(sum);
    let returned = since_base();
    let first_start = first_start.into_inner();
    let last_end = last_end.into_inner();
    Spans {
        start: first_start - called,
        work: last_end - first_start,
        back: returned - last_end,
    }
}

fn median(mut values: Vec<u64>) -> f64 {
    values.sort_unstable();
    values[values.len() / 2] as f64 / 1e3
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let calls = if quick { 200 } else { 2_000 };
    // About 50 ns per item, as in the benchmarks' `small`.
    let rounds = (calibrate_rounds_per_microsecond() / 20).max(1);
    let items: Vec<u64> = (0..1_000).collect();
    let base = Instant::now();

    let serial: Vec<u64> = (0..calls)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(small_serial(&items, rounds));
            start.elapsed().as_nanos() as u64
        })
        .collect();
    println!(
        "{} threads; 1000 items of about 50 ns; {calls} calls per row; medians in µs",
        rayon::current_num_threads()
    );
    let serial_us = median(serial);
    println!("serial loop: {serial_us:.1} µs");
    println!();
    println!("| pause between calls | start | work | return | total | total / serial |");
    println!("|---|---|---|---|---|---|");
    for pause in [0, 10, 100, 1_000] {
        let pause = Duration::from_micros(pause);
        let mut spans = Vec::with_capacity(calls);
        for _ in 0..calls {
            if !pause.is_zero() {
                let until = Instant::now() + pause;
                while Instant::now() < until {
                    std::hint::spin_loop();
                }
            }
            spans.push(timed_call(&items, rounds, base));
        }
        let start = median(spans.iter().map(|s| s.start).collect());
        let work = median(spans.iter().map(|s| s.work).collect());
        let back = median(spans.iter().map(|s| s.back).collect());
        let total = median(spans.iter().map(|s| s.start + s.work + s.back).collect());
        println!(
            "| {pause:?} | {start:.1} | {work:.1} | {back:.1} | {total:.1} | {:.2} |",
            total / serial_us
        );
    }
}
