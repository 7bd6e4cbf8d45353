//! Ranges of 64-bit integers as indexed parallel iterators.
//!
//! Rayon indexes only ranges whose length always fits in `usize`, so `0..n` with
//! `n: u64` would be unindexed there: no `enumerate`, no `zip`, and no task sizing. On a
//! 64-bit target every such range fits, and these types split it by position.

use std::ops::{Range, RangeInclusive};

use rayon::iter::plumbing::{
    bridge_producer_consumer, Consumer, Producer, ProducerCallback, UnindexedConsumer,
};
use rayon::iter::{IndexedParallelIterator, ParallelIterator};

/// A `Range<u64>` or `Range<i64>` split by position.
#[derive(Debug, Clone)]
pub struct WideRange<T>(Range<T>);

/// A range of 64-bit integers, as [`WideRange`] takes it.
pub trait IntoWideRange {
    /// The integer type.
    type Int;
    /// The same items as a half-open range, and a wrapper for one that `Range` cannot
    /// express (`..=MAX`).
    fn into_wide(self) -> WideRange<Self::Int>;
}

macro_rules! wide {
    ($($int:ty),*) => {$(
        impl IntoWideRange for Range<$int> {
            type Int = $int;
            fn into_wide(self) -> WideRange<$int> {
                WideRange(self)
            }
        }

        impl IntoWideRange for RangeInclusive<$int> {
            type Int = $int;
            fn into_wide(self) -> WideRange<$int> {
                let (start, end) = self.into_inner();
                let end = end
                    .checked_add(1)
                    .expect("par_for: a range up to the integer's maximum cannot be split; end it one lower");
                WideRange(start..end.max(start))
            }
        }

        impl WideRange<$int> {
            fn items(&self) -> usize {
                if self.0.end <= self.0.start {
                    return 0;
                }
                usize::try_from(self.0.end.abs_diff(self.0.start))
                    .expect("par_for: this range has more items than `usize` can count")
            }
        }

        impl ParallelIterator for WideRange<$int> {
            type Item = $int;

            fn drive_unindexed<C: UnindexedConsumer<$int>>(self, consumer: C) -> C::Result {
                let len = self.items();
                bridge_producer_consumer(len, WideProducer(self.0), consumer)
            }

            fn opt_len(&self) -> Option<usize> {
                Some(self.items())
            }
        }

        impl IndexedParallelIterator for WideRange<$int> {
            fn drive<C: Consumer<$int>>(self, consumer: C) -> C::Result {
                let len = self.items();
                bridge_producer_consumer(len, WideProducer(self.0), consumer)
            }

            fn len(&self) -> usize {
                self.items()
            }

            fn with_producer<CB: ProducerCallback<$int>>(self, callback: CB) -> CB::Output {
                callback.callback(WideProducer(self.0))
            }
        }

        impl Iterator for WideIter<$int> {
            type Item = $int;

            fn next(&mut self) -> Option<$int> {
                self.0.next()
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                self.0.size_hint()
            }

            fn fold<B, F: FnMut(B, $int) -> B>(self, init: B, f: F) -> B {
                self.0.fold(init, f)
            }
        }

        impl DoubleEndedIterator for WideIter<$int> {
            fn next_back(&mut self) -> Option<$int> {
                self.0.next_back()
            }
        }

        impl ExactSizeIterator for WideIter<$int> {}

        impl Producer for WideProducer<$int> {
            type Item = $int;
            type IntoIter = WideIter<$int>;

            fn into_iter(self) -> WideIter<$int> {
                WideIter(self.0)
            }

            fn split_at(self, index: usize) -> (Self, Self) {
                let mid = self.0.start.wrapping_add(index as $int);
                (WideProducer(self.0.start..mid), WideProducer(mid..self.0.end))
            }
        }
    )*};
}

struct WideProducer<T>(Range<T>);

/// `Range<T>` with the exact length rayon's producers need.
pub(crate) struct WideIter<T>(Range<T>);

wide!(u64, i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_by_position_and_keeps_every_item() {
        let items: Vec<u64> = (5u64..1005)
            .into_wide()
            .enumerate()
            .map(|(i, x)| x - i as u64)
            .collect();
        assert!(items.iter().all(|&x| x == 5));
        assert_eq!(items.len(), 1000);
        let negative: i64 = (-500i64..=500).into_wide().sum();
        assert_eq!(negative, 0);
        let (start, end) = std::hint::black_box((10u64, 3u64));
        assert_eq!((start..end).into_wide().len(), 0);
    }
}

/// A range whose integer type is the items' `T`, as a source: what a loop or pipeline's
/// `chain(a..b)` takes when `a` and `b` are literals, whose type only the items it is
/// chained after decide (left to itself, such a range would be taken for rayon's own
/// before its type is known, which is not indexed for 64-bit integers).
pub trait ItemRange<T> {
    /// The source.
    type Source;
    /// Makes it.
    fn into_source(self) -> Self::Source;
}

macro_rules! item_ranges {
    ($($int:ty),*) => {$(
        impl ItemRange<$int> for Range<$int> {
            type Source = crate::source::Native<rayon::range::Iter<$int>>;
            fn into_source(self) -> Self::Source {
                crate::source::Native(rayon::iter::IntoParallelIterator::into_par_iter(self))
            }
        }
    )*};
}
item_ranges!(u8, u16, u32, usize, i8, i16, i32, isize);

macro_rules! wide_item_ranges {
    ($($int:ty),*) => {$(
        impl ItemRange<$int> for Range<$int> {
            type Source = crate::source::Native<WideRange<$int>>;
            fn into_source(self) -> Self::Source {
                crate::source::Native(self.into_wide())
            }
        }
    )*};
}
wide_item_ranges!(u64, i64);

// Rayon splits ranges of 128-bit integers without positions, as it always did here.
macro_rules! unindexed_item_ranges {
    ($($int:ty),*) => {$(
        impl ItemRange<$int> for Range<$int> {
            type Source = crate::source::Unindexed<rayon::range::Iter<$int>>;
            fn into_source(self) -> Self::Source {
                crate::source::Unindexed(rayon::iter::IntoParallelIterator::into_par_iter(self))
            }
        }
    )*};
}
unindexed_item_ranges!(u128, i128);
