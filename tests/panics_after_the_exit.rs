//! A panic in an iteration after the one that leaves the loop is one the serial loop
//! never meets: it is dropped, and the loop gives the serial result. A panic before the
//! exit is raised, with its payload. This holds for loops with `reduce(..)` too, over
//! every kind of source. (Pipelines still raise a later one: see `docs/rules.md`.)

use std::collections::BTreeSet;
use std::panic;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::time::{Duration, Instant};

use par_for::par_for;

const N: u64 = 100_000;

/// Waits (at most a moment) until `flag` is raised: so that the exit comes after the
/// later iteration has panicked, when that iteration runs at all.
fn wait_for(flag: &AtomicBool) {
    let until = Instant::now() + Duration::from_millis(100);
    while !flag.load(SeqCst) && Instant::now() < until {
        std::thread::yield_now();
    }
}

#[par_for]
fn first_match(late_panicked: &AtomicBool) -> Option<u64> {
    #[par_for]
    for i in 0..N {
        if i == N - 1 {
            late_panicked.store(true, SeqCst);
            panic!("item {i}, after the exit");
        }
        if i == 3 {
            wait_for(late_panicked);
            return Some(i);
        }
    }
    None
}

#[par_for]
fn panics_before_the_exit() -> Option<u64> {
    #[par_for]
    for i in 0..N {
        if i == 2 {
            panic!("item {i}, before the exit");
        }
        if i == 3 {
            return Some(i);
        }
    }
    None
}

#[test]
fn a_panic_after_the_exit_is_dropped_and_the_serial_result_stands() {
    for call in 0..6 {
        let flag = AtomicBool::new(false);
        assert_eq!(first_match(&flag), Some(3), "call {call}");
    }
}

#[test]
fn a_panic_before_the_exit_is_raised_with_its_payload() {
    for call in 0..6 {
        let payload = panic::catch_unwind(panics_before_the_exit).expect_err("it panics");
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some("item 2, before the exit"),
            "call {call}"
        );
    }
}

/// A serial iterator (fed through the bridge): a plain range, hidden.
struct Counter(std::ops::Range<u64>);

impl Iterator for Counter {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.0.next()
    }
}

/// The sum of the items before a sentinel; the items after it panic (trailing
/// garbage the serial loop never reads).
#[par_for]
fn sum_to_sentinel(items: Counter, late_panicked: &AtomicBool) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for i in items {
        // In the bridge's first batch of items, with the exit.
        if i == 60_000 {
            late_panicked.store(true, SeqCst);
            panic!("item {i}, after the exit");
        }
        if i == 1_000 {
            wait_for(late_panicked);
            break;
        }
        total += i;
    }
    total
}

#[par_for]
fn sum_of_set_to_sentinel(items: &BTreeSet<u64>, late_panicked: &AtomicBool) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for &i in items {
        if i == N - 1 {
            late_panicked.store(true, SeqCst);
            panic!("item {i}, after the exit");
        }
        if i == 1_000 {
            wait_for(late_panicked);
            break;
        }
        total += i;
    }
    total
}

#[par_for]
fn sum_over_range_to_sentinel(late_panicked: &AtomicBool) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for i in 0..N {
        if i == N - 1 {
            late_panicked.store(true, SeqCst);
            panic!("item {i}, after the exit");
        }
        if i == 1_000 {
            wait_for(late_panicked);
            break;
        }
        total += i;
    }
    total
}

#[par_for]
fn checked_sum(items: &[u64], late_panicked: &AtomicBool) -> Result<u64, String> {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for &i in items {
        if i == N - 1 {
            late_panicked.store(true, SeqCst);
            panic!("item {i}, after the exit");
        }
        if i == 1_000 {
            wait_for(late_panicked);
            return Err(format!("bad item {i}"));
        }
        total += i;
    }
    Ok(total)
}

#[par_for]
fn reducing_panics_before_the_exit() -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for i in 0..N {
        if i == 2 {
            panic!("item {i}, before the exit");
        }
        if i == 3 {
            break;
        }
        total += i;
    }
    total
}

const UP_TO_SENTINEL: u64 = 1_000 * 999 / 2;

#[test]
fn a_reducing_loop_drops_a_panic_after_its_exit_over_a_range() {
    for call in 0..6 {
        let flag = AtomicBool::new(false);
        assert_eq!(
            sum_over_range_to_sentinel(&flag),
            UP_TO_SENTINEL,
            "call {call}"
        );
    }
}

#[test]
fn a_reducing_loop_drops_a_panic_after_its_exit_over_a_slice_with_return() {
    let items: Vec<u64> = (0..N).collect();
    for call in 0..6 {
        let flag = AtomicBool::new(false);
        assert_eq!(
            checked_sum(&items, &flag),
            Err("bad item 1000".to_string()),
            "call {call}"
        );
    }
}

