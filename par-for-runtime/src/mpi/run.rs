//! The entry points of `#[par_for(distribute)]`: split a source into this rank's
//! pieces, run each piece on the local pool, gather every rank's results, and fold
//! them in iteration order, identically on every rank.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use rayon::iter::IndexedParallelIterator;

use super::block::Block;
use super::schedule::{Piece, Schedule};
use super::wire::Wire;
use super::world;
use crate::flow::{Deferred, Exit, Flow};
use crate::options::Options;
use crate::source::Native;

thread_local! {
    /// Set while this thread runs its pieces: a distributed loop inside runs locally.
    static SPLITTING: Cell<bool> = const { Cell::new(false) };
}

/// One distributed loop, at the `file:line:column` of its statement.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    site: &'static str,
}

impl Plan {
    /// The plan of the loop at `site`.
    pub fn new(site: &'static str) -> Self {
        Plan { site }
    }

    /// Whether this loop is split across ranks here: MPI runs with several ranks, this
    /// is the thread that started it, and no distributed loop is running on it already.
    /// Otherwise the generated code runs the loop as a local `#[par_for]` loop.
    ///
    /// The answer depends only on the world and the thread, never on timings, so every
    /// rank gives the same one.
    pub fn splits(&self) -> bool {
        world::splits() && !SPLITTING.with(Cell::get)
    }
}

/// A source with positions every rank agrees on: what `distribute` can split.
#[diagnostic::on_unimplemented(
    message = "a `distribute` loop cannot split this source across MPI ranks",
    label = "its items have no positions that every rank agrees on",
    note = "a distributed loop deals its items to the ranks by position: iterate over a bounded range (`0..n`: an endless `1..` has no last position), a `Vec`, a slice or an array (or `.iter()`, `.enumerate()`, `.zip(..)` on them); collect other sources (maps, sets, iterators) into a `Vec` first, sorted if their order is not fixed"
)]
pub trait Splittable {
    /// The indexed parallel iterator.
    type Iter: IndexedParallelIterator;
    /// Gives it up.
    fn into_splittable(self) -> Self::Iter;
}

impl<P: IndexedParallelIterator> Splittable for Native<P> {
    type Iter = P;
    fn into_splittable(self) -> P {
        self.0
    }
}

/// The source of a distributed loop, as an indexed parallel iterator.
pub fn source<S: Splittable>(source: S) -> S::Iter {
    source.into_splittable()
}

/// A source with the schedule that deals it: [`Split::blocks`] takes it once, the
/// block-cyclic schedules clone it once per piece (cheap for the sources a loop reads:
/// ranges, slices and adapters on them).
pub struct Split<I> {
    iter: Option<I>,
    clone: Option<fn(&I) -> I>,
    schedule: Schedule,
}

impl<I: IndexedParallelIterator> Split<I> {
    /// Static blocks: one contiguous block per rank.
    pub fn blocks(iter: I) -> Self {
        Split {
            iter: Some(iter),
            clone: None,
            schedule: Schedule::Blocks,
        }
    }

    /// `schedule = cyclic`.
    pub fn cyclic(iter: I) -> Self
    where
        I: Clone,
    {
        Split {
            iter: Some(iter),
            clone: Some(I::clone),
            schedule: Schedule::Cyclic,
        }
    }

    /// `schedule = chunks(n)`.
    ///
    /// # Panics
    /// If `n` is zero.
    pub fn chunks(iter: I, n: usize) -> Self
    where
        I: Clone,
    {
        assert!(
            n > 0,
            "par_for: `schedule = chunks(n)` needs n of at least 1, got 0"
        );
        Split {
            iter: Some(iter),
            clone: Some(I::clone),
            schedule: Schedule::Chunks(n),
        }
    }

    fn len(&self) -> usize {
        self.iter.as_ref().map_or(0, I::len)
    }

    fn take(&mut self, piece: Piece) -> Block<I> {
        let iter = match (self.clone, &self.iter) {
            (Some(clone), Some(iter)) => clone(iter),
            _ => self
                .iter
                .take()
                .expect("par_for: static blocks give one piece per rank"),
        };
        Block::new(iter, piece)
    }
}

