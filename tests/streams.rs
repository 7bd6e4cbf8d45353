//! `#[par_for(stream)]` over a `Send` source, which the pool's threads pull themselves:
//! a blocking source holds back nothing already pulled, leaving waits only for a `next`
//! in progress and leaves no thread behind, order and the window hold on an endless
//! source, panics in the task and in the source reach the caller with their payload;
//! and a source that is not `Send` still runs, pulled on the calling thread. The only
//! timings asserted are wide (hundreds of milliseconds) or bound a wait that would
//! otherwise last ten seconds.

use std::panic::{self, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use par_for::par_for;

mod common;

fn work(x: u64) -> u64 {
    x.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ x
}

#[derive(Debug, PartialEq)]
struct Boom(u64);

/// Panics with `Boom(x)` at item 5000 when `here`: in the source or in the task.
fn boom_at_5000(here: bool, x: u64) {
    if here && x == 5_000 {
        panic::panic_any(Boom(x));
    }
}

/// The [`Boom`] a caught panic carries, if it panicked.
fn boom_of(result: thread::Result<()>) -> Option<Boom> {
    result
        .err()
        .map(|payload| *payload.downcast::<Boom>().expect("the original payload"))
}

/// A source that counts the threads inside its `next` and the items it gave, and notes
/// whether the calling thread ever pulled it.
struct Watched<'a, I> {
    items: I,
    inside: &'a AtomicUsize,
    pulled: &'a AtomicUsize,
    caller: ThreadId,
    by_caller: &'a AtomicBool,
}

impl<I: Iterator> Iterator for Watched<'_, I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        if thread::current().id() == self.caller {
            self.by_caller.store(true, Ordering::Relaxed);
        }
        self.inside.fetch_add(1, Ordering::SeqCst);
        let item = self.items.next();
        self.inside.fetch_sub(1, Ordering::SeqCst);
        if item.is_some() {
            self.pulled.fetch_add(1, Ordering::SeqCst);
        }
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

/// What a [`Watched`] source records.
#[derive(Default)]
struct Watch {
    inside: AtomicUsize,
    pulled: AtomicUsize,
    by_caller: AtomicBool,
}

impl Watch {
    fn source<I: Iterator>(&self, items: I) -> Watched<'_, I> {
        Watched {
            items,
            inside: &self.inside,
            pulled: &self.pulled,
            caller: thread::current().id(),
            by_caller: &self.by_caller,
        }
    }
}

/// Streams a channel whose sender sends 40 items and then waits (ten seconds at most)
/// until the consumer has seen all 40 before it hangs up: the consumer must get every
/// result while a runner blocks in `next`. Whether the sender had to give up waiting.
#[par_for]
fn consume_while_the_source_blocks(unordered: bool) -> bool {
    let (tx, rx) = mpsc::channel::<u64>();
    let (seen_tx, seen_rx) = mpsc::channel::<()>();
    let sender = thread::spawn(move || {
        for i in 0..40 {
            tx.send(i).unwrap();
        }
        let gave_up =
            seen_rx.recv_timeout(Duration::from_secs(10)) == Err(RecvTimeoutError::Timeout);
        drop(tx);
        gave_up
    });
    let watch = Watch::default();
    let mut seen = Vec::new();
    if unordered {
        #[par_for(stream, unordered)]
        for y in watch.source(rx.into_iter()).map(work) {
            seen.push(y);
            if seen.len() == 40 {
                let _ = seen_tx.send(());
            }
        }
    } else {
        #[par_for(stream)]
        for y in watch.source(rx.into_iter()).map(work) {
            seen.push(y);
            if seen.len() == 40 {
                let _ = seen_tx.send(());
            }
        }
    }
    if unordered {
        seen.sort_unstable_by_key(|&y| (0..40).position(|i| work(i) == y));
    }
    assert_eq!(seen, (0..40).map(work).collect::<Vec<_>>());
    // With `PAR_FOR_THREADS=1` the loop runs serially: the calling thread pulls.
    assert_eq!(
        watch.by_caller.load(Ordering::Relaxed),
        par_for::current_threads() == 1,
        "whether the calling thread pulled a source that may block"
    );
    sender.join().unwrap()
}

#[test]
fn a_runner_blocked_in_next_holds_back_no_result_pulled_before() {
    for unordered in [false, true] {
        for _ in 0..3 {
            assert!(
                !consume_while_the_source_blocks(unordered),
                "the consumer did not get every result while the source blocked (unordered: {unordered})"
            );
        }
    }
}

