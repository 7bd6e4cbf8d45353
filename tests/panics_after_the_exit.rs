//! A panic in an iteration after the one that leaves the loop is one the serial loop
//! never meets: it is dropped, and the loop gives the serial result. A panic before the
//! exit is raised, with its payload. (Loops with `reduce(..)` still raise a later one:
//! see `docs/rules.md`.)

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
