//! Form 2, the collecting pipeline: its source as a rayon parallel iterator, on which
//! the generated code calls rayon's adapters and consumers.
//!
//! A source rayon can split ([`Native`], [`Unindexed`]) runs the pipeline once, with
//! [`run_split`]; over an indexed one the pipeline's [`Site`](crate::way::Site) picks
//! the calling thread, the team ([`crate::team`], through [`OnTeam`] stages) or the
//! pool, as for a Form 1 loop, so a small pipeline called again and again is never
//! much slower than the serial one, and runs close to `serial / threads` when the team
//! is faster. Any other source ([`Bridge`], or [`NotSend`] when it cannot be sent to the
//! pool's threads) is read and run in batches ([`crate::batches`]), so that
//! short-circuiting consumers stop as serially and memory stays bounded, even over an
//! endless source.

use std::cell::Cell;

use rayon::iter::{
    IndexedParallelIterator, IntoParallelIterator, MinLen, ParallelExtend, ParallelIterator,
};

use crate::fused::Fused;
use crate::options::Options;
use crate::pool;
use crate::source::{Native, Unindexed};
use crate::team;
use crate::team::on_team::{self, OnTeam, TeamPlan};
use crate::way::{Run, Way};

mod source;

pub use source::{
    install, whole, Check, ExactSide, InBatches, Install, IntoPipeline, IntoWhole, Items, Pipeline,
    ViaBatchesHere, ViaBorrowed, ViaBorrowedBatches, ViaBorrowedSide, ViaHere, ViaOwned,
    ViaOwnedSide, ViaSendBatches,
};

/// `chain(a..b)` with literal bounds in a pipeline: the range takes the items' integer
/// type (the runtime's `wide::ItemRange`).
pub fn chain_range<I, R>(
    iter: I,
    range: R,
) -> rayon::iter::Chain<I, <<R::Source as IntoWhole>::Whole as SplitSource>::Iter>
where
    I: ParallelIterator,
    R: crate::wide::ItemRange<I::Item>,
    R::Source: IntoWhole,
    <<R::Source as IntoWhole>::Whole as SplitSource>::Iter: ParallelIterator<Item = I::Item>,
{
    iter.chain(side(range.into_source()))
}

/// The other side of `zip(..)` / `chain(..)` as a parallel iterator.
pub fn side<S: IntoWhole>(source: S) -> <S::Whole as SplitSource>::Iter {
    source.into_whole().into_iter()
}

/// How the stages of one run of a pipeline are split: `min_len` items per task at
/// least, `usize::MAX` when the run is serial on the calling thread or on the team;
/// and, in a run on the team, how [`OnTeam`] stages use it.
#[derive(Clone, Copy, Debug)]
pub struct Mode {
    min_len: usize,
    team: Option<TeamPlan>,
}

impl Mode {
    /// A run on the pool at rayon's own granularity.
    pub fn parallel() -> Mode {
        Mode {
            min_len: 1,
            team: None,
        }
    }

    fn serial() -> Mode {
        Mode {
            min_len: usize::MAX,
            team: None,
        }
    }

    /// A run on the team: stages no [`OnTeam`] runs stay unsplit on the calling thread.
    fn team(plan: TeamPlan) -> Mode {
        Mode {
            min_len: usize::MAX,
            team: Some(plan),
        }
    }
}

/// A source rayon splits, as the pipeline's first stage.
pub trait SplitSource: Send + Sized {
    /// The first stage.
    type Iter: ParallelIterator;
    /// Runs `pipeline` over it on the pool `options` chose, or on the calling thread.
    fn run<R, F>(self, options: &Options, pipeline: F) -> R
    where
        R: Send,
        F: FnOnce(Self::Iter, Mode) -> R + Send;
    /// The first stage, split at rayon's granularity.
    fn into_iter(self) -> Self::Iter;
}

/// Over an indexed source the site chooses, as for a Form 1 loop: a pipeline it knows
/// to be small runs on the calling thread, unsplit (every stage's `min_len` is
/// `usize::MAX`, so rayon's consumers fold it in one piece, without the pool), or on
/// the team, whose [`OnTeam`] stages feed rayon's consumers in order; each way gives
/// the same result.
impl<P: IndexedParallelIterator> SplitSource for Native<P> {
    type Iter = Fused<MinLen<P>>;

