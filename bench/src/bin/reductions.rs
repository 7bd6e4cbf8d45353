//! Reductions that accumulate in place: a byte histogram into `[u64; 256]`, a k-means
//! update step into `[(f64, f64, u64); 8]`, and a scalar `reduce(total: +)`, against
//! the serial loop and hand-written rayon (by-value `fold`, and chunked in place), same
//! run, same machine, at 1, 2, 4, ... threads up to the machine's CPUs.
//!
//! ```text
//! cargo run --release -p par-for-bench --bin reductions            # full sizes
//! cargo run --release -p par-for-bench --bin reductions -- --quick # seconds (CI)
//! ```
//!
//! Each thread count runs in a child process started with `PAR_FOR_THREADS=n` and
//! `RAYON_NUM_THREADS=n`. Times are the best of several runs; ratios compare the same
//! run. `speedup` is serial time / par_for time.

use std::time::{Duration, Instant};

use par_for_bench::reductions::*;

struct Sizes {
    bytes: usize,
    points: usize,
    total: u64,
    runs: usize,
}

impl Sizes {
    fn new(quick: bool) -> Sizes {
        if quick {
            Sizes {
                bytes: 1 << 20,
                points: 20_000,
                total: 1_000_000,
                runs: 3,
            }
        } else {
            Sizes {
                bytes: 16 << 20,
                points: 200_000,
                total: 100_000_000,
                runs: 20,
            }
        }
    }
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f());
        best = best.min(start.elapsed());
    }
    best
}

/// One line of the table; `-` where a variant does not apply.
fn row(
    threads: usize,
    name: &str,
    serial: Duration,
    rayon: &[Option<Duration>; 2],
    par_for: Duration,
) {
    let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1e3);
    let rayon: Vec<String> = rayon
        .iter()
        .map(|d| d.map_or_else(|| "-".to_string(), &ms))
        .collect();
    println!(
        "| {threads} | {name} | {} | {} | {} | {} | {:.2}x |",
        ms(serial),
        rayon[0],
        rayon[1],
        ms(par_for),
        serial.as_secs_f64() / par_for.as_secs_f64()
    );
}

fn child(threads: usize, quick: bool) {
    let sizes = Sizes::new(quick);
    let runs = sizes.runs;
    assert_eq!(par_for::current_threads(), threads);

    let data = bytes(sizes.bytes);
    assert_eq!(hist_par_for(&data).c, hist_serial(&data).c);
    row(
        threads,
        "histogram",
        best_of(runs, || hist_serial(&data)),
        &[
            Some(best_of(runs, || hist_rayon_fold(&data))),
            Some(best_of(runs, || hist_rayon_chunks(&data))),
        ],
        best_of(runs, || hist_par_for(&data)),
    );

    let (points, centroids) = points(sizes.points);
    assert_eq!(
        kmeans_par_for(&points, &centroids),
        kmeans_serial(&points, &centroids)
    );
    let runs_small = runs * 10;
    row(
        threads,
        "k-means step",
        best_of(runs_small, || kmeans_serial(&points, &centroids)),
        &[
            Some(best_of(runs_small, || {
                kmeans_rayon_fold(&points, &centroids)
            })),
            Some(best_of(runs_small, || {
                kmeans_rayon_chunks(&points, &centroids)
            })),
        ],
        best_of(runs_small, || kmeans_par_for(&points, &centroids)),
    );

    let n = sizes.total;
    assert_eq!(total_par_for(n), total_serial(n));
    let runs_sum = runs.min(5);
    row(
        threads,
        "sum (+)",
        best_of(runs_sum, || total_serial(std::hint::black_box(n))),
        &[
            Some(best_of(runs_sum, || total_rayon(std::hint::black_box(n)))),
            None,
        ],
        best_of(runs_sum, || total_par_for(std::hint::black_box(n))),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        let threads = args[pos + 1].parse().expect("--child N");
        return child(threads, quick);
    }
    let cpus = par_for::cpu_count();
    let counts = par_for_bench::thread_counts();
    println!(
        "logical CPUs: {cpus}, sizes: {}",
        if quick { "quick" } else { "full" }
    );
    println!("| threads | workload | serial ms | rayon fold (by value) / sum ms | rayon chunks (in place) ms | par_for ms | par_for speedup |");
    println!("|---|---|---|---|---|---|---|");
    for threads in counts {
        par_for_bench::run_child(threads, quick);
    }
}
