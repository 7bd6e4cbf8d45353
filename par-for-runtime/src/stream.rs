//! Streaming: Python's `Pool.imap` and `Pool.imap_unordered` (form 3).
//!
//! The calling thread pulls the source lazily, in order, and queues the items with their
//! indices, as many as the window has room for under one lock (sooner if the source is
//! slow). Runner jobs on the pool (at most one per pool thread, started when items wait
//! and no runner is free) take the queued items oldest first, a share of the queue at a
//! time, run the task and put the results in a shared "done" list; the calling thread
//! takes them from there and delivers them, in input order through a small reorder
//! buffer, or as they completed. Taking the lock per batch rather than per item is what
//! lets microsecond tasks keep up with rayon's `par_bridge`.
//! At most `window` items are *in flight* (pulled but not yet delivered): one more is
//! pulled only when one is delivered, so an infinite source works and memory stays flat.
//!
//! Waking a sleeping thread costs microseconds, more than a cheap task. So while results
//! come in fast the calling thread takes them in batches (up to half the window) and
//! yields its core for a few microseconds before it sleeps, and a runner that finds the
//! queue empty waits a few microseconds for more before it ends. As soon as results
//! come in slowly the calling thread goes back to one at a time, with no added latency;
//! batching never holds a result back more than about a millisecond.
//!
//! Leaving early (the consumer breaks, returns or panics, or a [`Stream`] is dropped)
//! stops pulling, empties the queue and raises a stop mark that makes runners skip what
//! they have not started; no thread ever blocks on the stream's behalf. A panic in the
//! task is caught on the runner and re-raised on the calling thread with its original
//! payload.
//!
//! A calling thread that is itself a worker of a pool (a stream nested in a parallel
//! loop) never just sleeps: while it waits it runs pool work, its own stream's runners
//! included, so nested streams cannot deadlock even on two threads.

use std::collections::VecDeque;
use std::fmt;
use std::iter::FusedIterator;
use std::ops::ControlFlow;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use rayon::ThreadPool;

use crate::pool;
use crate::progress::Progress;
use crate::task::OnlyReadsOuterVariables;

/// A finished job: the item's index and the task's value, or the payload of its panic.
type Done<T> = (usize, std::thread::Result<T>);

/// How many items may be in flight per pool thread when no `window` is given.
const WINDOW_PER_THREAD: usize = 64;

/// Streams `task` over `source` on the pool and yields the results **in input order**,
/// like Python's `Pool.imap`.
///
/// The source is pulled lazily on the thread that iterates the [`Stream`]; each result is
/// yielded as soon as it and every earlier one are done (when results pour in, they are
/// handed over in small batches, which may hold one back by up to a millisecond). At most
/// [`window`](Stream::window) items are in flight (default: 64 × the pool's threads), so
/// the source may be endless and memory stays bounded. Dropping the stream stops it.
///
/// The task runs on the calling thread's pool (rayon's global pool, sized by
/// `PAR_FOR_THREADS`, outside any pool) or on a dedicated one with
/// [`threads`](Stream::threads). On a pool of one thread everything runs serially, in
/// order, on the calling thread.
///
/// # Panics
/// Iterating panics, with the original payload, when the task panics on an item; the
/// results of the items before it are yielded first.
///
/// ```
/// let squares: Vec<u64> = par_for_runtime::stream(1..=5u64, |x| x * x).collect();
/// assert_eq!(squares, [1, 4, 9, 16, 25]);
///
/// // An endless source: only what is consumed is computed (give or take a window).
/// let first_big = par_for_runtime::stream(0u64.., |x| x * x)
///     .window(8)
///     .find(|&sq| sq > 1_000);
/// assert_eq!(first_big, Some(1_024));
/// ```
pub fn stream<I, F, T>(source: I, task: F) -> Stream<T>
where
    I: IntoIterator,
    I::IntoIter: Send + 'static,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    Stream::new(source.into_iter(), task, true)
}

/// Like [`stream`], but yields the results **in the order they complete**, like Python's
/// `Pool.imap_unordered`: a slow item does not hold back the ones after it.
///
/// ```
/// let mut lengths: Vec<usize> =
///     par_for_runtime::stream_unordered(["a", "bb", "ccc"], str::len).collect();
/// lengths.sort();
/// assert_eq!(lengths, [1, 2, 3]);
/// ```
pub fn stream_unordered<I, F, T>(source: I, task: F) -> Stream<T>
where
    I: IntoIterator,
    I::IntoIter: Send + 'static,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    Stream::new(source.into_iter(), task, false)
}

/// The iterator of results made by [`stream`] and [`stream_unordered`].
///
/// Configure it with [`window`](Stream::window) and [`threads`](Stream::threads) before
/// pulling the first result; the work starts with the first [`next`](Iterator::next).
///
/// ```
/// let mut results = par_for_runtime::stream(0..100u32, |x| x + 1).window(4).threads(2);
/// assert_eq!(results.next(), Some(1));
/// assert_eq!(results.sum::<u32>(), (2..=100).sum());
/// ```
#[must_use = "a stream does nothing until it is iterated"]
pub struct Stream<T> {
    window: Option<usize>,
    threads: Option<usize>,
    ordered: bool,
    state: State<T>,
}

