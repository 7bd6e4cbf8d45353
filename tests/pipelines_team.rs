//! Form 2 pipelines on the team: called again and again from outside the pool, a small
//! pipeline over an indexed source takes the team on some calls (its site tries the
//! team three times, then keeps the faster way), and every call gives std's result,
//! for every consumer and adapter, nested in other loops, from several threads at
//! once, with `threads = N`, and when an item panics.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::thread;
use std::time::{Duration, Instant};

use par_for::par_for;

/// Calls per check: the first goes to the pool, the second runs serially, the next
/// three on the team; later ones take the faster way.
const CALLS: u32 = 12;

fn data(call: u32, n: u32) -> Vec<u32> {
    (0..n).map(|i| (i * 7919 + call * 13) % 1009).collect()
}

/// Every consumer std and `#[par_for]` share, over the same items.
type Consumers = (
    (Vec<u32>, Result<Vec<u32>, u32>, Option<Vec<u32>>, u64, u64),
    (usize, Option<u32>, Option<u32>, Option<u32>, Option<u32>),
    (
        Option<u32>,
        Option<u32>,
        Option<u32>,
        Option<u32>,
        Option<usize>,
    ),
    (
        bool,
        bool,
        Option<u32>,
        (Vec<u32>, Vec<u32>),
        (Vec<u32>, Vec<u32>),
    ),
);

#[par_for]
fn consumers(v: &[u32]) -> Consumers {
    #[par_for]
    let collected: Vec<u32> = v.iter().map(|x| x * 2).collect();
    #[par_for]
    let checked: Result<Vec<u32>, u32> = v
        .iter()
        .map(|&x| if x > 1000 { Err(x) } else { Ok(x) })
        .collect();
    #[par_for]
    let optional: Option<Vec<u32>> = v.iter().map(|&x| x.checked_sub(3)).collect();
    #[par_for]
    let sum: u64 = v.iter().map(|&x| u64::from(x)).sum();
    #[par_for]
    let product: u64 = v.iter().map(|&x| u64::from(x % 2) + 1).take(40).product();
    #[par_for]
    let count = v.iter().filter(|x| *x % 3 == 0).count();
    #[par_for]
    let min = v.iter().copied().min();
    #[par_for]
    let max = v.iter().copied().max();
    // Ties: std keeps the first least and the last greatest.
    #[par_for]
    let min_key = v.iter().copied().min_by_key(|x| x % 10);
    #[par_for]
    let max_key = v.iter().copied().max_by_key(|x| x % 10);
    #[par_for]
    let min_by = v.iter().copied().min_by(|a, b| (a % 7).cmp(&(b % 7)));
    #[par_for]
    let max_by = v.iter().copied().max_by(|a, b| (a % 7).cmp(&(b % 7)));
    #[par_for]
    let found = v.iter().copied().find(|x| x % 17 == 5);
    #[par_for]
    let found_map = v.iter().find_map(|&x| (x % 19 == 4).then_some(x * 2));
    #[par_for]
    let position = v.iter().position(|&x| x % 23 == 7);
    #[par_for]
    let any = v.iter().any(|&x| x >= 1008);
    #[par_for]
    let all = v.iter().all(|&x| x < 1000);
    #[par_for]
    let reduced = v.iter().copied().map(|x| x % 97).reduce(|a, b| a.max(b));
    #[par_for]
    let unzipped: (Vec<u32>, Vec<u32>) = v.iter().map(|&x| (x, x + 1)).unzip();
    #[par_for]
    let parted: (Vec<u32>, Vec<u32>) = v.iter().partition(|x| *x % 2 == 0);
    (
        (collected, checked, optional, sum, product),
        (count, min, max, min_key, max_key),
        (min_by, max_by, found, found_map, position),
        (any, all, reduced, unzipped, parted),
    )
}

fn consumers_serial(v: &[u32]) -> Consumers {
    let collected: Vec<u32> = v.iter().map(|x| x * 2).collect();
    let checked: Result<Vec<u32>, u32> = v
        .iter()
        .map(|&x| if x > 1000 { Err(x) } else { Ok(x) })
        .collect();
    let optional: Option<Vec<u32>> = v.iter().map(|&x| x.checked_sub(3)).collect();
    let sum: u64 = v.iter().map(|&x| u64::from(x)).sum();
    let product: u64 = v.iter().map(|&x| u64::from(x % 2) + 1).take(40).product();
    let count = v.iter().filter(|x| *x % 3 == 0).count();
    let min = v.iter().copied().min();
    let max = v.iter().copied().max();
    let min_key = v.iter().copied().min_by_key(|x| x % 10);
    let max_key = v.iter().copied().max_by_key(|x| x % 10);
    let min_by = v.iter().copied().min_by(|a, b| (a % 7).cmp(&(b % 7)));
    let max_by = v.iter().copied().max_by(|a, b| (a % 7).cmp(&(b % 7)));
    let found = v.iter().copied().find(|x| x % 17 == 5);
    let found_map = v.iter().find_map(|&x| (x % 19 == 4).then_some(x * 2));
    let position = v.iter().position(|&x| x % 23 == 7);
    let any = v.iter().any(|&x| x >= 1008);
    let all = v.iter().all(|&x| x < 1000);
    let reduced = v.iter().copied().map(|x| x % 97).reduce(|a, b| a.max(b));
    let unzipped: (Vec<u32>, Vec<u32>) = v.iter().map(|&x| (x, x + 1)).unzip();
    let parted: (Vec<u32>, Vec<u32>) = v.iter().partition(|x| *x % 2 == 0);
    (
        (collected, checked, optional, sum, product),
        (count, min, max, min_key, max_key),
        (min_by, max_by, found, found_map, position),
        (any, all, reduced, unzipped, parted),
    )
}

