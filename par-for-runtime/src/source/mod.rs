//! The kinds of source a loop runs over ([`Native`], [`Unindexed`], [`Bridge`]) and how
//! each runs on the pool ([`Source`]): for every item, to the first `Some`, or folded.
//! A [`NotSend`] iterator cannot go to the pool; `looping` has what a loop runs over,
//! [`LoopSource`]: the other kinds on the pool, a `NotSend` pulled by the calling thread.
//!
//! Which kind a loop's `EXPR` becomes is chosen by type in `dispatch`.

mod dispatch;
mod looping;

#[cfg(target_pointer_width = "64")]
pub use dispatch::ViaWideRange;
pub use dispatch::{
    Probe, Receiver, Recover, ViaBorrowedIter, ViaBridge, ViaIndexedRayon, ViaNotSend, ViaRayon,
    ViaRecover,
};
pub use looping::LoopSource;

use rayon::iter::{
    IndexedParallelIterator, IntoParallelIterator, ParallelBridge, ParallelIterator,
};

use std::panic;

use crate::fuse::{Keep, OnPanic};
use crate::indexed::{drive, FindFirst, Fold};
use crate::way::Site;

/// An indexed parallel iterator rayon splits natively (no bridge).
#[derive(Debug)]
pub struct Native<P>(pub(crate) P);

/// A parallel iterator rayon splits natively without knowing positions (maps, sets).
#[derive(Debug)]
pub struct Unindexed<P>(pub(crate) P);

/// A serial iterator fed to the pool through rayon's bridge, one item at a time.
#[derive(Debug)]
pub struct Bridge<I>(pub(crate) I);

/// A borrowed serial iterator (`it.by_ref()`, `&mut it`): a loop that can leave early
/// reads it exactly as far as the serial loop, its items one after another, so that
/// what it did not reach stays for the iterator's owner (see [`LoopSource`]).
#[derive(Debug)]
pub struct Borrowed<I>(pub(crate) I);

/// A serial iterator that cannot be sent to the pool's threads, or whose items cannot
/// (`stdin().lock().lines()`, `rx.iter()`, `slice.iter()` over items that are not
/// `Sync`). A loop pulls it on its calling thread when its items are `Send` (see
/// [`LoopSource`]); otherwise, and in a pipeline, the compiler says so, with what to
/// write instead, where it runs (see `dispatch`).
#[derive(Debug)]
pub struct NotSend<I>(pub(crate) I);

/// What a source's items are, asking no more of it than that (a [`NotSend`] has items
/// too): so that the loop body's type is known, and a source the loop cannot run over
/// is reported once, where it runs, as not being a [`Source`].
pub trait Items {
    /// The item each iteration gets.
    type Item;
}

impl<P: ParallelIterator> Items for Native<P> {
    type Item = P::Item;
}

impl<P: ParallelIterator> Items for Unindexed<P> {
    type Item = P::Item;
}

impl<I: Iterator> Items for Bridge<I> {
    type Item = I::Item;
}

impl<I: Iterator> Items for NotSend<I> {
    type Item = I::Item;
}

impl<I: Iterator> Items for Borrowed<I> {
    type Item = I::Item;
}

/// A serial iterator's number of items, when its `size_hint` says it exactly.
pub(crate) fn exact_len<I: Iterator>(items: &I) -> Option<usize> {
    match items.size_hint() {
        (low, Some(high)) if low == high => Some(low),
        _ => None,
    }
}

/// How one loop runs: its task size and what its site learnt.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    pub(crate) min_len: Option<usize>,
    pub(crate) site: Option<&'a Site>,
}

