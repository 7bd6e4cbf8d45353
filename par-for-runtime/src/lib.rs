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

mod bridge;
mod exec;
mod flow;
mod options;
mod pool;
mod source;

pub use pool::{cpu_count, current_threads, physical_cpu_count, with_threads};

/// The entry points of the code `#[par_for]` generates. Not a stable API: write the
/// attribute, not these calls.
#[doc(hidden)]
pub mod __private {
    pub use crate::exec::{for_each, for_each_flow};
    pub use crate::flow::{Branch, Deferred, Exit, Flow, FromResidual};
    pub use crate::options::Options;
    pub use crate::source::{chunks, chunks_mut, Bridge, Native, Probe, Recover, Source};

    /// The traits whose methods the generated code calls; imported as `_`.
    pub mod dispatch {
        pub use crate::source::{Receiver, ViaBridge, ViaRayon, ViaRecover};
    }

    /// `expr?` inside a parallel iteration: `branch(expr)`.
    pub fn branch<T: Branch>(value: T) -> core::ops::ControlFlow<T::Residual, T::Output> {
        value.branch()
    }

    /// The function's value for a failing `?`, built on the calling thread.
    pub fn residual<R, Res>(residual: Res) -> Deferred<R>
    where
        R: FromResidual<Res>,
        Res: Send + 'static,
    {
        Deferred::new(move || R::from_residual(residual))
    }
}
