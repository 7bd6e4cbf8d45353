//! A pipeline's source, told apart by type ([`Pipeline`]): one rayon splits, a serial
//! one that may be sent to the pool's threads, or one that cannot (read on the calling
//! thread, `crate::batches::Here`); and where a pipeline over a serial source runs
//! ([`Install`]).

use std::cell::Cell;

use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

use super::SplitSource;
use crate::batches::{BatchSource, Here};
use crate::options::Options;
use crate::pool;
use crate::source::{Borrowed, Bridge, Native, NotSend, Unindexed};

/// The two ways a pipeline's source runs: split by rayon, or read in batches.
pub enum Pipeline<S, I> {
    /// A source rayon splits: run with [`run_split`](super::run_split).
    Split(S),
    /// A serial iterator: run in batches with [`crate::batches::Batches`].
    Serial(Items<I>),
}

/// A serial source, and whether it must be read exactly as far as the serial pipeline
/// would read it, not a batch further: so it must when it is borrowed (`it.by_ref()`,
/// `&mut it`), since its owner goes on reading it after the pipeline.
pub struct Items<I> {
    pub(crate) iter: I,
    pub(crate) exact: bool,
}

/// A pipeline's source, told apart by type. The arm a source does not take is still
/// compiled, over an empty iterator of the same items.
#[diagnostic::on_unimplemented(
    message = "`#[par_for]` cannot share out the items of this pipeline's source: its items cannot be sent to the pool's threads",
    label = "this pipeline's source is `{Self}`",
    note = "the pipeline's stages run on the pool's threads, which get the items there: the items must be `Send` (no `Rc`; an item borrowed from a collection needs its element type to be `Sync`: no `Cell` or `RefCell`)",
    note = "start from something `Send` instead: indices (`(0..v.len())`), owned data, `Arc` for `Rc`, a `Mutex` for a `RefCell`; in a generic function, bound the element type (`T: Sync` for items borrowed from a slice)"
)]
pub trait IntoPipeline {
    /// What rayon splits.
    type Split: SplitSource;
    /// What is read in batches.
    type Serial;
    /// Which way the source runs.
    fn into_pipeline(self) -> Pipeline<Self::Split, Self::Serial>;
}

impl<P: IndexedParallelIterator> IntoPipeline for Native<P> {
    type Split = Self;
    type Serial = std::iter::Empty<P::Item>;
    fn into_pipeline(self) -> Pipeline<Self, Self::Serial> {
        Pipeline::Split(self)
    }
}

impl<P: ParallelIterator> IntoPipeline for Unindexed<P> {
    type Split = Self;
    type Serial = std::iter::Empty<P::Item>;
    fn into_pipeline(self) -> Pipeline<Self, Self::Serial> {
        Pipeline::Split(self)
    }
}

impl<I> IntoPipeline for Bridge<I>
where
    I: Iterator + Send,
    I::Item: Send,
{
    type Split = Native<rayon::iter::Empty<I::Item>>;
    type Serial = I;
    fn into_pipeline(self) -> Pipeline<Self::Split, I> {
        Pipeline::Serial(Items {
            iter: self.0,
            exact: false,
        })
    }
}

impl<I> Items<I> {
    /// The same items, read exactly as far as serially if `exact` (a borrowed side of a
    /// source read as written, see [`ExactSide`]).
    pub fn exact_if(mut self, exact: bool) -> Self {
        self.exact |= exact;
        self
    }
}

/// A part of a pipeline's source that is read in batches as written (its root, or a side
/// of a `zip` or `chain` in it): `(&&&ExactSide::new(&exact, part)).__par_for_side()`
/// gives the part back, and sets `exact` if the part is borrowed (`ids.by_ref()`), so
/// that the batches read it exactly as far as serially ([`Items::exact_if`]).
pub struct ExactSide<'e, T>(&'e Cell<bool>, Cell<Option<T>>);

