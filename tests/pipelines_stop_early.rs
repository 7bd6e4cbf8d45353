//! A pipeline that stops at a count of positions after dropping items (`filter(..)
//! .take(n)`, `.position(..)`, `.enumerate().find(..)`, `.zip(short)`) reads about as far
//! as the serial one, over a range or a `Vec` too: it does not run the stage before the
//! count over every item first (`(2..u64::MAX).filter(is_prime).take(10)` never ended).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use par_for::par_for;

/// Items a pipeline may read: 10 million, of which the serial pipelines read a few
/// hundred at most.
const N: u64 = 10_000_000;
/// Far more than any batch reads ahead, far fewer than `N`.
const READ_AHEAD: u64 = 1_000_000;

fn is_prime(n: u64, calls: &AtomicU64) -> bool {
    calls.fetch_add(1, Relaxed);
    n > 1 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)
}

/// What the five pipelines give.
type Stopped = (
    Vec<u64>,
    Vec<u64>,
    Option<usize>,
    Option<(usize, u64)>,
    Vec<(u64, char)>,
);

#[par_for]
fn stopping(v: &[u64], calls: &AtomicU64) -> Stopped {
    #[par_for]
    let from_range: Vec<u64> = (0..N).filter(|n| is_prime(*n, calls)).take(10).collect();
    #[par_for]
    let from_vec: Vec<u64> = v
        .iter()
        .copied()
        .filter(|n| is_prime(*n, calls))
        .take(10)
        .collect();
    #[par_for]
    let tenth: Option<usize> = v
        .iter()
        .filter(|n| is_prime(**n, calls))
        .position(|n| *n > 28);
    #[par_for]
    let found: Option<(usize, u64)> = (0..N)
        .filter(|n| is_prime(*n, calls))
        .enumerate()
        .find(|(i, _)| *i == 20);
    #[par_for]
    let zipped: Vec<(u64, char)> = (0..N)
        .filter(|n| is_prime(*n, calls))
        .zip(['a', 'b', 'c'])
        .collect();
    (from_range, from_vec, tenth, found, zipped)
}

#[test]
fn pipelines_that_stop_at_a_count_after_a_filter_read_about_as_far_as_serially() {
    let v: Vec<u64> = (0..N).collect();
    let primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29];
    for call in 0..3 {
        let calls = AtomicU64::new(0);
        let (from_range, from_vec, tenth, found, zipped) = stopping(&v, &calls);
        assert_eq!(from_range, primes, "call {call}");
        assert_eq!(from_vec, primes, "call {call}");
        assert_eq!(tenth, Some(9), "call {call}");
        assert_eq!(found, Some((20, 73)), "call {call}");
        assert_eq!(zipped, [(2, 'a'), (3, 'b'), (5, 'c')], "call {call}");
        let calls = calls.into_inner();
        assert!(
            calls < 5 * READ_AHEAD,
            "call {call}: the filters ran {calls} times for five pipelines over {N} items"
        );
    }
}
