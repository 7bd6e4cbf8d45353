//! The team runs every phase with the serial loop's result, borrows the caller's stack
//! safely, re-raises panics, and never waits for itself.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use rayon::iter::plumbing::{Producer, ProducerCallback};
use rayon::iter::{IndexedParallelIterator, IntoParallelIterator};

use super::{own, TeamItems};
use crate::fuse::{Unwind, FUSE_BLOCK};
use crate::indexed::tests::exit_or_panic;
use crate::indexed::{FindFirst, Fold, Phases};

/// Every test uses a team of this size (there is one per process).
const THREADS: usize = 4;

/// Runs `phases` over `0..n` on the team, waiting for it if another test has it.
fn on_team<Ph: Phases<usize>>(n: usize, phases: Ph) -> Ph::Output {
    struct OnTeam<Ph> {
        phases: Ph,
        len: usize,
    }
    impl<Ph: Phases<usize>> ProducerCallback<usize> for OnTeam<Ph> {
        type Output = Ph::Output;
        fn callback<Pr: Producer<Item = usize>>(self, producer: Pr) -> Ph::Output {
            let mut owner = loop {
                match own(THREADS) {
                    Some(owner) => break owner,
                    None => thread::yield_now(),
                }
            };
            let items = TeamItems::new(&mut owner, producer, self.len, None);
            self.phases.team(items)
        }
    }
    (0..n)
        .into_par_iter()
        .with_producer(OnTeam { phases, len: n })
}

/// Runs `op` on every item, a panic unwinding at once.
fn for_each(op: impl Fn(usize) + Sync + Send) -> impl Phases<usize, Output = Option<()>> {
    FindFirst(
        move |i| {
            op(i);
            None
        },
        Unwind,
    )
}

fn sleep_a_little() {
    thread::sleep(Duration::from_micros(20));
}

#[test]
fn for_each_runs_every_item_once_and_on_several_threads() {
    let mut several = false;
    // On a loaded machine the workers may not get a CPU for a while: try for up to
    // 10 s before calling their absence a failure.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut runs = 0;
    while runs < 50 || (!several && std::time::Instant::now() < deadline) {
        runs += 1;
        let hits: Vec<AtomicUsize> = (0..200).map(|_| AtomicUsize::new(0)).collect();
        let threads = Mutex::new(HashSet::<ThreadId>::new());
        on_team(
            200,
            for_each(|i: usize| {
                sleep_a_little();
                hits[i].fetch_add(1, Ordering::Relaxed);
                threads.lock().unwrap().insert(thread::current().id());
            }),
        );
        assert!(hits.iter().all(|h| h.load(Ordering::Relaxed) == 1));
        several |= threads.into_inner().unwrap().len() > 1;
    }
    assert!(several, "the team's workers never took part");
}

#[test]
fn find_first_is_the_first_in_order_and_every_earlier_item_ran() {
    for target in [0, 1, 137, 499, 500, 999] {
        let ran: Vec<AtomicUsize> = (0..1000).map(|_| AtomicUsize::new(0)).collect();
        let found = on_team(
            1000,
            FindFirst(
                |i: usize| {
                    ran[i].fetch_add(1, Ordering::Relaxed);
                    (i >= target && i % 7 == target % 7).then_some(i)
                },
                Unwind,
            ),
        );
        assert_eq!(found, Some(target));
        assert!(ran[..target].iter().all(|r| r.load(Ordering::Relaxed) == 1));
    }
    assert_eq!(on_team(100, FindFirst(|_: usize| None::<()>, Unwind)), None);
}

#[test]
fn once_a_chunk_finds_the_first_the_running_chunks_after_it_stop_at_their_next_block() {
    const N: usize = 100_000;
    let first_found = AtomicBool::new(false);
    let waited = Mutex::new(HashSet::new());
    let ran_after = AtomicUsize::new(0);
    let found = on_team(
        N,
        FindFirst(
            |i: usize| {
                if i == 0 {
                    first_found.store(true, Ordering::SeqCst);
                    return Some(0);
                }
                // Every other item runs once item 0 has found; each thread first gives the
                // thread that found it the time to say so.
                while !first_found.load(Ordering::SeqCst) {
                    thread::yield_now();
                }
                if waited.lock().unwrap().insert(thread::current().id()) {
                    thread::sleep(Duration::from_millis(50));
                }
                ran_after.fetch_add(1, Ordering::Relaxed);
                None
            },
            Unwind,
        ),
    );
    assert_eq!(found, Some(0));
    // Each other thread ends the block it is in. A chunk that ran to its end instead
    // would run thousands (the first of a share has 12,500 items).
    let ran_after = ran_after.into_inner();
    assert!(
        ran_after < THREADS * FUSE_BLOCK,
        "{ran_after} items ran after the first was found"
    );
}

#[test]
fn fold_combines_in_order_and_stops_at_done() {
    let fold = |limit: usize| Fold {
        identity: Vec::new,
        fold: |acc: &mut Vec<usize>, i: usize| acc.push(i),
        combine: |mut a: Vec<usize>, b: Vec<usize>| {
            a.extend(b);
            a
        },
        done: move |acc: &Vec<usize>| acc.last().is_some_and(|&i| i >= limit),
        on_panic: Unwind,
    };
    assert_eq!(
        on_team(1000, fold(usize::MAX)),
        (0..1000).collect::<Vec<_>>()
    );
    let stopped = on_team(1000, fold(400));
    assert_eq!(stopped[..401], (0..401).collect::<Vec<_>>()[..]);
    assert_eq!(on_team(0, fold(usize::MAX)), Vec::<usize>::new());
}

