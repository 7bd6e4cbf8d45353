//! Streams against the serial loop on random inputs (proptest): the consumer of an
//! ordered stream sees exactly the serial loop's results, in its order, up to where it
//! leaves; an unordered stream's consumer sees the same results in some order, and
//! leaving after `k` sees `k` of them; a panic in the task reaches the consumer after
//! every earlier result (ordered). Each source kind takes its own way through the
//! runtime: a `Send` source with a size hint (pulled by the pool's threads in chunks),
//! one without (pulled one item at a time), one that is not `Send` (pulled on the
//! calling thread); and the loop runs from outside any pool and from inside one.

use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;

use par_for::par_for;
use proptest::prelude::*;

/// A task whose cost varies from item to item (one in 13 takes tens of microseconds,
/// the others up to a few), so results complete out of order.
fn task(x: u32) -> u64 {
    let rounds = if x % 13 == 0 { 20_000 } else { (x % 7) * 40 };
    let mut h = u64::from(x);
    for _ in 0..rounds {
        h = h.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    }
    h ^ u64::from(x)
}

/// How a case's source is made.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// `xs.iter().copied()`: `Send`, promises its length.
    Sized,
    /// `xs.iter().copied().filter(..)`: `Send`, promises nothing.
    Unsized,
    /// `rx.iter()` over a filled channel: not `Send` (pulled on the calling thread).
    NotSend,
}

fn kinds() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Sized), Just(Kind::Unsized), Just(Kind::NotSend)]
}

/// One loop to compare with serial: its source's kind and items, its window, after how
/// many results its consumer leaves, and whether it runs inside a pool.
#[derive(Clone, Debug)]
struct Case {
    kind: Kind,
    xs: Vec<u32>,
    window: usize,
    leave_after: usize,
    inside_a_pool: bool,
}

fn cases() -> impl Strategy<Value = Case> {
    (
        kinds(),
        prop::collection::vec(0u32..1000, 0..300),
        1usize..24,
        0usize..400,
        any::<bool>(),
    )
        .prop_map(|(kind, xs, window, leave_after, inside_a_pool)| Case {
            kind,
            xs,
            window,
            leave_after,
            inside_a_pool,
        })
}

fn kept(x: u32) -> bool {
    x % 3 != 0
}

/// The items a source of `kind` gives, serially.
fn serial_items(kind: Kind, xs: &[u32]) -> Vec<u32> {
    match kind {
        Kind::Sized | Kind::NotSend => xs.to_vec(),
        Kind::Unsized => xs.iter().copied().filter(|&x| kept(x)).collect(),
    }
}

/// The serial loop: the results the consumer sees, leaving after `leave_after` of them.
fn serial(kind: Kind, xs: &[u32], leave_after: usize) -> Vec<u64> {
    let mut seen = Vec::new();
    for r in serial_items(kind, xs).into_iter().map(task) {
        if seen.len() == leave_after {
            break;
        }
        seen.push(r);
    }
    seen
}

/// A filled channel whose sender is gone, for a source that is not `Send`.
fn filled(xs: &[u32]) -> mpsc::Receiver<u32> {
    let (tx, rx) = mpsc::channel();
    for &x in xs {
        tx.send(x).expect("the receiver is alive");
    }
    rx
}

/// A stream loop over each kind of source whose consumer leaves after `leave_after`
/// results: the results it saw. `$flag` is the loop's extra option (`unordered`).
macro_rules! stream_loop_over_each_kind {
    ($name:ident $(, $flag:ident)?) => {
        #[par_for]
        fn $name(kind: Kind, xs: &[u32], window: usize, leave_after: usize) -> Vec<u64> {
            let mut seen = Vec::new();
            match kind {
                Kind::Sized => {
                    #[par_for(stream, $($flag,)? window = window)]
                    for r in xs.iter().copied().map(task) {
                        if seen.len() == leave_after {
                            break;
                        }
                        seen.push(r);
                    }
                }
                Kind::Unsized => {
                    #[par_for(stream, $($flag,)? window = window)]
                    for r in xs.iter().copied().filter(|&x| kept(x)).map(task) {
                        if seen.len() == leave_after {
                            break;
                        }
                        seen.push(r);
                    }
                }
                Kind::NotSend => {
                    let rx = filled(xs);
                    #[par_for(stream, $($flag,)? window = window)]
                    for r in rx.iter().map(task) {
                        if seen.len() == leave_after {
                            break;
                        }
                        seen.push(r);
                    }
                }
            }
            seen
        }
    };
}

