//! The calling thread's side of a stream: how many items are in flight, the results
//! taken from the runners and not yet delivered (reordered when the stream is ordered),
//! and how patient to be when waiting for them.

use std::collections::VecDeque;
use std::panic;
use std::time::{Duration, Instant};

use super::feed::{Exchange, Feed};
use super::shared::Want;
use super::{Done, Plan};

/// The longest a result may wait while the calling thread waits for a batch.
const BATCH_PATIENCE: Duration = Duration::from_millis(1);
/// A task shorter than this is cheap enough to be taken with others in a chunk, and for
/// the calling thread to run some itself.
pub(super) const CHEAP_TASK: Duration = Duration::from_micros(50);
/// A task shorter than this is so cheap that the default window grows, and that the
/// calling thread takes a chunk of them at a time.
const VERY_CHEAP_TASK: Duration = Duration::from_micros(5);
/// A wait shorter than this means results come fast enough to take them in batches.
const FAST_WAIT: Duration = Duration::from_micros(200);
/// While the calling thread runs cheap tasks too, the runners' queue holds about this
/// much work per runner...
const QUEUE_AHEAD: Duration = Duration::from_micros(50);
/// ...and the calling thread runs tasks for about this long between two looks at it.
const SPELL: Duration = Duration::from_micros(4);

/// The calling thread's side of a stream: how many items are in flight, the results
/// taken from the runners and not yet delivered, and how patient to be.
pub(super) struct Window<T> {
    ordered: bool,
    /// At most this many items in flight...
    capacity: usize,
    /// ...which grows up to this while tasks are very cheap.
    grow_to: usize,
    /// Items pulled so far: the index of the next one.
    pub(super) pulled: usize,
    /// Results delivered so far.
    delivered: usize,
    /// Ordered: one slot per item in flight, oldest first, filled as results come.
    /// Unordered: unused.
    pub(super) slots: VecDeque<Option<std::thread::Result<T>>>,
    /// Unordered: results taken and not yet delivered, in completion order.
    ready: VecDeque<std::thread::Result<T>>,
    /// Scratch space for taking results.
    taken: Vec<Done<T>>,
    /// The runners' share: one runner per pool thread but one, while the calling
    /// thread runs tasks too.
    runners: usize,
    /// Whether the calling thread runs cheap tasks alongside the runners (and so
    /// holds the runners to one fewer than the pool's threads).
    sharing: bool,
    /// Whether the calling thread may run tasks at all: not when the stream has a
    /// dedicated pool (`threads = N`), whose N threads alone run the tasks.
    caller_runs: bool,
    /// How many results to wait for at once: 1 while results come slowly, up to half
    /// the window while they come fast.
    batch: usize,
    source_done: bool,
    over: bool,
}

impl<T> Window<T> {
    pub(super) fn new(plan: &Plan) -> Window<T> {
        Window {
            ordered: plan.ordered,
            capacity: plan.window,
            grow_to: plan.grow_to,
            pulled: 0,
            delivered: 0,
            slots: VecDeque::with_capacity(if plan.ordered { plan.window } else { 0 }),
            ready: VecDeque::new(),
            taken: Vec::new(),
            runners: plan.threads.saturating_sub(1).max(1),
            sharing: false,
            caller_runs: plan.pool.is_none(),
            batch: 1,
            source_done: false,
            over: false,
        }
    }

    /// The next result to deliver, or `None` once the source is exhausted and every
    /// result delivered.
    pub(super) fn next(&mut self, feed: &mut dyn Feed<T>) -> Option<T> {
        if self.over {
            return None;
        }
        loop {
            self.refill(feed);
            let next = if self.ordered {
                match self.slots.front() {
                    Some(Some(_)) => self.slots.pop_front().flatten(),
                    _ => None,
                }
            } else {
                self.ready.pop_front()
            };
            if let Some(outcome) = next {
                return Some(self.deliver(feed, outcome));
            }
            if self.source_done && self.pulled == self.delivered {
                self.over = true;
                return None;
            }
            // Results are taken in batches: while the window is at most half full,
            // the calling thread runs tasks rather than take the few that are done.
            let half_full = 2 * (self.pulled - self.delivered) >= self.capacity;
            if !half_full && self.run_here(feed) {
                continue;
            }
            if feed.exchange().has_done() {
                self.take_done(feed.exchange());
                continue;
            }
            if self.run_here(feed) || self.help(feed.exchange()) {
                continue;
            }
            self.take(feed.exchange());
        }
    }

    /// Pulls items for the runners while the window has room: a quarter of the window
    /// at a time, or whatever fits when the queue has run dry. While the calling thread
    /// runs cheap tasks too, only enough to keep the runners' queue about
    /// [`QUEUE_AHEAD`] of work long, leaving the rest of the window to the calling
    /// thread.
    fn refill(&mut self, feed: &mut dyn Feed<T>) {
        self.grow(feed.exchange().task_time());
        let room = self.capacity - (self.pulled - self.delivered);
        // A full window refilled an item per delivered result would pass items one at a
        // time, a lock each on both sides: it waits for a quarter of the window.
        if self.source_done || room < self.capacity.div_ceil(4) {
            return;
        }
        let queued = feed.exchange().queued();
        let wanted = match self.share(feed.exchange()) {
            Some(task_time) => {
                let ahead = self.runners * per_time(QUEUE_AHEAD, task_time).clamp(4, 256);
                // At most half the window, the other half being the calling thread's.
                let full = ahead.min(self.capacity / 2).max(1);
                if queued >= full.div_ceil(2) {
                    return;
                }
                (full - queued).min(room)
            }
            None => room,
        };
        let pulled = feed.launch(self.pulled, wanted);
        self.note_pulled(pulled);
        self.source_done = pulled < wanted;
    }

