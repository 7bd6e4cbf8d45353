//! [`Block`]: the items `offset..offset + len` of an indexed parallel iterator, cut at
//! the producer so that the items outside it are never produced (rayon's own `skip`
//! runs the skipped items for their side effects, which would make every rank compute
//! the items of the ranks before it).

use rayon::iter::plumbing::{bridge, Consumer, Producer, ProducerCallback, UnindexedConsumer};
use rayon::iter::{IndexedParallelIterator, ParallelIterator};

use super::schedule::Piece;

/// One rank's piece of a distributed source.
#[derive(Clone, Debug)]
pub struct Block<I> {
    base: I,
    offset: usize,
    len: usize,
}

impl<I: IndexedParallelIterator> Block<I> {
    pub(crate) fn new(base: I, piece: Piece) -> Self {
        debug_assert!(piece.start + piece.len <= base.len());
        Block {
            base,
            offset: piece.start,
            len: piece.len,
        }
    }
}

impl<I> Block<I> {
    /// The position of this block's first item in the whole source.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl<I: IndexedParallelIterator> ParallelIterator for Block<I> {
    type Item = I::Item;

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len)
    }
}

impl<I: IndexedParallelIterator> IndexedParallelIterator for Block<I> {
    fn len(&self) -> usize {
        self.len
    }

    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        let Block { base, offset, len } = self;
        base.with_producer(Cut {
            offset,
            len,
            callback,
        })
    }
}

/// Cuts the base producer down to the block; the parts outside are dropped unproduced.
struct Cut<CB> {
    offset: usize,
    len: usize,
    callback: CB,
}

impl<T, CB: ProducerCallback<T>> ProducerCallback<T> for Cut<CB> {
    type Output = CB::Output;

    fn callback<P: Producer<Item = T>>(self, base: P) -> CB::Output {
        let (_, rest) = base.split_at(self.offset);
        let (block, _) = rest.split_at(self.len);
        self.callback.callback(block)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use rayon::prelude::*;

    use super::*;

    #[test]
    fn a_block_yields_its_items_only_and_computes_no_others() {
        let calls = AtomicUsize::new(0);
        let mapped = (0..100u32).into_par_iter().map(|x| {
            calls.fetch_add(1, Ordering::Relaxed);
            x * 2
        });
        let block = Block::new(mapped, Piece { start: 10, len: 5 });
        assert_eq!(block.offset(), 10);
        let items: Vec<u32> = block.collect();
        assert_eq!(items, [20, 22, 24, 26, 28]);
        assert_eq!(calls.load(Ordering::Relaxed), 5);
    }

    #[test]
    fn blocks_keep_positions_of_enumerate_and_drop_owned_items() {
        let words: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        let block = Block::new(
            words.into_par_iter().enumerate(),
            Piece { start: 18, len: 2 },
        );
        let items: Vec<(usize, String)> = block.collect();
        assert_eq!(items, [(18, "18".to_string()), (19, "19".to_string())]);
        let empty = Block::new((0..3).into_par_iter(), Piece { start: 3, len: 0 });
        assert_eq!(empty.count(), 0);
    }
}
