//! Rayon's own consumers with par-for's block-wise panic fuse: after a panic in any
//! task, no task starts another block of [`FUSE_BLOCK`] items (rayon's `panic_fuse`
//! checks before every item, which keeps a light body from being vectorized; without
//! any fuse every other task runs its whole share, and an item that panics each time
//! floods stderr with one message per item). [`Fused`] puts it on a pipeline's first
//! stage.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rayon::iter::plumbing::{
    bridge, Consumer, Folder, Producer, ProducerCallback, UnindexedConsumer,
};
use rayon::iter::{IndexedParallelIterator, ParallelIterator};

use crate::fuse::FUSE_BLOCK;

/// An indexed parallel iterator with the block-wise panic fuse, for rayon's consumers.
pub struct Fused<I> {
    base: I,
    panicked: Arc<AtomicBool>,
}

impl<I: IndexedParallelIterator> Fused<I> {
    /// `base`, fused.
    pub(crate) fn new(base: I) -> Self {
        Fused {
            base,
            panicked: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl<I: IndexedParallelIterator> ParallelIterator for Fused<I> {
    type Item = I::Item;

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.base.len())
    }
}

impl<I: IndexedParallelIterator> IndexedParallelIterator for Fused<I> {
    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge(self, consumer)
    }

    fn len(&self) -> usize {
        self.base.len()
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        let len = self.base.len();
        return self.base.with_producer(Callback {
            callback,
            len,
            panicked: self.panicked,
        });

        struct Callback<CB> {
            callback: CB,
            len: usize,
            panicked: Arc<AtomicBool>,
        }

        impl<T, CB: ProducerCallback<T>> ProducerCallback<T> for Callback<CB> {
            type Output = CB::Output;

            fn callback<Pr: Producer<Item = T>>(self, base: Pr) -> CB::Output {
                self.callback.callback(FuseProducer {
                    base,
                    len: self.len,
                    panicked: &self.panicked,
                })
            }
        }
    }
}

/// Checks the panic flag once per block of [`FUSE_BLOCK`] items, and raises it when a
/// block unwinds.
pub(crate) struct FuseProducer<'a, Pr> {
    base: Pr,
    len: usize,
    panicked: &'a AtomicBool,
}

impl<Pr: Producer> Producer for FuseProducer<'_, Pr> {
    type Item = Pr::Item;
    type IntoIter = Pr::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        self.base.into_iter()
    }

    fn min_len(&self) -> usize {
        self.base.min_len()
    }

    fn max_len(&self) -> usize {
        self.base.max_len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        (
            FuseProducer {
                base: left,
                len: index,
                panicked: self.panicked,
            },
            FuseProducer {
                base: right,
                len: self.len - index,
                panicked: self.panicked,
            },
        )
    }

    fn fold_with<F: Folder<Self::Item>>(self, mut folder: F) -> F {
        let _raise_on_unwind = RaiseOnUnwind(self.panicked);
        let mut rest = self.base;
        let mut len = self.len;
        while len > 0 && !folder.full() && !self.panicked.load(Ordering::Relaxed) {
            let take = FUSE_BLOCK.min(len);
            let (head, tail) = rest.split_at(take);
            folder = head.fold_with(folder);
            rest = tail;
            len -= take;
        }
        folder
    }
}

/// Raises the flag if dropped while unwinding.
pub(crate) struct RaiseOnUnwind<'a>(pub(crate) &'a AtomicBool);

impl Drop for RaiseOnUnwind<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}
