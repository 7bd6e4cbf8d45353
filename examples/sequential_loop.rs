//! The baseline: ten tasks of random work run one after the other by a plain `for`
//! loop, on one core, and the total time. Every other example makes this loop parallel.
//!
//! Python (the tutorial's starting point):
//!
//! ```python
//! def task(arg):
//!     value = random()
//!     sleep(value)
//!     return value
//!
//! for result in map(task, range(10)):
//!     print(result)
//! ```
//!
//! ```text
//! cargo run --release --example sequential_loop            # tasks of up to 1 s
//! cargo run --release --example sequential_loop -- --quick  # tasks of up to 20 ms
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

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

/// Keeps one core busy for `duration`: CPU work, where the tutorial sleeps, so that
/// running tasks side by side really needs more cores.
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

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let unit = if quick {
        Duration::from_millis(20)
    } else {
        Duration::from_secs(1)
    };
    println!("10 tasks, each busy for a random fraction of {unit:?}, one after the other:");

    let start = Instant::now();
    for result in (0..10).map(|arg| task(arg, unit)) {
        println!("{result}");
    }
    let elapsed = start.elapsed();

    let expected: f64 = (0..10).map(random).sum();
    println!(
        "serial loop: {:.2} s (the sum of the ten task times, {:.2} s)",
        elapsed.as_secs_f64(),
        unit.as_secs_f64() * expected
    );
    println!(
        "next: `cargo run --release --example parallel_map` runs the same tasks on every core"
    );
}