impl<'e, T> ExactSide<'e, T> {
    /// Wraps the part.
    pub fn new(exact: &'e Cell<bool>, part: T) -> Self {
        ExactSide(exact, Cell::new(Some(part)))
    }

    fn take(&self) -> T {
        self.1
            .take()
            .expect("par_for: a part of a pipeline's source is used exactly once")
    }
}

/// [`ExactSide`]'s dispatch level 1: a borrowed part, which makes the source exact.
pub trait ViaBorrowedSide {
    /// The part.
    type Part;
    /// Gives it back.
    fn __par_for_side(&self) -> Self::Part;
}

impl<'a, J: Iterator + ?Sized> ViaBorrowedSide for &&ExactSide<'_, &'a mut J> {
    type Part = &'a mut J;
    fn __par_for_side(&self) -> &'a mut J {
        self.0.set(true);
        self.take()
    }
}

/// [`ExactSide`]'s dispatch level 2: any other part, as it is.
pub trait ViaOwnedSide {
    /// The part.
    type Part;
    /// Gives it back.
    fn __par_for_side(&self) -> Self::Part;
}

impl<T> ViaOwnedSide for &ExactSide<'_, T> {
    type Part = T;
    fn __par_for_side(&self) -> T {
        self.take()
    }
}

/// A pipeline's source about to be told apart: `(&&&Check::new(source)).__par_for_pipeline()`.
pub struct Check<S>(Cell<Option<S>>);

impl<S> Check<S> {
    /// Wraps the source.
    pub fn new(source: S) -> Self {
        Check(Cell::new(Some(source)))
    }

    fn take(&self) -> S {
        self.0
            .take()
            .expect("par_for: a pipeline source is used exactly once")
    }
}

/// Dispatch level 1: a borrowed serial iterator, read exactly as far as serially.
pub trait ViaBorrowed {
    /// What rayon splits (nothing).
    type Split;
    /// The iterator.
    type Serial;
    /// Which way the source runs.
    fn __par_for_pipeline(&self) -> Pipeline<Self::Split, Self::Serial>;
}

/// One the loop dispatch marked as borrowed (`it.by_ref()`, `&mut it`, or a zip or
/// chain with such a side), read on the calling thread (see `crate::batches::Here`),
/// whether it may be sent or not.
impl<I> ViaBorrowed for &&Check<Borrowed<I>>
where
    I: Iterator,
    I::Item: Send,
{
    type Split = Native<rayon::iter::Empty<I::Item>>;
    type Serial = Here<I>;
    fn __par_for_pipeline(&self) -> Pipeline<Self::Split, Here<I>> {
        Pipeline::Serial(Items {
            iter: Here::new(self.take().0),
            exact: true,
        })
    }
}

/// Dispatch level 2: an owned serial iterator that cannot be sent to the pool, with
/// items that can: read on the calling thread (see `crate::batches::Here`). One whose
/// items cannot goes on to level 3, which reports it.
pub trait ViaHere {
    /// What rayon splits (nothing).
    type Split;
    /// The iterator.
    type Serial;
    /// Which way the source runs.
    fn __par_for_pipeline(&self) -> Pipeline<Self::Split, Self::Serial>;
}

impl<I> ViaHere for &Check<NotSend<I>>
where
    I: Iterator,
    I::Item: Send,
{
    type Split = Native<rayon::iter::Empty<I::Item>>;
    type Serial = Here<I>;
    fn __par_for_pipeline(&self) -> Pipeline<Self::Split, Here<I>> {
        Pipeline::Serial(Items {
            iter: Here::new(self.take().0),
            exact: false,
        })
    }
}

