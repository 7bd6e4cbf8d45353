//! A stream whose source every thread pulls, as rayon's `par_bridge` does: the source
//! is `Send` (the one a [`Stream`](super::Stream) owns, or the borrowed one of a
//! `#[par_for(stream)]` loop), so the pool's threads and the calling thread each take
//! the next items under one lock and run the task on them at once. An item is then
//! made, used and dropped on one thread (what a per-item allocation in the source needs
//! to be cheap).
//!
//! Whether a pull may block decides how it is done. A source that promises more items
//! (its `size_hint` has a lower bound: ranges, `Vec`s, slices and their `map`s) is
//! pulled in chunks while that is quick ([`Chunk`]), by the calling thread too. One
//! that does not (a channel, the lines of a reader, a `filter`) may block in `next`: it
//! is pulled one item at a time and only by runners, which file their finished results
//! before they pull it; a runner that finds it held by another files them and ends
//! (the calling thread starts runners again when it next looks, at least every 200 µs).
//! So while one runner blocks in `next`, every result of an item pulled before reaches
//! the calling thread, which never waits on the source, and the blocked source holds
//! one pool thread, not all of them. (A source that promises items and still blocks, a range mapped
//! through a closure that waits, falls back to one item a pull after a slow pull; the
//! items of the chunk being pulled when it first blocks wait with it.)
//!
//! The calling thread delivers the results (in input order through a small reorder
//! buffer, or as they complete) and, whenever none is ready and tasks are cheap (as
//! the runners measure them), pulls and runs a chunk itself. Nobody pulls past the
//! window: at most `window` items are pulled and not yet delivered. Runners file their
//! results in small batches, at once when the calling thread waits for them.
//!
//! A panic in the source's `next` is caught where it happens and becomes the result of
//! the item it was making: the stream stops pulling, and the calling thread re-raises
//! it in its turn (after every earlier result, in ordered mode).
//!
//! This module holds what the threads share and the runner loop; `deliver` is the
//! calling thread's side.
//!
//! # Memory ordering
//!
//! Items and results move under the two mutexes (`source`, `results`), which order
//! them. The atomics carry no data, so every access is `Relaxed`:
//! - `delivered` (written by the calling thread only) bounds how far runners pull: the
//!   results the consumer is done with (a result counts as in flight until the calling
//!   thread asks for the next one). A stale value is smaller than the true one, so a
//!   runner pulls less, never more: the window still holds.
//! - `filed` mirrors the length of the filed results, stored under the `results` lock,
//!   so that the calling thread skips taking that lock when there is nothing; a stale
//!   value only delays the take to its next look.
//! - `waiting` asks runners to file their results now. A runner that reads it late
//!   files a few items later; the calling thread sleeps with a timeout, so nothing
//!   waits on it for long.
//! - `stop` and `halted` are raised before `halt` takes the locks, so a runner that
//!   takes either lock afterwards sees them (through the lock) and pulls and files
//!   nothing more. A runner whose pull returns after the calling thread left reads
//!   `halted` before it runs what it pulled: a stale value only runs that chunk, whose
//!   results `file` then drops under the lock. `stop` alone (after a panic
//!   in the task) is read under the source lock; every result pulled before it is
//!   still filed, and the calling thread waits for exactly those.
//! - `may_block` mirrors, under the source lock, whether the source's next pull may
//!   block (its `size_hint` promises nothing). A thread that finds the source locked
//!   reads it to choose between waiting for the lock (held for a quick chunk) and not
//!   waiting at all (a runner files its results and ends). A stale `false` only
//!   matters where a source that promised items stops promising them: a thread may
//!   then wait behind that one pull, a runner with its unfiled results (at most 16),
//!   once.
//! - `runners` counts runner jobs; a stale count only starts one fewer runner or one
//!   more (which finds nothing to do and ends). `runners_wanted` (written by the
//!   calling thread) caps it while the calling thread runs tasks; a runner over the
//!   cap counts itself out with a compare-exchange, so two cannot both leave for one
//!   excess; a stale cap only keeps one runner too many (or too few) until the next
//!   look, and the calling thread starts runners again whenever it looks.
//! - `task_nanos` is a measurement, for the calling thread to decide whether it runs
//!   tasks itself; any recent value will do.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

use super::chunk::Chunk;
use super::{quietly, Done, Plan};

/// The most results a runner keeps before it files them.
const FILE_BATCH: usize = 16;
/// How long a runner that found the window full waits for room before it ends.
const LINGER: Duration = Duration::from_micros(20);

