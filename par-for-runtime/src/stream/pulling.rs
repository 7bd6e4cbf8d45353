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

use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

use rayon::ThreadPool;

use super::chunk::Chunk;
use super::window::CHEAP_TASK;
use super::{quietly, Done, Plan};

/// The most results a runner keeps before it files them.
const FILE_BATCH: usize = 16;
/// How long a runner that found the window full waits for room before it ends.
const LINGER: Duration = Duration::from_micros(20);
/// How long the calling thread sleeps at most before it looks again for results.
const NAP: Duration = Duration::from_micros(200);

/// What one pull gave.
enum Pull {
    /// Items from this index on, into the puller's buffer.
    Items(usize),
    /// The window is full: wait for the calling thread to deliver.
    Full,
    /// The source is exhausted or the stream stopped; how many items were pulled.
    Over(usize),
}

/// The source and its count of pulled items, behind their lock.
struct Source<It> {
    items: Option<It>,
    pulled: usize,
    /// How far pulls may go: `capacity` past a recent count of delivered results,
    /// read again only when `pulled` reaches it.
    limit: usize,
}

/// A value alone on its cache line (two, for adjacent-line prefetching), so that the
/// calling thread writing one atomic does not slow the runners reading another.
#[repr(align(128))]
struct Padded<T>(T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Finished results not yet taken by the calling thread.
struct Results<T> {
    done: Vec<Done<T>>,
}

/// What the calling thread and the runners of one stream share.
struct State<It: Iterator, F, T> {
    task: F,
    capacity: usize,
    max_runners: usize,
    source: Padded<Mutex<Source<It>>>,
    results: Padded<Mutex<Results<T>>>,
    /// Wakes the calling thread when results are filed while it waits.
    wake: Condvar,
    /// How many results are filed and not taken, to look without the lock.
    filed: Padded<AtomicUsize>,
    delivered: Padded<AtomicUsize>,
    waiting: Padded<AtomicBool>,
    /// Nobody pulls again (after a panic in the task, or once halted).
    stop: AtomicBool,
    /// Results are dropped rather than filed (the calling thread has left).
    halted: AtomicBool,
    runners: AtomicUsize,
    /// How long a task took lately, in nanoseconds (`usize::MAX` until measured).
    task_nanos: AtomicUsize,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
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
    fn pull_and_run(
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
    fn over(&self) -> Option<usize> {
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
    fn runner(&self) {
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
    fn halt(&self) {
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

/// The calling thread's side of a stream whose threads pull the source.
pub(super) struct Pulling<It: Iterator, F, T> {
    state: Arc<State<It, F, T>>,
    pool: Option<Arc<ThreadPool>>,
    ordered: bool,
    delivered: usize,
    /// How many items the source gave, once it is exhausted or stopped.
    total: Option<usize>,
    /// Ordered: one slot per item from `delivered` on, filled as results come.
    slots: VecDeque<Option<std::thread::Result<T>>>,
    /// Unordered: results not yet delivered, in completion order.
    ready: VecDeque<std::thread::Result<T>>,
    taken: Vec<Done<T>>,
    /// The calling thread's own pulls: their size, the items, their results.
    chunk: Chunk,
    items: Vec<It::Item>,
    finished: Vec<Done<T>>,
}

impl<It, F, T> Pulling<It, F, T>
where
    It: Iterator + Send + 'static,
    It::Item: Send + 'static,
    F: Fn(It::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    pub(super) fn new(items: It, task: F, plan: &Plan) -> Self {
        let state = State {
            task,
            capacity: plan.window,
            max_runners: plan.threads,
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
            halted: AtomicBool::new(false),
            runners: AtomicUsize::new(0),
            task_nanos: AtomicUsize::new(usize::MAX),
        };
        Pulling {
            state: Arc::new(state),
            pool: plan.pool.clone(),
            ordered: plan.ordered,
            delivered: 0,
            total: None,
            slots: VecDeque::new(),
            ready: VecDeque::new(),
            taken: Vec::new(),
            chunk: Chunk::new(),
            items: Vec::new(),
            finished: Vec::new(),
        }
    }

    /// The next result to deliver, or `None` once every pulled item is delivered and
    /// the source is exhausted.
    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(outcome) = self.pop_ready() {
                return Some(self.deliver(outcome));
            }
            if self.total == Some(self.delivered) {
                return None;
            }
            self.start_runners();
            if self.take(false) {
                continue;
            }
            if self.total.is_none() && self.tasks_are_cheap() {
                let mut finished = std::mem::take(&mut self.finished);
                let pull = self
                    .state
                    .pull_and_run(&mut self.chunk, &mut self.items, &mut finished);
                for (index, outcome) in finished.drain(..) {
                    self.place(index, outcome);
                }
                self.finished = finished;
                match pull {
                    Pull::Items(_) => continue,
                    Pull::Over(total) => {
                        self.total = Some(total);
                        continue;
                    }
                    Pull::Full => {}
                }
            }
            if self.total.is_none() {
                // The runners may have seen the source end: then nothing more comes.
                self.total = self.state.over();
                if self.total.is_some() {
                    continue;
                }
            }
            self.take(true);
        }
    }

    /// Whether tasks are cheap enough for the calling thread to run some itself: a
    /// costly one would hold back the results that come meanwhile.
    fn tasks_are_cheap(&self) -> bool {
        let nanos = self.state.task_nanos.load(Ordering::Relaxed);
        nanos != usize::MAX && (nanos as u128) < CHEAP_TASK.as_nanos()
    }

    fn pop_ready(&mut self) -> Option<std::thread::Result<T>> {
        if self.ordered {
            match self.slots.front() {
                Some(Some(_)) => self.slots.pop_front().flatten(),
                _ => None,
            }
        } else {
            self.ready.pop_front()
        }
    }

    fn deliver(&mut self, outcome: std::thread::Result<T>) -> T {
        self.delivered += 1;
        self.state
            .delivered
            .store(self.delivered, Ordering::Relaxed);
        match outcome {
            Ok(value) => value,
            Err(payload) => {
                self.total = Some(self.delivered);
                self.state.halt();
                panic::resume_unwind(payload)
            }
        }
    }

    /// Files one result: into its slot, or in completion order. After a panic nothing
    /// more is pulled; ordered, the items before it are still delivered first.
    fn place(&mut self, index: usize, outcome: std::thread::Result<T>) {
        if outcome.is_err() {
            self.state.stop.store(true, Ordering::Relaxed);
        }
        if self.ordered {
            let at = index - self.delivered;
            if self.slots.len() <= at {
                self.slots.resize_with(at + 1, || None);
            }
            self.slots[at] = Some(outcome);
        } else {
            self.ready.push_back(outcome);
        }
    }

    /// Takes the results the runners filed; with `wait`, first sleeps a moment if there
    /// are none (a pool thread runs pool work instead). Whether it took any.
    fn take(&mut self, wait: bool) -> bool {
        let state = &*self.state;
        if !wait && state.filed.load(Ordering::Relaxed) == 0 {
            return false;
        }
        let mut results = lock(&state.results);
        if results.done.is_empty() && wait {
            drop(results);
            state.waiting.store(true, Ordering::Relaxed);
            results = match rayon::yield_now() {
                Some(rayon::Yield::Executed) => lock(&state.results),
                _ => {
                    let results = lock(&state.results);
                    if results.done.is_empty() {
                        state
                            .wake
                            .wait_timeout(results, NAP)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0
                    } else {
                        results
                    }
                }
            };
            state.waiting.store(false, Ordering::Relaxed);
        }
        std::mem::swap(&mut self.taken, &mut results.done);
        state.filed.store(0, Ordering::Relaxed);
        drop(results);
        let took = !self.taken.is_empty();
        let mut taken = std::mem::take(&mut self.taken);
        for (index, outcome) in taken.drain(..) {
            self.place(index, outcome);
        }
        self.taken = taken;
        took
    }

    /// Starts runners up to one per pool thread while the source may give more.
    fn start_runners(&self) {
        if self.total.is_some() {
            return;
        }
        let state = &self.state;
        while state.runners.load(Ordering::Relaxed) < state.max_runners {
            state.runners.fetch_add(1, Ordering::Relaxed);
            let state = Arc::clone(state);
            let runner = move || state.runner();
            match &self.pool {
                Some(pool) => pool.spawn_fifo(runner),
                None => rayon::spawn_fifo(runner),
            }
        }
    }
}

impl<It, F, T> Iterator for Pulling<It, F, T>
where
    It: Iterator + Send + 'static,
    It::Item: Send + 'static,
    F: Fn(It::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    type Item = T;

    /// The next result to deliver, or `None` once every pulled item is delivered and
    /// the source is exhausted.
    fn next(&mut self) -> Option<T> {
        Pulling::next(self)
    }
}

impl<It: Iterator, F, T> Drop for Pulling<It, F, T> {
    fn drop(&mut self) {
        self.state.halt();
    }
}
