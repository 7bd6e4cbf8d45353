//! Form 2: every adapter and consumer gives exactly the serial pipeline's result, on
//! random inputs (proptest), run on a pool of 4 threads.

use std::collections::{BTreeMap, HashMap};

use par_for::par_for;
use proptest::prelude::*;

fn on_four<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    par_for::with_threads(4, f)
}

#[par_for]
fn adapters(v: &[i32], w: &[i32], k: usize) -> Vec<(usize, i64)> {
    #[par_for]
    let out: Vec<(usize, i64)> = v
        .iter()
        .copied()
        .map(|x| x as i64 * 3)
        .filter(|x| x % 2 == 0)
        .chain(w.iter().map(|&y| y as i64))
        .enumerate()
        .skip(k)
        .take(50)
        .inspect(|_| ())
        .collect();
    #[par_for]
    let backwards: Vec<(usize, i64)> = out.iter().copied().rev().step_by(2).collect();
    backwards
}

fn adapters_serial(v: &[i32], w: &[i32], k: usize) -> Vec<(usize, i64)> {
    v.iter()
        .copied()
        .map(|x| x as i64 * 3)
        .filter(|x| x % 2 == 0)
        .chain(w.iter().map(|&y| y as i64))
        .enumerate()
        .skip(k)
        .take(50)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .step_by(2)
        .collect()
}

#[par_for]
fn zipped_flat(v: &[i32], w: &[i32]) -> (Vec<i32>, Vec<i32>, String) {
    #[par_for]
    let products: Vec<i32> = v
        .iter()
        .zip(w.iter())
        .map(|(a, b)| a.wrapping_mul(*b))
        .collect();
    #[par_for]
    let flat: Vec<i32> = v
        .iter()
        .flat_map(|&x| [x, x.wrapping_add(1)])
        .filter_map(|x| x.checked_div(x % 3))
        .collect();
    #[par_for]
    let text: String = v.iter().cloned().map(|x| format!("{x},")).collect();
    (products, flat, text)
}

#[par_for]
fn consumers(v: &[i32]) -> Vec<String> {
    #[par_for]
    let sum: i64 = v.iter().map(|&x| x as i64).sum();
    #[par_for]
    let product: i64 = v.iter().map(|&x| (x % 3) as i64).product();
    #[par_for]
    let count = v.iter().filter(|x| **x > 0).count();
    #[par_for]
    let min = v.iter().min();
    #[par_for]
    let max = v.iter().max();
    // Keys with many ties: the first minimum and the last maximum win, as in std.
    #[par_for]
    let min_key = v.iter().enumerate().min_by_key(|(_, x)| **x % 7);
    #[par_for]
    let max_key = v.iter().enumerate().max_by_key(|(_, x)| **x % 7);
    #[par_for]
    let min_by = v
        .iter()
        .enumerate()
        .min_by(|a, b| (a.1 % 5).cmp(&(b.1 % 5)));
    #[par_for]
    let max_by = v
        .iter()
        .enumerate()
        .max_by(|a, b| (a.1 % 5).cmp(&(b.1 % 5)));
    #[par_for]
    let find = v.iter().enumerate().find(|(_, x)| **x % 10 == 3);
    #[par_for]
    let position = v.iter().position(|x| x % 10 == 3);
    #[par_for]
    let any = v.iter().any(|x| *x > 990);
    #[par_for]
    let all = v.iter().all(|x| *x < 900);
    #[par_for]
    let reduce = v.iter().map(|&x| x as i64).reduce(|a, b| a.max(b));
    #[par_for]
    let (evens, odds): (Vec<i32>, Vec<i32>) = v.iter().partition(|x| *x % 2 == 0);
    #[par_for]
    let (left, right): (Vec<i32>, Vec<usize>) = v.iter().enumerate().map(|(i, x)| (*x, i)).unzip();
    #[par_for]
    let by_key: BTreeMap<i32, usize> = v.iter().enumerate().map(|(i, x)| (*x, i)).collect();
    let mut seen = 0;
    seen += 1;
    vec![
        format!("{sum} {product} {count} {min:?} {max:?}"),
        format!("{min_key:?} {max_key:?} {min_by:?} {max_by:?}"),
        format!("{find:?} {position:?} {any} {all} {reduce:?} {seen}"),
        format!("{evens:?} {odds:?} {left:?} {right:?} {by_key:?}"),
    ]
}