/// Dispatch level 3: any other source, by its type (see [`IntoPipeline`]). It takes
/// every source, and asks for `IntoPipeline` in its method: so that one the pipeline
/// cannot run over (a `stdin().lock().lines()`, a slice of items that are not `Sync`)
/// is reported by what keeps it from being sent to the pool, once, rather than by an
/// unresolved method.
pub trait ViaOwned<S> {
    /// Which way the source runs.
    fn __par_for_pipeline(&self) -> Pipeline<S::Split, S::Serial>
    where
        S: IntoPipeline;
}

impl<S> ViaOwned<S> for Check<S> {
    fn __par_for_pipeline(&self) -> Pipeline<S::Split, S::Serial>
    where
        S: IntoPipeline,
    {
        self.take().into_pipeline()
    }
}

/// A source as a parallel iterator whole: a serial one is read into a `Vec` first. For
/// the other side of `zip`/`chain`, and for pipelines with `chain` or `rev`, whose
/// serial form needs the whole of what comes before them.
pub trait IntoWhole {
    /// The source as a splittable one.
    type Whole: SplitSource;
    /// Gives it up.
    fn into_whole(self) -> Self::Whole;
}

impl<P: IndexedParallelIterator> IntoWhole for Native<P> {
    type Whole = Self;
    fn into_whole(self) -> Self {
        self
    }
}

impl<P: ParallelIterator> IntoWhole for Unindexed<P> {
    type Whole = Self;
    fn into_whole(self) -> Self {
        self
    }
}

/// A serial source is read whole into a `Vec`.
macro_rules! into_whole_serial {
    ($($kind:ident),*) => {$(
        impl<I> IntoWhole for $kind<I>
        where
            I: Iterator,
            I::Item: Send,
        {
            type Whole = Native<rayon::vec::IntoIter<I::Item>>;
            fn into_whole(self) -> Self::Whole {
                Native(self.0.collect::<Vec<_>>().into_par_iter())
            }
        }
    )*};
}

into_whole_serial!(Bridge, NotSend, Borrowed);

/// A pipeline's source read in batches, whatever its type: for a pipeline that counts
/// positions after dropping items, which must stop reading where the serial one stops.
/// `(&&&InBatches::new(source)).__par_for_in_batches()` makes it a [`Borrowed`] when it
/// is borrowed ([`ViaBorrowedBatches`]), a [`Bridge`] when it may be sent to the pool
/// ([`ViaSendBatches`]), else a [`NotSend`] ([`ViaBatchesHere`]).
pub struct InBatches<I>(Cell<Option<I>>);

impl<I: IntoIterator> InBatches<I> {
    /// Wraps the source.
    pub fn new(source: I) -> Self {
        InBatches(Cell::new(Some(source)))
    }

    fn take(&self) -> I::IntoIter {
        self.0
            .take()
            .expect("par_for: a pipeline source is used exactly once")
            .into_iter()
    }
}

/// Dispatch level 1 of [`InBatches`]: a borrowed source (`it.by_ref()`), read exactly.
pub trait ViaBorrowedBatches {
    /// The source.
    type Source;
    /// The source, to be read in batches.
    fn __par_for_in_batches(&self) -> Self::Source;
}

impl<'a, I> ViaBorrowedBatches for &&InBatches<&'a mut I>
where
    I: Iterator + ?Sized,
{
    type Source = Borrowed<&'a mut I>;
    fn __par_for_in_batches(&self) -> Self::Source {
        Borrowed(self.take())
    }
}

/// Dispatch level 2 of [`InBatches`]: a source that may be sent to the pool.
pub trait ViaSendBatches {
    /// The source.
    type Source;
    /// The source, to be read in batches.
    fn __par_for_in_batches(&self) -> Self::Source;
}

impl<I> ViaSendBatches for &InBatches<I>
where
    I: IntoIterator,
    I::IntoIter: Send,
    I::Item: Send,
{
    type Source = Bridge<I::IntoIter>;
    fn __par_for_in_batches(&self) -> Self::Source {
        Bridge(self.take())
    }
}

