//! The options of `#[par_for(...)]`, as the generated code passes them to the runtime.

use crate::source::Run;
use crate::way::Site;

/// How one annotated loop runs. Built by the generated code with the builder methods.
#[derive(Clone, Debug)]
pub struct Options {
    pub(crate) site: Option<&'static Site>,
    pub(crate) threads: Option<usize>,
    pub(crate) min_len: Option<usize>,
    pub(crate) parallel_if: bool,
    pub(crate) progress: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self::new()
    }
}

impl Options {
    /// The defaults: the current pool, rayon's granularity, always parallel.
    pub fn new() -> Self {
        Options {
            site: None,
            threads: None,
            min_len: None,
            parallel_if: true,
            progress: None,
        }
    }

    /// What this loop's site has learnt about its run times serially and on the pool,
    /// so that a loop too small to gain from the pool runs serially (see `Site`).
    pub fn site(mut self, site: &'static Site) -> Self {
        self.site = Some(site);
        self
    }

    pub(crate) fn run(&self) -> Run<'static> {
        Run {
            min_len: self.min_len,
            site: self.site,
        }
    }

    /// `threads = n`: run on a dedicated pool of `n` threads.
    ///
    /// # Panics
    /// If `n` is zero (the macro rejects a literal zero at compile time).
    pub fn threads(mut self, n: usize) -> Self {
        assert!(n > 0, "par_for: `threads` must be at least 1, got 0");
        self.threads = Some(n);
        self
    }

    /// `min_len = n`: every task handles at least `n` items.
    ///
    /// # Panics
    /// If `n` is zero.
    pub fn min_len(mut self, n: usize) -> Self {
        assert!(n > 0, "par_for: `min_len` must be at least 1, got 0");
        self.min_len = Some(n);
        self
    }

    /// `if = cond`: run in parallel only when `cond` holds.
    pub fn parallel_if(mut self, cond: bool) -> Self {
        self.parallel_if = cond;
        self
    }

    /// `progress` / `progress = "label"`: draw a progress bar on stderr.
    pub fn progress(mut self, label: impl Into<String>) -> Self {
        self.progress = Some(label.into());
        self
    }

    /// Whether the loop runs on the pool: `false` when `if = ..` is false or the pool
    /// has one thread (`PAR_FOR_THREADS=1`, `threads = 1`), and the generated code then
    /// runs the original serial loop, in order, on the calling thread.
    pub fn runs_in_parallel(&self) -> bool {
        self.parallel_if && crate::pool::threads_for(self.threads) > 1
    }

    /// Held while the loop runs serially on the calling thread: for `threads = 1`, the
    /// loops its body starts see a pool of one thread, as they would inside one.
    pub fn serially(&self) -> Option<crate::pool::OneThread> {
        (self.threads == Some(1)).then(crate::pool::OneThread::enter)
    }
}