/// Breaks at item 5 of a channel that has nothing more to give, once a runner is
/// inside its `next`, while another thread sends one more item (or hangs up) after
/// `delay`: the loop returns once that `next` returns, with no thread inside the source
/// or running the task afterwards. When it returned, relative to when the item was sent.
#[par_for]
fn break_while_a_runner_waits(delay: Duration, hang_up: bool) -> (Instant, Instant) {
    let (tx, rx) = mpsc::channel::<u64>();
    for i in 0..6 {
        tx.send(i).unwrap();
    }
    let running = AtomicUsize::new(0);
    let watch = Watch::default();
    let (sent, returned) = thread::scope(|scope| {
        let sender = scope.spawn(|| {
            thread::sleep(delay);
            let sent = Instant::now();
            if hang_up {
                drop(tx);
            } else {
                let _ = tx.send(6);
            }
            sent
        });
        // A pool of its own: a runner blocks in `next` for 300 ms.
        #[par_for(stream, window = 4, threads = 4)]
        for y in watch.source(rx.into_iter()).map(|x| {
            running.fetch_add(1, Ordering::SeqCst);
            let y = work(x);
            running.fetch_sub(1, Ordering::SeqCst);
            y
        }) {
            if y == work(5) {
                let deadline = Instant::now() + Duration::from_secs(5);
                while watch.inside.load(Ordering::SeqCst) == 0 {
                    assert!(Instant::now() < deadline, "no runner went into `next`");
                    thread::yield_now();
                }
                break;
            }
        }
        let returned = Instant::now();
        assert_eq!(
            watch.inside.load(Ordering::SeqCst),
            0,
            "a thread is inside `next`"
        );
        assert_eq!(running.load(Ordering::SeqCst), 0, "a task still runs");
        (sender.join().unwrap(), returned)
    });
    let pulled = watch.pulled.load(Ordering::SeqCst);
    thread::sleep(Duration::from_millis(20));
    assert_eq!(
        watch.pulled.load(Ordering::SeqCst),
        pulled,
        "pulled after the loop"
    );
    (sent, returned)
}

#[test]
fn break_waits_for_the_next_in_progress_and_no_longer() {
    // Under `PAR_FOR_THREADS=1` no runner reads ahead of the body.
    if common::serial_switch() {
        return;
    }
    for hang_up in [false, true] {
        let (sent, returned) = break_while_a_runner_waits(Duration::from_millis(300), hang_up);
        // A runner was inside `next` at the break: the loop returned after it returned,
        // and soon after.
        assert!(
            returned >= sent,
            "returned while a runner was inside `next`"
        );
        assert!(
            returned - sent < Duration::from_millis(200),
            "returned {:?} after the item came (hang up: {hang_up})",
            returned - sent
        );
    }
}

#[par_for]
fn break_an_endless_source(window: usize) -> (Duration, usize) {
    let watch = Watch::default();
    let mut delivered = 0u64;
    let mut broke = None;
    // A pool of its own: the loop returns once the jobs it started have ended, and the
    // default pool is shared with tests whose runners block for a while.
    #[par_for(stream, window = window, threads = 3)]
    for y in watch.source(0u64..).map(work) {
        assert_eq!(y, work(delivered), "out of order");
        delivered += 1;
        let in_flight = watch.pulled.load(Ordering::SeqCst) - delivered as usize;
        assert!(
            in_flight <= window,
            "{in_flight} items in flight, window {window}"
        );
        if delivered == 30_000 {
            broke = Some(Instant::now());
            break;
        }
    }
    let waited = broke.expect("broke").elapsed();
    let pulled = watch.pulled.load(Ordering::SeqCst);
    thread::sleep(Duration::from_millis(20));
    assert_eq!(
        watch.pulled.load(Ordering::SeqCst),
        pulled,
        "pulled after the loop"
    );
    assert_eq!(watch.inside.load(Ordering::SeqCst), 0);
    (waited, pulled)
}

#[test]
fn an_endless_source_keeps_order_and_window_and_breaks_at_once() {
    for window in [1, 8, 256] {
        let (waited, pulled) = break_an_endless_source(window);
        assert!(
            pulled <= 30_000 + window,
            "pulled {pulled}, window {window}"
        );
        assert!(
            waited < Duration::from_millis(200),
            "returned {waited:?} after the break"
        );
    }
}

#[par_for]
fn sum_of_an_endless_default_window() -> u64 {
    let pulled = AtomicUsize::new(0);
    let caller = thread::current().id();
    let made_elsewhere = AtomicUsize::new(0);
    let mut delivered = 0;
    let mut sum = 0u64;
    #[par_for(stream)]
    for y in (0u64..)
        .inspect(|_| {
            pulled.fetch_add(1, Ordering::Relaxed);
            if thread::current().id() != caller {
                made_elsewhere.fetch_add(1, Ordering::Relaxed);
            }
        })
        .map(work)
    {
        sum = sum.wrapping_add(y);
        delivered += 1;
        // The largest default window: 1024 per pool thread.
        assert!(pulled.load(Ordering::Relaxed) - delivered <= 1024 * par_for::current_threads());
        if delivered == 50_000 {
            break;
        }
    }
    assert!(
        made_elsewhere.load(Ordering::Relaxed) > 0 || par_for::current_threads() == 1,
        "no item of a `Send` source was made on a pool thread"
    );
    sum
}

#[test]
fn a_send_source_is_pulled_by_the_pool_s_threads_within_the_window() {
    let want = (0..50_000u64).map(work).fold(0, u64::wrapping_add);
    for threads in [2, 3] {
        assert_eq!(
            par_for::with_threads(threads, sum_of_an_endless_default_window),
            want
        );
    }
}

