use std::sync::atomic::{AtomicU64, Ordering};

use par_for::par_for;

#[par_for]
fn main() {
    let data: Vec<u64> = (0..100).collect();
    let names: Vec<String> = data.iter().map(|x| x.to_string()).collect();
    let mut out = vec![0u64; 100];
    let total = AtomicU64::new(0);
    let add = |x: u64| {
        total.fetch_add(x, Ordering::Relaxed);
    };
    #[par_for]
    for (i, x) in data.iter().copied().enumerate() {
        add(i as u64 + x);
    }
    #[par_for]
    for s in names.iter().cloned() {
        add(s.len() as u64);
    }
    #[par_for]
    for x in data.iter().map(|x| x * 2).rev().skip(1).take(10).step_by(3) {
        add(x);
    }
    #[par_for]
    for x in data.iter().chain(data.iter()) {
        add(*x);
    }
    #[par_for]
    for w in data.windows(2) {
        add(w[0] * w[1]);
    }
    #[par_for]
    for c in data.chunks_exact(3) {
        add(c[0]);
    }
    #[par_for]
    for c in out.chunks_exact_mut(3) {
        c[0] = 1;
    }
    #[par_for]
    for (x, slot) in data.iter().copied().zip(out.iter_mut()) {
        *slot += x;
    }
    #[par_for]
    let pairs: Vec<u64> = data.windows(2).map(|w| w[0] + w[1]).collect();
    println!("{} {}", total.into_inner(), pairs.len());
}
