//! Form 1 over sources with adapters the native list does not name (`map`, `filter`,
//! `rev`, `skip`, `windows`, `copied`, `chars`, `keys`, `values_mut`, `step_by`, `..=`,
//! `drain`, slices of a `Vec`): each loop, marked, has the effect of the same loop run
//! serially. The two functions are the same loops, with and without the marks. And in
//! every form, a source that borrows a temporary keeps it alive as long as the loop.

use par_for::par_for;

mod common;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

#[par_for]
fn every_source_marked() -> Vec<String> {
    let v: Vec<u64> = (1..=20).collect();
    let mut w = v.clone();
    let mut map: HashMap<u64, u64> = v.iter().map(|&x| (x, x * 2)).collect();
    let bmap: BTreeMap<u64, u64> = v.iter().map(|&x| (x, x)).collect();
    let text = "hello world";
    let out = Mutex::new(Vec::new());
    let log = |tag: &str, x: u64| out.lock().unwrap().push(format!("{tag}{x}"));
    #[par_for]
    for x in v.iter().map(|x| x * 10) {
        log("map", x);
    }
    #[par_for]
    for x in v.iter().filter(|x| *x % 2 == 0) {
        log("filter", *x);
    }
    #[par_for]
    for x in v.iter().rev() {
        log("rev", *x);
    }
    #[par_for]
    for x in v.iter().skip(15) {
        log("skip", *x);
    }
    #[par_for]
    for pair in v.windows(2) {
        log("win", pair[0] + pair[1]);
    }
    #[par_for]
    for x in v.iter().copied() {
        log("copied", x);
    }
    #[par_for]
    for c in text.chars() {
        log("char", c as u64);
    }
    #[par_for]
    for k in map.keys() {
        log("key", *k);
    }
    #[par_for]
    for val in map.values_mut() {
        *val += 1;
    }
    #[par_for]
    for (k, val) in &bmap {
        log("b", k + val);
    }
    #[par_for]
    for x in (0..20u64).step_by(5) {
        log("step", x);
    }
    #[par_for]
    for x in 0..=3u64 {
        log("incl", x);
    }
    #[par_for]
    for (i, (a, b)) in v.iter().zip(w.iter()).enumerate() {
        log("ze", i as u64 + a + b);
    }
    #[par_for]
    for x in w.drain(..5) {
        log("drain", x);
    }
    #[par_for]
    for x in v.clone() {
        log("owned", x);
    }
    #[par_for]
    for x in &v[2..4] {
        log("slice", *x);
    }
    #[par_for]
    for x in [1u64, 2, 3] {
        log("arr", x);
    }
    log("mapsum", map.values().sum());
    log("wlen", w.len() as u64);
    let mut r = out.into_inner().unwrap();
    r.sort();
    r
}

fn every_source_serial() -> Vec<String> {
    let v: Vec<u64> = (1..=20).collect();
    let mut w = v.clone();
    let mut map: HashMap<u64, u64> = v.iter().map(|&x| (x, x * 2)).collect();
    let bmap: BTreeMap<u64, u64> = v.iter().map(|&x| (x, x)).collect();
    let text = "hello world";
    let out = Mutex::new(Vec::new());
    let log = |tag: &str, x: u64| out.lock().unwrap().push(format!("{tag}{x}"));
    for x in v.iter().map(|x| x * 10) {
        log("map", x);
    }
    for x in v.iter().filter(|x| *x % 2 == 0) {
        log("filter", *x);
    }
    for x in v.iter().rev() {
        log("rev", *x);
    }
    for x in v.iter().skip(15) {
        log("skip", *x);
    }
    for pair in v.windows(2) {
        log("win", pair[0] + pair[1]);
    }
    for x in v.iter().copied() {
        log("copied", x);
    }
    for c in text.chars() {
        log("char", c as u64);
    }
    for k in map.keys() {
        log("key", *k);
    }
    for val in map.values_mut() {
        *val += 1;
    }
    for (k, val) in &bmap {
        log("b", k + val);
    }
    for x in (0..20u64).step_by(5) {
        log("step", x);
    }
    for x in 0..=3u64 {
        log("incl", x);
    }
    for (i, (a, b)) in v.iter().zip(w.iter()).enumerate() {
        log("ze", i as u64 + a + b);
    }
    for x in w.drain(..5) {
        log("drain", x);
    }
    for x in v.clone() {
        log("owned", x);
    }
    for x in &v[2..4] {
        log("slice", *x);
    }
    for x in [1u64, 2, 3] {
        log("arr", x);
    }
    log("mapsum", map.values().sum());
    log("wlen", w.len() as u64);
    let mut r = out.into_inner().unwrap();
    r.sort();
    r
}