/// What one pull gave.
pub(super) enum Pull {
    /// Items from this index on, into the puller's buffer.
    Items(usize),
    /// Items from this index on, then a panic of the source's `next` (the result of the
    /// item after them); the stream is stopped.
    Broken(usize, Box<dyn Any + Send>),
    /// Nothing now: the window is full, or (for the calling thread) the source may
    /// block. Wait for results.
    Full,
    /// Another thread is inside a pull that may block: a runner leaves (the calling
    /// thread starts runners again when it next looks), the calling thread waits.
    Busy,
    /// The source is exhausted or the stream stopped; how many items were pulled.
    Over(usize),
}

/// Who pulls: a runner may block in the source's `next`; the calling thread never does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Puller {
    Runner,
    Caller,
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
    /// How many runners may work now: one fewer than the pool's threads while the
    /// calling thread runs tasks too, so that every thread has a core.
    pub(super) runners_wanted: AtomicUsize,
    pub(super) source: Padded<Mutex<Source<It>>>,
    pub(super) results: Padded<Mutex<Results<T>>>,
    /// Wakes the calling thread when results are filed while it waits.
    pub(super) wake: Condvar,
    /// How many results are filed and not taken, to look without the lock.
    pub(super) filed: Padded<AtomicUsize>,
    pub(super) delivered: Padded<AtomicUsize>,
    pub(super) waiting: Padded<AtomicBool>,
    /// Nobody pulls again (after a panic in the task or the source, or once halted).
    pub(super) stop: AtomicBool,
    /// Whether the next pull may block: the source promises no more items.
    pub(super) may_block: AtomicBool,
    /// Results are dropped rather than filed (the calling thread has left).
    pub(super) halted: AtomicBool,
    pub(super) runners: AtomicUsize,
    /// How long a task took lately, its item's pull included, in nanoseconds
    /// (`usize::MAX` until measured).
    pub(super) task_nanos: Padded<AtomicUsize>,
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while holding these locks but a user's source; recover all the same.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<It: Iterator, F, T> State<It, F, T> {
    /// The state of a stream of `task` over `items` that runs as `plan` says.
    pub(super) fn new(items: It, task: F, plan: &Plan) -> Self {
        State {
            task,
            capacity: plan.window,
            max_runners: plan.threads,
            runners_wanted: AtomicUsize::new(plan.threads),
            source: Padded(Mutex::new(Source {
                items: Some(items),
                pulled: 0,
                limit: plan.window,
            })),
            results: Padded(Mutex::new(Results { done: Vec::new() })),
            wake: Condvar::new(),
            filed: Padded(AtomicUsize::new(0)),
            delivered: Padded(AtomicUsize::new(0)),
            waiting: Padded(AtomicBool::new(false)),
            stop: AtomicBool::new(false),
            may_block: AtomicBool::new(true),
            halted: AtomicBool::new(false),
            runners: AtomicUsize::new(0),
            task_nanos: Padded(AtomicUsize::new(usize::MAX)),
        }
    }
}

