//! A reduction's copies combine the way the body writes its updates, so the result is
//! the serial loop's where two ways of writing the same operation differ: which of two
//! equal items `min`/`max` keeps, what a NaN does to `f64::min`, and `wrapping_add`
//! never overflowing where `+` panics in a debug build.
//!
//! Each loop is called several times: its first call runs on rayon's pool, later ones
//! on the team or serially, and every call must give the serial result.

use std::cmp::Ordering;

use par_for::par_for;

const CALLS: usize = 8;

/// Ordered by `score` only: two items of one score are equal to `<`, `>` and `max`, but
/// their `id`s tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Item {
    score: u32,
    id: u32,
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.cmp(&other.score)
    }
}

/// 10,000 items whose scores repeat every 100: each score ties 100 times.
fn items() -> Vec<Item> {
    (0..10_000)
        .map(|id| Item {
            score: id % 100,
            id,
        })
        .collect()
}

const LEAST: Item = Item {
    score: 0,
    id: u32::MAX,
};
const GREATEST: Item = Item {
    score: u32::MAX,
    id: u32::MAX,
};

/// The best item by each form of update: `(x > best, x >= best, best < x, best.max(x),
/// max(best, x))` under `max`, and `(x < worst, x <= worst, worst.min(x))` under `min`.
#[par_for]
fn kept(items: &[Item]) -> [u32; 8] {
    let (mut gt, mut ge, mut lt_flipped, mut method, mut function) =
        (LEAST, LEAST, LEAST, LEAST, LEAST);
    let (mut lt, mut le, mut min_method) = (GREATEST, GREATEST, GREATEST);
    #[par_for(reduce(gt: max = LEAST, ge: max = LEAST, lt_flipped: max = LEAST,
                     method: max = LEAST, function: max = LEAST,
                     lt: min = GREATEST, le: min = GREATEST, min_method: min = GREATEST))]
    for &x in items {
        if x > gt {
            gt = x;
        }
        if x >= ge {
            ge = x;
        }
        if lt_flipped < x {
            lt_flipped = x;
        }
        method = method.max(x);
        function = std::cmp::max(function, x);
        if x < lt {
            lt = x;
        }
        if x <= le {
            le = x;
        }
        min_method = min_method.min(x);
    }
    [gt, ge, lt_flipped, method, function, lt, le, min_method].map(|item| item.id)
}

fn kept_serial(items: &[Item]) -> [u32; 8] {
    let (mut gt, mut ge, mut lt_flipped, mut method, mut function) =
        (LEAST, LEAST, LEAST, LEAST, LEAST);
    let (mut lt, mut le, mut min_method) = (GREATEST, GREATEST, GREATEST);
    for &x in items {
        if x > gt {
            gt = x;
        }
        if x >= ge {
            ge = x;
        }
        if lt_flipped < x {
            lt_flipped = x;
        }
        method = method.max(x);
        function = std::cmp::max(function, x);
        if x < lt {
            lt = x;
        }
        if x <= le {
            le = x;
        }
        min_method = min_method.min(x);
    }
    [gt, ge, lt_flipped, method, function, lt, le, min_method].map(|item| item.id)
}

#[test]
fn min_and_max_keep_the_item_of_a_tie_that_the_written_update_keeps() {
    let items = items();
    let serial = kept_serial(&items);
    // The first 99 (`>`), the last 99 (`>=`, `max`), the first 0 (`<`, `min`), the
    // last 0 (`<=`).
    assert_eq!(serial, [99, 9999, 99, 9999, 9999, 0, 9900, 0]);
    for call in 0..CALLS {
        assert_eq!(kept(&items), serial, "call {call}");
    }
}

/// The smallest and largest of `v` from NaN, by `f64::min`/`f64::max` (which ignore a
/// NaN) and by comparisons (a NaN start stays: nothing compares below it).
#[par_for]
fn float_extremes(v: &[f64]) -> [f64; 3] {
    let (mut lo, mut hi, mut compared) = (f64::NAN, f64::NAN, f64::NAN);
    #[par_for(reduce(lo: min, hi: max, compared: min))]
    for &x in v {
        lo = lo.min(x);
        hi = hi.max(x);
        if x < compared {
            compared = x;
        }
    }
    [lo, hi, compared]
}

#[test]
fn an_f64_min_from_nan_ignores_it_as_f64_min_does() {
    // Every 7th item a NaN, the others 0..; the smallest number is 1.0, the largest 9999.
    let v: Vec<f64> = (0..10_000)
        .map(|i| if i % 7 == 0 { f64::NAN } else { f64::from(i) })
        .collect();
    for call in 0..CALLS {
        let [lo, hi, compared] = float_extremes(&v);
        assert_eq!((lo, hi), (1.0, 9999.0), "call {call}");
        assert!(
            compared.is_nan(),
            "call {call}: a NaN start stays, as serially"
        );
    }
}

/// A hash of the items by `wrapping_add`, `wrapping_sub` and `wrapping_mul`: serially
/// these never panic, so the combining of the copies must not either.
#[par_for]
fn wrapping(v: &[u64]) -> (u64, u64, u64) {
    let (mut sum, mut diff, mut product) = (u64::MAX, 0u64, 1u64);
    #[par_for(reduce(sum: +, diff: +, product: *))]
    for &x in v {
        sum = sum.wrapping_add(x);
        diff = diff.wrapping_sub(x);
        product = u64::wrapping_mul(product, x | 1);
    }
    (sum, diff, product)
}

fn wrapping_serial(v: &[u64]) -> (u64, u64, u64) {
    let (mut sum, mut diff, mut product) = (u64::MAX, 0u64, 1u64);
    for &x in v {
        sum = sum.wrapping_add(x);
        diff = diff.wrapping_sub(x);
        product = u64::wrapping_mul(product, x | 1);
    }
    (sum, diff, product)
}

#[test]
fn wrapping_updates_combine_without_overflow_checks() {
    let v: Vec<u64> = (0..10_000u64)
        .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .collect();
    let serial = wrapping_serial(&v);
    for call in 0..CALLS {
        assert_eq!(wrapping(&v), serial, "call {call}");
    }
}
