//! Form 2 over a source rayon cannot split (`(1..)`, `lines()`, a user's iterator):
//! the source is read in batches on the calling thread, each batch runs the pipeline on
//! the pool while the next one is read, and the consumer takes the batches' results in
//! order, serially, as std's consumer takes items.
//!
//! So a consumer that stops early (`find`, `position`, `any`, `all`, a `take(n)`, a
//! `collect` into `Result` that meets an error) stops reading after the batch that
//! decided it (and the one read meanwhile, then dropped without running), even on an
//! endless source; a borrowed source is read one item at a time, exactly as far as
//! serially (see `Items`); memory holds two batches, whatever the length of the source;
//! and positions (`enumerate`, `skip`, `take`, `step_by`, `zip`, `position`) carry on
//! from one batch to the next through a [`Cursor`], as the serial pipeline counts them.
//! Batches start small, so that a search that ends early does little more work than
//! the serial one, and double up to [`MAX_BATCH`].
//!
//! An owned source is not read exactly as far as serially: whether item `k + 1` is
//! read depends on the pipeline's verdict on item `k`, so exact reading would run the
//! items one after another (`docs/rules.md` has the measurement and the way out, a
//! borrowed source).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

use crate::pipeline::Items;

mod here;

pub(crate) use here::Here;

/// The largest batch, in items.
const MAX_BATCH: usize = 1 << 16;

/// How many items the stages of a pipeline have seen in the batches before, and
/// whether a stage has seen the last item it ever needs (`take(n)` has taken `n`).
///
/// Batches run one after another, each through a `rayon::join` or a scope that waits
/// for it, which orders them, so relaxed atomics suffice; they are atomics only so that
/// a batch may run on any thread.
pub struct Cursor {
    seen: Vec<AtomicUsize>,
    stopped: AtomicBool,
}

impl Cursor {
    fn new(stages: usize) -> Cursor {
        Cursor {
            seen: (0..stages).map(|_| AtomicUsize::new(0)).collect(),
            stopped: AtomicBool::new(false),
        }
    }

    /// Counts `len` more items at `stage`; how many it had seen before them.
    fn advance(&self, stage: usize, len: usize) -> usize {
        self.seen[stage].fetch_add(len, Ordering::Relaxed)
    }

    /// No later batch can give the pipeline an item.
    fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }

    fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }
}

/// The results of the batches of a pipeline over `items`, in order: `run(batch,
/// cursor)` runs the pipeline on the pool over one batch. An iterator, so that the
/// consumer reads no further batch once it has its answer.
pub struct Batches<S: BatchSource, F> {
    items: S,
    run: F,
    cursor: Cursor,
    ahead: Option<Vec<S::Item>>,
    size: usize,
    /// Batches of one item, none read ahead (see [`Items`]).
    exact: bool,
    /// The source gave `None`: it is not asked again.
    exhausted: bool,
    finished: bool,
}

/// `run` over the batches of `items`; the pipeline has `stages` positional stages.
///
/// A source that must be read exactly as far as serially runs in batches of one item,
/// none read ahead: as serially, one item after another, but on the pool.
pub fn batches<S, F, R>(items: Items<S>, stages: usize, run: F) -> Batches<S, F>
where
    S: BatchSource,
    F: FnMut(rayon::vec::IntoIter<S::Item>, &Cursor) -> R + Send,
    R: Send,
{
    let threads = items.iter.threads();
    Batches {
        items: items.iter,
        run,
        cursor: Cursor::new(stages),
        ahead: None,
        size: if items.exact { 1 } else { 4 * threads },
        exact: items.exact,
        exhausted: false,
        finished: false,
    }
}

/// Where the batches of a pipeline over a serial source come from, and how reading the
/// next one overlaps running the last: a `Send` iterator is read on a pool thread, in
/// a `rayon::join` with the run; a [`Here`] stays on the calling thread, which reads
/// while the pool runs the batch.
pub trait BatchSource {
    /// The items.
    type Item: Send;
    /// Reads up to `size` items.
    fn read(&mut self, size: usize) -> Vec<Self::Item>;
    /// Reads up to `size` items while `run` runs on the pool; both results.
    fn read_while<R: Send>(
        &mut self,
        size: usize,
        run: impl FnOnce() -> R + Send,
    ) -> (Vec<Self::Item>, R);
    /// Runs `run` on the pool, reading nothing meanwhile.
    fn run<R: Send>(&self, run: impl FnOnce() -> R + Send) -> R;
    /// How many threads the batches run on.
    fn threads(&self) -> usize;
}