#[par_for]
fn stream_with_a_panic(in_source: bool, unordered: bool) -> (u64, Option<Boom>) {
    let mut seen = 0u64;
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let source = (0u64..).inspect(|&x| boom_at_5000(in_source, x));
        if unordered {
            #[par_for(stream, unordered)]
            for _ in source.map(|x| {
                boom_at_5000(!in_source, x);
                work(x)
            }) {
                seen += 1;
            }
        } else {
            #[par_for(stream)]
            for y in source.map(|x| {
                boom_at_5000(!in_source, x);
                work(x)
            }) {
                assert_eq!(y, work(seen));
                seen += 1;
            }
        }
    }));
    (seen, boom_of(result))
}

#[test]
fn a_panic_in_the_task_or_the_source_reaches_the_caller_with_its_payload() {
    for in_source in [false, true] {
        for _ in 0..5 {
            // Ordered: every result before the panicking item comes first.
            let (seen, payload) = stream_with_a_panic(in_source, false);
            assert_eq!(payload, Some(Boom(5_000)), "in the source: {in_source}");
            assert_eq!(seen, 5_000, "in the source: {in_source}");
            // Unordered: the results of later items may come first (the panicking
            // item is in flight while its panic is reported).
            let (_, payload) = stream_with_a_panic(in_source, true);
            assert_eq!(payload, Some(Boom(5_000)), "in the source: {in_source}");
        }
    }
}

#[par_for]
fn through_a_source_that_is_not_send(rx: Receiver<u64>) -> Vec<u64> {
    let caller = thread::current().id();
    let offset = Rc::new(1000);
    let mut got = Vec::new();
    #[par_for(stream)]
    for y in rx
        .iter()
        .map(move |x| {
            assert_eq!(
                thread::current().id(),
                caller,
                "a source that is not `Send` left"
            );
            x + *offset
        })
        .map(work)
    {
        got.push(y);
    }
    got
}

#[test]
fn a_source_that_is_not_send_is_pulled_on_the_calling_thread() {
    let (tx, rx) = mpsc::channel();
    for i in 0..2_000u64 {
        tx.send(i).unwrap();
    }
    drop(tx);
    let got = par_for::with_threads(2, move || through_a_source_that_is_not_send(rx));
    assert_eq!(got, (1000..3_000).map(work).collect::<Vec<_>>());
}

/// A channel whose producer sends the next item only once the body has answered the
/// last one, streamed with `window = 1`; the body leaves at item 5 without answering.
/// How long the loop took: nothing may be waiting in `next` when the body leaves (the
/// producer would answer that call only after five seconds).
#[par_for]
fn ask_and_answer() -> Duration {
    let (tx, rx) = mpsc::channel::<u64>();
    let (answer_tx, answer_rx) = mpsc::channel::<()>();
    let producer = thread::spawn(move || {
        for i in 0.. {
            if tx.send(i).is_err() || answer_rx.recv_timeout(Duration::from_secs(5)).is_err() {
                return;
            }
        }
    });
    let start = Instant::now();
    let mut seen = 0;
    #[par_for(stream, window = 1)]
    for y in rx.into_iter().map(work) {
        assert_eq!(y, work(seen));
        seen += 1;
        if seen == 5 {
            break;
        }
        answer_tx.send(()).unwrap();
    }
    let took = start.elapsed();
    drop(answer_tx);
    producer.join().unwrap();
    took
}

#[test]
fn with_a_window_of_one_nothing_is_pulled_while_the_body_decides() {
    for _ in 0..3 {
        let took = ask_and_answer();
        assert!(took < Duration::from_secs(2), "the loop took {took:?}");
    }
}

/// A source that notes whether a thread other than `caller` pulled it.
struct PulledBy<'a> {
    next: u64,
    end: u64,
    caller: ThreadId,
    elsewhere: &'a AtomicBool,
}

impl Iterator for PulledBy<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        if thread::current().id() != self.caller {
            self.elsewhere.store(true, Ordering::Relaxed);
        }
        (self.next < self.end).then(|| {
            self.next += 1;
            self.next - 1
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.end - self.next) as usize;
        (left, Some(left))
    }
}

/// Sources built before the loop, from closures the macro cannot see from the loop: one
/// capturing an `Rc`, one that moved its `Vec` in, one calling a closure variable.
#[par_for]
fn built_before_the_loop(n: u64) -> (u64, bool) {
    let caller = thread::current().id();
    let elsewhere = AtomicBool::new(false);
    let offset = Rc::new(7u64);
    let items = (0..n).map(|i| {
        if thread::current().id() != caller {
            elsewhere.store(true, Ordering::Relaxed);
        }
        i + *offset
    });
    let mut sum = 0u64;
    #[par_for(stream)]
    for y in items.map(work) {
        sum = sum.wrapping_add(y);
    }
    let table: Vec<u64> = (0..n).collect();
    let moved = (0..n as usize).map(move |i| table[i]);
    #[par_for(stream)]
    for y in moved.map(work) {
        sum = sum.wrapping_add(y);
    }
    let shift = |i: u64| i + *offset;
    #[par_for(stream)]
    for y in (0..n).map(shift).map(work) {
        sum = sum.wrapping_add(y);
    }
    (sum, elsewhere.load(Ordering::Relaxed))
}

