//! A byte histogram: how many times each value occurs.
//!
//! Change beyond the attribute: `counts[b as usize] += 1` updates an outer Vec from
//! every iteration, and several iterations update the same bin (rejected, with a hint to
//! use atomics or a merge reduction). Here the bins are `AtomicU64` and the body does
//! `counts[b as usize].fetch_add(1, Relaxed)`: a write through `&self`, which is safe
//! to share; the counts are exact whatever the order.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use par_for::par_for;

use super::SplitMix;

#[par_for]
fn histogram(data: &[u8]) -> Vec<u64> {
    let counts: Vec<AtomicU64> = (0..256).map(|_| AtomicU64::new(0)).collect();
    #[par_for]
    for &b in data {
        counts[b as usize].fetch_add(1, Relaxed);
    }
    counts.into_iter().map(AtomicU64::into_inner).collect()
}

fn histogram_serial(data: &[u8]) -> Vec<u64> {
    let mut counts = vec![0u64; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    counts
}

#[test]
fn histogram_matches_serial() {
    let mut rng = SplitMix::new(9);
    let data: Vec<u8> = (0..50_000).map(|_| (rng.below(256) as u8) / 3).collect();
    assert_eq!(histogram(&data), histogram_serial(&data));
}
