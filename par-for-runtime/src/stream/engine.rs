//! Choosing, by the type of a `#[par_for(stream)]` loop's source, which engine runs it.
//!
//! - A source whose iterator and items are `Send` becomes [`Pulled`]: the pool's
//!   threads pull it themselves, as `par_bridge` does (`pulling`, `deliver`), so an
//!   item is made, used and dropped on one thread. They are jobs of the loop's scope,
//!   so the source, the task and the consumer's locals may be borrowed.
//! - Any other (an `Rc` in the iterator, a reader that is not `Send`) becomes [`Fed`]:
//!   the calling thread pulls it into a queue for the runners (`for_each`, `feed`).
//!
//! A generic function cannot ask whether a type is `Send`, so the macro asks at the
//! call site, where the type is known, by autoref-based dispatch on a [`StreamProbe`]
//! (as `crate::source::dispatch` does for form 1):
//! `(&&StreamProbe::new(source, captures)).__par_for_stream_source()` finds
//! [`ViaPulled`] on `&StreamProbe` when its bounds hold, and otherwise, one autoderef
//! later, [`ViaFed`] on `StreamProbe`.
//!
//! One thing the compiler cannot tell there: whether a closure written in the same
//! function is `Send` (its captures are settled after the whole function is checked),
//! so a source holding one would always be taken for `Send`, and one capturing an `Rc`
//! would then fail to compile. The macro names the variables the closures written in
//! the source capture ([`Captures`]), and [`ViaPulled`] also requires each to be `Send +
//! Sync`. A closure written earlier in the function and reached through a variable
//! (`let items = v.iter().map(|x| ..);` then `for r in items.map(task)`) cannot be
//! named so; the macro adds [`Captures::and_unseen`] for it, and the loop runs on the
//! calling thread's engine.
//!
//! # Leaving a loop whose runners pull the source
//!
//! The source is borrowed for the loop, so the loop cannot return while a runner is
//! inside its `next`. After `break`, `return`, `?` or a panic in the consumer, nobody
//! pulls again and runners skip the items they have not started; a runner inside
//! `next` at that moment finishes that call (and pulls nothing after it) before the
//! loop returns. With a source that never blocks that is a few nanoseconds. With one
//! that blocks (a channel, stdin), the loop returns once the pending `next` does: when
//! the next item comes or the source ends (the sender is dropped). Both engines already
//! call `next` ahead of the consumer (up to `window` items), so a source whose `next`
//! waits for something the consumer does after the loop can hang either way; the
//! calling-thread engine would be blocked in that `next` before it delivered the result
//! that breaks, where this one delivers it and waits at the exit.

use std::cell::Cell;
use std::marker::PhantomData;
use std::ops::ControlFlow;

use super::deliver::{Pulling, Scoped};
use super::for_each::{self, Deliver, StreamOptions};
use super::pulling::State;
use super::Plan;

/// A `#[par_for(stream)]` loop's source, waiting to be wrapped by its engine, with the
/// types of what the closures written in it capture; see the module docs.
pub struct StreamProbe<I, W>(Cell<Option<I>>, PhantomData<W>);

impl<I, W> StreamProbe<I, W> {
    /// Holds `source` for the dispatch, with `captures` naming the outer variables its
    /// closures capture.
    pub fn new(source: I, captures: Captures<W>) -> Self {
        let _ = captures;
        StreamProbe(Cell::new(Some(source)), PhantomData)
    }

    fn take(&self) -> I {
        self.0
            .take()
            .expect("par_for: a stream probe is used exactly once")
    }
}

/// The types of the outer variables that the closures written in a loop's source
/// capture, which the macro names: `Captures::new().and(&a).and(&b)`. The compiler
/// cannot tell during the dispatch whether a closure of the same function is `Send`
/// (that is settled after the whole function is checked), but it can for these.
pub struct Captures<W>(PhantomData<W>);

impl Captures<()> {
    /// No variable yet.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Captures(PhantomData)
    }
}

impl<W> Captures<W> {
    /// And the variable `value`.
    pub fn and<T: ?Sized>(self, value: &T) -> Captures<(W, PhantomData<*const T>)> {
        let _ = value;
        Captures(PhantomData)
    }

    /// And something the macro cannot name: a closure written before the loop (reached
    /// through a variable), or one capturing a variable bound inside the source. Its
    /// `Send` is unknown during the dispatch, so the calling thread pulls the source.
    pub fn and_unseen(self) -> Captures<(W, Unseen)> {
        Captures(PhantomData)
    }
}

/// What [`Captures::and_unseen`] adds: never [`AllSendSync`].
pub struct Unseen;

/// Whether every captured variable named in a [`Captures`] is `Send + Sync`, so that
/// any closure capturing them, by reference or by value, is `Send`.
pub trait AllSendSync {}

impl AllSendSync for () {}

impl<W: AllSendSync, T: ?Sized + Send + Sync> AllSendSync for (W, PhantomData<*const T>) {}

/// A source the pool's threads pull themselves: its iterator and items are `Send`.
pub struct Pulled<It>(It);

/// A source the calling thread pulls and hands over: it is not `Send`.
pub struct Fed<It>(It);

impl<It> Fed<It> {
    pub(super) fn new(items: It) -> Self {
        Fed(items)
    }
}

/// A borrowed iterator (`it.by_ref()`, `&mut it`) as the source of a stream whose body
/// can leave it: the code after the loop reads on where the loop stopped, so the
/// calling thread pulls it exactly as far as the serial loop, each item once the body
/// has run for the one before (a `window` of 1; the tasks then run one at a time).
pub struct Exact<It>(It);

