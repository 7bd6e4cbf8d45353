//! Form 2, the collecting pipeline: its source as a rayon parallel iterator, on which
//! the generated code calls rayon's adapters and consumers.
//!
//! A source rayon can split ([`Native`], [`Unindexed`]) runs the pipeline once, with
//! [`run_split`]; over an indexed one the pipeline's [`Site`](crate::way::Site) picks
//! the calling thread, the team ([`crate::team`], through [`OnTeam`] stages) or the
//! pool, as for a Form 1 loop, so a small pipeline called again and again is never
//! much slower than the serial one, and runs close to `serial / threads` when the team
//! is faster. Any other source ([`Bridge`]) is read and run in batches
//! ([`crate::batches`]), so that short-circuiting consumers stop as serially and
//! memory stays bounded, even over an endless source.

use std::cell::Cell;

use rayon::iter::{IndexedParallelIterator, IntoParallelIterator, MinLen, ParallelIterator};

use crate::fused::Fused;
use crate::options::Options;
use crate::pool;
use crate::source::{Bridge, Native, Unindexed};
use crate::team;
use crate::team::on_team::{self, OnTeam, TeamPlan};
use crate::way::{Run, Way};

/// The two ways a pipeline's source runs: split by rayon, or read in batches.
pub enum Pipeline<S, I> {
    /// A source rayon splits: run with [`run_split`].
    Split(S),
    /// A serial iterator: run in batches with [`crate::batches::Batches`].
    Serial(Items<I>),
}

/// A serial source, and whether it must be read exactly as far as the serial pipeline
/// would read it, not a batch further: so it must when it is borrowed (`it.by_ref()`,
/// `&mut it`), since its owner goes on reading it after the pipeline.
pub struct Items<I> {
    pub(crate) iter: I,
    pub(crate) exact: bool,
}

/// A pipeline's source, told apart by type. The arm a source does not take is still
/// compiled, over an empty iterator of the same items.
#[diagnostic::on_unimplemented(
    message = "`#[par_for]` cannot share out the items of this pipeline's source: it is an iterator that cannot be sent to the pool's threads, or whose items cannot",
    label = "this pipeline's source is `{Self}`",
    note = "a parallel pipeline starts from a range, a collection (`Vec`, slice, array, map, set) or a reference to one, or an `Iterator` that is `Send` with `Send` items",
    note = "read the items into a `Vec` first (`let items: Vec<_> = SOURCE.collect();`), or give a generic iterator a `+ Send` bound (items borrowed from a slice need `T: Sync`)"
)]
pub trait IntoPipeline {
    /// What rayon splits.
    type Split: SplitSource;
    /// What is read in batches.
    type Serial: Iterator + Send;
    /// Which way the source runs.
    fn into_pipeline(self) -> Pipeline<Self::Split, Self::Serial>;
}

impl<P: IndexedParallelIterator> IntoPipeline for Native<P> {
    type Split = Self;
    type Serial = std::iter::Empty<P::Item>;
    fn into_pipeline(self) -> Pipeline<Self, Self::Serial> {
        Pipeline::Split(self)
    }
}

impl<P: ParallelIterator> IntoPipeline for Unindexed<P> {
    type Split = Self;
    type Serial = std::iter::Empty<P::Item>;
    fn into_pipeline(self) -> Pipeline<Self, Self::Serial> {
        Pipeline::Split(self)
    }
}

impl<I> IntoPipeline for Bridge<I>
where
    I: Iterator + Send,
    I::Item: Send,
{
    type Split = Native<rayon::iter::Empty<I::Item>>;
    type Serial = I;
    fn into_pipeline(self) -> Pipeline<Self::Split, I> {
        Pipeline::Serial(Items {
            iter: self.0,
            exact: false,
        })
    }
}

/// A pipeline's source about to be told apart: `(&&Check::new(source)).__par_for_pipeline()`.
pub struct Check<S>(Cell<Option<S>>);

impl<S> Check<S> {
    /// Wraps the source.
    pub fn new(source: S) -> Self {
        Check(Cell::new(Some(source)))
    }

    fn take(&self) -> S {
        self.0
            .take()
            .expect("par_for: a pipeline source is used exactly once")
    }
}

/// Dispatch level 1: a borrowed serial iterator, read exactly as far as serially.
pub trait ViaBorrowed {
    /// What rayon splits (nothing).
    type Split;
    /// The iterator.
    type Serial;
    /// Which way the source runs.
    fn __par_for_pipeline(&self) -> Pipeline<Self::Split, Self::Serial>;
}

impl<'a, I> ViaBorrowed for &Check<Bridge<&'a mut I>>
where
    I: Iterator + Send,
    I::Item: Send,
{
    type Split = Native<rayon::iter::Empty<I::Item>>;
    type Serial = &'a mut I;
    fn __par_for_pipeline(&self) -> Pipeline<Self::Split, &'a mut I> {
        Pipeline::Serial(Items {
            iter: self.take().0,
            exact: true,
        })
    }
}

/// Dispatch level 2: any other source, by its type (see [`IntoPipeline`]). It takes
/// every source, and asks for `IntoPipeline` in its method: so that one the pipeline
/// cannot run over (a `stdin().lock().lines()`, a slice of items that are not `Sync`)
/// is reported by what keeps it from being sent to the pool, once, rather than by an
/// unresolved method.
pub trait ViaOwned<S> {
    /// Which way the source runs.
    fn __par_for_pipeline(&self) -> Pipeline<S::Split, S::Serial>
    where
        S: IntoPipeline;
}

impl<S> ViaOwned<S> for Check<S> {
    fn __par_for_pipeline(&self) -> Pipeline<S::Split, S::Serial>
    where
        S: IntoPipeline,
    {
        self.take().into_pipeline()
    }
}

/// A source as a parallel iterator whole: a serial one is read into a `Vec` first. For
/// the other side of `zip`/`chain`, and for pipelines with `chain` or `rev`, whose
/// serial form needs the whole of what comes before them.
pub trait IntoWhole {
    /// The source as a splittable one.
    type Whole: SplitSource;
    /// Gives it up.
    fn into_whole(self) -> Self::Whole;
}

impl<P: IndexedParallelIterator> IntoWhole for Native<P> {
    type Whole = Self;
    fn into_whole(self) -> Self {
        self
    }
}

impl<P: ParallelIterator> IntoWhole for Unindexed<P> {
    type Whole = Self;
    fn into_whole(self) -> Self {
        self
    }
}

impl<I> IntoWhole for Bridge<I>
where
    I: Iterator,
    I::Item: Send,
{
    type Whole = Native<rayon::vec::IntoIter<I::Item>>;
    fn into_whole(self) -> Self::Whole {
        Native(self.0.collect::<Vec<_>>().into_par_iter())
    }
}

/// A pipeline's source read in batches, whatever its type: for a pipeline that counts
/// positions after dropping items, which must stop reading where the serial one stops.
pub fn in_batches<I>(source: I) -> Bridge<I::IntoIter>
where
    I: IntoIterator,
{
    Bridge(source.into_iter())
}

/// `source` whole, as a splittable source (see [`IntoWhole`]).
pub fn whole<S: IntoWhole>(source: S) -> S::Whole {
    source.into_whole()
}

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
