//! Progress bars on stderr for long loops (`#[par_for(progress)]`), drawn with indicatif.
//!
//! [`Progress::tick`] is called once per finished item from every pool thread, so it
//! must cost next to nothing: each thread counts into its own cache-line-sized slot of a
//! small array (no contention, no clock read, no lock), and a helper thread sums the
//! slots a few times a second and moves the bar. [`Progress::finish`] sums them one last
//! time, so the final position is exactly the number of ticks.
//!
//! Without the `progress` feature, or when stderr is not a terminal, [`Progress::start`]
//! gives `None` and the loop runs with no bar and no cost.

#[cfg(feature = "progress")]
pub(crate) use bar::Progress;
#[cfg(not(feature = "progress"))]
pub(crate) use stub::Progress;

#[cfg(feature = "progress")]
mod bar {
    use std::io::IsTerminal;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    use std::sync::mpsc::{self, RecvTimeoutError, Sender};
    use std::sync::Arc;
    use std::thread::JoinHandle;
    use std::time::Duration;

    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

    /// How often the helper thread moves the bar.
    const REFRESH: Duration = Duration::from_millis(100);

    /// A progress bar fed by many threads at once.
    pub(crate) struct Progress {
        bar: ProgressBar,
        counts: Arc<Counts>,
        updater: Option<(Sender<()>, JoinHandle<()>)>,
    }

    impl Progress {
        /// A bar on stderr labelled `label`, of `len` items if known (a counting spinner
        /// otherwise); `None` when stderr is not a terminal.
        pub(crate) fn start(label: &str, len: Option<u64>) -> Option<Progress> {
            if !std::io::stderr().is_terminal() {
                return None;
            }
            Some(Self::start_with(label, len, ProgressDrawTarget::stderr()))
        }

        /// Like [`Progress::start`], drawn on `target` whatever stderr is (tests draw
        /// on a hidden target).
        pub(crate) fn start_with(
            label: &str,
            len: Option<u64>,
            target: ProgressDrawTarget,
        ) -> Progress {
            let template = match len {
                Some(_) => {
                    "{msg} {wide_bar} {human_pos}/{human_len} [{elapsed_precise}] \
                     {per_sec} ETA {eta}"
                }
                None => "{spinner} {msg} {human_pos} [{elapsed_precise}] {per_sec}",
            };
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            let bar = ProgressBar::with_draw_target(len, target)
                .with_style(style)
                .with_message(label.to_owned());
            let counts = Arc::new(Counts::new());
            let (stop, stopped) = mpsc::channel::<()>();
            let updater = {
                let bar = bar.clone();
                let counts = Arc::clone(&counts);
                std::thread::Builder::new()
                    .name("par-for-progress".into())
                    .spawn(move || {
                        // Until `finish` (a message) or a drop (a disconnection).
                        while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(REFRESH) {
                            bar.set_position(counts.total());
                            bar.tick();
                        }
                    })
                    .ok()
                    .map(|handle| (stop, handle))
            };
            Progress {
                bar,
                counts,
                updater,
            }
        }

        /// One more item is done. Cheap enough to call per item from every thread.
        #[inline]
        pub(crate) fn tick(&self) {
            self.counts.add_one();
        }

        /// The loop is over: shows the exact final count and leaves the bar on screen.
        /// (Dropping the `Progress`, as a panic does, does the same.)
        pub(crate) fn finish(self) {
            drop(self);
        }

        /// The number of ticks so far, summed over all threads.
        #[cfg(test)]
        pub(crate) fn position(&self) -> u64 {
            self.counts.total()
        }
    }

    impl Drop for Progress {
        fn drop(&mut self) {
            if let Some((stop, updater)) = self.updater.take() {
                let _ = stop.send(());
                let _ = updater.join();
            }
            // `abandon`, not `finish`: `finish` would show the full length even when the
            // loop left early (`break`, a panic); this keeps the true count.
            self.bar.set_position(self.counts.total());
            self.bar.abandon();
            // `abandon` leaves the cursor at the end of the bar's line; what the program
            // prints next belongs on a line of its own.
            if !self.bar.is_hidden() {
                eprintln!();
            }
        }
    }

    /// Per-thread counters, each on its own cache line.
    struct Counts {
        slots: Box<[Slot]>,
        mask: usize,
    }

    #[repr(align(128))]
    struct Slot(AtomicU64);

    impl Counts {
        fn new() -> Counts {
            let len = (4 * crate::pool::cpu_count()).next_power_of_two().max(64);
            Counts {
                slots: (0..len).map(|_| Slot(AtomicU64::new(0))).collect(),
                mask: len - 1,
            }
        }

        #[inline]
        fn add_one(&self) {
            let slot = &self.slots[thread_slot() & self.mask];
            slot.0.fetch_add(1, Ordering::Relaxed);
        }

        fn total(&self) -> u64 {
            self.slots
                .iter()
                .map(|slot| slot.0.load(Ordering::Relaxed))
                .sum()
        }
    }

    /// A number per thread, handed out in order of first use, so the threads of one
    /// pool land in different slots.
    #[inline]
    fn thread_slot() -> usize {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        thread_local! {
            static SLOT: usize = NEXT.fetch_add(1, Ordering::Relaxed);
        }
        SLOT.with(|slot| *slot)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use rayon::prelude::*;

        #[test]
        fn final_position_counts_every_tick_from_every_thread() {
            let progress =
                Progress::start_with("test", Some(100_000), ProgressDrawTarget::hidden());
            let bar = progress.bar.clone();
            crate::pool::with_threads(4, || {
                (0..100_000).into_par_iter().for_each(|_| progress.tick());
            });
            std::thread::scope(|s| {
                for _ in 0..3 {
                    s.spawn(|| (0..1000).for_each(|_| progress.tick()));
                }
            });
            assert_eq!(progress.position(), 103_000);
            progress.finish();
            assert_eq!(bar.position(), 103_000);
            assert!(bar.is_finished());
        }

        #[test]
        fn a_spinner_without_a_length_counts_too() {
            let progress = Progress::start_with("spin", None, ProgressDrawTarget::hidden());
            let bar = progress.bar.clone();
            (0..10).for_each(|_| progress.tick());
            drop(progress);
            assert_eq!(bar.position(), 10);
            assert!(bar.is_finished());
        }

        #[test]
        fn a_loop_left_early_shows_its_true_count() {
            let progress = Progress::start_with("early", Some(100), ProgressDrawTarget::hidden());
            let bar = progress.bar.clone();
            (0..10).for_each(|_| progress.tick());
            progress.finish();
            assert_eq!(bar.position(), 10);
        }

        #[test]
        fn no_bar_when_stderr_is_not_a_terminal() {
            if !std::io::stderr().is_terminal() {
                assert!(Progress::start("x", Some(1)).is_none());
            }
        }
    }
}

#[cfg(not(feature = "progress"))]
mod stub {
    /// Without the `progress` feature there is never a bar.
    pub(crate) struct Progress(());

    impl Progress {
        /// Always `None`: the `progress` feature is off.
        pub(crate) fn start(_label: &str, _len: Option<u64>) -> Option<Progress> {
            None
        }

        /// Never called: there is no bar to tick.
        pub(crate) fn tick(&self) {}

        /// Never called: there is no bar to finish.
        pub(crate) fn finish(self) {}
    }
}
