//! Driving an indexed source, where par-for does better than calling rayon directly.
//!
//! 1. **A serial probe.** The first items run in order on the calling thread, in blocks
//!    of doubling size, until about [`PROBE`] has passed. If the rest of the loop is
//!    estimated to take less than waking the pool costs, it finishes serially: a small
//!    loop is never slower than the plain loop, where rayon entered from outside its
//!    pool can be several times slower. Otherwise the rest goes to rayon.
//! 2. **A cheap panic fuse.** After a panic in any iteration, no task starts another
//!    block of [`FUSE_BLOCK`] items; within a block the items are folded in a tight
//!    loop, so a trivial body still vectorizes (rayon's `panic_fuse` checks a flag
//!    before every item).
//!
//! Results are unchanged: the probe handles a prefix of the items in order, and its
//! result is combined on the left of the rest's.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rayon::iter::plumbing::{
    bridge_producer_consumer, Consumer, Folder, Producer, ProducerCallback, UnindexedConsumer,
};
use rayon::iter::{IndexedParallelIterator, ParallelIterator};

/// How long the calling thread works alone before deciding.
pub(crate) const PROBE: Duration = Duration::from_micros(20);

/// What starting the pool from outside it costs (waking the workers, joining them),
/// measured on Linux machines of 2 to 16 cores as 10 to 40 µs.
pub(crate) const POOL_START: Duration = Duration::from_micros(40);

/// How many items a task folds between two looks at the panic flag.
pub(crate) const FUSE_BLOCK: usize = 256;

/// The two halves of a loop: a serial prefix and a parallel rest.
pub(crate) trait Phases<T: Send>: Sized {
    type Output;
    /// Runs `items` in order on this thread; `false` once the loop is over (it left
    /// early or found what it looked for).
    fn serial(&mut self, items: impl Iterator<Item = T>) -> bool;
    /// Runs the rest on the pool and combines it with what the prefix gave.
    fn parallel<Pr: Producer<Item = T>>(self, rest: Rest<'_, Pr>) -> Self::Output;
    /// The result when the prefix was the whole loop.
    fn finish(self) -> Self::Output;
}

/// Runs `source` through `phases`: probe, then serial or parallel for the rest.
pub(crate) fn drive<P, Ph>(source: P, min_len: Option<usize>, phases: Ph) -> Ph::Output
where
    P: IndexedParallelIterator,
    Ph: Phases<P::Item>,
{
    let len = source.len();
    source.with_producer(Probe {
        len,
        min_len,
        phases,
    })
}

struct Probe<Ph> {
    len: usize,
    min_len: Option<usize>,
    phases: Ph,
}

impl<T: Send, Ph: Phases<T>> ProducerCallback<T> for Probe<Ph> {
    type Output = Ph::Output;

    fn callback<Pr: Producer<Item = T>>(self, producer: Pr) -> Ph::Output {
        let Probe {
            mut len,
            min_len,
            mut phases,
        } = self;
        let start = Instant::now();
        let mut rest = producer;
        let mut done = 0;
        let mut block = 1;
        while len > 0 {
            let take = block.min(len);
            let (head, tail) = rest.split_at(take);
            if !phases.serial(head.into_iter()) {
                return phases.finish();
            }
            rest = tail;
            len -= take;
            done += take;
            let elapsed = start.elapsed();
            if len > 0 && elapsed >= PROBE && worth_the_pool(elapsed, done, len) {
                let panicked = AtomicBool::new(false);
                let rest = Rest {
                    producer: rest,
                    len,
                    min_len: min_len.unwrap_or(1).max(1),
                    panicked: &panicked,
                };
                return phases.parallel(rest);
            }
            block *= 2;
        }
        phases.finish()
    }
}

/// Whether `remaining` items, at the pace of the `done` ones, take long enough that the
/// pool's start-up cost pays off.
fn worth_the_pool(elapsed: Duration, done: usize, remaining: usize) -> bool {
    let threads = rayon::current_num_threads().max(2) as f64;
    let rest = elapsed.as_secs_f64() * remaining as f64 / done as f64;
    // Parallel: start-up + rest / threads; serial: rest.
    rest * (1.0 - 1.0 / threads) > POOL_START.as_secs_f64()
}

/// The items the serial probe left, for the pool.
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
    /// As a rayon iterator, with the block-wise panic fuse, to use rayon's consumers.
    fn into_par_iter(self) -> impl IndexedParallelIterator<Item = Pr::Item> + 'a
    where
        Pr: 'a,
    {
        let Rest {
            producer,
            len,
            min_len,
            panicked,
        } = self;
        FromProducer {
            producer: FuseProducer {
                base: producer,
                len,
                panicked,
            },
            len,
        }
        .with_min_len(min_len)
    }