stream_loop_over_each_kind!(ordered);
stream_loop_over_each_kind!(unordered, unordered);

/// How many times each value occurs.
fn counts(values: &[u64]) -> HashMap<u64, usize> {
    let mut counts = HashMap::new();
    for &v in values {
        *counts.entry(v).or_insert(0) += 1;
    }
    counts
}

/// Whether every value of `part` occurs in `whole` at least as often.
fn is_sub_multiset(part: &[u64], whole: &[u64]) -> bool {
    let whole = counts(whole);
    counts(part)
        .iter()
        .all(|(v, n)| whole.get(v).is_some_and(|m| m >= n))
}

/// Runs `f` from the test's thread (outside any pool) or inside a pool of 3.
fn on(inside_a_pool: bool, f: impl FnOnce() -> Vec<u64> + Send) -> Vec<u64> {
    if inside_a_pool {
        par_for::with_threads(3, f)
    } else {
        f()
    }
}

#[derive(Debug, PartialEq)]
struct Boom(u32);

/// The results a consumer saw before a panic in the task at the item `x == bad`, and
/// the panic's payload.
#[par_for]
fn ordered_with_a_panic(xs: &[u32], window: usize, bad: u32) -> (Vec<u64>, Option<Boom>) {
    let mut seen = Vec::new();
    let caught = panic::catch_unwind(AssertUnwindSafe(|| {
        #[par_for(stream, window = window)]
        for r in xs.iter().copied().map(|x| {
            if x == bad {
                panic::panic_any(Boom(x));
            }
            task(x)
        }) {
            seen.push(r);
        }
    }));
    let boom = caught
        .err()
        .map(|payload| *payload.downcast::<Boom>().expect("the task's own payload"));
    (seen, boom)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn an_ordered_stream_gives_the_consumer_the_serial_results_in_order(case in cases()) {
        let Case { kind, xs, window, leave_after, inside_a_pool } = case;
        let got = on(inside_a_pool, || ordered(kind, &xs, window, leave_after));
        prop_assert_eq!(got, serial(kind, &xs, leave_after));
    }

    #[test]
    fn an_unordered_stream_gives_the_consumer_the_serial_results_in_some_order(
        case in cases(),
    ) {
        let Case { kind, xs, window, leave_after, inside_a_pool } = case;
        let got = on(inside_a_pool, || unordered(kind, &xs, window, leave_after));
        let all = serial(kind, &xs, usize::MAX);
        prop_assert_eq!(got.len(), leave_after.min(all.len()));
        prop_assert!(is_sub_multiset(&got, &all), "{:?} are not among {:?}", got, all);
    }

    #[test]
    fn the_functions_give_what_the_loops_give(
        xs in prop::collection::vec(0u32..1000, 0..300),
        window in 1usize..24,
        take in 0usize..400,
    ) {
        let in_order: Vec<u64> = par_for::stream(xs.clone(), task).window(window).take(take).collect();
        prop_assert_eq!(in_order, serial(Kind::Sized, &xs, take));
        let mut any_order: Vec<u64> = par_for::stream_unordered(xs.clone(), task).window(window).collect();
        let mut all = serial(Kind::Sized, &xs, usize::MAX);
        any_order.sort_unstable();
        all.sort_unstable();
        prop_assert_eq!(any_order, all);
    }

    #[test]
    fn a_panic_in_the_task_comes_after_every_earlier_result(
        xs in prop::collection::vec(0u32..1000, 1..300),
        window in 1usize..24,
        at in any::<prop::sample::Index>(),
    ) {
        let bad = xs[at.index(xs.len())];
        let before = xs.iter().position(|&x| x == bad).expect("bad is one of xs");
        let (seen, boom) = ordered_with_a_panic(&xs, window, bad);
        prop_assert_eq!(boom, Some(Boom(bad)));
        prop_assert_eq!(seen, xs[..before].iter().copied().map(task).collect::<Vec<_>>());
    }
}