#[test]
fn a_panic_reaches_the_caller_with_its_payload_and_stops_new_chunks() {
    // The thread whose piece holds item 3 may lose its CPU before it gets there (a
    // loaded machine), and the others then run their own pieces meanwhile: so a run
    // stops early only as a rule. A team that ran on after a panic would never stop
    // early, run after run; try for up to 10 s before calling that a failure.
    let deadline = Instant::now() + Duration::from_secs(10);
    let (mut runs, mut stopped_early) = (0, 0);
    while runs < 20 || (stopped_early < 10 && Instant::now() < deadline) {
        runs += 1;
        let started = AtomicUsize::new(0);
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            on_team(
                1000,
                for_each(|i: usize| {
                    started.fetch_add(1, Ordering::Relaxed);
                    if i == 3 {
                        panic!("item {i}");
                    }
                    sleep_a_little();
                }),
            )
        }));
        let payload = result.expect_err("the panic is re-raised");
        assert_eq!(payload.downcast_ref::<String>().unwrap(), "item 3");
        // The chunks running when item 3 panicked end their block, no more.
        if started.into_inner() < 1000 / 2 {
            stopped_early += 1;
        }
    }
    assert!(
        stopped_early >= 10,
        "{stopped_early} of {runs} runs stopped before half the items"
    );
    // And the team still works.
    assert_eq!(
        on_team(10, FindFirst(|i: usize| (i == 9).then_some(i), Unwind)),
        Some(9)
    );
}

#[test]
fn a_kept_panic_in_a_chunk_after_an_exit_is_dropped_and_one_before_it_wins() {
    for _ in 0..5 {
        let panicked = AtomicBool::new(false);
        assert_eq!(
            on_team(1000, exit_or_panic(10, 999, &panicked)),
            (10, Some(Ok(10)))
        );
        let panicked = AtomicBool::new(false);
        let (_, left) = on_team(1000, exit_or_panic(999, 10, &panicked));
        assert_eq!(left, Some(Err("item 10".to_string())));
    }
    // And the team still works.
    assert_eq!(
        on_team(10, FindFirst(|i: usize| (i == 9).then_some(i), Unwind)),
        Some(9)
    );
}

#[test]
fn a_loop_nested_in_a_team_loop_does_not_get_the_team_nor_wait_for_it() {
    let inner_got_team = AtomicUsize::new(0);
    let inner_sum = AtomicUsize::new(0);
    on_team(
        64,
        for_each(|_: usize| {
            if own(THREADS).is_some() {
                inner_got_team.fetch_add(1, Ordering::Relaxed);
            }
            // Rayon from inside a team loop (on a team worker or the caller) is fine.
            use rayon::iter::ParallelIterator;
            let s: usize = (0..100usize).into_par_iter().sum();
            inner_sum.fetch_add(s, Ordering::Relaxed);
        }),
    );
    assert_eq!(inner_got_team.into_inner(), 0);
    assert_eq!(inner_sum.into_inner(), 64 * 4950);
}

#[test]
fn rayon_workers_do_not_use_the_team() {
    assert!(super::may_use(THREADS) || rayon::current_thread_index().is_some());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    assert!(!pool.install(|| super::may_use(THREADS)));
    assert!(!super::may_use(1));
}

#[test]
fn threads_taking_turns_at_the_team_all_get_their_results() {
    thread::scope(|s| {
        for t in 0..4 {
            s.spawn(move || {
                for round in 0..100 {
                    let n = 100 + t * 10 + round;
                    let sum = on_team(
                        n,
                        Fold {
                            identity: || 0,
                            fold: |a: &mut usize, i: usize| *a += i,
                            combine: |a, b| a + b,
                            done: |_: &usize| false,
                            on_panic: Unwind,
                        },
                    );
                    assert_eq!(sum, n * (n - 1) / 2);
                }
            });
        }
    });
}

#[test]
fn the_caller_reports_how_long_it_waited_for_a_worker_still_in_its_piece() {
    let caller = thread::current().id();
    // Until a worker takes part: on a loaded machine they may miss many loops.
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let on_workers = AtomicUsize::new(0);
        let before = super::waited_here();
        let start = Instant::now();
        on_team(
            64,
            for_each(|_: usize| {
                // A worker's first item takes 20 ms, every other item no time.
                if thread::current().id() != caller
                    && on_workers.fetch_add(1, Ordering::Relaxed) == 0
                {
                    thread::sleep(Duration::from_millis(20));
                }
            }),
        );
        let (elapsed, waited) = (start.elapsed(), super::waited_here() - before);
        assert!(waited <= elapsed, "{waited:?} of {elapsed:?}");
        if on_workers.into_inner() > 0 {
            // The caller ran everything else in microseconds, then waited.
            assert!(waited >= Duration::from_millis(10), "{waited:?}");
            return;
        }
    }
    panic!("the team's workers never took part");
}
