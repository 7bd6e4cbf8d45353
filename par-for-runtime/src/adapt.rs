//! The adapters of a loop's source (`copied`, `map`, `rev`, `zip`, `chain`, ...) on each
//! kind of source, so that a chain on a collection rayon can split stays split.
//!
//! The macro writes the adapters of `for x in EXPR` as method calls on the source it
//! made of their receiver. On a [`Native`] source they are rayon's indexed adapters; on
//! an [`Unindexed`] one (maps, sets) those that need positions first collect the items,
//! in order, into a `Vec`; on a [`Bridge`] they are std's, on the serial iterator.
//!
//! A [`NotSend`] source (an iterator the calling thread pulls) has std's adapters too,
//! as a bridged one has, and stays a `NotSend`.
//!
//! `zip` and `chain` take a source of any kind. A zip with one serial side (bridged or
//! not `Send`) stays split: the serial side reads as many items as the split side has
//! into a `Vec`, and the two are zipped natively. A chain with a serial part is serial
//! as a whole (that part may be endless): the split part is collected, in order, and
//! chained to it. Two serial parts, one of them not `Send`, make a `NotSend`.

use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

use crate::source::{Bridge, Native, NotSend, Unindexed};
use crate::wide::ItemRange;

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
    pub fn zip<O: ZipSide>(self, other: O) -> Native<rayon::iter::Zip<P, O::Iter>> {
        let len = self.0.len();
        Native(self.0.zip(other.into_indexed(len)))
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
    pub fn zip<O: ZipSide>(
        self,
        other: O,
    ) -> Native<rayon::iter::Zip<Collected<P::Item>, O::Iter>> {
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

/// The adapters of a serial kind of source (a [`Bridge`], a [`NotSend`]): std's, on its
/// iterator, the result of the same kind; `zip` and `chain` take a source of any kind
/// (`$zip_after` is the trait of the right side of a zip after this kind).
macro_rules! serial_adapters {
    ($kind:ident, $zip_after:ident) => {
        impl<I: Iterator> $kind<I> {
            /// Like [`Iterator::copied`].
            pub fn copied<'a, T>(self) -> $kind<std::iter::Copied<I>>
            where
                T: 'a + Copy,
                I: Iterator<Item = &'a T>,
            {
                $kind(self.0.copied())
            }
            /// Like [`Iterator::cloned`].
            pub fn cloned<'a, T>(self) -> $kind<std::iter::Cloned<I>>
            where
                T: 'a + Clone,
                I: Iterator<Item = &'a T>,
            {
                $kind(self.0.cloned())
            }
            /// Like [`Iterator::map`]. `f` is called for one item at a time, but it must
            /// be `Fn + Sync` as on a split source, whose `map` runs on the pool.
            pub fn map<F, R>(self, f: F) -> $kind<std::iter::Map<I, F>>
            where
                F: Fn(I::Item) -> R + Sync + Send,
            {
                $kind(self.0.map(f))
            }
            /// Like [`Iterator::rev`].
            pub fn rev(self) -> $kind<std::iter::Rev<I>>
            where
                I: DoubleEndedIterator,
            {
                $kind(self.0.rev())
            }
            /// Like [`Iterator::skip`].
            pub fn skip(self, n: usize) -> $kind<std::iter::Skip<I>> {
                $kind(self.0.skip(n))
            }
            /// Like [`Iterator::take`].
            pub fn take(self, n: usize) -> $kind<std::iter::Take<I>> {
                $kind(self.0.take(n))
            }
            /// Like [`Iterator::step_by`].
            pub fn step_by(self, step: usize) -> $kind<std::iter::StepBy<I>> {
                $kind(self.0.step_by(step))
            }
            /// Like [`Iterator::enumerate`].
            pub fn enumerate(self) -> $kind<std::iter::Enumerate<I>> {
                $kind(self.0.enumerate())
            }
            /// Like [`Iterator::zip`], with a source of any kind.
            pub fn zip<O: $zip_after<I>>(self, other: O) -> O::Output {
                other.zip_after(self.0)
            }
            /// Like [`Iterator::chain`], with a source of any kind.
            pub fn chain<O: ChainAfter<Self>>(self, other: O) -> O::Output {
                other.chain_after(self)
            }
            /// `chain(a..b)` with literal bounds: the range takes the items' integer type.
            pub fn chain_range<R>(self, other: R) -> <R::Source as ChainAfter<Self>>::Output
            where
                R: ItemRange<I::Item>,
                R::Source: ChainAfter<Self>,
            {
                self.chain(other.into_source())
            }
        }
    };
}

serial_adapters!(Bridge, ZipAfterBridge);
serial_adapters!(NotSend, ZipAfterNotSend);

/// The right side of a `zip` whose left side is split: as an indexed parallel iterator
/// of at most `len` items, `len` being the left side's length.
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

/// The zip reads no more of a serial side than it has partners for, as std's does.
macro_rules! zip_side_serial {
    ($($kind:ident),*) => {$(
        impl<I> ZipSide for $kind<I>
        where
            I: Iterator,
            I::Item: Send,
        {
            type Iter = Collected<I::Item>;
            fn into_indexed(self, len: usize) -> Self::Iter {
                self.0.take(len).collect::<Vec<_>>().into_par_iter()
            }
        }
    )*};
}

zip_side_serial!(Bridge, NotSend);

/// The right side of a `zip` whose left side, a serial iterator `I`, is bridged.
pub trait ZipAfterBridge<I> {
    /// The zipped source.
    type Output;
    /// Zips `left` with `self`.
    fn zip_after(self, left: I) -> Self::Output;
}

impl<I: Iterator, J: Iterator> ZipAfterBridge<I> for Bridge<J> {
    type Output = Bridge<std::iter::Zip<I, J>>;
    fn zip_after(self, left: I) -> Self::Output {
        Bridge(left.zip(self.0))
    }
}

impl<I, Q> ZipAfterBridge<I> for Native<Q>
where
    I: Iterator,
    I::Item: Send,
    Q: IndexedParallelIterator,
{
    type Output = Native<rayon::iter::Zip<Collected<I::Item>, Q>>;
    fn zip_after(self, left: I) -> Self::Output {
        let len = self.0.len();
        Native(Bridge(left).into_indexed(len)).zip(self)
    }
}

impl<I, Q> ZipAfterBridge<I> for Unindexed<Q>
where
    I: Iterator,
    I::Item: Send,
    Q: ParallelIterator,
{
    type Output = Native<rayon::iter::Zip<Collected<I::Item>, Collected<Q::Item>>>;
    fn zip_after(self, left: I) -> Self::Output {
        ZipAfterBridge::zip_after(self.indexed(), left)
    }
}

/// A bridged left side zipped with a right side that is not `Send`: neither can be
/// sent, so the zip stays on the calling thread.
impl<I: Iterator, J: Iterator> ZipAfterBridge<I> for NotSend<J> {
    type Output = NotSend<std::iter::Zip<I, J>>;
    fn zip_after(self, left: I) -> Self::Output {
        NotSend(left.zip(self.0))
    }
}

/// The right side of a `zip` whose left side, a serial iterator `I`, is not `Send`:
/// zipped with a serial side, the zip stays on the calling thread; with a split side,
/// the left side's items are read into a `Vec` there, as a bridged left side's are.
pub trait ZipAfterNotSend<I> {
    /// The zipped source.
    type Output;
    /// Zips `left` with `self`.
    fn zip_after(self, left: I) -> Self::Output;
}

macro_rules! zip_after_not_send {
    (serial: $($serial:ident),*; split: $($split:ident),*) => {
        $(
            impl<I: Iterator, J: Iterator> ZipAfterNotSend<I> for $serial<J> {
                type Output = NotSend<std::iter::Zip<I, J>>;
                fn zip_after(self, left: I) -> Self::Output {
                    NotSend(left.zip(self.0))
                }
            }
        )*
        $(
            impl<I, Q> ZipAfterNotSend<I> for $split<Q>
            where
                $split<Q>: ZipAfterBridge<I>,
            {
                type Output = <$split<Q> as ZipAfterBridge<I>>::Output;
                fn zip_after(self, left: I) -> Self::Output {
                    ZipAfterBridge::zip_after(self, left)
                }
            }
        )*
    };
}

zip_after_not_send!(serial: Bridge, NotSend; split: Native, Unindexed);

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

impl<I, J> ChainAfter<Bridge<I>> for Bridge<J>
where
    I: Iterator,
    J: Iterator<Item = I::Item>,
{
    type Output = Bridge<std::iter::Chain<I, J>>;
    fn chain_after(self, first: Bridge<I>) -> Self::Output {
        Bridge(first.0.chain(self.0))
    }
}

/// Serial parts, one of them not `Send`: the chain stays on the calling thread.
macro_rules! chain_not_send {
    ($(($first:ident, $second:ident)),*) => {$(
        impl<I, J> ChainAfter<$first<I>> for $second<J>
        where
            I: Iterator,
            J: Iterator<Item = I::Item>,
        {
            type Output = NotSend<std::iter::Chain<I, J>>;
            fn chain_after(self, first: $first<I>) -> Self::Output {
                NotSend(first.0.chain(self.0))
            }
        }
    )*};
}

chain_not_send!((Bridge, NotSend), (NotSend, Bridge), (NotSend, NotSend));

/// A split part chained with a serial one (of kind `$serial`): the split part is
/// collected in order (on the pool), and the whole chain is of the serial kind, since
/// the serial part may never end.
macro_rules! chain_serial {
    ($serial:ident; $($split:ident: $bound:ident),*) => {$(
        impl<I, Q> ChainAfter<$serial<I>> for $split<Q>
        where
            I: Iterator,
            I::Item: Send,
            Q: $bound<Item = I::Item>,
        {
            type Output = $serial<std::iter::Chain<I, std::vec::IntoIter<I::Item>>>;
            fn chain_after(self, first: $serial<I>) -> Self::Output {
                $serial(first.0.chain(self.0.collect::<Vec<_>>()))
            }
        }

        impl<P, J> ChainAfter<$split<P>> for $serial<J>
        where
            P: $bound,
            J: Iterator<Item = P::Item>,
        {
            type Output = $serial<std::iter::Chain<std::vec::IntoIter<P::Item>, J>>;
            fn chain_after(self, first: $split<P>) -> Self::Output {
                $serial(first.0.collect::<Vec<_>>().into_iter().chain(self.0))
            }
        }
    )*};
}

chain_serial!(Bridge; Native: IndexedParallelIterator, Unindexed: ParallelIterator);
chain_serial!(NotSend; Native: IndexedParallelIterator, Unindexed: ParallelIterator);
