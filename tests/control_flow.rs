//! `continue`, `break`, `return`, `?` and panics inside a parallel loop keep the meaning
//! they have in the serial loop, whatever order the iterations finish in.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use par_for::par_for;

mod common;

#[derive(Debug, PartialEq)]
struct Failed(usize);

/// Item `i` fails when `fails[i]`; earlier items sleep longer, so later failures happen
/// first in wall-clock time.
#[par_for]
fn first_failure(fails: &[bool]) -> Result<usize, Failed> {
    let n = fails.len();
    let done = AtomicUsize::new(0);
    #[par_for]
    for (i, &fail) in fails.iter().enumerate() {
        thread::sleep(Duration::from_millis(((n - i) * 3) as u64));
        if fail {
            Err(Failed(i))?;
        }
        done.fetch_add(1, Ordering::Relaxed);
    }
    Ok(done.into_inner())
}

#[test]
fn question_mark_returns_the_earliest_error_in_order() {
    let mut fails = vec![false; 24];
    fails[5] = true;
    fails[17] = true;
    fails[23] = true;
    let result = par_for::with_threads(4, || first_failure(&fails));
    assert_eq!(result, Err(Failed(5)));
    assert_eq!(
        par_for::with_threads(4, || first_failure(&[false; 8])),
        Ok(8)
    );
}

#[par_for]
fn find_index(v: &[i64], target: i64) -> Option<usize> {
    #[par_for]
    for (i, x) in v.iter().enumerate() {
        if *x == target {
            return Some(i);
        }
    }
    None
}

#[test]
fn return_gives_the_earliest_returning_iteration() {
    let v: Vec<i64> = (0..10_000).map(|i| i % 100).collect();
    let found = par_for::with_threads(4, || find_index(&v, 42));
    assert_eq!(found, Some(42));
    assert_eq!(par_for::with_threads(4, || find_index(&v, 1000)), None);
}

#[par_for]
fn break_at(limit: usize, n: usize, ran: &Mutex<Vec<usize>>) -> &'static str {
    #[par_for]
    for i in 0..n {
        if i == limit {
            break;
        }
        ran.lock().unwrap().push(i);
    }
    "after the loop"
}

#[test]
fn break_completes_everything_before_it_and_stops_starting_more() {
    let ran = Mutex::new(Vec::new());
    let n = 1_000_000;
    let after = par_for::with_threads(4, || break_at(100, n, &ran));
    assert_eq!(after, "after the loop");
    let mut ran = ran.into_inner().unwrap();
    ran.sort_unstable();
    // Every iteration before the breaking one completed...
    assert_eq!(&ran[..100], &(0..100).collect::<Vec<_>>()[..]);
    // ...and most of the million were never started.
    assert!(ran.len() < n / 2, "{} iterations ran", ran.len());
}

#[par_for]
fn bridged_first_error(lines: &str) -> Result<u64, std::num::ParseIntError> {
    let total = AtomicUsize::new(0);
    #[par_for]
    for line in lines.lines() {
        let n: u64 = line.trim().parse()?;
        total.fetch_add(n as usize, Ordering::Relaxed);
    }
    Ok(total.into_inner() as u64)
}

#[test]
fn question_mark_through_the_bridge_is_the_earliest_error() {
    let text = "1\n2\nthree\n4\nfive\n";
    let serial_error = "three".parse::<u64>().unwrap_err();
    for _ in 0..20 {
        let result = par_for::with_threads(4, || bridged_first_error(text));
        assert_eq!(result, Err(serial_error.clone()));
    }
    assert_eq!(bridged_first_error("1\n2\n"), Ok(3));
}

#[par_for]
fn odd_sum(n: u64) -> u64 {
    let total = AtomicUsize::new(0);
    #[par_for]
    for i in 0..n {
        if i % 2 == 0 {
            continue;
        }
        total.fetch_add(i as usize, Ordering::Relaxed);
    }
    total.into_inner() as u64
}

#[test]
fn continue_ends_only_this_iteration() {
    assert_eq!(odd_sum(1000), (0..1000).filter(|i| i % 2 == 1).sum());
}

#[par_for]
fn inner_loops_keep_their_jumps(n: u32) -> u32 {
    let total = AtomicUsize::new(0);
    #[par_for]
    for i in 0..n {
        let mut count = 0;
        for j in 0..100 {
            if j == i {
                break;
            }
            if j % 2 == 0 {
                continue;
            }
            count += 1;
        }
        total.fetch_add(count, Ordering::Relaxed);
    }
    total.into_inner() as u32
}

