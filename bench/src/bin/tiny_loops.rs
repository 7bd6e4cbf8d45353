//! What `#[par_for]` costs on loops too small to gain from threads (1 to 10 µs), which
//! its loop site runs serially: the median time per call of the plain serial loop and of
//! `#[par_for]` Form 1 (`reduce(total: +)`) and Form 2 (`.sum()`), as speed-ups over
//! serial (1.00x: no cost), in the same process, taking turns in blocks of 50 calls.
//!
//! The workload is `small_loops`' (`par_for_bench::small`): `mix(i, rounds) >> 24`
//! summed over `0..n`, about 40 ns an item, for n = 25, 100 and 250.
//!
//! ```text
//! cargo run --release -p par-for-bench --bin tiny_loops
//! PAR_FOR_THREADS=1 cargo run --release -p par-for-bench --bin tiny_loops
//! cargo run --release -p par-for-bench --bin tiny_loops -- --quick   # seconds (CI)
//! ```

use std::time::{Duration, Instant};

use par_for_bench::small;

/// The median of `times`, in nanoseconds.
fn median(mut times: Vec<u64>) -> f64 {
    times.sort_unstable();
    times[times.len() / 2] as f64
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let blocks = if quick { 10 } else { 400 };
    let rounds = small::rounds_for(1000, Duration::from_micros(40));
    println!(
        "{} threads; {blocks} blocks of 50 calls per variant; medians per call",
        par_for::current_threads()
    );
    println!("| items | serial | `#[par_for]` loop | `#[par_for]` pipeline |");
    println!("|---|---|---|---|");
    for n in [25, 100, 250] {
        let expected = small::serial(n, rounds);
        let variants: [fn(u64, u32) -> u64; 3] =
            [small::serial, small::loop_tiny, small::pipeline_tiny];
        let mut times = [Vec::new(), Vec::new(), Vec::new()];
        // One block each first, not counted: every loop site has learnt its loop.
        for block in 0..=blocks {
            for (times, variant) in times.iter_mut().zip(variants) {
                for _ in 0..50 {
                    let start = Instant::now();
                    let total = variant(std::hint::black_box(n), rounds);
                    let elapsed = start.elapsed().as_nanos() as u64;
                    assert_eq!(total, expected, "a variant differs from serial");
                    if block > 0 {
                        times.push(elapsed);
                    }
                }
            }
        }
        let [serial, looped, piped] = times.map(median);
        println!(
            "| {n} | {:.2} µs | {:.2}x | {:.2}x |",
            serial / 1e3,
            serial / looped,
            serial / piped
        );
    }
}
