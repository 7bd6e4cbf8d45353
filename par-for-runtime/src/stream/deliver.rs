//! The calling thread's side of a [`Stream`](super::Stream) whose threads pull the
//! source (the shared state and the runners are in `pulling`): it starts runners,
//! takes the results they file, delivers them (in input order through a small reorder
//! buffer, or as they complete) and, while none is ready and tasks are cheap, pulls and
//! runs a chunk itself. Dropping it halts the stream.
//!
//! Every atomic it reads or writes belongs to `pulling::State`, whose memory-ordering
//! note covers these uses too: `delivered` is written here only, `filed` and `waiting`
//! are the look-without-the-lock hints described there, `stop` is raised here after a
//! panic, and `task_nanos` is read as a measurement.

use std::collections::VecDeque;
use std::panic;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use rayon::ThreadPool;

use super::chunk::Chunk;
use super::pulling::{lock, Padded, Pull, Results, Source, State};
use super::window::CHEAP_TASK;
use super::{Done, Plan};

/// How long the calling thread sleeps at most before it looks again for results.
const NAP: Duration = Duration::from_micros(200);

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
    /// Whether the calling thread should run tasks too: they are cheap, and the stream
    /// has no dedicated pool (whose threads alone run the tasks).
    fn tasks_are_cheap(&self) -> bool {
        if self.pool.is_some() {
            return false;
        }
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
