//! Rayon's consumers fed by the team give the serial result, in order, stop early as
//! they do serially, re-raise panics without leaking what was collected, and fall back
//! to the calling thread when the team is taken.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use rayon::iter::{
    IndexedParallelIterator, IntoParallelIterator, IntoParallelRefIterator, ParallelIterator,
};

use super::{runs_here, OnTeam, TeamPlan};

/// The team of the runtime's tests has this many threads (see `team/tests.rs`).
const PLAN: TeamPlan = TeamPlan {
    threads: 4,
    min_len: 1,
};

/// Runs `pipeline` with a stage on the team, again until a run gets the team (another
/// test may have it), and returns that run's result.
fn on_team<R>(pipeline: impl Fn(Option<TeamPlan>) -> R) -> R {
    loop {
        let before = runs_here();
        let output = pipeline(Some(PLAN));
        if runs_here() > before {
            return output;
        }
        thread::yield_now();
    }
}

fn numbers(n: usize) -> Vec<u32> {
    (0..n as u32).map(|i| (i * 7919) % 101).collect()
}

#[test]
fn every_consumer_gives_the_serial_result() {
    for n in [0, 1, 2, 7, 100, 1000, 4099] {
        let v = numbers(n);
        let stage = |plan| OnTeam::new(v.par_iter().copied(), plan);
        let doubled: Vec<u32> = v.iter().map(|x| x * 2).collect();
        assert_eq!(
            on_team(|p| stage(p).map(|x| x * 2).collect::<Vec<_>>()),
            doubled
        );
        let sum: u64 = v.iter().map(|&x| u64::from(x)).sum();
        assert_eq!(on_team(|p| stage(p).map(u64::from).sum::<u64>()), sum);
        let count = v.iter().filter(|x| *x % 3 == 0).count();
        assert_eq!(on_team(|p| stage(p).filter(|x| x % 3 == 0).count()), count);
        // Ties: std's `min_by_key` keeps the first, `max_by_key` the last.
        let keyed = |x: u32| (x % 10, x);
        let keys: Vec<(u32, u32)> = v.iter().map(|&x| keyed(x)).collect();
        let min = keys.iter().copied().min_by_key(|k| k.0);
        let max = keys.iter().copied().max_by_key(|k| k.0);
        assert_eq!(on_team(|p| stage(p).map(keyed).min_by_key(|k| k.0)), min);
        assert_eq!(on_team(|p| stage(p).map(keyed).max_by_key(|k| k.0)), max);
        let found = v.iter().copied().find(|x| x % 17 == 5);
        assert_eq!(on_team(|p| stage(p).find_first(|x| x % 17 == 5)), found);
        let any = v.contains(&100);
        assert_eq!(on_team(|p| stage(p).any(|x| x == 100)), any);
        let all = v.iter().all(|&x| x < 100);
        assert_eq!(on_team(|p| stage(p).all(|x| x < 100)), all);
        // Associative, not commutative: the pieces join in order.
        let concat: Option<String> = v.iter().map(|x| x.to_string()).reduce(|a, b| a + &b);
        assert_eq!(
            on_team(|p| stage(p).map(|x| x.to_string()).reduce_with(|a, b| a + &b)),
            concat
        );
        let (left, right): (Vec<u32>, Vec<u32>) = v.iter().map(|&x| (x, x + 1)).unzip();
        assert_eq!(
            on_team(|p| stage(p).map(|x| (x, x + 1)).unzip()),
            (left, right)
        );
        let (even, odd): (Vec<u32>, Vec<u32>) = v.iter().partition(|&&x| x % 2 == 0);
        assert_eq!(on_team(|p| stage(p).partition(|x| x % 2 == 0)), (even, odd));
        let flat: Vec<u32> = v.iter().flat_map(|&x| 0..x % 4).collect();
        assert_eq!(
            on_team(|p| stage(p).flat_map_iter(|x| 0..x % 4).collect::<Vec<_>>()),
            flat
        );
        let strings: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(
            on_team(|p| stage(p).map(|x| x.to_string()).collect::<Vec<_>>()),
            strings
        );
    }
}

