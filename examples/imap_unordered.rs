//! `Pool.imap_unordered`: each result as soon as its task is done, in completion order,
//! so a slow task does not hold back the ones after it. The tasks take a random time;
//! the output shows the fast ones overtaking.
//!
//! Python:
//!
//! ```python
//! with Pool() as pool:
//!     for result in pool.imap_unordered(task, range(10)):
//!         print(result)
//! ```
//!
//! `random` and `busy_for` are in `tutorial/mod.rs`, shared by the examples; the task
//! here is this example's own.
//!
//! ```text
//! cargo run --release --example imap_unordered            # tasks of up to 1.5 s
//! cargo run --release --example imap_unordered -- --quick  # tasks of up to 20 ms
//! ```

use std::time::{Duration, Instant};

use par_for::par_for;

mod tutorial;
use tutorial::{busy_for, random, unit_from_args};

/// The task: work for a random time, `unit` × (a random fraction)³, so that a few tasks
/// are long and many are short; returns which item it was and how long it worked, since
/// the results no longer come in input order.
fn task(arg: u64, unit: Duration) -> (u64, Duration) {
    let took = unit.mul_f64(random(arg).powi(3));
    busy_for(took);
    (arg, took)
}

/// Prints each result as it arrives; returns the items in arrival order.
#[par_for]
fn imap_unordered(items: Vec<u64>, unit: Duration) -> Vec<u64> {
    let start = Instant::now();
    let mut order = Vec::new();
    #[par_for(stream, unordered)]
    for (item, took) in items.into_iter().map(|item| task(item, unit)) {
        order.push(item);
        println!(
            "task {item:>2} took {:>5.0} ms, done at {:>6.3} s",
            took.as_secs_f64() * 1e3,
            start.elapsed().as_secs_f64()
        );
    }
    order
}

fn main() {
    let unit = unit_from_args(Duration::from_millis(1500));
    println!(
        "12 tasks of random duration (up to {unit:?}) on a pool of {} threads, printed in completion order:",
        par_for::current_threads()
    );
    let start = Instant::now();
    let order = imap_unordered((0..12).collect(), unit);
    println!("done in {:.2} s", start.elapsed().as_secs_f64());
    println!("arrival order: {order:?}");
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..12).collect::<Vec<_>>(), "every task ran once");
    if sorted == order {
        println!("(this run happened to finish in input order)");
    } else {
        println!("(not input order: short tasks overtook long ones)");
    }

    println!("\nThe same with par_for::stream_unordered(items, task), a plain Iterator:");
    let arrivals: Vec<u64> =
        par_for::stream_unordered(0..12u64, move |item| task(item, unit).0).collect();
    println!("arrival order: {arrivals:?}");
}
