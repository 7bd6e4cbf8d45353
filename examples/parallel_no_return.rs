//! `Pool.map` with no return values: a Form 1 loop whose body prints its result as each
//! task finishes. The lines come out in completion order, not input order, and the loop
//! statement ends only when every iteration has ended.
//!
//! Python:
//!
//! ```python
//! def task(arg):
//!     value = random()
//!     sleep(value)
//!     print(f'{arg} got {value}', flush=True)
//!
//! with Pool() as pool:
//!     pool.map(task, range(10))
//! ```
//!
//! No `flush=True` needed: `println!` from a pool thread locks stdout and writes the
//! whole line, and the threads are in this process, so nothing waits in a child's buffer.
//!
//! `random` and `busy_for` are in `tutorial/mod.rs`, shared by the examples; the task
//! here is this example's own, printing its value instead of returning it.
//!
//! ```text
//! cargo run --release --example parallel_no_return            # tasks of up to 1 s
//! cargo run --release --example parallel_no_return -- --quick  # tasks of up to 20 ms
//! ```

use std::time::{Duration, Instant};

use par_for::par_for;

mod tutorial;
use tutorial::{busy_for, random, unit_from_args};

/// The task returns nothing: it reports its value itself.
fn task(arg: u64, unit: Duration, start: Instant) {
    let value = random(arg);
    busy_for(unit.mul_f64(value));
    println!(
        "{arg} got {value:.6}   (at {:>6.3} s)",
        start.elapsed().as_secs_f64()
    );
}

#[par_for]
fn run(unit: Duration) -> Duration {
    let start = Instant::now();
    #[par_for]
    for arg in 0..10u64 {
        task(arg, unit, start);
    }
    // Every iteration has ended here.
    start.elapsed()
}

fn main() {
    let unit = unit_from_args(Duration::from_secs(1));
    println!(
        "10 tasks on a pool of {} threads, each printing its value when it finishes:",
        par_for::current_threads()
    );
    let elapsed = run(unit);
    let serial_time = unit.as_secs_f64() * (0..10).map(random).sum::<f64>();
    println!(
        "all done in {:.2} s (serially: {serial_time:.2} s); the lines came in completion order",
        elapsed.as_secs_f64()
    );
}
