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

/// A `Range<u64>` or `Range<i64>` split by position, each item `shift` more than the
/// range's: 0, or 1 for a range inclusive up to the type's maximum (`start..=i64::MAX`,
/// which `Range` cannot express, is `start - 1..i64::MAX` shifted by one). An add keeps
/// the loops over the items as tight as over a plain range, where an extra last item
/// to yield after it made a summing loop 7x slower.
#[derive(Debug, Clone)]
pub struct WideRange<T> {
    range: Range<T>,
    shift: T,
}

/// A range of 64-bit integers, as [`WideRange`] takes it.
pub trait IntoWideRange {
    /// The integer type.
    type Int;
    /// The same items.
    fn into_wide(self) -> WideRange<Self::Int>;
}

macro_rules! wide {
    ($($int:ty),*) => {$(
        impl IntoWideRange for Range<$int> {
            type Int = $int;
            fn into_wide(self) -> WideRange<$int> {
                WideRange { range: self, shift: 0 }
            }
        }

        impl IntoWideRange for RangeInclusive<$int> {
            type Int = $int;
            fn into_wide(self) -> WideRange<$int> {
                let (start, end) = self.into_inner();
                match (end.checked_add(1), start.checked_sub(1)) {
                    (Some(after), _) => WideRange { range: start..after.max(start), shift: 0 },
                    (None, Some(before)) => WideRange { range: before..end, shift: 1 },
                    (None, None) => {
                        panic!("par_for: this range has more items than `usize` can count")
                    }
                }
            }
        }

        impl WideRange<$int> {
            fn items(&self) -> usize {
                if self.range.end <= self.range.start {
                    return 0;
                }
                usize::try_from(self.range.end.abs_diff(self.range.start))
                    .expect("par_for: this range has more items than `usize` can count")
            }

            fn producer(self) -> WideProducer<$int> {
                WideProducer { range: self.range, shift: self.shift }
            }
        }

        impl ParallelIterator for WideRange<$int> {
            type Item = $int;

            fn drive_unindexed<C: UnindexedConsumer<$int>>(self, consumer: C) -> C::Result {
                let len = self.items();
                bridge_producer_consumer(len, self.producer(), consumer)
            }

            fn opt_len(&self) -> Option<usize> {
                Some(self.items())
            }
        }

        impl IndexedParallelIterator for WideRange<$int> {
            fn drive<C: Consumer<$int>>(self, consumer: C) -> C::Result {
                let len = self.items();
                bridge_producer_consumer(len, self.producer(), consumer)
            }

            fn len(&self) -> usize {
                self.items()
            }

            fn with_producer<CB: ProducerCallback<$int>>(self, callback: CB) -> CB::Output {
                callback.callback(self.producer())
            }
        }

        impl Iterator for WideIter<$int> {
            type Item = $int;

            fn next(&mut self) -> Option<$int> {
                let shift = self.shift;
                self.range.next().map(|x| x.wrapping_add(shift))
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                self.range.size_hint()
            }

            fn fold<B, F: FnMut(B, $int) -> B>(self, init: B, mut f: F) -> B {
                let shift = self.shift;
                self.range.fold(init, move |acc, x| f(acc, x.wrapping_add(shift)))
            }
        }

        impl DoubleEndedIterator for WideIter<$int> {
            fn next_back(&mut self) -> Option<$int> {
                let shift = self.shift;
                self.range.next_back().map(|x| x.wrapping_add(shift))
            }
        }

        impl ExactSizeIterator for WideIter<$int> {}

        impl Producer for WideProducer<$int> {
            type Item = $int;
            type IntoIter = WideIter<$int>;

            fn into_iter(self) -> WideIter<$int> {
                WideIter { range: self.range, shift: self.shift }
            }

            fn split_at(self, index: usize) -> (Self, Self) {
                let WideProducer { range, shift } = self;
                let mid = range.start.wrapping_add(index as $int);
                (
                    WideProducer { range: range.start..mid, shift },
                    WideProducer { range: mid..range.end, shift },
                )
            }
        }
    )*};
}

struct WideProducer<T> {
    range: Range<T>,
    shift: T,
}

/// `Range<T>`, each item shifted, with the exact length rayon's producers need.
pub(crate) struct WideIter<T> {
    range: Range<T>,
    shift: T,
}

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
        assert_eq!((start..=end).into_wide().len(), 0);
    }

    #[test]
    fn a_range_up_to_the_maximum_keeps_the_maximum_wherever_it_is_split() {
        let top: Vec<i64> = (i64::MAX - 5..=i64::MAX).into_wide().collect();
        assert_eq!(top, (i64::MAX - 5..=i64::MAX).collect::<Vec<_>>());
        let found = (u64::MAX - 100_000..=u64::MAX)
            .into_wide()
            .with_min_len(1)
            .position_first(|x| x == u64::MAX);
        assert_eq!(found, Some(100_000));
        let reversed: Vec<u64> = (u64::MAX - 3..=u64::MAX).into_wide().rev().collect();
        assert_eq!(
            reversed,
            (u64::MAX - 3..=u64::MAX).rev().collect::<Vec<_>>()
        );
        let just_the_maximum: Vec<u64> = (u64::MAX..=u64::MAX).into_wide().collect();
        assert_eq!(just_the_maximum, vec![u64::MAX]);
        let with_positions: Vec<(usize, i64)> =
            (i64::MAX - 2..=i64::MAX).into_wide().enumerate().collect();
        assert_eq!(with_positions.last(), Some(&(2, i64::MAX)));
        for at in 0..=4 {
            let (left, right) = (u64::MAX - 3..=u64::MAX)
                .into_wide()
                .producer()
                .split_at(at);
            let left: Vec<u64> = left.into_iter().collect();
            let right: Vec<u64> = right.into_iter().collect();
            assert_eq!(left.len(), at);
            assert_eq!(
                [left, right].concat(),
                (u64::MAX - 3..=u64::MAX).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    #[should_panic(expected = "more items than `usize` can count")]
    fn the_whole_of_u64_has_more_items_than_usize_counts() {
        let _ = (0..=u64::MAX).into_wide().len();
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
