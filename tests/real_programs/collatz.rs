//! Rosetta Code / Project Euler 14: the longest Collatz chain below a limit.
//!
//! The loop that pushes to a `Mutex` until a `break` is compared as the rules say: every
//! iteration before the break ran, and only iterations after it may have pushed too.
use par_for::par_for;

fn chain_len(mut n: u64) -> u32 {
    let mut len = 1;
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        len += 1;
    }
    len
}

/// Pipelines: max_by_key keeps the LAST maximum (std), min_by_key the FIRST.
#[par_for]
fn longest_pipeline(limit: u64) -> (Option<(u64, u32)>, Option<(u64, u32)>, Option<u64>, u64) {
    #[par_for]
    let best = (1..limit)
        .map(|n| (n, chain_len(n)))
        .max_by_key(|&(_, l)| l);
    #[par_for]
    let shortest_over_one = (2..limit)
        .map(|n| (n, chain_len(n)))
        .min_by_key(|&(_, l)| l % 7);
    #[par_for]
    let first_100 = (1..limit).find(|&n| chain_len(n) > 100);
    #[par_for]
    let total_steps: u64 = (1..limit).map(|n| chain_len(n) as u64).sum();
    (best, shortest_over_one, first_100, total_steps)
}

fn longest_pipeline_serial(
    limit: u64,
) -> (Option<(u64, u32)>, Option<(u64, u32)>, Option<u64>, u64) {
    let best = (1..limit)
        .map(|n| (n, chain_len(n)))
        .max_by_key(|&(_, l)| l);
    let shortest_over_one = (2..limit)
        .map(|n| (n, chain_len(n)))
        .min_by_key(|&(_, l)| l % 7);
    let first_100 = (1..limit).find(|&n| chain_len(n) > 100);
    let total_steps: u64 = (1..limit).map(|n| chain_len(n) as u64).sum();
    (best, shortest_over_one, first_100, total_steps)
}

/// The loop as usually written: a max over a (len, start) pair (ties -> larger start).
#[par_for]
fn longest_loop(limit: u64) -> (u32, u64) {
    let mut best = (0u32, 0u64);
    #[par_for(reduce(best: max = (0, 0)))]
    for n in 1..limit {
        best = best.max((chain_len(n), n));
    }
    best
}

fn longest_loop_serial(limit: u64) -> (u32, u64) {
    let mut best = (0u32, 0u64);
    for n in 1..limit {
        best = best.max((chain_len(n), n));
    }
    best
}

/// First start whose chain is longer than `len`, with `return` from a loop over a step_by range.
#[par_for]
fn first_longer(limit: u64, len: u32) -> Option<u64> {
    #[par_for]
    for n in (1..limit).step_by(2) {
        if chain_len(n) > len {
            return Some(n);
        }
    }
    None
}

fn first_longer_serial(limit: u64, len: u32) -> Option<u64> {
    for n in (1..limit).step_by(2) {
        if chain_len(n) > len {
            return Some(n);
        }
    }
    None
}

/// break keeps its serial meaning: iterate in reverse, stop at the first big one.
#[par_for]
fn count_until_big(limit: u64) -> Vec<u64> {
    let seen = std::sync::Mutex::new(Vec::new());
    #[par_for]
    for n in (1..limit).rev() {
        if chain_len(n) > 150 {
            break;
        }
        seen.lock().unwrap().push(n);
    }
    let mut v = seen.into_inner().unwrap();
    v.sort();
    v
}

fn count_until_big_serial(limit: u64) -> Vec<u64> {
    let mut seen = Vec::new();
    for n in (1..limit).rev() {
        if chain_len(n) > 150 {
            break;
        }
        seen.push(n);
    }
    seen.sort();
    seen
}

#[test]
fn collatz_matches_serial() {
    for limit in [2, 10, 1000, 30_000] {
        assert_eq!(
            longest_pipeline(limit),
            longest_pipeline_serial(limit),
            "limit {limit}"
        );
        assert_eq!(longest_loop(limit), longest_loop_serial(limit));
        assert_eq!(first_longer(limit, 120), first_longer_serial(limit, 120));
        // Every iteration before the `break` ran; later ones (smaller `n`, the loop runs
        // down) may have run before it was known, and pushed too (`docs/rules.md`).
        let (parallel, serial) = (count_until_big(limit), count_until_big_serial(limit));
        let lowest = serial.first().copied().unwrap_or(limit);
        assert!(serial.iter().all(|n| parallel.contains(n)), "limit {limit}");
        assert!(
            parallel.iter().all(|n| serial.contains(n) || *n < lowest),
            "limit {limit}: only iterations after the break may add"
        );
    }
}