#[test]
fn sources_with_adapters_have_the_serial_effect() {
    assert_eq!(
        par_for::with_threads(4, every_source_marked),
        every_source_serial()
    );
}

fn make() -> Vec<u64> {
    (1..=10).collect()
}

/// A source borrowing a temporary (`make().iter()`), in every form: the temporary lives
/// as long as the loop, as in the serial `for`.
#[par_for]
fn sums_over_temporaries() -> [u64; 4] {
    let total = AtomicU64::new(0);
    #[par_for]
    for x in make().iter() {
        total.fetch_add(*x, Ordering::Relaxed);
    }
    let mut reduced = 0;
    #[par_for(reduce(reduced: +))]
    for x in make().iter() {
        reduced += x;
    }
    #[par_for]
    let piped: u64 = make().iter().sum();
    let mut streamed = 0;
    #[par_for(stream)]
    for x in make().iter().map(|x| x * 2) {
        streamed += x;
    }
    [total.into_inner(), reduced, piped, streamed]
}

#[test]
fn temporaries_of_the_source_live_as_long_as_the_loop() {
    assert_eq!(
        par_for::with_threads(4, sums_over_temporaries),
        [55, 55, 55, 110]
    );
}

/// Sources that cannot be sent to the pool's threads (an `impl Iterator` without
/// `+ Send`, an iterator holding an `Rc`, `rx.iter()`): the calling thread pulls them
/// and the pool runs the iterations, with the serial loop's result.
mod not_send {
    use par_for::par_for;
    use std::cell::Cell;
    use std::collections::HashSet;
    use std::rc::Rc;
    use std::sync::mpsc;
    use std::sync::Mutex;
    use std::time::Duration;

    /// Counts down from `n`, through a counter shared by `Rc` (so it is not `Send`).
    struct Countdown(Rc<Cell<u64>>);

    impl Iterator for Countdown {
        type Item = u64;
        fn next(&mut self) -> Option<u64> {
            let left = self.0.get();
            self.0.set(left.checked_sub(1)?);
            Some(left)
        }
    }

    fn countdown(n: u64) -> Countdown {
        Countdown(Rc::new(Cell::new(n)))
    }

    #[par_for]
    fn sum_of_squares(items: impl Iterator<Item = u64>) -> u64 {
        let mut total = 0;
        #[par_for(reduce(total: +))]
        for x in items {
            total += x * x;
        }
        total
    }

    #[par_for]
    fn every_item(items: impl Iterator<Item = u64>) -> Vec<u64> {
        let seen = Mutex::new(Vec::new());
        #[par_for]
        for x in items {
            seen.lock().unwrap().push(x);
        }
        let mut seen = seen.into_inner().unwrap();
        seen.sort_unstable();
        seen
    }

    #[par_for]
    fn first_square_over(items: impl Iterator<Item = u64>, limit: u64) -> Option<u64> {
        #[par_for]
        for x in items {
            if x * x > limit {
                return Some(x);
            }
        }
        None
    }

    #[par_for]
    fn parse_all(lines: impl Iterator<Item = String>) -> Result<u64, std::num::ParseIntError> {
        let mut total = 0;
        #[par_for(reduce(total: +))]
        for line in lines {
            total += line.trim().parse::<u64>()?;
        }
        Ok(total)
    }

