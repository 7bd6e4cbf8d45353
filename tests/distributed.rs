//! `#[par_for(distribute)]` against the serial code, run by `.ci/mpi` under
//! `mpirun -np 1, 2, 4` (built with `--features mpi`), and by `cargo test` as a plain
//! world of one. A test program of its own (`harness = false`): MPI is driven from the
//! main thread, and the runner passes a mode:
//!
//! - no argument: every check; exits non-zero on the first difference;
//! - `--panic`: an iteration on the last rank panics; the job must end, non-zero;
//! - `--diverge`: only rank 0 reaches a distributed loop; the watchdog must stop the job.

use par_for::mpi;
use par_for::par_for;

fn main() {
    let _mpi = mpi::init();
    match std::env::args().nth(1).as_deref() {
        None => checks(),
        Some("--panic") => {
            let n = panic_on_last_rank(100);
            unreachable!("the loop panics, yet gave {n}");
        }
        Some("--diverge") => {
            if mpi::is_root() {
                let n = squares(10).len();
                eprintln!("rank 0 finished a loop the others skipped ({n})");
            }
        }
        // `cargo test` passes its own flags (`--nocapture`, filters): run the checks.
        Some(_) => checks(),
    }
}

fn checks() {
    let expected = std::env::var("PAR_FOR_EXPECT_RANKS")
        .ok()
        .and_then(|n| n.parse().ok());
    if let Some(ranks) = expected {
        check("world size", mpi::size(), ranks);
    }
    check(
        "each rank computes its own block",
        ranks_seen(),
        (0..mpi::size() as u64).collect(),
    );
    pipelines();
    schedules();
    loops();
    check(
        "float sums are the same bits on every rank",
        float_bits_agree(),
        true,
    );
    if mpi::is_root() {
        println!("distributed: all checks passed on {} rank(s)", mpi::size());
    }
}

fn check<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) {
    if got != want {
        eprintln!("rank {}: {what}: got {got:?}, want {want:?}", mpi::rank());
        std::process::exit(1);
    }
}

/// With static blocks over `0..size`, item `r` runs on rank `r`.
#[par_for]
fn ranks_seen() -> Vec<u64> {
    #[par_for(distribute)]
    let ranks: Vec<u64> = (0..mpi::size()).map(|_| mpi::rank() as u64).collect();
    ranks
}

#[par_for]
fn squares(n: u64) -> Vec<u64> {
    #[par_for(distribute)]
    let v: Vec<u64> = (0..n).map(|i| i * i).collect();
    v
}

#[par_for]
fn panic_on_last_rank(n: u64) -> u64 {
    #[par_for(distribute)]
    let total: u64 = (0..n)
        .map(|i| {
            if i == n - 1 {
                panic!("iteration {i} fails")
            } else {
                i
            }
        })
        .sum();
    total
}

/// What follows a consumer is serial code on the pipeline's value, on every rank.
#[par_for]
fn after_the_consumer(data: &[u64]) {
    #[par_for(distribute)]
    let doubled = data.iter().sum::<u64>() * 2;
    check("sum() * 2", doubled, data.iter().sum::<u64>() * 2);
    #[par_for(distribute)]
    let found = data.iter().copied().find(|&x| x > 500).map(|x| x * 10);
    check(
        "find(..).map(..)",
        found,
        data.iter().find(|&&x| x > 500).map(|x| x * 10),
    );
    #[par_for(distribute)]
    let top = data.iter().copied().max().unwrap_or(0) + 1;
    check(
        "max().unwrap_or(0) + 1",
        top,
        data.iter().max().copied().unwrap_or(0) + 1,
    );
    #[par_for(distribute)]
    let any_big = data.iter().position(|&x| x > 2000).is_some();
    check("position(..).is_some()", any_big, false);
    #[par_for(distribute)]
    let evens = data
        .iter()
        .copied()
        .filter(|x| x % 2 == 0)
        .collect::<Vec<_>>()
        .len();
    check(
        "collect().len()",
        evens,
        data.iter().filter(|x| *x % 2 == 0).count(),
    );
    let parsed = || -> Result<usize, String> {
        #[par_for(distribute)]
        let all = data
            .iter()
            .map(|&x| if x < 2000 { Ok(x) } else { Err(format!("{x}")) })
            .collect::<Result<Vec<u64>, String>>()?;
        Ok(all.len())
    };
    check("collect::<Result<..>>()?", parsed(), Ok(data.len()));
}

