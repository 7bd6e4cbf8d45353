use std::sync::atomic::{AtomicU64, Ordering};

use par_for::par_for;

#[par_for]
fn main() {
    let data: Vec<u64> = (0..100).collect();
    let total = AtomicU64::new(0);
    #[par_for]
    for x in data.iter().peekable() {
        total.fetch_add(*x, Ordering::Relaxed);
    }
    #[par_for]
    for running in data.iter().scan(0, |sum, x| {
        *sum += x;
        Some(*sum)
    }) {
        total.fetch_add(running, Ordering::Relaxed);
    }
    #[par_for]
    for (i, x) in data.iter().filter(|x| **x % 3 == 0).enumerate() {
        total.fetch_add(i as u64 * x, Ordering::Relaxed);
    }
    println!("{}", total.into_inner());
}
