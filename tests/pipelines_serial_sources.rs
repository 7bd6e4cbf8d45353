//! Form 2 over sources rayon cannot split (`(1..)`, `split(' ')`, `lines()`, a user's
//! iterator), read in batches: every consumer and positional adapter gives the serial
//! pipeline's result, short-circuiting consumers stop on endless sources, and
//! `collect` into `Result`/`Option` gives the first error in order.

use std::num::ParseIntError;
use std::sync::atomic::{AtomicU64, Ordering};

use par_for::par_for;
use proptest::prelude::*;

fn on_four<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    par_for::with_threads(4, f)
}

fn slow_square(x: u64) -> u64 {
    x * x
}

// Clippy takes `sum` into `Option` for an endless loop; std's stops at the first `None`.
#[allow(clippy::infinite_iter)]
#[par_for]
fn endless_searches() -> Vec<String> {
    #[par_for]
    let position = (1u64..).map(slow_square).position(|v| v > 300);
    #[par_for]
    let find = (1u64..).find(|x| x % 9_973 == 0 && x % 2 == 0);
    #[par_for]
    let find_map = (1u64..).find_map(|x| (x * x > 5_000_000).then_some(x * 3));
    #[par_for]
    let any = (1u64..).map(slow_square).any(|v| v == 123_454_321);
    #[par_for]
    let all = (1u64..).all(|x| x < 77_777);
    #[par_for]
    let taken: Vec<u64> = (1u64..)
        .filter(|x| x % 7 == 3)
        .map(slow_square)
        .take(2_500)
        .collect();
    #[par_for]
    let until_error: Result<Vec<u64>, String> = (1u64..)
        .map(|x| {
            if x % 50_000 == 0 {
                Err(format!("bad {x}"))
            } else {
                Ok(x)
            }
        })
        .collect();
    #[par_for]
    let until_none: Option<Vec<u64>> = (1u64..).map(|x| (x < 40_000).then_some(x)).collect();
    #[par_for]
    let sum_until_none: Option<u64> = (1u64..).map(|x| (x < 70_000).then_some(x)).sum();
    #[par_for]
    let zipped: Vec<(u64, char)> = (1u64..).zip("hello".chars()).collect();
    #[par_for]
    let counted = (1u64..)
        .take(100_000)
        .step_by(3)
        .filter(|x| x % 2 == 0)
        .count();
    vec![
        format!("{position:?} {find:?} {find_map:?} {any} {all}"),
        format!(
            "{} {:?} {:?}",
            taken.len(),
            taken.last(),
            until_error.map(|v| v.len())
        ),
        format!(
            "{:?} {sum_until_none:?} {zipped:?} {counted}",
            until_none.map(|v| v.len())
        ),
    ]
}

#[allow(clippy::infinite_iter)]
fn endless_searches_serial() -> Vec<String> {
    let position = (1u64..).map(slow_square).position(|v| v > 300);
    let find = (1u64..).find(|x| x % 9_973 == 0 && x % 2 == 0);
    let find_map = (1u64..).find_map(|x| (x * x > 5_000_000).then_some(x * 3));
    let any = (1u64..).map(slow_square).any(|v| v == 123_454_321);
    let all = (1u64..).all(|x| x < 77_777);
    let taken: Vec<u64> = (1u64..)
        .filter(|x| x % 7 == 3)
        .map(slow_square)
        .take(2_500)
        .collect();
    let until_error: Result<Vec<u64>, String> = (1u64..)
        .map(|x| {
            if x % 50_000 == 0 {
                Err(format!("bad {x}"))
            } else {
                Ok(x)
            }
        })
        .collect();
    let until_none: Option<Vec<u64>> = (1u64..).map(|x| (x < 40_000).then_some(x)).collect();
    let sum_until_none: Option<u64> = (1u64..).map(|x| (x < 70_000).then_some(x)).sum();
    let zipped: Vec<(u64, char)> = (1u64..).zip("hello".chars()).collect();
    let counted = (1u64..)
        .take(100_000)
        .step_by(3)
        .filter(|x| x % 2 == 0)
        .count();
    vec![
        format!("{position:?} {find:?} {find_map:?} {any} {all}"),
        format!(
            "{} {:?} {:?}",
            taken.len(),
            taken.last(),
            until_error.map(|v| v.len())
        ),
        format!(
            "{:?} {sum_until_none:?} {zipped:?} {counted}",
            until_none.map(|v| v.len())
        ),
    ]
}