/// Builds the running state of a stream once its pool and window are known.
type Start<T> = Box<dyn FnOnce(&Plan) -> State<T> + Send>;

enum State<T> {
    /// Not started.
    Ready(Start<T>),
    /// A pool of one thread: the task runs on the calling thread, in order.
    Serial(Box<dyn Iterator<Item = T> + Send>),
    /// Items in flight on the pool.
    Parallel(Window<T>, Box<dyn Feed<T> + Send>),
    /// Exhausted, or stopped by a panic.
    Over,
}

impl<T: Send + 'static> Stream<T> {
    fn new<It, F>(items: It, task: F, ordered: bool) -> Stream<T>
    where
        It: Iterator + Send + 'static,
        It::Item: Send + 'static,
        F: Fn(It::Item) -> T + Send + Sync + 'static,
    {
        let items = items.fuse();
        let start = move |plan: &Plan| -> State<T> {
            if plan.threads <= 1 {
                return State::Serial(Box::new(items.map(task)));
            }
            let feed = PoolFeed {
                items,
                batch: Vec::new(),
                shared: Arc::new(Shared::new(task, plan.threads)),
                pool: plan.pool.clone(),
            };
            State::Parallel(Window::new(plan), Box::new(feed))
        };
        Stream {
            window: None,
            threads: None,
            ordered,
            state: State::Ready(Box::new(start)),
        }
    }
}

impl<T> Stream<T> {
    /// At most `n` items in flight (pulled from the source but not yet yielded).
    /// The default is 64 × the pool's threads: enough that tasks of about a microsecond
    /// keep every thread busy between two wake-ups of the calling thread. A larger window
    /// smooths out tasks of uneven cost; a smaller one bounds memory more tightly.
    ///
    /// # Panics
    /// If `n` is zero, or if the stream has already started.
    ///
    /// ```
    /// let doubled: Vec<i32> = par_for_runtime::stream(vec![1, 2, 3], |x| 2 * x)
    ///     .window(1)
    ///     .collect();
    /// assert_eq!(doubled, [2, 4, 6]);
    /// ```
    pub fn window(mut self, n: usize) -> Self {
        assert!(n > 0, "par_for: `window` must be at least 1, got 0");
        self.assert_not_started("window");
        self.window = Some(n);
        self
    }

    /// Runs the tasks on a dedicated pool of exactly `n` threads (built once per size
    /// and reused), like `Pool(processes=n)`. With `n == 1` the stream runs serially on
    /// the calling thread.
    ///
    /// # Panics
    /// If `n` is zero, or if the stream has already started.
    ///
    /// ```
    /// let pools: Vec<usize> =
    ///     par_for_runtime::stream(0..3, |_| par_for_runtime::current_threads())
    ///         .threads(3)
    ///         .collect();
    /// assert_eq!(pools, [3, 3, 3]);
    /// ```
    pub fn threads(mut self, n: usize) -> Self {
        assert!(n > 0, "par_for: `threads` must be at least 1, got 0");
        self.assert_not_started("threads");
        self.threads = Some(n);
        self
    }

    fn assert_not_started(&self, option: &str) {
        assert!(
            matches!(self.state, State::Ready(_)),
            "par_for: `{option}` must be set before the stream yields its first result"
        );
    }
}

impl<T> Iterator for Stream<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        loop {
            match &mut self.state {
                State::Serial(results) => return results.next(),
                State::Parallel(window, feed) => {
                    let next = window.next(&mut **feed);
                    if next.is_none() {
                        self.state = State::Over;
                    }
                    return next;
                }
                State::Over => return None,
                State::Ready(_) => {
                    let plan = Plan::new(self.window, self.threads, self.ordered);
                    if let State::Ready(start) = std::mem::replace(&mut self.state, State::Over) {
                        self.state = start(&plan);
                    }
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.state {
            State::Serial(results) => results.size_hint(),
            State::Over => (0, Some(0)),
            State::Ready(_) | State::Parallel(..) => (0, None),
        }
    }
}

impl<T> FusedIterator for Stream<T> {}

impl<T> fmt::Debug for Stream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Ready(_) => "not started",
            State::Serial(_) => "serial",
            State::Parallel(..) => "running",
            State::Over => "over",
        };
        f.debug_struct("Stream")
            .field("ordered", &self.ordered)
            .field("window", &self.window)
            .field("threads", &self.threads)
            .field("state", &state)
            .finish()
    }
}

/// How a `#[par_for(stream)]` loop runs: the options of [`stream_for_each`].
///
/// ```
/// use par_for_runtime::__private::StreamOptions;
///
/// let options = StreamOptions::new().window(8).threads(2).unordered();
/// # let _ = options;
/// ```
#[derive(Clone, Debug)]
pub struct StreamOptions {
    window: Option<usize>,
    threads: Option<usize>,
    ordered: bool,
    progress: Option<String>,
}

