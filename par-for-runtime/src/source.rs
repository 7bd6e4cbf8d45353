//! Turning the `EXPR` of `for PAT in EXPR` into something the pool can run.
//!
//! The type decides, by autoref-based dispatch on a [`Probe`] holding the value:
//! 1. a value rayon can split by index (`IntoParallelIterator` with an indexed
//!    iterator: ranges, `Vec`, `&Vec`, `&mut Vec`, slices, arrays) becomes a [`Native`]
//!    parallel iterator, driven by `crate::indexed`;
//! 2. a range of `u64` or `i64` becomes a [`Native`] iterator split by position (rayon
//!    leaves those unindexed);
//! 3. one rayon can split otherwise (maps, sets) becomes an [`Unindexed`] one;
//! 4. a std iterator whose collection can be recovered ([`Recover`]: `slice::Iter`,
//!    `slice::IterMut`, `vec::IntoIter`) becomes [`Native`];
//! 5. any other `Iterator + Send` becomes a [`Bridge`], fed to the pool on demand.
//!
//! The macro builds a `Probe` from the receiver of `.iter()`/`.iter_mut()`/
//! `.into_iter()` (as `&recv`/`&mut recv`/`recv`) together with a closure that calls
//! the original method, so the serial iterator is only built when rayon cannot split
//! the collection itself. Adapters (`enumerate`, `zip`, `map`, ...) then apply to any kind
//! (see `crate::adapt`).

use std::cell::Cell;

use rayon::iter::{
    IndexedParallelIterator, IntoParallelIterator, ParallelBridge, ParallelIterator,
};

use crate::indexed::{drive, FindFirst, Fold, ForEach};
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

/// A value waiting to be turned into a [`Native`] or a [`Bridge`]; see the module docs.
pub struct Probe<R, F>(Cell<Option<(R, F)>>);

impl<R, F> Probe<R, F> {
    /// `value` is what rayon may split; `serial(value)` is the iterator of the serial
    /// loop, used when it cannot.
    pub fn new<I>(value: R, serial: F) -> Self
    where
        F: FnOnce(R) -> I,
    {
        Probe(Cell::new(Some((value, serial))))
    }

    fn take(&self) -> (R, F) {
        self.0
            .take()
            .expect("par_for: a source probe is used exactly once")
    }
}

/// Dispatch level 2: a range of 64-bit integers, which rayon leaves unindexed. It comes
/// after level 1 so that a range of integer literals still defaults to `i32` there.
#[cfg(target_pointer_width = "64")]
pub trait ViaWideRange {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source for the pool.
    fn __par_for_source(&self) -> Self::Source;
}

#[cfg(target_pointer_width = "64")]
impl<R: crate::wide::IntoWideRange, F> ViaWideRange for &&&Probe<R, F>
where
    crate::wide::WideRange<R::Int>: IndexedParallelIterator,
{
    type Source = Native<crate::wide::WideRange<R::Int>>;
    fn __par_for_source(&self) -> Self::Source {
        Native(self.take().0.into_wide())
    }
}

/// Dispatch level 1: rayon can split the value itself, by index.
pub trait ViaIndexedRayon {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source for the pool.
    fn __par_for_source(&self) -> Self::Source;
}

impl<R, F> ViaIndexedRayon for &&&&Probe<R, F>
where
    R: IntoParallelIterator,
    R::Iter: IndexedParallelIterator,
{
    type Source = Native<R::Iter>;
    fn __par_for_source(&self) -> Self::Source {
        Native(self.take().0.into_par_iter())
    }
}

/// Dispatch level 3: rayon can split the value itself, without positions.
pub trait ViaRayon {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source for the pool.
    fn __par_for_source(&self) -> Self::Source;
}

impl<R: IntoParallelIterator, F> ViaRayon for &&Probe<R, F> {
    type Source = Unindexed<R::Iter>;
    fn __par_for_source(&self) -> Self::Source {
        Unindexed(self.take().0.into_par_iter())
    }
}

/// Dispatch level 4: the serial iterator is one whose collection can be recovered.
pub trait ViaRecover {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source for the pool.
    fn __par_for_source(&self) -> Self::Source;
}

impl<R, F, I> ViaRecover for &Probe<R, F>
where
    F: FnOnce(R) -> I,
    I: Recover,
{
    type Source = Native<I::Native>;
    fn __par_for_source(&self) -> Self::Source {
        let (value, serial) = self.take();
        Native(serial(value).recover())
    }
}

/// Dispatch level 5: any other iterator, bridged.
#[diagnostic::on_unimplemented(
    message = "`#[par_for]` cannot iterate over this source",
    label = "this is neither something rayon can split nor an `Iterator` whose items are `Send`",
    note = "a parallel loop needs a range, a collection (`Vec`, slice, array, map, set), a reference to one, or an `Iterator + Send` with `Send` items"
)]
pub trait ViaBridge {
    /// What the probe becomes.
    type Source;
    /// Turns the probe into a source for the pool.
    fn __par_for_source(&self) -> Self::Source;
}

impl<R, F, I> ViaBridge for Probe<R, F>
where
    F: FnOnce(R) -> I,
    I: Iterator + Send,
    I::Item: Send,
{
    type Source = Bridge<I>;
    fn __par_for_source(&self) -> Self::Source {
        let (value, serial) = self.take();
        Bridge(serial(value))
    }
}

