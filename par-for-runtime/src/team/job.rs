//! Lending a closure that borrows the caller's stack to the team's workers, and having
//! it back before the caller's frame ends: the only `unsafe` code of the crate.
//!
//! The [`Board`] holds one job at a time, as a thin pointer to a `&dyn Fn(usize)` on
//! the owner's stack, and a state word: the job's *epoch*, whether the job is *open*,
//! how many workers have *entered* it and how many are *inside* it. The owner (one
//! thread at a time, by [`Owned`]) publishes a job (new epoch, open, nobody entered),
//! runs it itself, closes it, and waits until nobody is inside before it returns. A
//! worker enters only an open job of the epoch it saw, with one compare-and-swap on the
//! state word, so once the owner has closed the job no worker can reach the pointer any
//! more, and once nobody is inside no worker holds it: the closure's borrows outlive
//! every call to it.
//!
//! The job is called with the caller's *seat*: 0 on the owner, and on a worker one more
//! than how many entered before it. The same compare-and-swap gives it, so a worker
//! that enters pays for no other shared write before it starts (at 16 threads, every
//! such write is one more in a row of them on one line).
//!
//! Rayon-core lends stack closures to its workers the same way (`StackJob` and a latch).

#![allow(unsafe_code)]

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::share::Line;

/// A job as the board holds it: a reference to the owner's closure, called with the
/// caller's seat.
type Job<'a> = &'a (dyn Fn(usize) + Sync + 'a);

/// State word: epoch in the high 32 bits, then the open bit, then how many workers
/// entered (15 bits), then how many are inside (16 bits).
const OPEN: u64 = 1 << 31;
const ENTERED_SHIFT: u32 = 16;
const ONE_ENTERED: u64 = 1 << ENTERED_SHIFT;
const INSIDE: u64 = ONE_ENTERED - 1;
const ENTERED: u64 = (OPEN - 1) & !INSIDE;
const EPOCH_SHIFT: u32 = 32;
/// The most workers a board counts (the entered count's 15 bits).
pub(super) const MAX_WORKERS: usize = (OPEN >> ENTERED_SHIFT) as usize - 1;
/// How many times the owner looks whether workers are still inside before it starts
/// timing the wait (under a microsecond: about what the threads' ends differ by when
/// all goes well; a stall worth knowing about is thousands of times longer).
const UNTIMED_SPINS: u32 = 16;

/// Where the owner of the team posts its job and the workers find it.
///
/// The state word and the job pointer share a cache line, which a worker entering a
/// job reads once for both; what only the owner touches in a run that goes well (the
/// right to publish, the panic slot) is on a line of its own, so that taking and
/// giving back that right, and looking for a panic, do not take the line from the
/// workers spinning on the state word and come back for it (on the development VM,
/// each such transfer cost the owner about 100 ns).
pub(super) struct Board {
    state: AtomicU64,
    /// A `*const Job<'_>` on the owner's stack while a job is published, else null.
    job: AtomicPtr<()>,
    owner_side: Line<OwnerSide>,
}

struct OwnerSide {
    owned: AtomicBool,
    /// The first panic of a worker inside the current job.
    panic: Mutex<Option<Box<dyn Any + Send>>>,
}

impl Board {
    pub(super) const fn new() -> Board {
        Board {
            state: AtomicU64::new(0),
            job: AtomicPtr::new(ptr::null_mut()),
            owner_side: Line(OwnerSide {
                owned: AtomicBool::new(false),
                panic: Mutex::new(None),
            }),
        }
    }

    /// The right to publish jobs, if no other thread holds it (nor this one, further
    /// up its stack: a loop nested in a team job gets `None`).
    pub(super) fn try_own(&self) -> Option<Owned<'_>> {
        // Acquire: the previous owner's writes (its `run` ended with nobody inside).
        self.owner_side
            .0
            .owned
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()?;
        Some(Owned(self))
    }

    /// The epoch of the latest job published. `SeqCst`: a worker going to sleep reads
    /// it after raising its sleeping flag, the owner reads the flags after publishing,
    /// so one of the two sees the other (see `wait.rs`).
    pub(super) fn epoch(&self) -> u32 {
        (self.state.load(Ordering::SeqCst) >> EPOCH_SHIFT) as u32
    }

    /// Runs the job of `epoch` on this worker if it is still open; returns at once if
    /// the owner has closed it (or published a later one) meanwhile.
    pub(super) fn join(&self, epoch: u32) {
        let Some(seat) = self.enter(epoch) else {
            return;
        };
        let job = self.job.load(Ordering::Relaxed) as *const Job<'static>;
        // SAFETY: `enter` succeeded, so the job of `epoch` is published and we are
        // counted inside it: the owner stored `job` before opening the job (and our
        // acquiring compare-and-swap read that opening), does not return from `run`,
        // nor unwind out of it, before the count inside drops to zero, and does not
        // publish another job before then. So the pointer is the one of this job, the
        // `Job` it points to on the owner's stack is alive, and so is everything the
        // closure borrows, until our `leave` below. The `'static` is never used past
        // that: `job` is dropped before `leave`.
        let job: Job<'_> = unsafe { *job };
        if let Err(payload) = panic::catch_unwind(AssertUnwindSafe(|| job(seat))) {
            let mut first = self
                .owner_side
                .0
                .panic
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            first.get_or_insert(payload);
        }
        self.leave();
    }

    /// Enters the job of `epoch` if it is open: counted entered and inside. Its seat.
    fn enter(&self, epoch: u32) -> Option<usize> {
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            if (state >> EPOCH_SHIFT) as u32 != epoch || state & OPEN == 0 {
                return None;
            }
            // Acquire: pairs with the owner's publishing store, so the job pointer and
            // what the closure reads are visible here. No overflow: a worker enters
            // a job once, and there are at most `MAX_WORKERS` (`Team::start`).
            match self.state.compare_exchange_weak(
                state,
                state + ONE_ENTERED + 1,
                Ordering::Acquire,
                Ordering::Acquire,
            ) {
                Ok(_) => return Some(1 + ((state & ENTERED) >> ENTERED_SHIFT) as usize),
                Err(now) => state = now,
            }
        }
    }

    fn leave(&self) {
        // Release: what this worker wrote for the job is visible to the owner, whose
        // acquiring load sees the count reach zero.
        self.state.fetch_sub(1, Ordering::Release);
    }

    /// Waits until no worker is inside; how long, from its [`UNTIMED_SPINS`]th look on
    /// (a shorter wait is not timed: reading the clock twice costs about as much).
    fn wait_until_nobody_inside(&self) -> Duration {
        let mut spins = 0u32;
        let mut since = None;
        while self.state.load(Ordering::Acquire) & INSIDE != 0 {
            spins += 1;
            if spins < UNTIMED_SPINS {
                std::hint::spin_loop();
                continue;
            }
            since.get_or_insert_with(Instant::now);
            if spins < 1 << 10 {
                std::hint::spin_loop();
            } else {
                // A worker inside was preempted: let it run.
                std::thread::yield_now();
            }
        }
        since.map_or(Duration::ZERO, |since| since.elapsed())
    }
}

