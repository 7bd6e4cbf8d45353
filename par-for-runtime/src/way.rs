//! Choosing, for each annotated loop, between running it serially on the calling
//! thread, on the team (`crate::team`) and on rayon's pool, by what that loop took each
//! way on its earlier runs.
//!
//! Rayon entered from outside its pool pays to wake the workers and to wait for them:
//! 10 to 100 µs on Linux. The team, whose workers spin between loops, pays far less,
//! but splits statically; rayon balances uneven work. A loop that takes less than the
//! waking serially loses by going to either, and nothing in its source tells us so;
//! only its run times do.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The ways of running a loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Way {
    Serial,
    /// The team, with the calling thread: for small loops called from outside the pool.
    Team,
    /// Rayon's pool, with work stealing.
    Pool,
}

/// What one loop site has learnt about running its loop each way: the wall time per
/// item, in picoseconds (trivial bodies take a fraction of a nanosecond). The generated
/// code keeps one in a `static` per annotated loop.
///
/// - On a pool of one thread, every run is serial.
/// - The first run of a site goes to the pool.
/// - A loop that takes long in parallel (2 ms or more) stays on the pool,
///   for rayon's balance of uneven work; it is never run serially.
/// - A shorter one is tried serially, then (when called from outside the pool) three
///   times in a row on the team; from then on it takes the faster of serial and the team (or, on a rayon
///   worker, the pool), which is rechecked as follows when the loop is small (under
///   500 µs the faster way): each run takes the faster way, but for a streak of 16
///   runs that take the other way, in case things changed. A streak, because the
///   first parallel runs after serial ones find the workers asleep, where a program
///   calling the loop again and again would find them awake. The first run of a
///   streak is not learnt from, the second replaces what was known, later ones are
///   averaged in (each counting as at most twice the estimate, so that a run the OS
///   interrupted does not flip the choice). The first streak comes 64 runs in, each
///   next one twice as far after the last, up to 16384 runs apart, and back to 64
///   when the faster way changes: a loop whose two ways differ much loses little to
///   the exploring.
///
/// Several threads running the same loop at once may update a site in any order; each
/// run still takes one of the ways whole, so results never depend on it.
#[derive(Debug)]
pub struct Site {
    serial: AtomicU64,
    team: AtomicU64,
    pool: AtomicU64,
    /// How many runs took the team (up to [`TEAM_TRIES`]).
    team_runs: AtomicU64,
    runs: AtomicU64,
    /// The run that starts the next streak, and the distance to the one after it.
    next_streak: AtomicU64,
    streak_distance: AtomicU64,
    /// The faster way when last asked (`Way as u64`, or `NO_WAY`).
    faster: AtomicU64,
    /// The way of the last run learnt from (`Way as u64` in the high half) and how many
    /// runs in a row took it.
    in_a_row: AtomicU64,
}

const UNKNOWN: u64 = u64::MAX;
const NO_WAY: u64 = u64::MAX;

/// A loop estimated to take less than this the faster way is small enough to explore.
const EXPLORE_BELOW: Duration = Duration::from_micros(500);

/// A loop estimated to take this long or more in parallel stays on the pool.
pub(crate) const TEAM_BELOW: Duration = Duration::from_millis(2);

/// How many runs in a row a loop first takes on the team, before comparing: the first
/// finds its workers cold, the second replaces what it measured, the third averages.
const TEAM_TRIES: u64 = 3;

/// How many runs in a row a small loop takes the way it does not currently take.
const STREAK: u64 = 16;

/// How many runs of a small loop come before its first streak, and after the streak
/// that followed a change of the faster way.
const FIRST_STREAK_AFTER: u64 = 64;

/// The longest distance between two streaks.
const LAST_STREAK_AFTER: u64 = 16 * 1024;

impl Site {
    /// A site that knows nothing yet: its first run goes to the pool.
    pub const fn new() -> Site {
        Site {
            serial: AtomicU64::new(UNKNOWN),
            team: AtomicU64::new(UNKNOWN),
            pool: AtomicU64::new(UNKNOWN),
            team_runs: AtomicU64::new(0),
            runs: AtomicU64::new(0),
            next_streak: AtomicU64::new(FIRST_STREAK_AFTER),
            streak_distance: AtomicU64::new(FIRST_STREAK_AFTER),
            faster: AtomicU64::new(NO_WAY),
            in_a_row: AtomicU64::new(NO_WAY),
        }
    }

