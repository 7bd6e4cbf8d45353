//! The state one stream's calling thread and its runners share: the queue of pulled
//! items, the finished results, the stop mark, and the runner loop that works on them.
//!
//! # Memory ordering
//!
//! Everything the calling thread and the runners exchange (items, results, the count
//! of runners, what the calling thread waits for) lives in `inner`, behind the mutex,
//! which orders it. The three atomics beside it carry no data of their own, so every
//! access is `Relaxed`:
//!
//! - `queued_len` and `done_len` mirror the lengths of `inner.queued` and `inner.done`,
//!   stored under the lock, for a thread that spins a few microseconds before it takes
//!   the lock or sleeps. A stale value only makes it spin a little longer or take the
//!   lock a little sooner; what it then reads, it reads under the lock.
//! - `stop` only ever decreases (`fetch_min`, or `store(0)` in `halt`), and is read by
//!   runners to skip items. A runner that reads a stale, larger value runs an item
//!   that is no longer needed: work wasted, never a wrong result, because the calling
//!   thread ignores results past the stop (ordered: it stops delivering at the
//!   panic; unordered and halted: it takes no more results). `halt` stores `0` before
//!   it takes the lock to empty the queue, so a runner that takes the lock after that
//!   sees the queue empty and, through the lock, the stop mark.
//! - `aside_len` mirrors the length of `aside.items`, stored under `aside`'s lock, for
//!   the calling thread to see without the lock whether anything is set aside (a
//!   runner may have taken it). Only the calling thread adds items, so when it reads
//!   `0` (its own store, or a later one: coherence) the aside is empty; a stale
//!   non-zero value only makes it hand over an empty batch. Runners read it only to
//!   see whether the calling thread is still pulling: a hint, no data.
//!
//! Items the calling thread pulled but has not queued yet are *set aside* in `aside`,
//! behind a mutex of their own that only a runner that waited for the queue in vain
//! takes: so they are queued in batches, one `inner` lock each, and still no item
//! waits for the source while it blocks in `next`. A runner ends only after it found
//! `aside` empty under its lock, and counts itself out there (`aside.runners`); the
//! calling thread sets an item aside under the same lock and hands it over at once if
//! no runner is left to see it.

use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::feed::Exchange;
use super::window::CHEAP_TASK;
use super::{quietly, Done};

mod aside;

use self::aside::{Aside, OwnLine};

/// How long a pool thread that found no work sleeps before it looks again.
const SHORTEST_NAP: Duration = Duration::from_micros(20);
const LONGEST_NAP: Duration = Duration::from_millis(1);
/// How long the calling thread waiting for a batch yields its core before it sleeps.
const SPIN: Duration = Duration::from_micros(10);
/// How long a runner that found the queue empty waits for more before it ends.
const LINGER: Duration = Duration::from_micros(10);
/// The most items a runner takes from the queue at once.
const MAX_CHUNK: usize = 64;
/// What the calling thread waits for: `count` finished results, or the result of item
/// `front`, or any result once nothing is left in the queue.
#[derive(Clone, Copy, Debug)]
pub(super) struct Want {
    pub(super) count: usize,
    pub(super) front: usize,
}

/// The state one stream's calling thread and runners share.
pub(super) struct Shared<F, T, X> {
    pub(super) task: F,
    /// Items of index `>= stop` are skipped: `usize::MAX` while running.
    stop: AtomicUsize,
    /// The lengths of `queued` and `done`, for looking without the lock.
    queued_len: AtomicUsize,
    done_len: AtomicUsize,
    /// How long a task took lately, in nanoseconds, as runners measure it
    /// (`usize::MAX` until one has).
    task_nanos: AtomicUsize,
    max_runners: usize,
    inner: Mutex<Inner<T, X>>,
    /// Pulled and not queued yet (see the module docs).
    aside: OwnLine<Mutex<Aside<X>>>,
    /// The length of `aside.items`, for looking without the lock.
    aside_len: OwnLine<AtomicUsize>,
    /// Wakes the calling thread when what it waits for is there.
    wake: Condvar,
}

