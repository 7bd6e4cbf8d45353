//! Form 1 and Form 2 sources with the adapters rayon has (`copied`, `cloned`, `map`,
//! `rev`, `skip`, `take`, `step_by`, `chain`, `windows`, `chunks_exact`, `enumerate`,
//! `zip` of any two sources) and some it lacks (`peekable`, `scan`, `filter`): each
//! marked loop has the effect of the same loop run serially, and the chains on a
//! collection rayon can split are split natively, not fed through the bridge.

use par_for::{__source_is_native as is_native, par_for};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// What a loop saw: one entry per iteration, tagged, sorted (iterations run in any
/// order; the entries carry the positions that make the order visible).
type Log = Mutex<Vec<String>>;

fn note(log: &Log, tag: &str, value: impl std::fmt::Debug) {
    log.lock().unwrap().push(format!("{tag} {value:?}"));
}

fn finish(log: Log) -> Vec<String> {
    let mut entries = log.into_inner().unwrap();
    entries.sort();
    entries
}

struct Data {
    nums: Vec<u64>,
    more: Vec<u64>,
    names: Vec<String>,
    text: String,
    set: BTreeSet<u64>,
    map: BTreeMap<u64, String>,
}

fn data(n: u64) -> Data {
    Data {
        nums: (0..n).map(|i| i * 7 % 23).collect(),
        more: (0..n / 3).collect(),
        names: (0..n).map(|i| format!("n{i}")).collect(),
        text: (0..n).map(|i| format!("w{i} ")).collect(),
        set: (0..n).map(|i| i * 5 % 97).collect(),
        map: (0..n).map(|i| (i * 3, format!("m{i}"))).collect(),
    }
}