/// Dispatch level 3 of [`InBatches`]: any other, read on the calling thread.
pub trait ViaBatchesHere {
    /// The source.
    type Source;
    /// The source, to be read in batches.
    fn __par_for_in_batches(&self) -> Self::Source;
}

impl<I: IntoIterator> ViaBatchesHere for InBatches<I> {
    type Source = NotSend<I::IntoIter>;
    fn __par_for_in_batches(&self) -> Self::Source {
        NotSend(self.take())
    }
}

/// `source` whole, as a splittable source (see [`IntoWhole`]).
pub fn whole<S: IntoWhole>(source: S) -> S::Whole {
    source.into_whole()
}

/// Runs a pipeline over a serial source, `run(source)`, where its batches run on the
/// pool `options` chose (see [`Install`]).
pub fn install<S, R, F>(options: &Options, source: S, run: F) -> R
where
    S: Install,
    F: FnOnce(S) -> R + Send,
    R: Send,
{
    source.install(options, run)
}

/// Where a pipeline over a serial source runs: a `Send` one is made on the calling
/// thread and handed over to the pool with the whole pipeline, so that only what the
/// pipeline's closures read must be shared with the pool, not what the source
/// expression read; a `crate::batches::Here` stays on the calling thread, which reads
/// its batches and consumes their results, while the pool runs them.
pub trait Install: Sized {
    /// `run(self)`, on the pool `options` chose or on the calling thread.
    fn install<R, F>(self, options: &Options, run: F) -> R
    where
        F: FnOnce(Self) -> R + Send,
        R: Send;
}

impl<I> Install for Items<I>
where
    I: Iterator + Send,
    I::Item: Send,
{
    fn install<R, F>(self, options: &Options, run: F) -> R
    where
        F: FnOnce(Self) -> R + Send,
        R: Send,
    {
        pool::install(options.threads, move || run(self))
    }
}

impl<I> Install for Items<Here<I>>
where
    Here<I>: BatchSource,
{
    fn install<R, F>(self, options: &Options, run: F) -> R
    where
        F: FnOnce(Self) -> R + Send,
        R: Send,
    {
        run(self.on(options.threads))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The references are the dispatch's levels (clippy sees only the one taken).
    #[allow(clippy::needless_borrow)]
    #[test]
    fn a_source_read_in_batches_is_borrowed_sent_or_kept_by_its_type() {
        let mut counter = 0..10u64;
        let borrowed: Borrowed<&mut std::ops::Range<u64>> =
            (&&&InBatches::new(&mut counter)).__par_for_in_batches();
        let sent: Bridge<std::ops::Range<u64>> =
            (&&&InBatches::new(0..10u64)).__par_for_in_batches();
        /// Not `Send`, for the `Rc` it stands for.
        struct RcRange(
            std::marker::PhantomData<std::rc::Rc<()>>,
            std::ops::Range<u64>,
        );
        impl Iterator for RcRange {
            type Item = u64;
            fn next(&mut self) -> Option<u64> {
                self.1.next()
            }
        }
        let kept: NotSend<RcRange> =
            (&&&InBatches::new(RcRange(std::marker::PhantomData, 0..10))).__par_for_in_batches();
        assert_eq!(borrowed.0.count() + sent.0.count() + kept.0.count(), 30);
    }

    // The references are the dispatch's levels (clippy sees only the one taken).
    #[allow(clippy::needless_borrow)]
    #[test]
    fn only_a_borrowed_part_makes_a_source_exact() {
        let exact = Cell::new(false);
        let owned: std::ops::Range<u64> = (&&&ExactSide::new(&exact, 0..10u64)).__par_for_side();
        assert!(!exact.get());
        let mut counter = 0..10u64;
        let borrowed: &mut std::ops::Range<u64> =
            (&&&ExactSide::new(&exact, &mut counter)).__par_for_side();
        assert!(exact.get());
        assert_eq!(owned.zip(borrowed).count(), 10);
    }
}
