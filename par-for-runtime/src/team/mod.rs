//! The team: threads of the runtime's own that run small indexed loops together with
//! the calling thread, as OpenMP's `parallel for` does.
//!
//! Rayon's workers fall asleep within microseconds of running out of work, and a loop
//! entered from outside the pool pays to wake them and to be woken when they are done:
//! 16 to 50 µs each way, as much as a small loop takes. The team's workers instead spin
//! for a bounded time after each loop (see [`wait`] and `PAR_FOR_WAIT`), so the next
//! loop starts at once, and the calling thread works too and finds the end of the loop
//! by spinning on one counter. Each thread first runs a static share of the items
//! (OpenMP's static schedule), then steals what is left of the others' (see [`share`]),
//! so a worker that comes late takes less and the threads end close together.
//!
//! There is one team, as large as the default pool, made at the first loop that wants
//! it, and one loop at a time uses it: the thread that owns it for the loop. Every
//! other loop meanwhile (a loop nested in a team loop, loops of other threads, loops
//! on rayon's workers) runs its other way, so nothing waits for the team.

mod job;
pub(crate) mod on_team;
mod share;
#[cfg(test)]
mod tests;
mod wait;

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

use rayon::iter::plumbing::Producer;

use self::job::{Board, Owned};
use self::share::{Line, Seats};
use self::wait::{Policy, Waiting};
use crate::fuse::Halt;

struct Team {
    board: Board,
    waiting: Waiting,
    seats: Seats,
    workers: usize,
}

/// The team, for one loop on the calling thread.
pub(crate) struct Owner {
    team: &'static Team,
    owned: Owned<'static>,
}

/// Whether a loop on a pool of `threads` may use the team from this thread: the pool
/// is the default one (this thread is not one of rayon's) and has several threads.
pub(crate) fn may_use(threads: usize) -> bool {
    threads > 1 && rayon::current_thread_index().is_none()
}

/// The team for a loop on the default pool of `threads`, unless another loop owns it
/// (on another thread, or further up this thread's stack) or its threads cannot start.
pub(crate) fn own(threads: usize) -> Option<Owner> {
    static TEAM: OnceLock<Option<&'static Team>> = OnceLock::new();
    let team = (*TEAM.get_or_init(|| Team::start(threads - 1)))?;
    if team.workers + 1 != threads {
        return None;
    }
    let owned = team.board.try_own()?;
    Some(Owner { team, owned })
}

impl Team {
    /// Starts `workers` threads and waits until they wait for loops, so that the first
    /// loop finds them ready. `None` if the OS refuses a thread, or for more workers
    /// than a board counts (tens of thousands: such a pool's loops go to rayon).
    fn start(workers: usize) -> Option<&'static Team> {
        if workers > job::MAX_WORKERS {
            return None;
        }
        let team: &'static Team = Box::leak(Box::new(Team {
            board: Board::new(),
            waiting: Waiting::new(workers, Policy::from_env()),
            seats: Seats::new(workers + 1),
            workers,
        }));
        for me in 0..workers {
            std::thread::Builder::new()
                .name(format!("par-for-team-{me}"))
                .spawn(move || team.work(me))
                .ok()?;
        }
        while !team.waiting.all_registered() {
            std::thread::yield_now();
        }
        Some(team)
    }

    /// A worker's life: wait for a loop, take part in it, again.
    fn work(&self, me: usize) {
        let mut seen = self.board.epoch();
        self.waiting.register(me);
        loop {
            seen = self.waiting.wait(me, seen, || self.board.epoch());
            self.board.join(seen);
        }
    }
}

thread_local! {
    /// How long this thread's team loops have waited for workers (see [`waited_here`]).
    static WAITED_HERE: Cell<Duration> = const { Cell::new(Duration::ZERO) };
}

/// How long the loops this thread ran on the team have waited, in all, for workers
/// still inside after the calling thread had run out of pieces to claim: what a run
/// took between two readings, less this much, is the calling thread's own time. A
/// worker the OS descheduled while holding a piece makes this long (a time slice of
/// another process), and the run's site counts it in full (see `crate::way`).
pub(crate) fn waited_here() -> Duration {
    WAITED_HERE.with(Cell::get)
}

/// The items of a loop, for the team.
pub(crate) struct TeamItems<'a, Pr> {
    owner: &'a mut Owner,
    producer: Pr,
    len: usize,
    min_len: usize,
}

impl<'a, Pr: Producer> TeamItems<'a, Pr> {
    pub(crate) fn new(
        owner: &'a mut Owner,
        producer: Pr,
        len: usize,
        min_len: Option<usize>,
    ) -> Self {
        TeamItems {
            owner,
            producer,
            len,
            min_len: min_len.unwrap_or(1).max(1),
        }
    }