impl Default for StreamOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl StreamOptions {
    /// In input order, on the current pool, with the default window (64 × its threads).
    ///
    /// ```
    /// let options = par_for_runtime::__private::StreamOptions::new();
    /// # let _ = options;
    /// ```
    pub fn new() -> Self {
        StreamOptions {
            window: None,
            threads: None,
            ordered: true,
            progress: None,
        }
    }

    /// `window = n`: at most `n` items in flight.
    ///
    /// # Panics
    /// If `n` is zero.
    ///
    /// ```
    /// let options = par_for_runtime::__private::StreamOptions::new().window(16);
    /// # let _ = options;
    /// ```
    pub fn window(mut self, n: usize) -> Self {
        assert!(n > 0, "par_for: `window` must be at least 1, got 0");
        self.window = Some(n);
        self
    }

    /// `threads = n`: run the tasks on a dedicated pool of `n` threads.
    ///
    /// # Panics
    /// If `n` is zero.
    ///
    /// ```
    /// let options = par_for_runtime::__private::StreamOptions::new().threads(3);
    /// # let _ = options;
    /// ```
    pub fn threads(mut self, n: usize) -> Self {
        assert!(n > 0, "par_for: `threads` must be at least 1, got 0");
        self.threads = Some(n);
        self
    }

    /// `unordered`: deliver results in completion order.
    ///
    /// ```
    /// let options = par_for_runtime::__private::StreamOptions::new().unordered();
    /// # let _ = options;
    /// ```
    pub fn unordered(mut self) -> Self {
        self.ordered = false;
        self
    }

    /// `progress` / `progress = "label"`: a progress bar on stderr (when it is a
    /// terminal and the `progress` feature is on), counting delivered results.
    ///
    /// ```
    /// let options = par_for_runtime::__private::StreamOptions::new().progress("decoding");
    /// # let _ = options;
    /// ```
    pub fn progress(mut self, label: impl Into<String>) -> Self {
        self.progress = Some(label.into());
        self
    }
}

/// The loop `#[par_for(stream)] for r in SOURCE.map(TASK) { CONSUMER }`: runs `task` on
/// the pool over `source`, pulled lazily on the calling thread, and calls `consumer` on
/// the calling thread with each result, in input order (or completion order with
/// [`StreamOptions::unordered`]). `task` may borrow locals: the call returns only once
/// every job it started has ended.
///
/// `consumer` returns `Continue(())` to go on, `Break(None)` for `break` and
/// `Break(Some(r))` for `return r`, which this returns as `Some(r)`; it returns `None`
/// when the source is exhausted or after a `break`. Leaving early stops pulling the
/// source, and jobs not yet started are skipped.
///
/// # Panics
/// With the original payload, if `task` panics on an item (after the consumer has seen
/// every earlier result, in ordered mode) or if `consumer` panics.
///
/// ```
/// use std::ops::ControlFlow;
/// use par_for_runtime::__private::{stream_for_each, StreamOptions};
///
/// let offset = 10; // borrowed by the task
/// let mut seen = Vec::new(); // mutated by the consumer
/// let found = stream_for_each(0..1_000u32, |x| x + offset, &StreamOptions::new(), |y| {
///     seen.push(y);
///     if y == 13 {
///         ControlFlow::Break(Some("thirteen"))
///     } else {
///         ControlFlow::Continue(())
///     }
/// });
/// assert_eq!(found, Some("thirteen"));
/// assert_eq!(seen, [10, 11, 12, 13]);
/// ```
pub fn stream_for_each<I, F, T, C, R>(
    source: I,
    task: F,
    options: &StreamOptions,
    consumer: C,
) -> Option<R>
where
    I: IntoIterator,
    I::Item: Send,
    F: Fn(I::Item) -> T + Sync + Send,
    T: Send,
    C: FnMut(T) -> ControlFlow<Option<R>>,
{
    stream_loop(source, task, options, consumer)
}

/// [`stream_for_each`] as `#[par_for(stream)]` calls it: the task's kind is inferred
/// from its body (see `crate::task`), so that a task that changes an outer variable is
/// reported naming it.
pub fn stream_loop<I, F, T, C, R>(
    source: I,
    task: F,
    options: &StreamOptions,
    mut consumer: C,
) -> Option<R>
where
    I: IntoIterator,
    I::Item: Send,
    F: Sync + Send,
    F: OnlyReadsOuterVariables<I::Item, T>, // changes an outer variable? return the values, or use a Mutex
    T: Send,
    C: FnMut(T) -> ControlFlow<Option<R>>,
{
    let task = move |item| task.call(item);
    let mut items = source.into_iter().fuse();
    let progress = options.progress.as_deref().and_then(|label| {
        let (low, high) = items.size_hint();
        let len = (high == Some(low)).then_some(low as u64);
        Progress::start(label, len)
    });
    let mut deliver = |value: T| {
        if let Some(progress) = &progress {
            progress.tick();
        }
        consumer(value)
    };
    let plan = Plan::new(options.window, options.threads, options.ordered);
    let exit = if plan.threads <= 1 {
        match items.try_for_each(|item| deliver(task(item))) {
            ControlFlow::Continue(()) => None,
            ControlFlow::Break(exit) => exit,
        }
    } else {
        let shared = Shared::new(task, plan.threads);
        let shared = &shared;
        match &plan.pool {
            Some(pool) => {
                pool.in_place_scope_fifo(|scope| drive(scope, shared, items, &plan, deliver))
            }
            None => rayon::in_place_scope_fifo(|scope| drive(scope, shared, items, &plan, deliver)),
        }
    };
    if let Some(progress) = progress {
        progress.finish();
    }
    exit
}