#[test]
fn sources_built_before_the_loop_from_closures_over_what_is_not_sync_compile_and_run_here() {
    let n = 20_000u64;
    let want = (0..n)
        .map(|i| work(i + 7))
        .chain((0..n).map(work))
        .chain((0..n).map(|i| work(i + 7)))
        .fold(0, u64::wrapping_add);
    let (sum, elsewhere) = par_for::with_threads(2, || built_before_the_loop(n));
    assert_eq!(sum, want);
    assert!(
        !elsewhere,
        "a source over an `Rc` was pulled off the calling thread"
    );
}

#[par_for]
fn a_struct_source_built_before_the_loop(n: u64) -> (u64, bool) {
    let elsewhere = AtomicBool::new(false);
    let items = PulledBy {
        next: 0,
        end: n,
        caller: thread::current().id(),
        elsewhere: &elsewhere,
    };
    let mut sum = 0u64;
    #[par_for(stream)]
    for y in items.map(|x| (0..64).fold(x, |acc, _| work(acc))) {
        sum = sum.wrapping_add(y);
    }
    (sum, elsewhere.load(Ordering::Relaxed))
}

#[test]
fn a_send_source_built_before_the_loop_without_a_closure_is_still_pulled_by_the_pool() {
    let n = 50_000u64;
    let want = (0..n)
        .map(|x| (0..64).fold(x, |acc, _| work(acc)))
        .fold(0, u64::wrapping_add);
    let (sum, elsewhere) = par_for::with_threads(2, || a_struct_source_built_before_the_loop(n));
    assert_eq!(sum, want);
    // `PAR_FOR_THREADS=1` runs the stream as the serial loop, on the calling thread.
    assert_eq!(
        elsewhere,
        !common::serial_switch(),
        "whether a pool thread pulled a `Send` source"
    );
}

/// [`stream_with_a_panic`] with the source written in the loop's head, where the pool's
/// threads pull it (the `let` there sends the loop to the calling thread's engine).
#[par_for]
fn stream_with_a_panic_in_the_head(in_source: bool) -> (u64, Option<Boom>) {
    let mut seen = 0u64;
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        #[par_for(stream)]
        for y in (0u64..).inspect(|&x| boom_at_5000(in_source, x)).map(|x| {
            boom_at_5000(!in_source, x);
            work(x)
        }) {
            assert_eq!(y, work(seen));
            seen += 1;
        }
    }));
    (seen, boom_of(result))
}

#[test]
fn a_panic_in_a_source_pulled_by_the_pool_comes_after_every_earlier_result() {
    for in_source in [false, true] {
        for _ in 0..5 {
            let (seen, payload) = stream_with_a_panic_in_the_head(in_source);
            assert_eq!(payload, Some(Boom(5_000)), "in the source: {in_source}");
            assert_eq!(seen, 5_000, "in the source: {in_source}");
        }
    }
}

mod source_reads_the_body {
    //! A streaming loop whose source reads what its body changes: with `window = 1` each
    //! item is pulled only once the body has run for the one before, so the source sees
    //! every change, as serially. (Without it, such a loop over a `Cell` or `RefCell` is a
    //! compile error: `tests/ui/fail/stream_source_reads_what_the_body_changes.rs`.)

    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;

    use par_for::par_for;

    #[par_for]
    fn drain(n: u64) -> Vec<u64> {
        let queue = RefCell::new(vec![0u64]);
        let mut out = Vec::new();
        #[par_for(stream, window = 1)]
        for x in std::iter::from_fn(|| queue.borrow_mut().pop()).map(|x| x + 1) {
            out.push(x);
            if x < n {
                queue.borrow_mut().push(x);
            }
        }
        out
    }

    #[par_for]
    fn until_flag(n: u64) -> Vec<u64> {
        let stop = Cell::new(false);
        let mut next = 0;
        let mut out = Vec::new();
        #[par_for(stream, window = 1)]
        for x in std::iter::from_fn(|| {
            next += 1;
            (!stop.get()).then_some(next)
        })
        .map(|x| x * 10)
        {
            out.push(x);
            if x >= n * 10 {
                stop.set(true);
            }
        }
        out
    }

    /// A breadth-first walk of a tree of `pages` pages (page `p` links to `2p + 1` and
    /// `2p + 2`), the frontier a `RefCell<VecDeque>` the body refills.
    #[par_for]
    fn crawl(pages: u64) -> Vec<u64> {
        let frontier = RefCell::new(VecDeque::from([0u64]));
        let mut visited = Vec::new();
        #[par_for(stream, window = 1)]
        for (page, links) in std::iter::from_fn(|| frontier.borrow_mut().pop_front())
            .map(|p| (p, [2 * p + 1, 2 * p + 2]))
        {
            visited.push(page);
            for link in links {
                if link < pages {
                    frontier.borrow_mut().push_back(link);
                }
            }
        }
        visited
    }

