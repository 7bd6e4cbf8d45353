//! The loop form of a stream (`stream_for_each`, what `#[par_for(stream)]` expands to)
//! while tasks are cheap, when the calling thread pulls items and runs some of them
//! itself: order kept, the window bounding the calling thread's items too, a blocking
//! source holding back nothing already pulled, and early exit leaving no task running.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use par_for_runtime::__private::{stream_for_each, StreamOptions};

fn work(x: u64) -> u64 {
    x.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ x
}

/// A task of about `micros` microseconds of spinning.
fn spin(x: u64, micros: u64) -> u64 {
    let until = Instant::now() + Duration::from_micros(micros);
    let mut h = x;
    while Instant::now() < until {
        h = work(h);
    }
    h
}

/// Streams 20,000 allocating items whose tasks take uneven times (every 97th is 50x
/// longer, so the runners finish out of order), checking the order at the consumer;
/// how many items were made and run on the calling thread.
fn made_and_run_on_the_caller(ordered: bool) -> usize {
    let caller = thread::current().id();
    let source = (0..20_000u64).map(|i| (i, vec![i; 8], thread::current().id()));
    let task = |(i, payload, made_on): (u64, Vec<u64>, thread::ThreadId)| {
        let micros = if i % 97 == 0 { 50 } else { 1 };
        let local = made_on == thread::current().id();
        (i, spin(payload[7], micros) ^ spin(i, 0), local)
    };
    let mut options = StreamOptions::new();
    if !ordered {
        options = options.unordered();
    }
    let mut seen = vec![false; 20_000];
    let mut next = 0;
    let mut local = 0;
    let _: Option<()> = stream_for_each(source, task, &options, |(i, _, here)| {
        if ordered {
            assert_eq!(i, next, "the consumer saw item {i} where {next} was due");
        }
        assert!(!seen[i as usize], "item {i} delivered twice");
        seen[i as usize] = true;
        next += 1;
        local += usize::from(here);
        ControlFlow::Continue(())
    });
    assert_eq!(next, 20_000, "every item delivered");
    assert!(seen.iter().all(|&s| s));
    let _ = caller;
    local
}

#[test]
fn the_caller_runs_cheap_tasks_on_items_it_made_and_keeps_the_order() {
    for ordered in [true, false] {
        // Whether the calling thread gets to run tasks depends on timing: try a few
        // times, checking every result every time, until it has run some.
        let local: usize = (0..20)
            .map(|_| made_and_run_on_the_caller(ordered))
            .take_while(|&local| local == 0)
            .count();
        assert!(
            local < 20,
            "the calling thread never ran a task on an item it made (ordered: {ordered})"
        );
    }
}

#[test]
fn a_fixed_window_bounds_the_items_the_caller_runs_too() {
    for ordered in [true, false] {
        let pulled = AtomicUsize::new(0);
        let source = (0u64..).inspect(|_| {
            pulled.fetch_add(1, Ordering::Relaxed);
        });
        let mut options = StreamOptions::new().window(8);
        if !ordered {
            options = options.unordered();
        }
        let mut delivered = 0;
        let _: Option<()> = stream_for_each(source, work, &options, |_| {
            delivered += 1;
            let in_flight = pulled.load(Ordering::Relaxed) - delivered;
            assert!(in_flight < 8, "{in_flight} items in flight, window 8");
            if delivered == 50_000 {
                ControlFlow::Break(None)
            } else {
                ControlFlow::Continue(())
            }
        });
        assert_eq!(delivered, 50_000);
    }
}

#[test]
fn a_blocking_source_holds_back_no_item_pulled_before_it_blocks() {
    // Cheap tasks, so the calling thread runs some and hands the rest over in batches;
    // then the source blocks for 300 ms after item 4,999. Item 4,999 must run before the
    // source returns: whether the calling thread ran it or queued it for a runner.
    for _ in 0..5 {
        let blocked_at = std::sync::OnceLock::new();
        let source = (0..5_001u64).inspect(|&i| {
            if i == 5_000 {
                blocked_at.get_or_init(Instant::now);
                thread::sleep(Duration::from_millis(300));
            }
        });
        let ran_at = std::sync::Mutex::new(None);
        let task = |i: u64| {
            if i == 4_999 {
                *ran_at.lock().unwrap() = Some(Instant::now());
            }
            spin(i, 1)
        };
        // A pool of its own (no other test uses 5 threads): the default pool is shared
        // with the tests running meanwhile, which may keep it busy.
        let options = StreamOptions::new().threads(5);
        let _: Option<()> = stream_for_each(source, task, &options, |_| ControlFlow::Continue(()));
        let blocked_at = *blocked_at.get().expect("the source blocked");
        let ran_at = ran_at.lock().unwrap().expect("item 4,999 ran");
        assert!(
            ran_at < blocked_at + Duration::from_millis(200),
            "item 4,999 ran {:?} after the source blocked",
            ran_at.saturating_duration_since(blocked_at)
        );
    }
}

#[test]
fn breaking_with_cheap_tasks_leaves_no_task_running() {
    for ordered in [true, false] {
        let started = AtomicUsize::new(0);
        let running = AtomicUsize::new(0);
        let pulled = AtomicUsize::new(0);
        let source = (0u64..).inspect(|_| {
            pulled.fetch_add(1, Ordering::Relaxed);
        });
        let task = |x: u64| {
            started.fetch_add(1, Ordering::Relaxed);
            running.fetch_add(1, Ordering::Relaxed);
            let y = spin(x, 1);
            running.fetch_sub(1, Ordering::Relaxed);
            y
        };
        let mut options = StreamOptions::new();
        if !ordered {
            options = options.unordered();
        }
        let mut delivered = 0u64;
        let exit = stream_for_each(source, task, &options, |_| {
            delivered += 1;
            if delivered == 30_000 {
                ControlFlow::Break(Some(delivered))
            } else {
                ControlFlow::Continue(())
            }
        });
        assert_eq!(exit, Some(30_000));
        assert_eq!(running.load(Ordering::Relaxed), 0, "a task still runs");
        let (started_then, pulled_then) = (
            started.load(Ordering::Relaxed),
            pulled.load(Ordering::Relaxed),
        );
        thread::sleep(Duration::from_millis(20));
        assert_eq!(
            started.load(Ordering::Relaxed),
            started_then,
            "a task started later"
        );
        assert_eq!(
            pulled.load(Ordering::Relaxed),
            pulled_then,
            "the source was pulled later"
        );
    }
}

#[test]
fn with_a_dedicated_pool_only_its_threads_run_the_tasks() {
    // Cheap tasks, so that with the default pool the calling thread would run some.
    let pools: Vec<usize> =
        par_for_runtime::stream(0..20_000u64, |_| par_for_runtime::current_threads())
            .threads(3)
            .collect();
    assert!(
        pools.iter().all(|&n| n == 3),
        "the function form ran a task off its pool"
    );
    let mut seen = Vec::new();
    let options = StreamOptions::new().threads(3);
    let _: Option<()> = stream_for_each(
        0..20_000u64,
        |_| par_for_runtime::current_threads(),
        &options,
        |n| {
            seen.push(n);
            ControlFlow::Continue(())
        },
    );
    assert_eq!(seen.len(), 20_000);
    assert!(
        seen.iter().all(|&n| n == 3),
        "the loop form ran a task off its pool"
    );
}