fn consumers_serial(v: &[i32]) -> Vec<String> {
    let sum: i64 = v.iter().map(|&x| x as i64).sum();
    let product: i64 = v.iter().map(|&x| (x % 3) as i64).product();
    let count = v.iter().filter(|x| **x > 0).count();
    let min = v.iter().min();
    let max = v.iter().max();
    let min_key = v.iter().enumerate().min_by_key(|(_, x)| **x % 7);
    let max_key = v.iter().enumerate().max_by_key(|(_, x)| **x % 7);
    let min_by = v
        .iter()
        .enumerate()
        .min_by(|a, b| (a.1 % 5).cmp(&(b.1 % 5)));
    let max_by = v
        .iter()
        .enumerate()
        .max_by(|a, b| (a.1 % 5).cmp(&(b.1 % 5)));
    let find = v.iter().enumerate().find(|(_, x)| **x % 10 == 3);
    let position = v.iter().position(|x| x % 10 == 3);
    let any = v.iter().any(|x| *x > 990);
    let all = v.iter().all(|x| *x < 900);
    let reduce = v.iter().map(|&x| x as i64).reduce(|a, b| a.max(b));
    let (evens, odds): (Vec<i32>, Vec<i32>) = v.iter().partition(|x| *x % 2 == 0);
    let (left, right): (Vec<i32>, Vec<usize>) = v.iter().enumerate().map(|(i, x)| (*x, i)).unzip();
    let by_key: BTreeMap<i32, usize> = v.iter().enumerate().map(|(i, x)| (*x, i)).collect();
    vec![
        format!("{sum} {product} {count} {min:?} {max:?}"),
        format!("{min_key:?} {max_key:?} {min_by:?} {max_by:?}"),
        format!("{find:?} {position:?} {any} {all} {reduce:?} 1"),
        format!("{evens:?} {odds:?} {left:?} {right:?} {by_key:?}"),
    ]
}

#[par_for]
fn bridged_pipeline(text: &str) -> (Vec<usize>, Option<usize>) {
    #[par_for]
    let lengths: Vec<usize> = text
        .lines()
        .map(str::len)
        .enumerate()
        .map(|(i, n)| i * n)
        .collect();
    #[par_for]
    let first_long = text.lines().position(|l| l.len() > 3);
    (lengths, first_long)
}

#[par_for]
fn assigned_and_expression_statements(v: &[u64]) -> (u64, u64) {
    let total: u64;
    #[par_for]
    total = v.iter().sum();
    let hits = std::sync::atomic::AtomicU64::new(0);
    #[par_for]
    v.iter().for_each(|x| {
        hits.fetch_add(*x, std::sync::atomic::Ordering::Relaxed);
    });
    (total, hits.into_inner())
}

#[par_for]
fn word_counts(words: &[&str]) -> HashMap<String, usize> {
    #[par_for]
    let counts: HashMap<String, usize> = words.iter().map(|w| (w.to_string(), w.len())).collect();
    counts
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn adapters_equal_serial(v in prop::collection::vec(-1000i32..1000, 0..300), w in prop::collection::vec(-1000i32..1000, 0..50), k in 0usize..60) {
        prop_assert_eq!(on_four(|| adapters(&v, &w, k)), adapters_serial(&v, &w, k));
    }

    #[test]
    fn zip_flat_map_and_string_collect_equal_serial(v in prop::collection::vec(-1000i32..1000, 0..300), w in prop::collection::vec(-1000i32..1000, 0..300)) {
        let products: Vec<i32> = v.iter().zip(w.iter()).map(|(a, b)| a.wrapping_mul(*b)).collect();
        let flat: Vec<i32> = v.iter().flat_map(|&x| [x, x.wrapping_add(1)]).filter_map(|x| x.checked_div(x % 3)).collect();
        let text: String = v.iter().map(|x| format!("{x},")).collect();
        prop_assert_eq!(on_four(|| zipped_flat(&v, &w)), (products, flat, text));
    }

    #[test]
    fn consumers_equal_serial(v in prop::collection::vec(-1000i32..1000, 0..400)) {
        prop_assert_eq!(on_four(|| consumers(&v)), consumers_serial(&v));
    }

    #[test]
    fn bridged_sources_keep_their_order(lines in prop::collection::vec("[a-z]{0,6}", 0..100)) {
        let text = lines.join("\n");
        let lengths: Vec<usize> = text.lines().map(str::len).enumerate().map(|(i, n)| i * n).collect();
        let first_long = text.lines().position(|l| l.len() > 3);
        prop_assert_eq!(on_four(|| bridged_pipeline(&text)), (lengths, first_long));
    }

    #[test]
    fn assignment_and_for_each_forms(v in prop::collection::vec(0u64..1000, 0..300)) {
        let sum: u64 = v.iter().sum();
        prop_assert_eq!(on_four(|| assigned_and_expression_statements(&v)), (sum, sum));
    }
}

