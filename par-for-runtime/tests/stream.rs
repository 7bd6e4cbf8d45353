//! Streaming (form 3): order, completion order, bounded windows, early exit, panics,
//! nesting. No assertion depends on timing except the deliberately staggered sleeps
//! of the completion-order test, whose gaps are wide.

use std::ops::ControlFlow;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use par_for_runtime::__private::{stream_for_each, StreamOptions};
use par_for_runtime::{stream, stream_unordered, with_threads};
use rayon::prelude::*;

fn work(x: u64) -> u64 {
    x.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ x
}

/// The payload of the panics these tests raise on purpose.
#[derive(Debug, PartialEq)]
struct Boom(u64);

fn payload_of(result: thread::Result<()>) -> Boom {
    let payload = result.expect_err("the panic must reach the caller");
    match payload.downcast::<Boom>() {
        Ok(boom) => *boom,
        Err(other) => panic!("the original payload was lost: {other:?}"),
    }
}

#[test]
fn ordered_output_equals_the_serial_map() {
    let serial: Vec<u64> = (0..5_000).map(work).collect();
    let streamed: Vec<u64> = stream(0..5_000, work).collect();
    assert_eq!(streamed, serial);
    let on_three: Vec<u64> = stream(0..5_000, work).threads(3).window(5).collect();
    assert_eq!(on_three, serial);
}

#[test]
fn ordered_output_holds_when_later_items_finish_first() {
    // Early items are the slow ones, so results arrive in reverse and must be reordered.
    let got: Vec<u64> = stream(0..12u64, |x| {
        thread::sleep(Duration::from_millis(12 - x));
        x
    })
    .threads(4)
    .collect();
    assert_eq!(got, (0..12).collect::<Vec<_>>());
}

#[test]
fn unordered_yields_in_completion_order() {
    let delays = [200, 10, 100];
    let order: Vec<usize> = stream_unordered(0..3usize, move |i| {
        thread::sleep(Duration::from_millis(delays[i]));
        i
    })
    .threads(4)
    .collect();
    assert_eq!(order, [1, 2, 0]);
}

#[test]
fn costly_tasks_are_taken_one_at_a_time() {
    // Cheap tasks are taken from the queue a few at a time; a costly one must not hold
    // back the items queued after it: 15 items of 5 ms all finish on the second thread
    // while the first sleeps 200 ms on item 0.
    let order: Vec<u64> = stream_unordered(0..16u64, |i| {
        thread::sleep(Duration::from_millis(if i == 0 { 200 } else { 5 }));
        i
    })
    .threads(2)
    .collect();
    assert_eq!(order.last(), Some(&0), "completion order: {order:?}");
}

#[test]
fn a_pulled_item_starts_while_the_source_blocks_on_the_next() {
    // The first item comes at once, the second only after 300 ms: the task of the
    // first must not wait in a batch for the second.
    let start = Instant::now();
    let source = (0..2u64).inspect(|&i| {
        if i == 1 {
            thread::sleep(Duration::from_millis(300));
        }
    });
    // A pool of its own (no other test here uses 6 threads): a pool shared with tests
    // running meanwhile may be busy with their tasks for longer than the source blocks.
    let started: Vec<Duration> = stream(source, move |_| start.elapsed())
        .threads(6)
        .collect();
    assert!(
        started[0] < Duration::from_millis(250),
        "the first task started after {:?}",
        started[0]
    );
}

#[test]
fn unordered_yields_every_result_once() {
    let mut got: Vec<u64> = stream_unordered(0..3_000, work).window(7).collect();
    got.sort_unstable();
    let mut want: Vec<u64> = (0..3_000).map(work).collect();
    want.sort_unstable();
    assert_eq!(got, want);
}

