//! The benchmark table: serial vs hand-written rayon vs `#[par_for]`, same run, same
//! machine, at 1, 2, 4, ... threads up to the machine's CPUs.
//!
//! ```text
//! cargo run --release -p par-for-bench --bin bench            # full sizes (a few minutes)
//! BENCH_ONLY=sum,small cargo run --release -p par-for-bench --bin bench   # some rows only
//! cargo run --release -p par-for-bench --bin bench -- --quick # small sizes (seconds; CI runs this)
//! ```
//!
//! Each thread count runs in a child process started with `PAR_FOR_THREADS=n`, so that
//! every variant, rayon's included, enters the pool from the main thread as a program
//! would. Times are the best of several runs; ratios compare the same run.

use std::time::{Duration, Instant};

use par_for_bench::*;

struct Sizes {
    uniform: usize,
    tiny: usize,
    sum: u64,
    small_calls: usize,
    stream: usize,
    runs: usize,
}

impl Sizes {
    fn new(quick: bool) -> Sizes {
        if quick {
            Sizes {
                uniform: 10_000,
                tiny: 200_000,
                sum: 1_000_000,
                small_calls: 200,
                stream: 10_000,
                runs: 2,
            }
        } else {
            Sizes {
                uniform: 1_000_000,
                tiny: 20_000_000,
                sum: 100_000_000,
                small_calls: 20_000,
                stream: 1_000_000,
                runs: 5,
            }
        }
    }
}

fn best_of(runs: usize, mut f: impl FnMut() -> u64) -> Duration {
    let mut best = Duration::MAX;
    let mut check = 0;
    for _ in 0..runs {
        let start = Instant::now();
        check ^= f();
        best = best.min(start.elapsed());
    }
    std::hint::black_box(check);
    best
}

struct Row {
    name: &'static str,
    serial: Duration,
    rayon: Duration,
    par_for: Duration,
}

fn wanted(name: &str) -> bool {
    std::env::var("BENCH_ONLY").map_or(true, |only| only.split(',').any(|w| w == name))
}

