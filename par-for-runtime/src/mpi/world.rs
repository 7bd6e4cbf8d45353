//! This process's MPI world (with the `mpi` feature): start-up behind the launcher
//! check, the guard that finalizes or aborts, and the one exchange every distributed
//! loop makes, with its watchdog.
//!
//! MPI is only ever called from the thread that called [`init`] (`MPI_THREAD_FUNNELED`).

use std::any::Any;
use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::thread::ThreadId;

use mpi::datatype::PartitionMut;
use mpi::environment::Universe;
use mpi::topology::SimpleCommunicator;
use mpi::traits::{Communicator, CommunicatorCollectives};
use mpi::Threading;

use super::launcher::{self, Launch};
use super::wire::{self, Wire};

/// The world as [`init`] found it.
struct World {
    rank: usize,
    size: usize,
    thread: ThreadId,
}

static WORLD: OnceLock<World> = OnceLock::new();

/// How many exchanges this rank has made: the watchdog compares it across ranks.
/// Only the MPI thread touches it; `Relaxed` is enough.
static EXCHANGES: AtomicU64 = AtomicU64::new(0);

/// Keeps MPI initialized; see [`crate::mpi::init`].
#[must_use = "MPI is finalized when the guard is dropped: bind it with `let _mpi = ...`"]
pub struct Guard {
    universe: Option<Universe>,
}

pub(crate) fn init() -> Guard {
    let Some(launch) = launcher::detect() else {
        return Guard { universe: None };
    };
    let Some((universe, _)) = mpi::initialize_with_threading(Threading::Funneled) else {
        // Initialized already, by the program or another library: use it, do not finalize.
        record_world();
        return Guard { universe: None };
    };
    record_world();
    check_launch(launch);
    Guard {
        universe: Some(universe),
    }
}

fn record_world() {
    let world = SimpleCommunicator::world();
    let _ = WORLD.set(World {
        rank: world.rank() as usize,
        size: world.size() as usize,
        thread: std::thread::current().id(),
    });
}

/// Stops when the launcher started more processes than the world holds: the binary is
/// linked to another MPI than the launcher's, and each process would be a whole job.
fn check_launch(launch: Launch) {
    let size = super::size();
    if let Some(launched) = launch.size.filter(|&n| n != size) {
        eprintln!(
            "par_for: the launcher started {launched} processes ({}={launched}), but MPI sees a \
             world of {size}: this binary is linked to another MPI library than the launcher's \
             (Open MPI and MPICH do not mix). Start it with the `mpirun` of the MPI it was built \
             against (`mpirun --version`, `ldd` on the binary).",
            launch.via
        );
        std::process::exit(1);
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if WORLD.get().is_none_or(|w| w.size == 1) {
            return;
        }
        if std::thread::panicking() {
            eprintln!(
                "par_for: rank {} of {} panicked; aborting the MPI job",
                super::rank(),
                super::size()
            );
            SimpleCommunicator::world().abort(101);
        }
        // Every rank leaves main through here: a rank still waiting in a distributed
        // loop meets this "loop" instead, and the watchdog stops the job.
        let _ = exchange(END_OF_MAIN, 0, Ok(&[]), &mut Vec::new());
        drop(self.universe.take());
    }
}

const END_OF_MAIN: &str = "the end of main (where the `par_for::mpi::init()` guard is dropped)";

pub(crate) fn rank() -> usize {
    WORLD.get().map_or(0, |w| w.rank)
}

pub(crate) fn size() -> usize {
    WORLD.get().map_or(1, |w| w.size)
}

/// Whether a distributed loop starting here is split across ranks: MPI is up with more
/// than one rank and this is the thread that started it.
pub(crate) fn splits() -> bool {
    WORLD
        .get()
        .is_some_and(|w| w.size > 1 && w.thread == std::thread::current().id())
}

/// What each rank had: its parts, or the payload of its panic.
pub(crate) type Outcome<P> = Result<Vec<P>, Box<dyn Any + Send>>;

