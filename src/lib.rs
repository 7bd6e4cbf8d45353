//! par-for (crate docs written below).

pub use par_for_macro::par_for;
pub use par_for_runtime::{cpu_count, current_threads, physical_cpu_count, with_threads};

#[doc(hidden)]
pub use par_for_runtime::__private;
