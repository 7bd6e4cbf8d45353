//! `Pool(processes=4)`: choose the number of workers. `#[par_for(threads = 4)]` runs the
//! loop on a pool of exactly 4 threads (built once, reused by every loop that asks for 4),
//! whatever the number of cores; `par_for::with_threads(n, || ..)` does the same for
//! every annotated loop started inside the closure. Each iteration records the name of
//! the thread it ran on, which shows how many workers took part.
//!
//! Python:
//!
//! ```python
//! with Pool(processes=4) as pool:
//!     pool.map(task, range(16))
//! ```
//!
//! ```text
//! cargo run --release --example choose_workers            # tasks of 200 ms
//! cargo run --release --example choose_workers -- --quick  # tasks of 10 ms
//! ```

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use par_for::par_for;

/// The name of the calling thread (the pools of `threads = N` name theirs
/// `par-for-N-i`), or its id if it has none (rayon's global pool).
fn thread_label() -> String {
    let thread = std::thread::current();
    match thread.name() {
        Some(name) => name.to_owned(),
        None => format!("{:?}", thread.id()),
    }
}

/// The task sleeps, so that every worker gets some of the 16 items even on a machine
/// with fewer cores than workers.
fn task(pause: Duration) {
    std::thread::sleep(pause);
}

/// Runs 16 tasks on a pool of exactly 4 threads; counts the items per thread.
#[par_for]
fn on_four_threads(pause: Duration) -> BTreeMap<String, usize> {
    let seen = Mutex::new(BTreeMap::new());
    #[par_for(threads = 4)]
    for _item in 0..16 {
        task(pause);
        *seen.lock().unwrap().entry(thread_label()).or_insert(0) += 1;
    }
    seen.into_inner().unwrap()
}

/// The same loop with no option: it runs on whatever pool it is called from.
#[par_for]
fn on_current_pool(pause: Duration) -> BTreeMap<String, usize> {
    let seen = Mutex::new(BTreeMap::new());
    #[par_for]
    for _item in 0..16 {
        task(pause);
        *seen.lock().unwrap().entry(thread_label()).or_insert(0) += 1;
    }
    seen.into_inner().unwrap()
}

fn report(what: &str, seen: &BTreeMap<String, usize>, elapsed: Duration) {
    println!(
        "{what}: {} threads ran the 16 items, in {:.2} s",
        seen.len(),
        elapsed.as_secs_f64()
    );
    for (thread, items) in seen {
        let note = if thread == "main" {
            "  (the calling thread: it runs the first items itself while it times them)"
        } else {
            ""
        };
        println!("    {thread:<22} {items:>2} items{note}");
    }
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let pause = if quick {
        Duration::from_millis(10)
    } else {
        Duration::from_millis(200)
    };
    println!(
        "{} logical CPUs; the default pool has {} threads; each task sleeps {pause:?}\n",
        par_for::cpu_count(),
        par_for::current_threads()
    );

    let start = Instant::now();
    let seen = on_four_threads(pause);
    report("#[par_for(threads = 4)]", &seen, start.elapsed());
    assert_eq!(seen.len(), 4, "exactly four workers");

    let start = Instant::now();
    let seen = on_current_pool(pause);
    report("#[par_for] on the default pool", &seen, start.elapsed());

    let start = Instant::now();
    let (threads, seen) =
        par_for::with_threads(3, || (par_for::current_threads(), on_current_pool(pause)));
    report(
        &format!("#[par_for] inside par_for::with_threads(3, ..) (current_threads() = {threads})"),
        &seen,
        start.elapsed(),
    );
    assert_eq!(seen.len(), 3, "exactly three workers");
    let least = |threads: u32| (pause * 16_u32.div_ceil(threads)).as_secs_f64();
    println!(
        "\n16 tasks of {pause:?}: N threads need at least ⌈16/N⌉ rounds, {:.2} s for 4, {:.2} s \
         for 3, {:.2} s for 2",
        least(4),
        least(3),
        least(2)
    );
}
