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
///   500 µs the faster way; a parallel way is the faster only when it takes under
///   0.85 times serial's): each run takes the faster way, but for a streak of 16
///   runs that take the other way, in case things changed. A streak, because the
///   first parallel runs after serial ones find the workers asleep, where a program
///   calling the loop again and again would find them awake. The first run of a
///   streak is not learnt from, the second replaces what was known, later ones are
///   averaged in (each counting as at most twice the estimate, so that a run the OS
///   interrupted does not flip the choice). The first streak comes 64 runs in, each
///   next one twice as far after the last, up to 16384 runs apart, and back to 64
///   when the faster way changes: a loop whose two ways differ much loses little to
///   the exploring.
/// - A run on the team *stalls* when it takes more than twice its usual time (that
///   much is kept, as above) or when the calling thread, done with its pieces, waits
///   for a worker (see `crate::team::waited_here`). On a busy machine the OS
///   deschedules a thread now and then for another process's time slice
///   (milliseconds, for a loop of tens of microseconds), and team runs suffer it many
///   times as often as serial ones: a worker holding a piece is descheduled, or the
///   calling thread while it wakes or waits for a worker. Too rare to move the usual
///   run, too long to clamp: the team's estimate is its usual time plus the average
///   of its stalls over about [`STALLS_KEPT`] runs, each counted in full. So a site
///   whose team runs stall runs serially until that average, which decays only with
///   runs on the team (the streaks), is back under what the team gains, and returns
///   to the team once the machine is quiet again. (Serial and pool runs keep the
///   clamp: the OS takes the calling thread from them as from the team.)
/// - A loop whose usual time on the team reaches 2 ms compares serial with the pool,
///   as on a rayon worker.
///
/// Several threads running the same loop at once may update a site in any order; each
/// run still takes one of the ways whole, so results never depend on it.
#[derive(Debug)]
pub struct Site {
    serial: Times,
    team: Times,
    pool: Times,
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

/// The team's stalls are averaged over about this many of its runs. Long enough that
/// one stall of a few milliseconds on a quiet machine (another process woke up on a
/// worker's CPU, one team run in many hundreds) does not move a loop of tens of
/// microseconds off the team; short enough that on a busy machine, where one team run
/// in 7 to 50 stalls, a few stalls do, and the loop then loses a few percent to them
/// and to the streaks that try the team again.
const STALLS_KEPT: f64 = 256.0;

/// A parallel way is the faster only when its estimate is under this share of the
/// serial one: it keeps the other CPUs busy too, and on a busy machine its times
/// swing between about serial (the workers are descheduled) and `serial / threads`,
/// so that a close estimate is as likely to be wrong as right.
const PARALLEL_GAIN: f64 = 0.85;

/// The team's stalls also fade by this fraction with each run that takes another way:
/// the team, left for its stalls, is tried only in streaks ever further apart, and
/// once the machine is quiet again the stalls it remembers should not keep it away
/// for more than a few thousand runs.
const STALLS_FADE: f64 = 4096.0;

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
            serial: Times::new(),
            team: Times::new(),
            pool: Times::new(),
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
        let (team_usual, pool_usual) = (self.team.usual(len), self.pool.usual(len));
        let (large, small) = (picos(TEAM_BELOW), picos(EXPLORE_BELOW));
        let team_on_trial = team && self.team_runs.load(Ordering::Relaxed) < TEAM_TRIES;
        if team_on_trial && team_usual.is_some() && pool_usual.is_none_or(|p| p < large) {
            // One slow run on the team (the first starts its threads) is no verdict:
            // a loop short on the pool finishes its tries on the team before judging.
            return Way::Team;
        }
        // A loop slow on the team is compared with the pool: were it sent to the pool
        // for being long on the team, it would never run on the team again to say
        // otherwise, nor serially.
        let team = team && (team_on_trial || team_usual.is_none_or(|t| t < large));
        // The loop's usual time in parallel: on the team if it may go there and has.
        let parallel = match (team, team_usual, pool_usual) {
            (true, Some(t), _) => t,
            (_, _, Some(p)) => p,
            (_, Some(t), None) => t,
            (_, None, None) => return Way::Pool,
        };
        if parallel >= large {
            return Way::Pool;
        }
        let Some(serial) = self.serial.mean(len) else {
            // Never run serially: try it only if even `threads` times the parallel
            // time is short.
            return if parallel * (threads as f64) < large {
                Way::Serial
            } else {
                Way::Pool
            };
        };
        let (way, parallel) = match (team, self.team.mean(len)) {
            _ if team_on_trial => return Way::Team,
            (true, Some(t)) => (Way::Team, t),
            (true, None) => return Way::Team,
            (false, _) => (Way::Pool, self.pool.mean(len).unwrap_or(parallel)),
        };
        let (faster, other) = if serial * PARALLEL_GAIN <= parallel {
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

    /// Takes in that a run of `len` items the given way took `elapsed`, of which it
    /// `waited` for the team's workers after the calling thread was done (zero but on
    /// the team).
    pub(crate) fn learn(&self, way: Way, elapsed: Duration, waited: Duration, len: usize) {
        let times = match way {
            Way::Serial => &self.serial,
            Way::Team => &self.team,
            Way::Pool => &self.pool,
        };
        if way == Way::Team && self.team_runs.load(Ordering::Relaxed) < TEAM_TRIES {
            self.team_runs.fetch_add(1, Ordering::Relaxed);
        }
        let in_a_row = self.count_in_a_row(way);
        let per_item = |time: Duration| picos(time) / len.max(1) as f64;
        let waited = waited.min(elapsed);
        let stall = times.learn(per_item(elapsed - waited), in_a_row);
        match (way, stall) {
            (Way::Team, Some(stall)) => self.team.learn_stall(stall + per_item(waited)),
            (Way::Team, None) => {}
            _ => self.team.forget_stalls(),
        }
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

/// What a site's runs took one way, per item, in picoseconds.
#[derive(Debug)]
struct Times {
    /// The usual run (`UNKNOWN` before the first): a quick average, in which a run
    /// counts as at most twice it.
    usual: AtomicU64,
    /// On the team, the stalls: a slow average over its runs of what they took beyond
    /// that and waited for workers, counted in full. Zero for the other ways.
    stalls: AtomicU64,
}

impl Times {
    const fn new() -> Times {
        Times {
            usual: AtomicU64::new(UNKNOWN),
            stalls: AtomicU64::new(0),
        }
    }

    /// The usual time of `len` items, if known.
    fn usual(&self, len: usize) -> Option<f64> {
        match self.usual.load(Ordering::Relaxed) {
            UNKNOWN => None,
            per_item => Some(per_item as f64 * len as f64),
        }
    }

    /// The mean time of `len` items, stalls included, if known.
    fn mean(&self, len: usize) -> Option<f64> {
        let stalls = self.stalls.load(Ordering::Relaxed) as f64 * len as f64;
        self.usual(len).map(|usual| usual + stalls)
    }

    /// Takes in a run that took `own` per item on the calling thread, the `in_a_row`-th
    /// run in a row this way. The first run of a streak is not learnt from (it found
    /// the workers asleep), the second replaces the usual time, later ones are
    /// averaged in. Returns what the run took beyond what was kept (if learnt from).
    fn learn(&self, own: f64, in_a_row: u64) -> Option<f64> {
        let old = self.usual.load(Ordering::Relaxed);
        if old == UNKNOWN {
            self.usual.store(clip(own) as u64, Ordering::Relaxed);
            return Some(0.0);
        }
        if in_a_row == 1 {
            return None;
        }
        // A run the OS interrupted can take many times the usual: it counts as at
        // most twice the usual here, or a single one could flip the choice (or,
        // starting a streak, make the loop look long and send it to the pool).
        let kept = own.min(2.0 * old as f64);
        let usual = if in_a_row == 2 {
            kept
        } else {
            0.75 * old as f64 + 0.25 * kept
        };
        self.usual.store(clip(usual) as u64, Ordering::Relaxed);
        Some(own - kept)
    }

    /// Lets the stalls fade with a run another way: slowly, so that a site whose team
    /// runs stall tries the team again after some thousand runs, not at once (see
    /// [`STALLS_FADE`]).
    fn forget_stalls(&self) {
        let stalls = self.stalls.load(Ordering::Relaxed);
        if stalls > 0 {
            let faded = stalls as f64 * (1.0 - 1.0 / STALLS_FADE);
            self.stalls.store(faded as u64, Ordering::Relaxed);
        }
    }

    /// Averages in a run's stall, per item, in full.
    fn learn_stall(&self, stall: f64) {
        let stalls = self.stalls.load(Ordering::Relaxed) as f64;
        let stalls = stalls + (stall - stalls) / STALLS_KEPT;
        self.stalls.store(clip(stalls) as u64, Ordering::Relaxed);
    }
}

/// A time per item as a `Times` keeps it, short of `UNKNOWN`.
fn clip(per_item: f64) -> f64 {
    per_item.min((UNKNOWN - 1) as f64)
}

fn picos(duration: Duration) -> f64 {
    duration.as_nanos() as f64 * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    const MICROS: fn(u64) -> Duration = Duration::from_micros;

    impl Site {
        /// Learns a run that waited for no worker.
        fn learn_now(&self, way: Way, elapsed: Duration, len: usize) {
            self.learn(way, elapsed, Duration::ZERO, len);
        }
    }

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
        site.learn_now(Way::Pool, Duration::from_millis(10), 1000);
        site.learn_now(Way::Serial, Duration::from_millis(20), 1000);
        assert!(ways(&site, 2 * FIRST_STREAK_AFTER, 1000, 1)
            .iter()
            .all(|&way| way == Way::Serial));
    }

    #[test]
    fn a_big_loop_is_never_tried_serially() {
        let site = Site::new();
        // 10^8 items in 10 ms on 2 threads.
        site.learn_now(Way::Pool, Duration::from_millis(10), 100_000_000);
        assert!(ways(&site, 2 * FIRST_STREAK_AFTER, 100_000_000, 2)
            .iter()
            .all(|&way| way == Way::Pool));
    }

    #[test]
    fn a_small_loop_takes_the_faster_way_and_explores_in_streaks_ever_further_apart() {
        let site = Site::new();
        // 1000 items in 40 µs on the pool: short enough to try serially...
        site.learn_now(Way::Pool, MICROS(40), 1000);
        assert_eq!(site.choose(1000, 2, false), Way::Serial);
        // ...where they take 25 µs (the first serial run is learnt from: nothing was known).
        site.learn_now(Way::Serial, MICROS(25), 1000);
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
        site.learn_now(Way::Pool, MICROS(250), 1000);
        site.learn_now(Way::Serial, MICROS(450), 1000);
        for _ in 0..3 {
            site.learn_now(Way::Pool, MICROS(250), 1000);
        }
        assert_eq!(site.choose(1000, 2, false), Way::Pool);
        // Preempted for 5 ms: counted as 500 µs, the estimate rises to 312 µs, not 1.4 ms.
        site.learn_now(Way::Pool, MICROS(5250), 1000);
        assert_eq!(site.choose(1000, 2, false), Way::Pool);
    }

    #[test]
    fn a_streak_forgets_its_cold_first_run_and_replaces_the_old_estimate() {
        let site = Site::new();
        site.learn_now(Way::Pool, MICROS(400), 1000); // the pool's first, cold start
        site.learn_now(Way::Serial, MICROS(25), 1000);
        site.learn_now(Way::Serial, MICROS(25), 1000);
        // A streak on the pool: asleep at first, then awake and faster than serial.
        site.learn_now(Way::Pool, MICROS(60), 1000);
        site.learn_now(Way::Pool, MICROS(15), 1000);
        site.learn_now(Way::Pool, MICROS(15), 1000);
        assert_eq!(site.choose(1000, 2, false), Way::Pool);
    }

    #[test]
    fn a_small_loop_from_outside_the_pool_tries_serial_then_the_team_and_keeps_the_faster() {
        let site = Site::new();
        site.learn_now(Way::Pool, MICROS(250), 1000); // cold
        assert_eq!(site.choose(1000, 2, true), Way::Serial);
        site.learn_now(Way::Serial, MICROS(350), 1000);
        assert_eq!(site.choose(1000, 2, true), Way::Team);
        for _ in 0..TEAM_TRIES {
            assert_eq!(site.choose(1000, 2, true), Way::Team);
            site.learn_now(Way::Team, MICROS(180), 1000);
        }
        assert_eq!(site.choose(1000, 2, true), Way::Team);
        // From a rayon worker the same loop compares serial with the pool.
        assert_eq!(site.choose(1000, 2, false), Way::Pool);
    }

    #[test]
    fn a_loop_slower_on_the_team_runs_serially() {
        let site = Site::new();
        site.learn_now(Way::Pool, MICROS(60), 1000);
        site.learn_now(Way::Serial, MICROS(20), 1000);
        for _ in 0..TEAM_TRIES {
            site.learn_now(Way::Team, MICROS(30), 1000);
        }
        assert_eq!(site.choose(1000, 2, true), Way::Serial);
    }

    #[test]
    fn a_loop_long_in_parallel_stays_on_the_pool_and_never_meets_the_team() {
        let site = Site::new();
        // 10^5 items of 1 µs: 50 ms on 2 threads.
        site.learn_now(Way::Pool, Duration::from_millis(50), 100_000);
        for _ in 0..1000 {
            assert_eq!(site.choose(100_000, 2, true), Way::Pool);
            site.learn_now(Way::Pool, Duration::from_millis(50), 100_000);
        }
        // 2.5 ms on the team, every try, is long too: back to the pool.
        let site = Site::new();
        site.learn_now(Way::Pool, MICROS(1000), 1000);
        site.learn_now(Way::Serial, MICROS(1500), 1000);
        for _ in 0..TEAM_TRIES {
            site.learn_now(Way::Team, MICROS(2500), 1000);
        }
        assert_eq!(site.choose(1000, 2, true), Way::Pool);
    }

    #[test]
    fn a_slow_first_run_on_the_team_does_not_keep_a_small_loop_on_the_pool() {
        // Four cheap items: 18 µs on the pool, 0.2 µs serially; the first team run
        // took 3 ms (its threads were starting on a busy machine).
        let site = Site::new();
        site.learn_now(Way::Pool, MICROS(18), 4);
        site.learn_now(Way::Serial, Duration::from_nanos(200), 4);
        assert_eq!(site.choose(4, 2, true), Way::Team);
        site.learn_now(Way::Team, Duration::from_millis(3), 4);
        for _ in 1..TEAM_TRIES {
            assert_eq!(site.choose(4, 2, true), Way::Team, "the tries go on");
            site.learn_now(Way::Team, MICROS(5), 4);
        }
        // Serial is the faster way now, until the first streak of the other.
        let ways: Vec<Way> = (0..FIRST_STREAK_AFTER)
            .map(|_| site.choose(4, 2, true))
            .collect();
        assert!(ways.iter().all(|way| *way == Way::Serial), "{ways:?}");
    }

    /// Runs `runs` calls of a 1000-item loop whose serial run takes 40 µs and team run
    /// 20 µs, every `stall_every`-th team run waiting 4 ms more for a descheduled
    /// worker (never if 0); the ways taken.
    fn run_loop(site: &Site, runs: usize, stall_every: usize) -> Vec<Way> {
        let mut team_runs = 0;
        (0..runs)
            .map(|_| {
                let way = site.choose(1000, 2, true);
                let (elapsed, waited) = match way {
                    Way::Team => {
                        team_runs += 1;
                        if stall_every > 0 && team_runs % stall_every == 0 {
                            (MICROS(4020), MICROS(4000))
                        } else {
                            (MICROS(20), Duration::ZERO)
                        }
                    }
                    _ => (MICROS(40), Duration::ZERO),
                };
                site.learn(way, elapsed, waited, 1000);
                way
            })
            .collect()
    }

    fn share_on_team(ways: &[Way]) -> f64 {
        ways.iter().filter(|&&w| w == Way::Team).count() as f64 / ways.len() as f64
    }

    #[test]
    fn a_site_whose_team_runs_stall_moves_to_serial_and_comes_back_when_they_stop() {
        let site = Site::new();
        site.learn_now(Way::Pool, MICROS(60), 1000);
        site.learn_now(Way::Serial, MICROS(40), 1000);
        // A quiet machine: the team, 2x faster.
        assert!(share_on_team(&run_loop(&site, 1000, 0)) > 0.9);
        // A busy one: one team run in 50 waits 4 ms for a descheduled worker, which
        // costs the team 80 µs a run on average, four times what it gains. Clamped as
        // an interrupted run (to 40 µs) the stalls would cost 0.4 µs a run, and the
        // loop would stay on the team.
        let busy = run_loop(&site, 20_000, 50);
        assert!(share_on_team(&busy) < 0.05, "{}", share_on_team(&busy));
        assert!(share_on_team(&busy[10_000..]) < 0.03);
        // On the whole, the loop took 4% longer than serial, where it took 2.5 times
        // as long on the team (4 ms stalls clamped to 40 µs).
        let time = |ways: &[Way]| -> u64 {
            let team = ways.iter().filter(|&&w| w == Way::Team).count() as u64;
            let serial = ways.len() as u64 - team;
            serial * 40 + team * 20 + team / 50 * 4000
        };
        assert!(
            time(&busy) < busy.len() as u64 * 40 * 105 / 100,
            "{}",
            time(&busy)
        );
        // Quiet again: back on the team within a few thousand runs.
        let quiet = run_loop(&site, 10_000, 0);
        assert!(
            share_on_team(&quiet[5_000..]) > 0.9,
            "{}",
            share_on_team(&quiet[5_000..])
        );
    }

    #[test]
    fn a_run_interrupted_at_the_start_of_a_streak_does_not_send_a_small_loop_to_the_pool() {
        let site = Site::new();
        site.learn_now(Way::Pool, MICROS(450), 1000);
        site.learn_now(Way::Serial, MICROS(40), 1000);
        for _ in 0..TEAM_TRIES {
            site.learn_now(Way::Team, MICROS(20), 1000);
        }
        site.learn_now(Way::Serial, MICROS(40), 1000);
        // A streak on the team whose second run, the one that replaces the estimate,
        // was descheduled for 4 ms (a serial run would have been too).
        site.learn_now(Way::Team, MICROS(20), 1000);
        site.learn_now(Way::Team, MICROS(4000), 1000);
        // It counts as 40 µs and a stall: the loop runs serially a while, then on the
        // team again; never on the pool, which is slower than both.
        let ways = run_loop(&site, 10_000, 0);
        assert!(!ways.contains(&Way::Pool), "{:?}", &ways[..20]);
        assert!(share_on_team(&ways[7_000..]) > 0.9);
    }

    #[test]
    fn a_parallel_way_must_gain_more_than_noise_to_be_taken() {
        let site = Site::new();
        site.learn_now(Way::Pool, MICROS(60), 1000);
        site.learn_now(Way::Serial, MICROS(40), 1000);
        // On a busy machine the team takes 38 µs, 5% less than serial: within what its
        // swings between 20 and 55 µs make of an estimate.
        for _ in 0..TEAM_TRIES {
            site.learn_now(Way::Team, MICROS(38), 1000);
        }
        assert_eq!(site.choose(1000, 2, true), Way::Serial);
        // At 30 µs the team gains 25%: taken.
        for _ in 0..4 {
            site.learn_now(Way::Team, MICROS(30), 1000);
        }
        assert_eq!(site.choose(1000, 2, true), Way::Team);
    }

    #[test]
    fn one_stall_on_a_quiet_machine_does_not_move_a_loop_off_the_team() {
        let site = Site::new();
        site.learn_now(Way::Pool, MICROS(60), 1000);
        site.learn_now(Way::Serial, MICROS(40), 1000);
        assert!(share_on_team(&run_loop(&site, 1000, 0)) > 0.9);
        // Another process woke up on the worker's CPU for 3 ms, once.
        site.learn(Way::Team, MICROS(3020), MICROS(3000), 1000);
        let after = run_loop(&site, 1000, 0);
        // Only the streaks that try serial now and then leave the team.
        assert!(share_on_team(&after) > 0.95, "{}", share_on_team(&after));
    }
}