/// Runs `piece` over this rank's pieces in order (each gives its part, and whether the
/// loop left in it: later pieces are then not run), gathers every rank's parts and
/// returns them in iteration order, the same on every rank.
fn distribute<I, P>(
    plan: &Plan,
    mut split: Split<I>,
    mut piece: impl FnMut(Block<I>) -> (P, bool),
) -> Vec<P>
where
    I: IndexedParallelIterator,
    P: Wire,
{
    let (rank, size) = (world::rank(), world::size());
    let len = split.len();
    let schedule = split.schedule;
    let pieces = schedule.pieces(len, rank, size);
    SPLITTING.with(|s| s.set(true));
    let mine = catch_unwind(AssertUnwindSafe(|| {
        let mut parts = Vec::with_capacity(pieces.len());
        for &p in &pieces {
            let (part, left) = piece(split.take(p));
            parts.push(part);
            if left {
                break;
            }
        }
        parts
    }));
    SPLITTING.with(|s| s.set(false));
    let by_rank = world::gather(plan.site, len, mine);
    in_iteration_order(by_rank, schedule.piece_count(len, size))
}

/// Piece `k` is rank `k % size`'s piece `k / size`; a rank that left the loop early
/// sent fewer, and the order ends at its first missing piece.
fn in_iteration_order<P>(by_rank: Vec<Vec<P>>, pieces: usize) -> Vec<P> {
    let size = by_rank.len();
    let mut ranks: Vec<_> = by_rank.into_iter().map(Vec::into_iter).collect();
    let mut ordered = Vec::with_capacity(pieces);
    for k in 0..pieces {
        match ranks[k % size].next() {
            Some(part) => ordered.push(part),
            None => break,
        }
    }
    ordered
}

/// A pipeline: `run(block)` gives the consumer's result on one block, on the pool.
/// Returns every block's result in iteration order, for the consumer's fold.
pub fn pipeline<I, P, F>(plan: &Plan, options: &Options, split: Split<I>, run: F) -> Vec<P>
where
    I: IndexedParallelIterator,
    P: Wire,
    F: Fn(Block<I>) -> P + Sync + Send,
{
    distribute(plan, split, |block| {
        (crate::pool::install(options.threads, || run(block)), false)
    })
}

/// How a piece of a distributed `for` loop ended, as it travels: `(0, None)` ran to the
/// end, `(1, None)` broke, `(2, Some(v))` returned `v`.
type Ending<R> = (u8, Option<R>);

/// A `for` loop with reductions, `break`, `return` and `?`: as the local
/// `for_each_reduce`, on this rank's pieces, then folded in iteration order up to the
/// first piece that left the loop.
pub fn for_each_reduce<'a, I, A, R, Id, C, F>(
    plan: &Plan,
    options: &Options,
    split: Split<I>,
    identity: Id,
    combine: C,
    body: F,
) -> (A, Exit<'a, R>)
where
    I: IndexedParallelIterator,
    A: Wire,
    R: Wire,
    Id: Fn() -> A + Sync + Send,
    C: Fn(A, A) -> A + Sync + Send,
    F: Fn(&mut A, I::Item) -> Flow<'a, R> + Sync + Send,
{
    let parts = distribute(plan, split, |block| {
        let (acc, exit) =
            crate::reduce::for_each_reduce(Native(block), options, &identity, &combine, &body);
        let ending: Ending<R> = match exit {
            Exit::Completed => (0, None),
            Exit::Broke => (1, None),
            Exit::Returned(value) => (2, Some(value.run())),
        };
        let left = ending.0 != 0;
        ((acc, ending), left)
    });
    let mut total = identity();
    for (acc, (how, value)) in parts {
        total = combine(total, acc);
        match (how, value) {
            (0, _) => {}
            (2, Some(value)) => return (total, Exit::Returned(Deferred::new(move || value))),
            _ => return (total, Exit::Broke),
        }
    }
    (total, Exit::Completed)
}