#[test]
fn endless_sources_stop_as_serially() {
    assert_eq!(on_four(endless_searches), endless_searches_serial());
}

#[par_for]
fn first_error(lines: &[&str]) -> Result<Vec<i32>, ParseIntError> {
    #[par_for]
    let parsed: Result<Vec<i32>, ParseIntError> = lines.iter().map(|l| l.parse::<i32>()).collect();
    parsed
}

#[par_for]
fn first_error_bridged(text: &str) -> Result<Vec<i32>, String> {
    #[par_for]
    let parsed: Result<Vec<i32>, String> = text
        .split(' ')
        .map(|w| w.parse::<i32>().map_err(|_| format!("not a number: {w}")))
        .collect();
    parsed
}

#[par_for]
fn first_none(v: &[i32]) -> (Option<Vec<i32>>, Result<i64, String>, Option<i64>) {
    #[par_for]
    let halves: Option<Vec<i32>> = v.iter().map(|x| (x % 2 == 0).then_some(x / 2)).collect();
    #[par_for]
    let sum: Result<i64, String> = v
        .iter()
        .map(|&x| {
            if x % 5 == 0 {
                Err(format!("{x} at fives"))
            } else {
                Ok(x as i64)
            }
        })
        .sum();
    #[par_for]
    let product: Option<i64> = v
        .iter()
        .map(|&x| (x != 0).then_some((x % 3) as i64))
        .product();
    (halves, sum, product)
}

/// A user's iterator: rayon knows nothing of it.
struct Countdown(u32);

impl Iterator for Countdown {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        self.0 = self.0.checked_sub(1)?;
        Some(self.0)
    }
}

#[par_for]
fn users_iterator(n: u32) -> (Vec<u32>, Option<usize>, u64) {
    #[par_for]
    let kept: Vec<u32> = Countdown(n).filter(|x| x % 3 == 0).skip(2).collect();
    #[par_for]
    let at = Countdown(n).position(|x| x == n / 3);
    #[par_for]
    let total: u64 = Countdown(n).map(u64::from).sum();
    (kept, at, total)
}

fn users_iterator_serial(n: u32) -> (Vec<u32>, Option<usize>, u64) {
    let kept: Vec<u32> = Countdown(n).filter(|x| x % 3 == 0).skip(2).collect();
    let at = Countdown(n).position(|x| x == n / 3);
    let total: u64 = Countdown(n).map(u64::from).sum();
    (kept, at, total)
}

#[test]
fn a_users_iterator_works_in_pipelines() {
    for n in [0, 1, 5, 1000, 100_000] {
        assert_eq!(on_four(|| users_iterator(n)), users_iterator_serial(n));
    }
}

#[par_for]
fn header_marker_rest(text: &str) -> (Vec<&str>, Option<&str>, Vec<usize>, Vec<&str>) {
    let mut lines = text.lines();
    #[par_for]
    let header: Vec<&str> = lines.by_ref().take(2).collect();
    #[par_for]
    let marker = lines.by_ref().find(|l| l.starts_with('#'));
    #[par_for]
    let long: Vec<usize> = (&mut lines)
        .map(str::len)
        .filter(|n| *n > 2)
        .take(3)
        .collect();
    let rest: Vec<&str> = lines.collect();
    (header, marker, long, rest)
}

