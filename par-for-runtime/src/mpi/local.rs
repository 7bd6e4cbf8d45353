//! This process's MPI world without the `mpi` feature: a world of one. Distributed
//! loops run as local ones; a run under a launcher says that each process is a whole job.

use std::any::Any;

use super::launcher;
use super::wire::Wire;

/// Stands for MPI's guard; does nothing without the `mpi` feature.
#[must_use = "bind the guard with `let _mpi = ...` so that MPI lives as long as `main`"]
pub struct Guard {
    _private: (),
}

pub(crate) fn init() -> Guard {
    if let Some(launch) = launcher::detect() {
        if launch.size.is_some_and(|n| n > 1) && launch.rank.unwrap_or(0) == 0 {
            eprintln!(
                "par_for: started by an MPI launcher ({}), but built without the `mpi` feature: \
                 every process runs the whole program on its own. Build with `--features \
                 par-for/mpi` to split `distribute` loops across the ranks.",
                launch.via
            );
        }
    }
    Guard { _private: () }
}

pub(crate) fn rank() -> usize {
    0
}

pub(crate) fn size() -> usize {
    1
}

pub(crate) fn splits() -> bool {
    false
}

pub(crate) type Outcome<P> = Result<Vec<P>, Box<dyn Any + Send>>;

/// A world of one gathers its own parts.
pub(crate) fn gather<P: Wire>(_site: &'static str, _len: usize, mine: Outcome<P>) -> Vec<Vec<P>> {
    match mine {
        Ok(parts) => vec![parts],
        Err(payload) => std::panic::resume_unwind(payload),
    }
}