#[test]
fn every_length_and_smallest_piece_cut_and_join_in_order() {
    // Shares of 0 to a few items, pieces bounded by `min_len` or whole shares.
    for n in [1, 3, 4, 5, 63, 64, 65, 127, 999, 1001, 4096] {
        for min_len in [1, 2, 7, 100, 5000] {
            let plan = TeamPlan { min_len, ..PLAN };
            let v = numbers(n);
            let stage = |p: Option<TeamPlan>| OnTeam::new(v.par_iter().copied(), p.map(|_| plan));
            let concat: String = v.iter().map(|x| format!("{x},")).collect();
            let on = on_team(|p| stage(p).map(|x| format!("{x},")).collect::<String>());
            assert_eq!(on, concat, "{n} items, min_len {min_len}");
            let found = v.iter().copied().find(|&x| x % 17 == 16);
            let on = on_team(|p| stage(p).find_first(|x| x % 17 == 16));
            assert_eq!(on, found, "{n} items, min_len {min_len}");
        }
    }
}

#[test]
fn a_result_collect_holds_the_first_error_in_order() {
    let v = numbers(3000);
    let parse = |x: u32| if x > 95 { Err(x) } else { Ok(x) };
    let serial: Result<Vec<u32>, u32> = v.iter().map(|&x| parse(x)).collect();
    assert!(serial.is_err());
    let on = on_team(|p| {
        crate::pipeline::collect::<Result<Vec<u32>, u32>, _>(
            OnTeam::new(v.par_iter().copied(), p).map(parse),
        )
    });
    assert_eq!(on, serial);
}

#[test]
fn adapters_that_need_positions_run_on_the_stage_above_them() {
    let v = numbers(2000);
    let w: Vec<u32> = (0..1500).collect();
    let serial: Vec<(usize, u32)> = v
        .iter()
        .zip(w.iter())
        .map(|(a, b)| a + b)
        .enumerate()
        .skip(3)
        .rev()
        .step_by(3)
        .collect();
    let on = on_team(|p| {
        let first = OnTeam::new(v.par_iter(), p);
        let zipped = OnTeam::new(first.zip(w.par_iter()), p);
        let numbered = OnTeam::new(zipped.map(|(a, b)| a + b).enumerate(), p);
        let skipped = OnTeam::new(numbered.skip(3), p);
        let reversed = OnTeam::new(skipped.rev(), p);
        OnTeam::new(reversed.step_by(3), p).collect::<Vec<_>>()
    });
    assert_eq!(on, serial);
}

#[test]
fn items_are_collected_in_order_whatever_order_the_pieces_end_in() {
    let v: Vec<u32> = (0..400).collect();
    for _ in 0..5 {
        let on = on_team(|p| {
            OnTeam::new(v.par_iter().copied(), p)
                .map(|x| {
                    // The first pieces are the slowest.
                    if x < 100 {
                        thread::sleep(Duration::from_micros(50));
                    }
                    x * 3
                })
                .collect::<Vec<_>>()
        });
        assert_eq!(on, v.iter().map(|x| x * 3).collect::<Vec<_>>());
    }
}

#[test]
fn the_teams_workers_take_part() {
    let v: Vec<u32> = (0..200).collect();
    // On a loaded machine the workers may not get a CPU for a while: try for up to
    // 10 s before calling their absence a failure.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let names = on_team(|p| {
            OnTeam::new(v.par_iter(), p)
                .map(|_| {
                    thread::sleep(Duration::from_micros(20));
                    thread::current().name().map(str::to_owned)
                })
                .collect::<HashSet<_>>()
        });
        let team_ran = names
            .iter()
            .flatten()
            .any(|name| name.starts_with("par-for-team-"));
        if team_ran {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "only {names:?} ran, for 10 s"
        );
    }
}