    /// How to run a loop of `len` items on a pool of `threads`; `team` says whether
    /// the team may run it (from outside the pool).
    pub(crate) fn choose(&self, len: usize, threads: usize, team: bool) -> Way {
        if threads <= 1 {
            // One thread gains nothing in parallel, and pays for waking it.
            return Way::Serial;
        }
        let estimate = |slot: &AtomicU64| match slot.load(Ordering::Relaxed) {
            UNKNOWN => None,
            per_item => Some(per_item as f64 * len as f64),
        };
        let (on_team, on_pool) = (estimate(&self.team), estimate(&self.pool));
        // The loop's time in parallel: on the team if it may go there and has.
        let parallel = match (team, on_team, on_pool) {
            (true, Some(t), _) => t,
            (_, _, Some(p)) => p,
            (_, Some(t), None) => t,
            (_, None, None) => return Way::Pool,
        };
        let (large, small) = (picos(TEAM_BELOW), picos(EXPLORE_BELOW));
        let team_on_trial = team && self.team_runs.load(Ordering::Relaxed) < TEAM_TRIES;
        if team_on_trial && on_team.is_some() && on_pool.is_none_or(|p| p < large) {
            // One slow run on the team (the first starts its threads) is no verdict:
            // a loop short on the pool finishes its tries on the team before judging.
            return Way::Team;
        }
        if parallel >= large {
            return Way::Pool;
        }
        let Some(serial) = estimate(&self.serial) else {
            // Never run serially: try it only if even `threads` times the parallel
            // time is short.
            return if parallel * (threads as f64) < large {
                Way::Serial
            } else {
                Way::Pool
            };
        };
        let (way, parallel) = match (team, on_team) {
            _ if team_on_trial => return Way::Team,
            (true, Some(t)) => (Way::Team, t),
            (true, None) => return Way::Team,
            (false, _) => (Way::Pool, on_pool.unwrap_or(parallel)),
        };
        let (faster, other) = if serial <= parallel {
            (Way::Serial, way)
        } else {
            (way, Way::Serial)
        };
        if serial.min(parallel) >= small {
            return faster;
        }
        if self.is_exploring(faster) {
            other
        } else {
            faster
        }
    }

    /// Counts a run of a small loop whose faster way is `faster`; whether it belongs to
    /// a streak of the other way.
    fn is_exploring(&self, faster: Way) -> bool {
        let run = self.runs.fetch_add(1, Ordering::Relaxed);
        if self.faster.swap(faster as u64, Ordering::Relaxed) != faster as u64 {
            self.streak_distance
                .store(FIRST_STREAK_AFTER, Ordering::Relaxed);
            self.next_streak
                .store(run + FIRST_STREAK_AFTER, Ordering::Relaxed);
            return false;
        }
        let next = self.next_streak.load(Ordering::Relaxed);
        if run < next {
            return false;
        }
        if run < next + STREAK {
            return true;
        }
        let distance = (self.streak_distance.load(Ordering::Relaxed) * 2).min(LAST_STREAK_AFTER);
        self.streak_distance.store(distance, Ordering::Relaxed);
        self.next_streak.store(run + distance, Ordering::Relaxed);
        false
    }

    /// Takes in that a run of `len` items the given way took `elapsed`.
    pub(crate) fn learn(&self, way: Way, elapsed: Duration, len: usize) {
        let slot = match way {
            Way::Serial => &self.serial,
            Way::Team => &self.team,
            Way::Pool => &self.pool,
        };
        let sample = (picos(elapsed) / len.max(1) as f64).min((UNKNOWN - 1) as f64);
        if way == Way::Team && self.team_runs.load(Ordering::Relaxed) < TEAM_TRIES {
            self.team_runs.fetch_add(1, Ordering::Relaxed);
        }
        let in_a_row = self.count_in_a_row(way);
        let old = slot.load(Ordering::Relaxed);
        let new = match in_a_row {
            _ if old == UNKNOWN => sample,
            1 => return,
            2 => sample,
            // A run the OS interrupted can take many times the usual: it counts as at
            // most twice the estimate, or a single one could flip the choice.
            _ => 0.75 * old as f64 + 0.25 * sample.min(2.0 * old as f64),
        };
        slot.store(new as u64, Ordering::Relaxed);
    }

