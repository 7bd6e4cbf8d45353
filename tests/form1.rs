//! Form 1, the parallel loop: every source kind runs on several pool threads with the
//! serial loop's effect, and control flow keeps its serial meaning.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread::{self, ThreadId};
use std::time::Duration;

use par_for::par_for;

mod common;

/// Runs `f` on a pool of 4 threads and returns the distinct threads `record` saw.
///
/// One test at a time (see [`alone_on_the_pool_of_four`]).
fn on_four_threads(f: impl FnOnce(&Mutex<HashSet<ThreadId>>) + Send) -> usize {
    let _alone = alone_on_the_pool_of_four();
    let seen = Mutex::new(HashSet::new());
    par_for::with_threads(4, || f(&seen));
    let n = seen.lock().unwrap().len();
    n
}

/// That a loop `on_four_threads` ran on `threads` threads as it should: on several, or
/// on the calling thread alone under `PAR_FOR_THREADS=1`.
#[track_caller]
fn assert_spread(threads: usize, name: &str) {
    if common::serial_switch() {
        assert_eq!(
            threads, 1,
            "{name}: PAR_FOR_THREADS=1, yet {threads} threads ran it"
        );
    } else {
        assert!(threads > 1, "{name}: ran on {threads} thread(s)");
    }
}

/// The tests of this file share the one pool of 4 threads; with several at once every
/// worker could be held by another test's waiting items (`record`, `all_at_once`),
/// leaving none to take this test's. Each test that counts threads holds this.
fn alone_on_the_pool_of_four() -> std::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// Records the thread running an item. The first item waits (up to 5 s) until an item
/// runs on another thread, so that a worker slow to wake cannot make the loop look
/// serial; a loop that really runs serially still fails, after 5 s.
fn record(seen: &Mutex<HashSet<ThreadId>>) {
    // Long enough per item that the other workers get to steal.
    thread::sleep(Duration::from_micros(200));
    let first = {
        let mut seen = seen.lock().unwrap();
        let first = seen.is_empty();
        seen.insert(thread::current().id());
        first
    };
    if first {
        let give_up = std::time::Instant::now() + Duration::from_secs(5);
        while seen.lock().unwrap().len() == 1 && std::time::Instant::now() < give_up {
            thread::sleep(Duration::from_micros(200));
        }
    }
}

#[par_for]
fn range_sum(n: usize, seen: &Mutex<HashSet<ThreadId>>) -> usize {
    let total = AtomicUsize::new(0);
    #[par_for]
    for i in 0..n {
        record(seen);
        total.fetch_add(i, Ordering::Relaxed);
    }
    total.into_inner()
}

#[test]
fn range() {
    let mut result = 0;
    let threads = on_four_threads(|seen| result = range_sum(200, seen));
    assert_eq!(result, (0..200).sum());
    assert_spread(threads, "range");
}

#[par_for]
fn squares_in_place(v: &mut Vec<u64>, seen: &Mutex<HashSet<ThreadId>>) {
    #[par_for]
    for x in v.iter_mut() {
        record(seen);
        *x *= *x;
    }
}

#[test]
fn iter_mut_writes_through_items() {
    let mut v: Vec<u64> = (0..200).collect();
    let threads = on_four_threads(|seen| squares_in_place(&mut v, seen));
    assert_eq!(v, (0..200u64).map(|x| x * x).collect::<Vec<_>>());
    assert_spread(threads, "");
}

#[par_for]
fn sum_by_iter(v: &[u64], seen: &Mutex<HashSet<ThreadId>>) -> u64 {
    let sum = Mutex::new(0);
    #[par_for]
    for x in v.iter() {
        record(seen);
        *sum.lock().unwrap() += x;
    }
    sum.into_inner().unwrap()
}

#[par_for]
fn sum_by_ref(v: &Vec<u64>, seen: &Mutex<HashSet<ThreadId>>) -> u64 {
    let sum = Mutex::new(0);
    #[par_for]
    for x in v {
        record(seen);
        *sum.lock().unwrap() += x;
    }
    sum.into_inner().unwrap()
}

#[par_for]
fn sum_by_value(v: Vec<u64>, seen: &Mutex<HashSet<ThreadId>>) -> u64 {
    let sum = AtomicUsize::new(0);
    #[par_for]
    for x in v.into_iter() {
        record(seen);
        sum.fetch_add(x as usize, Ordering::Relaxed);
    }
    sum.into_inner() as u64
}

