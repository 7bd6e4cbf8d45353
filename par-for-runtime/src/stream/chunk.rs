//! How many items one thread of a [`Stream`](super::Stream) pulls under one lock of the
//! source: as many as stay quick to pull and run, never more than [`MAX_CHUNK`] (or
//! [`MAX_CHUNK_OF_OWNERS`] for items that own memory).

use std::time::Duration;

/// The most items one thread pulls under one lock.
const MAX_CHUNK: usize = 16;
/// The most items one thread pulls under one lock when they have something to drop (a
/// `Vec`, a `String`: most likely a block of the heap each). A thread makes a chunk's
/// items before it drops any, and glibc's per-thread cache keeps 7 freed blocks of a
/// size: with at most 7, every block comes from that cache and goes back to it; with
/// 16, more than half went through the arena instead, which doubled the allocator's
/// instructions per item (callgrind, items `(i, vec![i; 64])`, tasks of 0.2 µs).
const MAX_CHUNK_OF_OWNERS: usize = 7;
/// A chunk whose pulls took longer than this came from a source that blocks.
const SLOW_PULL: Duration = Duration::from_micros(20);
/// How long one chunk may take to pull and run before the next is smaller.
const CHUNK_TIME: Duration = Duration::from_micros(20);

/// How many items one thread takes from the source under one lock: one at first, and
/// while a chunk is quick to pull and to run, twice as many next time, up to
/// its most. One that is slow to pull (the source blocks) or to run (costly
/// tasks) brings it back to one: a source that blocks often then holds back nothing
/// already pulled (one fast until it first blocks may hold back the few items of the
/// chunk being pulled, once), and a costly task never holds back the items after it.
pub(super) struct Chunk {
    pub(super) size: usize,
    most: usize,
}

impl Chunk {
    /// The chunk of a thread that pulls items of type `T`.
    pub(super) fn of<T>() -> Chunk {
        let most = if std::mem::needs_drop::<T>() {
            MAX_CHUNK_OF_OWNERS
        } else {
            MAX_CHUNK
        };
        Chunk { size: 1, most }
    }

    /// Adapts the size to how long the last chunk took to pull and, in all, to run.
    pub(super) fn adapt(&mut self, pulling: Duration, all: Duration) {
        self.size = if pulling > SLOW_PULL || all > CHUNK_TIME {
            1
        } else if all < CHUNK_TIME / 2 {
            (self.size * 2).min(self.most)
        } else {
            self.size
        };
    }
}