    #[test]
    fn a_work_queue_the_body_refills_is_drained_as_serially() {
        assert_eq!(drain(5), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_flag_the_body_sets_stops_the_source_as_serially() {
        assert_eq!(until_flag(5), vec![10, 20, 30, 40, 50]);
    }

    #[test]
    fn a_crawl_visits_every_page_in_breadth_first_order() {
        assert_eq!(crawl(100), (0..100).collect::<Vec<u64>>());
    }
}

mod leave_to_outer_code {
    //! A stream's body runs on the calling thread, in order, so it may leave to code outside
    //! the stream as the serial loop does: a `return` whose value moves variables declared
    //! before the loop (the value is built once the stream has stopped, from the variables
    //! themselves), and a labelled `break`/`continue` to a loop around the stream (the
    //! stream stops, then the jump is made). Each is compared with its serial twin, ordered
    //! and `unordered`, and the items after the exit are not consumed.

    use std::num::ParseIntError;

    use par_for::par_for;

    fn square(i: u64) -> u64 {
        i * i
    }

    // ---- `return` that moves variables declared before the loop ----

    fn prefix_until_serial(n: u64, stop: u64) -> Vec<u64> {
        let mut out = Vec::new();
        for r in (0..n).map(square) {
            out.push(r);
            if r >= stop {
                return out;
            }
        }
        Vec::new()
    }

    #[par_for]
    fn prefix_until(n: u64, stop: u64) -> Vec<u64> {
        let mut out = Vec::new();
        #[par_for(stream)]
        for r in (0..n).map(|i| i * i) {
            out.push(r);
            if r >= stop {
                return out;
            }
        }
        Vec::new()
    }

    #[par_for]
    fn prefix_until_unordered(n: u64, stop: u64) -> Vec<u64> {
        let mut out = Vec::new();
        #[par_for(stream, unordered)]
        for r in (0..n).map(|i| i * i) {
            out.push(r);
            if r >= stop {
                return out;
            }
        }
        Vec::new()
    }

    /// `return Ok(acc)` with an outer `String`, beside a `?`, a `return` that moves the
    /// item and one that reads an outer variable it does not move.
    fn joined_serial(words: &[&str], limit: usize) -> Result<(String, usize), ParseIntError> {
        let mut acc = String::new();
        let mut count = 0;
        let sep = String::from("+");
        for w in words.iter().map(|w| w.to_string()) {
            let n: u64 = w.parse()?;
            if n == 99 {
                return Ok((w, sep.len()));
            }
            if !acc.is_empty() {
                acc.push_str(&sep);
            }
            acc.push_str(&w);
            count += 1;
            if acc.len() >= limit {
                return Ok((acc, count));
            }
        }
        Ok((String::new(), 0))
    }

    #[par_for]
    fn joined(words: &[&str], limit: usize) -> Result<(String, usize), ParseIntError> {
        let mut acc = String::new();
        let mut count = 0;
        let sep = String::from("+");
        #[par_for(stream)]
        for w in words.iter().map(|w| w.to_string()) {
            let n: u64 = w.parse()?;
            if n == 99 {
                return Ok((w, sep.len()));
            }
            if !acc.is_empty() {
                acc.push_str(&sep);
            }
            acc.push_str(&w);
            count += 1;
            if acc.len() >= limit {
                return Ok((acc, count));
            }
        }
        Ok((String::new(), 0))
    }

    #[par_for]
    fn joined_unordered_window_1(
        words: &[&str],
        limit: usize,
    ) -> Result<(String, usize), ParseIntError> {
        let mut acc = String::new();
        let mut count = 0;
        let sep = String::from("+");
        // A window of one item: completion order is input order.
        #[par_for(stream, unordered, window = 1)]
        for w in words.iter().map(|w| w.to_string()) {
            let n: u64 = w.parse()?;
            if n == 99 {
                return Ok((w, sep.len()));
            }
            if !acc.is_empty() {
                acc.push_str(&sep);
            }
            acc.push_str(&w);
            count += 1;
            if acc.len() >= limit {
                return Ok((acc, count));
            }
        }
        Ok((String::new(), 0))
    }

    #[test]
    fn a_return_that_moves_an_outer_vec_returns_the_serial_value() {
        assert_eq!(prefix_until(10, 20), vec![0, 1, 4, 9, 16, 25]);
        for (n, stop) in [(0, 0), (10, 20), (10, 1000), (100_000, 1_000_000), (1, 0)] {
            assert_eq!(prefix_until(n, stop), prefix_until_serial(n, stop));
            let mut unordered = prefix_until_unordered(n, stop);
            // Completion order: the same count of squares, each below the serial limit, or
            // every square when none reaches it.
            let serial = prefix_until_serial(n, stop);
            unordered.sort_unstable();
            if serial.is_empty() {
                assert!(unordered.is_empty());
            } else {
                assert!(unordered.iter().any(|&r| r >= stop));
                assert!(unordered.iter().all(|&r| r < n * n));
            }
        }
    }

    #[test]
    fn a_return_ok_of_an_outer_string_beside_a_question_mark_is_the_serial_one() {
        let cases: [(&[&str], usize); 6] = [
            (&["1", "22", "333", "4444"], 6),
            (&["1", "22", "333", "4444"], 100),
            (&["1", "x", "333"], 100),
            (&["1", "22", "99", "x"], 100),
            (&["5", "6", "7"], 1),
            (&[], 3),
        ];
        for (words, limit) in cases {
            let serial = joined_serial(words, limit);
            assert_eq!(joined(words, limit), serial, "{words:?} {limit}");
            assert_eq!(joined_unordered_window_1(words, limit), serial);
        }
    }

    /// The variables a `return` moves may be a `&mut` parameter, and the value may use
    /// `self`; a parallel loop or another stream inside the body may return them too.
    struct Log {
        name: String,
    }

    impl Log {
        #[par_for]
        fn fill<'a>(&self, out: &'a mut Vec<u64>, stop: u64) -> (&'a mut Vec<u64>, usize) {
            #[par_for(stream)]
            for r in (0..100u64).map(|i| i * 3) {
                out.push(r);
                if r >= stop {
                    return (out, self.name.len());
                }
            }
            (out, 0)
        }

        /// `self` is `&mut` here, and the body changes it too.
        #[par_for]
        fn drain(&mut self, stop: u64) -> (Vec<u64>, String) {
            let mut out = Vec::new();
            #[par_for(stream)]
            for r in (0..100u64).map(|i| i * 3) {
                out.push(r);
                self.name.push('.');
                if r >= stop {
                    return (out, std::mem::take(&mut self.name));
                }
            }
            (out, String::new())
        }
    }

    #[par_for]
    fn nested_returns(n: u64) -> (Vec<u64>, &'static str) {
        let mut out = Vec::new();
        #[par_for(stream)]
        for r in (0..n).map(|i| i + 1) {
            out.push(r);
            #[par_for]
            for k in 0..r {
                if k == 5 {
                    return (out, "parallel loop");
                }
            }
            #[par_for(stream)]
            for k in (0..r).map(|k| k * 2) {
                if k == 8 {
                    return (out, "inner stream");
                }
            }
        }
        (out, "none")
    }

    #[test]
    fn a_return_may_move_a_mut_parameter_use_self_and_come_from_nested_loops() {
        let log = Log {
            name: "abc".to_string(),
        };
        let mut out = vec![7];
        let (filled, len) = log.fill(&mut out, 10);
        assert_eq!((filled.clone(), len), (vec![7, 0, 3, 6, 9, 12], 3));
        let mut log = log;
        assert_eq!(
            log.drain(4),
            (vec![0, 3, 6], "abc...".to_string()),
            "a `&mut self` method"
        );
        assert_eq!(log.name, "");
        assert_eq!(nested_returns(10), (vec![1, 2, 3, 4, 5], "inner stream"));
        assert_eq!(nested_returns(4), (vec![1, 2, 3, 4], "none"));
    }

    // ---- labelled `break` / `continue` to a loop around the stream ----

    fn first_row_with_big_serial(rows: &[Vec<u64>]) -> (Option<usize>, Vec<u64>) {
        let mut found = None;
        let mut consumed = Vec::new();
        'rows: for (i, row) in rows.iter().enumerate() {
            for sq in row.iter().map(|x| x * x) {
                consumed.push(sq);
                if sq > 100 {
                    found = Some(i);
                    break 'rows;
                }
            }
        }
        (found, consumed)
    }

