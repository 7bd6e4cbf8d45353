//! Running an indexed source, where par-for does better than calling rayon directly.
//!
//! 1. **Small loops take the faster way.** Every loop site remembers what its loop took
//!    serially, on the team (`crate::team`) and on the pool ([`Site`]), and a small
//!    loop takes the faster way: called again and again, it runs close to
//!    `serial / threads` and is never much slower than the plain loop, where rayon
//!    entered from outside its pool can be several times slower. The first run of a
//!    site, and every loop long enough, goes to the pool in full.
//! 2. **A cheap fuse.** After a panic in any iteration, or once an earlier part of the
//!    loop has ended it, no task starts another block of [`FUSE_BLOCK`](crate::fuse::FUSE_BLOCK) items (see
//!    `crate::fuse`).

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::iter::plumbing::{Producer, ProducerCallback};
use rayon::iter::IndexedParallelIterator;

use crate::fuse::{blocks, Halt, OnPanic};
use crate::fused::RaiseOnUnwind;
use crate::team::{self, TeamItems};
use crate::way::{Run, Site, Way};

/// A loop run one of two ways.
pub(crate) trait Phases<T: Send>: Sized {
    type Output;
    /// Runs every item in order on this thread.
    fn serial(self, items: impl Iterator<Item = T>) -> Self::Output;
    /// Runs the items on the pool.
    fn parallel<Pr: Producer<Item = T>>(self, items: Rest<'_, Pr>) -> Self::Output;
    /// Runs the items on the team (see `crate::team`): chunks of them, in order,
    /// claimed by the calling thread and the team's workers.
    fn team<Pr: Producer<Item = T>>(self, items: TeamItems<'_, Pr>) -> Self::Output;
}

/// Runs `source` through `phases`, serially if `site` knows the loop is small.
pub(crate) fn drive<P, Ph>(
    source: P,
    min_len: Option<usize>,
    site: Option<&Site>,
    phases: Ph,
) -> Ph::Output
where
    P: IndexedParallelIterator,
    Ph: Phases<P::Item>,
{
    let len = source.len();
    source.with_producer(Split {
        len,
        min_len,
        site,
        phases,
    })
}

struct Split<'s, Ph> {
    len: usize,
    min_len: Option<usize>,
    site: Option<&'s Site>,
    phases: Ph,
}

impl<T: Send, Ph: Phases<T>> ProducerCallback<T> for Split<'_, Ph> {
    type Output = Ph::Output;

    fn callback<Pr: Producer<Item = T>>(self, producer: Pr) -> Ph::Output {
        let Split {
            len,
            min_len,
            site,
            phases,
        } = self;
        let Some(site) = site else {
            return phases.parallel(Rest::new(producer, len, min_len, &AtomicBool::new(false)));
        };
        let threads = rayon::current_num_threads();
        let mut way = site.choose(len, threads, team::may_use(threads));
        // Owned before the clock starts: not counting the start of the team's threads,
        // at its first loop.
        let mut owner = (way == Way::Team).then(|| team::own(threads)).flatten();
        if way == Way::Team && owner.is_none() {
            // Another loop has the team (an outer one, or another thread's).
            way = Way::Serial;
        }
        let run = Run::start(site, way);
        let output = match (way, &mut owner) {
            (Way::Team, Some(owner)) => {
                let min_len = site.smallest_piece(min_len);
                phases.team(TeamItems::new(owner, producer, len, Some(min_len)))
            }
            (Way::Pool, _) => {
                let panicked = AtomicBool::new(false);
                phases.parallel(Rest::new(producer, len, min_len, &panicked))
            }
            _ => phases.serial(producer.into_iter()),
        };
        drop(owner);
        run.end(way, len);
        output
    }
}

/// The items of a loop, for the pool.
pub(crate) struct Rest<'a, Pr> {
    producer: Pr,
    len: usize,
    min_len: usize,
    panicked: &'a AtomicBool,
}

