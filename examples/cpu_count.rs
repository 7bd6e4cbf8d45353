//! `multiprocessing.cpu_count()`: how many CPUs there are, and how many threads an
//! annotated loop will use. The default pool has one thread per logical CPU available to
//! this process (affinity masks and container quotas included), unless `PAR_FOR_THREADS`
//! (or else `RAYON_NUM_THREADS`) says otherwise; `PAR_FOR_THREADS=1` makes every
//! annotated loop serial, in order, on the calling thread: the debugging switch.
//!
//! This program prints the counts, then runs itself again with `PAR_FOR_THREADS=1` and
//! `PAR_FOR_THREADS=3` to show the variable at work (the default pool is sized once, when
//! a process first uses it, so changing the variable needs a new process).
//!
//! Python:
//!
//! ```python
//! n_logical = multiprocessing.cpu_count()   # also os.cpu_count()
//! with Pool() as pool:                      # one worker per logical CPU
//!     ...
//! ```
//!
//! ```text
//! cargo run --release --example cpu_count
//! PAR_FOR_THREADS=1 cargo run --release --example cpu_count
//! ```

use std::process::Command;
use std::sync::Mutex;

use par_for::par_for;

/// The order in which a loop over 0..8 ran its iterations, and on how many threads.
#[par_for]
fn visit_order() -> (Vec<u32>, usize) {
    let order = Mutex::new(Vec::new());
    let threads = Mutex::new(std::collections::HashSet::new());
    #[par_for]
    for i in 0..8u32 {
        // A little work, so that the iterations overlap when there are several threads.
        std::thread::sleep(std::time::Duration::from_millis(5));
        order.lock().unwrap().push(i);
        threads.lock().unwrap().insert(std::thread::current().id());
    }
    (
        order.into_inner().unwrap(),
        threads.into_inner().unwrap().len(),
    )
}

/// What a child process prints: its pool size and a loop's order.
fn child() {
    let (order, threads) = visit_order();
    println!(
        "    current_threads() = {}; a loop over 0..8 ran on {threads} thread(s) (the calling thread included), in the order {order:?}",
        par_for::current_threads()
    );
}

fn main() {
    if std::env::args().any(|arg| arg == "--child") {
        child();
        return;
    }
    // `--quick` is accepted like in every example; this one is quick anyway.
    let env = |var: &str| std::env::var(var).unwrap_or_else(|_| "(not set)".into());
    println!(
        "cpu_count()          = {:>3}   logical CPUs this process may use",
        par_for::cpu_count()
    );
    println!(
        "physical_cpu_count() = {:>3}   physical cores (hyper-threads count once)",
        par_for::physical_cpu_count()
    );
    println!(
        "current_threads()    = {:>3}   threads an annotated loop started here would use",
        par_for::current_threads()
    );
    println!("PAR_FOR_THREADS      = {}", env("PAR_FOR_THREADS"));
    println!("RAYON_NUM_THREADS    = {}", env("RAYON_NUM_THREADS"));
    println!(
        "inside with_threads(5, ..), current_threads() = {}",
        par_for::with_threads(5, par_for::current_threads)
    );

    println!("\nThe same program, run again with the variable set:");
    let exe = std::env::current_exe().expect("the path of this example");
    for threads in ["1", "3"] {
        println!("  PAR_FOR_THREADS={threads}:");
        let output = Command::new(&exe)
            .arg("--child")
            .env("PAR_FOR_THREADS", threads)
            .output()
            .expect("re-running this example");
        assert!(output.status.success(), "the child run failed");
        print!("{}", String::from_utf8_lossy(&output.stdout));
    }
    println!("\nWith PAR_FOR_THREADS=1 the loop runs serially, in order: debug a loop without removing its attribute.");
}