#[par_for]
fn pipelines() {
    let n = 1000u64;
    let data: Vec<u64> = (0..n).map(|i| (i * 7919) % 1009).collect();

    check("collect", squares(n), (0..n).map(|i| i * i).collect());

    after_the_consumer(&data);

    #[par_for(distribute)]
    let kept: Vec<(usize, u64)> = data
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, x)| x % 3 == 0)
        .collect();
    check(
        "enumerate, filter, collect",
        kept,
        data.iter()
            .copied()
            .enumerate()
            .filter(|(_, x)| x % 3 == 0)
            .collect(),
    );

    #[par_for(distribute)]
    let words: Vec<String> = (0..n)
        .map(|i| format!("w{i}"))
        .filter(|w| w.ends_with('7'))
        .collect();
    check(
        "collect strings (serde)",
        words,
        (0..n)
            .map(|i| format!("w{i}"))
            .filter(|w| w.ends_with('7'))
            .collect(),
    );

    #[par_for(distribute)]
    let joined: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    check(
        "collect into String",
        joined,
        (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect(),
    );

    let parse = |i: u64| {
        if i == 777 || i == 901 {
            Err(format!("bad {i}"))
        } else {
            Ok(i)
        }
    };
    #[par_for(distribute)]
    let parsed: Result<Vec<u64>, String> = (0..n).map(parse).collect();
    check(
        "collect into Result: first error",
        parsed,
        (0..n).map(parse).collect(),
    );

    #[par_for(distribute)]
    let halves: Option<Vec<u64>> = data.iter().map(|&x| (x < 1000).then_some(x / 2)).collect();
    check(
        "collect into Option",
        halves,
        data.iter().map(|&x| (x < 1000).then_some(x / 2)).collect(),
    );

    #[par_for(distribute)]
    let sum: u64 = data.iter().map(|x| x * x).sum();
    check("sum", sum, data.iter().map(|x| x * x).sum());

    #[par_for(distribute)]
    let product: u128 = (1..31u32).map(u128::from).product();
    check("product", product, (1..31u32).map(u128::from).product());

    #[par_for(distribute)]
    let count = data.iter().filter(|&&x| x > 500).count();
    check("count", count, data.iter().filter(|&&x| x > 500).count());

    #[par_for(distribute)]
    let min = data.iter().copied().min();
    #[par_for(distribute)]
    let max = data.iter().copied().max();
    check(
        "min, max",
        (min, max),
        (data.iter().copied().min(), data.iter().copied().max()),
    );

    // Ties: std's `min_by_key` keeps the first, `max_by_key` the last.
    let keyed: Vec<(u64, usize)> = data.iter().enumerate().map(|(i, &x)| (x % 10, i)).collect();
    #[par_for(distribute)]
    let first_min = keyed.iter().copied().min_by_key(|p| p.0);
    #[par_for(distribute)]
    let last_max = keyed.iter().copied().max_by_key(|p| p.0);
    check(
        "min_by_key ties",
        first_min,
        keyed.iter().copied().min_by_key(|p| p.0),
    );
    check(
        "max_by_key ties",
        last_max,
        keyed.iter().copied().max_by_key(|p| p.0),
    );

    #[par_for(distribute)]
    let by = keyed.iter().copied().max_by(|a, b| a.0.cmp(&b.0));
    check(
        "max_by",
        by,
        keyed.iter().copied().max_by(|a, b| a.0.cmp(&b.0)),
    );

    #[par_for(distribute)]
    let found = data.iter().copied().find(|&x| x > 1000 - 10);
    check(
        "find: first in order",
        found,
        data.iter().copied().find(|&x| x > 1000 - 10),
    );

    #[par_for(distribute)]
    let found_map = data.iter().find_map(|&x| (x % 97 == 5).then(|| x * 2));
    check(
        "find_map",
        found_map,
        data.iter().find_map(|&x| (x % 97 == 5).then(|| x * 2)),
    );

    #[par_for(distribute)]
    let position = data.iter().position(|&x| x == 600);
    check(
        "position: global index",
        position,
        data.iter().position(|&x| x == 600),
    );

    #[par_for(distribute)]
    let none = data.iter().position(|&x| x == 5000);
    check("position: none", none, None);

    #[par_for(distribute)]
    let any = data.iter().any(|&x| x > 1007);
    #[par_for(distribute)]
    let all = data.iter().all(|&x| x < 1009);
    check("any, all", (any, all), (true, true));

    #[par_for(distribute)]
    let xor = data.iter().copied().reduce(|a, b| a ^ b);
    check("reduce", xor, data.iter().copied().reduce(|a, b| a ^ b));

    let weights: Vec<u64> = (0..n).rev().collect();
    #[par_for(distribute)]
    let dot: u64 = data.iter().zip(weights.iter()).map(|(a, b)| a * b).sum();
    check(
        "zip",
        dot,
        data.iter().zip(weights.iter()).map(|(a, b)| a * b).sum(),
    );

    #[par_for(distribute)]
    let empty: Vec<u64> = (0..0u64).map(|i| i + 1).collect();
    check("empty source", empty, Vec::new());

    #[par_for(distribute)]
    let short: Vec<u64> = (0..3u64).map(|i| i + 1).collect();
    check("fewer items than ranks", short, vec![1, 2, 3]);
}