    /// Records a run taking `way`; how many runs in a row took it, this one included.
    fn count_in_a_row(&self, way: Way) -> u64 {
        let way = way as u64;
        let last = self.in_a_row.load(Ordering::Relaxed);
        let in_a_row = if last != NO_WAY && last >> 32 == way {
            (last & u64::from(u32::MAX)) + 1
        } else {
            1
        };
        let capped = in_a_row.min(u64::from(u32::MAX));
        self.in_a_row.store(way << 32 | capped, Ordering::Relaxed);
        capped
    }
}

impl Default for Site {
    fn default() -> Self {
        Site::new()
    }
}

fn picos(duration: Duration) -> f64 {
    duration.as_nanos() as f64 * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    const MICROS: fn(u64) -> Duration = Duration::from_micros;

    fn ways(site: &Site, runs: u64, len: usize, threads: usize) -> Vec<Way> {
        (0..runs)
            .map(|_| site.choose(len, threads, false))
            .collect()
    }

    #[test]
    fn an_unknown_site_goes_to_the_pool() {
        assert_eq!(Site::new().choose(1000, 4, true), Way::Pool);
    }

    #[test]
    fn a_pool_of_one_thread_always_runs_serially() {
        let site = Site::new();
        assert_eq!(site.choose(1000, 1, false), Way::Serial);
        // Even a loop long enough for the pool, and one slower serially than on the pool.
        site.learn(Way::Pool, Duration::from_millis(10), 1000);
        site.learn(Way::Serial, Duration::from_millis(20), 1000);
        assert!(ways(&site, 2 * FIRST_STREAK_AFTER, 1000, 1)
            .iter()
            .all(|&way| way == Way::Serial));
    }

    #[test]
    fn a_big_loop_is_never_tried_serially() {
        let site = Site::new();
        // 10^8 items in 10 ms on 2 threads.
        site.learn(Way::Pool, Duration::from_millis(10), 100_000_000);
        assert!(ways(&site, 2 * FIRST_STREAK_AFTER, 100_000_000, 2)
            .iter()
            .all(|&way| way == Way::Pool));
    }

    #[test]
    fn a_small_loop_takes_the_faster_way_and_explores_in_streaks_ever_further_apart() {
        let site = Site::new();
        // 1000 items in 40 µs on the pool: short enough to try serially...
        site.learn(Way::Pool, MICROS(40), 1000);
        assert_eq!(site.choose(1000, 2, false), Way::Serial);
        // ...where they take 25 µs (the first serial run is learnt from: nothing was known).
        site.learn(Way::Serial, MICROS(25), 1000);
        let runs = FIRST_STREAK_AFTER * 7 + STREAK * 3 + 1;
        let chosen = ways(&site, runs, 1000, 2);
        let streak_starts: Vec<usize> = (0..chosen.len())
            .filter(|&i| chosen[i] == Way::Pool && (i == 0 || chosen[i - 1] == Way::Serial))
            .collect();
        let first = FIRST_STREAK_AFTER as usize;
        let streak = STREAK as usize;
        let second = first + streak + 2 * first;
        let third = second + streak + 4 * first;
        assert_eq!(streak_starts, [first, second, third]);
        for &start in &streak_starts {
            assert!(chosen[start..start + streak]
                .iter()
                .all(|&w| w == Way::Pool));
            assert_eq!(chosen[start + streak], Way::Serial);
        }
    }

    #[test]
    fn one_interrupted_run_does_not_flip_the_choice() {
        let site = Site::new();
        site.learn(Way::Pool, MICROS(250), 1000);
        site.learn(Way::Serial, MICROS(450), 1000);
        for _ in 0..3 {
            site.learn(Way::Pool, MICROS(250), 1000);
        }
        assert_eq!(site.choose(1000, 2, false), Way::Pool);
        // Preempted for 5 ms: counted as 500 µs, the estimate rises to 312 µs, not 1.4 ms.
        site.learn(Way::Pool, MICROS(5250), 1000);
        assert_eq!(site.choose(1000, 2, false), Way::Pool);
    }

    #[test]
    fn a_streak_forgets_its_cold_first_run_and_replaces_the_old_estimate() {
        let site = Site::new();
        site.learn(Way::Pool, MICROS(400), 1000); // the pool's first, cold start
        site.learn(Way::Serial, MICROS(25), 1000);
        site.learn(Way::Serial, MICROS(25), 1000);
        // A streak on the pool: asleep at first, then awake and faster than serial.
        site.learn(Way::Pool, MICROS(60), 1000);
        site.learn(Way::Pool, MICROS(15), 1000);
        site.learn(Way::Pool, MICROS(15), 1000);
        assert_eq!(site.choose(1000, 2, false), Way::Pool);
    }

    #[test]
    fn a_small_loop_from_outside_the_pool_tries_serial_then_the_team_and_keeps_the_faster() {
        let site = Site::new();
        site.learn(Way::Pool, MICROS(300), 1000); // cold
        assert_eq!(site.choose(1000, 2, true), Way::Serial);
        site.learn(Way::Serial, MICROS(350), 1000);
        assert_eq!(site.choose(1000, 2, true), Way::Team);
        for _ in 0..TEAM_TRIES {
            assert_eq!(site.choose(1000, 2, true), Way::Team);
            site.learn(Way::Team, MICROS(180), 1000);
        }
        assert_eq!(site.choose(1000, 2, true), Way::Team);
        // From a rayon worker the same loop compares serial with the pool.
        assert_eq!(site.choose(1000, 2, false), Way::Pool);
    }

    #[test]
    fn a_loop_slower_on_the_team_runs_serially() {
        let site = Site::new();
        site.learn(Way::Pool, MICROS(60), 1000);
        site.learn(Way::Serial, MICROS(20), 1000);
        for _ in 0..TEAM_TRIES {
            site.learn(Way::Team, MICROS(30), 1000);
        }
        assert_eq!(site.choose(1000, 2, true), Way::Serial);
    }

    #[test]
    fn a_loop_long_in_parallel_stays_on_the_pool_and_never_meets_the_team() {
        let site = Site::new();
        // 10^5 items of 1 µs: 50 ms on 2 threads.
        site.learn(Way::Pool, Duration::from_millis(50), 100_000);
        for _ in 0..1000 {
            assert_eq!(site.choose(100_000, 2, true), Way::Pool);
            site.learn(Way::Pool, Duration::from_millis(50), 100_000);
        }
        // 2.5 ms on the team, every try, is long too: back to the pool.
        let site = Site::new();
        site.learn(Way::Pool, MICROS(1000), 1000);
        site.learn(Way::Serial, MICROS(1500), 1000);
        for _ in 0..TEAM_TRIES {
            site.learn(Way::Team, MICROS(2500), 1000);
        }
        assert_eq!(site.choose(1000, 2, true), Way::Pool);
    }

    #[test]
    fn a_slow_first_run_on_the_team_does_not_keep_a_small_loop_on_the_pool() {
        // Four cheap items: 18 µs on the pool, 0.2 µs serially; the first team run
        // took 3 ms (its threads were starting on a busy machine).
        let site = Site::new();
        site.learn(Way::Pool, MICROS(18), 4);
        site.learn(Way::Serial, Duration::from_nanos(200), 4);
        assert_eq!(site.choose(4, 2, true), Way::Team);
        site.learn(Way::Team, Duration::from_millis(3), 4);
        for _ in 1..TEAM_TRIES {
            assert_eq!(site.choose(4, 2, true), Way::Team, "the tries go on");
            site.learn(Way::Team, MICROS(5), 4);
        }
        // Serial is the faster way now, until the first streak of the other.
        let ways: Vec<Way> = (0..FIRST_STREAK_AFTER)
            .map(|_| site.choose(4, 2, true))
            .collect();
        assert!(ways.iter().all(|way| *way == Way::Serial), "{ways:?}");
    }
}
