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
            if self.pulled == self.delivered {
                self.over = true;
                return None;
            }
            if !self.help(feed.exchange()) {
                self.take(feed.exchange());
            }
        }
    }

    /// Pulls items while the window has room: a quarter of the window at a time, or
    /// whatever fits when the queue has run dry.
    fn refill(&mut self, feed: &mut dyn Feed<T>) {
        let room = self.capacity - (self.pulled - self.delivered);
        if self.source_done || room == 0 {
            return;
        }
        if room < self.capacity.div_ceil(4) && feed.exchange().queued() > 0 {
            return;
        }
        let pulled = feed.launch(self.pulled, room);
        self.pulled += pulled;
        if self.ordered {
            self.slots.extend((0..pulled).map(|_| None));
        }
        self.source_done = pulled < room;
    }

    /// Runs queued items on the calling thread, oldest first, rather than wait for
    /// the runners, when tasks are cheap (a costly one would hold back the results that
    /// come meanwhile); false when it ran none.
    fn help(&mut self, exchange: &dyn Exchange<T>) -> bool {
        let Some(task_time) = exchange.task_time() else {
            return false;
        };
        if task_time >= CHEAP_TASK || !exchange.help(task_time < VERY_CHEAP_TASK, &mut self.taken) {
            return false;
        }
        self.file(exchange);
        true
    }

    /// Waits for finished results and files them.
    fn take(&mut self, exchange: &dyn Exchange<T>) {
        let very_cheap = exchange
            .task_time()
            .is_some_and(|task_time| task_time < VERY_CHEAP_TASK);
        if very_cheap && self.capacity < self.grow_to {
            self.capacity = (self.capacity * 2).min(self.grow_to);
        }
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
