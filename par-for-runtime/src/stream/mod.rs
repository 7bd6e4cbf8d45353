//! Streaming: Python's `Pool.imap` and `Pool.imap_unordered` (form 3).
//!
//! The calling thread pulls the source lazily, in order, and queues the items with their
//! indices, as many as the window has room for under one lock (sooner if the source is
//! slow). Runner jobs on the pool (at most one per pool thread, started when items wait
//! and no runner is free) take the queued items oldest first, a share of the queue at a
//! time, run the task and put the results in a shared "done" list; the calling thread
//! takes them from there and delivers them, in input order through a small reorder
//! buffer, or as they completed. Taking the lock per batch rather than per item is what
//! lets microsecond tasks keep up with rayon's `par_bridge`.
//! At most `window` items are *in flight* (pulled but not yet delivered): one more is
//! pulled only when one is delivered, so an infinite source works and memory stays flat.
//!
//! Waking a sleeping thread costs microseconds, more than a cheap task. So while results
//! come in fast the calling thread takes them in batches (up to half the window) and
//! yields its core for a few microseconds before it sleeps, and a runner that finds the
//! queue empty waits a few microseconds for more before it ends. As soon as results
//! come in slowly the calling thread goes back to one at a time, with no added latency;
//! batching never holds a result back more than about a millisecond.
//!
//! Leaving early (the consumer breaks, returns or panics, or a [`Stream`] is dropped)
//! stops pulling, empties the queue and raises a stop mark that makes runners skip what
//! they have not started; no thread ever blocks on the stream's behalf. A panic in the
//! task is caught on the runner and re-raised on the calling thread with its original
//! payload.
//!
//! A calling thread that is itself a worker of a pool (a stream nested in a parallel
//! loop) never just sleeps: while it waits it runs pool work, its own stream's runners
//! included, so nested streams cannot deadlock even on two threads.
//!
//! The module's parts: `iter` is the [`Stream`] iterator and its functions,
//! `for_each` the loop form the macro calls; `window` is the calling thread's side
//! (what is in flight, reordering, batching), `shared` the state it shares with the
//! runners (queue, results, stop mark; its memory-ordering note), and `feed` joins the
//! two for `'static` runners or scoped ones.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use rayon::ThreadPool;

use crate::pool;

mod feed;
mod for_each;
mod iter;
mod pulling;
mod shared;
#[cfg(test)]
mod tests;
mod window;

pub use for_each::{stream_for_each, StreamOptions};
pub use iter::{stream, stream_unordered, Stream};

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
