//! Which threads take part in a small loop, call by call (issue 9): the per-call time
//! of `#[par_for]`'s `reduce(total: +)` loop over 1000 items, back to back, with the
//! share of calls each thread took part in, so that a team whose workers miss loops
//! (asleep, or not given a CPU) shows itself even when the medians look plausible.
//!
//! ```text
//! PAR_FOR_THREADS=16 cargo run --release -p par-for-bench --bin team_probe            # medium and small
//! PAR_FOR_THREADS=16 cargo run --release -p par-for-bench --bin team_probe -- --rounds 23
//! PAR_FOR_THREADS=16 cargo run --release -p par-for-bench --bin team_probe -- --between omp
//! cargo run --release -p par-for-bench --bin team_probe -- --quick
//! ```
//!
//! `--rounds R` sets the work per item (`mix(i, R)`; 180 is about the "medium" loop of
//! `small_loops`, 23 the "small" one, on the development machine); `--between NAME`
//! runs 100 calls of another pool's loop (`chili`, `omp`, `rayon`, `paralight`)
//! before every 100 calls of ours, as `small_loops` takes turns. One line per run: the
//! serial median, ours at the 10th, 50th, 90th and 99th percentiles, how many threads
//! outside rayon's pool (the calling thread and the team's) ran items of a call, and
//! how many calls ran on rayon's pool.

use std::cell::Cell;
use std::num::NonZero;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use par_for::par_for;
use par_for_bench::small::{self, mix};
use paralight::threads::{CpuPinningPolicy, RangeStrategy, ThreadCount, ThreadPoolBuilder};

/// Bits of the threads outside rayon's pool, and of rayon's, that ran items of a call.
static OFF_POOL: AtomicU64 = AtomicU64::new(0);
static ON_POOL: AtomicU64 = AtomicU64::new(0);
static NEXT_THREAD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static ME: usize = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
    static LAST_CALL: Cell<u64> = const { Cell::new(u64::MAX) };
}

/// Marks this thread as taking part in `call`, once per call and thread.
fn take_part(call: u64) {
    LAST_CALL.with(|last| {
        if last.get() != call {
            last.set(call);
            let bits = if rayon::current_thread_index().is_some() {
                &ON_POOL
            } else {
                &OFF_POOL
            };
            ME.with(|me| bits.fetch_or(1 << (*me % 64), Ordering::Relaxed));
        }
    });
}

#[par_for]
fn probed(n: u64, rounds: u32, call: u64) -> u64 {
    let mut total = 0u64;
    #[par_for(reduce(total: +))]
    for i in 0..n {
        take_part(call);
        total += mix(i, rounds) >> 24;
    }
    total
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    values[((values.len() - 1) as f64 * p) as usize]
}

fn micros_of(f: impl FnOnce() -> u64) -> (f64, u64) {
    let start = Instant::now();
    let value = f();
    (start.elapsed().as_secs_f64() * 1e6, value)
}

fn probe(rounds: u32, between: &str, calls: u64) {
    let threads = rayon::current_num_threads();
    let chili = chili::ThreadPool::with_config(chili::Config {
        thread_count: NonZero::new(threads),
        ..Default::default()
    });
    let mut paralight = ThreadPoolBuilder {
        num_threads: ThreadCount::Count(NonZero::new(threads).expect("threads")),
        range_strategy: RangeStrategy::Fixed,
        cpu_pinning: CpuPinningPolicy::No,
    }
    .build();
    let mut other = |rounds| match between {
        "chili" => small::chili(&chili, 1000, rounds),
        "omp" => par_for_bench::omp::small(1000, rounds).unwrap_or(0),
        "rayon" => small::rayon(1000, rounds),
        "paralight" => small::paralight(&mut paralight, 1000, rounds),
        _ => 0,
    };
    let expected = small::serial(1000, rounds);
    let mut serial: Vec<f64> = (0..calls / 10)
        .map(|_| micros_of(|| small::serial(1000, rounds)).0)
        .collect();
    let (mut times, mut taking_part) = (Vec::new(), Vec::new());
    let mut on_pool = 0;
    for call in 0..calls {
        if call % 100 == 0 {
            for _ in 0..100 {
                std::hint::black_box(other(rounds));
            }
        }
        OFF_POOL.store(0, Ordering::Relaxed);
        ON_POOL.store(0, Ordering::Relaxed);
        let (micros, total) = micros_of(|| probed(1000, rounds, call));
        assert_eq!(total, expected, "the loop differs from serial");
        times.push(micros);
        taking_part.push(f64::from(OFF_POOL.load(Ordering::Relaxed).count_ones()));
        on_pool += usize::from(ON_POOL.load(Ordering::Relaxed) != 0);
    }
    let serial = percentile(&mut serial, 0.5);
    let median = percentile(&mut times, 0.5);
    println!(
        "threads {threads}, rounds {rounds}, between {between:?}: serial {serial:.1} µs; \
         par_for p10 {:.1} p50 {median:.1} p90 {:.1} p99 {:.1} µs ({:.2}x); \
         threads taking part p10 {} p50 {} mean {:.1}; calls on rayon's pool {on_pool}",
        percentile(&mut times, 0.1),
        percentile(&mut times, 0.9),
        percentile(&mut times, 0.99),
        serial / median,
        percentile(&mut taking_part, 0.1),
        percentile(&mut taking_part, 0.5),
        taking_part.iter().sum::<f64>() / taking_part.len() as f64,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value_of = |flag: &str| {
        let at = args.iter().position(|a| a == flag)?;
        args.get(at + 1).cloned()
    };
    let quick = args.iter().any(|a| a == "--quick");
    let calls = if quick { 200 } else { 3000 };
    let between = value_of("--between").unwrap_or_else(|| "none".into());
    match value_of("--rounds") {
        Some(rounds) => probe(rounds.parse().expect("--rounds R"), &between, calls),
        None => {
            for rounds in [180, 23] {
                probe(rounds, &between, calls);
            }
        }
    }
}