    #[par_for]
    fn sum_until_zero(items: impl Iterator<Item = u64>) -> u64 {
        let mut total = 0;
        #[par_for(reduce(total: +))]
        for x in items {
            if x == 0 {
                break;
            }
            total += x;
        }
        total
    }

    #[test]
    fn reductions_over_an_iterator_that_is_not_send_match_serial() {
        par_for::with_threads(2, || {
            assert_eq!(
                sum_of_squares(countdown(3000)),
                (1..=3000u64).map(|x| x * x).sum()
            );
            assert_eq!(
                sum_of_squares((0..500u64).map(|x| x + 1)),
                (1..=500u64).map(|x| x * x).sum()
            );
            assert_eq!(
                sum_until_zero([5, 4, 0, 100, 200].into_iter().chain(countdown(50))),
                9
            );
        });
    }

    #[test]
    fn adapters_after_a_source_that_is_not_send_match_serial() {
        let table: Vec<u64> = (0..700).map(|x| x * 7 % 13).collect();
        let n = 1000u64;
        let down = || (1..=n).rev();
        let serial = [
            down().enumerate().map(|(i, x)| i as u64 * x).sum::<u64>(),
            down().map(|x| x * 3).skip(2).step_by(3).take(100).sum(),
            down().zip(table.iter()).map(|(x, y)| x * y).sum(),
            table.iter().zip(down()).map(|(x, y)| x * y).sum(),
            down().chain(table.iter().copied()).chain(0..3u64).sum(),
            table.iter().copied().chain(down()).sum(),
        ];
        let got = par_for::with_threads(2, || adapted(n, &table));
        assert_eq!(got, serial);
    }

    #[test]
    fn every_item_of_an_iterator_that_is_not_send_is_seen_once() {
        let seen = par_for::with_threads(3, || every_item(countdown(10_000)));
        assert_eq!(seen, (1..=10_000u64).collect::<Vec<_>>());
    }

    #[test]
    fn return_and_question_mark_over_an_iterator_that_is_not_send_keep_the_earliest() {
        par_for::with_threads(2, || {
            // Counting down from 5000: the first x with x * x > 100 is 5000 itself.
            assert_eq!(first_square_over(countdown(5000), 100), Some(5000));
            assert_eq!(
                first_square_over((1..5000u64).filter(|x| x % 7 == 3), 10_000),
                Some(101)
            );
            assert_eq!(first_square_over(countdown(9), 100), None);
            let lines = |bad: &[usize]| {
                let bad = bad.to_vec();
                let rc = Rc::new(());
                (0..4000usize).map(move |i| {
                    let _keep = Rc::clone(&rc);
                    if bad.contains(&i) {
                        format!("bad{i}")
                    } else {
                        format!("{i}\n")
                    }
                })
            };
            assert_eq!(parse_all(lines(&[])), Ok((0..4000u64).sum()));
            let err = parse_all(lines(&[1700, 3000])).unwrap_err();
            assert_eq!(err, "bad1700".parse::<u64>().unwrap_err());
        });
    }

    /// Adapters after a source that is not `Send`, in the loop's own `for` line.
    #[par_for]
    fn adapted(n: u64, table: &[u64]) -> [u64; 6] {
        let (mut a, mut b, mut c, mut d, mut e, mut f) = (0, 0, 0, 0, 0, 0);
        #[par_for(reduce(a: +))]
        for (i, x) in countdown(n).enumerate() {
            a += i as u64 * x;
        }
        #[par_for(reduce(b: +))]
        for x in countdown(n).map(|x| x * 3).skip(2).step_by(3).take(100) {
            b += x;
        }
        #[par_for(reduce(c: +))]
        for (x, y) in countdown(n).zip(table.iter()) {
            c += x * y;
        }
        #[par_for(reduce(d: +))]
        for (x, y) in table.iter().zip(countdown(n)) {
            d += x * y;
        }
        #[par_for(reduce(e: +))]
        for x in countdown(n).chain(table.iter().copied()).chain(0..3u64) {
            e += x;
        }
        #[par_for(reduce(f: +))]
        for x in table.iter().copied().chain(countdown(n)) {
            f += x;
        }
        [a, b, c, d, e, f]
    }

