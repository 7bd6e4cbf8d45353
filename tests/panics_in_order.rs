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