#[par_for]
fn sum_array(seen: &Mutex<HashSet<ThreadId>>) -> u64 {
    let sum = AtomicUsize::new(0);
    let array = [1u64; 64];
    #[par_for]
    for x in array {
        record(seen);
        sum.fetch_add(x as usize, Ordering::Relaxed);
    }
    sum.into_inner() as u64
}

#[test]
fn vec_slice_and_array_sources() {
    let v: Vec<u64> = (1..=100).collect();
    for (name, run) in [
        (
            "iter",
            &(|s: &Mutex<_>| assert_eq!(sum_by_iter(&(1..=100).collect::<Vec<_>>(), s), 5050))
                as &(dyn Fn(&Mutex<HashSet<ThreadId>>) + Sync),
        ),
        ("&vec", &|s: &Mutex<_>| {
            assert_eq!(sum_by_ref(&(1..=100).collect(), s), 5050)
        }),
        ("into_iter", &|s: &Mutex<_>| {
            assert_eq!(sum_by_value((1..=100).collect(), s), 5050)
        }),
        ("array", &|s: &Mutex<_>| assert_eq!(sum_array(s), 64)),
    ] {
        let threads = on_four_threads(|seen| run(seen));
        assert_spread(threads, name);
    }
    assert_eq!(v.len(), 100);
}

#[par_for]
fn enumerate_zip(a: &[u32], b: &[u32], seen: &Mutex<HashSet<ThreadId>>) -> Vec<u32> {
    let out = Mutex::new(vec![0; a.len()]);
    #[par_for]
    for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
        record(seen);
        out.lock().unwrap()[i] = x * y;
    }
    out.into_inner().unwrap()
}

#[test]
fn enumerate_and_zip_starmap() {
    let a: Vec<u32> = (0..100).collect();
    let b: Vec<u32> = (100..200).collect();
    let mut out = Vec::new();
    let threads = on_four_threads(|seen| out = enumerate_zip(&a, &b, seen));
    let serial: Vec<u32> = a.iter().zip(&b).map(|(x, y)| x * y).collect();
    assert_eq!(out, serial);
    assert_spread(threads, "");
}

#[par_for]
fn chunked(v: &mut [u32], seen: &Mutex<HashSet<ThreadId>>) -> u32 {
    #[par_for]
    for chunk in v.chunks_mut(8) {
        record(seen);
        for x in chunk.iter_mut() {
            *x += 1;
        }
    }
    let total = AtomicUsize::new(0);
    #[par_for]
    for chunk in v.chunks(8) {
        record(seen);
        total.fetch_add(chunk.iter().sum::<u32>() as usize, Ordering::Relaxed);
    }
    total.into_inner() as u32
}

#[test]
fn chunks_and_chunks_mut() {
    let mut v = vec![1u32; 160];
    let mut total = 0;
    let threads = on_four_threads(|seen| total = chunked(&mut v, seen));
    assert_eq!(total, 320);
    assert!(v.iter().all(|&x| x == 2));
    assert_spread(threads, "");
}

#[par_for]
fn maps_and_sets(
    m: &HashMap<u32, u32>,
    b: &BTreeMap<u32, u32>,
    s: &HashSet<u32>,
    seen: &Mutex<HashSet<ThreadId>>,
) -> usize {
    let total = AtomicUsize::new(0);
    #[par_for]
    for (k, v) in m {
        record(seen);
        total.fetch_add((k + v) as usize, Ordering::Relaxed);
    }
    #[par_for]
    for (k, v) in b.iter() {
        record(seen);
        total.fetch_add((k + v) as usize, Ordering::Relaxed);
    }
    #[par_for]
    for k in s {
        record(seen);
        total.fetch_add(*k as usize, Ordering::Relaxed);
    }
    total.into_inner()
}

#[test]
fn map_and_set_sources() {
    let m: HashMap<u32, u32> = (0..50).map(|k| (k, 1)).collect();
    let b: BTreeMap<u32, u32> = (0..50).map(|k| (k, 1)).collect();
    let s: HashSet<u32> = (0..50).collect();
    let mut total = 0;
    let threads = on_four_threads(|seen| total = maps_and_sets(&m, &b, &s, seen));
    let serial = 2 * (1225 + 50) + 1225;
    assert_eq!(total, serial);
    assert_spread(threads, "");
}