#[test]
fn an_infinite_source_with_a_window_of_eight() {
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let source = (0u64..).inspect(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let mut delivered = 0;
    for (i, y) in stream(source, work).window(8).take(1_000).enumerate() {
        assert_eq!(y, work(i as u64));
        delivered += 1;
        // Pulled but not delivered: never more than the window.
        assert!(pulled.load(Ordering::Relaxed) - delivered < 8 + 1);
    }
    assert_eq!(delivered, 1_000);
}

#[test]
fn breaking_early_stops_pulling_the_source() {
    let window = 6;
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let source = (0u64..).inspect(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let mut results = stream(source, |x| x).window(window).threads(2);
    for x in results.by_ref() {
        if x == 10 {
            break;
        }
    }
    drop(results);
    let after_break = pulled.load(Ordering::Relaxed);
    assert!(
        after_break <= 11 + window,
        "pulled {after_break} items for 11 delivered with a window of {window}"
    );
    thread::sleep(Duration::from_millis(20));
    assert_eq!(pulled.load(Ordering::Relaxed), after_break);
}

#[test]
fn the_callback_form_breaks_early_too() {
    let pulled = AtomicUsize::new(0);
    let source = (0u64..).inspect(|_| {
        pulled.fetch_add(1, Ordering::Relaxed);
    });
    let options = StreamOptions::new().threads(2);
    let exit: Option<()> = stream_for_each(source, work, &options, |y| {
        if y == work(10) {
            ControlFlow::Break(None)
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!(exit, None);
    // Default window: 64 per thread, growing to 1024 per thread for cheap tasks.
    assert!(pulled.load(Ordering::Relaxed) <= 11 + 1024 * 2);
}

#[test]
fn the_callback_form_returns_the_value_of_a_return() {
    let limit = 500; // borrowed by the task
    let mut seen = Vec::new();
    let options = StreamOptions::new().window(3);
    let found = stream_for_each(
        0..1_000u64,
        |x| x.min(limit),
        &options,
        |y| {
            seen.push(y);
            if y == 7 {
                ControlFlow::Break(Some(format!("found {y}")))
            } else {
                ControlFlow::Continue(())
            }
        },
    );
    assert_eq!(found.as_deref(), Some("found 7"));
    assert_eq!(seen, (0..=7).collect::<Vec<_>>());

    let none: Option<String> =
        stream_for_each(0..100, work, &options, |_| ControlFlow::Continue(()));
    assert_eq!(none, None);
}

#[test]
fn the_callback_form_runs_unordered() {
    let mut total = 0u64;
    let mut count = 0;
    let options = StreamOptions::new().unordered().threads(3).window(5);
    let exit: Option<()> = stream_for_each(0..2_000u64, work, &options, |y| {
        total = total.wrapping_add(y);
        count += 1;
        ControlFlow::Continue(())
    });
    assert_eq!(exit, None);
    assert_eq!(count, 2_000);
    assert_eq!(total, (0..2_000).map(work).fold(0, u64::wrapping_add));
}

#[test]
fn a_panic_in_the_task_reaches_the_caller_with_its_payload() {
    let mut seen = Vec::new();
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        for y in stream(0..1_000u64, |x| {
            if x == 5 {
                panic::panic_any(Boom(x));
            }
            x
        })
        .threads(2)
        {
            seen.push(y);
        }
    }));
    assert_eq!(payload_of(result), Boom(5));
    // In order, every result before the failing item was delivered first.
    assert_eq!(seen, [0, 1, 2, 3, 4]);
}

#[test]
fn a_panic_in_an_unordered_task_reaches_the_caller() {
    let result = panic::catch_unwind(|| {
        stream_unordered(0u64.., |x| {
            if x == 20 {
                panic::panic_any(Boom(x));
            }
            x
        })
        .for_each(drop);
    });
    assert_eq!(payload_of(result), Boom(20));
}

#[test]
fn a_panic_in_the_task_of_the_callback_form_reaches_the_caller() {
    let options = StreamOptions::new().threads(2);
    let result = panic::catch_unwind(|| {
        let _: Option<()> = stream_for_each(
            0u64..,
            |x| {
                if x == 9 {
                    panic::panic_any(Boom(x));
                }
                x
            },
            &options,
            |_| ControlFlow::Continue(()),
        );
    });
    assert_eq!(payload_of(result), Boom(9));
}

#[test]
fn a_panic_in_the_consumer_leaves_no_thread_behind() {
    let options = StreamOptions::new().threads(2);
    let result = panic::catch_unwind(|| {
        let _: Option<()> = stream_for_each(0u64.., work, &options, |y| {
            if y == work(3) {
                panic::panic_any(Boom(3));
            }
            ControlFlow::Continue(())
        });
    });
    assert_eq!(payload_of(result), Boom(3));

    let result = panic::catch_unwind(|| {
        for (i, _) in stream(0u64.., work).threads(2).enumerate() {
            if i == 4 {
                panic::panic_any(Boom(4));
            }
        }
    });
    assert_eq!(payload_of(result), Boom(4));
    // The pool is still usable: nothing is stuck on it.
    assert_eq!(stream(0..10, work).threads(2).count(), 10);
}

#[test]
fn nested_in_a_parallel_loop_on_two_threads() {
    let sums: Vec<u64> = with_threads(2, || {
        (0..16u64)
            .into_par_iter()
            .map(|i| stream(0..200u64, move |x| x * i).window(3).sum())
            .collect()
    });
    let want: Vec<u64> = (0..16u64)
        .map(|i| (0..200u64).map(|x| x * i).sum())
        .collect();
    assert_eq!(sums, want);

    let counts: Vec<usize> = with_threads(2, || {
        (0..16u64)
            .into_par_iter()
            .map(|i| {
                let mut count = 0;
                let options = StreamOptions::new().window(2);
                let _: Option<()> = stream_for_each(
                    0..100,
                    |x| x + i,
                    &options,
                    |_| {
                        count += 1;
                        ControlFlow::Continue(())
                    },
                );
                count
            })
            .collect()
    });
    assert_eq!(counts, vec![100; 16]);
}

#[test]
fn nested_on_the_same_dedicated_pool() {
    // The outer loop's threads are the stream's own pool.
    let total: u64 = with_threads(2, || {
        (0..8u64)
            .into_par_iter()
            .map(|i| stream(0..100u64, move |x| x + i).threads(2).sum::<u64>())
            .sum()
    });
    assert_eq!(
        total,
        (0..8u64)
            .map(|i| (0..100).map(|x| x + i).sum::<u64>())
            .sum()
    );
}

#[test]
fn one_thread_runs_serially_on_the_calling_thread() {
    let caller = thread::current().id();
    let on_caller = stream(0..50, move |_| thread::current().id() == caller)
        .threads(1)
        .all(|same| same);
    assert!(on_caller);

    let mut order = Vec::new();
    let options = StreamOptions::new().unordered();
    with_threads(1, || {
        let _: Option<()> = stream_for_each(
            0..20,
            |x| (x, thread::current().id()),
            &options,
            |(x, id)| {
                assert_eq!(id, thread::current().id());
                order.push(x);
                ControlFlow::Continue(())
            },
        );
    });
    assert_eq!(order, (0..20).collect::<Vec<_>>());
}

#[test]
fn options_must_be_positive() {
    assert!(panic::catch_unwind(|| StreamOptions::new().window(0)).is_err());
    assert!(panic::catch_unwind(|| StreamOptions::new().threads(0)).is_err());
    assert!(panic::catch_unwind(|| stream(0..1, work).window(0)).is_err());
    assert!(panic::catch_unwind(|| stream(0..1, work).threads(0)).is_err());
}

#[test]
fn an_empty_source_yields_nothing() {
    assert_eq!(stream(Vec::<u64>::new(), work).next(), None);
    let mut stream = stream_unordered(0..0u64, work);
    assert_eq!(stream.next(), None);
    assert_eq!(stream.next(), None);
}

#[test]
fn a_stream_can_move_to_another_thread() {
    fn assert_send<S: Send>(s: S) -> S {
        s
    }
    let mut results = assert_send(stream(0..100u64, work).window(4));
    let first = results.next();
    let rest: Vec<u64> = thread::spawn(move || results.collect()).join().unwrap();
    assert_eq!(first, Some(work(0)));
    assert_eq!(rest, (1..100).map(work).collect::<Vec<_>>());
}

#[test]
fn slow_consumer_fast_tasks_and_the_reverse_agree_with_serial() {
    // Consumer slower than the tasks: results pile up and are taken in batches.
    let mut got = Vec::new();
    for y in stream(0..300u64, work).threads(2) {
        if y % 7 == 0 {
            thread::sleep(Duration::from_micros(200));
        }
        got.push(y);
    }
    assert_eq!(got, (0..300).map(work).collect::<Vec<_>>());
    // Tasks of very uneven cost, unordered: every result exactly once.
    let mut got: Vec<u64> = stream_unordered(0..300u64, |x| {
        if x % 50 == 0 {
            thread::sleep(Duration::from_millis(3));
        }
        work(x)
    })
    .threads(3)
    .window(16)
    .collect();
    got.sort_unstable();
    let mut want: Vec<u64> = (0..300).map(work).collect();
    want.sort_unstable();
    assert_eq!(got, want);
}

#[test]
fn a_stream_inside_the_task_of_a_stream() {
    let sums: Vec<u64> = with_threads(2, || {
        stream(0..20u64, |i| {
            stream(0..50u64, move |x| x * i).window(2).sum()
        })
        .window(4)
        .collect()
    });
    let want: Vec<u64> = (0..20u64)
        .map(|i| (0..50u64).map(|x| x * i).sum())
        .collect();
    assert_eq!(sums, want);
}

/// How many of 20,000 cheap tasks ran on the calling thread, streamed in both forms,
/// checking that the consumer sees every result in input order.
fn cheap_tasks_run_on_the_caller() -> (usize, usize) {
    let caller = thread::current().id();
    let mut by_stream = 0;
    // The default pool: a dedicated one (`threads(n)`) runs every task on its threads.
    for (i, (x, id)) in stream(0..20_000u64, |x| (work(x), thread::current().id())).enumerate() {
        assert_eq!(x, work(i as u64));
        by_stream += usize::from(id == caller);
    }

    let mut next = 0;
    let mut by_callback = 0;
    let options = StreamOptions::new();
    let _: Option<()> = stream_for_each(
        0..20_000u64,
        |x| (work(x), thread::current().id()),
        &options,
        |(x, id)| {
            assert_eq!(x, work(next));
            next += 1;
            by_callback += usize::from(id == caller);
            ControlFlow::Continue(())
        },
    );
    assert_eq!(next, 20_000);
    (by_stream, by_callback)
}

#[test]
fn the_calling_thread_runs_cheap_tasks_and_keeps_the_order() {
    // Whether the calling thread finds a task to run depends on timing: try a few
    // times, checking the order every time, until it has run some in both forms.
    let (mut by_stream, mut by_callback) = (0, 0);
    for _ in 0..50 {
        let (stream, callback) = cheap_tasks_run_on_the_caller();
        by_stream += stream;
        by_callback += callback;
        if by_stream > 0 && by_callback > 0 {
            break;
        }
    }
    assert!(by_stream > 0, "the calling thread ran no task of a Stream");
    assert!(
        by_callback > 0,
        "the calling thread ran no task of stream_for_each"
    );
}

#[test]
fn a_pulled_item_starts_while_the_source_blocks_in_the_callback_form() {
    let start = Instant::now();
    let source = (0..2u64).inspect(|&i| {
        if i == 1 {
            thread::sleep(Duration::from_millis(300));
        }
    });
    let mut started = Vec::new();
    // A pool of its own, as above.
    let options = StreamOptions::new().threads(7);
    let _: Option<()> = stream_for_each(
        source,
        |_| start.elapsed(),
        &options,
        |at| {
            started.push(at);
            ControlFlow::Continue(())
        },
    );
    assert!(
        started[0] < Duration::from_millis(250),
        "the first task started after {:?}",
        started[0]
    );
}

#[test]
fn cheap_tasks_keep_the_order_while_the_source_blocks_now_and_then() {
    // Cheap tasks (the calling thread runs some, pulls come in chunks) and a source
    // that blocks every 100 items: every result, in order.
    let source = (0..2_000u64).inspect(|&i| {
        if i % 100 == 99 {
            thread::sleep(Duration::from_millis(2));
        }
    });
    let got: Vec<u64> = stream(source, work).threads(2).collect();
    assert_eq!(got, (0..2_000).map(work).collect::<Vec<_>>());
}

#[test]
fn a_source_that_is_not_send_stays_on_the_calling_thread() {
    use std::rc::Rc;
    let caller = thread::current().id();
    let shared = Rc::new(());
    let source = (0..500u64).inspect(move |_| {
        let _keep = Rc::clone(&shared); // makes the source !Send
        assert_eq!(thread::current().id(), caller);
    });
    let mut got = Vec::new();
    let options = StreamOptions::new().threads(2);
    let _: Option<()> = stream_for_each(source, work, &options, |y| {
        got.push(y);
        ControlFlow::Continue(())
    });
    assert_eq!(got, (0..500).map(work).collect::<Vec<_>>());
}

#[test]
fn a_channel_is_a_source() {
    let (tx, rx) = std::sync::mpsc::channel();
    let producer = thread::spawn(move || {
        for i in 0..300u64 {
            tx.send(i).unwrap();
            if i % 50 == 0 {
                thread::sleep(Duration::from_millis(1));
            }
        }
    });
    let got: Vec<u64> = stream(rx, work).threads(2).collect();
    producer.join().unwrap();
    assert_eq!(got, (0..300).map(work).collect::<Vec<_>>());
}

#[test]
fn dropping_a_stream_early_leaves_no_runner_behind() {
    // The task holds a clone of `alive`; once every runner has ended, the stream's
    // shared state (and the task with it) is dropped.
    let alive = Arc::new(());
    let task_alive = Arc::clone(&alive);
    let mut results = stream(0u64.., move |x| {
        let _ = &task_alive;
        work(x)
    })
    .threads(2);
    assert_eq!(results.nth(1_000), Some(work(1_000)));
    drop(results);
    let deadline = Instant::now() + Duration::from_secs(5);
    while Arc::strong_count(&alive) > 1 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(Arc::strong_count(&alive), 1, "a runner is still alive");
}

#[test]
fn an_infinite_source_stays_within_the_default_window() {
    // Cheap tasks and a slow consumer: pulled but not delivered never passes the
    // largest default window (1024 per thread, for the callback form; 64 for a Stream).
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let source = (0u64..).inspect(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    for (delivered, _) in stream(source, work).threads(2).take(5_000).enumerate() {
        assert!(pulled.load(Ordering::Relaxed) - delivered <= 64 * 2 + 1);
    }

    let pulled = AtomicUsize::new(0);
    let source = (0u64..).inspect(|_| {
        pulled.fetch_add(1, Ordering::Relaxed);
    });
    let mut delivered = 0;
    let options = StreamOptions::new().threads(2);
    let _: Option<()> = stream_for_each(source, work, &options, |_| {
        delivered += 1;
        assert!(pulled.load(Ordering::Relaxed) - delivered < 1024 * 2 + 1);
        if delivered % 1_000 == 0 {
            thread::sleep(Duration::from_micros(100));
        }
        if delivered == 20_000 {
            ControlFlow::Break(None)
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!(delivered, 20_000);
}

#[test]
fn after_a_panic_every_earlier_result_is_still_delivered() {
    // Cheap tasks: runners hold a few finished results before they file them. When a
    // later item panics, those earlier results must still reach the consumer (dropping
    // them would leave the stream waiting for them forever).
    for _ in 0..20 {
        let mut seen = 0u64;
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            for y in stream(0..100_000u64, |x| {
                if x == 5_000 {
                    panic::panic_any(Boom(x));
                }
                work(x)
            })
            .threads(2)
            {
                assert_eq!(y, work(seen));
                seen += 1;
            }
        }));
        assert_eq!(payload_of(result), Boom(5_000));
        assert_eq!(seen, 5_000);
    }
}

#[test]
fn a_panic_in_the_source_reaches_the_caller_after_every_earlier_result() {
    // The source panics on a runner or on the calling thread: either way the stream
    // ends with that panic, after the results of every item before it.
    for _ in 0..10 {
        let mut seen = 0u64;
        let source = (0..100_000u64).inspect(|&x| {
            if x == 5_000 {
                panic::panic_any(Boom(x));
            }
        });
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            for y in stream(source, work).threads(2) {
                assert_eq!(y, work(seen));
                seen += 1;
            }
        }));
        assert_eq!(payload_of(result), Boom(5_000));
        assert_eq!(seen, 5_000);
    }
}
