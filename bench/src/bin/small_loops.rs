//! Small loops called again and again, OpenMP's home ground (issue 9): the median time
//! per call of serial code, OpenMP C (`parallel for`, static schedule; "n/a" where the
//! bench was built without a C compiler with OpenMP, see `build.rs`), hand-written rayon, paralight (fixed and work-stealing
//! pools), chili, and `#[par_for]` Form 1 (loop + `reduce(total: +)`) and Form 2
//! (`.map(..).sum()` pipeline), as speed-ups over serial, in the same process.
//!
//! Workloads (`par_for_bench::small`): `mix(i, rounds) >> 24` summed over `0..1000`,
//! "small" about 55 µs serially and "medium" about 350 µs; each called back to back,
//! and after 300 µs and 1 ms of serial work on the calling thread (the pause).
//! The variants take turns in blocks of calls, so each meets the machine as the others
//! left it, and each block's first call pays for waking its pool.
//!
//! ```text
//! cargo run --release -p par-for-bench --bin small_loops            # 1, 2, .. CPUs threads
//! cargo run --release -p par-for-bench --bin small_loops -- --quick # seconds (CI)
//! cargo run --release -p par-for-bench --bin small_loops -- --busy  # with a busy process beside
//! cargo run --release -p par-for-bench --bin small_loops -- --mean  # means, not medians
//! PAR_FOR_WAIT=passive cargo run --release -p par-for-bench --bin small_loops
//! cargo run --release -p par-for-bench --bin small_loops -- --threads 2 # one count only
//! cargo run --release -p par-for-bench --bin small_loops -- --busy --mean --par-for-only --blocks 100
//! ```
//!
//! On a busy machine a call is now and then descheduled for another process's time
//! slice (milliseconds, for a call of tens of microseconds), so a mean over the default
//! 500 calls rests on a handful of such events and varies by ±40% from run to run even
//! between two serial loops (the 1-thread rows). `--par-for-only` measures serial and
//! the two `#[par_for]` columns alone ("-" in the others), and `--blocks N` takes N
//! blocks of 50 calls per variant instead of 10, so that means over many events can be
//! compared.
//!
//! Each thread count runs in a child process started with `PAR_FOR_THREADS` and
//! `RAYON_NUM_THREADS` set, as `bench` does. `--busy` starts another process that keeps
//! every CPU busy (one spinning thread per CPU) for the whole run: the oversubscribed
//! machine.

use std::num::NonZero;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use par_for_bench::small::{self, mix};
use paralight::threads::{CpuPinningPolicy, RangeStrategy, ThreadCount, ThreadPoolBuilder};

const ITEMS: u64 = 1000;

