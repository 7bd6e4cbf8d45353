//! The runtime of [par-for](https://docs.rs/par-for): pools, dispatch of loop sources,
//! serial control flow out of parallel iterations, streaming and progress, on rayon.
//!
//! Most users depend on `par-for` and never name this crate; its public functions are
//! re-exported there. It knows nothing of syntax: the `#[par_for]` macro generates calls
//! to the small set of entry points in [`__private`], documented there.
//!
//! ```
//! assert_eq!(par_for_runtime::with_threads(2, par_for_runtime::current_threads), 2);
//! assert!(par_for_runtime::cpu_count() >= par_for_runtime::physical_cpu_count().min(1));
//! ```

#![deny(unsafe_code)]

mod adapt;
mod batches;
mod bridge;
mod capture;
mod flow;
mod for_each;
mod fuse;
mod fused;
mod indexed;
pub mod mpi;
mod options;
mod pipeline;
mod pool;
mod progress;
mod reduce;
mod slices;
mod source;
mod stream;
mod task;
mod team;
mod way;
mod wide;

pub use pool::{cpu_count, current_threads, physical_cpu_count, with_threads};
pub use stream::{stream, stream_unordered, Stream};

/// The entry points of the code `#[par_for]` generates. Not a stable API: write the
/// attribute, not these calls.
#[doc(hidden)]
pub mod __private {
    pub use crate::flow::{
        AfterStream, Branch, Deferred, Exit, Flow, FromResidual, Moving, Witness,
    };
    pub use crate::for_each::{for_each, for_each_flow};
    pub use crate::mpi::__private as mpi;
    pub use crate::options::Options;
    pub use crate::pipeline::{
        chain_range, collect, install, partition, position, run_split, side, unzip, whole, Check,
        ExactSide, InBatches, Install, IntoPipeline, IntoWhole, Items, Mode, Pipeline, SplitSource,
        TeamStage, ToIndexed, UnzipInto,
    };
    pub use crate::team::on_team::OnTeam;

    /// Form 2 over a source rayon cannot split, run in batches.
    pub mod batch {
        pub use crate::batches::{
            all, any, batches, enumerate, first, for_each, partition, partition_marks, position,
            position_of, product, skip, step_by, sum, take, zip, Batches, Cursor,
        };
    }
    pub use crate::reduce::{for_each_fold, for_each_reduce};
    pub use crate::way::Site;
    pub use rayon::iter::{IndexedParallelIterator, ParallelIterator};

    /// The identities and combining functions of `reduce(VAR: OP)`.
    pub mod reduce {
        pub use crate::reduce::{
            add, all_ones, bitand, bitor, bitxor, function, greatest, least, max, min, mul, named,
            nested, one, written, zero, Addable, AllOnes, Bounded, Merge, One, Zero,
        };
    }
    pub use crate::adapt::{
        zip_split, ChainAfter, ZipAfterBorrowed, ZipAfterBridge, ZipAfterNotSend, ZipAfterSplit,
        ZipSide,
    };
    pub use crate::slices::{chunks, chunks_exact, chunks_exact_mut, chunks_mut, windows};
    pub use crate::source::{
        Borrowed, Bridge, LoopSource, Native, NotSend, Probe, Recover, Source, Unindexed,
    };
    pub use crate::stream::{
        assert_self_unchanged_under_the_source, assert_unchanged_under_the_source, stream_for_each,
        stream_loop, AllSendSync, Captures, Exact, Fed, Pulled, SelfUnchangedUnderTheSource,
        SentToTheBody, StreamOptions, StreamProbe, StreamSource, UnchangedUnderTheSource, Unseen,
    };
    pub use crate::task::{
        item_type, return_type, stream_item_type, type_of, OnlyReadsOuterVariables,
        OnlyReadsOuterVariablesAndReduces, TypeOf,
    };

    pub use crate::capture::Capture;

    /// The traits whose methods the generated code calls; imported as `_`.
    pub mod dispatch {
        pub use crate::capture::{ViaCopy, ViaRef};
        pub use crate::pipeline::{
            ViaAsIs, ViaBatchesHere, ViaBorrowed, ViaBorrowedBatches, ViaBorrowedSide, ViaCollect,
            ViaHere, ViaIndexed, ViaOwned, ViaOwnedSide, ViaSendBatches, ViaTeam,
        };
        #[cfg(target_pointer_width = "64")]
        pub use crate::source::ViaWideRange;
        pub use crate::source::{
            Receiver, ViaBorrowedIter, ViaBridge, ViaIndexedRayon, ViaNotSend, ViaRayon, ViaRecover,
        };
        pub use crate::stream::{ViaBorrowedStream, ViaFed, ViaPulled};
        /// Stands in for `ViaWideRange` where `usize` is narrower than 64 bits.
        #[cfg(not(target_pointer_width = "64"))]
        pub trait ViaWideRange {}
    }