    #[par_for]
    fn answer_each(jobs: &mpsc::Receiver<u64>, replies: mpsc::Sender<u64>) {
        #[par_for]
        for job in jobs.iter() {
            replies.send(job * 2).unwrap();
        }
    }

    /// A request/response exchange over `rx.iter()`: the sender waits for each reply
    /// before it sends the next job, so an item pulled must run while the source blocks.
    #[test]
    fn a_channel_whose_sender_waits_for_each_reply_does_not_hang() {
        let (job_tx, job_rx) = mpsc::channel();
        let (reply_tx, reply_rx) = mpsc::channel();
        let (done_tx, done_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut replies = Vec::new();
            for job in 0..20u64 {
                job_tx.send(job).unwrap();
                replies.push(reply_rx.recv().unwrap());
            }
            drop(job_tx);
            done_tx.send(replies).unwrap();
        });
        std::thread::spawn(move || {
            par_for::with_threads(2, move || answer_each(&job_rx, reply_tx))
        });
        let replies = done_rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the loop held back a pulled job while its channel waited for the reply");
        assert_eq!(replies, (0..20u64).map(|j| j * 2).collect::<Vec<_>>());
    }

    #[par_for]
    fn threads_that_ran(items: impl Iterator<Item = u64>) -> usize {
        let threads = Mutex::new(HashSet::new());
        #[par_for]
        for _ in items {
            std::thread::sleep(Duration::from_millis(1));
            threads.lock().unwrap().insert(std::thread::current().id());
        }
        threads.into_inner().unwrap().len()
    }

    #[test]
    fn the_iterations_run_on_more_than_one_thread() {
        let run = || par_for::with_threads(2, || threads_that_ran(countdown(200)));
        if crate::common::serial_switch() {
            assert_eq!(run(), 1);
        } else {
            // The calling thread runs a batch itself when the pool's other thread is
            // slow to take it: on a loaded machine (load 5 on 2 cores) one run in
            // about seven stayed on one thread. Three tries.
            let most = (0..3).map(|_| run()).max().unwrap();
            assert!(most >= 2, "ran on {most} thread(s)");
        }
    }

    #[par_for]
    fn panics_at(items: impl Iterator<Item = u64>, bad: u64) {
        #[par_for]
        for x in items {
            if x == bad {
                panic!("bad item {x}");
            }
        }
    }

    #[test]
    fn a_panic_reaches_the_caller_with_its_payload() {
        let payload = std::panic::catch_unwind(|| {
            par_for::with_threads(2, || panics_at(countdown(1000), 321))
        })
        .unwrap_err();
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some("bad item 321")
        );
    }

    #[test]
    fn nested_in_a_parallel_loop() {
        #[par_for]
        fn sums(rows: u64) -> Vec<u64> {
            #[par_for]
            let sums: Vec<u64> = (0..rows).map(|r| sum_of_squares(countdown(r))).collect();
            sums
        }
        let expected: Vec<u64> = (0..40u64).map(|r| (1..=r).map(|x| x * x).sum()).collect();
        assert_eq!(par_for::with_threads(2, || sums(40)), expected);
    }
}

/// A loop over a borrowed iterator (`it.by_ref()`, `&mut it`, a `&mut I` parameter)
/// that can leave early reads it exactly as far as the serial loop: what it did not
/// reach stays in the iterator for the code after the loop.
mod borrowed {
    use par_for::par_for;
    use std::cell::Cell;
    use std::rc::Rc;

    #[par_for]
    fn header_len(v: Vec<u32>) -> (usize, Vec<u32>) {
        let mut it = v.into_iter();
        let mut n = 0;
        #[par_for(reduce(n: +))]
        for x in it.by_ref() {
            if x == 0 {
                break;
            }
            n += 1;
        }
        (n, it.collect())
    }

    #[par_for]
    fn next_section<I: Iterator<Item = String>>(lines: &mut I) -> Option<(usize, String)> {
        #[par_for]
        for (i, line) in lines.enumerate() {
            if line.starts_with('[') {
                return Some((i, line));
            }
        }
        None
    }

