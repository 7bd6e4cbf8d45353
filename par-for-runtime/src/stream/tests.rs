//! Unit tests of the window and the shared state, with runners run by hand.

use std::sync::Arc;

use std::time::Duration;

use super::chunk::Chunk;
use super::feed::{Exchange, Feed};
use super::shared::{Shared, Want};
use super::window::Window;
use super::{Done, Plan};

/// A feed whose "runners" are run by hand, on this thread.
struct ByHand {
    shared: Shared<fn(u32) -> u32, u32, u32>,
    len: u32,
    launched: Vec<usize>,
    ran_here: Vec<usize>,
}

impl Feed<u32> for ByHand {
    fn launch(&mut self, first: usize, max: usize) -> usize {
        let mut batch: Vec<u32> = (first as u32..self.len).take(max).collect();
        self.launched.extend(first..first + batch.len());
        let pulled = batch.len();
        // The runners are started later, by `finish`.
        let _ = self.shared.queue(first, &mut batch);
        pulled
    }

    fn run_here(&mut self, first: usize, max: usize, into: &mut Vec<Done<u32>>) -> usize {
        let items: Vec<u32> = (first as u32..self.len).take(max).collect();
        self.ran_here.extend(first..first + items.len());
        for (index, item) in (first..).zip(&items) {
            into.push((index, Ok((self.shared.task)(*item))));
        }
        items.len()
    }

    fn exchange(&self) -> &dyn Exchange<u32> {
        &self.shared
    }
}

impl ByHand {
    fn new(len: u32) -> ByHand {
        ByHand {
            shared: Shared::new(|x| x * 10, 2),
            len,
            launched: Vec::new(),
            ran_here: Vec::new(),
        }
    }

    /// Runs the queued items whose index is in `which`, in that order.
    fn finish(&self, which: &[usize]) {
        for &wanted in which {
            let item = {
                let mut inner = self.shared.lock();
                let at = inner.queued.iter().position(|(i, _)| *i == wanted).unwrap();
                inner.queued.remove(at).unwrap()
            };
            let outcome = Ok((self.shared.task)(item.1));
            self.shared.lock().done.push((item.0, outcome));
        }
    }
}

fn plan(window: usize, ordered: bool) -> Plan {
    Plan {
        threads: 2,
        pool: None,
        window,
        grow_to: window,
        ordered,
        one_thread: false,
    }
}

#[test]
fn ordered_results_are_reordered_and_the_window_bounds_the_flight() {
    let mut feed = ByHand::new(5);
    let mut window = Window::new(&plan(3, true));
    // Nothing is done yet: fill the window by hand, finishing in reverse.
    window.pulled = 0;
    for index in 0..3 {
        assert_eq!(feed.launch(index, 1), 1);
        window.pulled += 1;
        window.slots.push_back(None);
    }
    feed.finish(&[2, 1, 0]);
    assert_eq!(window.next(&mut feed), Some(0));
    assert_eq!(
        feed.launched,
        [0, 1, 2],
        "the window is full: nothing pulled"
    );
    assert_eq!(window.next(&mut feed), Some(10));
    assert_eq!(feed.launched, [0, 1, 2, 3], "one delivered, one pulled");
    feed.finish(&[3]);
    assert_eq!(window.next(&mut feed), Some(20));
    feed.finish(&[4]);
    assert_eq!(window.next(&mut feed), Some(30));
    assert_eq!(window.next(&mut feed), Some(40));
    assert_eq!(window.next(&mut feed), None);
    assert_eq!(window.next(&mut feed), None);
}

#[test]
fn unordered_results_come_in_completion_order() {
    let mut feed = ByHand::new(3);
    let mut window = Window::new(&plan(3, false));
    for index in 0..3 {
        assert_eq!(feed.launch(index, 1), 1);
        window.pulled += 1;
    }
    feed.finish(&[1, 2, 0]);
    let got: Vec<_> = std::iter::from_fn(|| window.next(&mut feed)).collect();
    assert_eq!(got, [10, 20, 0]);
}