/// Something the pool can run a loop over: a [`Native`], [`Unindexed`] or [`Bridge`].
///
/// Every way of running stops starting new items after a panic in one, and re-raises
/// the panic on the calling thread.
#[diagnostic::on_unimplemented(
    message = "`#[par_for]` cannot share out the items of this source: it is an iterator that cannot be sent to the pool's threads, or whose items cannot",
    label = "this loop's source is `{Self}`",
    note = "a parallel loop runs over a range, a collection (`Vec`, slice, array, map, set) or a reference to one, or an `Iterator` that is `Send` with `Send` items",
    note = "read the items into a `Vec` first (`let items: Vec<_> = SOURCE.collect();`), give a generic iterator a `+ Send` bound (items borrowed from a slice need `T: Sync`), or stream it: `#[par_for(stream)] for r in SOURCE.map(TASK) {{ .. }}` keeps the source on the calling thread"
)]
pub trait Source: Send + Sized {
    /// The item each iteration gets.
    type Item: Send;
    /// Whether rayon splits it natively (for tests and diagnostics).
    const NATIVE: bool;
    /// The number of items, when known before the loop (for the progress bar).
    fn len_hint(&self) -> Option<usize>;
    /// Runs `op` for every item.
    fn drive_for_each<F>(self, run: Run<'_>, op: F)
    where
        F: Fn(Self::Item) + Sync + Send;
    /// Runs `op` for items in parallel and returns the first `Some` in iteration order;
    /// items after it are not started once it is known, every item before it completes.
    /// A panic in `op` unwinds, or is a result (`Some`) like the others, as `on_panic`
    /// says.
    fn drive_find_first<F, T, K>(self, run: Run<'_>, op: F, on_panic: K) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send,
        K: OnPanic<Option<T>>;
    /// Folds items in order into accumulators (one per task, made by `identity`, updated
    /// in place by `fold(&mut acc, item)`) and combines those in order,
    /// `combine(left, right)`; a task stops folding once `done(acc)`. A panic in a task
    /// unwinds, or becomes its accumulator, as `on_panic` says.
    #[allow(clippy::too_many_arguments)]
    fn drive_fold<A, ID, F, C, D, K>(
        self,
        run: Run<'_>,
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
}

impl<P: IndexedParallelIterator> Source for Native<P> {
    type Item = P::Item;
    const NATIVE: bool = true;
    fn len_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
    /// A panic is its task's result, so that the earliest in order is raised, as the
    /// serial loop meets it first: a later one, sooner in time, stops only the tasks
    /// after it.
    fn drive_for_each<F>(self, run: Run<'_>, op: F)
    where
        F: Fn(Self::Item) + Sync + Send,
    {
        let each = FindFirst(
            |item| {
                op(item);
                None
            },
            Keep(Some),
        );
        if let Some(payload) = drive(self.0, run.min_len, run.site, each) {
            panic::resume_unwind(payload)
        }
    }
    fn drive_find_first<F, T, K>(self, run: Run<'_>, op: F, on_panic: K) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send,
        K: OnPanic<Option<T>>,
    {
        drive(self.0, run.min_len, run.site, FindFirst(op, on_panic))
    }
    fn drive_fold<A, ID, F, C, D, K>(
        self,
        run: Run<'_>,
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
        let phases = Fold {
            identity,
            fold,
            combine,
            done,
            on_panic,
        };
        drive(self.0, run.min_len, run.site, phases)
    }
}

/// Rayon sizes the tasks of an unindexed iterator itself, so `min_len` does not apply,
/// and without a length there is no estimate to keep small loops serial.
impl<P: ParallelIterator> Source for Unindexed<P> {
    type Item = P::Item;
    const NATIVE: bool = true;
    fn len_hint(&self) -> Option<usize> {
        self.0.opt_len()
    }
    fn drive_for_each<F>(self, _: Run<'_>, op: F)
    where
        F: Fn(Self::Item) + Sync + Send,
    {
        self.0.panic_fuse().for_each(op)
    }
    /// A panic that `on_panic` keeps is caught per item.
    fn drive_find_first<F, T, K>(self, _: Run<'_>, op: F, on_panic: K) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send,
        K: OnPanic<Option<T>>,
    {
        self.0
            .panic_fuse()
            .find_map_first(|item| on_panic.fold(None, |_| op(item)))
    }
    /// Rayon's tasks are out of reach here: a panic that `on_panic` keeps is caught per
    /// item.
    fn drive_fold<A, ID, F, C, D, K>(
        self,
        _: Run<'_>,
        identity: ID,
        fold: F,
        combine: C,
        _: D,
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
        // Rayon's `fold` moves its accumulator per item: boxed, that is a pointer.
        self.0
            .panic_fuse()
            .fold(
                || Box::new(identity()),
                |mut acc, item| {
                    on_panic.fold_in_place(&mut acc, |acc| fold(acc, item));
                    acc
                },
            )
            .reduce_with(|left, right| Box::new(combine(*left, *right)))
            .map_or_else(identity, |acc| *acc)
    }
}

/// How many bridged items a reduction reads and folds at once.
const BRIDGE_BATCH: usize = 1 << 16;

/// At most this many pieces per thread of a bridged batch, so a reduction makes at
/// most that many accumulators per batch and thread, however often work is stolen
/// (a loaded machine once made 65 per batch with 4 threads).
const PIECES_PER_THREAD: usize = 8;

/// Items pulled one at a time from the serial iterator, so neither `min_len` nor the
/// small-loop estimate applies (but for reductions, which fold native batches).
impl<I> Source for Bridge<I>
where
    I: Iterator + Send,
    I::Item: Send,
{
    type Item = I::Item;
    const NATIVE: bool = false;
    fn len_hint(&self) -> Option<usize> {
        exact_len(&self.0)
    }
    fn drive_for_each<F>(self, _: Run<'_>, op: F)
    where
        F: Fn(Self::Item) + Sync + Send,
    {
        self.0.par_bridge().panic_fuse().for_each(op)
    }
    /// A panic that `on_panic` keeps is caught per item.
    fn drive_find_first<F, T, K>(self, _: Run<'_>, op: F, on_panic: K) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send,
        K: OnPanic<Option<T>>,
    {
        crate::bridge::find_first(self.0, |item| on_panic.fold(None, |_| op(item)))
    }
    /// Bridged items arrive in any order, so they are read into a `Vec`, a batch of
    /// [`BRIDGE_BATCH`] at a time, each folded as a native source while the next is
    /// read: the accumulators then combine in iteration order, as the serial loop's
    /// would, memory holds two batches whatever the length of the source, and once a
    /// batch is `done` (a `break`, `return` or `?`) no more than the batch read
    /// meanwhile is read.
    fn drive_fold<A, ID, F, C, D, K>(
        self,
        run: Run<'_>,
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
        // Fused: the batch read meanwhile may ask again after the `None`, which `for`
        // never does (an iterator that is not fused may give more items then).
        let mut items = self.0.fuse();
        let mut batch: Vec<I::Item> = items.by_ref().take(BRIDGE_BATCH).collect();
        let mut acc: Option<A> = None;
        while !batch.is_empty() {
            let fold_batch = || {
                let min_len = batch.len() / (PIECES_PER_THREAD * rayon::current_num_threads());
                Native(
                    std::mem::take(&mut batch)
                        .into_par_iter()
                        .with_min_len(min_len.max(1)),
                )
                .drive_fold(run, &identity, &fold, &combine, &done, &on_panic)
            };
            let read_next = || items.by_ref().take(BRIDGE_BATCH).collect::<Vec<_>>();
            // Reading goes first: this thread starts on it at once, and the folding
            // is taken up, and split further, by the other threads.
            let (next, folded) = rayon::join(read_next, fold_batch);
            let finished = done(&folded);
            acc = Some(match acc {
                Some(acc) => combine(acc, folded),
                None => folded,
            });
            if finished {
                break;
            }
            batch = next;
        }
        acc.unwrap_or_else(identity)
    }
}
