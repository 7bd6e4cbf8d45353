//! Streaming keeps memory flat: `par_for::stream` over 10^6 and 10^7 lazily generated
//! items of about 1 µs of CPU work each, with the peak resident memory of each run and
//! its throughput next to rayon's `par_bridge` on the same work.
//!
//! ```text
//! cargo run --release -p par-for-bench --bin stream_memory            # 10^6 and 10^7 items
//! cargo run --release -p par-for-bench --bin stream_memory -- --quick  # 10^4 and 10^5 items
//! ```
//!
//! Each configuration runs in a fresh child process (this program re-executed with
//! `--child`), so that each peak (`VmHWM` in `/proc/self/status`, Linux only) belongs to
//! that run alone.

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use rayon::iter::{ParallelBridge, ParallelIterator};

/// About `rounds` steps of a 64-bit mixer: CPU work that the compiler cannot skip.
fn work(x: u64, rounds: u32) -> u64 {
    let mut h = black_box(x);
    for _ in 0..rounds {
        h = h
            .wrapping_mul(0x5851_F42D_4C95_7F2D)
            .wrapping_add(0x1405_7B7E_F767_814F);
        h ^= h >> 29;
    }
    h
}

/// The number of rounds that makes one call of `work` take about 1 µs here.
fn calibrate() -> u32 {
    let probe = 10_000;
    let mut rounds = 64;
    loop {
        let start = Instant::now();
        let sum = (0..probe).fold(0u64, |acc, x| acc.wrapping_add(work(x, rounds)));
        black_box(sum);
        let per_call = start.elapsed() / probe as u32;
        if per_call >= Duration::from_micros(1) || rounds >= 1 << 20 {
            let scale = 1_000.0 / per_call.as_nanos().max(1) as f64;
            return ((f64::from(rounds) * scale).round() as u32).max(1);
        }
        rounds *= 2;
    }
}

/// Peak resident memory of this process, in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The window of the wide-window run: room for ~1 ms of work per thread.
const WIDE_WINDOW: usize = 1024;

/// The same sum with the macro's loop, `#[par_for(stream)]`, over a `Send` source,
/// which the pool's threads pull (default window).
#[par_for::par_for]
fn stream_loop(source: impl Iterator<Item = u64> + Send, rounds: u32) -> u64 {
    let mut sum = 0u64;
    #[par_for(stream)]
    for r in source.map(|x| work(x, rounds)) {
        sum = sum.wrapping_add(r);
    }
    sum
}

/// The same loop over a source not known to be `Send`, which the calling thread pulls
/// and hands over (default window, which grows for cheap tasks).
#[par_for::par_for]
fn stream_loop_fed(source: impl Iterator<Item = u64>, rounds: u32) -> u64 {
    let mut sum = 0u64;
    #[par_for(stream)]
    for r in source.map(|x| work(x, rounds)) {
        sum = sum.wrapping_add(r);
    }
    sum
}

/// One measured run, in a child process: prints `seconds sum peak_kib`.
fn child(kind: &str, n: u64, rounds: u32) {
    let start = Instant::now();
    // A lazy source: nothing is materialised, items are made as they are pulled.
    let source = (0..n).map(move |i| i ^ 0x2545_F491);
    let sum = match kind {
        "stream" => par_for::stream(source, move |x| work(x, rounds)).fold(0u64, u64::wrapping_add),
        "stream-wide" => par_for::stream(source, move |x| work(x, rounds))
            .window(WIDE_WINDOW)
            .fold(0u64, u64::wrapping_add),
        "loop" => stream_loop(source, rounds),
        "loop-fed" => stream_loop_fed(source, rounds),
        "bridge" => source
            .par_bridge()
            .map(move |x| work(x, rounds))
            .reduce(|| 0, u64::wrapping_add),
        "serial" => source
            .map(|x| work(x, rounds))
            .fold(0u64, u64::wrapping_add),
        other => panic!("unknown run {other:?}"),
    };
    let seconds = start.elapsed().as_secs_f64();
    println!("{seconds} {sum} {}", peak_rss_kib().unwrap_or(0));
}

struct Run {
    seconds: f64,
    sum: u64,
    peak_kib: u64,
}

fn measure(kind: &str, n: u64, rounds: u32) -> Run {
    let exe = std::env::current_exe().expect("the path of this example");
    let output = Command::new(exe)
        .args(["--child", kind, &n.to_string(), &rounds.to_string()])
        .output()
        .expect("re-executing this example");
    assert!(
        output.status.success(),
        "the {kind} run of {n} items failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = text.split_whitespace().collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or_default();
    Run {
        seconds: field(0).parse().unwrap_or(f64::NAN),
        sum: field(1).parse().unwrap_or(0),
        peak_kib: field(2).parse().unwrap_or(0),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let n = args[2].parse().expect("a number of items");
        let rounds = args[3].parse().expect("a number of rounds");
        child(&args[1], n, rounds);
        return;
    }
    let quick = args.iter().any(|arg| arg == "--quick");
    let sizes: &[u64] = if quick {
        &[10_000, 100_000]
    } else {
        &[1_000_000, 10_000_000]
    };
    let rounds = calibrate();
    let threads = par_for::current_threads();
    println!("{threads} threads; work: {rounds} mixer rounds, about 1 us per item");
    if cfg!(debug_assertions) {
        println!("(a debug build: use --release for meaningful numbers)");
    }
    println!();
    println!(
        "{:>10}  {:<28} {:>12} {:>9} {:>11} {:>14}",
        "items", "run", "peak RSS", "time", "items/s", "vs par_bridge"
    );
    println!("{}", "-".repeat(89));
    let default_window = format!("par_for::stream, window {}", 64 * threads);
    let wide_window = format!("par_for::stream, window {WIDE_WINDOW}");
    let runs = [
        ("stream", default_window.as_str()),
        ("stream-wide", wide_window.as_str()),
        ("loop", "#[par_for(stream)], Send"),
        ("loop-fed", "#[par_for(stream)], not Send"),
        ("bridge", "par_bridge().map().sum()"),
    ];
    for &n in sizes {
        let measured: Vec<Run> = runs
            .iter()
            .map(|(kind, _)| measure(kind, n, rounds))
            .collect();
        let bridge = measured.last().expect("the par_bridge run");
        for ((_, name), run) in runs.iter().zip(&measured) {
            assert_eq!(run.sum, bridge.sum, "every run computes the same sum");
            println!(
                "{:>10}  {:<28} {:>8.2} MiB {:>7.3} s {:>11.3e} {:>13.2}x",
                n,
                name,
                run.peak_kib as f64 / 1024.0,
                run.seconds,
                n as f64 / run.seconds,
                bridge.seconds / run.seconds,
            );
        }
    }
    println!();
    println!("peak RSS: VmHWM of a fresh process per run; vs par_bridge: throughput ratio.");
}
