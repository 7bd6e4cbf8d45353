//! The calling thread's side of the loop form's queue: pulling the source and setting
//! the items aside, where a runner out of work may take them, until they are queued in
//! a batch (see the parent module's docs on ordering and on what is set aside).

use std::sync::atomic::Ordering;
use std::sync::{MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::Shared;

/// The longest pulled items wait on the calling thread before they are queued.
const PULL_PATIENCE: Duration = Duration::from_micros(20);

/// A value on cache lines of its own (128 bytes: two lines, as the prefetcher pairs
/// them). The calling thread writes what it sets aside once an item; beside `inner`
/// and `queued_len`, which the runners write, each of those writes would first wait
/// for the line to come back from a runner's core.
#[repr(align(128))]
pub(super) struct OwnLine<T>(pub(super) T);

impl<T> std::ops::Deref for OwnLine<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Items the calling thread pulled and has not queued yet.
pub(super) struct Aside<X> {
    /// The index of `items[0]`.
    pub(super) first: usize,
    pub(super) items: Vec<X>,
    /// The runners started and not ended, as `inner.runners`; changed under both locks.
    pub(super) runners: usize,
}

impl<F, T, X> Shared<F, T, X> {
    pub(super) fn lock_aside(&self) -> MutexGuard<'_, Aside<X>> {
        self.aside.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Pulls up to `max` items of `items` on the calling thread and queues them as
    /// items `first..`, calling `start_runner` for each runner to start; how many it
    /// pulled. Items are set aside and queued in batches, one lock each; what was set
    /// aside is queued before the next pull whenever the runners have nothing queued
    /// or it has waited [`PULL_PATIENCE`], and meanwhile a runner that runs out of work
    /// takes it (the source may block in `next`, and no pulled item may wait for it).
    /// `batch` is an empty buffer kept from call to call.
    pub(in crate::stream) fn pull(
        &self,
        items: &mut impl Iterator<Item = X>,
        first: usize,
        max: usize,
        batch: &mut Vec<X>,
        mut start_runner: impl FnMut(),
    ) -> usize {
        let mut pulled = 0;
        let mut since = Instant::now();
        while pulled < max {
            if self.aside_len.load(Ordering::Relaxed) > 0
                && (self.queued_len.load(Ordering::Relaxed) == 0
                    || since.elapsed() >= PULL_PATIENCE)
            {
                self.hand_over(batch, &mut start_runner);
                since = Instant::now();
            }
            let Some(item) = items.next() else {
                break;
            };
            let index = first + pulled;
            pulled += 1;
            // Only this thread sets items aside, so none is when it reads `aside_len`
            // 0. The runners are out of work: queue the item at once, one lock.
            if self.queued_len.load(Ordering::Relaxed) == 0
                && self.aside_len.load(Ordering::Relaxed) == 0
            {
                batch.push(item);
                let runners = self.queue(index, batch);
                (0..runners).for_each(|_| start_runner());
                since = Instant::now();
                continue;
            }
            if !self.set_aside(index, item) {
                self.hand_over(batch, &mut start_runner);
                since = Instant::now();
            }
        }
        self.hand_over(batch, &mut start_runner);
        pulled
    }

    /// Sets item `index` aside; whether a runner is there to take it.
    fn set_aside(&self, index: usize, item: X) -> bool {
        let mut aside = self.lock_aside();
        if aside.items.is_empty() {
            aside.first = index;
        }
        aside.items.push(item);
        self.aside_len.store(aside.items.len(), Ordering::Relaxed);
        aside.runners > 0
    }

    /// Queues what was set aside, through `batch`, and starts the runners it needs.
    fn hand_over(&self, batch: &mut Vec<X>, start_runner: &mut impl FnMut()) {
        let first = {
            let mut aside = self.lock_aside();
            std::mem::swap(&mut aside.items, batch);
            self.aside_len.store(0, Ordering::Relaxed);
            aside.first
        };
        let runners = self.queue(first, batch);
        (0..runners).for_each(|_| start_runner());
    }
}
