//! The adapters of a loop's source (`copied`, `map`, `rev`, `zip`, `chain`, ...) on each
//! kind of source, so that a chain on a collection rayon can split stays split.
//!
//! The macro writes the adapters of `for x in EXPR` as method calls on the source it
//! made of their receiver. On a [`Native`] source they are rayon's indexed adapters; on
//! an [`Unindexed`] one (maps, sets) those that need positions first collect the items,
//! in order, into a `Vec`; on a [`Bridge`] they are std's, on the serial iterator.
//!
//! The serial kinds ([`Bridge`](crate::source::Bridge), a `NotSend` the calling thread
//! pulls, a `Borrowed` read exactly as far as serially) have std's adapters, on their
//! iterator, and keep their kind (`serial`).
//!
//! `zip` and `chain` take a source of any kind. A zip with one serial side (bridged or
//! not `Send`) stays split: the serial side reads as many items as the split side has
//! into a `Vec`, and the two are zipped natively. A chain with a serial part is serial
//! as a whole (that part may be endless): the split part is collected, in order, and
//! chained to it. Two serial parts, one of them not `Send`, make a `NotSend`.

use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

use crate::source::{Native, Unindexed};
use crate::wide::ItemRange;

mod serial;

pub use serial::{ZipAfterBorrowed, ZipAfterBridge, ZipAfterNotSend};

/// Items in order, as a `Vec` rayon splits by index.
type Collected<T> = rayon::vec::IntoIter<T>;

fn collect<P: ParallelIterator>(items: P) -> Collected<P::Item> {
    items.collect::<Vec<_>>().into_par_iter()
}

impl<P: IndexedParallelIterator> Native<P> {
    /// Like [`Iterator::copied`].
    pub fn copied<'a, T>(self) -> Native<rayon::iter::Copied<P>>
    where
        T: 'a + Copy + Send + Sync,
        P: IndexedParallelIterator<Item = &'a T>,
    {
        Native(self.0.copied())
    }
    /// Like [`Iterator::cloned`].
    pub fn cloned<'a, T>(self) -> Native<rayon::iter::Cloned<P>>
    where
        T: 'a + Clone + Send + Sync,
        P: IndexedParallelIterator<Item = &'a T>,
    {
        Native(self.0.cloned())
    }
    /// Like [`Iterator::map`]; `f` runs on the pool, so it must be `Fn + Sync`.
    pub fn map<F, R>(self, f: F) -> Native<rayon::iter::Map<P, F>>
    where
        F: Fn(P::Item) -> R + Sync + Send,
        R: Send,
    {
        Native(self.0.map(f))
    }
    /// Like [`Iterator::rev`].
    pub fn rev(self) -> Native<rayon::iter::Rev<P>> {
        Native(self.0.rev())
    }
    /// Like [`Iterator::skip`].
    pub fn skip(self, n: usize) -> Native<rayon::iter::Skip<P>> {
        Native(self.0.skip(n))
    }
    /// Like [`Iterator::take`].
    pub fn take(self, n: usize) -> Native<rayon::iter::Take<P>> {
        Native(self.0.take(n))
    }
    /// Like [`Iterator::step_by`].
    pub fn step_by(self, step: usize) -> Native<rayon::iter::StepBy<P>> {
        assert!(step != 0, "assertion failed: step != 0");
        Native(self.0.step_by(step))
    }
    /// Like [`Iterator::enumerate`].
    pub fn enumerate(self) -> Native<rayon::iter::Enumerate<P>> {
        Native(self.0.enumerate())
    }
    /// Like [`Iterator::zip`], with a source of any kind.
    pub fn zip<O: ZipAfterSplit<P>>(self, other: O) -> O::Output {
        other.zip_after(self.0)
    }
    /// Like [`Iterator::chain`], with a source of any kind.
    pub fn chain<O: ChainAfter<Self>>(self, other: O) -> O::Output {
        other.chain_after(self)
    }
    /// `chain(a..b)` with literal bounds: the range takes the items' integer type.
    pub fn chain_range<R>(self, other: R) -> <R::Source as ChainAfter<Self>>::Output
    where
        R: ItemRange<P::Item>,
        R::Source: ChainAfter<Self>,
    {
        self.chain(other.into_source())
    }
}

