//! How the team's workers wait for the next loop: spin for a bounded time, then sleep
//! (OpenMP's wait policy), and how the owner wakes the sleepers.
//!
//! `PAR_FOR_WAIT` chooses the policy, read once:
//! - unset (the default): spin after each loop for 1.5 times the shortest of the last
//!   four pauses between two loops, at least [`MIN_SPIN`], at most [`MAX_SPIN`]; a
//!   pause longer than `MAX_SPIN` gives `MIN_SPIN` (spinning through it would not
//!   help), then sleep;
//! - `passive`: sleep at once;
//! - `active`: spin until the next loop, at most [`ACTIVE_SPIN`] after the last one.
//!
//! A spinning worker yields its CPU between two looks once it has seen the OS run
//! something else on it (a gap of [`PREEMPTED`] between two looks): on a busy machine
//! the threads with work run first, while on a quiet one the worker never leaves its
//! CPU and sees the next loop at once (a yield there can hand the CPU to any other
//! process for a whole time slice).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::OnceLock;
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// The shortest spin after a loop, whatever the pauses.
pub(crate) const MIN_SPIN: Duration = Duration::from_micros(100);
/// The longest spin after a loop under the default policy.
pub(crate) const MAX_SPIN: Duration = Duration::from_millis(2);
/// The longest spin after a loop under `PAR_FOR_WAIT=active`.
pub(crate) const ACTIVE_SPIN: Duration = Duration::from_secs(1);
/// How many of the last pauses between loops the spin time is fitted to.
const PAUSES_KEPT: usize = 4;
/// A gap this long between two looks of a spinning worker means that it was preempted.
const PREEMPTED: Duration = Duration::from_micros(50);

/// What the waiting workers do between loops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policy {
    /// Spin for a time fitted to the pauses between loops, then sleep.
    Bounded,
    /// Sleep at once.
    Passive,
    /// Spin until the next loop, up to [`ACTIVE_SPIN`].
    Active,
}

impl Policy {
    /// The policy `PAR_FOR_WAIT` asks for.
    ///
    /// # Panics
    /// If `PAR_FOR_WAIT` is set to something else than `passive` or `active`.
    pub(crate) fn from_env() -> Policy {
        static POLICY: OnceLock<Policy> = OnceLock::new();
        *POLICY.get_or_init(|| Policy::parse(std::env::var("PAR_FOR_WAIT").ok().as_deref()))
    }

    fn parse(value: Option<&str>) -> Policy {
        match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") => Policy::Bounded,
            Some("passive") => Policy::Passive,
            Some("active") => Policy::Active,
            Some(other) => {
                panic!("par_for: PAR_FOR_WAIT={other:?}: expected `passive` or `active`")
            }
        }
    }

    /// How long to spin after a loop when the last pause between loops was `gap`.
    fn spin_after(self, gap: Duration) -> Duration {
        match self {
            Policy::Passive => Duration::ZERO,
            Policy::Active => ACTIVE_SPIN,
            Policy::Bounded if gap > MAX_SPIN => MIN_SPIN,
            Policy::Bounded => (gap * 3 / 2).clamp(MIN_SPIN, MAX_SPIN),
        }
    }
}

/// The clock of the pauses between loops, and each worker's sleeping flag and handle.
pub(super) struct Waiting {
    policy: Policy,
    /// When the last loop ended, in nanoseconds since `base`.
    last_end: AtomicU64,
    /// The last pauses between loops, in nanoseconds, the latest at `pauses[0]`.
    pauses: [AtomicU64; PAUSES_KEPT],
    /// How long workers spin after the current loop, in nanoseconds.
    spin: AtomicU64,
    base: Instant,
    sleeping: Box<[AtomicBool]>,
    threads: Box<[OnceLock<Thread>]>,
}

