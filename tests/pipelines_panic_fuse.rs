//! A panic in a pipeline stops it soon: after it, no task starts another block of items
//! (without that, every other task ran its whole share, each item panicking and printing,
//! for seconds, before the first panic reached the caller).

use std::panic;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use par_for::par_for;

const N: u64 = 1_000_000;

#[par_for]
fn sum_with_panics(calls: &AtomicU64) -> u64 {
    #[par_for]
    let total: u64 = (0..N)
        .map(|x| {
            calls.fetch_add(1, Relaxed);
            if x >= 10 {
                panic!("item {x}");
            }
            x * 2
        })
        .sum();
    total
}

#[test]
fn a_pipeline_whose_items_panic_stops_within_a_block_a_task() {
    // Every item from 10 on panics: keep the test's output to one line a panic.
    panic::set_hook(Box::new(|_| {}));
    let runs: Vec<(bool, u64)> = (0..3)
        .map(|_| {
            let calls = AtomicU64::new(0);
            let result = panic::catch_unwind(|| sum_with_panics(&calls));
            (result.is_err(), calls.into_inner())
        })
        .collect();
    let _ = panic::take_hook();
    for (call, (panicked, calls)) in runs.into_iter().enumerate() {
        assert!(panicked, "call {call}: the panic reaches the caller");
        assert!(
            calls < 20_000,
            "call {call}: {calls} items ran after a panic"
        );
    }
}