    /// Marks a value the iterations of a loop read from several threads at once. `Name`
    /// is a type the macro declares with the variable's name, for the message.
    #[diagnostic::on_unimplemented(
        message = "`{Name}` cannot be shared by the iterations of a #[par_for] loop: its type `{Self}` is not `Sync`",
        label = "every iteration reads `{Name}` at once, on several threads",
        note = "a #[par_for] loop may read an outer variable only if its type is `Sync`; a type is not when it is or holds a `Cell`, `RefCell`, `Rc`, raw pointer, trait object or generic function parameter without `+ Sync` (`dyn Fn(f64) -> f64`, `F: Fn(f64) -> f64`): use a `Mutex`, `RwLock` or an atomic instead of `Cell`/`RefCell`, `Arc` instead of `Rc`, add `+ Sync` to a trait object or bound (`Box<dyn Fn(f64) -> f64 + Sync>`, `F: Fn(f64) -> f64 + Sync`), and instead of writing through a raw pointer, loop over `iter_mut()` or `chunks_mut(n)` of the data"
    )]
    pub trait SharedAcrossIterations<Name> {}
    // The error is about this trait, whose message names the variable, not about the
    // `Sync` of a field deep inside its type.
    #[diagnostic::do_not_recommend]
    impl<T: ?Sized + Sync, Name> SharedAcrossIterations<Name> for T {}

    /// Compiles only if `value`, the variable `Name`, may be read by all iterations at once.
    #[inline(always)]
    pub fn assert_shared<Name, T: ?Sized + SharedAcrossIterations<Name>>(_value: &T) {}

    /// [`SharedAcrossIterations`] for `self`, which cannot name a type.
    #[diagnostic::on_unimplemented(
        message = "`self` cannot be shared by the iterations of a #[par_for] loop: its type `{Self}` is not `Sync`",
        label = "every iteration reads `self` at once, on several threads",
        note = "a #[par_for] loop may read `self` only if its type is `Sync`; a type is not when it is or holds a `Cell`, `RefCell`, `Rc` or raw pointer: use a `Mutex`, `RwLock` or an atomic instead of `Cell`/`RefCell`, `Arc` instead of `Rc`"
    )]
    pub trait SelfSharedAcrossIterations {}
    #[diagnostic::do_not_recommend]
    impl<T: ?Sized + Sync> SelfSharedAcrossIterations for T {}

    /// Compiles only if `self` may be read by all iterations at once.
    #[inline(always)]
    pub fn assert_self_shared<T: ?Sized + SelfSharedAcrossIterations>(_value: &T) {}

    /// `expr?` inside a parallel iteration: `branch(expr)`.
    pub fn branch<T: Branch>(value: T) -> core::ops::ControlFlow<T::Residual, T::Output> {
        value.branch()
    }

    /// The function's value for a failing `?`, built on the calling thread.
    pub fn residual<'a, R, Res>(residual: Res) -> Deferred<'a, R>
    where
        R: FromResidual<Res>,
        Res: SentToTheCaller + 'a,
    {
        Deferred::new(move || R::from_residual(residual))
    }

    /// The error of a `?` in a parallel iteration, which goes from the pool's thread to
    /// the calling thread: `Send`, asked under this name so that the message says why.
    #[diagnostic::on_unimplemented(
        message = "the error of this `?` cannot be sent from the pool's threads to the function's caller: `{Self}` is not `Send`",
        label = "an iteration fails here, on a pool thread, and its error goes to the calling thread",
        note = "`Box<dyn Error>` is not `Send`: write `Box<dyn Error + Send + Sync>` in the function's and its helpers' types (`?` converts a `Send + Sync` error into it); a generic error type needs `E: Send`"
    )]
    pub trait SentToTheCaller: Send {}
    // The error is about this trait, whose message says where the value goes, not about
    // the `Send` of a field deep inside its type.
    #[diagnostic::do_not_recommend]
    impl<T: Send> SentToTheCaller for T {}
}