fn measure(sizes: &Sizes, rounds: u32) -> Vec<Row> {
    let runs = sizes.runs;
    let input: Vec<u64> = (0..sizes.uniform as u64).collect();
    let mut out = vec![0u64; input.len()];
    let mut rows = Vec::new();
    let uniform = |_: u64| rounds;
    let uneven = |x: u64| uneven_cost(x) * rounds;
    for (name, cost) in [
        ("uniform", &uniform as &(dyn Fn(u64) -> u32 + Sync)),
        ("uneven", &uneven),
    ] {
        if !wanted(name) {
            continue;
        }
        let serial = best_of(runs, || {
            loop_serial(&input, &mut out, cost);
            out[out.len() / 2]
        });
        let expected = out.clone();
        let rayon = best_of(runs, || {
            loop_rayon(&input, &mut out, cost);
            out[out.len() / 2]
        });
        assert_eq!(out, expected);
        let par_for = best_of(runs, || {
            loop_par_for(&input, &mut out, cost);
            out[out.len() / 2]
        });
        assert_eq!(out, expected);
        rows.push(Row {
            name,
            serial,
            rayon,
            par_for,
        });
    }
    if wanted("progress") {
        // The uniform loop with `progress`: the bar costs something only when stderr is
        // a terminal (run under `script -qc` to measure it); "rayon" here is par_for
        // without the bar.
        let cost = &uniform as &(dyn Fn(u64) -> u32 + Sync);
        let serial = best_of(runs, || {
            loop_serial(&input, &mut out, cost);
            out[1]
        });
        let plain = best_of(runs, || {
            loop_par_for(&input, &mut out, cost);
            out[1]
        });
        let with_bar = best_of(runs, || {
            loop_par_for_progress(&input, &mut out, cost);
            out[1]
        });
        rows.push(Row {
            name: "progress",
            serial,
            rayon: plain,
            par_for: with_bar,
        });
    }
    if wanted("collect") {
        let expected = collect_serial(&input, rounds);
        assert_eq!(collect_par_for(&input, rounds), expected);
        rows.push(Row {
            name: "collect",
            serial: best_of(runs, || collect_serial(&input, rounds)[0]),
            rayon: best_of(runs, || collect_rayon(&input, rounds)[0]),
            par_for: best_of(runs, || collect_par_for(&input, rounds)[0]),
        });
    }
    if wanted("tiny") {
        let tiny_input: Vec<u64> = (0..sizes.tiny as u64).collect();
        assert_eq!(tiny_par_for(&tiny_input), tiny_serial(&tiny_input));
        rows.push(Row {
            name: "tiny",
            serial: best_of(runs, || tiny_serial(&tiny_input)[1]),
            rayon: best_of(runs, || tiny_rayon(&tiny_input)[1]),
            par_for: best_of(runs, || tiny_par_for(&tiny_input)[1]),
        });
    }
    if wanted("sum") {
        assert_eq!(sum_par_for(sizes.sum), sum_serial(sizes.sum));
        rows.push(Row {
            name: "sum",
            serial: best_of(runs, || sum_serial(sizes.sum)),
            rayon: best_of(runs, || sum_rayon(sizes.sum)),
            par_for: best_of(runs, || sum_par_for(sizes.sum)),
        });
    }
    if wanted("small") {
        let small_input: Vec<u64> = (0..1000).collect();
        let small_rounds = (rounds / 20).max(1);
        assert_eq!(
            small_par_for(&small_input, small_rounds),
            small_serial(&small_input, small_rounds)
        );
        let calls = sizes.small_calls;
        let repeat = |f: &dyn Fn() -> u64| (0..calls).fold(0, |acc, _| acc ^ f());
        rows.push(Row {
            name: "small",
            serial: best_of(runs, || {
                repeat(&|| small_serial(&small_input, small_rounds))
            }),
            rayon: best_of(runs, || repeat(&|| small_rayon(&small_input, small_rounds))),
            par_for: best_of(runs, || {
                repeat(&|| small_par_for(&small_input, small_rounds))
            }),
        });
    }
    if wanted("medium") {
        let input: Vec<u64> = (0..1000).collect();
        let medium_rounds = (rounds / 4).max(1);
        assert_eq!(
            medium_par_for(&input, medium_rounds),
            small_serial(&input, medium_rounds)
        );
        let calls = (sizes.small_calls / 10).max(1);
        let repeat = |f: &dyn Fn() -> u64| (0..calls).fold(0, |acc, _| acc ^ f());
        rows.push(Row {
            name: "medium",
            serial: best_of(runs, || repeat(&|| small_serial(&input, medium_rounds))),
            rayon: best_of(runs, || repeat(&|| small_rayon(&input, medium_rounds))),
            par_for: best_of(runs, || repeat(&|| medium_par_for(&input, medium_rounds))),
        });
    }
    if wanted("stream") {
        assert_eq!(
            stream_par_for(sizes.stream, rounds),
            stream_serial(sizes.stream, rounds)
        );
        rows.push(Row {
            name: "stream",
            serial: best_of(runs, || stream_serial(sizes.stream, rounds)),
            rayon: best_of(runs, || stream_rayon(sizes.stream, rounds)),
            par_for: best_of(runs, || stream_par_for(sizes.stream, rounds)),
        });
    }
    rows
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

fn child(threads: usize, quick: bool) {
    let sizes = Sizes::new(quick);
    let rounds = calibrate_rounds_per_microsecond();
    assert_eq!(par_for::current_threads(), threads);
    for row in measure(&sizes, rounds) {
        let vs_rayon = row.par_for.as_secs_f64() / row.rayon.as_secs_f64();
        let vs_serial = row.par_for.as_secs_f64() / row.serial.as_secs_f64();
        println!(
            "| {threads} | {} | {} | {} | {} | {:.3} | {:.3} | {:.2}x |",
            row.name,
            ms(row.serial),
            ms(row.rayon),
            ms(row.par_for),
            vs_rayon,
            vs_serial,
            row.serial.as_secs_f64() / row.par_for.as_secs_f64(),
        );
    }
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
        "logical CPUs: {cpus}, physical cores: {}, sizes: {}",
        par_for::physical_cpu_count(),
        if quick { "quick" } else { "full" }
    );
    println!("| threads | workload | serial ms | rayon ms | par_for ms | par_for/rayon | par_for/serial | speedup |");
    println!("|---|---|---|---|---|---|---|---|");
    for threads in counts {
        par_for_bench::run_child(threads, quick);
    }
}
