//! Errors and panics reach the caller, as a task's exception reaches the caller of
//! `Pool.map` in Python.
//!
//! 1. `?` inside a `#[par_for]` loop returns what the serial loop returns: the error of
//!    the *earliest* failing item in iteration order. Here item 2 fails after 300 ms of
//!    work and item 7 fails at once, so item 7 fails first on the clock; the function
//!    still returns item 2's error, like the serial loop.
//! 2. A panic in an iteration stops the loop from starting new iterations and is raised
//!    again on the calling thread with its original payload, so `catch_unwind` (or the
//!    thread's join handle, or the test harness) sees exactly what was panicked with.
//!
//! Python:
//!
//! ```python
//! try:
//!     with Pool() as pool:
//!         results = pool.map(task, items)   # re-raises a task's exception
//! except ValueError as e:
//!     print('task failed:', e)
//! ```
//!
//! ```text
//! cargo run --release --example errors            # item 2 fails after 300 ms
//! cargo run --release --example errors -- --quick  # after 30 ms
//! ```

use std::fmt;
use std::panic;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use par_for::par_for;

/// The error of one item.
#[derive(Debug, PartialEq)]
struct TaskError {
    item: u64,
    reason: &'static str,
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "item {} failed: {}", self.item, self.reason)
    }
}

impl std::error::Error for TaskError {}

/// Items 2 and 7 fail; item 2 only after `slow` of work, item 7 at once. The others
/// take a tenth of `slow`.
fn task(item: u64, slow: Duration, start: Instant) -> Result<u64, TaskError> {
    let outcome = match item {
        2 => {
            std::thread::sleep(slow);
            Err(TaskError {
                item,
                reason: "bad input (found late)",
            })
        }
        7 => Err(TaskError {
            item,
            reason: "bad input (found at once)",
        }),
        _ => {
            std::thread::sleep(slow / 10);
            Ok(item * item)
        }
    };
    if let Err(e) = &outcome {
        println!("    [{:>6.3} s] {e}", start.elapsed().as_secs_f64());
    }
    outcome
}

fn serial(items: &[u64], slow: Duration, start: Instant) -> Result<u64, TaskError> {
    let mut total = 0;
    for &item in items {
        total += task(item, slow, start)?;
    }
    Ok(total)
}

#[par_for]
fn parallel(items: &[u64], slow: Duration, start: Instant) -> Result<u64, TaskError> {
    let total = AtomicU64::new(0);
    #[par_for]
    for &item in items {
        let value = task(item, slow, start)?;
        total.fetch_add(value, Ordering::Relaxed);
    }
    Ok(total.into_inner())
}

/// The payload of the panic: any `Send + 'static` value, not just a message.
#[derive(Debug)]
struct Cursed {
    item: u32,
}

#[par_for]
fn panicking(n: u32) -> u64 {
    let total = AtomicU64::new(0);
    #[par_for]
    for item in 0..n {
        if item == 13 {
            panic::panic_any(Cursed { item });
        }
        total.fetch_add(u64::from(item), Ordering::Relaxed);
    }
    total.into_inner()
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let slow = if quick {
        Duration::from_millis(30)
    } else {
        Duration::from_millis(300)
    };
    let items: Vec<u64> = (0..10).collect();

    println!("1. `?` in a loop over items 0..10 (items 2 and 7 fail)");
    println!("  serial loop:");
    let start = Instant::now();
    let serial_result = serial(&items, slow, start);
    println!("    returned {serial_result:?}");
    println!(
        "  #[par_for] loop, on {} threads:",
        par_for::current_threads()
    );
    let start = Instant::now();
    let parallel_result = parallel(&items, slow, start);
    println!("    returned {parallel_result:?}");
    assert_eq!(
        parallel_result, serial_result,
        "the same error as the serial loop"
    );
    println!("  the same error: the earliest in item order, not the first on the clock");

    println!("\n2. a panic in iteration 13 of 0..100, caught with std::panic::catch_unwind");
    // The default hook would print the panic's location on stderr; print one line instead.
    panic::set_hook(Box::new(|info| {
        let thread = std::thread::current();
        println!(
            "    (panic hook: thread {:?} panicked at {})",
            thread.name().unwrap_or("<unnamed>"),
            info.location()
                .map_or_else(|| "?".into(), |l| l.to_string())
        );
    }));
    let caught = panic::catch_unwind(|| panicking(100));
    let _ = panic::take_hook();
    match caught {
        Ok(total) => println!("    no panic? total {total}"),
        Err(payload) => match payload.downcast::<Cursed>() {
            Ok(cursed) => {
                println!("    the caller caught the original payload: {cursed:?}");
                assert_eq!(cursed.item, 13);
            }
            Err(other) => panic::resume_unwind(other),
        },
    }
}