#[test]
fn a_reducing_loop_drops_a_panic_after_its_exit_over_a_bridged_iterator() {
    for call in 0..6 {
        let flag = AtomicBool::new(false);
        assert_eq!(
            sum_to_sentinel(Counter(0..N), &flag),
            UP_TO_SENTINEL,
            "call {call}"
        );
    }
}

#[test]
fn a_reducing_loop_drops_a_panic_after_its_exit_over_a_set() {
    let set: BTreeSet<u64> = (0..N).collect();
    for call in 0..6 {
        let flag = AtomicBool::new(false);
        assert_eq!(
            sum_of_set_to_sentinel(&set, &flag),
            UP_TO_SENTINEL,
            "call {call}"
        );
    }
}

#[test]
fn a_reducing_loop_raises_a_panic_before_its_exit_with_its_payload() {
    for call in 0..6 {
        let payload = panic::catch_unwind(reducing_panics_before_the_exit).expect_err("it panics");
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some("item 2, before the exit"),
            "call {call}"
        );
    }
}

/// A panic in the source's closure, for an item after the exit: the serial loop never
/// makes that item, so it never panics.
#[par_for]
fn source_panics_after_the_break(n: u64, stop: u64) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for x in (0..n).map(|x| if x > stop { panic!("source {x}") } else { x }) {
        if x == stop {
            break;
        }
        total += x;
    }
    total
}

#[par_for]
fn source_panics_after_the_return(items: &[u64], stop: u64) -> Option<u64> {
    #[par_for]
    for x in items
        .iter()
        .map(|&x| if x > stop { panic!("source {x}") } else { x })
    {
        if x == stop {
            return Some(x);
        }
    }
    None
}

#[test]
fn a_panic_in_the_source_after_the_exit_is_dropped() {
    let items: Vec<u64> = (0..20_000).collect();
    for stop in [0, 10, 1_000, 9_000] {
        for call in 0..100 {
            assert_eq!(
                source_panics_after_the_break(20_000, stop),
                stop * stop.saturating_sub(1) / 2,
                "stop {stop}, call {call}"
            );
            assert_eq!(
                source_panics_after_the_return(&items, stop),
                Some(stop),
                "stop {stop}, call {call}"
            );
        }
    }
}

mod in_order {
    //! With several panicking iterations, the loop raises the earliest in iteration order,
    //! as the serial loop meets it first, even when a later one panicked first in time.

    use std::panic;
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use std::time::{Duration, Instant};

    use par_for::par_for;

    const N: usize = 20_000;

    /// Waits (at most a moment) until `flag` is raised, then a little more: the time for
    /// the panic that follows it to unwind.
    fn wait_for(flag: &AtomicBool) {
        let until = Instant::now() + Duration::from_millis(100);
        while !flag.load(SeqCst) && Instant::now() < until {
            std::thread::yield_now();
        }
        std::thread::sleep(Duration::from_millis(20));
    }

    /// Parses every item; items 3000 and 15000 do not parse. The part of the loop holding
    /// item 3000 waits at item 2000 until item 15000 has panicked.
    #[par_for]
    fn parse_all(items: &[String], late_panicked: &AtomicBool) -> u64 {
        let mut total = 0;
        #[par_for(reduce(total: +))]
        for (i, s) in items.iter().enumerate() {
            if i == 2_000 {
                wait_for(late_panicked);
            }
            if i == 15_000 {
                late_panicked.store(true, SeqCst);
            }
            let v: u64 = s.parse().expect(s);
            total += v;
        }
        total
    }

    #[par_for]
    fn check_all(items: &[String], late_panicked: &AtomicBool) {
        #[par_for]
        for (i, s) in items.iter().enumerate() {
            if i == 2_000 {
                wait_for(late_panicked);
            }
            if i == 15_000 {
                late_panicked.store(true, SeqCst);
            }
            let _: u64 = s.parse().expect(s);
        }
    }

    fn items() -> Vec<String> {
        let mut items: Vec<String> = (0..N).map(|i| i.to_string()).collect();
        items[3_000] = "bad3000".into();
        items[15_000] = "bad15000".into();
        items
    }

    fn message(payload: Box<dyn std::any::Any + Send>) -> String {
        payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn a_loop_raises_its_earliest_panic_in_order() {
        let items = items();
        for call in 0..6 {
            let flag = AtomicBool::new(false);
            let payload = panic::catch_unwind(|| check_all(&items, &flag)).expect_err("it panics");
            let message = message(payload);
            assert!(message.starts_with("bad3000"), "call {call}: {message}");
        }
    }

    #[test]
    fn a_reducing_loop_raises_its_earliest_panic_in_order() {
        let items = items();
        for call in 0..6 {
            let flag = AtomicBool::new(false);
            let payload = panic::catch_unwind(|| parse_all(&items, &flag)).expect_err("it panics");
            let message = message(payload);
            assert!(message.starts_with("bad3000"), "call {call}: {message}");
        }
    }
}
