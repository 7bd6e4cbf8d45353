//! `reduce(VAR: OP)`: integer results equal the serial loop's for every operation, also
//! with `continue`, `break`, `return` and `?`.

use std::collections::HashMap;

use par_for::par_for;
use proptest::prelude::*;

#[par_for]
fn all_ops(v: &[i64]) -> (i64, i64, i64, i64, u32, u32, u32) {
    let mut sum = 10;
    let mut product = 1i64;
    let mut smallest = i64::MAX;
    let mut largest = i64::MIN;
    let mut and = u32::MAX;
    let mut or = 0u32;
    let mut xor = 0u32;
    #[par_for(reduce(sum: +, product: *, smallest: min, largest: max, and: &, or: |, xor: ^))]
    for &x in v {
        sum += x;
        product = product.wrapping_mul(x % 5 + 1);
        smallest = smallest.min(x);
        largest = largest.max(x);
        let bits = x as u32;
        and &= bits | 0xF0F0;
        or |= bits & 0x0FF0;
        xor ^= bits;
    }
    (sum, product, smallest, largest, and, or, xor)
}

fn all_ops_serial(v: &[i64]) -> (i64, i64, i64, i64, u32, u32, u32) {
    let mut r = (10i64, 1i64, i64::MAX, i64::MIN, u32::MAX, 0u32, 0u32);
    for &x in v {
        r.0 += x;
        r.1 = r.1.wrapping_mul(x % 5 + 1);
        r.2 = r.2.min(x);
        r.3 = r.3.max(x);
        let bits = x as u32;
        r.4 &= bits | 0xF0F0;
        r.5 |= bits & 0x0FF0;
        r.6 ^= bits;
    }
    r
}

fn merge_counts(
    mut a: HashMap<String, usize>,
    b: HashMap<String, usize>,
) -> HashMap<String, usize> {
    for (word, n) in b {
        *a.entry(word).or_default() += n;
    }
    a
}

#[par_for]
fn word_count(text: &str) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    #[par_for(reduce(counts: merge_counts))]
    for word in text.split_whitespace() {
        *counts.entry(word.to_lowercase()).or_default() += 1;
    }
    counts
}

#[par_for]
fn sum_until(v: &[i64], stop: i64) -> i64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for &x in v {
        if x % 3 == 0 {
            continue;
        }
        if x == stop {
            break;
        }
        total += x;
    }
    total
}

fn sum_until_serial(v: &[i64], stop: i64) -> i64 {
    let mut total = 0;
    for &x in v {
        if x % 3 == 0 {
            continue;
        }
        if x == stop {
            break;
        }
        total += x;
    }
    total
}

#[par_for]
fn checked_total(words: &[String]) -> Result<u64, std::num::ParseIntError> {
    let mut total = 0u64;
    #[par_for(reduce(total: +))]
    for w in words {
        total += w.parse::<u64>()?;
    }
    Ok(total)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_integer_operation_equals_serial(v in prop::collection::vec(-10_000i64..10_000, 0..500)) {
        prop_assert_eq!(par_for::with_threads(4, || all_ops(&v)), all_ops_serial(&v));
    }

    #[test]
    fn reductions_with_continue_and_break_equal_serial(v in prop::collection::vec(0i64..50, 0..400), stop in 0i64..50) {
        prop_assert_eq!(par_for::with_threads(4, || sum_until(&v, stop)), sum_until_serial(&v, stop));
    }

    #[test]
    fn reductions_with_question_mark_equal_serial(words in prop::collection::vec("[0-9]{1,3}|x", 0..100)) {
        let serial: Result<u64, _> = words.iter().map(|w| w.parse::<u64>()).sum();
        prop_assert_eq!(par_for::with_threads(4, || checked_total(&words)), serial);
    }
}

#[test]
fn a_word_count_merges_hash_maps() {
    let text = "the cat and The dog and THE bird ".repeat(100);
    let counts = par_for::with_threads(4, || word_count(&text));
    assert_eq!(counts["the"], 300);
    assert_eq!(counts["and"], 200);
    assert_eq!(counts.len(), 5);
}

#[par_for]
fn float_total(v: &[f64]) -> f64 {
    let mut total = 0.0;
    #[par_for(reduce(total: +))]
    for x in v {
        total += x;
    }
    total
}