    #[par_for]
    fn sum_until_bad(items: &mut impl Iterator<Item = String>) -> Result<u64, String> {
        let mut total = 0;
        #[par_for(reduce(total: +))]
        for item in &mut *items {
            total += item.parse::<u64>().map_err(|_| item.clone())?;
        }
        Ok(total)
    }

    #[par_for]
    fn sum_all(items: &mut impl Iterator<Item = u64>) -> u64 {
        let mut total = 0;
        #[par_for(reduce(total: +))]
        for x in items.by_ref() {
            total += x;
        }
        total
    }

    /// Counts up from 0 through a counter behind an `Rc`, and counts its pulls.
    struct Counted(Rc<Cell<u64>>);

    impl Iterator for Counted {
        type Item = u64;
        fn next(&mut self) -> Option<u64> {
            let n = self.0.get();
            self.0.set(n + 1);
            Some(n)
        }
    }

    #[par_for]
    fn first_over(it: &mut Counted, limit: u64) -> Option<u64> {
        #[par_for]
        for x in it.by_ref() {
            if x * x > limit {
                return Some(x);
            }
        }
        None
    }

    #[test]
    fn a_loop_that_leaves_early_leaves_the_rest_in_a_borrowed_iterator() {
        for threads in [2, 3] {
            par_for::with_threads(threads, || {
                for _ in 0..20 {
                    let v: Vec<u32> = (0..3000)
                        .map(|i| if i == 1700 { 0 } else { i + 1 })
                        .collect();
                    let (n, rest) = header_len(v);
                    assert_eq!((n, rest.len()), (1700, 1299));

                    let text = ["a", "b", "[one]", "c", "[two]", "d"];
                    let mut lines = text.iter().map(|s| s.to_string());
                    assert_eq!(next_section(&mut lines), Some((2, "[one]".to_string())));
                    assert_eq!(next_section(&mut lines), Some((1, "[two]".to_string())));
                    assert_eq!(lines.collect::<Vec<_>>(), ["d"]);

                    let mut items = ["1", "2", "x", "4", "y", "6"].iter().map(|s| s.to_string());
                    assert_eq!(sum_until_bad(&mut items), Err("x".to_string()));
                    assert_eq!(sum_until_bad(&mut items), Err("y".to_string()));
                    assert_eq!(sum_until_bad(&mut items), Ok(6));

                    let mut counted = Counted(Rc::new(Cell::new(0)));
                    assert_eq!(first_over(&mut counted, 160 * 160 - 1), Some(160));
                    assert_eq!(counted.next(), Some(161));
                }
            });
        }
    }

    #[par_for]
    fn zipped_and_chained(it: &mut std::vec::IntoIter<u64>, table: &[u64]) -> (u64, u64) {
        let mut first = 0;
        #[par_for(reduce(first: +))]
        for (x, y) in it.by_ref().zip(table.iter()) {
            if x == 7 {
                break;
            }
            first += x * y;
        }
        let mut second = 0;
        #[par_for(reduce(second: +))]
        for x in it.by_ref().chain(1000..1010u64) {
            if x == 13 {
                break;
            }
            second += x;
        }
        (first, second)
    }

    #[test]
    fn zip_and_chain_of_a_borrowed_iterator_read_it_exactly() {
        let table: Vec<u64> = (1..=100).collect();
        let mut it: std::vec::IntoIter<u64> = (0..20u64).collect::<Vec<_>>().into_iter();
        let got = par_for::with_threads(2, || zipped_and_chained(&mut it, &table));
        let serial_first: u64 = (0..7u64).map(|x| x * (x + 1)).sum();
        assert_eq!(got, (serial_first, (8..13u64).sum()));
        assert_eq!(it.collect::<Vec<_>>(), (14..20u64).collect::<Vec<_>>());
    }

    #[test]
    fn a_loop_that_reads_all_of_a_borrowed_iterator_still_matches_serial() {
        let mut items = 0..100_000u64;
        let total = par_for::with_threads(2, || sum_all(&mut items));
        assert_eq!((total, items.next()), ((0..100_000u64).sum(), None));
    }
}