    #[par_for]
    fn first_row_with_big(rows: &[Vec<u64>]) -> (Option<usize>, Vec<u64>) {
        let mut found = None;
        let mut consumed = Vec::new();
        'rows: for (i, row) in rows.iter().enumerate() {
            #[par_for(stream)]
            for sq in row.iter().map(|x| x * x) {
                consumed.push(sq);
                if sq > 100 {
                    found = Some(i);
                    break 'rows;
                }
            }
        }
        (found, consumed)
    }

    /// Per row, the squares up to the first odd one; a row is left at its first odd square.
    fn until_odd_serial(rows: &[Vec<u64>]) -> Vec<(usize, u64)> {
        let mut seen = Vec::new();
        'rows: for (i, row) in rows.iter().enumerate() {
            for sq in row.iter().map(|x| x * x) {
                seen.push((i, sq));
                if sq % 2 == 1 {
                    continue 'rows;
                }
            }
            seen.push((i, u64::MAX));
        }
        seen
    }

    #[par_for]
    fn until_odd(rows: &[Vec<u64>]) -> Vec<(usize, u64)> {
        let mut seen = Vec::new();
        'rows: for (i, row) in rows.iter().enumerate() {
            #[par_for(stream)]
            for sq in row.iter().map(|x| x * x) {
                seen.push((i, sq));
                if sq % 2 == 1 {
                    continue 'rows;
                }
            }
            // Not reached after `continue 'rows`.
            seen.push((i, u64::MAX));
        }
        seen
    }

    #[par_for]
    fn until_odd_unordered_window_1(rows: &[Vec<u64>]) -> Vec<(usize, u64)> {
        let mut seen = Vec::new();
        'rows: for (i, row) in rows.iter().enumerate() {
            #[par_for(stream, unordered, window = 1)]
            for sq in row.iter().map(|x| x * x) {
                seen.push((i, sq));
                if sq % 2 == 1 {
                    continue 'rows;
                }
            }
            seen.push((i, u64::MAX));
        }
        seen
    }

    /// Every kind of jump at once: to the stream's own label, to an inner loop of the body,
    /// to the loop around the stream (`continue`) and to the one around that (`break`), a
    /// `return`, and a labelled block around the stream with a value.
    fn every_jump(grid: &[Vec<i64>]) -> (Vec<i64>, i64) {
        let mut seen = Vec::new();
        let last = 'block: {
            'grid: for _pass in 0..2 {
                'rows: for row in grid {
                    's: for v in row.iter().map(|x| x * 10) {
                        'inner: for k in 0..3 {
                            if k == 1 {
                                break 'inner;
                            }
                            seen.push(k);
                        }
                        if v == 0 {
                            continue 's;
                        }
                        seen.push(v);
                        match v {
                            10 => continue 'rows,
                            20 => break 's,
                            -10 => break 'grid,
                            -20 => break 'block v,
                            -30 => return (seen, -30),
                            _ => {}
                        }
                    }
                }
            }
            0
        };
        (seen, last)
    }

    #[par_for]
    fn every_jump_streamed(grid: &[Vec<i64>]) -> (Vec<i64>, i64) {
        let mut seen = Vec::new();
        let last = 'block: {
            'grid: for _pass in 0..2 {
                'rows: for row in grid {
                    #[par_for(stream)]
                    's: for v in row.iter().map(|x| x * 10) {
                        'inner: for k in 0..3 {
                            if k == 1 {
                                break 'inner;
                            }
                            seen.push(k);
                        }
                        if v == 0 {
                            continue 's;
                        }
                        seen.push(v);
                        match v {
                            10 => continue 'rows,
                            20 => break 's,
                            -10 => break 'grid,
                            -20 => break 'block v,
                            -30 => return (seen, -30),
                            _ => {}
                        }
                    }
                }
            }
            0
        };
        (seen, last)
    }

    #[test]
    fn a_labelled_break_leaves_the_loop_around_the_stream() {
        let rows = vec![vec![1, 2], vec![3, 11, 2], vec![20]];
        assert_eq!(first_row_with_big(&rows).0, Some(1));
        assert_eq!(first_row_with_big(&rows), first_row_with_big_serial(&rows));
        let long: Vec<Vec<u64>> = (0..50)
            .map(|r| {
                (0..2000)
                    .map(|c| if r == 7 && c == 900 { 11 } else { c % 10 })
                    .collect()
            })
            .collect();
        // The squares after the one over 100 are not consumed.
        let (found, consumed) = first_row_with_big(&long);
        assert_eq!(found, Some(7));
        assert_eq!(consumed.len(), 7 * 2000 + 901);
        assert_eq!((found, consumed), first_row_with_big_serial(&long));
        assert_eq!(first_row_with_big(&[]), (None, Vec::new()));
    }

    #[test]
    fn a_labelled_continue_goes_on_with_the_next_item_of_the_loop_around_the_stream() {
        let rows: Vec<Vec<u64>> = vec![
            vec![2, 4, 3, 6, 8],
            vec![],
            vec![2, 4],
            vec![1],
            (0..5000)
                .map(|c| if c == 4000 { 7 } else { 2 * c })
                .collect(),
        ];
        let serial = until_odd_serial(&rows);
        assert_eq!(until_odd(&rows), serial);
        assert_eq!(until_odd_unordered_window_1(&rows), serial);
        // Nothing after the odd square of a row is consumed.
        assert!(!serial.contains(&(0, 36)));
    }

    #[test]
    fn every_jump_out_of_a_stream_body_is_the_serial_one() {
        let grids: [&[&[i64]]; 7] = [
            &[&[1, 2, 3], &[4]],
            &[&[3, 0, 2, 5], &[6, 1, 9]],
            &[&[3, 4], &[5, -1, 7], &[8]],
            &[&[3, -2, 1]],
            &[&[0, 4, -3, 5]],
            &[&[], &[3]],
            &[],
        ];
        for grid in grids {
            let grid: Vec<Vec<i64>> = grid.iter().map(|row| row.to_vec()).collect();
            assert_eq!(every_jump_streamed(&grid), every_jump(&grid), "{grid:?}");
        }
    }

    /// A stream inside a stream: the inner body's jump to the loop around both stops both.
    #[par_for]
    fn nested_streams(rows: &[Vec<u64>]) -> Vec<(usize, u64)> {
        let mut seen = Vec::new();
        'rows: for (i, row) in rows.iter().enumerate() {
            #[par_for(stream)]
            for x in row.iter().map(|x| x + 1) {
                #[par_for(stream)]
                for y in (0..x).map(|y| y * x) {
                    seen.push((i, y));
                    if y >= 6 {
                        continue 'rows;
                    }
                    if y == 5 {
                        break 'rows;
                    }
                }
            }
            seen.push((i, 0));
        }
        seen
    }

    fn nested_streams_serial(rows: &[Vec<u64>]) -> Vec<(usize, u64)> {
        let mut seen = Vec::new();
        'rows: for (i, row) in rows.iter().enumerate() {
            for x in row.iter().map(|x| x + 1) {
                for y in (0..x).map(|y| y * x) {
                    seen.push((i, y));
                    if y >= 6 {
                        continue 'rows;
                    }
                    if y == 5 {
                        break 'rows;
                    }
                }
            }
            seen.push((i, 0));
        }
        seen
    }

    /// A stream inside a parallel loop labelled `'items`: `continue 'items` and
    /// `break 'items` from the stream's body are the parallel loop's own.
    #[par_for]
    fn in_a_parallel_loop(items: &[u64]) -> Option<u64> {
        let found = std::sync::Mutex::new(Vec::new());
        #[par_for]
        'items: for &n in items {
            #[par_for(stream)]
            for d in (1..=n).map(|d| n % d) {
                if d == 3 {
                    continue 'items;
                }
                if n == 50 {
                    break 'items;
                }
            }
            found.lock().unwrap().push(n);
        }
        let mut found = found.into_inner().unwrap();
        found.sort_unstable();
        found.first().copied()
    }

    #[test]
    fn a_jump_from_a_stream_inside_a_stream_or_a_parallel_loop_is_the_serial_one() {
        let rows = vec![vec![1, 2, 5], vec![0], vec![1, 1], vec![4, 9]];
        assert_eq!(nested_streams(&rows), nested_streams_serial(&rows));
        // 7 and 11 leave a remainder of 3 (by 4) and go on with the next item; 6 does not;
        // 50 breaks, after every item before it.
        assert_eq!(in_a_parallel_loop(&[7, 11, 6]), Some(6));
        assert_eq!(in_a_parallel_loop(&[7, 11]), None);
        assert_eq!(in_a_parallel_loop(&[7, 6, 50]), Some(6));
    }
}

