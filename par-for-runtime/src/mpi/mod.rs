//! Beyond one machine: `#[par_for(distribute)]` loops split across the ranks of an MPI
//! job (with the `mpi` feature), every rank ending with the serial result.
//!
//! The module exists with or without the feature, so a program compiles the same either
//! way: without it (or when the program was not started by an MPI launcher) the world
//! has one rank and `distribute` loops run as local `#[par_for]` loops.
//!
//! ```
//! let _mpi = par_for_runtime::mpi::init(); // first thing in `main`
//! if par_for_runtime::mpi::is_root() {
//!     println!("{} rank(s)", par_for_runtime::mpi::size());
//! }
//! ```
//!
//! Layout: `launcher` reads the launcher's environment; `world` (or `local`, without the
//! feature) holds MPI and the exchange; `schedule` and `block` cut a source into pieces;
//! `wire` encodes results; `run` and `fold` are what the generated code calls.

mod block;
mod fold;
mod launcher;
mod run;
mod schedule;
#[cfg_attr(not(feature = "mpi"), path = "local.rs")]
mod world;

#[cfg(feature = "mpi")]
mod wire;

#[cfg(not(feature = "mpi"))]
mod wire {
    //! Without the `mpi` feature nothing travels: results need only be owned and `Send`.

    /// A value a distributed loop could send to other ranks.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot travel between MPI ranks",
        label = "a distributed loop sends each rank's results to every other rank",
        note = "results of a `distribute` loop (and the values of its `return` and `?`) must be owned: not references; add `.copied()` or `.cloned()`"
    )]
    pub trait Wire: std::any::Any + Send {}
    impl<T: std::any::Any + Send> Wire for T {}
}

pub use world::Guard;

/// Starts MPI when this process was started by an MPI launcher (`mpirun`, `mpiexec`,
/// `srun`), and returns the guard that keeps it running: call it first thing in `main`
/// and keep the guard (`let _mpi = par_for::mpi::init();`).
///
/// Without a launcher, or without the `mpi` feature, it does nothing (no MPI start-up
/// cost) and the program is a world of one. When the guard is dropped at the end of
/// `main`, MPI is finalized; when a panic unwinds through it, the whole job is aborted
/// with a message instead of leaving the other ranks waiting forever.
///
/// Stops the process with a message when the launcher started N processes but MPI sees
/// a world of one (a binary linked to another MPI than the launcher's).
pub fn init() -> Guard {
    world::init()
}

/// This process's rank in the MPI world: `0..size()`. Always 0 in a world of one.
pub fn rank() -> usize {
    world::rank()
}

/// The number of ranks in the MPI world; 1 without a launcher or without the feature.
pub fn size() -> usize {
    world::size()
}

/// Whether this is rank 0: print results once with `if par_for::mpi::is_root() { .. }`
/// (every rank holds the same result after a distributed loop).
pub fn is_root() -> bool {
    rank() == 0
}

/// What the generated code of `distribute` loops calls.
#[doc(hidden)]
pub mod __private {
    pub use super::block::Block;
    /// The consumers' folds.
    pub mod fold {
        pub use super::super::fold::*;
    }
    pub use super::run::{for_each_reduce, pipeline, source, Plan, Split, Splittable};
    pub use super::wire::Wire;
}
