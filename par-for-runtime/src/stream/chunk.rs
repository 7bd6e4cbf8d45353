//! How many items one thread of a [`Stream`](super::Stream) pulls under one lock of the
//! source: as many as stay quick to pull and run, never more than [`MAX_CHUNK`] (or
//! [`MAX_CHUNK_OF_OWNERS`] for items that own memory); and the clock that says so.

use std::time::{Duration, Instant};

/// The most items one thread pulls under one lock.
const MAX_CHUNK: usize = 16;
/// The most items one thread pulls under one lock when they have something to drop (a
/// `Vec`, a `String`: most likely a block of the heap each). A thread makes a chunk's
/// items before it drops any, and glibc's per-thread cache keeps 7 freed blocks of a
/// size: with at most 7, every block comes from that cache and goes back to it; with
/// 16, more than half went through the arena instead, which doubled the allocator's
/// instructions per item (callgrind, items `(i, vec![i; 64])`, tasks of 0.2 µs).
const MAX_CHUNK_OF_OWNERS: usize = 7;
/// How long one chunk may take to pull and run before the next is smaller: longer
/// means a source that blocks or a costly task.
const CHUNK_TIME: Duration = Duration::from_micros(20);

/// How many items one thread takes from the source under one lock: one at first, and
/// while a chunk is quick to pull and to run, twice as many next time, up to
/// its most. One that is slow to pull (the source blocks) or to run (costly
/// tasks) brings it back to one: a source that blocks often then holds back nothing
/// already pulled (one fast until it first blocks may hold back the few items of the
/// chunk being pulled, once), and a costly task never holds back the items after it.
///
/// A chunk is timed from [`Chunk::start`] to [`Chunk::end`]. A runner that goes
/// straight on to its next chunk starts it at the reading that ended the last one
/// ([`Chunk::chain`]): one reading of the clock a chunk instead of two, which on a
/// virtual machine (about 50 ns a reading) is a few percent of a chunk of light items.
pub(super) struct Chunk {
    pub(super) size: usize,
    most: usize,
    /// The end of the last chunk, when the next one starts there.
    chained: Option<Instant>,
}

impl Chunk {
    /// The chunk of a thread that pulls items of type `T`.
    pub(super) fn of<T>() -> Chunk {
        let most = if std::mem::needs_drop::<T>() {
            MAX_CHUNK_OF_OWNERS
        } else {
            MAX_CHUNK
        };
        Chunk {
            size: 1,
            most,
            chained: None,
        }
    }

    /// A chunk starts: at the end of the last one if chained to it, else now.
    pub(super) fn start(&mut self) -> Instant {
        self.chained.take().unwrap_or_else(Instant::now)
    }

    /// The chunk that started at `started` has been pulled and run: adapts the size of
    /// the next, and returns how long this one took.
    pub(super) fn end(&mut self, started: Instant) -> (Instant, Duration) {
        let now = Instant::now();
        let took = now - started;
        self.adapt(took);
        (now, took)
    }

    /// The next chunk starts where the one that ended at `ended` did: its thread went
    /// straight on to it (filing results on the way is part of a chunk's cost).
    pub(super) fn chain(&mut self, ended: Instant) {
        self.chained = Some(ended);
    }

    /// Adapts the size to how long the last chunk took to pull and run.
    pub(super) fn adapt(&mut self, took: Duration) {
        self.size = if took > CHUNK_TIME {
            1
        } else if took < CHUNK_TIME / 2 {
            (self.size * 2).min(self.most)
        } else {
            self.size
        };
    }
}