/// The calling thread's loop of [`stream_for_each`] inside its scope: pulls items into
/// the queue of `shared`, whose runners are jobs of `scope`, and hands results to
/// `deliver` until the source is exhausted or `deliver` breaks. The feed is dropped
/// here, inside the scope, however this ends, so what has not started is skipped before
/// the scope waits for its jobs.
fn drive<'scope, It, F, T, C, R>(
    scope: &rayon::ScopeFifo<'scope>,
    shared: &'scope Shared<F, T, It::Item>,
    items: It,
    plan: &Plan,
    mut deliver: C,
) -> Option<R>
where
    It: Iterator,
    It::Item: Send + 'scope,
    F: Fn(It::Item) -> T + Sync,
    T: Send,
    C: FnMut(T) -> ControlFlow<Option<R>>,
{
    let mut feed = ScopeFeed {
        items,
        batch: Vec::new(),
        shared,
        scope,
    };
    let mut window = Window::new(plan);
    while let Some(value) = window.next(&mut feed) {
        if let ControlFlow::Break(exit) = deliver(value) {
            return exit;
        }
    }
    None
}

/// Where and how wide a stream runs, fixed when it starts.
struct Plan {
    threads: usize,
    /// The dedicated pool, or `None` for the calling thread's pool.
    pool: Option<Arc<ThreadPool>>,
    window: usize,
    ordered: bool,
}

impl Plan {
    fn new(window: Option<usize>, threads: Option<usize>, ordered: bool) -> Plan {
        let n = pool::threads_for(threads);
        Plan {
            threads: n,
            pool: threads.filter(|_| n > 1).map(pool::sized_pool),
            window: window.unwrap_or(WINDOW_PER_THREAD * n),
            ordered,
        }
    }
}

/// The calling thread's handle on the runners of one stream.
trait Feed<T> {
    /// Pulls up to `max` items from the source and queues them as items `first..`,
    /// starting runners as needed; how many it pulled (fewer once the source is
    /// exhausted).
    fn launch(&mut self, first: usize, max: usize) -> usize;
    /// The shared state of the stream.
    fn exchange(&self) -> &dyn Exchange<T>;
}

/// What the calling thread asks of the shared state, whatever the task and item types.
trait Exchange<T> {
    /// Moves finished results into `into`, first waiting, if there are none, until
    /// `want` holds (or `patience` runs out).
    fn take(&self, want: Want, patience: Option<Duration>, into: &mut Vec<Done<T>>);
    /// Skips every item of index `>= index` not started yet.
    fn stop_from(&self, index: usize);
    /// Stops the stream: skips everything not started, drops what is queued or done.
    fn halt(&self);
}

/// The feed of a [`Stream`]: owns the source; runners are `'static` jobs.
struct PoolFeed<It: Iterator, F, T> {
    items: It,
    batch: Vec<It::Item>,
    shared: Arc<Shared<F, T, It::Item>>,
    pool: Option<Arc<ThreadPool>>,
}

impl<It, F, T> Feed<T> for PoolFeed<It, F, T>
where
    It: Iterator,
    It::Item: Send + 'static,
    F: Fn(It::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    fn launch(&mut self, first: usize, max: usize) -> usize {
        let PoolFeed {
            items,
            batch,
            shared,
            pool,
        } = self;
        shared.pull(items, first, max, batch, || {
            let shared = Arc::clone(shared);
            let runner = move || shared.runner();
            match pool {
                Some(pool) => pool.spawn_fifo(runner),
                None => rayon::spawn_fifo(runner),
            }
        })
    }

    fn exchange(&self) -> &dyn Exchange<T> {
        &*self.shared
    }
}

impl<It: Iterator, F, T> Drop for PoolFeed<It, F, T> {
    fn drop(&mut self) {
        self.shared.halt();
    }
}

/// The feed of [`stream_for_each`]: runners are jobs of a scope, so the task may borrow.
struct ScopeFeed<'a, 'scope, It: Iterator, F, T> {
    items: It,
    batch: Vec<It::Item>,
    shared: &'scope Shared<F, T, It::Item>,
    scope: &'a rayon::ScopeFifo<'scope>,
}

impl<'scope, It, F, T> Feed<T> for ScopeFeed<'_, 'scope, It, F, T>
where
    It: Iterator,
    It::Item: Send + 'scope,
    F: Fn(It::Item) -> T + Sync,
    T: Send,
{
    fn launch(&mut self, first: usize, max: usize) -> usize {
        let shared = self.shared;
        let scope = self.scope;
        shared.pull(&mut self.items, first, max, &mut self.batch, || {
            scope.spawn_fifo(move |_| shared.runner());
        })
    }

    fn exchange(&self) -> &dyn Exchange<T> {
        self.shared
    }
}

