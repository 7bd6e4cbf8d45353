//! Reductions accumulate in place, one copy per task, and combine in iteration order:
//! non-commutative merges (appending, concatenating, matrix products) give the serial
//! result, with early exits, several variables, and every kind of source.

// `v = v * x` is one of the update forms under test.
#![allow(clippy::assign_op_pattern)]

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use par_for::par_for;

mod common;
use proptest::prelude::*;

fn append(mut left: Vec<i64>, right: Vec<i64>) -> Vec<i64> {
    left.extend(right);
    left
}

fn concat(left: String, right: String) -> String {
    left + &right
}

#[par_for]
fn kept_in_order(v: &[i64], stop: i64) -> (Vec<i64>, String, i64, i64) {
    let mut kept = Vec::new();
    let mut text = String::new();
    let mut total = 0;
    let mut largest = i64::MIN;
    #[par_for(reduce(kept: append, text: concat, total: +, largest: max))]
    for &x in v {
        if x % 7 == 0 {
            continue;
        }
        if x == stop {
            break;
        }
        kept.push(x);
        text = concat(text, format!("{x},"));
        total -= x;
        largest = largest.max(x);
    }
    (kept, text, total, largest)
}

fn kept_in_order_serial(v: &[i64], stop: i64) -> (Vec<i64>, String, i64, i64) {
    let mut out = (Vec::new(), String::new(), 0, i64::MIN);
    for &x in v {
        if x % 7 == 0 {
            continue;
        }
        if x == stop {
            break;
        }
        out.0.push(x);
        out.1 += &format!("{x},");
        out.2 -= x;
        out.3 = out.3.max(x);
    }
    out
}

/// `return` and `?` out of a loop that appends: the function's value is the serial one.
#[par_for]
fn first_bad(words: &[String]) -> Result<Vec<u32>, std::num::ParseIntError> {
    let mut parsed = Vec::new();
    #[par_for(reduce(parsed: append_u32))]
    for w in words {
        if w == "stop" {
            return Ok(vec![u32::MAX]);
        }
        parsed.push(w.parse::<u32>()?);
    }
    Ok(parsed)
}

fn append_u32(mut left: Vec<u32>, right: Vec<u32>) -> Vec<u32> {
    left.extend(right);
    left
}

fn first_bad_serial(words: &[String]) -> Result<Vec<u32>, std::num::ParseIntError> {
    let mut parsed = Vec::new();
    for w in words {
        if w == "stop" {
            return Ok(vec![u32::MAX]);
        }
        parsed.push(w.parse::<u32>()?);
    }
    Ok(parsed)
}

/// A 2x2 matrix of wrapping integers: `*` is associative but not commutative, and it
/// has no `Default`, so the loop names its identity.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Mat2([u64; 4]);

impl Mat2 {
    const IDENTITY: Mat2 = Mat2([1, 0, 0, 1]);
    fn of(x: u64) -> Mat2 {
        Mat2([x, 1, x % 3, x.wrapping_mul(7)])
    }
}

impl std::ops::Mul for Mat2 {
    type Output = Mat2;
    fn mul(self, o: Mat2) -> Mat2 {
        let [a, b, c, d] = self.0;
        let [e, f, g, h] = o.0;
        Mat2([
            a.wrapping_mul(e).wrapping_add(b.wrapping_mul(g)),
            a.wrapping_mul(f).wrapping_add(b.wrapping_mul(h)),
            c.wrapping_mul(e).wrapping_add(d.wrapping_mul(g)),
            c.wrapping_mul(f).wrapping_add(d.wrapping_mul(h)),
        ])
    }
}

impl std::ops::MulAssign for Mat2 {
    fn mul_assign(&mut self, o: Mat2) {
        *self = *self * o;
    }
}

#[par_for]
fn product(xs: &[u64]) -> (Mat2, Mat2) {
    let mut left = Mat2::IDENTITY;
    let mut right = Mat2::IDENTITY;
    #[par_for(reduce(left: * = Mat2::IDENTITY, right: *= Mat2::IDENTITY))]
    for &x in xs {
        left *= Mat2::of(x);
        right = right * Mat2::of(x + 1);
    }
    (left, right)
}

fn product_serial(xs: &[u64]) -> (Mat2, Mat2) {
    let mut out = (Mat2::IDENTITY, Mat2::IDENTITY);
    for &x in xs {
        out.0 = out.0 * Mat2::of(x);
        out.1 = out.1 * Mat2::of(x + 1);
    }
    out
}

/// Bridged: the iterator is not splittable, so its items are folded batch by batch.
#[par_for]
fn bridged_words(text: &str) -> (String, usize) {
    let mut joined = String::new();
    let mut count = 0;
    #[par_for(reduce(joined: concat, count: +))]
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        joined.push_str(word);
        joined.push('/');
        count += 1;
    }
    (joined, count)
}