#[par_for]
fn adapters_marked(d: &Data) -> Vec<String> {
    let log = Log::default();
    let Data {
        nums,
        more,
        names,
        text,
        set,
        map,
    } = d;
    #[par_for]
    for (i, x) in nums.iter().copied().enumerate() {
        note(&log, "copied", (i, x));
    }
    #[par_for]
    for (i, s) in names.iter().cloned().enumerate() {
        note(&log, "cloned", (i, s));
    }
    #[par_for]
    for (i, x) in nums.iter().map(|x| x * 3 + 1).enumerate() {
        note(&log, "map", (i, x));
    }
    #[par_for]
    for (i, x) in nums.iter().copied().map(u64::count_ones).enumerate() {
        note(&log, "map fn", (i, x));
    }
    #[par_for]
    for (i, x) in nums.iter().rev().enumerate() {
        note(&log, "rev", (i, x));
    }
    #[par_for]
    for (i, x) in nums.iter().skip(7).enumerate() {
        note(&log, "skip", (i, x));
    }
    #[par_for]
    for (i, x) in nums.iter().take(13).enumerate() {
        note(&log, "take", (i, x));
    }
    #[par_for]
    for (i, x) in nums.iter().step_by(3).enumerate() {
        note(&log, "step_by", (i, x));
    }
    #[par_for]
    for (i, x) in nums.iter().chain(more.iter()).enumerate() {
        note(&log, "chain", (i, x));
    }
    #[par_for]
    for (i, w) in nums.windows(3).enumerate() {
        note(&log, "windows", (i, w));
    }
    #[par_for]
    for (i, c) in nums.chunks_exact(4).enumerate() {
        note(&log, "chunks_exact", (i, c));
    }
    #[par_for]
    for (i, x) in nums
        .iter()
        .copied()
        .map(|x| x + 1)
        .enumerate()
        .skip(2)
        .rev()
    {
        note(&log, "long chain", (i, x));
    }
    #[par_for]
    for (i, (x, y)) in nums.iter().zip(more.iter().rev()).enumerate() {
        note(&log, "zip native", (i, x, y));
    }
    #[par_for]
    for (i, (x, w)) in nums.iter().zip(text.split(' ')).enumerate() {
        note(&log, "zip native bridged", (i, x, w));
    }
    #[par_for]
    for (i, (w, x)) in text.split(' ').zip(nums.iter().copied()).enumerate() {
        note(&log, "zip bridged native", (i, w, x));
    }
    #[par_for]
    for (i, (w, c)) in text.split(' ').zip(text.chars()).enumerate() {
        note(&log, "zip bridged", (i, w, c));
    }
    #[par_for]
    for (x, i) in nums.iter().zip(10u64..) {
        note(&log, "zip endless", (i, x));
    }
    #[par_for]
    for (i, x) in (10u64..).zip(more.iter()) {
        note(&log, "endless zip", (i, x));
    }
    #[par_for]
    for (i, (k, v)) in map.iter().enumerate() {
        note(&log, "map enumerate", (i, k, v));
    }
    #[par_for]
    for (i, x) in set.iter().rev().skip(1).enumerate() {
        note(&log, "set rev", (i, x));
    }
    #[par_for]
    for (i, (x, y)) in set.iter().zip(nums.iter()).enumerate() {
        note(&log, "set zip", (i, x, y));
    }
    #[par_for]
    for (i, (y, x)) in nums.iter().zip(set.iter()).enumerate() {
        note(&log, "zip set", (i, x, y));
    }
    #[par_for]
    for (i, x) in set.iter().chain(more.iter()).enumerate() {
        note(&log, "set chain", (i, x));
    }
    #[par_for]
    for (i, x) in nums.iter().chain(std::iter::once(&99)).enumerate() {
        note(&log, "chain once", (i, x));
    }
    #[par_for]
    for (i, x) in text
        .split(' ')
        .map(str::len)
        .chain(more.iter().map(|&m| m as usize))
        .enumerate()
    {
        note(&log, "bridged chain", (i, x));
    }
    #[par_for]
    for (i, x) in nums.iter().peekable().enumerate() {
        note(&log, "peekable", (i, x));
    }
    #[par_for]
    for (i, x) in nums
        .iter()
        .scan(0, |acc, x| {
            *acc += x;
            Some(*acc)
        })
        .enumerate()
    {
        note(&log, "scan", (i, x));
    }
    #[par_for]
    for (i, x) in nums.iter().filter(|x| **x % 3 == 0).enumerate() {
        note(&log, "filter", (i, x));
    }
    #[par_for]
    for (i, x) in nums
        .iter()
        .copied()
        .skip_while(|x| *x < 20)
        .take(5)
        .enumerate()
    {
        note(&log, "skip_while", (i, x));
    }
    finish(log)
}

