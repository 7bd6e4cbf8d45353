//! The calling thread's side of a stream whose threads pull the source (the shared
//! state and the runners are in `pulling`), for a [`Stream`](super::Stream) and for a
//! `#[par_for(stream)]` loop over a `Send` source alike: it starts runners (`'static`
//! jobs on a pool, or jobs of the loop's scope: [`Runners`]), takes the results they
//! file, delivers them (in input order through a small reorder buffer, or as they
//! complete) and, while none is ready and tasks are cheap, pulls and runs a chunk
//! itself. Dropping it halts the stream.
//!
//! Every atomic it reads or writes belongs to `pulling::State`, whose memory-ordering
//! note covers these uses too: `delivered` is written here only, `filed` and `waiting`
//! are the look-without-the-lock hints described there, `stop` is raised here after a
//! panic, and `task_nanos` is read as a measurement.

use std::collections::VecDeque;
use std::panic;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use rayon::ThreadPool;

use super::chunk::Chunk;
use super::pulling::{lock, Pull, Puller, State};
use super::window::CHEAP_TASK;
use super::{Done, Plan};

/// How long the calling thread sleeps at most before it looks again for results.
const NAP: Duration = Duration::from_micros(200);

/// Where a stream's runners run, and its shared state.
pub(super) trait Runners<It: Iterator, F, T> {
    /// What the calling thread and the runners share.
    fn state(&self) -> &State<It, F, T>;
    /// Starts one runner.
    fn start(&self);
}

/// The runners of a [`Stream`](super::Stream): `'static` jobs on its pool, sharing the
/// state through an `Arc`.
pub(super) struct Spawned<It: Iterator, F, T> {
    pub(super) state: Arc<State<It, F, T>>,
    /// The dedicated pool, or `None` for the calling thread's pool.
    pub(super) pool: Option<Arc<ThreadPool>>,
}

impl<It, F, T> Runners<It, F, T> for Spawned<It, F, T>
where
    It: Iterator + Send + 'static,
    It::Item: Send + 'static,
    F: Fn(It::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    fn state(&self) -> &State<It, F, T> {
        &self.state
    }

    fn start(&self) {
        let state = Arc::clone(&self.state);
        let runner = move || state.runner();
        match &self.pool {
            Some(pool) => pool.spawn_fifo(runner),
            None => rayon::spawn_fifo(runner),
        }
    }
}

/// The runners of a `#[par_for(stream)]` loop: jobs of the loop's scope, which waits
/// for them, so the source, the task and the state may be borrowed.
pub(super) struct Scoped<'a, 'scope, It: Iterator, F, T> {
    pub(super) state: &'scope State<It, F, T>,
    pub(super) scope: &'a rayon::ScopeFifo<'scope>,
}

impl<'scope, It, F, T> Runners<It, F, T> for Scoped<'_, 'scope, It, F, T>
where
    It: Iterator + Send + 'scope,
    It::Item: Send + 'scope,
    F: Fn(It::Item) -> T + Sync + 'scope,
    T: Send + 'scope,
{
    fn state(&self) -> &State<It, F, T> {
        self.state
    }

    fn start(&self) {
        let state = self.state;
        self.scope.spawn_fifo(move |_| state.runner());
    }
}

/// The calling thread's side of a stream whose threads pull the source.
pub(super) struct Pulling<R: Runners<It, F, T>, It: Iterator, F, T> {
    runners: R,
    /// Whether the calling thread runs tasks too: not with a dedicated pool, whose
    /// threads alone run them.
    caller_runs: bool,
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
    marker: std::marker::PhantomData<F>,
}