/// Counts down from `n`, built with a struct literal.
struct Countdown {
    n: u64,
}

impl Iterator for Countdown {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.n = self.n.checked_sub(1)?;
        Some(self.n)
    }
}

/// A stream's source may start with a struct literal in parentheses, as a `for` loop's
/// may (found testing as a new user: "struct literals are not allowed here").
#[par_for]
fn squares_of_a_countdown(n: u64) -> Vec<u64> {
    let mut out = Vec::new();
    #[par_for(stream)]
    for square in (Countdown { n }).map(|x| x * x) {
        out.push(square);
    }
    out
}

#[test]
fn a_stream_over_a_struct_literal_in_parentheses() {
    let serial: Vec<u64> = (Countdown { n: 50 }).map(|x| x * x).collect();
    assert_eq!(squares_of_a_countdown(50), serial);
}

/// A stream over a borrowed iterator whose body leaves the loop: the code after it
/// reads on where the serial loop stopped.
#[par_for]
fn headers_then_body(text: &str) -> (Vec<String>, Vec<String>) {
    use std::io::BufRead;
    let mut lines = std::io::Cursor::new(text).lines();
    let mut headers = Vec::new();
    #[par_for(stream)]
    for h in lines.by_ref().map(|l| l.unwrap().to_uppercase()) {
        if h.is_empty() {
            break;
        }
        headers.push(h);
    }
    let body: Vec<String> = lines.map(|l| l.unwrap()).collect();
    (headers, body)
}

