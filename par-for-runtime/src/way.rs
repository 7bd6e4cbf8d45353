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
use std::time::{Duration, Instant};

use crate::team;

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
///   times in a row on the team; from then on it takes the faster of serial and the
///   team (or, on a rayon worker, the pool), which is rechecked as follows when the
///   loop is small (under 500 µs the faster way; a parallel way is the faster only
///   when it takes under 0.85 times serial's): each run takes the faster way, but for
///   a streak of 16 runs that take the other way, in case things changed. A streak, because the
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
///   of its stalls over about `STALLS_KEPT` runs, each counted in full. So a site
///   whose team runs stall runs serially until that average, which decays with runs
///   on the team (the streaks) and fades slowly with runs another way, is back under
///   what the team gains, and returns to the team once the machine is quiet again.
///   A *long* stall (more than the run's usual time) that comes over `STALLS_KEPT`
///   team runs after the last long one counts as its share of the runs since then:
///   on a quiet machine (a VM whose host takes a CPU for milliseconds now and then)
///   such stalls cost what they cost spread over the thousands of runs between them,
///   not a 256th of a stall each, which moved a loop off the team for hundreds of
///   runs after each.
///   (Serial and pool runs keep the clamp: the OS takes the calling thread from them
///   as from the team.)
/// - A loop whose usual time on the team reaches 2 ms compares serial with the pool,
///   as on a rayon worker.
/// - Runs are timed (two clock reads) and learnt from, but for serial runs of a loop
///   whose faster way is serial, of which one in `SERIAL_SAMPLE` is: timing every
///   run, a loop of a microsecond ran at 0.79x the plain loop's speed (`tiny_loops`).
///
/// Several threads running the same loop at once may update a site in any order; each
/// run still takes one of the ways whole, so results never depend on it.
#[derive(Debug)]
pub struct Site {
    serial: Times,
    team: Times,
    pool: Times,
    /// How many runs took the team (counted up to [`TEAM_TRIES`]).
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
    /// How many serial runs in a row were not timed (see [`Site::times`]).
    untimed: AtomicU64,
    /// How many team runs came since the last long stall (see [`Site::stall_weight`]).
    calm_team_runs: AtomicU64,
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

/// The least serial work a piece of a loop on the team holds (unless it is a thread's
/// whole share). Each piece costs its claim, its lock and, at the end, a cache line the
/// calling thread reads back from the thread that ran it: a tenth of a microsecond or
/// so. Halving a share down to `len / (threads * 32)` items alone makes pieces of a few
/// items at 16 threads (1000 items: 112 pieces of 1 to 31), where that cost is the
/// loop's; pieces of a microsecond keep it a few percent and still let the threads end
/// within about a microsecond of each other.
const PIECE_WORK: Duration = Duration::from_micros(1);

/// A small loop that runs serially because serial is its faster way times one run in
/// this many: reading the clock twice and learning cost over 100 ns a run (the clock
/// alone about 47 ns a reading on the development VM), a tenth of a loop of a
/// microsecond, and its serial estimate needs no more runs than these to follow a
/// change (each learnt run weighs a quarter).
const SERIAL_SAMPLE: u64 = 8;

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
            untimed: AtomicU64::new(0),
            calm_team_runs: AtomicU64::new(0),
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

    /// The fewest items a piece of this loop should hold on the team: about
    /// [`PIECE_WORK`] of serial work, by what its serial runs took (1 before any), or
    /// the loop's own `min_len` if that is more.
    pub(crate) fn smallest_piece(&self, min_len: Option<usize>) -> usize {
        let by_work = match self.serial.usual.load(Ordering::Relaxed) {
            UNKNOWN => 1,
            per_item => (picos(PIECE_WORK) / per_item.max(1) as f64).ceil() as usize,
        };
        by_work.max(min_len.unwrap_or(1))
    }