    fn run<R, F>(self, options: &Options, pipeline: F) -> R
    where
        R: Send,
        F: FnOnce(Fused<MinLen<P>>, Mode) -> R + Send,
    {
        let iter = self.0;
        let on_pool = Mode {
            min_len: options.min_len.unwrap_or(1),
            team: None,
        };
        let Some(site) = options.site else {
            return pool::install(options.threads, move || {
                pipeline(Fused::new(iter.with_min_len(on_pool.min_len)), on_pool)
            });
        };
        let len = iter.len();
        let threads = pool::threads_for(options.threads);
        // `threads = N` asks for a pool of N threads, where a Form 1 loop runs too.
        let team = options.threads.is_none() && team::may_use(threads);
        let mut way = site.choose(len, threads, team);
        let run = Run::start(site, way);
        let output = match way {
            Way::Serial => pipeline(Fused::new(iter.with_min_len(usize::MAX)), Mode::serial()),
            Way::Team => {
                let before = on_team::runs_here();
                let plan = TeamPlan {
                    threads,
                    min_len: site.smallest_piece(options.min_len),
                };
                let output = pipeline(Fused::new(iter.with_min_len(usize::MAX)), Mode::team(plan));
                // Another loop had the team (an outer one, or another thread's).
                if on_team::runs_here() == before {
                    way = Way::Serial;
                }
                output
            }
            Way::Pool => pool::install(options.threads, move || {
                pipeline(Fused::new(iter.with_min_len(on_pool.min_len)), on_pool)
            }),
        };
        run.end(way, len);
        output
    }

    fn into_iter(self) -> Fused<MinLen<P>> {
        Fused::new(self.0.with_min_len(1))
    }
}

/// Without a length there is no estimate to keep a small pipeline serial.
impl<P: ParallelIterator> SplitSource for Unindexed<P> {
    type Iter = P;

    fn run<R, F>(self, options: &Options, pipeline: F) -> R
    where
        R: Send,
        F: FnOnce(P, Mode) -> R + Send,
    {
        pool::install(options.threads, move || pipeline(self.0, Mode::parallel()))
    }

    fn into_iter(self) -> P {
        self.0
    }
}

/// Runs a pipeline over a source rayon splits: `pipeline(first_stage, mode)`.
pub fn run_split<S, R, F>(options: &Options, source: S, pipeline: F) -> R
where
    S: SplitSource,
    R: Send,
    F: FnOnce(S::Iter, Mode) -> R + Send,
{
    source.run(options, pipeline)
}

/// `collect()`: what std's `collect` gives, for any `FromIterator` target. The items
/// are collected in order in parallel, then handed to `C::from_iter` in order, so that
/// a `Result<C, E>` (or `Option<C>`) holds the first error (or `None`) in iteration
/// order, as std's does; a `Vec` target reuses the buffer, with no copy.
pub fn collect<C, P>(iter: P) -> C
where
    P: ParallelIterator,
    C: FromIterator<P::Item>,
{
    iter.collect::<Vec<_>>().into_iter().collect()
}

/// `unzip()`: rayon's, which fills both collections from the pool's threads at once (an
/// indexed source straight into `Vec`s). Collecting the pairs first and splitting them
/// serially, as std's bounds would allow, took 3x rayon's time into `Vec`s, slower
/// than the serial `unzip`; a target rayon cannot extend is refused, saying so.
pub fn unzip<A, B, FromA, FromB, P>(iter: P) -> (FromA, FromB)
where
    P: ParallelIterator<Item = (A, B)>,
    A: Send,
    B: Send,
    FromA: UnzipInto<A>,
    FromB: UnzipInto<B>,
{
    iter.unzip()
}

/// A collection `unzip` fills from several threads at once: rayon's `ParallelExtend`.
#[diagnostic::on_unimplemented(
    message = "`#[par_for]` cannot unzip into `{Self}`: a pipeline's `unzip` fills its collections from several threads at once, which needs rayon's `ParallelExtend<{A}>`",
    label = "unzipped into `{Self}`",
    note = "unzip into `Vec`s (or `VecDeque`s, `String`s, std's maps and sets), then extend a `{Self}` with one: `let (left, right): (Vec<_>, Vec<_>) = ...unzip(); let mut mine = {Self}::default(); mine.extend(right);`"
)]
pub trait UnzipInto<A: Send>: Default + Send + ParallelExtend<A> {}