    /// Counts `pulled` more items in flight, with a slot each when ordered.
    fn note_pulled(&mut self, pulled: usize) {
        self.pulled += pulled;
        if self.ordered {
            self.slots.extend((0..pulled).map(|_| None));
        }
    }

    /// How long a task takes, when tasks are cheap enough for the calling thread to run
    /// them too; switches the runners to their share (one fewer than the pool's
    /// threads, so that every thread has a core) or back to one per thread.
    fn share(&mut self, exchange: &dyn Exchange<T>) -> Option<Duration> {
        let task_time = exchange.task_time().filter(|&time| time < CHEAP_TASK);
        self.grow(task_time);
        let task_time = task_time.filter(|_| self.caller_runs);
        if task_time.is_some() != self.sharing {
            self.sharing = task_time.is_some();
            exchange.limit_runners(if self.sharing {
                self.runners
            } else {
                usize::MAX
            });
        }
        task_time
    }

    /// Pulls a few items and runs them on the calling thread, each as soon as it is
    /// pulled, when tasks are cheap and the window has room: a per-item allocation in
    /// the source is then freed by the thread that made it. False when it ran none.
    fn run_here(&mut self, feed: &mut dyn Feed<T>) -> bool {
        let room = self.capacity - (self.pulled - self.delivered);
        if self.source_done || room == 0 {
            return false;
        }
        let Some(task_time) = self.share(feed.exchange()) else {
            return false;
        };
        let wanted = per_time(SPELL, task_time).clamp(1, 16).min(room);
        let pulled = feed.run_here(self.pulled, wanted, &mut self.taken);
        self.note_pulled(pulled);
        self.source_done = pulled < wanted;
        self.file(feed.exchange());
        pulled > 0
    }

    /// Runs queued items on the calling thread, oldest first, rather than wait for
    /// the runners, when tasks are cheap (a costly one would hold back the results that
    /// come meanwhile); false when it ran none.
    fn help(&mut self, exchange: &dyn Exchange<T>) -> bool {
        if !self.caller_runs {
            return false;
        }
        let Some(task_time) = exchange.task_time() else {
            return false;
        };
        if task_time >= CHEAP_TASK || !exchange.help(task_time < VERY_CHEAP_TASK, &mut self.taken) {
            return false;
        }
        self.file(exchange);
        true
    }

    /// Files the results the runners have finished, without waiting.
    fn take_done(&mut self, exchange: &dyn Exchange<T>) {
        let any = Want {
            count: 1,
            front: usize::MAX,
        };
        // There are results: this does not wait.
        exchange.take(any, None, &mut self.taken);
        self.file(exchange);
    }

    /// Waits for finished results and files them.
    fn take(&mut self, exchange: &dyn Exchange<T>) {
        self.grow(exchange.task_time());
        let batched = self.batch > 1;
        let want = Want {
            count: if batched || !self.ordered {
                self.batch
            } else {
                usize::MAX
            },
            front: if batched || !self.ordered {
                usize::MAX
            } else {
                self.delivered
            },
        };
        let started = Instant::now();
        exchange.take(want, batched.then_some(BATCH_PATIENCE), &mut self.taken);
        let waited = started.elapsed();
        let max_batch = (self.capacity / 2).max(1);
        self.batch = if waited < FAST_WAIT {
            (self.batch * 2).min(max_batch)
        } else {
            1
        };
        self.file(exchange);
    }

    /// Doubles the window, up to `grow_to`, when tasks are very cheap and it is full.
    fn grow(&mut self, task_time: Option<Duration>) {
        let full = self.pulled - self.delivered == self.capacity;
        if full && task_time.is_some_and(|time| time < VERY_CHEAP_TASK) {
            self.capacity = (self.capacity * 2).min(self.grow_to);
        }
    }

    /// Files the results in `taken`, into their slots or in completion order.
    fn file(&mut self, exchange: &dyn Exchange<T>) {
        for (index, outcome) in self.taken.drain(..) {
            if outcome.is_err() {
                // Nothing after a panic is needed: stop pulling, skip what is queued.
                // (Ordered, the items before it still run and are delivered first.)
                self.source_done = true;
                exchange.stop_from(if self.ordered { index + 1 } else { 0 });
            }
            if self.ordered {
                self.slots[index - self.delivered] = Some(outcome);
            } else {
                self.ready.push_back(outcome);
            }
        }
    }

    fn deliver(&mut self, feed: &dyn Feed<T>, outcome: std::thread::Result<T>) -> T {
        self.delivered += 1;
        match outcome {
            Ok(value) => value,
            Err(payload) => {
                self.over = true;
                feed.exchange().halt();
                panic::resume_unwind(payload)
            }
        }
    }
}

/// How many tasks of `task_time` fit in `span`.
fn per_time(span: Duration, task_time: Duration) -> usize {
    let count = span.as_nanos() / task_time.as_nanos().max(1);
    usize::try_from(count).unwrap_or(usize::MAX)
}