#[par_for]
fn up_to_the_first_big(v: &[u64]) -> (Vec<u64>, Option<u64>) {
    let mut it = v.iter();
    let mut head = Vec::new();
    #[par_for(stream, unordered)]
    for r in it.by_ref().map(|x| x * 2) {
        head.push(r);
        if r >= 20 {
            break;
        }
    }
    (head, it.next().copied())
}

/// The same with the borrowed iterator inside the source's chain, and as a parameter.
#[par_for]
fn numbered_up_to(it: &mut std::slice::Iter<'_, u64>, stop: u64) -> Vec<(usize, u64)> {
    let mut head = Vec::new();
    #[par_for(stream)]
    for (i, r) in it.by_ref().enumerate().map(|(i, x)| (i, x * 2)) {
        if r >= stop {
            return head;
        }
        head.push((i, r));
    }
    head
}

#[par_for]
fn first_over(it: &mut std::slice::Iter<'_, u64>, stop: u64) -> Option<u64> {
    #[par_for(stream)]
    for r in it.map(|x| x * 3) {
        if r > stop {
            return Some(r);
        }
    }
    None
}

#[test]
fn a_borrowed_source_is_read_exactly_as_far_as_serially_when_the_body_leaves() {
    let w: Vec<u64> = (0..1000).collect();
    for _ in 0..20 {
        let mut it = w.iter();
        let head = numbered_up_to(&mut it, 20);
        assert_eq!(head, (0..10).map(|i| (i, i as u64 * 2)).collect::<Vec<_>>());
        assert_eq!(it.next(), Some(&11));
        let mut it = w.iter();
        assert_eq!(first_over(&mut it, 30), Some(33));
        assert_eq!(it.next(), Some(&12));
    }
    let text = "host: a\naccept: b\n\nline 1\nline 2\n";
    let v: Vec<u64> = (0..1000).collect();
    for _ in 0..20 {
        assert_eq!(
            headers_then_body(text),
            (
                vec!["HOST: A".to_string(), "ACCEPT: B".to_string()],
                vec!["line 1".to_string(), "line 2".to_string()]
            )
        );
        assert_eq!(
            up_to_the_first_big(&v),
            ((0..=10).map(|x| x * 2).collect(), Some(11))
        );
    }
}
