//! Whether this process was started by an MPI launcher (`mpirun`, `mpiexec`, `srun`),
//! read from the environment the launcher sets, so that a plain run pays nothing for MPI.
//!
//! `SLURM_*` variables are not a sign: a plain command inside a batch script sees them
//! too. Only the variables a process manager gives its MPI processes count.

/// What the launcher told this process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Launch {
    /// The number of processes it started, when it says (`OMPI_COMM_WORLD_SIZE`, `PMI_SIZE`).
    pub size: Option<usize>,
    /// This process's rank, when it says.
    pub rank: Option<usize>,
    /// The variable that gave the launcher away, for messages.
    pub via: &'static str,
}

/// The launcher of this process, if any.
pub(crate) fn detect() -> Option<Launch> {
    detect_from(|name| std::env::var(name).ok())
}

/// [`detect`] over any environment, for tests.
pub(crate) fn detect_from(var: impl Fn(&str) -> Option<String>) -> Option<Launch> {
    let number = |name: &str| var(name).and_then(|v| v.trim().parse::<usize>().ok());
    // Open MPI's `mpirun`, then the PMI of MPICH's Hydra, Intel MPI and `srun --mpi=pmi2`,
    // then PMIx (`srun --mpi=pmix`, Open MPI 5), which does not give the size.
    let known: [(&'static str, &str); 3] = [
        ("OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_RANK"),
        ("PMI_SIZE", "PMI_RANK"),
        ("PMIX_RANK", "PMIX_RANK"),
    ];
    known.iter().find_map(|&(size, rank)| {
        var(size)?;
        Some(Launch {
            size: if size == rank { None } else { number(size) },
            rank: number(rank),
            via: size,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_plain_run_has_no_launcher() {
        assert_eq!(
            detect_from(env(&[("SLURM_NTASKS", "4"), ("PATH", "/bin")])),
            None
        );
    }

    #[test]
    fn open_mpi_gives_size_and_rank() {
        let launch = detect_from(env(&[
            ("OMPI_COMM_WORLD_SIZE", "4"),
            ("OMPI_COMM_WORLD_RANK", "2"),
        ]));
        assert_eq!(
            launch,
            Some(Launch {
                size: Some(4),
                rank: Some(2),
                via: "OMPI_COMM_WORLD_SIZE"
            })
        );
    }

    #[test]
    fn pmix_gives_only_the_rank() {
        let launch = detect_from(env(&[("PMIX_RANK", "1")])).unwrap();
        assert_eq!((launch.size, launch.rank), (None, Some(1)));
    }

    #[test]
    fn hydra_uses_pmi() {
        let launch = detect_from(env(&[("PMI_SIZE", "3"), ("PMI_RANK", "0")])).unwrap();
        assert_eq!(
            (launch.size, launch.rank, launch.via),
            (Some(3), Some(0), "PMI_SIZE")
        );
    }
}