impl<'a, Pr: Producer> Rest<'a, Pr>
where
    Pr::Item: Send,
{
    fn new(producer: Pr, len: usize, min_len: Option<usize>, panicked: &'a AtomicBool) -> Self {
        // A source's own `with_min_len` (a bridged batch has one) is kept.
        let min_len = min_len.unwrap_or(1).max(producer.min_len()).max(1);
        Rest {
            producer,
            len,
            min_len,
            panicked,
        }
    }

    /// Folds in order and combines in order, splitting as rayon's adaptive splitter does
    /// (one task per thread, more when work is stolen). Leaves fold blocks of
    /// [`FUSE_BLOCK`](crate::fuse::FUSE_BLOCK) items in a tight loop, which rayon's `fold` does not (it checks
    /// for early exit before every item).
    fn fold<A, ID, F, C, D, K>(self, fold: &Fold<ID, F, C, D, K>) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(&mut A, Pr::Item) + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send,
        K: OnPanic<A>,
    {
        let splits = rayon::current_num_threads();
        // The offset of the first leaf whose accumulator is done: leaves after it stop.
        let ended = AtomicUsize::new(usize::MAX);
        let leaves = Leaves {
            min_len: self.min_len,
            panicked: self.panicked,
            ended: &ended,
        };
        fold_split(self.producer, 0, self.len, splits, false, &leaves, fold)
    }
}

/// What every leaf of a fold on the pool shares.
struct Leaves<'a> {
    min_len: usize,
    panicked: &'a AtomicBool,
    ended: &'a AtomicUsize,
}

/// Folds the `len` items from `offset` on, splitting while it pays.
fn fold_split<Pr, A, ID, F, C, D, K>(
    producer: Pr,
    offset: usize,
    len: usize,
    mut splits: usize,
    migrated: bool,
    leaves: &Leaves<'_>,
    fold: &Fold<ID, F, C, D, K>,
) -> A
where
    Pr: Producer,
    A: Send,
    ID: Fn() -> A + Sync + Send,
    F: Fn(&mut A, Pr::Item) + Sync + Send,
    C: Fn(A, A) -> A + Sync + Send,
    D: Fn(&A) -> bool + Sync + Send,
    K: OnPanic<A>,
{
    let split = len / 2 >= leaves.min_len
        && if migrated {
            splits = rayon::current_num_threads().max(splits / 2);
            true
        } else if splits > 0 {
            splits /= 2;
            true
        } else {
            false
        };
    if !split {
        let halt = Halt::at(leaves.panicked, leaves.ended, offset);
        let acc = fold_leaf(producer, len, halt, fold);
        if (fold.done)(&acc) {
            leaves.ended.fetch_min(offset, Ordering::Relaxed);
        }
        return acc;
    }
    let mid = len / 2;
    let (left, right) = producer.split_at(mid);
    let (left, right) = rayon::join_context(
        |context| fold_split(left, offset, mid, splits, context.migrated(), leaves, fold),
        |context| {
            let migrated = context.migrated();
            fold_split(
                right,
                offset + mid,
                len - mid,
                splits,
                migrated,
                leaves,
                fold,
            )
        },
    );
    (fold.combine)(left, right)
}

