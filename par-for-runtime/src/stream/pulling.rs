//! A stream whose source every thread pulls, as rayon's `par_bridge` does: the source
//! of a [`Stream`](super::Stream) is `Send`, so the pool's threads and the calling
//! thread each take the next item under one lock and run the task on it at once. An
//! item is then made, used and dropped on one thread (what a per-item allocation in
//! the source needs to be cheap). Items are pulled in chunks while that is quick
//! ([`Chunk`]), one at a time from a source that blocks.
//!
//! The calling thread delivers the results (in input order through a small reorder
//! buffer, or as they complete) and, whenever none is ready and tasks are cheap (as
//! the runners measure them), pulls and runs a chunk itself. Nobody pulls past the window: at most `window` items are pulled and not yet
//! delivered. Runners file their results in small batches, at once when the calling
//! thread waits for them.
//!
//! This module holds what the threads share and the runner loop; `deliver` is the
//! calling thread's side.
//!
//! # Memory ordering
//!
//! Items and results move under the two mutexes (`source`, `results`), which order
//! them. The atomics carry no data, so every access is `Relaxed`:
//! - `delivered` (written by the calling thread only) bounds how far runners pull. A
//!   stale value is smaller than the true one, so a runner pulls less, never more: the
//!   window still holds.
//! - `filed` mirrors the length of the filed results, stored under the `results` lock,
//!   so that the calling thread skips taking that lock when there is nothing; a stale
//!   value only delays the take to its next look.
//! - `waiting` asks runners to file their results now. A runner that reads it late
//!   files a few items later; the calling thread sleeps with a timeout, so nothing
//!   waits on it for long.
//! - `stop` and `halted` are raised before `halt` takes the locks, so a runner that
//!   takes either lock afterwards sees them (through the lock) and pulls and files
//!   nothing more. `stop` alone (after a panic in the task) is read under the source
//!   lock; every result pulled before it is still filed, and the calling thread waits
//!   for exactly those.
//! - `runners` counts runner jobs; a stale count only starts one fewer runner or one
//!   more (which finds nothing to do and ends).
//! - `task_nanos` is a measurement, for the calling thread to decide whether it runs
//!   tasks itself; any recent value will do.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

use super::chunk::Chunk;
use super::{quietly, Done};

/// The most results a runner keeps before it files them.
const FILE_BATCH: usize = 16;
/// How long a runner that found the window full waits for room before it ends.
const LINGER: Duration = Duration::from_micros(20);

/// What one pull gave.
pub(super) enum Pull {
    /// Items from this index on, into the puller's buffer.
    Items(usize),
    /// The window is full: wait for the calling thread to deliver.
    Full,
    /// The source is exhausted or the stream stopped; how many items were pulled.
    Over(usize),
}

/// The source and its count of pulled items, behind their lock.
pub(super) struct Source<It> {
    pub(super) items: Option<It>,
    pub(super) pulled: usize,
    /// How far pulls may go: `capacity` past a recent count of delivered results,
    /// read again only when `pulled` reaches it.
    pub(super) limit: usize,
}

