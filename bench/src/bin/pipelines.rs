//! Form 2 pipelines against serial code and hand-written rayon, in the same run:
//!
//! - **words**: a pipeline over `text.split(' ')`, a source rayon cannot split, which
//!   par-for reads in batches: each word gets about half a microsecond of work, then
//!   the results are summed, or collected in order. Against the serial pipeline, rayon's
//!   `par_split(' ')` (which splits the text itself) and `split(' ').par_bridge()`.
//! - **words, source not `Send`**: the same sum with the words read through an
//!   iterator holding an `Rc`, which par-for reads on the calling thread; against the
//!   serial pipeline and `par_bridge` over the plain (`Send`) words.
//! - **small**: a 1000-item `.sum()` of about 50 µs, called again and again with as
//!   much serial work between the calls, against the same serial code: the pipeline's
//!   site must keep it near serial when the pool does not pay.
//!
//! ```text
//! cargo run --release -p par-for-bench --bin pipelines
//! cargo run --release -p par-for-bench --bin pipelines -- --quick
//! ```

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use par_for::par_for;
use rayon::prelude::*;

use par_for_bench::{calibrate_rounds_per_microsecond, work};

fn word_work(word: &str, rounds: u32) -> u64 {
    let mut hasher = DefaultHasher::new();
    word.hash(&mut hasher);
    work(hasher.finish(), rounds) & 0xffff
}

fn words_sum_serial(text: &str, rounds: u32) -> u64 {
    text.split(' ').map(|w| word_work(w, rounds)).sum()
}

fn words_sum_par_split(text: &str, rounds: u32) -> u64 {
    text.par_split(' ').map(|w| word_work(w, rounds)).sum()
}

fn words_sum_par_bridge(text: &str, rounds: u32) -> u64 {
    text.split(' ')
        .par_bridge()
        .map(|w| word_work(w, rounds))
        .sum()
}

#[par_for]
fn words_sum_par_for(text: &str, rounds: u32) -> u64 {
    #[par_for]
    let total: u64 = text.split(' ').map(|w| word_work(w, rounds)).sum();
    total
}

/// The words through an iterator holding an `Rc`, so that it cannot be sent to the
/// pool's threads: the calling thread reads the batches.
struct NotSend<I> {
    inner: I,
    _rc: std::rc::Rc<()>,
}

impl<I: Iterator> Iterator for NotSend<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        self.inner.next()
    }
}

fn not_send<I>(inner: I) -> NotSend<I> {
    NotSend {
        inner,
        _rc: std::rc::Rc::new(()),
    }
}

fn words_sum_not_send_serial(text: &str, rounds: u32) -> u64 {
    not_send(text.split(' '))
        .map(|w| word_work(w, rounds))
        .sum()
}

#[par_for]
fn words_sum_not_send_par_for(text: &str, rounds: u32) -> u64 {
    #[par_for]
    let total: u64 = not_send(text.split(' '))
        .map(|w| word_work(w, rounds))
        .sum();
    total
}

fn words_collect_serial(text: &str, rounds: u32) -> Vec<u64> {
    text.split(' ').map(|w| word_work(w, rounds)).collect()
}

fn words_collect_par_split(text: &str, rounds: u32) -> Vec<u64> {
    text.par_split(' ').map(|w| word_work(w, rounds)).collect()
}

#[par_for]
fn words_collect_par_for(text: &str, rounds: u32) -> Vec<u64> {
    #[par_for]
    let out: Vec<u64> = text.split(' ').map(|w| word_work(w, rounds)).collect();
    out
}

fn small_sum_serial(input: &[u64], rounds: u32) -> u64 {
    input.iter().map(|&x| work(x, rounds) & 0xffff).sum()
}

fn small_sum_rayon(input: &[u64], rounds: u32) -> u64 {
    input.par_iter().map(|&x| work(x, rounds) & 0xffff).sum()
}

#[par_for]
fn small_sum_par_for(input: &[u64], rounds: u32) -> u64 {
    #[par_for]
    let total: u64 = input.iter().map(|&x| work(x, rounds) & 0xffff).sum();
    total
}

/// The median of `reps` timings of `run`, after one run to warm up.
fn median_time<R>(reps: usize, mut run: impl FnMut() -> R) -> Duration {
    std::hint::black_box(run());
    let mut times: Vec<Duration> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(run());
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    times[reps / 2]
}