struct Plan {
    /// Blocks per variant (taking turns), and calls per block.
    blocks: usize,
    calls: usize,
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

/// The mean: what a program calling the loop again and again waits in all, outliers
/// included (`--mean`; the median shows the usual call).
fn mean(times: Vec<Duration>) -> Duration {
    times.iter().sum::<Duration>() / times.len() as u32
}

/// Whether the table shows means rather than medians (`--mean`, passed on to the
/// children as `SMALL_LOOPS_MEAN`).
fn by_mean() -> bool {
    std::env::var_os("SMALL_LOOPS_MEAN").is_some()
}

/// Serial work on the calling thread for `pause`.
fn pause_for(pause: Duration) {
    if pause.is_zero() {
        return;
    }
    let until = Instant::now() + pause;
    let mut x = 0;
    while Instant::now() < until {
        x ^= mix(x, 8);
    }
    std::hint::black_box(x);
}

type Variant<'a> = (&'static str, Box<dyn FnMut() -> u64 + 'a>);

/// The median (or mean) time per call of each variant, calls preceded by `pause`.
fn measure(variants: &mut [Variant<'_>], pause: Duration, plan: &Plan) -> Vec<Duration> {
    let mut times = vec![Vec::new(); variants.len()];
    // One block each first, not counted: every pool started, every loop site warm.
    for block in 0..=plan.blocks {
        for (times, (_, run)) in times.iter_mut().zip(variants.iter_mut()) {
            for _ in 0..plan.calls {
                pause_for(pause);
                let start = Instant::now();
                std::hint::black_box(run());
                if block > 0 {
                    times.push(start.elapsed());
                }
            }
        }
    }
    let summary = if by_mean() { mean } else { median };
    times.into_iter().map(summary).collect()
}

/// The value of `--name VALUE` on the command line, if given.
fn option(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let pos = args.iter().position(|a| a == name)?;
    Some(
        args.get(pos + 1)
            .unwrap_or_else(|| panic!("{name} needs a value"))
            .clone(),
    )
}

/// Whether only serial and `#[par_for]` are measured (`--par-for-only`, passed on to
/// the children as `SMALL_LOOPS_PAR_FOR_ONLY`).
fn par_for_only() -> bool {
    std::env::var_os("SMALL_LOOPS_PAR_FOR_ONLY").is_some()
}

fn child(threads: usize, quick: bool) {
    assert_eq!(par_for::current_threads(), threads);
    let omp = par_for_bench::omp::set_threads(threads);
    let blocks = std::env::var("SMALL_LOOPS_BLOCKS")
        .ok()
        .map(|b| b.parse().expect("--blocks N"));
    let plan = if quick {
        Plan {
            blocks: 2,
            calls: 20,
        }
    } else {
        Plan {
            blocks: blocks.unwrap_or(10),
            calls: 50,
        }
    };
    let count = ThreadCount::Count(NonZero::new(threads).unwrap());
    let mut fixed = ThreadPoolBuilder {
        num_threads: count,
        range_strategy: RangeStrategy::Fixed,
        cpu_pinning: CpuPinningPolicy::No,
    }
    .build();
    let mut stealing = ThreadPoolBuilder {
        num_threads: count,
        range_strategy: RangeStrategy::WorkStealing,
        cpu_pinning: CpuPinningPolicy::No,
    }
    .build();
    let chili = chili::ThreadPool::with_config(chili::Config {
        thread_count: NonZero::new(threads),
        ..Default::default()
    });
    for (workload, target, par_for_loop, par_for_pipeline) in [
        (
            "small",
            Duration::from_micros(55),
            small::loop_small as fn(u64, u32) -> u64,
            small::pipeline_small as fn(u64, u32) -> u64,
        ),
        (
            "medium",
            Duration::from_micros(350),
            small::loop_medium,
            small::pipeline_medium,
        ),
    ] {
        let rounds = small::rounds_for(ITEMS, target);
        let mut variants: Vec<Variant<'_>> = vec![
            ("serial", Box::new(move || small::serial(ITEMS, rounds))),
            (
                "OpenMP static",
                Box::new(move || par_for_bench::omp::small(ITEMS, rounds).unwrap_or(0)),
            ),
            ("rayon", Box::new(move || small::rayon(ITEMS, rounds))),
            (
                "paralight fixed",
                Box::new(|| small::paralight(&mut fixed, ITEMS, rounds)),
            ),
            (
                "paralight stealing",
                Box::new(|| small::paralight(&mut stealing, ITEMS, rounds)),
            ),
            ("chili", Box::new(|| small::chili(&chili, ITEMS, rounds))),
            (
                "par_for loop",
                Box::new(move || par_for_loop(ITEMS, rounds)),
            ),
            (
                "par_for pipeline",
                Box::new(move || par_for_pipeline(ITEMS, rounds)),
            ),
        ];
        // Each column, and whether it is measured.
        let columns: Vec<(&str, bool)> = variants
            .iter()
            .map(|&(name, _)| {
                let wanted = name == "serial" || name.starts_with("par_for") || !par_for_only();
                (name, wanted && (omp || name != "OpenMP static"))
            })
            .collect();
        variants.retain(|(name, _)| columns.contains(&(name, true)));
        let expected = small::serial(ITEMS, rounds);
        for (name, run) in &mut variants {
            assert_eq!(run(), expected, "{name} differs from serial");
        }
        for pause in [0, 300, 1000].map(Duration::from_micros) {
            let medians = measure(&mut variants, pause, &plan);
            let serial = medians[0].as_secs_f64();
            let mut measured = medians[1..].iter();
            let ratios: Vec<String> = columns[1..]
                .iter()
                .map(|&(name, is_measured)| {
                    if is_measured {
                        let time = measured.next().expect("a time per variant");
                        format!("{:.2}x", serial / time.as_secs_f64())
                    } else if name == "OpenMP static" && !omp {
                        "n/a".to_string()
                    } else {
                        "-".to_string()
                    }
                })
                .collect();
            println!(
                "| {threads} | {workload} | {} | {:.1} | {} |",
                if pause.is_zero() {
                    "back to back".to_string()
                } else {
                    format!("after {} µs", pause.as_micros())
                },
                serial * 1e6,
                ratios.join(" | ")
            );
        }
    }
}

/// Keeps every CPU busy until killed.
fn burn() {
    let threads: Vec<_> = (0..par_for::cpu_count())
        .map(|t| {
            std::thread::spawn(move || {
                let mut x = t as u64;
                loop {
                    x = std::hint::black_box(mix(x, 64));
                }
            })
        })
        .collect();
    for thread in threads {
        let _ = thread.join();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    if args.iter().any(|a| a == "--burn") {
        return burn();
    }
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        let threads = args[pos + 1].parse().expect("--child N");
        return child(threads, quick);
    }
    let exe = std::env::current_exe().expect("own path");
    let busy = args.iter().any(|a| a == "--busy");
    if args.iter().any(|a| a == "--mean") {
        std::env::set_var("SMALL_LOOPS_MEAN", "1");
    }
    if args.iter().any(|a| a == "--par-for-only") {
        std::env::set_var("SMALL_LOOPS_PAR_FOR_ONLY", "1");
    }
    if let Some(blocks) = option("--blocks") {
        std::env::set_var("SMALL_LOOPS_BLOCKS", blocks);
    }
    let mut burner: Option<Child> = busy.then(|| {
        Command::new(&exe)
            .arg("--burn")
            .spawn()
            .expect("start the busy process")
    });
    let cpus = par_for::cpu_count();
    let mut counts = par_for_bench::thread_counts();
    if let Some(pos) = args.iter().position(|a| a == "--threads") {
        counts = vec![args[pos + 1].parse().expect("--threads N")];
    }
    println!(
        "logical CPUs: {cpus}; {ITEMS} items; PAR_FOR_WAIT={}; {}; {} per call, speed-up over serial",
        std::env::var("PAR_FOR_WAIT").unwrap_or_default(),
        if busy {
            "a busy process beside (oversubscribed)"
        } else {
            "quiet machine"
        },
        if by_mean() { "means" } else { "medians" }
    );
    println!("| threads | workload | pause | serial µs | OpenMP static | rayon | paralight fixed | paralight stealing | chili | par_for loop | par_for pipeline |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for threads in counts {
        par_for_bench::run_child(threads, quick);
    }
    if let Some(burner) = &mut burner {
        let _ = burner.kill();
        let _ = burner.wait();
    }
}