impl<P: ParallelIterator> Unindexed<P> {
    /// The items, in order, indexed, for the adapters that need positions.
    fn indexed(self) -> Native<Collected<P::Item>> {
        Native(collect(self.0))
    }
    /// Like [`Iterator::copied`].
    pub fn copied<'a, T>(self) -> Unindexed<rayon::iter::Copied<P>>
    where
        T: 'a + Copy + Send + Sync,
        P: ParallelIterator<Item = &'a T>,
    {
        Unindexed(self.0.copied())
    }
    /// Like [`Iterator::cloned`].
    pub fn cloned<'a, T>(self) -> Unindexed<rayon::iter::Cloned<P>>
    where
        T: 'a + Clone + Send + Sync,
        P: ParallelIterator<Item = &'a T>,
    {
        Unindexed(self.0.cloned())
    }
    /// Like [`Iterator::map`]; `f` runs on the pool, so it must be `Fn + Sync`.
    pub fn map<F, R>(self, f: F) -> Unindexed<rayon::iter::Map<P, F>>
    where
        F: Fn(P::Item) -> R + Sync + Send,
        R: Send,
    {
        Unindexed(self.0.map(f))
    }
    /// Like [`Iterator::rev`].
    pub fn rev(self) -> Native<rayon::iter::Rev<Collected<P::Item>>> {
        self.indexed().rev()
    }
    /// Like [`Iterator::skip`].
    pub fn skip(self, n: usize) -> Native<rayon::iter::Skip<Collected<P::Item>>> {
        self.indexed().skip(n)
    }
    /// Like [`Iterator::take`].
    pub fn take(self, n: usize) -> Native<rayon::iter::Take<Collected<P::Item>>> {
        self.indexed().take(n)
    }
    /// Like [`Iterator::step_by`].
    pub fn step_by(self, step: usize) -> Native<rayon::iter::StepBy<Collected<P::Item>>> {
        self.indexed().step_by(step)
    }
    /// Like [`Iterator::enumerate`].
    pub fn enumerate(self) -> Native<rayon::iter::Enumerate<Collected<P::Item>>> {
        self.indexed().enumerate()
    }
    /// Like [`Iterator::zip`], with a source of any kind.
    pub fn zip<O: ZipAfterSplit<Collected<P::Item>>>(self, other: O) -> O::Output {
        self.indexed().zip(other)
    }
    /// Like [`Iterator::chain`], with a source of any kind.
    pub fn chain<O: ChainAfter<Self>>(self, other: O) -> O::Output {
        other.chain_after(self)
    }
    /// `chain(a..b)` with literal bounds: the range takes the items' integer type.
    pub fn chain_range<R>(self, other: R) -> <R::Source as ChainAfter<Self>>::Output
    where
        R: ItemRange<P::Item>,
        R::Source: ChainAfter<Self>,
    {
        self.chain(other.into_source())
    }
}

/// The right side of a `zip` whose left side is split: as an indexed parallel iterator
/// of at most `len` items, `len` being the left side's length.
#[diagnostic::on_unimplemented(
    message = "`#[par_for]` cannot read this borrowed iterator exactly as far as the serial pipeline would, after the adapters before this `zip`",
    label = "this `zip`'s other side is `{Self}`",
    note = "a borrowed iterator (`it.by_ref()`, `&mut it`) is read exactly as far as serially when it is zipped right after the pipeline's source, or when it is the source itself",
    note = "zip it first (`source.zip(it.by_ref()).filter(..)`), or collect what the pipeline needs of it first (`it.by_ref().take(n).collect::<Vec<_>>()`)"
)]
pub trait ZipSide {
    /// The indexed parallel iterator.
    type Iter: IndexedParallelIterator;
    /// Gives it up.
    fn into_indexed(self, len: usize) -> Self::Iter;
}

impl<P: IndexedParallelIterator> ZipSide for Native<P> {
    type Iter = P;
    fn into_indexed(self, _: usize) -> P {
        self.0
    }
}

impl<P: ParallelIterator> ZipSide for Unindexed<P> {
    type Iter = Collected<P::Item>;
    fn into_indexed(self, _: usize) -> Self::Iter {
        collect(self.0)
    }
}

/// The right side of a `zip` whose left side `P` is split: one that may be read ahead
/// is zipped natively (see [`ZipSide`]); a borrowed one makes the zip a `Borrowed`,
/// read exactly as far as serially, the left side's items collected first.
pub trait ZipAfterSplit<P> {
    /// The zipped source.
    type Output;
    /// Zips `left` with `self`.
    fn zip_after(self, left: P) -> Self::Output;
}

impl<P, O> ZipAfterSplit<P> for O
where
    P: IndexedParallelIterator,
    O: ZipSide,
{
    type Output = Native<rayon::iter::Zip<P, O::Iter>>;
    fn zip_after(self, left: P) -> Self::Output {
        let len = left.len();
        Native(left.zip(self.into_indexed(len)))
    }
}

/// Zips a split stage of a pipeline with a source of any kind but a borrowed one: a
/// serial one gives no more items than the stage has, as std's `zip` reads it, so
/// that an endless one (`1..`, `repeat(x)`) or a long one is not read whole.
pub fn zip_split<P: IndexedParallelIterator, O: ZipSide>(
    left: P,
    other: O,
) -> rayon::iter::Zip<P, O::Iter> {
    let len = left.len();
    left.zip(other.into_indexed(len))
}

/// The second part of a `chain` whose first part is the source `L`.
pub trait ChainAfter<L> {
    /// The chained source.
    type Output;
    /// Chains `self` after `first`.
    fn chain_after(self, first: L) -> Self::Output;
}

impl<P, Q> ChainAfter<Native<P>> for Native<Q>
where
    P: IndexedParallelIterator,
    Q: IndexedParallelIterator<Item = P::Item>,
{
    type Output = Native<rayon::iter::Chain<P, Q>>;
    fn chain_after(self, first: Native<P>) -> Self::Output {
        Native(first.0.chain(self.0))
    }
}

/// Split parts, one of them without positions: rayon's unindexed chain.
macro_rules! chain_unindexed {
    ($(($first:ident: $first_bound:ident, $second:ident: $second_bound:ident)),*) => {$(
        impl<P, Q> ChainAfter<$first<P>> for $second<Q>
        where
            P: $first_bound,
            Q: $second_bound<Item = P::Item>,
        {
            type Output = Unindexed<rayon::iter::Chain<P, Q>>;
            fn chain_after(self, first: $first<P>) -> Self::Output {
                Unindexed(first.0.chain(self.0))
            }
        }
    )*};
}

chain_unindexed!(
    (Native: IndexedParallelIterator, Unindexed: ParallelIterator),
    (Unindexed: ParallelIterator, Native: IndexedParallelIterator),
    (Unindexed: ParallelIterator, Unindexed: ParallelIterator)
);
