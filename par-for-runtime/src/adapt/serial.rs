//! The adapters of the serial kinds of source ([`Bridge`], [`NotSend`], [`Borrowed`]):
//! std's, on their iterator, keeping the kind; and their `zip` and `chain` with a source
//! of any kind. A serial kind combined with another is the stricter of the two: one
//! borrowed is read exactly, else one not `Send` stays on the calling thread.

use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

use super::{ChainAfter, Collected, ZipAfterSplit, ZipSide};
use crate::source::{Borrowed, Bridge, Native, NotSend, Unindexed};
use crate::wide::ItemRange;

/// The adapters of a serial kind of source (a [`Bridge`], a [`NotSend`], a [`Borrowed`]): std's, on its
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
serial_adapters!(Borrowed, ZipAfterBorrowed);

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

/// A borrowed right side after a split left side: the left side's items are collected
/// in order (on the pool), and the zip is read exactly as far as serially.
impl<P, J> ZipAfterSplit<P> for Borrowed<J>
where
    P: IndexedParallelIterator,
    J: Iterator,
{
    type Output = Borrowed<std::iter::Zip<std::vec::IntoIter<P::Item>, J>>;
    fn zip_after(self, left: P) -> Self::Output {
        Borrowed(left.collect::<Vec<_>>().into_iter().zip(self.0))
    }
}

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

/// A borrowed right side after a bridged left side: read exactly, as far as the loop.
impl<I: Iterator, J: Iterator> ZipAfterBridge<I> for Borrowed<J> {
    type Output = Borrowed<std::iter::Zip<I, J>>;
    fn zip_after(self, left: I) -> Self::Output {
        Borrowed(left.zip(self.0))
    }
}

impl<I: Iterator, J: Iterator> ZipAfterNotSend<I> for Borrowed<J> {
    type Output = Borrowed<std::iter::Zip<I, J>>;
    fn zip_after(self, left: I) -> Self::Output {
        Borrowed(left.zip(self.0))
    }
}

/// The right side of a `zip` whose left side, a serial iterator `I`, is borrowed: the
/// zip is read exactly as far as serially, a split right side collected first (its
/// items owned, so reading them ahead changes nothing).
pub trait ZipAfterBorrowed<I> {
    /// The zipped source.
    type Output;
    /// Zips `left` with `self`.
    fn zip_after(self, left: I) -> Self::Output;
}

macro_rules! zip_after_borrowed {
    (serial: $($serial:ident),*; split: $($split:ident: $bound:ident),*) => {
        $(
            impl<I: Iterator, J: Iterator> ZipAfterBorrowed<I> for $serial<J> {
                type Output = Borrowed<std::iter::Zip<I, J>>;
                fn zip_after(self, left: I) -> Self::Output {
                    Borrowed(left.zip(self.0))
                }
            }
        )*
        $(
            impl<I: Iterator, Q: $bound> ZipAfterBorrowed<I> for $split<Q> {
                type Output = Borrowed<std::iter::Zip<I, std::vec::IntoIter<Q::Item>>>;
                fn zip_after(self, left: I) -> Self::Output {
                    Borrowed(left.zip(self.0.collect::<Vec<_>>()))
                }
            }
        )*
    };
}

zip_after_borrowed!(
    serial: Bridge, NotSend, Borrowed;
    split: Native: IndexedParallelIterator, Unindexed: ParallelIterator
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

/// Serial parts of different kinds, chained as `$out`: one not `Send` stays on the
/// calling thread, one borrowed is read exactly.
macro_rules! chain_serial_parts {
    ($out:ident: $(($first:ident, $second:ident)),*) => {$(
        impl<I, J> ChainAfter<$first<I>> for $second<J>
        where
            I: Iterator,
            J: Iterator<Item = I::Item>,
        {
            type Output = $out<std::iter::Chain<I, J>>;
            fn chain_after(self, first: $first<I>) -> Self::Output {
                $out(first.0.chain(self.0))
            }
        }
    )*};
}

chain_serial_parts!(NotSend: (Bridge, NotSend), (NotSend, Bridge), (NotSend, NotSend));
chain_serial_parts!(
    Borrowed: (Borrowed, Borrowed),
    (Borrowed, Bridge),
    (Bridge, Borrowed),
    (Borrowed, NotSend),
    (NotSend, Borrowed)
);

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
chain_serial!(Borrowed; Native: IndexedParallelIterator, Unindexed: ParallelIterator);