fn header_marker_rest_serial(text: &str) -> (Vec<&str>, Option<&str>, Vec<usize>, Vec<&str>) {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.by_ref().take(2).collect();
    let marker = lines.by_ref().find(|l| l.starts_with('#'));
    let long: Vec<usize> = (&mut lines)
        .map(str::len)
        .filter(|n| *n > 2)
        .take(3)
        .collect();
    let rest: Vec<&str> = lines.collect();
    (header, marker, long, rest)
}

#[test]
fn a_borrowed_source_is_read_exactly_as_far_as_serially() {
    let text: String = (0..300)
        .map(|i| {
            if i % 40 == 7 {
                format!("# {i}")
            } else {
                "x".repeat(i % 5)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        on_four(|| header_marker_rest(&text)),
        header_marker_rest_serial(&text)
    );
}

static PULLED: AtomicU64 = AtomicU64::new(0);

#[par_for]
fn pulled_for_find() -> Option<u64> {
    #[par_for]
    let found = (0u64..)
        .inspect(|_| {
            PULLED.fetch_add(1, Ordering::Relaxed);
        })
        .find(|&x| x == 1000);
    found
}

#[test]
fn a_search_reads_a_bounded_part_of_an_endless_source() {
    assert_eq!(on_four(pulled_for_find), Some(1000));
    // Batches double from a few items: the batch that holds the match and the one read
    // meanwhile are at most four times what the serial search reads.
    assert!(PULLED.load(Ordering::Relaxed) <= 4 * 1001 + 64);
}

/// Every consumer and positional adapter over `text.split(' ')`.
#[par_for]
fn words(text: &str, k: usize, step: usize) -> Vec<String> {
    #[par_for]
    let lens: Vec<(usize, usize)> = text
        .split(' ')
        .map(str::len)
        .enumerate()
        .skip(k)
        .step_by(step)
        .take(40)
        .collect();
    #[par_for]
    let filtered: Vec<(usize, &str)> = text
        .split(' ')
        .filter(|w| w.len() > 2)
        .enumerate()
        .collect();
    #[par_for]
    let zipped: Vec<(&str, u32)> = text.split(' ').zip(0u32..).skip(k).collect();
    #[par_for]
    let flat: String = text.split(' ').flat_map(|w| w.chars().rev()).collect();
    #[par_for]
    let sum: usize = text.split(' ').map(str::len).sum();
    #[par_for]
    let product: u64 = text
        .split(' ')
        .map(|w| (w.len() % 2) as u64 + 1)
        .take(40)
        .product();
    #[par_for]
    let count = text.split(' ').filter(|w| w.contains('a')).count();
    #[par_for]
    let min = text.split(' ').min();
    #[par_for]
    let max = text.split(' ').max();
    #[par_for]
    let min_key = text.split(' ').enumerate().min_by_key(|(_, w)| w.len());
    #[par_for]
    let max_key = text.split(' ').enumerate().max_by_key(|(_, w)| w.len());
    #[par_for]
    let min_by = text
        .split(' ')
        .enumerate()
        .min_by(|a, b| a.1.len().cmp(&b.1.len()));
    #[par_for]
    let max_by = text
        .split(' ')
        .enumerate()
        .max_by(|a, b| a.1.len().cmp(&b.1.len()));
    #[par_for]
    let find = text
        .split(' ')
        .enumerate()
        .find(|(_, w)| w.starts_with('b'));
    #[par_for]
    let find_map = text.split(' ').find_map(|w| w.strip_prefix('c'));
    #[par_for]
    let position = text.split(' ').skip(k).position(|w| w.ends_with('a'));
    #[par_for]
    let any = text.split(' ').any(|w| w == "abc");
    #[par_for]
    let all = text.split(' ').all(|w| w.len() < 6);
    #[par_for]
    let reduce = text
        .split(' ')
        .map(String::from)
        .reduce(|a, b| a + "," + &b);
    #[par_for]
    let (short, long): (Vec<&str>, Vec<&str>) = text.split(' ').partition(|w| w.len() < 3);
    #[par_for]
    let (indices, firsts): (Vec<usize>, String) = text
        .split(' ')
        .enumerate()
        .map(|(i, w)| (i, w.chars().next().unwrap_or('-')))
        .unzip();
    #[par_for]
    let chained: Vec<&str> = text.split(' ').chain(["end"]).rev().skip(k).collect();
    vec![
        format!("{lens:?} {filtered:?} {zipped:?} {flat}"),
        format!("{sum} {product} {count} {min:?} {max:?}"),
        format!("{min_key:?} {max_key:?} {min_by:?} {max_by:?}"),
        format!("{find:?} {find_map:?} {position:?} {any} {all} {reduce:?}"),
        format!("{short:?} {long:?} {indices:?} {firsts} {chained:?}"),
    ]
}

fn words_serial(text: &str, k: usize, step: usize) -> Vec<String> {
    let lens: Vec<(usize, usize)> = text
        .split(' ')
        .map(str::len)
        .enumerate()
        .skip(k)
        .step_by(step)
        .take(40)
        .collect();
    let filtered: Vec<(usize, &str)> = text
        .split(' ')
        .filter(|w| w.len() > 2)
        .enumerate()
        .collect();
    let zipped: Vec<(&str, u32)> = text.split(' ').zip(0u32..).skip(k).collect();
    let flat: String = text.split(' ').flat_map(|w| w.chars().rev()).collect();
    let sum: usize = text.split(' ').map(str::len).sum();
    let product: u64 = text
        .split(' ')
        .map(|w| (w.len() % 2) as u64 + 1)
        .take(40)
        .product();
    let count = text.split(' ').filter(|w| w.contains('a')).count();
    let min = text.split(' ').min();
    let max = text.split(' ').max();
    let min_key = text.split(' ').enumerate().min_by_key(|(_, w)| w.len());
    let max_key = text.split(' ').enumerate().max_by_key(|(_, w)| w.len());
    let min_by = text
        .split(' ')
        .enumerate()
        .min_by(|a, b| a.1.len().cmp(&b.1.len()));
    let max_by = text
        .split(' ')
        .enumerate()
        .max_by(|a, b| a.1.len().cmp(&b.1.len()));
    let find = text
        .split(' ')
        .enumerate()
        .find(|(_, w)| w.starts_with('b'));
    let find_map = text.split(' ').find_map(|w| w.strip_prefix('c'));
    let position = text.split(' ').skip(k).position(|w| w.ends_with('a'));
    let any = text.split(' ').any(|w| w == "abc");
    let all = text.split(' ').all(|w| w.len() < 6);
    let reduce = text
        .split(' ')
        .map(String::from)
        .reduce(|a, b| a + "," + &b);
    let (short, long): (Vec<&str>, Vec<&str>) = text.split(' ').partition(|w| w.len() < 3);
    let (indices, firsts): (Vec<usize>, String) = text
        .split(' ')
        .enumerate()
        .map(|(i, w)| (i, w.chars().next().unwrap_or('-')))
        .unzip();
    let chained: Vec<&str> = text.split(' ').chain(["end"]).rev().skip(k).collect();
    vec![
        format!("{lens:?} {filtered:?} {zipped:?} {flat}"),
        format!("{sum} {product} {count} {min:?} {max:?}"),
        format!("{min_key:?} {max_key:?} {min_by:?} {max_by:?}"),
        format!("{find:?} {find_map:?} {position:?} {any} {all} {reduce:?}"),
        format!("{short:?} {long:?} {indices:?} {firsts} {chained:?}"),
    ]
}

#[test]
fn several_errors_the_first_wins() {
    let lines = ["1", "2", "x", "4", "yy", "zzz"];
    let serial: Result<Vec<i32>, ParseIntError> = lines.iter().map(|l| l.parse::<i32>()).collect();
    for _ in 0..50 {
        assert_eq!(on_four(|| first_error(&lines)), serial);
    }
    let many: Vec<String> = (0..20_000)
        .map(|i| {
            if i % 997 == 500 {
                format!("bad{i}")
            } else {
                i.to_string()
            }
        })
        .collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let text = many.join(" ");
    for _ in 0..10 {
        assert_eq!(
            on_four(|| first_error_bridged(&text)),
            Err("not a number: bad500".to_string())
        );
        assert_eq!(
            on_four(|| first_error(&many)).map_err(|e| e.to_string()),
            Err("invalid digit found in string".to_string())
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn words_of_a_split_equal_serial(words in prop::collection::vec("[a-c]{0,5}", 1..3000), k in 0usize..50, step in 1usize..5) {
        let text = words.join(" ");
        let (parallel, serial) = (on_four(|| self::words(&text, k, step)), words_serial(&text, k, step));
        for (line, (p, s)) in parallel.iter().zip(&serial).enumerate() {
            let at = p.bytes().zip(s.bytes()).position(|(a, b)| a != b).unwrap_or(p.len().min(s.len()));
            let from = at.saturating_sub(60);
            prop_assert!(p == s, "line {}: {:?} vs {:?}", line, &p[from..(at + 60).min(p.len())], &s[from..(at + 60).min(s.len())]);
        }
    }

    #[test]
    fn first_none_and_error_in_order(v in prop::collection::vec(-300i32..300, 0..3000)) {
        let halves: Option<Vec<i32>> = v.iter().map(|x| (x % 2 == 0).then_some(x / 2)).collect();
        let sum: Result<i64, String> = v
            .iter()
            .map(|&x| if x % 5 == 0 { Err(format!("{x} at fives")) } else { Ok(x as i64) })
            .sum();
        let product: Option<i64> = v.iter().map(|&x| (x != 0).then_some((x % 3) as i64)).product();
        prop_assert_eq!(on_four(|| first_none(&v)), (halves, sum, product));
    }

    #[test]
    fn collect_into_result_gives_the_first_error(v in prop::collection::vec(prop_oneof![9 => "[0-9]{1,4}", 1 => "[a-z]{1,3}"], 0..2000)) {
        let lines: Vec<&str> = v.iter().map(String::as_str).collect();
        let serial: Result<Vec<i32>, ParseIntError> = lines.iter().map(|l| l.parse::<i32>()).collect();
        prop_assert_eq!(on_four(|| first_error(&lines)), serial);
        let text = lines.join(" ");
        let serial: Result<Vec<i32>, String> = text
            .split(' ')
            .map(|w| w.parse::<i32>().map_err(|_| format!("not a number: {w}")))
            .collect();
        prop_assert_eq!(on_four(|| first_error_bridged(&text)), serial);
    }

    #[test]
    fn endless_take_and_position(n in 0usize..20_000, m in 1u64..50) {
        #[par_for]
        fn run(n: usize, m: u64) -> (Vec<u64>, Option<usize>) {
            #[par_for]
            let taken: Vec<u64> = (0u64..).filter(|x| x % m == 0).take(n).collect();
            #[par_for]
            let at = (0u64..).map(|x| x * m).position(|v| v >= n as u64);
            (taken, at)
        }
        let taken: Vec<u64> = (0u64..).filter(|x| x % m == 0).take(n).collect();
        let at = (0u64..).map(|x| x * m).position(|v| v >= n as u64);
        prop_assert_eq!(on_four(|| run(n, m)), (taken, at));
    }
}

/// Pipelines over iterators that cannot be sent to the pool's threads (an `Rc` inside,
/// a generic `impl Iterator` or `impl BufRead` without `+ Send`): the calling thread
/// reads the batches, the pool runs them, and every consumer gives the serial result.
mod not_send {
    use par_for::par_for;
    use std::cell::Cell;
    use std::io::BufRead;
    use std::rc::Rc;

    /// Counts down from `n` (exclusive) through a counter behind an `Rc`.
    #[derive(Clone)]
    struct RcCountdown(Rc<Cell<u32>>);

    impl Iterator for RcCountdown {
        type Item = u32;
        fn next(&mut self) -> Option<u32> {
            let left = self.0.get().checked_sub(1)?;
            self.0.set(left);
            Some(left)
        }
    }

    fn down(n: u32) -> RcCountdown {
        RcCountdown(Rc::new(Cell::new(n)))
    }

    type Results = (
        Vec<u32>,
        Option<usize>,
        u64,
        Option<u32>,
        Vec<(usize, u32)>,
        Vec<u32>,
        bool,
    );

    #[par_for]
    fn every_consumer(n: u32) -> Results {
        #[par_for]
        let kept: Vec<u32> = down(n).filter(|x| x % 3 == 0).skip(2).collect();
        #[par_for]
        let at = down(n).position(|x| x == n / 3);
        #[par_for]
        let total: u64 = down(n).map(u64::from).sum();
        #[par_for]
        let found = down(n).find(|x| x % 97 == 5);
        #[par_for]
        let first: Vec<(usize, u32)> = down(n)
            .enumerate()
            .filter(|(_, x)| x % 7 == 1)
            .take(20)
            .collect();
        #[par_for]
        let chained: Vec<u32> = down(n).chain(down(3)).step_by(5).collect();
        #[par_for]
        let all_small = down(n).all(|x| x < n);
        (kept, at, total, found, first, chained, all_small)
    }

    fn every_consumer_serial(n: u32) -> Results {
        let kept: Vec<u32> = down(n).filter(|x| x % 3 == 0).skip(2).collect();
        let at = down(n).position(|x| x == n / 3);
        let total: u64 = down(n).map(u64::from).sum();
        let found = down(n).find(|x| x % 97 == 5);
        let first: Vec<(usize, u32)> = down(n)
            .enumerate()
            .filter(|(_, x)| x % 7 == 1)
            .take(20)
            .collect();
        let chained: Vec<u32> = down(n).chain(down(3)).step_by(5).collect();
        let all_small = down(n).all(|x| x < n);
        (kept, at, total, found, first, chained, all_small)
    }

    #[test]
    fn every_consumer_over_an_iterator_that_is_not_send_matches_serial() {
        for n in [0, 1, 5, 1000, 100_000] {
            assert_eq!(
                par_for::with_threads(2, || every_consumer(n)),
                every_consumer_serial(n)
            );
        }
    }

    #[par_for]
    fn numbers(input: impl BufRead) -> Result<Vec<u64>, String> {
        #[par_for]
        let numbers: Result<Vec<u64>, String> = input
            .lines()
            .map(|line| {
                let line = line.map_err(|e| e.to_string())?;
                line.trim()
                    .parse::<u64>()
                    .map_err(|e| format!("{line}: {e}"))
            })
            .collect();
        numbers
    }

    #[test]
    fn the_lines_of_a_generic_reader_parse_as_serially() {
        let good: String = (0..5000).map(|i| format!("{i}\n")).collect();
        let parsed = par_for::with_threads(2, || numbers(std::io::Cursor::new(good)));
        assert_eq!(parsed, Ok((0..5000).collect()));
        let bad: String = (0..5000)
            .map(|i| {
                if i == 1234 || i == 4000 {
                    format!("x{i}\n")
                } else {
                    format!("{i}\n")
                }
            })
            .collect();
        let parsed = par_for::with_threads(2, || numbers(std::io::Cursor::new(bad)));
        assert_eq!(
            parsed,
            Err("x1234: invalid digit found in string".to_string())
        );
    }

    #[par_for]
    fn header_then_rest(n: u32) -> (Vec<u32>, Option<u32>, Vec<u32>) {
        let mut items = down(n);
        #[par_for]
        let header: Vec<u32> = items.by_ref().take(3).collect();
        #[par_for]
        let marker = items.by_ref().find(|x| x % 50 == 0);
        let rest: Vec<u32> = items.collect();
        (header, marker, rest)
    }

    #[test]
    fn a_borrowed_iterator_that_is_not_send_is_read_exactly_as_far_as_serially() {
        let serial = {
            let mut items = down(500);
            let header: Vec<u32> = items.by_ref().take(3).collect();
            let marker = items.by_ref().find(|x| x % 50 == 0);
            (header, marker, items.collect::<Vec<_>>())
        };
        assert_eq!(par_for::with_threads(2, || header_then_rest(500)), serial);
    }

    #[par_for]
    fn on_three(n: u32) -> (u64, usize) {
        let threads = std::sync::Mutex::new(std::collections::HashSet::new());
        #[par_for(threads = 3)]
        let total: u64 = down(n)
            .map(|x| {
                threads.lock().unwrap().insert(std::thread::current().id());
                u64::from(x)
            })
            .sum();
        (total, threads.into_inner().unwrap().len())
    }

    #[test]
    fn threads_n_runs_the_batches_on_its_own_pool() {
        let (total, threads) = on_three(200_000);
        assert_eq!(total, (0..200_000u64).sum());
        assert!(threads <= 3, "ran on {threads} threads");
    }

    #[par_for]
    fn panics_at(n: u32, bad: u32) -> Vec<u32> {
        #[par_for]
        let out: Vec<u32> = down(n)
            .map(|x| if x == bad { panic!("bad item {x}") } else { x })
            .collect();
        out
    }

    #[test]
    fn a_panic_reaches_the_caller_with_its_payload() {
        let payload =
            std::panic::catch_unwind(|| par_for::with_threads(2, || panics_at(3000, 777)))
                .unwrap_err();
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some("bad item 777")
        );
    }
}

fn counted_adder(calls: &AtomicU64) -> impl Fn(usize) -> usize + Sync {
    calls.fetch_add(1, Ordering::Relaxed);
    |n| n + 1
}

/// Functions handed to the adapters as written: a `move` closure that captures a
/// `Vec`, a reference to a local closure, a function made by a call, over a split and
/// a serial source alike.
#[par_for]
fn functions_as_written(idx: &[usize], text: &str, calls: &AtomicU64) -> Vec<Vec<usize>> {
    let table: Vec<usize> = (0..10).map(|i| i * i).collect();
    let again = table.clone();
    #[par_for]
    let moved: Vec<usize> = idx.iter().map(move |&i| table[i % 10]).collect();
    #[par_for]
    let moved_serial: Vec<usize> = text.lines().map(move |l| again[l.len() % 10]).collect();
    let triple = |x: &usize| x * 3;
    #[par_for]
    let borrowed: Vec<usize> = idx.iter().map(&triple).collect();
    let short = |l: &&str| l.len() < 3;
    #[par_for]
    let borrowed_serial: Vec<usize> = text.lines().filter(&short).map(str::len).collect();
    #[par_for]
    let made_once: Vec<usize> = text
        .lines()
        .map(str::len)
        .map(counted_adder(calls))
        .collect();
    vec![moved, moved_serial, borrowed, borrowed_serial, made_once]
}

#[test]
fn functions_are_taken_as_written_and_made_once() {
    let idx: Vec<usize> = (0..5000).map(|i| i * 7 % 13).collect();
    let text: String = (0..20_000).map(|i| "x".repeat(i % 5) + "\n").collect();
    let table: Vec<usize> = (0..10).map(|i| i * i).collect();
    let serial = vec![
        idx.iter().map(|&i| table[i % 10]).collect::<Vec<_>>(),
        text.lines().map(|l| table[l.len() % 10]).collect(),
        idx.iter().map(|x| x * 3).collect(),
        text.lines().filter(|l| l.len() < 3).map(str::len).collect(),
        text.lines().map(|l| l.len() + 1).collect(),
    ];
    let calls = AtomicU64::new(0);
    assert_eq!(functions_as_written(&idx, &text, &calls), serial);
    assert_eq!(
        calls.into_inner(),
        1,
        "the function was made more than once"
    );
}
