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
//! The task, the same as in the other examples of the tutorial, is in `tutorial/mod.rs`.
//!
//! ```text
//! cargo run --release --example imap            # tasks of up to 600 ms
//! cargo run --release --example imap -- --quick  # tasks of up to 20 ms
//! ```

use std::time::{Duration, Instant};

use par_for::par_for;

mod tutorial;
use tutorial::{random, task, unit_from_args};

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
    let unit = unit_from_args(Duration::from_millis(600));
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