fn adapters_serial(d: &Data) -> Vec<String> {
    let log = Log::default();
    let Data {
        nums,
        more,
        names,
        text,
        set,
        map,
    } = d;
    for (i, x) in nums.iter().copied().enumerate() {
        note(&log, "copied", (i, x));
    }
    for (i, s) in names.iter().cloned().enumerate() {
        note(&log, "cloned", (i, s));
    }
    for (i, x) in nums.iter().map(|x| x * 3 + 1).enumerate() {
        note(&log, "map", (i, x));
    }
    for (i, x) in nums.iter().copied().map(u64::count_ones).enumerate() {
        note(&log, "map fn", (i, x));
    }
    for (i, x) in nums.iter().rev().enumerate() {
        note(&log, "rev", (i, x));
    }
    for (i, x) in nums.iter().skip(7).enumerate() {
        note(&log, "skip", (i, x));
    }
    for (i, x) in nums.iter().take(13).enumerate() {
        note(&log, "take", (i, x));
    }
    for (i, x) in nums.iter().step_by(3).enumerate() {
        note(&log, "step_by", (i, x));
    }
    for (i, x) in nums.iter().chain(more.iter()).enumerate() {
        note(&log, "chain", (i, x));
    }
    for (i, w) in nums.windows(3).enumerate() {
        note(&log, "windows", (i, w));
    }
    for (i, c) in nums.chunks_exact(4).enumerate() {
        note(&log, "chunks_exact", (i, c));
    }
    for (i, x) in nums
        .iter()
        .copied()
        .map(|x| x + 1)
        .enumerate()
        .skip(2)
        .rev()
    {
        note(&log, "long chain", (i, x));
    }
    for (i, (x, y)) in nums.iter().zip(more.iter().rev()).enumerate() {
        note(&log, "zip native", (i, x, y));
    }
    for (i, (x, w)) in nums.iter().zip(text.split(' ')).enumerate() {
        note(&log, "zip native bridged", (i, x, w));
    }
    for (i, (w, x)) in text.split(' ').zip(nums.iter().copied()).enumerate() {
        note(&log, "zip bridged native", (i, w, x));
    }
    for (i, (w, c)) in text.split(' ').zip(text.chars()).enumerate() {
        note(&log, "zip bridged", (i, w, c));
    }
    for (x, i) in nums.iter().zip(10u64..) {
        note(&log, "zip endless", (i, x));
    }
    for (i, x) in (10u64..).zip(more.iter()) {
        note(&log, "endless zip", (i, x));
    }
    for (i, (k, v)) in map.iter().enumerate() {
        note(&log, "map enumerate", (i, k, v));
    }
    for (i, x) in set.iter().rev().skip(1).enumerate() {
        note(&log, "set rev", (i, x));
    }
    for (i, (x, y)) in set.iter().zip(nums.iter()).enumerate() {
        note(&log, "set zip", (i, x, y));
    }
    for (i, (y, x)) in nums.iter().zip(set.iter()).enumerate() {
        note(&log, "zip set", (i, x, y));
    }
    for (i, x) in set.iter().chain(more.iter()).enumerate() {
        note(&log, "set chain", (i, x));
    }
    for (i, x) in nums.iter().chain(std::iter::once(&99)).enumerate() {
        note(&log, "chain once", (i, x));
    }
    for (i, x) in text
        .split(' ')
        .map(str::len)
        .chain(more.iter().map(|&m| m as usize))
        .enumerate()
    {
        note(&log, "bridged chain", (i, x));
    }
    for (i, x) in nums.iter().peekable().enumerate() {
        note(&log, "peekable", (i, x));
    }
    for (i, x) in nums
        .iter()
        .scan(0, |acc, x| {
            *acc += x;
            Some(*acc)
        })
        .enumerate()
    {
        note(&log, "scan", (i, x));
    }
    for (i, x) in nums.iter().filter(|x| **x % 3 == 0).enumerate() {
        note(&log, "filter", (i, x));
    }
    for (i, x) in nums
        .iter()
        .copied()
        .skip_while(|x| *x < 20)
        .take(5)
        .enumerate()
    {
        note(&log, "skip_while", (i, x));
    }
    finish(log)
}

#[test]
fn adapters_have_the_serial_effect() {
    for n in [0, 1, 5, 64, 1000] {
        let d = data(n);
        let serial = adapters_serial(&d);
        assert_eq!(
            par_for::with_threads(4, || adapters_marked(&d)),
            serial,
            "n = {n}"
        );
    }
}

#[par_for]
fn writes_through_adapted_items(data: &[u64], out: &mut [u64], blocks: &mut [u64]) {
    #[par_for]
    for (x, slot) in data.iter().copied().zip(out.iter_mut()) {
        *slot = x * 2;
    }
    #[par_for]
    for (i, slot) in out.iter_mut().rev().step_by(2).enumerate() {
        *slot += i as u64 * 1000;
    }
    #[par_for]
    for (block, x) in blocks.chunks_exact_mut(3).zip(data.iter().map(|x| x + 1)) {
        block[0] = block.iter().sum::<u64>() + x;
    }
}