#[test]
fn find_first_is_the_first_match_and_later_pieces_stop() {
    let n = 20_000;
    for target in [0, 1, 137, 4999, 19_999] {
        let ran: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
        let found = on_team(|p| {
            ran.iter().for_each(|r| r.store(0, Ordering::Relaxed));
            OnTeam::new((0..n).into_par_iter(), p).find_first(|&i| {
                ran[i].fetch_add(1, Ordering::Relaxed);
                i >= target && i % 7 == target % 7
            })
        });
        assert_eq!(found, Some(target));
        assert!(ran[..target].iter().all(|r| r.load(Ordering::Relaxed) == 1));
        if target < 200 {
            let total: usize = ran.iter().map(|r| r.load(Ordering::Relaxed)).sum();
            assert!(total < n / 2, "{total} items ran to find item {target}");
        }
    }
}

/// Counts the values made and dropped.
#[derive(Debug)]
struct Counted<'a>(&'a AtomicUsize);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn a_panic_reaches_the_caller_and_what_was_collected_is_dropped_once() {
    for at in [3, 500, 999] {
        let made = AtomicUsize::new(0);
        let dropped = AtomicUsize::new(0);
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            on_team(|p| {
                OnTeam::new((0..1000usize).into_par_iter(), p)
                    .map(|i| {
                        if i == at {
                            panic!("item {i}");
                        }
                        made.fetch_add(1, Ordering::Relaxed);
                        Counted(&dropped)
                    })
                    .collect::<Vec<_>>()
            })
        }));
        let payload = result.expect_err("the panic is re-raised");
        assert_eq!(
            payload.downcast_ref::<String>().unwrap(),
            &format!("item {at}")
        );
        assert_eq!(made.into_inner(), dropped.into_inner());
    }
    // And the team still works.
    let sum = on_team(|p| OnTeam::new((0..100usize).into_par_iter(), p).sum::<usize>());
    assert_eq!(sum, 4950);
}

#[test]
fn a_stage_nested_in_a_team_stage_runs_on_its_thread() {
    let v: Vec<usize> = (0..300).collect();
    let inner_on_team = Mutex::new(0);
    let sums = on_team(|p| {
        OnTeam::new(v.par_iter(), p)
            .map(|&x| {
                let before = runs_here();
                let s: usize = OnTeam::new((0..x).into_par_iter(), p).sum();
                *inner_on_team.lock().unwrap() += runs_here() - before;
                s
            })
            .collect::<Vec<_>>()
    });
    assert_eq!(
        sums,
        v.iter()
            .map(|&x| x * x.saturating_sub(1) / 2)
            .collect::<Vec<_>>()
    );
    assert_eq!(*inner_on_team.lock().unwrap(), 0);
}

#[test]
fn without_a_plan_the_stage_is_the_stage_as_it_is() {
    let v = numbers(1000);
    let before = runs_here();
    let on: Vec<u32> = OnTeam::new(v.par_iter().copied(), None).collect();
    assert_eq!(on, v);
    assert_eq!(runs_here(), before);
}

#[test]
fn threads_taking_turns_at_the_team_all_get_their_results() {
    thread::scope(|s| {
        for t in 0..4 {
            s.spawn(move || {
                for round in 0..100 {
                    let n = 100 + t * 10 + round;
                    let plan = Some(PLAN);
                    // Taken or not, the team gives the same result.
                    let sum: usize = OnTeam::new((0..n).into_par_iter(), plan).sum();
                    assert_eq!(sum, n * (n - 1) / 2);
                    let v: Vec<usize> = OnTeam::new((0..n).into_par_iter(), plan).collect();
                    assert_eq!(v, (0..n).collect::<Vec<_>>());
                }
            });
        }
    });
}
