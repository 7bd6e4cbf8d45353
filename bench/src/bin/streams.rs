//! Streams on light items against rayon's `par_bridge`, in the same run: items of about
//! 0.2, 0.6 and 2 µs, with and without a per-item allocation in the source, consumed in
//! input order and in completion order, on a pool of 2 threads.
//!
//! ```text
//! cargo run --release -p par-for-bench --bin streams            # about two minutes
//! cargo run --release -p par-for-bench --bin streams -- --quick  # a few seconds
//! cargo run --release -p par-for-bench --bin streams -- --task 0.6  # one task size
//! cargo run --release -p par-for-bench --bin streams -- --repeats 5  # rounds a row (9)
//! ```
//!
//! Each row runs the same source, task and sum four ways: serially; with rayon's
//! `par_bridge().map().reduce()` (which is unordered: its sum does not depend on order);
//! with `#[par_for(stream)]` (the macro's loop, `stream_for_each`); and with the function
//! `par_for::stream` (the `Stream` iterator). The ratios are throughputs relative to
//! `par_bridge`; each time is the best of a few rounds, in which the four ways take turns.
//! The last column pairs the runs instead: each round's ratio of `par_bridge`'s time to
//! ours (macro, function), and their median over the rounds, which a lucky or unlucky
//! round of one way alone moves less than it moves a best time.

use std::hint::black_box;
use std::time::{Duration, Instant};

use par_for::par_for;
use par_for_bench::{calibrate_rounds_per_microsecond, work};
use rayon::iter::{ParallelBridge, ParallelIterator};

/// The pool every run uses, rayon's global pool, which par-for's streams share.
const THREADS: usize = 2;

/// The length of each item's allocation, in `u64`s (512 bytes).
const PAYLOAD: usize = 64;

#[par_for]
fn macro_ordered<I, X, F>(source: I, task: F) -> u64
where
    I: Iterator<Item = X> + Send, // `Send`: the pool's threads pull the source
    X: Send,
    F: Fn(X) -> u64 + Send + Sync,
{
    let mut sum = 0u64;
    #[par_for(stream)]
    for r in source.map(task) {
        sum = sum.wrapping_add(r);
    }
    sum
}

#[par_for]
fn macro_unordered<I, X, F>(source: I, task: F) -> u64
where
    I: Iterator<Item = X> + Send, // `Send`: the pool's threads pull the source
    X: Send,
    F: Fn(X) -> u64 + Send + Sync,
{
    let mut sum = 0u64;
    #[par_for(stream, unordered)]
    for r in source.map(task) {
        sum = sum.wrapping_add(r);
    }
    sum
}

/// One way of running a row: serial, `par_bridge`, the macro or the function.
#[derive(Clone, Copy, PartialEq)]
enum Way {
    Serial,
    Bridge,
    Macro,
    Function,
}

const WAYS: [Way; 4] = [Way::Serial, Way::Bridge, Way::Macro, Way::Function];

/// Sums `task` over `source` the given way, ordered or not.
fn run<I, X, F>(way: Way, ordered: bool, source: I, task: F) -> u64
where
    I: Iterator<Item = X> + Send + 'static,
    X: Send + 'static,
    F: Fn(X) -> u64 + Send + Sync + Copy + 'static,
{
    match (way, ordered) {
        (Way::Serial, _) => source.map(task).fold(0, u64::wrapping_add),
        (Way::Bridge, _) => source
            .par_bridge()
            .map(task)
            .reduce(|| 0, u64::wrapping_add),
        (Way::Macro, true) => macro_ordered(source, task),
        (Way::Macro, false) => macro_unordered(source, task),
        (Way::Function, true) => par_for::stream(source, task).fold(0, u64::wrapping_add),
        (Way::Function, false) => {
            par_for::stream_unordered(source, task).fold(0, u64::wrapping_add)
        }
    }
}

/// The time and the sum of one run of one row, one way.
fn time(way: Way, ordered: bool, alloc: bool, n: u64, rounds: u32) -> (Duration, u64) {
    let start = Instant::now();
    let sum = if alloc {
        let source = (0..n).map(|i| (i, vec![i; PAYLOAD]));
        run(
            way,
            ordered,
            source,
            move |(i, payload): (u64, Vec<u64>)| work(i, rounds) ^ payload[PAYLOAD - 1],
        )
    } else {
        run(way, ordered, 0..n, move |i| work(i, rounds))
    };
    (start.elapsed(), black_box(sum))
}