/// Read inside the pipeline's run on the pool, which the whole pipeline was sent to.
impl<I> BatchSource for I
where
    I: Iterator + Send,
    I::Item: Send,
{
    type Item = I::Item;
    fn read(&mut self, size: usize) -> Vec<I::Item> {
        self.by_ref().take(size).collect()
    }
    fn read_while<R: Send>(
        &mut self,
        size: usize,
        run: impl FnOnce() -> R + Send,
    ) -> (Vec<I::Item>, R) {
        // Reading goes first: this thread starts on it at once, and the batch is taken
        // up, and split further, by the other threads.
        rayon::join(|| self.read(size), run)
    }
    fn run<R: Send>(&self, run: impl FnOnce() -> R + Send) -> R {
        run()
    }
    fn threads(&self) -> usize {
        rayon::current_num_threads()
    }
}

fn read<S: BatchSource>(items: &mut S, size: usize, exhausted: &mut bool) -> Vec<S::Item> {
    if *exhausted {
        return Vec::new();
    }
    let batch = items.read(size);
    *exhausted = batch.len() < size;
    batch
}

impl<S, F, R> Iterator for Batches<S, F>
where
    S: BatchSource,
    F: FnMut(rayon::vec::IntoIter<S::Item>, &Cursor) -> R + Send,
    R: Send,
{
    type Item = R;

    fn next(&mut self) -> Option<R> {
        if self.finished {
            return None;
        }
        let Batches {
            items,
            run,
            cursor,
            ahead,
            size,
            exact,
            exhausted,
            finished,
        } = self;
        let batch = match ahead.take() {
            Some(batch) => batch,
            None => read(items, *size, exhausted),
        };
        if batch.is_empty() {
            *finished = true;
            return None;
        }
        if *exact {
            let result = items.run(|| run(batch.into_par_iter(), cursor));
            *finished = cursor.stopped();
            return Some(result);
        }
        *size = (*size * 2).min(MAX_BATCH);
        let next_size = *size;
        let run = || run(batch.into_par_iter(), cursor);
        let (next, result) = if *exhausted {
            (Vec::new(), items.run(run))
        } else {
            let (next, result) = items.read_while(next_size, run);
            *exhausted = next.len() < next_size;
            (next, result)
        };
        if cursor.stopped() {
            *finished = true;
        } else {
            *ahead = Some(next);
        }
        Some(result)
    }
}

/// `enumerate()` in a batch: positions carry on from the batches before.
pub fn enumerate<P: IndexedParallelIterator>(
    iter: P,
    cursor: &Cursor,
    stage: usize,
) -> impl IndexedParallelIterator<Item = (usize, P::Item)> {
    let before = cursor.advance(stage, iter.len());
    iter.enumerate().map(move |(i, item)| (before + i, item))
}

/// `skip(n)` in a batch: what is left of the `n` after the batches before.
pub fn skip<P: IndexedParallelIterator>(
    iter: P,
    cursor: &Cursor,
    stage: usize,
    n: usize,
) -> rayon::iter::Skip<P> {
    let before = cursor.advance(stage, iter.len());
    iter.skip(n.saturating_sub(before))
}

/// `take(n)` in a batch: what is left of the `n`; once all `n` are taken, no later
/// batch is read.
pub fn take<P: IndexedParallelIterator>(
    iter: P,
    cursor: &Cursor,
    stage: usize,
    n: usize,
) -> rayon::iter::Take<P> {
    let before = cursor.advance(stage, iter.len());
    let left = n.saturating_sub(before);
    if iter.len() >= left {
        cursor.stop();
    }
    iter.take(left)
}

/// `step_by(step)` in a batch: the first item kept is the one whose position in the
/// whole stage is a multiple of `step`.
///
/// # Panics
/// If `step` is zero, as std's `step_by` does.
pub fn step_by<P: IndexedParallelIterator>(
    iter: P,
    cursor: &Cursor,
    stage: usize,
    step: usize,
) -> rayon::iter::StepBy<rayon::iter::Skip<P>> {
    assert!(step != 0, "assertion failed: step != 0");
    let before = cursor.advance(stage, iter.len());
    let first = (step - before % step) % step;
    iter.skip(first).step_by(step)
}

/// `zip(other)` in a batch: the next items of `other`, as many as the batch has; once
/// `other` runs out, no later batch is read.
pub fn zip<P, J>(
    iter: P,
    cursor: &Cursor,
    other: &mut J,
) -> rayon::iter::Zip<P, rayon::vec::IntoIter<J::Item>>
where
    P: IndexedParallelIterator,
    J: Iterator,
    J::Item: Send,
{
    let len = iter.len();
    let partners: Vec<J::Item> = other.by_ref().take(len).collect();
    if partners.len() < len {
        cursor.stop();
    }
    iter.zip(partners)
}