/// Sends this rank's parts of the loop at `site` (over `len` items) to every rank and
/// returns every rank's parts, by rank. Stops the job when the ranks are not all at the
/// same loop; panics on every rank when one rank panicked.
pub(crate) fn gather<P: Wire>(site: &'static str, len: usize, mine: Outcome<P>) -> Vec<Vec<P>> {
    BUFFERS.with_borrow_mut(|(send, receive)| {
        send.clear();
        let mine = mine.map(|parts| wire::encode(&parts, send));
        match exchange(site, len, mine.map(|()| &send[..]), receive) {
            Ok(bounds) => bounds
                .windows(2)
                .map(|w| wire::decode(&receive[w[0]..w[1]]))
                .collect(),
            Err(payload) => std::panic::resume_unwind(payload),
        }
    })
}

thread_local! {
    /// The send and receive buffers, kept from one loop to the next: touching fresh
    /// pages costs more than copying into warm ones.
    static BUFFERS: RefCell<(Vec<u8>, Vec<u8>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// The header every rank sends first: where it is, and what it brings.
const HEADER: usize = 5;

/// The exchange itself: every rank's bytes land in `receive`, rank after rank, between
/// the returned bounds.
fn exchange(
    site: &'static str,
    len: usize,
    mine: Result<&[u8], Box<dyn Any + Send>>,
    receive: &mut Vec<u8>,
) -> Result<Vec<usize>, Box<dyn Any + Send>> {
    let world = SimpleCommunicator::world();
    let size = world.size() as usize;
    let count = EXCHANGES.fetch_add(1, Ordering::Relaxed);
    let bytes = mine.as_ref().map_or(0, |m| m.len());
    let header = [
        site_id(site),
        count,
        len as u64,
        u64::from(mine.is_err()),
        bytes as u64,
    ];
    let mut headers = vec![0u64; HEADER * size];
    world.all_gather_into(&header[..], &mut headers[..]);
    let headers: Vec<&[u64]> = headers.chunks_exact(HEADER).collect();
    if headers.iter().any(|h| h[..3] != headers[0][..3]) {
        stop_diverged(&world, site, count, &headers);
    }
    if let Some(rank) = headers.iter().position(|h| h[3] != 0) {
        return Err(match mine {
            Err(payload) => payload,
            Ok(_) => Box::new(format!(
                "par_for: rank {rank} panicked in the distributed loop at {site} (its message is \
                 above); this rank stops too"
            )),
        });
    }
    let counts: Vec<i32> = headers
        .iter()
        .map(|h| i32::try_from(h[4]).ok())
        .collect::<Option<_>>()
        .filter(|c: &Vec<i32>| c.iter().map(|&c| i64::from(c)).sum::<i64>() <= i64::from(i32::MAX))
        .unwrap_or_else(|| {
            panic!("par_for: the results of the distributed loop at {site} exceed 2 GiB, which one MPI exchange cannot carry; split the loop")
        });
    let mut bounds = vec![0usize];
    for &c in &counts {
        bounds.push(bounds.last().copied().unwrap_or(0) + c as usize);
    }
    let displs: Vec<i32> = bounds[..size].iter().map(|&b| b as i32).collect();
    receive.clear();
    receive.resize(bounds[size], 0);
    let sent = mine.unwrap_or_default();
    // Open MPI rejects an all-gather of nothing at all.
    if !receive.is_empty() {
        let mut partition = PartitionMut::new(&mut receive[..], counts, displs);
        world.all_gather_varcount_into(sent, &mut partition);
    }
    Ok(bounds)
}

/// Stable across ranks (same binary): the hash of the loop's `file:line:column`.
fn site_id(site: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    site.hash(&mut hasher);
    hasher.finish()
}

fn stop_diverged(world: &SimpleCommunicator, site: &str, count: u64, headers: &[&[u64]]) -> ! {
    let rank = world.rank();
    let mut ranks_with_me = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| h[..3] == headers[rank as usize][..3]);
    let first = ranks_with_me.next().map_or(0, |(r, _)| r);
    if first == rank as usize {
        let others: Vec<usize> = (0..headers.len())
            .filter(|&r| headers[r][..3] != headers[rank as usize][..3])
            .collect();
        eprintln!(
            "par_for: the ranks reached different distributed loops. Rank {rank} (and the ranks \
             with it) is at {site}, its distributed loop number {count}, over {} items; ranks \
             {others:?} are elsewhere. Every rank must run the same distributed loops, in the \
             same order, over the same number of items: a `distribute` loop cannot sit in code \
             that only some ranks run (such as `if par_for::mpi::is_root()`). Aborting the job.",
            headers[rank as usize][2],
        );
    }
    world.barrier();
    world.abort(1)
}