impl<R, It, F, T> Pulling<R, It, F, T>
where
    R: Runners<It, F, T>,
    It: Iterator,
    F: Fn(It::Item) -> T,
{
    pub(super) fn new(runners: R, plan: &Plan) -> Self {
        Pulling {
            runners,
            caller_runs: plan.pool.is_none(),
            ordered: plan.ordered,
            delivered: 0,
            total: None,
            slots: VecDeque::new(),
            ready: VecDeque::new(),
            taken: Vec::new(),
            chunk: Chunk::of::<It::Item>(),
            items: Vec::new(),
            finished: Vec::new(),
            marker: std::marker::PhantomData,
        }
    }

    /// The next result to deliver, or `None` once every pulled item is delivered and
    /// the source is exhausted.
    pub(super) fn next(&mut self) -> Option<T> {
        // The consumer is done with the last result only now: until then it counts as
        // in flight, so that no thread goes into the source's `next` on its behalf
        // while the consumer may still decide to leave (with `window = 1`, nothing is
        // pulled ahead of the consumer at all).
        let state = self.runners.state();
        if state.delivered.load(Ordering::Relaxed) != self.delivered {
            state.delivered.store(self.delivered, Ordering::Relaxed);
        }
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
                let pull = self.runners.state().pull_and_run(
                    Puller::Caller,
                    &mut self.chunk,
                    &mut self.items,
                    &mut finished,
                );
                for (index, outcome) in finished.drain(..) {
                    self.place(index, outcome);
                }
                self.finished = finished;
                match pull {
                    Pull::Items(_) | Pull::Broken(..) => continue,
                    Pull::Over(total) => {
                        self.total = Some(total);
                        continue;
                    }
                    Pull::Full | Pull::Busy => {}
                }
            }
            if self.total.is_none() {
                // The runners may have seen the source end: then nothing more comes.
                self.total = self.runners.state().over();
                if self.total.is_some() {
                    continue;
                }
            }
            self.take(true);
        }
    }

    /// Whether the calling thread should run tasks too: they are cheap (a costly one
    /// would hold back the results that come meanwhile), and the stream has no
    /// dedicated pool (whose threads alone run the tasks).
    fn tasks_are_cheap(&self) -> bool {
        if !self.caller_runs {
            return false;
        }
        let nanos = self.runners.state().task_nanos.load(Ordering::Relaxed);
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
        match outcome {
            Ok(value) => value,
            Err(payload) => {
                self.total = Some(self.delivered);
                self.runners.state().halt();
                panic::resume_unwind(payload)
            }
        }
    }

    /// Files one result: into its slot, or in completion order. After a panic nothing
    /// more is pulled; ordered, the items before it are still delivered first.
    fn place(&mut self, index: usize, outcome: std::thread::Result<T>) {
        if outcome.is_err() {
            self.runners.state().stop.store(true, Ordering::Relaxed);
        }
        if self.ordered {
            let at = index - self.delivered;
            if at < self.slots.len() {
                self.slots[at] = Some(outcome);
            } else {
                // Results mostly come in order: then this only appends.
                if self.slots.len() < at {
                    self.slots.resize_with(at, || None);
                }
                self.slots.push_back(Some(outcome));
            }
        } else {
            self.ready.push_back(outcome);
        }
    }

    /// Takes the results the runners filed; with `wait`, first sleeps a moment if there
    /// are none (a pool thread runs pool work instead). Whether it took any.
    fn take(&mut self, wait: bool) -> bool {
        let state = self.runners.state();
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

    /// Starts runners up to one per pool thread (one fewer while the calling thread runs
    /// tasks too) while the source may give more.
    fn start_runners(&self) {
        if self.total.is_some() {
            return;
        }
        let state = self.runners.state();
        let wanted = if self.tasks_are_cheap() {
            state.max_runners - 1
        } else {
            state.max_runners
        };
        if state.runners_wanted.load(Ordering::Relaxed) != wanted {
            state.runners_wanted.store(wanted, Ordering::Relaxed);
        }
        while state.runners.load(Ordering::Relaxed) < wanted {
            state.runners.fetch_add(1, Ordering::Relaxed);
            self.runners.start();
        }
    }
}

impl<It, F, T> Iterator for Pulling<Spawned<It, F, T>, It, F, T>
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

impl<R: Runners<It, F, T>, It: Iterator, F, T> Drop for Pulling<R, It, F, T> {
    fn drop(&mut self) {
        self.runners.state().halt();
    }
}