/// `position(p)` in a batch: the first position in the batch, and the batch's length.
pub fn position<P, F>(iter: P, predicate: F) -> (Option<usize>, usize)
where
    P: IndexedParallelIterator,
    F: Fn(P::Item) -> bool + Sync + Send,
{
    let len = iter.len();
    (iter.position_first(predicate), len)
}

/// `partition(p)` in a batch: each item with `p`'s verdict, in order.
pub fn partition_marks<P, F>(iter: P, predicate: F) -> Vec<(bool, P::Item)>
where
    P: ParallelIterator,
    F: Fn(&P::Item) -> bool + Sync + Send,
{
    iter.map(|item| (predicate(&item), item)).collect()
}

/// `position`: the first batch with a match decides.
pub fn position_of(mut batches: impl Iterator<Item = (Option<usize>, usize)>) -> Option<usize> {
    let mut before = 0;
    batches.find_map(|(found, len)| match found {
        Some(at) => Some(before + at),
        None => {
            before += len;
            None
        }
    })
}

/// `sum`, `product`, `count`: the batches' sums added in order (std's `Sum` for
/// `Result` and `Option` stops at the first batch holding an error).
pub fn sum<S: std::iter::Sum<S>>(batches: impl Iterator<Item = S>) -> S {
    batches.sum()
}

/// `product`: the batches' products multiplied in order.
pub fn product<S: std::iter::Product<S>>(batches: impl Iterator<Item = S>) -> S {
    batches.product()
}

/// `find`, `find_map`: the first batch with a match decides.
pub fn first<T>(mut batches: impl Iterator<Item = Option<T>>) -> Option<T> {
    batches.find_map(|found| found)
}

/// `any`: the first batch with a match decides.
pub fn any(mut batches: impl Iterator<Item = bool>) -> bool {
    batches.any(|found| found)
}

/// `all`: the first batch with a miss decides.
pub fn all(mut batches: impl Iterator<Item = bool>) -> bool {
    batches.all(|held| held)
}

/// `for_each`: every batch.
pub fn for_each(batches: impl Iterator<Item = ()>) {
    batches.for_each(drop)
}

/// `partition`: the batches' items sorted into the two collections, in order.
pub fn partition<T, B>(batches: impl Iterator<Item = Vec<(bool, T)>>) -> (B, B)
where
    B: Default + Extend<T>,
{
    let (mut left, mut right) = (B::default(), B::default());
    for (keep, item) in batches.flatten() {
        if keep {
            left.extend(Some(item));
        } else {
            right.extend(Some(item));
        }
    }
    (left, right)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_of<I>(iter: I) -> Items<I> {
        Items { iter, exact: false }
    }

    fn on_four<R: Send>(f: impl FnOnce() -> R + Send) -> R {
        rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap()
            .install(f)
    }

    #[test]
    fn an_endless_source_stops_at_the_first_match() {
        let found = on_four(|| {
            first(batches(all_of(1u64..), 0, |batch, _| {
                batch.map(|x| x * x).find_first(|&sq| sq > 90_000)
            }))
        });
        assert_eq!(found, Some(301 * 301));
    }

    #[test]
    fn positions_carry_on_across_batches() {
        let source = (0..10_000u32).filter(|x| x % 3 != 0);
        let expected: Vec<(usize, u32)> = source
            .clone()
            .enumerate()
            .skip(17)
            .step_by(5)
            .take(700)
            .collect();
        let got: Vec<(usize, u32)> = on_four(|| {
            batches(all_of(source), 4, |batch, cursor| {
                let iter = enumerate(batch, cursor, 0);
                let iter = skip(iter, cursor, 1, 17);
                let iter = step_by(iter, cursor, 2, 5);
                let iter = take(iter, cursor, 3, 700);
                iter.collect::<Vec<_>>()
            })
            .flatten()
            .collect()
        });
        assert_eq!(got, expected);
    }

    #[test]
    fn take_stops_reading_an_endless_source() {
        let got: Vec<u64> = on_four(|| {
            batches(all_of(0u64..), 1, |batch, cursor| {
                take(batch, cursor, 0, 1000).collect::<Vec<_>>()
            })
            .flatten()
            .collect()
        });
        assert_eq!(got, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn zip_stops_when_the_other_side_ends() {
        let mut other = 0..300u32;
        let got: Vec<(u64, u32)> = on_four(|| {
            batches(all_of(0u64..), 0, |batch, cursor| {
                zip(batch, cursor, &mut other).collect::<Vec<_>>()
            })
            .flatten()
            .collect()
        });
        assert_eq!(got, (0..300u64).zip(0..300u32).collect::<Vec<_>>());
    }

    #[test]
    fn position_counts_the_batches_before() {
        let at = on_four(|| {
            position_of(batches(all_of(0u64..), 0, |batch, _| {
                position(batch, |x| x == 12_345)
            }))
        });
        assert_eq!(at, Some(12_345));
    }
}