/// A std iterator that still knows its whole collection, so rayon can split it.
pub trait Recover {
    /// The parallel iterator over the same items.
    type Native: IndexedParallelIterator;
    /// Gives up the serial iterator for the parallel one.
    fn recover(self) -> Self::Native;
}

impl<'a, T: Sync + 'a> Recover for std::slice::Iter<'a, T> {
    type Native = rayon::slice::Iter<'a, T>;
    fn recover(self) -> Self::Native {
        self.as_slice().into_par_iter()
    }
}

impl<'a, T: Send + 'a> Recover for std::slice::IterMut<'a, T> {
    type Native = rayon::slice::IterMut<'a, T>;
    fn recover(self) -> Self::Native {
        self.into_slice().into_par_iter()
    }
}

impl<T: Send> Recover for std::vec::IntoIter<T> {
    type Native = rayon::vec::IntoIter<T>;
    fn recover(self) -> Self::Native {
        // Collecting a `vec::IntoIter` back into a `Vec` reuses its buffer in place.
        self.collect::<Vec<T>>().into_par_iter()
    }
}

/// Borrowing a loop's receiver the way a method call would (`v.iter()` borrows `v`,
/// autoref and autoderef included), so the macro can hand `&v` or `&mut v` to a
/// [`Probe`] without knowing `v`'s type.
pub trait Receiver {
    /// `&self`, as `recv.iter()` would take it.
    fn __par_for_ref(&self) -> &Self {
        self
    }
    /// `&mut self`, as `recv.iter_mut()` would take it.
    fn __par_for_mut(&mut self) -> &mut Self {
        self
    }
}

impl<T: ?Sized> Receiver for T {}

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
    fn drive_find_first<F, T>(self, run: Run<'_>, op: F) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send;
    /// Folds items in order into accumulators (one per task, made by `identity`, updated
    /// in place by `fold(&mut acc, item)`) and combines those in order,
    /// `combine(left, right)`; a task stops folding once `done(acc)`.
    fn drive_fold<A, ID, F, C, D>(
        self,
        run: Run<'_>,
        identity: ID,
        fold: F,
        combine: C,
        done: D,
    ) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(&mut A, Self::Item) + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send;
}

impl<P: IndexedParallelIterator> Source for Native<P> {
    type Item = P::Item;
    const NATIVE: bool = true;
    fn len_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
    fn drive_for_each<F>(self, run: Run<'_>, op: F)
    where
        F: Fn(Self::Item) + Sync + Send,
    {
        drive(self.0, run.min_len, run.site, ForEach(op))
    }
    fn drive_find_first<F, T>(self, run: Run<'_>, op: F) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send,
    {
        drive(self.0, run.min_len, run.site, FindFirst(op))
    }
    fn drive_fold<A, ID, F, C, D>(
        self,
        run: Run<'_>,
        identity: ID,
        fold: F,
        combine: C,
        done: D,
    ) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(&mut A, Self::Item) + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send,
    {
        let phases = Fold {
            identity,
            fold,
            combine,
            done,
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
    fn drive_find_first<F, T>(self, _: Run<'_>, op: F) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send,
    {
        self.0.panic_fuse().find_map_first(op)
    }
    fn drive_fold<A, ID, F, C, D>(self, _: Run<'_>, identity: ID, fold: F, combine: C, _: D) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(&mut A, Self::Item) + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send,
    {
        // Rayon's `fold` moves its accumulator per item: boxed, that is a pointer.
        self.0
            .panic_fuse()
            .fold(
                || Box::new(identity()),
                |mut acc, item| {
                    fold(&mut acc, item);
                    acc
                },
            )
            .reduce_with(|left, right| Box::new(combine(*left, *right)))
            .map_or_else(identity, |acc| *acc)
    }
}

/// How many bridged items a reduction reads and folds at once.
const BRIDGE_BATCH: usize = 1 << 16;

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
        match self.0.size_hint() {
            (low, Some(high)) if low == high => Some(low),
            _ => None,
        }
    }
    fn drive_for_each<F>(self, _: Run<'_>, op: F)
    where
        F: Fn(Self::Item) + Sync + Send,
    {
        self.0.par_bridge().panic_fuse().for_each(op)
    }
    fn drive_find_first<F, T>(self, _: Run<'_>, op: F) -> Option<T>
    where
        F: Fn(Self::Item) -> Option<T> + Sync + Send,
        T: Send,
    {
        crate::bridge::find_first(self.0, op)
    }
    /// Bridged items arrive in any order, so they are read into a `Vec`, a batch of
    /// [`BRIDGE_BATCH`] at a time, each folded as a native source while the next is
    /// read: the accumulators then combine in iteration order, as the serial loop's
    /// would, memory holds two batches whatever the length of the source, and once a
    /// batch is `done` (a `break`, `return` or `?`) no more than the batch read
    /// meanwhile is read.
    fn drive_fold<A, ID, F, C, D>(
        self,
        run: Run<'_>,
        identity: ID,
        fold: F,
        combine: C,
        done: D,
    ) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(&mut A, Self::Item) + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send,
    {
        let mut items = self.0;
        let mut batch: Vec<I::Item> = items.by_ref().take(BRIDGE_BATCH).collect();
        let mut acc: Option<A> = None;
        while !batch.is_empty() {
            let fold_batch = || {
                Native(std::mem::take(&mut batch).into_par_iter())
                    .drive_fold(run, &identity, &fold, &combine, &done)
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