#[test]
fn every_consumer_gives_stds_result_on_every_way() {
    for call in 0..CALLS {
        for n in [0, 1, 5, 300, 2000] {
            let v = data(call, n);
            assert_eq!(
                consumers(&v),
                consumers_serial(&v),
                "call {call}, {n} items"
            );
        }
    }
}

#[test]
#[par_for]
fn the_first_error_and_the_first_none_are_the_serial_ones() {
    for call in 0..CALLS {
        let v = data(call, 3000);
        let serial: Result<Vec<u32>, u32> = v
            .iter()
            .map(|&x| if x > 990 { Err(x) } else { Ok(x) })
            .collect();
        assert!(serial.is_err());
        #[par_for]
        let checked: Result<Vec<u32>, u32> = v
            .iter()
            .map(|&x| if x > 990 { Err(x) } else { Ok(x) })
            .collect();
        assert_eq!(checked, serial, "call {call}");
    }
}

type Adapted = (
    Vec<(usize, u32)>,
    u64,
    Option<usize>,
    Vec<u32>,
    Vec<u32>,
    Vec<u32>,
    Vec<u32>,
);

#[par_for]
fn adapters(v: &[u32], w: &[u32]) -> Adapted {
    #[par_for]
    let kept: Vec<(usize, u32)> = v
        .iter()
        .copied()
        .filter(|x| x % 3 != 0)
        .enumerate()
        .skip(2)
        .collect();
    #[par_for]
    let dot: u64 = v.iter().zip(w.iter()).map(|(a, b)| u64::from(a * b)).sum();
    #[par_for]
    let at = v.iter().chain(w.iter()).position(|x| *x == 77);
    #[par_for]
    let stepped: Vec<u32> = v.iter().rev().step_by(3).copied().take(100).collect();
    #[par_for]
    let flat: Vec<u32> = v.iter().flat_map(|&x| 0..x % 4).inspect(|_| ()).collect();
    #[par_for]
    let mapped: Vec<u32> = v
        .iter()
        .filter_map(|&x| x.checked_sub(500))
        .map(|x| x + 1)
        .collect();
    #[par_for]
    let chained: Vec<u32> = v
        .iter()
        .copied()
        .filter(|x| x % 2 == 0)
        .chain(w.iter().copied())
        .collect();
    (kept, dot, at, stepped, flat, mapped, chained)
}

fn adapters_serial(v: &[u32], w: &[u32]) -> Adapted {
    let kept: Vec<(usize, u32)> = v
        .iter()
        .copied()
        .filter(|x| x % 3 != 0)
        .enumerate()
        .skip(2)
        .collect();
    let dot: u64 = v.iter().zip(w.iter()).map(|(a, b)| u64::from(a * b)).sum();
    let at = v.iter().chain(w.iter()).position(|x| *x == 77);
    let stepped: Vec<u32> = v.iter().rev().step_by(3).copied().take(100).collect();
    let flat: Vec<u32> = v.iter().flat_map(|&x| 0..x % 4).collect();
    let mapped: Vec<u32> = v
        .iter()
        .filter_map(|&x| x.checked_sub(500))
        .map(|x| x + 1)
        .collect();
    let chained: Vec<u32> = v
        .iter()
        .copied()
        .filter(|x| x % 2 == 0)
        .chain(w.iter().copied())
        .collect();
    (kept, dot, at, stepped, flat, mapped, chained)
}

#[test]
fn every_adapter_gives_stds_result_on_every_way() {
    for call in 0..CALLS {
        let v = data(call, 1500);
        let w = data(call + 1, 1000);
        assert_eq!(adapters(&v, &w), adapters_serial(&v, &w), "call {call}");
    }
}

/// Spins for `time`: sleeping would take the thread off the CPU for longer.
fn spin(time: Duration) {
    let start = Instant::now();
    while start.elapsed() < time {
        std::hint::spin_loop();
    }
}

