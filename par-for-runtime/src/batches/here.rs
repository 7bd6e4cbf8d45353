//! A pipeline's serial source that cannot be sent to the pool's threads ([`Here`]): the
//! calling thread reads its batches, while the pool runs the one before, and consumes
//! the batches' results.

use super::BatchSource;
use crate::pipeline::Items;
use crate::pool;

/// A serial source read on the calling thread (`stdin().lock().lines()`, an iterator
/// holding an `Rc`): its batches run on the pool of `threads` (see `pool::install`).
pub struct Here<I> {
    iter: I,
    threads: Option<usize>,
}

impl<I> Here<I> {
    /// Reads `iter`; its batches run on the calling thread's pool unless `Items::on`
    /// names another.
    pub(crate) fn new(iter: I) -> Self {
        Here {
            iter,
            threads: None,
        }
    }
}

impl<I> Items<Here<I>> {
    /// The same items, whose batches run on the pool a loop with `threads` asked for.
    pub(crate) fn on(mut self, threads: Option<usize>) -> Self {
        self.iter.threads = threads;
        self
    }
}

impl<I> BatchSource for Here<I>
where
    I: Iterator,
    I::Item: Send,
{
    type Item = I::Item;
    fn read(&mut self, size: usize) -> Vec<I::Item> {
        self.iter.by_ref().take(size).collect()
    }
    fn read_while<R: Send>(
        &mut self,
        size: usize,
        run: impl FnOnce() -> R + Send,
    ) -> (Vec<I::Item>, R) {
        let mut result = None;
        let slot = &mut result;
        let iter = &mut self.iter;
        let next = pool::in_place_scope(self.threads, |scope| {
            scope.spawn(move |_| *slot = Some(run()));
            iter.by_ref().take(size).collect()
        });
        // The scope returns once its job has ended; a panic in it is raised there.
        let result = result.expect("par_for: a batch's run ends before its scope");
        (next, result)
    }
    fn run<R: Send>(&self, run: impl FnOnce() -> R + Send) -> R {
        pool::install(self.threads, run)
    }
    fn threads(&self) -> usize {
        pool::threads_for(self.threads)
    }
}