#[diagnostic::do_not_recommend]
impl<A: Send, T: Default + Send + ParallelExtend<A>> UnzipInto<A> for T {}

/// `partition(p)`: what std's `partition` gives, into any `Default + Extend` target:
/// `p` runs on the pool, and the items are sorted into the two collections in order.
pub fn partition<B, F, P>(iter: P, predicate: F) -> (B, B)
where
    P: ParallelIterator,
    F: Fn(&P::Item) -> bool + Sync + Send,
    B: Default + Extend<P::Item>,
{
    crate::batches::partition(std::iter::once(crate::batches::partition_marks(
        iter, predicate,
    )))
}

/// A pipeline stage about to meet an adapter or consumer that needs positions
/// (`enumerate`, `zip`, `skip`, `take`, `step_by`, `rev`, `position`).
///
/// Dispatch by type: an indexed iterator passes through untouched; one whose positions
/// are unknown (after `filter`, `filter_map`, `flat_map`) is collected in order into a
/// `Vec` first, so that the positions are those the serial pipeline would see.
pub struct ToIndexed<P>(Cell<Option<(P, Mode)>>);

impl<P> ToIndexed<P> {
    /// Wraps a stage of a run split as `mode` says.
    pub fn new(iter: P, mode: Mode) -> Self {
        ToIndexed(Cell::new(Some((iter, mode))))
    }

    fn take(&self) -> (P, Mode) {
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
        self.take().0
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
    type Iter = MinLen<rayon::vec::IntoIter<P::Item>>;
    fn __par_for_indexed(&self) -> Self::Iter {
        let (iter, mode) = self.take();
        iter.collect::<Vec<_>>()
            .into_par_iter()
            .with_min_len(mode.min_len)
    }
}

/// A pipeline stage that may run on the team: the first stage, and each made by an
/// adapter that needs positions (whose items only the stage's producer reaches).
///
/// Dispatch by type: an indexed stage becomes an [`OnTeam`] stage (itself indexed,
/// and the stage unchanged outside a run on the team); any other passes through, its
/// consumer driving the stage below it.
pub struct TeamStage<P>(Cell<Option<(P, Mode)>>);

impl<P> TeamStage<P> {
    /// Wraps a stage of a run split as `mode` says.
    pub fn new(iter: P, mode: Mode) -> Self {
        TeamStage(Cell::new(Some((iter, mode))))
    }

    fn take(&self) -> (P, Mode) {
        self.0
            .take()
            .expect("par_for: a pipeline stage is used exactly once")
    }
}

/// Dispatch level 1: an indexed stage, run on the team in a run sent there.
pub trait ViaTeam {
    /// The stage.
    type Iter;
    /// Gives it up.
    fn __par_for_on_team(&self) -> Self::Iter;
}

impl<P: IndexedParallelIterator> ViaTeam for &TeamStage<P> {
    type Iter = OnTeam<P>;
    fn __par_for_on_team(&self) -> OnTeam<P> {
        let (iter, mode) = self.take();
        OnTeam::new(iter, mode.team)
    }
}

/// Dispatch level 2: any other stage, as it is.
pub trait ViaAsIs {
    /// The stage.
    type Iter;
    /// Gives it up.
    fn __par_for_on_team(&self) -> Self::Iter;
}

impl<P: ParallelIterator> ViaAsIs for TeamStage<P> {
    type Iter = P;
    fn __par_for_on_team(&self) -> P {
        self.take().0
    }
}

/// `position(predicate)`: rayon's `position_first`, with the stage whose items it
/// numbers on the team in a run sent there.
pub fn position<P, F>(iter: P, mode: Mode, predicate: F) -> Option<usize>
where
    P: IndexedParallelIterator,
    F: Fn(P::Item) -> bool + Sync + Send,
{
    let numbered = OnTeam::new(iter.map(predicate).enumerate(), mode.team);
    let (index, _) = numbered.find_first(|&(_, found)| found)?;
    Some(index)
}