#[test]
fn adapted_mutable_items_are_written_as_serially() {
    let data: Vec<u64> = (0..100).collect();
    let mut out = vec![1; 90];
    let mut blocks: Vec<u64> = (0..200).collect();
    par_for::with_threads(4, || {
        writes_through_adapted_items(&data, &mut out, &mut blocks)
    });
    let mut want_out = vec![1; 90];
    let mut want_blocks: Vec<u64> = (0..200).collect();
    for (x, slot) in data.iter().copied().zip(want_out.iter_mut()) {
        *slot = x * 2;
    }
    for (i, slot) in want_out.iter_mut().rev().step_by(2).enumerate() {
        *slot += i as u64 * 1000;
    }
    for (block, x) in want_blocks
        .chunks_exact_mut(3)
        .zip(data.iter().map(|x| x + 1))
    {
        block[0] = block.iter().sum::<u64>() + x;
    }
    assert_eq!(out, want_out);
    assert_eq!(blocks, want_blocks);
}

#[test]
fn chains_on_a_splittable_collection_are_split_natively() {
    let nums: Vec<u64> = (0..10).collect();
    let mut out = vec![0u64; 10];
    let set: BTreeSet<u64> = (0..10).collect();
    let text = "a b c";
    assert!(is_native!(nums.iter().copied()));
    assert!(is_native!(nums.iter().cloned()));
    assert!(is_native!(nums.iter().map(|x| x + 1)));
    assert!(is_native!(nums.iter().rev()));
    assert!(is_native!(nums.iter().skip(2)));
    assert!(is_native!(nums.iter().take(2)));
    assert!(is_native!(nums.iter().step_by(2)));
    assert!(is_native!(nums.iter().chain(nums.iter())));
    assert!(is_native!(nums.windows(2)));
    assert!(is_native!(nums.chunks_exact(2)));
    assert!(is_native!(out.chunks_exact_mut(2)));
    assert!(is_native!(out.iter_mut().rev().enumerate()));
    assert!(is_native!(nums.iter().copied().enumerate()));
    assert!(is_native!(nums.iter().copied().zip(out.iter_mut())));
    assert!(is_native!(nums.iter().zip(text.split(' '))));
    assert!(is_native!(text.split(' ').zip(nums.iter())));
    assert!(is_native!(set.iter().enumerate()));
    assert!(is_native!(set.iter().zip(nums.iter())));
    assert!(is_native!((0..10).map(|x| x * 2).rev()));
    // What rayon cannot split, or an adapter it lacks, goes through the bridge.
    assert!(!is_native!(text.split(' ').zip(text.chars())));
    assert!(!is_native!(nums.iter().peekable()));
    assert!(!is_native!(nums.iter().filter(|x| **x > 2)));
    assert!(!is_native!(nums.iter().chain(std::iter::once(&1))));
}

/// What the pipelines give: pairs, a sum, a zip, a zip of adapted sources.
type Piped = (Vec<u64>, u64, Vec<(u64, usize)>, Vec<u64>);

#[par_for]
fn pipelines_marked(nums: &[u64], text: &str) -> Piped {
    #[par_for]
    let pairs: Vec<u64> = nums.windows(2).map(|w| w[0] * 100 + w[1]).collect();
    #[par_for]
    let blocks: u64 = nums
        .chunks_exact(3)
        .map(|c| c.iter().product::<u64>())
        .sum();
    #[par_for]
    let zipped: Vec<(u64, usize)> = nums
        .iter()
        .copied()
        .zip(text.split(' ').map(str::len))
        .collect();
    #[par_for]
    let chained: Vec<u64> = nums
        .iter()
        .zip(nums.iter().rev().skip(1).step_by(2))
        .map(|(a, b)| a * b)
        .collect();
    (pairs, blocks, zipped, chained)
}

