//! Every form that updates a reduction variable, accepted and equal to serial.
use std::collections::HashMap;
use std::fmt::Write;

use par_for::par_for;

#[derive(Clone, Default)]
struct Hist {
    c: Vec<u64>,
    total: u64,
}

fn merge(mut a: Hist, b: Hist) -> Hist {
    a.c.resize(a.c.len().max(b.c.len()), 0);
    for (x, y) in a.c.iter_mut().zip(b.c) {
        *x += y;
    }
    a.total += b.total;
    a
}

fn add_one(mut h: Hist, b: usize) -> Hist {
    if h.c.len() <= b {
        h.c.resize(b + 1, 0);
    }
    h.c[b] += 1;
    h.total += 1;
    h
}

fn record(h: &mut Hist, b: usize) {
    *h = add_one(std::mem::take(h), b);
}

fn append(mut a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    a.extend(b);
    a
}

fn concat(a: String, b: String) -> String {
    a + &b
}

fn merge_counts(mut a: HashMap<u64, u64>, b: HashMap<u64, u64>) -> HashMap<u64, u64> {
    for (k, n) in b {
        *a.entry(k).or_default() += n;
    }
    a
}

type Sums = [(f64, f64, u64); 4];

fn merge_sums(mut a: Sums, b: Sums) -> Sums {
    for (x, y) in a.iter_mut().zip(b) {
        x.0 += y.0;
        x.1 += y.1;
        x.2 += y.2;
    }
    a
}

#[par_for]
fn main() {
    let mut sum = 0i64;
    let mut wrapped = 0u32;
    let mut product = 1u64;
    let mut low = u64::MAX;
    let mut low2 = u64::MAX;
    let mut high3 = 0;
    let mut high = 0u64;
    let mut high2 = 0u64;
    let mut bits = 0u8;
    let mut h = Hist::default();
    let mut h2 = Hist::default();
    let mut v = Vec::new();
    let mut s = String::new();
    let mut counts: HashMap<u64, u64> = HashMap::new();
    let mut sums: Sums = Default::default();
    #[par_for(reduce(sum: +, wrapped: +, product: *, low: min, low2: min, high3: max, high: max, high2: max, bits: |,
                     h: merge, h2: merge, v: append, s: concat, counts: merge_counts, sums: merge_sums))]
    for x in 1..=20u64 {
        sum += x as i64;
        sum -= 1;
        sum = sum + 2;
        wrapped = wrapped.wrapping_add(x as u32);
        product *= x % 3 + 1;
        product = product * 1;
        low = low.min(x);
        if x + 1 < low2 {
            low2 = x + 1;
        }
        if high3 < x * 3 {
            high3 = x * 3;
        }
        high = high.max(x);
        high2 = std::cmp::max(high2, x * 2);
        bits |= 1 << (x % 8);
        h.c.resize(30, 0);
        h.c[x as usize] += 1;
        h.total += 1;
        h2 = add_one(h2, x as usize % 3);
        record(&mut h2, 7);
        v.push(x);
        if x % 2 == 0 {
            v.extend([x, x]);
        } else {
            v.push(0);
        }
        s.push_str("a");
        write!(s, "{x},").unwrap();
        writeln!(&mut s).unwrap();
        *counts.entry(x % 4).or_default() += 1;
        let c = (x % 4) as usize;
        sums[c].0 += x as f64;
        sums[c].1 = sums[c].1 + 0.5;
        sums[c].2 += 1;
        let sum = 5;
        assert_eq!(sum, 5);
        let h = 3;
        assert_eq!(h, 3);
    }
    assert_eq!(sum, (1..=20).sum::<i64>() + 20);
    assert_eq!(wrapped, 210);
    assert_eq!(low, 1);
    assert_eq!(low2, 2);
    assert_eq!(high3, 60);
    assert_eq!(high, 20);
    assert_eq!(high2, 40);
    assert_eq!(bits, 0xFF);
    assert_eq!(h.total, 20);
    assert_eq!(h2.total, 40);
    assert_eq!(h2.c[7], 20);
    assert_eq!(v.len(), 50);
    assert!(s.starts_with("a1,\na2,\na3,\n"));
    assert_eq!(counts[&0], 5);
    assert_eq!(sums.iter().map(|s| s.2).sum::<u64>(), 20);
    let _ = product;
}