/// The right to publish jobs on a [`Board`]; given back when dropped.
pub(super) struct Owned<'a>(&'a Board);

impl Owned<'_> {
    /// Publishes `job`, calls `wake` (to rouse sleeping workers), runs `job(0)` on this
    /// thread (seat 0; a worker's is one more than the workers that entered before
    /// it), then closes it and waits until no worker is inside. Workers that
    /// entered in time ran it too, each once. The first panic, this thread's own
    /// first, is re-raised here after that wait. Returns how long that wait took: the
    /// time this thread, done with `job`, spent waiting for the workers (zero for a
    /// wait of a few looks only, see [`UNTIMED_SPINS`]).
    ///
    /// `&mut self`: the job cannot hold this `Owned` and publish from a worker.
    pub(super) fn run(&mut self, job: &(dyn Fn(usize) + Sync), wake: impl FnOnce()) -> Duration {
        let board = self.0;
        let job: Job<'_> = job;
        board
            .job
            .store(&job as *const Job<'_> as *mut (), Ordering::Relaxed);
        // Nobody is inside and the job is closed (the last `run` waited for that, and
        // workers enter only open jobs), so no other thread writes the state now.
        let epoch = (board.state.load(Ordering::Relaxed) >> EPOCH_SHIFT).wrapping_add(1);
        // SeqCst: releases the job pointer to the workers that acquire this state, and
        // takes part in the sleep handshake (see `Board::epoch`).
        board
            .state
            .store(epoch << EPOCH_SHIFT | OPEN, Ordering::SeqCst);
        let own = panic::catch_unwind(AssertUnwindSafe(|| {
            wake();
            job(0);
        }));
        board.state.fetch_and(!OPEN, Ordering::AcqRel);
        let waited = board.wait_until_nobody_inside();
        board.job.store(ptr::null_mut(), Ordering::Relaxed);
        let theirs = board
            .owner_side
            .0
            .panic
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(payload) = own.err().or(theirs) {
            panic::resume_unwind(payload);
        }
        waited
    }
}