#[par_for]
fn schedules() {
    let n = 1001u64;
    #[par_for(distribute, schedule = cyclic)]
    let cyclic: Vec<u64> = (0..n).map(|i| i * 3).filter(|x| x % 2 == 0).collect();
    check(
        "schedule = cyclic",
        cyclic,
        (0..n).map(|i| i * 3).filter(|x| x % 2 == 0).collect(),
    );

    #[par_for(distribute, schedule = chunks(7))]
    let position = (0..n).position(|i| i > 500 && i % 13 == 0);
    check(
        "schedule = chunks(7): position",
        position,
        (0..n).position(|i| i > 500 && i % 13 == 0),
    );

    #[par_for(distribute, schedule = chunks(10))]
    let first_min = (0..n).map(|i| (i % 17, i)).min_by_key(|p| p.0);
    check(
        "schedule = chunks(10): min_by_key",
        first_min,
        (0..n).map(|i| (i % 17, i)).min_by_key(|p| p.0),
    );
}

fn loops() {
    check("for: reduce +, max", reduce_loop(10_000), {
        let (mut total, mut top) = (0u64, 0u64);
        for i in 0..10_000u64 {
            total += i * i % 7;
            top = top.max(i % 1234);
        }
        (total, top)
    });
    check("for: break", break_loop(&[3, 4, 5, 8, 1, 9, 2]), 3 + 4 + 5);
    check(
        "for: continue with a reduction",
        continue_loop(1000),
        (0..1000u64).filter(|i| i % 3 != 0).sum(),
    );
    check("for: return", return_loop(1000), Some(3 * 17 * 19));
    check(
        "for: ?",
        try_loop(&["1", "2", "x", "4", "y"]),
        Err("x".parse::<u64>().unwrap_err().to_string()),
    );
    check("for: ? ok", try_loop(&["1", "2", "3"]), Ok(6));
    check(
        "for: schedule = chunks(3) with break",
        chunked_break(100),
        (0..40u64).sum(),
    );
    check(
        "for: nested distributed loop runs locally",
        nested(20),
        (0..20u64).map(|i| (0..i).sum::<u64>()).sum(),
    );
}

#[par_for]
fn reduce_loop(n: u64) -> (u64, u64) {
    let mut total = 0u64;
    let mut top = 0u64;
    #[par_for(distribute, reduce(total: +, top: max))]
    for i in 0..n {
        total += i * i % 7;
        top = top.max(i % 1234);
    }
    (total, top)
}

#[par_for]
fn continue_loop(n: u64) -> u64 {
    let mut total = 0;
    #[par_for(distribute, reduce(total: +))]
    for i in 0..n {
        if i % 3 == 0 {
            continue;
        }
        total += i;
    }
    total
}

#[par_for]
fn break_loop(items: &[u64]) -> u64 {
    let mut total = 0;
    #[par_for(distribute, reduce(total: +))]
    for &x in items {
        if x > 6 {
            break;
        }
        total += x;
    }
    total
}

#[par_for]
fn return_loop(n: u64) -> Option<u64> {
    #[par_for(distribute)]
    for i in 1..n {
        if i % 17 == 0 && i % 19 == 0 {
            return Some(3 * i);
        }
    }
    None
}

#[par_for]
fn try_loop(items: &[&str]) -> Result<u64, String> {
    let mut total = 0;
    #[par_for(distribute, reduce(total: +))]
    for s in items {
        total += s.parse::<u64>().map_err(|e| e.to_string())?;
    }
    Ok(total)
}

#[par_for]
fn chunked_break(n: u64) -> u64 {
    let mut total = 0;
    #[par_for(distribute, schedule = chunks(3), reduce(total: +))]
    for i in 0..n {
        if i == 40 {
            break;
        }
        total += i;
    }
    total
}

#[par_for]
fn nested(n: u64) -> u64 {
    let mut total = 0;
    #[par_for(distribute, reduce(total: +))]
    for i in 0..n {
        #[par_for(distribute)]
        let inner: u64 = (0..i).sum();
        total += inner;
    }
    total
}

/// Each rank sums 0.1 * i over its block; the gathered partials are folded in rank
/// order everywhere, so every rank holds the same bits.
#[par_for]
fn float_bits_agree() -> bool {
    #[par_for(distribute)]
    let sum: f64 = (0..100_000u64).map(|i| 0.1 * i as f64).sum();
    #[par_for(distribute)]
    let bits: Vec<u64> = (0..mpi::size()).map(|_| sum.to_bits()).collect();
    bits.iter().all(|&b| b == bits[0])
}