    /// Folds in order and combines in order, splitting as rayon's adaptive splitter does
    /// (one task per thread, more when work is stolen). Leaves fold blocks of
    /// [`FUSE_BLOCK`] items in a tight loop, which rayon's `fold` does not (it checks
    /// for early exit before every item).
    fn fold<A, ID, F, C, D>(self, fold: &FoldOps<ID, F, C, D>) -> A
    where
        A: Send,
        ID: Fn() -> A + Sync + Send,
        F: Fn(A, Pr::Item) -> A + Sync + Send,
        C: Fn(A, A) -> A + Sync + Send,
        D: Fn(&A) -> bool + Sync + Send,
    {
        let splits = rayon::current_num_threads();
        fold_split(
            self.producer,
            self.len,
            self.min_len,
            splits,
            false,
            self.panicked,
            fold,
        )
    }
}

fn fold_split<Pr, A, ID, F, C, D>(
    producer: Pr,
    len: usize,
    min_len: usize,
    mut splits: usize,
    migrated: bool,
    panicked: &AtomicBool,
    fold: &FoldOps<ID, F, C, D>,
) -> A
where
    Pr: Producer,
    A: Send,
    ID: Fn() -> A + Sync + Send,
    F: Fn(A, Pr::Item) -> A + Sync + Send,
    C: Fn(A, A) -> A + Sync + Send,
    D: Fn(&A) -> bool + Sync + Send,
{
    let split = len / 2 >= min_len
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
        return fold_leaf(producer, len, panicked, fold);
    }
    let mid = len / 2;
    let (left, right) = producer.split_at(mid);
    let (left, right) = rayon::join_context(
        |context| {
            fold_split(
                left,
                mid,
                min_len,
                splits,
                context.migrated(),
                panicked,
                fold,
            )
        },
        |context| {
            fold_split(
                right,
                len - mid,
                min_len,
                splits,
                context.migrated(),
                panicked,
                fold,
            )
        },
    );
    (fold.combine)(left, right)
}

fn fold_leaf<Pr, A, ID, F, C, D>(
    producer: Pr,
    mut len: usize,
    panicked: &AtomicBool,
    fold: &FoldOps<ID, F, C, D>,
) -> A
where
    Pr: Producer,
    ID: Fn() -> A,
    F: Fn(A, Pr::Item) -> A,
    D: Fn(&A) -> bool,
{
    let _raise_on_unwind = RaiseOnUnwind(panicked);
    let mut acc = (fold.identity)();
    let mut rest = producer;
    while len > 0 && !panicked.load(Ordering::Relaxed) && !(fold.done)(&acc) {
        let take = FUSE_BLOCK.min(len);
        let (head, tail) = rest.split_at(take);
        acc = head.into_iter().fold(acc, &fold.fold);
        rest = tail;
        len -= take;
    }
    acc
}

/// A producer as an indexed parallel iterator again, to use rayon's own consumers.
struct FromProducer<Pr> {
    producer: Pr,
    len: usize,
}

impl<Pr> ParallelIterator for FromProducer<Pr>
where
    Pr: Producer,
    Pr::Item: Send,
{
    type Item = Pr::Item;

    fn drive_unindexed<C: UnindexedConsumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge_producer_consumer(self.len, self.producer, consumer)
    }

    fn opt_len(&self) -> Option<usize> {
        Some(self.len)
    }
}

impl<Pr> IndexedParallelIterator for FromProducer<Pr>
where
    Pr: Producer,
    Pr::Item: Send,
{
    fn drive<C: Consumer<Self::Item>>(self, consumer: C) -> C::Result {
        bridge_producer_consumer(self.len, self.producer, consumer)
    }

    fn len(&self) -> usize {
        self.len
    }

    fn with_producer<CB: ProducerCallback<Self::Item>>(self, callback: CB) -> CB::Output {
        callback.callback(self.producer)
    }
}

/// Checks the panic flag once per block of [`FUSE_BLOCK`] items, and raises it when a
/// block unwinds.
struct FuseProducer<'a, Pr> {
    base: Pr,
    len: usize,
    panicked: &'a AtomicBool,
}