struct Countdown(u32);

impl Iterator for Countdown {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        self.0 = self.0.checked_sub(1)?;
        Some(self.0)
    }
}

#[par_for]
fn bridged(text: &str, seen: &Mutex<HashSet<ThreadId>>) -> (usize, u32) {
    let lengths = AtomicUsize::new(0);
    #[par_for]
    for line in std::io::Cursor::new(text).lines() {
        record(seen);
        lengths.fetch_add(line.unwrap().len(), Ordering::Relaxed);
    }
    let total = AtomicUsize::new(0);
    #[par_for]
    for n in Countdown(100) {
        record(seen);
        total.fetch_add(n as usize, Ordering::Relaxed);
    }
    (lengths.into_inner(), total.into_inner() as u32)
}

#[test]
fn any_iterator_runs_through_the_bridge() {
    let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
    let mut out = (0, 0);
    let threads = on_four_threads(|seen| out = bridged(&text, seen));
    let serial_len: usize = text.lines().map(str::len).sum();
    assert_eq!(out, (serial_len, (0..100).sum()));
    assert_spread(threads, "");
}

/// Whether the source the macro would build from `$value` is split natively by rayon.
macro_rules! is_native {
    ($value:expr) => {{
        use par_for::__private::dispatch::*;
        fn native<S: par_for::__private::Source>(_: &S) -> bool {
            S::NATIVE
        }
        native(&(&&&&&&&par_for::__private::Probe::new($value, |r| r)).__par_for_source())
    }};
}

#[test]
fn sources_dispatch_by_type() {
    let v = vec![1, 2, 3];
    assert!(is_native!(&v));
    assert!(is_native!(v.iter()));
    assert!(is_native!(0..10));
    assert!(is_native!(0..10u64));
    assert!(is_native!(-5..=5i64));
    assert!(is_native!(HashSet::<u8>::new()));
    assert!(!is_native!(Countdown(3)));
    assert!(!is_native!("a b".split(' ')));
}

#[par_for]
fn threads_used(n: u64, caller: ThreadId) -> usize {
    let others = Mutex::new(HashSet::new());
    #[par_for]
    for i in 0..n {
        std::hint::black_box(i);
        if thread::current().id() != caller {
            others.lock().unwrap().insert(thread::current().id());
        }
    }
    others.into_inner().unwrap().len()
}

#[test]
fn a_small_loop_run_again_stays_on_the_calling_thread() {
    // 100 trivial items take far less than starting the pool would. The first run
    // teaches the loop's site what the pool costs it; once a run on the pool has been
    // short, the next is tried on the caller, and it stays there while that is
    // faster, so a small loop called again and again is never much slower than the
    // serial loop. (A loaded machine may make the first runs on the pool slow: the
    // site then needs a few more to see that the loop is small.)
    let _alone = alone_on_the_pool_of_four();
    par_for::with_threads(4, || {
        let caller = thread::current().id();
        threads_used(100, caller);
        let runs_until_serial = (1..=1000).find(|_| threads_used(100, caller) == 0);
        assert!(
            runs_until_serial.is_some(),
            "1000 runs of a small loop, none on the calling thread alone"
        );
        assert_eq!(threads_used(100, caller), 0, "and it stays there");
    });
}

#[par_for]
fn all_at_once(items: usize, started: &AtomicUsize) -> bool {
    let all_met = AtomicUsize::new(0);
    #[par_for]
    for _ in 0..items {
        started.fetch_add(1, Ordering::SeqCst);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while started.load(Ordering::SeqCst) < items && std::time::Instant::now() < deadline {
            thread::sleep(Duration::from_millis(1));
        }
        if started.load(Ordering::SeqCst) >= items {
            all_met.fetch_add(1, Ordering::SeqCst);
        }
    }
    all_met.into_inner() == items
}

#[test]
fn few_long_items_all_start_at_once() {
    // Nothing runs ahead on the calling thread: each of 4 items on 4 threads waits
    // until all 4 have started, which only happens if they run at the same time (and
    // never under `PAR_FOR_THREADS=1`, which runs them one after another).
    if common::serial_switch() {
        return;
    }
    let _alone = alone_on_the_pool_of_four();
    for _ in 0..3 {
        let started = AtomicUsize::new(0);
        assert!(par_for::with_threads(4, || all_at_once(4, &started)));
    }
}
