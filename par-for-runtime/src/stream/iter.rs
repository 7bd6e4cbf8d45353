//! The [`Stream`] iterator and the functions that make it, [`stream`] and
//! [`stream_unordered`]: a stream that owns its source, so runners are `'static` jobs.

use std::fmt;
use std::iter::FusedIterator;

use std::sync::Arc;

use super::deliver::{Pulling, Spawned};
use super::pulling::State as Shared;
use super::Plan;

/// Streams `task` over `source` on the pool and yields the results **in input order**,
/// like Python's `Pool.imap`.
///
/// The source is pulled lazily, in order, under a lock, by the pool's threads and by the
/// thread that iterates the [`Stream`] (as rayon's `par_bridge` pulls): each takes a
/// few items at a time while the source is quick, one at a time once it blocks, and runs
/// the task on them at once. A source whose `size_hint` promises no more items (a
/// channel) is pulled one item at a time and only by the pool's threads, so that a
/// blocked `next` holds back no result already pulled. Each result is yielded on the iterating thread as soon as
/// it and every earlier one are done; while none is ready and tasks are cheap (under
/// 50 µs), that thread runs some tasks itself. At most [`window`](Stream::window) items
/// are in flight (default: 64 × the pool's threads), so the source may be endless and
/// memory stays bounded. Dropping the stream stops it at once; a pool thread that is
/// inside the source's `next` then (a channel waiting for a message) finishes that call
/// before it ends. A panic in the source's `next` is re-raised like one in the task. A
/// source that is not `Send` runs with the loop form, `#[par_for(stream)]`, which keeps
/// it on the calling thread.
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
    Parallel(Box<dyn Iterator<Item = T> + Send>),
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
                return State::Serial(Box::new(items.map(plan.confine(task))));
            }
            let runners = Spawned {
                state: Arc::new(Shared::new(items, task, plan)),
                pool: plan.pool.clone(),
            };
            State::Parallel(Box::new(Pulling::new(runners, plan)))
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
    /// the calling thread, and the loops its tasks start see one thread, as inside
    /// [`with_threads(1, ..)`](crate::with_threads).
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
                State::Parallel(results) => {
                    let next = results.next();
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
