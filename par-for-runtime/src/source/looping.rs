//! What a Form 1 loop runs over, [`LoopSource`]: a [`Source`] the pool's threads share
//! out among themselves, a [`NotSend`] iterator, which stays on the calling thread, or a
//! [`Borrowed`] one.
//!
//! An iterator that cannot be sent to the pool's threads (`stdin().lock().lines()`,
//! `rx.iter()`, an `impl Iterator` without `+ Send`, one holding an `Rc`) is pulled by
//! the calling thread, as a stream's source is (`crate::stream`): the pool runs the
//! iterations, and their results come back to the calling thread in order, which
//! combines them there (the first exit, the reduction's accumulators). So the loop has
//! the serial result, memory stays bounded whatever the source's length, and an item
//! already pulled never waits while the source blocks in `next` (a channel whose
//! sender waits for a reply).
//!
//! A [`Borrowed`] iterator (`it.by_ref()`) runs the same way when the loop reads all of
//! it; a loop that can leave it early runs its items one after another, to read it
//! exactly as far as the serial loop.

use std::ops::ControlFlow;

use super::{exact_len, Borrowed, NotSend, Source};
use crate::fuse::OnPanic;
use crate::options::Options;
use crate::pool;
use crate::stream::{stream_for_each, StreamOptions};

/// What a loop (`for_each`, `for_each_flow`, the reductions) runs over: every
/// [`Source`], on the pool, and an iterator that is not `Send` with `Send` items, pulled
/// by the calling thread.
#[diagnostic::on_unimplemented(
    message = "`#[par_for]` cannot share out the items of this source: its items cannot be sent to the pool's threads",
    label = "this loop's source is `{Self}`",
    note = "each iteration runs on one of the pool's threads, and gets its item there: the items must be `Send` (no `Rc`; an item borrowed from a collection needs its element type to be `Sync`: no `Cell` or `RefCell`)",
    note = "loop over something `Send` instead: indices (`for i in 0..v.len()`), owned data, `Arc` for `Rc`, a `Mutex` for a `RefCell`"
)]
pub trait LoopSource: Sized {
    /// The item each iteration gets.
    type Item: Send;
    /// The number of items, when known before the loop (for the progress bar).
    fn len_hint(&self) -> Option<usize>;
    /// Runs `op` for every item, on the pool `options` chose; see
    /// [`Source::drive_for_each`].
    fn run_for_each<F>(self, options: &Options, op: F)
    where
        F: Fn(Self::Item) + Sync + Send;
    /// The first `Some` of `op` in iteration order; see [`Source::drive_find_first`].
    fn run_find_first<F, T, K>(self, options: &Options, op: F, on_panic: K) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send,
        K: OnPanic<Option<T>>;
    /// The items folded in order; see [`Source::drive_fold`]. `done` may end the loop
    /// early (a `break`, `return` or `?`).
    #[allow(clippy::too_many_arguments)]
    fn run_fold<A, ID, F, C, D, K>(
        self,
        options: &Options,
        identity: ID,
        fold: F,
        combine: C,
        done: D,
        on_panic: K,
    ) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(&mut A, Self::Item) + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send,
        K: OnPanic<A>;
    /// [`LoopSource::run_fold`] for a loop that reads every item unless it panics (its
    /// `done` says only whether a panic was kept).
    #[allow(clippy::too_many_arguments)]
    fn run_fold_all<A, ID, F, C, D, K>(
        self,
        options: &Options,
        identity: ID,
        fold: F,
        combine: C,
        panicked: D,
        on_panic: K,
    ) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(&mut A, Self::Item) + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send,
        K: OnPanic<A>,
    {
        self.run_fold(options, identity, fold, combine, panicked, on_panic)
    }
}

impl<S: Source> LoopSource for S {
    type Item = S::Item;
    fn len_hint(&self) -> Option<usize> {
        Source::len_hint(self)
    }
    fn run_for_each<F>(self, options: &Options, op: F)
    where
        F: Fn(Self::Item) + Sync + Send,
    {
        pool::install(options.threads, || self.drive_for_each(options.run(), op))
    }
    fn run_find_first<F, T, K>(self, options: &Options, op: F, on_panic: K) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send,
        K: OnPanic<Option<T>>,
    {
        pool::install(options.threads, || {
            self.drive_find_first(options.run(), op, on_panic)
        })
    }
    fn run_fold<A, ID, F, C, D, K>(
        self,
        options: &Options,
        identity: ID,
        fold: F,
        combine: C,
        done: D,
        on_panic: K,
    ) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(&mut A, Self::Item) + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send,
        K: OnPanic<A>,
    {
        pool::install(options.threads, || {
            self.drive_fold(options.run(), identity, fold, combine, done, on_panic)
        })
    }
}

