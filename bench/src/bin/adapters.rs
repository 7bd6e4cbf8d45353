//! Adapter chains over a slice in a `#[par_for]` loop against rayon's native chain and
//! the serial loop, same run: `.iter().copied().enumerate()`, `.iter().map(f)`,
//! `.windows(2)`, and a zip of a slice with a serial iterator (which par-for splits,
//! reading the serial side ahead, where rayon needs `par_bridge` on the zip), and a
//! serial iterator that is not `Send` (which par-for pulls on the calling thread; rayon
//! cannot run it, so its column is `par_bridge` over the same iterator made `Send`).
//!
//! ```text
//! cargo run --release -p par-for-bench --bin adapters            # 4M items, best of 7
//! cargo run --release -p par-for-bench --bin adapters -- --quick # 20k items, best of 2
//! cargo run --release -p par-for-bench --bin adapters -- windows # rows naming `windows`
//! ```
//!
//! Each body does `work(.., rounds)` on its item and hands the result to `black_box`;
//! rows are a cheap body (a few nanoseconds), one of about 0.1 µs and one of about 1 µs
//! (over a tenth of the items).

use std::hint::black_box;
use std::time::{Duration, Instant};

use par_for::par_for;
use par_for_bench::{calibrate_rounds_per_microsecond, work};
use rayon::prelude::*;

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

// ---- `.iter().copied().enumerate()` ----

fn copied_enumerate_serial(data: &[u64], rounds: u32) {
    for (i, x) in data.iter().copied().enumerate() {
        black_box(work(x ^ i as u64, rounds));
    }
}

fn copied_enumerate_rayon(data: &[u64], rounds: u32) {
    data.par_iter().copied().enumerate().for_each(|(i, x)| {
        black_box(work(x ^ i as u64, rounds));
    });
}

#[par_for]
fn copied_enumerate_par_for(data: &[u64], rounds: u32) {
    #[par_for]
    for (i, x) in data.iter().copied().enumerate() {
        black_box(work(x ^ i as u64, rounds));
    }
}

// ---- `.iter().map(f)` ----

fn map_serial(data: &[u64], rounds: u32) {
    for y in data.iter().map(|x| x.rotate_left(7)) {
        black_box(work(y, rounds));
    }
}

fn map_rayon(data: &[u64], rounds: u32) {
    data.par_iter().map(|x| x.rotate_left(7)).for_each(|y| {
        black_box(work(y, rounds));
    });
}

#[par_for]
fn map_par_for(data: &[u64], rounds: u32) {
    #[par_for]
    for y in data.iter().map(|x| x.rotate_left(7)) {
        black_box(work(y, rounds));
    }
}

// ---- `.windows(2)` ----

fn windows_serial(data: &[u64], rounds: u32) {
    for w in data.windows(2) {
        black_box(work(w[0] ^ w[1], rounds));
    }
}

fn windows_rayon(data: &[u64], rounds: u32) {
    data.par_windows(2).for_each(|w| {
        black_box(work(w[0] ^ w[1], rounds));
    });
}

#[par_for]
fn windows_par_for(data: &[u64], rounds: u32) {
    #[par_for]
    for w in data.windows(2) {
        black_box(work(w[0] ^ w[1], rounds));
    }
}

// ---- a slice zipped with a serial iterator ----

fn zip_serial(data: &[u64], rounds: u32) {
    for (x, y) in data.iter().zip(Lcg(1)) {
        black_box(work(x ^ y, rounds));
    }
}

fn zip_rayon(data: &[u64], rounds: u32) {
    data.iter().zip(Lcg(1)).par_bridge().for_each(|(x, y)| {
        black_box(work(x ^ y, rounds));
    });
}

#[par_for]
fn zip_par_for(data: &[u64], rounds: u32) {
    #[par_for]
    for (x, y) in data.iter().zip(Lcg(1)) {
        black_box(work(x ^ y, rounds));
    }
}