#[test]
fn pipeline_sources_take_the_same_adapters() {
    let nums: Vec<u64> = (1..200).map(|i| i % 13).collect();
    let text: String = (0..150)
        .map(|i| format!("{} ", "x".repeat(i % 5)))
        .collect();
    let serial = (
        nums.windows(2)
            .map(|w| w[0] * 100 + w[1])
            .collect::<Vec<_>>(),
        nums.chunks_exact(3)
            .map(|c| c.iter().product::<u64>())
            .sum::<u64>(),
        nums.iter()
            .copied()
            .zip(text.split(' ').map(str::len))
            .collect::<Vec<_>>(),
        nums.iter()
            .zip(nums.iter().rev().skip(1).step_by(2))
            .map(|(a, b)| a * b)
            .collect::<Vec<_>>(),
    );
    assert_eq!(
        par_for::with_threads(4, || pipelines_marked(&nums, &text)),
        serial
    );
}

#[par_for]
fn random_chains_marked(
    nums: &[u64],
    other: &[u64],
    (skip, take, step, size): (usize, usize, usize, usize),
) -> Vec<(u8, usize, u64)> {
    let log = Mutex::new(Vec::new());
    let push = |tag: u8, i: usize, x: u64| log.lock().unwrap().push((tag, i, x));
    #[par_for]
    for (i, x) in nums
        .iter()
        .copied()
        .map(|x| x * 3)
        .skip(skip)
        .take(take)
        .step_by(step)
        .chain(other.iter().rev().copied())
        .enumerate()
    {
        push(0, i, x);
    }
    #[par_for]
    for (i, w) in nums.windows(size).enumerate() {
        push(1, i, w.iter().sum());
    }
    #[par_for]
    for (i, (c, o)) in nums
        .chunks_exact(size)
        .zip(other.iter().filter(|x| **x % 2 == 0))
        .enumerate()
    {
        push(2, i, c[0] + o);
    }
    #[par_for]
    for (i, (o, x)) in other
        .iter()
        .filter(|x| **x % 3 != 0)
        .zip(nums.iter().rev().skip(skip))
        .enumerate()
    {
        push(3, i, o * 1000 + x);
    }
    let mut log = log.into_inner().unwrap();
    log.sort();
    log
}

fn random_chains_serial(
    nums: &[u64],
    other: &[u64],
    (skip, take, step, size): (usize, usize, usize, usize),
) -> Vec<(u8, usize, u64)> {
    let mut log = Vec::new();
    let chain = nums
        .iter()
        .copied()
        .map(|x| x * 3)
        .skip(skip)
        .take(take)
        .step_by(step)
        .chain(other.iter().rev().copied());
    for (i, x) in chain.enumerate() {
        log.push((0, i, x));
    }
    for (i, w) in nums.windows(size).enumerate() {
        log.push((1, i, w.iter().sum()));
    }
    let evens = other.iter().filter(|x| **x % 2 == 0);
    for (i, (c, o)) in nums.chunks_exact(size).zip(evens).enumerate() {
        log.push((2, i, c[0] + o));
    }
    let odd_thirds = other.iter().filter(|x| **x % 3 != 0);
    for (i, (o, x)) in odd_thirds.zip(nums.iter().rev().skip(skip)).enumerate() {
        log.push((3, i, o * 1000 + x));
    }
    log.sort();
    log
}

/// The first item (in the chain's order) that matches, by `return`.
#[par_for]
fn first_match_marked(nums: &[u64], skip: usize, step: usize, target: u64) -> Option<(usize, u64)> {
    #[par_for]
    for (i, x) in nums
        .iter()
        .copied()
        .skip(skip)
        .step_by(step)
        .enumerate()
        .rev()
    {
        if x % 10 == target {
            return Some((i, x));
        }
    }
    None
}

