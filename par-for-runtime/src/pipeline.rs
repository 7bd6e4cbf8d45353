//! Form 2, the collecting pipeline: its source as a rayon parallel iterator, on which
//! the generated code calls rayon's adapters and consumers.

use std::cell::Cell;

use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, ParallelIterator};

use crate::options::Options;
use crate::pool;
use crate::source::{Bridge, Native, Unindexed};

/// The parallel iterator a pipeline starts from.
pub trait IntoPipeline {
    /// The rayon iterator.
    type Iter: ParallelIterator;
    /// Gives it up.
    fn into_pipeline(self) -> Self::Iter;
}

impl<P: ParallelIterator> IntoPipeline for Native<P> {
    type Iter = P;
    fn into_pipeline(self) -> P {
        self.0
    }
}

impl<P: ParallelIterator> IntoPipeline for Unindexed<P> {
    type Iter = P;
    fn into_pipeline(self) -> P {
        self.0
    }
}

/// A serial source is read into a `Vec` first, so that every adapter and consumer
/// (`enumerate`, `zip`, ordered `collect`, `position`) sees the items in their order.
impl<I> IntoPipeline for Bridge<I>
where
    I: Iterator,
    I::Item: Send,
{
    type Iter = rayon::vec::IntoIter<I::Item>;
    fn into_pipeline(self) -> Self::Iter {
        self.0.collect::<Vec<_>>().into_par_iter()
    }
}

/// The pipeline's parallel iterator.
pub fn pipeline<S: IntoPipeline>(source: S) -> S::Iter {
    source.into_pipeline()
}

/// Runs a whole pipeline on the pool `options` chose: `run(source)`. The source is made
/// on the calling thread and handed over, so that only what the pipeline's closures
/// read must be shared with the pool, not what the source expression read.
pub fn install<S, R, F>(options: &Options, source: S, run: F) -> R
where
    S: Send,
    F: FnOnce(S) -> R + Send,
    R: Send,
{
    pool::install(options.threads, move || run(source))
}

/// A pipeline stage about to meet an adapter or consumer that needs positions
/// (`enumerate`, `zip`, `skip`, `take`, `step_by`, `rev`, `position`).
///
/// Dispatch by type: an indexed iterator passes through untouched; one whose positions
/// are unknown (after `filter`, `filter_map`, `flat_map`) is collected in order into a
/// `Vec` first, so that the positions are those the serial pipeline would see.
pub struct ToIndexed<P>(Cell<Option<P>>);

impl<P> ToIndexed<P> {
    /// Wraps a stage.
    pub fn new(iter: P) -> Self {
        ToIndexed(Cell::new(Some(iter)))
    }

    fn take(&self) -> P {
        self.0
            .take()
            .expect("par_for: a pipeline stage is used exactly once")
    }
}

/// Dispatch level 1: the stage is indexed already.
pub trait ViaIndexed {
    /// The indexed iterator.
    type Iter;
    /// Gives it up.
    fn __par_for_indexed(&self) -> Self::Iter;
}

impl<P: IndexedParallelIterator> ViaIndexed for &ToIndexed<P> {
    type Iter = P;
    fn __par_for_indexed(&self) -> P {
        self.take()
    }
}

/// Dispatch level 2: the stage is collected in order, then indexed.
pub trait ViaCollect {
    /// The indexed iterator.
    type Iter;
    /// Gives it up.
    fn __par_for_indexed(&self) -> Self::Iter;
}

impl<P: ParallelIterator> ViaCollect for ToIndexed<P> {
    type Iter = rayon::vec::IntoIter<P::Item>;
    fn __par_for_indexed(&self) -> Self::Iter {
        self.take().collect::<Vec<_>>().into_par_iter()
    }
}