// ---- a serial iterator that is not `Send` ----

fn not_send_serial(data: &[u64], rounds: u32) {
    for y in RcLcg::new().take(data.len()) {
        black_box(work(y, rounds));
    }
}

/// rayon cannot run an iterator that is not `Send`: `par_bridge` over its `Send` twin.
fn not_send_rayon(data: &[u64], rounds: u32) {
    Lcg(1).take(data.len()).par_bridge().for_each(|y| {
        black_box(work(y, rounds));
    });
}

#[par_for]
fn not_send_par_for(data: &[u64], rounds: u32) {
    #[par_for]
    for y in RcLcg::new().take(data.len()) {
        black_box(work(y, rounds));
    }
}

/// [`Lcg`] with its state behind an `Rc`, so that it is not `Send`: the loop pulls it
/// on the calling thread.
struct RcLcg(std::rc::Rc<std::cell::Cell<u64>>);

impl RcLcg {
    fn new() -> RcLcg {
        RcLcg(std::rc::Rc::new(std::cell::Cell::new(1)))
    }
}

impl Iterator for RcLcg {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        let mut lcg = Lcg(self.0.get());
        let next = lcg.next();
        self.0.set(lcg.0);
        next
    }
}

/// An endless serial iterator rayon cannot split.
struct Lcg(u64);

impl Iterator for Lcg {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1);
        Some(self.0 >> 11)
    }
}

type Variant = fn(&[u64], u32);

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let (n, runs) = if quick { (20_000, 2) } else { (4_000_000, 7) };
    let per_us = calibrate_rounds_per_microsecond();
    // (name, rounds of `work`, share of the items): a 1 µs body over a tenth of them.
    let bodies = [
        ("cheap", 2, 1),
        ("0.1 µs", (per_us / 10).max(1), 1),
        ("1 µs", per_us.max(1), 10),
    ];
    let data: Vec<u64> = (0..n as u64).map(|i| i.wrapping_mul(2654435761)).collect();
    let rows: [(&str, [Variant; 3]); 5] = [
        (
            "iter().copied().enumerate()",
            [
                copied_enumerate_serial,
                copied_enumerate_rayon,
                copied_enumerate_par_for,
            ],
        ),
        ("iter().map(f)", [map_serial, map_rayon, map_par_for]),
        (
            "windows(2)",
            [windows_serial, windows_rayon, windows_par_for],
        ),
        (
            "iter().zip(serial iterator)",
            [zip_serial, zip_rayon, zip_par_for],
        ),
        (
            "serial iterator that is not Send",
            [not_send_serial, not_send_rayon, not_send_par_for],
        ),
    ];
    println!(
        "{n} items, {} threads, best of {runs}; rayon's zip row uses par_bridge, and its \
         row of an iterator that is not Send par_bridge over the same iterator made Send",
        rayon::current_num_threads()
    );
    println!(
        "| source | body | items | serial | rayon | #[par_for] | par_for / rayon | serial / par_for |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| name.contains(o.as_str()));
    for (name, [serial, rayon, par_for]) in rows.into_iter().filter(|(name, _)| wanted(name)) {
        for (body, rounds, share) in bodies {
            let data = &data[..data.len() / share];
            // Interleaved, so that a slow moment of the machine hits all three alike.
            let (mut s, mut r, mut p) = (Duration::MAX, Duration::MAX, Duration::MAX);
            for _ in 0..runs {
                s = s.min(best_of(1, || serial(data, rounds)));
                r = r.min(best_of(1, || rayon(data, rounds)));
                p = p.min(best_of(1, || par_for(data, rounds)));
            }
            println!(
                "| `{name}` | {body} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.3} | {:.2}x |",
                data.len(),
                ms(s),
                ms(r),
                ms(p),
                p.as_secs_f64() / r.as_secs_f64(),
                s.as_secs_f64() / p.as_secs_f64(),
            );
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