/// Pulled on the calling thread, each item's iteration a task of a stream: its result
/// (nothing, an exit, an accumulator of one item) is delivered back in order, so the
/// first exit and the combined accumulator are the serial loop's. Neither `min_len`
/// nor the small-loop estimate applies: items come one at a time.
impl<I> LoopSource for NotSend<I>
where
    I: Iterator,
    I::Item: Send,
{
    type Item = I::Item;
    fn len_hint(&self) -> Option<usize> {
        exact_len(&self.0)
    }
    /// In completion order: with no exit, only the panic's order matters, and over an
    /// iterator without positions on the pool the first panic in time is raised too.
    fn run_for_each<F>(self, options: &Options, op: F)
    where
        F: Fn(Self::Item) + Sync + Send,
    {
        let options = stream_options(options).unordered();
        stream_for_each(self.0, op, &options, |()| {
            ControlFlow::<Option<()>>::Continue(())
        });
    }
    fn run_find_first<F, T, K>(self, options: &Options, op: F, on_panic: K) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send,
        K: OnPanic<Option<T>>,
    {
        let task = |item| on_panic.fold(None, |_| op(item));
        stream_for_each(self.0, task, &stream_options(options), |left| match left {
            None => ControlFlow::Continue(()),
            Some(left) => ControlFlow::Break(Some(left)),
        })
    }
    /// Each item is folded into an accumulator of its own, which the calling thread
    /// combines into the loop's in order.
    fn run_fold<A, ID, F, C, D, K>(
        self,
        options: &Options,
        identity: ID,
        fold: F,
        combine: C,
        done: D,
        on_panic: K,
    ) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(&mut A, Self::Item) + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send,
        K: OnPanic<A>,
    {
        let task = |item| {
            on_panic.fold(identity(), |mut acc| {
                fold(&mut acc, item);
                acc
            })
        };
        let mut total = Some(identity());
        let finished = stream_for_each(self.0, task, &stream_options(options), |acc| {
            let combined = combine(total.take().expect("the total is put back"), acc);
            if done(&combined) {
                return ControlFlow::Break(Some(combined));
            }
            total = Some(combined);
            ControlFlow::Continue(())
        });
        finished
            .or(total)
            .expect("the total is put back or returned")
    }
}

/// The stream a loop over a [`NotSend`] runs as: on the loop's pool, in order.
fn stream_options(options: &Options) -> StreamOptions {
    match options.threads {
        Some(n) => StreamOptions::new().threads(n),
        None => StreamOptions::new(),
    }
}

/// A borrowed iterator: a loop that can leave early (`run_find_first`, `run_fold`) runs
/// its items one after another on the calling thread, so that it reads the iterator
/// exactly as far as the serial loop (whether item `k + 1` is read depends on item
/// `k`); one that reads every item (`run_for_each`, `run_fold_all`) runs as a
/// [`NotSend`] does, in parallel.
impl<I> LoopSource for Borrowed<I>
where
    I: Iterator,
    I::Item: Send,
{
    type Item = I::Item;
    fn len_hint(&self) -> Option<usize> {
        exact_len(&self.0)
    }
    fn run_for_each<F>(self, options: &Options, op: F)
    where
        F: Fn(Self::Item) + Sync + Send,
    {
        NotSend(self.0).run_for_each(options, op)
    }
    fn run_find_first<F, T, K>(self, _: &Options, op: F, on_panic: K) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send,
        K: OnPanic<Option<T>>,
    {
        let mut items = self.0;
        items.find_map(|item| on_panic.fold(None, |_| op(item)))
    }
    fn run_fold<A, ID, F, C, D, K>(
        self,
        _: &Options,
        identity: ID,
        fold: F,
        _: C,
        done: D,
        on_panic: K,
    ) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(&mut A, Self::Item) + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send,
        K: OnPanic<A>,
    {
        let mut items = self.0;
        let mut acc = identity();
        for item in items.by_ref() {
            on_panic.fold_in_place(&mut acc, |acc| fold(acc, item));
            if done(&acc) {
                break;
            }
        }
        acc
    }
    fn run_fold_all<A, ID, F, C, D, K>(
        self,
        options: &Options,
        identity: ID,
        fold: F,
        combine: C,
        panicked: D,
        on_panic: K,
    ) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(&mut A, Self::Item) + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send,
        K: OnPanic<A>,
    {
        NotSend(self.0).run_fold(options, identity, fold, combine, panicked, on_panic)
    }
}