fn first_match_serial(nums: &[u64], skip: usize, step: usize, target: u64) -> Option<(usize, u64)> {
    nums.iter()
        .copied()
        .skip(skip)
        .step_by(step)
        .enumerate()
        .rev()
        .find(|(_, x)| x % 10 == target)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn random_adapter_chains_give_the_serial_items(
        nums in proptest::collection::vec(0u64..1000, 0..300),
        other in proptest::collection::vec(0u64..1000, 0..300),
        skip in 0usize..50,
        take in 0usize..400,
        step in 1usize..6,
        size in 1usize..5,
    ) {
        let params = (skip, take, step, size);
        let marked = par_for::with_threads(4, || random_chains_marked(&nums, &other, params));
        proptest::prop_assert_eq!(marked, random_chains_serial(&nums, &other, params));
    }

    #[test]
    fn return_through_adapters_is_the_serial_one(
        nums in proptest::collection::vec(0u64..1000, 0..500),
        skip in 0usize..50,
        step in 1usize..6,
        target in 0u64..10,
    ) {
        let marked = par_for::with_threads(4, || first_match_marked(&nums, skip, step, target));
        proptest::prop_assert_eq!(marked, first_match_serial(&nums, skip, step, target));
    }
}

/// Chains of everyday code that mix the adapters with receivers of every kind.
#[par_for]
fn everyday_chains_marked<T: Copy + Send + Sync + Into<u64>>(generic: &[T]) -> Vec<String> {
    let log = Log::default();
    let words: Vec<String> = ["ab", "c", "def"].iter().map(|s| s.to_string()).collect();
    let owned: Vec<u64> = vec![7, 8, 9];
    let k = 5;
    let mut it = 10u64..20;
    let map: BTreeMap<u64, u64> = (0..4).map(|i| (i, i * i)).collect();
    #[par_for]
    for x in it.by_ref().take(3) {
        note(&log, "by_ref", x);
    }
    #[par_for]
    for v in map.keys().copied().rev() {
        note(&log, "keys", v);
    }
    #[par_for]
    for c in "hello".chars().rev().enumerate() {
        note(&log, "chars", c);
    }
    #[par_for]
    for (w, o) in words.iter().zip(owned.clone()) {
        note(&log, "zip owned", (w, o));
    }
    #[par_for]
    for (w, o) in words.iter().map(|w: &String| w.len()).zip(&owned) {
        note(&log, "zip ref", (w, o));
    }
    #[par_for]
    for row in 0..3u64 {
        #[par_for]
        for y in owned.iter().map(move |v| v * k + row) {
            note(&log, "nested", y);
        }
    }
    #[par_for]
    for (i, x) in generic.iter().copied().map(Into::into).enumerate() {
        let x: u64 = x;
        note(&log, "generic", (i, x));
    }
    note(&log, "rest", it.collect::<Vec<_>>());
    finish(log)
}

fn everyday_chains_serial<T: Copy + Send + Sync + Into<u64>>(generic: &[T]) -> Vec<String> {
    let log = Log::default();
    let words: Vec<String> = ["ab", "c", "def"].iter().map(|s| s.to_string()).collect();
    let owned: Vec<u64> = vec![7, 8, 9];
    let k = 5;
    let mut it = 10u64..20;
    let map: BTreeMap<u64, u64> = (0..4).map(|i| (i, i * i)).collect();
    for x in it.by_ref().take(3) {
        note(&log, "by_ref", x);
    }
    for v in map.keys().copied().rev() {
        note(&log, "keys", v);
    }
    for c in "hello".chars().rev().enumerate() {
        note(&log, "chars", c);
    }
    for (w, o) in words.iter().zip(owned.clone()) {
        note(&log, "zip owned", (w, o));
    }
    for (w, o) in words.iter().map(|w: &String| w.len()).zip(&owned) {
        note(&log, "zip ref", (w, o));
    }
    for row in 0..3u64 {
        for y in owned.iter().map(move |v| v * k + row) {
            note(&log, "nested", y);
        }
    }
    for (i, x) in generic.iter().copied().map(Into::into).enumerate() {
        let x: u64 = x;
        note(&log, "generic", (i, x));
    }
    note(&log, "rest", it.collect::<Vec<_>>());
    finish(log)
}

#[test]
fn everyday_chains_have_the_serial_effect() {
    let generic = [3u32, 1, 4, 1, 5];
    assert_eq!(
        par_for::with_threads(4, || everyday_chains_marked(&generic)),
        everyday_chains_serial(&generic)
    );
}