    /// Whether a run of `way` is timed and learnt from: every run but serial ones of a
    /// loop whose faster way is serial (outside the streaks that try the other way),
    /// of which one in [`SERIAL_SAMPLE`] is.
    pub(crate) fn times(&self, way: Way) -> bool {
        let settled = way == Way::Serial
            && self.faster.load(Ordering::Relaxed) == Way::Serial as u64
            && self.serial.usual.load(Ordering::Relaxed) != UNKNOWN;
        if !settled {
            return true;
        }
        let untimed = self.untimed.load(Ordering::Relaxed) + 1;
        let timed = untimed >= SERIAL_SAMPLE;
        self.untimed
            .store(if timed { 0 } else { untimed }, Ordering::Relaxed);
        timed
    }

    /// Takes in a serial run that was not timed (see [`Site::times`]): it counts as a
    /// serial run in a row, and the team's stalls fade with it as with any run another
    /// way.
    pub(crate) fn learn_untimed(&self) {
        self.count_in_a_row(Way::Serial);
        self.team.forget_stalls();
    }

    /// Counts a run of a small loop whose faster way is `faster`; whether it belongs to
    /// a streak of the other way.
    fn is_exploring(&self, faster: Way) -> bool {
        // Loads and stores, not read-modify-writes: a run that another thread's run of
        // the same loop overwrites only shifts the streaks a little, and a site called
        // again and again from one thread then pays no locked instruction.
        let run = self.runs.load(Ordering::Relaxed);
        self.runs.store(run + 1, Ordering::Relaxed);
        if self.faster.load(Ordering::Relaxed) != faster as u64 {
            self.faster.store(faster as u64, Ordering::Relaxed);
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
            (Way::Team, Some(stall)) => {
                let stall = stall + per_item(waited);
                self.team.learn_stall(stall * self.stall_weight(stall));
            }
            (Way::Team, None) => {}
            _ => self.team.forget_stalls(),
        }
    }

    /// How much of a team run's `stall` (per item) counts in the average: all of it,
    /// but for a long stall (beyond the team's usual time) that comes more than
    /// [`STALLS_KEPT`] team runs after the last long one: as rare as it is, it then
    /// weighs what it would averaged over the runs since that one, and the team's
    /// estimate stays the mean cost of its runs rather than jumping by a 256th of a
    /// stall of milliseconds.
    fn stall_weight(&self, stall: f64) -> f64 {
        let calm = self.calm_team_runs.load(Ordering::Relaxed);
        let usual = self.team.usual.load(Ordering::Relaxed) as f64;
        if stall <= usual {
            self.calm_team_runs.store(calm + 1, Ordering::Relaxed);
            return 1.0;
        }
        self.calm_team_runs.store(0, Ordering::Relaxed);
        (STALLS_KEPT / (calm as f64).max(1.0)).min(1.0)
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
    // Not `as_nanos() as f64`: converting a `u128` to a float is a slow library call.
    duration.as_secs_f64() * 1e12
}

/// One run of a loop at its site: started once its way is chosen (and the team, if
/// that is the way, owned), ended with the way it took; timed and learnt from as the
/// site wants (see [`Site::times`]).
pub(crate) struct Run<'s> {
    site: &'s Site,
    start: Option<Instant>,
    /// What the calling thread had waited for the team's workers before the run.
    waited_before: Duration,
}

impl<'s> Run<'s> {
    pub(crate) fn start(site: &'s Site, way: Way) -> Self {
        let waited_before = team::waited_here();
        let start = site.times(way).then(Instant::now);
        Run {
            site,
            start,
            waited_before,
        }
    }

    /// The run of `len` items has ended, having taken `way`.
    pub(crate) fn end(self, way: Way, len: usize) {
        match self.start {
            Some(start) => {
                let elapsed = start.elapsed();
                let waited = team::waited_here() - self.waited_before;
                self.site.learn(way, elapsed, waited, len);
            }
            // Only serial runs go untimed, and they stay serial.
            None => self.site.learn_untimed(),
        }
    }
}

#[cfg(test)]
mod tests;
