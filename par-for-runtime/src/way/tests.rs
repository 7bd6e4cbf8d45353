//! The site's choices on fed run times: the faster way, the streaks, the clamp, the
//! team's stalls.

use super::*;

const MICROS: fn(u64) -> Duration = Duration::from_micros;

impl Site {
    /// Learns a run that waited for no worker.
    fn learn_now(&self, way: Way, elapsed: Duration, len: usize) {
        self.learn(way, elapsed, Duration::ZERO, len);
    }
}

/// A site of a loop of 1000 items that took `pool` µs on the pool once, `serial` µs
/// serially once, and `team` µs in each of its tries on the team.
fn tried(pool: u64, serial: u64, team: u64) -> Site {
    let site = Site::new();
    site.learn_now(Way::Pool, MICROS(pool), 1000);
    site.learn_now(Way::Serial, MICROS(serial), 1000);
    for _ in 0..TEAM_TRIES {
        site.learn_now(Way::Team, MICROS(team), 1000);
    }
    site
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
    let site = tried(60, 20, 30);
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
    let site = tried(1000, 1500, 2500);
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

/// The site of `run_loop`'s loop after `runs` calls on a quiet machine, where it runs
/// on the team (2x faster than serially).
fn on_the_team_of_a_quiet_machine(runs: usize) -> Site {
    let site = Site::new();
    site.learn_now(Way::Pool, MICROS(60), 1000);
    site.learn_now(Way::Serial, MICROS(40), 1000);
    assert!(share_on_team(&run_loop(&site, runs, 0)) > 0.9);
    site
}

#[test]
fn a_site_whose_team_runs_stall_moves_to_serial_and_comes_back_when_they_stop() {
    let site = on_the_team_of_a_quiet_machine(1000);
    // A busy machine: one team run in 50 waits 4 ms for a descheduled worker, which
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
    let site = tried(450, 40, 20);
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
    // On a busy machine the team takes 38 µs, 5% less than serial: within what its
    // swings between 20 and 55 µs make of an estimate.
    let site = tried(60, 40, 38);
    assert_eq!(site.choose(1000, 2, true), Way::Serial);
    // At 30 µs the team gains 25%: taken.
    for _ in 0..4 {
        site.learn_now(Way::Team, MICROS(30), 1000);
    }
    assert_eq!(site.choose(1000, 2, true), Way::Team);
}

#[test]
fn one_stall_on_a_quiet_machine_does_not_move_a_loop_off_the_team() {
    let site = on_the_team_of_a_quiet_machine(1000);
    // Another process woke up on the worker's CPU for 3 ms, once.
    site.learn(Way::Team, MICROS(3020), MICROS(3000), 1000);
    let after = run_loop(&site, 1000, 0);
    // Only the streaks that try serial now and then leave the team.
    assert!(share_on_team(&after) > 0.95, "{}", share_on_team(&after));
}

/// On a quiet VM the host now and then takes a CPU for milliseconds: one team run in
/// thousands waits that long for its worker. Averaged over the 256 runs after it,
/// such a stall outweighed what the team gains, and the loop ran serially for hundreds
/// of runs after each (10% of them here). Spread over the runs since the last one, as
/// rare as it is, it costs the team 2 µs a run here.
#[test]
fn rare_long_stalls_on_a_quiet_machine_do_not_move_a_loop_off_the_team() {
    let site = on_the_team_of_a_quiet_machine(3000);
    // One team run in 2000 waits 4 ms.
    let quiet = run_loop(&site, 20_000, 2000);
    assert!(share_on_team(&quiet) > 0.95, "{}", share_on_team(&quiet));
}

#[test]
fn pieces_on_the_team_hold_a_microsecond_of_serial_work() {
    let site = Site::new();
    // Nothing known serially: pieces as small as the share's halving makes them.
    assert_eq!(site.smallest_piece(None), 1);
    site.learn_now(Way::Pool, MICROS(30), 1000);
    assert_eq!(site.smallest_piece(None), 1);
    // 1000 items in 40 µs: 40 ns each, 25 to a microsecond.
    site.learn_now(Way::Serial, MICROS(40), 1000);
    assert_eq!(site.smallest_piece(None), 25);
    // Items of more than a microsecond each: pieces of one item may be.
    let slow = tried(3000, 5000, 2600);
    assert_eq!(slow.smallest_piece(None), 1);
    // Trivial items (a fraction of a nanosecond) make long pieces, not a division by 0.
    let trivial = Site::new();
    trivial.learn_now(Way::Serial, Duration::from_nanos(100), 1_000_000);
    assert_eq!(trivial.smallest_piece(None), 1_000_000);
}

/// How many of `runs` serial runs a site times, choosing each time as a loop would.
fn timed_serial_runs(site: &Site, runs: u64) -> u64 {
    (0..runs)
        .filter(|_| site.choose(1000, 2, true) == Way::Serial && site.times(Way::Serial))
        .count() as u64
}

#[test]
fn a_loop_settled_on_serial_times_one_serial_run_in_eight() {
    // The team is slower than serial: serial is the faster way.
    let site = tried(30, 40, 60);
    assert_eq!(site.choose(1000, 2, true), Way::Serial);
    // Before the first streak of team runs, 8 of 64 serial runs are timed.
    let timed = timed_serial_runs(&site, 56);
    assert_eq!(timed, 7);
    // Runs of the other ways are always timed.
    assert!((0..20).all(|_| site.times(Way::Team) && site.times(Way::Pool)));
}

#[test]
fn serial_runs_are_timed_while_serial_is_not_the_faster_way_or_unknown() {
    // Never run serially: the serial run that finds out is timed.
    let site = Site::new();
    site.learn_now(Way::Pool, MICROS(30), 1000);
    assert!((0..20).all(|_| site.times(Way::Serial)));
    // The team is the faster way: the serial runs of its streaks are all timed.
    let site = tried(30, 40, 10);
    let serial_runs = (0..4 * FIRST_STREAK_AFTER)
        .filter(|_| site.choose(1000, 2, true) == Way::Serial)
        .map(|_| site.times(Way::Serial))
        .collect::<Vec<_>>();
    assert!(!serial_runs.is_empty());
    assert!(serial_runs.iter().all(|&timed| timed));
}

#[test]
fn untimed_runs_count_in_a_row_and_fade_the_team_s_stalls() {
    let site = tried(30, 40, 60);
    site.team.learn_stall(1e6);
    let stalls = site.team.stalls.load(Ordering::Relaxed);
    site.learn_untimed();
    site.learn_untimed();
    assert!(site.team.stalls.load(Ordering::Relaxed) < stalls);
    // Both counted as serial runs in a row: a timed one next is the third, not a
    // first that would be skipped as cold.
    assert_eq!(site.count_in_a_row(Way::Serial), 3);
}