/// What the rounds of one row gave: per way, its best time and its sum; per round, the
/// ratio of `par_bridge`'s time to the macro's and to the function's.
struct Rounds {
    best: Vec<(Duration, u64)>,
    paired: Vec<[f64; 2]>,
}

/// Runs each way `repeats` times, the ways taking turns within each round (so that a
/// slow spell of the machine does not fall on one way's runs alone).
fn rounds_of(ordered: bool, alloc: bool, n: u64, rounds: u32, repeats: u32) -> Rounds {
    let mut best = vec![(Duration::MAX, 0); WAYS.len()];
    let mut paired = Vec::new();
    for _ in 0..repeats {
        let mut times = [0.0; 4];
        for ((best, time_of), &way) in best.iter_mut().zip(&mut times).zip(&WAYS) {
            let (elapsed, sum) = time(way, ordered, alloc, n, rounds);
            *best = (best.0.min(elapsed), sum);
            *time_of = elapsed.as_secs_f64();
        }
        paired.push([times[1] / times[2], times[1] / times[3]]);
    }
    Rounds { best, paired }
}

/// The median of each side of the paired ratios.
fn paired_median(paired: &[[f64; 2]]) -> [f64; 2] {
    [0, 1].map(|side| {
        let mut ratios: Vec<f64> = paired.iter().map(|pair| pair[side]).collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|arg| arg == "--quick");
    // `--task MICROS`: only the rows of that task size.
    let only: Option<f64> = args
        .iter()
        .position(|arg| arg == "--task")
        .and_then(|at| args.get(at + 1))
        .map(|micros| {
            micros
                .parse()
                .expect("--task takes a number of microseconds")
        });
    rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build_global()
        .expect("the global pool is built first, here");
    assert_eq!(par_for::current_threads(), THREADS);
    let per_microsecond = calibrate_rounds_per_microsecond();
    // `--repeats N`: rounds per row (9 unless given; 1 with --quick). With 5, a lucky
    // round of `par_bridge` moved its best time by up to 35%.
    let repeats: u32 = args
        .iter()
        .position(|arg| arg == "--repeats")
        .and_then(|at| args.get(at + 1))
        .map(|n| n.parse().expect("--repeats takes a count"))
        .unwrap_or(if quick { 1 } else { 9 });
    println!(
        "{THREADS} threads; {} rounds a row, the ways taking turns, best kept; source item: `i` or `(i, vec![i; {PAYLOAD}])`",
        repeats
    );
    if cfg!(debug_assertions) {
        println!("(a debug build: use --release for meaningful numbers)");
    }
    println!();
    println!(
        "| task | source | order | items | serial | par_bridge | `#[par_for(stream)]` | `par_for::stream` | paired median |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for micros in [0.2, 0.6, 2.0] {
        if only.is_some_and(|only| only != micros) {
            continue;
        }
        let rounds = ((per_microsecond as f64 * micros).round() as u32).max(1);
        // About 0.2 s of serial work a row (0.02 s with --quick).
        let n = ((if quick { 2e4 } else { 2e5 }) / micros) as u64;
        for alloc in [false, true] {
            for ordered in [true, false] {
                let Rounds { best: runs, paired } = rounds_of(ordered, alloc, n, rounds, repeats);
                let [macro_paired, function_paired] = paired_median(&paired);
                let bridge = runs[1].0.as_secs_f64();
                let cells: Vec<String> = runs
                    .iter()
                    .zip(WAYS)
                    .map(|(&(elapsed, sum), way)| {
                        assert_eq!(sum, runs[0].1, "every way computes the serial sum");
                        let seconds = elapsed.as_secs_f64();
                        if way == Way::Bridge {
                            format!("{:.1} ms", seconds * 1e3)
                        } else {
                            format!("{:.1} ms ({:.2}x)", seconds * 1e3, bridge / seconds)
                        }
                    })
                    .collect();
                println!(
                    "| {micros} µs | {} | {} | {n} | {} | {macro_paired:.2}x / {function_paired:.2}x |",
                    if alloc { "allocates" } else { "plain" },
                    if ordered { "ordered" } else { "unordered" },
                    cells.join(" | "),
                );
            }
        }
    }
    println!();
    println!("(x): throughput relative to par_bridge in the same run (higher is better);");
    println!("par_bridge is unordered in every row. Paired median: of each round's ratio");
    println!("to par_bridge, for the macro / the function.");
}
