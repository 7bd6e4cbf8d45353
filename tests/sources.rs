//! Form 1 over sources with adapters the native list does not name (`map`, `filter`,
//! `rev`, `skip`, `windows`, `copied`, `chars`, `keys`, `values_mut`, `step_by`, `..=`,
//! `drain`, slices of a `Vec`): each loop, marked, has the effect of the same loop run
//! serially. The two functions are the same loops, with and without the marks. And in
//! every form, a source that borrows a temporary keeps it alive as long as the loop.

use par_for::par_for;
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