impl<Pr: Producer> Producer for FuseProducer<'_, Pr> {
    type Item = Pr::Item;
    type IntoIter = Pr::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        self.base.into_iter()
    }

    fn min_len(&self) -> usize {
        self.base.min_len()
    }

    fn max_len(&self) -> usize {
        self.base.max_len()
    }

    fn split_at(self, index: usize) -> (Self, Self) {
        let (left, right) = self.base.split_at(index);
        (
            FuseProducer {
                base: left,
                len: index,
                panicked: self.panicked,
            },
            FuseProducer {
                base: right,
                len: self.len - index,
                panicked: self.panicked,
            },
        )
    }

    fn fold_with<F: Folder<Self::Item>>(self, mut folder: F) -> F {
        let _raise_on_unwind = RaiseOnUnwind(self.panicked);
        let mut rest = self.base;
        let mut len = self.len;
        while len > 0 && !folder.full() && !self.panicked.load(Ordering::Relaxed) {
            let take = FUSE_BLOCK.min(len);
            let (head, tail) = rest.split_at(take);
            folder = head.fold_with(folder);
            rest = tail;
            len -= take;
        }
        folder
    }
}

struct RaiseOnUnwind<'a>(&'a AtomicBool);

impl Drop for RaiseOnUnwind<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Relaxed);
        }
    }
}

/// `for_each`: every item, no result.
pub(crate) struct ForEach<F>(pub(crate) F);

impl<T: Send, F: Fn(T) + Sync + Send> Phases<T> for ForEach<F> {
    type Output = ();

    fn serial(&mut self, items: impl Iterator<Item = T>) -> bool {
        items.for_each(&self.0);
        true
    }

    fn parallel<Pr: Producer<Item = T>>(self, rest: Rest<'_, Pr>) {
        rest.into_par_iter().for_each(self.0)
    }

    fn finish(self) {}
}

/// `find_map_first`: the first `Some` in order.
pub(crate) struct FindFirst<F, R> {
    pub(crate) op: F,
    pub(crate) found: Option<R>,
}

impl<T: Send, R: Send, F: Fn(T) -> Option<R> + Sync + Send> Phases<T> for FindFirst<F, R> {
    type Output = Option<R>;

    fn serial(&mut self, mut items: impl Iterator<Item = T>) -> bool {
        self.found = items.find_map(&self.op);
        self.found.is_none()
    }

    fn parallel<Pr: Producer<Item = T>>(self, rest: Rest<'_, Pr>) -> Option<R> {
        rest.into_par_iter().find_map_first(self.op)
    }

    fn finish(self) -> Option<R> {
        self.found
    }
}

/// `fold` then `reduce`, in order, stopping once `done(acc)`.
pub(crate) struct Fold<A, ID, F, C, D> {
    pub(crate) acc: Option<A>,
    pub(crate) ops: FoldOps<ID, F, C, D>,
}

/// The functions of a [`Fold`], shared by its tasks.
pub(crate) struct FoldOps<ID, F, C, D> {
    pub(crate) identity: ID,
    pub(crate) fold: F,
    pub(crate) combine: C,
    pub(crate) done: D,
}

impl<T, A, ID, F, C, D> Phases<T> for Fold<A, ID, F, C, D>
where
    T: Send,
    A: Send,
    ID: Fn() -> A + Sync + Send,
    F: Fn(A, T) -> A + Sync + Send,
    C: Fn(A, A) -> A + Sync + Send,
    D: Fn(&A) -> bool + Sync + Send,
{
    type Output = A;

    fn serial(&mut self, items: impl Iterator<Item = T>) -> bool {
        let ops = &self.ops;
        let mut acc = self.acc.take().unwrap_or_else(&ops.identity);
        for item in items {
            acc = (ops.fold)(acc, item);
            if (ops.done)(&acc) {
                self.acc = Some(acc);
                return false;
            }
        }
        self.acc = Some(acc);
        true
    }

    fn parallel<Pr: Producer<Item = T>>(self, rest: Rest<'_, Pr>) -> A {
        let prefix = self.acc.unwrap_or_else(&self.ops.identity);
        let rest = rest.fold(&self.ops);
        (self.ops.combine)(prefix, rest)
    }

    fn finish(self) -> A {
        self.acc.unwrap_or_else(self.ops.identity)
    }
}