#[test]
fn break_and_continue_of_inner_loops_are_untouched() {
    let serial: u32 = (0..50u32)
        .map(|i| {
            (0..100)
                .take_while(|&j| j != i)
                .filter(|j| j % 2 == 1)
                .count() as u32
        })
        .sum();
    assert_eq!(inner_loops_keep_their_jumps(50), serial);
}

#[par_for]
fn panics_at(bad: usize, started: &AtomicUsize) {
    #[par_for]
    for i in 0..100_000usize {
        started.fetch_add(1, Ordering::Relaxed);
        if i == bad {
            panic!("item {i} is bad");
        }
        thread::sleep(Duration::from_micros(20));
    }
}

#[test]
fn a_panic_reaches_the_caller_with_its_payload_and_stops_the_loop() {
    let started = AtomicUsize::new(0);
    let caught = std::panic::catch_unwind(|| par_for::with_threads(4, || panics_at(10, &started)));
    let payload = caught.expect_err("the panic must reach the caller");
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("item 10 is bad")
    );
    assert!(
        started.load(Ordering::Relaxed) < 50_000,
        "{} started",
        started.load(Ordering::Relaxed)
    );
}

#[par_for]
fn nested_flow(rows: usize, cols: usize) -> Option<(usize, usize)> {
    #[par_for]
    for r in 0..rows {
        #[par_for]
        for c in 0..cols {
            if r * c == 12 && r > 1 {
                return Some((r, c));
            }
        }
    }
    None
}

#[test]
fn return_from_nested_parallel_loops_is_the_serial_one() {
    let serial = (0..10)
        .flat_map(|r| (0..10).map(move |c| (r, c)))
        .find(|&(r, c)| r * c == 12 && r > 1);
    for threads in [1, 2, 4] {
        assert_eq!(
            par_for::with_threads(threads, || nested_flow(10, 10)),
            serial
        );
    }
}

#[par_for]
fn serial_when(cond: bool, order: &Mutex<Vec<u32>>, on_caller: &AtomicBool) {
    let caller = thread::current().id();
    #[par_for(if = cond)]
    for i in 0..200u32 {
        if thread::current().id() != caller {
            on_caller.store(false, Ordering::Relaxed);
        }
        order.lock().unwrap().push(i);
    }
}

#[test]
fn if_false_runs_serially_in_order_on_the_calling_thread() {
    let order = Mutex::new(Vec::new());
    let on_caller = AtomicBool::new(true);
    serial_when(false, &order, &on_caller);
    assert!(on_caller.load(Ordering::Relaxed));
    assert_eq!(order.into_inner().unwrap(), (0..200).collect::<Vec<_>>());
}

#[par_for]
fn pool_of(n: usize) -> usize {
    let seen = Mutex::new(std::collections::HashSet::new());
    #[par_for(threads = n)]
    for _ in 0..400 {
        thread::sleep(Duration::from_micros(300));
        seen.lock().unwrap().insert(thread::current().id());
    }
    seen.into_inner().unwrap().len()
}

#[test]
fn threads_option_runs_on_a_pool_of_that_size() {
    let expected = if common::serial_switch() { 1 } else { 3 };
    assert_eq!(pool_of(3), expected);
}

#[test]
fn a_zero_thread_count_computed_at_run_time_panics_clearly() {
    let caught = std::panic::catch_unwind(|| pool_of(0)).expect_err("threads = 0 must panic");
    let message = caught
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| caught.downcast_ref::<&str>().map(|s| s.to_string()));
    assert_eq!(
        message.as_deref(),
        Some("par_for: `threads` must be at least 1, got 0")
    );
}

fn check_sign(i: usize, x: i64) -> std::ops::ControlFlow<usize> {
    if x < 0 {
        std::ops::ControlFlow::Break(i)
    } else {
        std::ops::ControlFlow::Continue(())
    }
}

/// `?` on a `ControlFlow`, as on a `Result` or an `Option`: the earliest break wins.
#[par_for]
fn first_negative(v: &[i64]) -> std::ops::ControlFlow<usize> {
    #[par_for]
    for (i, x) in v.iter().enumerate() {
        check_sign(i, *x)?;
    }
    std::ops::ControlFlow::Continue(())
}

#[test]
fn question_mark_on_control_flow_breaks_at_the_earliest_item() {
    let mut v: Vec<i64> = (0..100_000).collect();
    v[70_000] = -1;
    v[90_000] = -2;
    for _ in 0..10 {
        assert_eq!(first_negative(&v), std::ops::ControlFlow::Break(70_000));
    }
    assert_eq!(first_negative(&[1, 2]), std::ops::ControlFlow::Continue(()));
}
