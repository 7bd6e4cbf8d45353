//! `Pool.starmap`: a task of several arguments, one tuple of arguments per call. In Rust
//! there is nothing to unpack by hand: the loop's pattern does it, `for (a, b, c) in
//! items`, and so does a closure's, `.map(|&(a, b, c)| task(a, b, c))`.
//!
//! Python:
//!
//! ```python
//! items = [(i, i*2, i*3) for i in range(10)]
//! with Pool() as pool:
//!     for result in pool.starmap(task, items):
//!         print(result)
//! ```
//!
//! `random` and `busy_for` are in `tutorial/mod.rs`, shared by the examples; the task
//! here is this example's own, of three arguments.
//!
//! ```text
//! cargo run --release --example starmap            # tasks of up to 600 ms
//! cargo run --release --example starmap -- --quick  # tasks of up to 20 ms
//! ```

use std::time::{Duration, Instant};

use par_for::par_for;

mod tutorial;
use tutorial::{busy_for, random, unit_from_args};

/// A task of three arguments: the value is drawn from all three.
fn task(arg1: u64, arg2: u64, arg3: u64, unit: Duration) -> f64 {
    let value = random(arg1 ^ (arg2 << 16) ^ (arg3 << 32));
    busy_for(unit.mul_f64(value));
    value
}

/// `pool.starmap(task, items)`: results in input order.
#[par_for]
fn starmap(items: &[(u64, u64, u64)], unit: Duration) -> Vec<f64> {
    #[par_for]
    let results: Vec<f64> = items.iter().map(|&(a, b, c)| task(a, b, c, unit)).collect();
    results
}

/// The same tasks as a Form 1 loop with a tuple pattern; each iteration prints its
/// result when it finishes (completion order).
#[par_for]
fn starmap_loop(items: Vec<(u64, u64, u64)>, unit: Duration) {
    #[par_for]
    for (a, b, c) in items {
        let value = task(a, b, c, unit);
        println!("task({a}, {b}, {c}) = {value}");
    }
}

fn main() {
    let unit = unit_from_args(Duration::from_millis(600));
    let items: Vec<(u64, u64, u64)> = (0..10).map(|i| (i, i * 2, i * 3)).collect();
    println!("items = {items:?}");

    println!("\nForm 2, results in input order:");
    let start = Instant::now();
    let results = starmap(&items, unit);
    for result in &results {
        println!("{result}");
    }
    println!("took {:.2} s", start.elapsed().as_secs_f64());

    println!("\nForm 1, `for (a, b, c) in items`, printed as each task finishes:");
    let start = Instant::now();
    starmap_loop(items.clone(), unit);
    println!("took {:.2} s", start.elapsed().as_secs_f64());

    let serial: Vec<f64> = items
        .iter()
        .map(|&(a, b, c)| random(a ^ (b << 16) ^ (c << 32)))
        .collect();
    assert_eq!(results, serial);
    println!(
        "\nserially the tasks take {:.2} s",
        unit.as_secs_f64() * serial.iter().sum::<f64>()
    );
}