impl<It: Iterator, F, T> Drop for ScopeFeed<'_, '_, It, F, T> {
    fn drop(&mut self) {
        self.shared.halt();
    }
}

/// What the calling thread waits for: `count` finished results, or the result of item
/// `front`, or any result once nothing is left in the queue.
#[derive(Clone, Copy, Debug)]
struct Want {
    count: usize,
    front: usize,
}

/// The state one stream's calling thread and runners share.
struct Shared<F, T, X> {
    task: F,
    /// Items of index `>= stop` are skipped: `usize::MAX` while running.
    stop: AtomicUsize,
    /// The lengths of `queued` and `done`, for looking without the lock.
    queued_len: AtomicUsize,
    done_len: AtomicUsize,
    max_runners: usize,
    inner: Mutex<Inner<T, X>>,
    /// Wakes the calling thread when what it waits for is there.
    wake: Condvar,
}

struct Inner<T, X> {
    /// Pulled and not started, oldest first.
    queued: VecDeque<(usize, X)>,
    /// Runner jobs started and not ended.
    runners: usize,
    /// Finished and not taken by the calling thread, in completion order.
    done: Vec<Done<T>>,
    /// What the calling thread waits for, while it sleeps.
    waiting: Option<Want>,
}

impl<F, T, X> Shared<F, T, X> {
    fn new(task: F, max_runners: usize) -> Self {
        Shared {
            task,
            stop: AtomicUsize::new(usize::MAX),
            queued_len: AtomicUsize::new(0),
            done_len: AtomicUsize::new(0),
            max_runners,
            inner: Mutex::new(Inner {
                queued: VecDeque::new(),
                runners: 0,
                done: Vec::new(),
                waiting: None,
            }),
            wake: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner<T, X>> {
        // Nothing panics while holding the lock; recover from poisoning all the same.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Pulls up to `max` items of `items` on the calling thread and queues them as
    /// items `first..`, calling `start_runner` for each runner to start; how many it
    /// pulled. Items are queued in batches, one lock each; what was pulled is handed
    /// over before the next pull whenever the runners have nothing queued (the source
    /// may block, and they must not wait for it) or it has waited [`PULL_PATIENCE`].
    fn pull(
        &self,
        items: &mut impl Iterator<Item = X>,
        first: usize,
        max: usize,
        batch: &mut Vec<X>,
        mut start_runner: impl FnMut(),
    ) -> usize {
        let mut pulled = 0;
        let mut since = Instant::now();
        let mut hand_over = |batch: &mut Vec<X>, pulled: usize| {
            let runners = self.queue(first + pulled - batch.len(), batch);
            (0..runners).for_each(|_| start_runner());
        };
        while pulled < max {
            if !batch.is_empty()
                && (self.queued_len.load(Ordering::Relaxed) == 0
                    || since.elapsed() >= PULL_PATIENCE)
            {
                hand_over(batch, pulled);
                since = Instant::now();
            }
            let Some(item) = items.next() else {
                break;
            };
            batch.push(item);
            pulled += 1;
        }
        hand_over(batch, pulled);
        pulled
    }

    /// Queues the items of `batch` as items `first..` (on the calling thread); how many
    /// runners must be started for them.
    fn queue(&self, first: usize, batch: &mut Vec<X>) -> usize {
        if batch.is_empty() {
            return 0;
        }
        let mut inner = self.lock();
        let count = batch.len();
        inner.queued.extend((first..).zip(batch.drain(..)));
        self.queued_len.store(inner.queued.len(), Ordering::Relaxed);
        let start = (self.max_runners - inner.runners).min(count);
        inner.runners += start;
        start
    }

    /// A runner, on a pool thread: runs queued items, oldest first, a few at a time,
    /// until none is left. Never unwinds: a panic in the task becomes the item's result.
    fn runner(&self)
    where
        F: Fn(X) -> T,
    {
        let mut finished = Vec::new();
        let mut next = Vec::new();
        let mut lingered = false;
        // One item first: a costly task is then never taken in a chunk.
        let mut cheap = false;
        loop {
            let notify = {
                let mut inner = self.lock();
                let notify = self.file(&mut inner, &mut finished);
                let take = if cheap {
                    self.chunk(inner.queued.len())
                } else {
                    inner.queued.len().min(1)
                };
                next.extend(inner.queued.drain(..take));
                self.queued_len.store(inner.queued.len(), Ordering::Relaxed);
                if next.is_empty() && lingered {
                    inner.runners -= 1;
                }
                notify
            };
            if notify {
                self.wake.notify_one();
            }
            if next.is_empty() {
                if lingered {
                    return;
                }
                // The calling thread may be about to queue more: wait a moment for it
                // rather than end, and be started again at the cost of a wake-up.
                lingered = true;
                let since = Instant::now();
                while self.queued_len.load(Ordering::Relaxed) == 0 && since.elapsed() < LINGER {
                    std::thread::yield_now();
                }
                continue;
            }
            lingered = false;
            let started = Instant::now();
            let count = next.len() as u32;
            self.run_chunk(&mut next, &mut finished);
            cheap = started.elapsed() / count < CHEAP_TASK;
        }
    }

    /// How many of `queued` items one runner takes at once when tasks are cheap: a
    /// share small enough that every runner gets some, so that a lock is taken per few
    /// items, not per item. (Costly tasks are taken one at a time: the lock costs them
    /// nothing, and a chunk would hold back the items after the first.)
    fn chunk(&self, queued: usize) -> usize {
        (queued / (2 * self.max_runners))
            .clamp(1, MAX_CHUNK)
            .min(queued)
    }

    /// Runs the items of `chunk` in order into `finished`, skipping those stopped. After
    /// a panic the rest of the chunk is dropped: those items come after it, and nothing
    /// after a panicking item is needed.
    fn run_chunk(&self, chunk: &mut Vec<(usize, X)>, finished: &mut Vec<Done<T>>)
    where
        F: Fn(X) -> T,
    {
        let mut items = chunk.drain(..);
        while let Some((index, item)) = items.next() {
            if index >= self.stop.load(Ordering::Relaxed) {
                quietly(move || drop(item));
                continue;
            }
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| (self.task)(item)));
            if index >= self.stop.load(Ordering::Relaxed) {
                // Stopped meanwhile: nobody will take it, drop it here.
                quietly(move || drop(outcome));
                continue;
            }
            let panicked = outcome.is_err();
            finished.push((index, outcome));
            if panicked {
                let rest: Vec<_> = items.by_ref().collect();
                quietly(move || drop(rest));
            }
        }
    }

    /// Moves a runner's `finished` results to the done list; whether the calling thread
    /// sleeps waiting for what just came.
    fn file(&self, inner: &mut Inner<T, X>, finished: &mut Vec<Done<T>>) -> bool {
        if finished.is_empty() {
            return false;
        }
        let front_done = inner
            .waiting
            .is_some_and(|want| finished.iter().any(|(index, _)| *index == want.front));
        inner.done.append(finished);
        self.done_len.store(inner.done.len(), Ordering::Relaxed);
        match inner.waiting {
            Some(want)
                if inner.done.len() >= want.count || front_done || inner.queued.is_empty() =>
            {
                inner.waiting = None;
                true
            }
            _ => false,
        }
    }
}

impl<F, T, X> Exchange<T> for Shared<F, T, X> {
    fn take(&self, want: Want, patience: Option<Duration>, into: &mut Vec<Done<T>>) {
        let mut want = want;
        let mut deadline = patience.map(|patience| Instant::now() + patience);
        let mut nap = SHORTEST_NAP;
        if patience.is_some() {
            // Results are coming fast: a batch is likely a few microseconds away, less
            // than the cost of sleeping and being woken. Look without the lock.
            let since = Instant::now();
            while self.done_len.load(Ordering::Relaxed) < want.count && since.elapsed() < SPIN {
                std::thread::yield_now();
            }
        }
        let mut inner = self.lock();
        while inner.done.is_empty() {
            // A pool thread runs pool work (maybe this stream's own runners) rather
            // than sleep; the lock is not held meanwhile.
            drop(inner);
            let in_pool = match rayon::yield_now() {
                Some(rayon::Yield::Executed) => {
                    nap = SHORTEST_NAP;
                    inner = self.lock();
                    continue;
                }
                Some(rayon::Yield::Idle) => true,
                None => false,
            };
            inner = self.lock();
            if !inner.done.is_empty() {
                break;
            }
            let now = Instant::now();
            if deadline.is_some_and(|deadline| now >= deadline) {
                // Patience is over: the first result will do.
                deadline = None;
                want = Want {
                    count: 1,
                    front: usize::MAX,
                };
            }
            let sleep = match (in_pool, deadline) {
                (true, Some(deadline)) => Some(nap.min(deadline - now)),
                (true, None) => Some(nap),
                (false, deadline) => deadline.map(|deadline| deadline - now),
            };
            loop {
                inner.waiting = Some(want);
                inner = match sleep {
                    Some(sleep) => {
                        self.wake
                            .wait_timeout(inner, sleep)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0
                    }
                    None => self
                        .wake
                        .wait(inner)
                        .unwrap_or_else(PoisonError::into_inner),
                };
                let woken = inner.waiting.is_none();
                inner.waiting = None;
                // A runner woke us (what we want is there), or a timed sleep is over
                // (a nap, or the patience: then take what is there); else a spurious
                // wake-up: sleep again.
                if woken || sleep.is_some() {
                    break;
                }
            }
            nap = (nap * 2).min(LONGEST_NAP);
        }
        into.append(&mut inner.done);
        self.done_len.store(0, Ordering::Relaxed);
    }

