//! `Pool.imap`: results in input order, each as soon as it and every earlier one are
//! ready, with only a bounded window of tasks in flight. Two ways:
//!
//! - the loop `#[par_for(stream)] for r in items.into_iter().map(task) { .. }`: the task
//!   runs on the pool, the body runs on this thread (so it may mutate local state), in
//!   input order;
//! - the function `par_for::stream(items, task)`, a plain `Iterator` of the results, which
//!   works anywhere, even on an endless source.
//!
//! Python:
//!
//! ```python
//! with Pool() as pool:
//!     for result in pool.imap(task, range(10)):
//!         print(result)
//! ```
//!
//! ```text
//! cargo run --release --example imap            # tasks of up to 1 s
//! cargo run --release --example imap -- --quick  # tasks of up to 20 ms
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use par_for::par_for;

/// A number in `[0, 1)` drawn from `seed` by a few xorshift steps: random-looking, the
/// same on every run, and no dependency.
fn random(seed: u64) -> f64 {
    let mut x = seed.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Keeps one core busy for `duration` (CPU work, where the tutorial sleeps).
fn busy_for(duration: Duration) -> u64 {
    let start = Instant::now();
    let mut h = 1u64;
    while start.elapsed() < duration {
        for _ in 0..1_000 {
            h = h
                .wrapping_mul(0x5851_F42D_4C95_7F2D)
                .wrapping_add(0x1405_7B7E_F767_814F);
        }
    }
    black_box(h)
}

/// The task: draw a value in `[0, 1)`, work for that fraction of `unit`, return it.
fn task(arg: u64, unit: Duration) -> f64 {
    let value = random(arg);
    busy_for(unit.mul_f64(value));
    value
}

/// The loop form. The body prints each result when it arrives, and keeps a running
/// total in a plain local: it runs on this thread, one result at a time.
#[par_for]
fn imap_loop(items: Vec<u64>, unit: Duration) -> f64 {
    let start = Instant::now();
    let mut total = 0.0;
    #[par_for(stream)]
    for result in items.into_iter().map(|item| task(item, unit)) {
        total += result;
        println!(
            "{result:.6}   (at {:>6.3} s, running total {total:.3})",
            start.elapsed().as_secs_f64()
        );
    }
    total
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let unit = if quick {
        Duration::from_millis(20)
    } else {
        Duration::from_millis(600)
    };
    println!(
        "10 tasks of up to {unit:?} on a pool of {} threads; results in input order, each \
         printed as soon as it and all earlier ones are done:",
        par_for::current_threads()
    );
    let start = Instant::now();
    let total = imap_loop((0..10).collect(), unit);
    println!(
        "loop done in {:.2} s, total {total:.3}",
        start.elapsed().as_secs_f64()
    );

    println!("\nThe same with par_for::stream(items, task), a plain Iterator:");
    let start = Instant::now();
    let results = par_for::stream(0..10u64, move |item| (item, task(item, unit)));
    for (item, result) in results {
        println!(
            "task({item}) = {result:.6}   (at {:>6.3} s)",
            start.elapsed().as_secs_f64()
        );
    }

    // An endless source: only what is consumed is computed (give or take a window), so
    // `find` stops the stream when it has its answer.
    let first_big = par_for::stream(0u64.., |x| (x, random(x)))
        .window(8)
        .find(|&(_, value)| value > 0.999);
    println!(
        "\nendless source 0.., window 8: the first item whose value is above 0.999 is {first_big:?}"
    );
}