impl<It, F, T> State<It, F, T>
where
    It: Iterator,
    F: Fn(It::Item) -> T,
{
    /// Takes the source's lock, unless another thread holds it for a pull that may
    /// block (`None`): nobody waits behind a `next` that may block. A runner files its
    /// results then, and leaves, so that a blocked source holds one pool thread, not all.
    fn lock_source(
        &self,
        puller: Puller,
        finished: &mut Vec<Done<T>>,
    ) -> Option<MutexGuard<'_, Source<It>>> {
        match self.source.try_lock() {
            Ok(source) => return Some(source),
            Err(TryLockError::Poisoned(poisoned)) => return Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => {}
        }
        if self.may_block.load(Ordering::Relaxed) {
            if puller == Puller::Runner {
                self.file(finished);
            }
            return None;
        }
        Some(lock(&self.source))
    }

    /// Pulls up to `max` items into `into`, unless the window is full or the stream is
    /// over; a runner's unfiled results in `finished` are filed before a pull that may
    /// block.
    fn pull(
        &self,
        puller: Puller,
        max: usize,
        into: &mut Vec<It::Item>,
        finished: &mut Vec<Done<T>>,
    ) -> Pull {
        let Some(mut source) = self.lock_source(puller, finished) else {
            return Pull::Busy;
        };
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
        let promised = source.items.as_ref().map_or(0, |items| items.size_hint().0);
        if self.may_block.load(Ordering::Relaxed) != (promised == 0) {
            self.may_block.store(promised == 0, Ordering::Relaxed);
        }
        let max = match (promised, puller) {
            (0, Puller::Caller) => return Pull::Full,
            (0, Puller::Runner) => {
                self.file(finished);
                1
            }
            (promised, _) => max.min(promised),
        };
        let max = max.min(source.limit - first);
        let (exhausted, broken) = match &mut source.items {
            Some(items) => Self::take_items(items, max, into),
            None => (true, None),
        };
        source.pulled += into.len() + usize::from(broken.is_some());
        if broken.is_some() {
            self.stop.store(true, Ordering::Relaxed);
        }
        if exhausted || broken.is_some() {
            let items = source.items.take();
            let pulled = source.pulled;
            drop(source);
            quietly(move || drop(items));
            if let Some(payload) = broken {
                return Pull::Broken(first, payload);
            }
            if into.is_empty() {
                return Pull::Over(pulled);
            }
        }
        Pull::Items(first)
    }

    /// Calls `next` up to `max` times, into `into`; whether the source is exhausted, and
    /// the payload if `next` panicked.
    fn take_items(
        items: &mut It,
        max: usize,
        into: &mut Vec<It::Item>,
    ) -> (bool, Option<Box<dyn Any + Send>>) {
        while into.len() < max {
            match panic::catch_unwind(AssertUnwindSafe(|| items.next())) {
                Ok(Some(item)) => into.push(item),
                Ok(None) => return (true, None),
                Err(payload) => return (false, Some(payload)),
            }
        }
        (false, None)
    }

    /// Pulls a chunk and runs the task on it, with the results into `finished`; what the
    /// pull gave (a source's panic is filed as its item's result, as `Items`). A
    /// runner's next chunk is timed from the end of this one (see [`Chunk::chain`]): it
    /// goes straight on to it.
    pub(super) fn pull_and_run(
        &self,
        puller: Puller,
        chunk: &mut Chunk,
        items: &mut Vec<It::Item>,
        finished: &mut Vec<Done<T>>,
    ) -> Pull {
        let started = chunk.start();
        let (first, broken) = match self.pull(puller, chunk.size, items, finished) {
            Pull::Items(first) => (first, None),
            Pull::Broken(first, payload) => (first, Some(payload)),
            other => return other,
        };
        let count = items.len();
        // Nothing once halted (a pull that returned after the calling thread left) is
        // needed, nor anything after a panicking item.
        let mut stopped = self.halted.load(Ordering::Relaxed);
        for (index, item) in (first..).zip(items.drain(..)) {
            if stopped {
                quietly(move || drop(item));
                continue;
            }
            let outcome = self.run(item);
            stopped = outcome.is_err();
            finished.push((index, outcome));
        }
        if let Some(payload) = broken {
            finished.push((first + count, Err(payload)));
        }
        let (ended, took) = chunk.end(started);
        if puller == Puller::Runner {
            chunk.chain(ended);
        }
        let per_task = took / (count.max(1) as u32);
        let nanos = usize::try_from(per_task.as_nanos()).unwrap_or(usize::MAX - 1);
        self.task_nanos.store(nanos, Ordering::Relaxed);
        Pull::Items(first)
    }

    /// How many items the source gave, once it is exhausted or the stream stopped;
    /// `None` while a runner holds the source (it may be blocked in `next`).
    pub(super) fn over(&self) -> Option<usize> {
        let source = match self.source.try_lock() {
            Ok(source) => source,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
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
    /// or the source ends. Never unwinds: a panic in the task or the source becomes
    /// the item's result.
    pub(super) fn runner(&self) {
        let mut chunk = Chunk::of::<It::Item>();
        let mut items = Vec::new();
        let mut finished = Vec::new();
        loop {
            if !finished.is_empty()
                && (finished.len() >= FILE_BATCH || self.waiting.load(Ordering::Relaxed))
            {
                self.file(&mut finished);
            }
            if self.one_too_many() {
                self.file(&mut finished);
                return;
            }
            match self.pull_and_run(Puller::Runner, &mut chunk, &mut items, &mut finished) {
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
                Pull::Over(_) | Pull::Broken(..) | Pull::Busy => break,
            }
        }
        self.file(&mut finished);
        self.runners.fetch_sub(1, Ordering::Relaxed);
    }

    /// Whether more runners work than are wanted now; if so this one is counted out.
    fn one_too_many(&self) -> bool {
        let wanted = self.runners_wanted.load(Ordering::Relaxed);
        let runners = self.runners.load(Ordering::Relaxed);
        runners > wanted
            && self
                .runners
                .compare_exchange(runners, runners - 1, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }

    /// Waits a moment for room in the window; whether there is some.
    fn linger(&self) -> bool {
        let since = Instant::now();
        while since.elapsed() < LINGER {
            std::thread::yield_now();
            let Ok(source) = self.source.try_lock() else {
                // Held: by a quick pull (look again) or one that may block (leave).
                if self.may_block.load(Ordering::Relaxed) {
                    return false;
                }
                continue;
            };
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
