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
//! ```text
//! cargo run --release --example starmap            # tasks of up to 1 s
//! cargo run --release --example starmap -- --quick  # tasks of up to 20 ms
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
    let quick = std::env::args().any(|arg| arg == "--quick");
    let unit = if quick {
        Duration::from_millis(20)
    } else {
        Duration::from_millis(600)
    };
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