    /// Cuts the items, in order, into a few chunks per thread (see [`share`]), and runs
    /// `chunk(items, len, halt)` on each, on whichever thread of the team claims it
    /// first, the calling thread included. Returns the chunks' results in order; `None`
    /// for the chunks after the first whose result `stops`, which are not started once
    /// it is known, and stop at their next block if running (`halt`). After a panic in
    /// a chunk no chunk starts, and the panic is re-raised here once every started
    /// chunk has ended; `halt` tells a running chunk to stop too.
    pub(crate) fn run<R, C, S>(self, chunk: C, stops: S) -> Vec<Option<R>>
    where
        R: Send,
        C: Fn(Pr, usize, Halt<'_>) -> R + Sync,
        S: Fn(&R) -> bool + Sync,
    {
        let mut rest = Some(self.producer);
        let chunks = self.owner.deal(self.len, self.min_len, |take| {
            let (head, tail) = rest.take().expect("items left").split_at(take);
            rest = Some(tail);
            // Not a line each: the pieces of a share are claimed by one thread, and a few
            // to a line, fewer lines go from the threads that ran them to the owner.
            Mutex::new(Chunk::<Pr, R>::Items(head, take))
        });
        // Relaxed: see `run_dealt`; what the chunks write is in mutexes the owner reads
        // after the job's end. On a cache line of its own, away from the seats.
        let stop_after = Line(AtomicUsize::new(usize::MAX));
        self.owner.run_dealt(|index, panicked| {
            if index > stop_after.0.load(Ordering::Relaxed) {
                return;
            }
            let Chunk::Items(items, len) =
                std::mem::replace(&mut *lock(&chunks[index]), Chunk::Running)
            else {
                unreachable!("par_for: a chunk is claimed once")
            };
            let result = chunk(items, len, Halt::at(panicked, &stop_after.0, index));
            if stops(&result) {
                stop_after.0.fetch_min(index, Ordering::Relaxed);
            } else if index > stop_after.0.load(Ordering::Relaxed) {
                // Cut short, perhaps: not part of the result anyway.
                return;
            }
            *lock(&chunks[index]) = Chunk::Done(result);
        });
        chunks
            .into_iter()
            .map(
                |chunk| match chunk.into_inner().unwrap_or_else(PoisonError::into_inner) {
                    Chunk::Done(result) => Some(result),
                    Chunk::Items(..) | Chunk::Running => None,
                },
            )
            .collect()
    }
}

impl Owner {
    /// Cuts a loop's `len` items into pieces, in order, a few per thread of the team
    /// (see [`share`]): `cut(n)` makes the next piece, of the next `n` items. Each
    /// piece has `min_len` items at least, unless it is a thread's whole share.
    pub(crate) fn deal<T>(
        &mut self,
        len: usize,
        min_len: usize,
        cut: impl FnMut(usize) -> T,
    ) -> Vec<T> {
        self.team.seats.deal(len, min_len, cut)
    }

    /// Runs `piece(index, panicked)` once for each piece of the last [`deal`], on
    /// whichever thread of the team claims it first, the calling thread included: each
    /// thread its own share first, then what is left of the others'. After a panic in a
    /// piece no piece starts, and the panic is re-raised here once every started piece
    /// has ended; `panicked` tells a running piece to stop too.
    ///
    /// [`deal`]: Owner::deal
    pub(crate) fn run_dealt(&mut self, piece: impl Fn(usize, &AtomicBool) + Sync) {
        let Owner { team, owned } = self;
        // Relaxed: each piece is claimed once by the atomicity of the claims, and what
        // the pieces write, the owner reads after the job's end. On a cache line of its
        // own, away from the seats that every thread writes.
        let panicked = Line(AtomicBool::new(false));
        let claim_and_run = |seat| {
            for index in team.seats.claims(seat) {
                if panicked.0.load(Ordering::Relaxed) {
                    return;
                }
                let raise_on_unwind = RaiseOnUnwind(&panicked.0);
                piece(index, &panicked.0);
                std::mem::forget(raise_on_unwind);
            }
        };
        team.waiting.loop_starts();
        let waited = owned.run(&claim_and_run, || team.waiting.wake_one());
        team.waiting.loop_ends();
        WAITED_HERE.with(|total| total.set(total.get() + waited));
    }
}

/// A chunk of a loop's items: its items and their number until a thread claims it, then
/// its result.
enum Chunk<Pr, R> {
    Items(Pr, usize),
    Running,
    Done(R),
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Raises the flag if dropped while unwinding (forgotten otherwise).
struct RaiseOnUnwind<'a>(&'a AtomicBool);

impl Drop for RaiseOnUnwind<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