    fn stop_from(&self, index: usize) {
        self.stop.fetch_min(index, Ordering::Relaxed);
    }

    fn halt(&self) {
        self.stop.store(0, Ordering::Relaxed);
        let (queued, done) = {
            let mut inner = self.lock();
            self.queued_len.store(0, Ordering::Relaxed);
            self.done_len.store(0, Ordering::Relaxed);
            (
                std::mem::take(&mut inner.queued),
                std::mem::take(&mut inner.done),
            )
        };
        // Dropped here, on the calling thread, outside the lock.
        drop((queued, done));
    }
}

/// How long a pool thread that found no work sleeps before it looks again.
const SHORTEST_NAP: Duration = Duration::from_micros(20);
const LONGEST_NAP: Duration = Duration::from_millis(1);
/// The longest a result may wait while the calling thread waits for a batch.
const BATCH_PATIENCE: Duration = Duration::from_millis(1);
/// A wait shorter than this means results come fast enough to take them in batches.
const FAST_WAIT: Duration = Duration::from_micros(200);
/// How long the calling thread waiting for a batch yields its core before it sleeps.
const SPIN: Duration = Duration::from_micros(10);
/// How long a runner that found the queue empty waits for more before it ends.
const LINGER: Duration = Duration::from_micros(10);
/// The most items a runner takes from the queue at once.
const MAX_CHUNK: usize = 64;
/// A task shorter than this is cheap enough to be taken with others in a chunk.
const CHEAP_TASK: Duration = Duration::from_micros(50);
/// The longest pulled items wait on the calling thread before they are queued.
const PULL_PATIENCE: Duration = Duration::from_micros(20);

/// Runs `f`, ignoring a panic: a job on the pool must not unwind (a panic out of a
/// spawned job aborts the process).
fn quietly(f: impl FnOnce()) {
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(f)) {
        // Dropping a payload may itself panic; never risk it on a pool thread.
        std::mem::forget(payload);
    }
}

