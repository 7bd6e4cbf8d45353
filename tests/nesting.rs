//! Annotated loops nested in annotated loops, and loops inside `threads = N` pools,
//! finish (no deadlock) and give the serial result, also with tiny pools.

use std::sync::atomic::{AtomicU64, Ordering};

use par_for::par_for;

#[par_for]
fn nested_four_deep(n: u64, threads: usize) -> u64 {
    let total = AtomicU64::new(0);
    #[par_for(threads = threads)]
    for a in 0..n {
        #[par_for(threads = 2)]
        for b in 0..n {
            #[par_for]
            for c in 0..n {
                // Heavy enough that every level really goes to its pool.
                std::thread::sleep(std::time::Duration::from_micros(100));
                #[par_for(threads = 1)]
                for d in 0..n {
                    total.fetch_add(a * 1000 + b * 100 + c * 10 + d, Ordering::Relaxed);
                }
            }
        }
    }
    total.into_inner()
}

#[test]
fn deep_nesting_across_small_pools_finishes_with_the_serial_sum() {
    let n = 6;
    let serial: u64 = (0..n)
        .flat_map(|a| {
            (0..n).flat_map(move |b| {
                (0..n).flat_map(move |c| (0..n).map(move |d| a * 1000 + b * 100 + c * 10 + d))
            })
        })
        .sum();
    for threads in [1, 2, 3] {
        assert_eq!(nested_four_deep(n, threads), serial);
        assert_eq!(
            par_for::with_threads(2, || nested_four_deep(n, threads)),
            serial
        );
    }
}

#[par_for]
fn streams_inside_loops(n: u64) -> u64 {
    let total = AtomicU64::new(0);
    #[par_for(threads = 2)]
    for a in 0..n {
        let mut sum = 0;
        #[par_for(stream, window = 2)]
        for x in (0..n).map(|b| {
            std::thread::sleep(std::time::Duration::from_micros(50));
            a * b
        }) {
            sum += x;
        }
        total.fetch_add(sum, Ordering::Relaxed);
    }
    total.into_inner()
}

#[test]
fn streams_nested_in_a_two_thread_pool_finish() {
    let n = 20;
    let serial: u64 = (0..n).map(|a| (0..n).map(|b| a * b).sum::<u64>()).sum();
    assert_eq!(streams_inside_loops(n), serial);
}

#[par_for]
fn pipeline_in_loop(n: u64) -> u64 {
    let total = AtomicU64::new(0);
    #[par_for(threads = 3)]
    for a in 0..n {
        #[par_for(threads = 2)]
        let row: u64 = (0..n)
            .inspect(|_| std::thread::sleep(std::time::Duration::from_micros(20)))
            .map(|b| a + b)
            .sum();
        total.fetch_add(row, Ordering::Relaxed);
    }
    total.into_inner()
}

#[test]
fn pipelines_in_loops_on_other_pools_finish() {
    let n = 40;
    let serial: u64 = (0..n).map(|a| (0..n).map(|b| a + b).sum::<u64>()).sum();
    assert_eq!(pipeline_in_loop(n), serial);
}