impl Drop for Owned<'_> {
    fn drop(&mut self) {
        // Release: the next owner sees this one's job closed with nobody inside.
        self.0.owner_side.0.owned.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::thread;

    /// A worker that joins every job it sees until `stop`.
    fn worker<'a>(board: &'a Board, stop: &'a AtomicBool) -> impl FnOnce() + Send + 'a {
        move || {
            let mut seen = board.epoch();
            while !stop.load(Ordering::Relaxed) {
                let epoch = board.epoch();
                if epoch != seen {
                    seen = epoch;
                    board.join(epoch);
                }
                std::hint::spin_loop();
            }
        }
    }

    /// Each caller of a job has a seat of its own: 0 on the owner, 1 and 2 on the two
    /// workers, in the order they entered.
    #[test]
    fn jobs_borrowing_the_stack_run_on_workers_at_seats_of_their_own_and_are_done_when_run_returns()
    {
        let board = Board::new();
        let stop = AtomicBool::new(false);
        thread::scope(|s| {
            s.spawn(worker(&board, &stop));
            s.spawn(worker(&board, &stop));
            let mut owned = board.try_own().unwrap();
            for round in 0..2000u64 {
                // Fresh stack data each round: a worker using a stale job would read a
                // dead frame (and miri, or the sums, would tell).
                let data: Vec<u64> = (0..64).map(|i| i * round).collect();
                let sum = AtomicU64::new(0);
                let calls = AtomicUsize::new(0);
                let seats = AtomicU64::new(0);
                owned.run(
                    &|seat| {
                        calls.fetch_add(1, Ordering::Relaxed);
                        let taken = seats.fetch_or(1 << seat, Ordering::Relaxed);
                        assert_eq!(taken & 1 << seat, 0, "seat {seat} given twice");
                        sum.fetch_add(data.iter().sum::<u64>(), Ordering::Relaxed);
                    },
                    || {},
                );
                let calls = calls.into_inner();
                assert!((1..=3).contains(&calls));
                assert_eq!(sum.into_inner(), calls as u64 * 2016 * round);
                // The owner at 0, and the workers that entered at the next seats.
                let seats = seats.into_inner();
                assert_eq!(seats, (1 << calls) - 1, "seats {seats:b} for {calls} calls");
            }
            stop.store(true, Ordering::Relaxed);
        });
    }

    #[test]
    fn one_owner_at_a_time() {
        let board = Board::new();
        let owned = board.try_own().unwrap();
        assert!(board.try_own().is_none());
        drop(owned);
        assert!(board.try_own().is_some());
    }

    #[test]
    fn a_worker_panic_reaches_the_owner_after_the_job_is_over() {
        let board = Board::new();
        let stop = AtomicBool::new(false);
        thread::scope(|s| {
            s.spawn(worker(&board, &stop));
            let mut owned = board.try_own().unwrap();
            let mut caught = 0;
            for _ in 0..200 {
                let on_owner = thread::current().id();
                let result = panic::catch_unwind(AssertUnwindSafe(|| {
                    owned.run(
                        &|_| {
                            if thread::current().id() != on_owner {
                                panic!("worker");
                            }
                            // Give the worker time to enter.
                            thread::sleep(std::time::Duration::from_micros(200));
                        },
                        || {},
                    )
                }));
                if let Err(payload) = result {
                    assert_eq!(payload.downcast_ref::<&str>(), Some(&"worker"));
                    caught += 1;
                }
            }
            assert!(caught > 0, "the worker never entered a job");
            // The board is usable after panics, and forgot them.
            owned.run(&|_| {}, || {});
            stop.store(true, Ordering::Relaxed);
        });
    }
}
