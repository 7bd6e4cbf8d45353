//! The loop form of a stream, [`stream_for_each`] and [`stream_loop`] (which
//! `#[par_for(stream)]` expands to), and its options: the task may borrow, as its
//! runners are jobs of a scope. This module also holds the engine that keeps the source
//! on the calling thread (`Fed`); `engine` chooses it or the one whose runners pull.

use std::ops::ControlFlow;

use super::engine::{Fed, StreamSource};
use super::feed::{Caught, ScopeFeed};
use super::shared::Shared;
use super::window::Window;
use super::Plan;
use crate::progress::Progress;
use crate::task::OnlyReadsOuterVariables;

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
    /// In input order, on the current pool, with the default window: 64 × its threads,
    /// growing up to 1024 × its threads while tasks take under 5 µs.
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

    /// `window = n`: at most `n` items in flight (a fixed window: it does not grow).
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
/// A generic function cannot tell whether `source` is `Send`, so this one keeps it on
/// the calling thread, as a source that is not `Send` needs; `#[par_for(stream)]` looks
/// at the source's type and lets the pool's threads pull a `Send` one (see
/// [`stream_loop`]).
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
    stream_loop(Fed::new(source.into_iter()), task, options, consumer)
}

/// [`stream_for_each`] as `#[par_for(stream)]` calls it, over a source already wrapped
/// by its engine (`engine`: pulled by the pool's threads when it is `Send`, fed by the
/// calling thread otherwise). The task's kind is inferred from its body (see
/// `crate::task`), so that a task that changes an outer variable is reported naming it.
pub fn stream_loop<S, F, T, C, R>(
    source: S,
    task: F,
    options: &StreamOptions,
    consumer: C,
) -> Option<R>
where
    S: StreamSource,
    F: Sync + Send,
    F: OnlyReadsOuterVariables<S::Item, T>, // changes an outer variable? return the values, or use a Mutex
    T: SentToTheBody,
    C: FnMut(T) -> ControlFlow<Option<R>>,
{
    let task = move |item| task.call(item);
    source.run(task, options, consumer)
}

/// A streaming loop's task result, which the pool's threads send to the calling thread
/// for the body: `Send`, asked under this name so that the message says where it goes.
#[diagnostic::on_unimplemented(
    message = "the task of this streaming loop gives `{Self}`, which cannot be sent from the pool's threads to the loop's body",
    label = "the task runs on the pool and its result goes to the body, on the calling thread",
    note = "return something `Send` from the task (an `Arc` instead of an `Rc`, owned data instead of a `Cell` or `RefCell`), and build what is not `Send` in the body"
)]
pub trait SentToTheBody: Send {}
// The error is about this trait, whose message says where the value goes, not about
// the `Send` of a field deep inside its type.
#[diagnostic::do_not_recommend]
impl<T: Send> SentToTheBody for T {}

/// What a stream delivers its results to: the consumer, with the progress bar.
pub(super) type Deliver<'a, T, R> = &'a mut dyn FnMut(T) -> ControlFlow<Option<R>>;

/// Runs a loop whatever its engine: the progress bar, and on a pool of one thread the
/// serial loop (its tasks confined to one thread with `threads = 1`); otherwise
/// `parallel(items, task, plan, deliver)`.
pub(super) fn run<It, F, T, C, R>(
    items: It,
    task: F,
    options: &StreamOptions,
    mut consumer: C,
    parallel: impl FnOnce(std::iter::Fuse<It>, F, &Plan, Deliver<'_, T, R>) -> Option<R>,
) -> Option<R>
where
    It: Iterator,
    F: Fn(It::Item) -> T,
    C: FnMut(T) -> ControlFlow<Option<R>>,
{
    let mut items = items.fuse();
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
        let task = plan.confine(task);
        match items.try_for_each(|item| deliver(task(item))) {
            ControlFlow::Continue(()) => None,
            ControlFlow::Break(exit) => exit,
        }
    } else {
        parallel(items, task, &plan, &mut deliver)
    };
    if let Some(progress) = progress {
        progress.finish();
    }
    exit
}

/// The engine that keeps the source on the calling thread: it pulls items into the
/// queue of a [`Shared`], whose runners are jobs of a scope.
pub(super) fn feed<It, F, T, R>(
    items: It,
    task: F,
    plan: &Plan,
    deliver: Deliver<'_, T, R>,
) -> Option<R>
where
    It: Iterator,
    It::Item: Send,
    F: Fn(It::Item) -> T + Sync + Send,
    T: Send,
{
    let shared = Shared::new(task, plan.threads);
    let shared = &shared;
    match &plan.pool {
        Some(pool) => pool.in_place_scope_fifo(|scope| drive(scope, shared, items, plan, deliver)),
        None => rayon::in_place_scope_fifo(|scope| drive(scope, shared, items, plan, deliver)),
    }
}

/// The calling thread's loop of [`feed`] inside its scope: pulls items into the
/// queue of `shared`, whose runners are jobs of `scope`, and hands results to
/// `deliver` until the source is exhausted or `deliver` breaks. The feed is dropped
/// here, inside the scope, however this ends, so what has not started is skipped before
/// the scope waits for its jobs.
fn drive<'scope, It, F, T, R>(
    scope: &rayon::ScopeFifo<'scope>,
    shared: &'scope Shared<F, T, It::Item>,
    items: It,
    plan: &Plan,
    deliver: Deliver<'_, T, R>,
) -> Option<R>
where
    It: Iterator,
    It::Item: Send + 'scope,
    F: Fn(It::Item) -> T + Sync,
    T: Send,
{
    let mut feed = ScopeFeed {
        items: Caught::new(items),
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
    if let Some(payload) = feed.items.take_panic() {
        drop(feed);
        std::panic::resume_unwind(payload);
    }
    None
}
