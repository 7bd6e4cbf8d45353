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
//! The Rust `task` (with its `random` and `busy_for`) is in `tutorial/mod.rs`, shared by
//! the other examples of the tutorial.
//!
//! ```text
//! cargo run --release --example sequential_loop            # tasks of up to 1 s
//! cargo run --release --example sequential_loop -- --quick  # tasks of up to 20 ms
//! ```

use std::time::{Duration, Instant};

mod tutorial;
use tutorial::{random, task, unit_from_args};

fn main() {
    let unit = unit_from_args(Duration::from_secs(1));
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
