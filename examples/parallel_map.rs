//! `Pool.map`: the tasks of `sequential_loop`, run on every core, with the results
//! kept in input order, twice: as a collecting pipeline (Form 2, the list comprehension
//! `[task(i) for i in range(10)]`) and as a loop writing each result into its own slot
//! (Form 1).
//!
//! Python:
//!
//! ```python
//! with Pool() as pool:
//!     for result in pool.map(task, range(10)):
//!         print(result)
//! ```
//!
//! ```text
//! cargo run --release --example parallel_map            # tasks of up to 1 s
//! cargo run --release --example parallel_map -- --quick  # tasks of up to 20 ms
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

/// Form 2: `pool.map(task, items)`. `collect` keeps the input order, whatever order
/// the tasks finish in.
#[par_for]
fn map_pipeline(items: &[u64], unit: Duration) -> Vec<f64> {
    #[par_for]
    let results: Vec<f64> = items.iter().map(|&item| task(item, unit)).collect();
    results
}

/// Form 1: the same as a loop. Each iteration owns one slot of `results` (through
/// `iter_mut`), so writing it is not a race, and the compiler knows it.
#[par_for]
fn map_loop(unit: Duration) -> Vec<f64> {
    let mut results = vec![0.0; 10];
    #[par_for]
    for (arg, slot) in results.iter_mut().enumerate() {
        *slot = task(arg as u64, unit);
    }
    results
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let unit = if quick {
        Duration::from_millis(20)
    } else {
        Duration::from_secs(1)
    };
    let serial_time = unit.as_secs_f64() * (0..10).map(random).sum::<f64>();
    println!(
        "10 tasks, each busy for a random fraction of {unit:?} ({serial_time:.2} s in all), on a pool of {} threads",
        par_for::current_threads()
    );

    let items: Vec<u64> = (0..10).collect();
    println!("\nForm 2: #[par_for] let results: Vec<f64> = items.iter().map(|&item| task(item, unit)).collect();");
    let start = Instant::now();
    let results = map_pipeline(&items, unit);
    let pipeline_time = start.elapsed();
    for result in &results {
        println!("{result}");
    }
    println!("took {:.2} s", pipeline_time.as_secs_f64());

    println!("\nForm 1: #[par_for] for (arg, slot) in results.iter_mut().enumerate() {{ *slot = task(arg, unit) }}");
    let start = Instant::now();
    let from_loop = map_loop(unit);
    let loop_time = start.elapsed();
    for result in &from_loop {
        println!("{result}");
    }
    println!("took {:.2} s", loop_time.as_secs_f64());

    let serial: Vec<f64> = (0..10).map(random).collect();
    assert_eq!(results, serial, "the pipeline keeps the serial order");
    assert_eq!(from_loop, serial, "each slot holds its own task's value");
    println!(
        "\nboth equal the serial loop's results, in the same order; serial time would be {serial_time:.2} s, \
         speedup {:.2}x and {:.2}x",
        serial_time / pipeline_time.as_secs_f64(),
        serial_time / loop_time.as_secs_f64()
    );
}