#[test]
fn runners_share_the_queue_and_skip_what_is_stopped() {
    let shared = Shared::new(|x: u32| x + 1, 2);
    assert_eq!(
        shared.queue(0, &mut vec![1]),
        1,
        "the first item starts a runner"
    );
    assert_eq!(shared.queue(1, &mut vec![2, 3]), 1, "two at most");
    shared.runner();
    assert_eq!(
        shared.lock().runners,
        1,
        "the queue is empty: that runner ended"
    );
    shared.stop_from(0);
    assert_eq!(shared.queue(3, &mut vec![4]), 1, "a free runner slot");
    shared.runner();
    shared.runner();
    assert_eq!(shared.lock().runners, 0);
    let mut taken = Vec::new();
    let want = Want { count: 1, front: 0 };
    shared.take(want, None, &mut taken);
    let got: Vec<_> = taken.into_iter().map(|(i, r)| (i, r.ok())).collect();
    assert_eq!(got, [(0, Some(2)), (1, Some(3)), (2, Some(4))]);
}

#[test]
fn halting_drops_what_waits() {
    let shared = Shared::<_, Arc<()>, _>::new(|x: Arc<()>| x, 1);
    let item = Arc::new(());
    shared.queue(0, &mut vec![Arc::clone(&item)]);
    shared.halt();
    assert_eq!(Arc::strong_count(&item), 1);
    assert!(shared.lock().queued.is_empty());
}

#[test]
fn chunks_grow_while_quick_and_fall_to_one_when_slow() {
    let quick = Duration::from_micros(1);
    let mut chunk = Chunk::of::<u64>();
    assert_eq!(chunk.size, 1);
    for _ in 0..10 {
        chunk.adapt(quick);
    }
    assert_eq!(chunk.size, 16, "grown to the most");
    chunk.adapt(Duration::from_millis(5));
    assert_eq!(chunk.size, 1, "a source that blocks: one item at a time");
    chunk.adapt(quick);
    chunk.adapt(Duration::from_millis(1));
    assert_eq!(chunk.size, 1, "a costly task: one item at a time");
}

/// A runner times a chunk from the reading that ended its last one, once: a thread
/// that stopped in between (a full window, a busy source) starts its clock again, or
/// the wait would count as the chunk's and shrink it.
#[test]
fn a_chained_chunk_starts_where_the_last_ended_and_only_the_next_one_does() {
    let mut chunk = Chunk::of::<u64>();
    let started = chunk.start();
    let (ended, took) = chunk.end(started);
    assert!(ended >= started && took == ended - started);
    chunk.chain(ended);
    assert_eq!(
        chunk.start(),
        ended,
        "the next chunk starts at the last one's end"
    );
    std::thread::sleep(Duration::from_millis(1));
    let fresh = chunk.start();
    assert!(
        fresh > ended,
        "a chain is used once: a later chunk reads the clock"
    );
    let (_, took) = chunk.end(fresh);
    assert!(
        took < Duration::from_millis(1),
        "the pause is not counted: {took:?}"
    );
}

#[test]
fn chunks_of_items_that_own_memory_stay_within_the_allocator_s_thread_cache() {
    let quick = Duration::from_micros(1);
    let mut chunk = Chunk::of::<(u64, Vec<u64>)>();
    for _ in 0..10 {
        chunk.adapt(quick);
    }
    assert_eq!(
        chunk.size, 7,
        "as many blocks as glibc's cache keeps of a size"
    );
    let mut chunk = Chunk::of::<&str>();
    for _ in 0..10 {
        chunk.adapt(quick);
    }
    assert_eq!(chunk.size, 16, "borrowed items drop nothing");
}

#[test]
fn once_tasks_are_cheap_the_caller_runs_some_and_the_order_holds() {
    let mut feed = ByHand::new(2_000);
    let mut window = Window::new(&plan(64, true));
    // A first batch, run by a runner (by hand), which measures a task.
    assert_eq!(feed.launch(0, 10), 10);
    window.pulled = 10;
    window.slots.extend((0..10).map(|_| None));
    feed.shared.runner();
    assert!(feed.shared.task_time().is_some(), "a task was measured");
    // From now on the runners (never run again) are one fewer than the threads, and
    // the calling thread runs items itself: those it pulls, or the queue's when the
    // window is full.
    let got: Vec<u32> = std::iter::from_fn(|| window.next(&mut feed)).collect();
    assert_eq!(got, (0..2_000).map(|x| x * 10).collect::<Vec<_>>());
    assert!(!feed.ran_here.is_empty(), "the calling thread ran no task");
    let mut every: Vec<usize> = feed
        .launched
        .iter()
        .chain(&feed.ran_here)
        .copied()
        .collect();
    every.sort_unstable();
    assert_eq!(
        every,
        (0..2_000).collect::<Vec<_>>(),
        "each item pulled once"
    );
}