/// The calling thread's side of a stream: how many items are in flight, the results
/// taken from the runners and not yet delivered, and how patient to be.
struct Window<T> {
    ordered: bool,
    capacity: usize,
    /// Items pulled so far: the index of the next one.
    pulled: usize,
    /// Results delivered so far.
    delivered: usize,
    /// Ordered: one slot per item in flight, oldest first, filled as results come.
    /// Unordered: unused.
    slots: VecDeque<Option<std::thread::Result<T>>>,
    /// Unordered: results taken and not yet delivered, in completion order.
    ready: VecDeque<std::thread::Result<T>>,
    /// Scratch space for taking results.
    taken: Vec<Done<T>>,
    /// How many results to wait for at once: 1 while results come slowly, up to half
    /// the window while they come fast.
    batch: usize,
    source_done: bool,
    over: bool,
}

impl<T> Window<T> {
    fn new(plan: &Plan) -> Window<T> {
        Window {
            ordered: plan.ordered,
            capacity: plan.window,
            pulled: 0,
            delivered: 0,
            slots: VecDeque::with_capacity(if plan.ordered { plan.window } else { 0 }),
            ready: VecDeque::new(),
            taken: Vec::new(),
            batch: 1,
            source_done: false,
            over: false,
        }
    }

    /// The next result to deliver, or `None` once the source is exhausted and every
    /// result delivered.
    fn next(&mut self, feed: &mut dyn Feed<T>) -> Option<T> {
        if self.over {
            return None;
        }
        loop {
            let room = self.capacity - (self.pulled - self.delivered);
            if !self.source_done && room > 0 {
                let pulled = feed.launch(self.pulled, room);
                self.pulled += pulled;
                if self.ordered {
                    self.slots.extend((0..pulled).map(|_| None));
                }
                self.source_done = pulled < room;
            }
            let next = if self.ordered {
                match self.slots.front() {
                    Some(Some(_)) => self.slots.pop_front().flatten(),
                    _ => None,
                }
            } else {
                self.ready.pop_front()
            };
            if let Some(outcome) = next {
                return Some(self.deliver(feed, outcome));
            }
            if self.pulled == self.delivered {
                self.over = true;
                return None;
            }
            self.take(feed.exchange());
        }
    }

    /// Waits for finished results and files them.
    fn take(&mut self, exchange: &dyn Exchange<T>) {
        let batched = self.batch > 1;
        let want = Want {
            count: if batched || !self.ordered {
                self.batch
            } else {
                usize::MAX
            },
            front: if batched || !self.ordered {
                usize::MAX
            } else {
                self.delivered
            },
        };
        let started = Instant::now();
        exchange.take(want, batched.then_some(BATCH_PATIENCE), &mut self.taken);
        let waited = started.elapsed();
        let max_batch = (self.capacity / 2).max(1);
        self.batch = if waited < FAST_WAIT {
            (self.batch * 2).min(max_batch)
        } else {
            1
        };
        for (index, outcome) in self.taken.drain(..) {
            if outcome.is_err() {
                // Nothing after a panic is needed: stop pulling, skip what is queued.
                // (Ordered, the items before it still run and are delivered first.)
                self.source_done = true;
                exchange.stop_from(if self.ordered { index + 1 } else { 0 });
            }
            if self.ordered {
                self.slots[index - self.delivered] = Some(outcome);
            } else {
                self.ready.push_back(outcome);
            }
        }
    }

