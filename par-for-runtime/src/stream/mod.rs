//! Streaming: Python's `Pool.imap` and `Pool.imap_unordered` (form 3).
//!
//! The consumer always runs on the calling thread, in input order (through a small
//! reorder buffer) or as results complete, and at most `window` items are *in flight*
//! (pulled but not yet delivered), so an infinite source works and memory stays flat.
//! Two engines share that contract:
//!
//! - **Pulling** (`pulling`, `deliver`): the source is `Send`, and every thread pulls
//!   it, as rayon's `par_bridge` does: the pool's runners and, when tasks are cheap,
//!   the calling thread each take a chunk of items under one lock and run the task on
//!   them at once, so an item is made, used and dropped on one thread (what makes a
//!   per-item allocation in the source cheap); while the calling thread runs tasks,
//!   the runners are one fewer than the pool's threads. Chunks start at one item and grow while
//!   they are quick to pull and run. A source whose `size_hint` promises no more items
//!   (a channel, a reader's lines) may block in `next`: it is pulled one item at a
//!   time, by runners only, which file their results first and never wait behind
//!   another's pull, so nothing pulled waits behind a blocked source. A [`Stream`]
//!   runs this engine with `'static` runner jobs; `#[par_for(stream)]` over a `Send`
//!   source runs it with runners that are jobs of the loop's scope (`engine`).
//! - **Feeding** (`for_each`, `feed`, `shared`, `window`): the source is not `Send`
//!   (an `Rc`, a non-`Send` reader), so it stays on the calling thread, which pulls
//!   items into a queue; runner jobs of a scope take them a share at a time. Once tasks
//!   are known to be cheap (under 50 µs), the runners are one fewer than the pool's
//!   threads and their queue holds about 50 µs of work each; the calling thread keeps
//!   the rest of the window for itself, pulling a few items at a time and running each
//!   as soon as it is pulled. Its default window grows from 64 to 1024 items per thread
//!   while tasks take under 5 µs, so that items and results move in large batches.
//!
//! `#[par_for(stream)]` expands to [`stream_loop`] over a source wrapped by `engine`,
//! which chooses by the source's type at the call site (autoref-based dispatch);
//! [`stream_for_each`], a generic function that cannot ask, always feeds.
//!
//! Waking a sleeping thread costs microseconds, more than a cheap task: runners that
//! find nothing to do wait a few microseconds before they end, and the calling thread
//! of the loop form takes results in batches while they come fast (never holding one
//! back more than about a millisecond).
//!
//! Leaving early (the consumer breaks, returns or panics, or a [`Stream`] is dropped)
//! stops pulling and makes runners skip what they have not started. The feeding engine
//! never waits on its source after that. The pulling engine cannot return while a
//! runner is inside the source's `next` when its runners are jobs of the loop's scope
//! (the source is borrowed): the loop returns once that call does (with a channel,
//! when the next message comes or the sender hangs up). Both engines call `next`
//! ahead of the consumer, up to `window` items; a result counts as delivered only when
//! the consumer asks for the next, so nothing is pulled on its behalf while it may
//! still leave. A [`Stream`] returns at once, and its runner inside `next` ends when
//! that call returns. A panic in the task or in the source's `next` is caught on the
//! thread that ran it and re-raised on the calling thread with its original payload,
//! after the results before it in ordered mode.
//!
//! A calling thread that is itself a worker of a pool (a stream nested in a parallel
//! loop) never just sleeps: while it waits it runs pool work, its own stream's runners
//! included, so nested streams cannot deadlock even on two threads.
//!
//! The module's parts: `iter` is the [`Stream`] iterator and its functions, `pulling`
//! the pulling engine's shared state and runners, `deliver` its calling thread's side
//! and `chunk` the size of its pulls; `engine` chooses the engine of a loop;
//! `for_each` is the loop form and the feeding engine, whose calling thread's side is
//! `window` (what is in flight, reordering, batching), `shared` the state it shares
//! with the runners (queue, results, stop mark; its memory-ordering note), and `feed`
//! the handle that joins the two.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use rayon::ThreadPool;

use crate::pool;

mod chunk;
mod deliver;
mod engine;
mod feed;
mod for_each;
mod iter;
mod pulling;
mod shared;
mod source_reads;
#[cfg(test)]
mod tests;
mod window;

pub use engine::{
    AllSendSync, Captures, Exact, Fed, Pulled, StreamProbe, StreamSource, Unseen,
    ViaBorrowedStream, ViaFed, ViaPulled,
};
pub use for_each::{stream_for_each, stream_loop, SentToTheBody, StreamOptions};
pub use iter::{stream, stream_unordered, Stream};
pub use source_reads::{
    assert_self_unchanged_under_the_source, assert_unchanged_under_the_source,
    SelfUnchangedUnderTheSource, UnchangedUnderTheSource,
};

/// A finished job: the item's index and the task's value, or the payload of its panic.
type Done<T> = (usize, std::thread::Result<T>);

/// How many items may be in flight per pool thread when no `window` is given.
const WINDOW_PER_THREAD: usize = 64;
/// How far that default grows, per pool thread, in a stream whose source stays on the
/// calling thread, while tasks are cheap: the calling thread then hands items over and
/// takes results in larger batches.
const CHEAP_WINDOW_PER_THREAD: usize = 1024;

/// Where and how wide a stream runs, fixed when it starts.
pub(super) struct Plan {
    pub(super) threads: usize,
    /// The dedicated pool, or `None` for the calling thread's pool.
    pub(super) pool: Option<Arc<ThreadPool>>,
    pub(super) window: usize,
    /// How far the window may grow while tasks are cheap (the window, if one was given).
    pub(super) grow_to: usize,
    pub(super) ordered: bool,
    /// `threads = 1`: the tasks run on the calling thread, each under a
    /// [`OneThread`](crate::pool::OneThread) guard, so that the loops they start see
    /// one thread, as inside a pool of one.
    pub(super) one_thread: bool,
}

impl Plan {
    fn new(window: Option<usize>, threads: Option<usize>, ordered: bool) -> Plan {
        let n = pool::threads_for(threads);
        Plan {
            threads: n,
            pool: threads.filter(|_| n > 1).map(pool::sized_pool),
            window: window.unwrap_or(WINDOW_PER_THREAD * n),
            grow_to: window.unwrap_or(CHEAP_WINDOW_PER_THREAD * n),
            ordered,
            one_thread: threads == Some(1),
        }
    }

    /// `task`, confined to one thread when the stream asked for `threads = 1` (see
    /// `one_thread`).
    pub(super) fn confine<I, T>(&self, task: impl Fn(I) -> T) -> impl Fn(I) -> T {
        let one_thread = self.one_thread;
        move |item| {
            let _one = one_thread.then(crate::pool::OneThread::enter);
            task(item)
        }
    }
}

/// Runs `f`, ignoring a panic: a job on the pool must not unwind (a panic out of a
/// spawned job aborts the process).
pub(super) fn quietly(f: impl FnOnce()) {
    if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(f)) {
        // Dropping a payload may itself panic; never risk it on a pool thread.
        std::mem::forget(payload);
    }
}