pub(super) struct Inner<T, X> {
    /// Pulled and not started, oldest first.
    pub(super) queued: VecDeque<(usize, X)>,
    /// Runner jobs started and not ended.
    pub(super) runners: usize,
    /// How many runners may work at once: one per pool thread, one fewer while the
    /// calling thread runs tasks too.
    pub(super) runners_allowed: usize,
    /// Finished and not taken by the calling thread, in completion order.
    pub(super) done: Vec<Done<T>>,
    /// What the calling thread waits for, while it sleeps.
    pub(super) waiting: Option<Want>,
}

impl<F, T, X> Shared<F, T, X> {
    pub(super) fn new(task: F, max_runners: usize) -> Self {
        Shared {
            task,
            stop: AtomicUsize::new(usize::MAX),
            queued_len: AtomicUsize::new(0),
            done_len: AtomicUsize::new(0),
            task_nanos: AtomicUsize::new(usize::MAX),
            max_runners,
            inner: Mutex::new(Inner {
                queued: VecDeque::new(),
                runners: 0,
                runners_allowed: max_runners,
                done: Vec::new(),
                waiting: None,
            }),
            wake: Condvar::new(),
            aside: OwnLine(Mutex::new(Aside {
                first: 0,
                items: Vec::new(),
                runners: 0,
            })),
            aside_len: OwnLine(AtomicUsize::new(0)),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Inner<T, X>> {
        // Nothing panics while holding the lock; recover from poisoning all the same.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Publishes how long a task took lately, for the calling thread to decide whether
    /// it runs tasks itself.
    fn note_task_time(&self, per_task: Duration) {
        let nanos = usize::try_from(per_task.as_nanos()).unwrap_or(usize::MAX - 1);
        self.task_nanos.store(nanos, Ordering::Relaxed);
    }

    /// Stops the stream: skips everything not started, drops what is queued or done.
    pub(super) fn halt(&self) {
        self.stop.store(0, Ordering::Relaxed);
        let (queued, done) = {
            let mut inner = self.lock();
            self.queued_len.store(0, Ordering::Relaxed);
            self.done_len.store(0, Ordering::Relaxed);
            (
                std::mem::take(&mut inner.queued),
                std::mem::take(&mut inner.done),
            )
        };
        let aside = {
            let mut aside = self.lock_aside();
            self.aside_len.store(0, Ordering::Relaxed);
            std::mem::take(&mut aside.items)
        };
        // Dropped here, on the calling thread, outside the locks.
        drop((queued, done, aside));
    }

    /// Queues the items of `batch` as items `first..` (on the calling thread); how many
    /// runners must be started for them.
    pub(super) fn queue(&self, first: usize, batch: &mut Vec<X>) -> usize {
        if batch.is_empty() {
            return 0;
        }
        let mut inner = self.lock();
        let count = batch.len();
        inner.queued.extend((first..).zip(batch.drain(..)));
        self.queued_len.store(inner.queued.len(), Ordering::Relaxed);
        let start = inner
            .runners_allowed
            .saturating_sub(inner.runners)
            .min(count);
        if start > 0 {
            inner.runners += start;
            self.lock_aside().runners = inner.runners;
        }
        start
    }

    /// A runner, on a pool thread: runs queued items, oldest first, a few at a time,
    /// until none is left. Never unwinds: a panic in the task becomes the item's result.
    pub(super) fn runner(&self)
    where
        F: Fn(X) -> T,
    {
        let mut finished = Vec::new();
        let mut next = Vec::new();
        let mut lingered = false;
        // Whether the calling thread set items aside while this runner lingered.
        let mut pulling = false;
        // One item first: a costly task is then never taken in a chunk.
        let mut cheap = false;
        loop {
            let (notify, end) = {
                let mut inner = self.lock();
                let notify = self.file(&mut inner, &mut finished);
                let take = if cheap {
                    self.chunk(inner.queued.len())
                } else {
                    inner.queued.len().min(1)
                };
                let surplus = inner.runners > inner.runners_allowed;
                if !surplus {
                    next.extend(inner.queued.drain(..take));
                    self.queued_len.store(inner.queued.len(), Ordering::Relaxed);
                }
                // Only a runner that waited for the queue in vain while the calling
                // thread set nothing aside looks at what was set aside: the calling
                // thread is then likely blocked in the source. While it pulls, it
                // queues what it set aside before its next pull (the queue is empty),
                // and taking it here would only contend with it for the lock.
                let end = if surplus {
                    inner.runners -= 1;
                    self.lock_aside().runners = inner.runners;
                    true
                } else if next.is_empty() && lingered && !pulling {
                    self.take_aside_or_end(cheap, &mut next, &mut inner)
                } else {
                    false
                };
                (notify, end)
            };
            if notify {
                self.wake.notify_one();
            }
            if end {
                return;
            }
            if next.is_empty() {
                // The calling thread may be about to queue more: wait a moment for it
                // rather than end, and be started again at the cost of a wake-up.
                lingered = true;
                let aside_before = self.aside_len.load(Ordering::Relaxed);
                let since = Instant::now();
                while self.queued_len.load(Ordering::Relaxed) == 0 && since.elapsed() < LINGER {
                    std::thread::yield_now();
                }
                pulling = self.aside_len.load(Ordering::Relaxed) != aside_before;
                continue;
            }
            lingered = false;
            let started = Instant::now();
            let count = next.len() as u32;
            self.run_chunk(&mut next, &mut finished);
            let per_task = started.elapsed() / count;
            self.note_task_time(per_task);
            cheap = per_task < CHEAP_TASK;
        }
    }

    /// Takes into `next` what was set aside (a chunk when `cheap`, else one item), or,
    /// if there is none, counts the runner out, under the same lock (see the module
    /// docs); whether the runner ends.
    fn take_aside_or_end(
        &self,
        cheap: bool,
        next: &mut Vec<(usize, X)>,
        inner: &mut Inner<T, X>,
    ) -> bool {
        let mut aside = self.lock_aside();
        let take = if cheap {
            self.chunk(aside.items.len())
        } else {
            aside.items.len().min(1)
        };
        let first = aside.first;
        next.extend((first..).zip(aside.items.drain(..take)));
        aside.first = first + take;
        self.aside_len.store(aside.items.len(), Ordering::Relaxed);
        if take == 0 {
            inner.runners -= 1;
            aside.runners = inner.runners;
        }
        take == 0
    }

    /// How many of `queued` items one runner takes at once when tasks are cheap: a
    /// share small enough that every runner gets some, so that a lock is taken per few
    /// items, not per item. (Costly tasks are taken one at a time: the lock costs them
    /// nothing, and a chunk would hold back the items after the first.)
    fn chunk(&self, queued: usize) -> usize {
        (queued / (2 * self.max_runners))
            .clamp(1, MAX_CHUNK)
            .min(queued)
    }

    /// Runs the task on one item; the payload of its panic if it panics.
    pub(super) fn run(&self, item: X) -> std::thread::Result<T>
    where
        F: Fn(X) -> T,
    {
        panic::catch_unwind(AssertUnwindSafe(|| (self.task)(item)))
    }

    /// Runs the items of `chunk` in order into `finished`, skipping those stopped. After
    /// a panic the rest of the chunk is dropped: those items come after it, and nothing
    /// after a panicking item is needed.
    fn run_chunk(&self, chunk: &mut Vec<(usize, X)>, finished: &mut Vec<Done<T>>)
    where
        F: Fn(X) -> T,
    {
        let mut items = chunk.drain(..);
        while let Some((index, item)) = items.next() {
            if index >= self.stop.load(Ordering::Relaxed) {
                quietly(move || drop(item));
                continue;
            }
            let outcome = self.run(item);
            if index >= self.stop.load(Ordering::Relaxed) {
                // Stopped meanwhile: nobody will take it, drop it here.
                quietly(move || drop(outcome));
                continue;
            }
            let panicked = outcome.is_err();
            finished.push((index, outcome));
            if panicked {
                let rest: Vec<_> = items.by_ref().collect();
                quietly(move || drop(rest));
            }
        }
    }

    /// Moves a runner's `finished` results to the done list; whether the calling thread
    /// sleeps waiting for what just came.
    fn file(&self, inner: &mut Inner<T, X>, finished: &mut Vec<Done<T>>) -> bool {
        if finished.is_empty() {
            return false;
        }
        let front_done = inner
            .waiting
            .is_some_and(|want| finished.iter().any(|(index, _)| *index == want.front));
        inner.done.append(finished);
        self.done_len.store(inner.done.len(), Ordering::Relaxed);
        match inner.waiting {
            Some(want)
                if inner.done.len() >= want.count || front_done || inner.queued.is_empty() =>
            {
                inner.waiting = None;
                true
            }
            _ => false,
        }
    }
}

impl<F, T, X> Exchange<T> for Shared<F, T, X>
where
    F: Fn(X) -> T,
{
    fn task_time(&self) -> Option<Duration> {
        match self.task_nanos.load(Ordering::Relaxed) {
            usize::MAX => None,
            nanos => Some(Duration::from_nanos(nanos as u64)),
        }
    }

    fn help(&self, cheap: bool, into: &mut Vec<Done<T>>) -> bool {
        let mut chunk = {
            let mut inner = self.lock();
            let take = if cheap {
                self.chunk(inner.queued.len())
            } else {
                inner.queued.len().min(1)
            };
            let chunk: Vec<_> = inner.queued.drain(..take).collect();
            self.queued_len.store(inner.queued.len(), Ordering::Relaxed);
            chunk
        };
        if chunk.is_empty() {
            return false;
        }
        self.run_chunk(&mut chunk, into);
        true
    }

    fn queued(&self) -> usize {
        self.queued_len.load(Ordering::Relaxed)
    }

    fn has_done(&self) -> bool {
        self.done_len.load(Ordering::Relaxed) > 0
    }

    fn limit_runners(&self, max: usize) {
        self.lock().runners_allowed = max.clamp(1, self.max_runners);
    }

    fn take(&self, want: Want, patience: Option<Duration>, into: &mut Vec<Done<T>>) {
        let mut want = want;
        let mut deadline = patience.map(|patience| Instant::now() + patience);
        let mut nap = SHORTEST_NAP;
        if patience.is_some() {
            // Results are coming fast: a batch is likely a few microseconds away, less
            // than the cost of sleeping and being woken. Look without the lock.
            let since = Instant::now();
            while self.done_len.load(Ordering::Relaxed) < want.count && since.elapsed() < SPIN {
                std::thread::yield_now();
            }
        }
        let mut inner = self.lock();
        while inner.done.is_empty() {
            // A pool thread runs pool work (maybe this stream's own runners) rather
            // than sleep; the lock is not held meanwhile.
            drop(inner);
            let in_pool = match rayon::yield_now() {
                Some(rayon::Yield::Executed) => {
                    nap = SHORTEST_NAP;
                    inner = self.lock();
                    continue;
                }
                Some(rayon::Yield::Idle) => true,
                None => false,
            };
            inner = self.lock();
            if !inner.done.is_empty() {
                break;
            }
            let now = Instant::now();
            if deadline.is_some_and(|deadline| now >= deadline) {
                // Patience is over: the first result will do.
                deadline = None;
                want = Want {
                    count: 1,
                    front: usize::MAX,
                };
            }
            let sleep = match (in_pool, deadline) {
                (true, Some(deadline)) => Some(nap.min(deadline - now)),
                (true, None) => Some(nap),
                (false, deadline) => deadline.map(|deadline| deadline - now),
            };
            loop {
                inner.waiting = Some(want);
                inner = match sleep {
                    Some(sleep) => {
                        self.wake
                            .wait_timeout(inner, sleep)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0
                    }
                    None => self
                        .wake
                        .wait(inner)
                        .unwrap_or_else(PoisonError::into_inner),
                };
                let woken = inner.waiting.is_none();
                inner.waiting = None;
                // A runner woke us (what we want is there), or a timed sleep is over
                // (a nap, or the patience: then take what is there); else a spurious
                // wake-up: sleep again.
                if woken || sleep.is_some() {
                    break;
                }
            }
            nap = (nap * 2).min(LONGEST_NAP);
        }
        into.append(&mut inner.done);
        self.done_len.store(0, Ordering::Relaxed);
    }

    fn stop_from(&self, index: usize) {
        self.stop.fetch_min(index, Ordering::Relaxed);
    }

    fn halt(&self) {
        Shared::halt(self);
    }
}