    fn deliver(&mut self, feed: &dyn Feed<T>, outcome: std::thread::Result<T>) -> T {
        self.delivered += 1;
        match outcome {
            Ok(value) => value,
            Err(payload) => {
                self.over = true;
                feed.exchange().halt();
                panic::resume_unwind(payload)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A feed whose "runners" are run by hand, on this thread.
    struct ByHand {
        shared: Shared<fn(u32) -> u32, u32, u32>,
        len: u32,
        launched: Vec<usize>,
    }

    impl Feed<u32> for ByHand {
        fn launch(&mut self, first: usize, max: usize) -> usize {
            let mut batch: Vec<u32> = (first as u32..self.len).take(max).collect();
            self.launched.extend(first..first + batch.len());
            let pulled = batch.len();
            // The runners are started later, by `finish`.
            let _ = self.shared.queue(first, &mut batch);
            pulled
        }

        fn exchange(&self) -> &dyn Exchange<u32> {
            &self.shared
        }
    }

    impl ByHand {
        fn new(len: u32) -> ByHand {
            ByHand {
                shared: Shared::new(|x| x * 10, usize::MAX),
                len,
                launched: Vec::new(),
            }
        }

        /// Runs the queued items whose index is in `which`, in that order.
        fn finish(&self, which: &[usize]) {
            for &wanted in which {
                let item = {
                    let mut inner = self.shared.lock();
                    let at = inner.queued.iter().position(|(i, _)| *i == wanted).unwrap();
                    inner.queued.remove(at).unwrap()
                };
                let outcome = Ok((self.shared.task)(item.1));
                self.shared.lock().done.push((item.0, outcome));
            }
        }
    }

    fn plan(window: usize, ordered: bool) -> Plan {
        Plan {
            threads: 2,
            pool: None,
            window,
            ordered,
        }
    }

    #[test]
    fn ordered_results_are_reordered_and_the_window_bounds_the_flight() {
        let mut feed = ByHand::new(5);
        let mut window = Window::new(&plan(3, true));
        // Nothing is done yet: fill the window by hand, finishing in reverse.
        window.pulled = 0;
        for index in 0..3 {
            assert_eq!(feed.launch(index, 1), 1);
            window.pulled += 1;
            window.slots.push_back(None);
        }
        feed.finish(&[2, 1, 0]);
        assert_eq!(window.next(&mut feed), Some(0));
        assert_eq!(
            feed.launched,
            [0, 1, 2],
            "the window is full: nothing pulled"
        );
        assert_eq!(window.next(&mut feed), Some(10));
        assert_eq!(feed.launched, [0, 1, 2, 3], "one delivered, one pulled");
        feed.finish(&[3]);
        assert_eq!(window.next(&mut feed), Some(20));
        feed.finish(&[4]);
        assert_eq!(window.next(&mut feed), Some(30));
        assert_eq!(window.next(&mut feed), Some(40));
        assert_eq!(window.next(&mut feed), None);
        assert_eq!(window.next(&mut feed), None);
    }

    #[test]
    fn unordered_results_come_in_completion_order() {
        let mut feed = ByHand::new(3);
        let mut window = Window::new(&plan(3, false));
        for index in 0..3 {
            assert_eq!(feed.launch(index, 1), 1);
            window.pulled += 1;
        }
        feed.finish(&[1, 2, 0]);
        let got: Vec<_> = std::iter::from_fn(|| window.next(&mut feed)).collect();
        assert_eq!(got, [10, 20, 0]);
    }

    #[test]
    fn runners_share_the_queue_and_skip_what_is_stopped() {
        let shared = Shared::new(|x: u32| x + 1, 2);
        assert_eq!(
            shared.queue(0, &mut vec![1]),
            1,
            "the first item starts a runner"
        );
        assert_eq!(shared.queue(1, &mut vec![2, 3]), 1, "two at most");
        shared.runner();
        assert_eq!(
            shared.lock().runners,
            1,
            "the queue is empty: that runner ended"
        );
        shared.stop_from(0);
        assert_eq!(shared.queue(3, &mut vec![4]), 1, "a free runner slot");
        shared.runner();
        shared.runner();
        assert_eq!(shared.lock().runners, 0);
        let mut taken = Vec::new();
        let want = Want { count: 1, front: 0 };
        shared.take(want, None, &mut taken);
        let got: Vec<_> = taken.into_iter().map(|(i, r)| (i, r.ok())).collect();
        assert_eq!(got, [(0, Some(2)), (1, Some(3)), (2, Some(4))]);
    }

    #[test]
    fn halting_drops_what_waits() {
        let shared = Shared::<_, Arc<()>, _>::new(|x: Arc<()>| x, 1);
        let item = Arc::new(());
        shared.queue(0, &mut vec![Arc::clone(&item)]);
        shared.halt();
        assert_eq!(Arc::strong_count(&item), 1);
        assert!(shared.lock().queued.is_empty());
    }
}