fn row(name: &str, time: Duration, serial: Duration, rayon: Option<Duration>) {
    let vs_rayon = rayon.map_or_else(
        || "-".to_string(),
        |r| format!("{:.2}x", r.as_secs_f64() / time.as_secs_f64()),
    );
    println!(
        "| {name:<36} | {:>10.3} | {:>6.2}x | {:>8} |",
        time.as_secs_f64() * 1e3,
        serial.as_secs_f64() / time.as_secs_f64(),
        vs_rayon,
    );
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let per_micro = calibrate_rounds_per_microsecond();
    let (words, reps, calls) = if quick {
        (20_000, 5, 2_000)
    } else {
        (200_000, 15, 20_000)
    };
    println!(
        "threads: {}, words: {words}, small calls: {calls}",
        par_for::current_threads()
    );
    println!(
        "| {:<36} | {:>10} | {:>7} | {:>8} |",
        "pipeline", "ms", "speedup", "vs rayon"
    );
    println!("|{:-<38}|{:-<12}|{:-<9}|{:-<10}|", "", "", "", "");

    // Half a microsecond of work per word.
    let rounds = (per_micro / 2).max(1);
    let text: String = (0..words)
        .map(|i| format!("w{}", i * 7919 % 100_003))
        .collect::<Vec<_>>()
        .join(" ");
    let expected = words_sum_serial(&text, rounds);
    assert_eq!(words_sum_par_for(&text, rounds), expected);
    assert_eq!(words_sum_par_split(&text, rounds), expected);
    let serial = median_time(reps, || words_sum_serial(&text, rounds));
    let split = median_time(reps, || words_sum_par_split(&text, rounds));
    let bridge = median_time(reps, || words_sum_par_bridge(&text, rounds));
    let ours = median_time(reps, || words_sum_par_for(&text, rounds));
    let best_rayon = split.min(bridge);
    row("words sum: serial", serial, serial, None);
    row(
        "words sum: rayon par_split",
        split,
        serial,
        Some(best_rayon),
    );
    row(
        "words sum: rayon par_bridge",
        bridge,
        serial,
        Some(best_rayon),
    );
    row(
        "words sum: #[par_for] (batches)",
        ours,
        serial,
        Some(best_rayon),
    );
    assert_eq!(words_sum_not_send_par_for(&text, rounds), expected);
    let serial = median_time(reps, || words_sum_not_send_serial(&text, rounds));
    let bridge = median_time(reps, || words_sum_par_bridge(&text, rounds));
    let ours = median_time(reps, || words_sum_not_send_par_for(&text, rounds));
    row("words sum, source not Send: serial", serial, serial, None);
    row(
        "words sum: rayon par_bridge (Send)",
        bridge,
        serial,
        Some(bridge),
    );
    row(
        "words sum, not Send: #[par_for]",
        ours,
        serial,
        Some(bridge),
    );

    assert_eq!(
        words_collect_par_for(&text, rounds),
        words_collect_serial(&text, rounds)
    );
    let serial = median_time(reps, || words_collect_serial(&text, rounds));
    let split = median_time(reps, || words_collect_par_split(&text, rounds));
    let ours = median_time(reps, || words_collect_par_for(&text, rounds));
    row("words collect: serial", serial, serial, None);
    row("words collect: rayon par_split", split, serial, Some(split));
    row(
        "words collect: #[par_for] (batches)",
        ours,
        serial,
        Some(split),
    );

    // About 50 ns per item: 1000 items take about 50 µs, and as much serial work comes
    // between two calls.
    let rounds = (per_micro / 20).max(1);
    let input: Vec<u64> = (0..1_000).collect();
    let between: Vec<u64> = (1_000..2_000).collect();
    assert_eq!(
        small_sum_par_for(&input, rounds),
        small_sum_serial(&input, rounds)
    );
    let program = |pipeline: &dyn Fn(&[u64], u32) -> u64| {
        let mut acc = 0u64;
        for _ in 0..calls {
            acc = acc.wrapping_add(pipeline(&input, rounds));
            acc = acc.wrapping_add(small_sum_serial(&between, rounds));
        }
        acc
    };
    let serial = median_time(reps.min(5), || program(&small_sum_serial));
    let rayon = median_time(reps.min(5), || program(&small_sum_rayon));
    let ours = median_time(reps.min(5), || program(&small_sum_par_for));
    let per_call = |d: Duration| d / calls as u32;
    println!();
    println!(
        "| {:<36} | {:>10} | {:>9} |",
        "small sum, called again and again", "µs/call", "vs serial"
    );
    println!("|{:-<38}|{:-<12}|{:-<11}|", "", "", "");
    for (name, time) in [
        ("serial (call + serial work)", serial),
        ("rayon, always the pool", rayon),
        ("#[par_for] (call + serial work)", ours),
    ] {
        println!(
            "| {name:<36} | {:>10.1} | {:>6.3}x |",
            per_call(time).as_secs_f64() * 1e6,
            time.as_secs_f64() / serial.as_secs_f64(),
        );
    }
}