#[test]
fn float_reductions_agree_within_rounding() {
    let v: Vec<f64> = (0..50_000).map(|i| (i % 97) as f64 * 0.1).collect();
    let serial: f64 = v.iter().sum();
    let parallel = par_for::with_threads(4, || float_total(&v));
    let bound = v.len() as f64 * f64::EPSILON * v.iter().map(|x| x.abs()).sum::<f64>();
    assert!((parallel - serial).abs() <= bound);
}

fn concat(mut left: Vec<u64>, right: Vec<u64>) -> Vec<u64> {
    left.extend(right);
    left
}

/// A reduction over an endless iterator (run through the bridge), left by `break`: it
/// must stop pulling, not read the source to its end first.
#[par_for]
fn multiples_until(step: u64, limit: u64) -> (Vec<u64>, u64) {
    let mut seen = Vec::new();
    let mut total = 0;
    #[par_for(reduce(seen: concat, total: +))]
    for x in (1u64..).filter(|x| x % step == 0) {
        if x > limit {
            break;
        }
        seen.push(x);
        total += x;
    }
    (seen, total)
}

#[test]
fn a_reduction_over_an_endless_bridged_iterator_stops_at_its_break() {
    // 300_000 items before the break: more than the bridge reads at once, so several
    // batches are folded, and their order must be kept (`concat` is not commutative).
    let (seen, total) = par_for::with_threads(4, || multiples_until(3, 900_000));
    let want: Vec<u64> = (1..=300_000).map(|i| 3 * i).collect();
    assert_eq!(total, want.iter().sum::<u64>());
    assert_eq!(seen, want);
}

#[par_for]
fn longest_with_index(words: &[&str]) -> (usize, usize) {
    let mut best = (0usize, 0usize);
    #[par_for(reduce(best: max))]
    for (i, w) in words.iter().enumerate() {
        best = best.max((w.len(), i));
    }
    best
}

#[test]
fn a_tuple_max_starts_from_the_least_tuple_without_a_named_identity() {
    let words: Vec<String> = (0..5000).map(|i| "x".repeat(i % 37)).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let serial = words
        .iter()
        .enumerate()
        .fold((0, 0), |best, (i, w)| best.max((w.len(), i)));
    for call in 0..4 {
        assert_eq!(longest_with_index(&words), serial, "call {call}");
    }
}

#[par_for]
fn sum_into_a_raw_identifier(v: &[u64]) -> u64 {
    let mut r#type = 0;
    #[par_for(reduce(r#type: +))]
    for x in v {
        r#type += x;
    }
    r#type
}

#[test]
fn a_raw_identifier_names_a_reduction() {
    let v: Vec<u64> = (0..10_000).collect();
    assert_eq!(sum_into_a_raw_identifier(&v), v.iter().sum());
}

/// A marked loop inside a marked loop, both reducing the same variable: the inner one
/// adds into the outer one's running value, as serially.
#[par_for]
fn nested_sums(rows: &[Vec<u64>]) -> (u64, u64, HashMap<u64, usize>) {
    let mut total = 0;
    let mut largest = 0;
    let mut counts: HashMap<u64, usize> = HashMap::new();
    #[par_for(reduce(total: +, largest: max, counts: merge_counts_by_key))]
    for row in rows {
        total += 1000;
        #[par_for(reduce(total: +, largest: max, counts: merge_counts_by_key))]
        for &x in row {
            total += x;
            largest = largest.max(x);
            *counts.entry(x % 7).or_insert(0) += 1;
        }
    }
    (total, largest, counts)
}

fn merge_counts_by_key(mut a: HashMap<u64, usize>, b: HashMap<u64, usize>) -> HashMap<u64, usize> {
    for (k, n) in b {
        *a.entry(k).or_insert(0) += n;
    }
    a
}

#[test]
fn a_loop_nested_in_a_loop_reduces_the_same_variable() {
    let rows: Vec<Vec<u64>> = (0..40u64)
        .map(|r| (0..500).map(|x| (x * 31 + r * 17) % 1009).collect())
        .collect();
    let mut counts = HashMap::new();
    for x in rows.iter().flatten() {
        *counts.entry(x % 7).or_insert(0) += 1;
    }
    let serial = (
        40 * 1000 + rows.iter().flatten().sum::<u64>(),
        *rows.iter().flatten().max().unwrap(),
        counts,
    );
    for call in 0..4 {
        assert_eq!(nested_sums(&rows), serial, "call {call}");
    }
}