/// Unindexed: rayon splits a `BTreeMap` without positions, still in order.
#[par_for]
fn map_in_order(map: &BTreeMap<u32, u32>) -> (Vec<i64>, u64) {
    let mut keys = Vec::new();
    let mut sum = 0u64;
    #[par_for(reduce(keys: append, sum: +))]
    for (&k, &v) in map {
        keys.push(i64::from(k));
        sum += u64::from(v);
    }
    (keys, sum)
}

#[par_for]
fn set_total(set: &HashSet<u64>) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +))]
    for &x in set {
        total += x;
    }
    total
}

/// `if d < best { best = d; }`: the running minimum as serial code writes it.
#[par_for]
fn nearest_and_farthest(v: &[i64], target: i64) -> (i64, i64) {
    let mut best = i64::MAX;
    let mut worst = i64::MIN;
    #[par_for(reduce(best: min, worst: max))]
    for &x in v {
        let d = (x - target).abs();
        if d < best {
            best = d;
        }
        if worst <= d {
            worst = d;
        }
    }
    (best, worst)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn appending_and_concatenating_keep_the_serial_order(
        v in prop::collection::vec(0i64..60, 0..3000),
        stop in 0i64..80,
    ) {
        prop_assert_eq!(par_for::with_threads(4, || kept_in_order(&v, stop)), kept_in_order_serial(&v, stop));
    }

    #[test]
    fn running_minimum_and_maximum_as_ifs_equal_serial(v in prop::collection::vec(-5000i64..5000, 0..3000), t in -5000i64..5000) {
        let d = v.iter().map(|x| (x - t).abs());
        let want = (d.clone().min().unwrap_or(i64::MAX), d.max().unwrap_or(i64::MIN));
        prop_assert_eq!(par_for::with_threads(4, || nearest_and_farthest(&v, t)), want);
    }

    #[test]
    fn return_and_question_mark_out_of_an_appending_loop_equal_serial(
        words in prop::collection::vec("[0-9]{1,3}|x|stop", 0..300),
    ) {
        prop_assert_eq!(par_for::with_threads(4, || first_bad(&words)), first_bad_serial(&words));
    }

    #[test]
    fn a_non_commutative_product_with_a_named_identity_equals_serial(
        xs in prop::collection::vec(0u64..1000, 0..3000),
    ) {
        prop_assert_eq!(par_for::with_threads(4, || product(&xs)), product_serial(&xs));
    }

    #[test]
    fn a_bridged_source_concatenates_in_order(words in prop::collection::vec("[a-z]{0,4}", 0..2000)) {
        let text = words.join(" ");
        let serial: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
        let want = serial.iter().map(|w| format!("{w}/")).collect::<String>();
        prop_assert_eq!(par_for::with_threads(4, || bridged_words(&text)), (want, serial.len()));
    }

    #[test]
    fn unindexed_sources_reduce_as_serially(map in prop::collection::btree_map(0u32..100_000, 0u32..1000, 0..2000)) {
        let keys: Vec<i64> = map.keys().map(|&k| i64::from(k)).collect();
        let sum: u64 = map.values().map(|&v| u64::from(v)).sum();
        prop_assert_eq!(par_for::with_threads(4, || map_in_order(&map)), (keys, sum));
        let set: HashSet<u64> = map.keys().map(|&k| u64::from(k)).collect();
        prop_assert_eq!(par_for::with_threads(4, || set_total(&set)), set.iter().sum::<u64>());
    }
}