/// The names of the threads that ran the items, each taking 10 µs.
#[par_for]
fn names(n: usize) -> HashSet<Option<String>> {
    #[par_for]
    let names: HashSet<Option<String>> = (0..n)
        .map(|_| {
            spin(Duration::from_micros(10));
            thread::current().name().map(str::to_owned)
        })
        .collect();
    names
}

/// The names of the threads that ran the items on a pool of `threads`.
#[par_for]
fn names_on(threads: usize, n: usize) -> HashSet<Option<String>> {
    #[par_for(threads = threads)]
    let names: HashSet<Option<String>> = (0..n)
        .map(|_| {
            spin(Duration::from_micros(10));
            thread::current().name().map(str::to_owned)
        })
        .collect();
    names
}

#[test]
fn a_pipeline_with_threads_n_runs_on_its_pool_not_the_team() {
    for threads in [2, 3] {
        for _ in 0..CALLS {
            let names = names_on(threads, 40);
            assert!(
                !names
                    .iter()
                    .flatten()
                    .any(|name| name.starts_with("par-for-team-")),
                "threads = {threads}: {names:?}"
            );
        }
    }
}

#[test]
fn a_small_pipeline_called_again_takes_the_team() {
    if par_for::current_threads() == 1 {
        // `PAR_FOR_THREADS=1`: no team; every call runs serially on this thread.
        let here = thread::current().name().map(str::to_owned);
        for _ in 0..CALLS {
            assert_eq!(names(40), HashSet::from([here.clone()]));
        }
        return;
    }
    // The other tests may have the team on some calls: those run serially. And on a
    // machine they keep busy the team may not gain enough to be taken at first: past
    // 64 calls the site tries it again in a streak.
    let on_team = (0..200).any(|_| {
        names(40)
            .iter()
            .flatten()
            .any(|name| name.starts_with("par-for-team-"))
    });
    assert!(on_team, "no call ran on the team");
}

#[par_for]
fn squares_of_sums(v: &[u32]) -> Vec<u64> {
    #[par_for]
    let sums: Vec<u64> = v
        .iter()
        .map(|&x| {
            // A pipeline inside a pipeline on the team: it must not wait for the team.
            #[par_for]
            let inner: u64 = (0..x).map(u64::from).sum();
            inner * inner
        })
        .collect();
    sums
}

#[test]
#[par_for]
fn a_pipeline_nested_in_a_team_pipeline_or_loop_gives_the_serial_result() {
    let v: Vec<u32> = (0..200).collect();
    let serial: Vec<u64> = v
        .iter()
        .map(|&x| {
            let s: u64 = (0..x).map(u64::from).sum();
            s * s
        })
        .collect();
    for call in 0..CALLS {
        assert_eq!(squares_of_sums(&v), serial, "call {call}");
        let mut total = 0u64;
        #[par_for(reduce(total: +))]
        for &x in &v {
            #[par_for]
            let inner: u64 = (0..x).map(u64::from).sum();
            total += inner * inner;
        }
        assert_eq!(total, serial.iter().sum::<u64>(), "call {call}");
    }
}

#[test]
fn pipelines_of_several_threads_at_once_give_their_results() {
    thread::scope(|s| {
        for t in 0..3u32 {
            s.spawn(move || {
                for call in 0..50 {
                    let v = data(call + t, 500 + t * 100);
                    assert_eq!(
                        consumers(&v),
                        consumers_serial(&v),
                        "thread {t}, call {call}"
                    );
                }
            });
        }
    });
}

#[par_for]
fn sum_on(threads: usize, v: &[u32]) -> (u64, Vec<u32>) {
    #[par_for(threads = threads)]
    let sum: u64 = v.iter().map(|&x| u64::from(x)).sum();
    #[par_for(threads = threads)]
    let doubled: Vec<u32> = v.iter().map(|x| x * 2).collect();
    (sum, doubled)
}

#[test]
fn threads_n_gives_the_serial_result() {
    let v = data(1, 1000);
    let serial = (
        v.iter().map(|&x| u64::from(x)).sum::<u64>(),
        v.iter().map(|x| x * 2).collect::<Vec<_>>(),
    );
    for threads in [1, 2, 3] {
        for call in 0..CALLS {
            assert_eq!(
                sum_on(threads, &v),
                serial,
                "threads {threads}, call {call}"
            );
        }
    }
}

#[par_for]
fn panics_at(at: u32) -> Vec<u32> {
    #[par_for]
    let v: Vec<u32> = (0..1000u32)
        .map(|i| {
            if i == at {
                panic!("item {i}");
            }
            i * 2
        })
        .collect();
    v
}

#[test]
fn a_panic_reaches_the_caller_on_every_way() {
    for call in 0..CALLS {
        let at = 3 + call * 80;
        let payload = panic::catch_unwind(AssertUnwindSafe(|| panics_at(at)))
            .expect_err("the panic is re-raised");
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some(format!("item {at}").as_str()),
            "call {call}"
        );
    }
    assert_eq!(panics_at(5000), (0..2000).step_by(2).collect::<Vec<_>>());
}