/// Ranges of 64-bit integers up to the type's maximum (`end - 5..=end` with
/// `end == i64::MAX`) panicked with more than one thread, where the serial loop runs
/// (found testing as a new user).
mod ranges_to_the_maximum {
    use par_for::par_for;
    use std::sync::Mutex;

    #[par_for]
    fn marked(end: i64) -> (Vec<i64>, i64, Option<usize>, Vec<String>, Vec<u64>) {
        #[par_for]
        let tail: Vec<i64> = (end - 5..=end).map(|x| x - end).collect();
        let mut total = 0;
        #[par_for(reduce(total: +))]
        for x in end - 3..=end {
            total += x % 1_000;
        }
        #[par_for]
        let at = (u64::MAX - 70_000..=u64::MAX).position(|x| x == u64::MAX - 2);
        let mut shown = Vec::new();
        #[par_for(stream)]
        for text in (end - 2..=end).map(|x| format!("{}", x - end)) {
            shown.push(text);
        }
        let seen = Mutex::new(Vec::new());
        #[par_for]
        for x in (u64::MAX - 9..=u64::MAX).rev().step_by(3) {
            seen.lock().unwrap().push(u64::MAX - x);
        }
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        (tail, total, at, shown, seen)
    }

    #[test]
    fn a_range_up_to_the_maximum_runs_as_serially() {
        for threads in [1, 2, 3] {
            let got = par_for::with_threads(threads, || marked(i64::MAX));
            let total: i64 = (i64::MAX - 3..=i64::MAX).map(|x| x % 1_000).sum();
            let expected = (
                (-5..=0).collect::<Vec<i64>>(),
                total,
                Some(69_998),
                vec!["-2".to_string(), "-1".to_string(), "0".to_string()],
                vec![0, 3, 6, 9],
            );
            assert_eq!(got, expected, "{threads} threads");
            assert_eq!(
                marked(i64::MAX - 10).1,
                (i64::MAX - 13..=i64::MAX - 10)
                    .map(|x| x % 1_000)
                    .sum::<i64>()
            );
        }
    }
}

/// An iterator that is not fused (asked again after its `None`, it yields more) is read
/// as `for` reads it: never past its first `None` (found testing as a new user: a loop
/// with a reduction asked again, and counted items the serial loop never saw).
mod unfused {
    use par_for::par_for;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Counts down from `left`, then gives `None`; asked again, it starts over from 3.
    struct Restarting {
        left: u64,
    }

    impl Iterator for Restarting {
        type Item = u64;
        fn next(&mut self) -> Option<u64> {
            if self.left == 0 {
                self.left = 3;
                return None;
            }
            self.left -= 1;
            Some(self.left)
        }
    }

    #[par_for]
    fn marked(n: u64) -> (u64, u64, u64, u64) {
        let mut total = 0;
        #[par_for(reduce(total: +))]
        for x in (Restarting { left: n }) {
            total += x + 1;
        }
        let mut below = 0;
        #[par_for(reduce(below: +))]
        for x in (Restarting { left: n }).map(|x| x * 2) {
            if x == u64::MAX {
                break;
            }
            below += x;
        }
        let seen = AtomicU64::new(0);
        #[par_for]
        for x in (Restarting { left: n }) {
            seen.fetch_add(x + 1, Ordering::Relaxed);
        }
        #[par_for]
        let summed: u64 = (Restarting { left: n }).map(|x| x + 1).sum();
        (total, below, seen.into_inner(), summed)
    }

    #[test]
    fn a_loop_never_asks_an_iterator_again_after_its_none() {
        for n in [0, 1, 2, 10, 5_000, 70_000] {
            let once: u64 = (1..=n).sum();
            let expected = (once, 2 * (once - n.min(once)), once, once);
            for threads in [1, 2, 3] {
                assert_eq!(
                    par_for::with_threads(threads, || marked(n)),
                    expected,
                    "{n} items, {threads} threads"
                );
            }
        }
    }
}
