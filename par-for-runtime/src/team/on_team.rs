//! Form 2 pipelines on the team: rayon's consumers fed by the team's threads.
//!
//! A pipeline is rayon's chain of adapters over an indexed stage, driven by a consumer
//! (`sum`, `collect`, `find_first`, ...). [`OnTeam`] wraps such a stage: when a
//! consumer drives it in a run the pipeline's site sent to the team, it cuts the items
//! *and the consumer* in order into pieces on the calling thread (as rayon's `bridge`
//! does, with `Producer::split_at` and `Consumer::split_at`) and deals them to the
//! team's threads as a loop's items are dealt (a share each, claimed from the front,
//! then the others' from the back: see `share`), lets the calling thread and the team's
//! workers fold them, and reduces the pieces' results in order with the reducers the
//! cuts gave. Every consumer thus keeps its serial result (the first error of a
//! `Result` collect, `find_first`, ties of `min_by_key`) and its short-circuit: a piece
//! whose consumer is `full()` is not folded, as in `bridge`.
//!
//! Adapters that need the producer of the stage below (`enumerate`, `zip`, `skip`,
//! `rev`, ...) reach it through [`OnTeam`]'s `with_producer`, which lends the stage's
//! own producer: the generated code wraps the stage after each of them again, so the
//! outermost wrapper is the one a consumer drives. A stage no wrapper reaches runs
//! unsplit on the calling thread (the run's `min_len` is `usize::MAX`), never on a
//! pool that was not asked for.

use std::cell::Cell;
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, PoisonError};

use rayon::iter::plumbing::{
    Consumer, Folder, Producer, ProducerCallback, Reducer, UnindexedConsumer,
};
use rayon::iter::{IndexedParallelIterator, ParallelIterator};

use super::{may_use, own, Owner};
use crate::fuse::{blocks, Halt};

/// How a run the site sent to the team uses it: on a pool of `threads`, pieces of
/// `min_len` items at least.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TeamPlan {
    pub(crate) threads: usize,
    pub(crate) min_len: usize,
}

thread_local! {
    /// How many stages this thread has run on the team (see [`runs_here`]).
    static RUNS_HERE: Cell<u64> = const { Cell::new(0) };
}

/// How many stages the calling thread has run on the team so far: a run sent to the
/// team that did not raise it found the team owned by another loop, and ran serially.
pub(crate) fn runs_here() -> u64 {
    RUNS_HERE.with(Cell::get)
}

/// A pipeline stage that runs on the team when a consumer drives it in a run sent
/// there, and is the stage as it is otherwise.
#[derive(Debug)]
pub struct OnTeam<I> {
    base: I,
    plan: Option<TeamPlan>,
}

impl<I> OnTeam<I> {
    pub(crate) fn new(base: I, plan: Option<TeamPlan>) -> Self {
        OnTeam { base, plan }
    }
}

impl<I: IndexedParallelIterator> ParallelIterator for OnTeam<I> {
    type Item = I::Item;

    fn drive_unindexed<C: UnindexedConsumer<I::Item>>(self, consumer: C) -> C::Result {
        match self.plan {
            Some(plan) => feed(self.base, plan, consumer),
            None => self.base.drive_unindexed(consumer),
        }
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.base.len())
    }
}

impl<I: IndexedParallelIterator> IndexedParallelIterator for OnTeam<I> {
    fn drive<C: Consumer<I::Item>>(self, consumer: C) -> C::Result {
        match self.plan {
            Some(plan) => feed(self.base, plan, consumer),
            None => self.base.drive(consumer),
        }
    }

    fn len(&self) -> usize {
        self.base.len()
    }

    fn with_producer<CB: ProducerCallback<I::Item>>(self, callback: CB) -> CB::Output {
        self.base.with_producer(callback)
    }
}

/// Runs `consumer` over `stage`: on the team if it is free, else unsplit on this thread.
fn feed<I, C>(stage: I, plan: TeamPlan, consumer: C) -> C::Result
where
    I: IndexedParallelIterator,
    C: Consumer<I::Item>,
{
    let owner = if may_use(plan.threads) {
        own(plan.threads)
    } else {
        None
    };
    let len = stage.len();
    match owner {
        Some(owner) => stage.with_producer(Feed {
            consumer,
            len,
            plan,
            owner,
        }),
        // An outer loop, or another thread's, has the team.
        None => stage.with_producer(Unsplit(consumer)),
    }
}

/// Folds the whole producer into the consumer on this thread.
struct Unsplit<C>(C);

impl<T, C: Consumer<T>> ProducerCallback<T> for Unsplit<C> {
    type Output = C::Result;

    fn callback<Pr: Producer<Item = T>>(self, producer: Pr) -> C::Result {
        let consumer = self.0;
        if consumer.full() {
            return consumer.into_folder().complete();
        }
        producer.fold_with(consumer.into_folder()).complete()
    }
}

/// Feeds the producer of `len` items to the consumer on the team.
struct Feed<C> {
    consumer: C,
    len: usize,
    plan: TeamPlan,
    owner: Owner,
}

