//! A progress bar for a long loop: `#[par_for(progress = "crunching")]` draws one on
//! stderr, counting finished iterations from every thread, with a rate and an ETA (what
//! Python users get by wrapping `pool.imap` in `tqdm`). It is drawn only when stderr is
//! a terminal, so logs and pipes stay clean; `progress` alone gives an unlabelled bar.
//!
//! Python:
//!
//! ```python
//! with Pool() as pool:
//!     results = list(tqdm(pool.imap(task, items), total=len(items), desc='crunching'))
//! ```
//!
//! `busy_for`, the CPU work, is in `tutorial/mod.rs`, shared by the examples.
//!
//! ```text
//! cargo run --release --example progress            # 400 items, about 3 s on 2 cores
//! cargo run --release --example progress -- --quick  # 40 items
//! ```

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use par_for::par_for;

mod tutorial;
use tutorial::busy_for;

#[par_for]
fn crunch(items: u64, each: Duration) -> u64 {
    let done = AtomicU64::new(0);
    #[par_for(progress = "crunching")]
    for _item in 0..items {
        busy_for(each);
        done.fetch_add(1, Ordering::Relaxed);
    }
    done.into_inner()
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let items = if quick { 40 } else { 400 };
    let each = Duration::from_millis(15);
    let threads = par_for::current_threads();
    if std::io::stderr().is_terminal() {
        println!("stderr is a terminal: watch the bar below");
    } else {
        println!(
            "stderr is not a terminal (a pipe, a file, CI), so no bar is drawn: the bar only \
             draws when stderr is a terminal. Run this in a terminal to see it."
        );
    }
    println!(
        "{items} items of {each:?} of CPU work on {threads} threads (about {:.1} s):",
        (each * items as u32).as_secs_f64() / threads as f64
    );
    let start = Instant::now();
    let done = crunch(items, each);
    println!(
        "done: {done} items in {:.2} s",
        start.elapsed().as_secs_f64()
    );
}
