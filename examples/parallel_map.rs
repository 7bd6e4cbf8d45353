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
//! The task, the same as in the other examples of the tutorial, is in `tutorial/mod.rs`.
//!
//! ```text
//! cargo run --release --example parallel_map            # tasks of up to 1 s
//! cargo run --release --example parallel_map -- --quick  # tasks of up to 20 ms
//! ```

use std::time::{Duration, Instant};

use par_for::par_for;

mod tutorial;
use tutorial::{random, task, unit_from_args};

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
    let unit = unit_from_args(Duration::from_secs(1));
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
