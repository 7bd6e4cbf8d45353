//! A shared resource written by every iteration: an output file and a `Vec`, each behind
//! a `Mutex`, and a counter that is an atomic. Reading shared data needs nothing; writing
//! it needs a lock (or an atomic), as in Python, except that here forgetting the lock is a
//! compile error, not a race:
//!
//! ```text
//! let mut log = Vec::new();
//! #[par_for]
//! for i in 0..100 {  // error[E0525]: expected a closure that implements the `Fn` trait,
//!     log.push(i);   // but this closure only implements `FnMut`
//! }                  // (closure is `FnMut` because it mutates the variable `log` here)
//! ```
//!
//! (see `tests/ui/fail/push_to_outer_vec.rs`).
//!
//! Python:
//!
//! ```python
//! def task(lock, path, i):
//!     line = work(i)
//!     with lock:
//!         with open(path, 'a') as f:
//!             f.write(line)
//!
//! with Manager() as manager:
//!     lock = manager.Lock()
//!     with Pool() as pool:
//!         pool.starmap(task, [(lock, path, i) for i in range(100)])
//! ```
//!
//! `random` is in `tutorial/mod.rs`, shared by the examples.
//!
//! ```text
//! cargo run --release --example shared_mutex            # 2000 items
//! cargo run --release --example shared_mutex -- --quick  # 100 items
//! ```

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use par_for::par_for;

mod tutorial;
use tutorial::random;

/// Some CPU work per item: the number of Collatz steps from a random start.
fn work(item: u64) -> u64 {
    let mut n = 1 + (random(item) * 1e6) as u64;
    let mut steps = 0;
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        steps += 1;
    }
    steps
}

/// Writes one line per item to `path`, appends the long ones to a shared `Vec`, and counts
/// all steps in an atomic. Returns the long items and the total.
#[par_for]
fn run(items: u64, path: &Path) -> std::io::Result<(Vec<(u64, u64)>, u64)> {
    let file = Mutex::new(BufWriter::new(File::create(path)?));
    let long_ones = Mutex::new(Vec::new());
    let total_steps = AtomicU64::new(0);
    #[par_for]
    for item in 0..items {
        // The work runs in parallel, outside any lock...
        let steps = work(item);
        let line = format!("item {item}: {steps} steps");
        // ...and only the writes are serialized. The `?` leaves the function with the
        // first error in item order, exactly as the serial loop would.
        writeln!(file.lock().unwrap(), "{line}")?;
        if steps > 250 {
            long_ones.lock().unwrap().push((item, steps));
        }
        total_steps.fetch_add(steps, Ordering::Relaxed);
    }
    file.into_inner().unwrap().flush()?;
    Ok((long_ones.into_inner().unwrap(), total_steps.into_inner()))
}

fn main() -> std::io::Result<()> {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let items = if quick { 100 } else { 2_000 };
    let path =
        std::env::temp_dir().join(format!("par-for-shared-mutex-{}.txt", std::process::id()));

    let (mut long_ones, total) = run(items, &path)?;

    let lines: Vec<String> = BufReader::new(File::open(&path)?)
        .lines()
        .collect::<Result<_, _>>()?;
    println!("{} lines written to {} on a pool of {} threads, through one Mutex<BufWriter<File>>; the first five:", lines.len(), path.display(), par_for::current_threads());
    for line in lines.iter().take(5) {
        println!("    {line}");
    }
    println!(
        "    (in the order the writes took the lock: each line went in whole, none interleaved)"
    );

    let mut seen: Vec<u64> = lines
        .iter()
        .map(|line| {
            line["item ".len()..line.find(':').expect("item N: ..")]
                .parse()
                .expect("a number")
        })
        .collect();
    seen.sort_unstable();
    assert_eq!(
        seen,
        (0..items).collect::<Vec<_>>(),
        "every item wrote exactly one line"
    );

    let serial_total: u64 = (0..items).map(work).sum();
    assert_eq!(
        total, serial_total,
        "the atomic total equals the serial sum"
    );
    println!("total steps (an AtomicU64, fetch_add): {total}, equal to the serial loop's");

    long_ones.sort_unstable();
    println!(
        "{} items took more than 250 steps (a Mutex<Vec>, sorted afterwards); the first: {:?}",
        long_ones.len(),
        long_ones.first()
    );
    std::fs::remove_file(&path)?;
    Ok(())
}