#[test]
fn a_bridged_source_longer_than_a_batch_concatenates_in_order() {
    let text = (0..200_000)
        .map(|i| (i % 10).to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let want = (0..200_000)
        .map(|i| format!("{}/", i % 10))
        .collect::<String>();
    assert_eq!(
        par_for::with_threads(4, || bridged_words(&text)),
        (want, 200_000)
    );
}

static IDENTITIES: AtomicUsize = AtomicUsize::new(0);

/// A 64 KB accumulator whose every creation is counted.
#[derive(Clone)]
struct Big(Box<[u64; 8192]>);

impl Default for Big {
    fn default() -> Self {
        IDENTITIES.fetch_add(1, Ordering::Relaxed);
        Big(Box::new([0; 8192]))
    }
}

fn add_big(mut a: Big, b: Big) -> Big {
    for (x, y) in a.0.iter_mut().zip(b.0.iter()) {
        *x += y;
    }
    a
}

#[par_for]
fn big_histogram(n: u64) -> Big {
    let mut h = Big(Box::new([0; 8192]));
    #[par_for(reduce(h: add_big))]
    for i in 0..n {
        h.0[(i % 8192) as usize] += 1;
    }
    h
}

#[par_for]
fn big_histogram_bridged(n: u64) -> Big {
    let mut h = Big(Box::new([0; 8192]));
    #[par_for(reduce(h: add_big))]
    for i in (0..n).filter(|i| i % 2 == 0) {
        h.0[(i % 8192) as usize] += 1;
    }
    h
}

/// Copies are made per task, not per item nor per tiny split. One test, so that no
/// other loop of this file counts identities meanwhile.
#[test]
fn accumulators_are_made_once_per_task() {
    let n = 4_000_000u64;
    for threads in [2, 3, 4] {
        IDENTITIES.store(0, Ordering::Relaxed);
        let h = par_for::with_threads(threads, || big_histogram(n));
        assert!(h.0.iter().all(|&c| c == n / 8192 || c == n / 8192 + 1));
        assert_eq!(h.0.iter().sum::<u64>(), n);
        let made = IDENTITIES.load(Ordering::Relaxed);
        if common::serial_switch() {
            assert_eq!(made, 0, "the serial loop updates the variable itself");
            continue;
        }
        // Rayon's adaptive splitting makes about 2 tasks per thread, more when work is
        // stolen (on a loaded machine, with 4 threads on 2 cores, 277 were seen); far
        // fewer than the 4 million items or the 15_625 blocks of 256.
        assert!(
            (1..=256 * threads).contains(&made),
            "{made} copies with {threads} threads"
        );
    }
    // Bridged: a batch of 65_536 items is folded as a native source cut into at most
    // 8 pieces per thread, so 31 batches make at most 32 copies each with 4 threads,
    // however often work is stolen (65 per batch were seen before the cap).
    IDENTITIES.store(0, Ordering::Relaxed);
    let h = par_for::with_threads(4, || big_histogram_bridged(n));
    assert_eq!(h.0.iter().sum::<u64>(), n / 2);
    let made = IDENTITIES.load(Ordering::Relaxed);
    if common::serial_switch() {
        assert_eq!(made, 0, "the serial loop updates the variable itself");
    } else {
        assert!(
            (1..=31 * 8 * 4).contains(&made),
            "{made} copies for 31 batches"
        );
    }
}

#[derive(Clone)]
struct Hist {
    c: [u64; 256],
}

impl Default for Hist {
    fn default() -> Self {
        Hist { c: [0; 256] }
    }
}

fn merge_hist(mut a: Hist, b: Hist) -> Hist {
    for (x, y) in a.c.iter_mut().zip(b.c) {
        *x += y;
    }
    a
}

type Sums = [(f64, f64, u64); 8];

fn merge_sums(mut a: Sums, b: Sums) -> Sums {
    for (x, y) in a.iter_mut().zip(b) {
        x.0 += y.0;
        x.1 += y.1;
        x.2 += y.2;
    }
    a
}

#[par_for]
fn histogram_and_cluster_sums(bytes: &[u8], points: &[(f64, f64)]) -> (Hist, Sums) {
    let mut h = Hist::default();
    #[par_for(reduce(h: merge_hist))]
    for &b in bytes {
        h.c[b as usize] += 1;
    }
    let mut sums: Sums = Default::default();
    #[par_for(reduce(sums: merge_sums), progress)]
    for (i, p) in points.iter().enumerate() {
        let c = i % 8;
        sums[c].0 += p.0;
        sums[c].1 = sums[c].1 + p.1;
        sums[c].2 += 1;
    }
    (h, sums)
}

#[test]
fn element_updates_of_a_histogram_and_of_cluster_sums_equal_serial() {
    let bytes: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 7) as u8)
        .collect();
    let points: Vec<(f64, f64)> = (0..50_000).map(|i| (i as f64, (i % 13) as f64)).collect();
    let (h, sums) = par_for::with_threads(3, || histogram_and_cluster_sums(&bytes, &points));
    let mut want = [0u64; 256];
    for &b in &bytes {
        want[b as usize] += 1;
    }
    assert_eq!(h.c, want);
    for (c, s) in sums.iter().enumerate() {
        let mine = points.iter().enumerate().filter(|(i, _)| i % 8 == c);
        assert_eq!(s.2, mine.clone().count() as u64);
        // Integers as floats: exact whatever the order of the additions.
        assert_eq!(s.0, mine.clone().map(|(_, p)| p.0).sum::<f64>());
        assert_eq!(s.1, mine.map(|(_, p)| p.1).sum::<f64>());
    }
}

/// A `let` of the body that shadows the variable ends the reduction's rewrite there.
#[par_for]
fn shadowed(v: &[u64], parallel: bool) -> u64 {
    let mut total = 0;
    #[par_for(reduce(total: +), if = parallel)]
    for &x in v {
        total += x;
        let total = x * 1000;
        assert_eq!(total / 1000, x);
    }
    total
}

#[test]
fn a_shadowing_let_and_the_serial_fallback_keep_the_serial_meaning() {
    let v: Vec<u64> = (0..10_000).collect();
    let want = v.iter().sum::<u64>();
    assert_eq!(par_for::with_threads(4, || shadowed(&v, true)), want);
    assert_eq!(par_for::with_threads(4, || shadowed(&v, false)), want);
}