impl<T, C: Consumer<T>> ProducerCallback<T> for Feed<C> {
    type Output = C::Result;

    fn callback<Pr: Producer<Item = T>>(self, producer: Pr) -> C::Result {
        let Feed {
            consumer,
            len,
            plan,
            mut owner,
        } = self;
        if len == 0 {
            // Nothing to deal: the team had nothing to do.
            drop(owner);
            RUNS_HERE.with(|runs| runs.set(runs.get() + 1));
            return Unsplit(consumer).callback(producer);
        }
        let (pieces, reducers) = cut(&mut owner, producer, consumer, len, plan.min_len);
        owner.run_dealt(|index, panicked| pieces[index].claim_and_fold(panicked));
        // Free for a pipeline in the reducers' code (`reduce`'s closure) or after.
        drop(owner);
        RUNS_HERE.with(|runs| runs.set(runs.get() + 1));
        let results = pieces.into_iter().map(Piece::into_result);
        reduce_in_order(results, reducers)
    }
}

/// Items and the consumer of their results, until a thread claims them; then the
/// result.
enum Slot<Pr: Producer, C: Consumer<Pr::Item>> {
    Waiting {
        producer: Pr,
        consumer: C,
        len: usize,
    },
    Claimed,
    Done(C::Result),
}

struct Piece<Pr: Producer, C: Consumer<Pr::Item>>(Mutex<Slot<Pr, C>>);

impl<Pr: Producer, C: Consumer<Pr::Item>> Piece<Pr, C> {
    fn new(producer: Pr, consumer: C, len: usize) -> Self {
        Piece(Mutex::new(Slot::Waiting {
            producer,
            consumer,
            len,
        }))
    }

    /// Folds the piece if no thread has claimed it yet.
    fn claim_and_fold(&self, panicked: &AtomicBool) {
        let waiting = std::mem::replace(&mut *self.lock(), Slot::Claimed);
        let Slot::Waiting {
            producer,
            consumer,
            len,
        } = waiting
        else {
            return;
        };
        let result = fold(producer, consumer, len, panicked);
        *self.lock() = Slot::Done(result);
    }

    /// The piece's result; folded here if no thread did (a team that started fewer
    /// turns than asked).
    fn into_result(self) -> C::Result {
        match self.0.into_inner().unwrap_or_else(PoisonError::into_inner) {
            Slot::Done(result) => result,
            Slot::Waiting {
                producer,
                consumer,
                len,
            } => fold(producer, consumer, len, &AtomicBool::new(false)),
            Slot::Claimed => unreachable!("par_for: a claimed piece ends done or unwinding"),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slot<Pr, C>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The items and the consumer cut, in order, into the pieces the team deals to its
/// threads (a share each, in pieces that halve), with the reducer of each cut: the
/// reducer at `k` joins piece `k` with everything after it. `len` is not zero.
fn cut<Pr, C>(
    owner: &mut Owner,
    producer: Pr,
    consumer: C,
    len: usize,
    min_len: usize,
) -> (Vec<Piece<Pr, C>>, Vec<C::Reducer>)
where
    Pr: Producer,
    C: Consumer<Pr::Item>,
{
    let mut reducers = Vec::new();
    let (mut rest, mut left) = (Some((producer, consumer)), len);
    let pieces = owner.deal(len, min_len, |take| {
        let (producer, consumer) = rest.take().expect("items left");
        left -= take;
        if left == 0 {
            // The last piece: no cut, so no reducer with an empty rest.
            return Piece::new(producer, consumer, take);
        }
        let (head, tail) = producer.split_at(take);
        let (first, others, reducer) = consumer.split_at(take);
        reducers.push(reducer);
        rest = Some((tail, others));
        Piece::new(head, first, take)
    });
    (pieces, reducers)
}

/// A piece's items folded into its consumer, in blocks between looks at the panic
/// flag; not at all if the consumer is full already (something before it was found).
fn fold<Pr, C>(producer: Pr, consumer: C, len: usize, panicked: &AtomicBool) -> C::Result
where
    Pr: Producer,
    C: Consumer<Pr::Item>,
{
    if consumer.full() {
        return consumer.into_folder().complete();
    }
    let mut folder = consumer.into_folder();
    for block in blocks(producer, len, Halt::on_panic(panicked)) {
        folder = block.fold_with(folder);
        if folder.full() {
            break;
        }
    }
    folder.complete()
}

/// The pieces' results joined as rayon's `bridge` joins the two sides of each cut:
/// the last two first, then each earlier piece with all after it.
fn reduce_in_order<T, Re: Reducer<T>>(
    results: impl DoubleEndedIterator<Item = T>,
    reducers: Vec<Re>,
) -> T {
    let mut results = results.rev();
    let mut joined = results
        .next()
        .expect("par_for: a stage is cut into one piece at least");
    for (result, reducer) in results.zip(reducers.into_iter().rev()) {
        joined = reducer.reduce(result, joined);
    }
    joined
}

#[cfg(test)]
mod tests;