/// Folds a task's items into a new accumulator, block by block, until it is done or
/// `halt` says to stop; a panic goes where `fold.on_panic` says.
fn fold_leaf<Pr, A, ID, F, C, D, K>(
    producer: Pr,
    len: usize,
    halt: Halt<'_>,
    fold: &Fold<ID, F, C, D, K>,
) -> A
where
    Pr: Producer,
    ID: Fn() -> A,
    F: Fn(&mut A, Pr::Item),
    D: Fn(&A) -> bool,
    K: OnPanic<A>,
{
    let _raise_on_unwind = RaiseOnUnwind(halt.panicked());
    fold.on_panic.fold((fold.identity)(), |mut acc| {
        for block in blocks(producer, len, halt) {
            // Done (an exit) stops at once, not at the block's end: no item after it
            // is made, as serially, so a source's closure does not run (and panic) on
            // items the serial loop never reaches. A fold that cannot be done has the
            // test folded away.
            let stopped = block.into_iter().try_for_each(|item| {
                (fold.fold)(&mut acc, item);
                if (fold.done)(&acc) {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            });
            if stopped.is_break() {
                break;
            }
        }
        acc
    })
}

/// `find_map_first`: the first `Some` in order; a panic unwinds or is a result, as
/// the [`OnPanic`] says.
pub(crate) struct FindFirst<F, K>(pub(crate) F, pub(crate) K);

impl<T, R, F, K> Phases<T> for FindFirst<F, K>
where
    T: Send,
    R: Send,
    F: Fn(T) -> Option<R> + Sync + Send,
    K: OnPanic<Option<R>>,
{
    type Output = Option<R>;

    fn serial(self, mut items: impl Iterator<Item = T>) -> Option<R> {
        items.find_map(self.0)
    }

    /// A fold whose tasks keep their first `Some`, so that a panic can be caught once
    /// per task (rayon's `find_map_first` has no hook around its tasks).
    fn parallel<Pr: Producer<Item = T>>(self, items: Rest<'_, Pr>) -> Option<R> {
        let FindFirst(op, on_panic) = self;
        items.fold(&Fold {
            identity: || None,
            fold: |found: &mut Option<R>, item| {
                if found.is_none() {
                    // Written only when found: see `for_each_reduce`.
                    if let Some(value) = op(item) {
                        *found = Some(value);
                    }
                }
            },
            combine: |left: Option<R>, right| left.or(right),
            done: Option::is_some,
            on_panic,
        })
    }

    /// No chunk before the first that finds something is skipped, so each has run to
    /// its end, and the first `Some` in chunk order is the first in item order.
    fn team<Pr: Producer<Item = T>>(self, items: TeamItems<'_, Pr>) -> Option<R> {
        let FindFirst(op, on_panic) = self;
        items
            .run(
                |chunk, len, halt| {
                    on_panic.fold(None, |_| {
                        blocks(chunk, len, halt).find_map(|block| block.into_iter().find_map(&op))
                    })
                },
                Option::is_some,
            )
            .into_iter()
            .flatten()
            .flatten()
            .next()
    }
}

/// `fold` then `reduce`, in order; a task stops folding once `done(acc)`. Each task
/// creates one accumulator with `identity` and folds every item into it in place
/// (`fold(&mut acc, item)`), so a large accumulator is never moved per item. A panic
/// in a task unwinds, or becomes its accumulator (see [`OnPanic`]).
pub(crate) struct Fold<ID, F, C, D, K> {
    pub(crate) identity: ID,
    pub(crate) fold: F,
    pub(crate) combine: C,
    pub(crate) done: D,
    pub(crate) on_panic: K,
}

impl<T, A, ID, F, C, D, K> Phases<T> for Fold<ID, F, C, D, K>
where
    T: Send,
    A: Send,
    ID: Fn() -> A + Sync + Send,
    F: Fn(&mut A, T) + Sync + Send,
    C: Fn(A, A) -> A + Sync + Send,
    D: Fn(&A) -> bool + Sync + Send,
    K: OnPanic<A>,
{
    type Output = A;

    fn serial(self, items: impl Iterator<Item = T>) -> A {
        let mut acc = (self.identity)();
        for item in items {
            (self.fold)(&mut acc, item);
            if (self.done)(&acc) {
                break;
            }
        }
        acc
    }

    fn parallel<Pr: Producer<Item = T>>(self, items: Rest<'_, Pr>) -> A {
        items.fold(&self)
    }

    /// The chunks' accumulators combine in order, up to the first that is `done`.
    fn team<Pr: Producer<Item = T>>(self, items: TeamItems<'_, Pr>) -> A {
        let accs = items.run(
            |chunk, len, halt| fold_leaf(chunk, len, halt, &self),
            |acc| (self.done)(acc),
        );
        let mut total: Option<A> = None;
        for acc in accs.into_iter().map_while(|acc| acc) {
            let done = (self.done)(&acc);
            total = Some(match total {
                Some(total) => (self.combine)(total, acc),
                None => acc,
            });
            if done {
                break;
            }
        }
        total.unwrap_or_else(|| (self.identity)())
    }
}

#[cfg(test)]
pub(crate) mod tests;
