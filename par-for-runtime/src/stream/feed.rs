//! The calling thread's handle on the runners of a stream whose source stays on the
//! calling thread ([`stream_for_each`](super::stream_for_each)): pulls the source into
//! the shared queue and starts runners as jobs of a scope.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::time::Duration;

use super::shared::{Shared, Want};
use super::Done;

/// The calling thread's handle on the runners of one stream.
pub(super) trait Feed<T> {
    /// Pulls up to `max` items from the source and queues them as items `first..`,
    /// starting runners as needed; how many it pulled (fewer once the source is
    /// exhausted).
    fn launch(&mut self, first: usize, max: usize) -> usize;
    /// Pulls up to `max` items from the source one at a time and runs the task on each
    /// at once, on the calling thread, with the results of items `first..` into `into`;
    /// how many it pulled (fewer once the source is exhausted or the task panicked).
    /// An item is then made, used and dropped on one thread.
    fn run_here(&mut self, first: usize, max: usize, into: &mut Vec<Done<T>>) -> usize;
    /// The shared state of the stream.
    fn exchange(&self) -> &dyn Exchange<T>;
}

/// What the calling thread asks of the shared state, whatever the task and item types.
pub(super) trait Exchange<T> {
    /// Moves finished results into `into`, first waiting, if there are none, until
    /// `want` holds (or `patience` runs out).
    fn take(&self, want: Want, patience: Option<Duration>, into: &mut Vec<Done<T>>);
    /// How long a task took lately, once a runner has measured one.
    fn task_time(&self) -> Option<Duration>;
    /// Runs the oldest queued items on the calling thread, one or a chunk when `cheap`,
    /// with their results into `into`; false when nothing was queued.
    fn help(&self, cheap: bool, into: &mut Vec<Done<T>>) -> bool;
    /// How many items are queued and not started (a hint, read without the lock).
    fn queued(&self) -> usize;
    /// Whether finished results wait to be taken (a hint, read without the lock).
    fn has_done(&self) -> bool;
    /// Lets at most `max` runners work at once (those beyond it end at their next look
    /// at the queue).
    fn limit_runners(&self, max: usize);
    /// Skips every item of index `>= index` not started yet.
    fn stop_from(&self, index: usize);
    /// Stops the stream: skips everything not started, drops what is queued or done.
    fn halt(&self);
}

/// The feed of [`stream_for_each`]: runners are jobs of a scope, so the task may borrow.
pub(super) struct ScopeFeed<'a, 'scope, It: Iterator, F, T> {
    pub(super) items: It,
    pub(super) batch: Vec<It::Item>,
    pub(super) shared: &'scope Shared<F, T, It::Item>,
    pub(super) scope: &'a rayon::ScopeFifo<'scope>,
}

impl<'scope, It, F, T> Feed<T> for ScopeFeed<'_, 'scope, It, F, T>
where
    It: Iterator,
    It::Item: Send + 'scope,
    F: Fn(It::Item) -> T + Sync,
    T: Send,
{
    fn launch(&mut self, first: usize, max: usize) -> usize {
        let shared = self.shared;
        let scope = self.scope;
        shared.pull(&mut self.items, first, max, &mut self.batch, || {
            scope.spawn_fifo(move |_| shared.runner());
        })
    }

    fn run_here(&mut self, first: usize, max: usize, into: &mut Vec<Done<T>>) -> usize {
        let mut pulled = 0;
        while pulled < max {
            let Some(item) = self.items.next() else {
                break;
            };
            let outcome = self.shared.run(item);
            let panicked = outcome.is_err();
            into.push((first + pulled, outcome));
            pulled += 1;
            if panicked {
                break;
            }
        }
        pulled
    }

    fn exchange(&self) -> &dyn Exchange<T> {
        self.shared
    }
}

impl<It: Iterator, F, T> Drop for ScopeFeed<'_, '_, It, F, T> {
    fn drop(&mut self) {
        self.shared.halt();
    }
}

/// The source as the calling thread pulls it: a panic in its `next` ends it, and is kept
/// to be raised once every result before it is delivered, as the serial loop's consumer
/// would have taken them before the source panicked (and never raised if the consumer
/// leaves first).
pub(super) struct Caught<It> {
    items: It,
    panic: Option<Box<dyn Any + Send>>,
}

impl<It> Caught<It> {
    pub(super) fn new(items: It) -> Self {
        Caught { items, panic: None }
    }

    /// The payload of the source's panic, if it panicked.
    pub(super) fn take_panic(&mut self) -> Option<Box<dyn Any + Send>> {
        self.panic.take()
    }
}

impl<It: Iterator> Iterator for Caught<It> {
    type Item = It::Item;

    fn next(&mut self) -> Option<It::Item> {
        if self.panic.is_some() {
            return None;
        }
        match panic::catch_unwind(AssertUnwindSafe(|| self.items.next())) {
            Ok(item) => item,
            Err(payload) => {
                self.panic = Some(payload);
                None
            }
        }
    }
}