impl Waiting {
    pub(super) fn new(workers: usize, policy: Policy) -> Waiting {
        Waiting {
            policy,
            last_end: AtomicU64::new(0),
            pauses: [const { AtomicU64::new(u64::MAX) }; PAUSES_KEPT],
            spin: AtomicU64::new(MIN_SPIN.as_nanos() as u64),
            base: Instant::now(),
            sleeping: (0..workers).map(|_| AtomicBool::new(false)).collect(),
            threads: (0..workers).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Called by worker `me` when it starts, before it waits for its first loop.
    pub(super) fn register(&self, me: usize) {
        let _ = self.threads[me].set(thread::current());
    }

    /// Whether every worker has registered.
    pub(super) fn all_registered(&self) -> bool {
        self.threads.iter().all(|t| t.get().is_some())
    }

    /// The owner starts a loop: fits the next spin to the shortest of the last pauses
    /// between loops, so that one long pause (the loop ran another way for a while)
    /// does not make the workers miss the next loops. Only the owner writes the pauses;
    /// Relaxed: the spin time is a hint, a worker reading an older one is harmless.
    pub(super) fn loop_starts(&self) {
        let pause = self
            .now()
            .saturating_sub(self.last_end.load(Ordering::Relaxed));
        let kept = &self.pauses[..PAUSES_KEPT - 1];
        let shortest = kept
            .iter()
            .map(|p| p.load(Ordering::Relaxed))
            .fold(pause, u64::min);
        for i in (1..PAUSES_KEPT).rev() {
            let newer = self.pauses[i - 1].load(Ordering::Relaxed);
            self.pauses[i].store(newer, Ordering::Relaxed);
        }
        self.pauses[0].store(pause, Ordering::Relaxed);
        let spin = self.policy.spin_after(Duration::from_nanos(shortest));
        self.spin.store(spin.as_nanos() as u64, Ordering::Relaxed);
    }

    /// The owner's loop has ended.
    pub(super) fn loop_ends(&self) {
        self.last_end.store(self.now(), Ordering::Relaxed);
    }

    fn now(&self) -> u64 {
        self.base.elapsed().as_nanos() as u64
    }

    /// Worker `me` waits until `epoch()` differs from `seen`, and returns it: spinning
    /// for the current spin time, then asleep until [`Waiting::wake_one`] or
    /// [`Waiting::wake_all`] wakes it.
    pub(super) fn wait(&self, me: usize, seen: u32, epoch: impl Fn() -> u32) -> u32 {
        let spin = Duration::from_nanos(self.spin.load(Ordering::Relaxed));
        let start = Instant::now();
        let (mut last_look, mut preempted) = (start, false);
        let mut looks = 0u32;
        loop {
            let now = epoch();
            if now != seen {
                return now;
            }
            looks = looks.wrapping_add(1);
            if looks % 16 == 0 {
                let time = Instant::now();
                if time - start >= spin {
                    break;
                }
                preempted |= time - last_look >= PREEMPTED;
                last_look = time;
                if preempted {
                    thread::yield_now();
                }
            }
            std::hint::spin_loop();
        }
        loop {
            // SeqCst, with `epoch()` SeqCst and the owner's publishing store and look
            // at the flags SeqCst: either this worker sees the new epoch below, or the
            // owner sees the flag raised and unparks it (an unpark before the park is
            // kept). Raised again after every wake-up: a worker woken late for a loop
            // rouses the others (below), lowering the flags of those that have seen
            // that loop already; they find no new epoch and sleep again, and with the
            // flag down no one would wake them for the next loop.
            self.sleeping[me].store(true, Ordering::SeqCst);
            let now = epoch();
            if now != seen {
                self.sleeping[me].store(false, Ordering::Relaxed);
                // Woken (or about to sleep) for a job: rouse the others, so the owner
                // pays for one wake-up only.
                self.wake_all();
                return now;
            }
            thread::park();
        }
    }

    /// Wakes one sleeping worker, if any. Called by the owner after publishing.
    pub(super) fn wake_one(&self) {
        let _woke = (0..self.sleeping.len()).any(|me| self.try_wake(me));
    }

    /// Wakes every sleeping worker.
    pub(super) fn wake_all(&self) {
        for me in 0..self.sleeping.len() {
            self.try_wake(me);
        }
    }

    fn try_wake(&self, me: usize) -> bool {
        let flag = &self.sleeping[me];
        if flag.load(Ordering::SeqCst) && flag.swap(false, Ordering::SeqCst) {
            if let Some(thread) = self.threads[me].get() {
                thread.unpark();
            }
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MICROS: fn(u64) -> Duration = Duration::from_micros;

    #[test]
    fn the_policy_comes_from_its_words() {
        assert_eq!(Policy::parse(None), Policy::Bounded);
        assert_eq!(Policy::parse(Some("passive")), Policy::Passive);
        assert_eq!(Policy::parse(Some(" ACTIVE ")), Policy::Active);
    }

    #[test]
    #[should_panic(expected = "expected `passive` or `active`")]
    fn an_unknown_policy_is_rejected_loudly() {
        Policy::parse(Some("sometimes"));
    }

    #[test]
    fn the_default_spin_covers_short_pauses_and_stays_short_after_long_ones() {
        let bounded = Policy::Bounded;
        assert_eq!(bounded.spin_after(MICROS(0)), MIN_SPIN);
        assert_eq!(bounded.spin_after(MICROS(300)), MICROS(450));
        assert_eq!(bounded.spin_after(MICROS(1000)), MICROS(1500));
        assert_eq!(bounded.spin_after(MICROS(1900)), MAX_SPIN);
        assert_eq!(bounded.spin_after(MICROS(10_000)), MIN_SPIN);
        assert_eq!(Policy::Passive.spin_after(MICROS(300)), Duration::ZERO);
        assert_eq!(Policy::Active.spin_after(MICROS(10_000)), ACTIVE_SPIN);
    }

    /// A worker woken late for a loop rouses the others, some of which have seen that
    /// loop already and went back to sleep: each must still be woken for the next.
    #[test]
    fn a_worker_roused_for_a_loop_it_has_seen_still_wakes_for_the_next() {
        let epoch = std::sync::atomic::AtomicU32::new(1);
        let waiting = Waiting::new(1, Policy::Passive);
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            let worker = s.spawn(|| {
                waiting.register(0);
                let seen = waiting.wait(0, 1, || epoch.load(Ordering::SeqCst));
                sender.send(seen).unwrap();
            });
            while !waiting.sleeping[0].load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
            // Roused for epoch 1, which it has seen: it goes back to sleep.
            waiting.wake_all();
            std::thread::sleep(MICROS(20_000));
            epoch.store(2, Ordering::SeqCst);
            waiting.wake_one();
            let woken = receiver.recv_timeout(Duration::from_secs(2));
            if woken.is_err() {
                // Let the scope end: the worker sees epoch 2 once it runs.
                worker.thread().unpark();
            }
            assert_eq!(
                woken.ok(),
                Some(2),
                "the worker slept through the next loop"
            );
        });
    }

    #[test]
    fn a_sleeping_worker_wakes_for_the_next_epoch() {
        let epoch = std::sync::atomic::AtomicU32::new(0);
        let waiting = Waiting::new(1, Policy::Passive);
        std::thread::scope(|s| {
            let worker = s.spawn(|| {
                waiting.register(0);
                waiting.wait(0, 0, || epoch.load(Ordering::SeqCst))
            });
            while !waiting.all_registered() {
                std::thread::yield_now();
            }
            std::thread::sleep(MICROS(2000));
            epoch.store(1, Ordering::SeqCst);
            waiting.wake_one();
            assert_eq!(worker.join().unwrap(), 1);
        });
    }
}