/// Dispatch level 0, asked for only when the body can leave the loop (`break`,
/// `return`, `?`, a jump to a loop around it): the source is a borrowed iterator.
pub trait ViaBorrowedStream {
    /// The wrapped source.
    type Source;
    /// Wraps the source for its engine.
    fn __par_for_stream_source(&self) -> Self::Source;
}

impl<'a, I, W> ViaBorrowedStream for &&StreamProbe<&'a mut I, W>
where
    I: Iterator,
    I::Item: Send,
{
    type Source = Exact<&'a mut I>;
    fn __par_for_stream_source(&self) -> Self::Source {
        Exact(self.take())
    }
}

/// Each engine's wrapper gives back the iterator it wraps.
macro_rules! into_wrapped_iterator {
    ($($wrapper:ident),*) => {$(
        impl<It: Iterator> IntoIterator for $wrapper<It> {
            type Item = It::Item;
            type IntoIter = It;
            fn into_iter(self) -> It {
                self.0
            }
        }
    )*};
}

into_wrapped_iterator!(Exact, Pulled, Fed);

impl<It> StreamSource for Exact<It>
where
    It: Iterator,
    It::Item: Send,
{
    fn run<F, T, C, R>(self, task: F, options: &StreamOptions, consumer: C) -> Option<R>
    where
        F: Fn(It::Item) -> T + Sync + Send,
        T: Send,
        C: FnMut(T) -> ControlFlow<Option<R>>,
    {
        let exact = options.clone().window(1);
        for_each::run(self.0, task, &exact, consumer, for_each::feed)
    }
}

/// Dispatch level 1: the source is `Send`, its threads pull it.
pub trait ViaPulled {
    /// The wrapped source.
    type Source;
    /// Wraps the source for its engine.
    fn __par_for_stream_source(&self) -> Self::Source;
}

impl<I, W> ViaPulled for &StreamProbe<I, W>
where
    I: IntoIterator,
    I::IntoIter: Send,
    I::Item: Send,
    W: AllSendSync,
{
    type Source = Pulled<I::IntoIter>;
    fn __par_for_stream_source(&self) -> Self::Source {
        Pulled(self.take().into_iter())
    }
}

/// Dispatch level 2: any other source, pulled by the calling thread.
pub trait ViaFed {
    /// The wrapped source.
    type Source;
    /// Wraps the source for its engine.
    fn __par_for_stream_source(&self) -> Self::Source;
}

impl<I: IntoIterator, W> ViaFed for StreamProbe<I, W> {
    type Source = Fed<I::IntoIter>;
    fn __par_for_stream_source(&self) -> Self::Source {
        Fed(self.take().into_iter())
    }
}

/// A source wrapped by its engine, which runs the loop.
pub trait StreamSource: IntoIterator {
    /// Runs `task` over the source as `options` say, with the results to `consumer`.
    #[doc(hidden)]
    fn run<F, T, C, R>(self, task: F, options: &StreamOptions, consumer: C) -> Option<R>
    where
        F: Fn(Self::Item) -> T + Sync + Send,
        T: Send,
        C: FnMut(T) -> ControlFlow<Option<R>>;
}

impl<It> StreamSource for Pulled<It>
where
    It: Iterator + Send,
    It::Item: Send,
{
    fn run<F, T, C, R>(self, task: F, options: &StreamOptions, consumer: C) -> Option<R>
    where
        F: Fn(It::Item) -> T + Sync + Send,
        T: Send,
        C: FnMut(T) -> ControlFlow<Option<R>>,
    {
        for_each::run(self.0, task, options, consumer, pull)
    }
}

impl<It> StreamSource for Fed<It>
where
    It: Iterator,
    It::Item: Send,
{
    fn run<F, T, C, R>(self, task: F, options: &StreamOptions, consumer: C) -> Option<R>
    where
        F: Fn(It::Item) -> T + Sync + Send,
        T: Send,
        C: FnMut(T) -> ControlFlow<Option<R>>,
    {
        for_each::run(self.0, task, options, consumer, for_each::feed)
    }
}

/// The engine whose runners, jobs of a scope, pull the source.
fn pull<It, F, T, R>(items: It, task: F, plan: &Plan, deliver: Deliver<'_, T, R>) -> Option<R>
where
    It: Iterator + Send,
    It::Item: Send,
    F: Fn(It::Item) -> T + Sync + Send,
    T: Send,
{
    let state = State::new(items, task, plan);
    let state = &state;
    match &plan.pool {
        Some(pool) => pool.in_place_scope_fifo(|scope| deliver_in(scope, state, plan, deliver)),
        None => rayon::in_place_scope_fifo(|scope| deliver_in(scope, state, plan, deliver)),
    }
}

/// The calling thread's loop of [`pull`] inside its scope. The stream is halted here,
/// inside the scope, however this ends, so runners stop before the scope waits for them.
fn deliver_in<'scope, It, F, T, R>(
    scope: &rayon::ScopeFifo<'scope>,
    state: &'scope State<It, F, T>,
    plan: &Plan,
    deliver: Deliver<'_, T, R>,
) -> Option<R>
where
    It: Iterator + Send + 'scope,
    It::Item: Send + 'scope,
    F: Fn(It::Item) -> T + Sync + 'scope,
    T: Send + 'scope,
{
    let mut results = Pulling::new(Scoped { state, scope }, plan);
    while let Some(value) = results.next() {
        if let ControlFlow::Break(exit) = deliver(value) {
            return exit;
        }
    }
    None
}