/// A value alone on its cache line (two, for adjacent-line prefetching), so that the
/// calling thread writing one atomic does not slow the runners reading another.
#[repr(align(128))]
pub(super) struct Padded<T>(pub(super) T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Finished results not yet taken by the calling thread.
pub(super) struct Results<T> {
    pub(super) done: Vec<Done<T>>,
}

/// What the calling thread and the runners of one stream share.
pub(super) struct State<It: Iterator, F, T> {
    pub(super) task: F,
    pub(super) capacity: usize,
    pub(super) max_runners: usize,
    pub(super) source: Padded<Mutex<Source<It>>>,
    pub(super) results: Padded<Mutex<Results<T>>>,
    /// Wakes the calling thread when results are filed while it waits.
    pub(super) wake: Condvar,
    /// How many results are filed and not taken, to look without the lock.
    pub(super) filed: Padded<AtomicUsize>,
    pub(super) delivered: Padded<AtomicUsize>,
    pub(super) waiting: Padded<AtomicBool>,
    /// Nobody pulls again (after a panic in the task, or once halted).
    pub(super) stop: AtomicBool,
    /// Results are dropped rather than filed (the calling thread has left).
    pub(super) halted: AtomicBool,
    pub(super) runners: AtomicUsize,
    /// How long a task took lately, in nanoseconds (`usize::MAX` until measured).
    pub(super) task_nanos: AtomicUsize,
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while holding these locks but a user's source; recover all the same.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<It, F, T> State<It, F, T>
where
    It: Iterator,
    F: Fn(It::Item) -> T,
{
    /// Pulls up to `max` items into `into`, unless the window is full or the stream is
    /// over.
    fn pull(&self, max: usize, into: &mut Vec<It::Item>) -> Pull {
        let mut source = lock(&self.source);
        if self.stop.load(Ordering::Relaxed) {
            return Pull::Over(source.pulled);
        }
        if source.pulled >= source.limit {
            source.limit = self.delivered.load(Ordering::Relaxed) + self.capacity;
            if source.pulled >= source.limit {
                return Pull::Full;
            }
        }
        let first = source.pulled;
        let max = max.min(source.limit - first);
        let Source { items, pulled, .. } = &mut *source;
        if let Some(items) = items {
            into.extend(items.take(max));
        }
        *pulled += into.len();
        if into.len() < max {
            let items = source.items.take();
            let pulled = source.pulled;
            drop(source);
            quietly(move || drop(items));
            if into.is_empty() {
                return Pull::Over(pulled);
            }
        }
        Pull::Items(first)
    }

    /// Pulls a chunk and runs the task on it, with the results into `finished`; false
    /// once the window is full or the stream over.
    pub(super) fn pull_and_run(
        &self,
        chunk: &mut Chunk,
        items: &mut Vec<It::Item>,
        finished: &mut Vec<Done<T>>,
    ) -> Pull {
        let started = Instant::now();
        let first = match self.pull(chunk.size, items) {
            Pull::Items(first) => first,
            other => return other,
        };
        let pulled = started.elapsed();
        let mut stopped = false;
        for (index, item) in (first..).zip(items.drain(..)) {
            if stopped {
                quietly(move || drop(item));
                continue;
            }
            let outcome = self.run(item);
            // Nothing after a panicking item is needed.
            stopped = outcome.is_err();
            finished.push((index, outcome));
        }
        let all = started.elapsed();
        chunk.adapt(pulled, all);
        let per_task = (all - pulled) / (finished.len().max(1) as u32);
        let nanos = usize::try_from(per_task.as_nanos()).unwrap_or(usize::MAX - 1);
        self.task_nanos.store(nanos, Ordering::Relaxed);
        Pull::Items(first)
    }

    /// How many items the source gave, once it is exhausted or the stream stopped.
    pub(super) fn over(&self) -> Option<usize> {
        let source = lock(&self.source);
        let over = source.items.is_none() || self.stop.load(Ordering::Relaxed);
        over.then_some(source.pulled)
    }

    /// Runs the task on one item; the panic payload if it panics.
    fn run(&self, item: It::Item) -> std::thread::Result<T> {
        panic::catch_unwind(AssertUnwindSafe(|| (self.task)(item)))
    }

    /// Moves a runner's results to the shared list, waking the calling thread if it
    /// waits; drops them instead once the stream is halted.
    fn file(&self, finished: &mut Vec<Done<T>>) {
        if finished.is_empty() {
            return;
        }
        let mut results = lock(&self.results);
        if self.halted.load(Ordering::Relaxed) {
            drop(results);
            let dropped = std::mem::take(finished);
            quietly(move || drop(dropped));
            return;
        }
        results.done.append(finished);
        self.filed.store(results.done.len(), Ordering::Relaxed);
        drop(results);
        if self.waiting.load(Ordering::Relaxed) {
            self.wake.notify_one();
        }
    }

    /// A runner, on a pool thread: pulls and runs items until the window stays full
    /// or the source ends. Never unwinds: a panic in the task becomes the item's result.
    pub(super) fn runner(&self) {
        let mut chunk = Chunk::new();
        let mut items = Vec::new();
        let mut finished = Vec::new();
        loop {
            if !finished.is_empty()
                && (finished.len() >= FILE_BATCH || self.waiting.load(Ordering::Relaxed))
            {
                self.file(&mut finished);
            }
            match self.pull_and_run(&mut chunk, &mut items, &mut finished) {
                Pull::Items(_) => {
                    if finished.last().is_some_and(|(_, outcome)| outcome.is_err()) {
                        self.file(&mut finished);
                    }
                }
                Pull::Full => {
                    self.file(&mut finished);
                    if !self.linger() {
                        break;
                    }
                }
                Pull::Over(_) => break,
            }
        }
        self.file(&mut finished);
        self.runners.fetch_sub(1, Ordering::Relaxed);
    }

    /// Waits a moment for room in the window; whether there is some.
    fn linger(&self) -> bool {
        let since = Instant::now();
        while since.elapsed() < LINGER {
            std::thread::yield_now();
            let source = lock(&self.source);
            if source.pulled < self.delivered.load(Ordering::Relaxed) + self.capacity {
                return true;
            }
        }
        false
    }
}

impl<It: Iterator, F, T> State<It, F, T> {
    /// Stops the stream: nobody pulls again; the source, if free, and every filed result
    /// are dropped here, on the calling thread.
    pub(super) fn halt(&self) {
        self.stop.store(true, Ordering::Relaxed);
        self.halted.store(true, Ordering::Relaxed);
        let items = match self.source.try_lock() {
            Ok(mut source) => source.items.take(),
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner().items.take(),
            // A runner is inside the source's `next`: it drops the source when it sees
            // the stop.
            Err(TryLockError::WouldBlock) => None,
        };
        let done = std::mem::take(&mut lock(&self.results).done);
        drop((items, done));
    }
}
