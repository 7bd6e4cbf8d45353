//! Small loops called again and again, as time-stepping code calls them: whichever way
//! each call takes (serially, on the team, on the pool), the result is the serial
//! loop's, control flow keeps its meaning, panics reach the caller, and loops of
//! several threads, nested loops and loops on rayon's workers do not wait for each
//! other.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

use par_for::par_for;

/// About 20 ns of work that the optimizer cannot remove.
fn mix(i: u64) -> u64 {
    let mut x = std::hint::black_box(i) ^ 0x9E37_79B9_7F4A_7C15;
    for _ in 0..8 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

const CALLS: u64 = 600;

#[par_for]
fn total(n: u64) -> u64 {
    let mut total = 0u64;
    #[par_for(reduce(total: +))]
    for i in 0..n {
        total += mix(i) >> 24;
    }
    total
}

fn serial_total(n: u64) -> u64 {
    (0..n).map(|i| mix(i) >> 24).sum()
}

#[test]
fn a_reduction_called_again_and_again_equals_the_serial_loop() {
    for call in 0..CALLS {
        let n = 1000 + call % 7;
        assert_eq!(total(n), serial_total(n), "call {call}");
    }
}

/// Appends `right` to `left`: a merge that only iteration order makes right.
fn append(mut left: Vec<(u64, bool)>, right: Vec<(u64, bool)>) -> Vec<(u64, bool)> {
    left.extend(right);
    left
}

/// Each item, in the order the reduction gives them, with whether a thread of the team
/// (not the calling thread) ran it.
#[par_for]
fn items_and_team(n: u64) -> Vec<(u64, bool)> {
    let mut seen = Vec::new();
    #[par_for(reduce(seen: append))]
    for i in 0..n {
        let on_team = std::thread::current()
            .name()
            .is_some_and(|name| name.starts_with("par-for-team"));
        std::hint::black_box(mix(i));
        seen.push((i, on_team));
    }
    seen
}

#[test]
fn a_reduction_that_only_order_makes_right_keeps_it_on_the_team() {
    // The site's first runs: the pool, serial, then three on the team (when no other
    // test's loop has it); later ones take the faster way, and try the other in
    // streaks. On a loaded machine the team's workers may miss a run: keep calling,
    // for up to 10 s, until one ran items. With `PAR_FOR_THREADS=1` there is no team:
    // every call runs serially, on this thread.
    let one_thread = par_for::current_threads() == 1;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let (mut calls, mut team_took_part) = (0, false);
    while calls < CALLS || (!one_thread && !team_took_part && std::time::Instant::now() < deadline)
    {
        calls += 1;
        let seen = items_and_team(1000);
        let out_of_order = seen.iter().map(|&(i, _)| i).ne(0..1000);
        assert!(!out_of_order, "call {calls}: the items out of order");
        team_took_part |= seen.iter().any(|&(_, on_team)| on_team);
    }
    assert_eq!(
        team_took_part, !one_thread,
        "whether a team worker ran an item in {calls} calls"
    );
}

#[par_for]
fn first_multiple(v: &[u64], of: u64) -> Option<usize> {
    #[par_for]
    for (i, &x) in v.iter().enumerate() {
        if mix(x) % of == 0 {
            return Some(i);
        }
    }
    None
}

#[par_for]
fn count_until_break(v: &[u64], stop: u64) -> usize {
    let seen = AtomicUsize::new(0);
    #[par_for]
    for &x in v {
        if x == stop {
            break;
        }
        seen.fetch_add(1, Ordering::Relaxed);
    }
    seen.into_inner()
}

#[par_for]
fn checked(v: &[u64], bad: u64) -> Result<u64, String> {
    let mut sum = 0u64;
    #[par_for(reduce(sum: +))]
    for &x in v {
        let x: u64 = if x == bad {
            Err(format!("bad {x}"))
        } else {
            Ok(x)
        }?;
        sum += mix(x) >> 40;
    }
    Ok(sum)
}

#[test]
fn return_break_and_question_mark_keep_their_serial_meaning_call_after_call() {
    let v: Vec<u64> = (0..1000).collect();
    for call in 0..CALLS {
        let of = 50 + call % 13;
        let expected = v.iter().position(|&x| mix(x) % of == 0);
        assert_eq!(first_multiple(&v, of), expected, "call {call}");

        let stop = call * 7 % 1000;
        // Every item before the breaking one has run; later ones may have too.
        assert!(count_until_break(&v, stop) >= stop as usize, "call {call}");

        let bad = call * 13 % 1500;
        let serial = if bad < 1000 {
            Err(format!("bad {bad}"))
        } else {
            Ok(v.iter().map(|&x| mix(x) >> 40).sum())
        };
        assert_eq!(checked(&v, bad), serial, "call {call}");
    }
}

#[par_for]
fn panics_at(n: u64, at: u64) -> u64 {
    let mut total = 0u64;
    #[par_for(reduce(total: +))]
    for i in 0..n {
        if i == at {
            panic!("item {i}");
        }
        total += mix(i) >> 24;
    }
    total
}

#[test]
fn a_panic_in_a_small_loop_reaches_the_caller_with_its_payload_every_time() {
    for call in 0..CALLS {
        if call % 10 != 9 {
            assert_eq!(panics_at(1000, u64::MAX), serial_total(1000));
            continue;
        }
        let at = call % 1000;
        let payload = panic::catch_unwind(AssertUnwindSafe(|| panics_at(1000, at)))
            .expect_err("the panic is re-raised");
        assert_eq!(
            payload.downcast_ref::<String>().unwrap(),
            &format!("item {at}")
        );
    }
}

#[par_for]
fn nested(n: u64) -> u64 {
    let mut outer = 0u64;
    #[par_for(reduce(outer: +))]
    for i in 0..n {
        outer += total(100 + i % 3);
    }
    outer
}

#[test]
fn nested_small_loops_and_loops_of_several_threads_do_not_wait_for_each_other() {
    let expected: u64 = (0..40).map(|i| serial_total(100 + i % 3)).sum();
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                for _ in 0..200 {
                    assert_eq!(nested(40), expected);
                    assert_eq!(total(1000), serial_total(1000));
                }
            });
        }
    });
}

#[test]
fn small_loops_on_rayon_workers_and_dedicated_pools() {
    let expected = serial_total(1000);
    rayon::scope(|s| {
        for _ in 0..2 {
            s.spawn(|_| {
                for _ in 0..200 {
                    assert_eq!(total(1000), expected);
                }
            });
        }
    });
    par_for::with_threads(3, || {
        for _ in 0..200 {
            assert_eq!(total(1000), expected);
        }
    });
}