#[test]
fn collect_into_a_hash_map() {
    let words = ["a", "bb", "ccc", "bb"];
    let expected: HashMap<String, usize> = words.iter().map(|w| (w.to_string(), w.len())).collect();
    assert_eq!(on_four(|| word_counts(&words)), expected);
}

#[par_for]
fn float_sum(v: &[f64]) -> f64 {
    #[par_for]
    let total: f64 = v.iter().sum();
    total
}

#[test]
fn float_sums_agree_within_rounding() {
    // Parallel sums add in a different association, so the last bits may differ:
    // within n * epsilon * sum(|x|) of the serial sum.
    let v: Vec<f64> = (0..100_000)
        .map(|i| ((i * 7919) % 1000) as f64 / 7.0)
        .collect();
    let serial: f64 = v.iter().sum();
    let parallel = on_four(|| float_sum(&v));
    let bound = v.len() as f64 * f64::EPSILON * v.iter().map(|x| x.abs()).sum::<f64>();
    assert!((parallel - serial).abs() <= bound, "{parallel} vs {serial}");
}

/// Counts bytes by their remainder by 4: a collection of one's own that has only
/// `Default + Extend`, all std's `partition` asks of a target.
#[derive(Debug, Default, PartialEq)]
struct Histogram {
    bins: [u32; 4],
}

impl Extend<u8> for Histogram {
    fn extend<I: IntoIterator<Item = u8>>(&mut self, items: I) {
        for b in items {
            self.bins[usize::from(b % 4)] += 1;
        }
    }
}

/// What each case gave.
type Split = (
    (Vec<u8>, Vec<u8>),
    (Histogram, Histogram),
    (String, Vec<usize>),
);

#[par_for]
fn split_into_own_collections(bytes: &[u8], text: &str) -> Split {
    #[par_for]
    let halves: (Vec<u8>, Vec<u8>) = bytes.iter().map(|b| (*b, b / 2)).unzip();
    #[par_for]
    let thirds: (Histogram, Histogram) = bytes.iter().copied().partition(|b| b % 3 == 0);
    #[par_for]
    let letters = text
        .char_indices()
        .filter(|(_, c)| c.is_alphabetic())
        .map(|(i, c)| (c.to_ascii_uppercase(), i))
        .unzip::<char, usize, String, Vec<usize>>();
    (halves, thirds, letters)
}

#[test]
fn partition_into_a_collection_of_ones_own_and_unzip_into_a_string() {
    let bytes: Vec<u8> = (0..5_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let text = "par-for: one attribute, all cores! ".repeat(200);
    let serial: Split = (
        bytes.iter().map(|b| (*b, b / 2)).unzip(),
        bytes.iter().copied().partition(|b| b % 3 == 0),
        text.char_indices()
            .filter(|(_, c)| c.is_alphabetic())
            .map(|(i, c)| (c.to_ascii_uppercase(), i))
            .unzip(),
    );
    assert_eq!(
        on_four(|| split_into_own_collections(&bytes, &text)),
        serial
    );
}
